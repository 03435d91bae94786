/* The byte stream between the client and the server.
 *
 * The client never touches its socket directly: it reads and writes
 * through a transport: plain TCP, or the encrypted record layer of
 * secure/ stacked on it (transport_secure.c), with the same line
 * handling above both.
 */
#ifndef CCHAT_TRANSPORT_H
#define CCHAT_TRANSPORT_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct transport;

struct transport_ops {
	/* Like recv(2) on a non-blocking socket: >0 bytes, 0 on orderly
	 * close, -1 with errno (EAGAIN when nothing is there yet). */
	ssize_t (*recv)(struct transport *t, void *buf, size_t len);
	/* Like send(2) on a non-blocking socket; may send less than len. */
	ssize_t (*send)(struct transport *t, const void *buf, size_t len);
	/* True when recv would return data even though fd is not readable
	 * (a layer that decrypts whole records may hold leftovers). */
	bool (*pending)(struct transport *t);
	/* Bytes of the layer's own (handshake, records already made) wait
	 * for the socket: poll for POLLOUT and call flush. */
	bool (*want_write)(struct transport *t);
	/* Sends what it can of those; 0, or -1 with errno. */
	int (*flush)(struct transport *t);
	/* True once application data can flow (the handshake is over). */
	bool (*ready)(struct transport *t);
	/* The reason of a TRANSPORT_FAILED error (empty when none). */
	const char *(*error)(struct transport *t);
	void (*close)(struct transport *t);
};

/* errno of a failure that error() explains (an encrypted layer's
 * verdict: wrong key, tampering, ...). */
#define TRANSPORT_FAILED EPROTO

struct transport {
	const struct transport_ops *ops;
	int fd;		/* what to poll */
	void *priv;	/* for layers stacked on top */
};

/* Connect to host:port over TCP (IPv4 or IPv6, every address that
 * getaddrinfo returns in turn).  On failure returns -1 and writes a
 * human-readable reason into err. */
int transport_tcp_connect(struct transport *t, const char *host,
			  const char *port, int timeout_ms,
			  char *err, size_t errlen);

static inline ssize_t transport_recv(struct transport *t, void *buf, size_t len)
{
	return t->ops->recv(t, buf, len);
}

static inline ssize_t transport_send(struct transport *t, const void *buf,
				     size_t len)
{
	return t->ops->send(t, buf, len);
}

static inline bool transport_pending(struct transport *t)
{
	return t->ops->pending(t);
}

static inline bool transport_want_write(struct transport *t)
{
	return t->ops->want_write(t);
}

static inline int transport_flush(struct transport *t)
{
	return t->ops->flush(t);
}

static inline bool transport_ready(struct transport *t)
{
	return t->ops->ready(t);
}

static inline const char *transport_error(struct transport *t)
{
	return t->ops->error(t);
}

/* Options of the encrypted layer (cchat --secure). */
struct secure_client_options {
	const char *key_file;           /* --key */
	const char *passphrase_file;    /* --passphrase-file */
	const char *crypto_dev;         /* --crypto-dev; NULL: the default */
};

/* Room for an error message of the encrypted layer. */
#define TRANSPORT_ERROR_MAX 400

/* The crypto provider and the key, ready before the connection is made
 * so that a bad key file or device is reported without a server. */
struct secure_layer;

/* NULL on failure, with the reason (path and errno included) in err. */
struct secure_layer *secure_layer_open(const struct secure_client_options *opt,
				       char *err, size_t errlen);
/* "software", or "devcrypto:/dev/crypto (driver names)". */
const char *secure_layer_provider(const struct secure_layer *l);
void secure_layer_free(struct secure_layer *l);

/* Stacks the encrypted layer on t (connected) and queues the client
 * hello; l belongs to t from then on, even on failure.  Returns 0, or
 * -1 with the reason in err (t is closed then). */
int transport_secure_attach(struct transport *t, struct secure_layer *l,
			    char *err, size_t errlen);

/* Options of the TLS layer (cchat --tls); at most one of the three. */
struct tls_client_options {
	const char *ca_file;            /* --tls-ca: PEM CA certificates */
	const char *pin;                /* --tls-pin: SHA-256, hex */
	bool insecure;                  /* --tls-insecure: no check at all */
};

/* The TLS context, ready before the connection is made so that a bad
 * CA file or pin is reported without a server. */
struct tls_layer;

/* NULL on failure, with the reason in err. */
struct tls_layer *tls_layer_open(const struct tls_client_options *opt,
				 char *err, size_t errlen);
/* How the server's certificate is checked, for the user. */
const char *tls_layer_verified_by(const struct tls_layer *l);
void tls_layer_free(struct tls_layer *l);

/* Stacks TLS on t (connected), expecting a certificate for host, and
 * sends the ClientHello; l belongs to t from then on, even on failure.
 * Returns 0, or -1 with the reason in err (t is closed then). */
int transport_tls_attach(struct transport *t, struct tls_layer *l,
			 const char *host, char *err, size_t errlen);
/* "TLSv1.3, TLS_AES_256_GCM_SHA384; certificate verified by ..." */
const char *transport_tls_describe(struct transport *t, char *buf,
				   size_t len);

static inline void transport_close(struct transport *t)
{
	if (t->ops)
		t->ops->close(t);
	t->ops = NULL;
	t->fd = -1;
}

#endif
