// SPDX-License-Identifier: MIT
/*
 * AES-128/256-GCM on /dev/crypto (CIOCAUTHCRYPT), 96-bit IVs.
 *
 * CIOCAUTHCRYPT seals or opens one whole message, while OpenSSL feeds a
 * GCM context in pieces (AAD, then data, then final) and expects each
 * update's output at once.  So the context keeps the message's AAD and
 * data (plaintext when encrypting, ciphertext when decrypting), at most
 * CDEV_GCM_MAX bytes, and:
 *  - the first data update runs CIOCAUTHCRYPT on the AAD so far and that
 *    data: its output is the answer, and its tag is the message's tag if
 *    nothing else comes (the TLS 1.3 record layer: one AAD, one data
 *    update, final).  When decrypting with the tag already set, a match
 *    is remembered; a mismatch may just mean more data is coming;
 *  - later data updates (and a first decryption without its tag) get
 *    their output from an AES-CTR session with the same key, counter
 *    IV || 2 plus the blocks before them (GCM's inc32 equals the
 *    128-bit increment for 96-bit IVs below 2^32 blocks);
 *  - final then seals (or opens) the whole kept message once more for
 *    the tag (or its check), unless the first update's answer covers it.
 * The TLS 1.2 record layer (OSSL_CIPHER_PARAM_AEAD_TLS1_AAD, _IV_FIXED,
 * EVP_Cipher on explicit nonce || data || tag) is one CIOCAUTHCRYPT per
 * record, in place.
 */
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "cryptodev_prov.h"

#define GCM_IV		12
#define GCM_TAG		16
#define TLS_AAD_LEN	EVP_AEAD_TLS1_AAD_LEN		/* 13 */
#define TLS_FIXED	EVP_GCM_TLS_FIXED_IV_LEN	/* 4 */
#define TLS_EXPLICIT	EVP_GCM_TLS_EXPLICIT_IV_LEN	/* 8 */

typedef struct {
	unsigned char *p;
	size_t len, cap;
} CDEV_BUF;

typedef struct {
	CDEV_PROV *prov;
	size_t keylen;
	CDEV_SESSION sess;		/* gcm(aes) */
	CDEV_SESSION ctr;		/* ctr(aes), opened when needed */
	unsigned char key[32];
	int key_set;
	int enc;
	unsigned char iv[GCM_IV];
	int iv_set;
	int finished;			/* final done, IV not renewed */
	unsigned char tag[GCM_TAG];
	size_t taglen;
	int tag_set;			/* given (decrypt) or computed */
	CDEV_BUF aad, data;
	size_t msglen;			/* data bytes of this message */
	int overflow;			/* over CDEV_GCM_MAX: no tag */
	int first_ok;			/* the first update's answer holds */
	size_t first_aad, first_data;	/* for this much */
	unsigned char tls_aad[TLS_AAD_LEN];
	int tls_aad_set;
	unsigned char tls_iv[GCM_IV];	/* fixed || invocation field */
	int tls_iv_set;
} CDEV_GCM_CTX;

static void cdev_buf_wipe(CDEV_BUF *b)
{
	if (b->p != NULL)
		OPENSSL_cleanse(b->p, b->len);
	b->len = 0;
}

static void cdev_buf_free(CDEV_BUF *b)
{
	OPENSSL_clear_free(b->p, b->cap);
	b->p = NULL;
	b->len = b->cap = 0;
}

static int cdev_buf_add(CDEV_BUF *b, const unsigned char *d, size_t n)
{
	unsigned char *np;
	size_t cap;

	if (b->len + n > b->cap) {
		cap = b->cap ? b->cap : 256;
		while (cap < b->len + n)
			cap *= 2;
		np = OPENSSL_clear_realloc(b->p, b->cap, cap);
		if (np == NULL)
			return 0;
		b->p = np;
		b->cap = cap;
	}
	if (n > 0)
		memcpy(b->p + b->len, d, n);
	b->len += n;
	return 1;
}

static int cdev_buf_copy(CDEV_BUF *to, const CDEV_BUF *from)
{
	to->p = NULL;
	to->len = to->cap = 0;
	return cdev_buf_add(to, from->p, from->len);
}

