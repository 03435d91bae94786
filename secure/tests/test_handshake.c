/* The handshake: both roles, wrong keys, people in the middle,
 * reflection, versions, plain-text peers and garbage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers.h"

#define BUF_MAX (64 * 1024)

static void test_handshake_and_both_directions(void **state)
{
	struct pair p;
	char got[256];

	(void)state;
	pair_connected(&p, NULL);
	assert_int_equal(sc_seal(p.c, "PRIVMSG #a :hi\r\n", 16), SC_OK);
	assert_int_equal(pump(p.c, p.s), SC_OK);
	read_all(p.s, got, sizeof(got));
	assert_string_equal(got, "PRIVMSG #a :hi\r\n");
	assert_int_equal(sc_seal(p.s, ":srv 001 me :welcome\r\n", 22), SC_OK);
	assert_int_equal(pump(p.s, p.c), SC_OK);
	read_all(p.c, got, sizeof(got));
	assert_string_equal(got, ":srv 001 me :welcome\r\n");
	pair_free(&p);
}

/* Data sealed before the handshake goes out once it is done, and the
 * handshake bytes themselves carry no plaintext. */
static void test_early_data_waits_for_keys(void **state)
{
	static const char line[] = "NICK alice\r\nUSER a 0 * :A\r\n";
	struct pair p;
	uint8_t hello[BUF_MAX];
	char got[256];
	size_t n;

	(void)state;
	pair_new(&p, NULL);
	assert_int_equal(sc_seal(p.c, line, strlen(line)), SC_OK);
	assert_int_equal(sc_seal(p.s, "hello\n", 6), SC_OK);
	n = take_output(p.c, hello, sizeof(hello));
	assert_null(memmem(hello, n, "NICK", 4));
	assert_int_equal(sc_feed(p.s, hello, n), SC_OK);
	exchange(&p);
	assert_true(sc_handshake_done(p.c));
	assert_true(sc_handshake_done(p.s));
	read_all(p.s, got, sizeof(got));
	assert_string_equal(got, line);
	read_all(p.c, got, sizeof(got));
	assert_string_equal(got, "hello\n");
	pair_free(&p);
}

static void test_wrong_key_fails_on_both_sides(void **state)
{
	struct pair_opts o = { .different_keys = true };
	struct pair p;

	(void)state;
	pair_new(&p, &o);
	sc_seal(p.c, "secret\n", 7);
	exchange(&p);
	assert_false(sc_handshake_done(p.c));
	assert_false(sc_handshake_done(p.s));
	assert_int_equal(sc_session_status(p.c), SC_ERR_AUTH);
	assert_int_equal(sc_session_status(p.s), SC_ERR_AUTH);
	assert_true(contains(sc_session_error(p.c), "authentication failed"));
	assert_true(contains(sc_session_error(p.s), "authentication failed"));
	assert_int_equal(sc_readable(p.s), 0);
	assert_int_equal(sc_readable(p.c), 0);
	pair_free(&p);
}

static void test_passphrase_handshake(void **state)
{
	struct sc_key ck, sk, other;
	struct sc_error err;
	struct pair p;
	char got[64];

	(void)state;
	assert_int_equal(sc_key_from_passphrase("correct horse", SC_ROLE_CLIENT,
						&ck, &err), SC_OK);
	assert_int_equal(sc_key_from_passphrase("correct horse", SC_ROLE_SERVER,
						&sk, &err), SC_OK);
	pair_new_keys(&p, &ck, &sk, NULL);
	exchange(&p);
	assert_true(sc_handshake_done(p.c));
	assert_true(sc_handshake_done(p.s));
	sc_seal(p.c, "x\n", 2);
	pump(p.c, p.s);
	read_all(p.s, got, sizeof(got));
	assert_string_equal(got, "x\n");
	pair_free(&p);

	assert_int_equal(sc_key_from_passphrase("wrong horse", SC_ROLE_CLIENT,
						&other, &err), SC_OK);
	pair_new_keys(&p, &other, &sk, NULL);
	exchange(&p);
	assert_int_equal(sc_session_status(p.c), SC_ERR_AUTH);
	assert_int_equal(sc_session_status(p.s), SC_ERR_AUTH);
	pair_free(&p);
}

