// SPDX-License-Identifier: MIT
/*
 * The vector runs shared by every KAT program.  Each vector becomes a few
 * TAP lines: the one-shot operation in both directions, the same work
 * split over several calls (IV kept in the session, hash UPDATE/FINAL),
 * and for AEAD the written-back length and a forged tag.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "kat.h"
#include "tap.h"
#include "vectors.h"

/* Bytes after an output that an operation must leave alone. */
#define GUARD_LEN	16
#define GUARD_BYTE	0xa5
#define GCM_TAG_LEN	16
#define GCM_IV_LEN	12

struct bytes {
	uint8_t *p;
	size_t len;
};

static struct bytes decode(const struct vec_data *d)
{
	struct bytes b;

	b.p = vec_decode(d, &b.len);
	return b;
}

/* An output buffer of len bytes followed by a guard area. */
static uint8_t *guarded_alloc(size_t len)
{
	uint8_t *p = malloc(len + GUARD_LEN);

	if (!p)
		abort();
	memset(p, GUARD_BYTE, len + GUARD_LEN);
	return p;
}

static bool guard_intact(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < GUARD_LEN; i++)
		if (p[len + i] != GUARD_BYTE)
			return false;
	return true;
}

static bool report_match(const char *what, const uint8_t *got,
			 const uint8_t *want, size_t len, int err)
{
	bool ok = err == 0 && memcmp(got, want, len) == 0 &&
		  guard_intact(got, len);

	if (!tap_ok(ok, "%s", what)) {
		if (err)
			tap_diag("call failed: %s", strerror(-err));
		tap_diag_hex("want", want, len);
		tap_diag_hex("got", got, len + GUARD_LEN);
	}
	return ok;
}

/* ---- ciphers ---- */

struct cipher_case {
	const struct kat_engine *e;
	const struct cipher_vector *v;
	uint32_t ses;
	struct bytes key, iv, pt, ct;
};

static int cipher_op(struct cipher_case *c, uint16_t op, const uint8_t *src,
		     uint8_t *dst, size_t len, uint8_t *iv)
{
	struct crypt_op cop = {
		.ses = c->ses, .op = op, .len = (uint32_t)len,
		.src = (uint8_t *)src, .dst = dst, .iv = iv,
	};

	return c->e->crypt(c->e->ctx, &cop);
}

static void cipher_one_shot(struct cipher_case *c, uint16_t op)
{
	const struct bytes *in = op == COP_ENCRYPT ? &c->pt : &c->ct;
	const struct bytes *want = op == COP_ENCRYPT ? &c->ct : &c->pt;
	uint8_t *out = guarded_alloc(in->len);
	uint8_t *iv = c->iv.len ? malloc(c->iv.len) : NULL;
	char what[160];
	int err;

	if (iv)
		memcpy(iv, c->iv.p, c->iv.len);
	err = cipher_op(c, op, in->p, out, in->len, iv);
	snprintf(what, sizeof(what), "%s: %s %s", c->e->name, c->v->name,
		 op == COP_ENCRYPT ? "encrypt" : "decrypt");
	report_match(what, out, want->p, want->len, err);
	free(out);
	free(iv);
}

/* src == dst is the common way to call cryptodev; it must work too. */
static void cipher_in_place(struct cipher_case *c)
{
	uint8_t *buf = guarded_alloc(c->pt.len);
	uint8_t *iv = c->iv.len ? malloc(c->iv.len) : NULL;
	char what[160];
	int err;

	memcpy(buf, c->pt.p, c->pt.len);
	if (iv)
		memcpy(iv, c->iv.p, c->iv.len);
	err = cipher_op(c, COP_ENCRYPT, buf, buf, c->pt.len, iv);
	snprintf(what, sizeof(what), "%s: %s encrypt in place", c->e->name,
		 c->v->name);
	report_match(what, buf, c->ct.p, c->ct.len, err);
	free(buf);
	free(iv);
}

static bool chains_iv(uint32_t alg)
{
	return alg == CRYPTO_AES_CBC || alg == CRYPTO_AES_CTR ||
	       alg == CRYPTO_3DES_CBC || alg == CRYPTO_DES_CBC ||
	       alg == CRYPTO_BLF_CBC;
}

/*
 * The message in two calls, the second with iv == NULL: the session must
 * carry on from where the first call left the IV (cryptodev-linux keeps
 * the chained IV in the session).
 */
