// SPDX-License-Identifier: MIT
/*
 * The event loop: listening sockets, accepting, dispatching epoll events,
 * and at the end of every turn the batched flush of every client that
 * got output, then the teardown of clients killed during the turn.
 * Also the clean shutdown that says ERROR to everyone first.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include "config.h"

#define SERVER_FULL_LINE "ERROR :Closing Link: server is full\r\n"
#define ADDRESS_FULL_LINE "ERROR :Closing Link: too many connections " \
	"from your address\r\n"
#define SHUTDOWN_POLL_MS 50

int64_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int add_watch(struct server *srv, struct watch *w)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = w };

	return epoll_ctl(srv->epfd, EPOLL_CTL_ADD, w->fd, &ev);
}

static const char *listener_note(enum watch_kind kind)
{
	if (kind == WATCH_SECURE_LISTENER)
		return " (encrypted)";
	return kind == WATCH_TLS_LISTENER ? " (TLS)" : "";
}

static void log_listening(int fd, enum watch_kind kind)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char host[NI_MAXHOST], port[NI_MAXSERV];

	if (getsockname(fd, (struct sockaddr *)&ss, &len) ||
	    getnameinfo((struct sockaddr *)&ss, len, host, sizeof(host),
			port, sizeof(port), NI_NUMERICHOST | NI_NUMERICSERV))
		return;
	log_msg("listening on %s port %s%s", host, port,
		listener_note(kind));
}

static int open_listener(struct server *srv, const struct addrinfo *ai,
			 enum watch_kind kind)
{
	int one = 1;
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
			SOCK_CLOEXEC, ai->ai_protocol);
	struct watch *w;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ai->ai_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	w = &srv->listeners[srv->nlisteners];
	w->kind = kind;
	w->fd = fd;
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) ||
	    listen(fd, LISTEN_BACKLOG) || add_watch(srv, w)) {
		close(fd);
		return -1;
	}
	srv->nlisteners++;
	log_listening(fd, kind);
	return 0;
}

/* addr NULL means every local address, IPv4 and IPv6. */
static int listen_on(struct server *srv, const char *addr, const char *port,
		     enum watch_kind kind)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_STREAM,
		.ai_flags = AI_PASSIVE,
	};
	struct addrinfo *res, *ai;
	int err = getaddrinfo(addr, port, &hints, &res);
	int opened = 0;

	if (err) {
		log_msg("cannot listen on %s port %s: %s", addr ? addr : "*",
			port, gai_strerror(err));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		if (srv->nlisteners == LISTEN_SOCKETS_MAX)
			break;
		if (!open_listener(srv, ai, kind))
			opened++;
		else
			log_msg("cannot listen on %s port %s: %s",
				addr ? addr : "*", port, strerror(errno));
	}
	freeaddrinfo(res);
	return opened ? 0 : -1;
}

static int open_listeners_for(struct server *srv, const char *port,
			      enum watch_kind kind)
{
	int i;

	if (!srv->cfg.nlisten)
		return listen_on(srv, NULL, port, kind);
	for (i = 0; i < srv->cfg.nlisten; i++)
		if (listen_on(srv, srv->cfg.listen[i], port, kind))
			return -1;
	return 0;
}

static int open_listeners(struct server *srv)
{
	if (!srv->cfg.no_plain_port &&
	    open_listeners_for(srv, srv->cfg.port, WATCH_LISTENER))
		return -1;
	if (srv->cfg.secure_port &&
	    open_listeners_for(srv, srv->cfg.secure_port,
			       WATCH_SECURE_LISTENER))
		return -1;
	if (srv->cfg.tls_port &&
	    open_listeners_for(srv, srv->cfg.tls_port, WATCH_TLS_LISTENER))
		return -1;
	return 0;
}

/* Provider and key, once for every encrypted connection. */
static int open_secure(struct server *srv)
{
	char err[SECURE_ERROR_MAX];

	if (!srv->cfg.secure_port)
		return 0;
	srv->secure = secure_server_open(&srv->cfg.secure, err, sizeof(err));
	if (!srv->secure) {
		log_msg("cannot start the encrypted listener: %s", err);
		return -1;
	}
	log_msg("encrypted mode: crypto provider %s, key from %s %s",
		secure_server_provider(srv->secure),
		srv->cfg.secure.key_file ? "key file" : "passphrase file",
		srv->cfg.secure.key_file ? srv->cfg.secure.key_file
					 : srv->cfg.secure.passphrase_file);
	return 0;
}

