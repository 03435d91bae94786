/*
 * Real processes over a real TCP socket: secure-interop as server and
 * client with chosen providers and keys.  The same pairing, with
 * --crypto-dev in the guest and --software on the host, is the
 * devcrypto <-> software interop test (docs/secure-protocol.md).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "helpers.h"

/* Generous: the sanitizer build is several times slower. */
#define WAIT_LIMIT_S 60
#define MAX_ARGS 24
#define OUT_MAX 8192

static char dir[64];
static char tool[512];
static char keyfile[128];

struct proc {
	pid_t pid;
	char out[160];
	char err[160];
	int status;
	char outtext[OUT_MAX];
	char errtext[OUT_MAX];
};

static int setup(void **state)
{
	const char *bin = getenv("SECURE_BIN");
	struct sc_error err;

	(void)state;
	snprintf(tool, sizeof(tool), "%s/secure-interop", bin ? bin : "build/bin");
	if (access(tool, X_OK) != 0) {
		fprintf(stderr, "%s: %s (set SECURE_BIN)\n", tool,
			strerror(errno));
		return -1;
	}
	snprintf(dir, sizeof(dir), "/tmp/secure-interop-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(keyfile, sizeof(keyfile), "%s/shared.key", dir);
	return sc_keyfile_generate(keyfile, &err) == SC_OK ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void start(struct proc *p, const char *name, const char **args)
{
	const char *argv[MAX_ARGS] = { tool };
	int i = 1;

	for (; args[i - 1] && i < MAX_ARGS - 1; i++)
		argv[i] = args[i - 1];
	argv[i] = NULL;
	snprintf(p->out, sizeof(p->out), "%s/%s.out", dir, name);
	snprintf(p->err, sizeof(p->err), "%s/%s.err", dir, name);
	p->pid = fork();
	assert_true(p->pid >= 0);
	if (p->pid == 0) {
		int o = open(p->out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int e = open(p->err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
			_exit(127);
		execv(tool, (char **)argv);
		_exit(127);
	}
}

static void slurp(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, cap - 1, f) : 0;

	buf[n] = '\0';
	if (f)
		fclose(f);
}

/* Wait for the process; kill it if it takes too long. */
static void finish(struct proc *p)
{
	time_t deadline = time(NULL) + WAIT_LIMIT_S;
	pid_t r;

	while ((r = waitpid(p->pid, &p->status, WNOHANG)) == 0) {
		if (time(NULL) > deadline) {
			kill(p->pid, SIGKILL);
			waitpid(p->pid, &p->status, 0);
			fail_msg("%s: still running after %d s", p->out,
				 WAIT_LIMIT_S);
		}
		usleep(20 * 1000);
	}
	assert_int_equal(r, p->pid);
	slurp(p->out, p->outtext, sizeof(p->outtext));
	slurp(p->err, p->errtext, sizeof(p->errtext));
}

static int exit_code(const struct proc *p)
{
	return WIFEXITED(p->status) ? WEXITSTATUS(p->status) : -1;
}

/* Start a server on a free port; returns the port. */
static int start_server(struct proc *srv, const char *name,
			const char **extra)
{
	char portfile[160], listen_arg[] = "127.0.0.1:0";
	const char *args[MAX_ARGS] = { "--listen", listen_arg, "--port-file",
				       portfile };
	int n = 4, port = 0;

	snprintf(portfile, sizeof(portfile), "%s/%s.port", dir, name);
	unlink(portfile);
	for (int i = 0; extra[i] && n < MAX_ARGS - 2; i++)
		args[n++] = extra[i];
	args[n] = NULL;
	start(srv, name, args);
	for (int tries = 0; tries < WAIT_LIMIT_S * 50 && port == 0; tries++) {
		FILE *f = fopen(portfile, "r");
		if (f) {
			if (fscanf(f, "%d", &port) != 1)
				port = 0;
			fclose(f);
		}
		if (port == 0)
			usleep(20 * 1000);
	}
	if (port == 0)
		fail_msg("server %s did not start listening", name);
	return port;
}

static void connect_arg(char *buf, size_t cap, int port)
{
	snprintf(buf, cap, "127.0.0.1:%d", port);
}

static void expect_ok(struct proc *p, const char *needle)
{
	if (exit_code(p) != 0)
		fail_msg("%s failed (%d): %s", p->out, exit_code(p), p->errtext);
	assert_true(contains(p->outtext, needle));
}

static void test_software_to_software(void **state)
{
	const char *srv_args[] = { "--key", keyfile, "--software",
				   "--rekey-records", "50", NULL };
	struct proc srv, cli;
	char addr[64];

	(void)state;
	connect_arg(addr, sizeof(addr), start_server(&srv, "ss-srv", srv_args));
	const char *cli_args[] = { "--connect", addr, "--key", keyfile,
				   "--software", "--lines", "500", "--size",
				   "200", NULL };
	start(&cli, "ss-cli", cli_args);
	finish(&cli);
	finish(&srv);
	expect_ok(&cli, "ok: client software, 100000 bytes echoed");
	expect_ok(&srv, "ok: server software, 100000 bytes echoed");
	/* 500 lines and a close in 50-record epochs: the client rekeyed */
	assert_true(contains(cli.outtext, "rekeys 10 sent"));
}

/* The chat's default choice of provider against an explicit software
 * one; on a machine without /dev/crypto the default says so once. */
static void test_default_provider_to_software(void **state)
{
	const char *srv_args[] = { "--key", keyfile, "--software", NULL };
	struct proc srv, cli;
	char addr[64];

	(void)state;
	connect_arg(addr, sizeof(addr), start_server(&srv, "ds-srv", srv_args));
	const char *cli_args[] = { "--connect", addr, "--key", keyfile,
				   "--lines", "50", NULL };
	start(&cli, "ds-cli", cli_args);
	finish(&cli);
	finish(&srv);
	expect_ok(&cli, "ok: client");
	expect_ok(&srv, "ok: server software");
	if (access(SC_DEFAULT_CRYPTO_DEV, F_OK) != 0)
		assert_true(contains(cli.errtext,
				     "notice: /dev/crypto not available (No "
				     "such file or directory); using the "
				     "software provider\n"));
}

static void test_wrong_key_both_processes(void **state)
{
	char otherkey[160];
	struct sc_error err;
	struct proc srv, cli;
	char addr[64];

	(void)state;
	snprintf(otherkey, sizeof(otherkey), "%s/other.key", dir);
	assert_int_equal(sc_keyfile_generate(otherkey, &err), SC_OK);
	const char *srv_args[] = { "--key", keyfile, "--software", NULL };
	connect_arg(addr, sizeof(addr), start_server(&srv, "wk-srv", srv_args));
	const char *cli_args[] = { "--connect", addr, "--key", otherkey,
				   "--software", NULL };
	start(&cli, "wk-cli", cli_args);
	finish(&cli);
	finish(&srv);
	assert_int_equal(exit_code(&cli), 1);
	assert_int_equal(exit_code(&srv), 1);
	assert_true(contains(cli.errtext, "authentication failed"));
	assert_true(contains(srv.errtext, "authentication failed"));
}

static void test_passphrase_processes(void **state)
{
	const char *srv_args[] = { "--passphrase-env", "SECURE_TEST_PASS",
				   "--software", NULL };
	struct proc srv, cli;
	char addr[64];

	(void)state;
	setenv("SECURE_TEST_PASS", "a long shared passphrase", 1);
	connect_arg(addr, sizeof(addr), start_server(&srv, "pp-srv", srv_args));
	const char *cli_args[] = { "--connect", addr, "--passphrase-env",
				   "SECURE_TEST_PASS", "--software", "--lines",
				   "20", NULL };
	start(&cli, "pp-cli", cli_args);
	finish(&cli);
	finish(&srv);
	expect_ok(&cli, "ok: client");
	expect_ok(&srv, "ok: server");
}

/* A plain IRC client at an encrypted server: refused, clearly. */
static void test_plain_client_refused(void **state)
{
	const char *srv_args[] = { "--key", keyfile, "--software", NULL };
	static const char nick[] = "NICK alice\r\nUSER a 0 * :A\r\n";
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct proc srv;
	int fd;

	(void)state;
	sa.sin_port = htons((uint16_t)start_server(&srv, "pl-srv", srv_args));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(write(fd, nick, strlen(nick)), (ssize_t)strlen(nick));
	finish(&srv);
	close(fd);
	assert_int_equal(exit_code(&srv), 1);
	assert_true(contains(srv.errtext,
			     "does not speak the encrypted chat protocol"));
}

/* --crypto-dev PATH that does not work: a hard error naming the path
 * and the errno, never a silent fallback. */
static void test_explicit_missing_device_is_fatal(void **state)
{
	const char *args[] = { "--connect", "127.0.0.1:9", "--key", keyfile,
			       "--crypto-dev", "/dev/crypto-missing", NULL };
	struct proc p;

	(void)state;
	start(&p, "md", args);
	finish(&p);
	assert_int_equal(exit_code(&p), 1);
	assert_true(contains(p.errtext, "/dev/crypto-missing"));
	assert_true(contains(p.errtext, "No such file or directory"));
	assert_null(strstr(p.errtext, "software"));
}

static void test_vector_and_selftest(void **state)
{
	const char *vec[] = { "--vector", "--software", NULL };
	const char *self[] = { "--selftest", "--software", NULL };
	struct proc p;

	(void)state;
	start(&p, "vec", vec);
	finish(&p);
	expect_ok(&p, SC_VECTOR_HEX "\n");
	start(&p, "self", self);
	finish(&p);
	expect_ok(&p, "selftest ok: software");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_software_to_software),
		cmocka_unit_test(test_default_provider_to_software),
		cmocka_unit_test(test_wrong_key_both_processes),
		cmocka_unit_test(test_passphrase_processes),
		cmocka_unit_test(test_plain_client_refused),
		cmocka_unit_test(test_explicit_missing_device_is_fatal),
		cmocka_unit_test(test_vector_and_selftest),
	};
	return cmocka_run_group_tests_name("secure-interop", tests, setup,
					   teardown);
}
