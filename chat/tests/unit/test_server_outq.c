// SPDX-License-Identifier: MIT
/* Unit tests for the chunked output queue (chat/server/outq.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "outq.h"

/* Concatenates what outq_iov() hands out. */
static size_t gather(const struct outq *q, char *out, size_t size)
{
	struct iovec iov[OUTQ_IOV_MAX];
	int n = outq_iov(q, iov, OUTQ_IOV_MAX), i;
	size_t used = 0;

	for (i = 0; i < n; i++) {
		assert_true(used + iov[i].iov_len <= size);
		memcpy(out + used, iov[i].iov_base, iov[i].iov_len);
		used += iov[i].iov_len;
	}
	return used;
}

static void append_and_consume_small(void **state)
{
	struct outq q;
	char out[64];

	(void)state;
	outq_init(&q);
	assert_int_equal(outq_iov(&q, NULL, 0), 0);
	assert_int_equal(outq_append(&q, "hello ", 6), 0);
	assert_int_equal(outq_append(&q, "world", 5), 0);
	assert_int_equal(q.bytes, 11);
	assert_int_equal(gather(&q, out, sizeof(out)), 11);
	assert_memory_equal(out, "hello world", 11);
	outq_consume(&q, 6);
	assert_int_equal(q.bytes, 5);
	assert_int_equal(gather(&q, out, sizeof(out)), 5);
	assert_memory_equal(out, "world", 5);
	outq_consume(&q, 5);
	assert_int_equal(q.bytes, 0);
	assert_null(q.head);
	outq_clear(&q);
}

static void spans_many_chunks_in_order(void **state)
{
	enum { TOTAL = 10 * OUTQ_CHUNK_SIZE + 123 };
	char *data = malloc(TOTAL), *out = malloc(TOTAL);
	struct outq q;
	size_t i, sent = 0;

	(void)state;
	for (i = 0; i < TOTAL; i++)
		data[i] = (char)(i * 7 + i / 251);
	outq_init(&q);
	for (i = 0; i < TOTAL; i += 100)
		assert_int_equal(outq_append(&q, data + i,
					     TOTAL - i < 100 ? TOTAL - i : 100),
				 0);
	assert_int_equal(q.bytes, TOTAL);
	/* Send in odd-sized pieces, as a short writev would. */
	while (q.bytes) {
		size_t n = gather(&q, out + sent, TOTAL - sent);
		size_t part = n > 777 ? 777 : n;

		outq_consume(&q, part);
		sent += part;
	}
	assert_int_equal(sent, TOTAL);
	assert_memory_equal(out, data, TOTAL);
	outq_clear(&q);
	free(data);
	free(out);
}

static void consumed_bytes_match_data(void **state)
{
	struct outq q;
	char out[3 * OUTQ_CHUNK_SIZE];
	char expect[3 * OUTQ_CHUNK_SIZE];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(expect); i++)
		expect[i] = 'a' + i % 26;
	outq_init(&q);
	assert_int_equal(outq_append(&q, expect, sizeof(expect)), 0);
	outq_consume(&q, 5000);
	n = gather(&q, out, sizeof(out));
	assert_int_equal(n, sizeof(expect) - 5000);
	assert_memory_equal(out, expect + 5000, n);
	outq_clear(&q);
	assert_int_equal(q.bytes, 0);
	assert_null(q.head);
	assert_null(q.tail);
}

static void iov_is_bounded(void **state)
{
	static char big[(OUTQ_IOV_MAX + 5) * OUTQ_CHUNK_SIZE];
	struct iovec iov[OUTQ_IOV_MAX];
	struct outq q;

	(void)state;
	outq_init(&q);
	assert_int_equal(outq_append(&q, big, sizeof(big)), 0);
	assert_int_equal(outq_iov(&q, iov, OUTQ_IOV_MAX), OUTQ_IOV_MAX);
	assert_int_equal(outq_iov(&q, iov, 3), 3);
	outq_clear(&q);
}

static int drain_pool(void **state)
{
	(void)state;
	outq_pool_drain();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(append_and_consume_small),
		cmocka_unit_test(spans_many_chunks_in_order),
		cmocka_unit_test(consumed_bytes_match_data),
		cmocka_unit_test(iov_is_bounded),
	};

	return cmocka_run_group_tests_name("server_outq", tests, NULL,
					   drain_pool);
}
