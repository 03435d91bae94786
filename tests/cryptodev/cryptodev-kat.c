// SPDX-License-Identifier: MIT
/*
 * cryptodev-kat: known-answer and API-semantics tests for a cryptodev-linux
 * device file.  Prints TAP; exits 0 only when every test passed.
 *
 *   cryptodev-kat [-d DEVICE] [-f FILE_CYCLES]
 *
 * The vectors (vectors.c) are the standards' own; the semantics are those
 * of cryptodev-linux's ioctl code (the errno of each failure included),
 * so the same program judges the original kernel module and this
 * project's virtio driver alike.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <crypto/cryptodev.h>

#include "kat.h"
#include "tap.h"
#include "vectors.h"

#define DEFAULT_DEVICE		"/dev/crypto"
/*
 * open + CIOCGSESSION + close cycles that must all work if closing frees
 * the file's sessions and device state: well over the device's default
 * max-files (256) and more than any per-process limit on open files.
 */
#define DEFAULT_FILE_CYCLES	600
/* An operation larger than the device's default max-data-len (1 MiB). */
#define LARGE_OP_LEN		(2u << 20)
#define LARGE_OP_PIECE		(256u << 10)

static const char *device = DEFAULT_DEVICE;
/*
 * The /dev/crypto under test is cryptodev-linux itself (the reference),
 * not the project's driver: found from CIOCGSESSINFO's driver names, or
 * forced with -r.  Where cryptodev-linux 1.14 answers differently and the
 * project keeps its own answer, the case then checks cryptodev-linux's
 * (docs/cryptodev-tests.md, "Differences"), and cases that crash it are
 * skipped.
 */
static bool on_cryptodev_linux;

static const uint8_t aes128_key[16] = {
	0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
	0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c,
};

/* ---- small helpers over the ioctls ---- */

static int open_device(void)
{
	int fd = open(device, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		printf("Bail out! cannot open %s: %s\n", device, strerror(errno));
		exit(1);
	}
	return fd;
}

static int xioctl(int fd, unsigned long request, void *arg)
{
	return ioctl(fd, request, arg) < 0 ? -errno : 0;
}

static int new_session(int fd, uint32_t cipher, const void *key,
		       size_t key_len, uint32_t mac, const void *mac_key,
		       size_t mac_key_len, uint32_t *ses)
{
	struct session_op sop = {
		.cipher = cipher, .keylen = (uint32_t)key_len,
		.key = (uint8_t *)key,
		.mac = mac, .mackeylen = (uint32_t)mac_key_len,
		.mackey = (uint8_t *)mac_key,
	};
	int err = xioctl(fd, CIOCGSESSION, &sop);

	if (!err && ses)
		*ses = sop.ses;
	return err;
}

static int free_session(int fd, uint32_t ses)
{
	return xioctl(fd, CIOCFSESSION, &ses);
}

static int run_op(int fd, uint32_t ses, uint16_t op, uint16_t flags,
		 const void *src, void *dst, size_t len, void *iv, void *mac)
{
	struct crypt_op cop = {
		.ses = ses, .op = op, .flags = flags, .len = (uint32_t)len,
		.src = (uint8_t *)src, .dst = dst, .iv = iv, .mac = mac,
	};

	return xioctl(fd, CIOCCRYPT, &cop);
}

