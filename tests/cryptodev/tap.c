// SPDX-License-Identifier: MIT
#include <stdarg.h>
#include <stdio.h>

#include "tap.h"

static unsigned int tap_count;
static unsigned int tap_failed;

static void tap_line(const char *status, const char *directive,
		     const char *fmt, va_list ap)
{
	printf("%s %u - ", status, ++tap_count);
	vprintf(fmt, ap);
	if (directive)
		printf(" # %s", directive);
	putchar('\n');
	/* Flush each line: a crash or kill must not eat earlier results. */
	fflush(stdout);
}

bool tap_ok(bool ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_line(ok ? "ok" : "not ok", NULL, fmt, ap);
	va_end(ap);
	if (!ok)
		tap_failed++;
	return ok;
}

void tap_skip(const char *why, const char *fmt, ...)
{
	char directive[256];
	va_list ap;

	snprintf(directive, sizeof(directive), "SKIP %s", why);
	va_start(ap, fmt);
	tap_line("ok", directive, fmt, ap);
	va_end(ap);
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

void tap_diag_hex(const char *label, const void *buf, unsigned long len)
{
	const unsigned char *p = buf;
	const unsigned long per_line = 32;

	for (unsigned long off = 0; off < len || off == 0; off += per_line) {
		printf("#   %-8s ", off ? "" : label);
		for (unsigned long i = off; i < len && i < off + per_line; i++)
			printf("%02x", p[i]);
		putchar('\n');
		if (!len)
			break;
	}
	fflush(stdout);
}

int tap_finish(void)
{
	printf("1..%u\n", tap_count);
	if (tap_failed)
		printf("# %u of %u failed\n", tap_failed, tap_count);
	fflush(stdout);
	return tap_failed ? 1 : 0;
}

unsigned int tap_failures(void)
{
	return tap_failed;
}
