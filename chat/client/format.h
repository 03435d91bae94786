/* Turning protocol messages into the lines the user sees.
 *
 * Pure functions: the caller adds the timestamp and does the printing.
 */
#ifndef CCHAT_FORMAT_H
#define CCHAT_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "irc.h"

/* Enough for any line the formatter builds from one protocol line. */
#define FORMAT_LINE_MAX (2 * IRC_LINE_MAX)
/* "[HH:MM:SS] " */
#define FORMAT_STAMP_MAX 16

/* Write the display text for m into out.  Returns false for messages
 * the user need not see (PING, end-of-list markers). */
bool format_message(const struct irc_msg *m, char *out, size_t outlen);

/* Copy text for display: IRC colour and style codes are dropped and
 * other control characters (which could drive the terminal) are shown
 * as '?'.  Always NUL-terminates. */
void format_clean(const char *text, char *out, size_t outlen);

/* The nick part of a nick!user@host prefix (the whole prefix if it has
 * no '!'), or "" without a prefix. */
void format_prefix_nick(const char *prefix, char *out, size_t outlen);

/* "[HH:MM:SS] " in local time. */
void format_stamp(time_t when, char *out, size_t outlen);

#endif
