// SPDX-License-Identifier: MIT
/*
 * MONITOR (IRCv3): a client names nicks it wants to hear about and gets
 * 730 when one signs on (registers or takes the nick) and 731 when it
 * signs off.  Only clients with a list are on srv->monitoring, so the
 * cost of a sign-on is the number of watchers, not of clients.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

struct monitor_list {
	unsigned count;
	char nicks[MONITOR_MAX][IRC_NICK_MAX + 1];
};

static int monitor_index(const struct monitor_list *m, const char *nick)
{
	unsigned i;

	for (i = 0; m && i < m->count; i++)
		if (!irc_casecmp(m->nicks[i], nick))
			return i;
	return -1;
}

void monitor_free(struct client *c)
{
	free(c->monitor);
	c->monitor = NULL;
	list_del_init(&c->monitoring);
}

static void notify(struct client *c, const char *nick, bool online,
		   const struct client *who)
{
	if (monitor_index(c->monitor, nick) < 0 || c->is_dead)
		return;
	if (online)
		client_reply(c, RPL_MONONLINE, ":%s", who->prefix);
	else
		client_reply(c, RPL_MONOFFLINE, ":%s", nick);
}

void monitor_signed_on(struct client *who)
{
	struct list_node *pos;

	list_for_each(pos, &who->srv->monitoring)
		notify(container_of(pos, struct client, monitoring), who->nick,
		       true, who);
}

void monitor_signed_off(struct client *who, const char *nick)
{
	struct list_node *pos;

	list_for_each(pos, &who->srv->monitoring)
		notify(container_of(pos, struct client, monitoring), nick,
		       false, who);
}

/* Replies are gathered into lines of as many targets as fit. */
struct reply_batch {
	struct client *c;
	int numeric;
	char text[IRC_LINE_MAX + 1];
	size_t used;
};

static void batch_flush(struct reply_batch *b)
{
	if (!b->used)
		return;
	client_reply(b->c, b->numeric, ":%s", b->text);
	b->used = 0;
}

static void batch_add(struct reply_batch *b, const char *item)
{
	size_t len = strlen(item);

	if (b->used + len + 1 > IRC_TEXT_MAX - PREFIX_MAX - 16)
		batch_flush(b);
	b->used += snprintf(b->text + b->used, sizeof(b->text) - b->used,
			    "%s%s", b->used ? "," : "", item);
}

struct monitor_add {
	struct client *c;
	struct reply_batch on, off;
	bool full;
};

static bool add_one(const char *nick, void *arg)
{
	struct monitor_add *a = arg;
	struct client *c = a->c;
	struct client *who;

	if (!irc_valid_nick(nick) || monitor_index(c->monitor, nick) >= 0)
		return true;
	if (c->monitor->count == MONITOR_MAX) {
		a->full = true;
		return false;
	}
	snprintf(c->monitor->nicks[c->monitor->count++], IRC_NICK_MAX + 1,
		 "%s", nick);
	who = client_find(c->srv, nick);
	if (who && who->registered)
		batch_add(&a->on, who->prefix);
	else
		batch_add(&a->off, nick);
	return true;
}

static void monitor_add(struct client *c, const char *targets)
{
	struct monitor_add a = { c, { c, RPL_MONONLINE, "", 0 },
				 { c, RPL_MONOFFLINE, "", 0 }, false };

	if (!c->monitor) {
		c->monitor = calloc(1, sizeof(*c->monitor));
		if (!c->monitor) {
			client_kill(c, "Out of memory");
			return;
		}
		list_add_tail(&c->srv->monitoring, &c->monitoring);
	}
	for_each_target(c, targets, 0, true, add_one, &a);
	batch_flush(&a.on);
	batch_flush(&a.off);
	if (a.full)
		client_reply(c, ERR_MONLISTFULL, "%d %s :Monitor list is full.",
			     MONITOR_MAX, targets);
}

static bool remove_one(const char *nick, void *arg)
{
	struct monitor_list *m = arg;
	int i = monitor_index(m, nick);

	if (i >= 0)
		memmove(m->nicks[i], m->nicks[--m->count],
		       sizeof(m->nicks[i]));
	return true;
}

static void monitor_list(struct client *c)
{
	struct reply_batch b = { c, RPL_MONLIST, "", 0 };
	unsigned i;

	for (i = 0; c->monitor && i < c->monitor->count; i++)
		batch_add(&b, c->monitor->nicks[i]);
	batch_flush(&b);
	client_reply(c, RPL_ENDOFMONLIST, ":End of MONITOR list");
}

static void monitor_status(struct client *c)
{
	struct reply_batch on = { c, RPL_MONONLINE, "", 0 };
	struct reply_batch off = { c, RPL_MONOFFLINE, "", 0 };
	unsigned i;

	for (i = 0; c->monitor && i < c->monitor->count; i++) {
		struct client *who = client_find(c->srv, c->monitor->nicks[i]);

		if (who && who->registered)
			batch_add(&on, who->prefix);
		else
			batch_add(&off, c->monitor->nicks[i]);
	}
	batch_flush(&on);
	batch_flush(&off);
}

void cmd_monitor(struct client *c, struct irc_msg *msg)
{
	char sub = msg->params[0][0];

	if ((sub == '+' || sub == '-') && msg->nparams < 2) {
		client_reply(c, ERR_NEEDMOREPARAMS, "MONITOR :Not enough "
			     "parameters");
		return;
	}
	switch (sub) {
	case '+':
		monitor_add(c, msg->params[1]);
		break;
	case '-':
		if (c->monitor)
			for_each_target(c, msg->params[1], 0, true,
					remove_one, c->monitor);
		break;
	case 'C': case 'c':
		monitor_free(c);
		break;
	case 'L': case 'l':
		monitor_list(c);
		break;
	case 'S': case 's':
		monitor_status(c);
		break;
	}
}
