// SPDX-License-Identifier: MIT
/*
 * The encrypted transport: one libsecure session (role server) between
 * the socket and the client's line reader and output queue.  The wire
 * format, the threat model and the library's API are in
 * docs/secure-protocol.md; how cchatd uses it in docs/encrypted-chat.md.
 *
 *   socket -> recv() -> sc_feed -> sc_read -> line reader -> IRC code
 *   IRC code -> outq -> sc_seal -> sc_output -> send() -> socket
 *
 * Nothing here falls back to plain text: a connection that fails is
 * closed, after the session's alert (if it has one) went out.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "secure.h"
#include "secure_io.h"
#include "transport.h"

/*
 * Ciphertext taken from the socket per recv(): one record of the
 * largest size and then some.  recv() reads the socket only when the
 * session holds no plaintext, so what a session keeps back for a full
 * line reader stays within about two records.
 */
#define SECURE_RECV_CHUNK (SC_MAX_PLAINTEXT + 1024)
/*
 * Ciphertext waiting for the socket before more of the queue is sealed.
 * Sealing moves bytes out of the send queue, where --sendq counts them,
 * so this bounds what a slow reader can make the server hold beyond it.
 */
#define SECURE_OUTPUT_HIGH (64 * 1024)

/* For a peer whose first bytes were plain IRC: a standard client shows
 * this, and it carries nothing of the chat. */
#define NOT_SECURE_LINE "ERROR :Closing Link: this port speaks only the " \
	"encrypted chat protocol (use cchat --secure, or the plain port)\r\n"

struct secure_server {
	struct sc_provider *prov;
	struct sc_key key;
	uint32_t rekey_records;
	uint32_t rekey_bytes;
};

struct secure_state {
	struct sc_session *s;
	size_t notice_left;     /* bytes of NOT_SECURE_LINE still to send */
	bool failed;
	char error[SC_ERRMSG_MAX];
};

/* ---- The shared provider and key ------------------------------------- */

struct secure_server *secure_server_open(const struct secure_options *opt,
					 char *err, size_t errlen)
{
	struct secure_server *ss = calloc(1, sizeof(*ss));
	struct sc_error e;

	if (!ss) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return NULL;
	}
	ss->rekey_records = opt->rekey_records;
	ss->rekey_bytes = opt->rekey_bytes;
	/* The key first: a bad key file is the likelier mistake, and its
	 * message should not wait behind a provider notice. */
	if (secure_io_load_key(opt->key_file, opt->passphrase_file,
			       SC_ROLE_SERVER, &ss->key, &e) != SC_OK ||
	    sc_provider_select(opt->crypto_dev, stderr, &ss->prov,
			       &e) != SC_OK) {
		snprintf(err, errlen, "%s", e.msg);
		secure_server_close(ss);
		return NULL;
	}
	return ss;
}

const char *secure_server_provider(const struct secure_server *ss)
{
	return sc_provider_name(ss->prov);
}

void secure_server_close(struct secure_server *ss)
{
	if (!ss)
		return;
	sc_key_wipe(&ss->key);
	sc_provider_close(ss->prov);
	free(ss);
}

/* ---- One connection --------------------------------------------------- */

static void note_failure(struct secure_state *st, enum sc_status status)
{
	const char *msg = sc_session_error(st->s);

	if (st->failed)
		return;
	st->failed = true;
	snprintf(st->error, sizeof(st->error), "%s",
		 *msg ? msg : sc_strerror(status));
	if (status == SC_ERR_NOT_SECURE)
		st->notice_left = strlen(NOT_SECURE_LINE);
}

static ssize_t take_plaintext(struct secure_state *st, struct line_reader *in,
			      char *space, size_t room)
{
	size_t n = sc_read(st->s, space, room);

	line_reader_commit(in, n);
	return (ssize_t)n;
}

