// SPDX-License-Identifier: MIT
/*
 * cryptodev-speed: throughput of a cryptodev device next to the kernel's
 * own software crypto reached through AF_ALG sockets, cell by cell.
 *
 *   cryptodev-speed [-d DEV] [-t SECONDS] [-a ALGS] [-s SIZES] [-p PROCS]
 *                   [-r REPEATS] [-n] [-c] [-m] [-l LABEL] [-D DRIVER]
 *
 * A cell is one algorithm, one request size and a number of processes,
 * each process with its own open file (or socket) and session, all
 * started together and each running back-to-back requests for SECONDS.
 * The cell's throughput is the sum over the processes of bytes / time.
 * Every request carries its IV (ciphers) or yields its digest (HMAC), so
 * both sides do the same work per call.  With -r each cell is measured
 * REPEATS times, the two sides alternating, and the best run is kept:
 * other load on the machine only ever slows a run down.
 *
 * -m prints one line per side and cell for a program to merge runs on
 * different stacks (bench-report):
 *   cell LABEL ALG BYTES PROCS OPS_PER_S MB_PER_S DRIVER
 * with LABEL (-l, default "dev") for the device and "afalg" for AF_ALG,
 * and "-" for a side that failed.  -D skips the algorithms that the
 * device does not serve with a driver whose name contains DRIVER (a peer
 * device that only offers some of them).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/if_alg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <crypto/cryptodev.h>

#define DEFAULT_DEVICE		"/dev/crypto"
#define DEFAULT_SECONDS		1.0
#define DEFAULT_ALGS		"cbc,ctr,hmac"
#define ALL_ALGS		"cbc,ctr,hmac,gcm,info"
#define DEFAULT_SIZES		"16,64,256,1024,4096,16384,65536"
#define DEFAULT_PROCS		"1,2,4"
#define MAX_LIST		16
#define MAX_PROCS		64
#define MAX_SIZE		(1u << 20)
#define MAX_SECONDS		60.0
#define MAX_REPEATS		20
#define HMAC_KEY_LEN		32
#define DIGEST_MAX		64
#define GCM_IV_LEN		12
#define GCM_TAG_LEN		16

static const char *device = DEFAULT_DEVICE;

struct speed_alg {
	const char *option;		/* name on the command line */
	const char *label;		/* name in the table */
	uint32_t cipher, mac;
	const char *afalg_type, *afalg_name;
	uint32_t key_len, iv_len, digest_len;
};

static const struct speed_alg speed_algs[] = {
	{ "cbc", "cbc(aes)-128", CRYPTO_AES_CBC, 0, "skcipher", "cbc(aes)",
	  16, 16, 0 },
	{ "ctr", "ctr(aes)-128", CRYPTO_AES_CTR, 0, "skcipher", "ctr(aes)",
	  16, 16, 0 },
	{ "hmac", "hmac(sha256)", 0, CRYPTO_SHA2_256_HMAC, "hash",
	  "hmac(sha256)", HMAC_KEY_LEN, 0, 32 },
	/* AEAD: CIOCAUTHCRYPT, no AAD, ciphertext || tag */
	{ "gcm", "gcm(aes)-256", CRYPTO_AES_GCM, 0, "aead", "gcm(aes)",
	  32, GCM_IV_LEN, GCM_TAG_LEN },
	/*
	 * The bare ioctl: CIOCGSESSINFO on a cbc(aes) session, which
	 * cryptodev-linux and the project's driver both answer without
	 * crypto or device; the size is ignored.  No AF_ALG side.
	 */
	{ "info", "sessinfo", CRYPTO_AES_CBC, 0, NULL, "cbc(aes)", 16, 16, 0 },
};
#define SPEED_ALG_COUNT (sizeof(speed_algs) / sizeof(speed_algs[0]))

/* ---- one backend: set up once per process, then run requests ---- */

struct backend_ctx {
	const struct speed_alg *alg;
	int fd;			/* /dev/crypto file, or AF_ALG request socket */
	int tfm;		/* AF_ALG transform socket */
	uint32_t ses;
	uint8_t *in, *out;
	uint8_t iv[16], mac[DIGEST_MAX];
};

struct backend {
	const char *name;
	int (*setup)(struct backend_ctx *c);
	int (*request)(struct backend_ctx *c, size_t len);
};

static const uint8_t bench_key[HMAC_KEY_LEN] = {
	0x60, 0x3d, 0xeb, 0x10, 0x15, 0xca, 0x71, 0xbe,
	0x2b, 0x73, 0xae, 0xf0, 0x85, 0x7d, 0x77, 0x81,
	0x1f, 0x35, 0x2c, 0x07, 0x3b, 0x61, 0x08, 0xd7,
	0x2d, 0x98, 0x10, 0xa3, 0x09, 0x14, 0xdf, 0xf4,
};

