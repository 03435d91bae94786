// SPDX-License-Identifier: MIT
/* IRC parsing, line reading, validation and case folding; see irc.h. */
#include "irc.h"

#include <string.h>

static char *skip_spaces(char *p)
{
	while (*p == ' ')
		p++;
	return p;
}

/* Ends the word at p with a NUL; returns where the next word may start. */
static char *end_word(char *p)
{
	while (*p && *p != ' ')
		p++;
	if (*p)
		*p++ = '\0';
	return p;
}

int irc_parse(char *line, struct irc_msg *msg)
{
	char *p = skip_spaces(line);

	memset(msg, 0, sizeof(*msg));
	if (*p == '@') {
		msg->tags = p + 1;
		p = skip_spaces(end_word(p));
	}
	if (*p == ':') {
		msg->prefix = p + 1;
		p = skip_spaces(end_word(p));
	}
	if (!*p)
		return -1;
	msg->command = p;
	p = end_word(p);
	while (msg->nparams < IRC_PARAMS_MAX) {
		p = skip_spaces(p);
		if (!*p)
			break;
		if (*p == ':' || msg->nparams == IRC_PARAMS_MAX - 1) {
			msg->params[msg->nparams++] = *p == ':' ? p + 1 : p;
			break;
		}
		msg->params[msg->nparams++] = p;
		p = end_word(p);
	}
	return 0;
}

const char *irc_last_param(const struct irc_msg *msg)
{
	return msg->nparams ? msg->params[msg->nparams - 1] : NULL;
}

void line_reader_init(struct line_reader *lr)
{
	memset(lr, 0, offsetof(struct line_reader, buf));
}

char *line_reader_space(struct line_reader *lr, size_t *room)
{
	if (lr->start) {
		memmove(lr->buf, lr->buf + lr->start, lr->len - lr->start);
		lr->len -= lr->start;
		lr->start = 0;
	}
	*room = LINE_READER_SIZE - lr->len;
	return lr->buf + lr->len;
}

void line_reader_commit(struct line_reader *lr, size_t n)
{
	lr->len += n;
}

size_t line_reader_feed(struct line_reader *lr, const void *data, size_t len)
{
	size_t room;
	char *space = line_reader_space(lr, &room);

	if (len > room)
		len = room;
	memcpy(space, data, len);
	line_reader_commit(lr, len);
	return len;
}

size_t line_reader_pending(const struct line_reader *lr)
{
	return lr->len - lr->start;
}

/* Offset of the first CR or LF at or after from, or lr->len. */
static size_t find_end(const struct line_reader *lr, size_t from)
{
	const char *p = lr->buf + from;
	const char *end = lr->buf + lr->len;

	while (p < end && *p != '\r' && *p != '\n')
		p++;
	return p - lr->buf;
}

/* Consumes the terminator at pos, remembering a CR for a later LF. */
static void consume_end(struct line_reader *lr, size_t pos)
{
	lr->skip_lf = lr->buf[pos] == '\r';
	lr->start = pos + 1;
	lr->scanned = 0;
}

/* Drops the rest of an over-long line; false if its end is not here. */
static bool skip_discarded(struct line_reader *lr)
{
	size_t pos = find_end(lr, lr->start);

	if (pos == lr->len) {
		lr->start = lr->len;
		return false;
	}
	consume_end(lr, pos);
	lr->discarding = false;
	return true;
}

static void cut_long_line(struct line_reader *lr, struct irc_line *line)
{
	line->text = lr->buf + lr->start;
	line->len = IRC_TEXT_MAX;
	line->truncated = true;
	line->text[IRC_TEXT_MAX] = '\0';
	lr->start = lr->len;
	lr->scanned = 0;
	lr->discarding = true;
	lr->skip_lf = false;
}

bool line_reader_next(struct line_reader *lr, struct irc_line *line)
{
	for (;;) {
		size_t pos;

		if (lr->skip_lf && lr->start < lr->len) {
			if (lr->buf[lr->start] == '\n')
				lr->start++;
			lr->skip_lf = false;
		}
		if (lr->discarding && !skip_discarded(lr))
			return false;
		pos = find_end(lr, lr->start + lr->scanned);
		if (pos == lr->len) {
			lr->scanned = pos - lr->start;
			if (lr->scanned <= IRC_TEXT_MAX)
				return false;
			cut_long_line(lr, line);
			return true;
		}
		line->text = lr->buf + lr->start;
		line->len = pos - lr->start;
		line->truncated = false;
		consume_end(lr, pos);
		if (line->len > IRC_TEXT_MAX) {
			line->len = IRC_TEXT_MAX;
			line->truncated = true;
		}
		line->text[line->len] = '\0';
		if (line->len)
			return true;
	}
}

