// SPDX-License-Identifier: MIT
/*
 * Client connections: creation and teardown, input with flood control,
 * output queueing and flushing, and the periodic timeout checks.
 *
 * A client is never freed while the loop may still hold a pointer to
 * it: client_kill() only marks it and queues it on srv->dead, and the
 * loop calls client_destroy() once the current turn is over.
 */
#include <errno.h>
#include <net/if.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "server.h"

#define MILLI 1000              /* token units per line */
#define DRAIN_READS 4           /* reads of unread input before close */

const char *client_nick(const struct client *c)
{
	return c->nick[0] ? c->nick : "*";
}

struct client *client_find(struct server *srv, const char *nick)
{
	struct hmap_node *n = hmap_find(&srv->nicks, nick);

	return n ? container_of(n, struct client, nick_node) : NULL;
}

void client_update_prefix(struct client *c)
{
	int n = snprintf(c->prefix, sizeof(c->prefix), "%s!%s@%s",
			 client_nick(c), c->user[0] ? c->user : "*", c->host);

	c->prefix_len = n < (int)sizeof(c->prefix) ? (size_t)n :
			sizeof(c->prefix) - 1;
}

void client_set_nick(struct client *c, const char *nick)
{
	if (c->nick[0])
		hmap_remove(&c->srv->nicks, &c->nick_node);
	snprintf(c->nick, sizeof(c->nick), "%s", nick);
	c->nick_node.key = c->nick;
	hmap_insert(&c->srv->nicks, &c->nick_node);
	client_update_prefix(c);
}

/* Numeric host text; a leading ':' (IPv6) would break IRC parameters. */
void address_text(const struct sockaddr *addr, char *host, char *port,
		  size_t port_size)
{
	char text[INET6_ADDRSTRLEN + IF_NAMESIZE], serv[NI_MAXSERV];
	socklen_t len = sizeof(struct sockaddr_in);

	if (addr->sa_family == AF_INET6)
		len = sizeof(struct sockaddr_in6);
	if (getnameinfo(addr, len, text, sizeof(text), serv, sizeof(serv),
			NI_NUMERICHOST | NI_NUMERICSERV)) {
		snprintf(text, sizeof(text), "unknown");
		snprintf(serv, sizeof(serv), "0");
	}
	if (port)
		snprintf(port, port_size, "%s", serv);
	snprintf(host, HOST_MAX, "%s%s", text[0] == ':' ? "0" : "", text);
}

bool address_admit(struct server *srv, const char *host,
		   struct address_count **slot)
{
	struct hmap_node *n = hmap_find(&srv->addresses, host);
	struct address_count *a;

	*slot = NULL;
	if (!srv->cfg.max_per_address)
		return true;
	a = n ? container_of(n, struct address_count, node) : NULL;
	if (a && a->count >= srv->cfg.max_per_address)
		return false;
	if (!a) {
		a = calloc(1, sizeof(*a));
		if (!a)
			return false;
		snprintf(a->host, sizeof(a->host), "%s", host);
		a->node.key = a->host;
		hmap_insert(&srv->addresses, &a->node);
	}
	a->count++;
	*slot = a;
	return true;
}

void address_release(struct server *srv, struct address_count *a)
{
	if (!a || --a->count)
		return;
	hmap_remove(&srv->addresses, &a->node);
	free(a);
}

static int watch_events(struct client *c, int op, bool want_write)
{
	struct epoll_event ev = {
		.events = EPOLLIN | (want_write ? EPOLLOUT : 0),
		.data.ptr = &c->watch,
	};

	return epoll_ctl(c->srv->epfd, op, c->watch.fd, &ev);
}

static struct client *client_alloc(struct server *srv)
{
	size_t chans = srv->cfg.max_channels * sizeof(struct membership);
	struct client *c = calloc(1, sizeof(*c) + chans);

	if (!c)
		return NULL;
	c->channels = (struct membership *)(c + 1);
	c->srv = srv;
	list_init(&c->all);
	list_init(&c->dirty);
	list_init(&c->throttled);
	list_init(&c->dead);
	list_init(&c->monitoring);
	line_reader_init(&c->in);
	outq_init(&c->recvq);
	outq_init(&c->out);
	return c;
}

