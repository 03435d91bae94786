// SPDX-License-Identifier: MIT
/*
 * Unit tests for channel membership and fan-out (chat/server/channel.c),
 * on real clients over socketpairs, without the event loop.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "server.h"

#define NCLIENTS 6
#define TEST_SENDQ 4096

static struct server srv;
static struct client *clients[NCLIENTS];
static int peer_fds[NCLIENTS];

static int setup(void **state)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	int i;

	(void)state;
	memset(&srv, 0, sizeof(srv));
	srv.cfg.max_channels = 3;
	srv.cfg.sendq = TEST_SENDQ;
	srv.cfg.name = "test.server";
	list_init(&srv.clients);
	list_init(&srv.dirty);
	list_init(&srv.throttled);
	list_init(&srv.dead);
	list_init(&srv.monitoring);
	assert_int_equal(hmap_init(&srv.nicks), 0);
	assert_int_equal(hmap_init(&srv.channels), 0);
	srv.epfd = epoll_create1(0);
	assert_true(srv.epfd >= 0);
	for (i = 0; i < NCLIENTS; i++) {
		int sv[2];
		char nick[8];

		assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
		clients[i] = client_new(&srv, sv[0],
					(struct sockaddr *)&addr);
		assert_non_null(clients[i]);
		peer_fds[i] = sv[1];
		snprintf(nick, sizeof(nick), "c%d", i);
		client_set_nick(clients[i], nick);
		clients[i]->registered = true;
	}
	return 0;
}

static int teardown(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < NCLIENTS; i++) {
		client_destroy(clients[i], false);
		close(peer_fds[i]);
	}
	channel_free_all(&srv);
	assert_int_equal(srv.channels.count, 0);
	hmap_free(&srv.nicks);
	hmap_free(&srv.channels);
	close(srv.epfd);
	outq_pool_drain();
	return 0;
}

/* Every cross-reference between channel and client agrees. */
static void check_links(struct channel *ch)
{
	uint32_t i;

	for (i = 0; i < ch->nmembers; i++) {
		struct member *m = &ch->members[i];
		struct membership *ms = &m->client->channels[m->slot];

		assert_ptr_equal(ms->chan, ch);
		assert_int_equal(ms->index, i);
	}
}

static struct channel *make_channel(const char *name, int members)
{
	struct channel *ch = channel_get(&srv, name);
	int i;

	assert_non_null(ch);
	for (i = 0; i < members; i++)
		assert_int_equal(channel_join(ch, clients[i]), 0);
	return ch;
}

static void first_member_is_operator(void **state)
{
	struct channel *ch = make_channel("#ops", 3);

	(void)state;
	assert_true(channel_member(ch, clients[0])->op);
	assert_false(channel_member(ch, clients[1])->op);
	assert_null(channel_member(ch, clients[4]));
	assert_ptr_equal(channel_find(&srv, "#OPS"), ch);
}

static void leaving_keeps_links_consistent(void **state)
{
	struct channel *a = make_channel("#a", NCLIENTS);
	struct channel *b = make_channel("#b", NCLIENTS);

	(void)state;
	check_links(a);
	assert_false(channel_leave(a, clients[2]));
	assert_false(channel_leave(b, clients[0]));
	assert_false(channel_leave(a, clients[2]));     /* not a member */
	check_links(a);
	check_links(b);
	assert_int_equal(a->nmembers, NCLIENTS - 1);
	assert_int_equal(clients[2]->nchannels, 1);
	assert_null(channel_member(a, clients[2]));
	assert_non_null(channel_member(b, clients[2]));
}

static void last_member_leaving_frees_channel(void **state)
{
	struct channel *ch = make_channel("#tiny", 2);

	(void)state;
	assert_false(channel_leave(ch, clients[0]));
	assert_true(channel_leave(ch, clients[1]));
	assert_null(channel_find(&srv, "#tiny"));
}

static void fan_out_skips_sender(void **state)
{
	struct channel *ch = make_channel("#fan", 4);
	int i;

	(void)state;
	channel_send(ch, "hello\r\n", 7, clients[1]);
	for (i = 0; i < NCLIENTS; i++)
		assert_int_equal(clients[i]->out.bytes,
				 i < 4 && i != 1 ? 7 : 0);
	assert_int_equal(srv.stats.deliveries, 3);
}

static void peers_get_one_copy(void **state)
{
	make_channel("#x", 3);
	make_channel("#y", 4);

	(void)state;
	send_to_peers(clients[0], "q\r\n", 3, true);
	assert_int_equal(clients[0]->out.bytes, 3);
	assert_int_equal(clients[1]->out.bytes, 3);
	assert_int_equal(clients[3]->out.bytes, 3);
	assert_int_equal(clients[4]->out.bytes, 0);
}

static void over_full_queue_kills_only_that_client(void **state)
{
	struct channel *ch = make_channel("#full", 3);
	char line[500];
	int i;

	(void)state;
	memset(line, 'z', sizeof(line));
	/* Fill c2's queue; the others drain as a fast reader would. */
	for (i = 0; i < 2 * TEST_SENDQ / (int)sizeof(line); i++) {
		channel_send(ch, line, sizeof(line), clients[0]);
		outq_clear(&clients[1]->out);
	}
	assert_true(clients[2]->is_dead);
	assert_string_equal(clients[2]->quit_reason, "SendQ exceeded");
	assert_false(clients[1]->is_dead);
	assert_true(clients[2]->out.bytes <= TEST_SENDQ);
	assert_int_equal(srv.stats.killed_sendq, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(first_member_is_operator,
						setup, teardown),
		cmocka_unit_test_setup_teardown(leaving_keeps_links_consistent,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			last_member_leaving_frees_channel, setup, teardown),
		cmocka_unit_test_setup_teardown(fan_out_skips_sender, setup,
						teardown),
		cmocka_unit_test_setup_teardown(peers_get_one_copy, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			over_full_queue_kills_only_that_client, setup,
			teardown),
	};

	return cmocka_run_group_tests_name("server_channel", tests, NULL,
					   NULL);
}