static void test_key_mode_mismatch(void **state)
{
	struct sc_key ck, sk;
	struct sc_error err;
	struct pair p;

	(void)state;
	random_key(&ck);
	assert_int_equal(sc_key_from_passphrase("pw", SC_ROLE_SERVER, &sk,
						&err), SC_OK);
	pair_new_keys(&p, &ck, &sk, NULL);
	exchange(&p);
	assert_int_equal(sc_session_status(p.c), SC_ERR_KEY_MODE);
	assert_int_equal(sc_session_status(p.s), SC_ERR_KEY_MODE);
	assert_true(contains(sc_session_error(p.c), "authentication failed"));
	assert_true(contains(sc_session_error(p.c), "passphrase"));
	assert_true(contains(sc_session_error(p.s), "authentication failed"));
	pair_free(&p);
}

/*
 * Mallory sits in the middle with a key of her own: she runs a server
 * session towards the client and a client session towards the server,
 * relaying plaintext.  Without the real key both real ends refuse.
 */
static void test_mitm_without_key(void **state)
{
	struct sc_key mallory_key;
	struct pair real, m;
	struct pair_opts o = { .different_keys = false };

	(void)state;
	pair_new(&real, &o);
	random_key(&mallory_key);
	pair_new_keys(&m, &mallory_key, &mallory_key, NULL);
	sc_seal(real.c, "PASS secret\r\n", 13);
	for (int i = 0; i < 8; i++) {
		pump(real.c, m.s);	/* client -> mallory's server */
		pump(m.s, real.c);
		pump(m.c, real.s);	/* mallory's client -> server */
		pump(real.s, m.c);
	}
	assert_int_equal(sc_session_status(real.c), SC_ERR_AUTH);
	assert_int_equal(sc_session_status(real.s), SC_ERR_AUTH);
	assert_false(sc_handshake_done(m.s));
	assert_false(sc_handshake_done(m.c));
	assert_int_equal(sc_readable(m.s), 0);
	pair_free(&real);
	pair_free(&m);
}

/* A relay that swaps the server's X25519 key for its own. */
static void test_mitm_substituting_public_key(void **state)
{
	struct pair p;
	uint8_t buf[BUF_MAX];
	size_t n;

	(void)state;
	pair_new(&p, NULL);
	assert_int_equal(pump(p.c, p.s), SC_OK);
	n = take_output(p.s, buf, sizeof(buf));
	/* server hello: header, then the public key is its last field */
	size_t pub = SC_FRAME_HDR_LEN + SC_SERVER_HELLO_LEN - SC_PUB_LEN;
	struct sc_x25519 *kp;
	assert_int_equal(sc_x25519_new(&kp, buf + pub, NULL), SC_OK);
	sc_x25519_free(kp);
	sc_feed(p.c, buf, n);
	exchange(&p);
	assert_int_equal(sc_session_status(p.c), SC_ERR_AUTH);
	assert_int_equal(sc_session_status(p.s), SC_ERR_AUTH);
	pair_free(&p);
}

/* Two clients connected to each other (or a client's own hello
 * reflected back): a role mix-up, refused at once. */
static void test_client_talking_to_itself(void **state)
{
	struct pair p;
	uint8_t hello[BUF_MAX];
	size_t n;

	(void)state;
	pair_new(&p, NULL);
	n = take_output(p.c, hello, sizeof(hello));
	assert_int_equal(sc_feed(p.c, hello, n), SC_ERR_PROTOCOL);
	assert_true(contains(sc_session_error(p.c), "role mix-up"));
	assert_false(sc_handshake_done(p.c));
	pair_free(&p);
}

static void test_two_servers_never_start(void **state)
{
	struct pair a, b;
	size_t n;

	(void)state;
	pair_new(&a, NULL);
	pair_new(&b, NULL);
	sc_output(a.s, &n);
	assert_int_equal(n, 0);	/* a server waits for the client */
	assert_int_equal(sc_eof(a.s), SC_ERR_TRUNCATED);
	assert_true(contains(sc_session_error(a.s), "during the handshake"));
	pair_free(&a);
	pair_free(&b);
}

/* A client's record sent back to it: the roles in the key schedule
 * make its own keys useless for receiving. */
static void test_reflected_record_fails(void **state)
{
	struct pair p;
	uint8_t rec[BUF_MAX];
	size_t n;

	(void)state;
	pair_connected(&p, NULL);
	n = seal_take(p.c, "mine\n", 5, rec, sizeof(rec));
	assert_int_equal(sc_feed(p.c, rec, n), SC_ERR_RECORD_MAC);
	assert_int_equal(sc_readable(p.c), 0);
	pair_free(&p);
}

