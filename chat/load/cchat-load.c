/*
 * cchat-load: a small load generator for cchatd, plain or encrypted, to
 * compare the two modes (make bench-secure-chat).
 *
 * N clients join one channel; S of them send M messages of SIZE bytes
 * each, with at most W in flight per sender (a message is in flight
 * until the next client, the sender's partner, has received it).  Every
 * receiver takes the delivery latency from the send time carried in the
 * message.  With --secure each client runs its own libsecure session,
 * exactly as cchat does, over the provider of the process.
 *
 *   cchat-load --port N [--host IPv4] [--clients 2] [--senders 1]
 *              [--messages 2000] [--size 100] [--window 1]
 *              [--secure (--key FILE | --passphrase-file FILE)
 *               [--crypto-dev PATH | --software]]
 *
 * The last line of output is one "result:" line of key=value pairs.
 * The server needs --no-flood-control.
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

#include "irc.h"
#include "secure.h"
#include "secure_io.h"

#define CHANNEL "#load"
#define CLIENTS_MAX 1000
#define OUT_MAX (64 * 1024)     /* plain bytes waiting for one socket */
#define RECV_CHUNK (SC_MAX_PLAINTEXT + 1024)
#define MSG_SIZE_MIN 40             /* room for the header of a message */
#define MSG_SIZE_MAX 400            /* a PRIVMSG line stays within 512 bytes */
/* Without any delivery for this long, the run has stalled. */
#define STALL_S 20.0
#define SETUP_S 60.0

enum state { REGISTERING, JOINING, READY };

struct conn {
	int id;
	int fd;
	struct sc_session *s;   /* NULL in plain mode */
	struct line_reader in;
	char out[OUT_MAX];
	size_t out_len;
	enum state state;
	long sent;
	long inflight;
};

struct options {
	const char *host;
	int port;
	int clients;
	int senders;
	long messages;
	int size;
	long window;
	bool secure;
	bool software;
	const char *key_file;
	const char *passphrase_file;
	const char *crypto_dev;
};

static struct conn *conns;
static struct options opt;
static struct sc_provider *prov;
static struct sc_key key;
static double *latency;         /* seconds, one per delivery */
static long deliveries, expected;

__attribute__((format(printf, 1, 2), noreturn))
static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("cchat-load: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* ---- Sending ---------------------------------------------------------- */

static void put_line(struct conn *c, const char *line)
{
	size_t n = strlen(line);
	char buf[IRC_LINE_MAX + 2];

	if (n + 2 > sizeof(buf))
		die("line too long");
	memcpy(buf, line, n);
	memcpy(buf + n, "\r\n", 2);
	if (c->s) {
		if (sc_seal(c->s, buf, n + 2) != SC_OK)
			die("client %d: %s", c->id, sc_session_error(c->s));
		return;
	}
	if (c->out_len + n + 2 > sizeof(c->out))
		die("client %d: output buffer full", c->id);
	memcpy(c->out + c->out_len, buf, n + 2);
	c->out_len += n + 2;
}

static const char *pending_out(struct conn *c, size_t *len)
{
	if (c->s)
		return (const char *)sc_output(c->s, len);
	*len = c->out_len;
	return c->out;
}

static void flush_conn(struct conn *c)
{
	size_t len;
	const char *data = pending_out(c, &len);
	ssize_t n;

	if (!len)
		return;
	n = send(c->fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		die("client %d: send: %s", c->id, strerror(errno));
	}
	if (c->s) {
		sc_output_consume(c->s, (size_t)n);
		return;
	}
	memmove(c->out, c->out + n, c->out_len - (size_t)n);
	c->out_len -= (size_t)n;
}

static void send_message(struct conn *c)
{
	char line[IRC_LINE_MAX];
	int n = snprintf(line, sizeof(line), "PRIVMSG " CHANNEL " :L %d %ld "
			 "%.9f ", c->id, c->sent, now());

	while (n < (int)strlen("PRIVMSG " CHANNEL " :") + opt.size)
		line[n++] = 'x';
	line[n] = '\0';
	put_line(c, line);
	c->sent++;
	c->inflight++;
}

/* ---- Receiving -------------------------------------------------------- */

static void on_message(struct conn *c, const char *text)
{
	int sender;
	long seq;
	double sent_at;

	if (sscanf(text, "L %d %ld %lf", &sender, &seq, &sent_at) != 3 ||
	    sender < 0 || sender >= opt.clients)
		die("client %d: unexpected message '%s'", c->id, text);
	if (deliveries < expected)
		latency[deliveries] = now() - sent_at;
	deliveries++;
	if (c->id == (sender + 1) % opt.clients)
		conns[sender].inflight--;
}

static void on_line(struct conn *c, char *line)
{
	char reply[IRC_LINE_MAX];
	char *text;

	if (strncmp(line, "PING ", 5) == 0) {
		snprintf(reply, sizeof(reply), "PONG %s", line + 5);
		put_line(c, reply);
	} else if (strncmp(line, "ERROR", 5) == 0) {
		die("client %d: %s", c->id, line);
	} else if (c->state == REGISTERING && strstr(line, " 433 ")) {
		die("client %d: nick in use: %s", c->id, line);
	} else if (c->state == REGISTERING && strstr(line, " 001 ")) {
		put_line(c, "JOIN " CHANNEL);
		c->state = JOINING;
	} else if (c->state == JOINING && strstr(line, " 366 ")) {
		c->state = READY;
	} else if ((text = strstr(line, " PRIVMSG " CHANNEL " :"))) {
		on_message(c, text + strlen(" PRIVMSG " CHANNEL " :"));
	}
}

static void take_lines(struct conn *c)
{
	struct irc_line line;

	while (line_reader_next(&c->in, &line))
		on_line(c, line.text);
}

/* Moves bytes into the line reader, taking lines out as it fills. */
static void feed_plain(struct conn *c, const char *data, size_t len)
{
	while (len) {
		size_t n = line_reader_feed(&c->in, data, len);

		data += n;
		len -= n;
		take_lines(c);
		if (!n && len)
			die("client %d: line reader stuck", c->id);
	}
}

static void read_conn(struct conn *c)
{
	char buf[RECV_CHUNK];
	ssize_t n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);
	size_t room, got;
	char *space;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0)
		die("client %d: the server closed the connection%s%s", c->id,
		    n < 0 ? ": " : "", n < 0 ? strerror(errno) : "");
	if (!c->s) {
		feed_plain(c, buf, (size_t)n);
		return;
	}
	if (sc_feed(c->s, buf, (size_t)n) != SC_OK)
		die("client %d: %s", c->id, sc_session_error(c->s));
	while (sc_readable(c->s)) {
		space = line_reader_space(&c->in, &room);
		got = sc_read(c->s, space, room);
		line_reader_commit(&c->in, got);
		take_lines(c);
	}
}

