// SPDX-License-Identifier: MIT
/* Logging to stderr; the console owns stdout. */
#include <stdio.h>

#include "server.h"

static void vlog(const char *fmt, va_list ap)
{
	fputs("cchatd: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void log_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

void log_verbose(const struct server *srv, const char *fmt, ...)
{
	va_list ap;

	if (!srv->cfg.verbose)
		return;
	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}
