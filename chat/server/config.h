/* SPDX-License-Identifier: MIT */
/* cchatd's options from the command line and the config file. */
#ifndef CCHATD_CONFIG_H
#define CCHATD_CONFIG_H

#include "server.h"

#define CONFIG_FILE_MAX (256 * 1024) /* bytes of one config file */
#define CONFIG_TEXTS_MAX 4           /* texts held at once (a reload needs 3) */

struct config_error {
	char text[512];
};

/* The texts of the config files that the configuration in force points
 * into: the start's and the newest (server_reload frees the others). */
struct config_texts {
	char *text[CONFIG_TEXTS_MAX];
	int count;
};

void config_defaults(struct server_config *cfg);
/* Defaults, then --config FILE, then the rest of the command line. */
int config_build(struct server_config *cfg, int argc, char **argv,
		 struct config_texts *texts, struct config_error *err);
/* Applies the options of one file to cfg. */
int config_load_file(struct server_config *cfg, const char *path,
		     struct config_texts *texts, struct config_error *err);
int config_check(const struct server_config *cfg, struct config_error *err);
bool argv_has_listen(int argc, char **argv);
void config_texts_free(struct config_texts *texts);
/* Prints "cchatd: text" and a hint, and exits with status 2. */
void config_usage_error(const char *text) __attribute__((noreturn));

#endif
