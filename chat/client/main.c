/* cchat: a terminal IRC client.
 *
 *   cchat [-p PORT] [-n NICK] [-c CHANNEL] HOST
 *   cchat --secure (--key FILE | --passphrase-file FILE) [...] HOST
 *   cchat --tls [--tls-ca FILE | --tls-pin HEX | --tls-insecure] HOST
 *   cchat keygen FILE
 *
 * One connection, one poll loop over the server socket and stdin.  With
 * --secure the socket carries the encrypted protocol (transport_secure.c),
 * with --tls TLS (transport_tls.c).
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "secure.h"

#include "command.h"
#include "irc.h"
#include "session.h"
#include "transport.h"
#include "ui.h"

#define DEFAULT_PORT "6667"
/* The encrypted port cchatd's documentation suggests. */
#define DEFAULT_SECURE_PORT "6697"
#define DEFAULT_CHANNEL "#lobby"
#define DEFAULT_NICK "cchat"
#define CONNECT_TIMEOUT_MS 10000
/* The encrypted handshake must be over within this time: a plain IRC
 * server may say nothing at all to a client hello. */
#define HANDSHAKE_TIMEOUT_MS 10000
/* The server must welcome us within this time. */
#define REGISTER_TIMEOUT_MS 30000
/* After QUIT, how long to wait for the server to close. */
#define QUIT_GRACE_MS 2000
/* Bytes queued for the server; stdin is not read while more than half
 * of it is in use, so a fast pipe cannot overrun it. */
#define OUT_BUF_SIZE (64 * 1024)
#define EXIT_LOST 1
#define EXIT_USAGE 2

struct client {
	struct transport t;
	struct line_reader in;
	char out[OUT_BUF_SIZE];
	size_t out_len;
	struct session s;
	const char *host;
	const char *port;
	bool secure;
	bool tls;
	bool secure_announced;	/* "encrypted session established" shown */
	bool input_started;
	bool input_ended;
	char prompt[IRC_CHANNEL_MAX + 8];
	long long deadline_ms;	/* 0: none */
};

static struct client cl;
static volatile sig_atomic_t got_interrupt, got_resize;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void die_usage(const char *fmt, ...) __attribute__((noreturn,
	format(printf, 1, 2)));

static void die_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "cchat: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: cchat [-p PORT] [-n NICK] [-c CHANNEL] "
		"[--secure (--key FILE | --passphrase-file FILE)\n"
		"             [--crypto-dev PATH]]\n"
		"             [--tls [--tls-ca FILE | --tls-pin HEX | "
		"--tls-insecure]] HOST\n"
		"       cchat keygen FILE\n");
	exit(EXIT_USAGE);
}

static void usage(void)
{
	printf("usage: cchat [options] HOST\n"
	       "       cchat keygen FILE\n"
	       "  -p, --port PORT        server port (default %s; %s with --secure or --tls)\n"
	       "  -n, --nick NICK        nick (default: your login name)\n"
	       "  -c, --channel CHANNEL  channel to join (default %s, \"\" for none)\n"
	       "  -s, --secure           encrypted mode (the server's --secure-port)\n"
	       "      --key FILE         pre-shared key file (from cchat keygen)\n"
	       "      --passphrase-file FILE  or a passphrase, first line of FILE\n"
	       "      --crypto-dev PATH  cryptodev device (default /dev/crypto, else\n"
	       "                         software with a notice; given: it or nothing)\n"
	       "      --tls              TLS (the server's --tls-port); the certificate\n"
	       "                         is checked against the system's CAs, or:\n"
	       "      --tls-ca FILE      the CA certificates (PEM) that signed it\n"
	       "      --tls-pin HEX      its SHA-256 fingerprint (64 hex digits)\n"
	       "      --tls-insecure     no check at all (a warning says so)\n"
	       "  -h, --help             this text\n"
	       "keygen FILE writes a new random %d-byte key, mode 0600.\n"
	       "Type /help once connected for the commands.\n",
	       DEFAULT_PORT, DEFAULT_SECURE_PORT, DEFAULT_CHANNEL, SC_KEY_LEN);
}

/* The connection is gone or unusable: restore the terminal and exit. */
static void finish(int code, const char *fmt, ...) __attribute__((noreturn,
	format(printf, 2, 3)));

static void finish(int code, const char *fmt, ...)
{
	va_list ap;

	ui_finish();
	if (fmt) {
		fflush(stdout);
		fprintf(stderr, "cchat: ");
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fprintf(stderr, "\n");
	}
	transport_close(&cl.t);
	exit(code);
}

