/* The client's side of one IRC session: registration (with another
 * nick when ours is taken), PING answers, which channels we are in and
 * which one is current, and what to show for each incoming line.
 *
 * No I/O of its own: it sends and shows through the callbacks in
 * struct session_io, so the unit tests can run it without a socket.
 */
#ifndef CCHAT_SESSION_H
#define CCHAT_SESSION_H

#include <stdbool.h>

#include "command.h"
#include "irc.h"

/* Channels we remember being in (to pick a new current one on PART). */
#define SESSION_CHANNELS_MAX 32
/* How many other nicks to try when the server says ours is taken. */
#define SESSION_NICK_TRIES 10
/* RFC 2812 NICKLEN; alternatives for short nicks stay within it. */
#define SESSION_RFC_NICK_LEN 9
#define SESSION_ERROR_MAX 256

struct session_io {
	/* One protocol line, without CR LF. */
	void (*send)(void *ctx, const char *line);
	/* One line of display text, without timestamp or newline. */
	void (*show)(void *ctx, const char *text);
	void *ctx;
};

enum session_state {
	SESSION_REGISTERING,	/* NICK/USER sent, waiting for 001 */
	SESSION_READY,		/* registered */
	SESSION_QUITTING,	/* QUIT sent, waiting for the close */
	SESSION_FAILED,		/* cannot go on; error says why */
};

struct session {
	struct session_io io;
	enum session_state state;
	char base_nick[IRC_NICK_MAX + 1];
	char nick[IRC_NICK_MAX + 1];
	int nick_tries;
	char autojoin[IRC_CHANNEL_MAX + 1];
	char current[IRC_CHANNEL_MAX + 1];
	char joined[SESSION_CHANNELS_MAX][IRC_CHANNEL_MAX + 1];
	int njoined;
	char error[SESSION_ERROR_MAX];
};

/* Start registering: sends NICK and USER.  channel ("" for none) is
 * joined once the server welcomes us. */
void session_start(struct session *s, const struct session_io *io,
		   const char *nick, const char *user, const char *channel);

/* Handle one line from the server (modified in place). */
void session_receive(struct session *s, char *line);

/* Handle one line typed by the user.  Returns what cmd_parse said. */
enum cmd_action session_input(struct session *s, const char *line);

/* The attempt-th alternative to base (attempt >= 1): "base_", then
 * "base2", "base3"... cut so that it fits the nick length limit. */
void session_alt_nick(const char *base, int attempt, char *out,
		      size_t outlen);

#endif
