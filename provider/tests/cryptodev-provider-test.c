// SPDX-License-Identifier: MIT
/*
 * Tests of the cryptodev OpenSSL provider through OpenSSL's own API, as
 * TAP.  One library context loads the provider (OPENSSL_MODULES or
 * OpenSSL's MODULESDIR) and the default provider; "provider=cryptodev"
 * fetches the device's algorithms, "provider=default" the reference.
 *
 *   cryptodev-provider-test kat          standard vectors, one-shot and
 *                                        streamed in several splits
 *   cryptodev-provider-test random N     N rounds per algorithm against the
 *                                        default provider (random keys,
 *                                        lengths, split points)
 *   cryptodev-provider-test api          copies, reinit, padding, tags,
 *                                        EVP_Cipher, TLS 1.2 AAD records,
 *                                        digest/MAC dup, errors
 *   cryptodev-provider-test tls          TLS 1.2 and 1.3 between two SSL
 *                                        objects, both on the provider
 *   cryptodev-provider-test errors CNF   the provider configured by CNF on
 *                                        a device that does not exist
 *   cryptodev-provider-test host         no /dev/crypto: the provider loads,
 *                                        offers nothing, the default serves
 *
 * Each command ends with a check that every device session was closed.
 * The device commands bail out without a device unless PROV_TEST_NO_DEVICE
 * is set (then they run against the default provider alone: a check of
 * the tests themselves on the host).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/provider.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <crypto/cryptodev.h>

#include "tap.h"
#include "vectors.h"

#define DEV "provider=cryptodev"
#define REF "provider=default"

static OSSL_LIB_CTX *libctx;
static OSSL_PROVIDER *prov_dev, *prov_def;

static void setup(const char *cnf)
{
	libctx = OSSL_LIB_CTX_new();
	if (libctx == NULL) {
		printf("Bail out! OSSL_LIB_CTX_new\n");
		exit(1);
	}
	if (cnf != NULL && !OSSL_LIB_CTX_load_config(libctx, cnf)) {
		ERR_print_errors_fp(stdout);
		printf("Bail out! cannot load %s\n", cnf);
		exit(1);
	}
	prov_def = OSSL_PROVIDER_load(libctx, "default");
	prov_dev = OSSL_PROVIDER_load(libctx, "cryptodev");
	if (prov_def == NULL || prov_dev == NULL) {
		ERR_print_errors_fp(stdout);
		printf("Bail out! cannot load the providers\n");
		exit(1);
	}
}

static unsigned long prov_counter(const char *name)
{
	unsigned long v = 0;
	OSSL_PARAM p[2] = { OSSL_PARAM_ulong(name, &v), OSSL_PARAM_END };

	OSSL_PROVIDER_get_params(prov_dev, p);
	return v;
}

static int prov_status(void)
{
	int v = -1;
	OSSL_PARAM p[2] = { OSSL_PARAM_int(OSSL_PROV_PARAM_STATUS, &v),
			    OSSL_PARAM_END };

	OSSL_PROVIDER_get_params(prov_dev, p);
	return v;
}

static void check_sessions(void)
{
	unsigned long o = prov_counter("sessions-opened");
	unsigned long c = prov_counter("sessions-closed");
	unsigned long i = prov_counter("sessions-idle");
	unsigned long r = prov_counter("sessions-reused");

	tap_ok(o == c + i && i <= 32, "leaks: every device session closed or "
	       "idle in the cache (%lu opened, %lu closed, %lu idle, %lu "
	       "reused)", o, c, i, r);
}

static int finish(void)
{
	check_sessions();
	OSSL_PROVIDER_unload(prov_dev);
	OSSL_PROVIDER_unload(prov_def);
	OSSL_LIB_CTX_free(libctx);
	return tap_finish();
}

/* ---- names ---- */

static const char *cipher_name(uint32_t alg, size_t keylen)
{
	switch (alg) {
	case CRYPTO_AES_CBC:
		return keylen == 16 ? "AES-128-CBC" : keylen == 32 ? "AES-256-CBC" : NULL;
	case CRYPTO_AES_CTR:
		return keylen == 16 ? "AES-128-CTR" : keylen == 32 ? "AES-256-CTR" : NULL;
	case CRYPTO_AES_ECB:
		return keylen == 16 ? "AES-128-ECB" : keylen == 32 ? "AES-256-ECB" : NULL;
	case CRYPTO_AES_GCM:
		return keylen == 16 ? "AES-128-GCM" : keylen == 32 ? "AES-256-GCM" : NULL;
	}
	return NULL;
}

static const char *digest_name(uint32_t alg)
{
	switch (alg) {
	case CRYPTO_SHA1: case CRYPTO_SHA1_HMAC:
		return "SHA1";
	case CRYPTO_SHA2_224: case CRYPTO_SHA2_224_HMAC:
		return "SHA2-224";
	case CRYPTO_SHA2_256: case CRYPTO_SHA2_256_HMAC:
		return "SHA2-256";
	case CRYPTO_SHA2_384: case CRYPTO_SHA2_384_HMAC:
		return "SHA2-384";
	case CRYPTO_SHA2_512: case CRYPTO_SHA2_512_HMAC:
		return "SHA2-512";
	}
	return NULL;
}

/* ---- split plans: how a buffer is fed in pieces ---- */

enum { PLAN_ONESHOT, PLAN_SMALL, PLAN_BYTES, PLAN_RANDOM, PLAN_COUNT };
static const char *plan_names[] = { "one-shot", "pieces 1,5,16,17,...",
				    "byte by byte", "random pieces" };

static size_t piece(int plan, size_t left, unsigned int *state)
{
	static const size_t small[] = { 1, 5, 16, 17, 3, 31, 32, 15, 64 };
	size_t n;

	switch (plan) {
	case PLAN_ONESHOT:
		return left;
	case PLAN_SMALL:
		n = small[(*state)++ % (sizeof(small) / sizeof(small[0]))];
		break;
	case PLAN_BYTES:
		n = 1;
		break;
	default:
		n = (size_t)(rand() % 300);
		if (rand() % 8 == 0)
			n = 0;
		break;
	}
	return n < left ? n : left;
}

/* ---- one cipher run: plain or AEAD, in pieces ---- */

struct crun {
	const char *name, *propq;
	int enc, pad;
	const unsigned char *key, *iv, *aad, *in, *tag;
	size_t aadlen, len, taglen;
	int plan;
	/* out */
	unsigned char *out;
	size_t outlen;
	unsigned char tagout[16];
};

