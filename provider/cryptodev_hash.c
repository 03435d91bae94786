// SPDX-License-Identifier: MIT
/*
 * SHA-1, SHA-224, SHA-256, SHA-384, SHA-512 digests and HMAC over them
 * (EVP_MAC "HMAC"), each context on its own /dev/crypto session.
 *
 * A device session's hash state cannot be read out, yet OpenSSL copies
 * digest contexts (EVP_MD_CTX_copy: the TLS handshake transcript) and MAC
 * contexts (EVP_MAC_CTX_dup: the TLS PRF and HKDF).  So a context keeps
 * its input in memory while it is small (CDEV_HASH_KEEP bytes): final then
 * hashes it in one request (COP_FLAG none: reset and finish) and a copy
 * is a new session with the same kept bytes.  Past that the input streams
 * to the device (COP_FLAG_UPDATE, the first with COP_FLAG_RESET; final is
 * COP_FLAG_FINAL), and such a context can no longer be copied: dup fails
 * with CDEV_R_CANNOT_DUPLICATE.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/params.h>

#include "cryptodev_prov.h"

struct cdev_hash_info {
	const char *names;	/* ':'-separated, first is canonical */
	uint32_t hash, hmac;	/* session ids */
	size_t size, block;
};

static const struct cdev_hash_info cdev_hashes[] = {
	{ "SHA1:SHA-1:SSL3-SHA1:1.3.14.3.2.26", CRYPTO_SHA1, CRYPTO_SHA1_HMAC,
	  20, 64 },
	{ "SHA2-224:SHA-224:SHA224:2.16.840.1.101.3.4.2.4", CRYPTO_SHA2_224,
	  CRYPTO_SHA2_224_HMAC, 28, 64 },
	{ "SHA2-256:SHA-256:SHA256:2.16.840.1.101.3.4.2.1", CRYPTO_SHA2_256,
	  CRYPTO_SHA2_256_HMAC, 32, 64 },
	{ "SHA2-384:SHA-384:SHA384:2.16.840.1.101.3.4.2.2", CRYPTO_SHA2_384,
	  CRYPTO_SHA2_384_HMAC, 48, 128 },
	{ "SHA2-512:SHA-512:SHA512:2.16.840.1.101.3.4.2.3", CRYPTO_SHA2_512,
	  CRYPTO_SHA2_512_HMAC, 64, 128 },
};

#define CDEV_NHASHES (sizeof(cdev_hashes) / sizeof(cdev_hashes[0]))

/* The hash one of whose names is `name` (any case). */
static const struct cdev_hash_info *cdev_hash_by_name(const char *name)
{
	for (size_t i = 0; i < CDEV_NHASHES; i++) {
		const char *s = cdev_hashes[i].names, *e;

		for (;; s = e + 1) {
			e = strchr(s, ':');
			if (e == NULL)
				e = s + strlen(s);
			if ((size_t)(e - s) == strlen(name) &&
			    strncasecmp(s, name, (size_t)(e - s)) == 0)
				return &cdev_hashes[i];
			if (*e == '\0')
				break;
		}
	}
	return NULL;
}

typedef struct {
	CDEV_PROV *prov;
	const struct cdev_hash_info *info;
	int is_mac;
	CDEV_SESSION sess;
	unsigned char *keep;		/* input kept while small */
	size_t kept, cap;
	int streaming;			/* input went to the device */
	unsigned char *mackey;		/* HMAC: the key, for dup and reinit */
	size_t mackeylen;
	int key_set;
} CDEV_HASH_CTX;

static CDEV_HASH_CTX *cdev_hash_new(void *provctx,
				    const struct cdev_hash_info *info,
				    int is_mac)
{
	CDEV_HASH_CTX *h = OPENSSL_zalloc(sizeof(*h));

	if (h == NULL) {
		CDEV_ERR(CDEV_PROV_OF(provctx), CDEV_R_NO_MEMORY, NULL);
		return NULL;
	}
	h->prov = CDEV_PROV_OF(provctx);
	h->info = info;
	h->is_mac = is_mac;
	h->sess.fd = -1;
	return h;
}

static void cdev_hash_free(void *vctx)
{
	CDEV_HASH_CTX *h = vctx;

	if (h == NULL)
		return;
	cdev_session_close(h->prov, &h->sess);
	OPENSSL_clear_free(h->keep, h->cap);
	OPENSSL_clear_free(h->mackey, h->mackeylen);
	OPENSSL_free(h);
}

