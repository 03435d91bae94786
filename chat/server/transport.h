/* SPDX-License-Identifier: MIT */
/*
 * Per-connection transport: the only code that moves a client's data.
 *
 * The IRC logic sees two byte streams: the input line reader it takes
 * lines from, and the output queue it appends lines to.  A transport
 * moves bytes between those and the socket.  The plain transport does
 * recv() and writev(); the secure one (transport_secure.c) runs the
 * encrypted record layer of secure/ in between, decrypting into the
 * reader and encrypting from the queue, without any change to the IRC
 * code.
 *
 * A record layer has bytes of its own to send (handshake answers,
 * alerts) and may hold plaintext that did not fit into the reader, so
 * the IRC code asks want_write() and pending() rather than looking at
 * the queue and the socket alone.
 */
#ifndef CCHATD_TRANSPORT_H
#define CCHATD_TRANSPORT_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "irc.h"
#include "outq.h"

struct transport;

struct transport_ops {
	/*
	 * Moves bytes from the peer into in.  Returns the number of bytes
	 * added (0 only when in has no room), -1 with errno set on error
	 * (EAGAIN: nothing to read now; TRANSPORT_FAILED: the transport
	 * failed and error() says why), or -2 at the end of the stream.
	 */
	ssize_t (*recv)(struct transport *t, struct line_reader *in);
	/*
	 * Sends bytes from the head of out and consumes what was sent.
	 * Returns the number of bytes taken from out, or -1 with errno
	 * (EAGAIN: the socket is full; TRANSPORT_FAILED as for recv).
	 */
	ssize_t (*send)(struct transport *t, struct outq *out);
	/* Whether send() has work now: bytes of out it may take, or bytes
	 * of its own.  The loop polls for writability while it does. */
	bool (*want_write)(const struct transport *t, const struct outq *out);
	/* Whether recv() has bytes (or a failure) to hand over without
	 * waiting for the socket. */
	bool (*pending)(const struct transport *t);
	/* Whether the connection carries IRC lines yet (a record layer's
	 * handshake is over). */
	bool (*ready)(const struct transport *t);
	/* The reason of a TRANSPORT_FAILED error. */
	const char *(*error)(const struct transport *t);
	/* Releases the transport's state and closes the socket. */
	void (*close)(struct transport *t);
};

struct transport {
	const struct transport_ops *ops;
	int fd;
	void *state;            /* for a record layer; NULL when plain */
	bool first_checked;     /* plain: the first byte was looked at */
};

#define TRANSPORT_EOF (-2)
/* errno of a failure that error() explains (a record layer's verdict). */
#define TRANSPORT_FAILED EPROTO

/* Sets up t as the plain (unencrypted) transport on fd. */
void transport_plain_init(struct transport *t, int fd);

/* ---- The encrypted transport (docs/encrypted-chat.md) ---------------- */

/* What the encrypted listener needs, from the command line. */
struct secure_options {
	const char *key_file;           /* --key */
	const char *passphrase_file;    /* --passphrase-file */
	const char *crypto_dev;         /* --crypto-dev; NULL: the default */
	uint32_t rekey_records;         /* 0: the library's default */
	uint32_t rekey_bytes;
};

/* Room for the reason secure_server_open gives (path and errno text). */
#define SECURE_ERROR_MAX 400

/* The crypto provider and the pre-shared key that every encrypted
 * connection of the process shares. */
struct secure_server;

/* Opens the provider and loads the key; on failure writes the reason
 * (path and errno included) to err and returns NULL. */
struct secure_server *secure_server_open(const struct secure_options *opt,
					 char *err, size_t errlen);
/* "software", or "devcrypto:/dev/crypto (driver names)". */
const char *secure_server_provider(const struct secure_server *ss);
void secure_server_close(struct secure_server *ss);

/* Sets up t as an encrypted server-side transport on fd.  Returns 0, or
 * -1 with errno (ENOMEM). */
int transport_secure_init(struct transport *t, int fd,
			  struct secure_server *ss);

/* ---- TLS (docs/tls-chat.md) ------------------------------------------ */

/* What the TLS listener needs, from the command line. */
struct tls_options {
	const char *cert_file;          /* --tls-cert: PEM chain */
	const char *key_file;           /* --tls-key: PEM private key */
};

/* Room for the reason tls_server_open gives (OpenSSL's words). */
#define TLS_ERROR_MAX 400

/* The library context, its providers and the SSL_CTX every TLS
 * connection of the process shares. */
struct tls_server;

/* Loads the cryptodev provider when crypto_dev (NULL: /dev/crypto)
 * exists, the default provider always, then the certificate and key.
 * On failure writes the reason to err and returns NULL. */
struct tls_server *tls_server_open(const struct tls_options *opt,
				   const char *crypto_dev,
				   char *err, size_t errlen);
/* Which provider serves AES-GCM, e.g. "cryptodev (/dev/crypto)". */
const char *tls_server_provider(const struct tls_server *ts);
void tls_server_close(struct tls_server *ts);

/* Sets up t as a TLS server-side transport on fd.  Returns 0, or -1
 * with errno (ENOMEM). */
int transport_tls_init(struct transport *t, int fd, struct tls_server *ts);

#endif
