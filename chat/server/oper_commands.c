// SPDX-License-Identifier: MIT
/*
 * Server operators: OPER against the config file's "oper" lines
 * (passwords stored as crypt(3) hashes, never in clear), and the
 * commands only operators may use: KILL, WALLOPS and REHASH (the
 * commands[] table refuses them to others with 481).
 */
#include <crypt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "config.h"

static const struct oper *find_oper(const struct server_config *cfg,
				    const char *name)
{
	unsigned i;

	for (i = 0; i < cfg->nopers; i++)
		if (!strcmp(cfg->opers[i].name, name))
			return &cfg->opers[i];
	return NULL;
}

static bool oper_host_matches(const struct oper *op, const struct client *c)
{
	char user_host[IRC_USER_MAX + HOST_MAX + 2];

	snprintf(user_host, sizeof(user_host), "%s@%s", c->user, c->host);
	return irc_mask_match(op->host_mask, user_host);
}

/* crypt_r's state is large (32 KiB): one for the whole server. */
bool crypt_matches(const char *hash, const char *password)
{
	static struct crypt_data data;
	const char *out;

	memset(&data, 0, sizeof(data));
	out = crypt_r(password, hash, &data);
	return out && out[0] != '*' && !strcmp(out, hash);
}

void cmd_oper(struct client *c, struct irc_msg *msg)
{
	const struct oper *op = find_oper(&c->srv->cfg, msg->params[0]);

	if (!op || !oper_host_matches(op, c)) {
		client_reply(c, ERR_NOOPERHOST, ":No O-lines for your host");
		return;
	}
	if (!crypt_matches(op->hash, msg->params[1])) {
		log_msg("%s: failed OPER as %s", c->prefix, op->name);
		client_reply(c, ERR_PASSWDMISMATCH, ":Password incorrect");
		return;
	}
	log_msg("%s is now an IRC operator (%s)", c->prefix, op->name);
	if (!c->mode_oper)
		client_sendf(c, ":%s MODE %s :+o", c->nick, c->nick);
	set_oper(c, true);
	client_reply(c, RPL_YOUREOPER, ":You are now an IRC operator");
}

void cmd_kill(struct client *c, struct irc_msg *msg)
{
	struct client *target = client_find(c->srv, msg->params[0]);
	const char *why = msg->nparams > 1 ? msg->params[1] : c->nick;
	char reason[REASON_MAX + 1];

	if (!target || !target->registered) {
		err_no_such_nick(c, msg->params[0]);
		return;
	}
	snprintf(reason, sizeof(reason), "Killed (%s (%s))", c->nick, why);
	log_msg("%s killed %s: %s", c->prefix, target->prefix, why);
	client_kill(target, reason);
}

void cmd_wallops(struct client *c, struct irc_msg *msg)
{
	char line[IRC_LINE_MAX + 1];
	size_t len = client_line(c, line, "WALLOPS :%s", msg->params[0]);
	struct list_node *pos;

	list_for_each(pos, &c->srv->clients) {
		struct client *to = container_of(pos, struct client, all);

		if (to->registered && to->mode_wallops)
			client_send(to, line, len);
	}
}

void cmd_rehash(struct client *c, struct irc_msg *msg)
{
	struct config_error err;
	const char *file = c->srv->cfg.config_file;

	(void)msg;
	client_reply(c, RPL_REHASHING, "%s :Rehashing", file ? file : "-");
	if (server_reload(c->srv, &err)) {
		log_msg("%s; keeping the configuration in force", err.text);
		client_sendf(c, ":%s NOTICE %s :REHASH failed: %s",
			     c->srv->cfg.name, c->nick, err.text);
	}
}
