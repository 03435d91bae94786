/* cchat-bench: a load generator for IRC servers.
 *
 * Connects many clients (one epoll loop, non-blocking sockets), has
 * them join channels, then makes them send PRIVMSGs either at a fixed
 * rate per client or as fast as a window of in-flight messages allows.
 * Each message carries its send time, so the receivers (the same
 * process) measure the delivery latency.  With --server-pid it also
 * reads the server's CPU time around the measured window.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "hist.h"
#include "irc.h"

/* Pending output per client; a client with anything pending does not
 * get another message until it has drained. */
#define BENCH_OUT_MAX 2048
#define BENCH_EVENTS 1024
/* Reads per readable client per loop turn, so that one busy socket
 * cannot starve the others. */
#define BENCH_READS_PER_EVENT 4
/* Descriptors beyond one per client (epoll, stdio, /proc reads). */
#define BENCH_FD_SLACK 64
#define BENCH_MSG_MIN 48
#define BENCH_TEXT_MAX 400
/* Closed loop: if nothing is delivered for this long, send anyway so
 * that a lost message cannot stall the run forever. */
#define BENCH_STALL_NS 1000000000LL
#define BENCH_QUIT_WAIT_NS 2000000000LL
#define NS_PER_S 1000000000LL

enum cstate {
	C_NEW, C_CONNECTING, C_REGISTERING, C_OPERING, C_JOINING, C_JOINED,
	C_DEAD,
};

enum phase { P_CONNECT, P_WARMUP, P_MEASURE, P_DRAIN, P_QUIT };

struct bclient {
	int fd;
	enum cstate state;
	uint32_t id;
	uint32_t chan;
	uint32_t seq;
	bool want_out;
	size_t out_len;
	char out[BENCH_OUT_MAX];
	struct line_reader in;
};

struct options {
	const char *host;
	const char *port;
	int clients;
	int channels;
	int senders;
	double rate;
	double duration;
	double warmup;
	double drain;
	int size;
	int window;
	int connect_rate;
	int max_pending;
	double connect_timeout;
	int sources;
	long server_pid;
	const char *oper;
	const char *label;
	const char *nick_prefix;
};

struct stats {
	uint64_t sent;
	uint64_t sent_window;
	uint64_t expected;	/* deliveries owed for everything sent */
	uint64_t delivered;
	uint64_t delivered_window;
	uint64_t stalled;
	uint64_t errors;
	uint64_t dropped;
	uint64_t bad;
	struct hist lat;
};

static struct options opt = {
	.host = "127.0.0.1",
	.port = "6667",
	.clients = 100,
	.channels = 1,
	.senders = 0,
	.rate = 1.0,
	.duration = 10.0,
	.warmup = 2.0,
	.drain = 1.0,
	.size = 64,
	.window = 64,
	.connect_rate = 5000,
	.max_pending = 500,
	.connect_timeout = 120.0,
	.sources = 1,
	.server_pid = 0,
	.label = "bench",
	.nick_prefix = "b",
};

static struct bclient *clients;
static uint32_t *members;		/* joined clients per channel */
static struct stats st;
static int epfd;
static struct sockaddr_storage server_addr;
static socklen_t server_addrlen;
static enum phase phase = P_CONNECT;
static long long now;			/* CLOCK_MONOTONIC ns, per turn */
static long long last_delivery_ns;
static int nsenders;
static int pending_handshakes, joined_count, dead_count, started_count;
static char oper_name[64], oper_pass[64];
static char padding[BENCH_TEXT_MAX + 1];

static long long clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

static void die(const char *fmt, ...) __attribute__((noreturn,
	format(printf, 1, 2)));

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "cchat-bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(2);
}

/* A few problems are worth showing; thousands are not. */
static void warn_limited(const char *fmt, ...) __attribute__((format(printf,
	1, 2)));

static void warn_limited(const char *fmt, ...)
{
	static int shown;
	va_list ap;

	if (++shown > 10)
		return;
	fprintf(stderr, "cchat-bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s\n", shown == 10 ? " (further warnings hidden)" : "");
}

/* ---- server CPU from /proc ---- */

static double proc_cpu_seconds(long pid)
{
	char path[64], buf[1024], *p;
	unsigned long long utime, stime;
	FILE *f;
	size_t n;

	if (pid <= 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	/* After "(comm)": state is field 3; utime and stime are 14, 15. */
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
			 "%llu %llu", &utime, &stime) != 2)
		return -1;
	return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

