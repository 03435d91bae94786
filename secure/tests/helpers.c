#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "helpers.h"

void random_key(struct sc_key *k)
{
	memset(k, 0, sizeof(*k));
	k->kind = SC_KEY_FILE;
	k->derived = true;
	assert_int_equal(sc_random(k->secret, SC_KEY_LEN, NULL), SC_OK);
}

static struct sc_session *session(struct pair *p, enum sc_role role,
				  const struct sc_key *key,
				  const struct pair_opts *o)
{
	struct sc_config cfg = {
		.role = role,
		.key = key,
		.provider = p->prov,
		.rekey_records = o ? o->rekey_records : 0,
		.rekey_bytes = o ? o->rekey_bytes : 0,
	};
	struct sc_error err;
	struct sc_session *s = sc_session_new(&cfg, &err);

	if (!s)
		fail_msg("sc_session_new: %s", err.msg);
	return s;
}

void pair_new_keys(struct pair *p, const struct sc_key *ck,
		   const struct sc_key *sk, const struct pair_opts *o)
{
	struct sc_error err;

	memset(p, 0, sizeof(*p));
	if (sc_provider_open(SC_PROVIDER_SOFTWARE, NULL, &p->prov, &err) !=
	    SC_OK)
		fail_msg("software provider: %s", err.msg);
	p->client_key = *ck;
	p->server_key = *sk;
	p->c = session(p, SC_ROLE_CLIENT, &p->client_key, o);
	p->s = session(p, SC_ROLE_SERVER, &p->server_key, o);
}

void pair_new(struct pair *p, const struct pair_opts *o)
{
	struct sc_key ck, sk;

	random_key(&ck);
	if (o && o->different_keys)
		random_key(&sk);
	else
		sk = ck;
	pair_new_keys(p, &ck, &sk, o);
}

void pair_free(struct pair *p)
{
	sc_session_free(p->c);
	sc_session_free(p->s);
	sc_provider_close(p->prov);
	memset(p, 0, sizeof(*p));
}

enum sc_status pump(struct sc_session *from, struct sc_session *to)
{
	size_t n;
	const uint8_t *out = sc_output(from, &n);
	enum sc_status st = sc_session_status(to);

	if (n) {
		st = sc_feed(to, out, n);
		sc_output_consume(from, n);
	}
	return st;
}

void exchange(struct pair *p)
{
	for (int round = 0; round < 16; round++) {
		size_t a, b;
		sc_output(p->c, &a);
		sc_output(p->s, &b);
		if (a == 0 && b == 0)
			return;
		pump(p->c, p->s);
		pump(p->s, p->c);
	}
	fail_msg("sessions still talking after 16 rounds");
}

void pair_connected(struct pair *p, const struct pair_opts *o)
{
	pair_new(p, o);
	exchange(p);
	if (!sc_handshake_done(p->c) || !sc_handshake_done(p->s))
		fail_msg("handshake failed: client '%s', server '%s'",
			 sc_session_error(p->c), sc_session_error(p->s));
}

size_t take_output(struct sc_session *s, uint8_t *buf, size_t cap)
{
	size_t n;
	const uint8_t *out = sc_output(s, &n);

	assert_true(n <= cap);
	memcpy(buf, out, n);
	sc_output_consume(s, n);
	return n;
}

size_t seal_take(struct sc_session *s, const void *data, size_t len,
		 uint8_t *buf, size_t cap)
{
	assert_int_equal(sc_seal(s, data, len), SC_OK);
	return take_output(s, buf, cap);
}

size_t read_all(struct sc_session *s, char *buf, size_t cap)
{
	size_t n = sc_read(s, buf, cap - 1);

	buf[n] = '\0';
	return n;
}

bool contains(const char *msg, const char *needle)
{
	if (!strstr(msg, needle)) {
		print_error("'%s' does not contain '%s'\n", msg, needle);
		return false;
	}
	return true;
}