/* Certificate, key and providers, once for every TLS connection. */
static int open_tls(struct server *srv)
{
	char err[TLS_ERROR_MAX];

	if (!srv->cfg.tls_port)
		return 0;
	srv->tls = tls_server_open(&srv->cfg.tls, srv->cfg.secure.crypto_dev,
				   err, sizeof(err));
	if (!srv->tls) {
		log_msg("cannot start the TLS listener: %s", err);
		return -1;
	}
	log_msg("TLS: AES-GCM served by provider %s, certificate %s",
		tls_server_provider(srv->tls), srv->cfg.tls.cert_file);
	return 0;
}

static int open_signalfd(struct server *srv)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -1;
	srv->signal_watch.kind = WATCH_SIGNAL;
	srv->signal_watch.fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (srv->signal_watch.fd < 0)
		return -1;
	return add_watch(srv, &srv->signal_watch);
}

int server_init(struct server *srv)
{
	struct tm tm;

	srv->now_ms = monotonic_ms();
	srv->housekeeping_ms = srv->now_ms + HOUSEKEEPING_MS;
	srv->started = time(NULL);
	gmtime_r(&srv->started, &tm);
	strftime(srv->started_text, sizeof(srv->started_text),
		 "%Y-%m-%d %H:%M:%S UTC", &tm);
	list_init(&srv->clients);
	list_init(&srv->dirty);
	list_init(&srv->urgent);
	list_init(&srv->throttled);
	list_init(&srv->dead);
	list_init(&srv->monitoring);
	srv->signal_watch.fd = -1;
	srv->epfd = -1;
	srv->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	srv->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (srv->epfd < 0 || hmap_init(&srv->nicks) ||
	    hmap_init(&srv->channels) || hmap_init(&srv->addresses)) {
		log_msg("cannot start: %s", strerror(errno));
		return -1;
	}
	if (open_signalfd(srv)) {
		log_msg("cannot watch signals: %s", strerror(errno));
		return -1;
	}
	if (open_secure(srv) || open_tls(srv) || open_listeners(srv))
		return -1;
	return console_start(srv);
}

/* Out of descriptors: take the connection with the spare one and close
 * it, or the listener would stay readable and spin the loop. */
static void refuse_client(struct server *srv, int listen_fd)
{
	int fd;

	if (srv->spare_fd < 0)
		return;
	close(srv->spare_fd);
	fd = accept(listen_fd, NULL, NULL);
	if (fd >= 0)
		close(fd);
	srv->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	log_msg("out of file descriptors, refused a connection");
}

/* A refused connection hears why, except on the encrypted and TLS
 * ports, which have no plain words: it only closes. */
static void refuse(int fd, const char *line, bool secure)
{
	if (!secure)
		send(fd, line, strlen(line), MSG_DONTWAIT | MSG_NOSIGNAL);
	close(fd);
}

static void take_client(struct server *srv, int fd,
			const struct sockaddr *addr, enum watch_kind listener)
{
	bool secure = listener != WATCH_LISTENER;
	struct address_count *slot;
	char host[HOST_MAX];
	struct client *c;
	int one = 1;

	if (srv->nclients >= srv->cfg.max_clients) {
		refuse(fd, SERVER_FULL_LINE, secure);
		return;
	}
	address_text(addr, host, NULL, 0);
	if (!address_admit(srv, host, &slot)) {
		srv->stats.refused_address++;
		log_verbose(srv, "refused %s: over %u connections from it",
			    host, srv->cfg.max_per_address);
		refuse(fd, ADDRESS_FULL_LINE, secure);
		return;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c = client_new_on(srv, fd, addr, listener);
	if (!c) {
		log_msg("cannot take a client: %s", strerror(errno));
		address_release(srv, slot);
		close(fd);
		return;
	}
	c->address = slot;
	srv->stats.accepted++;
}

static void accept_clients(struct server *srv, struct watch *w)
{
	int i;

	for (i = 0; i < ACCEPT_BATCH; i++) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		int fd = accept4(w->fd, (struct sockaddr *)&ss, &len,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd >= 0) {
			take_client(srv, fd, (struct sockaddr *)&ss, w->kind);
			continue;
		}
		if (errno == EINTR || errno == ECONNABORTED)
			continue;
		if (errno == EMFILE || errno == ENFILE)
			refuse_client(srv, w->fd);
		else if (errno != EAGAIN && errno != EWOULDBLOCK)
			log_msg("accept: %s", strerror(errno));
		return;
	}
}