static double self_cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* ---- per-client output ---- */

static void set_events(struct bclient *c, bool want_out)
{
	struct epoll_event ev = {
		.events = EPOLLIN | (want_out ? EPOLLOUT : 0),
		.data.ptr = c,
	};

	if (c->want_out == want_out)
		return;
	c->want_out = want_out;
	epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

static void kill_client(struct bclient *c, const char *why)
{
	if (c->state == C_DEAD)
		return;
	if (phase != P_QUIT) {
		warn_limited("client %u: %s", c->id, why);
		st.dropped++;
	}
	if (c->state == C_JOINED)
		members[c->chan]--;
	else if (c->state != C_NEW)
		pending_handshakes--;
	if (c->state == C_JOINED)
		joined_count--;
	c->state = C_DEAD;
	dead_count++;
	if (c->fd >= 0) {
		epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
		close(c->fd);
	}
	c->fd = -1;
}

static void flush_client(struct bclient *c)
{
	ssize_t n;

	while (c->out_len) {
		n = send(c->fd, c->out, c->out_len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n < 0) {
			kill_client(c, strerror(errno));
			return;
		}
		memmove(c->out, c->out + n, c->out_len - (size_t)n);
		c->out_len -= (size_t)n;
	}
	set_events(c, c->out_len > 0);
}

static void queue_line(struct bclient *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void queue_line(struct bclient *c, const char *fmt, ...)
{
	size_t room = sizeof(c->out) - c->out_len;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(c->out + c->out_len, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n + 2 >= room) {
		kill_client(c, "output buffer full");
		return;
	}
	memcpy(c->out + c->out_len + n, "\r\n", 2);
	c->out_len += (size_t)n + 2;
}

static void channel_name(uint32_t chan, char *out, size_t outlen)
{
	if (opt.channels == 1)
		snprintf(out, outlen, "#bench");
	else
		snprintf(out, outlen, "#bench%u", chan);
}

/* ---- connecting ---- */

static void bind_source(int fd, uint32_t id)
{
	struct sockaddr_in src = { .sin_family = AF_INET };
	int one = 1;

	if (opt.sources <= 1 || server_addr.ss_family != AF_INET)
		return;
	setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
	src.sin_addr.s_addr = htonl(0x7f000001u + id % (uint32_t)opt.sources);
	if (bind(fd, (struct sockaddr *)&src, sizeof(src)) < 0)
		warn_limited("bind to 127.0.0.%u: %s",
			     1 + id % (uint32_t)opt.sources, strerror(errno));
}

static void start_client(struct bclient *c)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT, .data.ptr = c };
	int one = 1;

	started_count++;
	pending_handshakes++;
	c->state = C_CONNECTING;
	c->fd = socket(server_addr.ss_family,
		       SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		kill_client(c, strerror(errno));
		return;
	}
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	bind_source(c->fd, c->id);
	if (connect(c->fd, (struct sockaddr *)&server_addr, server_addrlen) < 0 &&
	    errno != EINPROGRESS) {
		kill_client(c, strerror(errno));
		return;
	}
	c->want_out = true;
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev) < 0)
		kill_client(c, strerror(errno));
}

static void on_connected(struct bclient *c)
{
	socklen_t len = sizeof(int);
	int err = 0;

	getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
	if (err) {
		kill_client(c, strerror(err));
		return;
	}
	c->state = C_REGISTERING;
	queue_line(c, "NICK %s%u", opt.nick_prefix, c->id);
	queue_line(c, "USER bench 0 * :cchat-bench");
	flush_client(c);
}

/* Open as many new connections as the pacing allows. */
static void start_more(long long since_ns)
{
	long long allowed = (long long)((double)(now - since_ns) / NS_PER_S *
					opt.connect_rate) + 1;

	while (started_count < opt.clients && started_count < allowed &&
	       pending_handshakes < opt.max_pending)
		start_client(&clients[started_count]);
}

/* ---- incoming lines ---- */

static void send_join(struct bclient *c)
{
	char chan[32];

	channel_name(c->chan, chan, sizeof(chan));
	c->state = C_JOINING;
	queue_line(c, "JOIN %s", chan);
}

