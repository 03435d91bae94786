/* SPDX-License-Identifier: MIT */
/*
 * Per-connection output queue: a list of fixed-size chunks that lines are
 * copied into.  A fan-out copies one formatted line into each receiver's
 * tail chunk (a memcpy of a few dozen bytes), so delivery costs no
 * allocation; chunks come from and go back to a shared free pool.
 * Sending takes an iovec over the chunks, so one writev carries every
 * line that queued up since the last send.
 */
#ifndef CCHATD_OUTQ_H
#define CCHATD_OUTQ_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#define OUTQ_CHUNK_SIZE 4096    /* bytes per chunk, header included */
#define OUTQ_POOL_MAX 8192      /* idle chunks kept for reuse (32 MiB) */
#define OUTQ_IOV_MAX 64         /* chunks handed to one writev */

struct outq_chunk;

struct outq {
	struct outq_chunk *head, *tail;
	size_t bytes;           /* queued and not yet sent */
};

void outq_init(struct outq *q);
/* Appends len bytes; returns 0, or -1 when memory runs out. */
int outq_append(struct outq *q, const void *data, size_t len);
/* Fills up to max iovecs with the queued bytes, oldest first. */
int outq_iov(const struct outq *q, struct iovec *iov, int max);
/* Drops the first n queued bytes (they were sent). */
void outq_consume(struct outq *q, size_t n);
/* Drops everything queued. */
void outq_clear(struct outq *q);
/* Frees the idle chunks of the pool (at exit). */
void outq_pool_drain(void);

#endif
