/* SPDX-License-Identifier: MIT */
/*
 * cchatd: the server's shared types.  One process, one thread, one epoll
 * loop; see docs/chat-server-design.md for the design and docs/irc.md
 * for the protocol subset and every limit.
 */
#ifndef CCHATD_SERVER_H
#define CCHATD_SERVER_H

#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "hmap.h"
#include "irc.h"
#include "irc_numerics.h"
#include "list.h"
#include "outq.h"
#include "transport.h"

#define CCHATD_VERSION "cchatd-1.0"
#define CCHATD_NETWORK "cchat"
#define USER_MODES "iow"        /* 004: the user modes there are */
#define CHANNEL_MODES "biklmnopRstvz" /* 004: the channel modes there are */
/* 005 CHANMODES: list (b), always a parameter (k), a parameter when set
 * (l), flags; PREFIX and STATUSMSG: operator, voice. */
#define CHANMODES_TOKEN "b,k,l,imnpRstz"
#define PREFIX_TOKEN "(ov)@+"
#define STATUSMSG_TOKEN "@+"
#define MODES_MAX 4             /* MODES=: modes with a parameter per MODE */
#define BANS_MAX 50             /* MAXLIST=b: bans per channel */
#define INVITES_MAX 32          /* pending invitations per channel */
#define KEY_MAX 23              /* bytes of a channel key (+k) */

#define DEFAULT_PORT "6667"
#define DEFAULT_SERVER_NAME "cchatd.local"
#define DEFAULT_MAX_CLIENTS 16384       /* capped by RLIMIT_NOFILE */
#define DEFAULT_MAX_CHANNELS 20         /* channels one client may join */
#define DEFAULT_SENDQ (512 * 1024)      /* bytes queued for one client */
#define DEFAULT_FLOOD_BURST 10          /* lines a client may send at once */
#define DEFAULT_FLOOD_RATE 2            /* lines per second after that */
/* Input a paced client may leave waiting beyond its line reader: a
 * paste of a few KiB waits here and is handled at the flood rate; only
 * a client that overflows it is disconnected (Excess Flood). */
#define DEFAULT_RECVQ (16 * 1024)
#define RECVQ_MAX (1024 * 1024)         /* highest value --recvq takes */
/* Connections from one address at once (0: no limit). */
#define DEFAULT_MAX_PER_ADDRESS 10
/* How long a client's output may wait for more lines before it is
 * written: one write per batch instead of one per loop turn is most of
 * the CPU per delivery under a steady load (docs/chat-server-design.md). */
#define DEFAULT_FLUSH_DELAY_MS 20
#define FLUSH_DELAY_MAX_MS 1000         /* highest value --flush-delay takes */
/* A queue this long is written at the end of the turn whatever the
 * delay: batching gains nothing more, and the socket should stay busy. */
#define FLUSH_NOW_BYTES 4096
#define DEFAULT_REGISTER_TIMEOUT 30     /* seconds to finish NICK/USER */
#define DEFAULT_PING_INTERVAL 90        /* idle seconds before our PING */
#define DEFAULT_PING_TIMEOUT 60         /* seconds to answer that PING */
#define DEFAULT_SHUTDOWN_GRACE_MS 2000  /* to flush ERROR at shutdown */
#define DEFAULT_ADMIN_LOCATION "cchat server"
#define DEFAULT_ADMIN_INFO "No administrative details configured"
#define DEFAULT_ADMIN_EMAIL "root@localhost"
#define SUGGESTED_SECURE_PORT "6697"    /* documented; the port is off by default */
#define DEFAULT_HANDSHAKE_TIMEOUT 10    /* seconds to finish the encrypted or TLS handshake */
#define SUGGESTED_TLS_PORT "6697"       /* documented; the TLS port is off by default */