static int cipher_run(struct crun *r)
{
	EVP_CIPHER *c = EVP_CIPHER_fetch(libctx, r->name, r->propq);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int ok = 0, outl, aead;
	size_t off, n;
	unsigned int st = 0;

	r->out = malloc(r->len + 32);
	r->outlen = 0;
	if (c == NULL || ctx == NULL || r->out == NULL)
		goto done;
	aead = EVP_CIPHER_get_mode(c) == EVP_CIPH_GCM_MODE;
	if (!EVP_CipherInit_ex2(ctx, c, r->key, r->iv, r->enc, NULL))
		goto done;
	if (!aead && !EVP_CIPHER_CTX_set_padding(ctx, r->pad))
		goto done;
	if (aead && !r->enc && r->tag != NULL &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, (int)r->taglen,
				(void *)r->tag) <= 0)
		goto done;
	for (off = 0; aead && off < r->aadlen; off += n) {
		n = piece(r->plan, r->aadlen - off, &st);
		if (!EVP_CipherUpdate(ctx, NULL, &outl, r->aad + off, (int)n))
			goto done;
	}
	for (off = 0; off < r->len || off == 0; off += n) {
		n = piece(r->plan, r->len - off, &st);
		if (!EVP_CipherUpdate(ctx, r->out + r->outlen, &outl,
				      r->in + off, (int)n))
			goto done;
		r->outlen += (size_t)outl;
		if (r->len == 0)
			break;
	}
	if (!EVP_CipherFinal_ex(ctx, r->out + r->outlen, &outl))
		goto done;
	r->outlen += (size_t)outl;
	if (aead && r->enc &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, r->tagout) <= 0)
		goto done;
	ok = 1;
done:
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(c);
	return ok;
}

static void crun_free(struct crun *r)
{
	free(r->out);
	r->out = NULL;
}

/* ---- digests and HMAC in pieces ---- */

static int hash_run(const char *propq, const char *md, const unsigned char *key,
		    size_t keylen, int hmac, const unsigned char *msg,
		    size_t len, int plan, unsigned char *out, size_t *outlen)
{
	unsigned int st = 0;
	size_t off, n;
	int ok = 0;

	if (!hmac) {
		EVP_MD *m = EVP_MD_fetch(libctx, md, propq);
		EVP_MD_CTX *ctx = EVP_MD_CTX_new();
		unsigned int ol;

		if (m != NULL && ctx != NULL && EVP_DigestInit_ex2(ctx, m, NULL)) {
			for (off = 0, ok = 1; off < len && ok; off += n) {
				n = piece(plan, len - off, &st);
				ok = EVP_DigestUpdate(ctx, msg + off, n);
			}
			ok = ok && EVP_DigestFinal_ex(ctx, out, &ol);
			*outlen = ol;
		}
		EVP_MD_CTX_free(ctx);
		EVP_MD_free(m);
		return ok;
	}
	EVP_MAC *m = EVP_MAC_fetch(libctx, "HMAC", propq);
	EVP_MAC_CTX *ctx = m ? EVP_MAC_CTX_new(m) : NULL;
	OSSL_PARAM p[2] = { OSSL_PARAM_utf8_string(OSSL_MAC_PARAM_DIGEST,
						   (char *)md, 0),
			    OSSL_PARAM_END };

	if (ctx != NULL && EVP_MAC_init(ctx, key, keylen, p)) {
		for (off = 0, ok = 1; off < len && ok; off += n) {
			n = piece(plan, len - off, &st);
			ok = EVP_MAC_update(ctx, msg + off, n);
		}
		ok = ok && EVP_MAC_final(ctx, out, outlen, 64);
	}
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(m);
	return ok;
}

/* ---- kat ---- */

static int cmd_kat(void)
{
	for (size_t i = 0; i < cipher_vector_count; i++) {
		const struct cipher_vector *v = &cipher_vectors[i];
		size_t kl, il, pl, cl;
		unsigned char *k = vec_decode(&v->key, &kl);
		unsigned char *iv = vec_decode(&v->iv, &il);
		unsigned char *pt = vec_decode(&v->plain, &pl);
		unsigned char *ct = vec_decode(&v->cipher, &cl);
		const char *name = cipher_name(v->alg, kl);

		if (name == NULL)
			goto next;
		for (int plan = 0; plan < PLAN_COUNT; plan++) {
			for (int enc = 1; enc >= 0; enc--) {
				struct crun r = { .name = name, .propq = DEV,
					.enc = enc, .pad = 0, .key = k,
					.iv = il ? iv : NULL,
					.in = enc ? pt : ct, .len = pl,
					.plan = plan };
				int ok = cipher_run(&r) && r.outlen == pl &&
					 memcmp(r.out, enc ? ct : pt, pl) == 0;

				tap_ok(ok, "kat: %s %s, %s", v->name,
				       enc ? "encrypt" : "decrypt",
				       plan_names[plan]);
				crun_free(&r);
			}
		}
next:
		free(k); free(iv); free(pt); free(ct);
	}
	for (size_t i = 0; i < aead_vector_count; i++) {
		const struct aead_vector *v = &aead_vectors[i];
		size_t kl, il, al, pl, cl, tl;
		unsigned char *k = vec_decode(&v->key, &kl);
		unsigned char *iv = vec_decode(&v->iv, &il);
		unsigned char *aad = vec_decode(&v->aad, &al);
		unsigned char *pt = vec_decode(&v->plain, &pl);
		unsigned char *ct = vec_decode(&v->cipher, &cl);
		unsigned char *tag = vec_decode(&v->tag, &tl);
		const char *name = cipher_name(v->alg, kl);

		for (int plan = 0; name != NULL && plan < PLAN_COUNT; plan++) {
			struct crun e = { .name = name, .propq = DEV, .enc = 1,
				.key = k, .iv = iv, .aad = aad, .aadlen = al,
				.in = pt, .len = pl, .plan = plan };
			struct crun d = { .name = name, .propq = DEV, .enc = 0,
				.key = k, .iv = iv, .aad = aad, .aadlen = al,
				.in = ct, .len = cl, .tag = tag, .taglen = tl,
				.plan = plan };
			int ok;

			ok = cipher_run(&e) && e.outlen == cl &&
			     memcmp(e.out, ct, cl) == 0 &&
			     memcmp(e.tagout, tag, tl) == 0;
			tap_ok(ok, "kat: %s seal, %s", v->name,
			       plan_names[plan]);
			ok = cipher_run(&d) && d.outlen == pl &&
			     memcmp(d.out, pt, pl) == 0;
			tap_ok(ok, "kat: %s open, %s", v->name,
			       plan_names[plan]);
			crun_free(&e);
			crun_free(&d);
			if (cl > 0) {
				ct[0] ^= 1;
				d.plan = plan;
				ok = !cipher_run(&d);
				tap_ok(ok, "kat: %s open refuses a changed "
				       "ciphertext, %s", v->name,
				       plan_names[plan]);
				crun_free(&d);
				ct[0] ^= 1;
			}
		}
		free(k); free(iv); free(aad); free(pt); free(ct); free(tag);
	}
	for (size_t i = 0; i < hash_vector_count; i++) {
		const struct hash_vector *v = &hash_vectors[i];
		size_t kl, ml, dl, ol;
		unsigned char *k = vec_decode(&v->key, &kl);
		unsigned char *m = vec_decode(&v->msg, &ml);
		unsigned char *d = vec_decode(&v->digest, &dl);
		unsigned char out[64];
		const char *md = digest_name(v->alg);
		int hmac = vec_alg_is_hmac(v->alg);

		for (int plan = 0; md != NULL && plan < PLAN_COUNT; plan++) {
			int ok;

			if (plan == PLAN_BYTES && ml > 5000)
				continue;
			ok = hash_run(DEV, md, k, kl, hmac, m, ml, plan, out,
				      &ol) && ol >= dl && memcmp(out, d, dl) == 0;
			tap_ok(ok, "kat: %s, %s", v->name, plan_names[plan]);
		}
		free(k); free(m); free(d);
	}
	return finish();
}

