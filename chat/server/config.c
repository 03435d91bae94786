// SPDX-License-Identifier: MIT
/*
 * cchatd's options: one table for the command line and the config file
 * (--config FILE), so every option can be given either way with the
 * same name, check and default.  A config file line is "name value"
 * (or just "name" for a flag), '#' starts a comment; "oper NAME HASH
 * [USER@HOST]" lines exist only there.  Command-line options win over
 * the file.  Errors are returned as text ("FILE:LINE: ..."), so that a
 * reload (SIGHUP, REHASH) can keep the old configuration on a bad file.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

enum option_kind {
	KIND_NUMBER,            /* a whole number in [min, max] */
	KIND_PORT,              /* a port number, kept as text */
	KIND_STRING,
	KIND_SET,               /* no argument: stores value */
	KIND_LISTEN,            /* appends to cfg->listen */
	KIND_NAME,              /* the server name, checked */
	KIND_CONFIG,            /* --config FILE: the command line only */
	KIND_HELP,
};

struct option_spec {
	const char *name;
	int short_name;         /* 0: none */
	enum option_kind kind;
	size_t offset, size;    /* of the field in struct server_config */
	unsigned long min, max; /* KIND_NUMBER; KIND_SET stores min */
	const char *arg;        /* the argument's name in --help */
	const char *help;
};

#define FIELD(f) offsetof(struct server_config, f), \
	sizeof(((struct server_config *)0)->f)
#define NUM(n, f, lo, hi, a, h) { n, 0, KIND_NUMBER, FIELD(f), lo, hi, a, h }
#define STR(n, f, a, h) { n, 0, KIND_STRING, FIELD(f), 0, 0, a, h }
#define SET(n, s, f, v, h) { n, s, KIND_SET, FIELD(f), v, 0, NULL, h }

static const struct option_spec options[] = {
	{ "listen", 'l', KIND_LISTEN, 0, 0, 0, 0, "ADDR",
	  "address to listen on (repeatable; default: all)" },
	{ "port", 'p', KIND_PORT, FIELD(port), 0, 0, "N",
	  "TCP port (default " DEFAULT_PORT "; 0: any free)" },
	{ "name", 0, KIND_NAME, FIELD(name), 0, 0, "NAME",
	  "server name (default " DEFAULT_SERVER_NAME ")" },
	{ "config", 0, KIND_CONFIG, 0, 0, 0, 0, "FILE",
	  "read options, operators and admin lines from FILE" },
	STR("motd", motd_file, "FILE", "message of the day (default: none, "
	    "422)"),
	NUM("max-clients", max_clients, 1, INT_MAX, "N",
	    "connections at once (default 16384)"),
	NUM("max-channels", max_channels, 1, MAX_CHANNELS_LIMIT, "N",
	    "channels per client (default 20, max 1000)"),
	NUM("max-per-address", max_per_address, 0, INT_MAX, "N",
	    "connections from one address (default 10; 0: any)"),
	NUM("sendq", sendq, IRC_LINE_MAX * 4, 1UL << 30, "BYTES",
	    "output queued per client (default 524288)"),
	NUM("recvq", recvq, IRC_LINE_MAX, RECVQ_MAX, "BYTES",
	    "input a paced client may queue (default 16384)"),
	SET("no-flood-control", 0, flood_control, false,
	    "no per-client line rate limit"),
	NUM("flood-burst", flood_burst, 1, 100000, "N",
	    "lines a client may send at once (default 10)"),
	NUM("flood-rate", flood_rate, 1, 100000, "N",
	    "lines per second after the burst (default 2)"),
	NUM("flush-delay", flush_delay_ms, 0, FLUSH_DELAY_MAX_MS, "MS",
	    "hold relayed output up to MS ms (default 20; 0: this turn)"),
	NUM("register-timeout", register_timeout, 1, 86400, "S",
	    "seconds to register (default 30)"),
	NUM("ping-interval", ping_interval, 1, 86400, "S",
	    "idle seconds before a PING (default 90)"),
	NUM("ping-timeout", ping_timeout, 1, 86400, "S",
	    "seconds to answer it (default 60)"),
	STR("admin-location", admin_location, "TEXT", "ADMIN's 257 line"),
	STR("admin-info", admin_info, "TEXT", "ADMIN's 258 line"),
	STR("admin-email", admin_email, "TEXT", "ADMIN's 259 line"),
	{ "secure-port", 0, KIND_PORT, FIELD(secure_port), 0, 0, "N",
	  "port of the encrypted listener (suggested " SUGGESTED_SECURE_PORT
	  "; 0: any)" },
	STR("key", secure.key_file, "FILE",
	    "pre-shared key file (make one: cchat keygen FILE)"),
	STR("passphrase-file", secure.passphrase_file, "FILE",
	    "or a passphrase, first line of FILE (scrypt)"),
	STR("crypto-dev", secure.crypto_dev, "PATH",
	    "cryptodev device (default /dev/crypto, else software)"),
	NUM("handshake-timeout", handshake_timeout, 1, 3600, "S",
	    "seconds to finish the handshake (default 10)"),
	{ "tls-port", 0, KIND_PORT, FIELD(tls_port), 0, 0, "N",
	  "port of the TLS listener (suggested " SUGGESTED_TLS_PORT
	  "; 0: any)" },
	STR("tls-cert", tls.cert_file, "FILE",
	    "TLS certificate chain (PEM)"),
	STR("tls-key", tls.key_file, "FILE", "TLS private key (PEM)"),
	SET("no-plain-port", 0, no_plain_port, true, "no plain listener: "
	    "encrypted and TLS ports only"),
	NUM("rekey-records", secure.rekey_records, 1, 1UL << 24, "N",
	    "new keys after N records (default 65536)"),
	NUM("rekey-bytes", secure.rekey_bytes, 1, 1UL << 30, "N",
	    "or after N bytes (default 64 MiB)"),
	SET("console", 'c', console, 1, "operator console on stdin (default: "
	    "if a tty)"),
	SET("no-console", 0, console, 0, "no console even on a terminal"),
	SET("verbose", 'v', verbose, true, "log every connection"),
	{ "help", 'h', KIND_HELP, 0, 0, 0, 0, NULL, "this text" },
};