static bool expect_errno(int err, int want, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * cryptodev-linux 1.14's CIOCFSESSION tests its list cursor, never NULL,
 * for "not found", so an unknown id succeeds; the project's driver gives
 * the ENOENT that code means to return.
 */
#define FREE_UNKNOWN_ERRNO (on_cryptodev_linux ? 0 : ENOENT)
/*
 * cryptodev-linux 1.14's get_userbuf() unpins the dst pages it failed to
 * get (NULL page pointers) when pinning dst fails: a kernel Oops.
 */
#define CDL_DST_OOPS "cryptodev-linux 1.14 oopses on a dst it cannot pin"
/*
 * Linux's ccm answers a message too long for the IV's L with EOVERFLOW,
 * which cryptodev-linux passes on; the device says S_INVAL (EINVAL).
 */
#define CCM_TOO_LONG_ERRNO (on_cryptodev_linux ? EOVERFLOW : EINVAL)
/*
 * Linux's ccm tests msglen > 2^(8L) instead of >=, so it seals a message
 * of exactly 2^(8L) bytes with its length coded as 0; the device refuses.
 */
#define CCM_2_POW_8L_ERRNO (on_cryptodev_linux ? 0 : EINVAL)

static bool expect_errno(int err, int want, const char *fmt, ...)
{
	char what[200];
	va_list ap;
	bool ok;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	ok = tap_ok(err == -want, "%s -> %s", what,
		    want ? strerrorname_np(want) : "success");
	if (!ok)
		tap_diag("got %s", err ? strerrorname_np(-err) : "success");
	return ok;
}

/* The SP 800-38A F.2.1 (CBC) or F.5.1 (CTR) vector from the table. */
static const struct cipher_vector *find_vector(uint32_t alg, size_t key_len)
{
	for (size_t i = 0; i < cipher_vector_count; i++) {
		const struct cipher_vector *v = &cipher_vectors[i];
		size_t len;
		uint8_t *key;

		if (v->alg != alg)
			continue;
		key = vec_decode(&v->key, &len);
		free(key);
		if (len == key_len)
			return v;
	}
	abort();
}

/* ---- IV handling ---- */

/* A CTR counter block plus n, as one 128-bit big-endian number. */
static void counter_add(uint8_t ctr[16], size_t n)
{
	for (int i = 15; i >= 0 && n; i--) {
		n += ctr[i];
		ctr[i] = (uint8_t)n;
		n >>= 8;
	}
}

/*
 * With COP_FLAG_WRITE_IV the IV buffer receives the IV that continues the
 * message: CBC the last ciphertext block, CTR the counter advanced by the
 * blocks used.
 */
static void test_write_iv(int fd, uint32_t alg, uint16_t op)
{
	const struct cipher_vector *v = find_vector(alg, 16);
	size_t key_len, iv_len, pt_len, ct_len, half;
	uint8_t *key = vec_decode(&v->key, &key_len);
	uint8_t *iv = vec_decode(&v->iv, &iv_len);
	uint8_t *pt = vec_decode(&v->plain, &pt_len);
	uint8_t *ct = vec_decode(&v->cipher, &ct_len);
	uint8_t out[64], want_iv[16];
	uint32_t ses;
	int err;

	half = pt_len / 2;
	if (alg == CRYPTO_AES_CBC) {
		memcpy(want_iv, ct + half - 16, 16);
	} else {
		memcpy(want_iv, iv, 16);
		counter_add(want_iv, half / 16);
	}
	err = new_session(fd, alg, key, key_len, 0, NULL, 0, &ses);
	if (!err)
		err = run_op(fd, ses, op, COP_FLAG_WRITE_IV,
			    op == COP_ENCRYPT ? pt : ct, out, half, iv, NULL);
	if (!tap_ok(!err && memcmp(iv, want_iv, 16) == 0,
		    "%s %s with COP_FLAG_WRITE_IV returns the next IV",
		    vec_alg_name(alg), op == COP_ENCRYPT ? "encrypt" : "decrypt")) {
		tap_diag("call: %s", err ? strerror(-err) : "ok");
		tap_diag_hex("want", want_iv, 16);
		tap_diag_hex("got", iv, 16);
	}
	if (!err)
		free_session(fd, ses);
	free(key), free(iv), free(pt), free(ct);
}

/* The IV written back continues the message when passed in again. */
static void test_write_iv_continues(int fd)
{
	const struct cipher_vector *v = find_vector(CRYPTO_AES_CBC, 16);
	size_t key_len, iv_len, pt_len, ct_len;
	uint8_t *key = vec_decode(&v->key, &key_len);
	uint8_t *iv = vec_decode(&v->iv, &iv_len);
	uint8_t *pt = vec_decode(&v->plain, &pt_len);
	uint8_t *ct = vec_decode(&v->cipher, &ct_len);
	uint8_t out[64] = { 0 };
	uint32_t ses1, ses2;
	int err;

	err = new_session(fd, CRYPTO_AES_CBC, key, key_len, 0, NULL, 0, &ses1);
	if (!err)
		err = new_session(fd, CRYPTO_AES_CBC, key, key_len, 0, NULL, 0,
				  &ses2);
	if (!err)
		err = run_op(fd, ses1, COP_ENCRYPT, COP_FLAG_WRITE_IV, pt, out,
			    16, iv, NULL);
	/* A second session, so nothing but the written-back IV links them. */
	if (!err)
		err = run_op(fd, ses2, COP_ENCRYPT, 0, pt + 16, out + 16,
			    pt_len - 16, iv, NULL);
	tap_ok(!err && memcmp(out, ct, ct_len) == 0,
	       "cbc(aes) written-back IV continues the message in another session");
	if (!err) {
		free_session(fd, ses1);
		free_session(fd, ses2);
	}
	free(key), free(iv), free(pt), free(ct);
}

/* ---- hash state ---- */

static const struct hash_vector *find_hash_vector(const char *name)
{
	for (size_t i = 0; i < hash_vector_count; i++)
		if (strcmp(hash_vectors[i].name, name) == 0)
			return &hash_vectors[i];
	abort();
}

/*
 * COP_FLAG_RESET throws away what was absorbed before; FINAL with no data
 * outputs the digest of what UPDATE absorbed; after FINAL a one-shot call
 * starts from scratch.
 */
static void test_hash_reset_update_final(int fd)
{
	const struct hash_vector *v = find_hash_vector(
		"FIPS 180 SHA-256 two-block");
	size_t msg_len, want_len;
	uint8_t *msg = vec_decode(&v->msg, &msg_len);
	uint8_t *want = vec_decode(&v->digest, &want_len);
	static const char noise[] = "absorbed, then thrown away by RESET";
	uint8_t mac[64];
	uint32_t ses;
	int err;

	err = new_session(fd, 0, NULL, 0, CRYPTO_SHA2_256, NULL, 0, &ses);
	if (!tap_ok(!err, "sha256 session for the UPDATE/FINAL/RESET tests"))
		goto out;

	err = run_op(fd, ses, COP_ENCRYPT, COP_FLAG_UPDATE | COP_FLAG_RESET,
		    noise, NULL, sizeof(noise), NULL, NULL);
	if (!err)
		err = run_op(fd, ses, COP_ENCRYPT, COP_FLAG_UPDATE | COP_FLAG_RESET,
			    msg, NULL, 10, NULL, NULL);
	if (!err)
		err = run_op(fd, ses, COP_ENCRYPT, COP_FLAG_UPDATE, msg + 10, NULL,
			    msg_len - 10, NULL, NULL);
	memset(mac, 0, sizeof(mac));
	if (!err)
		err = run_op(fd, ses, COP_ENCRYPT, COP_FLAG_FINAL, msg, NULL, 0,
			    NULL, mac);
	tap_ok(!err && memcmp(mac, want, want_len) == 0,
	       "sha256: RESET drops earlier input, FINAL with no data gives the digest");

	memset(mac, 0, sizeof(mac));
	err = run_op(fd, ses, COP_ENCRYPT, COP_FLAG_UPDATE | COP_FLAG_RESET,
		    noise, NULL, sizeof(noise), NULL, NULL);
	if (!err)
		err = run_op(fd, ses, COP_ENCRYPT, 0, msg, NULL, msg_len, NULL, mac);
	tap_ok(!err && memcmp(mac, want, want_len) == 0,
	       "sha256: a call without UPDATE/FINAL is one whole message");

	/* cryptodev-linux outputs the digest on an UPDATE of nothing. */
	memset(mac, 0, sizeof(mac));
	err = run_op(fd, ses, COP_ENCRYPT, COP_FLAG_UPDATE | COP_FLAG_RESET,
		     msg, NULL, msg_len, NULL, NULL);
	if (!err)
		err = run_op(fd, ses, COP_ENCRYPT, COP_FLAG_UPDATE, msg, NULL, 0,
			     NULL, mac);
	tap_ok(!err && memcmp(mac, want, want_len) == 0,
	       "sha256: COP_FLAG_UPDATE with len 0 outputs the digest");
	free_session(fd, ses);
out:
	free(msg), free(want);
}

/* ---- combined cipher + HMAC session ---- */

static int hmac_sha256(int fd, const void *key, size_t key_len,
		       const void *msg, size_t len, uint8_t mac[32])
{
	uint32_t ses;
	int err = new_session(fd, 0, NULL, 0, CRYPTO_SHA2_256_HMAC, key,
			      key_len, &ses);

	if (err)
		return err;
	err = run_op(fd, ses, COP_ENCRYPT, 0, msg, NULL, len, NULL, mac);
	free_session(fd, ses);
	return err;
}

/*
 * One session with a cipher and an HMAC: encrypting hashes the plaintext
 * it reads, decrypting hashes the plaintext it writes (cryptodev-linux's
 * order), so both directions give the HMAC of the plaintext.
 */
static void test_combined_session(int fd)
{
	const struct cipher_vector *v = find_vector(CRYPTO_AES_CBC, 16);
	static const char mac_key[] = "Jefe";
	size_t key_len, iv_len, pt_len, ct_len;
	uint8_t *key = vec_decode(&v->key, &key_len);
	uint8_t *iv = vec_decode(&v->iv, &iv_len);
	uint8_t *pt = vec_decode(&v->plain, &pt_len);
	uint8_t *ct = vec_decode(&v->cipher, &ct_len);
	uint8_t want_mac[32], mac[32], out[64];
	uint32_t ses;
	int err;

	err = hmac_sha256(fd, mac_key, 4, pt, pt_len, want_mac);
	if (!err)
		err = new_session(fd, CRYPTO_AES_CBC, key, key_len,
				  CRYPTO_SHA2_256_HMAC, mac_key, 4, &ses);
	if (!tap_ok(!err, "cbc(aes) + hmac(sha256) session")) {
		tap_diag("%s", strerror(-err));
		goto out;
	}
	memset(mac, 0, sizeof(mac));
	err = run_op(fd, ses, COP_ENCRYPT, 0, pt, out, pt_len, iv, mac);
	tap_ok(!err && memcmp(out, ct, ct_len) == 0 &&
	       memcmp(mac, want_mac, 32) == 0,
	       "combined encrypt: SP 800-38A ciphertext and HMAC of the plaintext");
	/* Without COP_FLAG_WRITE_IV the IV buffer is still the original. */
	memset(mac, 0, sizeof(mac));
	err = run_op(fd, ses, COP_DECRYPT, 0, ct, out, ct_len, iv, mac);
	tap_ok(!err && memcmp(out, pt, pt_len) == 0 &&
	       memcmp(mac, want_mac, 32) == 0,
	       "combined decrypt: plaintext and HMAC of the plaintext");
	free_session(fd, ses);
out:
	free(key), free(iv), free(pt), free(ct);
}

/* ---- what must be refused ---- */

static void test_bad_lengths(int fd)
{
	static const struct {
		uint32_t alg;
		size_t key_len, len;
	} cases[] = {
		{ CRYPTO_AES_CBC, 16, 17 },
		{ CRYPTO_AES_CBC, 16, 8 },
		{ CRYPTO_AES_ECB, 16, 31 },
		{ CRYPTO_AES_XTS, 32, 20 },
		{ CRYPTO_3DES_CBC, 24, 12 },
	};
	uint8_t key[64] = { 1, 2, 3 }, buf[64] = { 0 }, iv[16] = { 0 };

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t ses;
		int err;

		/* XTS refuses equal key halves in some setups. */
		key[cases[i].key_len / 2] = 0x55;
		err = new_session(fd, cases[i].alg, key, cases[i].key_len, 0,
				  NULL, 0, &ses);
		if (!tap_ok(!err, "%s session", vec_alg_name(cases[i].alg)))
			continue;
		err = run_op(fd, ses, COP_ENCRYPT, 0, buf, buf, cases[i].len,
			    iv, NULL);
		expect_errno(err, EINVAL, "%s with len %zu (not whole blocks)",
			     vec_alg_name(cases[i].alg), cases[i].len);
		free_session(fd, ses);
	}
}