#define LISTEN_MAX 8            /* --listen addresses */
#define LISTEN_SOCKETS_MAX (LISTEN_MAX * 6) /* IPv4 and IPv6; plain, encrypted, TLS */
#define FD_RESERVE 32           /* descriptors kept out of max clients */
#define MAX_CHANNELS_LIMIT 1000 /* highest value --max-channels takes */
/* Targets of one command (TARGMAX in 005; 0: only the line bounds it). */
#define TARGMAX_MSG 4           /* PRIVMSG, NOTICE */
#define TARGMAX_JOIN 0
#define TARGMAX_PART 0
#define TARGMAX_NAMES 8
#define TARGMAX_LIST 8
#define TARGMAX_KICK 4
#define TARGMAX_WHOIS 1
#define TARGMAX_WHOWAS 1
#define REALNAME_MAX 50         /* bytes of the USER real name kept */
#define HOST_MAX 64             /* numeric address text, with "0" */
#define PREFIX_MAX (IRC_NICK_MAX + IRC_USER_MAX + HOST_MAX + 3)
#define REASON_MAX 160          /* quit and kick reasons kept */
#define EPOLL_BATCH 256         /* events taken per epoll_wait */
#define ACCEPT_BATCH 256        /* connections accepted per wakeup */
#define HOUSEKEEPING_MS 1000    /* timeout scan period */
#define MOTD_LINES_MAX 100      /* lines of the MOTD file kept */
#define AWAY_MAX 200            /* AWAYLEN: bytes of an away message kept */
#define WHOWAS_MAX 256          /* nicks remembered for WHOWAS */
#define MONITOR_MAX 100         /* MONITOR=: nicks one client may watch */
#define USERHOST_MAX 5          /* nicks one USERHOST answers (RFC 2812) */
#define OPERS_MAX 32            /* oper entries of the config file */
#define ACCOUNTS_MAX 256        /* account entries (SASL PLAIN) */
/* Client-only tags (+name=value) of one message relayed with it; a line
 * is still at most IRC_LINE_MAX bytes with its tags on the way in. */
#define CLIENT_TAGS_MAX 256
#define TAGS_OUT_MAX (CLIENT_TAGS_MAX + 64) /* with server-time's */
#define LISTEN_BACKLOG 4096     /* pending connections per socket */

/* An operator block of the config file: OPER name password. */
struct oper {
	char name[IRC_NICK_MAX + 1];
	char hash[128];         /* crypt(3) form, e.g. $6$salt$... */
	char host_mask[HOST_MAX + IRC_USER_MAX + 2]; /* user@host, wildcards */
};

/* An account of the config file for SASL PLAIN: account NAME HASH. */
struct account {
	char name[IRC_NICK_MAX + 1];
	char hash[128];
};

struct server_config {
	const char *config_file; /* --config, NULL: none */
	const char *listen[LISTEN_MAX];
	int nlisten;
	const char *port;
	const char *name;
	const char *motd_file;
	unsigned max_clients;
	unsigned max_channels;
	size_t sendq;
	size_t recvq;           /* input queued beyond the line reader */
	unsigned max_per_address; /* 0: unlimited */
	bool flood_control;
	unsigned flood_burst;
	unsigned flood_rate;
	unsigned flush_delay_ms; /* output held at most this long */
	unsigned register_timeout;
	unsigned ping_interval;
	unsigned ping_timeout;
	int console;            /* 1 on, 0 off, -1 when stdin is a tty */
	bool verbose;
	const char *secure_port; /* NULL: no encrypted listener */
	unsigned handshake_timeout;
	struct secure_options secure;
	const char *tls_port;   /* NULL: no TLS listener */
	bool no_plain_port;     /* --no-plain-port: encrypted listeners only */
	struct tls_options tls;
	const char *admin_location; /* ADMIN: 257 */
	const char *admin_info;     /* 258 */
	const char *admin_email;    /* 259 */
	struct oper opers[OPERS_MAX];
	unsigned nopers;
	struct account accounts[ACCOUNTS_MAX];
	unsigned naccounts;
};

/* What an epoll event's data.ptr points at. */
enum watch_kind {
	WATCH_LISTENER, WATCH_SECURE_LISTENER, WATCH_TLS_LISTENER, WATCH_CLIENT, WATCH_SIGNAL,
	WATCH_CONSOLE,
};

struct watch {
	enum watch_kind kind;
	int fd;
};