static int dev_setup(struct backend_ctx *c)
{
	struct session_op sop = {
		.cipher = c->alg->cipher, .mac = c->alg->mac,
	};

	if (c->alg->cipher) {
		sop.keylen = c->alg->key_len;
		sop.key = (uint8_t *)bench_key;
	} else {
		sop.mackeylen = c->alg->key_len;
		sop.mackey = (uint8_t *)bench_key;
	}
	c->fd = open(device, O_RDWR | O_CLOEXEC);
	if (c->fd < 0)
		return -errno;
	if (ioctl(c->fd, CIOCGSESSION, &sop) < 0)
		return -errno;
	c->ses = sop.ses;
	return 0;
}

static bool alg_is_aead(const struct speed_alg *a)
{
	return a->cipher == CRYPTO_AES_GCM;
}

static int dev_aead_request(struct backend_ctx *c, size_t len)
{
	struct crypt_auth_op caop = {
		.ses = c->ses, .op = COP_ENCRYPT, .len = (uint32_t)len,
		.src = c->in, .dst = c->out, .tag_len = GCM_TAG_LEN,
		.iv = c->iv, .iv_len = GCM_IV_LEN,
	};

	return ioctl(c->fd, CIOCAUTHCRYPT, &caop) < 0 ? -errno : 0;
}

static int dev_request(struct backend_ctx *c, size_t len)
{
	struct crypt_op cop = {
		.ses = c->ses, .op = COP_ENCRYPT, .len = (uint32_t)len,
		.src = c->in, .dst = c->alg->cipher ? c->out : NULL,
		.iv = c->alg->iv_len ? c->iv : NULL,
		.mac = c->alg->mac ? c->mac : NULL,
	};

	if (alg_is_aead(c->alg))
		return dev_aead_request(c, len);
	if (!c->alg->afalg_type) {
		struct session_info_op info = { .ses = c->ses };

		return ioctl(c->fd, CIOCGSESSINFO, &info) < 0 ? -errno : 0;
	}
	return ioctl(c->fd, CIOCCRYPT, &cop) < 0 ? -errno : 0;
}

