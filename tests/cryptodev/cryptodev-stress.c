// SPDX-License-Identifier: MIT
/*
 * cryptodev-stress: concurrency, abuse and limits for a cryptodev device,
 * every result checked.  TAP output; exit 0 only when all passed.
 *
 *   cryptodev-stress [-d DEV] [-p PROCS] [-t THREADS] [-n OPS] [-s SEED]
 *                    [-k KILLS] [-c CYCLES] [-x PHASES]
 *
 * Phases (-x, comma-separated; default all):
 *   mixed  PROCS processes x THREADS threads, each running OPS random
 *          operations (random algorithm, size, key, IV, data) on its own
 *          sessions.  Every cipher result must decrypt back to its input;
 *          every result's fingerprint must equal the one a single-threaded
 *          run of the same seed produced first; every 16th operation is a
 *          standard known-answer vector.
 *   kill   KILLS times: a child hammering the device with large requests
 *          from two threads is SIGKILLed mid-flight, while this process
 *          keeps running known answers; afterwards old and new files work.
 *   storm  CYCLES open / create sessions / (sometimes) free / close
 *          cycles, spread over PROCS processes.
 *   limit  sessions in one file, then open files, up to the device's
 *          limit: the refusal must be a clean errno, and freeing one
 *          slot must make room again.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <crypto/cryptodev.h>

#include "tap.h"
#include "vectors.h"

#define DEFAULT_DEVICE		"/dev/crypto"
#define DEFAULT_PROCS		2
#define DEFAULT_THREADS		3
#define DEFAULT_OPS		150
#define DEFAULT_SEED		1
#define DEFAULT_KILLS		5
#define DEFAULT_CYCLES		1000
#define MAX_PROCS		64
#define MAX_THREADS		64
#define MAX_OPS			1000000

/* Operation sizes: mostly small, sometimes up to the large cap. */
#define SMALL_OP_MAX		4096
#define MEDIUM_OP_MAX		(64 << 10)
#define LARGE_OP_MAX		(256 << 10)
/* Every n-th mixed operation is a known-answer vector instead. */
#define KAT_EVERY		16
/* Every n-th mixed operation replaces one session with a fresh key. */
#define REKEY_EVERY		25
/* Request size of the processes that get killed. */
#define VICTIM_OP_LEN		(256 << 10)
#define KILL_DELAY_MIN_MS	50
#define KILL_DELAY_MAX_MS	400
/* Probing stops here when the device shows no limit. */
#define LIMIT_PROBE_MAX		4096

static const char *device = DEFAULT_DEVICE;

struct params {
	unsigned int procs, threads, ops, kills, cycles;
	uint64_t seed;
	bool phase_mixed, phase_shared, phase_kill, phase_storm, phase_limit;
	/* Limits the device is configured with; 0 when not known. */
	unsigned int want_sessions, want_files, want_data_len;
};

/* ---- deterministic randomness ---- */

struct rng {
	uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(rng_next(r) % n);
}

static void rng_fill(struct rng *r, uint8_t *p, size_t len)
{
	while (len) {
		uint64_t v = rng_next(r);
		size_t n = len < 8 ? len : 8;

		memcpy(p, &v, n);
		p += n;
		len -= n;
	}
}

