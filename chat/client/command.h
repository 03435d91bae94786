/* Turning what the user types into IRC protocol lines.
 *
 * Pure logic with no I/O so that the unit tests can drive it: the
 * caller passes the typed line and the current channel and gets back
 * the lines to send and what to do locally.
 */
#ifndef CCHAT_COMMAND_H
#define CCHAT_COMMAND_H

#include <stddef.h>

#include "irc.h"

/* Longest line the user may type; longer input is refused rather than
 * silently cut. */
#define CMD_INPUT_MAX 4096
/* A long message is split over at most this many PRIVMSGs. */
#define CMD_LINES_MAX 16
/* Room kept free in each outgoing line for the ":nick!user@host "
 * prefix that the server puts in front when relaying it, so that the
 * relayed line still fits in IRC_LINE_MAX. */
#define CMD_RELAY_PREFIX_RESERVE 110
#define CMD_MESSAGE_MAX 256

enum cmd_action {
	CMD_SEND,	/* send lines[] */
	CMD_QUIT,	/* send lines[] (a QUIT), then wait for the close */
	CMD_HELP,	/* show the command summary */
	CMD_ERROR,	/* show message; nothing is sent */
	CMD_NOTHING,	/* empty input */
};

struct cmd_result {
	enum cmd_action action;
	int nlines;
	/* Protocol lines without the trailing CRLF. */
	char lines[CMD_LINES_MAX][IRC_LINE_MAX];
	/* Non-empty when the command makes another channel current. */
	char switch_to[IRC_CHANNEL_MAX + 1];
	char message[CMD_MESSAGE_MAX];
};

/* Parse one typed line.  channel is the current channel ("" when none).
 * Returns r->action. */
enum cmd_action cmd_parse(const char *input, const char *channel,
			  struct cmd_result *r);

/* Length of the first piece of text[0..len) that fits in max bytes,
 * breaking after a space when one is in the second half of the piece
 * and never inside a UTF-8 sequence.  Exposed for the unit tests. */
size_t cmd_chunk_len(const char *text, size_t len, size_t max);

/* The summary printed by /help, one command per line. */
extern const char *const cmd_help_text[];

#endif
