// SPDX-License-Identifier: MIT
/*
 * Command dispatch, registration, and the commands that are not about
 * channels: CAP, PASS, NICK, USER, PING, PONG, QUIT, PRIVMSG, NOTICE,
 * WHOIS and MOTD.  docs/irc.md lists every reply.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "commands.h"

struct command {
	const char *name;
	command_fn *fn;
	int min_params;
	bool needs_registration;
};

static bool seen_before(char *const *seen, unsigned n, const char *item)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (!irc_casecmp(seen[i], item))
			return true;
	return false;
}

/* A 510-byte line holds at most this many comma-separated items. */
#define LIST_ITEMS_MAX (IRC_TEXT_MAX / 2 + 1)

void for_each_target(struct client *c, const char *list, unsigned max,
		     bool quiet, bool (*fn)(const char *, void *), void *arg)
{
	char copy[IRC_LINE_MAX + 1];
	char *seen[LIST_ITEMS_MAX];
	char *save = NULL, *item;
	unsigned n = 0;

	snprintf(copy, sizeof(copy), "%s", list);
	for (item = strtok_r(copy, ",", &save); item;
	     item = strtok_r(NULL, ",", &save)) {
		if (seen_before(seen, n, item))
			continue;
		if (n == LIST_ITEMS_MAX)
			return;
		seen[n++] = item;
		if (max && n > max) {
			if (!quiet)
				client_reply(c, ERR_TOOMANYTARGETS,
					     "%s :Too many recipients", item);
			continue;
		}
		if (!fn(item, arg) || c->is_dead)
			return;
	}
}

void err_no_such_nick(struct client *c, const char *name)
{
	client_reply(c, ERR_NOSUCHNICK, "%s :No such nick/channel", name);
}

void err_no_such_channel(struct client *c, const char *name)
{
	client_reply(c, ERR_NOSUCHCHANNEL, "%s :No such channel", name);
}

void err_not_on_channel(struct client *c, const char *name)
{
	client_reply(c, ERR_NOTONCHANNEL, "%s :You're not on that channel", name);
}

void err_not_operator(struct client *c, const char *name)
{
	client_reply(c, ERR_CHANOPRIVSNEEDED, "%s :You're not channel operator", name);
}

void send_motd(struct client *c)
{
	struct server *srv = c->srv;
	unsigned i;

	if (!srv->motd) {
		client_reply(c, ERR_NOMOTD, ":MOTD File is missing");
		return;
	}
	client_reply(c, RPL_MOTDSTART, ":- %s Message of the day - ", srv->cfg.name);
	for (i = 0; i < srv->motd_lines; i++)
		client_reply(c, RPL_MOTD, ":- %s", srv->motd[i]);
	client_reply(c, RPL_ENDOFMOTD, ":End of /MOTD command.");
}

static void send_welcome(struct client *c)
{
	const char *name = c->srv->cfg.name;

	client_reply(c, RPL_WELCOME, ":Welcome to the %s IRC Network %s",
		     CCHATD_NETWORK, c->prefix);
	client_reply(c, RPL_YOURHOST, ":Your host is %s, running version %s",
		     name, CCHATD_VERSION);
	client_reply(c, RPL_CREATED, ":This server was created %s",
		     c->srv->started_text);
	client_reply(c, RPL_MYINFO, "%s %s i n", name, CCHATD_VERSION);
	send_isupport(c);
	send_motd(c);
}

static void try_register(struct client *c)
{
	if (c->registered || !c->nick[0] || !c->has_user ||
	    c->cap_negotiating)
		return;
	c->registered = true;
	send_welcome(c);
}

/* No capabilities are offered; CAP LS holds registration until END. */
static void cmd_cap(struct client *c, struct irc_msg *msg)
{
	const char *sub = msg->params[0];
	const char *nick = client_nick(c);
	const char *name = c->srv->cfg.name;

	if (!strcasecmp(sub, "LS")) {
		c->cap_negotiating = !c->registered;
		client_sendf(c, ":%s CAP %s LS :", name, nick);
	} else if (!strcasecmp(sub, "LIST")) {
		client_sendf(c, ":%s CAP %s LIST :", name, nick);
	} else if (!strcasecmp(sub, "REQ")) {
		client_sendf(c, ":%s CAP %s NAK :%s", name, nick,
			     msg->nparams > 1 ? msg->params[1] : "");
	} else if (!strcasecmp(sub, "END")) {
		c->cap_negotiating = false;
		try_register(c);
	} else {
		client_reply(c, ERR_INVALIDCAPCMD, "%s :Invalid CAP command", sub);
	}
}

