// SPDX-License-Identifier: MIT
/*
 * IRCv3 capability negotiation (CAP LS 302, LIST, REQ with ACK/NAK,
 * END) and what the capabilities change that is not in the fan-out:
 * away-notify, invite-notify, setname.  server-time, message-tags and
 * echo-message are in client.c and commands.c, multi-prefix and
 * userhost-in-names in channel.c and channel_commands.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "commands.h"

/* To the members of ch with away-notify (c's AWAY state on JOIN). */
void send_away_notify(struct client *c, struct channel *ch)
{
	char line[IRC_LINE_MAX + 1];
	size_t len = c->away[0] ? client_line(c, line, "AWAY :%s", c->away) :
				  client_line(c, line, "AWAY");
	uint32_t i;

	for (i = 0; i < ch->nmembers; i++) {
		struct client *to = ch->members[i].client;

		if (to != c && (to->caps & CAP_AWAY_NOTIFY))
			client_send(to, line, len);
	}
}

/* To the channel's operators with invite-notify, but the inviter. */
void send_invite_notify(struct client *inviter, struct channel *ch,
			const struct client *target)
{
	char line[IRC_LINE_MAX + 1];
	size_t len = client_line(inviter, line, "INVITE %s %s", target->nick,
				 ch->name);
	uint32_t i;

	for (i = 0; i < ch->nmembers; i++) {
		struct member *m = &ch->members[i];

		if (m->client != inviter && m->op &&
		    (m->client->caps & CAP_INVITE_NOTIFY))
			client_send(m->client, line, len);
	}
}

/* ---- CAP negotiation (IRCv3 capability negotiation, 302) ----------- */

static const struct {
	const char *name;
	unsigned bit;
} capabilities[] = {
	{ "away-notify", CAP_AWAY_NOTIFY },
	{ "cap-notify", CAP_CAP_NOTIFY },
	{ "chghost", CAP_CHGHOST },
	{ "echo-message", CAP_ECHO_MESSAGE },
	{ "invite-notify", CAP_INVITE_NOTIFY },
	{ "message-tags", CAP_MESSAGE_TAGS },
	{ "multi-prefix", CAP_MULTI_PREFIX },
	{ "sasl", CAP_SASL },
	{ "server-time", CAP_SERVER_TIME },
	{ "setname", CAP_SETNAME },
	{ "userhost-in-names", CAP_USERHOST_IN_NAMES },
};

#define NCAPS (sizeof(capabilities) / sizeof(capabilities[0]))

static unsigned cap_bit(const char *name)
{
	size_t i;

	for (i = 0; i < NCAPS; i++)
		if (!strcmp(capabilities[i].name, name))
			return capabilities[i].bit;
	return 0;
}

/* The names of the capabilities in mask, space-separated; with_values
 * (CAP LS 302): "sasl=PLAIN". */
static void cap_names(unsigned mask, bool with_values, char *out,
		      size_t size)
{
	size_t used = 0, i;

	out[0] = '\0';
	for (i = 0; i < NCAPS && used < size; i++)
		if (mask & capabilities[i].bit)
			used += snprintf(out + used, size - used, "%s%s%s",
					 used ? " " : "",
					 capabilities[i].name,
					 with_values &&
					 capabilities[i].bit == CAP_SASL ?
					 "=PLAIN" : "");
}

static void cap_reply(struct client *c, const char *sub, const char *text)
{
	client_sendf(c, ":%s CAP %s %s :%s", c->srv->cfg.name,
		     client_nick(c), sub, text);
}

/* All or nothing: one unknown name NAKs the whole request. */
static void cap_req(struct client *c, const char *request)
{
	char copy[IRC_LINE_MAX + 1];
	char *save = NULL, *word;
	unsigned on = 0, off = 0;

	snprintf(copy, sizeof(copy), "%s", request);
	for (word = strtok_r(copy, " ", &save); word;
	     word = strtok_r(NULL, " ", &save)) {
		bool remove = word[0] == '-';
		unsigned bit = cap_bit(word + remove);

		if (!bit) {
			cap_reply(c, "NAK", request);
			return;
		}
		if (remove)
			off |= bit;
		else
			on |= bit;
	}
	c->caps = (c->caps | on) & ~off;
	cap_reply(c, "ACK", request);
}

void cmd_cap(struct client *c, struct irc_msg *msg)
{
	const char *sub = msg->params[0];
	char names[IRC_LINE_MAX];

	if (!strcasecmp(sub, "LS")) {
		c->cap_negotiating = !c->registered;
		/* Version 302 implies cap-notify (IRCv3 cap-notify). */
		if (msg->nparams > 1 && atoi(msg->params[1]) >= 302) {
			c->caps |= CAP_CAP_NOTIFY;
			c->cap_302 = true;
		}
		cap_names(~0u, c->cap_302, names, sizeof(names));
		cap_reply(c, "LS", names);
	} else if (!strcasecmp(sub, "LIST")) {
		cap_names(c->caps, false, names, sizeof(names));
		cap_reply(c, "LIST", names);
	} else if (!strcasecmp(sub, "REQ")) {
		c->cap_negotiating = !c->registered;
		cap_req(c, msg->nparams > 1 ? msg->params[1] : "");
	} else if (!strcasecmp(sub, "END")) {
		c->cap_negotiating = false;
		try_register(c);
	} else {
		client_reply(c, ERR_INVALIDCAPCMD, "%s :Invalid CAP command",
			     sub);
	}
}

/* ---- SETNAME (IRCv3 setname) --------------------------------------- */

void cmd_setname(struct client *c, struct irc_msg *msg)
{
	const char *real = msg->params[0];
	size_t len = strlen(real);
	char line[IRC_LINE_MAX + 1];
	size_t n;

	if (!len || len > REALNAME_MAX || !irc_valid_utf8(real, len)) {
		client_sendf(c, ":%s FAIL SETNAME INVALID_REALNAME :Realname "
			     "is not valid", c->srv->cfg.name);
		return;
	}
	memcpy(c->realname, real, len + 1);
	n = client_line(c, line, "SETNAME :%s", c->realname);
	send_to_peers_with(c, line, n, CAP_SETNAME);
}

/* ---- AWAY to away-notify peers -------------------------------------- */

void away_notify_peers(struct client *c)
{
	char line[IRC_LINE_MAX + 1];
	size_t len = c->away[0] ? client_line(c, line, "AWAY :%s", c->away) :
				  client_line(c, line, "AWAY");

	send_to_peers_with(c, line, len, CAP_AWAY_NOTIFY);
}