#define NOPTIONS (sizeof(options) / sizeof(options[0]))

void config_defaults(struct server_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->port = DEFAULT_PORT;
	cfg->name = DEFAULT_SERVER_NAME;
	cfg->max_clients = DEFAULT_MAX_CLIENTS;
	cfg->max_channels = DEFAULT_MAX_CHANNELS;
	cfg->max_per_address = DEFAULT_MAX_PER_ADDRESS;
	cfg->sendq = DEFAULT_SENDQ;
	cfg->recvq = DEFAULT_RECVQ;
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

static const struct option_spec *find_option(const char *name)
{
	size_t i;

	for (i = 0; i < NOPTIONS; i++)
		if (!strcmp(options[i].name, name))
			return &options[i];
	return NULL;
}

static void store(struct server_config *cfg, const struct option_spec *o,
		  unsigned long v)
{
	char *field = (char *)cfg + o->offset;

	switch (o->size) {
	case sizeof(uint8_t): {
		bool b = v != 0;

		memcpy(field, &b, sizeof(b));
		break;
	}
	case sizeof(uint32_t): {
		uint32_t u = v;

		memcpy(field, &u, sizeof(u));
		break;
	}
	default: {
		uint64_t u = v;

		memcpy(field, &u, sizeof(u));
	}
	}
}

static int number(const struct option_spec *o, const char *text,
		  unsigned long min, unsigned long max, unsigned long *v,
		  struct config_error *err)
{
	char *end;

	errno = 0;
	*v = strtoul(text, &end, 10);
	if (errno || end == text || *end || text[0] == '-' || *v < min ||
	    *v > max) {
		snprintf(err->text, sizeof(err->text), "--%s wants a number "
			 "from %lu to %lu, not '%s'", o->name, min, max, text);
		return -1;
	}
	return 0;
}

static int check_name(const char *name, struct config_error *err)
{
	if (!name[0] || strlen(name) > IRC_NICK_MAX * 2 ||
	    strpbrk(name, " :!@,")) {
		snprintf(err->text, sizeof(err->text), "bad server name '%s'",
			 name);
		return -1;
	}
	return 0;
}

static int add_listen(struct server_config *cfg, const char *addr,
		      struct config_error *err)
{
	if (cfg->nlisten == LISTEN_MAX) {
		snprintf(err->text, sizeof(err->text),
			 "at most %d --listen addresses", LISTEN_MAX);
		return -1;
	}
	cfg->listen[cfg->nlisten++] = addr;
	return 0;
}

/* arg must outlive cfg: argv, or a config file's kept text. */
static int apply(struct server_config *cfg, const struct option_spec *o,
		 const char *arg, struct config_error *err)
{
	unsigned long v;

	switch (o->kind) {
	case KIND_NUMBER:
		if (number(o, arg, o->min, o->max, &v, err))
			return -1;
		store(cfg, o, v);
		return 0;
	case KIND_PORT:
		if (number(o, arg, 0, 65535, &v, err))
			return -1;
		memcpy((char *)cfg + o->offset, &arg, sizeof(arg));
		return 0;
	case KIND_NAME:
		if (check_name(arg, err))
			return -1;
		cfg->name = arg;
		return 0;
	case KIND_STRING:
		memcpy((char *)cfg + o->offset, &arg, sizeof(arg));
		return 0;
	case KIND_SET:
		store(cfg, o, o->min);
		return 0;
	case KIND_LISTEN:
		return add_listen(cfg, arg, err);
	default:
		return 0;
	}
}

static bool takes_argument(const struct option_spec *o)
{
	return o->kind != KIND_SET && o->kind != KIND_HELP;
}

/* ---- The config file ---------------------------------------------- */

/* "oper NAME HASH [USER@HOST]": the hash in crypt(3) form. */
static int add_oper(struct server_config *cfg, char *args,
		    struct config_error *err)
{
	char *save = NULL;
	char *name = strtok_r(args, " \t", &save);
	char *hash = strtok_r(NULL, " \t", &save);
	char *mask = strtok_r(NULL, " \t", &save);
	struct oper *op;

	if (!name || !hash || strtok_r(NULL, " \t", &save)) {
		snprintf(err->text, sizeof(err->text), "oper wants NAME HASH "
			 "[USER@HOST]");
		return -1;
	}
	if (cfg->nopers == OPERS_MAX || strlen(name) > IRC_NICK_MAX ||
	    strlen(hash) >= sizeof(op->hash) || hash[0] != '$' ||
	    (mask && strlen(mask) >= sizeof(op->host_mask))) {
		snprintf(err->text, sizeof(err->text), "bad oper line (at "
			 "most %d opers; the hash as crypt(3) writes it, "
			 "e.g. openssl passwd -6)", OPERS_MAX);
		return -1;
	}
	op = &cfg->opers[cfg->nopers++];
	snprintf(op->name, sizeof(op->name), "%s", name);
	snprintf(op->hash, sizeof(op->hash), "%s", hash);
	snprintf(op->host_mask, sizeof(op->host_mask), "%s",
		 mask ? mask : "*@*");
	return 0;
}

/* "account NAME HASH": a SASL PLAIN login, the hash as for oper. */
static int add_account(struct server_config *cfg, char *args,
		       struct config_error *err)
{
	char *save = NULL;
	char *name = strtok_r(args, " \t", &save);
	char *hash = strtok_r(NULL, " \t", &save);
	struct account *a;

	if (!name || !hash || strtok_r(NULL, " \t", &save) ||
	    cfg->naccounts == ACCOUNTS_MAX || strlen(name) > IRC_NICK_MAX ||
	    strlen(hash) >= sizeof(a->hash) || hash[0] != '$') {
		snprintf(err->text, sizeof(err->text), "account wants NAME "
			 "HASH (crypt(3) form; at most %d accounts)",
			 ACCOUNTS_MAX);
		return -1;
	}
	a = &cfg->accounts[cfg->naccounts++];
	snprintf(a->name, sizeof(a->name), "%s", name);
	snprintf(a->hash, sizeof(a->hash), "%s", hash);
	return 0;
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && strchr(" \t\r\n", end[-1]))
		*--end = '\0';
	return s;
}

