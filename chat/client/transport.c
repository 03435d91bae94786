/* Plain TCP transport: a non-blocking socket. */
#include "transport.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static ssize_t tcp_recv(struct transport *t, void *buf, size_t len)
{
	ssize_t n;

	do {
		n = recv(t->fd, buf, len, 0);
	} while (n < 0 && errno == EINTR);
	return n;
}

static ssize_t tcp_send(struct transport *t, const void *buf, size_t len)
{
	ssize_t n;

	do {
		n = send(t->fd, buf, len, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	return n;
}

static bool tcp_pending(struct transport *t)
{
	(void)t;
	return false;
}

static bool tcp_want_write(struct transport *t)
{
	(void)t;
	return false;
}

static int tcp_flush(struct transport *t)
{
	(void)t;
	return 0;
}

static bool tcp_ready(struct transport *t)
{
	(void)t;
	return true;
}

static const char *tcp_error(struct transport *t)
{
	(void)t;
	return "";
}

static void tcp_close(struct transport *t)
{
	if (t->fd >= 0)
		close(t->fd);
}

static const struct transport_ops tcp_ops = {
	.recv = tcp_recv,
	.send = tcp_send,
	.pending = tcp_pending,
	.want_write = tcp_want_write,
	.flush = tcp_flush,
	.ready = tcp_ready,
	.error = tcp_error,
	.close = tcp_close,
};

/* Non-blocking connect bounded by timeout_ms; returns 0 or an errno. */
static int connect_one(int fd, const struct addrinfo *ai, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	socklen_t len = sizeof(int);
	int soerr = 0, n;

	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		return 0;
	if (errno != EINPROGRESS)
		return errno;
	do {
		n = poll(&pfd, 1, timeout_ms);
	} while (n < 0 && errno == EINTR);
	if (n == 0)
		return ETIMEDOUT;
	if (n < 0)
		return errno;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
		return errno;
	return soerr;
}

int transport_tcp_connect(struct transport *t, const char *host,
			  const char *port, int timeout_ms,
			  char *err, size_t errlen)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_STREAM,
	};
	struct addrinfo *res, *ai;
	int rc, fd, last = ECONNREFUSED;

	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		snprintf(err, errlen, "cannot resolve %s: %s", host,
			 gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family,
			    ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
			    ai->ai_protocol);
		if (fd < 0) {
			last = errno;
			continue;
		}
		last = connect_one(fd, ai, timeout_ms);
		if (last == 0) {
			freeaddrinfo(res);
			t->ops = &tcp_ops;
			t->fd = fd;
			t->priv = NULL;
			return 0;
		}
		close(fd);
	}
	freeaddrinfo(res);
	snprintf(err, errlen, "cannot connect to %s port %s: %s", host, port,
		 strerror(last));
	return -1;
}