static uint64_t fnv1a(uint64_t h, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

#define FNV_INIT	0xcbf29ce484222325ull

/* ---- device access ---- */

static int open_device(void)
{
	return open(device, O_RDWR | O_CLOEXEC);
}

static int xioctl(int fd, unsigned long request, void *arg)
{
	return ioctl(fd, request, arg) < 0 ? -errno : 0;
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

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- the algorithms the mixed phase draws from ---- */

struct stress_alg {
	const char *name;
	uint32_t cipher, mac;
	uint32_t key_len, mac_key_len;
	uint32_t block, iv_len, digest_len;
	bool aead;
};

static const struct stress_alg stress_algs[] = {
	{ "cbc(aes)-128", CRYPTO_AES_CBC, 0, 16, 0, 16, 16, 0, false },
	{ "cbc(aes)-256", CRYPTO_AES_CBC, 0, 32, 0, 16, 16, 0, false },
	{ "ctr(aes)-128", CRYPTO_AES_CTR, 0, 16, 0, 1, 16, 0, false },
	{ "ecb(aes)-192", CRYPTO_AES_ECB, 0, 24, 0, 16, 0, 0, false },
	{ "xts(aes)-256", CRYPTO_AES_XTS, 0, 64, 0, 16, 16, 0, false },
	{ "cbc(des3_ede)", CRYPTO_3DES_CBC, 0, 24, 0, 8, 8, 0, false },
	{ "md5", 0, CRYPTO_MD5, 0, 0, 1, 0, 16, false },
	{ "sha1", 0, CRYPTO_SHA1, 0, 0, 1, 0, 20, false },
	{ "sha256", 0, CRYPTO_SHA2_256, 0, 0, 1, 0, 32, false },
	{ "sha512", 0, CRYPTO_SHA2_512, 0, 0, 1, 0, 64, false },
	{ "hmac(sha256)", 0, CRYPTO_SHA2_256_HMAC, 0, 32, 1, 0, 32, false },
	{ "hmac(sha512)-long-key", 0, CRYPTO_SHA2_512_HMAC, 0, 200, 1, 0, 64,
	  false },
	{ "cbc(aes)+hmac(sha1)", CRYPTO_AES_CBC, CRYPTO_SHA1_HMAC, 16, 20, 16,
	  16, 20, false },
	{ "gcm(aes)-128", CRYPTO_AES_GCM, 0, 16, 0, 1, 12, 16, true },
};
#define STRESS_ALG_COUNT (sizeof(stress_algs) / sizeof(stress_algs[0]))

/* ---- one worker's state and failure record ---- */

struct worker_report {
	unsigned int ops, kat_ops;
	unsigned int mismatches;	/* fingerprint differs from reference */
	unsigned int bad_results;	/* round trip or known answer wrong */
	unsigned int errors;		/* a call failed */
	char first_problem[160];
};

struct worker {
	int fd;
	struct rng rng;
	uint32_t ses[STRESS_ALG_COUNT];
	uint8_t *src, *dst, *back;
	uint64_t *fingerprints;		/* the reference run fills these */
	bool reference;			/* filling, not comparing */
	struct worker_report *report;
};

/* Counts a problem; the first one is kept as "alg: what (errno)". */
static void note_problem(struct worker *w, unsigned int *counter,
			 const char *alg, const char *what, int err)
{
	(*counter)++;
	if (w->report->first_problem[0])
		return;
	snprintf(w->report->first_problem, sizeof(w->report->first_problem),
		 "%s: %s%s%s%s", alg, what, err ? " (" : "",
		 err ? strerrorname_np(-err) : "", err ? ")" : "");
}

static int open_alg_session(struct worker *w, size_t i)
{
	const struct stress_alg *a = &stress_algs[i];
	uint8_t key[CRYPTO_CIPHER_MAX_KEY_LEN], mac_key[256];
	struct session_op sop = {
		.cipher = a->cipher, .keylen = a->key_len, .key = key,
		.mac = a->mac, .mackeylen = a->mac_key_len, .mackey = mac_key,
	};
	int err;

	rng_fill(&w->rng, key, sizeof(key));
	rng_fill(&w->rng, mac_key, sizeof(mac_key));
	/* XTS refuses equal key halves in FIPS-minded setups. */
	key[0] ^= 0x5a;
	err = xioctl(w->fd, CIOCGSESSION, &sop);
	w->ses[i] = err ? 0 : sop.ses;
	return err;
}

static size_t pick_len(struct worker *w, const struct stress_alg *a)
{
	uint32_t roll = rng_below(&w->rng, 100);
	uint32_t cap = roll < 70 ? SMALL_OP_MAX :
		       roll < 95 ? MEDIUM_OP_MAX : LARGE_OP_MAX;
	size_t len = 1 + rng_below(&w->rng, cap);

	len -= len % a->block;
	return len ? len : a->block;
}

/* The result of one operation: its fingerprint, or a problem. */
static void record(struct worker *w, const char *alg, unsigned int index,
		   uint64_t print)
{
	if (w->reference) {
		w->fingerprints[index] = print;
		return;
	}
	if (w->fingerprints[index] != print)
		note_problem(w, &w->report->mismatches, alg,
			     "result differs from the single-threaded run", 0);
}

static void cipher_op(struct worker *w, size_t i, size_t len,
		      unsigned int index)
{
	const struct stress_alg *a = &stress_algs[i];
	uint8_t iv[16], mac[64], mac_back[64];
	uint64_t print;
	int err;

	rng_fill(&w->rng, iv, sizeof(iv));
	err = run_op(w->fd, w->ses[i], COP_ENCRYPT, 0, w->src, w->dst, len,
		     a->iv_len ? iv : NULL, a->mac ? mac : NULL);
	if (!err)
		err = run_op(w->fd, w->ses[i], COP_DECRYPT, 0, w->dst, w->back,
			     len, a->iv_len ? iv : NULL, a->mac ? mac_back : NULL);
	if (err) {
		note_problem(w, &w->report->errors, a->name,
			     "call failed", err);
		return;
	}
	if (memcmp(w->back, w->src, len) != 0 ||
	    (a->mac && memcmp(mac, mac_back, a->digest_len) != 0))
		note_problem(w, &w->report->bad_results, a->name,
			     "decrypt(encrypt(x)) != x", 0);
	print = fnv1a(FNV_INIT, w->dst, len);
	record(w, a->name, index, a->mac ? fnv1a(print, mac, a->digest_len) : print);
}

/* Half the time the message goes in two calls (UPDATE, then FINAL). */
static void hash_op(struct worker *w, size_t i, size_t len,
		    unsigned int index)
{
	const struct stress_alg *a = &stress_algs[i];
	uint8_t mac[64], again[64];
	size_t first = rng_below(&w->rng, (uint32_t)len);
	int err;

	err = run_op(w->fd, w->ses[i], COP_ENCRYPT, 0, w->src, NULL, len, NULL,
		     mac);
	if (!err && first > 0)
		err = run_op(w->fd, w->ses[i], COP_ENCRYPT,
			     COP_FLAG_UPDATE | COP_FLAG_RESET, w->src, NULL,
			     first, NULL, NULL);
	if (!err)
		err = run_op(w->fd, w->ses[i], COP_ENCRYPT,
			     first ? COP_FLAG_FINAL : 0, w->src + first, NULL,
			     len - first, NULL, again);
	if (err) {
		note_problem(w, &w->report->errors, a->name,
			     "call failed", err);
		return;
	}
	if (first && memcmp(mac, again, a->digest_len) != 0)
		note_problem(w, &w->report->bad_results, a->name,
			     "UPDATE+FINAL differs from one call", 0);
	record(w, a->name, index, fnv1a(FNV_INIT, mac, a->digest_len));
}

static int gcm_call(struct worker *w, uint32_t ses, uint16_t op,
		    const uint8_t *src, size_t len, uint8_t *dst, uint8_t *iv,
		    uint8_t *aad, size_t aad_len)
{
	struct crypt_auth_op caop = {
		.ses = ses, .op = op, .len = (uint32_t)len, .src = (uint8_t *)src,
		.dst = dst, .auth_src = aad, .auth_len = (uint32_t)aad_len,
		.iv = iv, .iv_len = 12, .tag_len = 16,
	};

	return xioctl(w->fd, CIOCAUTHCRYPT, &caop);
}

static void aead_op(struct worker *w, size_t i, size_t len,
		    unsigned int index)
{
	const struct stress_alg *a = &stress_algs[i];
	uint8_t iv[12], aad[64];
	size_t aad_len = 1 + rng_below(&w->rng, sizeof(aad));
	int err;

	rng_fill(&w->rng, iv, sizeof(iv));
	rng_fill(&w->rng, aad, sizeof(aad));
	err = gcm_call(w, w->ses[i], COP_ENCRYPT, w->src, len, w->dst, iv, aad,
		       aad_len);
	if (!err)
		err = gcm_call(w, w->ses[i], COP_DECRYPT, w->dst, len + 16,
			       w->back, iv, aad, aad_len);
	if (err) {
		note_problem(w, &w->report->errors, a->name,
			     "call failed", err);
		return;
	}
	if (memcmp(w->back, w->src, len) != 0)
		note_problem(w, &w->report->bad_results, a->name,
			     "open(seal(x)) != x", 0);
	w->dst[len / 2] ^= 1;
	err = gcm_call(w, w->ses[i], COP_DECRYPT, w->dst, len + 16, w->back,
		       iv, aad, aad_len);
	if (err != -EBADMSG)
		note_problem(w, &w->report->bad_results, a->name,
			     "a flipped bit was not refused", err);
	w->dst[len / 2] ^= 1;
	record(w, a->name, index, fnv1a(FNV_INIT, w->dst, len + 16));
}

/* A standard vector on a throw-away session: exact known answers. */
static void kat_op(struct worker *w)
{
	const struct cipher_vector *v =
		&cipher_vectors[rng_below(&w->rng, (uint32_t)cipher_vector_count)];
	size_t key_len, iv_len, pt_len, ct_len;
	uint8_t *key = vec_decode(&v->key, &key_len);
	uint8_t *iv = vec_decode(&v->iv, &iv_len);
	uint8_t *pt = vec_decode(&v->plain, &pt_len);
	uint8_t *ct = vec_decode(&v->cipher, &ct_len);
	struct session_op sop = { .cipher = v->alg, .keylen = (uint32_t)key_len,
				  .key = key };
	int err = xioctl(w->fd, CIOCGSESSION, &sop);

	if (!err) {
		err = run_op(w->fd, sop.ses, COP_ENCRYPT, 0, pt, w->dst, pt_len,
			     iv_len ? iv : NULL, NULL);
		xioctl(w->fd, CIOCFSESSION, &sop.ses);
	}
	if (err)
		note_problem(w, &w->report->errors, v->name,
			     "call failed", err);
	else if (memcmp(w->dst, ct, ct_len) != 0)
		note_problem(w, &w->report->bad_results, v->name,
			     "wrong known answer", 0);
	w->report->kat_ops++;
	free(key), free(iv), free(pt), free(ct);
}

static void rekey_one(struct worker *w)
{
	size_t i = rng_below(&w->rng, STRESS_ALG_COUNT);
	int err = xioctl(w->fd, CIOCFSESSION, &w->ses[i]);

	if (!err)
		err = open_alg_session(w, i);
	if (err)
		note_problem(w, &w->report->errors, stress_algs[i].name,
			     "rekey failed", err);
}

static void mixed_op(struct worker *w, unsigned int index)
{
	size_t i = rng_below(&w->rng, STRESS_ALG_COUNT);
	const struct stress_alg *a = &stress_algs[i];
	size_t len = pick_len(w, a);

	rng_fill(&w->rng, w->src, len);
	if (a->aead)
		aead_op(w, i, len, index);
	else if (a->cipher)
		cipher_op(w, i, len, index);
	else
		hash_op(w, i, len, index);
	w->report->ops++;
}

static uint64_t worker_seed(uint64_t seed, unsigned int proc,
			    unsigned int thread)
{
	struct rng r = { seed ^ ((uint64_t)proc << 32) ^ thread };

	return rng_next(&r);
}

/* One worker's whole sequence; the same seed gives the same calls. */
static void run_worker(struct worker *w, unsigned int ops)
{
	for (size_t i = 0; i < STRESS_ALG_COUNT; i++) {
		int err = open_alg_session(w, i);

		if (err)
			note_problem(w, &w->report->errors, stress_algs[i].name,
			     "CIOCGSESSION failed", err);
	}
	for (unsigned int n = 0; n < ops; n++) {
		if (n % KAT_EVERY == KAT_EVERY - 1)
			kat_op(w);
		else if (n % REKEY_EVERY == REKEY_EVERY - 1)
			rekey_one(w);
		else
			mixed_op(w, n);
	}
	for (size_t i = 0; i < STRESS_ALG_COUNT; i++)
		xioctl(w->fd, CIOCFSESSION, &w->ses[i]);
}

/* ---- the mixed phase ---- */

struct mixed_plan {
	const struct params *prm;
	uint64_t *fingerprints;		/* [procs][threads][ops] */
	struct worker_report *reports;	/* shared with the children */
};

static uint64_t *fingerprints_of(const struct mixed_plan *mp,
				 unsigned int proc, unsigned int thread)
{
	size_t per_proc = (size_t)mp->prm->threads * mp->prm->ops;

	return mp->fingerprints + proc * per_proc + (size_t)thread * mp->prm->ops;
}

static void worker_setup(struct worker *w, int fd, uint64_t seed,
			 struct worker_report *report)
{
	memset(w, 0, sizeof(*w));
	w->fd = fd;
	w->rng.s = seed;
	w->report = report;
	/* + 16: the AEAD tag after the largest message. */
	w->src = malloc(LARGE_OP_MAX + 16);
	w->dst = malloc(LARGE_OP_MAX + 16);
	w->back = malloc(LARGE_OP_MAX + 16);
	if (!w->src || !w->dst || !w->back)
		abort();
}

static void worker_teardown(struct worker *w)
{
	free(w->src), free(w->dst), free(w->back);
}

struct thread_arg {
	const struct mixed_plan *mp;
	unsigned int proc, thread;
	int fd;
};

static void *mixed_thread(void *p)
{
	struct thread_arg *ta = p;
	const struct params *prm = ta->mp->prm;
	struct worker w;

	worker_setup(&w, ta->fd, worker_seed(prm->seed, ta->proc, ta->thread),
		     &ta->mp->reports[ta->proc * prm->threads + ta->thread]);
	w.fingerprints = fingerprints_of(ta->mp, ta->proc, ta->thread);
	run_worker(&w, prm->ops);
	worker_teardown(&w);
	return NULL;
}

/* A child process: its threads share one open file. */
static int mixed_child(const struct mixed_plan *mp, unsigned int proc)
{
	unsigned int threads = mp->prm->threads;
	struct thread_arg args[MAX_THREADS];
	pthread_t tids[MAX_THREADS];
	int fd = open_device();

	if (fd < 0)
		return 3;
	for (unsigned int t = 0; t < threads; t++) {
		args[t] = (struct thread_arg){ mp, proc, t, fd };
		if (pthread_create(&tids[t], NULL, mixed_thread, &args[t]))
			return 4;
	}
	for (unsigned int t = 0; t < threads; t++)
		pthread_join(tids[t], NULL);
	close(fd);
	return 0;
}

static bool mixed_reference(const struct mixed_plan *mp)
{
	const struct params *prm = mp->prm;
	int fd = open_device();
	double t0 = now_s();
	bool clean = true;

	if (fd < 0)
		return false;
	for (unsigned int p = 0; p < prm->procs; p++) {
		for (unsigned int t = 0; t < prm->threads; t++) {
			struct worker_report *r = &mp->reports[p * prm->threads + t];
			struct worker w;

			worker_setup(&w, fd, worker_seed(prm->seed, p, t), r);
			w.fingerprints = fingerprints_of(mp, p, t);
			w.reference = true;
			run_worker(&w, prm->ops);
			worker_teardown(&w);
			if (r->errors || r->bad_results) {
				tap_diag("reference run, worker %u.%u: %s", p, t,
					 r->first_problem);
				clean = false;
			}
		}
	}
	close(fd);
	tap_diag("single-threaded reference run: %.1f s", now_s() - t0);
	return clean;
}

static pid_t fork_or_die(void)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		printf("Bail out! fork: %s\n", strerror(errno));
		exit(1);
	}
	return pid;
}