static void cmd_pass(struct client *c, struct irc_msg *msg)
{
	(void)msg;
	if (c->registered)
		client_reply(c, ERR_ALREADYREGISTERED, ":You may not reregister");
}

static void change_nick(struct client *c, const char *nick)
{
	char line[IRC_LINE_MAX + 1];
	size_t len = client_line(c, line, "NICK :%s", nick);

	client_set_nick(c, nick);
	send_to_peers(c, line, len, true);
}

static void cmd_nick(struct client *c, struct irc_msg *msg)
{
	const char *nick = msg->nparams ? msg->params[0] : "";
	struct client *owner;

	if (!nick[0]) {
		client_reply(c, ERR_NONICKNAMEGIVEN, ":No nickname given");
		return;
	}
	if (!irc_valid_nick(nick)) {
		client_reply(c, ERR_ERRONEUSNICKNAME, "%s :Erroneous nickname", nick);
		return;
	}
	owner = client_find(c->srv, nick);
	if (owner && owner != c) {
		client_reply(c, ERR_NICKNAMEINUSE, "%s :Nickname is already in use", nick);
		return;
	}
	if (!strcmp(nick, c->nick))
		return;
	if (!c->registered) {
		client_set_nick(c, nick);
		try_register(c);
		return;
	}
	change_nick(c, nick);
}

/* The user name shows in nick!user@host, so only plain ASCII is kept;
 * the '~' says it was not checked with ident. */
static void set_user(struct client *c, const char *user)
{
	size_t n = 0;

	c->user[n++] = '~';
	for (; *user && n < IRC_USER_MAX; user++)
		if (*user > ' ' && *user < 0x7f && !strchr("!@:", *user))
			c->user[n++] = *user;
	if (n == 1)
		n += snprintf(c->user + 1, IRC_USER_MAX, "user");
	c->user[n] = '\0';
}

static void cmd_user(struct client *c, struct irc_msg *msg)
{
	const char *real = msg->params[3];
	size_t len;

	if (c->registered || c->has_user) {
		client_reply(c, ERR_ALREADYREGISTERED, ":You may not reregister");
		return;
	}
	set_user(c, msg->params[0]);
	len = irc_utf8_cut(real, strlen(real), REALNAME_MAX);
	memcpy(c->realname, real, len);
	c->realname[len] = '\0';
	c->has_user = true;
	client_update_prefix(c);
	try_register(c);
}

static void cmd_ping(struct client *c, struct irc_msg *msg)
{
	const char *name = c->srv->cfg.name;

	if (!msg->nparams || !msg->params[0][0]) {
		client_reply(c, ERR_NOORIGIN, ":No origin specified");
		return;
	}
	client_sendf(c, ":%s PONG %s :%s", name, name, msg->params[0]);
}

/* Any line already counts as a sign of life; PONG needs no answer. */
static void cmd_pong(struct client *c, struct irc_msg *msg)
{
	if (!msg->nparams)
		client_reply(c, ERR_NOORIGIN, ":No origin specified");
}

static void cmd_quit(struct client *c, struct irc_msg *msg)
{
	char reason[REASON_MAX + 1];

	if (msg->nparams && msg->params[0][0])
		snprintf(reason, sizeof(reason), "Quit: %s", msg->params[0]);
	else
		snprintf(reason, sizeof(reason), "Client Quit");
	client_kill(c, reason);
}

static void cmd_motd(struct client *c, struct irc_msg *msg)
{
	(void)msg;
	send_motd(c);
}

struct relay {
	struct client *from;
	const char *verb;       /* PRIVMSG or NOTICE */
	const char *text;
	bool notice;            /* NOTICE never gets an error reply */
};

static void relay_to_channel(struct relay *r, const char *target)
{
	struct client *c = r->from;
	struct channel *ch = channel_find(c->srv, target);
	char line[IRC_LINE_MAX + 1];
	size_t len;

	if (!ch || !channel_member(ch, c)) {
		if (r->notice)
			return;
		if (ch)
			client_reply(c, ERR_CANNOTSENDTOCHAN, "%s :Cannot send to channel",
				     target);
		else
			err_no_such_channel(c, target);
		return;
	}
	len = client_line(c, line, "%s %s :%s", r->verb, ch->name, r->text);
	channel_send(ch, line, len, c);
}

static void relay_to_nick(struct relay *r, const char *target)
{
	struct client *c = r->from;
	struct client *to = client_find(c->srv, target);
	char line[IRC_LINE_MAX + 1];
	size_t len;

	if (!to || !to->registered) {
		if (!r->notice)
			err_no_such_nick(c, target);
		return;
	}
	len = client_line(c, line, "%s %s :%s", r->verb, to->nick, r->text);
	client_send(to, line, len);
	c->srv->stats.deliveries++;
}

