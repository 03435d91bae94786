// SPDX-License-Identifier: MIT
/*
 * Channel MODE: queries (324/329, the ban list 367/368) and changes.
 * One MODE line may carry several modes and their parameters
 * (CHANMODES=b,k,l,imnpRstz, PREFIX=(ov)@+); at most MODES_MAX of them
 * take a parameter, the rest of the line is ignored, as MODES= says.
 * What was applied goes to the channel as one MODE line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

static const struct {
	char letter;
	unsigned bit;
} flag_modes[] = {
	{ 'i', CMODE_INVITE }, { 'm', CMODE_MODERATED },
	{ 'n', CMODE_NO_OUTSIDE }, { 'p', CMODE_PRIVATE },
	{ 'R', CMODE_REGISTERED }, { 's', CMODE_SECRET },
	{ 't', CMODE_TOPIC_OPS }, { 'z', CMODE_SECURE_ONLY },
};

#define NFLAGS (sizeof(flag_modes) / sizeof(flag_modes[0]))

static unsigned flag_bit(char letter)
{
	size_t i;

	for (i = 0; i < NFLAGS; i++)
		if (flag_modes[i].letter == letter)
			return flag_modes[i].bit;
	return 0;
}

/* "+ntk key 10" for 324; the key only for members. */
static void send_channel_modes(struct client *c, struct channel *ch)
{
	char text[IRC_LINE_MAX + 1];
	size_t n = 0, i;
	bool member = channel_member(ch, c) != NULL;

	text[n++] = '+';
	for (i = 0; i < NFLAGS; i++)
		if (ch->modes & flag_modes[i].bit)
			text[n++] = flag_modes[i].letter;
	if (ch->key[0])
		text[n++] = 'k';
	if (ch->limit)
		text[n++] = 'l';
	text[n] = '\0';
	if (ch->key[0])
		n += snprintf(text + n, sizeof(text) - n, " %s",
			      member ? ch->key : "*");
	if (ch->limit)
		snprintf(text + n, sizeof(text) - n, " %u", ch->limit);
	client_reply(c, RPL_CHANNELMODEIS, "%s %s", ch->name, text);
	client_reply(c, RPL_CREATIONTIME, "%s %lld", ch->name,
		     (long long)ch->created);
}

static void send_ban_list(struct client *c, struct channel *ch)
{
	unsigned i;

	for (i = 0; i < ch->nbans; i++)
		client_reply(c, RPL_BANLIST, "%s %s %s %lld", ch->name,
			     ch->bans[i].mask, ch->bans[i].by,
			     (long long)ch->bans[i].when);
	client_reply(c, RPL_ENDOFBANLIST, "%s :End of channel ban list",
		     ch->name);
}

/* The changes applied so far, for the one MODE line to the channel. */
struct mode_change {
	struct client *c;
	struct channel *ch;
	char letters[IRC_LINE_MAX];
	size_t nletters;
	char sign;
	char params[IRC_LINE_MAX];
	size_t nparams_len;
};

static void record(struct mode_change *mc, bool on, char letter,
		   const char *param)
{
	char sign = on ? '+' : '-';

	if (mc->nletters + 3 >= sizeof(mc->letters))
		return;
	if (mc->sign != sign)
		mc->letters[mc->nletters++] = mc->sign = sign;
	mc->letters[mc->nletters++] = letter;
	mc->letters[mc->nletters] = '\0';
	if (param)
		mc->nparams_len += snprintf(mc->params + mc->nparams_len,
					    sizeof(mc->params) -
					    mc->nparams_len, " %s", param);
	if (mc->nparams_len >= sizeof(mc->params))
		mc->nparams_len = sizeof(mc->params) - 1;
}

/* nick -> nick!*@*, user@host -> *!user@host, nick!user -> nick!user@*. */
static void normalize_mask(const char *in, char *out, size_t size)
{
	const char *bang = strchr(in, '!'), *at = strchr(in, '@');

	if (!bang && !at)
		snprintf(out, size, "%s!*@*", in);
	else if (!bang)
		snprintf(out, size, "*!%s", in);
	else if (!at)
		snprintf(out, size, "%s@*", in);
	else
		snprintf(out, size, "%s", in);
}

static int find_ban(const struct channel *ch, const char *mask)
{
	unsigned i;

	for (i = 0; i < ch->nbans; i++)
		if (!irc_casecmp(ch->bans[i].mask, mask))
			return i;
	return -1;
}

static void change_ban(struct mode_change *mc, bool on, const char *arg)
{
	struct channel *ch = mc->ch;
	char mask[PREFIX_MAX + 1];
	int i;

	normalize_mask(arg, mask, sizeof(mask));
	if (strchr(mask, ' ') || strchr(mask, ','))
		return;
	i = find_ban(ch, mask);
	if (!on) {
		if (i < 0)
			return;
		ch->bans[i] = ch->bans[--ch->nbans];
		record(mc, false, 'b', mask);
		return;
	}
	if (i >= 0)
		return;
	if (ch->nbans == BANS_MAX) {
		client_reply(mc->c, ERR_BANLISTFULL, "%s %s :Channel ban list "
			     "is full", ch->name, mask);
		return;
	}
	if (!ch->bans && !(ch->bans = calloc(BANS_MAX, sizeof(*ch->bans)))) {
		client_kill(mc->c, "Out of memory");
		return;
	}
	snprintf(ch->bans[ch->nbans].mask, sizeof(ch->bans[0].mask), "%s",
		 mask);
	snprintf(ch->bans[ch->nbans].by, sizeof(ch->bans[0].by), "%s",
		 mc->c->nick);
	ch->bans[ch->nbans++].when = time(NULL);
	record(mc, true, 'b', mask);
}

