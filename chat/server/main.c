// SPDX-License-Identifier: MIT
/* cchatd: options, process setup (limits, signals, MOTD), then the loop. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "server.h"

enum {
	OPT_NO_FLOOD = 256, OPT_FLOOD_BURST, OPT_FLOOD_RATE, OPT_SENDQ,
	OPT_MAX_CLIENTS, OPT_MAX_CHANNELS, OPT_REGISTER_TIMEOUT,
	OPT_PING_INTERVAL, OPT_PING_TIMEOUT, OPT_NO_CONSOLE, OPT_MOTD,
	OPT_NAME, OPT_SECURE_PORT, OPT_KEY, OPT_PASSPHRASE_FILE, OPT_CRYPTO_DEV,
	OPT_HANDSHAKE_TIMEOUT, OPT_REKEY_RECORDS, OPT_REKEY_BYTES,
	OPT_FLUSH_DELAY, OPT_RECVQ, OPT_MAX_PER_ADDRESS,
};

static const struct option long_options[] = {
	{ "listen", required_argument, NULL, 'l' },
	{ "port", required_argument, NULL, 'p' },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "motd", required_argument, NULL, OPT_MOTD },
	{ "max-clients", required_argument, NULL, OPT_MAX_CLIENTS },
	{ "max-channels", required_argument, NULL, OPT_MAX_CHANNELS },
	{ "sendq", required_argument, NULL, OPT_SENDQ },
	{ "recvq", required_argument, NULL, OPT_RECVQ },
	{ "max-per-address", required_argument, NULL, OPT_MAX_PER_ADDRESS },
	{ "no-flood-control", no_argument, NULL, OPT_NO_FLOOD },
	{ "flood-burst", required_argument, NULL, OPT_FLOOD_BURST },
	{ "flood-rate", required_argument, NULL, OPT_FLOOD_RATE },
	{ "flush-delay", required_argument, NULL, OPT_FLUSH_DELAY },
	{ "register-timeout", required_argument, NULL, OPT_REGISTER_TIMEOUT },
	{ "ping-interval", required_argument, NULL, OPT_PING_INTERVAL },
	{ "ping-timeout", required_argument, NULL, OPT_PING_TIMEOUT },
	{ "secure-port", required_argument, NULL, OPT_SECURE_PORT },
	{ "key", required_argument, NULL, OPT_KEY },
	{ "passphrase-file", required_argument, NULL, OPT_PASSPHRASE_FILE },
	{ "crypto-dev", required_argument, NULL, OPT_CRYPTO_DEV },
	{ "handshake-timeout", required_argument, NULL, OPT_HANDSHAKE_TIMEOUT },
	{ "rekey-records", required_argument, NULL, OPT_REKEY_RECORDS },
	{ "rekey-bytes", required_argument, NULL, OPT_REKEY_BYTES },
	{ "console", no_argument, NULL, 'c' },
	{ "no-console", no_argument, NULL, OPT_NO_CONSOLE },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ 0, 0, 0, 0 },
};

static void usage(FILE *out)
{
	fprintf(out,
"usage: cchatd [options]\n"
"  -l, --listen ADDR        address to listen on (repeatable; default: all)\n"
"  -p, --port N             TCP port (default " DEFAULT_PORT "; 0: any free)\n"
"      --name NAME          server name (default " DEFAULT_SERVER_NAME ")\n"
"      --motd FILE          message of the day (default: none, 422)\n"
"      --max-clients N      connections at once (default %d)\n"
"      --max-channels N     channels per client (default %d, max %d)\n"
"      --sendq BYTES        output queued per client (default %d)\n"
"      --recvq BYTES        input a paced client may queue (default %d)\n"
"      --max-per-address N  connections from one address (default %d; 0: any)\n"
"      --no-flood-control   no per-client line rate limit\n"
"      --flood-burst N      lines a client may send at once (default %d)\n"
"      --flood-rate N       lines per second after the burst (default %d)\n"
"      --flush-delay MS     hold output up to MS ms to batch writes (default %d;\n"
"                           0: write at the end of every loop turn)\n"
"      --register-timeout S seconds to register (default %d)\n"
"      --ping-interval S    idle seconds before a PING (default %d)\n"
"      --ping-timeout S     seconds to answer it (default %d)\n"
"encrypted mode (docs/encrypted-chat.md), off unless --secure-port is given:\n"
"      --secure-port N      port of the encrypted listener (suggested "
	SUGGESTED_SECURE_PORT "; 0: any)\n"
"      --key FILE           pre-shared key file (make one: cchat keygen FILE)\n"
"      --passphrase-file F  or a passphrase, first line of F (scrypt)\n"
"      --crypto-dev PATH    cryptodev device (default /dev/crypto, else\n"
"                           software with a notice; given: it or nothing)\n"
"      --handshake-timeout S  seconds to finish the handshake (default %d)\n"
"      --rekey-records N    new keys after N records (default 65536)\n"
"      --rekey-bytes N      or after N bytes (default 64 MiB)\n"
"  -c, --console            operator console on stdin (default: if a tty)\n"
"      --no-console         no console even on a terminal\n"
"  -v, --verbose            log every connection\n",
		DEFAULT_MAX_CLIENTS, DEFAULT_MAX_CHANNELS, MAX_CHANNELS_LIMIT,
		DEFAULT_SENDQ, DEFAULT_RECVQ, DEFAULT_MAX_PER_ADDRESS,
		DEFAULT_FLOOD_BURST, DEFAULT_FLOOD_RATE,
		DEFAULT_FLUSH_DELAY_MS,
		DEFAULT_REGISTER_TIMEOUT, DEFAULT_PING_INTERVAL,
		DEFAULT_PING_TIMEOUT, DEFAULT_HANDSHAKE_TIMEOUT);
}

static void config_defaults(struct server_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->port = DEFAULT_PORT;
	cfg->name = DEFAULT_SERVER_NAME;
	cfg->max_clients = DEFAULT_MAX_CLIENTS;
	cfg->max_channels = DEFAULT_MAX_CHANNELS;
	cfg->sendq = DEFAULT_SENDQ;
	cfg->recvq = DEFAULT_RECVQ;
	cfg->max_per_address = DEFAULT_MAX_PER_ADDRESS;
	cfg->flood_control = true;
	cfg->flood_burst = DEFAULT_FLOOD_BURST;
	cfg->flood_rate = DEFAULT_FLOOD_RATE;
	cfg->flush_delay_ms = DEFAULT_FLUSH_DELAY_MS;
	cfg->register_timeout = DEFAULT_REGISTER_TIMEOUT;
	cfg->ping_interval = DEFAULT_PING_INTERVAL;
	cfg->ping_timeout = DEFAULT_PING_TIMEOUT;
	cfg->console = -1;
	cfg->handshake_timeout = DEFAULT_HANDSHAKE_TIMEOUT;
	cfg->admin_location = DEFAULT_ADMIN_LOCATION;
	cfg->admin_info = DEFAULT_ADMIN_INFO;
	cfg->admin_email = DEFAULT_ADMIN_EMAIL;
}

/* A whole decimal number in [min, max], or exit with a clear message. */
static unsigned long number_arg(const char *opt, const char *text,
				unsigned long min, unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno || end == text || *end || text[0] == '-' || v < min ||
	    v > max) {
		fprintf(stderr, "cchatd: --%s wants a number from %lu to %lu, "
			"not '%s'\n", opt, min, max, text);
		exit(2);
	}
	return v;
}

