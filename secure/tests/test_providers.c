/* The crypto providers: known answers, and how a missing or unusable
 * /dev/crypto is reported. */
#include <errno.h>
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

static void test_software_known_answers(void **state)
{
	struct sc_provider *p;
	struct sc_error err;

	(void)state;
	assert_int_equal(sc_provider_open(SC_PROVIDER_SOFTWARE, NULL, &p, &err),
			 SC_OK);
	assert_string_equal(sc_provider_name(p), "software");
	assert_int_equal(sc_provider_selftest(p, &err), SC_OK);
	sc_provider_close(p);
}

/* One record sealed with fixed keys and IV, against bytes worked out
 * independently with the openssl command line (SC_VECTOR_HEX). */
static void test_record_matches_openssl_cli(void **state)
{
	struct sc_provider *p;
	struct sc_dir_keys keys;
	struct sc_error err;
	uint8_t secret[SC_KEY_LEN], iv[SC_IV_LEN], work[SC_SEQ_LEN + 128];
	char hex[2 * 128 + 1];
	size_t len = strlen(SC_VECTOR_PAYLOAD);

	(void)state;
	for (size_t i = 0; i < sizeof(secret); i++)
		secret[i] = (uint8_t)i;
	for (size_t i = 0; i < sizeof(iv); i++)
		iv[i] = (uint8_t)(0xa0 + i);
	assert_int_equal(sc_provider_open(SC_PROVIDER_SOFTWARE, NULL, &p, &err),
			 SC_OK);
	assert_int_equal(sc_dir_keys_from_secret(p, secret, &keys, &err), SC_OK);
	assert_int_equal(sc_record_seal(p, &keys, SC_VECTOR_SEQ, SC_FT_DATA, iv,
					(const uint8_t *)SC_VECTOR_PAYLOAD, len,
					work, &err), SC_OK);
	size_t n = sc_record_wire_len(len);
	for (size_t i = 0; i < n; i++)
		sprintf(hex + 2 * i, "%02x", work[SC_SEQ_LEN + i]);
	assert_string_equal(hex, SC_VECTOR_HEX);

	/* and it opens again, to the same payload */
	uint8_t *payload;
	size_t plen;
	sc_dir_keys_free(p, &keys);
	assert_int_equal(sc_dir_keys_from_secret(p, secret, &keys, &err), SC_OK);
	assert_int_equal(sc_record_open(p, &keys, SC_VECTOR_SEQ, 0, work,
					&payload, &plen, &err), SC_OK);
	assert_int_equal(plen, len);
	assert_memory_equal(payload, SC_VECTOR_PAYLOAD, len);
	sc_dir_keys_free(p, &keys);
	sc_provider_close(p);
}

static void test_devcrypto_missing_device(void **state)
{
	const char *path = "/dev/crypto-does-not-exist";
	struct sc_provider *p = NULL;
	struct sc_error err;

	(void)state;
	assert_int_equal(sc_provider_open(SC_PROVIDER_DEVCRYPTO, path, &p, &err),
			 SC_ERR_DEVICE);
	assert_null(p);
	assert_true(contains(err.msg, path));
	assert_true(contains(err.msg, strerror(ENOENT)));
	/* --crypto-dev given explicitly: a hard error, no fallback */
	assert_int_equal(sc_provider_select(path, stderr, &p, &err),
			 SC_ERR_DEVICE);
	assert_null(p);
	assert_true(contains(err.msg, path));
}

/* A file that is not a cryptodev device: the probe's first ioctl says so. */
static void test_devcrypto_wrong_device(void **state)
{
	struct sc_provider *p = NULL;
	struct sc_error err;

	(void)state;
	assert_int_equal(sc_provider_open(SC_PROVIDER_DEVCRYPTO, "/dev/null",
					  &p, &err), SC_ERR_DEVICE);
	assert_true(contains(err.msg, "/dev/null"));
	assert_true(contains(err.msg, "CIOCGSESSION"));
	assert_true(contains(err.msg, strerror(ENOTTY)));
}

static void test_devcrypto_permission_denied(void **state)
{
	char path[] = "/tmp/secure-nodev-XXXXXX";
	struct sc_provider *p = NULL;
	struct sc_error err;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(chmod(path, 0), 0);
	if (geteuid() == 0) {	/* root opens it anyway: then ENOTTY */
		assert_int_equal(sc_provider_open(SC_PROVIDER_DEVCRYPTO, path,
						  &p, &err), SC_ERR_DEVICE);
	} else {
		assert_int_equal(sc_provider_open(SC_PROVIDER_DEVCRYPTO, path,
						  &p, &err), SC_ERR_DEVICE);
		assert_true(contains(err.msg, strerror(EACCES)));
	}
	assert_true(contains(err.msg, path));
	unlink(path);
}

/* The default: /dev/crypto if it works, else software and one line. */
static void test_default_falls_back_with_notice(void **state)
{
	struct sc_provider *p = NULL;
	struct sc_error err;
	char *text = NULL;
	size_t len = 0;
	FILE *notice = open_memstream(&text, &len);

	(void)state;
	assert_non_null(notice);
	assert_int_equal(sc_provider_select(NULL, notice, &p, &err), SC_OK);
	fclose(notice);
	if (access(SC_DEFAULT_CRYPTO_DEV, F_OK) == 0 &&
	    strncmp(sc_provider_name(p), "devcrypto", 9) == 0) {
		assert_int_equal(len, 0);
	} else {
		assert_string_equal(sc_provider_name(p), "software");
		assert_true(contains(text, "notice: /dev/crypto not available ("));
		assert_true(contains(text, "); using the software provider\n"));
		assert_non_null(strchr(text, '\n'));
		assert_int_equal(strchr(text, '\n') - text + 1, (long)len);
	}
	sc_provider_close(p);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_software_known_answers),
		cmocka_unit_test(test_record_matches_openssl_cli),
		cmocka_unit_test(test_devcrypto_missing_device),
		cmocka_unit_test(test_devcrypto_wrong_device),
		cmocka_unit_test(test_devcrypto_permission_denied),
		cmocka_unit_test(test_default_falls_back_with_notice),
	};
	return cmocka_run_group_tests_name("secure-providers", tests, NULL,
					   NULL);
}
