// SPDX-License-Identifier: MIT
/*
 * Host-side check of the vector file itself: every known answer typed in
 * from the standards is recomputed with OpenSSL, an implementation that
 * shares no code with the project.  A typing slip in vectors.c shows up
 * here, on the build machine, instead of as a mysterious guest failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/provider.h>

#include <crypto/cryptodev.h>

#include "tap.h"
#include "vectors.h"

static const EVP_CIPHER *openssl_cipher(uint32_t alg, size_t key_len)
{
	switch (alg) {
	case CRYPTO_AES_CBC:
		return key_len == 16 ? EVP_aes_128_cbc() :
		       key_len == 24 ? EVP_aes_192_cbc() : EVP_aes_256_cbc();
	case CRYPTO_AES_CTR:
		return key_len == 16 ? EVP_aes_128_ctr() :
		       key_len == 24 ? EVP_aes_192_ctr() : EVP_aes_256_ctr();
	case CRYPTO_AES_ECB:
		return key_len == 16 ? EVP_aes_128_ecb() :
		       key_len == 24 ? EVP_aes_192_ecb() : EVP_aes_256_ecb();
	case CRYPTO_AES_XTS:
		return key_len == 32 ? EVP_aes_128_xts() : EVP_aes_256_xts();
	case CRYPTO_3DES_CBC:
		return EVP_des_ede3_cbc();
	case CRYPTO_DES_CBC:
		return EVP_des_cbc();
	case CRYPTO_BLF_CBC:
		return EVP_bf_cbc();
	case CRYPTO_CAMELLIA_CBC:
		return key_len == 16 ? EVP_camellia_128_cbc() :
		       key_len == 24 ? EVP_camellia_192_cbc() :
		       EVP_camellia_256_cbc();
	case CRYPTO_AES_GCM:
		return key_len == 16 ? EVP_aes_128_gcm() :
		       key_len == 24 ? EVP_aes_192_gcm() : EVP_aes_256_gcm();
	default:
		return NULL;
	}
}

static const EVP_MD *openssl_md(uint32_t alg)
{
	switch (alg) {
	case CRYPTO_MD5:
	case CRYPTO_MD5_HMAC:
		return EVP_md5();
	case CRYPTO_SHA1:
	case CRYPTO_SHA1_HMAC:
		return EVP_sha1();
	case CRYPTO_RIPEMD160:
	case CRYPTO_RIPEMD160_HMAC:
		return EVP_ripemd160();
	case CRYPTO_SHA2_224:
	case CRYPTO_SHA2_224_HMAC:
		return EVP_sha224();
	case CRYPTO_SHA2_256:
	case CRYPTO_SHA2_256_HMAC:
		return EVP_sha256();
	case CRYPTO_SHA2_384:
	case CRYPTO_SHA2_384_HMAC:
		return EVP_sha384();
	case CRYPTO_SHA2_512:
	case CRYPTO_SHA2_512_HMAC:
		return EVP_sha512();
	default:
		return NULL;
	}
}

static int openssl_encrypt(const EVP_CIPHER *cipher, const uint8_t *key,
			   const uint8_t *iv, const uint8_t *in, size_t len,
			   uint8_t *out)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n = 0, fin = 0, ok;

	ok = ctx && EVP_EncryptInit_ex(ctx, cipher, NULL, key, iv) &&
	     EVP_CIPHER_CTX_set_padding(ctx, 0) &&
	     EVP_EncryptUpdate(ctx, out, &n, in, (int)len) &&
	     EVP_EncryptFinal_ex(ctx, out + n, &fin);
	EVP_CIPHER_CTX_free(ctx);
	return ok && (size_t)(n + fin) == len;
}

static bool xts_keys_equal(uint32_t alg, const uint8_t *key, size_t len)
{
	return alg == CRYPTO_AES_XTS && memcmp(key, key + len / 2, len / 2) == 0;
}

static void check_cipher(const struct cipher_vector *v)
{
	size_t key_len, iv_len, pt_len, ct_len;
	uint8_t *key = vec_decode(&v->key, &key_len);
	uint8_t *iv = vec_decode(&v->iv, &iv_len);
	uint8_t *pt = vec_decode(&v->plain, &pt_len);
	uint8_t *ct = vec_decode(&v->cipher, &ct_len);
	uint8_t *out = malloc(pt_len + 1);
	const EVP_CIPHER *cipher = openssl_cipher(v->alg, key_len);
	bool ok;

	if (xts_keys_equal(v->alg, key, key_len)) {
		tap_skip("OpenSSL 3 refuses XTS keys with equal halves",
			 "OpenSSL agrees: %s", v->name);
		goto out;
	}
	ok = out && cipher && pt_len == ct_len &&
	     openssl_encrypt(cipher, key, iv_len ? iv : NULL, pt, pt_len, out) &&
	     memcmp(out, ct, ct_len) == 0;
	if (!tap_ok(ok, "OpenSSL agrees: %s", v->name) && out)
		tap_diag_hex("openssl", out, pt_len);
out:
	free(key), free(iv), free(pt), free(ct), free(out);
}

static void check_hash(const struct hash_vector *v)
{
	size_t key_len, msg_len, want_len;
	uint8_t *key = vec_decode(&v->key, &key_len);
	uint8_t *msg = vec_decode(&v->msg, &msg_len);
	uint8_t *want = vec_decode(&v->digest, &want_len);
	uint8_t got[EVP_MAX_MD_SIZE];
	unsigned int got_len = 0;
	const EVP_MD *md = openssl_md(v->alg);
	bool ok;

	if (vec_alg_is_hmac(v->alg))
		ok = md && HMAC(md, key, (int)key_len, msg, msg_len, got,
				&got_len);
	else
		ok = md && EVP_Digest(msg, msg_len, got, &got_len, md, NULL);
	ok = ok && got_len == vec_digest_len(v->alg) && want_len <= got_len &&
	     memcmp(got, want, want_len) == 0;
	if (!tap_ok(ok, "OpenSSL agrees: %s", v->name))
		tap_diag_hex("openssl", got, got_len);
	free(key), free(msg), free(want);
}

static int openssl_gcm(const struct aead_vector *v, uint8_t *out,
		       uint8_t tag[16])
{
	size_t key_len, iv_len, aad_len, pt_len;
	uint8_t *key = vec_decode(&v->key, &key_len);
	uint8_t *iv = vec_decode(&v->iv, &iv_len);
	uint8_t *aad = vec_decode(&v->aad, &aad_len);
	uint8_t *pt = vec_decode(&v->plain, &pt_len);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n = 0, ok;

	ok = ctx &&
	     EVP_EncryptInit_ex(ctx, openssl_cipher(v->alg, key_len), NULL,
				NULL, NULL) &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, (int)iv_len,
				 NULL) &&
	     EVP_EncryptInit_ex(ctx, NULL, NULL, key, iv) &&
	     EVP_EncryptUpdate(ctx, NULL, &n, aad, (int)aad_len) &&
	     EVP_EncryptUpdate(ctx, out, &n, pt, (int)pt_len) &&
	     EVP_EncryptFinal_ex(ctx, out + n, &n) &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, tag);
	EVP_CIPHER_CTX_free(ctx);
	free(key), free(iv), free(aad), free(pt);
	return ok;
}

static void check_aead(const struct aead_vector *v)
{
	size_t ct_len, tag_len;
	uint8_t *ct = vec_decode(&v->cipher, &ct_len);
	uint8_t *want_tag = vec_decode(&v->tag, &tag_len);
	uint8_t *out = malloc(ct_len + 16);
	uint8_t tag[16];
	bool ok;

	ok = out && openssl_gcm(v, out, tag) &&
	     memcmp(out, ct, ct_len) == 0 && tag_len == 16 &&
	     memcmp(tag, want_tag, tag_len) == 0;
	tap_ok(ok, "OpenSSL agrees: %s", v->name);
	free(ct), free(want_tag), free(out);
}

int main(void)
{
	/* DES, Blowfish and RIPEMD-160 live in OpenSSL 3's legacy provider. */
	if (!OSSL_PROVIDER_load(NULL, "legacy") ||
	    !OSSL_PROVIDER_load(NULL, "default"))
		tap_diag("OpenSSL's legacy provider did not load");
	for (size_t i = 0; i < cipher_vector_count; i++)
		check_cipher(&cipher_vectors[i]);
	for (size_t i = 0; i < hash_vector_count; i++)
		check_hash(&hash_vectors[i]);
	for (size_t i = 0; i < aead_vector_count; i++)
		check_aead(&aead_vectors[i]);
	return tap_finish();
}
