/* Unit tests for chat/client/command.c: typed input to protocol lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "command.h"

static struct cmd_result r;

static void plain_text_goes_to_current_channel(void **state)
{
	(void)state;
	assert_int_equal(cmd_parse("hello there", "#lobby", &r), CMD_SEND);
	assert_int_equal(r.nlines, 1);
	assert_string_equal(r.lines[0], "PRIVMSG #lobby :hello there");
}

static void plain_text_without_channel_is_refused(void **state)
{
	(void)state;
	assert_int_equal(cmd_parse("hello", "", &r), CMD_ERROR);
	assert_int_equal(r.nlines, 0);
	assert_non_null(strstr(r.message, "/join"));
}

static void double_slash_sends_a_slash(void **state)
{
	(void)state;
	assert_int_equal(cmd_parse("//etc/passwd is a file", "#a", &r), CMD_SEND);
	assert_string_equal(r.lines[0], "PRIVMSG #a :/etc/passwd is a file");
}

static void empty_input_does_nothing(void **state)
{
	(void)state;
	assert_int_equal(cmd_parse("", "#a", &r), CMD_NOTHING);
	assert_int_equal(cmd_parse("   ", "#a", &r), CMD_NOTHING);
}

static void join_adds_hash_and_switches(void **state)
{
	(void)state;
	assert_int_equal(cmd_parse("/join dev", "#lobby", &r), CMD_SEND);
	assert_string_equal(r.lines[0], "JOIN #dev");
	assert_string_equal(r.switch_to, "#dev");
	assert_int_equal(cmd_parse("/JOIN #ops secret", "", &r), CMD_SEND);
	assert_string_equal(r.lines[0], "JOIN #ops secret");
	assert_string_equal(r.switch_to, "#ops");
}

static void join_rejects_bad_names(void **state)
{
	(void)state;
	assert_int_equal(cmd_parse("/join", "#a", &r), CMD_ERROR);
	assert_int_equal(cmd_parse("/join #a,#b", "#a", &r), CMD_ERROR);
	assert_int_equal(cmd_parse("/join #a\x07", "#a", &r), CMD_ERROR);
}

static void part_defaults_to_current(void **state)
{
	(void)state;
	assert_int_equal(cmd_parse("/part", "#lobby", &r), CMD_SEND);
	assert_string_equal(r.lines[0], "PART #lobby");
	assert_int_equal(cmd_parse("/part #dev bye all", "#lobby", &r), CMD_SEND);
	assert_string_equal(r.lines[0], "PART #dev :bye all");
	assert_int_equal(cmd_parse("/part see you", "#lobby", &r), CMD_SEND);
	assert_string_equal(r.lines[0], "PART #lobby :see you");
	assert_int_equal(cmd_parse("/part", "", &r), CMD_ERROR);
}

static void msg_and_me(void **state)
{
	(void)state;
	assert_int_equal(cmd_parse("/msg bob hi there", "#a", &r), CMD_SEND);
	assert_string_equal(r.lines[0], "PRIVMSG bob :hi there");
	assert_int_equal(cmd_parse("/msg bob", "#a", &r), CMD_ERROR);
	assert_int_equal(cmd_parse("/me waves", "#a", &r), CMD_SEND);
	assert_string_equal(r.lines[0], "PRIVMSG #a :\001ACTION waves\001");
	assert_int_equal(cmd_parse("/me waves", "", &r), CMD_ERROR);
}

static void nick_names_who_list(void **state)
{
	(void)state;
	assert_int_equal(cmd_parse("/nick zed", "#a", &r), CMD_SEND);
	assert_string_equal(r.lines[0], "NICK zed");
	assert_int_equal(cmd_parse("/nick two words", "#a", &r), CMD_ERROR);
	assert_int_equal(cmd_parse("/names", "#a", &r), CMD_SEND);
	assert_string_equal(r.lines[0], "NAMES #a");
	assert_int_equal(cmd_parse("/names", "", &r), CMD_SEND);
	assert_string_equal(r.lines[0], "NAMES");
	assert_int_equal(cmd_parse("/who", "#a", &r), CMD_SEND);
	assert_string_equal(r.lines[0], "WHO #a");
	assert_int_equal(cmd_parse("/who bob", "#a", &r), CMD_SEND);
	assert_string_equal(r.lines[0], "WHO bob");
	assert_int_equal(cmd_parse("/list", "#a", &r), CMD_SEND);
	assert_string_equal(r.lines[0], "LIST");
	assert_int_equal(cmd_parse("/list #a,#b", "#a", &r), CMD_SEND);
	assert_string_equal(r.lines[0], "LIST #a,#b");
}

static void topic_query_and_set(void **state)
{
	(void)state;
	assert_int_equal(cmd_parse("/topic", "#a", &r), CMD_SEND);
	assert_string_equal(r.lines[0], "TOPIC #a");
	assert_int_equal(cmd_parse("/topic Release day", "#a", &r), CMD_SEND);
	assert_string_equal(r.lines[0], "TOPIC #a :Release day");
	assert_int_equal(cmd_parse("/topic #b new one", "#a", &r), CMD_SEND);
	assert_string_equal(r.lines[0], "TOPIC #b :new one");
	assert_int_equal(cmd_parse("/topic", "", &r), CMD_ERROR);
}

static void quit_help_kick_quote_unknown(void **state)
{
	(void)state;
	assert_int_equal(cmd_parse("/quit", "#a", &r), CMD_QUIT);
	assert_string_equal(r.lines[0], "QUIT :Leaving");
	assert_int_equal(cmd_parse("/quit gone fishing", "#a", &r), CMD_QUIT);
	assert_string_equal(r.lines[0], "QUIT :gone fishing");
	assert_int_equal(cmd_parse("/help", "#a", &r), CMD_HELP);
	assert_int_equal(r.nlines, 0);
	assert_int_equal(cmd_parse("/kick bob spam", "#a", &r), CMD_SEND);
	assert_string_equal(r.lines[0], "KICK #a bob :spam");
	assert_int_equal(cmd_parse("/quote MODE #a +t", "#a", &r), CMD_SEND);
	assert_string_equal(r.lines[0], "MODE #a +t");
	assert_int_equal(cmd_parse("/frobnicate", "#a", &r), CMD_ERROR);
	assert_non_null(strstr(r.message, "frobnicate"));
}

static void line_breaks_are_refused(void **state)
{
	(void)state;
	assert_int_equal(cmd_parse("hi\r\nQUIT", "#a", &r), CMD_ERROR);
	assert_int_equal(cmd_parse("/quote PING\nQUIT", "#a", &r), CMD_ERROR);
}

/* Every piece must fit a relayed line and together they must carry
 * the whole text. */
