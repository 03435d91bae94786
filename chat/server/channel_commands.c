// SPDX-License-Identifier: MIT
/*
 * Channel commands: JOIN, PART, TOPIC, NAMES, LIST, WHO, KICK and MODE.
 * docs/irc.md lists every reply.
 */
#include <stdio.h>
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

/* As many names per 353 line as fit in IRC_LINE_MAX. */
void send_names(struct client *c, struct channel *ch)
{
	char line[IRC_LINE_MAX + 1];
	size_t head = snprintf(line, sizeof(line), ":%s %03d %s = %s :",
			       c->srv->cfg.name, RPL_NAMREPLY, client_nick(c), ch->name);
	size_t used = head;
	uint32_t i;

	for (i = 0; i < ch->nmembers; i++) {
		const struct member *m = &ch->members[i];
		size_t nick_len = strlen(m->client->nick);

		if (used + nick_len + 2 > IRC_TEXT_MAX) {
			send_names_line(c, line, used);
			used = head;
		}
		if (used > head)
			line[used++] = ' ';
		if (m->op)
			line[used++] = '@';
		memcpy(line + used, m->client->nick, nick_len);
		used += nick_len;
	}
	if (used > head)
		send_names_line(c, line, used);
	client_reply(c, RPL_ENDOFNAMES, "%s :End of /NAMES list.", ch->name);
}

static bool join_one(const char *name, void *arg)
{
	struct client *c = arg;
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
	ch = channel_get(c->srv, name);
	if (!ch || channel_join(ch, c)) {
		client_kill(c, "Out of memory");
		return false;
	}
	len = client_line(c, line, "JOIN %s", ch->name);
	channel_send(ch, line, len, NULL);
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
	for_each_target(c, msg->params[0], TARGMAX_JOIN, false, join_one, c);
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
	if (!channel_member(ch, c)) {
		err_not_on_channel(c, ch->name);
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

static void list_node(struct hmap_node *n, void *arg)
{
	list_channel(arg, container_of(n, struct channel, node));
}

static bool list_one(const char *name, void *arg)
{
	struct client *c = arg;
	struct channel *ch = channel_find(c->srv, name);

	if (ch)
		list_channel(c, ch);
	return true;
}

void cmd_list(struct client *c, struct irc_msg *msg)
{
	client_reply(c, RPL_LISTSTART, "Channel :Users  Name");
	if (msg->nparams)
		for_each_target(c, msg->params[0], TARGMAX_LIST, false,
				list_one, c);
	else
		hmap_each(&c->srv->channels, list_node, c);
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

	if (ch)
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

static bool is_ban_list_query(const struct irc_msg *msg)
{
	return msg->nparams == 2 && (!strcmp(msg->params[1], "b") ||
				     !strcmp(msg->params[1], "+b"));
}

static void channel_mode(struct client *c, struct irc_msg *msg)
{
	struct channel *ch = channel_find(c->srv, msg->params[0]);
	struct member *me = ch ? channel_member(ch, c) : NULL;
	const char *p;

	if (!ch) {
		err_no_such_channel(c, msg->params[0]);
	} else if (msg->nparams == 1) {
		client_reply(c, RPL_CHANNELMODEIS, "%s +n", ch->name);
		client_reply(c, RPL_CREATIONTIME, "%s %lld", ch->name,
			     (long long)ch->created);
	} else if (is_ban_list_query(msg)) {
		client_reply(c, RPL_ENDOFBANLIST, "%s :End of channel ban list",
			     ch->name);
	} else if (!me) {
		err_not_on_channel(c, ch->name);
	} else if (!me->op) {
		err_not_operator(c, ch->name);
	} else {
		for (p = msg->params[1]; *p; p++)
			if (!strchr("+-n", *p))
				client_reply(c, ERR_UNKNOWNMODE, "%c :is unknown mode "
					     "char to me for %s", *p,
					     ch->name);
	}
}

void cmd_mode(struct client *c, struct irc_msg *msg)
{
	if (irc_is_channel(msg->params[0]))
		channel_mode(c, msg);
	else
		user_mode(c, msg);
}