static void test_bad_key_lengths(int fd)
{
	static const struct {
		uint32_t cipher, mac;
		size_t len;
	} cases[] = {
		{ CRYPTO_AES_CBC, 0, 0 },
		{ CRYPTO_AES_CBC, 0, 15 },
		{ CRYPTO_AES_CBC, 0, 17 },
		{ CRYPTO_AES_CTR, 0, 33 },
		{ CRYPTO_AES_ECB, 0, 8 },
		{ CRYPTO_AES_XTS, 0, 16 },
		{ CRYPTO_3DES_CBC, 0, 16 },
		{ CRYPTO_AES_GCM, 0, 20 },
		{ CRYPTO_NULL, 0, 8 },
		{ CRYPTO_DES_CBC, 0, 7 },
		{ CRYPTO_DES_CBC, 0, 16 },
		{ CRYPTO_BLF_CBC, 0, 3 },
		{ CRYPTO_BLF_CBC, 0, 57 },
		{ CRYPTO_CAMELLIA_CBC, 0, 15 },
		{ CRYPTO_CAMELLIA_CBC, 0, 64 },
		{ CRYPTO_AES_CBC, 0, CRYPTO_CIPHER_MAX_KEY_LEN + 1 },
		{ 0, CRYPTO_SHA2_256_HMAC, CRYPTO_HMAC_MAX_KEY_LEN + 1 },
	};
	static uint8_t key[CRYPTO_HMAC_MAX_KEY_LEN + 1];

	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(i * 7 + 1);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t ses = 0;
		int err = new_session(fd, cases[i].cipher, key, cases[i].len,
				      cases[i].mac, key, cases[i].len, &ses);

		expect_errno(err, EINVAL, "%s with a %zu-byte key",
			     vec_alg_name(cases[i].cipher ? cases[i].cipher :
					  cases[i].mac), cases[i].len);
		if (!err)
			free_session(fd, ses);
	}
}

/*
 * ecb(cipher_null): no key, no IV, any length; the output is the input.
 * Blowfish takes keys of 4 to 56 bytes (Linux's range).
 */