static void on_welcome(struct bclient *c)
{
	if (c->state != C_REGISTERING)
		return;
	if (opt.oper) {
		c->state = C_OPERING;
		queue_line(c, "OPER %s %s", oper_name, oper_pass);
		return;
	}
	send_join(c);
}

static void on_oper(struct bclient *c)
{
	if (c->state != C_OPERING)
		return;
	/* ngircd: user mode F lifts its flood throttling for opers. */
	queue_line(c, "MODE %s%u +F", opt.nick_prefix, c->id);
	send_join(c);
}

static void on_joined(struct bclient *c)
{
	if (c->state != C_JOINING)
		return;
	c->state = C_JOINED;
	pending_handshakes--;
	joined_count++;
	members[c->chan]++;
}

static uint64_t parse_u64(const char **p)
{
	uint64_t v = 0;

	while (**p >= '0' && **p <= '9')
		v = v * 10 + (uint64_t)(*(*p)++ - '0');
	if (**p == ' ')
		(*p)++;
	return v;
}

/* "B <id> <seq> <ns> padding" */
static void on_privmsg(const struct irc_msg *m)
{
	const char *p;
	long long sent_ns;

	if (m->nparams < 2 || strncmp(m->params[1], "B ", 2) != 0) {
		st.bad++;
		return;
	}
	p = m->params[1] + 2;
	parse_u64(&p);
	parse_u64(&p);
	sent_ns = (long long)parse_u64(&p);
	st.delivered++;
	last_delivery_ns = now;
	if (phase != P_MEASURE)
		return;
	st.delivered_window++;
	hist_add(&st.lat, now > sent_ns ? (uint64_t)(now - sent_ns) / 1000 : 0);
}

static void on_numeric(struct bclient *c, const struct irc_msg *m)
{
	int code = atoi(m->command);

	if (code == 1)
		on_welcome(c);
	else if (code == 381)
		on_oper(c);
	else if (code == 366)
		on_joined(c);
	else if (code == 432 || code == 433 || code == 464 || code == 491 ||
		 (code >= 400 && c->state == C_OPERING))
		kill_client(c, irc_last_param(m) ? irc_last_param(m) : "refused");
	else if (code >= 400 && code < 600 && code != 422) {	/* 422: no MOTD */
		st.errors++;
		warn_limited("client %u: %s %s", c->id, m->command,
			     irc_last_param(m) ? irc_last_param(m) : "");
	}
}

static void on_line(struct bclient *c, char *line)
{
	struct irc_msg m;

	if (irc_parse(line, &m) < 0)
		return;
	if (m.command[0] == 'P' && strcmp(m.command, "PRIVMSG") == 0)
		on_privmsg(&m);
	else if (m.command[0] >= '0' && m.command[0] <= '9')
		on_numeric(c, &m);
	else if (strcmp(m.command, "PING") == 0)
		queue_line(c, "PONG :%s", irc_last_param(&m) ?
			   irc_last_param(&m) : "");
	else if (strcmp(m.command, "ERROR") == 0 && phase != P_QUIT)
		kill_client(c, irc_last_param(&m) ? irc_last_param(&m) : "ERROR");
}

static void read_client(struct bclient *c)
{
	struct irc_line line;
	size_t room;
	char *space;
	ssize_t n;
	int i;

	for (i = 0; i < BENCH_READS_PER_EVENT && c->state != C_DEAD; i++) {
		space = line_reader_space(&c->in, &room);
		n = recv(c->fd, space, room, 0);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		if (n <= 0) {
			kill_client(c, n ? strerror(errno) : "server closed");
			return;
		}
		line_reader_commit(&c->in, (size_t)n);
		while (c->state != C_DEAD && line_reader_next(&c->in, &line))
			on_line(c, line.text);
		if ((size_t)n < room)
			break;
	}
	if (c->state != C_DEAD && c->out_len)
		flush_client(c);
}

static void on_event(struct bclient *c, uint32_t events)
{
	if (c->state == C_DEAD)
		return;
	if (c->state == C_CONNECTING) {
		if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))
			on_connected(c);
		return;
	}
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
		read_client(c);
	if (c->state != C_DEAD && (events & EPOLLOUT))
		flush_client(c);
}

/* ---- sending ---- */