static int transport_init(struct client *c, int fd, enum watch_kind listener)
{
	c->encrypted = listener != WATCH_LISTENER;
	if (listener == WATCH_SECURE_LISTENER)
		return transport_secure_init(&c->tp, fd, c->srv->secure);
	if (listener == WATCH_TLS_LISTENER)
		return transport_tls_init(&c->tp, fd, c->srv->tls);
	transport_plain_init(&c->tp, fd);
	return 0;
}

struct client *client_new(struct server *srv, int fd,
			  const struct sockaddr *addr)
{
	return client_new_on(srv, fd, addr, WATCH_LISTENER);
}

struct client *client_new_on(struct server *srv, int fd,
			     const struct sockaddr *addr,
			     enum watch_kind listener)
{
	struct client *c = client_alloc(srv);

	if (!c)
		return NULL;
	c->watch.kind = WATCH_CLIENT;
	c->watch.fd = fd;
	if (transport_init(c, fd, listener)) {
		free(c);
		return NULL;
	}
	address_text(addr, c->host, c->port, sizeof(c->port));
	client_update_prefix(c);
	c->tokens_ms = (int64_t)srv->cfg.flood_burst * MILLI;
	c->refill_at_ms = srv->now_ms;
	c->connected_ms = srv->now_ms;
	c->active_ms = srv->now_ms;
	if (watch_events(c, EPOLL_CTL_ADD, false)) {
		c->tp.fd = -1;          /* the caller closes fd */
		c->tp.ops->close(&c->tp);
		free(c);
		return NULL;
	}
	list_add_tail(&srv->clients, &c->all);
	srv->nclients++;
	return c;
}

void client_kill(struct client *c, const char *reason)
{
	if (c->is_dead)
		return;
	c->is_dead = true;
	snprintf(c->quit_reason, sizeof(c->quit_reason), "%s", reason);
	list_add_tail(&c->srv->dead, &c->dead);
	log_verbose(c->srv, "closing %s: %s", c->prefix, reason);
}

/* Bypasses the send queue limit: the last words of a closing link. */
void client_queue_error(struct client *c)
{
	char line[IRC_LINE_MAX + 1];
	size_t n = line_printf(line, "ERROR :Closing Link: %s (%s)", c->host,
			       c->quit_reason);

	outq_append(&c->out, line, n);
}

/* Unread input at close() would make the kernel reset the connection
 * and the peer could lose our last words. */
static void drain_input(struct client *c)
{
	char sink[LINE_READER_SIZE];
	int i;

	for (i = 0; i < DRAIN_READS; i++)
		if (recv(c->watch.fd, sink, sizeof(sink), MSG_DONTWAIT) <= 0)
			break;
}

static void leave_all_channels(struct client *c)
{
	while (c->nchannels)
		channel_leave(c->channels[c->nchannels - 1].chan, c);
}

/* WHOWAS keeps the nick; watchers and the LUSERS counts hear of it. */
static void client_signed_off(struct client *c)
{
	whowas_remember(c->srv, c);
	monitor_signed_off(c, c->nick);
	luser_count(c, -1);
}

void client_destroy(struct client *c, bool farewell)
{
	struct server *srv = c->srv;

	if (farewell && c->registered) {
		char line[IRC_LINE_MAX + 1];
		size_t n = client_line(c, line, "QUIT :%s", c->quit_reason);

		send_to_peers(c, line, n, false);
	}
	if (c->registered)
		client_signed_off(c);
	monitor_free(c);
	leave_all_channels(c);
	if (c->nick[0])
		hmap_remove(&srv->nicks, &c->nick_node);
	list_del_init(&c->all);
	list_del_init(&c->dirty);
	list_del_init(&c->throttled);
	list_del_init(&c->dead);
	if (farewell) {
		client_queue_error(c);
		c->tp.ops->send(&c->tp, &c->out);
	}
	drain_input(c);
	c->tp.ops->close(&c->tp);
	outq_clear(&c->out);
	outq_clear(&c->recvq);
	address_release(srv, c->address);
	srv->nclients--;
	free(c);
}

