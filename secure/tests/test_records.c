/* The record layer: tampering, replay, reorder, drop, truncation,
 * oversized lengths, rekeying and clean closes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers.h"

#define BUF_MAX (256 * 1024)

static uint8_t rec1[BUF_MAX], rec2[BUF_MAX], rec3[BUF_MAX];

/* Every bit of every byte of a record, flipped one at a time: the
 * receiver fails (now, or at the end of the stream) and shows nothing. */
static void test_every_bit_flip_is_caught(void **state)
{
	static const char msg[] = "PRIVMSG #ops :the launch code is 0000\r\n";
	size_t n = 0;

	(void)state;
	for (size_t bit = 0;; bit++) {
		struct pair p;
		pair_connected(&p, NULL);
		n = seal_take(p.c, msg, strlen(msg), rec1, sizeof(rec1));
		if (bit >= n * 8) {
			pair_free(&p);
			break;
		}
		rec1[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		enum sc_status st = sc_feed(p.s, rec1, n);
		if (st == SC_OK)	/* a longer length: waits for more */
			st = sc_eof(p.s);
		if (st == SC_OK || sc_readable(p.s) != 0)
			fail_msg("bit %zu of %zu: record accepted", bit, n * 8);
		pair_free(&p);
	}
	assert_true(n > 0);
}

/* Body changes are reported as tampering, and the sender hears of it. */
static void test_tamper_reported_both_sides(void **state)
{
	struct pair p;
	size_t n;

	(void)state;
	pair_connected(&p, NULL);
	n = seal_take(p.c, "hello\n", 6, rec1, sizeof(rec1));
	rec1[n - 40] ^= 0x01;	/* a ciphertext byte */
	assert_int_equal(sc_feed(p.s, rec1, n), SC_ERR_RECORD_MAC);
	assert_true(contains(sc_session_error(p.s),
			     "record authentication failed (tampered)"));
	assert_int_equal(sc_readable(p.s), 0);
	assert_int_equal(pump(p.s, p.c), SC_ERR_RECORD_MAC);
	assert_true(contains(sc_session_error(p.c), "reported by the peer"));
	/* failed for good */
	assert_int_equal(sc_seal(p.c, "more\n", 5), SC_ERR_RECORD_MAC);
	assert_int_equal(sc_feed(p.s, rec1, n), SC_ERR_RECORD_MAC);
	pair_free(&p);
}

/* Records accepted before the bad one stay delivered; nothing after. */
static void test_good_data_before_bad_record_kept(void **state)
{
	struct pair p;
	uint8_t both[BUF_MAX];
	char got[64];
	size_t a, b;

	(void)state;
	pair_connected(&p, NULL);
	a = seal_take(p.c, "one\n", 4, rec1, sizeof(rec1));
	b = seal_take(p.c, "two\n", 4, rec2, sizeof(rec2));
	rec2[b - 1] ^= 0x80;	/* the MAC */
	memcpy(both, rec1, a);
	memcpy(both + a, rec2, b);
	assert_int_equal(sc_feed(p.s, both, a + b), SC_ERR_RECORD_MAC);
	read_all(p.s, got, sizeof(got));
	assert_string_equal(got, "one\n");
	pair_free(&p);
}

static void test_replayed_record(void **state)
{
	struct pair p;
	size_t n;

	(void)state;
	pair_connected(&p, NULL);
	n = seal_take(p.c, "pay 10\n", 7, rec1, sizeof(rec1));
	assert_int_equal(sc_feed(p.s, rec1, n), SC_OK);
	assert_int_equal(sc_feed(p.s, rec1, n), SC_ERR_REPLAY);
	assert_true(contains(sc_session_error(p.s),
			     "replayed or reordered record"));
	char got[64];
	read_all(p.s, got, sizeof(got));
	assert_string_equal(got, "pay 10\n");	/* once, not twice */
	pair_free(&p);
}

static void test_reordered_records(void **state)
{
	struct pair p;
	size_t a, b;

	(void)state;
	pair_connected(&p, NULL);
	a = seal_take(p.c, "first\n", 6, rec1, sizeof(rec1));
	b = seal_take(p.c, "second\n", 7, rec2, sizeof(rec2));
	(void)a;
	assert_int_equal(sc_feed(p.s, rec2, b), SC_ERR_SEQ_GAP);
	assert_true(contains(sc_session_error(p.s), "reordered"));
	assert_int_equal(sc_readable(p.s), 0);
	pair_free(&p);
}

/* The second record of three goes missing. */
static void test_dropped_record(void **state)
{
	struct pair p;
	size_t a, c;

	(void)state;
	pair_connected(&p, NULL);
	a = seal_take(p.c, "a\n", 2, rec1, sizeof(rec1));
	seal_take(p.c, "b\n", 2, rec2, sizeof(rec2));
	c = seal_take(p.c, "c\n", 2, rec3, sizeof(rec3));
	assert_int_equal(sc_feed(p.s, rec1, a), SC_OK);
	assert_int_equal(sc_feed(p.s, rec3, c), SC_ERR_SEQ_GAP);
	assert_true(contains(sc_session_error(p.s), "dropped"));
	char got[16];
	read_all(p.s, got, sizeof(got));
	assert_string_equal(got, "a\n");
	pair_free(&p);
}

static void test_truncated_stream(void **state)
{
	struct pair p;
	size_t n;

	(void)state;
	/* Whole records, then the connection ends without a close. */
	pair_connected(&p, NULL);
	n = seal_take(p.c, "bye\n", 4, rec1, sizeof(rec1));
	assert_int_equal(sc_feed(p.s, rec1, n), SC_OK);
	assert_int_equal(sc_eof(p.s), SC_ERR_TRUNCATED);
	assert_true(contains(sc_session_error(p.s), "truncated stream"));
	pair_free(&p);

	/* The connection ends in the middle of a record. */
	pair_connected(&p, NULL);
	n = seal_take(p.c, "bye\n", 4, rec1, sizeof(rec1));
	assert_int_equal(sc_feed(p.s, rec1, n - 5), SC_OK);
	assert_int_equal(sc_readable(p.s), 0);
	assert_int_equal(sc_eof(p.s), SC_ERR_TRUNCATED);
	assert_true(contains(sc_session_error(p.s), "middle of a record"));
	pair_free(&p);
}

static void test_clean_close(void **state)
{
	struct pair p;
	char got[64];

	(void)state;
	pair_connected(&p, NULL);
	assert_int_equal(sc_seal(p.c, "QUIT\r\n", 6), SC_OK);
	assert_int_equal(sc_close(p.c), SC_OK);
	assert_int_equal(sc_seal(p.c, "late\n", 5), SC_ERR_CLOSED);
	assert_int_equal(pump(p.c, p.s), SC_OK);
	assert_true(sc_peer_closed(p.s));
	read_all(p.s, got, sizeof(got));
	assert_string_equal(got, "QUIT\r\n");
	assert_int_equal(sc_eof(p.s), SC_OK);
	assert_int_equal(sc_close(p.s), SC_OK);
	assert_int_equal(pump(p.s, p.c), SC_OK);
	assert_int_equal(sc_eof(p.c), SC_OK);
	pair_free(&p);
}

/* Anything after the close record is an attack or a bug; it is refused
 * before it is even parsed (here: a copy of a good record). */
static void test_data_after_close(void **state)
{
	struct pair p;
	size_t n, m;

	(void)state;
	pair_connected(&p, NULL);
	n = seal_take(p.c, "x\n", 2, rec1, sizeof(rec1));
	assert_int_equal(sc_feed(p.s, rec1, n), SC_OK);
	assert_int_equal(sc_close(p.c), SC_OK);
	m = take_output(p.c, rec2, sizeof(rec2));
	memcpy(rec2 + m, rec1, n);
	assert_int_equal(sc_feed(p.s, rec2, m + n), SC_ERR_PROTOCOL);
	assert_true(contains(sc_session_error(p.s), "after the close"));
	pair_free(&p);
}

/* A close requested before the handshake goes out after the early data. */
static void test_close_before_handshake(void **state)
{
	struct pair p;
	char got[16];

	(void)state;
	pair_new(&p, NULL);
	sc_seal(p.c, "hi\n", 3);
	assert_int_equal(sc_close(p.c), SC_OK);
	exchange(&p);
	read_all(p.s, got, sizeof(got));
	assert_string_equal(got, "hi\n");
	assert_true(sc_peer_closed(p.s));
	pair_free(&p);
}

/* The header alone is enough to refuse a huge length: no waiting for
 * (or buffering of) 64 KiB that will never be accepted. */
static void test_oversized_length(void **state)
{
	struct pair p;
	uint8_t hdr[3] = { SC_FT_DATA, 0xff, 0xf0 };

	(void)state;
	pair_connected(&p, NULL);
	assert_int_equal(sc_feed(p.s, hdr, sizeof(hdr)), SC_ERR_TOO_BIG);
	assert_true(contains(sc_session_error(p.s), "oversized record length"));
	pair_free(&p);

	/* just over the limit */
	pair_connected(&p, NULL);
	sc_put_be16(hdr + 1, SC_MAX_RECORD_BODY + SC_BLOCK_LEN);
	assert_int_equal(sc_feed(p.s, hdr, sizeof(hdr)), SC_ERR_TOO_BIG);
	pair_free(&p);

	/* not a whole number of blocks */
	pair_connected(&p, NULL);
	sc_put_be16(hdr + 1, SC_MIN_RECORD_BODY + 1);
	assert_int_equal(sc_feed(p.s, hdr, sizeof(hdr)), SC_ERR_PROTOCOL);
	pair_free(&p);

	/* an oversized handshake message */
	pair_new(&p, NULL);
	uint8_t hello[3] = { SC_FT_CLIENT_HELLO, 0x40, 0x00 };
	assert_int_equal(sc_feed(p.s, hello, sizeof(hello)), SC_ERR_TOO_BIG);
	pair_free(&p);
}

/* The largest record passes; more data is split into several. */
static void test_large_data_split(void **state)
{
	struct pair p;
	size_t total = 3 * SC_MAX_PLAINTEXT + 123;
	uint8_t *data = malloc(total), *got = malloc(total);
	struct sc_stats st;

	(void)state;
	assert_non_null(data);
	assert_non_null(got);
	for (size_t i = 0; i < total; i++)
		data[i] = (uint8_t)(i * 7);
	pair_connected(&p, NULL);
	assert_int_equal(sc_seal(p.c, data, total), SC_OK);
	assert_int_equal(pump(p.c, p.s), SC_OK);
	assert_int_equal(sc_read(p.s, got, total), total);
	assert_memory_equal(got, data, total);
	sc_session_stats(p.c, &st);
	assert_int_equal(st.records_sent, 4);
	pair_free(&p);
	free(data);
	free(got);
}

/* Both directions cross several rekey boundaries; the data flows on,
 * each side's count of key changes matches the other's, and a record
 * from an earlier epoch no longer verifies. */
static void test_rekey_both_ways(void **state)
{
	struct pair_opts o = { .rekey_records = 3 };
	struct sc_stats cs, ss;
	struct pair p;
	char line[32], got[32];
	size_t first = 0;

	(void)state;
	pair_connected(&p, &o);
	for (int i = 0; i < 10; i++) {
		snprintf(line, sizeof(line), "c%d\n", i);
		size_t n = seal_take(p.c, line, strlen(line), rec1,
				     sizeof(rec1));
		if (i == 0) {
			memcpy(rec3, rec1, n);
			first = n;
		}
		assert_int_equal(sc_feed(p.s, rec1, n), SC_OK);
		read_all(p.s, got, sizeof(got));
		assert_string_equal(got, line);
		snprintf(line, sizeof(line), "s%d\n", i);
		assert_int_equal(sc_seal(p.s, line, strlen(line)), SC_OK);
		assert_int_equal(pump(p.s, p.c), SC_OK);
		read_all(p.c, got, sizeof(got));
		assert_string_equal(got, line);
	}
	sc_session_stats(p.c, &cs);
	sc_session_stats(p.s, &ss);
	assert_int_equal(cs.rekeys_sent, 3);	/* after records 3, 6, 9 */
	assert_int_equal(ss.rekeys_received, 3);
	assert_int_equal(ss.rekeys_sent, 3);
	assert_int_equal(cs.rekeys_received, 3);
	/* record 0 of epoch 0, replayed in epoch 3: only garbage now */
	assert_int_equal(sc_feed(p.s, rec3, first), SC_ERR_RECORD_MAC);
	pair_free(&p);
}

/* Rekeying by volume: few records, but big ones. */
static void test_rekey_by_bytes(void **state)
{
	struct pair_opts o = { .rekey_bytes = 2 * SC_MAX_PLAINTEXT };
	struct sc_stats cs, ss;
	size_t total = 10 * SC_MAX_PLAINTEXT;
	uint8_t *data = calloc(1, total), *got = malloc(total);
	struct pair p;

	(void)state;
	assert_non_null(data);
	assert_non_null(got);
	pair_connected(&p, &o);
	assert_int_equal(sc_seal(p.c, data, total), SC_OK);
	assert_int_equal(pump(p.c, p.s), SC_OK);
	assert_int_equal(sc_read(p.s, got, total), total);
	assert_memory_equal(got, data, total);
	sc_session_stats(p.c, &cs);
	sc_session_stats(p.s, &ss);
	assert_int_equal(cs.rekeys_sent, 5);
	assert_int_equal(ss.rekeys_received, 5);
	pair_free(&p);
	free(data);
	free(got);
}

/* Feeding one byte at a time works the same as feeding it all. */
static void test_byte_by_byte_delivery(void **state)
{
	struct pair p;
	char got[128];

	(void)state;
	pair_new(&p, NULL);
	sc_seal(p.c, "slow link\n", 10);
	for (int round = 0; round < 8; round++) {
		size_t n;
		const uint8_t *out;
		while ((out = sc_output(p.c, &n)), n > 0) {
			assert_int_equal(sc_feed(p.s, out, 1), SC_OK);
			sc_output_consume(p.c, 1);
		}
		while ((out = sc_output(p.s, &n)), n > 0) {
			assert_int_equal(sc_feed(p.c, out, 1), SC_OK);
			sc_output_consume(p.s, 1);
		}
	}
	read_all(p.s, got, sizeof(got));
	assert_string_equal(got, "slow link\n");
	pair_free(&p);
}

/* Early data over the limit is refused without breaking the session. */
static void test_early_data_limit(void **state)
{
	struct pair p;
	static uint8_t big[SC_MAX_EARLY_PLAINTEXT];

	(void)state;
	pair_new(&p, NULL);
	assert_int_equal(sc_seal(p.c, big, sizeof(big)), SC_OK);
	assert_int_equal(sc_seal(p.c, "x", 1), SC_ERR_STATE);
	exchange(&p);
	assert_true(sc_handshake_done(p.s));
	assert_int_equal(sc_readable(p.s), sizeof(big));
	pair_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_bit_flip_is_caught),
		cmocka_unit_test(test_tamper_reported_both_sides),
		cmocka_unit_test(test_good_data_before_bad_record_kept),
		cmocka_unit_test(test_replayed_record),
		cmocka_unit_test(test_reordered_records),
		cmocka_unit_test(test_dropped_record),
		cmocka_unit_test(test_truncated_stream),
		cmocka_unit_test(test_clean_close),
		cmocka_unit_test(test_data_after_close),
		cmocka_unit_test(test_close_before_handshake),
		cmocka_unit_test(test_oversized_length),
		cmocka_unit_test(test_large_data_split),
		cmocka_unit_test(test_rekey_both_ways),
		cmocka_unit_test(test_rekey_by_bytes),
		cmocka_unit_test(test_byte_by_byte_delivery),
		cmocka_unit_test(test_early_data_limit),
	};
	return cmocka_run_group_tests_name("secure-records", tests, NULL, NULL);
}
