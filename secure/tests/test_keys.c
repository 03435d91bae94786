/* Key files (generation, permission and size checks) and the
 * passphrase KDF. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "helpers.h"

static char dir[64];

static int make_dir(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/secure-keys-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void path_of(char *out, size_t cap, const char *name)
{
	snprintf(out, cap, "%s/%s", dir, name);
}

static void write_file(const char *path, size_t len, mode_t mode)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	for (size_t i = 0; i < len; i++)
		fputc((int)i, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static void test_generate_and_load(void **state)
{
	char path[128];
	struct sc_error err;
	struct sc_key a, b;
	struct stat sb;

	(void)state;
	path_of(path, sizeof(path), "gen.key");
	assert_int_equal(sc_keyfile_generate(path, &err), SC_OK);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(sb.st_size, SC_KEY_LEN);
	assert_int_equal(sc_key_load_file(path, &a, &err), SC_OK);
	assert_int_equal(a.kind, SC_KEY_FILE);
	assert_true(a.derived);
	assert_int_equal(sc_key_load_file(path, &b, &err), SC_OK);
	assert_memory_equal(a.secret, b.secret, SC_KEY_LEN);
}

static void test_generate_refuses_overwrite(void **state)
{
	char path[128];
	struct sc_error err;

	(void)state;
	path_of(path, sizeof(path), "exists.key");
	write_file(path, 5, 0600);
	assert_int_equal(sc_keyfile_generate(path, &err), SC_ERR_KEYFILE);
	assert_true(contains(err.msg, "refusing to overwrite"));
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_size, 5);	/* untouched */
}

static void test_generate_keys_differ(void **state)
{
	char p1[128], p2[128];
	struct sc_error err;
	struct sc_key a, b;

	(void)state;
	path_of(p1, sizeof(p1), "one.key");
	path_of(p2, sizeof(p2), "two.key");
	assert_int_equal(sc_keyfile_generate(p1, &err), SC_OK);
	assert_int_equal(sc_keyfile_generate(p2, &err), SC_OK);
	assert_int_equal(sc_key_load_file(p1, &a, &err), SC_OK);
	assert_int_equal(sc_key_load_file(p2, &b, &err), SC_OK);
	assert_memory_not_equal(a.secret, b.secret, SC_KEY_LEN);
}

static void expect_load_error(const char *path, const char *needle)
{
	struct sc_error err;
	struct sc_key k;

	assert_int_equal(sc_key_load_file(path, &k, &err), SC_ERR_KEYFILE);
	assert_true(contains(err.msg, path));
	assert_true(contains(err.msg, needle));
	assert_false(k.derived);
}

static void test_load_rejects_wrong_size(void **state)
{
	char path[128];

	(void)state;
	path_of(path, sizeof(path), "short.key");
	write_file(path, SC_KEY_LEN - 1, 0600);
	expect_load_error(path, "must be exactly 32");
	path_of(path, sizeof(path), "long.key");
	write_file(path, SC_KEY_LEN + 1, 0600);
	expect_load_error(path, "must be exactly 32");
	path_of(path, sizeof(path), "empty.key");
	write_file(path, 0, 0600);
	expect_load_error(path, "must be exactly 32");
}

static void test_load_rejects_open_permissions(void **state)
{
	char path[128];

	(void)state;
	path_of(path, sizeof(path), "group.key");
	write_file(path, SC_KEY_LEN, 0640);
	expect_load_error(path, "group or others");
	path_of(path, sizeof(path), "world.key");
	write_file(path, SC_KEY_LEN, 0604);
	expect_load_error(path, "mode 0604");
	path_of(path, sizeof(path), "groupwrite.key");
	write_file(path, SC_KEY_LEN, 0620);
	expect_load_error(path, "chmod 600");
	path_of(path, sizeof(path), "ok.key");
	write_file(path, SC_KEY_LEN, 0400);
	struct sc_error err;
	struct sc_key k;
	assert_int_equal(sc_key_load_file(path, &k, &err), SC_OK);
}

static void test_load_rejects_missing_and_dirs(void **state)
{
	char path[128];

	(void)state;
	path_of(path, sizeof(path), "missing.key");
	expect_load_error(path, "No such file or directory");
	expect_load_error(dir, "not a regular file");
}

static void test_passphrase_kdf_deterministic(void **state)
{
	uint8_t salt[SC_SALT_LEN] = { 1, 2, 3 }, salt2[SC_SALT_LEN] = { 9 };
	uint8_t a[SC_KEY_LEN], b[SC_KEY_LEN], c[SC_KEY_LEN], d[SC_KEY_LEN];
	struct sc_error err;

	(void)state;
	assert_int_equal(sc_passphrase_kdf("open sesame", salt, a, &err), SC_OK);
	assert_int_equal(sc_passphrase_kdf("open sesame", salt, b, &err), SC_OK);
	assert_memory_equal(a, b, SC_KEY_LEN);
	assert_int_equal(sc_passphrase_kdf("open sesame", salt2, c, &err),
			 SC_OK);
	assert_memory_not_equal(a, c, SC_KEY_LEN);
	assert_int_equal(sc_passphrase_kdf("open sesamE", salt, d, &err), SC_OK);
	assert_memory_not_equal(a, d, SC_KEY_LEN);
}

