// SPDX-License-Identifier: GPL-2.0
/*
 * vcd-smoke: the guest driver's own smoke tests, run inside the lab guest
 * by driver/tests/guest-driver-test.sh.  Each mode prints TAP lines
 * ("ok N - what" / "not ok N - what") and exits non-zero on any failure.
 * Known answers are the published vectors of NIST SP 800-38A (AES-CBC),
 * FIPS 180-2 (SHA-256 "abc"), RFC 4231 (HMAC-SHA256) and the GCM spec.
 *
 *   vcd-smoke kat                 known answers and cryptodev errno rules
 *   vcd-smoke storm N             N open/session/close cycles
 *   vcd-smoke threads T N         T threads, N checked round trips each
 *   vcd-smoke busy                big requests until killed or ENODEV
 *   vcd-smoke limits [F S]        max_files and max_sessions answers
 *                                 (exactly F files and S sessions fit)
 *   vcd-smoke gone 'CMD'          run CMD (removes the device) with a
 *                                 file open; the file must answer ENODEV
 *   vcd-smoke speed LEN SECS      AES-128-CBC MB/s, zero-copy and bounce
 *   vcd-smoke fair A B F S        per-uid shares: uid A takes exactly F
 *                                 files and S sessions and fills its
 *                                 in-flight budget, uid B still works;
 *                                 root raises the shares (run as root)
 *   vcd-smoke flood T             T threads of 1 MiB round trips until
 *                                 killed or ENODEV
 *   vcd-smoke as UID MODE ...     MODE as UID, without capabilities
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <crypto/cryptodev.h>

#define DEV_PATH "/dev/crypto"
#define BUSY_LEN (256 * 1024)
#define THREAD_MAX 64
#define LIMIT_PROBE_MAX 4096
#define FILL_LEN (1024 * 1024)
#define FILLERS_MAX 64
#define PARAMS "/sys/module/virtio_cryptodev/parameters/"
#define STATS "/sys/kernel/debug/virtio_cryptodev/"

static int test_no;
static int failures;

static void check(int ok, const char *what, ...)
	__attribute__((format(printf, 2, 3)));

static void check(int ok, const char *what, ...)
{
	va_list ap;

	printf("%s %d - ", ok ? "ok" : "not ok", ++test_no);
	va_start(ap, what);
	vprintf(what, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!ok)
		failures++;
}

static size_t unhex(const char *hex, uint8_t *out)
{
	size_t n = 0;

	for (; hex[0] && hex[1]; hex += 2)
		sscanf(hex, "%2hhx", &out[n++]);
	return n;
}

static int open_dev(void)
{
	int fd = open(DEV_PATH, O_RDWR);

	if (fd < 0) {
		perror(DEV_PATH);
		exit(2);
	}
	return fd;
}

/* Returns the session id, or 0 with errno set. */
static uint32_t new_session(int fd, uint32_t cipher, const uint8_t *key,
			    uint32_t keylen, uint32_t mac,
			    const uint8_t *mackey, uint32_t mackeylen)
{
	struct session_op sop;

	memset(&sop, 0, sizeof(sop));
	sop.cipher = cipher;
	sop.key = (uint8_t *)key;
	sop.keylen = keylen;
	sop.mac = mac;
	sop.mackey = (uint8_t *)mackey;
	sop.mackeylen = mackeylen;
	if (ioctl(fd, CIOCGSESSION, &sop))
		return 0;
	return sop.ses;
}

static int do_crypt(int fd, uint32_t ses, int op, uint16_t flags,
		 const void *src, void *dst, uint32_t len, void *iv, void *mac)
{
	struct crypt_op cop;

	memset(&cop, 0, sizeof(cop));
	cop.ses = ses;
	cop.op = op;
	cop.flags = flags;
	cop.len = len;
	cop.src = (uint8_t *)src;
	cop.dst = dst;
	cop.iv = iv;
	cop.mac = mac;
	return ioctl(fd, CIOCCRYPT, &cop) ? errno : 0;
}

static const char aes_key[] = "2b7e151628aed2a6abf7158809cf4f3c";
static const char aes_iv[] = "000102030405060708090a0b0c0d0e0f";
static const char aes_pt[] = "6bc1bee22e409f96e93d7e117393172a"
			     "ae2d8a571e03ac9c9eb76fac45af8e51";
static const char aes_ct[] = "7649abac8119b246cee98e9b12e9197d"
			     "5086cb9b507219ee95db113a917678b2";