static void report_mixed_proc(const struct mixed_plan *mp, unsigned int p,
			      int status)
{
	const struct params *prm = mp->prm;
	struct worker_report sum = { 0 };
	const char *problem = "";

	for (unsigned int t = 0; t < prm->threads; t++) {
		const struct worker_report *r = &mp->reports[p * prm->threads + t];

		sum.ops += r->ops, sum.kat_ops += r->kat_ops;
		sum.mismatches += r->mismatches;
		sum.bad_results += r->bad_results;
		sum.errors += r->errors;
		if (!problem[0] && r->first_problem[0])
			problem = r->first_problem;
	}
	if (!tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
		    !sum.mismatches && !sum.bad_results && !sum.errors,
		    "mixed: process %u, %u threads, %u ops + %u known answers, all checked",
		    p, prm->threads, sum.ops, sum.kat_ops)) {
		tap_diag("exit status %#x, %u mismatches, %u wrong results, %u failed calls",
			 status, sum.mismatches, sum.bad_results, sum.errors);
		tap_diag("first problem: %s", problem);
	}
}

static void phase_mixed(const struct params *prm)
{
	size_t workers = (size_t)prm->procs * prm->threads;
	struct mixed_plan mp = { .prm = prm };
	pid_t pids[MAX_PROCS];
	double t0;

	mp.fingerprints = calloc(workers * prm->ops, sizeof(uint64_t));
	mp.reports = mmap(NULL, workers * sizeof(struct worker_report),
			  PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!mp.fingerprints || mp.reports == MAP_FAILED)
		abort();
	if (!tap_ok(mixed_reference(&mp), "mixed: single-threaded reference run is clean"))
		goto out;
	memset(mp.reports, 0, workers * sizeof(struct worker_report));
	t0 = now_s();
	for (unsigned int p = 0; p < prm->procs; p++) {
		pids[p] = fork_or_die();
		if (pids[p] == 0)
			_exit(mixed_child(&mp, p));
	}
	for (unsigned int p = 0; p < prm->procs; p++) {
		int status;

		waitpid(pids[p], &status, 0);
		report_mixed_proc(&mp, p, status);
	}
	tap_diag("concurrent run: %.1f s", now_s() - t0);
out:
	munmap(mp.reports, workers * sizeof(struct worker_report));
	free(mp.fingerprints);
}