static bool send_message(struct bclient *c)
{
	char chan[32];
	int head, pad;

	if (c->state != C_JOINED || c->out_len)
		return false;
	channel_name(c->chan, chan, sizeof(chan));
	head = snprintf(c->out, sizeof(c->out), "PRIVMSG %s :B %u %u %lld ",
			chan, c->id, c->seq++, now);
	if (head < 0 || (size_t)head >= sizeof(c->out))
		return false;
	c->out_len = (size_t)head;
	/* The text starts after "PRIVMSG <chan> :". */
	pad = opt.size - (head - (int)strlen(chan) - 10);
	if (pad > 0) {
		memcpy(c->out + c->out_len, padding, (size_t)pad);
		c->out_len += (size_t)pad;
	}
	memcpy(c->out + c->out_len, "\r\n", 2);
	c->out_len += 2;
	st.sent++;
	st.expected += members[c->chan] ? members[c->chan] - 1 : 0;
	if (phase == P_MEASURE)
		st.sent_window++;
	flush_client(c);
	return true;
}

static long long send_start_ns;
static uint64_t paced_next;
static int sender_cursor;

/* Fixed rate: the j-th send of the whole run is due at start + j / R
 * (R = senders x rate), and goes to sender j mod senders.  This
 * spreads the clients evenly over each period at O(1) cost a send. */
static long long send_paced(void)
{
	double total = opt.rate * nsenders;
	long long due;

	for (;;) {
		due = send_start_ns + (long long)((double)paced_next / total *
						  NS_PER_S);
		if (due > now)
			return due;
		if (!send_message(&clients[paced_next % (uint64_t)nsenders]) &&
		    phase == P_MEASURE)
			st.stalled++;
		paced_next++;
	}
}

/* As fast as possible: keep a window of messages in flight. */
static long long send_closed_loop(void)
{
	uint64_t inflight, limit;
	struct bclient *c;
	int tries;

	for (tries = 0; tries < nsenders; tries++) {
		c = &clients[sender_cursor];
		sender_cursor = (sender_cursor + 1) % nsenders;
		if (c->state != C_JOINED)
			continue;
		inflight = st.expected - st.delivered;
		limit = (uint64_t)opt.window *
			(members[c->chan] > 1 ? members[c->chan] - 1 : 1);
		if (inflight >= limit && now - last_delivery_ns < BENCH_STALL_NS)
			return now + NS_PER_S / 1000;
		send_message(c);
	}
	return now;
}

/* ---- the loop ---- */

static int timeout_ms(long long wake_ns)
{
	long long left = wake_ns - now;

	if (left <= 0)
		return 0;
	return (int)((left + 999999) / 1000000);
}

static void poll_once(long long wake_ns)
{
	struct epoll_event ev[BENCH_EVENTS];
	int n, i;

	n = epoll_wait(epfd, ev, BENCH_EVENTS, timeout_ms(wake_ns));
	if (n < 0 && errno != EINTR)
		die("epoll_wait: %s", strerror(errno));
	now = clock_ns();
	for (i = 0; i < n; i++)
		on_event(ev[i].data.ptr, ev[i].events);
}

static double connect_phase(void)
{
	long long start = clock_ns();
	long long deadline = start + (long long)(opt.connect_timeout * NS_PER_S);

	now = start;
	while (joined_count + dead_count < opt.clients && now < deadline) {
		start_more(start);
		poll_once(now + NS_PER_S / 100);
	}
	return (double)(now - start) / NS_PER_S;
}

struct window {
	double server_cpu;
	double self_cpu;
	long long t0, t1;
};

static void load_phase(struct window *w)
{
	long long warm_end, measure_end, drain_end, wake;

	now = clock_ns();
	send_start_ns = now;
	last_delivery_ns = now;
	warm_end = now + (long long)(opt.warmup * NS_PER_S);
	measure_end = warm_end + (long long)(opt.duration * NS_PER_S);
	drain_end = measure_end + (long long)(opt.drain * NS_PER_S);
	phase = P_WARMUP;
	while (now < drain_end) {
		if (phase == P_WARMUP && now >= warm_end) {
			phase = P_MEASURE;
			w->t0 = now;
			w->server_cpu = proc_cpu_seconds(opt.server_pid);
			w->self_cpu = self_cpu_seconds();
		}
		if (phase == P_MEASURE && now >= measure_end) {
			phase = P_DRAIN;
			w->t1 = now;
			w->server_cpu = proc_cpu_seconds(opt.server_pid) -
					w->server_cpu;
			w->self_cpu = self_cpu_seconds() - w->self_cpu;
		}
		wake = drain_end;
		if (phase != P_DRAIN)
			wake = opt.rate > 0 ? send_paced() : send_closed_loop();
		if (phase == P_WARMUP && wake > warm_end)
			wake = warm_end;
		if (phase == P_MEASURE && wake > measure_end)
			wake = measure_end;
		poll_once(wake);
	}
}

