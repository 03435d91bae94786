/*
 * secure-bench: how fast a provider runs the chat's crypto.  Two
 * sessions in one thread, records carried in memory: handshakes per
 * second, then records per second (seal and open) for a few payload
 * sizes.  Static, so it runs in the guest against /dev/crypto as well
 * as on the host in software:
 *
 *   secure-bench [--software | --crypto-dev PATH] [--seconds S]
 *                [--size BYTES]...
 *
 * Records are sealed by one session and opened by the other, one at a
 * time, so the time per record is the latency of a message's crypto at
 * both ends (4 provider operations: encrypt, MAC, MAC, decrypt).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

#define DEFAULT_SECONDS 1.0
/* Payload sizes measured: a short chat line, a long IRC line, the
 * largest record. */
static const size_t default_sizes[] = { 64, 512, SC_MAX_PLAINTEXT };
#define SIZES_MAX 16

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

__attribute__((noreturn))
static void die(const char *what, const char *msg)
{
	fprintf(stderr, "secure-bench: %s: %s\n", what, msg);
	exit(1);
}

static void pump(struct sc_session *from, struct sc_session *to)
{
	size_t n;
	const uint8_t *out = sc_output(from, &n);

	if (n == 0)
		return;
	if (sc_feed(to, out, n) != SC_OK)
		die("feed", sc_session_error(to));
	sc_output_consume(from, n);
}

static void connect_pair(struct sc_config *cc, struct sc_config *sc,
			 struct sc_session **c, struct sc_session **s)
{
	struct sc_error err;

	*c = sc_session_new(cc, &err);
	*s = *c ? sc_session_new(sc, &err) : NULL;
	if (!*c || !*s)
		die("session", err.msg);
	pump(*c, *s);
	pump(*s, *c);
	pump(*c, *s);
	if (!sc_handshake_done(*c) || !sc_handshake_done(*s))
		die("handshake", "did not complete");
}

static void bench_handshakes(struct sc_config *cc, struct sc_config *sc,
			     double seconds)
{
	double start = now(), elapsed;
	long n = 0;

	do {
		struct sc_session *c, *s;
		connect_pair(cc, sc, &c, &s);
		sc_session_free(c);
		sc_session_free(s);
		n++;
	} while ((elapsed = now() - start) < seconds);
	printf("handshakes (both ends): %8.0f /s\n", (double)n / elapsed);
}

static void bench_records(struct sc_session *c, struct sc_session *s,
			  size_t size, double seconds)
{
	static uint8_t data[SC_MAX_PLAINTEXT], sink[SC_MAX_PLAINTEXT];
	double start = now(), elapsed;
	long n = 0;

	do {
		for (int i = 0; i < 16; i++, n++) {
			if (sc_seal(c, data, size) != SC_OK)
				die("seal", sc_session_error(c));
			pump(c, s);
			if (sc_read(s, sink, sizeof(sink)) != size)
				die("read", "short record");
		}
	} while ((elapsed = now() - start) < seconds);
	printf("records of %5zu bytes:  %8.0f /s  %8.2f MB/s  %8.2f us each "
	       "(seal + open)\n", size, (double)n / elapsed,
	       (double)n * (double)size / elapsed / 1e6, elapsed / (double)n * 1e6);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "software", no_argument, NULL, 's' },
		{ "crypto-dev", required_argument, NULL, 'd' },
		{ "seconds", required_argument, NULL, 't' },
		{ "size", required_argument, NULL, 'z' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dev = NULL;
	bool software = false;
	double seconds = DEFAULT_SECONDS;
	size_t sizes[SIZES_MAX], nsizes = 0;
	struct sc_provider *prov;
	struct sc_error err;
	struct sc_key key;
	int opt;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (opt == 's')
			software = true;
		else if (opt == 'd')
			dev = optarg;
		else if (opt == 't' && atof(optarg) > 0)
			seconds = atof(optarg);
		else if (opt == 'z' && nsizes < SIZES_MAX && atol(optarg) > 0 &&
			 atol(optarg) <= SC_MAX_PLAINTEXT)
			sizes[nsizes++] = (size_t)atol(optarg);
		else {
			fprintf(stderr, "usage: secure-bench [--software | "
				"--crypto-dev PATH] [--seconds S] "
				"[--size 1..%d]...\n", SC_MAX_PLAINTEXT);
			return 2;
		}
	}
	if (!nsizes) {
		memcpy(sizes, default_sizes, sizeof(default_sizes));
		nsizes = sizeof(default_sizes) / sizeof(default_sizes[0]);
	}
	if ((software ? sc_provider_open(SC_PROVIDER_SOFTWARE, NULL, &prov,
					 &err)
		      : sc_provider_select(dev, stderr, &prov, &err)) != SC_OK)
		die("provider", err.msg);
	memset(&key, 0, sizeof(key));
	key.kind = SC_KEY_FILE;
	key.derived = true;
	if (sc_random(key.secret, SC_KEY_LEN, &err) != SC_OK)
		die("random", err.msg);
	struct sc_config cc = { .role = SC_ROLE_CLIENT, .key = &key,
				.provider = prov };
	struct sc_config sc = { .role = SC_ROLE_SERVER, .key = &key,
				.provider = prov };
	printf("provider: %s\n", sc_provider_name(prov));
	bench_handshakes(&cc, &sc, seconds);
	struct sc_session *c, *s;
	connect_pair(&cc, &sc, &c, &s);
	for (size_t i = 0; i < nsizes; i++)
		bench_records(c, s, sizes[i], seconds);
	sc_session_free(c);
	sc_session_free(s);
	sc_provider_close(prov);
	return 0;
}
