// SPDX-License-Identifier: MIT
/*
 * The TLS transport: one OpenSSL server connection (a socket BIO on the
 * client's non-blocking descriptor) between the socket and the client's
 * line reader and output queue.  How to run it and what it verifies:
 * docs/tls-chat.md.
 *
 *   socket -> SSL_read -> line reader -> IRC code
 *   IRC code -> outq -> SSL_write -> socket
 *
 * OpenSSL asks for the socket it needs (SSL_ERROR_WANT_READ/WRITE);
 * the loop always polls for reading, so a wish to read is EAGAIN, and a
 * wish to write is kept (read_wants_write) until want_write() has made
 * the loop poll for it and send() has retried.
 *
 * The library context is the server's own: it loads the cryptodev
 * provider (provider/) when the device is there, so the record crypto
 * runs on /dev/crypto, and the default provider for the rest.  Nothing
 * here falls back to plain text.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <openssl/conf.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/provider.h>
#include <openssl/ssl.h>

#include "transport.h"

#define TLS_DEFAULT_DEVICE "/dev/crypto"
#define TLS_PROVIDER_MODULE "cryptodev"   /* docs/openssl-provider.md */
/* AES-GCM only, forward secret key exchange only. */
#define TLS12_CIPHERS "ECDHE-ECDSA-AES256-GCM-SHA384:" \
	"ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256:" \
	"ECDHE-RSA-AES128-GCM-SHA256"
#define TLS13_CIPHERS "TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256"
/* Plaintext taken from the queue per SSL_write: one full record. */
#define TLS_WRITE_CHUNK 16384
#define TLS_HANDSHAKE_BYTE 0x16 /* a TLS record of type handshake */
#define TLS_PROVIDER_NAME_MAX 160

/* For a peer whose first bytes were not a TLS handshake: a plain IRC
 * client shows this, and it carries nothing of the chat. */
#define NOT_TLS_LINE "ERROR :Closing Link: this port speaks only TLS " \
	"(use a TLS connection, or the plain port)\r\n"

struct tls_server {
	OSSL_LIB_CTX *libctx;
	OSSL_PROVIDER *base;    /* the default provider */
	bool device_config;     /* the cryptodev provider was configured */
	SSL_CTX *ctx;
	char provider[TLS_PROVIDER_NAME_MAX];
};

enum tls_phase {
	TLS_FIRST_BYTE,         /* nothing read yet: is it TLS at all? */
	TLS_HANDSHAKE,
	TLS_OPEN,
	TLS_FAILED,
};

struct tls_state {
	SSL *ssl;
	enum tls_phase phase;
	bool read_wants_write;  /* SSL_read or the handshake must write */
	bool write_wants_read;  /* SSL_write waits for the peer's bytes */
	size_t notice_left;     /* bytes of NOT_TLS_LINE still to send */
	char error[TLS_ERROR_MAX];
};

/* ---- The shared context ----------------------------------------------- */

/* OpenSSL's last error, or what, into err. */
static void openssl_reason(char *err, size_t errlen, const char *what)
{
	unsigned long e = ERR_peek_last_error();
	char text[256];

	if (!e) {
		snprintf(err, errlen, "%s", what);
		return;
	}
	ERR_error_string_n(e, text, sizeof(text));
	snprintf(err, errlen, "%s: %s", what, text);
	ERR_clear_error();
}

/*
 * The cryptodev provider through a configuration text, which is how
 * OpenSSL 3.0 hands a provider its "device" parameter; it is preferred
 * (?provider=cryptodev) for what it offers and the default provider
 * serves the rest.  A missing module is not an error: the default
 * provider serves everything then.
 */
static bool load_device_provider(struct tls_server *ts, const char *device)
{
	char text[512];
	CONF *conf = NCONF_new_ex(ts->libctx, NULL);
	BIO *bio;
	bool ok = false;

	snprintf(text, sizeof(text),
		 "openssl_conf = init\n[init]\nproviders = prov\n"
		 "[prov]\ndefault = on\n" TLS_PROVIDER_MODULE " = dev\n"
		 "[on]\nactivate = 1\n[dev]\ndevice = %s\nactivate = 1\n",
		 device);
	bio = BIO_new_mem_buf(text, -1);
	if (conf && bio && NCONF_load_bio(conf, bio, NULL) > 0 &&
	    CONF_modules_load(conf, NULL, 0) > 0 &&
	    OSSL_PROVIDER_available(ts->libctx, TLS_PROVIDER_MODULE))
		ok = EVP_set_default_properties(ts->libctx,
						"?provider=" TLS_PROVIDER_MODULE);
	BIO_free(bio);
	NCONF_free(conf);
	ERR_clear_error();
	return ok;
}