static void cipher_split(struct cipher_case *c, uint16_t op)
{
	const struct bytes *in = op == COP_ENCRYPT ? &c->pt : &c->ct;
	const struct bytes *want = op == COP_ENCRYPT ? &c->ct : &c->pt;
	size_t block = c->v->alg == CRYPTO_3DES_CBC ||
		       c->v->alg == CRYPTO_DES_CBC ||
		       c->v->alg == CRYPTO_BLF_CBC ? 8 : 16;
	size_t first = in->len / block / 2 * block;
	uint8_t *out = guarded_alloc(in->len);
	uint8_t iv[EALG_MAX_BLOCK_LEN];
	char what[160];
	int err;

	memcpy(iv, c->iv.p, c->iv.len);
	err = cipher_op(c, op, in->p, out, first, iv);
	if (!err)
		err = cipher_op(c, op, in->p + first, out + first,
				in->len - first, NULL);
	snprintf(what, sizeof(what), "%s: %s %s in two calls, IV kept",
		 c->e->name, c->v->name, op == COP_ENCRYPT ? "encrypt" : "decrypt");
	report_match(what, out, want->p, want->len, err);
	free(out);
}

static void cipher_case_free(struct cipher_case *c)
{
	free(c->key.p), free(c->iv.p), free(c->pt.p), free(c->ct.p);
}

static void run_cipher_vector(const struct kat_engine *e,
			      const struct cipher_vector *v)
{
	struct cipher_case c = { .e = e, .v = v };
	struct session_op sop = { .cipher = v->alg };
	int err;

	c.key = decode(&v->key), c.iv = decode(&v->iv);
	c.pt = decode(&v->plain), c.ct = decode(&v->cipher);
	sop.keylen = (uint32_t)c.key.len;
	sop.key = c.key.p;
	err = e->new_session(e->ctx, &sop);
	if (!tap_ok(err == 0, "%s: %s session", e->name, v->name)) {
		tap_diag("CIOCGSESSION failed: %s", strerror(-err));
		cipher_case_free(&c);
		return;
	}
	c.ses = sop.ses;
	cipher_one_shot(&c, COP_ENCRYPT);
	cipher_one_shot(&c, COP_DECRYPT);
	cipher_in_place(&c);
	if (chains_iv(v->alg)) {
		cipher_split(&c, COP_ENCRYPT);
		cipher_split(&c, COP_DECRYPT);
	}
	err = e->free_session(e->ctx, c.ses);
	tap_ok(err == 0, "%s: %s session freed", e->name, v->name);
	cipher_case_free(&c);
}

void kat_run_cipher_vectors(const struct kat_engine *e)
{
	for (size_t i = 0; i < cipher_vector_count; i++)
		run_cipher_vector(e, &cipher_vectors[i]);
}

/* ---- hashes and HMACs ---- */

struct hash_case {
	const struct kat_engine *e;
	const struct hash_vector *v;
	uint32_t ses;
	struct bytes key, msg, want;
	size_t digest_len;
};

static int hash_op(struct hash_case *h, uint16_t flags, const uint8_t *src,
		   size_t len, uint8_t *mac)
{
	struct crypt_op cop = {
		.ses = h->ses, .op = COP_ENCRYPT, .flags = flags,
		.len = (uint32_t)len, .src = (uint8_t *)src, .mac = mac,
	};

	return h->e->crypt(h->e->ctx, &cop);
}

/* Compares the (maybe truncated) known digest and the guard after it. */
static void report_digest(struct hash_case *h, const char *how,
			  const uint8_t *mac, int err)
{
	bool ok = err == 0 && memcmp(mac, h->want.p, h->want.len) == 0 &&
		  guard_intact(mac, h->digest_len);

	if (!tap_ok(ok, "%s: %s %s", h->e->name, h->v->name, how)) {
		if (err)
			tap_diag("call failed: %s", strerror(-err));
		tap_diag_hex("want", h->want.p, h->want.len);
		tap_diag_hex("got", mac, h->digest_len + GUARD_LEN);
	}
}

static void hash_one_shot(struct hash_case *h)
{
	uint8_t *mac = guarded_alloc(h->digest_len);
	int err = hash_op(h, COP_FLAG_NONE, h->msg.p, h->msg.len, mac);

	report_digest(h, "one call", mac, err);
	free(mac);
}

/*
 * The message in pieces: RESET|UPDATE, UPDATE..., then FINAL with the
 * last piece.  The pieces end mid-block so that the engine must carry
 * partial blocks between calls.
 */
