// SPDX-License-Identifier: MIT
/*
 * Operator console: commands typed on stdin, answers on stdout.  Messages
 * from the console come from the server itself (":<server name> ..."),
 * so every IRC client shows them as server messages.  The commands are
 * listed in docs/irc.md and by "help".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "server.h"

struct console_command {
	const char *name;
	void (*fn)(struct server *srv, char *args);
	const char *usage;
};

static void answer(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void answer(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* Cuts the first word off *rest; returns it ("" when there is none). */
static char *next_word(char **rest)
{
	char *p = *rest, *word;

	while (*p == ' ')
		p++;
	word = p;
	while (*p && *p != ' ')
		p++;
	if (*p)
		*p++ = '\0';
	while (*p == ' ')
		p++;
	*rest = p;
	return word;
}

static void con_say(struct server *srv, char *args)
{
	const char *name = next_word(&args);
	struct channel *ch;

	if (!name[0] || !args[0]) {
		answer("error: usage: say CHANNEL TEXT");
		return;
	}
	ch = channel_find(srv, name);
	if (!ch) {
		answer("error: no such channel: %s", name);
		return;
	}
	channel_sendf(ch, NULL, ":%s PRIVMSG %s :%s", srv->cfg.name,
		      ch->name, args);
	answer("ok: said to %u members of %s", ch->nmembers, ch->name);
}

static struct client *registered_client(struct server *srv, const char *nick)
{
	struct client *c = client_find(srv, nick);

	if (!c || !c->registered || c->is_dead) {
		answer("error: no such nick: %s", nick);
		return NULL;
	}
	return c;
}

static void con_msg(struct server *srv, char *args)
{
	const char *nick = next_word(&args);
	struct client *c;

	if (!nick[0] || !args[0]) {
		answer("error: usage: msg NICK TEXT");
		return;
	}
	c = registered_client(srv, nick);
	if (!c)
		return;
	client_sendf(c, ":%s PRIVMSG %s :%s", srv->cfg.name, c->nick, args);
	answer("ok: sent to %s", c->nick);
}

static void con_wall(struct server *srv, char *args)
{
	struct list_node *pos;
	unsigned sent = 0;

	if (!args[0]) {
		answer("error: usage: wall TEXT");
		return;
	}
	list_for_each(pos, &srv->clients) {
		struct client *c = container_of(pos, struct client, all);

		if (!c->registered)
			continue;
		client_sendf(c, ":%s NOTICE %s :%s", srv->cfg.name, c->nick,
			     args);
		sent++;
	}
	answer("ok: sent to %u clients", sent);
}

static void kick_from_channel(struct server *srv, const char *name,
			      char *args)
{
	const char *nick = next_word(&args);
	struct channel *ch = channel_find(srv, name);
	struct client *c;

	if (!ch) {
		answer("error: no such channel: %s", name);
		return;
	}
	c = nick[0] ? registered_client(srv, nick) : NULL;
	if (!c)
		return;
	if (!channel_member(ch, c)) {
		answer("error: %s is not on %s", c->nick, ch->name);
		return;
	}
	answer("ok: kicked %s from %s", c->nick, ch->name);
	kick_member(ch, c, srv->cfg.name,
		    args[0] ? args : "Kicked by the server operator");
}

static void con_kick(struct server *srv, char *args)
{
	const char *first = next_word(&args);
	struct client *c;
	char reason[REASON_MAX + 1];

	if (!first[0]) {
		answer("error: usage: kick NICK [REASON] | "
		       "kick CHANNEL NICK [REASON]");
		return;
	}
	if (irc_is_channel(first)) {
		kick_from_channel(srv, first, args);
		return;
	}
	c = registered_client(srv, first);
	if (!c)
		return;
	snprintf(reason, sizeof(reason), "Killed by the server operator%s%s",
		 args[0] ? ": " : "", args);
	client_kill(c, reason);
	answer("ok: disconnected %s", c->nick);
}

