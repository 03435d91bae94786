// SPDX-License-Identifier: MIT
/*
 * AES-128/256 in CBC, CTR and ECB on a /dev/crypto session.
 *
 * The device (CIOCCRYPT) takes whole requests; this file gives OpenSSL's
 * streaming interface on top: partial blocks are kept in the context
 * (CBC/ECB), the IV is carried between requests (CBC: the last ciphertext
 * block; CTR: the counter plus the blocks used, computed here rather than
 * read back), and a CTR keystream block begun by one update is finished
 * by the next.  PKCS#7 padding is added and checked here.
 */
#include <errno.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/params.h>
#include <openssl/proverr.h>
#include <openssl/evp.h>
#include <openssl/prov_ssl.h>
#include <sys/random.h>

#include "cryptodev_prov.h"

#define AES_BLOCK 16

struct cdev_cipher_info {
	uint32_t id;		/* CRYPTO_AES_CBC, ... */
	unsigned int mode;	/* EVP_CIPH_CBC_MODE, ... */
	size_t keylen, ivlen, blocksize;
};

typedef struct {
	CDEV_PROV *prov;
	const struct cdev_cipher_info *info;
	CDEV_SESSION sess;
	unsigned char key[32];
	int key_set;
	int enc;
	int pad;
	unsigned char oiv[AES_BLOCK];	/* the IV given last */
	unsigned char iv[AES_BLOCK];	/* the running IV / counter */
	unsigned char buf[AES_BLOCK];	/* CBC/ECB: a partial block */
	size_t bufsz;
	unsigned char ks[AES_BLOCK];	/* CTR: the current keystream block */
	unsigned int num;		/* CTR: bytes of ks used, 0 = none */
	/* the TLS 1.0-1.2 CBC record layer (OSSL_CIPHER_PARAM_TLS_VERSION):
	 * each update is one record, padded here; opening takes off the
	 * explicit IV, the padding and the MAC (kept for TLS_MAC) */
	int tlsversion;
	size_t tlsmacsize;
	unsigned char tlsmac[64];
} CDEV_CIPHER_CTX;

static const struct cdev_cipher_info cdev_aes128cbc = {
	CRYPTO_AES_CBC, EVP_CIPH_CBC_MODE, 16, 16, 16 };
static const struct cdev_cipher_info cdev_aes256cbc = {
	CRYPTO_AES_CBC, EVP_CIPH_CBC_MODE, 32, 16, 16 };
static const struct cdev_cipher_info cdev_aes128ctr = {
	CRYPTO_AES_CTR, EVP_CIPH_CTR_MODE, 16, 16, 1 };
static const struct cdev_cipher_info cdev_aes256ctr = {
	CRYPTO_AES_CTR, EVP_CIPH_CTR_MODE, 32, 16, 1 };
static const struct cdev_cipher_info cdev_aes128ecb = {
	CRYPTO_AES_ECB, EVP_CIPH_ECB_MODE, 16, 0, 16 };
static const struct cdev_cipher_info cdev_aes256ecb = {
	CRYPTO_AES_ECB, EVP_CIPH_ECB_MODE, 32, 0, 16 };

static void *cdev_cipher_new(void *provctx,
			     const struct cdev_cipher_info *info)
{
	CDEV_CIPHER_CTX *c = OPENSSL_zalloc(sizeof(*c));

	if (c == NULL) {
		CDEV_ERR(CDEV_PROV_OF(provctx), CDEV_R_NO_MEMORY, NULL);
		return NULL;
	}
	c->prov = CDEV_PROV_OF(provctx);
	c->info = info;
	c->sess.fd = -1;
	c->pad = 1;
	return c;
}

static void cdev_cipher_free(void *vctx)
{
	CDEV_CIPHER_CTX *c = vctx;

	if (c == NULL)
		return;
	cdev_session_close(c->prov, &c->sess);
	OPENSSL_clear_free(c, sizeof(*c));
}

