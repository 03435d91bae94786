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
	ch->modes = CMODE_NO_OUTSIDE;
	ch->node.key = ch->name;
	hmap_insert(&srv->channels, &ch->node);
	return ch;
}

static void channel_free(struct server *srv, struct channel *ch)
{
	hmap_remove(&srv->channels, &ch->node);
	free(ch->members);
	free(ch->bans);
	free(ch->invites);
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
	m->voice = false;
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

/* The highest status only, unless viewer asked for multi-prefix. */
void member_prefix(const struct member *m, const struct client *viewer,
		   char *out)
{
	size_t n = 0;

	if (m->op)
		out[n++] = '@';
	if (m->voice && (!n || (viewer && viewer->caps & CAP_MULTI_PREFIX)))
		out[n++] = '+';
	out[n] = '\0';
}

bool channel_hidden_from(const struct channel *ch, const struct client *viewer)
{
	return (ch->modes & (CMODE_SECRET | CMODE_PRIVATE)) &&
	       !channel_member((struct channel *)ch, viewer);
}

bool channel_banned(const struct channel *ch, const struct client *c)
{
	unsigned i;

	for (i = 0; i < ch->nbans; i++)
		if (irc_mask_match(ch->bans[i].mask, c->prefix))
			return true;
	return false;
}

bool channel_may_send(const struct channel *ch, const struct client *c,
		      const struct member *m)
{
	if (!m)
		return !(ch->modes & CMODE_NO_OUTSIDE) &&
		       !(ch->modes & CMODE_MODERATED) &&
		       !channel_banned(ch, c);
	if (m->op || m->voice)
		return true;
	return !(ch->modes & CMODE_MODERATED) && !channel_banned(ch, c);
}

/* The oldest invitation makes room for a new one. */
int channel_invite(struct channel *ch, const char *nick)
{
	channel_take_invite(ch, nick);  /* no nick twice */
	if (!ch->invites) {
		ch->invites = calloc(INVITES_MAX, sizeof(*ch->invites));
		if (!ch->invites)
			return -1;
	}
	if (ch->ninvites == INVITES_MAX) {
		memmove(ch->invites[0], ch->invites[1],
			(INVITES_MAX - 1) * sizeof(*ch->invites));
		ch->ninvites--;
	}
	snprintf(ch->invites[ch->ninvites++], sizeof(*ch->invites), "%s",
		 nick);
	return 0;
}

bool channel_take_invite(struct channel *ch, const char *nick)
{
	unsigned i;

	for (i = 0; i < ch->ninvites; i++) {
		if (irc_casecmp(ch->invites[i], nick))
			continue;
		memmove(ch->invites[i], ch->invites[i + 1],
			(ch->ninvites - i - 1) * sizeof(*ch->invites));
		ch->ninvites--;
		return true;
	}
	return false;
}

void channel_send_caps(struct channel *ch, unsigned caps, const char *line,
		       size_t len, const struct client *except)
{
	uint32_t i;

	for (i = 0; i < ch->nmembers; i++) {
		struct client *to = ch->members[i].client;

		if (to != except && (to->caps & caps) == caps) {
			client_send(to, line, len);
			to->srv->stats.deliveries++;
		}
	}
}

static bool has_status(const struct member *m, char prefix)
{
	return m->op || (prefix == '+' && m->voice);
}

void channel_send_status(struct channel *ch, char prefix, const char *line,
			 size_t len, const struct client *except)
{
	uint32_t i;

	for (i = 0; i < ch->nmembers; i++) {
		struct member *m = &ch->members[i];

		if (m->client != except && has_status(m, prefix)) {
			client_send(m->client, line, len);
			m->client->srv->stats.deliveries++;
		}
	}
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

void send_to_peers(struct client *c, const char *line, size_t len,
		   bool include_self)
{
	if (include_self)
		client_send(c, line, len);
	send_to_peers_with(c, line, len, 0);
}

/* Once to everyone who shares a channel with c and has the caps; c
 * itself too if it has them (it is its own peer for IRCv3's sake). */
void send_to_peers_with(struct client *c, const char *line, size_t len,
			unsigned caps)
{
	uint32_t mark = next_mark(c->srv);
	unsigned i;
	uint32_t k;

	c->mark = mark;
	if (caps && (c->caps & caps) == caps)
		client_send(c, line, len);
	for (i = 0; i < c->nchannels; i++) {
		struct channel *ch = c->channels[i].chan;

		for (k = 0; k < ch->nmembers; k++) {
			struct client *to = ch->members[k].client;

			if (to->mark == mark)
				continue;
			to->mark = mark;
			if ((to->caps & caps) != caps)
				continue;
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
