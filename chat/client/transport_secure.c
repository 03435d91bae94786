/* The encrypted layer of cchat: one libsecure session (role client)
 * between the TCP socket and the line handling.  Protocol and threat
 * model: docs/secure-protocol.md; usage: docs/encrypted-chat.md.
 *
 * Nothing here falls back to plain text: any failure of the session
 * ends the connection with the session's own message.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "secure.h"
#include "secure_io.h"
#include "transport.h"

/* Ciphertext read from the socket at a time: a whole record of the
 * largest size fits. */
#define SECURE_RECV_CHUNK (SC_MAX_PLAINTEXT + 1024)
/* Records waiting for the socket before send() says "later". */
#define SECURE_OUTPUT_HIGH (64 * 1024)

struct secure_layer {
	struct sc_provider *prov;
	struct sc_key key;      /* wiped once the session has its copy */
	struct sc_session *s;
	bool failed;
	char error[SC_ERRMSG_MAX];
};

struct secure_layer *secure_layer_open(const struct secure_client_options *opt,
				       char *err, size_t errlen)
{
	struct secure_layer *l = calloc(1, sizeof(*l));
	struct sc_error e;
	enum sc_status st;

	if (!l) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return NULL;
	}
	st = secure_io_load_key(opt->key_file, opt->passphrase_file,
				SC_ROLE_CLIENT, &l->key, &e);
	if (st == SC_OK)
		st = sc_provider_select(opt->crypto_dev, stderr, &l->prov, &e);
	if (st != SC_OK) {
		snprintf(err, errlen, "%s", e.msg);
		secure_layer_free(l);
		return NULL;
	}
	return l;
}

const char *secure_layer_provider(const struct secure_layer *l)
{
	return sc_provider_name(l->prov);
}

void secure_layer_free(struct secure_layer *l)
{
	if (!l)
		return;
	sc_session_free(l->s);
	sc_key_wipe(&l->key);
	sc_provider_close(l->prov);
	free(l);
}

static void note_failure(struct secure_layer *l, enum sc_status status)
{
	const char *msg = sc_session_error(l->s);

	if (l->failed)
		return;
	l->failed = true;
	snprintf(l->error, sizeof(l->error), "%s",
		 *msg ? msg : sc_strerror(status));
}

/* 0 when everything went or the socket is full; -1 with errno. */
static int sec_flush(struct transport *t)
{
	struct secure_layer *l = t->priv;

	if (secure_io_send(l->s, t->fd) < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
	return 0;
}

static ssize_t sec_recv(struct transport *t, void *buf, size_t len)
{
	struct secure_layer *l = t->priv;
	uint8_t in[SECURE_RECV_CHUNK];
	enum sc_status st;
	ssize_t n;

	if (sc_readable(l->s))
		return (ssize_t)sc_read(l->s, buf, len);
	if (l->failed) {
		errno = TRANSPORT_FAILED;
		return -1;
	}
	do
		n = recv(t->fd, in, sizeof(in), 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	st = n ? sc_feed(l->s, in, (size_t)n) : sc_eof(l->s);
	if (st != SC_OK)
		note_failure(l, st);
	else if (n == 0)
		return 0;
	/* Handshake answers, the records of early data, or an alert. */
	sec_flush(t);
	if (sc_readable(l->s))
		return (ssize_t)sc_read(l->s, buf, len);
	errno = l->failed ? TRANSPORT_FAILED : EAGAIN;
	return -1;
}

static ssize_t sec_send(struct transport *t, const void *buf, size_t len)
{
	struct secure_layer *l = t->priv;
	enum sc_status st;
	size_t waiting;

	if (l->failed) {
		errno = TRANSPORT_FAILED;
		return -1;
	}
	sc_output(l->s, &waiting);
	if (waiting >= SECURE_OUTPUT_HIGH) {
		errno = EAGAIN;
		return -1;
	}
	st = sc_seal(l->s, buf, len);
	if (st == SC_ERR_STATE) {
		/* Too much before the handshake ended: it waits. */
		errno = EAGAIN;
		return -1;
	}
	if (st != SC_OK) {
		note_failure(l, st);
		errno = TRANSPORT_FAILED;
		return -1;
	}
	if (sec_flush(t) < 0)
		return -1;
	return (ssize_t)len;
}

static bool sec_pending(struct transport *t)
{
	struct secure_layer *l = t->priv;

	return sc_readable(l->s) || l->failed;
}

static bool sec_want_write(struct transport *t)
{
	struct secure_layer *l = t->priv;
	size_t waiting;

	sc_output(l->s, &waiting);
	return waiting > 0;
}

static bool sec_ready(struct transport *t)
{
	struct secure_layer *l = t->priv;

	return sc_handshake_done(l->s);
}

static const char *sec_error(struct transport *t)
{
	struct secure_layer *l = t->priv;

	return l->error;
}

/* A close record (or the pending alert) if the socket takes it. */
static void sec_close(struct transport *t)
{
	struct secure_layer *l = t->priv;

	if (!l->failed)
		sc_close(l->s);
	sec_flush(t);
	if (t->fd >= 0)
		close(t->fd);
	secure_layer_free(l);
	t->priv = NULL;
}

static const struct transport_ops secure_ops = {
	.recv = sec_recv,
	.send = sec_send,
	.pending = sec_pending,
	.want_write = sec_want_write,
	.flush = sec_flush,
	.ready = sec_ready,
	.error = sec_error,
	.close = sec_close,
};

int transport_secure_attach(struct transport *t, struct secure_layer *l,
			    char *err, size_t errlen)
{
	struct sc_config cfg = {
		.role = SC_ROLE_CLIENT,
		.key = &l->key,
		.provider = l->prov,
	};
	struct sc_error e;

	l->s = sc_session_new(&cfg, &e);
	sc_key_wipe(&l->key);
	if (!l->s) {
		snprintf(err, errlen, "%s", e.msg);
		secure_layer_free(l);
		transport_close(t);
		return -1;
	}
	t->ops = &secure_ops;
	t->priv = l;
	if (sec_flush(t) < 0) {
		snprintf(err, errlen, "cannot send the client hello: %s",
			 strerror(errno));
		transport_close(t);
		return -1;
	}
	return 0;
}