/* SIGHUP: a bad file is logged and the configuration in force stays. */
static void reload_config(struct server *srv)
{
	struct config_error err;

	if (server_reload(srv, &err))
		log_msg("%s; keeping the configuration in force", err.text);
}

static void on_signal(struct server *srv)
{
	struct signalfd_siginfo si;

	if (read(srv->signal_watch.fd, &si, sizeof(si)) != sizeof(si))
		return;
	if (si.ssi_signo == SIGHUP) {
		reload_config(srv);
		return;
	}
	srv->stopping = true;
	snprintf(srv->stop_reason, sizeof(srv->stop_reason), "%s",
		 strsignal(si.ssi_signo));
}

static void on_client_event(struct client *c, uint32_t events)
{
	if (!c->is_dead && (events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		client_on_readable(c);
	if (!c->is_dead && (events & EPOLLOUT))
		client_flush(c);
}

static void dispatch(struct server *srv, struct epoll_event *ev)
{
	struct watch *w = ev->data.ptr;

	switch (w->kind) {
	case WATCH_LISTENER:
	case WATCH_SECURE_LISTENER:
	case WATCH_TLS_LISTENER:
		accept_clients(srv, w);
		break;
	case WATCH_SIGNAL:
		on_signal(srv);
		break;
	case WATCH_CONSOLE:
		console_on_readable(srv);
		break;
	case WATCH_CLIENT:
		on_client_event(container_of(w, struct client, watch),
				ev->events);
		break;
	}
}

/* Only the node being visited may leave the list during the walk, and
 * client_kill() never unlinks, so this is safe. */
static void run_throttled(struct server *srv)
{
	struct list_node *pos, *tmp;

	list_for_each_safe(pos, tmp, &srv->throttled) {
		struct client *c = container_of(pos, struct client, throttled);

		if (!c->is_dead)
			client_process_input(c);
	}
}

static void housekeeping(struct server *srv)
{
	struct list_node *pos;

	list_for_each(pos, &srv->clients) {
		struct client *c = container_of(pos, struct client, all);

		if (!c->is_dead)
			client_housekeeping(c);
	}
	srv->housekeeping_ms = srv->now_ms + HOUSEKEEPING_MS;
}

static void flush_head(struct list_node *list)
{
	struct list_node *n = list->next;
	struct client *c = container_of(n, struct client, dirty);

	list_del_init(n);
	if (!c->is_dead)
		client_flush(c);
}

/* Urgent output, then waiting output whose flush delay is up; the dirty
 * list is in the order output started waiting, so the walk stops at
 * the first client that may wait longer. */
static void flush_due(struct server *srv)
{
	int64_t now = monotonic_ms();

	while (!list_empty(&srv->urgent))
		flush_head(&srv->urgent);
	while (!list_empty(&srv->dirty)) {
		struct client *c = container_of(srv->dirty.next,
						struct client, dirty);

		if (c->dirty_ms + srv->cfg.flush_delay_ms > now)
			break;
		flush_head(&srv->dirty);
	}
}

static void reap_dead(struct server *srv)
{
	while (!list_empty(&srv->dead))
		client_destroy(container_of(srv->dead.next, struct client,
					    dead), true);
}

/* Tearing a client down queues QUIT lines, and flushing may kill.
 * The QUIT lines wait for their flush delay like any other output. */
static void settle(struct server *srv)
{
	do {
		flush_due(srv);
		reap_dead(srv);
	} while (!list_empty(&srv->urgent) || !list_empty(&srv->dead));
}

static int next_timeout(const struct server *srv)
{
	int64_t wait = srv->housekeeping_ms - monotonic_ms();
	int64_t token_ms = 1000 / (srv->cfg.flood_rate ? srv->cfg.flood_rate
				   : 1);

	if (!list_empty(&srv->throttled) && token_ms < wait)
		wait = token_ms;
	if (!list_empty(&srv->dirty)) {
		const struct client *c = container_of(srv->dirty.next,
						      struct client, dirty);
		int64_t due = c->dirty_ms + srv->cfg.flush_delay_ms -
			      monotonic_ms();

		if (due < wait)
			wait = due;
	}
	if (wait < 0)
		wait = 0;
	return wait > HOUSEKEEPING_MS ? HOUSEKEEPING_MS : (int)wait;
}

static bool output_pending(const struct server *srv)
{
	const struct list_node *pos;

	list_for_each(pos, &srv->clients) {
		const struct client *c = container_of(pos, struct client, all);

		if (!c->is_dead && client_wants_write(c))
			return true;
	}
	return false;
}

/* While the last ERROR lines go out, input is read and dropped. */
static void drain_event(struct server *srv, struct epoll_event *ev)
{
	struct watch *w = ev->data.ptr;
	struct client *c;

	if (w->kind == WATCH_SIGNAL)
		on_signal(srv);         /* a second signal must not spin us */
	if (w->kind != WATCH_CLIENT)
		return;
	c = container_of(w, struct client, watch);
	if (c->is_dead)
		return;
	if (ev->events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
		if (c->tp.ops->recv(&c->tp, &c->in) == TRANSPORT_EOF)
			client_kill(c, "Remote host closed the connection");
		line_reader_init(&c->in);
	}
	if (!c->is_dead && (ev->events & EPOLLOUT))
		client_flush(c);
}

static void close_listeners(struct server *srv)
{
	int i;

	for (i = 0; i < srv->nlisteners; i++)
		close(srv->listeners[i].fd);
	srv->nlisteners = 0;
}

static void say_goodbye_to_all(struct server *srv)
{
	struct list_node *pos;

	list_for_each(pos, &srv->clients) {
		struct client *c = container_of(pos, struct client, all);

		snprintf(c->quit_reason, sizeof(c->quit_reason),
			 "Server shutting down: %.*s", REASON_MAX / 2,
			 srv->stop_reason);
		client_queue_error(c);
		client_flush(c);
	}
}

static void destroy_all_clients(struct server *srv)
{
	while (!list_empty(&srv->clients))
		client_destroy(container_of(srv->clients.next, struct client,
					    all), false);
}

static void shutdown_clients(struct server *srv)
{
	struct epoll_event ev[EPOLL_BATCH];
	int64_t deadline = monotonic_ms() + DEFAULT_SHUTDOWN_GRACE_MS;

	log_msg("shutting down (%s), %u clients", srv->stop_reason,
		srv->nclients);
	close_listeners(srv);
	console_stop(srv);
	say_goodbye_to_all(srv);
	while (output_pending(srv) && monotonic_ms() < deadline) {
		int i, n = epoll_wait(srv->epfd, ev, EPOLL_BATCH,
				      SHUTDOWN_POLL_MS);

		for (i = 0; i < n; i++)
			drain_event(srv, &ev[i]);
	}
	destroy_all_clients(srv);
}

int server_run(struct server *srv)
{
	struct epoll_event ev[EPOLL_BATCH];

	while (!srv->stopping) {
		int i, n = epoll_wait(srv->epfd, ev, EPOLL_BATCH,
				      next_timeout(srv));

		if (n < 0 && errno != EINTR) {
			log_msg("epoll_wait: %s", strerror(errno));
			return -1;
		}
		srv->now_ms = monotonic_ms();
		for (i = 0; i < n; i++)
			dispatch(srv, &ev[i]);
		run_throttled(srv);
		if (srv->now_ms >= srv->housekeeping_ms)
			housekeeping(srv);
		settle(srv);
	}
	shutdown_clients(srv);
	return 0;
}

void server_free(struct server *srv)
{
	destroy_all_clients(srv);
	close_listeners(srv);
	console_stop(srv);
	channel_free_all(srv);
	hmap_free(&srv->nicks);
	hmap_free(&srv->channels);
	hmap_free(&srv->addresses);
	if (srv->signal_watch.fd >= 0)
		close(srv->signal_watch.fd);
	if (srv->spare_fd >= 0)
		close(srv->spare_fd);
	if (srv->epfd >= 0)
		close(srv->epfd);
	secure_server_close(srv->secure);
	srv->secure = NULL;
	tls_server_close(srv->tls);
	srv->tls = NULL;
	server_free_motd(srv);
	outq_pool_drain();
}
