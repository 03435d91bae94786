/* The TLS layer of cchat (--tls): one OpenSSL client connection on the
 * non-blocking TCP socket.  The server's certificate is verified, by a
 * CA file (--tls-ca), by the SHA-256 of the certificate (--tls-pin), or
 * by the system's CAs; only --tls-insecure skips that, with a warning.
 * Usage and what is verified: docs/tls-chat.md.
 *
 * Nothing here falls back to plain text: a failed handshake or check
 * ends the connection with OpenSSL's (or the check's) own words.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "transport.h"

/* As the server offers them: AES-GCM only, forward secret only. */
#define TLS12_CIPHERS "ECDHE-ECDSA-AES256-GCM-SHA384:" \
	"ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256:" \
	"ECDHE-RSA-AES128-GCM-SHA256"
#define TLS13_CIPHERS "TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256"
#define PIN_LEN 32              /* bytes of a SHA-256 */

struct tls_layer {
	SSL_CTX *ctx;
	SSL *ssl;
	unsigned char pin[PIN_LEN];
	bool pinned;
	bool open;              /* the handshake (and the pin check) is over */
	bool failed;
	bool wants_write;       /* OpenSSL waits to write its own bytes */
	char verified_by[TRANSPORT_ERROR_MAX];
	char error[TRANSPORT_ERROR_MAX];
};