static void test_further_algorithms(int fd)
{
	uint8_t in[37], out[37 + 16], key[56];
	struct session_info_op info = { 0 };
	uint32_t ses;
	int err;

	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 13 + 5);
	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(i + 1);
	err = new_session(fd, CRYPTO_NULL, NULL, 0, 0, NULL, 0, &ses);
	if (tap_ok(!err, "ecb(cipher_null) session without a key")) {
		memset(out, 0xa5, sizeof(out));
		err = run_op(fd, ses, COP_ENCRYPT, 0, in, out, sizeof(in), NULL,
			     NULL);
		tap_ok(!err && memcmp(out, in, sizeof(in)) == 0 &&
		       out[sizeof(in)] == 0xa5,
		       "ecb(cipher_null) encrypt of 37 bytes copies them");
		memset(out, 0, sizeof(out));
		err = run_op(fd, ses, COP_DECRYPT, 0, in, out, sizeof(in), NULL,
			     NULL);
		tap_ok(!err && memcmp(out, in, sizeof(in)) == 0,
		       "ecb(cipher_null) decrypt copies too");
		info.ses = ses;
		err = xioctl(fd, CIOCGSESSINFO, &info);
		tap_ok(!err && !strcmp(info.cipher_info.cra_name,
				       "ecb(cipher_null)"),
		       "CIOCGSESSINFO names ecb(cipher_null)");
		free_session(fd, ses);
	}
	for (size_t len = 4; len <= 56; len += 52) {
		err = new_session(fd, CRYPTO_BLF_CBC, key, len, 0, NULL, 0,
				  &ses);
		tap_ok(!err, "cbc(blowfish) with a %zu-byte key", len);
		if (!err)
			free_session(fd, ses);
	}
}

static int copy_hash(int fd, uint32_t dst, uint32_t src)
{
	struct cphash_op op = { .dst_ses = dst, .src_ses = src };

	return xioctl(fd, CIOCCPHASH, &op);
}

/*
 * CIOCCPHASH: a running digest copied into another session finishes the
 * same in both (FIPS 180 "abc", RFC 4231 case 2), with cryptodev-linux's
 * errnos for one id twice (EDEADLK), an unknown or foreign id (ENOENT)
 * and a session without a hash (EINVAL).
 */
static void test_copy_hash(int fd)
{
	static const uint8_t sha256_abc[4] = { 0xba, 0x78, 0x16, 0xbf };
	static const uint8_t rfc4231_2[4] = { 0x5b, 0xdc, 0xc1, 0x46 };
	uint8_t mac_a[64], mac_b[64];
	uint32_t a, b, h1, h2, c, other_ses;
	int other = open_device();
	int err;

	err = new_session(fd, 0, NULL, 0, CRYPTO_SHA2_256, NULL, 0, &a);
	if (!err)
		err = new_session(fd, 0, NULL, 0, CRYPTO_SHA2_256, NULL, 0, &b);
	if (!err)
		err = new_session(fd, 0, NULL, 0, CRYPTO_SHA2_256_HMAC, "Jefe",
				  4, &h1);
	if (!err)
		err = new_session(fd, 0, NULL, 0, CRYPTO_SHA2_256_HMAC, "Jefe",
				  4, &h2);
	if (!err)
		err = new_session(fd, CRYPTO_AES_CBC, aes128_key, 16, 0, NULL,
				  0, &c);
	if (!err)
		err = new_session(other, 0, NULL, 0, CRYPTO_SHA2_256, NULL, 0,
				  &other_ses);
	if (!tap_ok(!err, "sessions for CIOCCPHASH"))
		goto out;

	err = run_op(fd, a, COP_ENCRYPT, COP_FLAG_UPDATE | COP_FLAG_RESET,
		     "ab", NULL, 2, NULL, NULL);
	if (!err)
		err = copy_hash(fd, b, a);
	tap_ok(!err, "CIOCCPHASH of a sha256 state after \"ab\"");
	err = run_op(fd, a, COP_ENCRYPT, COP_FLAG_FINAL, "c", NULL, 1, NULL,
		     mac_a);
	if (!err)
		err = run_op(fd, b, COP_ENCRYPT, COP_FLAG_FINAL, "c", NULL, 1,
			     NULL, mac_b);
	tap_ok(!err && !memcmp(mac_a, sha256_abc, 4) &&
	       !memcmp(mac_b, sha256_abc, 4),
	       "both sessions finish \"c\" as sha256(\"abc\")");

	err = run_op(fd, h1, COP_ENCRYPT, COP_FLAG_UPDATE | COP_FLAG_RESET,
		     "what do ya want ", NULL, 16, NULL, NULL);
	if (!err)
		err = copy_hash(fd, h2, h1);
	if (!err)
		err = run_op(fd, h1, COP_ENCRYPT, COP_FLAG_FINAL,
			     "for nothing?", NULL, 12, NULL, mac_a);
	if (!err)
		err = run_op(fd, h2, COP_ENCRYPT, COP_FLAG_FINAL,
			     "for nothing?", NULL, 12, NULL, mac_b);
	tap_ok(!err && !memcmp(mac_a, rfc4231_2, 4) &&
	       !memcmp(mac_b, rfc4231_2, 4),
	       "an hmac(sha256) state copied mid-message: RFC 4231 case 2 twice");

	expect_errno(copy_hash(fd, a, a), EDEADLK,
		     "CIOCCPHASH of a session onto itself");
	expect_errno(copy_hash(fd, a, 0x5eed1e55), ENOENT,
		     "CIOCCPHASH from an id never handed out");
	expect_errno(copy_hash(fd, 0x5eed1e55, a), ENOENT,
		     "CIOCCPHASH to an id never handed out");
	expect_errno(copy_hash(fd, a, other_ses), ENOENT,
		     "CIOCCPHASH from another open file's session");
	expect_errno(copy_hash(fd, c, a), EINVAL,
		     "CIOCCPHASH to a session without a hash");
	expect_errno(copy_hash(fd, a, c), EINVAL,
		     "CIOCCPHASH from a session without a hash");
	free_session(fd, a);
	free_session(fd, b);
	free_session(fd, h1);
	free_session(fd, h2);
	free_session(fd, c);
	free_session(other, other_ses);
out:
	close(other);
}

/*
 * AES-CCM through CIOCAUTHCRYPT with Linux's IV (byte 0 = L - 1, the
 * nonce): RFC 3610 packet 1's inputs with a 16-byte tag, the only length
 * cryptodev-linux computes (it never sets the AEAD's tag size; the tag
 * was worked out with OpenSSL).
 */