/* ---- random comparison with the default provider ---- */

static void rnd(unsigned char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (unsigned char)rand();
}

static size_t rnd_len(void)
{
	switch (rand() % 10) {
	case 0:
		return (size_t)(rand() % 17);
	case 1:
		return 60000 + (size_t)(rand() % 20000);	/* past the keep */
	default:
		return (size_t)(rand() % 4096);
	}
}

static int cmp_cipher(const char *name, int rounds)
{
	int bad = 0;
	EVP_CIPHER *c = EVP_CIPHER_fetch(libctx, name, DEV);
	int aead = c && EVP_CIPHER_get_mode(c) == EVP_CIPH_GCM_MODE;
	int blk = c ? EVP_CIPHER_get_block_size(c) : 1;
	size_t kl = c ? (size_t)EVP_CIPHER_get_key_length(c) : 0;

	EVP_CIPHER_free(c);
	if (kl == 0)
		return tap_ok(0, "random: %s not offered", name);
	for (int i = 0; i < rounds; i++) {
		unsigned char key[32], iv[16], *in, *aad;
		size_t len = rnd_len(), al = aead ? (size_t)(rand() % 100) : 0;
		int pad = aead ? 0 : rand() % 2;

		if (rand() % 2)
			len = len > 20000 ? len : len % 2000;
		if (!aead && !pad && blk > 1)
			len -= len % (size_t)blk;
		in = malloc(len + 1);
		aad = malloc(al + 1);
		rnd(key, sizeof(key));
		rnd(iv, sizeof(iv));
		rnd(in, len);
		rnd(aad, al);
		for (int enc = 1; enc >= 0; enc--) {
			struct crun a = { .name = name, .propq = DEV, .enc = 1,
				.pad = pad, .key = key, .iv = iv, .aad = aad,
				.aadlen = al, .in = in, .len = len,
				.plan = PLAN_RANDOM };
			struct crun b = a;
			int ok;

			b.propq = REF;
			b.plan = PLAN_ONESHOT;
			ok = cipher_run(&b);
			if (ok && !enc) {
				/* decrypt what the reference sealed */
				a.enc = b.enc = 0;
				a.in = b.out;
				a.len = b.outlen;
				a.tag = b.tagout;
				a.taglen = 16;
				ok = cipher_run(&a);
				ok = ok && a.outlen == len &&
				     memcmp(a.out, in, len) == 0;
			} else if (ok) {
				ok = cipher_run(&a) && a.outlen == b.outlen &&
				     memcmp(a.out, b.out, a.outlen) == 0 &&
				     (!aead || memcmp(a.tagout, b.tagout, 16) == 0);
			}
			if (!ok && bad++ < 3)
				tap_diag("%s: round %d %s len %zu aad %zu pad %d "
					 "differs", name, i,
					 enc ? "encrypt" : "decrypt", len, al,
					 pad);
			crun_free(&a);
			free(b.out);
		}
		free(in);
		free(aad);
	}
	return tap_ok(bad == 0, "random: %s, %d rounds (random keys, lengths, "
		      "split points) equal to the default provider", name,
		      rounds);
}

static int cmp_hash(const char *md, int hmac, int rounds)
{
	int bad = 0;

	for (int i = 0; i < rounds; i++) {
		size_t len = rnd_len(), kl = (size_t)(rand() % 200), la, lb;
		unsigned char *msg = malloc(len + 1), key[200], a[64], b[64];
		int ok;

		if (rand() % 2)
			len = len > 20000 ? len : len % 2000;
		rnd(msg, len);
		rnd(key, kl);
		ok = hash_run(DEV, md, key, kl, hmac, msg, len, PLAN_RANDOM, a,
			      &la) &&
		     hash_run(REF, md, key, kl, hmac, msg, len, PLAN_ONESHOT, b,
			      &lb) &&
		     la == lb && memcmp(a, b, la) == 0;
		if (!ok && bad++ < 3)
			tap_diag("%s%s: round %d len %zu differs",
				 hmac ? "HMAC-" : "", md, i, len);
		free(msg);
	}
	return tap_ok(bad == 0, "random: %s%s, %d rounds equal to the default "
		      "provider", hmac ? "HMAC-" : "", md, rounds);
}

static const char *all_ciphers[] = {
	"AES-128-CBC", "AES-256-CBC", "AES-128-CTR", "AES-256-CTR",
	"AES-128-ECB", "AES-256-ECB", "AES-128-GCM", "AES-256-GCM" };
static const char *all_digests[] = {
	"SHA1", "SHA2-224", "SHA2-256", "SHA2-384", "SHA2-512" };

static int cmd_random(int rounds)
{
	unsigned int seed = (unsigned int)time(NULL);

	if (getenv("PROV_SEED") != NULL)
		seed = (unsigned int)strtoul(getenv("PROV_SEED"), NULL, 0);
	tap_diag("seed %u (PROV_SEED=%u repeats it)", seed, seed);
	srand(seed);
	for (size_t i = 0; i < sizeof(all_ciphers) / sizeof(*all_ciphers); i++)
		cmp_cipher(all_ciphers[i], rounds);
	for (size_t i = 0; i < sizeof(all_digests) / sizeof(*all_digests); i++) {
		cmp_hash(all_digests[i], 0, rounds / 2);
		cmp_hash(all_digests[i], 1, rounds / 2);
	}
	return finish();
}

/* ---- api ---- */

static int same(const unsigned char *a, const unsigned char *b, size_t n)
{
	return memcmp(a, b, n) == 0;
}