static void *cdev_gcm_new(void *provctx, size_t keylen)
{
	CDEV_GCM_CTX *g = OPENSSL_zalloc(sizeof(*g));

	if (g == NULL) {
		CDEV_ERR(CDEV_PROV_OF(provctx), CDEV_R_NO_MEMORY, NULL);
		return NULL;
	}
	g->prov = CDEV_PROV_OF(provctx);
	g->keylen = keylen;
	g->sess.fd = g->ctr.fd = -1;
	g->taglen = GCM_TAG;
	return g;
}

static void *cdev_gcm128_new(void *provctx)
{
	return cdev_gcm_new(provctx, 16);
}

static void *cdev_gcm256_new(void *provctx)
{
	return cdev_gcm_new(provctx, 32);
}

static void cdev_gcm_free(void *vctx)
{
	CDEV_GCM_CTX *g = vctx;

	if (g == NULL)
		return;
	cdev_session_close(g->prov, &g->sess);
	cdev_session_close(g->prov, &g->ctr);
	cdev_buf_free(&g->aad);
	cdev_buf_free(&g->data);
	OPENSSL_clear_free(g, sizeof(*g));
}

static void *cdev_gcm_dup(void *vctx)
{
	CDEV_GCM_CTX *g = vctx, *d;

	d = OPENSSL_malloc(sizeof(*d));
	if (d == NULL) {
		CDEV_ERR(g->prov, CDEV_R_NO_MEMORY, NULL);
		return NULL;
	}
	*d = *g;
	d->sess.fd = d->ctr.fd = -1;
	d->aad.p = d->data.p = NULL;
	if (!cdev_buf_copy(&d->aad, &g->aad) ||
	    !cdev_buf_copy(&d->data, &g->data)) {
		CDEV_ERR(g->prov, CDEV_R_NO_MEMORY, NULL);
		cdev_gcm_free(d);
		return NULL;
	}
	if (g->key_set &&
	    !cdev_session_open(g->prov, &d->sess, CRYPTO_AES_GCM, g->key,
			       g->keylen, 0, NULL, 0)) {
		cdev_gcm_free(d);
		return NULL;
	}
	return d;
}

static void cdev_gcm_reset_message(CDEV_GCM_CTX *g)
{
	cdev_buf_wipe(&g->aad);
	cdev_buf_wipe(&g->data);
	g->msglen = 0;
	g->overflow = 0;
	g->first_ok = 0;
	g->tag_set = 0;
	g->taglen = GCM_TAG;
	OPENSSL_cleanse(g->tag, sizeof(g->tag));
	g->tls_aad_set = 0;
}

static int cdev_gcm_set_ctx_params(void *vctx, const OSSL_PARAM params[]);

static int cdev_gcm_init(void *vctx, const unsigned char *key, size_t keylen,
			 const unsigned char *iv, size_t ivlen,
			 const OSSL_PARAM params[], int enc)
{
	CDEV_GCM_CTX *g = vctx;

	g->enc = enc;
	cdev_gcm_reset_message(g);
	if (key != NULL) {
		if (keylen != g->keylen) {
			CDEV_ERR(g->prov, CDEV_R_BAD_KEY_LENGTH,
				 "%zu bytes, expected %zu", keylen, g->keylen);
			return 0;
		}
		cdev_session_close(g->prov, &g->sess);
		cdev_session_close(g->prov, &g->ctr);
		OPENSSL_cleanse(g->key, sizeof(g->key));
		g->key_set = 0;
		if (!cdev_session_open(g->prov, &g->sess, CRYPTO_AES_GCM, key,
				       keylen, 0, NULL, 0))
			return 0;
		memcpy(g->key, key, keylen);
		g->key_set = 1;
	}
	if (iv != NULL) {
		if (ivlen != GCM_IV) {
			CDEV_ERR(g->prov, CDEV_R_BAD_IV_LENGTH,
				 "%zu bytes (the device takes 12)", ivlen);
			return 0;
		}
		memcpy(g->iv, iv, GCM_IV);
		g->iv_set = 1;
		g->finished = 0;
	} else if (!enc) {
		g->finished = 0;	/* decrypting again with the same IV */
	}
	return cdev_gcm_set_ctx_params(g, params);
}

static int cdev_gcm_einit(void *vctx, const unsigned char *key, size_t keylen,
			  const unsigned char *iv, size_t ivlen,
			  const OSSL_PARAM params[])
{
	return cdev_gcm_init(vctx, key, keylen, iv, ivlen, params, 1);
}

