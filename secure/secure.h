/*
 * libsecure: the encrypted transport of the terminal chat.
 *
 * A session is a pure state machine between a byte stream (the socket)
 * and a plaintext byte stream (the chat's line buffers).  It never
 * touches a socket and never blocks, except inside the crypto provider
 * (an ioctl on /dev/crypto, or OpenSSL in software), so it sits inside
 * a non-blocking epoll loop as easily as in a test:
 *
 *   socket bytes in   -> sc_feed()     -> sc_read() plaintext out
 *   plaintext in      -> sc_seal()     -> sc_output()/sc_output_consume()
 *                                          bytes for the socket
 *
 * The wire protocol, its threat model and every limit below are
 * specified byte by byte in docs/secure-protocol.md.
 *
 * Not thread-safe: one thread drives a session and its provider.
 */
#ifndef SECURE_H
#define SECURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Pre-shared key and passphrase salt sizes. */
#define SC_KEY_LEN		32
#define SC_SALT_LEN		16
/* Longest passphrase accepted (bytes, without the terminating NUL). */
#define SC_PASSPHRASE_MAX	1024

/* Largest plaintext carried by one record; sc_seal splits longer data. */
#define SC_MAX_PLAINTEXT	16384
/*
 * Rekey after this many records or this many record bytes in one
 * direction, whichever comes first.  The server chooses (within the
 * limits) and announces them in its hello; these are its defaults.
 */
#define SC_REKEY_RECORDS_DEFAULT	(1u << 16)
#define SC_REKEY_BYTES_DEFAULT		(64u << 20)
#define SC_REKEY_RECORDS_MAX		(1u << 24)
#define SC_REKEY_BYTES_MAX		(1u << 30)
/* Plaintext that sc_seal queues before the handshake has finished. */
#define SC_MAX_EARLY_PLAINTEXT	(64 * 1024)

/* The cryptodev device tried when none is given. */
#define SC_DEFAULT_CRYPTO_DEV	"/dev/crypto"
/* Room for one error message, path and errno text included. */
#define SC_ERRMSG_MAX		320

enum sc_role {
	SC_ROLE_CLIENT = 1,
	SC_ROLE_SERVER = 2,
};

/* Every failure.  sc_strerror() gives the fixed text of each. */
enum sc_status {
	SC_OK = 0,
	SC_ERR_AUTH,		/* wrong key, or someone in the middle */
	SC_ERR_KEY_MODE,	/* key file on one side, passphrase on the other */
	SC_ERR_RECORD_MAC,	/* a record was changed in transit */
	SC_ERR_REPLAY,		/* an old record came again or too late */
	SC_ERR_SEQ_GAP,		/* a record is missing (dropped or reordered) */
	SC_ERR_TRUNCATED,	/* the stream ended without a close record */
	SC_ERR_TOO_BIG,		/* a length field over the protocol's limit */
	SC_ERR_PROTOCOL,	/* malformed or unexpected message */
	SC_ERR_NOT_SECURE,	/* the peer does not speak this protocol */
	SC_ERR_VERSION,		/* the peer speaks another protocol version */
	SC_ERR_PEER_ALERT,	/* the peer reported an error and closed */
	SC_ERR_CLOSED,		/* used after a close, sent or received */
	SC_ERR_STATE,		/* API misuse (e.g. too much early data) */
	SC_ERR_DEVICE,		/* /dev/crypto missing or failing */
	SC_ERR_CRYPTO,		/* the software crypto library failed */
	SC_ERR_KEYFILE,		/* key file missing, wrong size or too open */
	SC_ERR_NOMEM,
	SC_ERR_INVALID,		/* bad argument or configuration */
};

/* Fixed text for a status ("authentication failed", ...). */
const char *sc_strerror(enum sc_status status);

/* Details for calls that have no session: the status and a message that
 * names the path, errno text or peer's reason where there is one. */
struct sc_error {
	enum sc_status status;
	char msg[SC_ERRMSG_MAX];
};

/* ---- Crypto providers ------------------------------------------------ */

/*
 * AES-256-CBC and HMAC-SHA256 for the records.  Both providers produce
 * the same bytes; only where the work is done differs.  One provider
 * serves any number of sessions.
 */
struct sc_provider;

enum sc_provider_kind {
	SC_PROVIDER_SOFTWARE = 1,	/* OpenSSL's libcrypto in-process */
	SC_PROVIDER_DEVCRYPTO = 2,	/* ioctls on a cryptodev device */
};

/* Open one provider.  For devcrypto, path names the device (NULL for
 * SC_DEFAULT_CRYPTO_DEV); the device is probed for AES-256-CBC and
 * HMAC-SHA256 so that a failing device is reported here, with its path
 * and errno, not in the middle of a chat. */
enum sc_status sc_provider_open(enum sc_provider_kind kind, const char *path,
				struct sc_provider **out, struct sc_error *err);

/*
 * What --crypto-dev means.  crypto_dev non-NULL: devcrypto at that path,
 * and any failure is an error.  NULL: devcrypto at SC_DEFAULT_CRYPTO_DEV
 * if it works, else the software provider after writing one line to
 * notice (if non-NULL):
 *   notice: /dev/crypto not available (<errno text>); using the software provider
 */
enum sc_status sc_provider_select(const char *crypto_dev, FILE *notice,
				  struct sc_provider **out,
				  struct sc_error *err);

