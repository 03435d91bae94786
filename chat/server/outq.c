// SPDX-License-Identifier: MIT
/* Chunked output queue with a shared pool of free chunks; see outq.h. */
#include "outq.h"

#include <stdlib.h>
#include <string.h>

struct outq_chunk {
	struct outq_chunk *next;
	uint32_t start, end;    /* unsent bytes are data[start, end) */
	char data[];
};

#define CHUNK_DATA (OUTQ_CHUNK_SIZE - sizeof(struct outq_chunk))

static struct outq_chunk *pool;
static size_t pool_count;

static struct outq_chunk *chunk_get(void)
{
	struct outq_chunk *c = pool;

	if (c) {
		pool = c->next;
		pool_count--;
	} else {
		c = malloc(OUTQ_CHUNK_SIZE);
		if (!c)
			return NULL;
	}
	c->next = NULL;
	c->start = 0;
	c->end = 0;
	return c;
}

static void chunk_put(struct outq_chunk *c)
{
	if (pool_count >= OUTQ_POOL_MAX) {
		free(c);
		return;
	}
	c->next = pool;
	pool = c;
	pool_count++;
}

void outq_pool_drain(void)
{
	while (pool) {
		struct outq_chunk *c = pool;

		pool = c->next;
		free(c);
	}
	pool_count = 0;
}

void outq_init(struct outq *q)
{
	q->head = NULL;
	q->tail = NULL;
	q->bytes = 0;
}

static struct outq_chunk *add_chunk(struct outq *q)
{
	struct outq_chunk *c = chunk_get();

	if (!c)
		return NULL;
	if (q->tail)
		q->tail->next = c;
	else
		q->head = c;
	q->tail = c;
	return c;
}

int outq_append(struct outq *q, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		struct outq_chunk *c = q->tail;
		size_t room = c ? CHUNK_DATA - c->end : 0;
		size_t n;

		if (!room) {
			c = add_chunk(q);
			if (!c)
				return -1;
			room = CHUNK_DATA;
		}
		n = len < room ? len : room;
		memcpy(c->data + c->end, p, n);
		c->end += n;
		q->bytes += n;
		p += n;
		len -= n;
	}
	return 0;
}

int outq_iov(const struct outq *q, struct iovec *iov, int max)
{
	const struct outq_chunk *c;
	int n = 0;

	for (c = q->head; c && n < max; c = c->next) {
		iov[n].iov_base = (void *)(c->data + c->start);
		iov[n].iov_len = c->end - c->start;
		n++;
	}
	return n;
}

static void drop_head(struct outq *q)
{
	struct outq_chunk *c = q->head;

	q->head = c->next;
	if (!q->head)
		q->tail = NULL;
	chunk_put(c);
}

void outq_consume(struct outq *q, size_t n)
{
	q->bytes -= n;
	while (n) {
		struct outq_chunk *c = q->head;
		size_t avail = c->end - c->start;

		if (n < avail) {
			c->start += n;
			return;
		}
		n -= avail;
		drop_head(q);
	}
}

void outq_clear(struct outq *q)
{
	while (q->head)
		drop_head(q);
	q->bytes = 0;
}