int irc_casecmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	while (*x && irc_tolower(*x) == irc_tolower(*y)) {
		x++;
		y++;
	}
	return irc_tolower(*x) - irc_tolower(*y);
}

uint32_t irc_casehash(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t h = 2166136261u;

	while (*p) {
		h ^= irc_tolower(*p++);
		h *= 16777619u;
	}
	return h;
}

void irc_casefold(char *dst, const char *src, size_t size)
{
	size_t i;

	if (!size)
		return;
	for (i = 0; i + 1 < size && src[i]; i++)
		dst[i] = (char)irc_tolower((unsigned char)src[i]);
	dst[i] = '\0';
}

static bool is_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_nick_special(char c)
{
	return c && strchr("[]\\`_^{|}", c);
}

bool irc_valid_nick(const char *nick)
{
	size_t i;

	if (!is_letter(nick[0]) && !is_nick_special(nick[0]))
		return false;
	for (i = 1; nick[i]; i++) {
		char c = nick[i];

		if (i >= IRC_NICK_MAX)
			return false;
		if (!is_letter(c) && !is_nick_special(c) && c != '-' &&
		    !(c >= '0' && c <= '9'))
			return false;
	}
	return true;
}

bool irc_is_channel(const char *target)
{
	return target[0] == '#' || target[0] == '&';
}

bool irc_valid_channel(const char *name)
{
	size_t len = strlen(name);

	if (!irc_is_channel(name) || len < 2 || len > IRC_CHANNEL_MAX)
		return false;
	if (strpbrk(name, "\a\r\n ,:"))
		return false;
	return irc_valid_utf8(name, len);
}

/* Length of the UTF-8 sequence led by c, or 0 if c cannot lead one. */
static int utf8_seq_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return 2;
	if (c >= 0xe0 && c <= 0xef)
		return 3;
	if (c >= 0xf0 && c <= 0xf4)
		return 4;
	return 0;
}

/* Rejects overlong forms, surrogates and code points above U+10FFFF. */
static bool utf8_second_ok(unsigned char lead, unsigned char second)
{
	if (lead == 0xe0)
		return second >= 0xa0;
	if (lead == 0xed)
		return second < 0xa0;
	if (lead == 0xf0)
		return second >= 0x90;
	if (lead == 0xf4)
		return second < 0x90;
	return true;
}

bool irc_valid_utf8(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		int n = utf8_seq_len(p[i]);
		int k;

		if (!n || i + n > len)
			return false;
		if (n > 1 && !utf8_second_ok(p[i], p[i + 1]))
			return false;
		for (k = 1; k < n; k++)
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
		i += n;
	}
	return true;
}

size_t irc_utf8_cut(const char *s, size_t len, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = max;

	if (len <= max)
		return len;
	while (n > 0 && max - n < 3 && (p[n] & 0xc0) == 0x80)
		n--;
	return (p[n] & 0xc0) == 0x80 ? max : n;
}

/* Iterative glob match: on a mismatch after a '*', the star takes one
 * more character and the match resumes there, so no input can make it
 * take more than O(len(mask) * len(text)) steps. */
bool irc_mask_match(const char *mask, const char *text)
{
	const char *star = NULL, *resume = NULL;

	while (*text) {
		if (*mask == '*') {
			star = mask++;
			resume = text;
		} else if (*mask == '?' ||
			   (*mask && irc_tolower(*mask) ==
				     irc_tolower(*text))) {
			mask++;
			text++;
		} else if (star) {
			mask = star + 1;
			text = ++resume;
		} else {
			return false;
		}
	}
	while (*mask == '*')
		mask++;
	return !*mask;
}

/* A client-only tag is "+name[=value]"; the name is letters, digits,
 * '-', '/' and '.' (IRCv3 message-tags), the value anything the parser
 * left in it (no space, no ';'). */
static bool client_tag_ok(const char *tag, size_t len)
{
	size_t i;

	if (len < 2 || tag[0] != '+')
		return false;
	for (i = 1; i < len && tag[i] != '='; i++)
		if (!(tag[i] >= 'a' && tag[i] <= 'z') &&
		    !(tag[i] >= 'A' && tag[i] <= 'Z') &&
		    !(tag[i] >= '0' && tag[i] <= '9') &&
		    !strchr("-/.", tag[i]))
			return false;
	return i > 1;
}

size_t irc_client_tags(const char *tags, char *out, size_t size)
{
	size_t used = 0;

	if (size)
		out[0] = '\0';
	while (tags && *tags && size) {
		size_t len = strcspn(tags, ";");

		if (client_tag_ok(tags, len) &&
		    used + !!used + len < size) {
			if (used)
				out[used++] = ';';
			memcpy(out + used, tags, len);
			used += len;
			out[used] = '\0';
		}
		tags += len + (tags[len] == ';');
	}
	return used;
}