static int config_line(struct server_config *cfg, char *line,
		       struct config_error *err)
{
	char *name = trim(line), *arg;
	const struct option_spec *o;

	if (!name[0] || name[0] == '#')
		return 0;
	arg = name + strcspn(name, " \t");
	if (*arg)
		*arg++ = '\0';
	arg = trim(arg);
	if (!strcmp(name, "oper"))
		return add_oper(cfg, arg, err);
	if (!strcmp(name, "account"))
		return add_account(cfg, arg, err);
	o = find_option(name);
	if (!o || o->kind == KIND_CONFIG || o->kind == KIND_HELP) {
		snprintf(err->text, sizeof(err->text), "unknown option '%s'",
			 name);
		return -1;
	}
	if (takes_argument(o) != (arg[0] != '\0')) {
		snprintf(err->text, sizeof(err->text), "'%s' %s", name,
			 takes_argument(o) ? "wants a value" :
			 "takes no value");
		return -1;
	}
	return apply(cfg, o, arg, err);
}

/* The whole file, kept: cfg's strings point into it. */
static char *read_file(const char *path, struct config_error *err)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t size = 0;
	long len;

	if (!f) {
		snprintf(err->text, sizeof(err->text), "%s: %s", path,
			 strerror(errno));
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 ||
	    len > CONFIG_FILE_MAX || fseek(f, 0, SEEK_SET) ||
	    !(text = malloc(len + 1)) ||
	    (size = fread(text, 1, len, f)) != (size_t)len) {
		snprintf(err->text, sizeof(err->text), "%s: cannot read it "
			 "(at most %d bytes)", path, CONFIG_FILE_MAX);
		free(text);
		fclose(f);
		return NULL;
	}
	fclose(f);
	text[size] = '\0';
	return text;
}

