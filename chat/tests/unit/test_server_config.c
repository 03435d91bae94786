// SPDX-License-Identifier: MIT
/* Unit tests for the option table and config file (chat/server/config.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"

static char path[64];

static const char *write_file(const char *text)
{
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/cchatd-config-test-%d", getpid());
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static int build(struct server_config *cfg, struct config_texts *texts,
		 struct config_error *err, const char *file_text,
		 char **extra, int nextra)
{
	char *argv[8] = { "cchatd", "--config", (char *)write_file(file_text) };
	int i;

	for (i = 0; i < nextra; i++)
		argv[3 + i] = extra[i];
	return config_build(cfg, 3 + nextra, argv, texts, err);
}

static void file_options_and_defaults(void **state)
{
	struct server_config cfg;
	struct config_texts texts = { .count = 0 };
	struct config_error err;

	(void)state;
	assert_int_equal(build(&cfg, &texts, &err, "# comment\n\n"
			       "  flood-rate 7  \nno-flood-control\n"
			       "admin-email a@b c\n"
			       "oper boss $6$salt$hash\n"
			       "oper far $6$s$h *@10.*\n", NULL, 0), 0);
	assert_int_equal(cfg.flood_rate, 7);
	assert_false(cfg.flood_control);
	assert_string_equal(cfg.admin_email, "a@b c");
	assert_int_equal(cfg.sendq, DEFAULT_SENDQ);
	assert_int_equal(cfg.nopers, 2);
	assert_string_equal(cfg.opers[0].host_mask, "*@*");
	assert_string_equal(cfg.opers[1].host_mask, "*@10.*");
	config_texts_free(&texts);
	unlink(path);
}

static void errors_name_file_and_line(void **state)
{
	struct server_config cfg;
	struct config_texts texts = { .count = 0 };
	struct config_error err;
	char want[128];

	(void)state;
	assert_int_equal(build(&cfg, &texts, &err, "port 0\n\nsendq 1\n",
			       NULL, 0), -1);
	snprintf(want, sizeof(want), "%s:3: --sendq wants a number", path);
	assert_non_null(strstr(err.text, want));
	assert_int_equal(build(&cfg, &texts, &err, "verbose yes\n", NULL, 0),
			 -1);
	assert_non_null(strstr(err.text, ":1: 'verbose' takes no value"));
	assert_int_equal(build(&cfg, &texts, &err, "oper x plain\n", NULL,
			       0), -1);
	assert_non_null(strstr(err.text, ":1: bad oper line"));
	assert_int_equal(build(&cfg, &texts, &err, "config other\n", NULL,
			       0), -1);
	assert_non_null(strstr(err.text, "unknown option 'config'"));
	config_texts_free(&texts);
	unlink(path);
}

static void command_line_wins(void **state)
{
	struct server_config cfg;
	struct config_texts texts = { .count = 0 };
	struct config_error err;
	char *extra[] = { "--flood-rate=9", "-v" };

	(void)state;
	assert_int_equal(build(&cfg, &texts, &err, "flood-rate 3\n", extra,
			       2), 0);
	assert_int_equal(cfg.flood_rate, 9);
	assert_true(cfg.verbose);
	config_texts_free(&texts);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(file_options_and_defaults),
		cmocka_unit_test(errors_name_file_and_line),
		cmocka_unit_test(command_line_wins),
	};

	return cmocka_run_group_tests_name("server_config", tests, NULL, NULL);
}
