/* SPDX-License-Identifier: MIT */
/*
 * IRC protocol helpers shared by the cchatd server and the cchat client:
 * message parsing, a line reader that turns a byte stream into lines,
 * nick and channel validation, and rfc1459 case folding.
 *
 * Nothing here allocates memory or does I/O, so both sides can use it
 * on their hot paths and the unit tests can drive it directly.
 */
#ifndef CCHAT_IRC_H
#define CCHAT_IRC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IRC_LINE_MAX 512        /* bytes including CR LF, RFC 1459 */
#define IRC_TEXT_MAX (IRC_LINE_MAX - 2) /* bytes without CR LF */
#define IRC_PARAMS_MAX 15       /* RFC 1459: at most 15 parameters */
#define IRC_NICK_MAX 30         /* NICKLEN in 005 */
#define IRC_CHANNEL_MAX 50      /* CHANNELLEN in 005, RFC 2812 */
#define IRC_USER_MAX 10         /* USERLEN: the user part of nick!user@host */
#define IRC_TOPIC_MAX 300       /* TOPICLEN in 005 */
#define IRC_CASEMAPPING "rfc1459"

struct irc_msg {
	const char *tags;       /* IRCv3 message tags, NULL if none, no '@' */
	const char *prefix;     /* NULL if none, without ':' */
	const char *command;    /* verb or 3-digit numeric */
	int nparams;
	const char *params[IRC_PARAMS_MAX]; /* trailing included, without ':' */
};

/*
 * Parse one line (no CR LF) in place: an IRCv3 tags part ("@a=b;c ")
 * first if there is one, then as RFC 1459 says.  Spaces that separate
 * the parts are
 * overwritten with NULs and msg points into line.  Runs of spaces count
 * as one separator.  A 16th and later middle parameter is folded into
 * the 15th together with the rest of the line, as RFC 1459 allows.
 * Returns 0, or -1 if the line holds no command (empty, only a prefix).
 */
int irc_parse(char *line, struct irc_msg *msg);

/* The last parameter, or NULL if there is none. */
const char *irc_last_param(const struct irc_msg *msg);

/*
 * Line reader: accumulates bytes from a stream and yields complete lines.
 *
 * CR LF, a bare LF or a bare CR ends a line; a CR followed by an LF is
 * one terminator even when the two arrive in different reads.  Empty
 * lines are skipped.  A line longer than IRC_TEXT_MAX bytes is cut: the
 * first IRC_TEXT_MAX bytes are yielded as a line with `truncated` set and
 * everything up to the next terminator is dropped (RFC 1459 2.3: a
 * message never exceeds 512 bytes with its CR LF).  NUL bytes are kept;
 * `len` tells the true length so the caller can spot and reject them.
 *
 * The buffer also bounds how much unprocessed input one peer may leave
 * with us (the server's receive queue): when it is full and the caller
 * does not take lines out, line_reader_space() reports no room.
 *
 * Use either line_reader_space()/line_reader_commit() to read straight
 * into the buffer (no copy), or line_reader_feed() to copy bytes in;
 * then call line_reader_next() until it returns false.  A line returned
 * by line_reader_next() stays valid until the next call that changes
 * the reader.
 */
#define LINE_READER_SIZE 4096

struct line_reader {
	size_t start;           /* first byte not yet returned */
	size_t len;             /* bytes held, from 0 */
	size_t scanned;         /* bytes from start known to hold no end */
	bool skip_lf;           /* last line ended with CR: drop one LF */
	bool discarding;        /* inside the tail of an over-long line */
	char buf[LINE_READER_SIZE + 1]; /* +1 for the NUL after a line */
};

struct irc_line {
	char *text;             /* NUL-terminated, without the terminator */
	size_t len;             /* bytes before the terminator */
	bool truncated;         /* the line was longer and has been cut */
};

void line_reader_init(struct line_reader *lr);
/* Where the next read may put bytes and how many fit (0: full). */
char *line_reader_space(struct line_reader *lr, size_t *room);
/* Account for n bytes placed at line_reader_space(). */
void line_reader_commit(struct line_reader *lr, size_t n);
/* Copy up to len bytes in; returns how many were taken. */
size_t line_reader_feed(struct line_reader *lr, const void *data,
			size_t len);
/* Take the next complete line; false if there is none yet. */
bool line_reader_next(struct line_reader *lr, struct irc_line *line);
/* Bytes held that do not yet form a complete line, or are unread lines. */
size_t line_reader_pending(const struct line_reader *lr);

/* rfc1459 case folding: A-Z and []\~ fold to a-z and {}|^. */
static inline unsigned char irc_tolower(unsigned char c)
{
	if ((c >= 'A' && c <= 'Z') || (c >= '[' && c <= '^'))
		return c + 32;
	return c;
}

/* Compare under rfc1459 case folding, like strcmp. */
int irc_casecmp(const char *a, const char *b);
/* Hash under rfc1459 case folding (FNV-1a of the folded bytes). */
uint32_t irc_casehash(const char *s);
/* Copy src folded to lower case into dst (size bytes, NUL-terminated). */
void irc_casefold(char *dst, const char *src, size_t size);

/*
 * The client-only tags ("+name=value") of a message's tags, joined with
 * ';' into out (size bytes with the NUL); tags that do not fit whole, and
 * every other tag, are left out.  Returns the length written.
 */
size_t irc_client_tags(const char *tags, char *out, size_t size);

/*
 * Wildcard match under rfc1459 case folding: '*' matches any run of
 * bytes (also none), '?' exactly one (RFC 2812 2.5 masks).  Used for
 * ban masks (nick!user@host) and operator host masks.
 */
bool irc_mask_match(const char *mask, const char *text);

/*
 * RFC 2812 nickname: a letter or one of []\`_^{|} first, then letters,
 * digits, those specials or '-'; 1 to IRC_NICK_MAX bytes.
 */
bool irc_valid_nick(const char *nick);
/*
 * Channel name: '#' or '&' first, 2 to IRC_CHANNEL_MAX bytes, valid
 * UTF-8, and none of NUL, BEL, CR, LF, space, comma or colon.
 */
bool irc_valid_channel(const char *name);
bool irc_is_channel(const char *target);        /* starts with # or & */
/* True if the len bytes at s are well-formed UTF-8. */
bool irc_valid_utf8(const char *s, size_t len);
/*
 * Where to cut the len bytes at s so that at most max remain without
 * splitting a UTF-8 sequence: len itself if it fits, else the largest
 * n <= max that starts a new character (never less than max - 3).
 */
size_t irc_utf8_cut(const char *s, size_t len, size_t max);

#endif