static void test_ccm(int fd)
{
	static const uint8_t key[16] = {
		0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7,
		0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf,
	};
	static uint8_t want[39] = {
		0x58, 0x8c, 0x97, 0x9a, 0x61, 0xc6, 0x63, 0xd2, 0xf0, 0x66,
		0xd0, 0xc2, 0xc0, 0xf9, 0x89, 0x80, 0x6d, 0x5f, 0x6b, 0x61,
		0xda, 0xc3, 0x84, 0x50, 0x9d, 0xa6, 0x54, 0xe3, 0x2d, 0xea,
		0xc3, 0x69, 0xc2, 0xda, 0xe7, 0x13, 0x3c, 0xb0, 0x8d,
	};
	uint8_t iv[16] = { 1, 0, 0, 0, 3, 2, 1, 0, 0xa0, 0xa1, 0xa2, 0xa3,
			   0xa4, 0xa5, 0, 0 };
	uint8_t aad[8] = { 0, 1, 2, 3, 4, 5, 6, 7 }, pt[23], out[64];
	uint8_t plain[39];
	struct crypt_auth_op caop = { 0 };
	uint8_t *big;
	int err;

	for (size_t i = 0; i < sizeof(pt); i++)
		pt[i] = (uint8_t)(8 + i);
	err = new_session(fd, CRYPTO_AES_CCM, key, 16, 0, NULL, 0, &caop.ses);
	if (!tap_ok(!err, "ccm(aes) session"))
		return;
	caop.op = COP_ENCRYPT;
	caop.auth_src = aad, caop.auth_len = 8;
	caop.src = pt, caop.dst = out, caop.len = 23;
	caop.iv = iv, caop.iv_len = 16;
	err = xioctl(fd, CIOCAUTHCRYPT, &caop);
	tap_ok(!err && caop.len == 39 && !memcmp(out, want, 39),
	       "ccm(aes) seals RFC 3610 packet 1 with a 16-byte tag");
	caop.op = COP_DECRYPT;
	caop.src = want, caop.dst = out, caop.len = 39, caop.tag_len = 0;
	memset(out, 0, sizeof(out));
	err = xioctl(fd, CIOCAUTHCRYPT, &caop);
	tap_ok(!err && caop.len == 23 && !memcmp(out, pt, 23),
	       "ccm(aes) opens it");
	memcpy(out, want, 39);
	out[38] ^= 1;
	caop.src = out, caop.dst = plain, caop.len = 39, caop.tag_len = 0;
	expect_errno(xioctl(fd, CIOCAUTHCRYPT, &caop), EBADMSG,
		     "ccm(aes) with a forged tag");
	iv[0] = 0;
	caop.op = COP_ENCRYPT, caop.src = pt, caop.dst = out, caop.len = 23;
	caop.tag_len = 0;
	expect_errno(xioctl(fd, CIOCAUTHCRYPT, &caop), EINVAL,
		     "ccm(aes) with L - 1 = 0 in the IV");
	/* L = 2 codes messages of up to 65535 bytes */
	iv[0] = 1;
	big = calloc(1, 65537 + 16);
	if (big) {
		caop.src = big, caop.dst = big, caop.len = 65537;
		caop.tag_len = 0;
		expect_errno(xioctl(fd, CIOCAUTHCRYPT, &caop), CCM_TOO_LONG_ERRNO,
			     "ccm(aes) with 65537 bytes and L = 2");
		caop.len = 65536;
		caop.tag_len = 0;
		expect_errno(xioctl(fd, CIOCAUTHCRYPT, &caop), CCM_2_POW_8L_ERRNO,
			     "ccm(aes) with 65536 bytes and L = 2");
		free(big);
	}
	free_session(fd, caop.ses);
}

static void test_unknown_algorithms(int fd)
{
	static const struct {
		uint32_t cipher, mac;
		const char *what;
	} cases[] = {
		{ 0, 0, "neither cipher nor mac" },
		{ 9999, 0, "cipher id 9999" },
		{ 0, 9999, "mac id 9999" },
		{ CRYPTO_ARC4, 0, "cipher CRYPTO_ARC4 (not in cryptodev-linux)" },
		{ CRYPTO_CAST_CBC, 0, "cipher CRYPTO_CAST_CBC (not in cryptodev-linux)" },
		{ CRYPTO_SKIPJACK_CBC, 0, "cipher CRYPTO_SKIPJACK_CBC (not in cryptodev-linux)" },
		{ CRYPTO_DEFLATE_COMP, 0, "cipher CRYPTO_DEFLATE_COMP (not in cryptodev-linux)" },
		{ CRYPTO_LZS_COMP, 0, "cipher CRYPTO_LZS_COMP (not in cryptodev-linux)" },
		{ 0, CRYPTO_MD5_KPDK, "mac CRYPTO_MD5_KPDK (not in cryptodev-linux)" },
		{ 0, CRYPTO_SHA1_KPDK, "mac CRYPTO_SHA1_KPDK (not in cryptodev-linux)" },
		{ CRYPTO_AES_CFB, 0, "cipher CRYPTO_AES_CFB (cfb(aes): gone from Linux 6.12)" },
		{ CRYPTO_AES_OFB, 0, "cipher CRYPTO_AES_OFB (ofb(aes): gone from Linux 6.12)" },
		{ CRYPTO_TLS11_AES_CBC_HMAC_SHA1, 0,
		  "cipher CRYPTO_TLS11_AES_CBC_HMAC_SHA1 (no such Linux template)" },
		{ CRYPTO_TLS12_AES_CBC_HMAC_SHA256, 0,
		  "cipher CRYPTO_TLS12_AES_CBC_HMAC_SHA256 (no such Linux template)" },
		{ CRYPTO_ALGORITHM_ALL, 0, "cipher CRYPTO_ALGORITHM_ALL" },
		{ CRYPTO_SHA1, 0, "a hash id as the cipher" },
		{ 0, CRYPTO_AES_CBC, "a cipher id as the mac" },
	};
	uint8_t key[16] = { 0 };

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t ses = 0;
		int err = new_session(fd, cases[i].cipher, key, sizeof(key),
				      cases[i].mac, NULL, 0, &ses);

		expect_errno(err, EINVAL, "CIOCGSESSION with %s", cases[i].what);
		if (!err)
			free_session(fd, ses);
	}
}

static void test_session_lifetime(int fd)
{
	uint8_t buf[16] = { 0 }, iv[16] = { 0 };
	uint32_t ses;
	int err;

	expect_errno(free_session(fd, 0x5eed1e55), FREE_UNKNOWN_ERRNO,
		     "CIOCFSESSION of an id never handed out");
	err = new_session(fd, CRYPTO_AES_CBC, aes128_key, 16, 0, NULL, 0, &ses);
	if (!tap_ok(!err, "cbc(aes) session for the lifetime tests"))
		return;
	tap_ok(free_session(fd, ses) == 0, "CIOCFSESSION of a live session");
	expect_errno(free_session(fd, ses), FREE_UNKNOWN_ERRNO,
		     "CIOCFSESSION of the same id again");
	err = run_op(fd, ses, COP_ENCRYPT, 0, buf, buf, 16, iv, NULL);
	expect_errno(err, EINVAL, "CIOCCRYPT on a freed session");
	err = run_op(fd, 0x5eed1e55, COP_ENCRYPT, 0, buf, buf, 16, iv, NULL);
	expect_errno(err, EINVAL, "CIOCCRYPT on an id never handed out");
}