static bool relay_one(const char *target, void *arg)
{
	struct relay *r = arg;

	if (irc_is_channel(target))
		relay_to_channel(r, target);
	else
		relay_to_nick(r, target);
	return !r->from->is_dead;
}

static void relay(struct client *c, struct irc_msg *msg, const char *verb,
		  bool notice)
{
	struct relay r = { c, verb, NULL, notice };

	if (!msg->nparams || !msg->params[0][0]) {
		if (!notice)
			client_reply(c, ERR_NORECIPIENT, ":No recipient given (%s)",
				     verb);
		return;
	}
	if (msg->nparams < 2 || !msg->params[1][0]) {
		if (!notice)
			client_reply(c, ERR_NOTEXTTOSEND, ":No text to send");
		return;
	}
	r.text = msg->params[1];
	for_each_target(c, msg->params[0], TARGMAX_MSG, notice, relay_one, &r);
}

static void cmd_privmsg(struct client *c, struct irc_msg *msg)
{
	relay(c, msg, "PRIVMSG", false);
}

static void cmd_notice(struct client *c, struct irc_msg *msg)
{
	relay(c, msg, "NOTICE", true);
}

static void send_whois_channels(struct client *c, struct client *who)
{
	char list[IRC_LINE_MAX + 1];
	size_t used = 0;
	unsigned i;

	for (i = 0; i < who->nchannels; i++) {
		struct channel *ch = who->channels[i].chan;
		bool op = ch->members[who->channels[i].index].op;
		size_t need = strlen(ch->name) + 2;

		if (used + need > IRC_TEXT_MAX - PREFIX_MAX - 16)
			break;
		used += sprintf(list + used, "%s%s%s", used ? " " : "",
				op ? "@" : "", ch->name);
	}
	if (used)
		client_reply(c, RPL_WHOISCHANNELS, "%s :%s", who->nick, list);
}

static void cmd_whois(struct client *c, struct irc_msg *msg)
{
	const char *nick = irc_last_param(msg);
	struct client *who = client_find(c->srv, nick);

	if (!who || !who->registered) {
		err_no_such_nick(c, nick);
	} else {
		client_reply(c, RPL_WHOISUSER, "%s %s %s * :%s", who->nick, who->user,
			     who->host, who->realname);
		send_whois_channels(c, who);
		client_reply(c, RPL_WHOISSERVER, "%s %s :%s", who->nick,
			     c->srv->cfg.name, CCHATD_VERSION);
	}
	client_reply(c, RPL_ENDOFWHOIS, "%s :End of /WHOIS list.", nick);
}

/* PRIVMSG first: it is the command the hot path looks up. */
static const struct command commands[] = {
	{ "PRIVMSG", cmd_privmsg, 0, true },
	{ "NOTICE", cmd_notice, 0, true },
	{ "PING", cmd_ping, 0, false },
	{ "PONG", cmd_pong, 0, false },
	{ "JOIN", cmd_join, 1, true },
	{ "PART", cmd_part, 1, true },
	{ "NICK", cmd_nick, 0, false },
	{ "USER", cmd_user, 4, false },
	{ "CAP", cmd_cap, 1, false },
	{ "PASS", cmd_pass, 1, false },
	{ "QUIT", cmd_quit, 0, false },
	{ "NAMES", cmd_names, 0, true },
	{ "TOPIC", cmd_topic, 1, true },
	{ "LIST", cmd_list, 0, true },
	{ "WHO", cmd_who, 0, true },
	{ "WHOIS", cmd_whois, 1, true },
	{ "KICK", cmd_kick, 2, true },
	{ "MODE", cmd_mode, 1, true },
	{ "MOTD", cmd_motd, 0, true },
};

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcasecmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

void command_dispatch(struct client *c, struct irc_msg *msg)
{
	const struct command *cmd = find_command(msg->command);

	if (!cmd) {
		if (c->registered)
			client_reply(c, ERR_UNKNOWNCOMMAND, "%s :Unknown command",
				     msg->command);
		else
			client_reply(c, ERR_NOTREGISTERED, ":You have not registered");
		return;
	}
	if (cmd->needs_registration && !c->registered) {
		client_reply(c, ERR_NOTREGISTERED, ":You have not registered");
		return;
	}
	if (msg->nparams < cmd->min_params) {
		client_reply(c, ERR_NEEDMOREPARAMS, "%s :Not enough parameters", cmd->name);
		return;
	}
	cmd->fn(c, msg);
}