/* The connection failed: the encrypted layer's verdict verbatim, or
 * the system's error. */
static void connection_failed(int err) __attribute__((noreturn));

static void connection_failed(int err)
{
	if (err == TRANSPORT_FAILED)
		finish(EXIT_LOST, "%s port %s: %s", cl.host, cl.port,
		       transport_error(&cl.t));
	finish(EXIT_LOST, "lost the connection to %s: %s", cl.host,
	       strerror(err));
}

static void flush_out(void)
{
	ssize_t n;

	if (transport_flush(&cl.t) < 0)
		connection_failed(errno);
	while (cl.out_len) {
		n = transport_send(&cl.t, cl.out, cl.out_len);
		if (n < 0 && errno == EAGAIN)
			return;
		if (n < 0)
			connection_failed(errno);
		memmove(cl.out, cl.out + n, cl.out_len - (size_t)n);
		cl.out_len -= (size_t)n;
	}
}

static void send_cb(void *ctx, const char *line)
{
	size_t n = strlen(line);

	(void)ctx;
	if (cl.out_len + n + 2 > sizeof(cl.out)) {
		ui_show("*** the server is not reading; line dropped");
		return;
	}
	memcpy(cl.out + cl.out_len, line, n);
	memcpy(cl.out + cl.out_len + n, "\r\n", 2);
	cl.out_len += n + 2;
	flush_out();
}

static void show_cb(void *ctx, const char *text)
{
	(void)ctx;
	ui_show(text);
}

static void begin_quit(void)
{
	if (cl.s.state != SESSION_QUITTING)
		session_input(&cl.s, "/quit");
	cl.deadline_ms = now_ms() + QUIT_GRACE_MS;
}

static void on_input_line(const char *line)
{
	if (!line) {
		cl.input_ended = true;
		begin_quit();
		return;
	}
	if (cl.s.state == SESSION_QUITTING)
		return;
	if (session_input(&cl.s, line) == CMD_QUIT)
		begin_quit();
}

static void update_prompt(void)
{
	char prompt[sizeof(cl.prompt)];

	snprintf(prompt, sizeof(prompt), "[%s] ",
		 cl.s.current[0] ? cl.s.current : "no channel");
	if (strcmp(prompt, cl.prompt) == 0)
		return;
	memcpy(cl.prompt, prompt, sizeof(prompt));
	ui_set_prompt(cl.prompt);
}

/* Called after every server line: react to state changes. */
static void after_server_line(void)
{
	if (cl.s.state == SESSION_FAILED) {
		send_cb(NULL, "QUIT :cchat giving up");
		finish(EXIT_LOST, "%s", cl.s.error);
	}
	if (cl.s.state == SESSION_READY && !cl.input_started) {
		cl.input_started = true;
		cl.deadline_ms = 0;
		update_prompt();
		ui_start_input(cl.prompt);
	}
	update_prompt();
}

static void server_closed(ssize_t n)
{
	if (n < 0 && errno == TRANSPORT_FAILED)
		connection_failed(errno);
	if (cl.s.state == SESSION_QUITTING)
		finish(0, NULL);
	if (n == 0)
		finish(EXIT_LOST, "lost the connection to %s: "
		       "the server closed it", cl.host);
	finish(EXIT_LOST, "lost the connection to %s: %s", cl.host,
	       strerror(errno));
}

static void read_server(void)
{
	struct irc_line line;
	size_t room;
	char *space;
	ssize_t n;

	do {
		space = line_reader_space(&cl.in, &room);
		n = transport_recv(&cl.t, space, room);
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0)
			server_closed(n);
		line_reader_commit(&cl.in, (size_t)n);
		while (line_reader_next(&cl.in, &line)) {
			session_receive(&cl.s, line.text);
			after_server_line();
		}
	} while (transport_pending(&cl.t));
}

static void announce_tls(void)
{
	char how[TRANSPORT_ERROR_MAX], note[TRANSPORT_ERROR_MAX + 64];

	snprintf(note, sizeof(note), "*** TLS session established (%s)",
		 transport_tls_describe(&cl.t, how, sizeof(how)));
	ui_show(note);
}

/* Once the handshake is over: say so, and send what waited for it. */
static void check_secure_ready(void)
{
	if ((!cl.secure && !cl.tls) || cl.secure_announced ||
	    !transport_ready(&cl.t))
		return;
	cl.secure_announced = true;
	if (cl.tls)
		announce_tls();
	else
		ui_show("*** encrypted session established (X25519 key "
			"agreement authenticated by the pre-shared key; "
			"AES-256-CBC + HMAC-SHA256 records)");
	cl.deadline_ms = now_ms() + REGISTER_TIMEOUT_MS;
	flush_out();
}