static int cdev_gcm_dinit(void *vctx, const unsigned char *key, size_t keylen,
			  const unsigned char *iv, size_t ivlen,
			  const OSSL_PARAM params[])
{
	return cdev_gcm_init(vctx, key, keylen, iv, ivlen, params, 0);
}

static int cdev_gcm_ready(CDEV_GCM_CTX *g)
{
	if (!g->key_set) {
		CDEV_ERR(g->prov, CDEV_R_NO_KEY, NULL);
		return 0;
	}
	if (!g->iv_set) {
		CDEV_ERR(g->prov, CDEV_R_NO_IV, NULL);
		return 0;
	}
	if (g->finished && g->enc) {
		CDEV_ERR(g->prov, CDEV_R_IV_NOT_RENEWED, NULL);
		return 0;
	}
	return 1;
}

static int cdev_gcm_device_error(CDEV_GCM_CTX *g, int err)
{
	if (err == E2BIG)
		CDEV_ERR(g->prov, CDEV_R_MESSAGE_TOO_LONG,
			 "the device refused %zu bytes of AAD and data",
			 g->aad.len + g->data.len);
	else
		CDEV_ERR(g->prov, CDEV_R_DEVICE_FAILED, "CIOCAUTHCRYPT: %s",
			 strerror(err));
	return 0;
}

/* Seal the kept message: the tag into g->tag, the ciphertext to ct. */
static int cdev_gcm_seal(CDEV_GCM_CTX *g, const unsigned char *pt, size_t n,
			 unsigned char *ct)
{
	unsigned char *tmp;
	int err;

	tmp = OPENSSL_malloc(n + GCM_TAG);
	if (tmp == NULL) {
		CDEV_ERR(g->prov, CDEV_R_NO_MEMORY, NULL);
		return 0;
	}
	err = cdev_aead(g->prov, &g->sess, COP_ENCRYPT, g->aad.p, g->aad.len,
			pt, n, tmp, GCM_TAG, g->iv, GCM_IV);
	if (err == 0) {
		if (ct != NULL)
			memcpy(ct, tmp, n);
		memcpy(g->tag, tmp + n, GCM_TAG);
	}
	OPENSSL_clear_free(tmp, n + GCM_TAG);
	return err == 0 ? 1 : cdev_gcm_device_error(g, err);
}

/* Open ct || tag: 1 and the plaintext in pt (if given), 0 on mismatch
 * (no error raised), -1 on a device error (raised). */
static int cdev_gcm_open(CDEV_GCM_CTX *g, const unsigned char *ct, size_t n,
			 unsigned char *pt)
{
	unsigned char *in, *out;
	int err;

	/* room for the tag in the output too: cryptodev-linux's zero-copy
	 * path maps dst for the whole input length */
	in = OPENSSL_malloc(n + g->taglen);
	out = OPENSSL_malloc(n + g->taglen);
	if (in == NULL || out == NULL) {
		OPENSSL_free(in);
		OPENSSL_free(out);
		CDEV_ERR(g->prov, CDEV_R_NO_MEMORY, NULL);
		return -1;
	}
	if (n > 0)
		memcpy(in, ct, n);
	memcpy(in + n, g->tag, g->taglen);
	err = cdev_aead(g->prov, &g->sess, COP_DECRYPT, g->aad.p, g->aad.len,
			in, n + g->taglen, out, g->taglen, g->iv, GCM_IV);
	if (err == 0 && pt != NULL)
		memcpy(pt, out, n);
	OPENSSL_clear_free(in, n + g->taglen);
	OPENSSL_clear_free(out, n + g->taglen);
	if (err == 0)
		return 1;
	if (err == EBADMSG)
		return 0;
	cdev_gcm_device_error(g, err);
	return -1;
}

/* out = in XOR GCM's keystream from message offset `off`, through
 * ctr(aes) at counter IV || 2 plus the blocks before off. */