/* Names the provider that serves the record cipher, as fetched. */
static void note_provider(struct tls_server *ts, const char *device)
{
	EVP_CIPHER *aes = EVP_CIPHER_fetch(ts->libctx, "AES-256-GCM", NULL);
	const char *name = aes ? OSSL_PROVIDER_get0_name(
		EVP_CIPHER_get0_provider(aes)) : "none";
	bool on_device = !strcmp(name, TLS_PROVIDER_MODULE);

	snprintf(ts->provider, sizeof(ts->provider), "%s%s%s%s", name,
		 on_device ? " (" : "", on_device ? device : "",
		 on_device ? ")" : "");
	EVP_CIPHER_free(aes);
}

static int load_providers(struct tls_server *ts, const char *crypto_dev,
			  char *err, size_t errlen)
{
	const char *device = crypto_dev ? crypto_dev : TLS_DEFAULT_DEVICE;

	/* The built-in configuration modules, which the device's
	 * configuration text needs, come with OpenSSL's own init. */
	OPENSSL_init_ssl(0, NULL);
	ts->libctx = OSSL_LIB_CTX_new();
	if (!ts->libctx) {
		openssl_reason(err, errlen, "cannot make a library context");
		return -1;
	}
	if (!access(device, R_OK | W_OK))
		ts->device_config = load_device_provider(ts, device);
	if (!ts->device_config) {
		ts->base = OSSL_PROVIDER_load(ts->libctx, "default");
		if (!ts->base) {
			openssl_reason(err, errlen, "cannot load the default "
				       "provider");
			return -1;
		}
	}
	note_provider(ts, device);
	return 0;
}

static int make_context(struct tls_server *ts, const struct tls_options *opt,
			char *err, size_t errlen)
{
	ts->ctx = SSL_CTX_new_ex(ts->libctx, NULL, TLS_server_method());
	if (!ts->ctx) {
		openssl_reason(err, errlen, "cannot make a TLS context");
		return -1;
	}
	SSL_CTX_set_min_proto_version(ts->ctx, TLS1_2_VERSION);
	SSL_CTX_set_max_proto_version(ts->ctx, TLS1_3_VERSION);
	/* A peer closing TCP without close_notify is an end of stream:
	 * IRC lines carry their own ends, and QUIT says goodbye. */
	SSL_CTX_set_options(ts->ctx, SSL_OP_NO_RENEGOTIATION |
			    SSL_OP_NO_COMPRESSION |
			    SSL_OP_CIPHER_SERVER_PREFERENCE |
			    SSL_OP_IGNORE_UNEXPECTED_EOF);
	/* Idle connections, most of them, give their record buffers back. */
	SSL_CTX_set_mode(ts->ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
			 SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
			 SSL_MODE_RELEASE_BUFFERS);
	if (!SSL_CTX_set_cipher_list(ts->ctx, TLS12_CIPHERS) ||
	    !SSL_CTX_set_ciphersuites(ts->ctx, TLS13_CIPHERS)) {
		openssl_reason(err, errlen, "cannot set the AES-GCM suites");
		return -1;
	}
	if (SSL_CTX_use_certificate_chain_file(ts->ctx, opt->cert_file) != 1) {
		openssl_reason(err, errlen, opt->cert_file);
		return -1;
	}
	if (SSL_CTX_use_PrivateKey_file(ts->ctx, opt->key_file,
					SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ts->ctx) != 1) {
		openssl_reason(err, errlen, opt->key_file);
		return -1;
	}
	return 0;
}

struct tls_server *tls_server_open(const struct tls_options *opt,
				   const char *crypto_dev,
				   char *err, size_t errlen)
{
	struct tls_server *ts = calloc(1, sizeof(*ts));

	if (!ts) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return NULL;
	}
	if (load_providers(ts, crypto_dev, err, errlen) ||
	    make_context(ts, opt, err, errlen)) {
		tls_server_close(ts);
		return NULL;
	}
	return ts;
}