/* IRCv3 capabilities a client enabled (CAP REQ), bits of client.caps. */
enum {
	CAP_MULTI_PREFIX = 1 << 0,
	CAP_SERVER_TIME = 1 << 1,
	CAP_MESSAGE_TAGS = 1 << 2,
	CAP_ECHO_MESSAGE = 1 << 3,
	CAP_AWAY_NOTIFY = 1 << 4,
	CAP_USERHOST_IN_NAMES = 1 << 5,
	CAP_INVITE_NOTIFY = 1 << 6,
	CAP_SETNAME = 1 << 7,
	CAP_CHGHOST = 1 << 8,
	CAP_CAP_NOTIFY = 1 << 9,
	CAP_SASL = 1 << 10,
};

struct channel;

struct membership {
	struct channel *chan;
	uint32_t index;         /* in chan->members */
};

struct client {
	struct watch watch;     /* first: epoll hands us its address */
	struct server *srv;
	struct transport tp;
	struct list_node all;   /* srv->clients */
	struct list_node dirty; /* srv->dirty (or srv->urgent) while output waits */
	struct list_node throttled; /* srv->throttled while out of tokens */
	struct list_node dead;  /* srv->dead once killed */
	struct hmap_node nick_node; /* srv->nicks once it has a nick */

	char nick[IRC_NICK_MAX + 1];
	char user[IRC_USER_MAX + 1];
	char host[HOST_MAX];
	char port[8];           /* the peer's, for the log */
	char realname[REALNAME_MAX + 1];
	char prefix[PREFIX_MAX + 1]; /* nick!user@host */
	size_t prefix_len;

	bool registered;
	bool has_user;
	bool encrypted;         /* on the TLS or the encrypted port */
	bool cap_negotiating;   /* CAP LS seen, CAP END not yet */
	bool mode_invisible;    /* +i */
	bool mode_wallops;      /* +w: receives WALLOPS */
	bool mode_oper;         /* +o: a server operator (OPER) */
	unsigned caps;          /* CAP_* enabled */
	bool cap_302;           /* CAP LS 302: capabilities carry values */
	uint8_t sasl_step;      /* sasl.c: where AUTHENTICATE is */
	char account[IRC_NICK_MAX + 1]; /* SASL login, "" when none */
	bool is_dead;
	bool want_write;        /* EPOLLOUT is armed */
	bool ping_pending;
	char quit_reason[REASON_MAX + 1];
	char away[AWAY_MAX + 1]; /* "" while not away */
	time_t signon;          /* wall clock at registration (317) */
	int64_t spoke_ms;       /* last PRIVMSG or NOTICE sent (idle, 317) */
	struct monitor_list *monitor; /* MONITOR nicks, NULL: none yet */
	struct list_node monitoring;  /* srv->monitoring while it has some */

	int64_t tokens_ms;      /* flood bucket in milli-lines */
	int64_t refill_at_ms;
	int64_t connected_ms;
	int64_t active_ms;      /* last line received */
	int64_t ping_sent_ms;
	int64_t dirty_ms;       /* when output started waiting */
	uint32_t mark;          /* fan-out deduplication */

	unsigned nchannels;
	struct membership *channels; /* max_channels entries */
	struct line_reader in;
	struct outq recvq;      /* raw input read while in was full */
	struct outq out;
	struct address_count *address; /* srv->addresses entry, or NULL */
};

/* How many connections come from one address (--max-per-address). */
struct address_count {
	struct hmap_node node;
	unsigned count;
	char host[HOST_MAX];
};

struct member {
	struct client *client;
	uint32_t slot;          /* in client->channels */
	bool op;                /* +o: channel operator, '@' */
	bool voice;             /* +v: may speak under +m, '+' */
};

/* Channel flag modes, bits of channel.modes. */
enum {
	CMODE_INVITE = 1 << 0,  /* +i: JOIN needs an INVITE */
	CMODE_MODERATED = 1 << 1, /* +m: only +v and +o speak */
	CMODE_NO_OUTSIDE = 1 << 2, /* +n: only members send to it */
	CMODE_PRIVATE = 1 << 3, /* +p: kept out of LIST and WHOIS */
	CMODE_SECRET = 1 << 4,  /* +s: the same, and NAMES shows '@' */
	CMODE_TOPIC_OPS = 1 << 5, /* +t: only operators set the topic */
	CMODE_REGISTERED = 1 << 6, /* +R: JOIN needs a SASL login */
	/* +z: only clients on an encrypted connection (TLS or the chat's
	 * own protocol), so no line of the channel leaves in clear. */
	CMODE_SECURE_ONLY = 1 << 7,
};