/* CBC/CTR/ECB: copy mid-stream, reinit with and without key or IV. */
static void api_cipher(const char *name)
{
	unsigned char key[32], key2[32], iv[16], iv2[16], in[200];
	unsigned char a[300], b[300], c2[300];
	EVP_CIPHER *cd = EVP_CIPHER_fetch(libctx, name, DEV);
	EVP_CIPHER *cr = EVP_CIPHER_fetch(libctx, name, REF);
	EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new(), *y = EVP_CIPHER_CTX_new();
	EVP_CIPHER_CTX *z = EVP_CIPHER_CTX_new();
	int la, lb, lc, t, ok;

	rnd(key, 32); rnd(key2, 32); rnd(iv, 16); rnd(iv2, 16); rnd(in, 200);
	/* copy after 37 bytes: both halves finish like the reference */
	ok = EVP_EncryptInit_ex2(x, cd, key, iv, NULL) &&
	     EVP_EncryptInit_ex2(z, cr, key, iv, NULL) &&
	     EVP_EncryptUpdate(x, a, &la, in, 37) &&
	     EVP_EncryptUpdate(z, b, &lb, in, 37) &&
	     EVP_CIPHER_CTX_copy(y, x);
	if (ok) {
		memcpy(c2, a, (size_t)la);
		lc = la;
		ok = EVP_EncryptUpdate(x, a + la, &t, in + 37, 163) &&
		     (la += t, EVP_EncryptFinal_ex(x, a + la, &t)) &&
		     (la += t, EVP_EncryptUpdate(y, c2 + lc, &t, in + 37, 163)) &&
		     (lc += t, EVP_EncryptFinal_ex(y, c2 + lc, &t)) &&
		     (lc += t, EVP_EncryptUpdate(z, b + lb, &t, in + 37, 163)) &&
		     (lb += t, EVP_EncryptFinal_ex(z, b + lb, &t)) &&
		     (lb += t, la == lb && lc == lb && same(a, b, (size_t)la) &&
		      same(c2, b, (size_t)lb));
	}
	tap_ok(ok, "api: %s context copied mid-stream, both finish like the "
	       "default provider", name);
	/* reinit: new key and IV; same key new IV; no key no IV (restart) */
	for (int mode = 0; mode < 3; mode++) {
		const unsigned char *k = mode == 0 ? key2 : NULL;
		const unsigned char *v = mode == 2 ? NULL : iv2;

		ok = EVP_EncryptInit_ex2(x, NULL, k, v, NULL) &&
		     EVP_EncryptInit_ex2(z, NULL, k, v, NULL) &&
		     EVP_EncryptUpdate(x, a, &la, in, 100) &&
		     EVP_EncryptFinal_ex(x, a + la, &t) && (la += t) &&
		     EVP_EncryptUpdate(z, b, &lb, in, 100) &&
		     EVP_EncryptFinal_ex(z, b + lb, &t) && (lb += t) &&
		     la == lb && same(a, b, (size_t)la);
		tap_ok(ok, "api: %s reinit %s equals the default provider",
		       name, mode == 0 ? "with a new key and IV" :
		       mode == 1 ? "with a new IV, same key" :
		       "without key or IV");
	}
	/* EVP_Cipher: raw blocks chained across calls */
	ok = EVP_EncryptInit_ex2(x, cd, key, iv, NULL) &&
	     EVP_EncryptInit_ex2(z, cr, key, iv, NULL) &&
	     EVP_CIPHER_CTX_set_padding(x, 0) &&
	     EVP_CIPHER_CTX_set_padding(z, 0) &&
	     EVP_Cipher(x, a, in, 64) > 0 && EVP_Cipher(x, a + 64, in + 64, 96) > 0 &&
	     EVP_Cipher(z, b, in, 160) > 0 && same(a, b, 160);
	tap_ok(ok, "api: %s EVP_Cipher in two calls equals one", name);
	if (EVP_CIPHER_get_block_size(cd) > 1) {
		ERR_clear_error();
		ok = EVP_EncryptInit_ex2(x, cd, key, iv, NULL) &&
		     EVP_CIPHER_CTX_set_padding(x, 0) &&
		     EVP_EncryptUpdate(x, a, &la, in, 20) &&
		     !EVP_EncryptFinal_ex(x, a + la, &t) &&
		     ERR_peek_last_error() != 0;
		tap_ok(ok, "api: %s padding off refuses a partial block with "
		       "an error", name);
		ERR_clear_error();
		/* decrypt garbage with padding on: bad decrypt (or, rarely,
		 * a valid-looking pad: then the lengths agree with default) */
		ok = EVP_DecryptInit_ex2(x, cd, key, iv, NULL) &&
		     EVP_DecryptInit_ex2(z, cr, key, iv, NULL) &&
		     EVP_DecryptUpdate(x, a, &la, in, 32) &&
		     EVP_DecryptUpdate(z, b, &lb, in, 32);
		if (ok) {
			int fx = EVP_DecryptFinal_ex(x, a + la, &t);
			int fz = EVP_DecryptFinal_ex(z, b + lb, &lc);

			ok = fx == fz && (!fx || t == lc);
		}
		tap_ok(ok, "api: %s padding check agrees with the default "
		       "provider", name);
		ERR_clear_error();
	}
	EVP_CIPHER_CTX_free(x); EVP_CIPHER_CTX_free(y); EVP_CIPHER_CTX_free(z);
	EVP_CIPHER_free(cd); EVP_CIPHER_free(cr);
}

