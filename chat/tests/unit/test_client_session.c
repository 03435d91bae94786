/* Unit tests for chat/client/session.c: registration, nick retries,
 * channel tracking, driven with protocol lines instead of a socket. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "session.h"

#define LOG_MAX 64

struct log {
	int nsent, nshown;
	char sent[LOG_MAX][IRC_LINE_MAX];
	char shown[LOG_MAX][2 * IRC_LINE_MAX];
};

static struct log lg;
static struct session s;

static void record_send(void *ctx, const char *line)
{
	(void)ctx;
	if (lg.nsent < LOG_MAX)
		snprintf(lg.sent[lg.nsent++], IRC_LINE_MAX, "%s", line);
}

static void record_show(void *ctx, const char *text)
{
	(void)ctx;
	if (lg.nshown < LOG_MAX)
		snprintf(lg.shown[lg.nshown++], 2 * IRC_LINE_MAX, "%s", text);
}

static const struct session_io io = { record_send, record_show, NULL };

static void feed(const char *raw)
{
	char line[IRC_LINE_MAX];

	snprintf(line, sizeof(line), "%s", raw);
	session_receive(&s, line);
}

static const char *last_sent(void)
{
	return lg.nsent ? lg.sent[lg.nsent - 1] : "";
}

static int setup(void **state)
{
	(void)state;
	memset(&lg, 0, sizeof(lg));
	session_start(&s, &io, "alice", "alice", "#lobby");
	return 0;
}

static void registers_then_joins(void **state)
{
	(void)state;
	assert_int_equal(lg.nsent, 2);
	assert_string_equal(lg.sent[0], "NICK alice");
	assert_string_equal(lg.sent[1], "USER alice 0 * :cchat user");
	assert_int_equal(s.state, SESSION_REGISTERING);
	feed(":srv 001 alice :Welcome");
	assert_int_equal(s.state, SESSION_READY);
	assert_string_equal(last_sent(), "JOIN #lobby");
	assert_string_equal(s.current, "#lobby");
	feed(":alice!a@h JOIN #lobby");
	assert_int_equal(s.njoined, 1);
}

static void answers_ping(void **state)
{
	(void)state;
	feed("PING :tok123");
	assert_string_equal(last_sent(), "PONG :tok123");
}

static void taken_nick_is_retried(void **state)
{
	(void)state;
	feed(":srv 433 * alice :Nickname is already in use");
	assert_string_equal(last_sent(), "NICK alice_");
	feed(":srv 433 * alice_ :Nickname is already in use");
	assert_string_equal(last_sent(), "NICK alice2");
	feed(":srv 001 alice2 :Welcome");
	assert_string_equal(s.nick, "alice2");
	/* Once registered, a taken nick is only reported. */
	lg.nsent = 0;
	feed(":srv 433 alice2 bob :Nickname is already in use");
	assert_int_equal(lg.nsent, 0);
	assert_string_equal(s.nick, "alice2");
}

static void gives_up_after_many_nicks(void **state)
{
	int i;

	(void)state;
	for (i = 0; i <= SESSION_NICK_TRIES; i++)
		feed(":srv 433 * x :Nickname is already in use");
	assert_int_equal(s.state, SESSION_FAILED);
	assert_non_null(strstr(s.error, "nick"));
}

static void refused_nick_fails(void **state)
{
	(void)state;
	feed(":srv 432 * alice :Erroneous nickname");
	assert_int_equal(s.state, SESSION_FAILED);
	assert_non_null(strstr(s.error, "Erroneous"));
}

static void alternative_nicks_fit(void **state)
{
	char out[IRC_NICK_MAX + 1];

	(void)state;
	session_alt_nick("bob", 1, out, sizeof(out));
	assert_string_equal(out, "bob_");
	session_alt_nick("ninechars", 1, out, sizeof(out));
	assert_string_equal(out, "ninechar_");
	session_alt_nick("ninechars", 10, out, sizeof(out));
	assert_string_equal(out, "ninecha10");
	session_alt_nick("averyveryverylongnick", 3, out, sizeof(out));
	assert_string_equal(out, "averyveryverylongnick3");
}

static void part_and_kick_move_current(void **state)
{
	(void)state;
	feed(":srv 001 alice :Welcome");
	feed(":alice!a@h JOIN #lobby");
	assert_int_equal(session_input(&s, "/join #dev"), CMD_SEND);
	assert_string_equal(s.current, "#dev");
	feed(":alice!a@h JOIN #dev");
	feed(":alice!a@h PART #dev");
	assert_string_equal(s.current, "#lobby");
	feed(":op!o@h KICK #lobby alice :out");
	assert_string_equal(s.current, "");
	assert_int_equal(s.njoined, 0);
}

static void refused_join_is_not_current(void **state)
{
	(void)state;
	feed(":srv 001 alice :Welcome");
	feed(":alice!a@h JOIN #lobby");
	session_input(&s, "/join #secret");
	assert_string_equal(s.current, "#secret");
	feed(":srv 475 alice #secret :Cannot join channel (+k)");
	assert_string_equal(s.current, "#lobby");
}

static void own_nick_change_is_tracked(void **state)
{
	(void)state;
	feed(":srv 001 alice :Welcome");
	feed(":ALICE!a@h NICK :zed");
	assert_string_equal(s.nick, "zed");
	feed(":bob!b@h NICK :bobby");
	assert_string_equal(s.nick, "zed");
}

static void own_messages_are_echoed(void **state)
{
	(void)state;
	feed(":srv 001 alice :Welcome");
	lg.nshown = 0;
	assert_int_equal(session_input(&s, "hi all"), CMD_SEND);
	assert_string_equal(last_sent(), "PRIVMSG #lobby :hi all");
	assert_int_equal(lg.nshown, 1);
	assert_string_equal(lg.shown[0], "<alice -> #lobby> hi all");
}

static void errors_and_help_are_shown_not_sent(void **state)
{
	(void)state;
	feed(":srv 001 alice :Welcome");
	lg.nsent = lg.nshown = 0;
	assert_int_equal(session_input(&s, "/bogus"), CMD_ERROR);
	assert_int_equal(lg.nsent, 0);
	assert_int_equal(lg.nshown, 1);
	assert_int_equal(session_input(&s, "/help"), CMD_HELP);
	assert_int_equal(lg.nsent, 0);
	assert_true(lg.nshown > 10);
	assert_int_equal(session_input(&s, "/quit bye"), CMD_QUIT);
	assert_int_equal(s.state, SESSION_QUITTING);
	assert_string_equal(last_sent(), "QUIT :bye");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(registers_then_joins, setup),
		cmocka_unit_test_setup(answers_ping, setup),
		cmocka_unit_test_setup(taken_nick_is_retried, setup),
		cmocka_unit_test_setup(gives_up_after_many_nicks, setup),
		cmocka_unit_test_setup(refused_nick_fails, setup),
		cmocka_unit_test_setup(alternative_nicks_fit, setup),
		cmocka_unit_test_setup(part_and_kick_move_current, setup),
		cmocka_unit_test_setup(refused_join_is_not_current, setup),
		cmocka_unit_test_setup(own_nick_change_is_tracked, setup),
		cmocka_unit_test_setup(own_messages_are_echoed, setup),
		cmocka_unit_test_setup(errors_and_help_are_shown_not_sent, setup),
	};

	return cmocka_run_group_tests_name("client_session", tests, NULL, NULL);
}