static int afalg_setup(struct backend_ctx *c)
{
	struct sockaddr_alg sa = { .salg_family = AF_ALG };

	if (!c->alg->afalg_type)
		return -ENOSYS;
	strncpy((char *)sa.salg_type, c->alg->afalg_type,
		sizeof(sa.salg_type) - 1);
	strncpy((char *)sa.salg_name, c->alg->afalg_name,
		sizeof(sa.salg_name) - 1);
	c->tfm = socket(AF_ALG, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (c->tfm < 0)
		return -errno;
	if (bind(c->tfm, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    setsockopt(c->tfm, SOL_ALG, ALG_SET_KEY, bench_key,
		       c->alg->key_len) < 0)
		return -errno;
	if (alg_is_aead(c->alg) &&
	    setsockopt(c->tfm, SOL_ALG, ALG_SET_AEAD_AUTHSIZE, NULL,
		       GCM_TAG_LEN) < 0)
		return -errno;
	c->fd = accept4(c->tfm, NULL, NULL, SOCK_CLOEXEC);
	return c->fd < 0 ? -errno : 0;
}

/*
 * One skcipher or AEAD request: operation, IV (and for AEAD an AAD
 * length of 0) as control messages, then read the result (AEAD:
 * ciphertext || tag).
 */
static int afalg_cipher_request(struct backend_ctx *c, size_t len)
{
	union {
		char buf[CMSG_SPACE(sizeof(uint32_t)) +
			 CMSG_SPACE(sizeof(struct af_alg_iv) + 16) +
			 CMSG_SPACE(sizeof(uint32_t))];
		struct cmsghdr align;
	} ctl = { 0 };
	struct iovec iov = { c->in, len };
	bool aead = alg_is_aead(c->alg);
	size_t iv_len = c->alg->iv_len;
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf,
		.msg_controllen = CMSG_SPACE(sizeof(uint32_t)) +
			CMSG_SPACE(sizeof(struct af_alg_iv) + iv_len) +
			(aead ? CMSG_SPACE(sizeof(uint32_t)) : 0),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	struct af_alg_iv *aiv;
	uint32_t op = ALG_OP_ENCRYPT, assoclen = 0;
	size_t out_len = len + (aead ? GCM_TAG_LEN : 0);

	cm->cmsg_level = SOL_ALG;
	cm->cmsg_type = ALG_SET_OP;
	cm->cmsg_len = CMSG_LEN(sizeof(op));
	memcpy(CMSG_DATA(cm), &op, sizeof(op));
	cm = CMSG_NXTHDR(&msg, cm);
	cm->cmsg_level = SOL_ALG;
	cm->cmsg_type = ALG_SET_IV;
	cm->cmsg_len = CMSG_LEN(sizeof(*aiv) + iv_len);
	aiv = (struct af_alg_iv *)CMSG_DATA(cm);
	aiv->ivlen = (uint32_t)iv_len;
	memcpy(aiv->iv, c->iv, iv_len);
	if (aead) {
		cm = CMSG_NXTHDR(&msg, cm);
		cm->cmsg_level = SOL_ALG;
		cm->cmsg_type = ALG_SET_AEAD_ASSOCLEN;
		cm->cmsg_len = CMSG_LEN(sizeof(assoclen));
		memcpy(CMSG_DATA(cm), &assoclen, sizeof(assoclen));
	}
	if (sendmsg(c->fd, &msg, 0) != (ssize_t)len)
		return -errno;
	return read(c->fd, c->out, out_len) == (ssize_t)out_len ? 0 : -EIO;
}

static int afalg_hash_request(struct backend_ctx *c, size_t len)
{
	if (send(c->fd, c->in, len, 0) != (ssize_t)len)
		return -errno;
	return read(c->fd, c->mac, c->alg->digest_len) ==
	       (ssize_t)c->alg->digest_len ? 0 : -EIO;
}

static int afalg_request(struct backend_ctx *c, size_t len)
{
	return c->alg->cipher ? afalg_cipher_request(c, len) :
				afalg_hash_request(c, len);
}

static const struct backend backends[] = {
	{ "dev", dev_setup, dev_request },
	{ "afalg", afalg_setup, afalg_request },
};

/* ---- one cell ---- */

struct proc_result {
	int err;		/* setup or request failure, 0 if none */
	unsigned long long ops;
	double seconds;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void run_requests(struct backend_ctx *c, const struct backend *b,
			 size_t len, double seconds, struct proc_result *r)
{
	double start = now_s(), stop = start + seconds, t = start;

	while (t < stop) {
		r->err = b->request(c, len);
		if (r->err)
			break;
		r->ops++;
		t = now_s();
	}
	r->seconds = t - start;
}

/* A measuring process: set up, wait for the start signal, run, report. */
static void proc_main(const struct backend *b, const struct speed_alg *a,
		      size_t len, double seconds, int start_fd, int result_fd)
{
	struct backend_ctx c = { .alg = a, .fd = -1, .tfm = -1 };
	struct proc_result r = { 0 };
	char go;

	c.in = calloc(1, len);
	c.out = calloc(1, len + GCM_TAG_LEN);
	if (!c.in || !c.out)
		r.err = -ENOMEM;
	else
		r.err = b->setup(&c);
	if (read(start_fd, &go, 1) < 0)
		r.err = r.err ? r.err : -EIO;
	if (!r.err)
		run_requests(&c, b, len, seconds, &r);
	if (write(result_fd, &r, sizeof(r)) != sizeof(r))
		_exit(1);
	_exit(0);
}

struct cell {
	int err;
	double ops_per_s, mb_per_s;
};

static struct cell collect(int result_fd, unsigned int procs, size_t len)
{
	struct cell cell = { 0 };

	for (unsigned int i = 0; i < procs; i++) {
		struct proc_result r;

		if (read(result_fd, &r, sizeof(r)) != sizeof(r)) {
			cell.err = -EIO;
			continue;
		}
		if (r.err && !cell.err)
			cell.err = r.err;
		if (r.seconds > 0) {
			cell.ops_per_s += r.ops / r.seconds;
			cell.mb_per_s += r.ops * (double)len / r.seconds / 1e6;
		}
	}
	return cell;
}

static struct cell measure(const struct backend *b, const struct speed_alg *a,
			   size_t len, unsigned int procs, double seconds)
{
	int start[2], result[2];
	struct cell cell;

	if (pipe(start) || pipe(result))
		return (struct cell){ .err = -errno };
	fflush(stdout);
	for (unsigned int i = 0; i < procs; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			close(start[1]);
			close(result[0]);
			proc_main(b, a, len, seconds, start[0], result[1]);
		}
	}
	close(start[0]);
	close(result[1]);
	/* Give every process time to set up before the clocks start. */
	usleep(100000);
	close(start[1]);
	cell = collect(result[0], procs, len);
	close(result[0]);
	while (wait(NULL) > 0)
		;
	return cell;
}

/* A failed run replaces nothing; the first good one replaces a failure. */
static void keep_best(struct cell *best, struct cell run)
{
	if (run.err && !best->err)
		return;
	if (best->err || run.mb_per_s > best->mb_per_s)
		*best = run;
}

/* ---- output ---- */

static void print_header(bool csv)
{
	if (csv) {
		printf("alg,size,procs,dev_ops_s,dev_mb_s,afalg_ops_s,afalg_mb_s,ratio\n");
		return;
	}
	printf("%-14s %6s %5s %12s %10s %12s %10s %10s\n", "algorithm",
	       "bytes", "procs", "dev ops/s", "dev MB/s", "afalg ops/s",
	       "afalg MB/s", "dev/afalg");
}

static void print_cell_value(const struct cell *c, bool csv)
{
	if (csv) {
		if (c->err)
			printf(",,");
		else
			printf(",%.0f,%.2f", c->ops_per_s, c->mb_per_s);
		return;
	}
	if (c->err)
		printf(" %12s %10s", strerrorname_np(-c->err), "-");
	else
		printf(" %12.0f %10.2f", c->ops_per_s, c->mb_per_s);
}

static void print_machine(const char *label, const struct speed_alg *a,
			  size_t len, unsigned int procs,
			  const struct cell *c, const char *driver)
{
	if (c->err == -ENOSYS)
		return;		/* that side was not asked for */
	if (c->err)
		printf("cell %s %s %zu %u - - %s\n", label, a->option, len,
		       procs, driver);
	else
		printf("cell %s %s %zu %u %.0f %.3f %s\n", label, a->option,
		       len, procs, c->ops_per_s, c->mb_per_s, driver);
	fflush(stdout);
}

static void print_row(const struct speed_alg *a, size_t len,
		      unsigned int procs, const struct cell *dev,
		      const struct cell *afalg, bool csv)
{
	bool ratio = !dev->err && !afalg->err && afalg->mb_per_s > 0;

	printf(csv ? "%s,%zu,%u" : "%-14s %6zu %5u", a->label, len, procs);
	print_cell_value(dev, csv);
	print_cell_value(afalg, csv);
	if (csv)
		printf(ratio ? ",%.3f\n" : ",\n", dev->mb_per_s / afalg->mb_per_s);
	else if (ratio)
		printf(" %10.2f\n", dev->mb_per_s / afalg->mb_per_s);
	else
		printf(" %10s\n", "-");
	fflush(stdout);
}

/*
 * The kernel driver behind the device for @a, as CIOCGSESSINFO names it,
 * into @buf; "-" when the session cannot be made.
 */
static void device_driver(const struct speed_alg *a, char *buf, size_t size)
{
	struct backend_ctx c = { .alg = a, .fd = -1 };
	struct session_info_op info = { 0 };
	const char *name = "-";

	if (dev_setup(&c) == 0) {
		info.ses = c.ses;
		if (ioctl(c.fd, CIOCGSESSINFO, &info) == 0)
			name = a->cipher ? info.cipher_info.cra_driver_name :
					   info.hash_info.cra_driver_name;
	}
	if (c.fd >= 0)
		close(c.fd);
	snprintf(buf, size, "%.63s", name[0] ? name : "-");
	printf("# %s: %s runs on %s\n", device, a->afalg_name, buf);
}

/* ---- command line ---- */

struct options {
	double seconds;
	unsigned int repeats;
	bool afalg, csv, machine;
	const char *label;		/* the device side's name for -m */
	const char *want_driver;	/* -D */
	const struct speed_alg *algs[MAX_LIST];
	size_t sizes[MAX_LIST];
	unsigned int procs[MAX_LIST];
	unsigned int n_algs, n_sizes, n_procs;
};

static void usage(void)
{
	fprintf(stderr,
		"usage: cryptodev-speed [-d DEV] [-t SECONDS] [-a ALGS] [-s SIZES]\n"
		"                       [-p PROCS] [-r REPEATS] [-n] [-c] [-m]\n"
		"                       [-l LABEL] [-D DRIVER]\n"
		"  -d DEV      device (default %s)\n"
		"  -t SECONDS  time per cell and side (default %.1f)\n"
		"  -a ALGS     of %s (default %s)\n"
		"  -s SIZES    request sizes in bytes (default %s)\n"
		"  -p PROCS    process counts, at most %d (default %s)\n"
		"  -r REPEATS  runs per cell and side, the best kept (default 1)\n"
		"  -n          no AF_ALG side\n"
		"  -c          CSV output\n"
		"  -m          also one 'cell' line per side and cell, for bench-report\n"
		"  -l LABEL    the device side's name in those lines (default dev)\n"
		"  -D DRIVER   skip algorithms whose device driver's name lacks DRIVER\n",
		DEFAULT_DEVICE, DEFAULT_SECONDS, ALL_ALGS, DEFAULT_ALGS, DEFAULT_SIZES,
		MAX_PROCS, DEFAULT_PROCS);
	exit(2);
}

static unsigned long parse_num(const char *s, unsigned long min,
			       unsigned long max)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < min || v > max)
		usage();
	return v;
}

