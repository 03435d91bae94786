/* SPDX-License-Identifier: MIT */
/*
 * Per-connection transport: the only code that moves a client's data.
 *
 * The IRC logic sees two byte streams: the input line reader it takes
 * lines from, and the output queue it appends lines to.  A transport
 * moves bytes between those and the socket.  The plain transport does
 * recv() and writev(); a record layer (encryption and authentication)
 * can later implement the same three operations, decrypting into the
 * reader and encrypting from the queue, without any change to the IRC
 * code.
 */
#ifndef CCHATD_TRANSPORT_H
#define CCHATD_TRANSPORT_H

#include <sys/types.h>

#include "irc.h"
#include "outq.h"

struct transport;

struct transport_ops {
	/*
	 * Moves bytes from the peer into in.  Returns the number of bytes
	 * added (0 only when in has no room), -1 with errno set on error
	 * (EAGAIN: nothing to read now), or -2 at the end of the stream.
	 */
	ssize_t (*recv)(struct transport *t, struct line_reader *in);
	/*
	 * Sends bytes from the head of out and consumes what was sent.
	 * Returns the number of bytes taken from out, or -1 with errno
	 * (EAGAIN: the socket is full).
	 */
	ssize_t (*send)(struct transport *t, struct outq *out);
	/* Releases the transport's state and closes the socket. */
	void (*close)(struct transport *t);
};

struct transport {
	const struct transport_ops *ops;
	int fd;
	void *state;            /* for a record layer; NULL when plain */
};

#define TRANSPORT_EOF (-2)

/* Sets up t as the plain (unencrypted) transport on fd. */
void transport_plain_init(struct transport *t, int fd);

#endif