static void kat_cbc(int fd)
{
	uint8_t key[16], iv[16], pt[32], ct[32], out[32], iv2[16];
	uint32_t ses;

	unhex(aes_key, key);
	unhex(aes_iv, iv);
	unhex(aes_pt, pt);
	unhex(aes_ct, ct);
	ses = new_session(fd, CRYPTO_AES_CBC, key, 16, 0, NULL, 0);
	check(ses != 0, "AES-128-CBC session (errno %d)", ses ? 0 : errno);
	check(!do_crypt(fd, ses, COP_ENCRYPT, 0, pt, out, 32, iv, NULL) &&
	      !memcmp(out, ct, 32), "AES-128-CBC SP 800-38A F.2.1, 2 blocks");

	memcpy(iv2, iv, 16);
	check(!do_crypt(fd, ses, COP_ENCRYPT, COP_FLAG_WRITE_IV, pt, out, 16,
		     iv2, NULL) && !memcmp(out, ct, 16) &&
	      !memcmp(iv2, ct, 16), "WRITE_IV returns the chained IV");
	check(!do_crypt(fd, ses, COP_ENCRYPT, 0, pt + 16, out, 16, NULL, NULL) &&
	      !memcmp(out, ct + 16, 16), "iv NULL continues from the session IV");
	check(!do_crypt(fd, ses, COP_DECRYPT, 0, ct, out, 32, iv, NULL) &&
	      !memcmp(out, pt, 32), "AES-128-CBC decrypt");
	check(do_crypt(fd, ses, COP_ENCRYPT, 0, pt, out, 15, iv, NULL) == EINVAL,
	      "len not a block multiple -> EINVAL");
	check(do_crypt(fd, ses, 7, 0, pt, out, 16, iv, NULL) == EINVAL,
	      "bad op -> EINVAL");
	check(do_crypt(fd, ses, COP_ENCRYPT, 0, pt, out, 0x7ffffff0, iv,
		    NULL) == E2BIG, "len over max_data_len -> E2BIG");
	check(do_crypt(fd, ses, COP_ENCRYPT, 0, NULL, out, 16, iv, NULL) == EFAULT,
	      "bad src pointer -> EFAULT");
	check(do_crypt(fd, ses ^ 0x5a5a5a5a, COP_ENCRYPT, 0, pt, out, 16, iv,
		    NULL) == EINVAL, "unknown session -> EINVAL");
	check(!ioctl(fd, CIOCFSESSION, &ses), "CIOCFSESSION");
	check(ioctl(fd, CIOCFSESSION, &ses) && errno == ENOENT,
	      "CIOCFSESSION twice -> ENOENT");
	check(do_crypt(fd, ses, COP_ENCRYPT, 0, pt, out, 16, iv, NULL) == EINVAL,
	      "destroyed session -> EINVAL");
}

static void kat_hash(int fd)
{
	uint8_t want[32], mac[32], key[4] = { 'J', 'e', 'f', 'e' };
	const char *msg = "what do ya want for nothing?";
	uint32_t ses;

	ses = new_session(fd, 0, NULL, 0, CRYPTO_SHA2_256, NULL, 0);
	check(ses != 0, "SHA-256 session");
	unhex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	      want);
	check(!do_crypt(fd, ses, COP_ENCRYPT, 0, "abc", NULL, 3, NULL, mac) &&
	      !memcmp(mac, want, 32), "SHA-256(\"abc\") one-shot");
	memset(mac, 0, sizeof(mac));
	check(!do_crypt(fd, ses, COP_ENCRYPT, COP_FLAG_UPDATE, "a", NULL, 1,
		     NULL, NULL) &&
	      !do_crypt(fd, ses, COP_ENCRYPT, COP_FLAG_UPDATE, "b", NULL, 1,
		     NULL, NULL) &&
	      !do_crypt(fd, ses, COP_ENCRYPT, COP_FLAG_FINAL, "c", NULL, 1,
		     NULL, mac) && !memcmp(mac, want, 32),
	      "SHA-256 UPDATE, UPDATE, FINAL");
	ioctl(fd, CIOCFSESSION, &ses);

	ses = new_session(fd, 0, NULL, 0, CRYPTO_SHA2_256_HMAC, key, 4);
	check(ses != 0, "HMAC-SHA256 session");
	unhex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
	      want);
	check(!do_crypt(fd, ses, COP_ENCRYPT, 0, msg, NULL, strlen(msg), NULL,
		     mac) && !memcmp(mac, want, 32), "HMAC-SHA256 RFC 4231 #2");
	ioctl(fd, CIOCFSESSION, &ses);
}

static int aead(int fd, uint32_t ses, int op, const void *src, void *dst,
		uint32_t len, uint8_t *iv, uint32_t *out_len)
{
	struct crypt_auth_op caop;

	memset(&caop, 0, sizeof(caop));
	caop.ses = ses;
	caop.op = op;
	caop.len = len;
	caop.src = (uint8_t *)src;
	caop.dst = dst;
	caop.iv = iv;
	caop.iv_len = 12;
	if (ioctl(fd, CIOCAUTHCRYPT, &caop))
		return errno;
	*out_len = caop.len;
	return 0;
}