const char *tls_server_provider(const struct tls_server *ts)
{
	return ts->provider;
}

void tls_server_close(struct tls_server *ts)
{
	if (!ts)
		return;
	SSL_CTX_free(ts->ctx);
	OSSL_PROVIDER_unload(ts->base);
	OSSL_LIB_CTX_free(ts->libctx);
	free(ts);
}

/* ---- One connection --------------------------------------------------- */

static void fail(struct tls_state *st, const char *what)
{
	if (st->phase == TLS_FAILED)
		return;
	st->phase = TLS_FAILED;
	openssl_reason(st->error, sizeof(st->error), what);
}

/*
 * What an SSL call's failure means: 0 to wait (errno EAGAIN, with the
 * wish to write noted), TRANSPORT_EOF, or -1 for a failed connection.
 */
static int classify(struct tls_state *st, int ret, bool writing,
		    const char *what)
{
	switch (SSL_get_error(st->ssl, ret)) {
	case SSL_ERROR_WANT_READ:
		if (writing)
			st->write_wants_read = true;
		errno = EAGAIN;
		return 0;
	case SSL_ERROR_WANT_WRITE:
		if (!writing)
			st->read_wants_write = true;
		errno = EAGAIN;
		return 0;
	case SSL_ERROR_ZERO_RETURN:
		return TRANSPORT_EOF;
	case SSL_ERROR_SYSCALL:
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		ERR_clear_error();
		snprintf(st->error, sizeof(st->error), "%s: %s", what,
			 errno ? strerror(errno) : "connection lost");
		st->phase = TLS_FAILED;
		return -1;
	default:
		fail(st, what);
		return -1;
	}
}

/* A plain client's first byte is a letter of NICK, CAP or PASS. */
static int check_first_byte(struct transport *t, struct tls_state *st)
{
	unsigned char first;
	ssize_t n;

	do
		n = recv(t->fd, &first, 1, MSG_PEEK);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return n == 0 ? TRANSPORT_EOF : -1;
	if (first != TLS_HANDSHAKE_BYTE) {
		st->phase = TLS_FAILED;
		snprintf(st->error, sizeof(st->error), "not TLS: a plain "
			 "client on the TLS port");
		st->notice_left = strlen(NOT_TLS_LINE);
		errno = TRANSPORT_FAILED;
		return -1;
	}
	st->phase = TLS_HANDSHAKE;
	return 0;
}

/* Runs the handshake as far as the socket allows: 0 when it is over,
 * else what recv() returns. */
static int handshake(struct tls_state *st)
{
	int ret;

	st->read_wants_write = false;
	ret = SSL_accept(st->ssl);
	if (ret == 1) {
		st->phase = TLS_OPEN;
		return 0;
	}
	ret = classify(st, ret, false, "TLS handshake");
	if (ret == TRANSPORT_EOF)
		return ret;
	if (ret < 0)
		errno = TRANSPORT_FAILED;
	return -1;
}

/* The connection is open, or the error of recv() is in errno. */
static int advance(struct transport *t, struct tls_state *st)
{
	int ret;

	if (st->phase == TLS_FIRST_BYTE) {
		ret = check_first_byte(t, st);
		if (ret)
			return ret;
	}
	if (st->phase == TLS_HANDSHAKE)
		return handshake(st);
	if (st->phase == TLS_FAILED) {
		errno = TRANSPORT_FAILED;
		return -1;
	}
	return 0;
}

static ssize_t tls_recv(struct transport *t, struct line_reader *in)
{
	struct tls_state *st = t->state;
	size_t room, n = 0;
	char *space = line_reader_space(in, &room);
	int ret;

	if (!room)
		return 0;
	st->write_wants_read = false;
	ret = advance(t, st);
	if (ret)
		return ret;
	st->read_wants_write = false;
	ret = SSL_read_ex(st->ssl, space, room, &n);
	if (ret == 1) {
		line_reader_commit(in, n);
		return (ssize_t)n;
	}
	ret = classify(st, ret, false, "TLS read");
	if (ret == TRANSPORT_EOF)
		return ret;
	if (ret < 0)
		errno = TRANSPORT_FAILED;
	return -1;
}

/* Copies up to cap bytes from the head of out. */
static size_t gather(const struct outq *out, char *buf, size_t cap)
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

