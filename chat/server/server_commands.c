// SPDX-License-Identifier: MIT
/*
 * Commands about the server: LUSERS, VERSION, TIME, INFO, ADMIN and
 * STATS.  docs/irc.md lists every reply.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"

/* 251-255, 265 and 266: one server, so local and global agree. */
void send_lusers(struct client *c)
{
	const struct server *srv = c->srv;
	unsigned users = srv->nregistered;
	unsigned unknown = srv->nclients - srv->nregistered;

	client_reply(c, RPL_LUSERCLIENT, ":There are %u users and %u "
		     "invisible on 1 servers", users - srv->ninvisible,
		     srv->ninvisible);
	client_reply(c, RPL_LUSEROP, "%u :operator(s) online", srv->nopers);
	client_reply(c, RPL_LUSERUNKNOWN, "%u :unknown connection(s)",
		     unknown);
	client_reply(c, RPL_LUSERCHANNELS, "%zu :channels formed",
		     srv->channels.count);
	client_reply(c, RPL_LUSERME, ":I have %u clients and 0 servers",
		     users);
	client_reply(c, RPL_LOCALUSERS, "%u %u :Current local users %u, "
		     "max %u", users, srv->max_registered, users,
		     srv->max_registered);
	client_reply(c, RPL_GLOBALUSERS, "%u %u :Current global users %u, "
		     "max %u", users, srv->max_registered, users,
		     srv->max_registered);
}

void cmd_lusers(struct client *c, struct irc_msg *msg)
{
	(void)msg;
	send_lusers(c);
}

/* A server name other than ours: 402 (there is only this one). */
static bool other_server(struct client *c, const struct irc_msg *msg,
			 int index)
{
	const char *name;

	if (msg->nparams <= index)
		return false;
	name = msg->params[index];
	if (!irc_casecmp(name, c->srv->cfg.name) || !strcmp(name, "*"))
		return false;
	client_reply(c, ERR_NOSUCHSERVER, "%s :No such server", name);
	return true;
}

void cmd_version(struct client *c, struct irc_msg *msg)
{
	if (other_server(c, msg, 0))
		return;
	client_reply(c, RPL_VERSION, "%s. %s :cchat IRC server",
		     CCHATD_VERSION, c->srv->cfg.name);
	send_isupport(c);
}

void cmd_time(struct client *c, struct irc_msg *msg)
{
	time_t now = time(NULL);
	struct tm tm;
	char text[64];

	if (other_server(c, msg, 0))
		return;
	gmtime_r(&now, &tm);
	strftime(text, sizeof(text), "%A %B %d %Y -- %H:%M:%S +00:00", &tm);
	client_reply(c, RPL_TIME, "%s :%s", c->srv->cfg.name, text);
}

static const char *const info_lines[] = {
	CCHATD_VERSION ": the cchat IRC server",
	"One process, one thread, one epoll loop; no server links.",
	"The protocol subset, every reply and every limit: docs/irc.md.",
	"Licensed under the MIT license.",
};

void cmd_info(struct client *c, struct irc_msg *msg)
{
	size_t i;

	if (other_server(c, msg, 0))
		return;
	for (i = 0; i < sizeof(info_lines) / sizeof(info_lines[0]); i++)
		client_reply(c, RPL_INFO, ":%s", info_lines[i]);
	client_reply(c, RPL_INFO, ":Started %s", c->srv->started_text);
	client_reply(c, RPL_ENDOFINFO, ":End of INFO list");
}

void cmd_admin(struct client *c, struct irc_msg *msg)
{
	const struct server_config *cfg = &c->srv->cfg;

	if (other_server(c, msg, 0))
		return;
	client_reply(c, RPL_ADMINME, "%s :Administrative info", cfg->name);
	client_reply(c, RPL_ADMINLOC1, ":%s", cfg->admin_location);
	client_reply(c, RPL_ADMINLOC2, ":%s", cfg->admin_info);
	client_reply(c, RPL_ADMINEMAIL, ":%s", cfg->admin_email);
}

static void stats_uptime(struct client *c)
{
	long long up = (long long)(time(NULL) - c->srv->started);

	client_reply(c, RPL_STATSUPTIME, ":Server Up %lld days %lld:%02lld:"
		     "%02lld", up / 86400, up / 3600 % 24, up / 60 % 60,
		     up % 60);
}

static void stats_opers(struct client *c)
{
	const struct server_config *cfg = &c->srv->cfg;
	unsigned i;

	for (i = 0; i < cfg->nopers; i++)
		client_reply(c, RPL_STATSOLINE, "O %s * %s",
			     cfg->opers[i].host_mask, cfg->opers[i].name);
}

void cmd_stats(struct client *c, struct irc_msg *msg)
{
	char letter = msg->nparams ? msg->params[0][0] : '\0';

	if (other_server(c, msg, 1))
		return;
	switch (letter) {
	case 'u':
		stats_uptime(c);
		break;
	case 'm':
		send_command_stats(c);
		break;
	case 'o':
		stats_opers(c);
		break;
	}
	client_reply(c, RPL_ENDOFSTATS, "%c :End of /STATS report",
		     letter ? letter : '*');
}