static void add_listen(struct server_config *cfg, const char *addr)
{
	if (cfg->nlisten == LISTEN_MAX) {
		fprintf(stderr, "cchatd: at most %d --listen addresses\n",
			LISTEN_MAX);
		exit(2);
	}
	cfg->listen[cfg->nlisten++] = addr;
}

static void check_name(const char *name)
{
	if (!name[0] || strlen(name) > IRC_NICK_MAX * 2 ||
	    strpbrk(name, " :!@,")) {
		fprintf(stderr, "cchatd: bad server name '%s'\n", name);
		exit(2);
	}
}

static void set_secure_option(struct server_config *cfg, int opt,
			      const char *arg)
{
	switch (opt) {
	case OPT_SECURE_PORT:
		number_arg("secure-port", arg, 0, 65535);
		cfg->secure_port = arg;
		break;
	case OPT_KEY:
		cfg->secure.key_file = arg;
		break;
	case OPT_PASSPHRASE_FILE:
		cfg->secure.passphrase_file = arg;
		break;
	case OPT_CRYPTO_DEV:
		cfg->secure.crypto_dev = arg;
		break;
	case OPT_HANDSHAKE_TIMEOUT:
		cfg->handshake_timeout = number_arg("handshake-timeout", arg,
						    1, 3600);
		break;
	case OPT_REKEY_RECORDS:
		cfg->secure.rekey_records = number_arg("rekey-records", arg, 1,
						       1UL << 24);
		break;
	case OPT_REKEY_BYTES:
		cfg->secure.rekey_bytes = number_arg("rekey-bytes", arg, 1,
						     1UL << 30);
		break;
	}
}