static void api_gcm(const char *name)
{
	unsigned char key[32], iv[12], aad[40], in[300], a[320], b[320];
	unsigned char ta[16], tb[16];
	EVP_CIPHER *cd = EVP_CIPHER_fetch(libctx, name, DEV);
	EVP_CIPHER *cr = EVP_CIPHER_fetch(libctx, name, REF);
	EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new(), *y = EVP_CIPHER_CTX_new();
	int la, lb, t, ok;

	rnd(key, 32); rnd(iv, 12); rnd(aad, 40); rnd(in, 300);
	/* reference seal */
	ok = EVP_EncryptInit_ex2(y, cr, key, iv, NULL) &&
	     EVP_EncryptUpdate(y, NULL, &t, aad, 40) &&
	     EVP_EncryptUpdate(y, b, &lb, in, 300) &&
	     EVP_EncryptFinal_ex(y, b + lb, &t) &&
	     EVP_CIPHER_CTX_ctrl(y, EVP_CTRL_AEAD_GET_TAG, 16, tb) > 0;
	/* copy in the middle of the data */
	if (ok) {
		EVP_CIPHER_CTX *w = EVP_CIPHER_CTX_new();
		int lw;

		ok = EVP_EncryptInit_ex2(x, cd, key, iv, NULL) &&
		     EVP_EncryptUpdate(x, NULL, &t, aad, 10) &&
		     EVP_EncryptUpdate(x, NULL, &t, aad + 10, 30) &&
		     EVP_EncryptUpdate(x, a, &la, in, 100) &&
		     EVP_CIPHER_CTX_copy(w, x) &&
		     EVP_EncryptUpdate(x, a + la, &t, in + 100, 200) &&
		     EVP_EncryptFinal_ex(x, a + 300, &t) &&
		     EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_GET_TAG, 16, ta) > 0 &&
		     same(a, b, 300) && same(ta, tb, 16);
		tap_ok(ok, "api: %s AAD in two pieces, data in two, equals the "
		       "default provider", name);
		memset(ta, 0, 16);
		ok = EVP_EncryptUpdate(w, a + 100, &lw, in + 100, 200) &&
		     EVP_EncryptFinal_ex(w, a + 300, &t) &&
		     EVP_CIPHER_CTX_ctrl(w, EVP_CTRL_AEAD_GET_TAG, 16, ta) > 0 &&
		     same(a, b, 300) && same(ta, tb, 16);
		tap_ok(ok, "api: %s context copied mid-message finishes alike",
		       name);
		EVP_CIPHER_CTX_free(w);
	}
	/* encrypting again without a new IV is refused */
	ERR_clear_error();
	ok = EVP_EncryptInit_ex2(x, NULL, NULL, NULL, NULL) &&
	     !EVP_EncryptUpdate(x, a, &la, in, 16) && ERR_peek_last_error() != 0;
	tap_ok(ok, "api: %s a second message under the same IV is refused",
	       name);
	ERR_clear_error();
	/* a long stream (as openssl speed makes): 100 updates of 16 KiB,
	 * past CDEV_GCM_MAX, the ciphertext still equal; final then fails
	 * with an error (no tag) */
	{
		static unsigned char big[16384], ca[16384], cb[16384];
		int same_all = 1, lx, ly;

		rnd(big, sizeof(big));
		ok = EVP_EncryptInit_ex2(x, cd, key, iv, NULL) &&
		     EVP_EncryptInit_ex2(y, cr, key, iv, NULL);
		for (int i = 0; ok && i < 100; i++) {
			ok = EVP_EncryptUpdate(x, ca, &lx, big, sizeof(big)) &&
			     EVP_EncryptUpdate(y, cb, &ly, big, sizeof(big)) &&
			     lx == ly;
			if (!ok)
				tap_diag("update %d failed", i);
			same_all &= ok && same(ca, cb, sizeof(ca));
		}
		tap_ok(ok && same_all, "api: %s 100 updates of 16 KiB equal the "
		       "default provider's stream", name);
		ERR_clear_error();
		ok = !EVP_EncryptFinal_ex(x, a, &t) && ERR_peek_last_error() != 0;
		tap_ok(ok, "api: %s final past %d bytes fails with an error",
		       name, 1024 * 1024 - 16);
		ERR_clear_error();
		EVP_CIPHER_CTX_reset(x);
		EVP_CIPHER_CTX_reset(y);
	}
	/* tag set after the data, truncated to 12 bytes */
	ok = EVP_DecryptInit_ex2(x, cd, key, iv, NULL) &&
	     EVP_DecryptUpdate(x, NULL, &t, aad, 40) &&
	     EVP_DecryptUpdate(x, a, &la, b, 150) &&
	     EVP_DecryptUpdate(x, a + la, &t, b + 150, 150) &&
	     EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_SET_TAG, 12, tb) > 0 &&
	     EVP_DecryptFinal_ex(x, a + 300, &t) && same(a, in, 300);
	tap_ok(ok, "api: %s open with a 12-byte tag set after the data", name);
	/* bad tag set before */
	tb[3] ^= 0x40;
	ok = EVP_DecryptInit_ex2(x, cd, key, iv, NULL) &&
	     EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_SET_TAG, 16, tb) > 0 &&
	     EVP_DecryptUpdate(x, NULL, &t, aad, 40) &&
	     EVP_DecryptUpdate(x, a, &la, b, 300) &&
	     !EVP_DecryptFinal_ex(x, a + 300, &t);
	tap_ok(ok, "api: %s a wrong tag fails final", name);
	tb[3] ^= 0x40;
	ERR_clear_error();
	/* other IV lengths: a clean error */
	ok = EVP_EncryptInit_ex2(x, cd, NULL, NULL, NULL) &&
	     EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_SET_IVLEN, 16, NULL) <= 0;
	{
		const char *file, *func, *data;
		int line, flags;
		unsigned long e = ERR_peek_error_all(&file, &line, &func,
						     &data, &flags);
		const char *lib = ERR_lib_error_string(e);
		const char *why = ERR_reason_error_string(e);

		ok = ok && e != 0 && lib != NULL && why != NULL &&
		     strcmp(why, "invalid IV length") == 0;
		tap_ok(ok, "api: %s a 16-byte IV is refused with the provider's "
		       "error (%s: %s: %s)", name, lib ? lib : "?",
		       why ? why : "?", (flags & ERR_TXT_STRING) ? data : "");
	}
	ERR_clear_error();

	/* the TLS 1.2 record convention, both directions, against default */
	{
		unsigned char fixed[4], hdr[13] = { 0, 0, 0, 0, 0, 0, 0, 1,
						    23, 3, 3, 0, 0 };
		unsigned char rec[8 + 100 + 16], rec2[8 + 100 + 16];
		size_t n = 100, rl = 8 + n + 16;
		int pad;

		rnd(fixed, 4);
		hdr[11] = (unsigned char)((8 + n) >> 8);
		hdr[12] = (unsigned char)(8 + n);
		memcpy(rec + 8, in, n);
		ok = EVP_CipherInit_ex(x, cd, NULL, key, NULL, 1) &&
		     EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_GCM_SET_IV_FIXED, 4, fixed) > 0 &&
		     (pad = EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_TLS1_AAD, 13,
						hdr)) == 16 &&
		     EVP_Cipher(x, rec, rec, (unsigned int)rl) == (int)rl;
		(void)pad;
		/* the reference opens it */
		memcpy(rec2, rec, rl);
		hdr[11] = (unsigned char)(rl >> 8);
		hdr[12] = (unsigned char)rl;
		ok = ok && EVP_CipherInit_ex(y, cr, NULL, key, NULL, 0) &&
		     EVP_CIPHER_CTX_ctrl(y, EVP_CTRL_GCM_SET_IV_FIXED, 4, fixed) > 0 &&
		     EVP_CIPHER_CTX_ctrl(y, EVP_CTRL_AEAD_TLS1_AAD, 13, hdr) == 16 &&
		     EVP_Cipher(y, rec2, rec2, (unsigned int)rl) > 0 &&
		     same(rec2 + 8, in, n);
		tap_ok(ok, "api: %s TLS 1.2 record sealed by the provider, "
		       "opened by the default provider", name);
		/* and the provider opens one of the reference's */
		hdr[11] = (unsigned char)((8 + n) >> 8);
		hdr[12] = (unsigned char)(8 + n);
		memcpy(rec + 8, in, n);
		ok = EVP_CipherInit_ex(y, cr, NULL, key, NULL, 1) &&
		     EVP_CIPHER_CTX_ctrl(y, EVP_CTRL_GCM_SET_IV_FIXED, 4, fixed) > 0 &&
		     EVP_CIPHER_CTX_ctrl(y, EVP_CTRL_AEAD_TLS1_AAD, 13, hdr) == 16 &&
		     EVP_Cipher(y, rec, rec, (unsigned int)rl) == (int)rl;
		hdr[11] = (unsigned char)(rl >> 8);
		hdr[12] = (unsigned char)rl;
		memcpy(rec2, rec, rl);
		ok = ok && EVP_CipherInit_ex(x, cd, NULL, key, NULL, 0) &&
		     EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_GCM_SET_IV_FIXED, 4, fixed) > 0 &&
		     EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_TLS1_AAD, 13, hdr) == 16 &&
		     EVP_CipherUpdate(x, rec2, &la, rec2, (int)rl) &&
		     la == (int)n && same(rec2 + 8, in, n);
		tap_ok(ok, "api: %s TLS 1.2 record sealed by the default "
		       "provider, opened by the provider (EVP_CipherUpdate, "
		       "as libssl)", name);
		rec[20] ^= 1;
		ok = EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_TLS1_AAD, 13, hdr) == 16 &&
		     EVP_Cipher(x, rec, rec, (unsigned int)rl) < 0;
		tap_ok(ok, "api: %s TLS 1.2 record changed in transit is "
		       "refused", name);
		ERR_clear_error();
	}
	EVP_CIPHER_CTX_free(x); EVP_CIPHER_CTX_free(y);
	EVP_CIPHER_free(cd); EVP_CIPHER_free(cr);
}