/* A server derives with a fresh salt each time; a client keeps the
 * passphrase for the salt that its server will announce. */
static void test_passphrase_keys_by_role(void **state)
{
	struct sc_key s1, s2, c;
	struct sc_error err;
	uint8_t again[SC_KEY_LEN];

	(void)state;
	assert_int_equal(sc_key_from_passphrase("pw", SC_ROLE_SERVER, &s1,
						&err), SC_OK);
	assert_int_equal(sc_key_from_passphrase("pw", SC_ROLE_SERVER, &s2,
						&err), SC_OK);
	assert_true(s1.derived);
	assert_memory_not_equal(s1.salt, s2.salt, SC_SALT_LEN);
	assert_memory_not_equal(s1.secret, s2.secret, SC_KEY_LEN);
	assert_int_equal(sc_passphrase_kdf("pw", s1.salt, again, &err), SC_OK);
	assert_memory_equal(again, s1.secret, SC_KEY_LEN);
	assert_int_equal(s1.passphrase[0], '\0');	/* not kept */
	assert_int_equal(sc_key_from_passphrase("pw", SC_ROLE_CLIENT, &c,
						&err), SC_OK);
	assert_false(c.derived);
	assert_string_equal(c.passphrase, "pw");
}

static void test_passphrase_limits(void **state)
{
	static char longpass[SC_PASSPHRASE_MAX + 2];
	struct sc_key k;
	struct sc_error err;

	(void)state;
	assert_int_equal(sc_key_from_passphrase("", SC_ROLE_CLIENT, &k, &err),
			 SC_ERR_INVALID);
	assert_true(contains(err.msg, "empty passphrase"));
	memset(longpass, 'x', SC_PASSPHRASE_MAX + 1);
	assert_int_equal(sc_key_from_passphrase(longpass, SC_ROLE_CLIENT, &k,
						&err), SC_ERR_INVALID);
	longpass[SC_PASSPHRASE_MAX] = '\0';
	assert_int_equal(sc_key_from_passphrase(longpass, SC_ROLE_CLIENT, &k,
						&err), SC_OK);
}

static void write_text(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

/* A passphrase file: one line, its end not part of the passphrase. */
static void test_passphrase_file(void **state)
{
	char path[128];
	struct sc_key k;
	struct sc_error err;

	(void)state;
	path_of(path, sizeof(path), "pass");
	write_text(path, "open sesame\r\n", 0600);
	assert_int_equal(sc_key_load_passphrase_file(path, SC_ROLE_CLIENT, &k,
						     &err), SC_OK);
	assert_string_equal(k.passphrase, "open sesame");
	assert_int_equal(sc_key_load_passphrase_file(path, SC_ROLE_SERVER, &k,
						     &err), SC_OK);
	assert_true(k.derived);
	write_text(path, "no line end", 0600);
	assert_int_equal(sc_key_load_passphrase_file(path, SC_ROLE_CLIENT, &k,
						     &err), SC_OK);
	assert_string_equal(k.passphrase, "no line end");
}

static void test_passphrase_file_refusals(void **state)
{
	char path[128];
	struct sc_key k;
	struct sc_error err;

	(void)state;
	path_of(path, sizeof(path), "pass-bad");
	write_text(path, "readable by all\n", 0644);
	assert_int_equal(sc_key_load_passphrase_file(path, SC_ROLE_CLIENT, &k,
						     &err), SC_ERR_KEYFILE);
	assert_true(contains(err.msg, "chmod 600"));
	write_text(path, "\n", 0600);
	assert_int_equal(sc_key_load_passphrase_file(path, SC_ROLE_CLIENT, &k,
						     &err), SC_ERR_KEYFILE);
	assert_true(contains(err.msg, "empty"));
	write_text(path, "two\nlines\n", 0600);
	assert_int_equal(sc_key_load_passphrase_file(path, SC_ROLE_CLIENT, &k,
						     &err), SC_ERR_KEYFILE);
	assert_true(contains(err.msg, "more than one line"));
	path_of(path, sizeof(path), "missing");
	assert_int_equal(sc_key_load_passphrase_file(path, SC_ROLE_CLIENT, &k,
						     &err), SC_ERR_KEYFILE);
	assert_true(contains(err.msg, "No such file or directory"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_generate_and_load),
		cmocka_unit_test(test_generate_refuses_overwrite),
		cmocka_unit_test(test_generate_keys_differ),
		cmocka_unit_test(test_load_rejects_wrong_size),
		cmocka_unit_test(test_load_rejects_open_permissions),
		cmocka_unit_test(test_load_rejects_missing_and_dirs),
		cmocka_unit_test(test_passphrase_kdf_deterministic),
		cmocka_unit_test(test_passphrase_keys_by_role),
		cmocka_unit_test(test_passphrase_limits),
		cmocka_unit_test(test_passphrase_file),
		cmocka_unit_test(test_passphrase_file_refusals),
	};
	return cmocka_run_group_tests_name("secure-keys", tests, make_dir,
					   remove_dir);
}