static void quit_all(void)
{
	long long deadline;
	int i;

	phase = P_QUIT;
	for (i = 0; i < started_count; i++) {
		if (clients[i].state == C_DEAD)
			continue;
		queue_line(&clients[i], "QUIT :bench done");
		flush_client(&clients[i]);
	}
	now = clock_ns();
	deadline = now + BENCH_QUIT_WAIT_NS;
	while (dead_count < started_count && now < deadline)
		poll_once(now + NS_PER_S / 10);
	for (i = 0; i < started_count; i++)
		kill_client(&clients[i], "done");
}

/* ---- report ---- */

static void report(double connect_s, const struct window *w)
{
	double secs = (double)(w->t1 - w->t0) / NS_PER_S;
	double rate = secs > 0 ? (double)st.delivered_window / secs : 0;
	double per100k = st.delivered_window && w->server_cpu >= 0 ?
			 w->server_cpu * 100000.0 / (double)st.delivered_window : -1;
	uint64_t lost = st.expected > st.delivered ? st.expected - st.delivered : 0;

	printf("%s: %d clients in %d channel(s), %d sending %s, %d-byte messages\n",
	       opt.label, opt.clients, opt.channels, nsenders,
	       opt.rate > 0 ? "at a fixed rate" : "as fast as the window allows",
	       opt.size);
	printf("  joined       %d of %d in %.2f s\n", joined_count, opt.clients,
	       connect_s);
	printf("  sent         %llu in the window (%.0f/s), %llu stalled\n",
	       (unsigned long long)st.sent_window,
	       secs > 0 ? (double)st.sent_window / secs : 0,
	       (unsigned long long)st.stalled);
	printf("  deliveries   %llu in %.2f s = %.0f/s\n",
	       (unsigned long long)st.delivered_window, secs, rate);
	printf("  latency      p50 %llu us, p99 %llu us, max %llu us\n",
	       (unsigned long long)hist_quantile(&st.lat, 0.50),
	       (unsigned long long)hist_quantile(&st.lat, 0.99),
	       (unsigned long long)st.lat.max_us);
	if (w->server_cpu >= 0)
		printf("  server CPU   %.2f s = %.3f s per 100k deliveries\n",
		       w->server_cpu, per100k);
	printf("  bench CPU    %.2f s\n", w->self_cpu);
	printf("  problems     %llu dropped clients, %llu lost deliveries, "
	       "%llu error replies\n", (unsigned long long)st.dropped,
	       (unsigned long long)lost, (unsigned long long)st.errors);
	printf("RESULT label=%s clients=%d joined=%d connect_s=%.2f "
	       "sent=%llu deliveries=%llu window_s=%.3f rate=%.0f p50_us=%llu "
	       "p99_us=%llu max_us=%llu server_cpu_s=%.3f cpu_per_100k=%.4f "
	       "bench_cpu_s=%.2f stalled=%llu dropped=%llu lost=%llu errors=%llu\n",
	       opt.label, opt.clients, joined_count, connect_s,
	       (unsigned long long)st.sent_window,
	       (unsigned long long)st.delivered_window, secs, rate,
	       (unsigned long long)hist_quantile(&st.lat, 0.50),
	       (unsigned long long)hist_quantile(&st.lat, 0.99),
	       (unsigned long long)st.lat.max_us, w->server_cpu, per100k,
	       w->self_cpu, (unsigned long long)st.stalled,
	       (unsigned long long)st.dropped, (unsigned long long)lost,
	       (unsigned long long)st.errors);
}

/* ---- setup ---- */

