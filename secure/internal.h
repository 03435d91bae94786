/*
 * libsecure internals shared by its source files, its tests and its
 * tools.  Not part of the API that the chat programs use.
 */
#ifndef SECURE_INTERNAL_H
#define SECURE_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "secure.h"

/* ---- Wire constants (docs/secure-protocol.md) ------------------------ */

#define SC_MAGIC		"CCSP"
#define SC_MAGIC_LEN		4
#define SC_VERSION		1
#define SC_SUITE		1	/* X25519, HKDF-SHA256, AES-256-CBC, HMAC-SHA256 */

#define SC_FRAME_HDR_LEN	3	/* type, 16-bit big-endian body length */

enum sc_frame_type {
	SC_FT_CLIENT_HELLO = 0x01,
	SC_FT_SERVER_HELLO = 0x02,
	SC_FT_SERVER_FINISHED = 0x03,
	SC_FT_CLIENT_FINISHED = 0x04,
	SC_FT_ALERT = 0x05,		/* plaintext, handshake time only */
	SC_FT_DATA = 0x10,		/* encrypted records from here */
	SC_FT_CLOSE = 0x11,
	SC_FT_ENC_ALERT = 0x12,
};

#define SC_RANDOM_LEN		32
#define SC_PUB_LEN		32
#define SC_HASH_LEN		32
#define SC_MAC_LEN		32
#define SC_IV_LEN		16
#define SC_BLOCK_LEN		16

#define SC_CLIENT_HELLO_LEN	(SC_MAGIC_LEN + 2 + SC_RANDOM_LEN + SC_PUB_LEN)
#define SC_SERVER_HELLO_LEN	(SC_MAGIC_LEN + 3 + SC_SALT_LEN + 8 + \
				 SC_RANDOM_LEN + SC_PUB_LEN)
#define SC_FINISHED_LEN		SC_MAC_LEN
#define SC_ALERT_LEN		1
/* Largest handshake body read before its type is judged (a later
 * version's longer hello must still be read to say "version"). */
#define SC_MAX_HANDSHAKE_BODY	512

/* Record body: IV, ciphertext (payload + 1..16 padding bytes), MAC. */
#define SC_RECORD_OVERHEAD	(SC_IV_LEN + SC_MAC_LEN)
#define SC_MIN_RECORD_BODY	(SC_RECORD_OVERHEAD + SC_BLOCK_LEN)
#define SC_MAX_RECORD_BODY	(SC_RECORD_OVERHEAD + SC_MAX_PLAINTEXT + \
				 SC_BLOCK_LEN)
#define SC_SEQ_LEN		8
/* How far around the expected sequence number a failed MAC is tried
 * again, only to tell replay and drop apart from tampering. */
#define SC_SEQ_DIAG_WINDOW	32

/* Alert codes carried in alert messages. */
enum sc_alert {
	SC_ALERT_AUTH = 1,
	SC_ALERT_PROTOCOL = 2,
	SC_ALERT_VERSION = 3,
	SC_ALERT_RECORD_MAC = 4,
	SC_ALERT_REPLAY = 5,
	SC_ALERT_SEQ_GAP = 6,
	SC_ALERT_TOO_BIG = 7,
	SC_ALERT_KEY_MODE = 8,
	SC_ALERT_INTERNAL = 9,
};

/* ---- Errors ---------------------------------------------------------- */

