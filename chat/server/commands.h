/* SPDX-License-Identifier: MIT */
/* Command handlers, shared between commands.c and channel_commands.c. */
#ifndef CCHATD_COMMANDS_H
#define CCHATD_COMMANDS_H

#include "server.h"

typedef void command_fn(struct client *c, struct irc_msg *msg);

command_fn cmd_join, cmd_part, cmd_topic, cmd_names, cmd_list, cmd_who,
	cmd_kick, cmd_mode, cmd_invite;                 /* channel_commands.c */
command_fn cmd_away, cmd_ison, cmd_userhost, cmd_whois, cmd_whowas,
	cmd_oper, cmd_kill, cmd_wallops, cmd_rehash;    /* user_, oper_commands.c */
command_fn cmd_lusers, cmd_version, cmd_time, cmd_info, cmd_admin,
	cmd_stats;                                      /* server_commands.c */
command_fn cmd_monitor;                                 /* monitor.c */
command_fn cmd_cap, cmd_setname;                        /* caps.c */
command_fn cmd_authenticate;                            /* sasl.c */

/* Whether password hashes to hash (crypt(3)), oper_commands.c. */
bool crypt_matches(const char *hash, const char *password);
command_fn cmd_tagmsg;                                  /* commands.c */

/* Registration ends once NICK, USER and any CAP negotiation are done. */
void try_register(struct client *c);
/* AWAY to the peers with away-notify. */
void away_notify_peers(struct client *c);

/* MODE on a channel (channel_modes.c) and on a nick (user_commands.c). */
void channel_mode(struct client *c, struct irc_msg *msg);
void user_mode(struct client *c, struct irc_msg *msg);
/* 251-255, 265, 266. */
void send_lusers(struct client *c);
/* caps.c: what clients with away-notify, invite-notify see. */
void send_away_notify(struct client *c, struct channel *ch);
void send_invite_notify(struct client *inviter, struct channel *ch,
			const struct client *target);
/* STATS m: 212 per command used so far. */
void send_command_stats(struct client *c);

/*
 * Calls fn for each item of a comma-separated list of targets (the list
 * is copied, so msg stays intact): each one once, however
 * it is spelled (case-folded), and at most max of them (0: no limit);
 * those past max get 407 unless quiet.  TARGMAX in 005 says the same.
 */
void for_each_target(struct client *c, const char *list, unsigned max,
		     bool quiet, bool (*fn)(const char *, void *), void *arg);

/* 353 and 366 for one channel. */
void send_names(struct client *c, struct channel *ch);
/* 332 and 333, or 331 when asked and there is no topic. */
void send_topic(struct client *c, struct channel *ch, bool say_none);
/* The 005 lines. */
void send_isupport(struct client *c);
/* The MOTD, or 422 without one. */
void send_motd(struct client *c);

/* The error numerics that several commands share. */
void err_no_such_nick(struct client *c, const char *name);       /* 401 */
void err_no_such_channel(struct client *c, const char *name);    /* 403 */
void err_not_on_channel(struct client *c, const char *name);     /* 442 */
void err_not_operator(struct client *c, const char *name);       /* 482 */

#endif
