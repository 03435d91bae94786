/* SPDX-License-Identifier: MIT */
/*
 * The cryptodev OpenSSL 3 provider: what its parts share.
 *
 * cryptodev_prov.c     entry point, parameters, algorithm tables, errors,
 *                      the device files and sessions (this header's API)
 * cryptodev_cipher.c   AES-CBC, AES-CTR, AES-ECB
 * cryptodev_gcm.c      AES-GCM (CIOCAUTHCRYPT), TLS 1.2 and 1.3 records
 * cryptodev_hash.c     SHA-1/224/256/384/512 digests and HMAC (EVP_MAC)
 *
 * docs/openssl-provider.md describes the design and its limits.
 */
#ifndef CRYPTODEV_PROV_H
#define CRYPTODEV_PROV_H

#include <stddef.h>
#include <stdint.h>
#include <pthread.h>

#include <openssl/core.h>
#include <openssl/core_dispatch.h>

#include <crypto/cryptodev.h>

#define CDEV_PROV_NAME		"cryptodev"
#define CDEV_PROV_VERSION	"0.1"
#define CDEV_DEFAULT_DEVICE	"/dev/crypto"
/* Device files opened when the first one's sessions run out (ENOSPC). */
#define CDEV_MAX_FILES		16
/* First guess of the largest request; halved on E2BIG, down to this floor. */
#define CDEV_REQ_START		(256 * 1024)
#define CDEV_REQ_FLOOR		4096
/* A digest or HMAC keeps its input in memory up to this many bytes, so it
 * can be duplicated and finished in one request; beyond it streams. */
#define CDEV_HASH_KEEP		(64 * 1024)
/* A streamed AES-GCM message (AAD plus data) is kept for the one-shot
 * CIOCAUTHCRYPT at the end; it may not exceed this. */
#define CDEV_GCM_MAX		(1024 * 1024 - 16)

/* Error reasons (the provider's own library; strings in cryptodev_prov.c). */
enum {
	CDEV_R_NO_DEVICE = 1,
	CDEV_R_SESSION_REFUSED,
	CDEV_R_DEVICE_FAILED,
	CDEV_R_BAD_KEY_LENGTH,
	CDEV_R_BAD_IV_LENGTH,
	CDEV_R_NO_KEY,
	CDEV_R_NO_IV,
	CDEV_R_WRONG_FINAL_BLOCK_LENGTH,
	CDEV_R_BAD_DECRYPT,
	CDEV_R_NOT_BLOCK_MULTIPLE,
	CDEV_R_MESSAGE_TOO_LONG,
	CDEV_R_BAD_TAG_LENGTH,
	CDEV_R_NO_TAG,
	CDEV_R_CANNOT_DUPLICATE,
	CDEV_R_UNSUPPORTED_DIGEST,
	CDEV_R_OUTPUT_TOO_SMALL,
	CDEV_R_BAD_PARAMETER,
	CDEV_R_NO_MEMORY,
	CDEV_R_IV_NOT_RENEWED,
	CDEV_R_AAD_AFTER_DATA,
	CDEV_R_LIMIT
};

/* What a session was made of: the algorithms and keys (for the cache of
 * idle sessions; wiped when freed). */
struct cdev_sess_id {
	uint32_t cipher, mac;
	size_t keylen, mackeylen;
	unsigned char key[CRYPTO_CIPHER_MAX_KEY_LEN];
	unsigned char mackey[CRYPTO_HMAC_MAX_KEY_LEN];
};

/* A session on one of the provider's device files. */
typedef struct {
	int fd;			/* -1: none (id then means nothing) */
	uint32_t ses;
	struct cdev_sess_id *id;
} CDEV_SESSION;

/* Idle sessions kept for reuse by a context with the same algorithm and
 * keys (OpenSSL makes and frees contexts at a high rate: a PBKDF2
 * iteration, a TLS transcript hash, one EVP_Digest each). */
#define CDEV_IDLE_MAX		32