static void *cdev_cipher_dup(void *vctx)
{
	CDEV_CIPHER_CTX *c = vctx, *d;

	d = OPENSSL_malloc(sizeof(*d));
	if (d == NULL) {
		CDEV_ERR(c->prov, CDEV_R_NO_MEMORY, NULL);
		return NULL;
	}
	*d = *c;
	d->sess.fd = -1;
	if (c->key_set &&
	    !cdev_session_open(c->prov, &d->sess, c->info->id, c->key,
			       c->info->keylen, 0, NULL, 0)) {
		OPENSSL_clear_free(d, sizeof(*d));
		return NULL;
	}
	return d;
}

static int cdev_cipher_set_ctx_params(void *vctx, const OSSL_PARAM params[]);

static int cdev_cipher_init(void *vctx, const unsigned char *key,
			    size_t keylen, const unsigned char *iv,
			    size_t ivlen, const OSSL_PARAM params[], int enc)
{
	CDEV_CIPHER_CTX *c = vctx;

	c->enc = enc;
	c->bufsz = 0;
	c->num = 0;
	if (key != NULL) {
		if (keylen != c->info->keylen) {
			CDEV_ERR(c->prov, CDEV_R_BAD_KEY_LENGTH,
				 "%zu bytes, expected %zu", keylen,
				 c->info->keylen);
			return 0;
		}
		cdev_session_close(c->prov, &c->sess);
		OPENSSL_cleanse(c->key, sizeof(c->key));
		c->key_set = 0;
		if (!cdev_session_open(c->prov, &c->sess, c->info->id, key,
				       keylen, 0, NULL, 0))
			return 0;
		memcpy(c->key, key, keylen);
		c->key_set = 1;
	}
	if (c->info->ivlen > 0) {
		if (iv != NULL) {
			if (ivlen != c->info->ivlen) {
				CDEV_ERR(c->prov, CDEV_R_BAD_IV_LENGTH,
					 "%zu bytes", ivlen);
				return 0;
			}
			memcpy(c->oiv, iv, ivlen);
		}
		/* no new IV: CBC starts again from the one given last; CTR
		 * goes on from the next whole block (as OpenSSL's own) */
		if (iv != NULL || c->info->mode != EVP_CIPH_CTR_MODE)
			memcpy(c->iv, c->oiv, c->info->ivlen);
	}
	return cdev_cipher_set_ctx_params(c, params);
}

static int cdev_cipher_einit(void *vctx, const unsigned char *key,
			     size_t keylen, const unsigned char *iv,
			     size_t ivlen, const OSSL_PARAM params[])
{
	return cdev_cipher_init(vctx, key, keylen, iv, ivlen, params, 1);
}

static int cdev_cipher_dinit(void *vctx, const unsigned char *key,
			     size_t keylen, const unsigned char *iv,
			     size_t ivlen, const OSSL_PARAM params[])
{
	return cdev_cipher_init(vctx, key, keylen, iv, ivlen, params, 0);
}

static int cdev_chain(const CDEV_CIPHER_CTX *c)
{
	switch (c->info->mode) {
	case EVP_CIPH_CBC_MODE:
		return CDEV_CHAIN_CBC;
	case EVP_CIPH_CTR_MODE:
		return CDEV_CHAIN_CTR;
	}
	return CDEV_CHAIN_NONE;
}

/* Whole blocks (or CTR's any length) through the device. */
static int cdev_blocks(CDEV_CIPHER_CTX *c, const unsigned char *in,
		       unsigned char *out, size_t len)
{
	int err;

	if (len == 0)
		return 1;
	err = cdev_crypt_split(c->prov, &c->sess,
			       c->enc ? COP_ENCRYPT : COP_DECRYPT, 0, in, out,
			       len, c->info->ivlen > 0 ? c->iv : NULL, NULL,
			       cdev_chain(c));
	if (err != 0) {
		CDEV_ERR(c->prov, CDEV_R_DEVICE_FAILED, "CIOCCRYPT: %s",
			 strerror(err));
		return 0;
	}
	return 1;
}