size_t format_line(char *buf, const char *fmt, va_list ap)
{
	int n = vsnprintf(buf, IRC_LINE_MAX, fmt, ap);
	size_t len;

	if (n < 0)
		n = 0;
	len = n < IRC_LINE_MAX ? (size_t)n : IRC_LINE_MAX - 1;
	len = irc_utf8_cut(buf, len, IRC_TEXT_MAX);
	buf[len++] = '\r';
	buf[len++] = '\n';
	buf[len] = '\0';
	return len;
}

size_t line_printf(char *buf, const char *fmt, ...)
{
	va_list ap;
	size_t len;

	va_start(ap, fmt);
	len = format_line(buf, fmt, ap);
	va_end(ap);
	return len;
}

size_t client_line(const struct client *c, char *buf, const char *fmt, ...)
{
	char body[IRC_LINE_MAX + 1];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	return line_printf(buf, ":%s %s", c->prefix, body);
}

/* On srv->urgent: written at the end of this turn; dirty_ms says so. */
static void make_urgent(struct client *c)
{
	list_del_init(&c->dirty);
	c->dirty_ms = INT64_MIN;
	list_add_tail(&c->srv->urgent, &c->dirty);
}

/*
 * Output waits on srv->dirty, oldest first, until the flush delay is up
 * (the loop writes it then, with whatever queued meanwhile); a long
 * queue moves to srv->urgent and is written at the end of this turn.
 */
static void mark_output(struct client *c)
{
	struct server *srv = c->srv;

	if (list_empty(&c->dirty)) {
		c->dirty_ms = srv->now_ms;
		list_add_tail(&srv->dirty, &c->dirty);
	}
	if (c->out.bytes >= FLUSH_NOW_BYTES && c->dirty_ms != INT64_MIN)
		make_urgent(c);
}

static void enqueue(struct client *c, const char *line, size_t len)
{
	struct server *srv = c->srv;

	if (c->out.bytes + len > srv->cfg.sendq) {
		srv->stats.killed_sendq++;
		log_msg("%s: send queue over %zu bytes, disconnecting",
			c->prefix, srv->cfg.sendq);
		client_kill(c, "SendQ exceeded");
		return;
	}
	if (outq_append(&c->out, line, len)) {
		client_kill(c, "Out of memory");
		return;
	}
	mark_output(c);
}

/* "time=2026-01-02T03:04:05.678Z" (IRCv3 server-time), UTC. */
static size_t time_tag(char *out, size_t size)
{
	struct timespec ts;
	struct tm tm;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(out, size, "time=%Y-%m-%dT%H:%M:%S", &tm);
	n += snprintf(out + n, size - n, ".%03ldZ", ts.tv_nsec / 1000000);
	return n < size ? n : size - 1;
}

/* The tags c gets on this line: server-time's, and the sender's
 * client-only tags while a message is being relayed (message-tags). */
static void send_tagged(struct client *c, const char *line, size_t len)
{
	const char *client_tags = c->srv->relay_tags;
	char buf[TAGS_OUT_MAX + IRC_LINE_MAX + 1];
	size_t n = 1;

	buf[0] = '@';
	if (c->caps & CAP_SERVER_TIME)
		n += time_tag(buf + n, TAGS_OUT_MAX - n);
	if ((c->caps & CAP_MESSAGE_TAGS) && client_tags && client_tags[0])
		n += snprintf(buf + n, TAGS_OUT_MAX - n, "%s%s",
			      n > 1 ? ";" : "", client_tags);
	if (n == 1 || n >= TAGS_OUT_MAX - 1) {
		enqueue(c, line, len);
		return;
	}
	buf[n++] = ' ';
	memcpy(buf + n, line, len);
	enqueue(c, buf, n + len);
}

void client_send(struct client *c, const char *line, size_t len)
{
	if (c->is_dead)
		return;
	if ((c->caps & (CAP_SERVER_TIME | CAP_MESSAGE_TAGS)) &&
	    len <= IRC_LINE_MAX)
		send_tagged(c, line, len);
	else
		enqueue(c, line, len);
}