/* ---- user memory: odd placement, read-only and missing pages ---- */

static bool session_works(int fd, uint32_t ses)
{
	uint8_t buf[16] = { 0 }, iv[16] = { 0 };

	return run_op(fd, ses, COP_ENCRYPT, 0, buf, buf, 16, iv, NULL) == 0;
}


/*
 * Three pages: the first two read-write, the third unmapped, so buffers
 * can straddle a page boundary or run into a hole.
 */
static uint8_t *map_test_pages(size_t page)
{
	uint8_t *p = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		abort();
	munmap(p + 2 * page, page);
	return p;
}

static void test_unaligned_buffers(int fd, uint32_t ses, size_t page)
{
	const struct cipher_vector *v = find_vector(CRYPTO_AES_CBC, 16);
	size_t iv_len, pt_len, ct_len;
	uint8_t *iv = vec_decode(&v->iv, &iv_len);
	uint8_t *pt = vec_decode(&v->plain, &pt_len);
	uint8_t *ct = vec_decode(&v->cipher, &ct_len);
	uint8_t *pages = map_test_pages(page);
	/* Odd addresses, both straddling the boundary between the pages. */
	uint8_t *src = pages + page - 7, *dst = pages + page - 29;
	int err;

	memcpy(src, pt, pt_len);
	err = run_op(fd, ses, COP_ENCRYPT, 0, src, dst, pt_len, iv, NULL);
	tap_ok(!err && memcmp(dst, ct, ct_len) == 0,
	       "cbc(aes) with odd src/dst addresses straddling pages");
	memcpy(src, pt, pt_len);
	err = run_op(fd, ses, COP_ENCRYPT, 0, src, src, pt_len, iv, NULL);
	tap_ok(!err && memcmp(src, ct, ct_len) == 0,
	       "cbc(aes) in place at an odd address straddling pages");
	munmap(pages, 2 * page);
	free(iv), free(pt), free(ct);
}

static void test_bad_user_memory(int fd, uint32_t ses, uint32_t hses,
				 size_t page)
{
	uint8_t *pages = map_test_pages(page), iv[16] = { 0 };
	uint8_t *near_hole = pages + 2 * page - 32, *ro = pages;
	int err;

	memset(pages, 0x11, 2 * page);
	err = run_op(fd, ses, COP_ENCRYPT, 0, near_hole, pages, 64, iv, NULL);
	expect_errno(err, EFAULT, "CIOCCRYPT with src running into a hole");
	if (on_cryptodev_linux) {
		tap_skip(CDL_DST_OOPS, "CIOCCRYPT with dst running into a hole");
		tap_skip(CDL_DST_OOPS, "CIOCCRYPT with a read-only dst");
	} else {
		err = run_op(fd, ses, COP_ENCRYPT, 0, pages, near_hole, 64, iv,
			     NULL);
		expect_errno(err, EFAULT,
			     "CIOCCRYPT with dst running into a hole");
	}

	mprotect(ro, page, PROT_READ);
	if (!on_cryptodev_linux) {
		err = run_op(fd, ses, COP_ENCRYPT, 0, pages + page, ro, 64, iv,
			     NULL);
		expect_errno(err, EFAULT, "CIOCCRYPT with a read-only dst");
	}
	tap_ok(ro[0] == 0x11 && ro[63] == 0x11,
	       "the read-only dst was left as it was");
	err = run_op(fd, hses, COP_ENCRYPT, 0, pages + page, NULL, 64, NULL, ro);
	expect_errno(err, EFAULT, "hash CIOCCRYPT with a read-only mac");
	err = run_op(fd, ses, COP_ENCRYPT, 0, ro, pages + page, 64, iv, NULL);
	tap_ok(err == 0, "a read-only src is fine");
	munmap(pages, 2 * page);
}

static void test_user_memory(int fd)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	uint32_t ses, hses;
	int err;

	err = new_session(fd, CRYPTO_AES_CBC, aes128_key, 16, 0, NULL, 0, &ses);
	if (!err)
		err = new_session(fd, 0, NULL, 0, CRYPTO_SHA2_256, NULL, 0, &hses);
	if (!tap_ok(!err, "sessions for the user-memory tests"))
		return;
	test_unaligned_buffers(fd, ses, page);
	test_bad_user_memory(fd, ses, hses, page);
	tap_ok(session_works(fd, ses),
	       "the session still works after the faults");
	free_session(fd, ses);
	free_session(fd, hses);
}

static void test_bad_requests(int fd)
{
	uint8_t buf[32] = { 0 }, iv[16] = { 0 }, mac[64];
	uint32_t ses, hses;
	int err;

	err = new_session(fd, CRYPTO_AES_CBC, aes128_key, 16, 0, NULL, 0, &ses);
	if (!err)
		err = new_session(fd, 0, NULL, 0, CRYPTO_SHA1, NULL, 0, &hses);
	if (!tap_ok(!err, "sessions for the bad-request tests"))
		return;
	expect_errno(run_op(fd, ses, 7, 0, buf, buf, 16, iv, NULL), EINVAL,
		     "CIOCCRYPT with op 7");
	expect_errno(run_op(fd, ses, COP_ENCRYPT, 0, (void *)8, buf, 16, iv,
			   NULL), EFAULT, "CIOCCRYPT with an unmapped src");
	if (on_cryptodev_linux)
		tap_skip(CDL_DST_OOPS, "CIOCCRYPT with an unmapped dst");
	else
		expect_errno(run_op(fd, ses, COP_ENCRYPT, 0, buf, (void *)8,
				    16, iv, NULL),
			     EFAULT, "CIOCCRYPT with an unmapped dst");
	expect_errno(run_op(fd, hses, COP_ENCRYPT, 0, buf, NULL, 16, NULL,
			   (void *)8), EFAULT, "hash CIOCCRYPT with an unmapped mac");
	expect_errno(xioctl(fd, CIOCCRYPT, (void *)8), EFAULT,
		     "CIOCCRYPT with an unmapped argument");
	expect_errno(new_session(fd, CRYPTO_AES_CBC, (void *)8, 16, 0, NULL, 0,
				 NULL), EFAULT, "CIOCGSESSION with an unmapped key");
	tap_ok(xioctl(fd, _IOWR('c', 200, uint32_t), buf) < 0,
	       "an unknown ioctl number fails");
	/* After all that, the sessions still work. */
	err = run_op(fd, hses, COP_ENCRYPT, 0, "abc", NULL, 3, NULL, mac);
	tap_ok(!err && memcmp(mac, "\xa9\x99\x3e\x36", 4) == 0,
	       "the sessions still work after the refused requests");
	free_session(fd, ses);
	free_session(fd, hses);
}