static void set_timer_or_flag(struct server_config *cfg, int opt,
			      const char *arg)
{
	switch (opt) {
	case OPT_SECURE_PORT:
	case OPT_KEY:
	case OPT_PASSPHRASE_FILE:
	case OPT_CRYPTO_DEV:
	case OPT_HANDSHAKE_TIMEOUT:
	case OPT_REKEY_RECORDS:
	case OPT_REKEY_BYTES:
		set_secure_option(cfg, opt, arg);
		break;
	case OPT_REGISTER_TIMEOUT:
		cfg->register_timeout = number_arg("register-timeout", arg, 1,
						   86400);
		break;
	case OPT_PING_INTERVAL:
		cfg->ping_interval = number_arg("ping-interval", arg, 1,
						86400);
		break;
	case OPT_PING_TIMEOUT:
		cfg->ping_timeout = number_arg("ping-timeout", arg, 1, 86400);
		break;
	case 'c':
		cfg->console = 1;
		break;
	case OPT_NO_CONSOLE:
		cfg->console = 0;
		break;
	case 'v':
		cfg->verbose = true;
		break;
	case 'h':
		usage(stdout);
		exit(0);
	default:
		usage(stderr);
		exit(2);
	}
}

static void set_option(struct server_config *cfg, int opt, const char *arg)
{
	switch (opt) {
	case 'l':
		add_listen(cfg, arg);
		break;
	case 'p':
		number_arg("port", arg, 0, 65535);
		cfg->port = arg;
		break;
	case OPT_NAME:
		check_name(arg);
		cfg->name = arg;
		break;
	case OPT_MOTD:
		cfg->motd_file = arg;
		break;
	case OPT_MAX_CLIENTS:
		cfg->max_clients = number_arg("max-clients", arg, 1, INT_MAX);
		break;
	case OPT_MAX_CHANNELS:
		cfg->max_channels = number_arg("max-channels", arg, 1,
					       MAX_CHANNELS_LIMIT);
		break;
	case OPT_SENDQ:
		cfg->sendq = number_arg("sendq", arg, IRC_LINE_MAX * 4,
					1UL << 30);
		break;
	case OPT_RECVQ:
		cfg->recvq = number_arg("recvq", arg, IRC_LINE_MAX, RECVQ_MAX);
		break;
	case OPT_MAX_PER_ADDRESS:
		cfg->max_per_address = number_arg("max-per-address", arg, 0,
						  INT_MAX);
		break;
	case OPT_NO_FLOOD:
		cfg->flood_control = false;
		break;
	case OPT_FLOOD_BURST:
		cfg->flood_burst = number_arg("flood-burst", arg, 1, 100000);
		break;
	case OPT_FLOOD_RATE:
		cfg->flood_rate = number_arg("flood-rate", arg, 1, 100000);
		break;
	case OPT_FLUSH_DELAY:
		cfg->flush_delay_ms = number_arg("flush-delay", arg, 0,
						 FLUSH_DELAY_MAX_MS);
		break;
	default:
		set_timer_or_flag(cfg, opt, arg);
	}
}