/* "software" or "devcrypto:<path>". */
const char *sc_provider_name(const struct sc_provider *prov);
void sc_provider_close(struct sc_provider *prov);

/* ---- Pre-shared keys ------------------------------------------------- */

enum sc_key_kind {
	SC_KEY_FILE = 1,	/* 32 random bytes from a key file */
	SC_KEY_PASSPHRASE = 2,	/* scrypt(passphrase, server's salt) */
};

/*
 * A pre-shared key.  A server's passphrase key is derived at once with
 * a fresh random salt (which its hello announces); a client keeps the
 * passphrase and derives the key when the server's salt arrives.
 */
struct sc_key {
	enum sc_key_kind kind;
	bool derived;			/* secret holds the key */
	uint8_t secret[SC_KEY_LEN];
	uint8_t salt[SC_SALT_LEN];	/* passphrase: the salt used */
	char passphrase[SC_PASSPHRASE_MAX + 1];	/* client passphrase only */
};

/* scrypt parameters (memory-hard: 128 * r * N bytes = 32 MiB). */
#define SC_SCRYPT_LOG2_N	15
#define SC_SCRYPT_R		8
#define SC_SCRYPT_P		1
/* The limit handed to OpenSSL, above the 32 MiB the parameters need. */
#define SC_SCRYPT_MAXMEM	(64u << 20)

/* Write SC_KEY_LEN random bytes to a new file, mode 0600.  Refuses to
 * overwrite an existing file. */
enum sc_status sc_keyfile_generate(const char *path, struct sc_error *err);

/* Read a key file: a regular file of exactly SC_KEY_LEN bytes that
 * neither group nor others may read or write. */
enum sc_status sc_key_load_file(const char *path, struct sc_key *key,
				struct sc_error *err);

/* A passphrase key for the given role (see struct sc_key).  Empty
 * passphrases are refused. */
enum sc_status sc_key_from_passphrase(const char *passphrase, enum sc_role role,
				      struct sc_key *key, struct sc_error *err);

/* A passphrase kept in a file: its bytes without one trailing line end
 * (LF or CR LF), 1 to SC_PASSPHRASE_MAX bytes, no NUL or other line
 * end; the file must be regular and private like a key file.  Then as
 * sc_key_from_passphrase. */
enum sc_status sc_key_load_passphrase_file(const char *path, enum sc_role role,
					   struct sc_key *key,
					   struct sc_error *err);

/* The passphrase KDF itself: scrypt with the parameters above. */
enum sc_status sc_passphrase_kdf(const char *passphrase,
				 const uint8_t salt[SC_SALT_LEN],
				 uint8_t out[SC_KEY_LEN], struct sc_error *err);

/* Overwrite the secret parts of a key. */
void sc_key_wipe(struct sc_key *key);

/* ---- Sessions -------------------------------------------------------- */

struct sc_config {
	enum sc_role role;
	const struct sc_key *key;	/* copied by sc_session_new */
	struct sc_provider *provider;	/* must outlive the session */
	/* Server only: rekey interval to announce; 0 for the defaults.
	 * A client takes whatever its server announces. */
	uint32_t rekey_records;
	uint32_t rekey_bytes;
};

struct sc_session;

/* A new session.  A client's hello is ready in sc_output() at once. */
struct sc_session *sc_session_new(const struct sc_config *cfg,
				  struct sc_error *err);
void sc_session_free(struct sc_session *s);

/*
 * Bytes received from the peer.  Complete handshake messages are
 * answered (answers go to sc_output), complete records are verified and
 * their plaintext made readable with sc_read.  Returns SC_OK, or the
 * session's error: from then on the session is failed, sc_output may
 * still hold an alert worth sending, and the caller should close.
 * Plaintext of a record whose MAC failed is never delivered.
 */
enum sc_status sc_feed(struct sc_session *s, const void *data, size_t len);

/* Plaintext received so far, in order.  Returns the bytes copied. */
size_t sc_read(struct sc_session *s, void *buf, size_t cap);
size_t sc_readable(const struct sc_session *s);

/* Bytes waiting to go to the peer, and how many of them went. */
const uint8_t *sc_output(const struct sc_session *s, size_t *len);
void sc_output_consume(struct sc_session *s, size_t n);

/*
 * Plaintext to send.  Before the handshake finishes it is queued (up to
 * SC_MAX_EARLY_PLAINTEXT) and sent as records once the keys exist.
 */
enum sc_status sc_seal(struct sc_session *s, const void *data, size_t len);

/* Send a close record (after any queued data); nothing can follow it. */
enum sc_status sc_close(struct sc_session *s);

/*
 * The socket reached end of file.  SC_OK if the peer's close record came
 * first; otherwise the stream was cut: SC_ERR_TRUNCATED.
 */
enum sc_status sc_eof(struct sc_session *s);

bool sc_handshake_done(const struct sc_session *s);
bool sc_peer_closed(const struct sc_session *s);
enum sc_status sc_session_status(const struct sc_session *s);
/* The message of the session's error ("" while all is well): the fixed
 * text, with the detail that belongs to it (path, errno, peer's reason). */
const char *sc_session_error(const struct sc_session *s);

struct sc_stats {
	uint64_t records_sent;
	uint64_t records_received;
	uint64_t rekeys_sent;		/* key changes in our direction */
	uint64_t rekeys_received;	/* ... and in the peer's */
};
void sc_session_stats(const struct sc_session *s, struct sc_stats *st);

#endif /* SECURE_H */
