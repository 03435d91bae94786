/*
 * The socket side of the encrypted transport, shared by cchatd and cchat:
 * the secure/ library only turns bytes into bytes, these move them.
 */
#ifndef CHAT_SECURE_IO_H
#define CHAT_SECURE_IO_H

#include "secure.h"

/*
 * Sends what the session holds for the peer until it is all gone (0) or
 * the socket refuses more (-1 with errno, EAGAIN when it is only full).
 */
int secure_io_send(struct sc_session *s, int fd);

/* The pre-shared key from whichever of the two options was given. */
enum sc_status secure_io_load_key(const char *key_file,
				  const char *passphrase_file,
				  enum sc_role role, struct sc_key *key,
				  struct sc_error *err);

#endif
