/* SPDX-License-Identifier: MIT */
/*
 * Known-answer vectors from the published standards, shared by every
 * program that checks a cryptodev implementation (the ioctl KAT, the host
 * engine's core KAT, the stress test's spot checks and the host-side
 * cross-check against OpenSSL).  Each vector names its source.
 */
#ifndef CRYPTODEV_TESTS_VECTORS_H
#define CRYPTODEV_TESTS_VECTORS_H

#include <stddef.h>
#include <stdint.h>

/*
 * A byte string as typed from a standard: hex digits (spaces allowed) or
 * plain text, the whole repeated `repeat` times (0 counts as once), so
 * that "0xaa repeated 131 times" or "one million 'a'" stay readable.
 */
struct vec_data {
	const char *hex;
	const char *text;
	size_t repeat;
};

struct cipher_vector {
	const char *name;
	uint32_t alg;			/* CRYPTO_AES_CBC, ... */
	struct vec_data key, iv, plain, cipher;
};

/*
 * A hash (key empty) or an HMAC.  A digest shorter than the algorithm's
 * output is a truncated one (RFC 2202/4231 test case 5): only its prefix
 * is compared.
 */
struct hash_vector {
	const char *name;
	uint32_t alg;			/* CRYPTO_SHA1, CRYPTO_SHA1_HMAC, ... */
	struct vec_data key, msg, digest;
};

struct aead_vector {
	const char *name;
	uint32_t alg;			/* CRYPTO_AES_GCM */
	struct vec_data key, iv, aad, plain, cipher, tag;
};

extern const struct cipher_vector cipher_vectors[];
extern const size_t cipher_vector_count;
extern const struct hash_vector hash_vectors[];
extern const size_t hash_vector_count;
extern const struct aead_vector aead_vectors[];
extern const size_t aead_vector_count;

/* Largest decoded vector field: the one-million-'a' message. */
#define VEC_MAX_LEN	1000000

/*
 * Decode into a fresh malloc'd buffer (never NULL, even for an empty
 * string); *len gets the length.  A malformed vector aborts the program:
 * it is a bug in this file, not a test result.
 */
uint8_t *vec_decode(const struct vec_data *d, size_t *len);

/* Output size of a hash or HMAC algorithm id, 0 if it is not one. */
size_t vec_digest_len(uint32_t alg);
/* True for the HMAC ids (they take a key). */
int vec_alg_is_hmac(uint32_t alg);
/* A short human name for an algorithm id ("cbc(aes)", "hmac(sha256)"). */
const char *vec_alg_name(uint32_t alg);

#endif
