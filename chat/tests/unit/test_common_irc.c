// SPDX-License-Identifier: MIT
/* Unit tests for chat/common/irc.c: parsing, validation, case folding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "irc.h"

static void parse_full_message(void **state)
{
	char line[] = ":nick!user@host PRIVMSG #chan :hello there";
	struct irc_msg m;

	(void)state;
	assert_int_equal(irc_parse(line, &m), 0);
	assert_string_equal(m.prefix, "nick!user@host");
	assert_string_equal(m.command, "PRIVMSG");
	assert_int_equal(m.nparams, 2);
	assert_string_equal(m.params[0], "#chan");
	assert_string_equal(m.params[1], "hello there");
	assert_string_equal(irc_last_param(&m), "hello there");
}

static void parse_without_prefix_or_trailing(void **state)
{
	char line[] = "USER  guest 0 *   :Real Name";
	struct irc_msg m;

	(void)state;
	assert_int_equal(irc_parse(line, &m), 0);
	assert_null(m.prefix);
	assert_string_equal(m.command, "USER");
	assert_int_equal(m.nparams, 4);
	assert_string_equal(m.params[0], "guest");
	assert_string_equal(m.params[2], "*");
	assert_string_equal(m.params[3], "Real Name");
}

static void parse_empty_trailing_and_no_params(void **state)
{
	char a[] = "TOPIC #c :";
	char b[] = "QUIT";
	char c[] = "JOIN #a ";
	struct irc_msg m;

	(void)state;
	assert_int_equal(irc_parse(a, &m), 0);
	assert_int_equal(m.nparams, 2);
	assert_string_equal(m.params[1], "");
	assert_int_equal(irc_parse(b, &m), 0);
	assert_int_equal(m.nparams, 0);
	assert_null(irc_last_param(&m));
	assert_int_equal(irc_parse(c, &m), 0);
	assert_int_equal(m.nparams, 1);
	assert_string_equal(m.params[0], "#a");
}

static void parse_rejects_non_messages(void **state)
{
	char a[] = "";
	char b[] = "   ";
	char c[] = ":prefix.only";
	char d[] = ":prefix   ";
	struct irc_msg m;

	(void)state;
	assert_int_equal(irc_parse(a, &m), -1);
	assert_int_equal(irc_parse(b, &m), -1);
	assert_int_equal(irc_parse(c, &m), -1);
	assert_int_equal(irc_parse(d, &m), -1);
}

static void parse_folds_extra_params_into_last(void **state)
{
	char line[] = "X 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17";
	struct irc_msg m;

	(void)state;
	assert_int_equal(irc_parse(line, &m), 0);
	assert_int_equal(m.nparams, IRC_PARAMS_MAX);
	assert_string_equal(m.params[13], "14");
	assert_string_equal(m.params[14], "15 16 17");
}

static void nick_validation(void **state)
{
	char longest[IRC_NICK_MAX + 2];

	(void)state;
	assert_true(irc_valid_nick("alice"));
	assert_true(irc_valid_nick("[bot]_-9"));
	assert_true(irc_valid_nick("`x^{|}\\"));
	assert_false(irc_valid_nick(""));
	assert_false(irc_valid_nick("9lives"));
	assert_false(irc_valid_nick("-dash"));
	assert_false(irc_valid_nick("has space"));
	assert_false(irc_valid_nick("a!b"));
	assert_false(irc_valid_nick("a@b"));
	assert_false(irc_valid_nick("#chan"));
	assert_false(irc_valid_nick("caf\xc3\xa9"));
	memset(longest, 'a', sizeof(longest));
	longest[IRC_NICK_MAX] = '\0';
	assert_true(irc_valid_nick(longest));
	longest[IRC_NICK_MAX] = 'a';
	longest[IRC_NICK_MAX + 1] = '\0';
	assert_false(irc_valid_nick(longest));
}

static void channel_validation(void **state)
{
	char name[IRC_CHANNEL_MAX + 2];

	(void)state;
	assert_true(irc_valid_channel("#chat"));
	assert_true(irc_valid_channel("&local"));
	assert_true(irc_valid_channel("#caf\xc3\xa9"));
	assert_false(irc_valid_channel("#"));
	assert_false(irc_valid_channel("chat"));
	assert_false(irc_valid_channel("#a,b"));
	assert_false(irc_valid_channel("#a b"));
	assert_false(irc_valid_channel("#a:b"));
	assert_false(irc_valid_channel("#a\ab"));
	assert_false(irc_valid_channel("#bad\xff"));
	memset(name, 'c', sizeof(name));
	name[0] = '#';
	name[IRC_CHANNEL_MAX] = '\0';
	assert_true(irc_valid_channel(name));
	name[IRC_CHANNEL_MAX] = 'c';
	name[IRC_CHANNEL_MAX + 1] = '\0';
	assert_false(irc_valid_channel(name));
}

static void case_folding_is_rfc1459(void **state)
{
	char folded[16];

	(void)state;
	assert_int_equal(irc_casecmp("Nick[A]", "nick{a}"), 0);
	assert_int_equal(irc_casecmp("a\\~", "A|^"), 0);
	assert_true(irc_casecmp("abc", "abd") < 0);
	assert_true(irc_casecmp("abc", "ab") > 0);
	assert_int_equal(irc_casehash("#Chan[1]"), irc_casehash("#chan{1}"));
	assert_int_not_equal(irc_casehash("#chan1"), irc_casehash("#chan2"));
	irc_casefold(folded, "HeLLo[]", sizeof(folded));
	assert_string_equal(folded, "hello{}");
	irc_casefold(folded, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 4);
	assert_string_equal(folded, "abc");
}

static void utf8_validation(void **state)
{
	(void)state;
	assert_true(irc_valid_utf8("plain", 5));
	assert_true(irc_valid_utf8("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9));
	assert_false(irc_valid_utf8("\xff", 1));
	assert_false(irc_valid_utf8("\xc3", 1));        /* cut short */
	assert_false(irc_valid_utf8("\xc0\xaf", 2));    /* overlong */
	assert_false(irc_valid_utf8("\xe0\x80\xaf", 3)); /* overlong */
	assert_false(irc_valid_utf8("\xed\xa0\x80", 3)); /* surrogate */
	assert_false(irc_valid_utf8("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
	assert_false(irc_valid_utf8("\xc3\x28", 2));    /* bad continuation */
}

static void utf8_cut_keeps_characters_whole(void **state)
{
	const char *s = "ab\xe2\x82\xac" "cd";

	(void)state;
	assert_int_equal(irc_utf8_cut(s, 7, 10), 7);
	assert_int_equal(irc_utf8_cut(s, 7, 5), 5);
	assert_int_equal(irc_utf8_cut(s, 7, 4), 2);
	assert_int_equal(irc_utf8_cut(s, 7, 3), 2);
	assert_int_equal(irc_utf8_cut(s, 7, 2), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_full_message),
		cmocka_unit_test(parse_without_prefix_or_trailing),
		cmocka_unit_test(parse_empty_trailing_and_no_params),
		cmocka_unit_test(parse_rejects_non_messages),
		cmocka_unit_test(parse_folds_extra_params_into_last),
		cmocka_unit_test(nick_validation),
		cmocka_unit_test(channel_validation),
		cmocka_unit_test(case_folding_is_rfc1459),
		cmocka_unit_test(utf8_validation),
		cmocka_unit_test(utf8_cut_keeps_characters_whole),
	};

	return cmocka_run_group_tests_name("common_irc", tests, NULL, NULL);
}