static ssize_t secure_recv(struct transport *t, struct line_reader *in)
{
	struct secure_state *st = t->state;
	uint8_t buf[SECURE_RECV_CHUNK];
	enum sc_status status;
	size_t room;
	char *space = line_reader_space(in, &room);
	ssize_t n;

	if (!room)
		return 0;
	if (sc_readable(st->s))
		return take_plaintext(st, in, space, room);
	if (st->failed) {
		errno = TRANSPORT_FAILED;
		return -1;
	}
	do
		n = recv(t->fd, buf, sizeof(buf), 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	status = n ? sc_feed(st->s, buf, (size_t)n) : sc_eof(st->s);
	if (status != SC_OK)
		note_failure(st, status);
	else if (n == 0)
		return TRANSPORT_EOF;
	/* Records that came before a bad one are authentic: deliver them,
	 * and the failure on the next call (pending() says there is one). */
	if (sc_readable(st->s))
		return take_plaintext(st, in, space, room);
	errno = st->failed ? TRANSPORT_FAILED : EAGAIN;
	return -1;
}

/* Copies up to cap bytes from the head of out. */
static size_t gather(const struct outq *out, uint8_t *buf, size_t cap)
{
	struct iovec iov[OUTQ_IOV_MAX];
	int i, cnt = outq_iov(out, iov, OUTQ_IOV_MAX);
	size_t n = 0;

	for (i = 0; i < cnt && n < cap; i++) {
		size_t take = iov[i].iov_len < cap - n ? iov[i].iov_len
						       : cap - n;

		memcpy(buf + n, iov[i].iov_base, take);
		n += take;
	}
	return n;
}

/* Lines flushed together (everything queued within the flush delay)
 * share records: fewer records, fewer crypto operations, less overhead
 * on the wire. */
static void seal_queue(struct secure_state *st, struct outq *out)
{
	uint8_t plain[SC_MAX_PLAINTEXT];
	enum sc_status status;
	size_t waiting;

	while (out->bytes && !st->failed) {
		sc_output(st->s, &waiting);
		if (waiting >= SECURE_OUTPUT_HIGH)
			return;
		size_t n = gather(out, plain, sizeof(plain));

		status = sc_seal(st->s, plain, n);
		if (status != SC_OK)
			note_failure(st, status);
		else
			outq_consume(out, n);
	}
}

static ssize_t send_notice(struct transport *t, struct secure_state *st)
{
	const char *line = NOT_SECURE_LINE;
	ssize_t n;

	while (st->notice_left) {
		n = send(t->fd, line + strlen(line) - st->notice_left,
			 st->notice_left, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		st->notice_left -= (size_t)n;
	}
	return 0;
}

/*
 * Seals and sends until the queue and the session's output are empty
 * or the socket is full.  A failed session still sends what it has
 * (its alert), drops the queue (nothing more may go out) and reports
 * the failure.
 */
static ssize_t secure_send(struct transport *t, struct outq *out)
{
	struct secure_state *st = t->state;
	size_t before = out->bytes;

	for (;;) {
		if (sc_handshake_done(st->s))
			seal_queue(st, out);
		if (send_notice(t, st) || secure_io_send(st->s, t->fd))
			return -1;
		if (st->failed || !out->bytes || !sc_handshake_done(st->s))
			break;
	}
	if (st->failed) {
		outq_clear(out);
		errno = TRANSPORT_FAILED;
		return -1;
	}
	return (ssize_t)(before - out->bytes);
}

static bool secure_want_write(const struct transport *t,
			      const struct outq *out)
{
	const struct secure_state *st = t->state;
	size_t waiting;

	sc_output(st->s, &waiting);
	return waiting || st->notice_left ||
	       (!st->failed && out->bytes && sc_handshake_done(st->s));
}

static bool secure_pending(const struct transport *t)
{
	const struct secure_state *st = t->state;

	return sc_readable(st->s) || st->failed;
}

static bool secure_ready(const struct transport *t)
{
	const struct secure_state *st = t->state;

	return sc_handshake_done(st->s);
}

static const char *secure_error(const struct transport *t)
{
	const struct secure_state *st = t->state;

	return st->error;
}

/* A close record after whatever is queued, if the socket takes it. */
static void secure_close(struct transport *t)
{
	struct secure_state *st = t->state;

	if (!st->failed && sc_close(st->s) == SC_OK)
		secure_io_send(st->s, t->fd);
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	sc_session_free(st->s);
	free(st);
	t->state = NULL;
}

static const struct transport_ops secure_ops = {
	.recv = secure_recv,
	.send = secure_send,
	.want_write = secure_want_write,
	.pending = secure_pending,
	.ready = secure_ready,
	.error = secure_error,
	.close = secure_close,
};

int transport_secure_init(struct transport *t, int fd,
			  struct secure_server *ss)
{
	struct secure_state *st = calloc(1, sizeof(*st));
	struct sc_config cfg = {
		.role = SC_ROLE_SERVER,
		.key = &ss->key,
		.provider = ss->prov,
		.rekey_records = ss->rekey_records,
		.rekey_bytes = ss->rekey_bytes,
	};
	struct sc_error e;

	if (!st) {
		errno = ENOMEM;
		return -1;
	}
	st->s = sc_session_new(&cfg, &e);
	if (!st->s) {
		free(st);
		errno = e.status == SC_ERR_NOMEM ? ENOMEM : EINVAL;
		return -1;
	}
	t->ops = &secure_ops;
	t->fd = fd;
	t->state = st;
	return 0;
}