static int cdev_hash_open(CDEV_HASH_CTX *h)
{
	if (h->is_mac)
		return cdev_session_open(h->prov, &h->sess, 0, NULL, 0,
					 h->info->hmac,
					 h->mackey != NULL ? h->mackey :
					 (const unsigned char *)"",
					 h->mackeylen);
	return cdev_session_open(h->prov, &h->sess, 0, NULL, 0, h->info->hash,
				 NULL, 0);
}

static void *cdev_hash_dup(void *vctx)
{
	CDEV_HASH_CTX *h = vctx, *d;

	if (h->streaming) {
		CDEV_ERR(h->prov, CDEV_R_CANNOT_DUPLICATE,
			 "over %d bytes hashed", CDEV_HASH_KEEP);
		return NULL;
	}
	d = OPENSSL_zalloc(sizeof(*d));
	if (d == NULL)
		goto nomem;
	*d = *h;
	d->sess.fd = -1;
	d->keep = NULL;
	d->cap = d->kept = 0;
	d->mackey = NULL;
	if (h->mackey != NULL) {
		d->mackey = OPENSSL_memdup(h->mackey, h->mackeylen);
		if (d->mackey == NULL)
			goto nomem;
	}
	if (h->kept > 0) {
		d->keep = OPENSSL_malloc(h->cap);
		if (d->keep == NULL)
			goto nomem;
		d->cap = h->cap;
		memcpy(d->keep, h->keep, h->kept);
		d->kept = h->kept;
	}
	if (h->sess.fd >= 0 && !cdev_hash_open(d))
		goto fail;
	return d;
nomem:
	CDEV_ERR(h->prov, CDEV_R_NO_MEMORY, NULL);
fail:
	cdev_hash_free(d);
	return NULL;
}

/* A new computation on the context's session (opened when missing). */
static int cdev_hash_restart(CDEV_HASH_CTX *h)
{
	if (h->kept > 0)
		OPENSSL_cleanse(h->keep, h->kept);
	h->kept = 0;
	h->streaming = 0;	/* an unfinished one: the next RESET drops it */
	if (h->sess.fd < 0)
		return cdev_hash_open(h);
	return 1;
}

static int cdev_hash_device_error(CDEV_HASH_CTX *h, int err)
{
	CDEV_ERR(h->prov, CDEV_R_DEVICE_FAILED, "CIOCCRYPT (hash): %s",
		 strerror(err));
	return 0;
}

static int cdev_hash_stream(CDEV_HASH_CTX *h, const unsigned char *d,
			    size_t n)
{
	int flags = COP_FLAG_UPDATE, err;

	if (n == 0)
		return 1;
	if (!h->streaming)
		flags |= COP_FLAG_RESET;
	/* requests no larger than the device takes; RESET on the first */
	err = cdev_crypt_split(h->prov, &h->sess, COP_ENCRYPT, flags, d, NULL,
			       n, NULL, NULL, CDEV_CHAIN_NONE);
	if (err != 0)
		return cdev_hash_device_error(h, err);
	h->streaming = 1;
	return 1;
}

static int cdev_hash_update(void *vctx, const unsigned char *in, size_t inl)
{
	CDEV_HASH_CTX *h = vctx;
	unsigned char *np;
	size_t cap;

	if (h->sess.fd < 0) {
		CDEV_ERR(h->prov, CDEV_R_NO_KEY, "not initialised");
		return 0;
	}
	if (inl == 0)
		return 1;
	if (!h->streaming && h->kept + inl <= CDEV_HASH_KEEP) {
		if (h->kept + inl > h->cap) {
			cap = h->cap ? h->cap : 512;
			while (cap < h->kept + inl)
				cap *= 2;
			np = OPENSSL_clear_realloc(h->keep, h->cap, cap);
			if (np == NULL) {
				CDEV_ERR(h->prov, CDEV_R_NO_MEMORY, NULL);
				return 0;
			}
			h->keep = np;
			h->cap = cap;
		}
		memcpy(h->keep + h->kept, in, inl);
		h->kept += inl;
		return 1;
	}
	if (h->kept > 0) {
		if (!cdev_hash_stream(h, h->keep, h->kept))
			return 0;
		OPENSSL_cleanse(h->keep, h->kept);
		h->kept = 0;
	}
	return cdev_hash_stream(h, in, inl);
}