static int cdev_gcm_ctr(CDEV_GCM_CTX *g, size_t off, const unsigned char *in,
			size_t n, unsigned char *out)
{
	unsigned char counter[16], *tmp;
	size_t skip = off % 16;
	int err;

	if (g->ctr.fd < 0 &&
	    !cdev_session_open(g->prov, &g->ctr, CRYPTO_AES_CTR, g->key,
			       g->keylen, 0, NULL, 0))
		return 0;
	memcpy(counter, g->iv, GCM_IV);
	counter[12] = counter[13] = counter[14] = 0;
	counter[15] = 2;
	cdev_ctr_add(counter, off / 16);
	tmp = OPENSSL_zalloc(skip + n);
	if (tmp == NULL) {
		CDEV_ERR(g->prov, CDEV_R_NO_MEMORY, NULL);
		return 0;
	}
	/* a block begun by the previous update: its first bytes are
	 * keystream spent already */
	memcpy(tmp + skip, in, n);
	err = cdev_crypt_split(g->prov, &g->ctr, COP_ENCRYPT, 0, tmp, tmp,
			       skip + n, counter, NULL, CDEV_CHAIN_CTR);
	if (err == 0)
		memcpy(out, tmp + skip, n);
	OPENSSL_clear_free(tmp, skip + n);
	if (err != 0) {
		CDEV_ERR(g->prov, CDEV_R_DEVICE_FAILED, "CIOCCRYPT: %s",
			 strerror(err));
		return 0;
	}
	return 1;
}

static int cdev_gcm_tls(CDEV_GCM_CTX *g, unsigned char *out, size_t *outl,
			const unsigned char *in, size_t len);

static int cdev_gcm_update(void *vctx, unsigned char *out, size_t *outl,
			   size_t outsize, const unsigned char *in, size_t inl)
{
	CDEV_GCM_CTX *g = vctx;
	size_t off;
	int r;

	*outl = 0;
	/* the TLS 1.2 record layer of provided ciphers updates once per
	 * record after OSSL_CIPHER_PARAM_AEAD_TLS1_AAD */
	if (g->tls_aad_set) {
		if (out == NULL || outsize < inl) {
			g->tls_aad_set = 0;
			CDEV_ERR(g->prov, CDEV_R_OUTPUT_TOO_SMALL, NULL);
			return 0;
		}
		return cdev_gcm_tls(g, out, outl, in, inl);
	}
	if (!cdev_gcm_ready(g))
		return 0;
	if (out == NULL) {		/* AAD */
		if (g->msglen > 0) {
			CDEV_ERR(g->prov, CDEV_R_AAD_AFTER_DATA, NULL);
			return 0;
		}
		if (g->aad.len + inl > CDEV_GCM_MAX) {
			CDEV_ERR(g->prov, CDEV_R_MESSAGE_TOO_LONG,
				 "AAD over %d bytes", (int)CDEV_GCM_MAX);
			return 0;
		}
		if (!cdev_buf_add(&g->aad, in, inl)) {
			CDEV_ERR(g->prov, CDEV_R_NO_MEMORY, NULL);
			return 0;
		}
		*outl = inl;
		return 1;
	}
	if (inl == 0)
		return 1;
	if (outsize < inl) {
		CDEV_ERR(g->prov, CDEV_R_OUTPUT_TOO_SMALL, NULL);
		return 0;
	}
	off = g->msglen;
	g->msglen += inl;
	if (!g->overflow && g->aad.len + g->msglen > CDEV_GCM_MAX) {
		/* the data still flows; only the tag will be refused */
		g->overflow = 1;
		cdev_buf_wipe(&g->data);
	}
	/* keep the input first: out may be in */
	if (!g->overflow && !cdev_buf_add(&g->data, in, inl)) {
		CDEV_ERR(g->prov, CDEV_R_NO_MEMORY, NULL);
		return 0;
	}
	g->first_ok = 0;
	if (off == 0 && g->enc && !g->overflow) {
		if (!cdev_gcm_seal(g, g->data.p, inl, out))
			return 0;
		g->first_ok = 1;
	} else if (off == 0 && g->tag_set && !g->overflow) {
		r = cdev_gcm_open(g, g->data.p, inl, out);
		if (r < 0)
			return 0;
		g->first_ok = r;
		if (!r && !cdev_gcm_ctr(g, 0, g->data.p, inl, out))
			return 0;
	} else {
		if (!cdev_gcm_ctr(g, off, g->overflow ? in : g->data.p + off,
				  inl, out))
			return 0;
	}
	g->first_aad = g->aad.len;
	g->first_data = g->msglen;
	*outl = inl;
	return 1;
}