static void long_text_is_split(void **state)
{
	char text[3000], joined[3000 + CMD_LINES_MAX] = "";
	const char *prefix = "PRIVMSG #a :";
	int i;

	(void)state;
	for (i = 0; i < (int)sizeof(text) - 1; i++)
		text[i] = (char)('a' + i % 26);
	text[sizeof(text) - 1] = '\0';
	assert_int_equal(cmd_parse(text, "#a", &r), CMD_SEND);
	assert_true(r.nlines > 1);
	for (i = 0; i < r.nlines; i++) {
		assert_true(strlen(r.lines[i]) + 2 + CMD_RELAY_PREFIX_RESERVE <=
			    IRC_LINE_MAX);
		assert_memory_equal(r.lines[i], prefix, strlen(prefix));
		strcat(joined, r.lines[i] + strlen(prefix));
	}
	assert_string_equal(joined, text);
}

static void too_long_input_is_refused(void **state)
{
	static char text[CMD_INPUT_MAX + 2];

	(void)state;
	memset(text, 'x', sizeof(text) - 1);
	assert_int_equal(cmd_parse(text, "#a", &r), CMD_ERROR);
}

static void chunks_break_at_spaces_and_characters(void **state)
{
	const char *words = "aaaa bbbb cccc";
	const char *utf8 = "ab\xc3\xa9\xc3\xa9";	/* ab + two e-acute */

	(void)state;
	assert_int_equal(cmd_chunk_len(words, 14, 20), 14);
	assert_int_equal(cmd_chunk_len(words, 14, 11), 9);
	assert_int_equal(cmd_chunk_len(utf8, 6, 5), 4);
	assert_int_equal(cmd_chunk_len(utf8, 6, 3), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_text_goes_to_current_channel),
		cmocka_unit_test(plain_text_without_channel_is_refused),
		cmocka_unit_test(double_slash_sends_a_slash),
		cmocka_unit_test(empty_input_does_nothing),
		cmocka_unit_test(join_adds_hash_and_switches),
		cmocka_unit_test(join_rejects_bad_names),
		cmocka_unit_test(part_defaults_to_current),
		cmocka_unit_test(msg_and_me),
		cmocka_unit_test(nick_names_who_list),
		cmocka_unit_test(topic_query_and_set),
		cmocka_unit_test(quit_help_kick_quote_unknown),
		cmocka_unit_test(line_breaks_are_refused),
		cmocka_unit_test(long_text_is_split),
		cmocka_unit_test(too_long_input_is_refused),
		cmocka_unit_test(chunks_break_at_spaces_and_characters),
	};

	return cmocka_run_group_tests_name("client_command", tests, NULL, NULL);
}
