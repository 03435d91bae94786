/* The software provider: AES-256-CBC and HMAC-SHA256 from libcrypto. */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "internal.h"

/* HMAC keys longer than this would be hashed first; ours never are. */
#define SOFT_MAX_MAC_KEY 64

struct soft_provider {
	struct sc_provider base;
	EVP_CIPHER *aes;
	EVP_MAC *hmac;
};

struct sc_keyed {
	EVP_CIPHER_CTX *cipher;
	EVP_MAC_CTX *mac;
	uint8_t key[SOFT_MAX_MAC_KEY];
	size_t keylen;
};

static enum sc_status soft_fail(struct sc_error *err, const char *what)
{
	unsigned long code = ERR_get_error();
	char detail[160] = "no detail";

	if (code)
		ERR_error_string_n(code, detail, sizeof(detail));
	ERR_clear_error();
	return sc_fail(err, SC_ERR_CRYPTO, "software provider: %s: %s", what,
		       detail);
}

static struct soft_provider *soft(struct sc_provider *p)
{
	return (struct soft_provider *)p;
}

static void soft_keyed_free(struct sc_provider *p, struct sc_keyed *k)
{
	(void)p;
	if (!k)
		return;
	EVP_CIPHER_CTX_free(k->cipher);
	EVP_MAC_CTX_free(k->mac);
	OPENSSL_clear_free(k, sizeof(*k));
}

static enum sc_status soft_cipher_new(struct sc_provider *p,
				      const uint8_t key[SC_KEY_LEN],
				      struct sc_keyed **out,
				      struct sc_error *err)
{
	struct sc_keyed *k = OPENSSL_zalloc(sizeof(*k));

	(void)p;
	if (!k)
		return sc_fail(err, SC_ERR_NOMEM, NULL);
	k->cipher = EVP_CIPHER_CTX_new();
	if (!k->cipher) {
		soft_keyed_free(p, k);
		return soft_fail(err, "EVP_CIPHER_CTX_new");
	}
	memcpy(k->key, key, SC_KEY_LEN);
	k->keylen = SC_KEY_LEN;
	*out = k;
	return SC_OK;
}

static enum sc_status soft_cbc(struct sc_provider *p, struct sc_keyed *k,
			       bool encrypt, const uint8_t iv[SC_IV_LEN],
			       const uint8_t *in, uint8_t *out, size_t len,
			       struct sc_error *err)
{
	int outl = 0, finl = 0;

	if (len % SC_BLOCK_LEN || len > INT32_MAX || !k->cipher)
		return sc_fail(err, SC_ERR_INVALID, "AES-CBC: bad length");
	if (EVP_CipherInit_ex2(k->cipher, soft(p)->aes, k->key, iv,
			       encrypt ? 1 : 0, NULL) != 1 ||
	    EVP_CIPHER_CTX_set_padding(k->cipher, 0) != 1 ||
	    EVP_CipherUpdate(k->cipher, out, &outl, in, (int)len) != 1 ||
	    EVP_CipherFinal_ex(k->cipher, out + outl, &finl) != 1 ||
	    (size_t)(outl + finl) != len)
		return soft_fail(err, "AES-256-CBC");
	return SC_OK;
}

static enum sc_status soft_hmac_new(struct sc_provider *p, const uint8_t *key,
				    size_t keylen, struct sc_keyed **out,
				    struct sc_error *err)
{
	struct sc_keyed *k;

	if (keylen == 0 || keylen > SOFT_MAX_MAC_KEY)
		return sc_fail(err, SC_ERR_INVALID, "HMAC key length %zu",
			       keylen);
	k = OPENSSL_zalloc(sizeof(*k));
	if (!k)
		return sc_fail(err, SC_ERR_NOMEM, NULL);
	k->mac = EVP_MAC_CTX_new(soft(p)->hmac);
	if (!k->mac) {
		soft_keyed_free(p, k);
		return soft_fail(err, "EVP_MAC_CTX_new");
	}
	memcpy(k->key, key, keylen);
	k->keylen = keylen;
	*out = k;
	return SC_OK;
}

static enum sc_status soft_hmac(struct sc_provider *p, struct sc_keyed *k,
				const uint8_t *data, size_t len,
				uint8_t mac[SC_MAC_LEN], struct sc_error *err)
{
	OSSL_PARAM params[2];
	size_t outl = 0;

	(void)p;
	if (!k->mac)
		return sc_fail(err, SC_ERR_INVALID, "not an HMAC key");
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						     (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_MAC_init(k->mac, k->key, k->keylen, params) != 1 ||
	    EVP_MAC_update(k->mac, data, len) != 1 ||
	    EVP_MAC_final(k->mac, mac, &outl, SC_MAC_LEN) != 1 ||
	    outl != SC_MAC_LEN)
		return soft_fail(err, "HMAC-SHA256");
	return SC_OK;
}

static void soft_close(struct sc_provider *p)
{
	EVP_CIPHER_free(soft(p)->aes);
	EVP_MAC_free(soft(p)->hmac);
	OPENSSL_free(p);
}

static const struct sc_provider_ops soft_ops = {
	.kind = "software",
	.cipher_new = soft_cipher_new,
	.cbc = soft_cbc,
	.hmac_new = soft_hmac_new,
	.hmac = soft_hmac,
	.keyed_free = soft_keyed_free,
	.close = soft_close,
};

enum sc_status sc_soft_open(struct sc_provider **out, struct sc_error *err)
{
	struct soft_provider *sp = OPENSSL_zalloc(sizeof(*sp));

	if (!sp)
		return sc_fail(err, SC_ERR_NOMEM, NULL);
	sp->base.ops = &soft_ops;
	snprintf(sp->base.name, sizeof(sp->base.name), "software");
	sp->aes = EVP_CIPHER_fetch(NULL, "AES-256-CBC", NULL);
	sp->hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (!sp->aes || !sp->hmac) {
		soft_close(&sp->base);
		return soft_fail(err, "fetching AES-256-CBC and HMAC");
	}
	enum sc_status st = sc_provider_selftest(&sp->base, err);
	if (st != SC_OK) {
		soft_close(&sp->base);
		return st;
	}
	*out = &sp->base;
	return SC_OK;
}