static void api_hash(void)
{
	unsigned char msg[100000], a[64], b[64];
	unsigned int la, lb;
	size_t sa, sb;
	int ok;

	rnd(msg, sizeof(msg));
	for (size_t i = 0; i < sizeof(all_digests) / sizeof(*all_digests); i++) {
		EVP_MD *md = EVP_MD_fetch(libctx, all_digests[i], DEV);
		EVP_MD_CTX *x = EVP_MD_CTX_new(), *y = EVP_MD_CTX_new();

		ok = EVP_DigestInit_ex2(x, md, NULL) &&
		     EVP_DigestUpdate(x, msg, 1000) && EVP_MD_CTX_copy_ex(y, x) &&
		     EVP_DigestUpdate(x, msg + 1000, 500) &&
		     EVP_DigestFinal_ex(x, a, &la) &&
		     EVP_DigestUpdate(y, msg + 1000, 500) &&
		     EVP_DigestFinal_ex(y, b, &lb) && la == lb && same(a, b, la) &&
		     hash_run(REF, all_digests[i], NULL, 0, 0, msg, 1500,
			      PLAN_ONESHOT, b, &sb) && same(a, b, la);
		tap_ok(ok, "api: %s context copied mid-stream (small), both "
		       "finish right", all_digests[i]);
		/* reinit after an abandoned long (streamed) computation */
		ok = EVP_DigestInit_ex2(x, md, NULL) &&
		     EVP_DigestUpdate(x, msg, sizeof(msg)) &&
		     EVP_DigestInit_ex2(x, md, NULL) &&
		     EVP_DigestUpdate(x, msg, 1500) &&
		     EVP_DigestFinal_ex(x, a, &la) && same(a, b, la);
		tap_ok(ok, "api: %s reinit drops an unfinished streamed "
		       "computation", all_digests[i]);
		ERR_clear_error();
		ok = EVP_DigestInit_ex2(x, md, NULL) &&
		     EVP_DigestUpdate(x, msg, sizeof(msg)) &&
		     !EVP_MD_CTX_copy_ex(y, x) && ERR_peek_last_error() != 0;
		tap_ok(ok, "api: %s copy after %zu streamed bytes fails with "
		       "an error", all_digests[i], sizeof(msg));
		ERR_clear_error();
		EVP_MD_CTX_free(x); EVP_MD_CTX_free(y); EVP_MD_free(md);
	}
	/* HMAC: dup after init and data; reinit without key; long key */
	{
		EVP_MAC *m = EVP_MAC_fetch(libctx, "HMAC", DEV);
		EVP_MAC_CTX *x = EVP_MAC_CTX_new(m), *y = NULL;
		unsigned char key[600];
		OSSL_PARAM p[2] = { OSSL_PARAM_utf8_string(OSSL_MAC_PARAM_DIGEST,
							   "SHA256", 0),
				    OSSL_PARAM_END };

		rnd(key, sizeof(key));
		ok = EVP_MAC_init(x, key, 32, p) && EVP_MAC_update(x, msg, 10) &&
		     (y = EVP_MAC_CTX_dup(x)) != NULL &&
		     EVP_MAC_update(x, msg + 10, 90) &&
		     EVP_MAC_final(x, a, &sa, 64) &&
		     EVP_MAC_update(y, msg + 10, 90) &&
		     EVP_MAC_final(y, b, &sb, 64) && sa == sb && same(a, b, sa) &&
		     hash_run(REF, "SHA256", key, 32, 1, msg, 100, PLAN_ONESHOT,
			      b, &sb) && same(a, b, sa);
		tap_ok(ok, "api: HMAC-SHA256 context duplicated after data, "
		       "both finish right");
		ok = EVP_MAC_init(x, NULL, 0, NULL) && EVP_MAC_update(x, msg, 100) &&
		     EVP_MAC_final(x, a, &sa, 64) && same(a, b, sa);
		tap_ok(ok, "api: HMAC-SHA256 reinit without a key keeps it");
		ok = EVP_MAC_init(x, key, sizeof(key), NULL) &&
		     EVP_MAC_update(x, msg, 100) && EVP_MAC_final(x, a, &sa, 64) &&
		     hash_run(REF, "SHA256", key, sizeof(key), 1, msg, 100,
			      PLAN_ONESHOT, b, &sb) && same(a, b, sa);
		tap_ok(ok, "api: HMAC-SHA256 with a 600-byte key");
		ERR_clear_error();
		p[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
							"MD5", 0);
		ok = !EVP_MAC_init(x, key, 16, p) && ERR_peek_last_error() != 0;
		tap_ok(ok, "api: HMAC over a digest the device lacks: an error");
		ERR_clear_error();
		EVP_MAC_CTX_free(x); EVP_MAC_CTX_free(y); EVP_MAC_free(m);
	}
}

/* More contexts than one device file holds sessions (64 by default):
 * the provider opens more files; all work, all sessions close. */
static void api_many(void)
{
	enum { N = 150 };
	static EVP_CIPHER_CTX *ctx[N];
	unsigned char key[16], iv[16], in[64], a[80], b[80];
	EVP_CIPHER *cd = EVP_CIPHER_fetch(libctx, "AES-128-CBC", DEV);
	EVP_CIPHER *cr = EVP_CIPHER_fetch(libctx, "AES-128-CBC", REF);
	EVP_CIPHER_CTX *r = EVP_CIPHER_CTX_new();
	int ok = 1, made = 0, la, lb, t;

	rnd(in, sizeof(in));
	for (int i = 0; i < N; i++) {
		ctx[i] = EVP_CIPHER_CTX_new();
		key[0] = (unsigned char)i;
		if (ctx[i] == NULL ||
		    !EVP_EncryptInit_ex2(ctx[i], cd, key, iv, NULL))
			break;
		made++;
	}
	for (int i = 0; i < made && ok; i++) {
		key[0] = (unsigned char)i;
		ok = EVP_EncryptUpdate(ctx[i], a, &la, in, 64) &&
		     EVP_EncryptFinal_ex(ctx[i], a + la, &t) && (la += t) &&
		     EVP_EncryptInit_ex2(r, cr, key, iv, NULL) &&
		     EVP_EncryptUpdate(r, b, &lb, in, 64) &&
		     EVP_EncryptFinal_ex(r, b + lb, &t) && (lb += t) &&
		     la == lb && same(a, b, (size_t)la);
	}
	for (int i = 0; i < N; i++)
		EVP_CIPHER_CTX_free(ctx[i]);
	tap_ok(made == N && ok, "api: %d AES-128-CBC contexts at once (more "
	       "than one device file's sessions), each right", made);
	ERR_clear_error();
	EVP_CIPHER_CTX_free(r);
	EVP_CIPHER_free(cd);
	EVP_CIPHER_free(cr);
}