static int cdev_hash_final(void *vctx, unsigned char *out, size_t *outl,
			   size_t outsz)
{
	CDEV_HASH_CTX *h = vctx;
	unsigned char md[HASH_MAX_LEN];
	int err;

	if (h->sess.fd < 0) {
		CDEV_ERR(h->prov, CDEV_R_NO_KEY, "not initialised");
		return 0;
	}
	if (outsz < h->info->size) {
		CDEV_ERR(h->prov, CDEV_R_OUTPUT_TOO_SMALL, NULL);
		return 0;
	}
	if (h->streaming)
		err = cdev_crypt(h->prov, &h->sess, COP_ENCRYPT, COP_FLAG_FINAL,
				 NULL, NULL, 0, NULL, md);
	else	/* no flag: reset, hash, finish */
		err = cdev_crypt(h->prov, &h->sess, COP_ENCRYPT, 0, h->keep,
				 NULL, h->kept, NULL, md);
	if (h->kept > 0)
		OPENSSL_cleanse(h->keep, h->kept);
	h->kept = 0;
	h->streaming = 0;
	if (err != 0)
		return cdev_hash_device_error(h, err);
	memcpy(out, md, h->info->size);
	OPENSSL_cleanse(md, sizeof(md));
	*outl = h->info->size;
	return 1;
}

/* ---- digests ---- */

static int cdev_digest_init(void *vctx, const OSSL_PARAM params[])
{
	(void)params;
	return cdev_hash_restart(vctx);
}

static int cdev_digest_params(OSSL_PARAM params[],
			      const struct cdev_hash_info *info)
{
	OSSL_PARAM *q;

	if ((q = OSSL_PARAM_locate(params, OSSL_DIGEST_PARAM_BLOCK_SIZE)) != NULL &&
	    !OSSL_PARAM_set_size_t(q, info->block))
		return 0;
	if ((q = OSSL_PARAM_locate(params, OSSL_DIGEST_PARAM_SIZE)) != NULL &&
	    !OSSL_PARAM_set_size_t(q, info->size))
		return 0;
	if ((q = OSSL_PARAM_locate(params, OSSL_DIGEST_PARAM_XOF)) != NULL &&
	    !OSSL_PARAM_set_int(q, 0))
		return 0;
	if ((q = OSSL_PARAM_locate(params, OSSL_DIGEST_PARAM_ALGID_ABSENT)) != NULL &&
	    !OSSL_PARAM_set_int(q, 0))
		return 0;
	return 1;
}

static const OSSL_PARAM cdev_digest_known[] = {
	OSSL_PARAM_size_t(OSSL_DIGEST_PARAM_BLOCK_SIZE, NULL),
	OSSL_PARAM_size_t(OSSL_DIGEST_PARAM_SIZE, NULL),
	OSSL_PARAM_int(OSSL_DIGEST_PARAM_XOF, NULL),
	OSSL_PARAM_int(OSSL_DIGEST_PARAM_ALGID_ABSENT, NULL),
	OSSL_PARAM_END
};

static const OSSL_PARAM *cdev_digest_gettable(void *provctx)
{
	(void)provctx;
	return cdev_digest_known;
}