/* ---- The run ---------------------------------------------------------- */

static int connect_one(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	sa.sin_port = htons((uint16_t)opt.port);
	if (inet_pton(AF_INET, opt.host, &sa.sin_addr) != 1)
		die("'%s' is not a numeric IPv4 address", opt.host);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		die("connect to %s port %d: %s", opt.host, opt.port,
		    strerror(errno));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

static void open_conn(struct conn *c, int id)
{
	struct sc_config cfg = { .role = SC_ROLE_CLIENT, .key = &key,
				 .provider = prov };
	struct sc_error err;
	char line[64];

	c->id = id;
	c->fd = connect_one();
	line_reader_init(&c->in);
	if (opt.secure && !(c->s = sc_session_new(&cfg, &err)))
		die("%s", err.msg);
	snprintf(line, sizeof(line), "NICK load%03d", id);
	put_line(c, line);
	snprintf(line, sizeof(line), "USER load%03d 0 * :cchat-load", id);
	put_line(c, line);
}

static void turn(int timeout_ms)
{
	struct pollfd pfd[CLIENTS_MAX];
	size_t len;

	for (int i = 0; i < opt.clients; i++) {
		pending_out(&conns[i], &len);
		pfd[i] = (struct pollfd){ .fd = conns[i].fd,
			.events = (short)(POLLIN | (len ? POLLOUT : 0)) };
	}
	if (poll(pfd, (nfds_t)opt.clients, timeout_ms) < 0 && errno != EINTR)
		die("poll: %s", strerror(errno));
	for (int i = 0; i < opt.clients; i++) {
		if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR))
			read_conn(&conns[i]);
		flush_conn(&conns[i]);
	}
}

static void wait_ready(void)
{
	double deadline = now() + SETUP_S;
	int ready;

	do {
		turn(100);
		ready = 0;
		for (int i = 0; i < opt.clients; i++)
			ready += conns[i].state == READY;
		if (now() > deadline)
			die("only %d of %d clients joined within %.0f s", ready,
			    opt.clients, SETUP_S);
	} while (ready < opt.clients);
}

static void send_more(void)
{
	for (int i = 0; i < opt.senders; i++) {
		struct conn *c = &conns[i];

		while (c->sent < opt.messages && c->inflight < opt.window)
			send_message(c);
		flush_conn(c);
	}
}