static void kat_gcm(int fd)
{
	uint8_t key[16] = { 0 }, iv[12] = { 0 }, pt[16] = { 0 };
	uint8_t want[32], out[32], back[32];
	uint32_t ses, n = 0;

	ses = new_session(fd, CRYPTO_AES_GCM, key, 16, 0, NULL, 0);
	if (!ses && errno == EINVAL) {
		check(1, "# SKIP AES-GCM not offered by this device");
		return;
	}
	check(ses != 0, "AES-GCM session");
	unhex("0388dace60b6a392f328c2b971b2fe78ab6e47d42cec13bdf53a67b21257bddf",
	      want);
	check(!aead(fd, ses, COP_ENCRYPT, pt, out, 16, iv, &n) && n == 32 &&
	      !memcmp(out, want, 32), "AES-128-GCM test case 2, tag after data");
	check(!aead(fd, ses, COP_DECRYPT, out, back, 32, iv, &n) && n == 16 &&
	      !memcmp(back, pt, 16), "AES-128-GCM decrypt, len written back");
	out[31] ^= 1;
	check(aead(fd, ses, COP_DECRYPT, out, back, 32, iv, &n) == EBADMSG,
	      "AES-GCM bad tag -> EBADMSG");
	unhex("58e2fccefa7e3061367f1d57a4e7455a", want);
	check(!aead(fd, ses, COP_ENCRYPT, pt, out, 0, iv, &n) && n == 16 &&
	      !memcmp(out, want, 16), "AES-128-GCM test case 1: empty, tag only");
	check(!aead(fd, ses, COP_DECRYPT, want, back, 16, iv, &n) && n == 0,
	      "AES-128-GCM empty decrypt verifies the tag");
	check(do_crypt(fd, ses, COP_ENCRYPT, 0, pt, out, 16, iv, NULL) == EINVAL,
	      "CIOCCRYPT on a GCM session -> EINVAL");
	ioctl(fd, CIOCFSESSION, &ses);
}

static void kat_session_rules(int fd)
{
	uint8_t key[80] = { 0 };
	struct session_info_op siop;
	uint32_t ses, clone_fd = 0;
	uint8_t out[16], mac[20];

	check(!new_session(fd, 0, NULL, 0, 0, NULL, 0) && errno == EINVAL,
	      "cipher 0, mac 0 -> EINVAL");
	check(!new_session(fd, CRYPTO_AES_CBC, key, 65, 0, NULL, 0) &&
	      errno == EINVAL, "key over 64 bytes -> EINVAL");
	check(!new_session(fd, CRYPTO_AES_CBC, key, 15, 0, NULL, 0) &&
	      errno == EINVAL, "AES key of 15 bytes -> EINVAL");
	check(!new_session(fd, 9999, key, 16, 0, NULL, 0) && errno == EINVAL,
	      "unknown cipher -> EINVAL");

	ses = new_session(fd, CRYPTO_AES_CBC, key, 32, CRYPTO_SHA1_HMAC,
			  key, 20);
	check(ses != 0, "AES-256-CBC + HMAC-SHA1 session");
	memset(&siop, 0xff, sizeof(siop));
	siop.ses = ses;
	check(!ioctl(fd, CIOCGSESSINFO, &siop) &&
	      !strcmp(siop.cipher_info.cra_name, "cbc(aes)") &&
	      !strcmp(siop.hash_info.cra_name, "hmac(sha1)") &&
	      siop.cipher_info.cra_driver_name[0],
	      "CIOCGSESSINFO names: %.64s, %.64s, %.64s",
	      siop.cipher_info.cra_name, siop.hash_info.cra_name,
	      siop.cipher_info.cra_driver_name);

	check(!ioctl(fd, CRIOGET, &clone_fd) && clone_fd > 2,
	      "CRIOGET gives a new fd");
	check(!do_crypt(clone_fd, ses, COP_ENCRYPT, 0, key, out, 16, key, mac),
	      "the CRIOGET fd shares the open file's sessions");
	close(clone_fd);
	check(!do_crypt(fd, ses, COP_ENCRYPT, 0, key, out, 16, key, mac),
	      "closing the CRIOGET fd keeps the file");
	check(do_crypt(fd, ses, COP_ENCRYPT, 0, key, out, 16, key, NULL) ==
	      EFAULT, "combined session without a mac buffer -> EFAULT");
	ioctl(fd, CIOCFSESSION, &ses);
	check(ioctl(fd, _IO('c', 200)) && errno == EINVAL,
	      "unknown ioctl -> EINVAL");
}

/*
 * Zero-copy (pinned pages, len >= 64 KiB) and bounce (COP_FLAG_NO_ZC) must
 * agree, in place too; a bad GCM tag must leave a pinned dst untouched.
 */
