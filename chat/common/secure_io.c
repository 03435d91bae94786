#include "secure_io.h"

#include <errno.h>
#include <sys/socket.h>

int secure_io_send(struct sc_session *s, int fd)
{
	const uint8_t *data;
	size_t len;
	ssize_t n;

	for (;;) {
		data = sc_output(s, &len);
		if (!len)
			return 0;
		n = send(fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		sc_output_consume(s, (size_t)n);
	}
}

enum sc_status secure_io_load_key(const char *key_file,
				  const char *passphrase_file,
				  enum sc_role role, struct sc_key *key,
				  struct sc_error *err)
{
	if (key_file)
		return sc_key_load_file(key_file, key, err);
	return sc_key_load_passphrase_file(passphrase_file, role, key, err);
}