/* OpenSSL's last error (or what alone) into buf. */
static void openssl_reason(char *buf, size_t len, const char *what)
{
	unsigned long e = ERR_peek_last_error();
	char text[256];

	if (!e) {
		snprintf(buf, len, "%s", what);
		return;
	}
	ERR_error_string_n(e, text, sizeof(text));
	snprintf(buf, len, "%s: %s", what, text);
	ERR_clear_error();
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* 64 hex digits, colons between bytes allowed (openssl x509
 * -fingerprint -sha256 writes them so). */
static int parse_pin(const char *text, unsigned char *pin)
{
	size_t n = 0;

	while (*text) {
		int hi, lo;

		if (*text == ':' && n) {
			text++;
			continue;
		}
		hi = hex_value(text[0]);
		lo = hi < 0 ? -1 : hex_value(text[1]);
		if (lo < 0 || n == PIN_LEN)
			return -1;
		pin[n++] = (unsigned char)(hi << 4 | lo);
		text += 2;
	}
	return n == PIN_LEN ? 0 : -1;
}

static int set_verification(struct tls_layer *l,
			    const struct tls_client_options *opt,
			    char *err, size_t errlen)
{
	if (opt->pin) {
		if (parse_pin(opt->pin, l->pin)) {
			snprintf(err, errlen, "--tls-pin wants the SHA-256 of "
				 "the server's certificate: 64 hex digits");
			return -1;
		}
		l->pinned = true;
		/* The pin is the trust: the chain is not asked for. */
		SSL_CTX_set_verify(l->ctx, SSL_VERIFY_NONE, NULL);
		snprintf(l->verified_by, sizeof(l->verified_by),
			 "certificate pinned by SHA-256");
		return 0;
	}
	if (opt->insecure) {
		SSL_CTX_set_verify(l->ctx, SSL_VERIFY_NONE, NULL);
		snprintf(l->verified_by, sizeof(l->verified_by),
			 "certificate NOT verified (--tls-insecure)");
		return 0;
	}
	SSL_CTX_set_verify(l->ctx, SSL_VERIFY_PEER, NULL);
	if (opt->ca_file ? SSL_CTX_load_verify_file(l->ctx, opt->ca_file) != 1
			 : SSL_CTX_set_default_verify_paths(l->ctx) != 1) {
		openssl_reason(err, errlen, opt->ca_file ? opt->ca_file :
			       "cannot load the system's CAs");
		return -1;
	}
	snprintf(l->verified_by, sizeof(l->verified_by),
		 "certificate verified by %s", opt->ca_file ? opt->ca_file :
		 "the system's CAs");
	return 0;
}

struct tls_layer *tls_layer_open(const struct tls_client_options *opt,
				 char *err, size_t errlen)
{
	struct tls_layer *l = calloc(1, sizeof(*l));

	if (!l) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return NULL;
	}
	l->ctx = SSL_CTX_new(TLS_client_method());
	if (!l->ctx ||
	    !SSL_CTX_set_min_proto_version(l->ctx, TLS1_2_VERSION) ||
	    !SSL_CTX_set_cipher_list(l->ctx, TLS12_CIPHERS) ||
	    !SSL_CTX_set_ciphersuites(l->ctx, TLS13_CIPHERS)) {
		openssl_reason(err, errlen, "cannot make a TLS context");
		tls_layer_free(l);
		return NULL;
	}
	SSL_CTX_set_options(l->ctx, SSL_OP_NO_RENEGOTIATION |
			    SSL_OP_NO_COMPRESSION);
	SSL_CTX_set_mode(l->ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
			 SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	if (set_verification(l, opt, err, errlen)) {
		tls_layer_free(l);
		return NULL;
	}
	if (opt->insecure && !opt->pin)
		fprintf(stderr, "cchat: warning: --tls-insecure: the server's "
			"certificate is not verified; anyone on the way can "
			"pose as the server and read the chat\n");
	return l;
}

const char *tls_layer_verified_by(const struct tls_layer *l)
{
	return l->verified_by;
}

void tls_layer_free(struct tls_layer *l)
{
	if (!l)
		return;
	SSL_free(l->ssl);
	SSL_CTX_free(l->ctx);
	free(l);
}

/* The host name (or address) the certificate must name, and SNI. */
static int expect_host(struct tls_layer *l, const char *host)
{
	unsigned char addr[16];
	X509_VERIFY_PARAM *param = SSL_get0_param(l->ssl);

	if (inet_pton(AF_INET, host, addr) == 1 ||
	    inet_pton(AF_INET6, host, addr) == 1)
		return X509_VERIFY_PARAM_set1_ip_asc(param, host) == 1 ? 0 : -1;
	if (SSL_set_tlsext_host_name(l->ssl, host) != 1 ||
	    SSL_set1_host(l->ssl, host) != 1)
		return -1;
	return 0;
}

static void fail(struct tls_layer *l, const char *what)
{
	long verify = SSL_get_verify_result(l->ssl);

	if (l->failed)
		return;
	l->failed = true;
	if (verify != X509_V_OK && !l->pinned) {
		snprintf(l->error, sizeof(l->error), "%s: the server's "
			 "certificate: %s", what,
			 X509_verify_cert_error_string(verify));
		ERR_clear_error();
		return;
	}
	openssl_reason(l->error, sizeof(l->error), what);
}

static void check_pin(struct tls_layer *l)
{
	X509 *cert = SSL_get0_peer_certificate(l->ssl);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	if (!cert || !X509_digest(cert, EVP_sha256(), md, &len) ||
	    len != PIN_LEN || memcmp(md, l->pin, PIN_LEN)) {
		l->failed = true;
		snprintf(l->error, sizeof(l->error), "the server's "
			 "certificate does not match --tls-pin");
	}
}

/* 0 (errno EAGAIN) to wait for the socket, 0 at the peer's close_notify
 * with *eof set, -1 with errno TRANSPORT_FAILED. */
static int classify(struct tls_layer *l, int ret, const char *what,
		    bool *eof)
{
	switch (SSL_get_error(l->ssl, ret)) {
	case SSL_ERROR_WANT_READ:
		errno = EAGAIN;
		return 0;
	case SSL_ERROR_WANT_WRITE:
		l->wants_write = true;
		errno = EAGAIN;
		return 0;
	case SSL_ERROR_ZERO_RETURN:
		*eof = true;
		return 0;
	case SSL_ERROR_SYSCALL:
		if (errno == EAGAIN || errno == EINTR) {
			errno = EAGAIN;
			return 0;
		}
		if (!ERR_peek_last_error()) {
			l->failed = true;
			snprintf(l->error, sizeof(l->error), "%s: %s", what,
				 errno ? strerror(errno)
				       : "the server closed the connection");
			errno = TRANSPORT_FAILED;
			return -1;
		}
		/* fall through */
	default:
		fail(l, what);
		errno = TRANSPORT_FAILED;
		return -1;
	}
}

/* The handshake as far as the socket allows; 0 when it is over. */
static int handshake(struct tls_layer *l)
{
	bool eof = false;
	int ret;

	if (l->failed) {
		errno = TRANSPORT_FAILED;
		return -1;
	}
	if (l->open)
		return 0;
	l->wants_write = false;
	ret = SSL_connect(l->ssl);
	if (ret == 1) {
		if (l->pinned)
			check_pin(l);
		if (l->failed) {
			errno = TRANSPORT_FAILED;
			return -1;
		}
		l->open = true;
		return 0;
	}
	if (classify(l, ret, "TLS handshake", &eof) == 0 && !eof)
		return -1;
	if (eof)
		fail(l, "TLS handshake: the server closed the connection");
	errno = TRANSPORT_FAILED;
	return -1;
}

static ssize_t tls_recv(struct transport *t, void *buf, size_t len)
{
	struct tls_layer *l = t->priv;
	bool eof = false;
	size_t n = 0;
	int ret;

	if (handshake(l))
		return -1;
	l->wants_write = false;
	ret = SSL_read_ex(l->ssl, buf, len, &n);
	if (ret == 1)
		return (ssize_t)n;
	if (classify(l, ret, "TLS read", &eof) < 0)
		return -1;
	return eof ? 0 : -1;
}

static ssize_t tls_send(struct transport *t, const void *buf, size_t len)
{
	struct tls_layer *l = t->priv;
	bool eof = false;
	size_t n = 0;
	int ret;

	if (handshake(l))
		return -1;
	ret = SSL_write_ex(l->ssl, buf, len, &n);
	if (ret == 1)
		return (ssize_t)n;
	if (classify(l, ret, "TLS write", &eof) < 0)
		return -1;
	if (eof) {
		errno = EPIPE;
		return -1;
	}
	return -1;
}

static bool tls_pending(struct transport *t)
{
	struct tls_layer *l = t->priv;

	/* Decrypted bytes only: a partial record needs the socket anyway. */
	return l->failed || SSL_pending(l->ssl) > 0;
}

static bool tls_want_write(struct transport *t)
{
	struct tls_layer *l = t->priv;

	return l->wants_write;
}

/* OpenSSL's own bytes: the handshake's, or those a read had to send
 * first (kept decrypted in OpenSSL's buffer for the next recv). */
static int tls_flush(struct transport *t)
{
	struct tls_layer *l = t->priv;
	bool eof = false;
	char peek;
	size_t n;
	int ret;

	if (!l->wants_write)
		return 0;
	if (!l->open)
		return handshake(l) && errno != EAGAIN ? -1 : 0;
	l->wants_write = false;
	ret = SSL_peek_ex(l->ssl, &peek, 1, &n);
	if (ret != 1 && classify(l, ret, "TLS read", &eof) < 0)
		return -1;
	return 0;
}

static bool tls_ready(struct transport *t)
{
	struct tls_layer *l = t->priv;

	return l->open;
}

static const char *tls_error(struct transport *t)
{
	struct tls_layer *l = t->priv;

	return l->error;
}

/* A close_notify if the socket takes it; no wait for the server's. */
static void tls_close(struct transport *t)
{
	struct tls_layer *l = t->priv;

	if (l->open && !l->failed)
		SSL_shutdown(l->ssl);
	ERR_clear_error();
	if (t->fd >= 0)
		close(t->fd);
	tls_layer_free(l);
	t->priv = NULL;
}

static const struct transport_ops tls_ops = {
	.recv = tls_recv,
	.send = tls_send,
	.pending = tls_pending,
	.want_write = tls_want_write,
	.flush = tls_flush,
	.ready = tls_ready,
	.error = tls_error,
	.close = tls_close,
};

int transport_tls_attach(struct transport *t, struct tls_layer *l,
			 const char *host, char *err, size_t errlen)
{
	l->ssl = SSL_new(l->ctx);
	if (!l->ssl || !SSL_set_fd(l->ssl, t->fd) || expect_host(l, host)) {
		openssl_reason(err, errlen, "cannot start TLS");
		tls_layer_free(l);
		transport_close(t);
		return -1;
	}
	t->ops = &tls_ops;
	t->priv = l;
	/* The ClientHello goes out now; the answer comes through recv. */
	if (handshake(l) && errno != EAGAIN) {
		snprintf(err, errlen, "%s", l->error);
		transport_close(t);
		return -1;
	}
	return 0;
}

const char *transport_tls_describe(struct transport *t, char *buf,
				   size_t len)
{
	struct tls_layer *l = t->priv;

	snprintf(buf, len, "%s, %s; %s", SSL_get_version(l->ssl),
		 SSL_get_cipher_name(l->ssl), l->verified_by);
	return buf;
}