enum sc_status sc_fail(struct sc_error *err, enum sc_status status,
		       const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
enum sc_status sc_vfail(struct sc_error *err, enum sc_status status,
			const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
enum sc_alert sc_alert_for(enum sc_status status);
enum sc_status sc_status_for_alert(unsigned code);

/* ---- Byte buffers ---------------------------------------------------- */

/* A growable buffer read from the front: bytes live in [start, len). */
struct sc_buf {
	uint8_t *data;
	size_t start;
	size_t len;
	size_t cap;
};

bool sc_buf_append(struct sc_buf *b, const void *data, size_t n);
/* Room for n more bytes at the end; NULL when out of memory. */
uint8_t *sc_buf_reserve(struct sc_buf *b, size_t n);
static inline size_t sc_buf_used(const struct sc_buf *b)
{
	return b->len - b->start;
}
static inline const uint8_t *sc_buf_head(const struct sc_buf *b)
{
	return b->data + b->start;
}
void sc_buf_consume(struct sc_buf *b, size_t n);
size_t sc_buf_take(struct sc_buf *b, void *out, size_t cap);
/* Empty it, overwriting what it held. */
void sc_buf_wipe(struct sc_buf *b);
void sc_buf_free(struct sc_buf *b);

/* ---- Providers ------------------------------------------------------- */

/* A keyed context inside a provider (one cipher key or one MAC key). */
struct sc_keyed;

struct sc_provider_ops {
	const char *kind;
	enum sc_status (*cipher_new)(struct sc_provider *p,
				     const uint8_t key[SC_KEY_LEN],
				     struct sc_keyed **out, struct sc_error *err);
	/* AES-256-CBC without padding; len a multiple of SC_BLOCK_LEN;
	 * in and out may be the same buffer. */
	enum sc_status (*cbc)(struct sc_provider *p, struct sc_keyed *k,
			      bool encrypt, const uint8_t iv[SC_IV_LEN],
			      const uint8_t *in, uint8_t *out, size_t len,
			      struct sc_error *err);
	enum sc_status (*hmac_new)(struct sc_provider *p, const uint8_t *key,
				   size_t keylen, struct sc_keyed **out,
				   struct sc_error *err);
	enum sc_status (*hmac)(struct sc_provider *p, struct sc_keyed *k,
			       const uint8_t *data, size_t len,
			       uint8_t mac[SC_MAC_LEN], struct sc_error *err);
	void (*keyed_free)(struct sc_provider *p, struct sc_keyed *k);
	void (*close)(struct sc_provider *p);
};

struct sc_provider {
	const struct sc_provider_ops *ops;
	char name[SC_ERRMSG_MAX];
};

enum sc_status sc_soft_open(struct sc_provider **out, struct sc_error *err);
/* *errnum gets the errno behind a failure (0 if there was none). */
enum sc_status sc_devcrypto_open(const char *path, struct sc_provider **out,
				 struct sc_error *err, int *errnum);

/* Known-answer tests (FIPS-197/SP 800-38A AES-256-CBC, RFC 4231
 * HMAC-SHA256): a provider that computes anything else is refused. */
enum sc_status sc_provider_selftest(struct sc_provider *p,
				    struct sc_error *err);

/* One-shot HMAC through a provider with a temporary key. */
enum sc_status sc_provider_hmac_once(struct sc_provider *p, const uint8_t *key,
				     size_t keylen, const uint8_t *data,
				     size_t len, uint8_t mac[SC_MAC_LEN],
				     struct sc_error *err);

/* ---- Key agreement and derivation (OpenSSL) -------------------------- */

enum sc_status sc_random(void *out, size_t n, struct sc_error *err);
enum sc_status sc_sha256(const uint8_t *data, size_t len,
			 uint8_t out[SC_HASH_LEN], struct sc_error *err);
enum sc_status sc_hkdf_extract(const uint8_t *salt, size_t saltlen,
			       const uint8_t *ikm, size_t ikmlen,
			       uint8_t prk[SC_HASH_LEN], struct sc_error *err);
/* HKDF-Expand with info = "cchat-secure v1 " || label || context. */
enum sc_status sc_hkdf_expand_label(const uint8_t prk[SC_HASH_LEN],
				    const char *label, const uint8_t *context,
				    size_t contextlen, uint8_t *out,
				    size_t outlen, struct sc_error *err);

/* An ephemeral X25519 key pair. */
struct sc_x25519;
enum sc_status sc_x25519_new(struct sc_x25519 **out, uint8_t pub[SC_PUB_LEN],
			     struct sc_error *err);
/* Rejects the all-zero result of a low-order peer key. */
enum sc_status sc_x25519_shared(struct sc_x25519 *kp,
				const uint8_t peer[SC_PUB_LEN],
				uint8_t shared[SC_KEY_LEN],
				struct sc_error *err);
void sc_x25519_free(struct sc_x25519 *kp);

void sc_wipe(void *p, size_t n);

/* ---- Records --------------------------------------------------------- */

/* The keys of one direction of one epoch, inside the provider. */
struct sc_dir_keys {
	struct sc_keyed *cipher;
	struct sc_keyed *mac;
};

enum sc_status sc_dir_keys_from_secret(struct sc_provider *p,
				       const uint8_t secret[SC_KEY_LEN],
				       struct sc_dir_keys *keys,
				       struct sc_error *err);
void sc_dir_keys_free(struct sc_provider *p, struct sc_dir_keys *keys);

/* The next epoch's traffic secret: keyed by the sequence number of the
 * first record that the new keys protect. */
enum sc_status sc_next_secret(uint8_t secret[SC_KEY_LEN], uint64_t next_seq,
			      struct sc_error *err);

/* Size on the wire of a record carrying n plaintext bytes. */
static inline size_t sc_record_wire_len(size_t n)
{
	return SC_FRAME_HDR_LEN + SC_IV_LEN +
	       (n / SC_BLOCK_LEN + 1) * SC_BLOCK_LEN + SC_MAC_LEN;
}

/*
 * Seal one record of type with the given IV.  work must hold
 * SC_SEQ_LEN + sc_record_wire_len(n) bytes; the record is written at
 * work + SC_SEQ_LEN (the room in front holds the implicit sequence
 * number while the MAC is computed).
 */
enum sc_status sc_record_seal(struct sc_provider *p,
			      const struct sc_dir_keys *keys, uint64_t seq,
			      uint8_t type, const uint8_t iv[SC_IV_LEN],
			      const uint8_t *payload, size_t n, uint8_t *work,
			      struct sc_error *err);

/* Whether a record header announces a body the protocol allows. */
enum sc_status sc_record_check_length(size_t body_len, struct sc_error *err);

/*
 * Verify and decrypt, in place, one whole record frame found at
 * work + SC_SEQ_LEN.  On success *payload points into work and *n is its
 * length.  A failed MAC is tried against nearby sequence numbers of the
 * same epoch (first one: epoch_first_seq) to tell replay and drop from
 * tampering.  Nothing of a record that fails is decrypted.
 */
enum sc_status sc_record_open(struct sc_provider *p,
			      const struct sc_dir_keys *keys, uint64_t seq,
			      uint64_t epoch_first_seq, uint8_t *work,
			      uint8_t **payload, size_t *n,
			      struct sc_error *err);

/*
 * A fixed record for comparing providers and implementations: traffic
 * secret 00 01 .. 1f, sequence number 5, IV a0 a1 .. af, type DATA,
 * payload "0123456789abcdef".  The bytes were worked out with the
 * openssl command line, not with this library (docs/secure-protocol.md
 * shows how).
 */
#define SC_VECTOR_PAYLOAD "0123456789abcdef"
#define SC_VECTOR_SEQ 5
#define SC_VECTOR_HEX \
	"100050a0a1a2a3a4a5a6a7a8a9aaabacadaeaf" \
	"456b2ad86bf9abab9539341cf30cee7dd10f52272aeadc191d14446efcd805c3" \
	"402caececa1e90670c2e9bca5c280cf59e1b6295218e8eddf85fa7c4dbc9e156"

static inline void sc_put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}
static inline uint16_t sc_get_be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}
static inline void sc_put_be32(uint8_t *p, uint32_t v)
{
	for (int i = 3; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}
static inline uint32_t sc_get_be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	       ((uint32_t)p[2] << 8) | p[3];
}
static inline void sc_put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

#endif /* SECURE_INTERNAL_H */