/* ---- the shared phase ---- */

/*
 * Threads share one session per algorithm and each also has a private
 * session with the same key; every request on a shared session must give
 * what the private one gives.  Requests carry their IV and hashes are one
 * call each, so nothing but the device's per-session serialisation keeps
 * the shared results right.
 */
#define SHARED_ALGS	3
#define SHARED_OP_MAX	(16 << 10)

struct shared_ctx {
	int fd;
	unsigned int ops;
	uint64_t seed;
	uint32_t ses[SHARED_ALGS];
	unsigned int mismatches, errors;
	pthread_mutex_t lock;
};

static const struct session_op shared_templates[SHARED_ALGS] = {
	{ .cipher = CRYPTO_AES_CBC, .keylen = 16 },
	{ .cipher = CRYPTO_AES_CTR, .keylen = 32 },
	{ .mac = CRYPTO_SHA2_256_HMAC, .mackeylen = 32 },
};

static int shared_session(int fd, size_t i, uint32_t *ses)
{
	static const uint8_t key[32] = "shared-phase key, 32 bytes long";
	struct session_op sop = shared_templates[i];
	int err;

	sop.key = sop.keylen ? (uint8_t *)key : NULL;
	sop.mackey = sop.mackeylen ? (uint8_t *)key : NULL;
	err = xioctl(fd, CIOCGSESSION, &sop);
	*ses = sop.ses;
	return err;
}