static int cdev_gcm_final(void *vctx, unsigned char *out, size_t *outl,
			  size_t outsize)
{
	CDEV_GCM_CTX *g = vctx;
	int covered, r = 1;

	(void)out;
	(void)outsize;
	*outl = 0;
	if (!cdev_gcm_ready(g))
		return 0;
	if (g->overflow) {
		CDEV_ERR(g->prov, CDEV_R_MESSAGE_TOO_LONG,
			 "no tag: AAD and data over %d bytes (CIOCAUTHCRYPT "
			 "is one request)", (int)CDEV_GCM_MAX);
		return 0;
	}
	covered = g->first_ok && g->first_aad == g->aad.len &&
		  g->first_data == g->msglen;
	if (g->enc) {
		if (!covered && !cdev_gcm_seal(g, g->data.p, g->data.len, NULL))
			return 0;
		g->tag_set = 1;
		g->taglen = GCM_TAG;
	} else {
		if (!g->tag_set) {
			CDEV_ERR(g->prov, CDEV_R_NO_TAG, NULL);
			return 0;
		}
		if (!covered)
			r = cdev_gcm_open(g, g->data.p, g->data.len, NULL) > 0;
	}
	cdev_buf_wipe(&g->aad);
	cdev_buf_wipe(&g->data);
	g->msglen = 0;
	g->first_ok = 0;
	g->finished = 1;
	return r;
}

/* The TLS 1.2 record: explicit nonce || data || tag, in place. */
static int cdev_gcm_tls(CDEV_GCM_CTX *g, unsigned char *out, size_t *outl,
			const unsigned char *in, size_t len)
{
	unsigned char nonce[GCM_IV];
	size_t n;
	int err;

	g->tls_aad_set = 0;
	cdev_count(&g->prov->tls_records);
	if (!g->key_set || !g->tls_iv_set) {
		CDEV_ERR(g->prov, g->key_set ? CDEV_R_NO_IV : CDEV_R_NO_KEY,
			 NULL);
		return 0;
	}
	if (len < TLS_EXPLICIT + GCM_TAG) {
		CDEV_ERR(g->prov, CDEV_R_BAD_PARAMETER, "TLS record too short");
		return 0;
	}
	n = len - TLS_EXPLICIT - GCM_TAG;
	memcpy(nonce, g->tls_iv, TLS_FIXED);
	if (g->enc) {
		memcpy(nonce + TLS_FIXED, g->tls_iv + TLS_FIXED, TLS_EXPLICIT);
		memmove(out, nonce + TLS_FIXED, TLS_EXPLICIT);
		err = cdev_aead(g->prov, &g->sess, COP_ENCRYPT, g->tls_aad,
				TLS_AAD_LEN, in + TLS_EXPLICIT, n,
				out + TLS_EXPLICIT, GCM_TAG, nonce, GCM_IV);
		/* the next record's invocation field */
		for (int i = GCM_IV - 1; i >= TLS_FIXED; i--)
			if (++g->tls_iv[i] != 0)
				break;
		if (err != 0)
			return cdev_gcm_device_error(g, err);
		*outl = len;
		return 1;
	}
	memcpy(nonce + TLS_FIXED, in, TLS_EXPLICIT);
	err = cdev_aead(g->prov, &g->sess, COP_DECRYPT, g->tls_aad, TLS_AAD_LEN,
			in + TLS_EXPLICIT, n + GCM_TAG, out + TLS_EXPLICIT,
			GCM_TAG, nonce, GCM_IV);
	if (err == EBADMSG)
		return 0;
	if (err != 0)
		return cdev_gcm_device_error(g, err);
	*outl = n;
	return 1;
}

/* EVP_Cipher(): a TLS 1.2 record after OSSL_CIPHER_PARAM_AEAD_TLS1_AAD,
 * else the old convention: out NULL is AAD, in NULL is final. */
static int cdev_gcm_cipher(void *vctx, unsigned char *out, size_t *outl,
			   size_t outsize, const unsigned char *in, size_t inl)
{
	CDEV_GCM_CTX *g = vctx;

	if (g->tls_aad_set) {
		if (outsize < inl) {
			g->tls_aad_set = 0;
			CDEV_ERR(g->prov, CDEV_R_OUTPUT_TOO_SMALL, NULL);
			return 0;
		}
		return cdev_gcm_tls(g, out, outl, in, inl);
	}
	if (in == NULL)
		return cdev_gcm_final(g, out, outl, outsize);
	return cdev_gcm_update(g, out, outl, outsize, in, inl);
}