static void hash_chunked(struct hash_case *h)
{
	uint8_t *mac = guarded_alloc(h->digest_len);
	size_t chunk = h->msg.len / 3;
	size_t off = 0;
	uint16_t flags = COP_FLAG_UPDATE | COP_FLAG_RESET;
	int err = 0;

	if (chunk > KAT_HASH_CHUNK_MAX)
		chunk = KAT_HASH_CHUNK_MAX;
	if (chunk == 0)
		chunk = 1;
	while (!err && h->msg.len - off > chunk) {
		err = hash_op(h, flags, h->msg.p + off, chunk, NULL);
		off += chunk;
		flags = COP_FLAG_UPDATE;
	}
	if (!err)
		err = hash_op(h, COP_FLAG_FINAL, h->msg.p + off,
			      h->msg.len - off, mac);
	report_digest(h, "in pieces (UPDATE, FINAL)", mac, err);
	free(mac);
}

static void hash_case_free(struct hash_case *h)
{
	free(h->key.p), free(h->msg.p), free(h->want.p);
}

static void run_hash_vector(const struct kat_engine *e,
			    const struct hash_vector *v)
{
	struct hash_case h = { .e = e, .v = v };
	struct session_op sop = { .mac = v->alg };
	int err;

	h.key = decode(&v->key), h.msg = decode(&v->msg);
	h.want = decode(&v->digest);
	h.digest_len = vec_digest_len(v->alg);
	if (vec_alg_is_hmac(v->alg)) {
		sop.mackeylen = (uint32_t)h.key.len;
		sop.mackey = h.key.p;
	}
	err = e->new_session(e->ctx, &sop);
	if (!tap_ok(err == 0, "%s: %s session", e->name, v->name)) {
		tap_diag("CIOCGSESSION failed: %s", strerror(-err));
		hash_case_free(&h);
		return;
	}
	h.ses = sop.ses;
	hash_one_shot(&h);
	if (h.msg.len > 1)
		hash_chunked(&h);
	err = e->free_session(e->ctx, h.ses);
	tap_ok(err == 0, "%s: %s session freed", e->name, v->name);
	hash_case_free(&h);
}

void kat_run_hash_vectors(const struct kat_engine *e)
{
	for (size_t i = 0; i < hash_vector_count; i++)
		run_hash_vector(e, &hash_vectors[i]);
}

/* ---- AEAD (AES-GCM through CIOCAUTHCRYPT) ---- */

struct aead_case {
	const struct kat_engine *e;
	const struct aead_vector *v;
	uint32_t ses;
	struct bytes key, iv, aad, pt, ct, tag;
};

static int aead_op(struct aead_case *a, uint16_t op, const uint8_t *src,
		   size_t len, uint8_t *dst, uint32_t *out_len)
{
	struct crypt_auth_op caop = {
		.ses = a->ses, .op = op, .len = (uint32_t)len,
		.auth_src = a->aad.p, .auth_len = (uint32_t)a->aad.len,
		.src = (uint8_t *)src, .dst = dst,
		.tag_len = GCM_TAG_LEN,
		.iv = a->iv.p, .iv_len = (uint32_t)a->iv.len,
	};
	int err = a->e->auth_crypt(a->e->ctx, &caop);

	*out_len = caop.len;
	return err;
}

/* ciphertext || tag, the layout CIOCAUTHCRYPT reads and writes. */
static uint8_t *sealed_message(const struct aead_case *a)
{
	uint8_t *s = malloc(a->ct.len + GCM_TAG_LEN);

	if (!s)
		abort();
	memcpy(s, a->ct.p, a->ct.len);
	memcpy(s + a->ct.len, a->tag.p, GCM_TAG_LEN);
	return s;
}

static void aead_encrypt(struct aead_case *a)
{
	size_t sealed_len = a->ct.len + GCM_TAG_LEN;
	uint8_t *want = sealed_message(a);
	uint8_t *out = guarded_alloc(sealed_len);
	uint32_t out_len = 0;
	char what[160];
	int err = aead_op(a, COP_ENCRYPT, a->pt.p, a->pt.len, out, &out_len);

	snprintf(what, sizeof(what), "%s: %s encrypt (ciphertext || tag)",
		 a->e->name, a->v->name);
	report_match(what, out, want, sealed_len, err);
	if (!tap_ok(!err && out_len == sealed_len,
		    "%s: %s encrypt writes back len = %zu", a->e->name,
		    a->v->name, sealed_len))
		tap_diag("len after the call: %u", out_len);
	free(want);
	free(out);
}

