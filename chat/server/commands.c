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
	bool oper_only;         /* 481 unless the client is an operator */
	const char *help;       /* HELP <name>: the syntax, then a summary */
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
	client_reply(c, RPL_MYINFO, "%s %s %s %s", name, CCHATD_VERSION,
		     USER_MODES, CHANNEL_MODES);
	send_isupport(c);
	send_lusers(c);
	send_motd(c);
}

void try_register(struct client *c)
{
	if (c->registered || !c->nick[0] || !c->has_user ||
	    c->cap_negotiating)
		return;
	c->registered = true;
	c->signon = time(NULL);
	c->spoke_ms = c->srv->now_ms;
	luser_count(c, 1);
	send_welcome(c);
	monitor_signed_on(c);
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
	char old[IRC_NICK_MAX + 1];

	snprintf(old, sizeof(old), "%s", c->nick);
	whowas_remember(c->srv, c);
	client_set_nick(c, nick);
	send_to_peers(c, line, len, true);
	if (irc_casecmp(old, nick)) {
		monitor_signed_off(c, old);
		monitor_signed_on(c);
	}
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

static void cmd_help(struct client *c, struct irc_msg *msg);

static void cmd_motd(struct client *c, struct irc_msg *msg)
{
	(void)msg;
	send_motd(c);
}

struct relay {
	struct client *from;
	const char *verb;       /* PRIVMSG, NOTICE or TAGMSG */
	const char *text;       /* NULL for TAGMSG */
	bool notice;            /* NOTICE never gets an error reply */
	unsigned need_caps;     /* receivers need these (TAGMSG: tags) */
	char tags[CLIENT_TAGS_MAX + 1]; /* the sender's client-only tags */
};

static void cannot_send(struct relay *r, const char *target,
			struct channel *ch)
{
	if (r->notice)
		return;
	if (ch)
		client_reply(r->from, ERR_CANNOTSENDTOCHAN,
			     "%s :Cannot send to channel", target);
	else
		err_no_such_channel(r->from, target);
}

static size_t relay_line(struct relay *r, const char *target, char *line)
{
	if (!r->text)
		return client_line(r->from, line, "%s %s", r->verb, target);
	return client_line(r->from, line, "%s %s :%s", r->verb, target,
			   r->text);
}

/* With echo-message the sender gets its own line back (TAGMSG only if
 * it takes tags). */
static void echo_to_sender(struct relay *r, const char *line, size_t len)
{
	struct client *c = r->from;

	if ((c->caps & CAP_ECHO_MESSAGE) &&
	    (c->caps & r->need_caps) == r->need_caps)
		client_send(c, line, len);
}

/* "@#chan" or "+#chan" (STATUSMSG) goes to the members with that
 * status or higher; the sender needs voice at least to use it. */
static void relay_to_channel(struct relay *r, const char *target)
{
	struct client *c = r->from;
	char status = (target[0] == '@' || target[0] == '+') ? target[0] : 0;
	struct channel *ch = channel_find(c->srv, target + (status != 0));
	struct member *m = ch ? channel_member(ch, c) : NULL;
	char name[IRC_CHANNEL_MAX + 2];
	char line[IRC_LINE_MAX + 1];
	size_t len;

	if (!ch || !channel_may_send(ch, c, m) ||
	    (status && (!m || (!m->op && !m->voice)))) {
		cannot_send(r, target, ch);
		return;
	}
	snprintf(name, sizeof(name), "%s%s", status ? "@" : "", ch->name);
	if (status)
		name[0] = status;
	len = relay_line(r, name, line);
	c->srv->relay_tags = r->tags;
	if (status)
		channel_send_status(ch, status, line, len, c);
	else if (r->need_caps)
		channel_send_caps(ch, r->need_caps, line, len, c);
	else
		channel_send(ch, line, len, c);
	echo_to_sender(r, line, len);
	c->srv->relay_tags = NULL;
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
	len = relay_line(r, to->nick, line);
	c->srv->relay_tags = r->tags;
	if ((to->caps & r->need_caps) == r->need_caps) {
		client_send(to, line, len);
		c->srv->stats.deliveries++;
	}
	echo_to_sender(r, line, len);
	c->srv->relay_tags = NULL;
	if (to->away[0] && !r->notice && r->text)
		client_reply(c, RPL_AWAY, "%s :%s", to->nick, to->away);
}

static bool relay_one(const char *target, void *arg)
{
	struct relay *r = arg;

	if (irc_is_channel(target) ||
	    ((target[0] == '@' || target[0] == '+') &&
	     irc_is_channel(target + 1)))
		relay_to_channel(r, target);
	else
		relay_to_nick(r, target);
	return !r->from->is_dead;
}

static bool relay_targets_given(struct client *c, struct irc_msg *msg,
				const char *verb, bool quiet)
{
	if (msg->nparams && msg->params[0][0])
		return true;
	if (!quiet)
		client_reply(c, ERR_NORECIPIENT, ":No recipient given (%s)",
			     verb);
	return false;
}

static void relay(struct client *c, struct irc_msg *msg, const char *verb,
		  bool notice)
{
	struct relay r = { c, verb, NULL, notice, 0, "" };

	if (!relay_targets_given(c, msg, verb, notice))
		return;
	if (msg->nparams < 2 || !msg->params[1][0]) {
		if (!notice)
			client_reply(c, ERR_NOTEXTTOSEND, ":No text to send");
		return;
	}
	r.text = msg->params[1];
	irc_client_tags(msg->tags, r.tags, sizeof(r.tags));
	c->spoke_ms = c->srv->now_ms;
	for_each_target(c, msg->params[0], TARGMAX_MSG, notice, relay_one, &r);
}

/* TAGMSG (IRCv3 message-tags): tags without text, only to receivers
 * that take tags; errors as for NOTICE, none. */
void cmd_tagmsg(struct client *c, struct irc_msg *msg)
{
	struct relay r = { c, "TAGMSG", NULL, true, CAP_MESSAGE_TAGS, "" };

	if (!relay_targets_given(c, msg, "TAGMSG", false))
		return;
	irc_client_tags(msg->tags, r.tags, sizeof(r.tags));
	for_each_target(c, msg->params[0], TARGMAX_MSG, true, relay_one, &r);
}

static void cmd_privmsg(struct client *c, struct irc_msg *msg)
{
	relay(c, msg, "PRIVMSG", false);
}

static void cmd_notice(struct client *c, struct irc_msg *msg)
{
	relay(c, msg, "NOTICE", true);
}

/* PRIVMSG first: it is the command the hot path looks up. */
static const struct command commands[] = {
	{ "PRIVMSG", cmd_privmsg, 0, true, false,
	  "PRIVMSG <target>[,<target>] :<text>  to channels or nicks" },
	{ "NOTICE", cmd_notice, 0, true, false,
	  "NOTICE <target>[,<target>] :<text>  like PRIVMSG, never answered" },
	{ "PING", cmd_ping, 0, false, false, "PING <token>  answered with PONG" },
	{ "PONG", cmd_pong, 0, false, false, "PONG <token>  answers PING" },
	{ "JOIN", cmd_join, 1, true, false,
	  "JOIN <#chan>[,<#chan>] [<key>[,<key>]]  or JOIN 0 to leave all" },
	{ "PART", cmd_part, 1, true, false,
	  "PART <#chan>[,<#chan>] [:<reason>]" },
	{ "NICK", cmd_nick, 0, false, false, "NICK <nick>" },
	{ "USER", cmd_user, 4, false, false,
	  "USER <user> 0 * :<real name>" },
	{ "CAP", cmd_cap, 1, false, false,
	  "CAP LS [302] | LIST | REQ :<caps> | END" },
	{ "PASS", cmd_pass, 1, false, false, "PASS <password>  (ignored)" },
	{ "QUIT", cmd_quit, 0, false, false, "QUIT [:<reason>]" },
	{ "NAMES", cmd_names, 0, true, false, "NAMES <#chan>[,<#chan>]" },
	{ "TOPIC", cmd_topic, 1, true, false, "TOPIC <#chan> [:<topic>]" },
	{ "LIST", cmd_list, 0, true, false, "LIST [<#chan>[,<#chan>]]" },
	{ "WHO", cmd_who, 0, true, false, "WHO <#chan|nick>" },
	{ "WHOIS", cmd_whois, 1, true, false, "WHOIS [<server>] <nick>" },
	{ "WHOWAS", cmd_whowas, 1, true, false, "WHOWAS <nick> [<count>]" },
	{ "KICK", cmd_kick, 2, true, false,
	  "KICK <#chan> <nick>[,<nick>] [:<reason>]" },
	{ "MODE", cmd_mode, 1, true, false,
	  "MODE <#chan|nick> [<modes> [<params>...]]" },
	{ "MOTD", cmd_motd, 0, true, false, "MOTD  the message of the day" },
	{ "AWAY", cmd_away, 0, true, false,
	  "AWAY [:<message>]  marks you away; without a message, back" },
	{ "ISON", cmd_ison, 1, true, false, "ISON <nick> [<nick>...]" },
	{ "USERHOST", cmd_userhost, 1, true, false,
	  "USERHOST <nick> [<nick>...]  (at most 5)" },
	{ "LUSERS", cmd_lusers, 0, true, false, "LUSERS  user counts" },
	{ "VERSION", cmd_version, 0, true, false, "VERSION  and the 005 lines" },
	{ "TIME", cmd_time, 0, true, false, "TIME  the server's clock" },
	{ "INFO", cmd_info, 0, true, false, "INFO  about this server" },
	{ "ADMIN", cmd_admin, 0, true, false, "ADMIN  who runs this server" },
	{ "STATS", cmd_stats, 1, true, false,
	  "STATS <u|m|o>  uptime, command use, operators" },
	{ "HELP", cmd_help, 0, true, false, "HELP [<command>]" },
	{ "MONITOR", cmd_monitor, 1, true, false,
	  "MONITOR +<nicks> | -<nicks> | C | L | S" },
	{ "OPER", cmd_oper, 2, true, false, "OPER <name> <password>" },
	{ "INVITE", cmd_invite, 2, true, false, "INVITE <nick> <#chan>" },
	{ "AUTHENTICATE", cmd_authenticate, 1, false, false,
	  "AUTHENTICATE PLAIN, then the base64 payload (IRCv3 sasl)" },
	{ "SETNAME", cmd_setname, 1, true, false,
	  "SETNAME :<real name>  (IRCv3 setname)" },
	{ "TAGMSG", cmd_tagmsg, 1, true, false,
	  "TAGMSG <target>  tags only (IRCv3 message-tags)" },
	{ "KILL", cmd_kill, 1, true, true,
	  "KILL <nick> [:<reason>]  (operators only)" },
	{ "WALLOPS", cmd_wallops, 1, true, true,
	  "WALLOPS :<text>  to every +w user (operators only)" },
	{ "REHASH", cmd_rehash, 0, true, true,
	  "REHASH  reread the config file (operators only)" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

/* How often each command of commands[] ran (STATS m). */
static uint64_t command_uses[NCOMMANDS];

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (!strcasecmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

void send_command_stats(struct client *c)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (command_uses[i])
			client_reply(c, RPL_STATSCOMMANDS, "%s %llu 0 0",
				     commands[i].name,
				     (unsigned long long)command_uses[i]);
}

static void help_index(struct client *c)
{
	char line[IRC_LINE_MAX + 1];
	size_t used = 0, i;

	client_reply(c, RPL_HELPSTART, "* :Commands (HELP <command> for "
		     "one):");
	for (i = 0; i < NCOMMANDS; i++) {
		if (used + strlen(commands[i].name) + 1 > 60) {
			client_reply(c, RPL_HELPTXT, "* :%s", line);
			used = 0;
		}
		used += snprintf(line + used, sizeof(line) - used, "%s%s",
				 used ? " " : "", commands[i].name);
	}
	if (used)
		client_reply(c, RPL_HELPTXT, "* :%s", line);
	client_reply(c, RPL_ENDOFHELP, "* :End of /HELP");
}

static void cmd_help(struct client *c, struct irc_msg *msg)
{
	const struct command *cmd;

	if (!msg->nparams || !msg->params[0][0]) {
		help_index(c);
		return;
	}
	cmd = find_command(msg->params[0]);
	if (!cmd) {
		client_reply(c, ERR_HELPNOTFOUND, "%s :No help available on "
			     "this topic", msg->params[0]);
		return;
	}
	client_reply(c, RPL_HELPSTART, "%s :%s", cmd->name, cmd->help);
	client_reply(c, RPL_ENDOFHELP, "%s :End of /HELP", cmd->name);
}

void command_dispatch(struct client *c, struct irc_msg *msg)
{
	const struct command *cmd = find_command(msg->command);

	if (!cmd) {
		if (c->registered)
			client_reply(c, ERR_UNKNOWNCOMMAND,
				     "%s :Unknown command", msg->command);
		else
			client_reply(c, ERR_NOTREGISTERED,
				     ":You have not registered");
		return;
	}
	if (cmd->needs_registration && !c->registered) {
		client_reply(c, ERR_NOTREGISTERED, ":You have not registered");
		return;
	}
	if (msg->nparams < cmd->min_params) {
		client_reply(c, ERR_NEEDMOREPARAMS,
			     "%s :Not enough parameters", cmd->name);
		return;
	}
	if (cmd->oper_only && !c->mode_oper) {
		client_reply(c, ERR_NOPRIVILEGES, ":Permission Denied- You're "
			     "not an IRC operator");
		return;
	}
	command_uses[cmd - commands]++;
	cmd->fn(c, msg);
}
