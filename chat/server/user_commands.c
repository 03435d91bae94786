// SPDX-License-Identifier: MIT
/*
 * Commands about users: AWAY, ISON, USERHOST, WHOIS, WHOWAS and the
 * user modes (+i +w +o), with the counters LUSERS reports.
 * docs/irc.md lists every reply.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

void luser_count(struct client *c, int delta)
{
	struct server *srv = c->srv;

	srv->nregistered += delta;
	if (c->mode_invisible)
		srv->ninvisible += delta;
	if (c->mode_oper)
		srv->nopers += delta;
	if (srv->nregistered > srv->max_registered)
		srv->max_registered = srv->nregistered;
}

void set_invisible(struct client *c, bool on)
{
	if (c->mode_invisible == on)
		return;
	c->mode_invisible = on;
	if (c->registered)
		c->srv->ninvisible += on ? 1 : -1;
}

void set_oper(struct client *c, bool on)
{
	if (c->mode_oper == on)
		return;
	c->mode_oper = on;
	if (c->registered)
		c->srv->nopers += on ? 1 : -1;
}

/* ---- AWAY ------------------------------------------------------------ */

void cmd_away(struct client *c, struct irc_msg *msg)
{
	const char *text = msg->nparams ? msg->params[0] : "";
	size_t len = irc_utf8_cut(text, strlen(text), AWAY_MAX);

	memcpy(c->away, text, len);
	c->away[len] = '\0';
	if (len)
		client_reply(c, RPL_NOWAWAY,
			     ":You have been marked as being away");
	else
		client_reply(c, RPL_UNAWAY,
			     ":You are no longer marked as being away");
	away_notify_peers(c);
}

/* ---- ISON and USERHOST ----------------------------------------------- */

/* Nicks come space-separated in one or several parameters. */
static void ison_param(struct client *c, const char *param, char *out,
		       size_t *used, size_t room)
{
	char copy[IRC_LINE_MAX + 1];
	char *save = NULL, *nick;

	snprintf(copy, sizeof(copy), "%s", param);
	for (nick = strtok_r(copy, " ", &save); nick;
	     nick = strtok_r(NULL, " ", &save)) {
		struct client *who = client_find(c->srv, nick);
		size_t len;

		if (!who || !who->registered)
			continue;
		len = strlen(who->nick);
		if (*used + len + 1 >= room)
			return;
		*used += sprintf(out + *used, "%s%s", *used ? " " : "",
				 who->nick);
	}
}

void cmd_ison(struct client *c, struct irc_msg *msg)
{
	char online[IRC_LINE_MAX + 1];
	size_t used = 0;
	int i;

	online[0] = '\0';
	for (i = 0; i < msg->nparams; i++)
		ison_param(c, msg->params[i], online, &used,
			   IRC_TEXT_MAX - PREFIX_MAX);
	client_reply(c, RPL_ISON, ":%s", online);
}

/* nick[*]=[+-]user@host: '*' for an operator, '-' when away. */
void cmd_userhost(struct client *c, struct irc_msg *msg)
{
	char reply[IRC_LINE_MAX + 1];
	size_t used = 0;
	int i;

	reply[0] = '\0';
	for (i = 0; i < msg->nparams && i < USERHOST_MAX; i++) {
		struct client *who = client_find(c->srv, msg->params[i]);

		if (!who || !who->registered)
			continue;
		used += snprintf(reply + used, sizeof(reply) - used,
				 "%s%s%s=%c%s@%s", used ? " " : "", who->nick,
				 who->mode_oper ? "*" : "",
				 who->away[0] ? '-' : '+', who->user,
				 who->host);
		if (used >= sizeof(reply))
			break;
	}
	client_reply(c, RPL_USERHOST, ":%s", reply);
}

/* ---- WHOIS ----------------------------------------------------------- */

static void send_whois_channels(struct client *c, struct client *who)
{
	char list[IRC_LINE_MAX + 1];
	size_t used = 0;
	unsigned i;

	for (i = 0; i < who->nchannels; i++) {
		struct channel *ch = who->channels[i].chan;
		const struct member *m = &ch->members[who->channels[i].index];
		char prefix[3];
		size_t need = strlen(ch->name) + 3;

		if (channel_hidden_from(ch, c))
			continue;
		if (used + need > IRC_TEXT_MAX - PREFIX_MAX - 16)
			break;
		member_prefix(m, c, prefix);
		used += sprintf(list + used, "%s%s%s", used ? " " : "",
				prefix, ch->name);
	}
	if (used)
		client_reply(c, RPL_WHOISCHANNELS, "%s :%s", who->nick, list);
}

static void send_whois(struct client *c, struct client *who)
{
	client_reply(c, RPL_WHOISUSER, "%s %s %s * :%s", who->nick, who->user,
		     who->host, who->realname);
	send_whois_channels(c, who);
	client_reply(c, RPL_WHOISSERVER, "%s %s :%s", who->nick,
		     c->srv->cfg.name, CCHATD_VERSION);
	if (who->away[0])
		client_reply(c, RPL_AWAY, "%s :%s", who->nick, who->away);
	if (who->mode_oper)
		client_reply(c, RPL_WHOISOPERATOR, "%s :is an IRC operator",
			     who->nick);
	if (who->account[0])
		client_reply(c, RPL_WHOISACCOUNT, "%s %s :is logged in as",
			     who->nick, who->account);
	if (who->encrypted)
		client_reply(c, RPL_WHOISSECURE, "%s :is using a secure "
			     "connection", who->nick);
	client_reply(c, RPL_WHOISIDLE, "%s %lld %lld :seconds idle, signon "
		     "time", who->nick,
		     (long long)((c->srv->now_ms - who->spoke_ms) / 1000),
		     (long long)who->signon);
}

