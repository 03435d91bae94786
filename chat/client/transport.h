/* The byte stream between the client and the server.
 *
 * The client never touches its socket directly: it reads and writes
 * through a transport.  Today there is only the plain TCP one; an
 * encrypted record layer can later be slotted in by providing another
 * set of ops without changing the line handling above it.
 */
#ifndef CCHAT_TRANSPORT_H
#define CCHAT_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct transport;

struct transport_ops {
	/* Like recv(2) on a non-blocking socket: >0 bytes, 0 on orderly
	 * close, -1 with errno (EAGAIN when nothing is there yet). */
	ssize_t (*recv)(struct transport *t, void *buf, size_t len);
	/* Like send(2) on a non-blocking socket; may send less than len. */
	ssize_t (*send)(struct transport *t, const void *buf, size_t len);
	/* True when recv would return data even though fd is not readable
	 * (a layer that decrypts whole records may hold leftovers). */
	bool (*pending)(struct transport *t);
	void (*close)(struct transport *t);
};

struct transport {
	const struct transport_ops *ops;
	int fd;		/* what to poll */
	void *priv;	/* for layers stacked on top */
};

/* Connect to host:port over TCP (IPv4 or IPv6, every address that
 * getaddrinfo returns in turn).  On failure returns -1 and writes a
 * human-readable reason into err. */
int transport_tcp_connect(struct transport *t, const char *host,
			  const char *port, int timeout_ms,
			  char *err, size_t errlen);

static inline ssize_t transport_recv(struct transport *t, void *buf, size_t len)
{
	return t->ops->recv(t, buf, len);
}

static inline ssize_t transport_send(struct transport *t, const void *buf,
				     size_t len)
{
	return t->ops->send(t, buf, len);
}

static inline bool transport_pending(struct transport *t)
{
	return t->ops->pending(t);
}

static inline void transport_close(struct transport *t)
{
	if (t->ops)
		t->ops->close(t);
	t->ops = NULL;
	t->fd = -1;
}

#endif