static int shared_request(int fd, uint32_t ses, size_t i, const uint8_t *src,
			  uint8_t *dst, size_t len, const uint8_t *iv)
{
	uint8_t iv_copy[16];

	memcpy(iv_copy, iv, 16);
	if (shared_templates[i].mac)
		return run_op(fd, ses, COP_ENCRYPT, 0, src, NULL, len, NULL, dst);
	return run_op(fd, ses, COP_ENCRYPT, 0, src, dst, len, iv_copy, NULL);
}

static void *shared_thread(void *p)
{
	struct shared_ctx *c = p;
	uint8_t *src = malloc(SHARED_OP_MAX), *a = malloc(SHARED_OP_MAX);
	uint8_t *b = malloc(SHARED_OP_MAX), iv[16];
	uint32_t own[SHARED_ALGS];
	unsigned int bad = 0, errs = 0;
	struct rng r;

	pthread_mutex_lock(&c->lock);
	r.s = c->seed++;
	pthread_mutex_unlock(&c->lock);
	for (size_t i = 0; i < SHARED_ALGS; i++)
		errs += shared_session(c->fd, i, &own[i]) != 0;
	for (unsigned int n = 0; !errs && n < c->ops; n++) {
		size_t i = rng_below(&r, SHARED_ALGS);
		size_t len = 16 * (1 + rng_below(&r, SHARED_OP_MAX / 16));

		rng_fill(&r, src, len);
		rng_fill(&r, iv, sizeof(iv));
		memset(a, 0, len);
		memset(b, 1, len);
		if (shared_request(c->fd, c->ses[i], i, src, a, len, iv) ||
		    shared_request(c->fd, own[i], i, src, b, len, iv))
			errs++;
		else if (memcmp(a, b, shared_templates[i].mac ? 32 : len))
			bad++;
	}
	for (size_t i = 0; i < SHARED_ALGS; i++)
		xioctl(c->fd, CIOCFSESSION, &own[i]);
	pthread_mutex_lock(&c->lock);
	c->mismatches += bad;
	c->errors += errs;
	pthread_mutex_unlock(&c->lock);
	free(src), free(a), free(b);
	return NULL;
}

static void phase_shared(const struct params *prm)
{
	struct shared_ctx c = { .fd = open_device(), .ops = prm->ops,
				.seed = prm->seed ^ 0x736861726564ull };
	unsigned int threads = prm->threads < 2 ? 2 : prm->threads;
	pthread_t tids[MAX_THREADS];
	int err = c.fd < 0 ? -errno : 0;

	pthread_mutex_init(&c.lock, NULL);
	for (size_t i = 0; !err && i < SHARED_ALGS; i++)
		err = shared_session(c.fd, i, &c.ses[i]);
	if (!tap_ok(!err, "shared: sessions")) {
		tap_diag("%s", strerror(-err));
		return;
	}
	for (unsigned int t = 0; t < threads; t++)
		pthread_create(&tids[t], NULL, shared_thread, &c);
	for (unsigned int t = 0; t < threads; t++)
		pthread_join(tids[t], NULL);
	if (!tap_ok(!c.mismatches && !c.errors,
		    "shared: %u threads x %u requests on shared sessions match private ones",
		    threads, c.ops))
		tap_diag("%u mismatches, %u failed calls", c.mismatches, c.errors);
	close(c.fd);
}

/* ---- the kill phase ---- */