static void aead_decrypt(struct aead_case *a)
{
	size_t sealed_len = a->ct.len + GCM_TAG_LEN;
	uint8_t *in = sealed_message(a);
	/* cryptodev-linux maps len bytes of dst even when decrypting. */
	uint8_t *out = guarded_alloc(sealed_len);
	uint32_t out_len = 0;
	char what[160];
	int err = aead_op(a, COP_DECRYPT, in, sealed_len, out, &out_len);

	snprintf(what, sizeof(what), "%s: %s decrypt", a->e->name, a->v->name);
	report_match(what, out, a->pt.p, a->pt.len, err);
	if (!tap_ok(!err && out_len == a->pt.len,
		    "%s: %s decrypt writes back len = %zu", a->e->name,
		    a->v->name, a->pt.len))
		tap_diag("len after the call: %u", out_len);
	free(in);
	free(out);
}

static void aead_forged_tag(struct aead_case *a)
{
	size_t sealed_len = a->ct.len + GCM_TAG_LEN;
	uint8_t *in = sealed_message(a);
	uint8_t *out = guarded_alloc(sealed_len);
	uint32_t out_len;
	int err;

	in[sealed_len - 1] ^= 0x01;
	err = aead_op(a, COP_DECRYPT, in, sealed_len, out, &out_len);
	if (!tap_ok(err == -EBADMSG, "%s: %s forged tag -> EBADMSG",
		    a->e->name, a->v->name))
		tap_diag("got %s", err ? strerror(-err) : "success");
	free(in);
	free(out);
}

static void aead_case_free(struct aead_case *a)
{
	free(a->key.p), free(a->iv.p), free(a->aad.p);
	free(a->pt.p), free(a->ct.p), free(a->tag.p);
}

static void run_aead_vector(const struct kat_engine *e,
			    const struct aead_vector *v)
{
	struct aead_case a = { .e = e, .v = v };
	struct session_op sop = { .cipher = v->alg };
	int err;

	a.key = decode(&v->key), a.iv = decode(&v->iv);
	a.aad = decode(&v->aad), a.pt = decode(&v->plain);
	a.ct = decode(&v->cipher), a.tag = decode(&v->tag);
	if (a.iv.len != GCM_IV_LEN || a.tag.len != GCM_TAG_LEN)
		abort();
	sop.keylen = (uint32_t)a.key.len;
	sop.key = a.key.p;
	err = e->new_session(e->ctx, &sop);
	if (!tap_ok(err == 0, "%s: %s session", e->name, v->name)) {
		tap_diag("CIOCGSESSION failed: %s", strerror(-err));
		aead_case_free(&a);
		return;
	}
	a.ses = sop.ses;
	aead_encrypt(&a);
	aead_decrypt(&a);
	aead_forged_tag(&a);
	err = e->free_session(e->ctx, a.ses);
	tap_ok(err == 0, "%s: %s session freed", e->name, v->name);
	aead_case_free(&a);
}

void kat_run_aead_vectors(const struct kat_engine *e)
{
	for (size_t i = 0; i < aead_vector_count; i++)
		run_aead_vector(e, &aead_vectors[i]);
}

void kat_run_all_vectors(const struct kat_engine *e)
{
	kat_run_cipher_vectors(e);
	kat_run_hash_vectors(e);
	kat_run_aead_vectors(e);
}

/* ---- the /dev/crypto engine ---- */

static int dev_ioctl(void *ctx, unsigned long request, void *arg)
{
	return ioctl(*(int *)ctx, request, arg) < 0 ? -errno : 0;
}

static int dev_new_session(void *ctx, struct session_op *sop)
{
	return dev_ioctl(ctx, CIOCGSESSION, sop);
}

static int dev_free_session(void *ctx, uint32_t ses)
{
	return dev_ioctl(ctx, CIOCFSESSION, &ses);
}

static int dev_crypt(void *ctx, struct crypt_op *cop)
{
	return dev_ioctl(ctx, CIOCCRYPT, cop);
}

static int dev_auth_crypt(void *ctx, struct crypt_auth_op *caop)
{
	return dev_ioctl(ctx, CIOCAUTHCRYPT, caop);
}

const struct kat_engine kat_devcrypto_template = {
	.name = "dev",
	.new_session = dev_new_session,
	.free_session = dev_free_session,
	.crypt = dev_crypt,
	.auth_crypt = dev_auth_crypt,
};