static void on_signal(int sig)
{
	if (sig == SIGWINCH)
		got_resize = 1;
	else
		got_interrupt++;
}

/* The signals are only delivered inside ppoll, so the loop sees each
 * one right away without a race. */
static void setup_signals(sigset_t *during_poll)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGWINCH);
	sigprocmask(SIG_BLOCK, &block, during_poll);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGWINCH, &sa, NULL);
}

static void handle_signals(void)
{
	if (got_resize) {
		got_resize = 0;
		ui_resize();
	}
	if (got_interrupt > 1)
		finish(EXIT_LOST, "interrupted");
	if (got_interrupt && cl.s.state != SESSION_QUITTING)
		begin_quit();
}

static void check_deadline(void)
{
	if (!cl.deadline_ms || now_ms() < cl.deadline_ms)
		return;
	if (cl.s.state == SESSION_QUITTING)
		finish(0, NULL);
	if (!transport_ready(&cl.t))
		finish(EXIT_LOST, "%s port %s: no %s handshake within "
		       "%d s (is it the server's %s port?)", cl.host,
		       cl.port, cl.tls ? "TLS" : "encrypted",
		       HANDSHAKE_TIMEOUT_MS / 1000, cl.tls ? "TLS" : "encrypted");
	finish(EXIT_LOST, "%s did not complete registration within %d s",
	       cl.host, REGISTER_TIMEOUT_MS / 1000);
}

static bool want_stdin(void)
{
	return cl.input_started && !cl.input_ended &&
	       cl.s.state == SESSION_READY && cl.out_len < OUT_BUF_SIZE / 2;
}

static void run(const sigset_t *during_poll)
{
	struct pollfd pfd[2];
	struct timespec ts, *tsp;
	long long left;

	for (;;) {
		pfd[0] = (struct pollfd){ .fd = cl.t.fd, .events = POLLIN };
		/* Lines wait in cl.out until the encrypted layer can take
		 * them; polling for them earlier would spin. */
		if ((cl.out_len && transport_ready(&cl.t)) ||
		    transport_want_write(&cl.t))
			pfd[0].events |= POLLOUT;
		pfd[1] = (struct pollfd){ .fd = want_stdin() ? 0 : -1,
					  .events = POLLIN };
		tsp = NULL;
		if (cl.deadline_ms) {
			left = cl.deadline_ms - now_ms();
			if (left < 0)
				left = 0;
			ts.tv_sec = left / 1000;
			ts.tv_nsec = (left % 1000) * 1000000;
			tsp = &ts;
		}
		if (ppoll(pfd, 2, tsp, during_poll) < 0 && errno != EINTR)
			finish(EXIT_LOST, "poll: %s", strerror(errno));
		handle_signals();
		if (pfd[0].revents & POLLOUT)
			flush_out();
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR))
			read_server();
		check_secure_ready();
		if (pfd[1].fd >= 0 && (pfd[1].revents & (POLLIN | POLLHUP)))
			ui_read();
		check_deadline();
	}
}

/* A nick made from the login name: invalid characters dropped, cut to
 * the RFC length. */
static void default_nick(char *out, size_t outlen)
{
	const char *login = getenv("USER");
	struct passwd *pw;
	size_t n = 0;

	if (!login || !*login) {
		pw = getpwuid(getuid());
		login = pw ? pw->pw_name : DEFAULT_NICK;
	}
	for (; *login && n + 1 < outlen && n < SESSION_RFC_NICK_LEN; login++) {
		char try[2] = { *login, '\0' };

		if (irc_valid_nick(try) || (n > 0 && (*login == '-' ||
		    (*login >= '0' && *login <= '9'))))
			out[n++] = *login;
	}
	out[n] = '\0';
	if (!irc_valid_nick(out))
		snprintf(out, outlen, "%s", DEFAULT_NICK);
}

/* The user part of USER: letters and digits of the nick. */
static void user_from_nick(const char *nick, char *out, size_t outlen)
{
	size_t n = 0;

	for (; *nick && n + 1 < outlen && n < IRC_USER_MAX; nick++)
		if ((*nick >= 'a' && *nick <= 'z') ||
		    (*nick >= 'A' && *nick <= 'Z') ||
		    (*nick >= '0' && *nick <= '9'))
			out[n++] = *nick;
	out[n] = '\0';
	if (!n)
		snprintf(out, outlen, "%s", DEFAULT_NICK);
}