static bool valid_key(const char *key)
{
	size_t len = strlen(key);

	return len && len <= KEY_MAX && !strpbrk(key, " ,:") &&
	       irc_valid_utf8(key, len);
}

static void change_key(struct mode_change *mc, bool on, const char *arg)
{
	struct channel *ch = mc->ch;

	if (!on) {
		if (!ch->key[0])
			return;
		ch->key[0] = '\0';
		record(mc, false, 'k', "*");
		return;
	}
	if (ch->key[0]) {
		client_reply(mc->c, ERR_KEYSET, "%s :Channel key already set",
			     ch->name);
		return;
	}
	if (!valid_key(arg)) {
		client_reply(mc->c, ERR_INVALIDKEY, "%s :Key is not well-formed",
			     ch->name);
		return;
	}
	snprintf(ch->key, sizeof(ch->key), "%s", arg);
	record(mc, true, 'k', ch->key);
}

static void change_limit(struct mode_change *mc, bool on, const char *arg)
{
	struct channel *ch = mc->ch;
	char *end;
	unsigned long v;
	char text[16];

	if (!on) {
		if (ch->limit) {
			ch->limit = 0;
			record(mc, false, 'l', NULL);
		}
		return;
	}
	v = strtoul(arg, &end, 10);
	if (*end || end == arg || arg[0] == '-' || !v || v > UINT32_MAX) {
		client_reply(mc->c, ERR_INVALIDMODEPARAM, "%s l %s :Invalid "
			     "limit", ch->name, arg);
		return;
	}
	ch->limit = v;
	snprintf(text, sizeof(text), "%u", ch->limit);
	record(mc, true, 'l', text);
}

static void change_status(struct mode_change *mc, bool on, char letter,
			  const char *nick)
{
	struct client *target = client_find(mc->c->srv, nick);
	struct member *m = target ? channel_member(mc->ch, target) : NULL;
	bool *flag;

	if (!target) {
		err_no_such_nick(mc->c, nick);
		return;
	}
	if (!m) {
		client_reply(mc->c, ERR_USERNOTINCHANNEL, "%s %s :They aren't "
			     "on that channel", target->nick, mc->ch->name);
		return;
	}
	flag = letter == 'o' ? &m->op : &m->voice;
	if (*flag == on)
		return;
	*flag = on;
	record(mc, on, letter, target->nick);
}

static bool has_plain_member(const struct channel *ch)
{
	uint32_t i;

	for (i = 0; i < ch->nmembers; i++)
		if (!ch->members[i].client->encrypted)
			return true;
	return false;
}

static void change_flag(struct mode_change *mc, bool on, char letter)
{
	unsigned bit = flag_bit(letter);

	if (!!(mc->ch->modes & bit) == on)
		return;
	/* +z promises that no member reads the channel in clear. */
	if (on && bit == CMODE_SECURE_ONLY && has_plain_member(mc->ch)) {
		client_reply(mc->c, ERR_CANNOTCHANGECHANMODE, "%s z :a member "
			     "is on an unencrypted connection", mc->ch->name);
		return;
	}
	mc->ch->modes ^= bit;
	record(mc, on, letter, NULL);
}

/* Whether letter takes a parameter when set (on) or unset. */
static bool takes_param(char letter, bool on)
{
	return strchr("bkov", letter) || (letter == 'l' && on);
}

static void apply_one(struct mode_change *mc, bool on, char letter,
		      const char *param)
{
	switch (letter) {
	case 'b':
		change_ban(mc, on, param);
		break;
	case 'k':
		change_key(mc, on, param ? param : "");
		break;
	case 'l':
		change_limit(mc, on, param ? param : "");
		break;
	case 'o': case 'v':
		change_status(mc, on, letter, param);
		break;
	default:
		change_flag(mc, on, letter);
	}
}

static bool known_mode(char letter)
{
	return flag_bit(letter) || strchr("bklov", letter);
}

static void apply_modes(struct client *c, struct channel *ch,
			struct irc_msg *msg)
{
	struct mode_change mc = { .c = c, .ch = ch };
	int next = 2, with_param = 0;
	bool on = true;
	const char *p;

	for (p = msg->params[1]; *p && !c->is_dead; p++) {
		const char *param = NULL;

		if (*p == '+' || *p == '-') {
			on = *p == '+';
			continue;
		}
		if (!known_mode(*p)) {
			client_reply(c, ERR_UNKNOWNMODE, "%c :is unknown mode "
				     "char to me for %s", *p, ch->name);
			continue;
		}
		if (takes_param(*p, on)) {
			if (++with_param > MODES_MAX)
				break;
			if (next < msg->nparams)
				param = msg->params[next++];
			else if (*p == 'b' && on)
				continue;  /* +b alone lists, handled above */
			else if (*p != 'k')
				continue;
		}
		apply_one(&mc, on, *p, param);
	}
	if (mc.nletters)
		channel_sendf(ch, NULL, ":%s MODE %s %s%s", c->prefix, ch->name,
			      mc.letters, mc.params);
}

static bool is_list_query(const struct irc_msg *msg)
{
	return msg->nparams == 2 && (!strcmp(msg->params[1], "b") ||
				     !strcmp(msg->params[1], "+b"));
}

void channel_mode(struct client *c, struct irc_msg *msg)
{
	struct channel *ch = channel_find(c->srv, msg->params[0]);
	struct member *me = ch ? channel_member(ch, c) : NULL;

	if (!ch)
		err_no_such_channel(c, msg->params[0]);
	else if (msg->nparams == 1)
		send_channel_modes(c, ch);
	else if (is_list_query(msg))
		send_ban_list(c, ch);
	else if (!me)
		err_not_on_channel(c, ch->name);
	else if (!me->op)
		err_not_operator(c, ch->name);
	else
		apply_modes(c, ch, msg);
}
