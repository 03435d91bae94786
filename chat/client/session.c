/* IRC session state; see session.h. */
#include "session.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "format.h"
#include "irc_numerics.h"


static void send_line(struct session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void send_line(struct session *s, const char *fmt, ...)
{
	char line[IRC_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	s->io.send(s->io.ctx, line);
}

static void show(struct session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void show(struct session *s, const char *fmt, ...)
{
	char text[FORMAT_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	s->io.show(s->io.ctx, text);
}

static void copy(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src);
}

void session_alt_nick(const char *base, int attempt, char *out,
		      size_t outlen)
{
	size_t limit = strlen(base) <= SESSION_RFC_NICK_LEN ?
		       SESSION_RFC_NICK_LEN : IRC_NICK_MAX;
	char suffix[16];
	size_t keep;

	if (attempt <= 1)
		copy(suffix, sizeof(suffix), "_");
	else
		snprintf(suffix, sizeof(suffix), "%d", attempt);
	keep = strlen(base);
	if (keep + strlen(suffix) > limit)
		keep = limit - strlen(suffix);
	snprintf(out, outlen, "%.*s%s", (int)keep, base, suffix);
}

void session_start(struct session *s, const struct session_io *io,
		   const char *nick, const char *user, const char *channel)
{
	memset(s, 0, sizeof(*s));
	s->io = *io;
	s->state = SESSION_REGISTERING;
	copy(s->base_nick, sizeof(s->base_nick), nick);
	copy(s->nick, sizeof(s->nick), nick);
	copy(s->autojoin, sizeof(s->autojoin), channel);
	send_line(s, "NICK %s", s->nick);
	send_line(s, "USER %s 0 * :cchat user", user);
}

static bool is_me(const struct session *s, const struct irc_msg *m)
{
	char nick[IRC_LINE_MAX];

	format_prefix_nick(m->prefix, nick, sizeof(nick));
	return irc_casecmp(nick, s->nick) == 0;
}

static int find_joined(const struct session *s, const char *chan)
{
	int i;

	for (i = 0; i < s->njoined; i++)
		if (irc_casecmp(s->joined[i], chan) == 0)
			return i;
	return -1;
}

static void add_joined(struct session *s, const char *chan)
{
	if (find_joined(s, chan) >= 0 || s->njoined >= SESSION_CHANNELS_MAX)
		return;
	copy(s->joined[s->njoined++], sizeof(s->joined[0]), chan);
}

/* Forget chan; if it was current, the most recently joined channel
 * left becomes current. */
static void drop_joined(struct session *s, const char *chan)
{
	int i = find_joined(s, chan);

	if (i >= 0) {
		memmove(s->joined[i], s->joined[i + 1],
			(size_t)(s->njoined - i - 1) * sizeof(s->joined[0]));
		s->njoined--;
	}
	if (irc_casecmp(s->current, chan) != 0)
		return;
	copy(s->current, sizeof(s->current),
	     s->njoined ? s->joined[s->njoined - 1] : "");
}

static void on_welcome(struct session *s, const struct irc_msg *m)
{
	s->state = SESSION_READY;
	if (m->nparams > 0)
		copy(s->nick, sizeof(s->nick), m->params[0]);
	if (s->autojoin[0]) {
		send_line(s, "JOIN %s", s->autojoin);
		copy(s->current, sizeof(s->current), s->autojoin);
	}
}

static void on_nick_taken(struct session *s, const struct irc_msg *m)
{
	char next[IRC_NICK_MAX + 1];

	if (s->state != SESSION_REGISTERING)
		return;
	if (++s->nick_tries > SESSION_NICK_TRIES) {
		snprintf(s->error, sizeof(s->error),
			 "no free nick after %d tries", SESSION_NICK_TRIES);
		s->state = SESSION_FAILED;
		return;
	}
	session_alt_nick(s->base_nick, s->nick_tries, next, sizeof(next));
	show(s, "*** nick %s is taken, trying %s",
	     m->nparams > 1 ? m->params[1] : s->nick, next);
	copy(s->nick, sizeof(s->nick), next);
	send_line(s, "NICK %s", s->nick);
}

static void on_bad_nick(struct session *s, const struct irc_msg *m)
{
	if (s->state != SESSION_REGISTERING)
		return;
	snprintf(s->error, sizeof(s->error), "the server refused nick %s: %s",
		 s->nick, irc_last_param(m) ? irc_last_param(m) : "");
	s->state = SESSION_FAILED;
}

/* A JOIN we asked for was refused: do not leave it current. */
static void on_join_refused(struct session *s, const struct irc_msg *m)
{
	if (m->nparams > 1 && find_joined(s, m->params[1]) < 0)
		drop_joined(s, m->params[1]);
}

static void track_numeric(struct session *s, const struct irc_msg *m)
{
	switch (atoi(m->command)) {
	case 1:
		on_welcome(s, m);
		break;
	case ERR_NICKNAMEINUSE:
	case ERR_UNAVAILRESOURCE:
		if (m->nparams > 1 && irc_is_channel(m->params[1]))
			on_join_refused(s, m);
		else
			on_nick_taken(s, m);
		break;
	case ERR_ERRONEUSNICKNAME:
		on_bad_nick(s, m);
		break;
	case ERR_NOSUCHCHANNEL: case ERR_TOOMANYCHANNELS:
	case ERR_CHANNELISFULL: case ERR_INVITEONLYCHAN:
	case ERR_BANNEDFROMCHAN: case ERR_BADCHANNELKEY:
	case ERR_BADCHANMASK:
		on_join_refused(s, m);
		break;
	}
}

/* Update our state from what the server tells us about ourselves. */
static void track(struct session *s, const struct irc_msg *m)
{
	const char *cmd = m->command;

	if (cmd[0] >= '0' && cmd[0] <= '9') {
		track_numeric(s, m);
	} else if (!strcasecmp(cmd, "JOIN") && is_me(s, m) && m->nparams) {
		add_joined(s, m->params[0]);
		if (!s->current[0])
			copy(s->current, sizeof(s->current), m->params[0]);
	} else if (!strcasecmp(cmd, "PART") && is_me(s, m) && m->nparams) {
		drop_joined(s, m->params[0]);
	} else if (!strcasecmp(cmd, "KICK") && m->nparams > 1 &&
		   irc_casecmp(m->params[1], s->nick) == 0) {
		drop_joined(s, m->params[0]);
	} else if (!strcasecmp(cmd, "NICK") && is_me(s, m) && m->nparams) {
		copy(s->nick, sizeof(s->nick), m->params[0]);
	}
}

void session_receive(struct session *s, char *line)
{
	char text[FORMAT_LINE_MAX];
	struct irc_msg m;

	if (irc_parse(line, &m) < 0)
		return;
	if (!strcasecmp(m.command, "PING")) {
		send_line(s, "PONG :%s", m.nparams ? irc_last_param(&m) : "");
		return;
	}
	/* Shown before tracking so that a nick change reads correctly. */
	if (format_message(&m, text, sizeof(text)))
		s->io.show(s->io.ctx, text);
	track(s, &m);
}

/* Show what we sent as if the server had relayed it back. */
static void echo_own(struct session *s, const char *line)
{
	char copy_line[IRC_LINE_MAX], text[FORMAT_LINE_MAX];
	struct irc_msg m;

	copy(copy_line, sizeof(copy_line), line);
	if (irc_parse(copy_line, &m) < 0)
		return;
	if (strcmp(m.command, "PRIVMSG") && strcmp(m.command, "NOTICE"))
		return;
	m.prefix = s->nick;
	if (format_message(&m, text, sizeof(text)))
		s->io.show(s->io.ctx, text);
}

static void show_help(struct session *s)
{
	int i;

	for (i = 0; cmd_help_text[i]; i++)
		s->io.show(s->io.ctx, cmd_help_text[i]);
}

enum cmd_action session_input(struct session *s, const char *line)
{
	struct cmd_result r;
	int i;

	switch (cmd_parse(line, s->current, &r)) {
	case CMD_ERROR:
		show(s, "*** %s", r.message);
		return CMD_ERROR;
	case CMD_HELP:
		show_help(s);
		return CMD_HELP;
	case CMD_NOTHING:
		return CMD_NOTHING;
	case CMD_QUIT:
		s->state = SESSION_QUITTING;
		break;
	case CMD_SEND:
		break;
	}
	for (i = 0; i < r.nlines; i++) {
		s->io.send(s->io.ctx, r.lines[i]);
		echo_own(s, r.lines[i]);
	}
	if (r.switch_to[0])
		copy(s->current, sizeof(s->current), r.switch_to);
	return r.action;
}