struct options {
	const char *port;
	bool secure;
	struct secure_client_options sec;
	bool tls;
	struct tls_client_options tls_opt;
	char nick[IRC_NICK_MAX + 1];
	char channel[IRC_CHANNEL_MAX + 1];
	const char *host;
};

static void check_port(const char *port)
{
	char *end;
	long v = strtol(port, &end, 10);

	if (!*port || *end || v < 1 || v > 65535)
		die_usage("not a valid port: %s", port);
}

static void set_channel(struct options *o, const char *arg)
{
	if (!*arg) {
		o->channel[0] = '\0';
		return;
	}
	snprintf(o->channel, sizeof(o->channel), "%s%s",
		 irc_is_channel(arg) ? "" : "#", arg);
	if (!irc_valid_channel(o->channel) ||
	    strlen(arg) + 1 > IRC_CHANNEL_MAX)
		die_usage("not a valid channel name: %s", arg);
}

enum {
	OPT_KEY = 256, OPT_PASSPHRASE, OPT_CRYPTO_DEV, OPT_TLS, OPT_TLS_CA,
	OPT_TLS_PIN, OPT_TLS_INSECURE,
};

/* TLS: one way to check the server's certificate, and only with --tls. */
static void check_tls_options(const struct options *o)
{
	const struct tls_client_options *t = &o->tls_opt;
	int ways = !!t->ca_file + !!t->pin + t->insecure;

	if (ways && !o->tls)
		die_usage("--tls-ca, --tls-pin and --tls-insecure need --tls");
	if (ways > 1)
		die_usage("give one of --tls-ca, --tls-pin, --tls-insecure");
	if (o->tls && o->secure)
		die_usage("give --tls or --secure, not both");
}

/* Encrypted mode is explicit and complete, or not at all. */
static void check_secure_options(const struct options *o)
{
	const struct secure_client_options *sec = &o->sec;

	if (sec->key_file && sec->passphrase_file)
		die_usage("give --key or --passphrase-file, not both");
	if (o->secure && !sec->key_file && !sec->passphrase_file)
		die_usage("--secure needs --key FILE or --passphrase-file FILE");
	if (!o->secure && (sec->key_file || sec->passphrase_file ||
			   sec->crypto_dev))
		die_usage("--key, --passphrase-file and --crypto-dev need "
			  "--secure");
}