/* Encrypted mode is all or nothing: a key without the port (or the
 * reverse) is a mistake worth stopping for. */
static void check_secure_options(const struct server_config *cfg)
{
	const struct secure_options *so = &cfg->secure;
	bool keyed = so->key_file || so->passphrase_file;

	if (so->key_file && so->passphrase_file) {
		fprintf(stderr, "cchatd: give --key or --passphrase-file, "
			"not both\n");
		exit(2);
	}
	if (cfg->secure_port && !keyed) {
		fprintf(stderr, "cchatd: --secure-port needs --key FILE or "
			"--passphrase-file FILE\n");
		exit(2);
	}
	if (!cfg->secure_port && (keyed || so->crypto_dev ||
				  so->rekey_records || so->rekey_bytes)) {
		fprintf(stderr, "cchatd: --key, --passphrase-file, "
			"--crypto-dev and --rekey-* need --secure-port N "
			"(suggested: " SUGGESTED_SECURE_PORT ")\n");
		exit(2);
	}
}

static void parse_options(struct server_config *cfg, int argc, char **argv)
{
	int opt;

	config_defaults(cfg);
	while ((opt = getopt_long(argc, argv, "l:p:cvh", long_options,
				  NULL)) != -1)
		set_option(cfg, opt, optarg);
	if (optind < argc) {
		fprintf(stderr, "cchatd: unexpected argument '%s'\n",
			argv[optind]);
		exit(2);
	}
	check_secure_options(cfg);
}

/* 10,000 clients need 10,000 descriptors: take all the kernel allows. */
static void raise_fd_limit(struct server_config *cfg)
{
	struct rlimit rl;
	rlim_t usable;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl))
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	usable = rl.rlim_cur > FD_RESERVE ? rl.rlim_cur - FD_RESERVE : 1;
	if (cfg->max_clients > usable) {
		log_msg("max clients lowered from %u to %llu by the file "
			"descriptor limit", cfg->max_clients,
			(unsigned long long)usable);
		cfg->max_clients = usable;
	}
}

static int add_motd_line(struct server *srv, const char *text)
{
	char **lines;
	size_t len = strcspn(text, "\r\n");

	lines = realloc(srv->motd, (srv->motd_lines + 1) * sizeof(*lines));
	if (!lines)
		return -1;
	srv->motd = lines;
	lines[srv->motd_lines] = strndup(text, len);
	if (!lines[srv->motd_lines])
		return -1;
	srv->motd_lines++;
	return 0;
}

static int load_motd(struct server *srv, const char *path)
{
	char buf[IRC_LINE_MAX];
	FILE *f = fopen(path, "r");
	int err = 0;

	if (!f) {
		log_msg("cannot read MOTD %s: %s", path, strerror(errno));
		return -1;
	}
	srv->motd = calloc(1, sizeof(*srv->motd));
	while (!err && srv->motd && srv->motd_lines < MOTD_LINES_MAX &&
	       fgets(buf, sizeof(buf), f))
		err = add_motd_line(srv, buf);
	fclose(f);
	if (err || !srv->motd) {
		log_msg("cannot load MOTD %s: out of memory", path);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct server srv;
	int status;

	parse_options(&srv.cfg, argc, argv);
	signal(SIGPIPE, SIG_IGN);
	raise_fd_limit(&srv.cfg);
	if (server_init(&srv) ||
	    (srv.cfg.motd_file && load_motd(&srv, srv.cfg.motd_file))) {
		server_free(&srv);
		return 1;
	}
	log_msg("%s ready: max %u clients, sendq %zu bytes, flood control %s",
		CCHATD_VERSION, srv.cfg.max_clients, srv.cfg.sendq,
		srv.cfg.flood_control ? "on" : "off");
	status = server_run(&srv);
	server_free(&srv);
	log_msg("stopped");
	return status ? 1 : 0;
}