static const OSSL_PARAM cdev_gcm_known_params[] = {
	OSSL_PARAM_uint(OSSL_CIPHER_PARAM_MODE, NULL),
	OSSL_PARAM_size_t(OSSL_CIPHER_PARAM_KEYLEN, NULL),
	OSSL_PARAM_size_t(OSSL_CIPHER_PARAM_IVLEN, NULL),
	OSSL_PARAM_size_t(OSSL_CIPHER_PARAM_BLOCK_SIZE, NULL),
	OSSL_PARAM_int(OSSL_CIPHER_PARAM_AEAD, NULL),
	OSSL_PARAM_int(OSSL_CIPHER_PARAM_CUSTOM_IV, NULL),
	OSSL_PARAM_END
};

static const OSSL_PARAM *cdev_gcm_gettable_params(void *provctx)
{
	(void)provctx;
	return cdev_gcm_known_params;
}

static int cdev_gcm_params(OSSL_PARAM params[], size_t keylen)
{
	OSSL_PARAM *q;

	if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_MODE)) != NULL &&
	    !OSSL_PARAM_set_uint(q, EVP_CIPH_GCM_MODE))
		return 0;
	if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_KEYLEN)) != NULL &&
	    !OSSL_PARAM_set_size_t(q, keylen))
		return 0;
	if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_IVLEN)) != NULL &&
	    !OSSL_PARAM_set_size_t(q, GCM_IV))
		return 0;
	if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_BLOCK_SIZE)) != NULL &&
	    !OSSL_PARAM_set_size_t(q, 1))
		return 0;
	if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_AEAD)) != NULL &&
	    !OSSL_PARAM_set_int(q, 1))
		return 0;
	if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_CUSTOM_IV)) != NULL &&
	    !OSSL_PARAM_set_int(q, 1))
		return 0;
	return 1;
}

static int cdev_gcm128_params(OSSL_PARAM params[])
{
	return cdev_gcm_params(params, 16);
}

static int cdev_gcm256_params(OSSL_PARAM params[])
{
	return cdev_gcm_params(params, 32);
}

static int cdev_gcm_get_ctx_params(void *vctx, OSSL_PARAM params[])
{
	CDEV_GCM_CTX *g = vctx;
	OSSL_PARAM *q;

	if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_KEYLEN)) != NULL &&
	    !OSSL_PARAM_set_size_t(q, g->keylen))
		return 0;
	if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_IVLEN)) != NULL &&
	    !OSSL_PARAM_set_size_t(q, GCM_IV))
		return 0;
	if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_AEAD_TAGLEN)) != NULL &&
	    !OSSL_PARAM_set_size_t(q, g->taglen))
		return 0;
	if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_AEAD_TLS1_AAD_PAD)) != NULL &&
	    !OSSL_PARAM_set_size_t(q, GCM_TAG))
		return 0;
	if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_IV)) != NULL &&
	    !OSSL_PARAM_set_octet_string(q, g->iv, GCM_IV) &&
	    !OSSL_PARAM_set_octet_ptr(q, g->iv, GCM_IV))
		return 0;
	if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_UPDATED_IV)) != NULL &&
	    !OSSL_PARAM_set_octet_string(q, g->iv, GCM_IV) &&
	    !OSSL_PARAM_set_octet_ptr(q, g->iv, GCM_IV))
		return 0;
	if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_AEAD_TAG)) != NULL) {
		if (!g->enc || !g->tag_set || !g->finished) {
			CDEV_ERR(g->prov, CDEV_R_NO_TAG, NULL);
			return 0;
		}
		if (q->data_type != OSSL_PARAM_OCTET_STRING ||
		    q->data_size == 0 || q->data_size > GCM_TAG) {
			CDEV_ERR(g->prov, CDEV_R_BAD_TAG_LENGTH, NULL);
			return 0;
		}
		memcpy(q->data, g->tag, q->data_size);
		q->return_size = q->data_size;
	}
	return 1;
}

