// SPDX-License-Identifier: MIT
/*
 * Channels and fan-out.  A channel keeps its members in an array and
 * each client keeps its memberships in another; each side records the
 * other's index, so joining and leaving are O(1) swap-removes however
 * large the channel is.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

#define MEMBERS_MIN 8

struct channel *channel_find(struct server *srv, const char *name)
{
	struct hmap_node *n = hmap_find(&srv->channels, name);

	return n ? container_of(n, struct channel, node) : NULL;
}

struct channel *channel_get(struct server *srv, const char *name)
{
	struct channel *ch = channel_find(srv, name);

	if (ch)
		return ch;
	ch = calloc(1, sizeof(*ch));
	if (!ch)
		return NULL;
	snprintf(ch->name, sizeof(ch->name), "%s", name);
	ch->created = time(NULL);
	ch->node.key = ch->name;
	hmap_insert(&srv->channels, &ch->node);
	return ch;
}

static void channel_free(struct server *srv, struct channel *ch)
{
	hmap_remove(&srv->channels, &ch->node);
	free(ch->members);
	free(ch);
}

static int reserve_member(struct channel *ch)
{
	uint32_t cap = ch->cap ? ch->cap * 2 : MEMBERS_MIN;
	struct member *m;

	if (ch->nmembers < ch->cap)
		return 0;
	m = realloc(ch->members, cap * sizeof(*m));
	if (!m)
		return -1;
	ch->members = m;
	ch->cap = cap;
	return 0;
}

/* The first member of a channel is its operator. */
int channel_join(struct channel *ch, struct client *c)
{
	struct member *m;

	if (reserve_member(ch)) {
		if (!ch->nmembers)
			channel_free(c->srv, ch);
		return -1;
	}
	m = &ch->members[ch->nmembers];
	m->client = c;
	m->slot = c->nchannels;
	m->op = ch->nmembers == 0;
	c->channels[c->nchannels].chan = ch;
	c->channels[c->nchannels].index = ch->nmembers;
	c->nchannels++;
	ch->nmembers++;
	return 0;
}

static int membership_slot(const struct client *c, const struct channel *ch)
{
	unsigned i;

	for (i = 0; i < c->nchannels; i++)
		if (c->channels[i].chan == ch)
			return i;
	return -1;
}

struct member *channel_member(struct channel *ch, const struct client *c)
{
	int slot = membership_slot(c, ch);

	return slot < 0 ? NULL : &ch->members[c->channels[slot].index];
}

void member_prefix(const struct member *m, const struct client *viewer,
		   char *out)
{
	(void)viewer;
	out[0] = '\0';
	if (m->op)
		strcpy(out, "@");
}

bool channel_hidden_from(const struct channel *ch, const struct client *viewer)
{
	(void)ch;
	(void)viewer;
	return false;
}

static void remove_member(struct channel *ch, uint32_t index)
{
	struct member *last = &ch->members[--ch->nmembers];

	if (index == ch->nmembers)
		return;
	ch->members[index] = *last;
	last = &ch->members[index];
	last->client->channels[last->slot].index = index;
}

static void remove_membership(struct client *c, unsigned slot)
{
	struct membership *last = &c->channels[--c->nchannels];

	if (slot == c->nchannels)
		return;
	c->channels[slot] = *last;
	last = &c->channels[slot];
	last->chan->members[last->index].slot = slot;
}

/* Returns true when the channel emptied and was freed. */
bool channel_leave(struct channel *ch, struct client *c)
{
	int slot = membership_slot(c, ch);

	if (slot < 0)
		return false;
	remove_member(ch, c->channels[slot].index);
	remove_membership(c, slot);
	if (ch->nmembers)
		return false;
	channel_free(c->srv, ch);
	return true;
}

void channel_send(struct channel *ch, const char *line, size_t len,
		  const struct client *except)
{
	struct server *srv;
	uint32_t i;

	if (!ch->nmembers)
		return;
	srv = ch->members[0].client->srv;
	for (i = 0; i < ch->nmembers; i++) {
		struct client *to = ch->members[i].client;

		if (to != except) {
			client_send(to, line, len);
			srv->stats.deliveries++;
		}
	}
}

void channel_sendf(struct channel *ch, const struct client *except,
		   const char *fmt, ...)
{
	char line[IRC_LINE_MAX + 1];
	va_list ap;
	size_t len;

	va_start(ap, fmt);
	len = format_line(line, fmt, ap);
	va_end(ap);
	channel_send(ch, line, len, except);
}

static uint32_t next_mark(struct server *srv)
{
	struct list_node *pos;

	if (++srv->mark)
		return srv->mark;
	/* Wrapped: old marks could now look fresh, so clear them all. */
	list_for_each(pos, &srv->clients)
		container_of(pos, struct client, all)->mark = 0;
	return ++srv->mark;
}

/* Sends line once to everyone who shares a channel with c. */
void send_to_peers(struct client *c, const char *line, size_t len,
		   bool include_self)
{
	uint32_t mark = next_mark(c->srv);
	unsigned i;
	uint32_t k;

	c->mark = mark;
	if (include_self)
		client_send(c, line, len);
	for (i = 0; i < c->nchannels; i++) {
		struct channel *ch = c->channels[i].chan;

		for (k = 0; k < ch->nmembers; k++) {
			struct client *to = ch->members[k].client;

			if (to->mark == mark)
				continue;
			to->mark = mark;
			client_send(to, line, len);
			c->srv->stats.deliveries++;
		}
	}
}

static void free_channel_node(struct hmap_node *n, void *srv)
{
	channel_free(srv, container_of(n, struct channel, node));
}

void channel_free_all(struct server *srv)
{
	hmap_each(&srv->channels, free_channel_node, srv);
}
