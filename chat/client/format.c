/* Protocol messages to display lines; see format.h. */
#include "format.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "irc_numerics.h"

#define CTCP_ACTION "\001ACTION "

struct sbuf {
	char *p;
	size_t len, cap;
};

static void sb_init(struct sbuf *sb, char *out, size_t outlen)
{
	sb->p = out;
	sb->len = 0;
	sb->cap = outlen;
	if (outlen)
		out[0] = '\0';
}

static void sb_add(struct sbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sb_add(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (sb->len + 1 >= sb->cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(sb->p + sb->len, sb->cap - sb->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	sb->len += (size_t)n;
	if (sb->len >= sb->cap)
		sb->len = sb->cap - 1;
}

/* Append text through format_clean. */
static void sb_text(struct sbuf *sb, const char *text)
{
	if (sb->len + 1 >= sb->cap)
		return;
	format_clean(text, sb->p + sb->len, sb->cap - sb->len);
	sb->len += strlen(sb->p + sb->len);
}

static bool is_style_code(unsigned char c)
{
	return c == 0x02 || c == 0x0f || c == 0x11 || c == 0x16 ||
	       c == 0x1d || c == 0x1e || c == 0x1f;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Skip the "fg[,bg]" digits after a ^C colour code. */
static const char *skip_colour(const char *s)
{
	int i;

	for (i = 0; i < 2 && is_digit(*s); i++)
		s++;
	if (s[0] == ',' && is_digit(s[1])) {
		s++;
		for (i = 0; i < 2 && is_digit(*s); i++)
			s++;
	}
	return s;
}

void format_clean(const char *text, char *out, size_t outlen)
{
	size_t n = 0;
	const unsigned char *s = (const unsigned char *)text;

	if (!outlen)
		return;
	while (*s && n + 1 < outlen) {
		if (is_style_code(*s)) {
			s++;
		} else if (*s == 0x03) {
			s = (const unsigned char *)skip_colour((const char *)s + 1);
		} else if (*s < 0x20 || *s == 0x7f) {
			out[n++] = '?';
			s++;
		} else if (s[0] == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f) {
			/* C1 controls such as U+009B (CSI) */
			out[n++] = '?';
			s += 2;
		} else {
			out[n++] = (char)*s++;
		}
	}
	out[n] = '\0';
}

void format_prefix_nick(const char *prefix, char *out, size_t outlen)
{
	size_t n;

	if (!outlen)
		return;
	if (!prefix) {
		out[0] = '\0';
		return;
	}
	n = strcspn(prefix, "!@");
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, prefix, n);
	out[n] = '\0';
}

void format_stamp(time_t when, char *out, size_t outlen)
{
	struct tm tm;

	if (!localtime_r(&when, &tm) ||
	    !strftime(out, outlen, "[%H:%M:%S] ", &tm))
		snprintf(out, outlen, "[--:--:--] ");
}

static const char *param(const struct irc_msg *m, int i)
{
	return i < m->nparams ? m->params[i] : "";
}

/* Append " (reason)" when there is a reason. */
static void sb_reason(struct sbuf *sb, const char *reason)
{
	if (!*reason)
		return;
	sb_add(sb, " (");
	sb_text(sb, reason);
	sb_add(sb, ")");
}

static bool fmt_privmsg(const struct irc_msg *m, const char *from,
			struct sbuf *sb)
{
	const char *text = param(m, 1);
	size_t alen = strlen(CTCP_ACTION);
	char body[IRC_LINE_MAX];
	size_t n;

	if (strncmp(text, CTCP_ACTION, alen) == 0) {
		snprintf(body, sizeof(body), "%s", text + alen);
		n = strlen(body);
		if (n && body[n - 1] == '\001')
			body[n - 1] = '\0';
		sb_add(sb, "* %s -> ", from);
		sb_text(sb, param(m, 0));
		sb_add(sb, " ");
		sb_text(sb, body);
		return true;
	}
	if (text[0] == '\001') {
		sb_add(sb, "--- CTCP from %s: ", from);
		sb_text(sb, text + 1);
		return true;
	}
	sb_add(sb, "<%s -> ", from);
	sb_text(sb, param(m, 0));
	sb_add(sb, "> ");
	sb_text(sb, text);
	return true;
}

static bool fmt_notice(const struct irc_msg *m, const char *from,
		       struct sbuf *sb)
{
	sb_add(sb, "-%s -> ", *from ? from : "server");
	sb_text(sb, param(m, 0));
	sb_add(sb, "- ");
	sb_text(sb, param(m, 1));
	return true;
}

static bool fmt_join(const struct irc_msg *m, const char *from,
		     struct sbuf *sb)
{
	sb_add(sb, "--> %s", from);
	if (m->prefix && strchr(m->prefix, '!')) {
		sb_add(sb, " (");
		sb_text(sb, strchr(m->prefix, '!') + 1);
		sb_add(sb, ")");
	}
	sb_add(sb, " joined ");
	sb_text(sb, param(m, 0));
	return true;
}

static bool fmt_part(const struct irc_msg *m, const char *from,
		     struct sbuf *sb)
{
	sb_add(sb, "<-- %s left ", from);
	sb_text(sb, param(m, 0));
	sb_reason(sb, param(m, 1));
	return true;
}

static bool fmt_quit(const struct irc_msg *m, const char *from,
		     struct sbuf *sb)
{
	sb_add(sb, "<-- %s quit", from);
	sb_reason(sb, param(m, 0));
	return true;
}

static bool fmt_nick(const struct irc_msg *m, const char *from,
		     struct sbuf *sb)
{
	sb_add(sb, "--- %s is now known as ", from);
	sb_text(sb, param(m, 0));
	return true;
}

static bool fmt_kick(const struct irc_msg *m, const char *from,
		     struct sbuf *sb)
{
	sb_add(sb, "<-- ");
	sb_text(sb, param(m, 1));
	sb_add(sb, " was kicked from ");
	sb_text(sb, param(m, 0));
	sb_add(sb, " by %s", from);
	sb_reason(sb, param(m, 2));
	return true;
}

static bool fmt_topic(const struct irc_msg *m, const char *from,
		      struct sbuf *sb)
{
	sb_add(sb, "--- %s set the topic of ", from);
	sb_text(sb, param(m, 0));
	sb_add(sb, " to: ");
	sb_text(sb, param(m, 1));
	return true;
}

static bool fmt_error(const struct irc_msg *m, const char *from,
		      struct sbuf *sb)
{
	(void)from;
	sb_add(sb, "!!! server: ");
	sb_text(sb, param(m, 0));
	return true;
}

static bool fmt_hidden(const struct irc_msg *m, const char *from,
		       struct sbuf *sb)
{
	(void)m;
	(void)from;
	(void)sb;
	return false;
}

/* Parameters first..last joined by spaces. */
static void sb_params(struct sbuf *sb, const struct irc_msg *m, int first)
{
	int i;

	for (i = first; i < m->nparams; i++) {
		if (i > first)
			sb_add(sb, " ");
		sb_text(sb, m->params[i]);
	}
}

/* Errors: "!!! #chan: No such channel (403)". */
static bool fmt_numeric_error(const struct irc_msg *m, struct sbuf *sb)
{
	int last = m->nparams - 1;
	int i;

	sb_add(sb, "!!! ");
	for (i = 1; i < last; i++) {
		sb_text(sb, m->params[i]);
		sb_add(sb, i + 1 < last ? " " : ": ");
	}
	if (last >= 1)
		sb_text(sb, m->params[last]);
	sb_add(sb, " (%s)", m->command);
	return true;
}

static bool fmt_who_reply(const struct irc_msg *m, struct sbuf *sb)
{
	const char *real = param(m, 7);
	const char *sp = strchr(real, ' ');

	/* 352 me chan user host server nick flags :hops realname */
	sb_add(sb, "--- who ");
	sb_text(sb, param(m, 1));
	sb_add(sb, ": ");
	sb_text(sb, param(m, 5));
	sb_add(sb, " (");
	sb_text(sb, param(m, 2));
	sb_add(sb, "@");
	sb_text(sb, param(m, 3));
	sb_add(sb, ") ");
	sb_text(sb, param(m, 6));
	sb_add(sb, " ");
	sb_text(sb, sp ? sp + 1 : real);
	return true;
}

static bool fmt_numeric(const struct irc_msg *m, struct sbuf *sb)
{
	int code = atoi(m->command);

	switch (code) {
	case RPL_ISUPPORT: case RPL_ENDOFWHO: case RPL_LISTSTART:
	case RPL_ENDOFNAMES:
		return false;
	case RPL_LIST:	/* me chan visible :topic */
		sb_add(sb, "--- list: ");
		sb_text(sb, param(m, 1));
		sb_add(sb, " (%s users) ", param(m, 2));
		sb_text(sb, param(m, 3));
		return true;
	case RPL_LISTEND:
		sb_add(sb, "--- end of list");
		return true;
	case RPL_NOTOPIC:
		sb_add(sb, "--- ");
		sb_text(sb, param(m, 1));
		sb_add(sb, " has no topic");
		return true;
	case RPL_TOPIC:
		sb_add(sb, "--- topic of ");
		sb_text(sb, param(m, 1));
		sb_add(sb, ": ");
		sb_text(sb, param(m, 2));
		return true;
	case RPL_TOPICWHOTIME:	/* me chan setter time */
		sb_add(sb, "--- topic of ");
		sb_text(sb, param(m, 1));
		sb_add(sb, " set by ");
		sb_text(sb, param(m, 2));
		return true;
	case RPL_WHOREPLY:
		return fmt_who_reply(m, sb);
	case RPL_NAMREPLY:	/* me = chan :names */
		sb_add(sb, "--- names ");
		sb_text(sb, param(m, 2));
		sb_add(sb, ": ");
		sb_text(sb, param(m, 3));
		return true;
	}
	/* 422 (no MOTD) is a numeric error but nothing went wrong. */
	if (code >= 400 && code < 600 && code != ERR_NOMOTD)
		return fmt_numeric_error(m, sb);
	sb_add(sb, "--- ");
	sb_params(sb, m, 1);
	return true;
}

struct formatter {
	const char *command;
	bool (*run)(const struct irc_msg *m, const char *from,
		    struct sbuf *sb);
};

static const struct formatter formatters[] = {
	{ "PRIVMSG", fmt_privmsg },	{ "NOTICE", fmt_notice },
	{ "JOIN", fmt_join },		{ "PART", fmt_part },
	{ "QUIT", fmt_quit },		{ "NICK", fmt_nick },
	{ "KICK", fmt_kick },		{ "TOPIC", fmt_topic },
	{ "ERROR", fmt_error },		{ "PING", fmt_hidden },
	{ "PONG", fmt_hidden },		{ "CAP", fmt_hidden },
};

static bool is_numeric(const char *cmd)
{
	return is_digit(cmd[0]) && is_digit(cmd[1]) && is_digit(cmd[2]) &&
	       !cmd[3];
}

bool format_message(const struct irc_msg *m, char *out, size_t outlen)
{
	char from[IRC_LINE_MAX], raw_from[IRC_LINE_MAX];
	struct sbuf sb;
	size_t i;

	sb_init(&sb, out, outlen);
	format_prefix_nick(m->prefix, raw_from, sizeof(raw_from));
	format_clean(raw_from, from, sizeof(from));
	if (is_numeric(m->command))
		return fmt_numeric(m, &sb);
	for (i = 0; i < sizeof(formatters) / sizeof(formatters[0]); i++)
		if (strcasecmp(m->command, formatters[i].command) == 0)
			return formatters[i].run(m, from, &sb);
	sb_add(&sb, "--- %s ", from);
	sb_text(&sb, m->command);
	sb_add(&sb, " ");
	sb_params(&sb, m, 0);
	return true;
}
