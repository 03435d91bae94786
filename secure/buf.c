/* Growable byte buffers, read from the front. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Below this much dead space at the front, moving bytes down is not
 * worth it yet. */
#define SC_BUF_COMPACT_MIN 4096

static void compact(struct sc_buf *b)
{
	size_t used = sc_buf_used(b);

	if (b->start == 0)
		return;
	memmove(b->data, b->data + b->start, used);
	sc_wipe(b->data + used, b->start);
	b->start = 0;
	b->len = used;
}

uint8_t *sc_buf_reserve(struct sc_buf *b, size_t n)
{
	if (b->cap - b->len >= n)
		return b->data + b->len;
	if (b->start > 0 && b->cap - sc_buf_used(b) >= n) {
		compact(b);
		return b->data + b->len;
	}
	compact(b);
	size_t want = b->cap ? b->cap : 256;
	while (want - b->len < n) {
		if (want > SIZE_MAX / 2)
			return NULL;
		want *= 2;
	}
	/* Secrets may be inside: copy by hand so the old block is wiped. */
	uint8_t *fresh = malloc(want);
	if (!fresh)
		return NULL;
	if (b->data) {
		memcpy(fresh, b->data, b->len);
		sc_wipe(b->data, b->cap);
		free(b->data);
	}
	b->data = fresh;
	b->cap = want;
	return b->data + b->len;
}

bool sc_buf_append(struct sc_buf *b, const void *data, size_t n)
{
	if (n == 0)
		return true;
	uint8_t *dst = sc_buf_reserve(b, n);
	if (!dst)
		return false;
	memcpy(dst, data, n);
	b->len += n;
	return true;
}

void sc_buf_consume(struct sc_buf *b, size_t n)
{
	size_t used = sc_buf_used(b);

	if (n > used)
		n = used;
	b->start += n;
	if (b->start == b->len) {
		b->start = 0;
		b->len = 0;
	} else if (b->start >= SC_BUF_COMPACT_MIN && b->start >= used) {
		compact(b);
	}
}

size_t sc_buf_take(struct sc_buf *b, void *out, size_t cap)
{
	size_t n = sc_buf_used(b);

	if (n > cap)
		n = cap;
	if (n)
		memcpy(out, sc_buf_head(b), n);
	sc_buf_consume(b, n);
	return n;
}

void sc_buf_wipe(struct sc_buf *b)
{
	if (b->data)
		sc_wipe(b->data, b->cap);
	b->start = 0;
	b->len = 0;
}

void sc_buf_free(struct sc_buf *b)
{
	sc_buf_wipe(b);
	free(b->data);
	memset(b, 0, sizeof(*b));
}