static void usage(void)
{
	printf("usage: cchat-bench [options]\n"
	       "  -H, --host HOST          server (default 127.0.0.1)\n"
	       "  -p, --port PORT          server port (default 6667)\n"
	       "  -c, --clients N          clients (default 100)\n"
	       "      --channels N         spread clients over N channels (default 1)\n"
	       "      --senders N          only the first N clients send (default all)\n"
	       "  -r, --rate R             messages/s per sender; 0 = as fast as\n"
	       "                           --window allows (default 1)\n"
	       "  -w, --window N           closed loop: messages in flight (default 64)\n"
	       "  -d, --duration S         measured seconds (default 10)\n"
	       "      --warmup S           seconds of load before measuring (default 2)\n"
	       "      --drain S            seconds to wait for late deliveries (default 1)\n"
	       "  -s, --size B             message text bytes (default 64, min %d)\n"
	       "      --connect-rate N     new connections per second (default 5000)\n"
	       "      --max-pending N      handshakes in progress at once (default 500)\n"
	       "      --connect-timeout S  give up joining after S seconds (default 120)\n"
	       "      --sources N          use 127.0.0.1 .. 127.0.0.N as source addresses\n"
	       "      --server-pid PID     measure this process's CPU time\n"
	       "      --oper NAME:PASS     OPER and set user mode +F (ngircd's flood\n"
	       "                           exemption) before joining\n"
	       "      --label TEXT         name printed in the report\n"
	       "      --nick-prefix P      nicks are P<number> (default b)\n",
	       BENCH_MSG_MIN);
}

static double parse_double(const char *s, const char *what, double lo, double hi)
{
	char *end;
	double v = strtod(s, &end);

	if (!*s || *end || !(v >= lo && v <= hi))
		die("%s must be a number from %g to %g, not '%s'", what, lo, hi, s);
	return v;
}

static int parse_int(const char *s, const char *what, int lo, int hi)
{
	return (int)parse_double(s, what, lo, hi);
}

static void parse_oper(const char *arg)
{
	const char *colon = strchr(arg, ':');

	if (!colon || colon == arg || !colon[1] ||
	    (size_t)(colon - arg) >= sizeof(oper_name) ||
	    strlen(colon + 1) >= sizeof(oper_pass))
		die("--oper wants NAME:PASSWORD");
	snprintf(oper_name, sizeof(oper_name), "%.*s", (int)(colon - arg), arg);
	snprintf(oper_pass, sizeof(oper_pass), "%s", colon + 1);
	opt.oper = arg;
}

enum {
	O_CHANNELS = 256, O_SENDERS, O_WARMUP, O_DRAIN, O_CONNECT_RATE,
	O_MAX_PENDING, O_CONNECT_TIMEOUT, O_SOURCES, O_SERVER_PID, O_OPER,
	O_LABEL, O_NICK_PREFIX,
};

static void parse_option(int c, const char *arg)
{
	switch (c) {
	case 'H': opt.host = arg; break;
	case 'p': parse_int(arg, "--port", 1, 65535); opt.port = arg; break;
	case 'c': opt.clients = parse_int(arg, "--clients", 1, 200000); break;
	case 'r': opt.rate = parse_double(arg, "--rate", 0, 1e6); break;
	case 'w': opt.window = parse_int(arg, "--window", 1, 1000000); break;
	case 'd': opt.duration = parse_double(arg, "--duration", 0.1, 3600); break;
	case 's': opt.size = parse_int(arg, "--size", BENCH_MSG_MIN,
				       BENCH_TEXT_MAX); break;
	case O_CHANNELS: opt.channels = parse_int(arg, "--channels", 1, 100000); break;
	case O_SENDERS: opt.senders = parse_int(arg, "--senders", 1, 200000); break;
	case O_WARMUP: opt.warmup = parse_double(arg, "--warmup", 0, 600); break;
	case O_DRAIN: opt.drain = parse_double(arg, "--drain", 0, 600); break;
	case O_CONNECT_RATE:
		opt.connect_rate = parse_int(arg, "--connect-rate", 1, 1000000);
		break;
	case O_MAX_PENDING:
		opt.max_pending = parse_int(arg, "--max-pending", 1, 1000000);
		break;
	case O_CONNECT_TIMEOUT:
		opt.connect_timeout = parse_double(arg, "--connect-timeout", 1, 3600);
		break;
	case O_SOURCES: opt.sources = parse_int(arg, "--sources", 1, 250); break;
	case O_SERVER_PID:
		opt.server_pid = parse_int(arg, "--server-pid", 1, 1 << 30);
		break;
	case O_OPER: parse_oper(arg); break;
	case O_LABEL: opt.label = arg; break;
	case O_NICK_PREFIX: opt.nick_prefix = arg; break;
	default: usage(); exit(2);
	}
}