static ssize_t send_notice(struct transport *t, struct tls_state *st)
{
	const char *line = NOT_TLS_LINE;
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

/* A read that had to write first: let it write now, keeping what it
 * decrypts in OpenSSL's buffer for the next recv(). */
static int retry_read(struct tls_state *st)
{
	char peek;
	size_t n;
	int ret;

	st->read_wants_write = false;
	if (st->phase == TLS_HANDSHAKE)
		return handshake(st) && errno != EAGAIN ? -1 : 0;
	ret = SSL_peek_ex(st->ssl, &peek, 1, &n);
	if (ret != 1 && classify(st, ret, false, "TLS read") < 0) {
		errno = TRANSPORT_FAILED;
		return -1;
	}
	return 0;
}

static ssize_t write_queue(struct tls_state *st, struct outq *out)
{
	char plain[TLS_WRITE_CHUNK];
	size_t before = out->bytes;

	while (out->bytes && !st->write_wants_read) {
		size_t len = gather(out, plain, sizeof(plain)), n = 0;
		int ret = SSL_write_ex(st->ssl, plain, len, &n);

		if (ret == 1) {
			outq_consume(out, n);
			continue;
		}
		ret = classify(st, ret, true, "TLS write");
		if (ret < 0 || ret == TRANSPORT_EOF) {
			errno = TRANSPORT_FAILED;
			return -1;
		}
		break;
	}
	if (before != out->bytes)
		return (ssize_t)(before - out->bytes);
	errno = EAGAIN;
	return -1;
}

/* A failed connection sends its notice (a plain client's ERROR line),
 * drops the queue (nothing more may go out) and reports the failure. */
static ssize_t tls_send(struct transport *t, struct outq *out)
{
	struct tls_state *st = t->state;

	if (st->read_wants_write && retry_read(st))
		st->phase = TLS_FAILED;
	if (st->phase == TLS_FAILED) {
		if (send_notice(t, st))
			return -1;
		outq_clear(out);
		errno = TRANSPORT_FAILED;
		return -1;
	}
	if (st->phase != TLS_OPEN) {
		errno = EAGAIN;
		return -1;
	}
	return write_queue(st, out);
}

static bool tls_want_write(const struct transport *t, const struct outq *out)
{
	const struct tls_state *st = t->state;

	return st->read_wants_write || st->notice_left ||
	       (st->phase == TLS_OPEN && out->bytes && !st->write_wants_read);
}

static bool tls_pending(const struct transport *t)
{
	const struct tls_state *st = t->state;

	/* Decrypted bytes only: a partial record needs the socket anyway. */
	return st->phase == TLS_FAILED || SSL_pending(st->ssl) > 0;
}

static bool tls_ready(const struct transport *t)
{
	const struct tls_state *st = t->state;

	return st->phase == TLS_OPEN;
}

static const char *tls_error(const struct transport *t)
{
	const struct tls_state *st = t->state;

	return st->error;
}

/* A close_notify after whatever went out, if the socket takes it; no
 * wait for the peer's. */
static void tls_close(struct transport *t)
{
	struct tls_state *st = t->state;

	if (st->phase == TLS_OPEN && t->fd >= 0)
		SSL_shutdown(st->ssl);
	ERR_clear_error();
	SSL_free(st->ssl);
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	free(st);
	t->state = NULL;
}

static const struct transport_ops tls_ops = {
	.recv = tls_recv,
	.send = tls_send,
	.want_write = tls_want_write,
	.pending = tls_pending,
	.ready = tls_ready,
	.error = tls_error,
	.close = tls_close,
};

int transport_tls_init(struct transport *t, int fd, struct tls_server *ts)
{
	struct tls_state *st = calloc(1, sizeof(*st));

	if (!st) {
		errno = ENOMEM;
		return -1;
	}
	st->ssl = SSL_new(ts->ctx);
	if (!st->ssl || !SSL_set_fd(st->ssl, fd)) {
		SSL_free(st->ssl);
		free(st);
		ERR_clear_error();
		errno = ENOMEM;
		return -1;
	}
	st->phase = TLS_FIRST_BYTE;
	t->ops = &tls_ops;
	t->fd = fd;
	t->state = st;
	t->first_checked = true;
	return 0;
}