static bool whois_one(const char *nick, void *arg)
{
	struct client *c = arg;
	struct client *who = client_find(c->srv, nick);

	if (!who || !who->registered)
		err_no_such_nick(c, nick);
	else
		send_whois(c, who);
	client_reply(c, RPL_ENDOFWHOIS, "%s :End of /WHOIS list.", nick);
	return true;
}

/* WHOIS [server] nick[,nick]: the last parameter names the nicks. */
void cmd_whois(struct client *c, struct irc_msg *msg)
{
	for_each_target(c, irc_last_param(msg), TARGMAX_WHOIS, false,
			whois_one, c);
}

/* ---- WHOWAS ---------------------------------------------------------- */

void whowas_remember(struct server *srv, const struct client *c)
{
	struct whowas *w = &srv->whowas[srv->whowas_next];

	snprintf(w->nick, sizeof(w->nick), "%s", c->nick);
	snprintf(w->user, sizeof(w->user), "%s", c->user);
	snprintf(w->host, sizeof(w->host), "%s", c->host);
	snprintf(w->realname, sizeof(w->realname), "%s", c->realname);
	w->when = time(NULL);
	srv->whowas_next = (srv->whowas_next + 1) % WHOWAS_MAX;
	if (srv->whowas_count < WHOWAS_MAX)
		srv->whowas_count++;
}

struct whowas_args {
	struct client *client;
	long max;               /* entries per nick; <= 0: all */
};

static void send_whowas_entry(struct client *c, const struct whowas *w)
{
	struct tm tm;
	char when[64];

	gmtime_r(&w->when, &tm);
	strftime(when, sizeof(when), "%a %b %d %H:%M:%S %Y UTC", &tm);
	client_reply(c, RPL_WHOWASUSER, "%s %s %s * :%s", w->nick, w->user,
		     w->host, w->realname);
	client_reply(c, RPL_WHOISSERVER, "%s %s :%s", w->nick,
		     c->srv->cfg.name, when);
}

/* Newest first, walking the ring backwards. */
static bool whowas_one(const char *nick, void *arg)
{
	struct whowas_args *a = arg;
	struct server *srv = a->client->srv;
	long found = 0;
	unsigned i;

	for (i = 1; i <= srv->whowas_count; i++) {
		const struct whowas *w =
			&srv->whowas[(srv->whowas_next + WHOWAS_MAX - i) %
				     WHOWAS_MAX];

		if (irc_casecmp(w->nick, nick))
			continue;
		send_whowas_entry(a->client, w);
		if (++found == a->max)
			break;
	}
	if (!found)
		client_reply(a->client, ERR_WASNOSUCHNICK,
			     "%s :There was no such nickname", nick);
	client_reply(a->client, RPL_ENDOFWHOWAS, "%s :End of WHOWAS", nick);
	return true;
}

void cmd_whowas(struct client *c, struct irc_msg *msg)
{
	struct whowas_args a = { c, 0 };

	if (msg->nparams > 1)
		a.max = strtol(msg->params[1], NULL, 10);
	for_each_target(c, msg->params[0], TARGMAX_WHOWAS, false, whowas_one,
			&a);
}

/* ---- User modes ------------------------------------------------------ */

static void send_umode(struct client *c)
{
	client_reply(c, RPL_UMODEIS, "+%s%s%s", c->mode_invisible ? "i" : "",
		     c->mode_oper ? "o" : "", c->mode_wallops ? "w" : "");
}

/* Applies one mode letter; +o is only given by OPER, -o always works. */
static bool apply_umode(struct client *c, char letter, bool on)
{
	switch (letter) {
	case 'i':
		set_invisible(c, on);
		return true;
	case 'w':
		c->mode_wallops = on;
		return true;
	case 'o':
		if (!on)
			set_oper(c, false);
		return true;
	}
	return false;
}

struct umode_change {
	char text[16];          /* "+iw-o" */
	size_t len;
	char sign;              /* the last sign written */
};

static void note_change(struct umode_change *ch, char letter, bool on)
{
	char sign = on ? '+' : '-';

	if (ch->len + 3 >= sizeof(ch->text))
		return;
	if (ch->sign != sign)
		ch->text[ch->len++] = ch->sign = sign;
	ch->text[ch->len++] = letter;
	ch->text[ch->len] = '\0';
}

static bool umode_is_set(const struct client *c, char letter)
{
	return (letter == 'i' && c->mode_invisible) ||
	       (letter == 'w' && c->mode_wallops) ||
	       (letter == 'o' && c->mode_oper);
}

void user_mode(struct client *c, struct irc_msg *msg)
{
	struct umode_change change = { "", 0, 0 };
	bool on = true, unknown = false;
	const char *p;

	if (irc_casecmp(msg->params[0], c->nick)) {
		if (client_find(c->srv, msg->params[0]))
			client_reply(c, ERR_USERSDONTMATCH,
				     ":Cant change mode for other users");
		else
			err_no_such_nick(c, msg->params[0]);
		return;
	}
	if (msg->nparams == 1) {
		send_umode(c);
		return;
	}
	for (p = msg->params[1]; *p; p++) {
		bool was;

		if (*p == '+' || *p == '-') {
			on = *p == '+';
			continue;
		}
		was = umode_is_set(c, *p);
		if (!apply_umode(c, *p, on))
			unknown = true;
		else if (was != umode_is_set(c, *p))
			note_change(&change, *p, on);
	}
	if (unknown)
		client_reply(c, ERR_UMODEUNKNOWNFLAG, ":Unknown MODE flag");
	if (change.len)
		client_sendf(c, ":%s MODE %s :%s", c->nick, c->nick,
			     change.text);
}