static int cdev_need_key(CDEV_CIPHER_CTX *c)
{
	if (!c->key_set) {
		CDEV_ERR(c->prov, CDEV_R_NO_KEY, NULL);
		return 0;
	}
	return 1;
}

/* CTR: any length, keystream carried across calls. */
static int cdev_ctr(CDEV_CIPHER_CTX *c, unsigned char *out,
		    const unsigned char *in, size_t inl)
{
	size_t i = 0, whole;
	unsigned char blk[AES_BLOCK];

	while (c->num != 0 && i < inl) {
		out[i] = in[i] ^ c->ks[c->num];
		c->num = (c->num + 1) % AES_BLOCK;
		i++;
	}
	whole = (inl - i) - (inl - i) % AES_BLOCK;
	if (!cdev_blocks(c, in + i, out + i, whole))
		return 0;
	i += whole;
	if (i < inl) {
		/* a keystream block of which this call uses the start */
		memset(blk, 0, sizeof(blk));
		if (!cdev_blocks(c, blk, c->ks, AES_BLOCK))
			return 0;
		c->num = (unsigned int)(inl - i);
		for (size_t k = 0; i < inl; i++, k++)
			out[i] = in[i] ^ c->ks[k];
	}
	return 1;
}

/* Constant-time helpers for sizes below 2^63: all ones when true. */
static size_t ct_lt(size_t a, size_t b)
{
	return (size_t)0 - (size_t)(((uint64_t)a - (uint64_t)b) >> 63);
}

static size_t ct_eq0(size_t a)
{
	return ct_lt(a, 1);
}

/* Seal one TLS CBC record: add the TLS padding, encrypt. */
static int cdev_tls_seal(CDEV_CIPHER_CTX *c, unsigned char *out, size_t *outl,
			 size_t outsize, const unsigned char *in, size_t inl)
{
	size_t p = AES_BLOCK - inl % AES_BLOCK;

	if (outsize < inl + p) {
		CDEV_ERR(c->prov, CDEV_R_OUTPUT_TOO_SMALL, NULL);
		return 0;
	}
	if (out != in)
		memmove(out, in, inl);
	memset(out + inl, (int)(p - 1), p);
	if (!cdev_blocks(c, out, out, inl + p))
		return 0;
	*outl = inl + p;
	return 1;
}

/*
 * Open one TLS CBC record: decrypt, then (TLS 1.1 and later) skip the
 * explicit IV block, check and drop the padding and take out the MAC,
 * without branching on secret bytes.  A bad padding leaves a random MAC,
 * which the record layer's MAC check then refuses.  0 only for records
 * that are publicly invalid (length).
 */
static int cdev_tls_open(CDEV_CIPHER_CTX *c, unsigned char *out, size_t *outl,
			 size_t outsize, const unsigned char *in, size_t inl)
{
	size_t skip = c->tlsversion == TLS1_VERSION ? 0 : AES_BLOCK;
	size_t mac = c->tlsmacsize, len, pad, good, newlen, start, scan, i, j;
	unsigned char *buf, rnd[64];

	if (inl == 0 || inl % AES_BLOCK != 0 || inl < skip + mac + 1 ||
	    outsize < inl || mac > sizeof(c->tlsmac)) {
		CDEV_ERR(c->prov, CDEV_R_NOT_BLOCK_MULTIPLE, "TLS record");
		return 0;
	}
	if (!cdev_blocks(c, in, out, inl))
		return 0;
	buf = out + skip;
	len = inl - skip;
	pad = buf[len - 1];
	/* pad + 1 + mac <= len */
	good = ~ct_lt(len, pad + 1 + mac);
	for (i = 0; i < 256 && i < len; i++) {
		size_t in_pad = ~ct_lt(pad, i);	/* i <= pad */

		good &= ~(in_pad & ~ct_eq0((size_t)(buf[len - 1 - i] ^ pad)));
	}
	newlen = len - (good & (pad + 1));
	if (mac == 0) {
		*outl = newlen;
		return good != 0;
	}
	/* the MAC ends at newlen, which may be anywhere in the last 256
	 * bytes: read them all */
	start = newlen - mac;
	scan = len > mac + 256 ? len - mac - 256 : 0;
	memset(c->tlsmac, 0, sizeof(c->tlsmac));
	for (i = scan; i + mac <= len; i++) {
		size_t here = ct_eq0(i ^ start);

		for (j = 0; j < mac; j++)
			c->tlsmac[j] |= (unsigned char)(buf[i + j] & here);
	}
	if (getrandom(rnd, mac, 0) != (ssize_t)mac)
		memset(rnd, 0, sizeof(rnd));
	for (j = 0; j < mac; j++)
		c->tlsmac[j] = (unsigned char)((c->tlsmac[j] & good) |
					       (rnd[j] & ~good));
	*outl = start;
	return 1;
}

