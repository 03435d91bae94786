// SPDX-License-Identifier: MIT
/*
 * Channel commands: JOIN, PART, TOPIC, NAMES, LIST, WHO, KICK, INVITE
 * and the dispatch of MODE (channel_modes.c, user_commands.c).
 * docs/irc.md lists every reply.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

void send_topic(struct client *c, struct channel *ch, bool say_none)
{
	if (ch->topic[0]) {
		client_reply(c, RPL_TOPIC, "%s :%s", ch->name, ch->topic);
		client_reply(c, RPL_TOPICWHOTIME, "%s %s %lld", ch->name, ch->topic_by,
			     (long long)ch->topic_time);
	} else if (say_none) {
		client_reply(c, RPL_NOTOPIC, "%s :No topic is set", ch->name);
	}
}

static void send_names_line(struct client *c, char *line, size_t len)
{
	line[len++] = '\r';
	line[len++] = '\n';
	client_send(c, line, len);
}

/* '=' public, '@' secret, '*' private (RFC 2812 353). */
static char channel_symbol(const struct channel *ch)
{
	if (ch->modes & CMODE_SECRET)
		return '@';
	return ch->modes & CMODE_PRIVATE ? '*' : '=';
}

/* "@+nick", or "@+nick!user@host" for userhost-in-names, into out. */
static size_t name_entry(const struct member *m, const struct client *viewer,
			 char *out, size_t size)
{
	char prefix[3];
	const struct client *who = m->client;
	int n;

	member_prefix(m, viewer, prefix);
	if (viewer->caps & CAP_USERHOST_IN_NAMES)
		n = snprintf(out, size, "%s%s", prefix, who->prefix);
	else
		n = snprintf(out, size, "%s%s", prefix, who->nick);
	return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

/* As many names per 353 line as fit in IRC_LINE_MAX. */
void send_names(struct client *c, struct channel *ch)
{
	char line[IRC_LINE_MAX + 1];
	size_t head = snprintf(line, sizeof(line), ":%s %03d %s %c %s :",
			       c->srv->cfg.name, RPL_NAMREPLY, client_nick(c),
			       channel_symbol(ch), ch->name);
	size_t used = head;
	uint32_t i;

	for (i = 0; !channel_hidden_from(ch, c) && i < ch->nmembers; i++) {
		char entry[PREFIX_MAX + 4];
		size_t len = name_entry(&ch->members[i], c, entry,
					sizeof(entry));

		if (used + len + 1 > IRC_TEXT_MAX) {
			send_names_line(c, line, used);
			used = head;
		}
		if (used > head)
			line[used++] = ' ';
		memcpy(line + used, entry, len);
		used += len;
	}
	if (used > head)
		send_names_line(c, line, used);
	client_reply(c, RPL_ENDOFNAMES, "%s :End of /NAMES list.", ch->name);
}

/* The key given for each channel of a JOIN, by position. */
struct join_args {
	struct client *client;
	char names[IRC_LINE_MAX + 1];
	char keys[IRC_LINE_MAX + 1];
	char *name_at[IRC_TEXT_MAX / 2 + 1];
	char *key_at[IRC_TEXT_MAX / 2 + 1];
	unsigned nnames, nkeys;
};

static unsigned split_list(char *list, char **items, unsigned max)
{
	char *save = NULL, *item;
	unsigned n = 0;

	/* strsep keeps empty items, so positions stay aligned. */
	for (save = list; n < max && (item = strsep(&save, ","));)
		items[n++] = item;
	return n;
}

static const char *key_for(const struct join_args *a, const char *name)
{
	unsigned i;

	for (i = 0; i < a->nnames && i < a->nkeys; i++)
		if (!irc_casecmp(a->name_at[i], name))
			return a->key_at[i];
	return "";
}

/* Bans first, then invite-only, key and limit (an invitation lets a
 * client past +i and +l, not past a ban or a key). */
static bool may_join(struct client *c, struct channel *ch, const char *key)
{
	bool invited;

	if (channel_banned(ch, c)) {
		client_reply(c, ERR_BANNEDFROMCHAN, "%s :Cannot join channel "
			     "(+b)", ch->name);
		return false;
	}
	if (ch->key[0] && strcmp(ch->key, key)) {
		client_reply(c, ERR_BADCHANNELKEY, "%s :Cannot join channel "
			     "(+k)", ch->name);
		return false;
	}
	if ((ch->modes & CMODE_SECURE_ONLY) && !c->encrypted) {
		client_reply(c, ERR_SECUREONLYCHAN, "%s :Cannot join channel "
			     "(+z) - encrypted connections only (TLS or the "
			     "encrypted port)", ch->name);
		return false;
	}
	if ((ch->modes & CMODE_REGISTERED) && !c->account[0]) {
		client_reply(c, ERR_NEEDREGGEDNICK, "%s :Cannot join channel "
			     "(+R) - you need to be logged in", ch->name);
		return false;
	}
	invited = channel_take_invite(ch, c->nick);
	if ((ch->modes & CMODE_INVITE) && !invited) {
		client_reply(c, ERR_INVITEONLYCHAN, "%s :Cannot join channel "
			     "(+i)", ch->name);
		return false;
	}
	if (ch->limit && ch->nmembers >= ch->limit && !invited) {
		client_reply(c, ERR_CHANNELISFULL, "%s :Cannot join channel "
			     "(+l)", ch->name);
		return false;
	}
	return true;
}

static bool join_one(const char *name, void *arg)
{
	struct join_args *a = arg;
	struct client *c = a->client;
	struct channel *ch;
	char line[IRC_LINE_MAX + 1];
	size_t len;

	if (!irc_valid_channel(name)) {
		err_no_such_channel(c, name);
		return true;
	}
	ch = channel_find(c->srv, name);
	if (ch && channel_member(ch, c))
		return true;
	if (c->nchannels >= c->srv->cfg.max_channels) {
		client_reply(c, ERR_TOOMANYCHANNELS,
			     "%s :You have joined too many channels", name);
		return true;
	}
	if (ch && !may_join(c, ch, key_for(a, name)))
		return true;
	ch = channel_get(c->srv, name);
	if (!ch || channel_join(ch, c)) {
		client_kill(c, "Out of memory");
		return false;
	}
	len = client_line(c, line, "JOIN %s", ch->name);
	channel_send(ch, line, len, NULL);
	if (c->away[0])
		send_away_notify(c, ch);  /* away-notify: state on JOIN */
	send_topic(c, ch, false);
	send_names(c, ch);
	return !c->is_dead;
}

static void part_channel(struct client *c, struct channel *ch,
			 const char *reason)
{
	char line[IRC_LINE_MAX + 1];
	size_t len;

	if (reason && reason[0])
		len = client_line(c, line, "PART %s :%s", ch->name, reason);
	else
		len = client_line(c, line, "PART %s", ch->name);
	channel_send(ch, line, len, NULL);
	channel_leave(ch, c);
}

void cmd_join(struct client *c, struct irc_msg *msg)
{
	if (!strcmp(msg->params[0], "0")) {
		while (c->nchannels)
			part_channel(c, c->channels[c->nchannels - 1].chan,
				     NULL);
		return;
	}
	struct join_args *a;

	a = calloc(1, sizeof(*a));
	if (!a) {
		client_kill(c, "Out of memory");
		return;
	}
	a->client = c;
	snprintf(a->names, sizeof(a->names), "%s", msg->params[0]);
	snprintf(a->keys, sizeof(a->keys), "%s",
		 msg->nparams > 1 ? msg->params[1] : "");
	a->nnames = split_list(a->names, a->name_at, IRC_TEXT_MAX / 2 + 1);
	a->nkeys = msg->nparams > 1 ?
		   split_list(a->keys, a->key_at, IRC_TEXT_MAX / 2 + 1) : 0;
	for_each_target(c, msg->params[0], TARGMAX_JOIN, false, join_one, a);
	free(a);
}

struct part_args {
	struct client *client;
	const char *reason;
};

static bool part_one(const char *name, void *arg)
{
	struct part_args *a = arg;
	struct channel *ch = channel_find(a->client->srv, name);

	if (!ch)
		err_no_such_channel(a->client, name);
	else if (!channel_member(ch, a->client))
		err_not_on_channel(a->client, name);
	else
		part_channel(a->client, ch, a->reason);
	return true;
}

void cmd_part(struct client *c, struct irc_msg *msg)
{
	struct part_args a = { c, msg->nparams > 1 ? msg->params[1] : NULL };

	for_each_target(c, msg->params[0], TARGMAX_PART, false, part_one, &a);
}

void cmd_topic(struct client *c, struct irc_msg *msg)
{
	struct channel *ch = channel_find(c->srv, msg->params[0]);
	struct member *me;
	const char *topic;
	size_t len;

	if (!ch) {
		err_no_such_channel(c, msg->params[0]);
		return;
	}
	if (msg->nparams == 1) {
		send_topic(c, ch, true);
		return;
	}
	me = channel_member(ch, c);
	if (!me) {
		err_not_on_channel(c, ch->name);
		return;
	}
	if ((ch->modes & CMODE_TOPIC_OPS) && !me->op) {
		err_not_operator(c, ch->name);
		return;
	}
	topic = msg->params[1];
	len = irc_utf8_cut(topic, strlen(topic), IRC_TOPIC_MAX);
	memcpy(ch->topic, topic, len);
	ch->topic[len] = '\0';
	snprintf(ch->topic_by, sizeof(ch->topic_by), "%s", c->prefix);
	ch->topic_time = time(NULL);
	channel_sendf(ch, NULL, ":%s TOPIC %s :%s", c->prefix, ch->name,
		      ch->topic);
}

static bool names_one(const char *name, void *arg)
{
	struct client *c = arg;
	struct channel *ch = channel_find(c->srv, name);

	if (ch)
		send_names(c, ch);
	else
		client_reply(c, RPL_ENDOFNAMES, "%s :End of /NAMES list.", name);
	return true;
}

void cmd_names(struct client *c, struct irc_msg *msg)
{
	if (!msg->nparams) {
		client_reply(c, RPL_ENDOFNAMES, "* :End of /NAMES list.");
		return;
	}
	for_each_target(c, msg->params[0], TARGMAX_NAMES, false, names_one, c);
}

static void list_channel(struct client *c, struct channel *ch)
{
	client_reply(c, RPL_LIST, "%s %u :%s", ch->name, ch->nmembers,
		     ch->topic);
}

/* ELIST=U: "LIST >n,<m" keeps channels with more than n and fewer
 * than m members. */
struct list_walk {
	struct client *client;
	unsigned more_than, fewer_than;
};

static void list_node(struct hmap_node *n, void *arg)
{
	struct channel *ch = container_of(n, struct channel, node);
	struct list_walk *w = arg;

	if (!channel_hidden_from(ch, w->client) &&
	    ch->nmembers > w->more_than && ch->nmembers < w->fewer_than)
		list_channel(w->client, ch);
}

static bool list_one(const char *name, void *arg)
{
	struct client *c = arg;
	struct channel *ch = channel_find(c->srv, name);

	if (ch && !channel_hidden_from(ch, c))
		list_channel(c, ch);
	return true;
}

static bool is_list_filter(const char *param)
{
	return param[0] == '<' || param[0] == '>';
}

/* Unknown conditions are ignored, as ELIST leaves them to the server. */
static bool list_condition(const char *cond, void *arg)
{
	struct list_walk *w = arg;
	char *end;
	unsigned long n = strtoul(cond + 1, &end, 10);

	if (*end || end == cond + 1 || n > UINT32_MAX)
		return true;
	if (cond[0] == '>' && n > w->more_than)
		w->more_than = n;
	else if (cond[0] == '<' && n < w->fewer_than)
		w->fewer_than = n;
	return true;
}

void cmd_list(struct client *c, struct irc_msg *msg)
{
	struct list_walk w = { c, 0, UINT32_MAX };

	client_reply(c, RPL_LISTSTART, "Channel :Users  Name");
	if (msg->nparams && !is_list_filter(msg->params[0])) {
		for_each_target(c, msg->params[0], TARGMAX_LIST, false,
				list_one, c);
	} else {
		if (msg->nparams)
			for_each_target(c, msg->params[0], 0, true,
					list_condition, &w);
		hmap_each(&c->srv->channels, list_node, &w);
	}
	client_reply(c, RPL_LISTEND, ":End of /LIST");
}

/* Flags: H here or G gone (away), '*' for an operator, then the
 * member's channel status. */
static void who_reply(struct client *c, const char *chan,
		      const struct client *who, const struct member *m)
{
	char prefix[3] = "";

	if (m)
		member_prefix(m, c, prefix);
	client_reply(c, RPL_WHOREPLY, "%s %s %s %s %s %c%s%s :0 %s", chan,
		     who->user, who->host, c->srv->cfg.name, who->nick,
		     who->away[0] ? 'G' : 'H', who->mode_oper ? "*" : "",
		     prefix, who->realname);
}

/* Only a channel name or an exact nick is understood as a mask. */
void cmd_who(struct client *c, struct irc_msg *msg)
{
	const char *mask = msg->nparams ? msg->params[0] : "*";
	struct channel *ch = irc_is_channel(mask) ?
			     channel_find(c->srv, mask) : NULL;
	struct client *who = ch ? NULL : client_find(c->srv, mask);
	uint32_t i;

	if (ch && !channel_hidden_from(ch, c))
		for (i = 0; i < ch->nmembers; i++)
			who_reply(c, ch->name, ch->members[i].client,
				  &ch->members[i]);
	else if (who && who->registered)
		who_reply(c, "*", who, NULL);
	client_reply(c, RPL_ENDOFWHO, "%s :End of /WHO list.", mask);
}

bool kick_member(struct channel *ch, struct client *target,
		 const char *source, const char *reason)
{
	char line[IRC_LINE_MAX + 1];
	size_t len = line_printf(line, ":%s KICK %s %s :%.*s", source,
				 ch->name, target->nick, REASON_MAX, reason);

	channel_send(ch, line, len, NULL);
	return channel_leave(ch, target);
}

struct kick_args {
	struct client *client;
	struct channel *chan;
	const char *reason;
};

static bool kick_one(const char *nick, void *arg)
{
	struct kick_args *a = arg;
	struct client *target = client_find(a->client->srv, nick);

	if (!target) {
		err_no_such_nick(a->client, nick);
		return true;
	}
	if (!channel_member(a->chan, target)) {
		client_reply(a->client, ERR_USERNOTINCHANNEL, "%s %s :They aren't on that "
			     "channel", nick, a->chan->name);
		return true;
	}
	return !kick_member(a->chan, target, a->client->prefix, a->reason);
}

void cmd_kick(struct client *c, struct irc_msg *msg)
{
	struct channel *ch = channel_find(c->srv, msg->params[0]);
	struct member *me = ch ? channel_member(ch, c) : NULL;
	struct kick_args a = { c, ch, c->nick };

	if (!ch) {
		err_no_such_channel(c, msg->params[0]);
		return;
	}
	if (!me) {
		err_not_on_channel(c, ch->name);
		return;
	}
	if (!me->op) {
		err_not_operator(c, ch->name);
		return;
	}
	if (msg->nparams > 2 && msg->params[2][0])
		a.reason = msg->params[2];
	for_each_target(c, msg->params[1], TARGMAX_KICK, false, kick_one, &a);
}

void cmd_mode(struct client *c, struct irc_msg *msg)
{
	if (irc_is_channel(msg->params[0]))
		channel_mode(c, msg);
	else
		user_mode(c, msg);
}

/* INVITE nick #chan: the channel must exist and the inviter be on it
 * (an operator, if it is +i); the invitation is remembered for one
 * JOIN. */
void cmd_invite(struct client *c, struct irc_msg *msg)
{
	struct client *target = client_find(c->srv, msg->params[0]);
	struct channel *ch = channel_find(c->srv, msg->params[1]);
	struct member *me = ch ? channel_member(ch, c) : NULL;

	if (!target || !target->registered) {
		err_no_such_nick(c, msg->params[0]);
	} else if (!ch) {
		err_no_such_channel(c, msg->params[1]);
	} else if (!me) {
		err_not_on_channel(c, ch->name);
	} else if ((ch->modes & CMODE_INVITE) && !me->op) {
		err_not_operator(c, ch->name);
	} else if (channel_member(ch, target)) {
		client_reply(c, ERR_USERONCHANNEL, "%s %s :is already on "
			     "channel", target->nick, ch->name);
	} else if (channel_invite(ch, target->nick)) {
		client_kill(c, "Out of memory");
	} else {
		client_reply(c, RPL_INVITING, "%s %s", target->nick, ch->name);
		client_sendf(target, ":%s INVITE %s %s", c->prefix,
			     target->nick, ch->name);
		if (target->away[0])
			client_reply(c, RPL_AWAY, "%s :%s", target->nick,
				     target->away);
		send_invite_notify(c, ch, target);
	}
}