/* ---- session info ---- */

static void test_session_info(int fd)
{
	struct session_info_op info = { 0 };
	uint32_t ses;
	int err;

	err = new_session(fd, CRYPTO_AES_CBC, aes128_key, 16,
			  CRYPTO_SHA2_256_HMAC, "key", 3, &ses);
	if (!tap_ok(!err, "cbc(aes) + hmac(sha256) session for CIOCGSESSINFO"))
		return;
	info.ses = ses;
	err = xioctl(fd, CIOCGSESSINFO, &info);
	tap_ok(!err, "CIOCGSESSINFO");
	tap_diag("cipher: %.64s (driver %.64s)", info.cipher_info.cra_name,
		 info.cipher_info.cra_driver_name);
	tap_diag("hash:   %.64s (driver %.64s)", info.hash_info.cra_name,
		 info.hash_info.cra_driver_name);
	tap_diag("alignmask %u, flags %#x", info.alignmask, info.flags);
	tap_ok(!err && strcmp(info.cipher_info.cra_name, "cbc(aes)") == 0 &&
	       strcmp(info.hash_info.cra_name, "hmac(sha256)") == 0,
	       "CIOCGSESSINFO names the algorithms cbc(aes), hmac(sha256)");
	tap_ok(!err && info.cipher_info.cra_driver_name[0] &&
	       info.hash_info.cra_driver_name[0] &&
	       memchr(info.cipher_info.cra_driver_name, 0, CRYPTODEV_MAX_ALG_NAME),
	       "CIOCGSESSINFO names the drivers (NUL-terminated)");
	free_session(fd, ses);
	info.ses = ses;
	expect_errno(xioctl(fd, CIOCGSESSINFO, &info), EINVAL,
		     "CIOCGSESSINFO on a freed session");
}

/* ---- AEAD details beyond the vectors ---- */

/* tag_len 0 asks for the algorithm's full tag (16 bytes for GCM). */
static void test_gcm_default_tag(int fd)
{
	uint8_t key[16] = { 0 }, iv[12] = { 0 }, pt[16] = { 0 }, out[32];
	static const uint8_t want_tag[16] = {
		0xab, 0x6e, 0x47, 0xd4, 0x2c, 0xec, 0x13, 0xbd,
		0xf5, 0x3a, 0x67, 0xb2, 0x12, 0x57, 0xbd, 0xdf,
	};
	struct crypt_auth_op caop = {
		.op = COP_ENCRYPT, .len = 16, .src = pt, .dst = out,
		.iv = iv, .iv_len = 12, .tag_len = 0,
	};
	int err = new_session(fd, CRYPTO_AES_GCM, key, 16, 0, NULL, 0, &caop.ses);

	if (!tap_ok(!err, "gcm(aes) session"))
		return;
	err = xioctl(fd, CIOCAUTHCRYPT, &caop);
	tap_ok(!err && caop.len == 32 && memcmp(out + 16, want_tag, 16) == 0,
	       "CIOCAUTHCRYPT with tag_len 0 appends the full 16-byte tag");
	free_session(fd, caop.ses);
}

/* ---- files: CRIOGET, dup, separate opens, close ---- */

static void test_crioget(void)
{
	int fd = open_device(), clone = -1;
	uint32_t ses_a, ses_b;
	int err;

	err = xioctl(fd, CRIOGET, &clone);
	if (!tap_ok(!err && clone >= 0 && clone != fd, "CRIOGET gives a new fd")) {
		close(fd);
		return;
	}
	err = new_session(fd, CRYPTO_AES_CBC, aes128_key, 16, 0, NULL, 0, &ses_a);
	err = err ? err : new_session(clone, CRYPTO_AES_CBC, aes128_key, 16,
				      0, NULL, 0, &ses_b);
	tap_ok(!err && session_works(clone, ses_a) && session_works(fd, ses_b),
	       "CRIOGET's fd shares sessions with the original both ways");
	close(fd);
	tap_ok(session_works(clone, ses_a),
	       "the shared sessions outlive closing the original fd");
	tap_ok(free_session(clone, ses_a) == 0 && free_session(clone, ses_b) == 0,
	       "sessions freed through the CRIOGET fd");
	close(clone);
}

static void test_separate_files(void)
{
	int a = open_device(), b = open_device();
	uint32_t ses;
	int err = new_session(a, CRYPTO_AES_CBC, aes128_key, 16, 0, NULL, 0, &ses);
	uint8_t buf[16] = { 0 }, iv[16] = { 0 };

	if (!tap_ok(!err, "session on the first of two opens"))
		goto out;
	expect_errno(run_op(b, ses, COP_ENCRYPT, 0, buf, buf, 16, iv, NULL),
		     EINVAL, "CIOCCRYPT with another open file's session");
	expect_errno(free_session(b, ses), FREE_UNKNOWN_ERRNO,
		     "CIOCFSESSION of another open file's session");
	tap_ok(session_works(a, ses), "the session still works in its own file");
	free_session(a, ses);
out:
	close(a);
	close(b);
}

static void test_dup_shares(void)
{
	int fd = open_device(), copy = dup(fd);
	uint32_t ses;
	int err = new_session(fd, CRYPTO_AES_CBC, aes128_key, 16, 0, NULL, 0,
			      &ses);

	close(fd);
	tap_ok(!err && session_works(copy, ses),
	       "a dup()ed fd keeps the file and its sessions alive");
	close(copy);
}

/*
 * Each cycle leaves a session behind on purpose.  If close did not free
 * the file's device state, the device's file table (max-files) or memory
 * would run out long before the last cycle.
 */