struct thr_arg {
	int id, bad;
};

/* Each thread: its own contexts, random messages, against default. */
static void *api_thread(void *varg)
{
	struct thr_arg *arg = varg;
	unsigned int seed = (unsigned int)arg->id * 7919u + 1;

	for (int i = 0; i < 40; i++) {
		const char *name = all_ciphers[rand_r(&seed) % 8];
		unsigned char key[32], iv[16], in[3000], tagin[16];
		size_t len = (size_t)(rand_r(&seed) % 3000);
		struct crun a = { .name = name, .propq = DEV, .enc = 1,
			.pad = 1, .key = key, .iv = iv, .in = in, .len = len,
			.plan = PLAN_SMALL };
		struct crun b = a;

		for (size_t k = 0; k < sizeof(key); k++)
			key[k] = (unsigned char)rand_r(&seed);
		for (size_t k = 0; k < sizeof(iv); k++)
			iv[k] = (unsigned char)rand_r(&seed);
		for (size_t k = 0; k < len; k++)
			in[k] = (unsigned char)rand_r(&seed);
		(void)tagin;
		b.propq = REF;
		b.plan = PLAN_ONESHOT;
		if (!cipher_run(&a) || !cipher_run(&b) ||
		    a.outlen != b.outlen || !same(a.out, b.out, a.outlen) ||
		    !same(a.tagout, b.tagout, 16))
			arg->bad++;
		crun_free(&a);
		crun_free(&b);
	}
	return NULL;
}

static void api_threads(void)
{
	enum { T = 4 };
	pthread_t th[T];
	struct thr_arg args[T];
	int bad = 0, started = 0;

	for (int i = 0; i < T; i++) {
		args[i].id = i;
		args[i].bad = 0;
		if (pthread_create(&th[i], NULL, api_thread, &args[i]) == 0)
			started++;
	}
	for (int i = 0; i < started; i++) {
		pthread_join(th[i], NULL);
		bad += args[i].bad;
	}
	tap_ok(started == T && bad == 0, "api: %d threads, 40 random messages "
	       "each over all ciphers, equal to the default provider (%d "
	       "differ)", started, bad);
}

static int cmd_api(void)
{
	srand((unsigned int)time(NULL));
	api_many();
	api_threads();
	for (int i = 0; i < 6; i++)
		api_cipher(all_ciphers[i]);
	api_gcm("AES-128-GCM");
	api_gcm("AES-256-GCM");
	api_hash();
	return finish();
}

/* ---- tls ---- */

static int make_cert(EVP_PKEY **pkey, X509 **cert)
{
	X509_NAME *n;

	*pkey = EVP_PKEY_Q_keygen(libctx, NULL, "EC", "P-256");
	*cert = X509_new_ex(libctx, NULL);
	if (*pkey == NULL || *cert == NULL)
		return 0;
	ASN1_INTEGER_set(X509_get_serialNumber(*cert), 1);
	X509_gmtime_adj(X509_getm_notBefore(*cert), -3600);
	X509_gmtime_adj(X509_getm_notAfter(*cert), 3600);
	X509_set_pubkey(*cert, *pkey);
	n = X509_get_subject_name(*cert);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
				   (const unsigned char *)"cryptodev-test", -1,
				   -1, 0);
	X509_set_issuer_name(*cert, n);
	return X509_sign(*cert, *pkey, EVP_sha256()) > 0;
}

/* Move bytes between the two ends until neither wants to. */
static int pump(SSL *a, SSL *b, int (*step)(SSL *, void *), void *arg)
{
	for (int i = 0; i < 1000; i++) {
		int r = step(a, arg);

		if (r == 1)
			return 1;
		if (r < 0)
			return 0;
		(void)b;
	}
	return 0;
}

static int hs_step(SSL *s, void *arg)
{
	SSL *peer = arg;
	int r1 = SSL_do_handshake(s), r2 = SSL_do_handshake(peer);

	if (r1 == 1 && r2 == 1)
		return 1;
	if ((r1 <= 0 && SSL_get_error(s, r1) != SSL_ERROR_WANT_READ &&
	     SSL_get_error(s, r1) != SSL_ERROR_WANT_WRITE) ||
	    (r2 <= 0 && SSL_get_error(peer, r2) != SSL_ERROR_WANT_READ &&
	     SSL_get_error(peer, r2) != SSL_ERROR_WANT_WRITE))
		return -1;
	return 0;
}

/* Send len bytes from one end, read them at the other. */
static int transfer(SSL *from, SSL *to, const unsigned char *d, size_t len)
{
	unsigned char *got = malloc(len);
	size_t sent = 0, recvd = 0;
	int ok = 0;

	for (int i = 0; got != NULL && i < 100000 && recvd < len; i++) {
		if (sent < len) {
			int w = SSL_write(from, d + sent, (int)(len - sent));

			if (w > 0)
				sent += (size_t)w;
			else if (SSL_get_error(from, w) != SSL_ERROR_WANT_WRITE &&
				 SSL_get_error(from, w) != SSL_ERROR_WANT_READ)
				goto done;
		}
		int r = SSL_read(to, got + recvd, (int)(len - recvd));

		if (r > 0)
			recvd += (size_t)r;
		else if (SSL_get_error(to, r) != SSL_ERROR_WANT_READ)
			goto done;
	}
	ok = recvd == len && memcmp(got, d, len) == 0;
done:
	free(got);
	return ok;
}

