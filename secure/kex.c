/*
 * Key agreement and key derivation, all from OpenSSL's libcrypto:
 * X25519 (EVP_PKEY), HKDF-SHA256 (EVP_KDF), SHA-256 and RAND_bytes.
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "internal.h"

/* Prefix of every HKDF-Expand info string: separates this protocol's
 * keys from any other use of the same secrets. */
#define SC_LABEL_PREFIX "cchat-secure v1 "
/* Room for the prefix, the longest label and a hash or sequence. */
#define SC_INFO_MAX 128

void sc_wipe(void *p, size_t n)
{
	if (p && n)
		OPENSSL_cleanse(p, n);
}

static enum sc_status openssl_fail(struct sc_error *err, const char *what)
{
	unsigned long code = ERR_get_error();
	char detail[160] = "no detail";

	if (code)
		ERR_error_string_n(code, detail, sizeof(detail));
	ERR_clear_error();
	return sc_fail(err, SC_ERR_CRYPTO, "%s: %s", what, detail);
}

enum sc_status sc_random(void *out, size_t n, struct sc_error *err)
{
	if (n > INT32_MAX || RAND_bytes(out, (int)n) != 1)
		return openssl_fail(err, "RAND_bytes");
	return SC_OK;
}

enum sc_status sc_sha256(const uint8_t *data, size_t len,
			 uint8_t out[SC_HASH_LEN], struct sc_error *err)
{
	unsigned int outlen = 0;

	if (EVP_Digest(data, len, out, &outlen, EVP_sha256(), NULL) != 1 ||
	    outlen != SC_HASH_LEN)
		return openssl_fail(err, "SHA-256");
	return SC_OK;
}

static enum sc_status hkdf(int mode, const uint8_t *key, size_t keylen,
			   const uint8_t *salt, size_t saltlen,
			   const uint8_t *info, size_t infolen,
			   uint8_t *out, size_t outlen, struct sc_error *err)
{
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, OSSL_KDF_NAME_HKDF, NULL);
	EVP_KDF_CTX *ctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
	OSSL_PARAM params[6], *p = params;
	enum sc_status st = SC_OK;

	EVP_KDF_free(kdf);
	if (!ctx)
		return openssl_fail(err, "HKDF");
	*p++ = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
	*p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
						(char *)"SHA256", 0);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
						 (void *)key, keylen);
	if (salt)
		*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
							 (void *)salt, saltlen);
	if (info)
		*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
							 (void *)info, infolen);
	*p = OSSL_PARAM_construct_end();
	if (EVP_KDF_derive(ctx, out, outlen, params) != 1)
		st = openssl_fail(err, "HKDF");
	EVP_KDF_CTX_free(ctx);
	return st;
}

enum sc_status sc_hkdf_extract(const uint8_t *salt, size_t saltlen,
			       const uint8_t *ikm, size_t ikmlen,
			       uint8_t prk[SC_HASH_LEN], struct sc_error *err)
{
	return hkdf(EVP_KDF_HKDF_MODE_EXTRACT_ONLY, ikm, ikmlen, salt, saltlen,
		    NULL, 0, prk, SC_HASH_LEN, err);
}

enum sc_status sc_hkdf_expand_label(const uint8_t prk[SC_HASH_LEN],
				    const char *label, const uint8_t *context,
				    size_t contextlen, uint8_t *out,
				    size_t outlen, struct sc_error *err)
{
	uint8_t info[SC_INFO_MAX];
	size_t plen = strlen(SC_LABEL_PREFIX), llen = strlen(label);

	if (plen + llen + contextlen > sizeof(info))
		return sc_fail(err, SC_ERR_INVALID, "HKDF label too long");
	memcpy(info, SC_LABEL_PREFIX, plen);
	memcpy(info + plen, label, llen);
	if (contextlen)
		memcpy(info + plen + llen, context, contextlen);
	return hkdf(EVP_KDF_HKDF_MODE_EXPAND_ONLY, prk, SC_HASH_LEN, NULL, 0,
		    info, plen + llen + contextlen, out, outlen, err);
}

struct sc_x25519 {
	EVP_PKEY *pkey;
};

enum sc_status sc_x25519_new(struct sc_x25519 **out, uint8_t pub[SC_PUB_LEN],
			     struct sc_error *err)
{
	struct sc_x25519 *kp = OPENSSL_zalloc(sizeof(*kp));
	size_t len = SC_PUB_LEN;

	if (!kp)
		return sc_fail(err, SC_ERR_NOMEM, NULL);
	kp->pkey = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
	if (!kp->pkey || EVP_PKEY_get_raw_public_key(kp->pkey, pub, &len) != 1 ||
	    len != SC_PUB_LEN) {
		sc_x25519_free(kp);
		return openssl_fail(err, "X25519 key generation");
	}
	*out = kp;
	return SC_OK;
}

enum sc_status sc_x25519_shared(struct sc_x25519 *kp,
				const uint8_t peer[SC_PUB_LEN],
				uint8_t shared[SC_KEY_LEN],
				struct sc_error *err)
{
	static const uint8_t zero[SC_KEY_LEN];
	EVP_PKEY *peer_key = EVP_PKEY_new_raw_public_key_ex(
		NULL, "X25519", NULL, peer, SC_PUB_LEN);
	EVP_PKEY_CTX *ctx = peer_key ? EVP_PKEY_CTX_new_from_pkey(NULL, kp->pkey,
								   NULL) : NULL;
	size_t len = SC_KEY_LEN;
	enum sc_status st = SC_OK;

	if (!ctx || EVP_PKEY_derive_init(ctx) != 1 ||
	    EVP_PKEY_derive_set_peer(ctx, peer_key) != 1 ||
	    EVP_PKEY_derive(ctx, shared, &len) != 1 || len != SC_KEY_LEN) {
		ERR_clear_error();
		/* OpenSSL refuses low-order points itself; say it plainly. */
		st = sc_fail(err, SC_ERR_AUTH,
			     "authentication failed: unusable X25519 public key "
			     "from the peer");
	} else if (CRYPTO_memcmp(shared, zero, SC_KEY_LEN) == 0) {
		st = sc_fail(err, SC_ERR_AUTH,
			     "authentication failed: low-order X25519 public key "
			     "from the peer");
	}
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(peer_key);
	return st;
}

void sc_x25519_free(struct sc_x25519 *kp)
{
	if (!kp)
		return;
	EVP_PKEY_free(kp->pkey);
	OPENSSL_free(kp);
}
