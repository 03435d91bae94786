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

static void mask_match_wildcards(void **state)
{
	(void)state;
	assert_true(irc_mask_match("*", ""));
	assert_true(irc_mask_match("*!*@*", "bob!~bob@127.0.0.1"));
	assert_true(irc_mask_match("bob!*@*", "bob!~bob@127.0.0.1"));
	assert_false(irc_mask_match("bob!*@*", "bobby!~b@127.0.0.1"));
	assert_true(irc_mask_match("b?b!*", "bib!x@y"));
	assert_false(irc_mask_match("b?b!*", "bb!x@y"));
	assert_true(irc_mask_match("*@127.0.0.*", "n!u@127.0.0.9"));
	assert_false(irc_mask_match("*@127.0.0.*", "n!u@127.0.1.9"));
	assert_true(irc_mask_match("a*b*c", "aXXbYYc"));
	assert_false(irc_mask_match("a*b*c", "aXXbYY"));
	assert_false(irc_mask_match("", "x"));
}

static void mask_match_folds_rfc1459(void **state)
{
	(void)state;
	assert_true(irc_mask_match("NICK[1]!*@*", "nick{1}!u@h"));
	assert_true(irc_mask_match("*~*", "x^y"));
	assert_false(irc_mask_match("nick", "nicky"));
}

/* A hostile mask of many stars against a long text stays quick: the
 * matcher never backtracks more than one star. */
static void mask_match_is_not_exponential(void **state)
{
	char mask[200], text[400];

	(void)state;
	memset(mask, 0, sizeof(mask));
	for (int i = 0; i < 99; i++) {
		mask[2 * i] = '*';
		mask[2 * i + 1] = 'a';
	}
	memset(text, 'a', sizeof(text) - 2);
	text[sizeof(text) - 2] = 'b';
	text[sizeof(text) - 1] = '\0';
	assert_false(irc_mask_match(mask, text));
}

static void parse_takes_tags_first(void **state)
{
	char line[] = "@+draft/reply=abc;time=x :nick!u@h PRIVMSG #c :hi";
	struct irc_msg m;

	(void)state;
	assert_int_equal(irc_parse(line, &m), 0);
	assert_string_equal(m.tags, "+draft/reply=abc;time=x");
	assert_string_equal(m.prefix, "nick!u@h");
	assert_string_equal(m.command, "PRIVMSG");
	assert_int_equal(m.nparams, 2);
}

static void client_tags_are_filtered_and_bounded(void **state)
{
	char out[32];

	(void)state;
	assert_int_equal(irc_client_tags("+a=1;time=x;+b;+bad tag;+=x", out,
					 sizeof(out)), 7);
	assert_string_equal(out, "+a=1;+b");
	assert_int_equal(irc_client_tags(NULL, out, sizeof(out)), 0);
	assert_string_equal(out, "");
	/* A tag that does not fit whole is dropped, the next may fit. */
	assert_int_equal(irc_client_tags("+long=0123456789012345678901234567;"
					 "+s=1", out, sizeof(out)), 4);
	assert_string_equal(out, "+s=1");
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
		cmocka_unit_test(mask_match_wildcards),
		cmocka_unit_test(mask_match_folds_rfc1459),
		cmocka_unit_test(mask_match_is_not_exponential),
		cmocka_unit_test(parse_takes_tags_first),
		cmocka_unit_test(client_tags_are_filtered_and_bounded),
	};

	return cmocka_run_group_tests_name("common_irc", tests, NULL, NULL);
}