struct ban {
	char mask[PREFIX_MAX + 1];
	char by[IRC_NICK_MAX + 1];
	time_t when;
};

struct channel {
	struct hmap_node node;
	char name[IRC_CHANNEL_MAX + 1];
	char topic[IRC_TOPIC_MAX + 1];
	char topic_by[PREFIX_MAX + 1];
	time_t topic_time;
	time_t created;
	uint32_t nmembers, cap;
	struct member *members;
	unsigned modes;         /* CMODE_* */
	char key[KEY_MAX + 1];  /* +k; "" when none */
	unsigned limit;         /* +l; 0 when none */
	struct ban *bans;       /* BANS_MAX entries once there is one */
	unsigned nbans;
	char (*invites)[IRC_NICK_MAX + 1]; /* INVITES_MAX, once there is one */
	unsigned ninvites;
};

/* One nick that signed off or changed, for WHOWAS. */
struct whowas {
	char nick[IRC_NICK_MAX + 1];
	char user[IRC_USER_MAX + 1];
	char host[HOST_MAX];
	char realname[REALNAME_MAX + 1];
	time_t when;
};

struct server_stats {
	uint64_t lines_in;
	uint64_t deliveries;    /* lines queued to receivers by fan-out */
	uint64_t accepted;
	uint64_t killed_sendq;
	uint64_t killed_flood;
	uint64_t refused_address; /* over --max-per-address */
};

struct server {
	struct server_config cfg;
	int epfd;
	struct watch listeners[LISTEN_SOCKETS_MAX];
	int nlisteners;
	struct watch signal_watch;
	struct watch console_watch;
	struct line_reader *console_in;
	int argc;               /* the command line, for reloads */
	char **argv;
	struct config_texts *texts; /* config.h */
	char **motd;            /* lines of --motd, NULL without one */
	unsigned motd_lines;
	int spare_fd;           /* closed to refuse a client past EMFILE */
	struct secure_server *secure; /* provider and key; NULL: plain only */
	struct tls_server *tls; /* certificate and providers; NULL: no TLS */

	struct hmap nicks;
	struct hmap channels;
	struct hmap addresses;  /* struct address_count, by host text */
	struct list_node clients;
	struct list_node dirty;  /* output waiting, oldest first */
	struct list_node urgent; /* output to write this turn */
	struct list_node throttled;
	struct list_node dead;
	struct list_node monitoring; /* clients with a MONITOR list */
	unsigned nclients;
	unsigned nregistered;   /* LUSERS: registered clients */
	unsigned ninvisible;    /* of those, with +i */
	unsigned nopers;        /* of those, with +o */
	unsigned max_registered; /* highest nregistered so far (265/266) */
	struct whowas whowas[WHOWAS_MAX]; /* a ring, newest at whowas_next-1 */
	unsigned whowas_next, whowas_count;
	uint32_t mark;

	const char *relay_tags; /* client tags of the message being relayed */
	int64_t now_ms;         /* CLOCK_MONOTONIC at this loop turn */
	int64_t housekeeping_ms;
	time_t started;
	char started_text[64];
	bool stopping;
	char stop_reason[REASON_MAX + 1];
	struct server_stats stats;
};

/* config.c: (re)reading the MOTD and the whole configuration; on an
 * error, err says why and the configuration in force stays. */
struct config_error;
int server_load_motd(struct server *srv, struct config_error *err);
void server_free_motd(struct server *srv);
int server_reload(struct server *srv, struct config_error *err);