#define CDEV_DIGEST(name, idx)						\
static void *cdev_new_##name(void *provctx)				\
{									\
	return cdev_hash_new(provctx, &cdev_hashes[idx], 0);		\
}									\
static int cdev_params_##name(OSSL_PARAM params[])			\
{									\
	return cdev_digest_params(params, &cdev_hashes[idx]);		\
}									\
static const OSSL_DISPATCH cdev_fns_##name[] = {			\
	{ OSSL_FUNC_DIGEST_NEWCTX, (void (*)(void))cdev_new_##name },	\
	{ OSSL_FUNC_DIGEST_INIT, (void (*)(void))cdev_digest_init },	\
	{ OSSL_FUNC_DIGEST_UPDATE, (void (*)(void))cdev_hash_update },	\
	{ OSSL_FUNC_DIGEST_FINAL, (void (*)(void))cdev_hash_final },	\
	{ OSSL_FUNC_DIGEST_FREECTX, (void (*)(void))cdev_hash_free },	\
	{ OSSL_FUNC_DIGEST_DUPCTX, (void (*)(void))cdev_hash_dup },	\
	{ OSSL_FUNC_DIGEST_GET_PARAMS, (void (*)(void))cdev_params_##name }, \
	{ OSSL_FUNC_DIGEST_GETTABLE_PARAMS,				\
	  (void (*)(void))cdev_digest_gettable },			\
	{ 0, NULL }							\
};

CDEV_DIGEST(sha1, 0)
CDEV_DIGEST(sha224, 1)
CDEV_DIGEST(sha256, 2)
CDEV_DIGEST(sha384, 3)
CDEV_DIGEST(sha512, 4)

#define CDEV_PROPS "provider=cryptodev"

const struct cdev_alg cdev_digest_algs[] = {
	{ { "SHA1:SHA-1:SSL3-SHA1:1.3.14.3.2.26", CDEV_PROPS, cdev_fns_sha1,
	    "SHA-1 on /dev/crypto" }, 0, CRYPTO_SHA1, 0 },
	{ { "SHA2-224:SHA-224:SHA224:2.16.840.1.101.3.4.2.4", CDEV_PROPS,
	    cdev_fns_sha224, "SHA-224 on /dev/crypto" }, 0, CRYPTO_SHA2_224, 0 },
	{ { "SHA2-256:SHA-256:SHA256:2.16.840.1.101.3.4.2.1", CDEV_PROPS,
	    cdev_fns_sha256, "SHA-256 on /dev/crypto" }, 0, CRYPTO_SHA2_256, 0 },
	{ { "SHA2-384:SHA-384:SHA384:2.16.840.1.101.3.4.2.2", CDEV_PROPS,
	    cdev_fns_sha384, "SHA-384 on /dev/crypto" }, 0, CRYPTO_SHA2_384, 0 },
	{ { "SHA2-512:SHA-512:SHA512:2.16.840.1.101.3.4.2.3", CDEV_PROPS,
	    cdev_fns_sha512, "SHA-512 on /dev/crypto" }, 0, CRYPTO_SHA2_512, 0 },
	{ { NULL, NULL, NULL, NULL }, 0, 0, 0 }
};

/* ---- HMAC ---- */

static void *cdev_hmac_new(void *provctx)
{
	/* SHA-256 until the "digest" parameter says otherwise */
	return cdev_hash_new(provctx, &cdev_hashes[2], 1);
}

/* HMAC keys longer than the device takes (and so longer than any block)
 * are first hashed, as HMAC itself would (RFC 2104). */
static int cdev_hmac_set_key(CDEV_HASH_CTX *h, const unsigned char *key,
			     size_t keylen)
{
	unsigned char md[HASH_MAX_LEN];
	CDEV_SESSION s;
	int err;

	OPENSSL_clear_free(h->mackey, h->mackeylen);
	h->mackey = NULL;
	h->mackeylen = 0;
	h->key_set = 0;
	if (keylen > CRYPTO_HMAC_MAX_KEY_LEN) {
		if (!cdev_session_open(h->prov, &s, 0, NULL, 0, h->info->hash,
				       NULL, 0))
			return 0;
		err = cdev_crypt_split(h->prov, &s, COP_ENCRYPT,
				       COP_FLAG_UPDATE | COP_FLAG_RESET, key,
				       NULL, keylen, NULL, NULL,
				       CDEV_CHAIN_NONE);
		if (err == 0)
			err = cdev_crypt(h->prov, &s, COP_ENCRYPT,
					 COP_FLAG_FINAL, NULL, NULL, 0, NULL,
					 md);
		cdev_session_close(h->prov, &s);
		if (err != 0)
			return cdev_hash_device_error(h, err);
		key = md;
		keylen = h->info->size;
	}
	h->mackey = OPENSSL_malloc(keylen ? keylen : 1);
	if (h->mackey == NULL) {
		CDEV_ERR(h->prov, CDEV_R_NO_MEMORY, NULL);
		return 0;
	}
	memcpy(h->mackey, key, keylen);
	h->mackeylen = keylen;
	h->key_set = 1;
	OPENSSL_cleanse(md, sizeof(md));
	/* a new key is a new session */
	cdev_session_close(h->prov, &h->sess);
	h->streaming = 0;
	return 1;
}

static int cdev_hmac_set_ctx_params(void *vctx, const OSSL_PARAM params[])
{
	CDEV_HASH_CTX *h = vctx;
	const struct cdev_hash_info *info;
	const OSSL_PARAM *q;
	const char *name;

	if (params == NULL)
		return 1;
	if ((q = OSSL_PARAM_locate_const(params, OSSL_MAC_PARAM_DIGEST)) != NULL) {
		if (!OSSL_PARAM_get_utf8_string_ptr(q, &name)) {
			CDEV_ERR(h->prov, CDEV_R_BAD_PARAMETER, "digest");
			return 0;
		}
		info = cdev_hash_by_name(name);
		if (info == NULL) {
			CDEV_ERR(h->prov, CDEV_R_UNSUPPORTED_DIGEST, "%s", name);
			return 0;
		}
		if (info != h->info) {
			h->info = info;
			cdev_session_close(h->prov, &h->sess);
			h->streaming = 0;
		}
	}
	if ((q = OSSL_PARAM_locate_const(params, OSSL_MAC_PARAM_KEY)) != NULL) {
		if (q->data_type != OSSL_PARAM_OCTET_STRING) {
			CDEV_ERR(h->prov, CDEV_R_BAD_PARAMETER, "key");
			return 0;
		}
		if (!cdev_hmac_set_key(h, q->data, q->data_size))
			return 0;
	}
	return 1;
}

static int cdev_hmac_init(void *vctx, const unsigned char *key, size_t keylen,
			  const OSSL_PARAM params[])
{
	CDEV_HASH_CTX *h = vctx;

	if (!cdev_hmac_set_ctx_params(h, params))
		return 0;
	if (key != NULL && !cdev_hmac_set_key(h, key, keylen))
		return 0;
	if (!h->key_set) {
		CDEV_ERR(h->prov, CDEV_R_NO_KEY, NULL);
		return 0;
	}
	return cdev_hash_restart(h);
}

static int cdev_hmac_final(void *vctx, unsigned char *out, size_t *outl,
			   size_t outsize)
{
	return cdev_hash_final(vctx, out, outl, outsize);
}

static int cdev_hmac_get_ctx_params(void *vctx, OSSL_PARAM params[])
{
	CDEV_HASH_CTX *h = vctx;
	OSSL_PARAM *q;

	if ((q = OSSL_PARAM_locate(params, OSSL_MAC_PARAM_SIZE)) != NULL &&
	    !OSSL_PARAM_set_size_t(q, h->info->size))
		return 0;
	if ((q = OSSL_PARAM_locate(params, OSSL_MAC_PARAM_BLOCK_SIZE)) != NULL &&
	    !OSSL_PARAM_set_size_t(q, h->info->block))
		return 0;
	return 1;
}

static const OSSL_PARAM cdev_hmac_gettable[] = {
	OSSL_PARAM_size_t(OSSL_MAC_PARAM_SIZE, NULL),
	OSSL_PARAM_size_t(OSSL_MAC_PARAM_BLOCK_SIZE, NULL),
	OSSL_PARAM_END
};

static const OSSL_PARAM cdev_hmac_settable[] = {
	OSSL_PARAM_utf8_string(OSSL_MAC_PARAM_DIGEST, NULL, 0),
	OSSL_PARAM_utf8_string(OSSL_MAC_PARAM_PROPERTIES, NULL, 0),
	OSSL_PARAM_octet_string(OSSL_MAC_PARAM_KEY, NULL, 0),
	OSSL_PARAM_END
};

static const OSSL_PARAM *cdev_hmac_gettable_ctx(void *vctx, void *provctx)
{
	(void)vctx;
	(void)provctx;
	return cdev_hmac_gettable;
}

static const OSSL_PARAM *cdev_hmac_settable_ctx(void *vctx, void *provctx)
{
	(void)vctx;
	(void)provctx;
	return cdev_hmac_settable;
}

static const OSSL_DISPATCH cdev_fns_hmac[] = {
	{ OSSL_FUNC_MAC_NEWCTX, (void (*)(void))cdev_hmac_new },
	{ OSSL_FUNC_MAC_DUPCTX, (void (*)(void))cdev_hash_dup },
	{ OSSL_FUNC_MAC_FREECTX, (void (*)(void))cdev_hash_free },
	{ OSSL_FUNC_MAC_INIT, (void (*)(void))cdev_hmac_init },
	{ OSSL_FUNC_MAC_UPDATE, (void (*)(void))cdev_hash_update },
	{ OSSL_FUNC_MAC_FINAL, (void (*)(void))cdev_hmac_final },
	{ OSSL_FUNC_MAC_GET_CTX_PARAMS, (void (*)(void))cdev_hmac_get_ctx_params },
	{ OSSL_FUNC_MAC_SET_CTX_PARAMS, (void (*)(void))cdev_hmac_set_ctx_params },
	{ OSSL_FUNC_MAC_GETTABLE_CTX_PARAMS,
	  (void (*)(void))cdev_hmac_gettable_ctx },
	{ OSSL_FUNC_MAC_SETTABLE_CTX_PARAMS,
	  (void (*)(void))cdev_hmac_settable_ctx },
	{ 0, NULL }
};

const struct cdev_alg cdev_mac_algs[] = {
	{ { "HMAC", CDEV_PROPS, cdev_fns_hmac, "HMAC on /dev/crypto" },
	  0, CRYPTO_SHA2_256_HMAC, 16 },
	{ { NULL, NULL, NULL, NULL }, 0, 0, 0 }
};