static void tls_one(int version, const char *suite, EVP_PKEY *pkey,
		    X509 *cert, int no_etm)
{
	/* TLS 1.2 records go through the provider's record paths (counted
	 * as such); TLS 1.3 ones are plain AEAD requests */
	const char *counter = version == TLS1_2_VERSION ? "tls-records" :
			      "aead-ops";
	SSL_CTX *sc = SSL_CTX_new_ex(libctx, "?" DEV, TLS_server_method());
	SSL_CTX *cc = SSL_CTX_new_ex(libctx, "?" DEV, TLS_client_method());
	SSL *s = NULL, *c = NULL;
	BIO *bs = NULL, *bc = NULL;
	unsigned char data[40000];
	unsigned long before, after;
	const char *vname = version == TLS1_3_VERSION ? "TLS 1.3" : "TLS 1.2";
	int ok;

	rnd(data, sizeof(data));
	ok = sc != NULL && cc != NULL &&
	     SSL_CTX_set_min_proto_version(sc, version) &&
	     SSL_CTX_set_max_proto_version(sc, version) &&
	     SSL_CTX_set_min_proto_version(cc, version) &&
	     SSL_CTX_set_max_proto_version(cc, version) &&
	     SSL_CTX_use_certificate(sc, cert) &&
	     SSL_CTX_use_PrivateKey(sc, pkey) &&
	     (version == TLS1_3_VERSION ?
	      SSL_CTX_set_ciphersuites(sc, suite) &&
	      SSL_CTX_set_ciphersuites(cc, suite) :
	      SSL_CTX_set_cipher_list(sc, suite) &&
	      SSL_CTX_set_cipher_list(cc, suite)) &&
	     (s = SSL_new(sc)) != NULL && (c = SSL_new(cc)) != NULL &&
	     BIO_new_bio_pair(&bs, 0, &bc, 0);
	if (ok) {
		SSL_set_bio(s, bs, bs);
		SSL_set_bio(c, bc, bc);
		SSL_set_accept_state(s);
		SSL_set_connect_state(c);
		ok = pump(c, s, hs_step, s);
	}
	if (!ok)
		ERR_print_errors_fp(stdout);
	tap_ok(ok, "tls: %s handshake with %s%s", vname, suite,
	       no_etm ? " (MAC-then-encrypt)" : "");
	if (ok) {
		const char *got = SSL_CIPHER_get_name(SSL_get_current_cipher(c));

		tap_ok(strcmp(got, suite) == 0, "tls: %s negotiated %s", vname,
		       got);
		before = prov_counter(counter);
		ok = transfer(c, s, data, sizeof(data)) &&
		     transfer(s, c, data, 1000) && transfer(c, s, data, 1);
		after = prov_counter(counter);
		/* 40000 bytes are 3 records, then 1 and 1: each sealed and
		 * opened on the device */
		tap_ok(ok && after - before >= (version == TLS1_2_VERSION ? 6 : 10),
		       "tls: %s %s application data both ways, record crypto "
		       "on the device (%lu %s for 5 records)", vname, suite,
		       after - before, counter);
	}
	SSL_free(s);
	SSL_free(c);
	SSL_CTX_free(sc);
	SSL_CTX_free(cc);
}

static int cmd_tls(void)
{
	EVP_PKEY *pkey = NULL;
	X509 *cert = NULL;

	if (!tap_ok(make_cert(&pkey, &cert), "tls: a P-256 certificate"))
		return finish();
	tls_one(TLS1_2_VERSION, "ECDHE-ECDSA-AES128-GCM-SHA256", pkey, cert, 0);
	tls_one(TLS1_2_VERSION, "ECDHE-ECDSA-AES256-GCM-SHA384", pkey, cert, 0);
	tls_one(TLS1_3_VERSION, "TLS_AES_128_GCM_SHA256", pkey, cert, 0);
	tls_one(TLS1_3_VERSION, "TLS_AES_256_GCM_SHA384", pkey, cert, 0);
	/* CBC records: the provider pads, and on opening takes off the
	 * explicit IV, padding and (MAC-then-encrypt) the MAC */
	tls_one(TLS1_2_VERSION, "ECDHE-ECDSA-AES128-SHA256", pkey, cert, 0);
	tls_one(TLS1_2_VERSION, "ECDHE-ECDSA-AES128-SHA256", pkey, cert, 1);
	tls_one(TLS1_2_VERSION, "ECDHE-ECDSA-AES256-SHA384", pkey, cert, 0);
	tls_one(TLS1_2_VERSION, "ECDHE-ECDSA-AES256-SHA384", pkey, cert, 1);
	X509_free(cert);
	EVP_PKEY_free(pkey);
	return finish();
}

/* ---- without a device ---- */

static int fallback_checks(const char *where)
{
	EVP_CIPHER *c;
	EVP_MD *md;
	unsigned char out[64];
	size_t ol;
	unsigned long e;
	int ok;

	tap_ok(prov_status() == 0, "%s: the provider loaded, status 0", where);
	ERR_clear_error();
	c = EVP_CIPHER_fetch(libctx, "AES-128-GCM", DEV);
	e = ERR_peek_last_error();
	tap_ok(c == NULL && e != 0, "%s: fetching AES-128-GCM with %s fails "
	       "with an error (%s)", where, DEV, ERR_reason_error_string(e));
	EVP_CIPHER_free(c);
	ERR_clear_error();
	md = EVP_MD_fetch(libctx, "SHA256", DEV);
	tap_ok(md == NULL, "%s: no SHA256 from the provider", where);
	EVP_MD_free(md);
	ERR_clear_error();
	for (size_t i = 0; i < sizeof(all_ciphers) / sizeof(*all_ciphers); i++) {
		c = EVP_CIPHER_fetch(libctx, all_ciphers[i], NULL);
		ok = c != NULL && strcmp(OSSL_PROVIDER_get0_name(
				EVP_CIPHER_get0_provider(c)), "default") == 0;
		tap_ok(ok, "%s: %s served by the default provider", where,
		       all_ciphers[i]);
		EVP_CIPHER_free(c);
	}
	ok = hash_run("?" DEV, "SHA256", NULL, 0, 0,
		      (const unsigned char *)"abc", 3, PLAN_ONESHOT, out, &ol) &&
	     hash_run("?" DEV, "SHA256", (const unsigned char *)"k", 1, 1,
		      (const unsigned char *)"abc", 3, PLAN_ONESHOT, out, &ol);
	tap_ok(ok, "%s: SHA256 and HMAC under ?%s: served by default", where,
	       DEV);
	tap_ok(ERR_peek_error() == 0, "%s: no error left behind", where);
	return finish();
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(cmd, "errors") == 0 || strcmp(cmd, "host") == 0) {
		setup(argc > 2 ? argv[2] : NULL);
		return fallback_checks(cmd);
	}
	/* PROV_TEST_CNF: a configuration for the library context (another
	 * device, for instance) */
	setup(getenv("PROV_TEST_CNF"));
	if (prov_status() != 1 && getenv("PROV_TEST_NO_DEVICE") == NULL) {
		printf("Bail out! the cryptodev provider found no device\n");
		return 1;
	}
	if (strcmp(cmd, "kat") == 0)
		return cmd_kat();
	if (strcmp(cmd, "random") == 0)
		return cmd_random(argc > 2 ? atoi(argv[2]) : 50);
	if (strcmp(cmd, "api") == 0)
		return cmd_api();
	if (strcmp(cmd, "tls") == 0)
		return cmd_tls();
	fprintf(stderr, "usage: %s kat|random N|api|tls|errors CNF|host\n",
		argv[0]);
	return 2;
}