static int cdev_cipher_update(void *vctx, unsigned char *out, size_t *outl,
			      size_t outsize, const unsigned char *in,
			      size_t inl)
{
	CDEV_CIPHER_CTX *c = vctx;
	size_t total, nout, keep, from_in;
	unsigned char tail[AES_BLOCK];
	unsigned char *stage;
	int ok;

	*outl = 0;
	if (!cdev_need_key(c))
		return 0;
	if (c->tlsversion > 0 && c->info->mode == EVP_CIPH_CBC_MODE) {
		cdev_count(&c->prov->tls_records);
		return c->enc ? cdev_tls_seal(c, out, outl, outsize, in, inl)
			      : cdev_tls_open(c, out, outl, outsize, in, inl);
	}
	if (c->info->mode == EVP_CIPH_CTR_MODE) {
		if (outsize < inl) {
			CDEV_ERR(c->prov, CDEV_R_OUTPUT_TOO_SMALL, NULL);
			return 0;
		}
		if (!cdev_ctr(c, out, in, inl))
			return 0;
		*outl = inl;
		return 1;
	}
	total = c->bufsz + inl;
	nout = total - total % AES_BLOCK;
	/* decrypting with padding: the last whole block waits for final */
	if (!c->enc && c->pad && nout == total && nout > 0)
		nout -= AES_BLOCK;
	keep = total - nout;
	if (nout == 0) {
		memcpy(c->buf + c->bufsz, in, inl);
		c->bufsz += inl;
		return 1;
	}
	if (outsize < nout) {
		CDEV_ERR(c->prov, CDEV_R_OUTPUT_TOO_SMALL, NULL);
		return 0;
	}
	from_in = nout - c->bufsz;	/* bytes of in that go out now */
	memcpy(tail, in + from_in, keep);	/* before out may overwrite in */
	if (c->bufsz == 0) {
		ok = cdev_blocks(c, in, out, nout);
	} else {
		stage = OPENSSL_malloc(nout);
		if (stage == NULL) {
			CDEV_ERR(c->prov, CDEV_R_NO_MEMORY, NULL);
			return 0;
		}
		memcpy(stage, c->buf, c->bufsz);
		memcpy(stage + c->bufsz, in, from_in);
		ok = cdev_blocks(c, stage, out, nout);
		OPENSSL_clear_free(stage, nout);
	}
	if (!ok)
		return 0;
	memcpy(c->buf, tail, keep);
	c->bufsz = keep;
	OPENSSL_cleanse(tail, sizeof(tail));
	*outl = nout;
	return 1;
}

