// SPDX-License-Identifier: MIT
/* Unit tests for the line reader in chat/common/irc.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "irc.h"

static struct line_reader lr;

static int setup(void **state)
{
	(void)state;
	line_reader_init(&lr);
	return 0;
}

static void feed(const char *data)
{
	assert_int_equal(line_reader_feed(&lr, data, strlen(data)),
			 strlen(data));
}

static void expect_line(const char *text)
{
	struct irc_line line;

	assert_true(line_reader_next(&lr, &line));
	assert_string_equal(line.text, text);
	assert_int_equal(line.len, strlen(text));
	assert_false(line.truncated);
}

static void expect_none(void)
{
	struct irc_line line;

	assert_false(line_reader_next(&lr, &line));
}

static void all_terminators(void **state)
{
	(void)state;
	feed("crlf\r\nlf\ncr\rlast");
	expect_line("crlf");
	expect_line("lf");
	expect_line("cr");
	expect_none();
	feed("\r\n");
	expect_line("last");
	expect_none();
}

static void crlf_split_across_feeds(void **state)
{
	(void)state;
	feed("one\r");
	expect_line("one");
	expect_none();
	feed("\ntwo\r\n");
	expect_line("two");
	expect_none();
	assert_int_equal(line_reader_pending(&lr), 0);
}

static void empty_lines_are_skipped(void **state)
{
	(void)state;
	feed("\r\n\n\r\r\nx\n\n");
	expect_line("x");
	expect_none();
}

static void byte_at_a_time(void **state)
{
	const char *data = "PRIVMSG #c :hi\r\n";
	size_t i;

	(void)state;
	for (i = 0; data[i]; i++) {
		if (data[i] != '\r' && data[i] != '\n')
			expect_none();
		assert_int_equal(line_reader_feed(&lr, data + i, 1), 1);
	}
	expect_line("PRIVMSG #c :hi");
}

static void nul_bytes_are_kept_with_true_length(void **state)
{
	struct irc_line line;

	(void)state;
	assert_int_equal(line_reader_feed(&lr, "a\0b\r\n", 5), 5);
	assert_true(line_reader_next(&lr, &line));
	assert_int_equal(line.len, 3);
	assert_memory_equal(line.text, "a\0b", 3);
}

static void long_line_in_one_piece_is_cut(void **state)
{
	char data[IRC_TEXT_MAX + 200];
	struct irc_line line;

	(void)state;
	memset(data, 'x', sizeof(data));
	assert_int_equal(line_reader_feed(&lr, data, sizeof(data)),
			 sizeof(data));
	feed("\r\nnext\r\n");
	assert_true(line_reader_next(&lr, &line));
	assert_true(line.truncated);
	assert_int_equal(line.len, IRC_TEXT_MAX);
	assert_int_equal(strlen(line.text), IRC_TEXT_MAX);
	expect_line("next");
	expect_none();
}

static void long_line_without_end_is_cut_then_rest_dropped(void **state)
{
	char data[1000];
	struct irc_line line;
	int i;

	(void)state;
	memset(data, 'y', sizeof(data));
	assert_int_equal(line_reader_feed(&lr, data, sizeof(data)),
			 sizeof(data));
	assert_true(line_reader_next(&lr, &line));
	assert_true(line.truncated);
	assert_int_equal(line.len, IRC_TEXT_MAX);
	/* More of the same line, in several reads: all of it is dropped. */
	for (i = 0; i < 10; i++) {
		assert_int_equal(line_reader_feed(&lr, data, sizeof(data)),
				 sizeof(data));
		expect_none();
	}
	feed("tail\r\nafter\r\n");
	expect_line("after");
	expect_none();
}

static void exactly_510_bytes_is_whole(void **state)
{
	char data[IRC_TEXT_MAX + 3];
	struct irc_line line;

	(void)state;
	memset(data, 'z', IRC_TEXT_MAX);
	memcpy(data + IRC_TEXT_MAX, "\r\n", 3);
	feed(data);
	assert_true(line_reader_next(&lr, &line));
	assert_false(line.truncated);
	assert_int_equal(line.len, IRC_TEXT_MAX);
}

static void full_buffer_reports_no_room(void **state)
{
	char data[64];
	size_t room, taken = 0;

	(void)state;
	memset(data, 'q', sizeof(data));
	data[sizeof(data) - 1] = '\n';
	while (taken < LINE_READER_SIZE)
		taken += line_reader_feed(&lr, data, sizeof(data));
	assert_int_equal(taken, LINE_READER_SIZE);
	line_reader_space(&lr, &room);
	assert_int_equal(room, 0);
	assert_int_equal(line_reader_feed(&lr, data, sizeof(data)), 0);
	expect_line("qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq"
		    "qqqqqqqqqq");
	line_reader_space(&lr, &room);
	assert_int_equal(room, sizeof(data));
}

static void space_and_commit_read_in_place(void **state)
{
	size_t room;
	char *space;

	(void)state;
	space = line_reader_space(&lr, &room);
	assert_int_equal(room, LINE_READER_SIZE);
	memcpy(space, "NICK a\r\nUSER", 12);
	line_reader_commit(&lr, 12);
	expect_line("NICK a");
	expect_none();
	assert_int_equal(line_reader_pending(&lr), 4);
	space = line_reader_space(&lr, &room);
	memcpy(space, " b\n", 3);
	line_reader_commit(&lr, 3);
	expect_line("USER b");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(all_terminators, setup),
		cmocka_unit_test_setup(crlf_split_across_feeds, setup),
		cmocka_unit_test_setup(empty_lines_are_skipped, setup),
		cmocka_unit_test_setup(byte_at_a_time, setup),
		cmocka_unit_test_setup(nul_bytes_are_kept_with_true_length,
				       setup),
		cmocka_unit_test_setup(long_line_in_one_piece_is_cut, setup),
		cmocka_unit_test_setup(
			long_line_without_end_is_cut_then_rest_dropped, setup),
		cmocka_unit_test_setup(exactly_510_bytes_is_whole, setup),
		cmocka_unit_test_setup(full_buffer_reports_no_room, setup),
		cmocka_unit_test_setup(space_and_commit_read_in_place, setup),
	};

	return cmocka_run_group_tests_name("common_line_reader", tests, NULL,
					   NULL);
}