/* One provider instance (one per library context that loads it). */
typedef struct cdev_prov {
	const OSSL_CORE_HANDLE *handle;
	OSSL_FUNC_core_new_error_fn *new_error;
	OSSL_FUNC_core_set_error_debug_fn *set_error_debug;
	OSSL_FUNC_core_vset_error_fn *vset_error;
	char device[256];
	int device_errno;		/* 0: the device opened */
	pthread_mutex_t lock;		/* files[] and nfiles */
	int files[CDEV_MAX_FILES];
	int nfiles;
	size_t max_req;			/* bytes per request, shrinks on E2BIG */
	/* statistics (atomics): what was done on the device */
	unsigned long sessions_opened, sessions_closed;
	unsigned long cipher_ops, aead_ops, hash_ops;
	unsigned long tls_records;	/* TLS 1.2 records sealed or opened */
	OSSL_ALGORITHM *ciphers, *digests, *macs;
	CDEV_SESSION idle[CDEV_IDLE_MAX];	/* under lock */
	unsigned long idle_stamp[CDEV_IDLE_MAX];
	int nidle;
	unsigned long stamp;
	unsigned long sessions_reused;
} CDEV_PROV;


void cdev_raise(const CDEV_PROV *p, const char *file, int line,
		const char *func, int reason, const char *fmt, ...);
#define CDEV_ERR(p, r, ...) \
	cdev_raise((p), __FILE__, __LINE__, __func__, (r), __VA_ARGS__)

/* Sessions: 1 on success, 0 with an error raised. */
int cdev_session_open(CDEV_PROV *p, CDEV_SESSION *s, uint32_t cipher,
		      const unsigned char *key, size_t keylen, uint32_t mac,
		      const unsigned char *mackey, size_t mackeylen);
/* Done with a session: it goes to the idle cache (the oldest idle one is
 * destroyed when the cache is full). */
void cdev_session_close(CDEV_PROV *p, CDEV_SESSION *s);
/* CIOCCRYPT: 0 on success, else the errno (no error raised). */
int cdev_crypt(CDEV_PROV *p, const CDEV_SESSION *s, int op, int flags,
	       const unsigned char *src, unsigned char *dst, size_t len,
	       unsigned char *iv, unsigned char *mac);
/* CIOCCRYPT over any length, split in requests the device takes (all but
 * the last a multiple of 16), the IV chained between them as the mode
 * does: CDEV_CHAIN_CBC (last ciphertext block), CDEV_CHAIN_CTR (counter
 * plus the blocks used) or CDEV_CHAIN_NONE.  0 or an errno. */
enum { CDEV_CHAIN_NONE, CDEV_CHAIN_CBC, CDEV_CHAIN_CTR };
int cdev_crypt_split(CDEV_PROV *p, const CDEV_SESSION *s, int op, int flags,
		     const unsigned char *src, unsigned char *dst, size_t len,
		     unsigned char *iv, unsigned char *mac, int chain);
/* A 128-bit big-endian counter plus blocks. */
void cdev_ctr_add(unsigned char ctr[16], uint64_t blocks);
/* CIOCAUTHCRYPT: 0, or the errno (EBADMSG: tag mismatch). */
int cdev_aead(CDEV_PROV *p, const CDEV_SESSION *s, int op,
	      const unsigned char *aad, size_t aadlen,
	      const unsigned char *src, size_t len, unsigned char *dst,
	      size_t taglen, unsigned char *iv, size_t ivlen);

void cdev_count(unsigned long *counter);

/* Algorithm tables of each part (all the part offers; the provider keeps
 * the entries whose probe session the device accepts). */
struct cdev_alg {
	OSSL_ALGORITHM alg;
	uint32_t cipher, mac;	/* the probe: session ids */
	size_t keylen;		/* probe key length */
};
extern const struct cdev_alg cdev_cipher_algs[];
extern const struct cdev_alg cdev_digest_algs[];
extern const struct cdev_alg cdev_mac_algs[];

/* The provider context that an algorithm's newctx receives. */
#define CDEV_PROV_OF(provctx) ((CDEV_PROV *)(provctx))

#endif /* CRYPTODEV_PROV_H */