static void parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "nick", required_argument, NULL, 'n' },
		{ "channel", required_argument, NULL, 'c' },
		{ "secure", no_argument, NULL, 's' },
		{ "key", required_argument, NULL, OPT_KEY },
		{ "passphrase-file", required_argument, NULL, OPT_PASSPHRASE },
		{ "crypto-dev", required_argument, NULL, OPT_CRYPTO_DEV },
		{ "tls", no_argument, NULL, OPT_TLS },
		{ "tls-ca", required_argument, NULL, OPT_TLS_CA },
		{ "tls-pin", required_argument, NULL, OPT_TLS_PIN },
		{ "tls-insecure", no_argument, NULL, OPT_TLS_INSECURE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	default_nick(o->nick, sizeof(o->nick));
	set_channel(o, DEFAULT_CHANNEL);
	while ((c = getopt_long(argc, argv, "p:n:c:sh", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			o->secure = true;
			break;
		case OPT_KEY:
			o->sec.key_file = optarg;
			break;
		case OPT_PASSPHRASE:
			o->sec.passphrase_file = optarg;
			break;
		case OPT_CRYPTO_DEV:
			o->sec.crypto_dev = optarg;
			break;
		case OPT_TLS:
			o->tls = true;
			break;
		case OPT_TLS_CA:
			o->tls_opt.ca_file = optarg;
			break;
		case OPT_TLS_PIN:
			o->tls_opt.pin = optarg;
			break;
		case OPT_TLS_INSECURE:
			o->tls_opt.insecure = true;
			break;
		case 'p':
			check_port(optarg);
			o->port = optarg;
			break;
		case 'n':
			if (!irc_valid_nick(optarg))
				die_usage("not a valid nick: %s", optarg);
			snprintf(o->nick, sizeof(o->nick), "%s", optarg);
			break;
		case 'c':
			set_channel(o, optarg);
			break;
		case 'h':
			usage();
			exit(0);
		default:
			die_usage("unknown option");
		}
	}
	if (optind != argc - 1)
		die_usage("expected one HOST argument");
	o->host = argv[optind];
	check_secure_options(o);
	check_tls_options(o);
	if (!o->port)
		o->port = o->secure || o->tls ? DEFAULT_SECURE_PORT
					      : DEFAULT_PORT;
}

/* cchat keygen FILE: a new pre-shared key for --key. */
static int keygen(int argc, char **argv)
{
	struct sc_error err;

	if (argc != 3 || !argv[2][0]) {
		fprintf(stderr, "usage: cchat keygen FILE\n");
		return EXIT_USAGE;
	}
	if (sc_keyfile_generate(argv[2], &err) != SC_OK) {
		fprintf(stderr, "cchat: %s\n", err.msg);
		return EXIT_LOST;
	}
	printf("wrote a new %d-byte random key to %s (mode 0600); copy it "
	       "to the other side by a safe way\n", SC_KEY_LEN, argv[2]);
	return 0;
}

/* Key and provider before connecting: their errors need no server. */
static struct secure_layer *open_secure(const struct options *o)
{
	char err[TRANSPORT_ERROR_MAX];
	struct secure_layer *l;

	if (!o->secure)
		return NULL;
	l = secure_layer_open(&o->sec, err, sizeof(err));
	if (!l) {
		fprintf(stderr, "cchat: %s\n", err);
		exit(EXIT_LOST);
	}
	return l;
}

static void start_secure(struct secure_layer *l)
{
	char err[TRANSPORT_ERROR_MAX], note[TRANSPORT_ERROR_MAX + 64];

	snprintf(note, sizeof(note), "*** encrypted mode, crypto provider: %s",
		 secure_layer_provider(l));
	ui_show(note);
	if (transport_secure_attach(&cl.t, l, err, sizeof(err)) < 0) {
		fprintf(stderr, "cchat: %s\n", err);
		exit(EXIT_LOST);
	}
	cl.secure = true;
	cl.deadline_ms = now_ms() + HANDSHAKE_TIMEOUT_MS;
}

/* The CA file or pin before connecting: their errors need no server. */
static struct tls_layer *open_tls(const struct options *o)
{
	char err[TRANSPORT_ERROR_MAX];
	struct tls_layer *l;

	if (!o->tls)
		return NULL;
	l = tls_layer_open(&o->tls_opt, err, sizeof(err));
	if (!l) {
		fprintf(stderr, "cchat: %s\n", err);
		exit(EXIT_LOST);
	}
	return l;
}

static void start_tls(struct tls_layer *l, const char *host)
{
	char err[TRANSPORT_ERROR_MAX], note[TRANSPORT_ERROR_MAX + 64];

	snprintf(note, sizeof(note), "*** TLS, %s", tls_layer_verified_by(l));
	ui_show(note);
	if (transport_tls_attach(&cl.t, l, host, err, sizeof(err)) < 0) {
		fprintf(stderr, "cchat: %s port %s: %s\n", host, cl.port, err);
		exit(EXIT_LOST);
	}
	cl.tls = true;
	cl.deadline_ms = now_ms() + HANDSHAKE_TIMEOUT_MS;
}

int main(int argc, char **argv)
{
	const struct session_io io = { .send = send_cb, .show = show_cb };
	struct secure_layer *secure;
	struct tls_layer *tls;
	struct options o;
	sigset_t during_poll;
	char err[256], user[IRC_USER_MAX + 1];

	if (argc >= 2 && strcmp(argv[1], "keygen") == 0)
		return keygen(argc, argv);
	parse_args(argc, argv, &o);
	cl.host = o.host;
	cl.port = o.port;
	cl.t.fd = -1;
	secure = open_secure(&o);
	tls = open_tls(&o);
	ui_init(isatty(STDIN_FILENO) && isatty(STDOUT_FILENO), on_input_line);
	setup_signals(&during_poll);
	if (transport_tcp_connect(&cl.t, o.host, o.port, CONNECT_TIMEOUT_MS,
				  err, sizeof(err)) < 0) {
		fprintf(stderr, "cchat: %s\n", err);
		tls_layer_free(tls);
		return EXIT_LOST;
	}
	line_reader_init(&cl.in);
	snprintf(err, sizeof(err), "*** connected to %s port %s as %s",
		 o.host, o.port, o.nick);
	ui_show(err);
	cl.deadline_ms = now_ms() + REGISTER_TIMEOUT_MS;
	if (secure)
		start_secure(secure);
	if (tls)
		start_tls(tls, o.host);
	user_from_nick(o.nick, user, sizeof(user));
	session_start(&cl.s, &io, o.nick, user, o.channel);
	run(&during_poll);
	return 0;
}