static void *victim_thread(void *p)
{
	int fd = *(int *)p;
	uint8_t key[32] = { 7 }, iv[16] = { 0 };
	uint8_t *buf = malloc(VICTIM_OP_LEN), mac[64];
	struct session_op cbc = { .cipher = CRYPTO_AES_CBC, .keylen = 16,
				  .key = key };
	struct session_op hmac = { .mac = CRYPTO_SHA2_512_HMAC, .mackeylen = 32,
				   .mackey = key };

	if (!buf || xioctl(fd, CIOCGSESSION, &cbc) ||
	    xioctl(fd, CIOCGSESSION, &hmac))
		_exit(5);
	memset(buf, 0x3c, VICTIM_OP_LEN);
	for (;;) {
		run_op(fd, cbc.ses, COP_ENCRYPT, 0, buf, buf, VICTIM_OP_LEN, iv,
		       NULL);
		run_op(fd, hmac.ses, COP_ENCRYPT, 0, buf, NULL, VICTIM_OP_LEN,
		       NULL, mac);
	}
	return NULL;
}

static void victim_main(void)
{
	int fd = open_device();
	pthread_t t1, t2;

	if (fd < 0)
		_exit(3);
	pthread_create(&t1, NULL, victim_thread, &fd);
	pthread_create(&t2, NULL, victim_thread, &fd);
	pthread_join(t1, NULL);
	_exit(4);
}

static const struct cipher_vector *cbc_vector(void)
{
	for (size_t i = 0; i < cipher_vector_count; i++)
		if (strstr(cipher_vectors[i].name, "F.2.1"))
			return &cipher_vectors[i];
	abort();
}

/* SP 800-38A F.2.1 through a given file: the known answer or not. */
static bool cbc_known_answer(int fd)
{
	const struct cipher_vector *v = cbc_vector();
	size_t key_len, iv_len, pt_len, ct_len;
	uint8_t *key = vec_decode(&v->key, &key_len);
	uint8_t *iv = vec_decode(&v->iv, &iv_len);
	uint8_t *pt = vec_decode(&v->plain, &pt_len);
	uint8_t *ct = vec_decode(&v->cipher, &ct_len);
	uint8_t out[64];
	struct session_op sop = { .cipher = v->alg, .keylen = (uint32_t)key_len,
				  .key = key };
	bool ok = v->alg == CRYPTO_AES_CBC && pt_len == sizeof(out) &&
		  xioctl(fd, CIOCGSESSION, &sop) == 0;

	if (ok) {
		ok = run_op(fd, sop.ses, COP_ENCRYPT, 0, pt, out, pt_len, iv,
			    NULL) == 0 && memcmp(out, ct, ct_len) == 0;
		ok = xioctl(fd, CIOCFSESSION, &sop.ses) == 0 && ok;
	}
	free(key), free(iv), free(pt), free(ct);
	return ok;
}

struct bystander {
	int fd;
	volatile bool stop;
	unsigned int rounds, failures;
};

/* Known answers on this process's own file while the children die. */
static void *bystander_thread(void *p)
{
	struct bystander *b = p;

	while (!b->stop) {
		if (!cbc_known_answer(b->fd))
			b->failures++;
		b->rounds++;
	}
	return NULL;
}

static bool kill_one_victim(struct rng *r)
{
	pid_t pid = fork_or_die();
	struct timespec delay;
	int status;

	if (pid == 0)
		victim_main();
	delay.tv_sec = 0;
	delay.tv_nsec = (long)(KILL_DELAY_MIN_MS +
			       rng_below(r, KILL_DELAY_MAX_MS - KILL_DELAY_MIN_MS)) *
			1000000L;
	nanosleep(&delay, NULL);
	kill(pid, SIGKILL);
	if (waitpid(pid, &status, 0) != pid)
		return false;
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) {
		tap_diag("victim ended by itself, status %#x", status);
		return false;
	}
	return true;
}

static void phase_kill(const struct params *prm)
{
	struct bystander b = { .fd = open_device() };
	struct rng r = { prm->seed ^ 0x6b696c6cu };
	unsigned int killed = 0;
	pthread_t tid;
	int fresh;

	if (!tap_ok(b.fd >= 0, "kill: open the device"))
		return;
	pthread_create(&tid, NULL, bystander_thread, &b);
	for (unsigned int i = 0; i < prm->kills; i++)
		killed += kill_one_victim(&r);
	b.stop = true;
	pthread_join(tid, NULL);
	tap_ok(killed == prm->kills,
	       "kill: %u children SIGKILLed in the middle of 256 KiB requests",
	       prm->kills);
	if (!tap_ok(b.rounds > 0 && b.failures == 0,
		    "kill: known answers right meanwhile in this process (%u rounds)",
		    b.rounds))
		tap_diag("%u of %u rounds failed", b.failures, b.rounds);
	tap_ok(cbc_known_answer(b.fd), "kill: the file opened before still works");
	fresh = open_device();
	tap_ok(fresh >= 0 && cbc_known_answer(fresh),
	       "kill: a file opened afterwards works");
	close(fresh);
	close(b.fd);
}

/* ---- the storm phase ---- */

static int storm_cycle(struct rng *r)
{
	uint8_t key[16] = { 1 }, buf[64] = { 0 }, iv[16] = { 0 };
	unsigned int sessions = 1 + rng_below(r, 3);
	bool tidy = rng_below(r, 2);
	uint32_t ses[3];
	int fd = open_device(), err = 0;

	if (fd < 0)
		return -errno;
	for (unsigned int i = 0; !err && i < sessions; i++) {
		struct session_op sop = { .cipher = CRYPTO_AES_CBC, .keylen = 16,
					  .key = key };

		err = xioctl(fd, CIOCGSESSION, &sop);
		ses[i] = sop.ses;
	}
	if (!err && rng_below(r, 4) == 0)
		err = run_op(fd, ses[0], COP_ENCRYPT, 0, buf, buf, sizeof(buf),
			     iv, NULL);
	for (unsigned int i = 0; !err && tidy && i < sessions; i++)
		err = xioctl(fd, CIOCFSESSION, &ses[i]);
	close(fd);
	return err;
}

