/* Typed input to IRC lines; see command.h. */
#include "command.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define DEFAULT_QUIT_REASON "Leaving"
#define ACTION_OVERHEAD (sizeof("\001ACTION \001") - 1)

const char *const cmd_help_text[] = {
	"Commands (anything else is sent to the current channel):",
	"  /join #channel [key]     join a channel and make it current",
	"  /part [#channel] [why]   leave a channel (default: the current one)",
	"  /msg TARGET TEXT         private message to a nick or a channel",
	"  /me ACTION               action in the current channel",
	"  /nick NEWNICK            change your nick",
	"  /names [#channel]        who is in a channel",
	"  /who [MASK]              details about users (default: current channel)",
	"  /topic [#channel] [TEXT] show or set the topic",
	"  /list [#channel,...]     list channels",
	"  /kick NICK [why]         kick someone from the current channel",
	"  /quote RAW LINE          send a raw protocol line",
	"  /quit [why]              leave the server",
	"  /help                    this text",
	"  //text                   send text that starts with a slash",
	NULL,
};

static enum cmd_action fail(struct cmd_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static enum cmd_action fail(struct cmd_result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->message, sizeof(r->message), fmt, ap);
	va_end(ap);
	r->nlines = 0;
	r->switch_to[0] = '\0';
	return r->action = CMD_ERROR;
}

static const char *skip_spaces(const char *p)
{
	while (*p == ' ')
		p++;
	return p;
}

/* Copy the next space-delimited word of *p into out; advance *p past it
 * and the spaces after.  Returns the word length, or -1 when it does
 * not fit in out. */
static int next_word(const char **p, char *out, size_t outlen)
{
	const char *s = skip_spaces(*p);
	size_t n = strcspn(s, " ");

	if (n >= outlen)
		return -1;
	memcpy(out, s, n);
	out[n] = '\0';
	*p = skip_spaces(s + n);
	return (int)n;
}