static double run(void)
{
	double start = now(), last = start;
	long before;

	while (deliveries < expected) {
		send_more();
		before = deliveries;
		turn(100);
		if (deliveries != before)
			last = now();
		else if (now() - last > STALL_S)
			die("stalled: %ld of %ld deliveries", deliveries,
			    expected);
	}
	return now() - start;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void report(double elapsed)
{
	double sum = 0;
	long n = expected;

	qsort(latency, (size_t)n, sizeof(*latency), cmp_double);
	for (long i = 0; i < n; i++)
		sum += latency[i];
	printf("%s, %s: %d clients, %d senders, %ld messages of %d bytes "
	       "each, window %ld\n", opt.secure ? "encrypted" : "plain",
	       opt.secure ? sc_provider_name(prov) : "no crypto", opt.clients,
	       opt.senders, opt.messages, opt.size, opt.window);
	printf("  %ld deliveries in %.3f s: %.0f messages/s delivered\n", n,
	       elapsed, (double)n / elapsed);
	printf("  latency: mean %.1f us, p50 %.1f us, p99 %.1f us, max %.1f "
	       "us\n", sum / (double)n * 1e6, latency[n / 2] * 1e6,
	       latency[(long)((double)n * 0.99)] * 1e6, latency[n - 1] * 1e6);
	printf("result: mode=%s clients=%d senders=%d messages=%ld size=%d "
	       "window=%ld deliveries=%ld seconds=%.4f msgs_per_s=%.1f "
	       "mean_us=%.1f p50_us=%.1f p99_us=%.1f\n",
	       opt.secure ? "secure" : "plain", opt.clients, opt.senders,
	       opt.messages, opt.size, opt.window, n, elapsed,
	       (double)n / elapsed, sum / (double)n * 1e6,
	       latency[n / 2] * 1e6, latency[(long)((double)n * 0.99)] * 1e6);
}

/* ---- Options ---------------------------------------------------------- */

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

static void usage(FILE *to, int status)
{
	fprintf(to,
"usage: cchat-load --port N [--host IPv4] [--clients N] [--senders N]\n"
"                  [--messages N] [--size BYTES] [--window N]\n"
"                  [--secure (--key FILE | --passphrase-file FILE)\n"
"                   [--crypto-dev PATH | --software]]\n");
	exit(status);
}

static void parse_options(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "port", required_argument, NULL, 'p' },
		{ "clients", required_argument, NULL, 'c' },
		{ "senders", required_argument, NULL, 's' },
		{ "messages", required_argument, NULL, 'm' },
		{ "size", required_argument, NULL, 'z' },
		{ "window", required_argument, NULL, 'w' },
		{ "secure", no_argument, NULL, 'S' },
		{ "key", required_argument, NULL, 'k' },
		{ "passphrase-file", required_argument, NULL, 'P' },
		{ "crypto-dev", required_argument, NULL, 'd' },
		{ "software", no_argument, NULL, 'W' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int o;

	opt = (struct options){ .host = "127.0.0.1", .clients = 2,
				.senders = 1, .messages = 2000, .size = 100,
				.window = 1 };
	while ((o = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (o) {
		case 'H': opt.host = optarg; break;
		case 'p': opt.port = (int)number(optarg, "--port", 1, 65535);
			break;
		case 'c': opt.clients = (int)number(optarg, "--clients", 2,
						    CLIENTS_MAX); break;
		case 's': opt.senders = (int)number(optarg, "--senders", 1,
						    CLIENTS_MAX); break;
		case 'm': opt.messages = number(optarg, "--messages", 1,
						10000000); break;
		case 'z': opt.size = (int)number(optarg, "--size", MSG_SIZE_MIN,
						 MSG_SIZE_MAX); break;
		case 'w': opt.window = number(optarg, "--window", 1, 10000);
			break;
		case 'S': opt.secure = true; break;
		case 'k': opt.key_file = optarg; break;
		case 'P': opt.passphrase_file = optarg; break;
		case 'd': opt.crypto_dev = optarg; break;
		case 'W': opt.software = true; break;
		case 'h': usage(stdout, 0); break;
		default: usage(stderr, 2);
		}
	}
	if (optind != argc || !opt.port)
		usage(stderr, 2);
	if (opt.senders > opt.clients)
		die("--senders is more than --clients");
	if (opt.secure && !opt.key_file == !opt.passphrase_file)
		die("--secure needs --key FILE or --passphrase-file FILE");
	if (opt.software && opt.crypto_dev)
		die("--software and --crypto-dev exclude each other");
}

static void open_crypto(void)
{
	struct sc_error err;
	enum sc_status st;

	st = secure_io_load_key(opt.key_file, opt.passphrase_file,
				SC_ROLE_CLIENT, &key, &err);
	if (st == SC_OK)
		st = opt.software ? sc_provider_open(SC_PROVIDER_SOFTWARE, NULL,
						     &prov, &err)
				  : sc_provider_select(opt.crypto_dev, stderr,
						       &prov, &err);
	if (st != SC_OK)
		die("%s", err.msg);
}

int main(int argc, char **argv)
{
	double elapsed;

	parse_options(argc, argv);
	if (opt.secure)
		open_crypto();
	expected = opt.messages * opt.senders * (opt.clients - 1);
	conns = calloc((size_t)opt.clients, sizeof(*conns));
	latency = calloc((size_t)expected, sizeof(*latency));
	if (!conns || !latency)
		die("out of memory");
	for (int i = 0; i < opt.clients; i++)
		open_conn(&conns[i], i);
	wait_ready();
	elapsed = run();
	report(elapsed);
	for (int i = 0; i < opt.clients; i++) {
		put_line(&conns[i], "QUIT :done");
		flush_conn(&conns[i]);
		if (conns[i].s)
			sc_close(conns[i].s);
		flush_conn(&conns[i]);
		close(conns[i].fd);
		sc_session_free(conns[i].s);
	}
	sc_key_wipe(&key);
	sc_provider_close(prov);
	free(conns);
	free(latency);
	return 0;
}