static int cdev_cipher_final(void *vctx, unsigned char *out, size_t *outl,
			     size_t outsize)
{
	CDEV_CIPHER_CTX *c = vctx;
	unsigned char blk[AES_BLOCK];
	unsigned int padv, bad;

	*outl = 0;
	if (!cdev_need_key(c))
		return 0;
	if (c->info->mode == EVP_CIPH_CTR_MODE)
		return 1;
	if (!c->pad) {
		if (c->bufsz != 0) {
			CDEV_ERR(c->prov, CDEV_R_NOT_BLOCK_MULTIPLE, NULL);
			return 0;
		}
		return 1;
	}
	if (c->enc) {
		if (outsize < AES_BLOCK) {
			CDEV_ERR(c->prov, CDEV_R_OUTPUT_TOO_SMALL, NULL);
			return 0;
		}
		padv = AES_BLOCK - (unsigned int)c->bufsz;
		memset(c->buf + c->bufsz, (int)padv, padv);
		if (!cdev_blocks(c, c->buf, out, AES_BLOCK))
			return 0;
		c->bufsz = 0;
		*outl = AES_BLOCK;
		return 1;
	}
	if (c->bufsz != AES_BLOCK) {
		CDEV_ERR(c->prov, CDEV_R_WRONG_FINAL_BLOCK_LENGTH, NULL);
		return 0;
	}
	if (!cdev_blocks(c, c->buf, blk, AES_BLOCK))
		return 0;
	c->bufsz = 0;
	/* check the padding without branching on the bytes */
	padv = blk[AES_BLOCK - 1];
	bad = (unsigned int)(padv == 0) | (unsigned int)(padv > AES_BLOCK);
	for (unsigned int i = 0; i < AES_BLOCK; i++) {
		unsigned int in_pad = (unsigned int)(AES_BLOCK - i <= padv);

		bad |= in_pad & (unsigned int)(blk[i] != padv);
	}
	if (bad) {
		OPENSSL_cleanse(blk, sizeof(blk));
		CDEV_ERR(c->prov, CDEV_R_BAD_DECRYPT, NULL);
		return 0;
	}
	if (outsize < AES_BLOCK - padv) {
		OPENSSL_cleanse(blk, sizeof(blk));
		CDEV_ERR(c->prov, CDEV_R_OUTPUT_TOO_SMALL, NULL);
		return 0;
	}
	memcpy(out, blk, AES_BLOCK - padv);
	*outl = AES_BLOCK - padv;
	OPENSSL_cleanse(blk, sizeof(blk));
	return 1;
}

/* EVP_Cipher(): the data as it is, no buffering or padding. */
static int cdev_cipher_cipher(void *vctx, unsigned char *out, size_t *outl,
			      size_t outsize, const unsigned char *in,
			      size_t inl)
{
	CDEV_CIPHER_CTX *c = vctx;

	if (!cdev_need_key(c))
		return 0;
	if (outsize < inl) {
		CDEV_ERR(c->prov, CDEV_R_OUTPUT_TOO_SMALL, NULL);
		return 0;
	}
	if (c->info->mode == EVP_CIPH_CTR_MODE) {
		if (!cdev_ctr(c, out, in, inl))
			return 0;
	} else {
		if (inl % AES_BLOCK != 0) {
			CDEV_ERR(c->prov, CDEV_R_NOT_BLOCK_MULTIPLE, NULL);
			return 0;
		}
		if (!cdev_blocks(c, in, out, inl))
			return 0;
	}
	*outl = inl;
	return 1;
}

static int cdev_cipher_get_params_info(const struct cdev_cipher_info *info,
				       OSSL_PARAM params[])
{
	OSSL_PARAM *q;

	if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_MODE)) != NULL &&
	    !OSSL_PARAM_set_uint(q, info->mode))
		return 0;
	if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_KEYLEN)) != NULL &&
	    !OSSL_PARAM_set_size_t(q, info->keylen))
		return 0;
	if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_IVLEN)) != NULL &&
	    !OSSL_PARAM_set_size_t(q, info->ivlen))
		return 0;
	if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_BLOCK_SIZE)) != NULL &&
	    !OSSL_PARAM_set_size_t(q, info->blocksize))
		return 0;
	if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_AEAD)) != NULL &&
	    !OSSL_PARAM_set_int(q, 0))
		return 0;
	if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_CUSTOM_IV)) != NULL &&
	    !OSSL_PARAM_set_int(q, 0))
		return 0;
	return 1;
}