static int storm_child(unsigned int cycles, uint64_t seed)
{
	struct rng r = { seed };

	for (unsigned int i = 0; i < cycles; i++) {
		int err = storm_cycle(&r);

		if (err) {
			printf("# storm child: cycle %u: %s\n", i, strerror(-err));
			return 1;
		}
	}
	return 0;
}

static void phase_storm(const struct params *prm)
{
	unsigned int per_proc = prm->cycles / prm->procs;
	unsigned int failed = 0;
	pid_t pids[MAX_PROCS];
	double t0 = now_s();

	for (unsigned int p = 0; p < prm->procs; p++) {
		pids[p] = fork_or_die();
		if (pids[p] == 0)
			_exit(storm_child(per_proc, prm->seed + p));
	}
	for (unsigned int p = 0; p < prm->procs; p++) {
		int status;

		waitpid(pids[p], &status, 0);
		failed += !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	tap_ok(failed == 0,
	       "storm: %u processes x %u cycles of open, 1-3 sessions, close",
	       prm->procs, per_proc);
	tap_diag("storm: %.0f cycles/s", per_proc * prm->procs / (now_s() - t0));
}

/* ---- the limit phase ---- */

static bool clean_limit_errno(int err)
{
	return err == -ENOSPC || err == -EMFILE || err == -ENFILE ||
	       err == -ENOMEM || err == -EDQUOT || err == -EUSERS ||
	       err == -EAGAIN || err == -EBUSY;
}

static int new_cbc_session(int fd, uint32_t *ses)
{
	uint8_t key[16] = { 9 };
	struct session_op sop = { .cipher = CRYPTO_AES_CBC, .keylen = 16,
				  .key = key };
	int err = xioctl(fd, CIOCGSESSION, &sop);

	*ses = sop.ses;
	return err;
}

static bool session_works(int fd, uint32_t ses)
{
	uint8_t buf[16] = { 0 }, iv[16] = { 0 };

	return run_op(fd, ses, COP_ENCRYPT, 0, buf, buf, 16, iv, NULL) == 0;
}

static void limit_sessions(unsigned int want)
{
	uint32_t *ses = calloc(LIMIT_PROBE_MAX, sizeof(*ses));
	int fd = open_device(), err = 0;
	unsigned int n = 0;

	if (!ses || fd < 0)
		abort();
	while (n < LIMIT_PROBE_MAX && !(err = new_cbc_session(fd, &ses[n])))
		n++;
	if (n == LIMIT_PROBE_MAX) {
		tap_skip("no limit below the probe's cap",
			 "limit: sessions per file (%u created)", n);
	} else if (tap_ok(n > 0 && clean_limit_errno(err),
			  "limit: session %u of one file refused with %s",
			  n + 1, strerrorname_np(-err))) {
		tap_ok(session_works(fd, ses[0]) && session_works(fd, ses[n - 1]),
		       "limit: the first and last sessions still work");
		err = xioctl(fd, CIOCFSESSION, &ses[n / 2]);
		tap_ok(!err && !new_cbc_session(fd, &ses[n / 2]) &&
		       session_works(fd, ses[n / 2]),
		       "limit: freeing one session makes room for another");
	}
	if (want)
		tap_ok(n == want, "limit: %u sessions per file, as configured (%u)",
		       n, want);
	close(fd);
	free(ses);
}

static void raise_file_limit(void)
{
	struct rlimit rl = { LIMIT_PROBE_MAX + 64, LIMIT_PROBE_MAX + 64 };

	setrlimit(RLIMIT_NOFILE, &rl);
}

static void limit_files(unsigned int want)
{
	int *fds = calloc(LIMIT_PROBE_MAX, sizeof(*fds));
	unsigned int n = 0;
	int err = 0, fd;

	if (!fds)
		abort();
	raise_file_limit();
	for (; n < LIMIT_PROBE_MAX; n++) {
		fds[n] = open_device();
		if (fds[n] < 0) {
			err = -errno;
			break;
		}
	}
	if (n == LIMIT_PROBE_MAX) {
		tap_skip("no limit below the probe's cap",
			 "limit: open files (%u opened)", n);
	} else if (tap_ok(n > 0 && clean_limit_errno(err),
			  "limit: open %u refused with %s", n + 1,
			  strerrorname_np(-err))) {
		uint32_t ses;

		close(fds[0]);
		fds[0] = open_device();
		tap_ok(fds[0] >= 0 && !new_cbc_session(fds[0], &ses) &&
		       session_works(fds[0], ses),
		       "limit: closing one file makes room for another");
	}
	if (want)
		tap_ok(n == want, "limit: %u open files, as configured (%u)", n,
		       want);
	for (unsigned int i = 0; i < n; i++)
		close(fds[i]);
	free(fds);
	fd = open_device();
	tap_ok(fd >= 0 && cbc_known_answer(fd),
	       "limit: the device works normally after the probes");
	close(fd);
}

/*
 * The configured largest request works in one call and one block more is
 * refused with E2BIG (the driver checks before sending anything).
 */
static void limit_data_len(unsigned int want)
{
	size_t len = want + 16;
	uint8_t *buf = calloc(1, len), iv[16] = { 0 };
	int fd = open_device(), err;
	uint32_t ses;

	if (!buf || fd < 0 || new_cbc_session(fd, &ses))
		abort();
	err = run_op(fd, ses, COP_ENCRYPT, 0, buf, buf, want - want % 16, iv,
		     NULL);
	tap_ok(!err, "limit: a %u-byte request (max-data-len) works", want);
	err = run_op(fd, ses, COP_ENCRYPT, 0, buf, buf, len - len % 16, iv, NULL);
	if (!tap_ok(err == -E2BIG, "limit: %zu bytes -> E2BIG", len - len % 16))
		tap_diag("got %s", err ? strerrorname_np(-err) : "success");
	close(fd);
	free(buf);
}

/* ---- command line ---- */

static void usage(void)
{
	fprintf(stderr,
		"usage: cryptodev-stress [-d DEV] [-p PROCS] [-t THREADS] [-n OPS]\n"
		"                        [-s SEED] [-k KILLS] [-c CYCLES] [-x PHASES]\n"
		"                        [-S SESSIONS] [-F FILES] [-L DATA_LEN]\n"
		"  -d DEV      device (default %s)\n"
		"  -p PROCS    processes, 1-%d (default %d)\n"
		"  -t THREADS  threads per process, 1-%d (default %d)\n"
		"  -n OPS      operations per thread (default %d)\n"
		"  -s SEED     seed of every random choice (default %d)\n"
		"  -k KILLS    children killed in the kill phase (default %d)\n"
		"  -c CYCLES   open/close cycles in the storm phase (default %d)\n"
		"  -x PHASES   comma-separated: mixed,shared,kill,storm,limit\n"
		"              (default all)\n"
		"  -S N, -F N  the device's configured sessions per file and open\n"
		"              files: the limit phase must find exactly these\n"
		"  -L N        its max-data-len: N bytes work, N + 16 give E2BIG\n",
		DEFAULT_DEVICE, MAX_PROCS, DEFAULT_PROCS, MAX_THREADS,
		DEFAULT_THREADS, DEFAULT_OPS, DEFAULT_SEED, DEFAULT_KILLS,
		DEFAULT_CYCLES);
	exit(2);
}

static unsigned long parse_num(const char *s, unsigned long min,
			       unsigned long max)
{
	char *end;
	unsigned long v = strtoul(s, &end, 0);

	if (*s == '\0' || *end != '\0' || v < min || v > max)
		usage();
	return v;
}

static void parse_phases(struct params *prm, char *list)
{
	prm->phase_mixed = prm->phase_shared = prm->phase_kill = false;
	prm->phase_storm = prm->phase_limit = false;
	for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
		if (strcmp(tok, "mixed") == 0)
			prm->phase_mixed = true;
		else if (strcmp(tok, "shared") == 0)
			prm->phase_shared = true;
		else if (strcmp(tok, "kill") == 0)
			prm->phase_kill = true;
		else if (strcmp(tok, "storm") == 0)
			prm->phase_storm = true;
		else if (strcmp(tok, "limit") == 0)
			prm->phase_limit = true;
		else
			usage();
	}
}