static enum cmd_action add_line(struct cmd_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static enum cmd_action add_line(struct cmd_result *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (r->nlines >= CMD_LINES_MAX)
		return fail(r, "message too long");
	va_start(ap, fmt);
	n = vsnprintf(r->lines[r->nlines], IRC_LINE_MAX - 1, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= IRC_LINE_MAX - 2)
		return fail(r, "line too long for IRC (limit %d bytes)",
			    IRC_LINE_MAX - 2);
	r->nlines++;
	return r->action;
}

size_t cmd_chunk_len(const char *text, size_t len, size_t max)
{
	size_t cut, i;

	if (len <= max)
		return len;
	cut = irc_utf8_cut(text, len, max);
	for (i = cut; i > max / 2; i--)
		if (text[i] == ' ')
			return i;
	return cut ? cut : max;
}

/* PRIVMSG text to target, split into pieces that survive relaying. */
static enum cmd_action send_text(struct cmd_result *r, const char *target,
				 const char *text, bool action)
{
	size_t overhead = CMD_RELAY_PREFIX_RESERVE + strlen("PRIVMSG  :\r\n") +
			  strlen(target) + (action ? ACTION_OVERHEAD : 0);
	size_t len = strlen(text), budget, n;

	if (overhead + 16 > IRC_LINE_MAX)
		return fail(r, "target name too long: %s", target);
	budget = IRC_LINE_MAX - overhead;
	while (len > 0) {
		n = cmd_chunk_len(text, len, budget);
		if (action)
			add_line(r, "PRIVMSG %s :\001ACTION %.*s\001", target,
				 (int)n, text);
		else
			add_line(r, "PRIVMSG %s :%.*s", target, (int)n, text);
		if (r->action == CMD_ERROR)
			return CMD_ERROR;
		text = skip_spaces(text + n);
		len = strlen(text);
	}
	return r->action;
}

static enum cmd_action need_channel(struct cmd_result *r, const char *what)
{
	return fail(r, "%s: you are not in a channel (use /join #channel)",
		    what);
}

static enum cmd_action do_join(const char *args, const char *cur,
			       struct cmd_result *r)
{
	char name[IRC_CHANNEL_MAX + 2], key[IRC_CHANNEL_MAX + 1];
	char *chan = name + 1;
	int n;

	(void)cur;
	if (next_word(&args, chan, sizeof(name) - 1) <= 0)
		return fail(r, "usage: /join #channel [key]");
	if (!irc_is_channel(chan)) {
		name[0] = '#';
		chan = name;
	}
	if (!irc_valid_channel(chan))
		return fail(r, "not a valid channel name: %s", chan);
	n = next_word(&args, key, sizeof(key));
	if (n < 0)
		return fail(r, "channel key too long");
	snprintf(r->switch_to, sizeof(r->switch_to), "%s", chan);
	if (n > 0)
		return add_line(r, "JOIN %s %s", chan, key);
	return add_line(r, "JOIN %s", chan);
}

/* Optional leading channel argument, else the current channel. */
static int channel_arg(const char **args, const char *cur, char *out,
		       size_t outlen)
{
	const char *p = skip_spaces(*args);

	if (irc_is_channel(p))
		return next_word(args, out, outlen);
	snprintf(out, outlen, "%s", cur);
	*args = p;
	return (int)strlen(out);
}

/* PART and TOPIC: a channel (default: the current one), then optional text. */
static enum cmd_action channel_and_text(const char *verb, const char *usage,
					const char *args, const char *cur,
					struct cmd_result *r)
{
	char chan[IRC_CHANNEL_MAX + 1];
	int n = channel_arg(&args, cur, chan, sizeof(chan));

	if (n < 0)
		return fail(r, "channel name too long");
	if (n == 0)
		return need_channel(r, usage);
	if (*args)
		return add_line(r, "%s %s :%s", verb, chan, args);
	return add_line(r, "%s %s", verb, chan);
}

static enum cmd_action do_part(const char *args, const char *cur,
			       struct cmd_result *r)
{
	return channel_and_text("PART", "/part", args, cur, r);
}

static enum cmd_action do_msg(const char *args, const char *cur,
			      struct cmd_result *r)
{
	char target[IRC_LINE_MAX];

	(void)cur;
	if (next_word(&args, target, sizeof(target)) <= 0 || !*args)
		return fail(r, "usage: /msg TARGET TEXT");
	return send_text(r, target, args, false);
}

static enum cmd_action do_me(const char *args, const char *cur,
			     struct cmd_result *r)
{
	if (!*cur)
		return need_channel(r, "/me");
	if (!*args)
		return fail(r, "usage: /me ACTION");
	return send_text(r, cur, args, true);
}

static enum cmd_action do_nick(const char *args, const char *cur,
			       struct cmd_result *r)
{
	char nick[IRC_LINE_MAX];

	(void)cur;
	if (next_word(&args, nick, sizeof(nick)) <= 0 || *args)
		return fail(r, "usage: /nick NEWNICK");
	return add_line(r, "NICK %s", nick);
}

static enum cmd_action do_names(const char *args, const char *cur,
				struct cmd_result *r)
{
	char chan[IRC_CHANNEL_MAX + 1];
	int n = channel_arg(&args, cur, chan, sizeof(chan));

	if (n < 0)
		return fail(r, "channel name too long");
	if (n == 0)
		return add_line(r, "NAMES");
	return add_line(r, "NAMES %s", chan);
}

static enum cmd_action do_who(const char *args, const char *cur,
			      struct cmd_result *r)
{
	char mask[IRC_LINE_MAX];
	int n = next_word(&args, mask, sizeof(mask));

	if (n == 0)
		snprintf(mask, sizeof(mask), "%s", cur);
	if (!mask[0])
		return need_channel(r, "/who");
	return add_line(r, "WHO %s", mask);
}

static enum cmd_action do_topic(const char *args, const char *cur,
				struct cmd_result *r)
{
	return channel_and_text("TOPIC", "/topic", args, cur, r);
}

static enum cmd_action do_list(const char *args, const char *cur,
			       struct cmd_result *r)
{
	(void)cur;
	if (*args)
		return add_line(r, "LIST %s", args);
	return add_line(r, "LIST");
}

static enum cmd_action do_kick(const char *args, const char *cur,
			       struct cmd_result *r)
{
	char nick[IRC_LINE_MAX];

	if (!*cur)
		return need_channel(r, "/kick");
	if (next_word(&args, nick, sizeof(nick)) <= 0)
		return fail(r, "usage: /kick NICK [reason]");
	if (*args)
		return add_line(r, "KICK %s %s :%s", cur, nick, args);
	return add_line(r, "KICK %s %s", cur, nick);
}

static enum cmd_action do_quote(const char *args, const char *cur,
				struct cmd_result *r)
{
	(void)cur;
	if (!*args)
		return fail(r, "usage: /quote RAW LINE");
	return add_line(r, "%s", args);
}

static enum cmd_action do_quit(const char *args, const char *cur,
			       struct cmd_result *r)
{
	(void)cur;
	r->action = CMD_QUIT;
	return add_line(r, "QUIT :%s", *args ? args : DEFAULT_QUIT_REASON);
}

static enum cmd_action do_help(const char *args, const char *cur,
			       struct cmd_result *r)
{
	(void)args;
	(void)cur;
	return r->action = CMD_HELP;
}

struct command {
	const char *name;
	enum cmd_action (*run)(const char *args, const char *cur,
			       struct cmd_result *r);
};

static const struct command commands[] = {
	{ "join", do_join },	{ "part", do_part },	{ "msg", do_msg },
	{ "me", do_me },	{ "nick", do_nick },	{ "names", do_names },
	{ "who", do_who },	{ "topic", do_topic },	{ "list", do_list },
	{ "kick", do_kick },	{ "quote", do_quote },	{ "quit", do_quit },
	{ "help", do_help },
};

static enum cmd_action run_command(const char *line, const char *cur,
				   struct cmd_result *r)
{
	char name[16];
	const char *args = line + 1;
	size_t i;

	if (next_word(&args, name, sizeof(name)) <= 0)
		return fail(r, "unknown command %.40s (try /help)", line);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcasecmp(name, commands[i].name) == 0)
			return commands[i].run(args, cur, r);
	return fail(r, "unknown command /%s (try /help)", name);
}

enum cmd_action cmd_parse(const char *input, const char *channel,
			  struct cmd_result *r)
{
	memset(r, 0, sizeof(*r));
	r->action = CMD_SEND;
	if (strlen(input) > CMD_INPUT_MAX)
		return fail(r, "line too long (limit %d bytes)", CMD_INPUT_MAX);
	if (strpbrk(input, "\r\n"))
		return fail(r, "line breaks cannot be sent");
	if (!*skip_spaces(input))
		return r->action = CMD_NOTHING;
	if (input[0] == '/' && input[1] != '/')
		return run_command(input, channel, r);
	if (input[0] == '/')
		input++;
	if (!*channel)
		return need_channel(r, "message not sent");
	return send_text(r, channel, input, false);
}