static int cdev_gcm_set_tls_aad(CDEV_GCM_CTX *g, const OSSL_PARAM *q)
{
	size_t len;

	if (q->data_type != OSSL_PARAM_OCTET_STRING ||
	    q->data_size != TLS_AAD_LEN) {
		CDEV_ERR(g->prov, CDEV_R_BAD_PARAMETER, "TLS1 AAD");
		return 0;
	}
	memcpy(g->tls_aad, q->data, TLS_AAD_LEN);
	/* the record length in the AAD is the payload's, without the
	 * explicit nonce (and, when opening, the tag) */
	len = (size_t)g->tls_aad[TLS_AAD_LEN - 2] << 8 |
	      g->tls_aad[TLS_AAD_LEN - 1];
	if (len < TLS_EXPLICIT + (g->enc ? 0 : GCM_TAG)) {
		CDEV_ERR(g->prov, CDEV_R_BAD_PARAMETER, "TLS record too short");
		return 0;
	}
	len -= TLS_EXPLICIT + (g->enc ? 0 : GCM_TAG);
	g->tls_aad[TLS_AAD_LEN - 2] = (unsigned char)(len >> 8);
	g->tls_aad[TLS_AAD_LEN - 1] = (unsigned char)len;
	g->tls_aad_set = 1;
	return 1;
}

static int cdev_gcm_set_fixed_iv(CDEV_GCM_CTX *g, const OSSL_PARAM *q)
{
	if (q->data_type != OSSL_PARAM_OCTET_STRING ||
	    (q->data_size != GCM_IV && q->data_size != TLS_FIXED)) {
		CDEV_ERR(g->prov, CDEV_R_BAD_IV_LENGTH, "TLS fixed IV");
		return 0;
	}
	memcpy(g->tls_iv, q->data, q->data_size);
	if (q->data_size == TLS_FIXED && g->enc &&
	    getrandom(g->tls_iv + TLS_FIXED, TLS_EXPLICIT, 0) != TLS_EXPLICIT) {
		CDEV_ERR(g->prov, CDEV_R_DEVICE_FAILED, "getrandom");
		return 0;
	}
	g->tls_iv_set = 1;
	return 1;
}

static int cdev_gcm_set_ctx_params(void *vctx, const OSSL_PARAM params[])
{
	CDEV_GCM_CTX *g = vctx;
	const OSSL_PARAM *q;
	size_t n;

	if (params == NULL)
		return 1;
	if ((q = OSSL_PARAM_locate_const(params, OSSL_CIPHER_PARAM_AEAD_IVLEN)) != NULL) {
		if (!OSSL_PARAM_get_size_t(q, &n) || n != GCM_IV) {
			CDEV_ERR(g->prov, CDEV_R_BAD_IV_LENGTH,
				 "the device takes 12-byte GCM IVs");
			return 0;
		}
	}
	if ((q = OSSL_PARAM_locate_const(params, OSSL_CIPHER_PARAM_KEYLEN)) != NULL) {
		if (!OSSL_PARAM_get_size_t(q, &n) || n != g->keylen) {
			CDEV_ERR(g->prov, CDEV_R_BAD_KEY_LENGTH, NULL);
			return 0;
		}
	}
	if ((q = OSSL_PARAM_locate_const(params, OSSL_CIPHER_PARAM_AEAD_TAG)) != NULL) {
		/* the device checks tags of 4, 8 and 12 to 16 bytes */
		if (q->data_type != OSSL_PARAM_OCTET_STRING ||
		    q->data_size > GCM_TAG ||
		    (q->data_size < 12 && q->data_size != 4 &&
		     q->data_size != 8)) {
			CDEV_ERR(g->prov, CDEV_R_BAD_TAG_LENGTH, "%zu bytes",
				 q->data_size);
			return 0;
		}
		if (q->data != NULL) {
			if (g->enc) {
				CDEV_ERR(g->prov, CDEV_R_BAD_PARAMETER,
					 "a tag is set only to decrypt");
				return 0;
			}
			memcpy(g->tag, q->data, q->data_size);
			g->tag_set = 1;
		}
		g->taglen = q->data_size;
	}
	if ((q = OSSL_PARAM_locate_const(params, OSSL_CIPHER_PARAM_AEAD_TLS1_AAD)) != NULL &&
	    !cdev_gcm_set_tls_aad(g, q))
		return 0;
	if ((q = OSSL_PARAM_locate_const(params, OSSL_CIPHER_PARAM_AEAD_TLS1_IV_FIXED)) != NULL &&
	    !cdev_gcm_set_fixed_iv(g, q))
		return 0;
	return 1;
}

