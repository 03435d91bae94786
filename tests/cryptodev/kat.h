/* SPDX-License-Identifier: MIT */
/*
 * Running the known-answer vectors through any implementation of the
 * cryptodev calls.  An engine is the four session/operation calls of the
 * cryptodev-linux ABI with the ABI's own structures; each returns 0 or a
 * negative errno, exactly what the matching ioctl would report.  The
 * ioctl KAT plugs in /dev/crypto, the host-core KAT plugs in the QEMU
 * host engine's forwarding core, and both run the same vectors.
 */
#ifndef CRYPTODEV_TESTS_KAT_H
#define CRYPTODEV_TESTS_KAT_H

#include <stdint.h>

#include <crypto/cryptodev.h>

struct kat_engine {
	const char *name;
	void *ctx;
	int (*new_session)(void *ctx, struct session_op *sop);
	int (*free_session)(void *ctx, uint32_t ses);
	int (*crypt)(void *ctx, struct crypt_op *cop);
	int (*auth_crypt)(void *ctx, struct crypt_auth_op *caop);
};

/* Message pieces for the chunked (UPDATE ... FINAL) hash runs. */
#define KAT_HASH_CHUNK_MAX	65521	/* prime: pieces end mid-block */

void kat_run_cipher_vectors(const struct kat_engine *e);
void kat_run_hash_vectors(const struct kat_engine *e);
void kat_run_aead_vectors(const struct kat_engine *e);
void kat_run_all_vectors(const struct kat_engine *e);

/* The /dev/crypto engine: ctx points to the open file's descriptor. */
extern const struct kat_engine kat_devcrypto_template;

#endif