void client_sendf(struct client *c, const char *fmt, ...)
{
	char line[IRC_LINE_MAX + 1];
	va_list ap;
	size_t len;

	va_start(ap, fmt);
	len = format_line(line, fmt, ap);
	va_end(ap);
	client_send(c, line, len);
}

void client_reply(struct client *c, int numeric, const char *fmt, ...)
{
	char body[IRC_LINE_MAX + 1];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	client_sendf(c, ":%s %03d %s %s", c->srv->cfg.name, numeric,
		     client_nick(c), body);
}

bool client_wants_write(const struct client *c)
{
	return c->tp.ops->want_write(&c->tp, &c->out);
}

/* A transport error: its own words when it has some (an encrypted
 * session's verdict, logged with the peer whatever the verbosity),
 * else the errno text. */
static void client_lost(struct client *c, int err)
{
	const char *why = strerror(err);

	if (err == TRANSPORT_FAILED) {
		why = c->tp.ops->error(&c->tp);
		log_msg("%s port %s: %s", c->prefix, c->port, why);
	}
	client_kill(c, why);
}

int client_flush(struct client *c)
{
	bool want_write;

	while (client_wants_write(c)) {
		ssize_t n = c->tp.ops->send(&c->tp, &c->out);

		if (n >= 0)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			break;
		client_lost(c, errno);
		return -1;
	}
	want_write = client_wants_write(c);
	if (want_write != c->want_write) {
		watch_events(c, EPOLL_CTL_MOD, want_write);
		c->want_write = want_write;
	}
	return 0;
}

/* Token bucket: flood_rate lines a second, at most flood_burst saved. */
static bool flood_allows(struct client *c)
{
	const struct server_config *cfg = &c->srv->cfg;
	int64_t elapsed = c->srv->now_ms - c->refill_at_ms;
	int64_t full = (int64_t)cfg->flood_burst * MILLI;

	if (!cfg->flood_control)
		return true;
	c->refill_at_ms = c->srv->now_ms;
	c->tokens_ms += elapsed * cfg->flood_rate;
	if (c->tokens_ms > full)
		c->tokens_ms = full;
	return c->tokens_ms >= MILLI;
}

static void handle_line(struct client *c, struct irc_line *line)
{
	struct irc_msg msg;

	c->srv->stats.lines_in++;
	c->active_ms = c->srv->now_ms;
	c->ping_pending = false;
	if (memchr(line->text, '\0', line->len)) {
		client_sendf(c, ":%s NOTICE %s :Line ignored: it contains "
			     "a NUL byte", c->srv->cfg.name, client_nick(c));
		return;
	}
	if (irc_parse(line->text, &msg))
		return;
	command_dispatch(c, &msg);
}

/* What one transport recv() means for the client; true when it added
 * input. */
static bool took_input(struct client *c, ssize_t n)
{
	if (n == TRANSPORT_EOF) {
		client_kill(c, "Remote host closed the connection");
		return false;
	}
	if (n < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			client_lost(c, errno);
		return false;
	}
	return n > 0;
}

static void excess_flood(struct client *c)
{
	c->srv->stats.killed_flood++;
	log_msg("%s: input queue over %zu bytes, disconnecting", c->prefix,
		c->srv->cfg.recvq);
	client_kill(c, "Excess Flood");
}

/*
 * A paced client's line reader is full: what it sends meanwhile waits
 * in its receive queue, in order, up to --recvq bytes.  The transport
 * reads into a scratch reader (it only knows how to fill one), whose
 * bytes are then moved to the queue.
 */
static ssize_t recv_into_queue(struct client *c)
{
	static struct line_reader scratch;
	ssize_t n;

	line_reader_init(&scratch);
	n = c->tp.ops->recv(&c->tp, &scratch);
	if (n <= 0)
		return n;
	if (c->recvq.bytes + scratch.len > c->srv->cfg.recvq) {
		excess_flood(c);
		return 0;
	}
	if (outq_append(&c->recvq, scratch.buf, scratch.len)) {
		client_kill(c, "Out of memory");
		return 0;
	}
	return n;
}