/* A server's finished message sent to a server waiting for a client's. */
static void test_reflected_finished_fails(void **state)
{
	struct pair p;
	uint8_t buf[BUF_MAX];
	size_t n;

	(void)state;
	pair_new(&p, NULL);
	pump(p.c, p.s);
	n = take_output(p.s, buf, sizeof(buf));
	/* The server's flight is hello then finished; send the finished
	 * back with the client's type byte. */
	size_t fin = SC_FRAME_HDR_LEN + SC_SERVER_HELLO_LEN;
	assert_int_equal(n, fin + SC_FRAME_HDR_LEN + SC_FINISHED_LEN);
	buf[fin] = SC_FT_CLIENT_FINISHED;
	assert_int_equal(sc_feed(p.s, buf + fin, n - fin), SC_ERR_AUTH);
	pair_free(&p);
}

static void test_version_mismatch(void **state)
{
	struct pair p;
	uint8_t buf[BUF_MAX];
	size_t n;

	(void)state;
	pair_new(&p, NULL);
	n = take_output(p.c, buf, sizeof(buf));
	buf[SC_FRAME_HDR_LEN + SC_MAGIC_LEN] = 2;
	assert_int_equal(sc_feed(p.s, buf, n), SC_ERR_VERSION);
	assert_true(contains(sc_session_error(p.s), "version 2"));
	pump(p.s, p.c);
	assert_int_equal(sc_session_status(p.c), SC_ERR_VERSION);
	pair_free(&p);
}

static void test_plain_irc_client_refused(void **state)
{
	static const char nick[] = "NICK alice\r\n";
	struct pair p;

	(void)state;
	pair_new(&p, NULL);
	assert_int_equal(sc_feed(p.s, nick, strlen(nick)), SC_ERR_NOT_SECURE);
	assert_true(contains(sc_session_error(p.s), "plain IRC"));
	size_t n;
	sc_output(p.s, &n);
	assert_int_equal(n, 0);
	pair_free(&p);
}

static void test_plain_irc_server_refused(void **state)
{
	static const char notice[] = ":irc.example NOTICE * :*** Hello\r\n";
	struct pair p;

	(void)state;
	pair_new(&p, NULL);
	assert_int_equal(sc_feed(p.c, notice, strlen(notice)),
			 SC_ERR_NOT_SECURE);
	assert_int_equal(sc_readable(p.c), 0);
	pair_free(&p);
}

/* Changing any bit of any handshake message stops the handshake on at
 * least one side, and no plaintext ever comes out. */
static void test_handshake_bit_flips(void **state)
{
	(void)state;
	for (int msg = 0; msg < 3; msg++) {
		for (size_t byte = 0;; byte++) {
			struct pair p;
			uint8_t buf[BUF_MAX];
			size_t n;
			pair_new(&p, NULL);
			sc_seal(p.c, "early\n", 6);
			sc_seal(p.s, "early\n", 6);
			/* msg 0: client hello, 1: server flight, 2: client
			 * finished */
			if (msg >= 1)
				pump(p.c, p.s);
			if (msg >= 2)
				pump(p.s, p.c);
			struct sc_session *from = msg == 1 ? p.s : p.c;
			struct sc_session *to = msg == 1 ? p.c : p.s;
			n = take_output(from, buf, sizeof(buf));
			if (msg == 2) /* only the finished, not the records */
				n = SC_FRAME_HDR_LEN + SC_FINISHED_LEN;
			if (byte >= n) {
				pair_free(&p);
				break;
			}
			buf[byte] ^= (uint8_t)(1u << (byte % 8));
			sc_feed(to, buf, n);
			exchange(&p);
			sc_eof(p.c);
			sc_eof(p.s);
			bool both = sc_handshake_done(p.c) &&
				    sc_handshake_done(p.s) &&
				    sc_session_status(p.c) == SC_OK &&
				    sc_session_status(p.s) == SC_OK;
			if (both || sc_readable(p.c) || sc_readable(p.s))
				fail_msg("message %d byte %zu: handshake "
					 "survived a flipped bit", msg, byte);
			pair_free(&p);
		}
	}
}

/* Random bytes at a server or a client, in random pieces: an error,
 * never a crash, never plaintext. */