static const OSSL_PARAM cdev_gcm_ctx_gettable[] = {
	OSSL_PARAM_size_t(OSSL_CIPHER_PARAM_KEYLEN, NULL),
	OSSL_PARAM_size_t(OSSL_CIPHER_PARAM_IVLEN, NULL),
	OSSL_PARAM_size_t(OSSL_CIPHER_PARAM_AEAD_TAGLEN, NULL),
	OSSL_PARAM_octet_string(OSSL_CIPHER_PARAM_IV, NULL, 0),
	OSSL_PARAM_octet_string(OSSL_CIPHER_PARAM_UPDATED_IV, NULL, 0),
	OSSL_PARAM_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, NULL, 0),
	OSSL_PARAM_size_t(OSSL_CIPHER_PARAM_AEAD_TLS1_AAD_PAD, NULL),
	OSSL_PARAM_END
};

static const OSSL_PARAM cdev_gcm_ctx_settable[] = {
	OSSL_PARAM_size_t(OSSL_CIPHER_PARAM_AEAD_IVLEN, NULL),
	OSSL_PARAM_size_t(OSSL_CIPHER_PARAM_KEYLEN, NULL),
	OSSL_PARAM_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, NULL, 0),
	OSSL_PARAM_octet_string(OSSL_CIPHER_PARAM_AEAD_TLS1_AAD, NULL, 0),
	OSSL_PARAM_octet_string(OSSL_CIPHER_PARAM_AEAD_TLS1_IV_FIXED, NULL, 0),
	OSSL_PARAM_END
};

static const OSSL_PARAM *cdev_gcm_gettable_ctx(void *vctx, void *provctx)
{
	(void)vctx;
	(void)provctx;
	return cdev_gcm_ctx_gettable;
}

static const OSSL_PARAM *cdev_gcm_settable_ctx(void *vctx, void *provctx)
{
	(void)vctx;
	(void)provctx;
	return cdev_gcm_ctx_settable;
}

#define CDEV_GCM_FNS(bits)						\
const OSSL_DISPATCH cdev_gcm##bits##_functions[] = {			\
	{ OSSL_FUNC_CIPHER_NEWCTX, (void (*)(void))cdev_gcm##bits##_new }, \
	{ OSSL_FUNC_CIPHER_FREECTX, (void (*)(void))cdev_gcm_free },	\
	{ OSSL_FUNC_CIPHER_DUPCTX, (void (*)(void))cdev_gcm_dup },	\
	{ OSSL_FUNC_CIPHER_ENCRYPT_INIT, (void (*)(void))cdev_gcm_einit }, \
	{ OSSL_FUNC_CIPHER_DECRYPT_INIT, (void (*)(void))cdev_gcm_dinit }, \
	{ OSSL_FUNC_CIPHER_UPDATE, (void (*)(void))cdev_gcm_update },	\
	{ OSSL_FUNC_CIPHER_FINAL, (void (*)(void))cdev_gcm_final },	\
	{ OSSL_FUNC_CIPHER_CIPHER, (void (*)(void))cdev_gcm_cipher },	\
	{ OSSL_FUNC_CIPHER_GET_PARAMS, (void (*)(void))cdev_gcm##bits##_params }, \
	{ OSSL_FUNC_CIPHER_GETTABLE_PARAMS,				\
	  (void (*)(void))cdev_gcm_gettable_params },			\
	{ OSSL_FUNC_CIPHER_GET_CTX_PARAMS,				\
	  (void (*)(void))cdev_gcm_get_ctx_params },			\
	{ OSSL_FUNC_CIPHER_SET_CTX_PARAMS,				\
	  (void (*)(void))cdev_gcm_set_ctx_params },			\
	{ OSSL_FUNC_CIPHER_GETTABLE_CTX_PARAMS,				\
	  (void (*)(void))cdev_gcm_gettable_ctx },			\
	{ OSSL_FUNC_CIPHER_SETTABLE_CTX_PARAMS,				\
	  (void (*)(void))cdev_gcm_settable_ctx },			\
	{ 0, NULL }							\
};

CDEV_GCM_FNS(128)
CDEV_GCM_FNS(256)