static const OSSL_PARAM cdev_cipher_known_params[] = {
	OSSL_PARAM_uint(OSSL_CIPHER_PARAM_MODE, NULL),
	OSSL_PARAM_size_t(OSSL_CIPHER_PARAM_KEYLEN, NULL),
	OSSL_PARAM_size_t(OSSL_CIPHER_PARAM_IVLEN, NULL),
	OSSL_PARAM_size_t(OSSL_CIPHER_PARAM_BLOCK_SIZE, NULL),
	OSSL_PARAM_int(OSSL_CIPHER_PARAM_AEAD, NULL),
	OSSL_PARAM_int(OSSL_CIPHER_PARAM_CUSTOM_IV, NULL),
	OSSL_PARAM_END
};

static const OSSL_PARAM *cdev_cipher_gettable_params(void *provctx)
{
	(void)provctx;
	return cdev_cipher_known_params;
}

static int cdev_set_iv_param(OSSL_PARAM *q, const unsigned char *iv,
			     size_t len)
{
	return OSSL_PARAM_set_octet_string(q, iv, len) ||
	       OSSL_PARAM_set_octet_ptr(q, iv, len);
}

static int cdev_cipher_get_ctx_params(void *vctx, OSSL_PARAM params[])
{
	CDEV_CIPHER_CTX *c = vctx;
	OSSL_PARAM *q;

	if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_KEYLEN)) != NULL &&
	    !OSSL_PARAM_set_size_t(q, c->info->keylen))
		return 0;
	if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_IVLEN)) != NULL &&
	    !OSSL_PARAM_set_size_t(q, c->info->ivlen))
		return 0;
	if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_PADDING)) != NULL &&
	    !OSSL_PARAM_set_uint(q, (unsigned int)c->pad))
		return 0;
	if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_NUM)) != NULL &&
	    !OSSL_PARAM_set_uint(q, c->num))
		return 0;
	if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_IV)) != NULL &&
	    c->info->ivlen > 0 && !cdev_set_iv_param(q, c->oiv, c->info->ivlen))
		return 0;
	if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_UPDATED_IV)) != NULL &&
	    c->info->ivlen > 0 && !cdev_set_iv_param(q, c->iv, c->info->ivlen))
		return 0;
	if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_TLS_MAC)) != NULL &&
	    !OSSL_PARAM_set_octet_ptr(q, c->tlsmac, c->tlsmacsize))
		return 0;
	return 1;
}

static int cdev_cipher_set_ctx_params(void *vctx, const OSSL_PARAM params[])
{
	CDEV_CIPHER_CTX *c = vctx;
	const OSSL_PARAM *q;
	unsigned int u;
	size_t n;

	if (params == NULL)
		return 1;
	if ((q = OSSL_PARAM_locate_const(params, OSSL_CIPHER_PARAM_PADDING)) != NULL) {
		if (!OSSL_PARAM_get_uint(q, &u)) {
			CDEV_ERR(c->prov, CDEV_R_BAD_PARAMETER, "padding");
			return 0;
		}
		c->pad = u != 0;
	}
	if ((q = OSSL_PARAM_locate_const(params, OSSL_CIPHER_PARAM_NUM)) != NULL) {
		if (!OSSL_PARAM_get_uint(q, &u) || u >= AES_BLOCK) {
			CDEV_ERR(c->prov, CDEV_R_BAD_PARAMETER, "num");
			return 0;
		}
		c->num = c->info->mode == EVP_CIPH_CTR_MODE ? u : 0;
	}
	if ((q = OSSL_PARAM_locate_const(params, OSSL_CIPHER_PARAM_KEYLEN)) != NULL) {
		if (!OSSL_PARAM_get_size_t(q, &n) || n != c->info->keylen) {
			CDEV_ERR(c->prov, CDEV_R_BAD_KEY_LENGTH, NULL);
			return 0;
		}
	}
	if ((q = OSSL_PARAM_locate_const(params, OSSL_CIPHER_PARAM_TLS_VERSION)) != NULL) {
		int v;

		/* TLS 1.0 to 1.2 and DTLS records, CBC only */
		if (!OSSL_PARAM_get_int(q, &v) ||
		    c->info->mode != EVP_CIPH_CBC_MODE ||
		    (v != TLS1_VERSION && v != TLS1_1_VERSION &&
		     v != TLS1_2_VERSION && v != DTLS1_VERSION &&
		     v != DTLS1_2_VERSION && v != DTLS1_BAD_VER)) {
			CDEV_ERR(c->prov, CDEV_R_BAD_PARAMETER,
				 "TLS record version");
			return 0;
		}
		c->tlsversion = v;
	}
	if ((q = OSSL_PARAM_locate_const(params, OSSL_CIPHER_PARAM_TLS_MAC_SIZE)) != NULL) {
		if (!OSSL_PARAM_get_size_t(q, &n) || n > sizeof(c->tlsmac)) {
			CDEV_ERR(c->prov, CDEV_R_BAD_PARAMETER, "TLS MAC size");
			return 0;
		}
		c->tlsmacsize = n;
	}
	return 1;
}

