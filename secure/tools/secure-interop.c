/*
 * secure-interop: one end of an encrypted connection over TCP, with the
 * crypto provider of your choice, to show that two providers (say
 * devcrypto in the guest and software on the host) talk to each other.
 *
 * The server echoes every byte it receives; the client sends numbered
 * lines, checks that each comes back unchanged, closes with a close
 * record and waits for the server's.  Exit status 0 means every byte
 * made the round trip through both providers.
 *
 *   host$  secure-interop --listen 0.0.0.0:7000 --key k --software
 *   guest# secure-interop --connect 10.0.2.2:7000 --key k --crypto-dev /dev/crypto
 *
 * --selftest runs the providers' known-answer tests; --vector seals a
 * fixed record and prints it, so two machines can compare bytes.
 * Addresses are numeric IPv4 (a static binary has no name service).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define DEFAULT_LINES 200
#define DEFAULT_LINE_SIZE 100
#define MAX_LINE_SIZE 65536
#define DEFAULT_TIMEOUT_S 60
#define IO_CHUNK 16384

struct options {
	const char *listen;
	const char *connect;
	const char *keyfile;
	const char *pass_env;
	const char *crypto_dev;
	const char *port_file;
	bool software;
	bool selftest;
	bool vector;
	bool quiet;
	long lines;
	long size;
	long rekey_records;
	long rekey_bytes;
	long timeout_s;
};

__attribute__((format(printf, 1, 2), noreturn))
static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("secure-interop: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void usage(FILE *to, int status)
{
	fprintf(to,
"usage: secure-interop (--listen IP:PORT | --connect IP:PORT)\n"
"                      (--key FILE | --passphrase-env VAR)\n"
"                      [--crypto-dev PATH | --software]\n"
"                      [--lines N] [--size BYTES] [--rekey-records N]\n"
"                      [--rekey-bytes N] [--port-file FILE] [--timeout S]\n"
"       secure-interop --selftest [--crypto-dev PATH | --software]\n"
"       secure-interop --vector [--crypto-dev PATH | --software]\n"
"Without --crypto-dev or --software the provider is chosen as the chat\n"
"does: /dev/crypto if it works, else software with a notice.\n");
	exit(status);
}

static long number(const char *arg, const char *what, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < min || v > max)
		die("%s: '%s' is not a number from %ld to %ld", what, arg, min,
		    max);
	return v;
}

static void parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "connect", required_argument, NULL, 'c' },
		{ "key", required_argument, NULL, 'k' },
		{ "passphrase-env", required_argument, NULL, 'P' },
		{ "crypto-dev", required_argument, NULL, 'd' },
		{ "software", no_argument, NULL, 's' },
		{ "selftest", no_argument, NULL, 'T' },
		{ "vector", no_argument, NULL, 'V' },
		{ "lines", required_argument, NULL, 'n' },
		{ "size", required_argument, NULL, 'z' },
		{ "rekey-records", required_argument, NULL, 'r' },
		{ "rekey-bytes", required_argument, NULL, 'b' },
		{ "port-file", required_argument, NULL, 'p' },
		{ "timeout", required_argument, NULL, 't' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->lines = DEFAULT_LINES;
	o->size = DEFAULT_LINE_SIZE;
	o->timeout_s = DEFAULT_TIMEOUT_S;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'l': o->listen = optarg; break;
		case 'c': o->connect = optarg; break;
		case 'k': o->keyfile = optarg; break;
		case 'P': o->pass_env = optarg; break;
		case 'd': o->crypto_dev = optarg; break;
		case 's': o->software = true; break;
		case 'T': o->selftest = true; break;
		case 'V': o->vector = true; break;
		case 'q': o->quiet = true; break;
		case 'n': o->lines = number(optarg, "--lines", 0, 10000000); break;
		case 'z':
			o->size = number(optarg, "--size", 1, MAX_LINE_SIZE);
			break;
		case 'r':
			o->rekey_records = number(optarg, "--rekey-records", 1,
						  SC_REKEY_RECORDS_MAX);
			break;
		case 'b':
			o->rekey_bytes = number(optarg, "--rekey-bytes", 1,
						SC_REKEY_BYTES_MAX);
			break;
		case 'p': o->port_file = optarg; break;
		case 't':
			o->timeout_s = number(optarg, "--timeout", 1, 86400);
			break;
		case 'h': usage(stdout, 0); break;
		default: usage(stderr, 2);
		}
	}
	if (optind != argc)
		usage(stderr, 2);
	if (o->software && o->crypto_dev)
		die("--software and --crypto-dev exclude each other");
	if (o->selftest || o->vector)
		return;
	if (!o->listen == !o->connect)
		die("give exactly one of --listen and --connect");
	if (!o->keyfile == !o->pass_env)
		die("give exactly one of --key and --passphrase-env");
}

static struct sc_provider *open_provider(const struct options *o)
{
	struct sc_provider *p = NULL;
	struct sc_error err;
	enum sc_status st;

	if (o->software)
		st = sc_provider_open(SC_PROVIDER_SOFTWARE, NULL, &p, &err);
	else
		st = sc_provider_select(o->crypto_dev, stderr, &p, &err);
	if (st != SC_OK)
		die("%s", err.msg);
	return p;
}

/* ---- Fixed-record vector --------------------------------------------- */

