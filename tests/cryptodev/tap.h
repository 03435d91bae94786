/* SPDX-License-Identifier: MIT */
/*
 * Test Anything Protocol output: "ok N - what" / "not ok N - what",
 * "# comments", and the plan "1..N" printed last, so that a program that
 * dies half-way leaves a stream any TAP reader reports as incomplete.
 */
#ifndef CRYPTODEV_TESTS_TAP_H
#define CRYPTODEV_TESTS_TAP_H

#include <stdbool.h>

/* Records one result; returns ok so callers can chain on it. */
bool tap_ok(bool ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A test that cannot run here: counts as passed, says why. */
void tap_skip(const char *why, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Hex dump of a buffer as a diagnostic, labelled. */
void tap_diag_hex(const char *label, const void *buf, unsigned long len);
/* Prints the plan; returns the exit status (0 only if all passed). */
int tap_finish(void);
unsigned int tap_failures(void);

#endif