/* log.c */
void log_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_verbose(const struct server *srv, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* loop.c */
int server_init(struct server *srv);
int server_run(struct server *srv);
void server_free(struct server *srv);
int64_t monotonic_ms(void);

/* client.c */
struct client *client_new(struct server *srv, int fd,
			  const struct sockaddr *addr);
/* The listener's kind says which transport the connection speaks. */
struct client *client_new_on(struct server *srv, int fd,
			     const struct sockaddr *addr,
			     enum watch_kind listener);
/* The numeric host text of addr into host (HOST_MAX bytes). */
void address_text(const struct sockaddr *addr, char *host, char *port,
		  size_t port_size);
/* Counts a connection from host; false (nothing counted) when the
 * address already has --max-per-address of them. */
bool address_admit(struct server *srv, const char *host,
		   struct address_count **slot);
void address_release(struct server *srv, struct address_count *slot);
/* Output waits: queued lines, or the transport's own bytes. */
bool client_wants_write(const struct client *c);
void client_kill(struct client *c, const char *reason);
void client_destroy(struct client *c, bool farewell);
void client_queue_error(struct client *c);
void client_on_readable(struct client *c);
void client_process_input(struct client *c);
int client_flush(struct client *c);
void client_send(struct client *c, const char *line, size_t len);
void client_sendf(struct client *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void client_reply(struct client *c, int numeric, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void client_set_nick(struct client *c, const char *nick);
void client_update_prefix(struct client *c);
const char *client_nick(const struct client *c);
struct client *client_find(struct server *srv, const char *nick);
void client_housekeeping(struct client *c);
/* Format a line into buf (IRC_LINE_MAX + 1 bytes): cut to fit, CR LF
 * added; returns its length. */
size_t format_line(char *buf, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
size_t line_printf(char *buf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The same with ":nick!user@host " in front. */
size_t client_line(const struct client *c, char *buf, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* channel.c */
struct channel *channel_find(struct server *srv, const char *name);
struct channel *channel_get(struct server *srv, const char *name);
int channel_join(struct channel *ch, struct client *c);
bool channel_leave(struct channel *ch, struct client *c);
struct member *channel_member(struct channel *ch, const struct client *c);
/* The status prefix of m as viewer c sees it ("@", "+", "" ...) into
 * out (3 bytes). */
void member_prefix(const struct member *m, const struct client *viewer,
		   char *out);
/* Whether ch is kept out of viewer's WHOIS and LIST (+s, +p). */
bool channel_hidden_from(const struct channel *ch, const struct client *viewer);
/* Whether c's nick!user@host matches one of ch's bans. */
bool channel_banned(const struct channel *ch, const struct client *c);
/* Whether c may send to ch (+n, +m, bans), as a member m or not (NULL). */
bool channel_may_send(const struct channel *ch, const struct client *c,
		      const struct member *m);
/* Invitations: remembered by nick until used or pushed out. */
int channel_invite(struct channel *ch, const char *nick);
bool channel_take_invite(struct channel *ch, const char *nick);
/* Sends line to the members with at least the status of prefix ('@'
 * or '+'), except except (STATUSMSG). */
void channel_send_status(struct channel *ch, char prefix, const char *line,
			 size_t len, const struct client *except);
/* Sends line to the members that have all of caps (CAP_*). */
void channel_send_caps(struct channel *ch, unsigned caps, const char *line,
		       size_t len, const struct client *except);
void channel_send(struct channel *ch, const char *line, size_t len,
		  const struct client *except);
void channel_sendf(struct channel *ch, const struct client *except,
		   const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Sends line once to everyone who shares a channel with c. */
void send_to_peers(struct client *c, const char *line, size_t len,
		   bool include_self);
/* The same to those with all of caps (CAP_*); c too if it has them. */
void send_to_peers_with(struct client *c, const char *line, size_t len,
			unsigned caps);
void channel_free_all(struct server *srv);

/* channel_commands.c: KICK from source (a prefix or the server name);
 * true when the channel emptied and was freed. */
bool kick_member(struct channel *ch, struct client *target,
		 const char *source, const char *reason);

/* commands.c */
void command_dispatch(struct client *c, struct irc_msg *msg);

/* user_commands.c: bookkeeping when a nick goes away (WHOWAS) */
void whowas_remember(struct server *srv, const struct client *c);

/* monitor.c: MONITOR notifications (730/731) to the clients watching */
void monitor_signed_on(struct client *c);
void monitor_signed_off(struct client *c, const char *nick);
void monitor_free(struct client *c);

/* Counters of LUSERS as a client registers, leaves, changes +i/+o. */
void luser_count(struct client *c, int delta);
void set_invisible(struct client *c, bool on);
void set_oper(struct client *c, bool on);

/* console.c */
int console_start(struct server *srv);
void console_on_readable(struct server *srv);
void console_stop(struct server *srv);

#endif