static void kat_zero_copy(int fd)
{
	enum { LEN = 16 * 4096 + 16, OFF = 5 };
	uint8_t key[16] = { 7 }, iv[16] = { 9 }, iv2[16], tag_fixed = 0x5c;
	uint8_t *a = malloc(LEN + 64), *b = malloc(LEN + 64),
		*c = malloc(LEN + 64);
	uint32_t ses, n = 0;
	int i;

	if (!a || !b || !c)
		exit(2);
	for (i = 0; i < LEN + 64; i++)
		a[i] = (uint8_t)(i * 7 + 3);
	ses = new_session(fd, CRYPTO_AES_CBC, key, 16, 0, NULL, 0);
	memcpy(iv2, iv, 16);
	check(!do_crypt(fd, ses, COP_ENCRYPT, COP_FLAG_NO_ZC, a + OFF, b, LEN,
			iv2, NULL) &&
	      !do_crypt(fd, ses, COP_ENCRYPT, 0, a + OFF, c + OFF, LEN, iv,
			NULL) && !memcmp(b, c + OFF, LEN),
	      "64 KiB unaligned: zero-copy equals bounce");
	memcpy(c, a + OFF, LEN);
	check(!do_crypt(fd, ses, COP_ENCRYPT, 0, c, c, LEN, iv, NULL) &&
	      !memcmp(b, c, LEN), "64 KiB in place (src == dst), zero-copy");
	check(!do_crypt(fd, ses, COP_DECRYPT, 0, c, c, LEN, iv, NULL) &&
	      !memcmp(c, a + OFF, LEN), "64 KiB decrypt in place");
	ioctl(fd, CIOCFSESSION, &ses);

	ses = new_session(fd, CRYPTO_AES_GCM, key, 16, 0, NULL, 0);
	if (!ses)
		return;
	check(!aead(fd, ses, COP_ENCRYPT, a, b, LEN, iv, &n) && n == LEN + 16,
	      "AES-GCM 64 KiB zero-copy encrypt");
	check(!aead(fd, ses, COP_DECRYPT, b, c, LEN + 16, iv, &n) &&
	      n == LEN && !memcmp(a, c, LEN), "AES-GCM 64 KiB zero-copy decrypt");
	b[LEN + 3] ^= 0x10;
	memset(c, tag_fixed, LEN);
	check(aead(fd, ses, COP_DECRYPT, b, c, LEN + 16, iv, &n) == EBADMSG &&
	      c[0] == tag_fixed && c[LEN - 1] == tag_fixed,
	      "AES-GCM zero-copy bad tag -> EBADMSG, dst untouched");
	ioctl(fd, CIOCFSESSION, &ses);
	free(a);
	free(b);
	free(c);
}

static int mode_kat(void)
{
	int fd = open_dev(), other;
	uint8_t key[16] = { 0 }, out[16];
	uint32_t ses;

	kat_cbc(fd);
	kat_hash(fd);
	kat_gcm(fd);
	kat_zero_copy(fd);
	kat_session_rules(fd);

	other = open_dev();
	ses = new_session(other, CRYPTO_AES_ECB, key, 16, 0, NULL, 0);
	check(do_crypt(fd, ses, COP_ENCRYPT, 0, key, out, 16, NULL, NULL) ==
	      EINVAL, "another open file's session -> EINVAL");
	close(other);
	close(fd);
	return failures != 0;
}

static int mode_storm(int n)
{
	uint8_t key[16] = { 1 };
	int i, bad = 0;

	for (i = 0; i < n; i++) {
		int fd = open(DEV_PATH, O_RDWR);

		if (fd < 0 || !new_session(fd, CRYPTO_AES_CBC, key, 16, 0,
					   NULL, 0))
			bad++;
		if (fd >= 0)
			close(fd);
	}
	check(!bad, "%d open/session/close cycles (%d failed)", n, bad);
	return failures != 0;
}

struct worker {
	pthread_t thread;
	int rounds;
	int bad;
	int fd;
};

/* Encrypt then decrypt random-ish data of varying sizes; check it. */
static void *worker_main(void *arg)
{
	struct worker *w = arg;
	static const uint32_t sizes[] = { 16, 512, 4096, 65536 };
	uint8_t key[16], iv[16];
	uint8_t *src = malloc(65536), *mid = malloc(65536),
		*back = malloc(65536);
	uint32_t ses;
	int i, j;

	for (j = 0; j < 16; j++)
		key[j] = (uint8_t)(rand() + j);
	ses = new_session(w->fd, CRYPTO_AES_CBC, key, 16, 0, NULL, 0);
	if (!ses || !src || !mid || !back) {
		w->bad = w->rounds;
		goto out;
	}
	for (i = 0; i < w->rounds; i++) {
		uint32_t len = sizes[i % 4];

		for (j = 0; j < (int)len; j++)
			src[j] = (uint8_t)(i * 31 + j);
		memset(iv, i, sizeof(iv));
		/* Stop at the first failure: the device may be gone. */
		if (do_crypt(w->fd, ses, COP_ENCRYPT, 0, src, mid, len, iv,
			     NULL) ||
		    do_crypt(w->fd, ses, COP_DECRYPT, 0, mid, back, len, iv,
			     NULL) || memcmp(src, back, len)) {
			w->bad = w->rounds - i;
			break;
		}
	}
	ioctl(w->fd, CIOCFSESSION, &ses);
out:
	free(src);
	free(mid);
	free(back);
	return NULL;
}

static int mode_threads(int threads, int rounds)
{
	struct worker w[THREAD_MAX];
	int shared = open_dev(), i, bad = 0;

	if (threads > THREAD_MAX)
		threads = THREAD_MAX;
	for (i = 0; i < threads; i++) {
		w[i].rounds = rounds;
		w[i].bad = 0;
		/* Half share one open file, half have their own. */
		w[i].fd = i % 2 ? shared : open_dev();
		pthread_create(&w[i].thread, NULL, worker_main, &w[i]);
	}
	for (i = 0; i < threads; i++) {
		pthread_join(w[i].thread, NULL);
		bad += w[i].bad;
		if (w[i].fd != shared)
			close(w[i].fd);
	}
	close(shared);
	check(!bad, "%d threads x %d checked round trips (%d bad)", threads,
	      rounds, bad);
	return failures != 0;
}

