/* In-memory session pairs for the unit tests: two real sessions whose
 * output is carried to each other by hand, so a test can drop, copy,
 * reorder or change any byte on the way. */
#ifndef SECURE_TEST_HELPERS_H
#define SECURE_TEST_HELPERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "internal.h"

struct pair {
	struct sc_provider *prov;
	struct sc_key client_key;
	struct sc_key server_key;
	struct sc_session *c;
	struct sc_session *s;
};

struct pair_opts {
	bool different_keys;	/* the server gets another random key */
	uint32_t rekey_records;
	uint32_t rekey_bytes;
};

/* Two fresh sessions (nothing exchanged yet); asserts on failure. */
void pair_new(struct pair *p, const struct pair_opts *o);
/* Two sessions from given keys (passphrase tests). */
void pair_new_keys(struct pair *p, const struct sc_key *ck,
		   const struct sc_key *sk, const struct pair_opts *o);
void pair_free(struct pair *p);

/* Move every byte that from has for the peer into to; to's status. */
enum sc_status pump(struct sc_session *from, struct sc_session *to);
/* Pump both ways until both are quiet. */
void exchange(struct pair *p);
/* A pair with the handshake done; asserts that it worked. */
void pair_connected(struct pair *p, const struct pair_opts *o);

/* Take (copy and consume) what a session has for the peer. */
size_t take_output(struct sc_session *s, uint8_t *buf, size_t cap);
/* Seal data and take the record bytes it became. */
size_t seal_take(struct sc_session *s, const void *data, size_t len,
		 uint8_t *buf, size_t cap);
/* Everything readable, NUL-terminated (cap includes the NUL). */
size_t read_all(struct sc_session *s, char *buf, size_t cap);

/* Whether msg contains needle; for assert_true with a message. */
bool contains(const char *msg, const char *needle);

/* A 32-byte random file key. */
void random_key(struct sc_key *k);

#endif