int config_load_file(struct server_config *cfg, const char *path,
		     struct config_texts *texts, struct config_error *err)
{
	char *text, *line, *save = NULL;
	int lineno = 0;

	if (texts->count == CONFIG_TEXTS_MAX) {
		snprintf(err->text, sizeof(err->text), "too many config "
			 "texts held");
		return -1;
	}
	text = read_file(path, err);
	if (!text)
		return -1;
	texts->text[texts->count++] = text;
	/* strsep keeps empty lines, so line numbers stay right. */
	for (save = text; (line = strsep(&save, "\n"));) {
		struct config_error why;

		lineno++;
		if (config_line(cfg, line, &why)) {
			snprintf(err->text, sizeof(err->text), "%.150s:%d: %.300s",
				 path, lineno, why.text);
			return -1;
		}
	}
	return 0;
}

void config_texts_free(struct config_texts *texts)
{
	while (texts->count)
		free(texts->text[--texts->count]);
}

/* ---- The command line --------------------------------------------- */

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: cchatd [options]\n");
	for (i = 0; i < NOPTIONS; i++) {
		const struct option_spec *o = &options[i];
		char left[40];

		snprintf(left, sizeof(left), "%c%c%s --%s %s",
			 o->short_name ? '-' : ' ',
			 o->short_name ? o->short_name : ' ',
			 o->short_name ? "," : " ", o->name,
			 o->arg ? o->arg : "");
		fprintf(out, "  %-28s %s\n", left, o->help);
	}
	fprintf(out, "encrypted mode (docs/encrypted-chat.md) is off unless "
		"--secure-port is given,\nTLS (docs/tls-chat.md) unless "
		"--tls-port is.\n");
}

/* TLS is all or nothing too: port, certificate and key together. */
static int check_tls(const struct server_config *cfg,
		     struct config_error *err)
{
	const struct tls_options *to = &cfg->tls;

	if (cfg->tls_port && (!to->cert_file || !to->key_file))
		snprintf(err->text, sizeof(err->text), "--tls-port needs "
			 "--tls-cert FILE and --tls-key FILE");
	else if (!cfg->tls_port && (to->cert_file || to->key_file))
		snprintf(err->text, sizeof(err->text), "--tls-cert and "
			 "--tls-key need --tls-port N (suggested: "
			 SUGGESTED_TLS_PORT ")");
	else
		return 0;
	return -1;
}