static void test_garbage_input(void **state)
{
	(void)state;
	srand(12345);
	for (int round = 0; round < 400; round++) {
		struct pair p;
		uint8_t junk[2048];
		size_t n = 1 + (size_t)rand() % sizeof(junk);
		for (size_t i = 0; i < n; i++)
			junk[i] = (uint8_t)rand();
		/* Half the rounds start with a valid type byte and length
		 * so the body parsers see garbage too. */
		if (round % 2) {
			junk[0] = round % 4 == 1 ? SC_FT_CLIENT_HELLO
						 : SC_FT_SERVER_HELLO;
			junk[1] = 0;
			junk[2] = (uint8_t)(rand() % 128);
		}
		/* And some get a valid hello start and length, so the key
		 * agreement runs on a random public key. */
		if (round % 8 == 1 || round % 8 == 3) {
			bool ch = round % 8 == 1;
			size_t len = ch ? SC_CLIENT_HELLO_LEN
					: SC_SERVER_HELLO_LEN;
			junk[2] = (uint8_t)len;
			memcpy(junk + 3, SC_MAGIC, SC_MAGIC_LEN);
			junk[3 + SC_MAGIC_LEN] = SC_VERSION;
			junk[4 + SC_MAGIC_LEN] = SC_SUITE;
			if (!ch)
				junk[5 + SC_MAGIC_LEN] = SC_KEY_FILE;
			if (n < 3 + len)
				n = 3 + len;
		}
		pair_new(&p, NULL);
		struct sc_session *to = junk[0] == SC_FT_SERVER_HELLO ? p.c
								      : p.s;
		size_t off = 0;
		while (off < n) {
			size_t chunk = 1 + (size_t)rand() % 64;
			if (chunk > n - off)
				chunk = n - off;
			if (sc_feed(to, junk + off, chunk) != SC_OK)
				break;
			off += chunk;
		}
		if (sc_session_status(to) == SC_OK)
			assert_int_not_equal(sc_eof(to), SC_OK);
		assert_false(sc_handshake_done(to));
		assert_int_equal(sc_readable(to), 0);
		pair_free(&p);
	}
}

static void test_bad_config_refused(void **state)
{
	struct sc_config cfg = { .role = SC_ROLE_SERVER };
	struct sc_key key, client_pass;
	struct sc_error err;

	(void)state;
	assert_null(sc_session_new(&cfg, &err));
	assert_int_equal(err.status, SC_ERR_INVALID);
	random_key(&key);
	assert_int_equal(sc_provider_open(SC_PROVIDER_SOFTWARE, NULL,
					  &cfg.provider, &err), SC_OK);
	cfg.key = &key;
	cfg.rekey_records = SC_REKEY_RECORDS_MAX + 1;
	assert_null(sc_session_new(&cfg, &err));
	cfg.rekey_records = 0;
	/* A client's passphrase key is not derived yet: no use to a server */
	assert_int_equal(sc_key_from_passphrase("pw", SC_ROLE_CLIENT,
						&client_pass, &err), SC_OK);
	cfg.key = &client_pass;
	assert_null(sc_session_new(&cfg, &err));
	assert_true(contains(err.msg, "key not loaded"));
	sc_provider_close(cfg.provider);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handshake_and_both_directions),
		cmocka_unit_test(test_early_data_waits_for_keys),
		cmocka_unit_test(test_wrong_key_fails_on_both_sides),
		cmocka_unit_test(test_passphrase_handshake),
		cmocka_unit_test(test_key_mode_mismatch),
		cmocka_unit_test(test_mitm_without_key),
		cmocka_unit_test(test_mitm_substituting_public_key),
		cmocka_unit_test(test_client_talking_to_itself),
		cmocka_unit_test(test_two_servers_never_start),
		cmocka_unit_test(test_reflected_record_fails),
		cmocka_unit_test(test_reflected_finished_fails),
		cmocka_unit_test(test_version_mismatch),
		cmocka_unit_test(test_plain_irc_client_refused),
		cmocka_unit_test(test_plain_irc_server_refused),
		cmocka_unit_test(test_handshake_bit_flips),
		cmocka_unit_test(test_garbage_input),
		cmocka_unit_test(test_bad_config_refused),
	};
	return cmocka_run_group_tests_name("secure-handshake", tests, NULL,
					   NULL);
}