static void test_close_frees(unsigned int cycles)
{
	unsigned int done = 0;
	int err = 0;

	for (; done < cycles; done++) {
		int fd = open(device, O_RDWR | O_CLOEXEC);
		uint32_t ses;

		if (fd < 0) {
			err = -errno;
			break;
		}
		err = new_session(fd, CRYPTO_AES_CTR, aes128_key, 16, 0, NULL, 0, &ses);
		close(fd);
		if (err)
			break;
	}
	if (!tap_ok(done == cycles,
		    "%u cycles of open, CIOCGSESSION, close without CIOCFSESSION",
		    cycles))
		tap_diag("cycle %u failed: %s", done, strerror(-err));
}

/* Encrypts len bytes of src in one call with a zero IV. */
static int cbc_one_call(int fd, uint32_t ses, const uint8_t *src,
			uint8_t *dst, size_t len)
{
	uint8_t iv[16] = { 0 };

	return run_op(fd, ses, COP_ENCRYPT, 0, src, dst, len, iv, NULL);
}

/*
 * 1 MiB (the device's default max-data-len) in one call must work; 2 MiB
 * must work too or be refused cleanly.  Both must equal the same data in
 * chained 256 KiB calls.
 */
static void test_large_operation(int fd)
{
	uint8_t *src = malloc(LARGE_OP_LEN), *one = malloc(LARGE_OP_LEN);
	uint8_t *pieces = malloc(LARGE_OP_LEN), iv[16] = { 0 };
	uint32_t ses;
	int err;

	for (size_t i = 0; i < LARGE_OP_LEN; i++)
		src[i] = (uint8_t)(i * 131 + (i >> 9));
	err = new_session(fd, CRYPTO_AES_CBC, aes128_key, 16, 0, NULL, 0, &ses);
	for (size_t off = 0; !err && off < LARGE_OP_LEN; off += LARGE_OP_PIECE)
		err = run_op(fd, ses, COP_ENCRYPT, 0, src + off, pieces + off,
			    LARGE_OP_PIECE, off ? NULL : iv, NULL);
	if (!tap_ok(!err, "cbc(aes) over 2 MiB in 256 KiB calls")) {
		tap_diag("%s", strerror(-err));
		goto out;
	}
	err = cbc_one_call(fd, ses, src, one, LARGE_OP_LEN / 2);
	if (!tap_ok(!err && memcmp(one, pieces, LARGE_OP_LEN / 2) == 0,
		    "one 1 MiB call equals the same in 256 KiB pieces"))
		tap_diag("%s", err ? strerror(-err) : "wrong result");
	err = cbc_one_call(fd, ses, src, one, LARGE_OP_LEN);
	if (err) {
		tap_ok(err == -E2BIG || err == -EINVAL || err == -EMSGSIZE ||
		       err == -ENOMEM,
		       "one 2 MiB call is refused cleanly (%s) or done right",
		       strerrorname_np(-err));
	} else {
		tap_ok(memcmp(one, pieces, LARGE_OP_LEN) == 0,
		       "one 2 MiB call equals the same in 256 KiB pieces");
	}
	free_session(fd, ses);
out:
	free(src), free(one), free(pieces);
}

static void usage(const char *prog)
{
	fprintf(stderr, "usage: %s [-d DEVICE] [-f FILE_CYCLES] [-r]\n"
		"  -d DEVICE       cryptodev device (default %s)\n"
		"  -f FILE_CYCLES  open/close cycles in the close test (default %u)\n"
		"  -r              DEVICE is cryptodev-linux (found by itself\n"
		"                  when the driver names are not the project's)\n",
		prog, DEFAULT_DEVICE, DEFAULT_FILE_CYCLES);
	exit(2);
}

static unsigned int parse_count(const char *s, const char *prog)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v > 1000000)
		usage(prog);
	return (unsigned int)v;
}

/* Whether CIOCGSESSINFO names the project's device as the driver. */
static bool driver_is_the_projects(int fd)
{
	struct session_info_op info = { 0 };
	bool ours = false;
	uint32_t ses;

	if (new_session(fd, CRYPTO_AES_CBC, aes128_key, 16, 0, NULL, 0, &ses))
		return true;
	info.ses = ses;
	if (xioctl(fd, CIOCGSESSINFO, &info) == 0)
		ours = strncmp(info.cipher_info.cra_driver_name,
			       "virtio-cryptodev", 16) == 0;
	free_session(fd, ses);
	return ours;
}

int main(int argc, char **argv)
{
	unsigned int file_cycles = DEFAULT_FILE_CYCLES;
	struct kat_engine engine = kat_devcrypto_template;
	int opt, fd;

	while ((opt = getopt(argc, argv, "d:f:rh")) != -1) {
		switch (opt) {
		case 'd':
			device = optarg;
			break;
		case 'r':
			on_cryptodev_linux = true;
			break;
		case 'f':
			file_cycles = parse_count(optarg, argv[0]);
			break;
		default:
			usage(argv[0]);
		}
	}
	if (optind != argc)
		usage(argv[0]);

	fd = open_device();
	if (!on_cryptodev_linux)
		on_cryptodev_linux = !driver_is_the_projects(fd);
	tap_diag("cryptodev-kat on %s (%s)", device, on_cryptodev_linux ?
		 "cryptodev-linux: its known differences expected" :
		 "the project's driver");
	engine.ctx = &fd;
	kat_run_all_vectors(&engine);

	test_write_iv(fd, CRYPTO_AES_CBC, COP_ENCRYPT);
	test_write_iv(fd, CRYPTO_AES_CBC, COP_DECRYPT);
	test_write_iv(fd, CRYPTO_AES_CTR, COP_ENCRYPT);
	test_write_iv_continues(fd);
	test_hash_reset_update_final(fd);
	test_combined_session(fd);
	test_gcm_default_tag(fd);
	test_session_info(fd);
	test_bad_lengths(fd);
	test_bad_key_lengths(fd);
	test_unknown_algorithms(fd);
	test_further_algorithms(fd);
	test_copy_hash(fd);
	test_ccm(fd);
	test_session_lifetime(fd);
	test_bad_requests(fd);
	test_user_memory(fd);
	test_large_operation(fd);
	test_crioget();
	test_separate_files();
	test_dup_shares();
	test_close_frees(file_cycles);
	close(fd);
	return tap_finish();
}