/* Encrypted mode is all or nothing: a key without the port (or the
 * reverse) is a mistake worth stopping for.  --crypto-dev serves both
 * the encrypted port and TLS. */
int config_check(const struct server_config *cfg, struct config_error *err)
{
	const struct secure_options *so = &cfg->secure;
	bool keyed = so->key_file || so->passphrase_file;

	if (so->key_file && so->passphrase_file)
		snprintf(err->text, sizeof(err->text), "give --key or "
			 "--passphrase-file, not both");
	else if (cfg->secure_port && !keyed)
		snprintf(err->text, sizeof(err->text), "--secure-port needs "
			 "--key FILE or --passphrase-file FILE");
	else if (!cfg->secure_port && (keyed || so->rekey_records ||
				       so->rekey_bytes))
		snprintf(err->text, sizeof(err->text), "--key, "
			 "--passphrase-file and --rekey-* need "
			 "--secure-port N (suggested: " SUGGESTED_SECURE_PORT
			 ")");
	else if (!cfg->secure_port && !cfg->tls_port &&
		 (so->crypto_dev || cfg->no_plain_port))
		snprintf(err->text, sizeof(err->text), "--crypto-dev and "
			 "--no-plain-port need --secure-port N or --tls-port N");
	else
		return check_tls(cfg, err);
	return -1;
}

static const struct option_spec *match_argument(const char *word,
						const char **inline_arg)
{
	size_t i;

	*inline_arg = NULL;
	if (word[0] == '-' && word[1] && word[1] != '-' && !word[2]) {
		for (i = 0; i < NOPTIONS; i++)
			if (options[i].short_name == word[1])
				return &options[i];
		return NULL;
	}
	if (strncmp(word, "--", 2))
		return NULL;
	for (i = 0; i < NOPTIONS; i++) {
		size_t n = strlen(options[i].name);

		if (strncmp(word + 2, options[i].name, n))
			continue;
		if (!word[2 + n])
			return &options[i];
		if (word[2 + n] == '=') {
			*inline_arg = word + 3 + n;
			return &options[i];
		}
	}
	return NULL;
}

/* Walks argv: for each option, fn(spec, arg); stops at an error. */
static int walk_argv(int argc, char **argv, struct config_error *err,
		     int (*fn)(const struct option_spec *, const char *,
			       void *, struct config_error *), void *arg)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *value;
		const struct option_spec *o = match_argument(argv[i], &value);

		if (!o) {
			snprintf(err->text, sizeof(err->text), "%s '%s'",
				 argv[i][0] == '-' ? "unknown option" :
				 "unexpected argument", argv[i]);
			return -1;
		}
		if (takes_argument(o) && !value) {
			if (i + 1 == argc) {
				snprintf(err->text, sizeof(err->text),
					 "--%s wants a value", o->name);
				return -1;
			}
			value = argv[++i];
		}
		if (fn(o, value, arg, err))
			return -1;
	}
	return 0;
}

static int find_config(const struct option_spec *o, const char *value,
		       void *arg, struct config_error *err)
{
	(void)err;
	if (o->kind == KIND_CONFIG)
		*(const char **)arg = value;
	if (o->kind == KIND_HELP) {
		usage(stdout);
		exit(0);
	}
	return 0;
}

static int apply_argument(const struct option_spec *o, const char *value,
			  void *cfg, struct config_error *err)
{
	return apply(cfg, o, value, err);
}

bool argv_has_listen(int argc, char **argv)
{
	const char *value;
	int i;

	for (i = 1; i < argc; i++) {
		const struct option_spec *o = match_argument(argv[i], &value);

		if (o && o->kind == KIND_LISTEN)
			return true;
	}
	return false;
}

int config_build(struct server_config *cfg, int argc, char **argv,
		 struct config_texts *texts, struct config_error *err)
{
	const char *file = NULL;

	config_defaults(cfg);
	if (walk_argv(argc, argv, err, find_config, &file))
		return -1;
	cfg->config_file = file;
	if (file && config_load_file(cfg, file, texts, err))
		return -1;
	/* A second --listen list on the command line replaces the file's. */
	if (file && argv_has_listen(argc, argv))
		cfg->nlisten = 0;
	if (walk_argv(argc, argv, err, apply_argument, cfg))
		return -1;
	return config_check(cfg, err);
}