static void parse_args(struct params *prm, int argc, char **argv)
{
	int opt;

	*prm = (struct params){
		.procs = DEFAULT_PROCS, .threads = DEFAULT_THREADS,
		.ops = DEFAULT_OPS, .kills = DEFAULT_KILLS,
		.cycles = DEFAULT_CYCLES, .seed = DEFAULT_SEED,
		.phase_mixed = true, .phase_shared = true, .phase_kill = true,
		.phase_storm = true, .phase_limit = true,
	};
	while ((opt = getopt(argc, argv, "d:p:t:n:s:k:c:x:S:F:L:h")) != -1) {
		switch (opt) {
		case 'd': device = optarg; break;
		case 'p': prm->procs = parse_num(optarg, 1, MAX_PROCS); break;
		case 't': prm->threads = parse_num(optarg, 1, MAX_THREADS); break;
		case 'n': prm->ops = parse_num(optarg, 1, MAX_OPS); break;
		case 's': prm->seed = parse_num(optarg, 0, ~0ul); break;
		case 'k': prm->kills = parse_num(optarg, 0, 10000); break;
		case 'c': prm->cycles = parse_num(optarg, 1, 10000000); break;
		case 'x': parse_phases(prm, optarg); break;
		case 'S': prm->want_sessions = parse_num(optarg, 1, LIMIT_PROBE_MAX); break;
		case 'F': prm->want_files = parse_num(optarg, 1, LIMIT_PROBE_MAX); break;
		case 'L': prm->want_data_len = parse_num(optarg, 16, 64u << 20); break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
}

int main(int argc, char **argv)
{
	struct params prm;
	int fd;

	parse_args(&prm, argc, argv);
	fd = open_device();
	if (fd < 0) {
		printf("Bail out! cannot open %s: %s\n", device, strerror(errno));
		return 1;
	}
	close(fd);
	tap_diag("cryptodev-stress on %s: %u procs x %u threads x %u ops, seed %llu",
		 device, prm.procs, prm.threads, prm.ops,
		 (unsigned long long)prm.seed);
	if (prm.phase_mixed)
		phase_mixed(&prm);
	if (prm.phase_shared)
		phase_shared(&prm);
	if (prm.phase_kill)
		phase_kill(&prm);
	if (prm.phase_storm)
		phase_storm(&prm);
	if (prm.phase_limit) {
		limit_sessions(prm.want_sessions);
		limit_files(prm.want_files);
		if (prm.want_data_len)
			limit_data_len(prm.want_data_len);
	}
	return tap_finish();
}