static const OSSL_PARAM cdev_cipher_ctx_gettable[] = {
	OSSL_PARAM_size_t(OSSL_CIPHER_PARAM_KEYLEN, NULL),
	OSSL_PARAM_size_t(OSSL_CIPHER_PARAM_IVLEN, NULL),
	OSSL_PARAM_uint(OSSL_CIPHER_PARAM_PADDING, NULL),
	OSSL_PARAM_uint(OSSL_CIPHER_PARAM_NUM, NULL),
	OSSL_PARAM_octet_string(OSSL_CIPHER_PARAM_IV, NULL, 0),
	OSSL_PARAM_octet_string(OSSL_CIPHER_PARAM_UPDATED_IV, NULL, 0),
	OSSL_PARAM_octet_ptr(OSSL_CIPHER_PARAM_TLS_MAC, NULL, 0),
	OSSL_PARAM_END
};

static const OSSL_PARAM cdev_cipher_ctx_settable[] = {
	OSSL_PARAM_uint(OSSL_CIPHER_PARAM_PADDING, NULL),
	OSSL_PARAM_uint(OSSL_CIPHER_PARAM_NUM, NULL),
	OSSL_PARAM_size_t(OSSL_CIPHER_PARAM_KEYLEN, NULL),
	OSSL_PARAM_int(OSSL_CIPHER_PARAM_TLS_VERSION, NULL),
	OSSL_PARAM_size_t(OSSL_CIPHER_PARAM_TLS_MAC_SIZE, NULL),
	OSSL_PARAM_END
};

static const OSSL_PARAM *cdev_cipher_gettable_ctx(void *vctx, void *provctx)
{
	(void)vctx;
	(void)provctx;
	return cdev_cipher_ctx_gettable;
}

static const OSSL_PARAM *cdev_cipher_settable_ctx(void *vctx, void *provctx)
{
	(void)vctx;
	(void)provctx;
	return cdev_cipher_ctx_settable;
}

