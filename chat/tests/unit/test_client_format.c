/* Unit tests for chat/client/format.c: what the user sees. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "format.h"

static char out[FORMAT_LINE_MAX];

/* Format one raw protocol line; returns whether it is shown. */
static bool fmt(const char *raw)
{
	char line[IRC_LINE_MAX];
	struct irc_msg m;

	snprintf(line, sizeof(line), "%s", raw);
	assert_int_equal(irc_parse(line, &m), 0);
	return format_message(&m, out, sizeof(out));
}

static void channel_and_private_messages(void **state)
{
	(void)state;
	assert_true(fmt(":alice!a@h PRIVMSG #lobby :hello all"));
	assert_string_equal(out, "<alice -> #lobby> hello all");
	assert_true(fmt(":alice!a@h PRIVMSG bob :psst"));
	assert_string_equal(out, "<alice -> bob> psst");
	assert_true(fmt(":alice!a@h PRIVMSG #lobby :\001ACTION waves\001"));
	assert_string_equal(out, "* alice -> #lobby waves");
	assert_true(fmt(":alice!a@h NOTICE bob :note"));
	assert_string_equal(out, "-alice -> bob- note");
}

static void membership_notices(void **state)
{
	(void)state;
	assert_true(fmt(":alice!a@h JOIN #lobby"));
	assert_string_equal(out, "--> alice (a@h) joined #lobby");
	assert_true(fmt(":alice!a@h PART #lobby :bye"));
	assert_string_equal(out, "<-- alice left #lobby (bye)");
	assert_true(fmt(":alice!a@h PART #lobby"));
	assert_string_equal(out, "<-- alice left #lobby");
	assert_true(fmt(":alice!a@h QUIT :Quit: off"));
	assert_string_equal(out, "<-- alice quit (Quit: off)");
	assert_true(fmt(":alice!a@h NICK :al"));
	assert_string_equal(out, "--- alice is now known as al");
	assert_true(fmt(":op!o@h KICK #lobby bob :behave"));
	assert_string_equal(out, "<-- bob was kicked from #lobby by op (behave)");
	assert_true(fmt(":op!o@h TOPIC #lobby :News"));
	assert_string_equal(out, "--- op set the topic of #lobby to: News");
}

static void numerics(void **state)
{
	(void)state;
	assert_true(fmt(":srv 353 bob = #lobby :@alice bob"));
	assert_string_equal(out, "--- names #lobby: @alice bob");
	assert_false(fmt(":srv 366 bob #lobby :End of /NAMES list"));
	assert_true(fmt(":srv 332 bob #lobby :The topic"));
	assert_string_equal(out, "--- topic of #lobby: The topic");
	assert_true(fmt(":srv 322 bob #lobby 3 :The topic"));
	assert_string_equal(out, "--- list: #lobby (3 users) The topic");
	assert_true(fmt(":srv 352 bob #lobby ~a host srv alice H :0 Alice A"));
	assert_string_equal(out, "--- who #lobby: alice (~a@host) H Alice A");
	assert_true(fmt(":srv 403 bob #nope :No such channel"));
	assert_string_equal(out, "!!! #nope: No such channel (403)");
	assert_true(fmt(":srv 001 bob :Welcome to IRC"));
	assert_string_equal(out, "--- Welcome to IRC");
	assert_false(fmt(":srv 005 bob CHANTYPES=# :are supported"));
}

static void hidden_and_unknown(void **state)
{
	(void)state;
	assert_false(fmt("PING :srv"));
	assert_true(fmt("ERROR :Closing link"));
	assert_string_equal(out, "!!! server: Closing link");
	assert_true(fmt(":x!y@z WALLOPS :hi"));
	assert_string_equal(out, "--- x WALLOPS hi");
}

/* A peer must not be able to send escape sequences to our terminal. */
static void control_characters_are_neutralised(void **state)
{
	char clean[64];

	(void)state;
	format_clean("a\033[2Jb", clean, sizeof(clean));
	assert_string_equal(clean, "a?[2Jb");
	format_clean("\002bold\002 \00304,12red\003 plain\017", clean,
		     sizeof(clean));
	assert_string_equal(clean, "bold red plain");
	format_clean("x\xc2\x9b" "1m", clean, sizeof(clean));
	assert_string_equal(clean, "x?1m");
	format_clean("caf\xc3\xa9", clean, sizeof(clean));
	assert_string_equal(clean, "caf\xc3\xa9");
	assert_true(fmt(":evil!e@h PRIVMSG #a :\033]0;pwned\007"));
	assert_null(strchr(out, '\033'));
}

static void prefix_nick_and_stamp(void **state)
{
	char nick[16], stamp[FORMAT_STAMP_MAX];

	(void)state;
	format_prefix_nick("alice!a@h", nick, sizeof(nick));
	assert_string_equal(nick, "alice");
	format_prefix_nick("irc.example.net", nick, sizeof(nick));
	assert_string_equal(nick, "irc.example.net");
	format_prefix_nick(NULL, nick, sizeof(nick));
	assert_string_equal(nick, "");
	format_stamp(0, stamp, sizeof(stamp));
	assert_int_equal(strlen(stamp), strlen("[00:00:00] "));
	assert_int_equal(stamp[0], '[');
	assert_int_equal(stamp[3], ':');
}

static void output_is_always_terminated(void **state)
{
	char small[8];
	char line[] = ":alice!a@h PRIVMSG #lobby :a long message body";
	struct irc_msg m;

	(void)state;
	assert_int_equal(irc_parse(line, &m), 0);
	assert_true(format_message(&m, small, sizeof(small)));
	assert_int_equal(strlen(small), sizeof(small) - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(channel_and_private_messages),
		cmocka_unit_test(membership_notices),
		cmocka_unit_test(numerics),
		cmocka_unit_test(hidden_and_unknown),
		cmocka_unit_test(control_characters_are_neutralised),
		cmocka_unit_test(prefix_nick_and_stamp),
		cmocka_unit_test(output_is_always_terminated),
	};

	return cmocka_run_group_tests_name("client_format", tests, NULL, NULL);
}