/* Exit status 0 only if this provider gives SC_VECTOR_HEX. */
static int run_vector(struct sc_provider *p)
{
	uint8_t secret[SC_KEY_LEN], iv[SC_IV_LEN];
	uint8_t work[SC_SEQ_LEN + 128];
	char hex[2 * 128 + 1];
	struct sc_dir_keys keys;
	struct sc_error err;
	size_t n = strlen(SC_VECTOR_PAYLOAD);

	for (size_t i = 0; i < sizeof(secret); i++)
		secret[i] = (uint8_t)i;
	for (size_t i = 0; i < sizeof(iv); i++)
		iv[i] = (uint8_t)(0xa0 + i);
	if (sc_dir_keys_from_secret(p, secret, &keys, &err) != SC_OK ||
	    sc_record_seal(p, &keys, SC_VECTOR_SEQ, SC_FT_DATA, iv,
			   (const uint8_t *)SC_VECTOR_PAYLOAD, n, work,
			   &err) != SC_OK)
		die("%s", err.msg);
	sc_dir_keys_free(p, &keys);
	for (size_t i = 0; i < sc_record_wire_len(n); i++)
		sprintf(hex + 2 * i, "%02x", work[SC_SEQ_LEN + i]);
	printf("%s\n", hex);
	if (strcmp(hex, SC_VECTOR_HEX) != 0) {
		fprintf(stderr, "secure-interop: %s: vector MISMATCH\n",
			sc_provider_name(p));
		return 1;
	}
	fprintf(stderr, "vector ok: %s\n", sc_provider_name(p));
	return 0;
}

/* ---- Sockets --------------------------------------------------------- */

static void parse_addr(const char *arg, struct sockaddr_in *sa)
{
	char host[64];
	const char *colon = strrchr(arg, ':');

	if (!colon || (size_t)(colon - arg) >= sizeof(host))
		die("'%s': expected IPv4-ADDRESS:PORT", arg);
	memcpy(host, arg, (size_t)(colon - arg));
	host[colon - arg] = '\0';
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)number(colon + 1, "port", 0, 65535));
	if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
		die("'%s': not a numeric IPv4 address", host);
}

static int listen_and_accept(const struct options *o)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int one = 1, fd, conn;

	parse_addr(o->listen, &sa);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(fd, 1) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) != 0)
		die("listen on %s: %s", o->listen, strerror(errno));
	printf("listening on port %u\n", ntohs(sa.sin_port));
	fflush(stdout);
	if (o->port_file) {
		FILE *f = fopen(o->port_file, "w");
		if (!f || fprintf(f, "%u\n", ntohs(sa.sin_port)) < 0 ||
		    fclose(f) != 0)
			die("%s: %s", o->port_file, strerror(errno));
	}
	conn = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
	if (conn < 0)
		die("accept: %s", strerror(errno));
	close(fd);
	return conn;
}

