// SPDX-License-Identifier: MIT
/*
 * The 005 (RPL_ISUPPORT) lines: every token says what the server really
 * does, from the same constants the checks use.  Tokens are spread over
 * as many 005 lines as needed, ISUPPORT_PER_LINE each.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"

#define ISUPPORT_PER_LINE 12    /* tokens on one 005 line */
#define ISUPPORT_TOKEN_MAX 160  /* bytes of one token */
#define ISUPPORT_TOKENS_MAX 40

struct isupport {
	char tokens[ISUPPORT_TOKENS_MAX][ISUPPORT_TOKEN_MAX];
	int count;
};

static void add(struct isupport *is, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add(struct isupport *is, const char *fmt, ...)
{
	va_list ap;

	if (is->count == ISUPPORT_TOKENS_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(is->tokens[is->count++], ISUPPORT_TOKEN_MAX, fmt, ap);
	va_end(ap);
}

/* "JOIN:" alone means no limit beyond the line's. */
static void add_targmax(struct isupport *is)
{
	static const struct { const char *cmd; unsigned max; } limits[] = {
		{ "PRIVMSG", TARGMAX_MSG }, { "NOTICE", TARGMAX_MSG },
		{ "JOIN", TARGMAX_JOIN }, { "PART", TARGMAX_PART },
		{ "NAMES", TARGMAX_NAMES }, { "LIST", TARGMAX_LIST },
		{ "KICK", TARGMAX_KICK }, { "WHOIS", TARGMAX_WHOIS },
		{ "WHOWAS", TARGMAX_WHOWAS }, { "MONITOR", 0 },
	};
	char text[ISUPPORT_TOKEN_MAX];
	size_t used = 0, i;

	for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		int n = limits[i].max ?
			snprintf(text + used, sizeof(text) - used, "%s%s:%u",
				 i ? "," : "", limits[i].cmd, limits[i].max) :
			snprintf(text + used, sizeof(text) - used, "%s%s:",
				 i ? "," : "", limits[i].cmd);

		if (n < 0 || (size_t)n >= sizeof(text) - used)
			break;
		used += n;
	}
	add(is, "TARGMAX=%s", text);
}

static void collect(const struct server *srv, struct isupport *is)
{
	const struct server_config *cfg = &srv->cfg;

	add(is, "CASEMAPPING=%s", IRC_CASEMAPPING);
	add(is, "CHANTYPES=#&");
	add(is, "CHANLIMIT=#&:%u", cfg->max_channels);
	add(is, "CHANMODES=%s", CHANMODES_TOKEN);
	add(is, "PREFIX=%s", PREFIX_TOKEN);
	add(is, "STATUSMSG=%s", STATUSMSG_TOKEN);
	add(is, "MODES=%d", MODES_MAX);
	add(is, "MAXLIST=b:%d", BANS_MAX);
	add(is, "CHANNELLEN=%d", IRC_CHANNEL_MAX);
	add(is, "NICKLEN=%d", IRC_NICK_MAX);
	add(is, "TOPICLEN=%d", IRC_TOPIC_MAX);
	add(is, "KICKLEN=%d", REASON_MAX);
	add(is, "KEYLEN=%d", KEY_MAX);
	add(is, "AWAYLEN=%d", AWAY_MAX);
	add(is, "USERLEN=%d", IRC_USER_MAX);
	add(is, "HOSTLEN=%d", HOST_MAX - 1);
	add(is, "MAXTARGETS=%d", TARGMAX_MSG);
	add_targmax(is);
	add(is, "NETWORK=%s", CCHATD_NETWORK);
	add(is, "MONITOR=%d", MONITOR_MAX);
	add(is, "ELIST=U");
}

void send_isupport(struct client *c)
{
	struct isupport is;
	/* Room for a full line of the longest tokens: no snprintf below
	 * can be cut, and client_reply cuts the line to IRC_LINE_MAX. */
	char line[ISUPPORT_PER_LINE * (ISUPPORT_TOKEN_MAX + 1)];
	int i, used = 0;

	is.count = 0;
	collect(c->srv, &is);
	for (i = 0; i < is.count; i++) {
		used += snprintf(line + used, sizeof(line) - used, "%s%s",
				 used ? " " : "", is.tokens[i]);
		if ((i + 1) % ISUPPORT_PER_LINE == 0 || i + 1 == is.count) {
			client_reply(c, RPL_ISUPPORT,
				     "%s :are supported by this server", line);
			used = 0;
		}
	}
}
