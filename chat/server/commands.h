/* SPDX-License-Identifier: MIT */
/* Command handlers, shared between commands.c and channel_commands.c. */
#ifndef CCHATD_COMMANDS_H
#define CCHATD_COMMANDS_H

#include "server.h"

typedef void command_fn(struct client *c, struct irc_msg *msg);

command_fn cmd_join, cmd_part, cmd_topic, cmd_names, cmd_list, cmd_who,
	cmd_kick, cmd_mode;

/*
 * Calls fn for each non-empty item of the comma-separated list; stops
 * early when fn returns false.  The list is copied, so msg stays intact.
 */
void for_each_item(const char *list, bool (*fn)(const char *, void *),
		   void *arg);

/* 353 and 366 for one channel. */
void send_names(struct client *c, struct channel *ch);
/* 332 and 333, or 331 when asked and there is no topic. */
void send_topic(struct client *c, struct channel *ch, bool say_none);
/* The MOTD, or 422 without one. */
void send_motd(struct client *c);

/* The error numerics that several commands share. */
void err_no_such_nick(struct client *c, const char *name);       /* 401 */
void err_no_such_channel(struct client *c, const char *name);    /* 403 */
void err_not_on_channel(struct client *c, const char *name);     /* 442 */
void err_not_operator(struct client *c, const char *name);       /* 482 */

#endif