static const struct speed_alg *parse_alg(const char *s)
{
	for (size_t i = 0; i < SPEED_ALG_COUNT; i++)
		if (strcmp(s, speed_algs[i].option) == 0)
			return &speed_algs[i];
	usage();
	return NULL;
}

/* Splits a comma list in place; returns the number of items. */
static unsigned int split_list(char *list, char *items[MAX_LIST])
{
	unsigned int n = 0;

	for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
		if (n == MAX_LIST)
			usage();
		items[n++] = tok;
	}
	if (n == 0)
		usage();
	return n;
}

static void parse_lists(struct options *o, char *algs, char *sizes,
			char *procs)
{
	char *items[MAX_LIST];

	o->n_algs = split_list(algs, items);
	for (unsigned int i = 0; i < o->n_algs; i++)
		o->algs[i] = parse_alg(items[i]);
	o->n_sizes = split_list(sizes, items);
	for (unsigned int i = 0; i < o->n_sizes; i++)
		o->sizes[i] = parse_num(items[i], 1, MAX_SIZE);
	o->n_procs = split_list(procs, items);
	for (unsigned int i = 0; i < o->n_procs; i++)
		o->procs[i] = parse_num(items[i], 1, MAX_PROCS);
}

static void parse_args(struct options *o, int argc, char **argv)
{
	static char algs[] = DEFAULT_ALGS, sizes[] = DEFAULT_SIZES;
	static char procs[] = DEFAULT_PROCS;
	char *a = algs, *s = sizes, *p = procs, *end;
	int opt;

	*o = (struct options){ .seconds = DEFAULT_SECONDS, .repeats = 1,
			       .afalg = true, .label = "dev" };
	while ((opt = getopt(argc, argv, "d:t:a:s:p:r:ncml:D:h")) != -1) {
		switch (opt) {
		case 'd': device = optarg; break;
		case 't':
			o->seconds = strtod(optarg, &end);
			if (*end || o->seconds <= 0 || o->seconds > MAX_SECONDS)
				usage();
			break;
		case 'a': a = optarg; break;
		case 's': s = optarg; break;
		case 'p': p = optarg; break;
		case 'r': o->repeats = parse_num(optarg, 1, MAX_REPEATS); break;
		case 'n': o->afalg = false; break;
		case 'c': o->csv = true; break;
		case 'm': o->machine = true; break;
		case 'l': o->label = optarg; break;
		case 'D': o->want_driver = optarg; break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	parse_lists(o, a, s, p);
}

int main(int argc, char **argv)
{
	struct options o;

	parse_args(&o, argc, argv);
	printf("# cryptodev-speed: %.2f s per cell and side, best of %u, %s vs %s\n",
	       o.seconds, o.repeats, device, o.afalg ? "AF_ALG" : "nothing");
	print_header(o.csv);
	for (unsigned int i = 0; i < o.n_algs; i++) {
		char driver[64];

		device_driver(o.algs[i], driver, sizeof(driver));
		if (o.want_driver && !strstr(driver, o.want_driver)) {
			printf("# skip %s: served by %s, not %s\n",
			       o.algs[i]->option, driver, o.want_driver);
			continue;
		}
		for (unsigned int j = 0; j < o.n_sizes; j++) {
			for (unsigned int k = 0; k < o.n_procs; k++) {
				const struct speed_alg *a = o.algs[i];
				struct cell dev = { .err = -ENOSYS };
				struct cell afalg = { .err = -ENOSYS };

				for (unsigned int r = 0; r < o.repeats; r++) {
					keep_best(&dev, measure(&backends[0], a,
						  o.sizes[j], o.procs[k], o.seconds));
					if (o.afalg)
						keep_best(&afalg, measure(&backends[1],
							  a, o.sizes[j], o.procs[k],
							  o.seconds));
				}
				print_row(a, o.sizes[j], o.procs[k], &dev,
					  &afalg, o.csv);
				if (o.machine) {
					print_machine(o.label, a, o.sizes[j],
						      o.procs[k], &dev, driver);
					print_machine("afalg", a, o.sizes[j],
						      o.procs[k], &afalg, "-");
				}
			}
		}
	}
	return 0;
}
