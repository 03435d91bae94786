// SPDX-License-Identifier: MIT
/* cchatd: options (config.c), process setup (limits, signals, MOTD),
 * then the loop. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "config.h"

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

int main(int argc, char **argv)
{
	static struct server srv;
	static struct config_texts texts;
	struct config_error err;
	int status;

	if (config_build(&srv.cfg, argc, argv, &texts, &err))
		config_usage_error(err.text);
	srv.argc = argc;
	srv.argv = argv;
	srv.texts = &texts;
	signal(SIGPIPE, SIG_IGN);
	raise_fd_limit(&srv.cfg);
	if (server_init(&srv) || server_load_motd(&srv, &err)) {
		if (err.text[0])
			log_msg("%s", err.text);
		server_free(&srv);
		config_texts_free(&texts);
		return 1;
	}
	log_msg("%s ready: max %u clients, sendq %zu bytes, flood control %s",
		CCHATD_VERSION, srv.cfg.max_clients, srv.cfg.sendq,
		srv.cfg.flood_control ? "on" : "off");
	status = server_run(&srv);
	server_free(&srv);
	config_texts_free(&texts);
	log_msg("stopped");
	return status ? 1 : 0;
}