static void con_shutdown(struct server *srv, char *args)
{
	srv->stopping = true;
	snprintf(srv->stop_reason, sizeof(srv->stop_reason), "%s",
		 args[0] ? args : "operator shutdown");
	answer("ok: shutting down");
}

static void con_stats(struct server *srv, char *args)
{
	const struct server_stats *st = &srv->stats;

	(void)args;
	answer("clients %u channels %zu accepted %llu lines_in %llu "
	       "deliveries %llu killed_sendq %llu killed_flood %llu",
	       srv->nclients, srv->channels.count,
	       (unsigned long long)st->accepted,
	       (unsigned long long)st->lines_in,
	       (unsigned long long)st->deliveries,
	       (unsigned long long)st->killed_sendq,
	       (unsigned long long)st->killed_flood);
}

static void con_help(struct server *srv, char *args);

static const struct console_command console_commands[] = {
	{ "help", con_help, "help                        this list" },
	{ "say", con_say, "say CHANNEL TEXT            message a channel" },
	{ "msg", con_msg, "msg NICK TEXT               message one nick" },
	{ "wall", con_wall, "wall TEXT                   notice to everyone" },
	{ "kick", con_kick, "kick NICK [REASON]          disconnect a nick" },
	{ "kick", con_kick, "kick CHANNEL NICK [REASON]  kick from a channel" },
	{ "stats", con_stats, "stats                       counters" },
	{ "shutdown", con_shutdown,
	  "shutdown [REASON]           ERROR to all, then exit" },
};

#define NCOMMANDS (sizeof(console_commands) / sizeof(console_commands[0]))

static void con_help(struct server *srv, char *args)
{
	size_t i;

	(void)srv;
	(void)args;
	for (i = 0; i < NCOMMANDS; i++)
		answer("  %s", console_commands[i].usage);
}

static void console_command(struct server *srv, char *line)
{
	const char *name = next_word(&line);
	size_t i;

	if (!name[0])
		return;
	for (i = 0; i < NCOMMANDS; i++) {
		if (!strcmp(console_commands[i].name, name)) {
			console_commands[i].fn(srv, line);
			return;
		}
	}
	answer("error: unknown command %s (try help)", name);
}

int console_start(struct server *srv)
{
	struct epoll_event ev = { .events = EPOLLIN };
	bool wanted = srv->cfg.console == 1 ||
		      (srv->cfg.console < 0 && isatty(STDIN_FILENO));

	if (!wanted)
		return 0;
	srv->console_in = malloc(sizeof(*srv->console_in));
	if (!srv->console_in)
		return -1;
	line_reader_init(srv->console_in);
	srv->console_watch.kind = WATCH_CONSOLE;
	srv->console_watch.fd = STDIN_FILENO;
	ev.data.ptr = &srv->console_watch;
	if (epoll_ctl(srv->epfd, EPOLL_CTL_ADD, STDIN_FILENO, &ev)) {
		log_msg("console: cannot watch stdin: %s", strerror(errno));
		free(srv->console_in);
		srv->console_in = NULL;
		return srv->cfg.console == 1 ? -1 : 0;
	}
	answer("cchatd console ready; type help for the commands");
	return 0;
}

void console_stop(struct server *srv)
{
	if (!srv->console_in)
		return;
	epoll_ctl(srv->epfd, EPOLL_CTL_DEL, STDIN_FILENO, NULL);
	free(srv->console_in);
	srv->console_in = NULL;
}

/* One read per wakeup: stdin stays blocking, as the terminal expects. */
void console_on_readable(struct server *srv)
{
	struct line_reader *in = srv->console_in;
	struct irc_line line;
	size_t room;
	char *space = line_reader_space(in, &room);
	ssize_t n = read(STDIN_FILENO, space, room);

	if (n < 0 && errno == EINTR)
		return;
	if (n <= 0) {
		log_msg("console: end of input, console closed");
		console_stop(srv);
		return;
	}
	line_reader_commit(in, n);
	while (srv->console_in && line_reader_next(in, &line))
		console_command(srv, line.text);
}