static int mode_busy(void)
{
	uint8_t key[16] = { 2 }, iv[16] = { 0 };
	uint8_t *buf = calloc(1, BUSY_LEN);
	int fd = open_dev();
	uint32_t ses = new_session(fd, CRYPTO_AES_CBC, key, 16, 0, NULL, 0);

	if (!ses || !buf)
		return 1;
	printf("busy\n");
	fflush(stdout);
	/* Until killed, or until the device goes away. */
	while (do_crypt(fd, ses, COP_ENCRYPT, 0, buf, buf, BUSY_LEN, iv,
			NULL) != ENODEV)
		;
	printf("device gone\n");
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* AES-128-CBC throughput for one request size, zero-copy and bounce. */
static int mode_speed(uint32_t len, double secs)
{
	static const uint16_t flags[] = { 0, COP_FLAG_NO_ZC };
	uint8_t key[16] = { 3 }, iv[16] = { 0 };
	uint8_t *buf = calloc(1, len);
	int fd = open_dev(), i;
	uint32_t ses = new_session(fd, CRYPTO_AES_CBC, key, 16, 0, NULL, 0);

	if (!buf || !ses)
		return 1;
	for (i = 0; i < 2; i++) {
		double start = now_s(), t;
		long ops = 0;

		do {
			if (do_crypt(fd, ses, COP_ENCRYPT, flags[i], buf, buf,
				     len, iv, NULL))
				return 1;
			ops++;
			t = now_s() - start;
		} while (t < secs);
		printf("# speed aes-128-cbc %u bytes %s: %.1f MB/s, %.0f ops/s\n",
		       len, flags[i] ? "bounce" : "zero-copy",
		       ops * (double)len / t / 1e6, ops / t);
	}
	return 0;
}

/* With @want_files / @want_sessions nonzero, the counts must be exact. */
static int mode_limits(int want_files, int want_sessions)
{
	static int fds[LIMIT_PROBE_MAX];
	uint8_t key[16] = { 0 };
	int n = 0, err = 0, i, nses = 0;

	while (n < LIMIT_PROBE_MAX) {
		fds[n] = open(DEV_PATH, O_RDWR);
		if (fds[n] < 0) {
			err = errno;
			break;
		}
		n++;
	}
	check(err == EMFILE && (!want_files || n == want_files),
	      "open #%d fails with EMFILE (errno %d)", n + 1, err);
	for (i = 0; i < n; i++)
		close(fds[i]);

	fds[0] = open_dev();
	err = 0;
	while (nses < LIMIT_PROBE_MAX) {
		if (!new_session(fds[0], CRYPTO_AES_CBC, key, 16, 0, NULL, 0)) {
			err = errno;
			break;
		}
		nses++;
	}
	check(err == ENOSPC && (!want_sessions || nses == want_sessions),
	      "session #%d fails with ENOSPC (errno %d)", nses + 1, err);
	close(fds[0]);
	fds[0] = open_dev();
	check(new_session(fds[0], CRYPTO_AES_CBC, key, 16, 0, NULL, 0) != 0,
	      "closing the file freed its sessions");
	close(fds[0]);
	return failures != 0;
}

static int mode_gone(const char *cmd)
{
	uint8_t key[16] = { 0 }, out[16];
	int fd = open_dev(), st;
	uint32_t ses = new_session(fd, CRYPTO_AES_CBC, key, 16, 0, NULL, 0);

	check(ses != 0, "session before removal");
	st = system(cmd);
	check(st == 0, "ran '%s' (status %d)", cmd, st);
	check(do_crypt(fd, ses, COP_ENCRYPT, 0, key, out, 16, key, NULL) ==
	      ENODEV, "CIOCCRYPT on a file of a removed device -> ENODEV");
	check(!new_session(fd, CRYPTO_AES_CBC, key, 16, 0, NULL, 0) &&
	      errno == ENODEV, "CIOCGSESSION after removal -> ENODEV");
	check(close(fd) == 0, "close after removal");
	return failures != 0;
}

/* Opens until refused: how many, and the refusal's errno in *err. */
static int open_all(int *fds, int max, int *err)
{
	int n = 0;

	*err = 0;
	while (n < max) {
		fds[n] = open(DEV_PATH, O_RDWR);
		if (fds[n] < 0) {
			*err = errno;
			break;
		}
		n++;
	}
	return n;
}

static void close_all(int *fds, int n)
{
	int i;

	for (i = 0; i < n; i++)
		close(fds[i]);
}

/*
 * AES-128-CBC sessions round-robin over @fds, at most @max, until one is
 * refused: no file comes near the device's own per-file limit, so a
 * refusal is the uid's.  @first (optional) gets each file's first.
 */
static int sessions_spread(const int *fds, int nfds, int max,
			   uint32_t *first, int *err)
{
	uint8_t key[16] = { 4 };
	int n;

	*err = 0;
	for (n = 0; n < max; n++) {
		uint32_t ses = new_session(fds[n % nfds], CRYPTO_AES_CBC, key,
					   16, 0, NULL, 0);

		if (!ses) {
			*err = errno;
			break;
		}
		if (first && n < nfds)
			first[n] = ses;
	}
	return n;
}

struct filler {
	pthread_t thread;
	int fd;
	uint32_t ses;
	int *stop;
	long max_rounds;	/* 0: until *stop */
	long rounds;
	long bad;
	int err;		/* of the first failure */
};

/* Checked 1 MiB round trips (zero-copy): about 2 MiB in flight each. */
static void *filler_main(void *arg)
{
	struct filler *fl = arg;
	uint8_t *src = malloc(FILL_LEN), *mid = malloc(FILL_LEN),
		*back = malloc(FILL_LEN);
	uint8_t iv[16];
	int err;

	if (!src || !mid || !back) {
		fl->bad++;
		fl->err = ENOMEM;
		goto out;
	}
	while (!__atomic_load_n(fl->stop, __ATOMIC_RELAXED) &&
	       (!fl->max_rounds || fl->rounds < fl->max_rounds)) {
		memset(src, (int)fl->rounds, FILL_LEN);
		memset(iv, (int)fl->rounds, sizeof(iv));
		err = do_crypt(fl->fd, fl->ses, COP_ENCRYPT, 0, src, mid,
			       FILL_LEN, iv, NULL);
		if (!err)
			err = do_crypt(fl->fd, fl->ses, COP_DECRYPT, 0, mid,
				       back, FILL_LEN, iv, NULL);
		if (!err && memcmp(src, back, FILL_LEN))
			err = EILSEQ;
		if (err) {
			if (!fl->bad++)
				fl->err = err;
			if (err == ENODEV)
				break;
			continue;
		}
		__atomic_add_fetch(&fl->rounds, 1, __ATOMIC_RELAXED);
	}
out:
	free(src);
	free(mid);
	free(back);
	return NULL;
}

static void fillers_start(struct filler *fl, int n, const int *fds,
			  const uint32_t *ses, int *stop, long max_rounds)
{
	int i;

	for (i = 0; i < n; i++) {
		memset(&fl[i], 0, sizeof(fl[i]));
		fl[i].fd = fds[i];
		fl[i].ses = ses[i];
		fl[i].stop = stop;
		fl[i].max_rounds = max_rounds;
		pthread_create(&fl[i].thread, NULL, filler_main, &fl[i]);
	}
}

static long fillers_rounds(const struct filler *fl, int n)
{
	long sum = 0;
	int i;

	for (i = 0; i < n; i++)
		sum += __atomic_load_n(&fl[i].rounds, __ATOMIC_RELAXED);
	return sum;
}

/* Joins them; returns the failed round trips, the first errno in *err. */
static long fillers_join(struct filler *fl, int n, int *err)
{
	long bad = 0;
	int i;

	*err = 0;
	for (i = 0; i < n; i++) {
		pthread_join(fl[i].thread, NULL);
		if (fl[i].bad && !*err)
			*err = fl[i].err;
		bad += fl[i].bad;
	}
	return bad;
}

/* Until killed, or until the device goes away. */
static int mode_flood(int n)
{
	static struct filler fl[FILLERS_MAX];
	int fds[FILLERS_MAX], stop = 0, i, err;
	uint32_t ses[FILLERS_MAX];
	uint8_t key[16] = { 5 };

	if (n > FILLERS_MAX)
		n = FILLERS_MAX;
	for (i = 0; i < n; i++) {
		fds[i] = open_dev();
		ses[i] = new_session(fds[i], CRYPTO_AES_CBC, key, 16, 0, NULL,
				     0);
		if (!ses[i])
			return 1;
	}
	printf("flood\n");
	fflush(stdout);
	fillers_start(fl, n, fds, ses, &stop, 0);
	fillers_join(fl, n, &err);
	printf("device gone\n");
	return 0;
}

static long read_stat(const char *name)
{
	char path[128];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), STATS "%s", name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static int set_param(const char *name, long value)
{
	char path[128];
	FILE *f;
	int bad;

	snprintf(path, sizeof(path), PARAMS "%s", name);
	f = fopen(path, "w");
	if (!f)
		return -1;
	bad = fprintf(f, "%ld\n", value) < 0;
	return fclose(f) || bad ? -1 : 0;
}

/* Gives up root and every capability for good. */
static void drop_to(int uid)
{
	if (setgroups(0, NULL) || setgid(uid) || setuid(uid) ||
	    getuid() != (uid_t)uid) {
		perror("drop to uid");
		exit(2);
	}
}

static char fair_recv(int fd)
{
	char c = 0;

	if (read(fd, &c, 1) != 1)
		return 0;
	return c;
}

static void fair_send(int fd, char c)
{
	if (write(fd, &c, 1) != 1)
		perror("fair: pipe");
}

#define FAIR_FILLERS 16
#define FAIR_MORE_FILES 8
#define FAIR_MORE_SESSIONS 4
#define FAIR_SMALL_BUDGET 65536

/*
 * uid A: takes its whole share and fills its in-flight budget, then
 * follows the parent's steps ('w' stop the fillers, 'o' requests over a
 * small budget, 'm' / 's' more files / sessions once root raised them,
 * 'c' close everything and take the share again).
 */
static int fair_hog(int cmd, int rep, int files, int sessions)
{
	static int fds[LIMIT_PROBE_MAX];
	static struct filler fl[FAIR_FILLERS];
	uint32_t first[LIMIT_PROBE_MAX];
	int n, more, nses, err, stop = 0, i;
	long bad;
	char c;

	n = open_all(fds, LIMIT_PROBE_MAX, &err);
	check(n == files && err == EMFILE,
	      "uid A: open #%d fails with EMFILE (errno %d), its share is %d",
	      n + 1, err, files);
	if (n < FAIR_FILLERS)
		return 1;
	nses = sessions_spread(fds, n, sessions + 1, first, &err);
	check(nses == sessions && err == ENOSPC,
	      "uid A: session #%d over its %d files fails with ENOSPC (errno %d), its share is %d",
	      nses + 1, n, err, sessions);
	err = set_param("uid_max_files", 1000) ? errno : 0;
	check(err == EACCES, "uid A cannot change the parameters (errno %d)",
	      err);

	fillers_start(fl, FAIR_FILLERS, fds, first, &stop, 0);
	/* Each thread in at least once: their requests overlapped. */
	for (i = 0; i < 3000 && fillers_rounds(fl, FAIR_FILLERS) <
	     FAIR_FILLERS; i++)
		usleep(10000);
	fair_send(rep, 'k');

	while ((c = fair_recv(cmd)) && c != 'c') {
		switch (c) {
		case 'w':
			__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
			bad = fillers_join(fl, FAIR_FILLERS, &err);
			check(!bad && fillers_rounds(fl, FAIR_FILLERS) > 0,
			      "uid A: %d threads of 1 MiB round trips, more than its in-flight budget at once: %ld done, %ld failed (errno %d)",
			      FAIR_FILLERS, fillers_rounds(fl, FAIR_FILLERS),
			      bad, err);
			break;
		case 'o':
			stop = 0;
			fillers_start(fl, 4, fds, first, &stop, 2);
			bad = fillers_join(fl, 4, &err);
			check(!bad && fillers_rounds(fl, 4) == 8,
			      "uid A: 4 threads of 1 MiB requests over a %d-byte budget: each admitted alone (%ld of 8 done, errno %d)",
			      FAIR_SMALL_BUDGET, fillers_rounds(fl, 4), err);
			break;
		case 'm':
			more = open_all(fds + n, LIMIT_PROBE_MAX - n, &err);
			check(more == FAIR_MORE_FILES && err == EMFILE,
			      "uid A: %d more files after root raised uid_max_files by %d, then EMFILE (errno %d)",
			      more, FAIR_MORE_FILES, err);
			n += more;
			break;
		case 's':
			/* The new files have no sessions yet. */
			more = sessions_spread(fds + n - FAIR_MORE_FILES,
					       FAIR_MORE_FILES,
					       FAIR_MORE_SESSIONS + 1, NULL,
					       &err);
			check(more == FAIR_MORE_SESSIONS && err == ENOSPC,
			      "uid A: %d more sessions after root raised uid_max_sessions by %d, then ENOSPC (errno %d)",
			      more, FAIR_MORE_SESSIONS, err);
			break;
		}
		fair_send(rep, 'k');
	}

	/* Everything it held must have been given back. */
	close_all(fds, n);
	n = open_all(fds, LIMIT_PROBE_MAX, &err);
	check(n == files && err == EMFILE,
	      "uid A after closing everything: exactly %d files again (%d, errno %d)",
	      files, n, err);
	nses = sessions_spread(fds, n, sessions + 1, NULL, &err);
	check(nses == sessions && err == ENOSPC,
	      "uid A after closing everything: exactly %d sessions again (%d, errno %d)",
	      sessions, nses, err);
	close_all(fds, n);
	return failures != 0;
}

/* uid B, while uid A holds its whole share and fills its budget. */
static int fair_other(void)
{
	uint8_t key[16], iv[16], pt[32], ct[32], out[32];
	uint32_t ses, s2;
	int fd = open(DEV_PATH, O_RDWR), fd2, stop = 0, err;
	struct filler fl;

	check(fd >= 0, "uid B opens /dev/crypto (errno %d)", fd < 0 ? errno : 0);
	if (fd < 0)
		return 1;
	unhex(aes_key, key);
	unhex(aes_iv, iv);
	unhex(aes_pt, pt);
	unhex(aes_ct, ct);
	ses = new_session(fd, CRYPTO_AES_CBC, key, 16, 0, NULL, 0);
	check(ses != 0, "uid B creates a session (errno %d)", ses ? 0 : errno);
	check(ses && !do_crypt(fd, ses, COP_ENCRYPT, 0, pt, out, 32, iv, NULL) &&
	      !memcmp(out, ct, 32), "uid B: AES-128-CBC SP 800-38A F.2.1");
	fd2 = open(DEV_PATH, O_RDWR);
	s2 = fd2 >= 0 ? new_session(fd2, CRYPTO_AES_CBC, key, 16, 0, NULL, 0) : 0;
	check(s2 != 0, "uid B: a second file and session");
	memset(&fl, 0, sizeof(fl));
	fl.fd = fd;
	fl.ses = ses;
	fl.stop = &stop;
	fl.max_rounds = 2;
	if (ses) {
		filler_main(&fl);
		check(!fl.bad && fl.rounds == 2,
		      "uid B: 1 MiB round trips (%ld of 2, errno %d)",
		      fl.rounds, fl.err);
	}
	err = close(fd) | (fd2 >= 0 ? close(fd2) : 0);
	check(!err, "uid B closes its files");
	return failures != 0;
}

static int fair_child_ok(pid_t pid)
{
	int st;

	return waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	       !WEXITSTATUS(st);
}

static int mode_fair(int uid_a, int uid_b, int files, int sessions)
{
	int to_a[2], from_a[2], i, ok_a;
	long waits, users = -1;
	pid_t a, b;

	/* A child that died early must fail the checks, not kill us. */
	signal(SIGPIPE, SIG_IGN);
	waits = read_stat("uid_waits");
	if (pipe(to_a) || pipe(from_a))
		return 2;
	fflush(stdout);
	a = fork();
	if (!a) {
		close(to_a[1]);
		close(from_a[0]);
		drop_to(uid_a);
		exit(fair_hog(to_a[0], from_a[1], files, sessions));
	}
	close(to_a[0]);
	close(from_a[1]);
	check(fair_recv(from_a[0]) == 'k',
	      "uid A holds its share, its in-flight budget full");

	b = fork();
	if (!b) {
		drop_to(uid_b);
		exit(fair_other());
	}
	check(fair_child_ok(b), "uid B's checks passed meanwhile");

	fair_send(to_a[1], 'w');
	fair_recv(from_a[0]);
	check(read_stat("uid_waits") > waits,
	      "uid A's submitters waited for its in-flight budget (uid_waits %ld -> %ld)",
	      waits, read_stat("uid_waits"));

	check(!set_param("uid_max_inflight", FAIR_SMALL_BUDGET),
	      "root sets uid_max_inflight to %d", FAIR_SMALL_BUDGET);
	fair_send(to_a[1], 'o');
	fair_recv(from_a[0]);
	check(!set_param("uid_max_inflight", 0), "root restores uid_max_inflight");

	check(!set_param("uid_max_files", files + FAIR_MORE_FILES),
	      "root raises uid_max_files to %d", files + FAIR_MORE_FILES);
	fair_send(to_a[1], 'm');
	fair_recv(from_a[0]);
	check(!set_param("uid_max_sessions", sessions + FAIR_MORE_SESSIONS),
	      "root raises uid_max_sessions to %d",
	      sessions + FAIR_MORE_SESSIONS);
	fair_send(to_a[1], 's');
	fair_recv(from_a[0]);
	check(!set_param("uid_max_files", 0) &&
	      !set_param("uid_max_sessions", 0),
	      "root restores uid_max_files and uid_max_sessions");

	fair_send(to_a[1], 'c');
	ok_a = fair_child_ok(a);
	check(ok_a, "uid A's checks passed");
	for (i = 0; i < 50 && (users = read_stat("users")) != 0; i++)
		usleep(100000);
	check(users == 0, "no uid is left charged (users %ld)", users);
	return failures != 0;
}

/* vcd-smoke as UID MODE ARGS...: the same program as another user. */
static int run_mode(int argc, char **argv);

static int mode_as(int uid, int argc, char **argv)
{
	drop_to(uid);
	return run_mode(argc, argv);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	return run_mode(argc, argv);
}

static int run_mode(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "kat";

	if (!strcmp(mode, "kat"))
		return mode_kat();
	if (!strcmp(mode, "storm") && argc > 2)
		return mode_storm(atoi(argv[2]));
	if (!strcmp(mode, "threads") && argc > 3)
		return mode_threads(atoi(argv[2]), atoi(argv[3]));
	if (!strcmp(mode, "busy"))
		return mode_busy();
	if (!strcmp(mode, "limits"))
		return mode_limits(argc > 2 ? atoi(argv[2]) : 0,
				   argc > 3 ? atoi(argv[3]) : 0);
	if (!strcmp(mode, "gone") && argc > 2)
		return mode_gone(argv[2]);
	if (!strcmp(mode, "speed") && argc > 3)
		return mode_speed(atoi(argv[2]), atof(argv[3]));
	if (!strcmp(mode, "fair") && argc > 5)
		return mode_fair(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]),
				 atoi(argv[5]));
	if (!strcmp(mode, "flood") && argc > 2)
		return mode_flood(atoi(argv[2]));
	if (!strcmp(mode, "as") && argc > 3)
		return mode_as(atoi(argv[2]), argc - 2, argv + 2);
	fprintf(stderr,
		"usage: vcd-smoke kat|storm N|threads T N|busy|limits [F S]|gone CMD|speed LEN SECS|fair A B F S|flood T|as UID MODE...\n");
	return 2;
}