void config_usage_error(const char *text)
{
	fprintf(stderr, "cchatd: %s (cchatd --help lists the options)\n",
		text);
	exit(2);
}

/* ---- The MOTD and reloading ---------------------------------------- */

static void free_lines(char **lines, unsigned count)
{
	while (count)
		free(lines[--count]);
	free(lines);
}

/* At most MOTD_LINES_MAX lines of path into *lines. */
static int motd_read(const char *path, char ***lines, unsigned *count,
		     struct config_error *err)
{
	char buf[IRC_LINE_MAX];
	FILE *f = fopen(path, "r");
	char **v = calloc(MOTD_LINES_MAX, sizeof(*v));
	unsigned n = 0;

	if (!f || !v) {
		snprintf(err->text, sizeof(err->text), "cannot read MOTD %s: "
			 "%s", path, strerror(errno));
		if (f)
			fclose(f);
		free(v);
		return -1;
	}
	while (n < MOTD_LINES_MAX && fgets(buf, sizeof(buf), f)) {
		v[n] = strndup(buf, strcspn(buf, "\r\n"));
		if (!v[n])
			break;
		n++;
	}
	fclose(f);
	*lines = v;
	*count = n;
	return 0;
}

void server_free_motd(struct server *srv)
{
	free_lines(srv->motd, srv->motd_lines);
	srv->motd = NULL;
	srv->motd_lines = 0;
}

int server_load_motd(struct server *srv, struct config_error *err)
{
	char **lines = NULL;
	unsigned count = 0;

	err->text[0] = '\0';
	if (srv->cfg.motd_file &&
	    motd_read(srv->cfg.motd_file, &lines, &count, err))
		return -1;
	server_free_motd(srv);
	srv->motd = lines;
	srv->motd_lines = count;
	return 0;
}

/* What a running server cannot change: its sockets, its name (clients
 * know it), the sizes its clients were made with, the console. */
static void keep_fixed(struct server_config *next,
		       const struct server_config *now)
{
	memcpy(next->listen, now->listen, sizeof(next->listen));
	next->nlisten = now->nlisten;
	next->port = now->port;
	next->name = now->name;
	next->max_clients = now->max_clients;
	next->max_channels = now->max_channels;
	next->secure_port = now->secure_port;
	next->secure = now->secure;
	next->tls_port = now->tls_port;
	next->no_plain_port = now->no_plain_port;
	next->tls = now->tls;
	next->handshake_timeout = now->handshake_timeout;
	next->console = now->console;
}

/* Texts from first to count-1 go; the one at count moves to first. */
static void drop_texts(struct config_texts *texts, int first, int keep_last)
{
	int i;

	for (i = first; i < texts->count - keep_last; i++)
		free(texts->text[i]);
	if (keep_last && texts->count > first)
		texts->text[first] = texts->text[texts->count - 1];
	texts->count = first + (keep_last && texts->count > first);
}

/*
 * The start's text stays (what a running server keeps from the start,
 * its listen addresses and name, may point into it), and so does the
 * newest; those in between, and a bad file's, are freed, so any number
 * of reloads needs at most two texts.
 */
int server_reload(struct server *srv, struct config_error *err)
{
	struct server_config next;
	const char *old_motd = srv->cfg.motd_file;
	int before = srv->texts->count;

	if (config_build(&next, srv->argc, srv->argv, srv->texts, err)) {
		drop_texts(srv->texts, before, 0);
		return -1;
	}
	keep_fixed(&next, &srv->cfg);
	srv->cfg.motd_file = next.motd_file;
	if (server_load_motd(srv, err)) {
		srv->cfg.motd_file = old_motd;
		drop_texts(srv->texts, before, 0);
		return -1;
	}
	srv->cfg = next;
	if (before > 1)
		drop_texts(srv->texts, 1, 1);
	log_msg("configuration reloaded%s%s", next.config_file ? " from " : "",
		next.config_file ? next.config_file : "");
	return 0;
}