#define CDEV_CIPHER(name, info)						\
static void *cdev_new_##name(void *provctx)				\
{									\
	return cdev_cipher_new(provctx, &(info));			\
}									\
static int cdev_params_##name(OSSL_PARAM params[])			\
{									\
	return cdev_cipher_get_params_info(&(info), params);		\
}									\
static const OSSL_DISPATCH cdev_fns_##name[] = {			\
	{ OSSL_FUNC_CIPHER_NEWCTX, (void (*)(void))cdev_new_##name },	\
	{ OSSL_FUNC_CIPHER_FREECTX, (void (*)(void))cdev_cipher_free },	\
	{ OSSL_FUNC_CIPHER_DUPCTX, (void (*)(void))cdev_cipher_dup },	\
	{ OSSL_FUNC_CIPHER_ENCRYPT_INIT, (void (*)(void))cdev_cipher_einit }, \
	{ OSSL_FUNC_CIPHER_DECRYPT_INIT, (void (*)(void))cdev_cipher_dinit }, \
	{ OSSL_FUNC_CIPHER_UPDATE, (void (*)(void))cdev_cipher_update },	\
	{ OSSL_FUNC_CIPHER_FINAL, (void (*)(void))cdev_cipher_final },	\
	{ OSSL_FUNC_CIPHER_CIPHER, (void (*)(void))cdev_cipher_cipher },	\
	{ OSSL_FUNC_CIPHER_GET_PARAMS, (void (*)(void))cdev_params_##name }, \
	{ OSSL_FUNC_CIPHER_GETTABLE_PARAMS,				\
	  (void (*)(void))cdev_cipher_gettable_params },		\
	{ OSSL_FUNC_CIPHER_GET_CTX_PARAMS,				\
	  (void (*)(void))cdev_cipher_get_ctx_params },			\
	{ OSSL_FUNC_CIPHER_SET_CTX_PARAMS,				\
	  (void (*)(void))cdev_cipher_set_ctx_params },			\
	{ OSSL_FUNC_CIPHER_GETTABLE_CTX_PARAMS,				\
	  (void (*)(void))cdev_cipher_gettable_ctx },			\
	{ OSSL_FUNC_CIPHER_SETTABLE_CTX_PARAMS,				\
	  (void (*)(void))cdev_cipher_settable_ctx },			\
	{ 0, NULL }							\
};

CDEV_CIPHER(aes128cbc, cdev_aes128cbc)
CDEV_CIPHER(aes256cbc, cdev_aes256cbc)
CDEV_CIPHER(aes128ctr, cdev_aes128ctr)
CDEV_CIPHER(aes256ctr, cdev_aes256ctr)
CDEV_CIPHER(aes128ecb, cdev_aes128ecb)
CDEV_CIPHER(aes256ecb, cdev_aes256ecb)

extern const OSSL_DISPATCH cdev_gcm128_functions[];
extern const OSSL_DISPATCH cdev_gcm256_functions[];

#define CDEV_PROPS "provider=cryptodev"

const struct cdev_alg cdev_cipher_algs[] = {
	{ { "AES-128-CBC:AES128:2.16.840.1.101.3.4.1.2", CDEV_PROPS,
	    cdev_fns_aes128cbc, "AES-128-CBC on /dev/crypto" },
	  CRYPTO_AES_CBC, 0, 16 },
	{ { "AES-256-CBC:AES256:2.16.840.1.101.3.4.1.42", CDEV_PROPS,
	    cdev_fns_aes256cbc, "AES-256-CBC on /dev/crypto" },
	  CRYPTO_AES_CBC, 0, 32 },
	{ { "AES-128-CTR", CDEV_PROPS, cdev_fns_aes128ctr,
	    "AES-128-CTR on /dev/crypto" }, CRYPTO_AES_CTR, 0, 16 },
	{ { "AES-256-CTR", CDEV_PROPS, cdev_fns_aes256ctr,
	    "AES-256-CTR on /dev/crypto" }, CRYPTO_AES_CTR, 0, 32 },
	{ { "AES-128-ECB:2.16.840.1.101.3.4.1.1", CDEV_PROPS,
	    cdev_fns_aes128ecb, "AES-128-ECB on /dev/crypto" },
	  CRYPTO_AES_ECB, 0, 16 },
	{ { "AES-256-ECB:2.16.840.1.101.3.4.1.41", CDEV_PROPS,
	    cdev_fns_aes256ecb, "AES-256-ECB on /dev/crypto" },
	  CRYPTO_AES_ECB, 0, 32 },
	{ { "AES-128-GCM:id-aes128-GCM:2.16.840.1.101.3.4.1.6", CDEV_PROPS,
	    cdev_gcm128_functions, "AES-128-GCM on /dev/crypto" },
	  CRYPTO_AES_GCM, 0, 16 },
	{ { "AES-256-GCM:id-aes256-GCM:2.16.840.1.101.3.4.1.46", CDEV_PROPS,
	    cdev_gcm256_functions, "AES-256-GCM on /dev/crypto" },
	  CRYPTO_AES_GCM, 0, 32 },
	{ { NULL, NULL, NULL, NULL }, 0, 0, 0 }
};
