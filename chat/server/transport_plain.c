// SPDX-License-Identifier: MIT
/* The plain transport: bytes go to and from the socket unchanged. */
#include "transport.h"

#include <errno.h>
#include <stdint.h>
#include <sys/socket.h>
#include <unistd.h>

#define TLS_HANDSHAKE_BYTE 0x16 /* a TLS record of type handshake */

/* A TLS client on the plain port says so in its first byte; it hears a
 * plain ERROR line (its TLS library reports a protocol error) rather
 * than a stream of 421s for its binary handshake. */
static bool tls_on_plain_port(struct transport *t, const char *space,
			      ssize_t n)
{
	bool first = !t->first_checked;

	t->first_checked = true;
	return first && n > 0 && (uint8_t)space[0] == TLS_HANDSHAKE_BYTE;
}

static ssize_t plain_recv(struct transport *t, struct line_reader *in)
{
	size_t room;
	char *space = line_reader_space(in, &room);
	ssize_t n;

	if (!room)
		return 0;
	do
		n = recv(t->fd, space, room, 0);
	while (n < 0 && errno == EINTR);
	if (n == 0)
		return TRANSPORT_EOF;
	if (tls_on_plain_port(t, space, n)) {
		errno = TRANSPORT_FAILED;
		return -1;
	}
	if (n > 0)
		line_reader_commit(in, n);
	return n;
}

static ssize_t plain_send(struct transport *t, struct outq *out)
{
	struct iovec iov[OUTQ_IOV_MAX];
	int cnt = outq_iov(out, iov, OUTQ_IOV_MAX);
	ssize_t n;

	if (!cnt)
		return 0;
	do
		n = writev(t->fd, iov, cnt);
	while (n < 0 && errno == EINTR);
	if (n > 0)
		outq_consume(out, n);
	return n;
}

static bool plain_want_write(const struct transport *t,
			     const struct outq *out)
{
	(void)t;
	return out->bytes > 0;
}

/* The kernel holds what was not read: epoll says when. */
static bool plain_pending(const struct transport *t)
{
	(void)t;
	return false;
}

static bool plain_ready(const struct transport *t)
{
	(void)t;
	return true;
}

static const char *plain_error(const struct transport *t)
{
	(void)t;
	return "a TLS handshake on the plain port; use the TLS port";
}

static void plain_close(struct transport *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}

static const struct transport_ops plain_ops = {
	.recv = plain_recv,
	.send = plain_send,
	.want_write = plain_want_write,
	.pending = plain_pending,
	.ready = plain_ready,
	.error = plain_error,
	.close = plain_close,
};

void transport_plain_init(struct transport *t, int fd)
{
	t->ops = &plain_ops;
	t->fd = fd;
	t->state = NULL;
	t->first_checked = false;
}