static void parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "port", required_argument, NULL, 'p' },
		{ "clients", required_argument, NULL, 'c' },
		{ "rate", required_argument, NULL, 'r' },
		{ "window", required_argument, NULL, 'w' },
		{ "duration", required_argument, NULL, 'd' },
		{ "size", required_argument, NULL, 's' },
		{ "channels", required_argument, NULL, O_CHANNELS },
		{ "senders", required_argument, NULL, O_SENDERS },
		{ "warmup", required_argument, NULL, O_WARMUP },
		{ "drain", required_argument, NULL, O_DRAIN },
		{ "connect-rate", required_argument, NULL, O_CONNECT_RATE },
		{ "max-pending", required_argument, NULL, O_MAX_PENDING },
		{ "connect-timeout", required_argument, NULL, O_CONNECT_TIMEOUT },
		{ "sources", required_argument, NULL, O_SOURCES },
		{ "server-pid", required_argument, NULL, O_SERVER_PID },
		{ "oper", required_argument, NULL, O_OPER },
		{ "label", required_argument, NULL, O_LABEL },
		{ "nick-prefix", required_argument, NULL, O_NICK_PREFIX },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "H:p:c:r:w:d:s:h", longopts,
				NULL)) != -1) {
		if (c == 'h') {
			usage();
			exit(0);
		}
		parse_option(c, optarg);
	}
	if (optind != argc)
		die("unexpected argument '%s' (see --help)", argv[optind]);
	if (opt.channels > opt.clients)
		die("--channels (%d) exceeds --clients (%d)", opt.channels,
		    opt.clients);
	if (strlen(opt.nick_prefix) > 3)
		die("--nick-prefix must be at most 3 characters (nicks must "
		    "fit the RFC's 9)");
	nsenders = opt.senders && opt.senders < opt.clients ? opt.senders :
		   opt.clients;
}

static void resolve_server(void)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM };
	struct addrinfo *res;
	int rc = getaddrinfo(opt.host, opt.port, &hints, &res);

	if (rc)
		die("cannot resolve %s: %s", opt.host, gai_strerror(rc));
	memcpy(&server_addr, res->ai_addr, res->ai_addrlen);
	server_addrlen = res->ai_addrlen;
	freeaddrinfo(res);
}

/* One descriptor per client: lift the soft limit, and the hard one
 * too when we may. */
static void raise_fd_limit(void)
{
	rlim_t need = (rlim_t)opt.clients + BENCH_FD_SLACK;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		die("getrlimit: %s", strerror(errno));
	if (rl.rlim_cur >= need)
		return;
	if (rl.rlim_max < need)
		rl.rlim_max = need;
	rl.rlim_cur = need;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		die("need %llu file descriptors for %d clients but cannot raise "
		    "RLIMIT_NOFILE: %s", (unsigned long long)need, opt.clients,
		    strerror(errno));
}

static void setup(void)
{
	int i;

	raise_fd_limit();
	resolve_server();
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0)
		die("epoll_create1: %s", strerror(errno));
	clients = calloc((size_t)opt.clients, sizeof(*clients));
	members = calloc((size_t)opt.channels, sizeof(*members));
	if (!clients || !members)
		die("out of memory for %d clients", opt.clients);
	for (i = 0; i < opt.clients; i++) {
		clients[i].fd = -1;
		clients[i].id = (uint32_t)i;
		clients[i].chan = (uint32_t)(i % opt.channels);
		line_reader_init(&clients[i].in);
	}
	memset(padding, 'x', sizeof(padding) - 1);
	hist_reset(&st.lat);
}

int main(int argc, char **argv)
{
	struct window w = { .server_cpu = -1 };
	double connect_s;

	parse_args(argc, argv);
	setup();
	connect_s = connect_phase();
	if (joined_count == 0)
		die("no client could join (%llu dropped); is the server at %s "
		    "port %s?", (unsigned long long)st.dropped, opt.host, opt.port);
	fprintf(stderr, "cchat-bench: %s: %d of %d clients joined in %.2f s\n",
		opt.label, joined_count, opt.clients, connect_s);
	load_phase(&w);
	report(connect_s, &w);
	quit_all();
	return 0;
}