/* One read from the transport, into the reader while the queue is
 * empty and the reader has room, else into the queue. */
static ssize_t read_input(struct client *c)
{
	size_t room = 0;

	if (!c->recvq.bytes)
		line_reader_space(&c->in, &room);
	if (room)
		return c->tp.ops->recv(&c->tp, &c->in);
	return recv_into_queue(c);
}

/* Moves queued input into the reader, as much as fits. */
static bool feed_from_queue(struct client *c)
{
	struct iovec iov[1];
	size_t taken;

	if (!outq_iov(&c->recvq, iov, 1))
		return false;
	taken = line_reader_feed(&c->in, iov[0].iov_base, iov[0].iov_len);
	outq_consume(&c->recvq, taken);
	return taken > 0;
}

/* Once the reader has no line left: queued input first, then what the
 * transport holds that did not fit into the reader (an encrypted
 * record's worth). */
static bool refill(struct client *c)
{
	if (c->recvq.bytes)
		return feed_from_queue(c);
	return c->tp.ops->pending(&c->tp) &&
	       took_input(c, c->tp.ops->recv(&c->tp, &c->in));
}

static bool input_waits(const struct client *c)
{
	return line_reader_pending(&c->in) || c->recvq.bytes ||
	       c->tp.ops->pending(&c->tp);
}

/* Handles the lines flood control allows; true when there were any. */
static bool process_lines(struct client *c)
{
	struct irc_line line;
	bool handled = false;

	for (;;) {
		if (c->is_dead)
			return handled;
		if (!flood_allows(c)) {
			if (input_waits(c) && list_empty(&c->throttled))
				list_add_tail(&c->srv->throttled,
					      &c->throttled);
			return handled;
		}
		if (!line_reader_next(&c->in, &line)) {
			if (refill(c))
				continue;
			break;
		}
		c->tokens_ms -= MILLI;
		handle_line(c, &line);
		handled = true;
	}
	list_del_init(&c->throttled);
	return handled;
}

/*
 * A client that just sent commands waits for their answers (PONG,
 * replies, errors): its output goes out this turn.  The flush delay is
 * for lines relayed from others, which make up the bulk of the writes.
 */
static void answer_now(struct client *c)
{
	if (!c->is_dead && !list_empty(&c->dirty) && c->dirty_ms != INT64_MIN)
		make_urgent(c);
}

void client_process_input(struct client *c)
{
	if (process_lines(c))
		answer_now(c);
}

/* Output of the transport's own (handshake answers) goes out in this
 * turn's flush; queued lines already waiting keep their place. */
static void mark_dirty(struct client *c)
{
	if (!c->is_dead && list_empty(&c->dirty) && client_wants_write(c))
		make_urgent(c);
}

void client_on_readable(struct client *c)
{
	bool took = took_input(c, read_input(c));

	mark_dirty(c);
	if (took)
		client_process_input(c);
}

void client_housekeeping(struct client *c)
{
	const struct server_config *cfg = &c->srv->cfg;
	int64_t now = c->srv->now_ms;

	if (!c->tp.ops->ready(&c->tp)) {
		if (now - c->connected_ms >= cfg->handshake_timeout * 1000LL) {
			log_msg("%s port %s: no encrypted handshake within "
				"%u s", c->prefix, c->port,
				cfg->handshake_timeout);
			client_kill(c, "Handshake timed out");
		}
		return;
	}
	if (!c->registered) {
		if (now - c->connected_ms >= cfg->register_timeout * 1000LL)
			client_kill(c, "Registration timed out");
		return;
	}
	if (c->ping_pending) {
		if (now - c->ping_sent_ms >= cfg->ping_timeout * 1000LL) {
			char reason[64];

			snprintf(reason, sizeof(reason),
				 "Ping timeout: %u seconds",
				 cfg->ping_interval + cfg->ping_timeout);
			client_kill(c, reason);
		}
		return;
	}
	if (now - c->active_ms >= cfg->ping_interval * 1000LL) {
		client_sendf(c, "PING :%s", cfg->name);
		c->ping_pending = true;
		c->ping_sent_ms = now;
	}
}