static int connect_to(const struct options *o)
{
	struct sockaddr_in sa;
	int fd;

	parse_addr(o->connect, &sa);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		die("connect to %s: %s", o->connect, strerror(errno));
	return fd;
}

/* ---- The conversation ------------------------------------------------ */

struct peer {
	int fd;
	struct sc_session *s;
	bool eof;
	bool is_client;
	/* client: the byte stream to send, how much went, how much came
	 * back; server: how much it echoed */
	uint8_t *expect;
	size_t expect_len;
	size_t sealed;
	size_t line_size;
	size_t echoed;
};

/* Output held back while more lines wait: keeps memory flat however
 * many lines are asked for. */
#define SEND_WINDOW (256 * 1024)

static void check(struct peer *pr, enum sc_status st, const char *when)
{
	if (st == SC_OK)
		return;
	/* Let the peer hear our alert before we go. */
	size_t n;
	const uint8_t *out = sc_output(pr->s, &n);
	if (n)
		(void)send(pr->fd, out, n, MSG_NOSIGNAL | MSG_DONTWAIT);
	const char *msg = sc_session_error(pr->s);
	die("%s: %s", when, *msg ? msg : sc_strerror(st));
}

static void flush_output(struct peer *pr)
{
	size_t n;
	const uint8_t *out = sc_output(pr->s, &n);

	if (n == 0)
		return;
	ssize_t w = send(pr->fd, out, n, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (w < 0 && errno != EAGAIN && errno != EINTR)
		die("send: %s", strerror(errno));
	if (w > 0)
		sc_output_consume(pr->s, (size_t)w);
}

static void take_plaintext(struct peer *pr)
{
	uint8_t buf[IO_CHUNK];
	size_t n;

	while ((n = sc_read(pr->s, buf, sizeof(buf))) > 0) {
		if (!pr->is_client) {
			check(pr, sc_seal(pr->s, buf, n), "echo");
			pr->echoed += n;
			continue;
		}
		if (pr->echoed + n > pr->expect_len ||
		    memcmp(buf, pr->expect + pr->echoed, n) != 0)
			die("echo differs from what was sent at byte %zu",
			    pr->echoed);
		pr->echoed += n;
	}
}

static void receive(struct peer *pr)
{
	uint8_t buf[IO_CHUNK];
	ssize_t r = recv(pr->fd, buf, sizeof(buf), MSG_DONTWAIT);

	if (r < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		die("recv: %s", strerror(errno));
	}
	if (r == 0) {
		pr->eof = true;
		check(pr, sc_eof(pr->s), "end of stream");
		return;
	}
	check(pr, sc_feed(pr->s, buf, (size_t)r), "receive");
	take_plaintext(pr);
}

/* Line by line, as a chat would; the first goes before the handshake
 * has finished, as early data. */
static void seal_more(struct peer *pr)
{
	size_t pending;

	while (pr->sealed < pr->expect_len) {
		sc_output(pr->s, &pending);
		if (pending > SEND_WINDOW ||
		    (pr->sealed > 0 && !sc_handshake_done(pr->s)))
			return;
		check(pr, sc_seal(pr->s, pr->expect + pr->sealed,
				  pr->line_size), "send");
		pr->sealed += pr->line_size;
	}
}

static bool finished(struct peer *pr)
{
	size_t pending;

	if (pr->is_client && sc_handshake_done(pr->s) &&
	    pr->echoed == pr->expect_len)
		check(pr, sc_close(pr->s), "close");
	if (sc_peer_closed(pr->s) && !pr->is_client)
		check(pr, sc_close(pr->s), "close");
	sc_output(pr->s, &pending);
	return sc_peer_closed(pr->s) && pending == 0;
}

static void converse(struct peer *pr, long timeout_s)
{
	time_t deadline = time(NULL) + timeout_s;

	while (!finished(pr)) {
		size_t pending;
		if (pr->is_client)
			seal_more(pr);
		sc_output(pr->s, &pending);
		struct pollfd pfd = {
			.fd = pr->fd,
			.events = (short)(POLLIN | (pending ? POLLOUT : 0)),
		};
		if (time(NULL) > deadline)
			die("timed out after %ld s (handshake %s, %zu of %zu "
			    "bytes echoed)", timeout_s,
			    sc_handshake_done(pr->s) ? "done" : "not done",
			    pr->echoed, pr->expect_len);
		if (poll(&pfd, 1, 1000) < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
		if (pfd.revents & POLLOUT)
			flush_output(pr);
		if (pfd.revents & (POLLIN | POLLHUP | POLLERR))
			receive(pr);
		if (pr->eof && !sc_peer_closed(pr->s))
			die("end of stream before the close record");
	}
}

/* Numbered lines of filler: the client's traffic. */
static void make_traffic(struct peer *pr, long lines, long size)
{
	size_t total = (size_t)lines * (size_t)size;

	pr->expect = malloc(total ? total : 1);
	if (!pr->expect)
		die("out of memory for %zu bytes of traffic", total);
	for (long i = 0; i < lines; i++) {
		uint8_t *line = pr->expect + (size_t)i * (size_t)size;
		char head[32];
		int h = snprintf(head, sizeof(head), "line %ld ", i);
		for (long j = 0; j < size; j++)
			line[j] = j < h ? (uint8_t)head[j]
					: (uint8_t)('a' + (i + j) % 26);
		line[size - 1] = '\n';
	}
	pr->expect_len = total;
}

static void load_key(const struct options *o, enum sc_role role,
		     struct sc_key *key)
{
	struct sc_error err;
	enum sc_status st;

	if (o->keyfile) {
		st = sc_key_load_file(o->keyfile, key, &err);
	} else {
		const char *pass = getenv(o->pass_env);
		if (!pass)
			die("environment variable %s is not set", o->pass_env);
		st = sc_key_from_passphrase(pass, role, key, &err);
	}
	if (st != SC_OK)
		die("%s", err.msg);
}

static int run_peer(const struct options *o, struct sc_provider *prov)
{
	struct peer pr = { .is_client = o->connect != NULL };
	enum sc_role role = pr.is_client ? SC_ROLE_CLIENT : SC_ROLE_SERVER;
	struct sc_key key;
	struct sc_error err;
	struct sc_stats st;

	load_key(o, role, &key);
	struct sc_config cfg = {
		.role = role,
		.key = &key,
		.provider = prov,
		.rekey_records = (uint32_t)o->rekey_records,
		.rekey_bytes = (uint32_t)o->rekey_bytes,
	};
	pr.s = sc_session_new(&cfg, &err);
	sc_key_wipe(&key);
	if (!pr.s)
		die("%s", err.msg);
	pr.fd = pr.is_client ? connect_to(o) : listen_and_accept(o);
	if (pr.is_client) {
		make_traffic(&pr, o->lines, o->size);
		pr.line_size = (size_t)o->size;
		if (o->lines == 0)
			check(&pr, sc_close(pr.s), "close");
	}
	converse(&pr, o->timeout_s);
	sc_session_stats(pr.s, &st);
	if (!o->quiet)
		printf("ok: %s %s, %zu bytes echoed, records %llu sent %llu "
		       "received, rekeys %llu sent %llu received\n",
		       pr.is_client ? "client" : "server",
		       sc_provider_name(prov),
		       pr.echoed,
		       (unsigned long long)st.records_sent,
		       (unsigned long long)st.records_received,
		       (unsigned long long)st.rekeys_sent,
		       (unsigned long long)st.rekeys_received);
	sc_session_free(pr.s);
	free(pr.expect);
	close(pr.fd);
	return 0;
}

int main(int argc, char **argv)
{
	struct options o;
	struct sc_provider *prov;
	struct sc_error err;
	int status;

	parse_options(argc, argv, &o);
	prov = open_provider(&o);
	if (o.selftest) {
		/* Opening ran the known-answer tests; run them once more
		 * to report on their own. */
		if (sc_provider_selftest(prov, &err) != SC_OK)
			die("%s", err.msg);
		printf("selftest ok: %s\n", sc_provider_name(prov));
		status = 0;
	} else if (o.vector) {
		status = run_vector(prov);
	} else {
		status = run_peer(&o, prov);
	}
	sc_provider_close(prov);
	return status;
}
