/*
 * A session: the handshake (hello, X25519, proofs keyed by the
 * pre-shared key) and then the record layer, as a state machine fed
 * with bytes.  docs/secure-protocol.md is the specification.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "internal.h"

enum hs_state {
	HS_CLIENT_WAIT_SERVER_HELLO,
	HS_CLIENT_WAIT_SERVER_FINISHED,
	HS_SERVER_WAIT_CLIENT_HELLO,
	HS_SERVER_WAIT_CLIENT_FINISHED,
	HS_DONE,
	HS_FAILED,
};

/* One direction of the record stream. */
struct direction {
	struct sc_dir_keys keys;
	uint8_t secret[SC_KEY_LEN];	/* this epoch's traffic secret */
	uint64_t seq;			/* number of the next record */
	uint64_t epoch_first;		/* number of this epoch's first */
	uint64_t epoch_records;
	uint64_t epoch_bytes;
	uint64_t rekeys;
};

struct sc_session {
	enum sc_role role;
	struct sc_provider *prov;
	struct sc_key key;
	enum hs_state state;

	/* Handshake only; wiped when it ends. */
	struct sc_x25519 *eph;
	struct sc_buf transcript;
	uint8_t th1[SC_HASH_LEN];
	uint8_t peer_finished[SC_MAC_LEN];	/* what the peer must send */
	uint8_t client_finished_key[SC_KEY_LEN];

	uint32_t rekey_records;
	uint32_t rekey_bytes;
	struct direction tx, rx;

	struct sc_buf in;	/* received bytes not yet a whole frame */
	struct sc_buf out;	/* bytes for the peer */
	struct sc_buf plain;	/* authenticated plaintext for the caller */
	struct sc_buf early;	/* plaintext sealed before the keys exist */
	bool close_wanted;
	bool close_sent;
	bool close_received;

	enum sc_status status;
	char errmsg[SC_ERRMSG_MAX];
	uint8_t *work;		/* one record plus its sequence number */
};

#define WORK_LEN (SC_SEQ_LEN + SC_FRAME_HDR_LEN + SC_MAX_RECORD_BODY)

static void send_alert(struct sc_session *s, enum sc_status why);

/* End the handshake's secrets: nothing of them is needed any more. */
static void forget_handshake(struct sc_session *s)
{
	sc_x25519_free(s->eph);
	s->eph = NULL;
	sc_buf_free(&s->transcript);
	sc_wipe(s->th1, sizeof(s->th1));
	sc_wipe(s->peer_finished, sizeof(s->peer_finished));
	sc_wipe(s->client_finished_key, sizeof(s->client_finished_key));
}

static enum sc_status vfail(struct sc_session *s, bool tell_peer,
			    enum sc_status status, const char *fmt, va_list ap)
{
	struct sc_error e;

	if (s->state == HS_FAILED)
		return s->status;
	sc_vfail(&e, status, fmt, ap);
	if (tell_peer)
		send_alert(s, status);
	s->status = status;
	memcpy(s->errmsg, e.msg, sizeof(s->errmsg));
	s->state = HS_FAILED;
	forget_handshake(s);
	sc_buf_wipe(&s->in);
	sc_buf_wipe(&s->early);
	return status;
}

/* Fail, and tell the peer why with an alert. */
__attribute__((format(printf, 3, 4)))
static enum sc_status fail(struct sc_session *s, enum sc_status status,
			   const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(s, true, status, fmt, ap);
	va_end(ap);
	return status;
}

/* Fail without a word to the peer (it spoke first, or cannot hear). */
__attribute__((format(printf, 3, 4)))
static enum sc_status fail_quiet(struct sc_session *s, enum sc_status status,
				 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(s, false, status, fmt, ap);
	va_end(ap);
	return status;
}

static enum sc_status fail_from(struct sc_session *s, const struct sc_error *e)
{
	bool tell = e->status != SC_ERR_DEVICE && e->status != SC_ERR_CRYPTO &&
		    e->status != SC_ERR_NOMEM;
	return tell ? fail(s, e->status, "%s", e->msg)
		    : fail_quiet(s, e->status, "%s", e->msg);
}

static enum sc_status fail_nomem(struct sc_session *s)
{
	return fail_quiet(s, SC_ERR_NOMEM, NULL);
}

/* ---- Frames out ------------------------------------------------------ */

static enum sc_status emit_frame(struct sc_session *s, uint8_t type,
				 const uint8_t *body, size_t len,
				 bool in_transcript)
{
	uint8_t hdr[SC_FRAME_HDR_LEN] = { type };

	sc_put_be16(hdr + 1, (uint16_t)len);
	if (!sc_buf_append(&s->out, hdr, sizeof(hdr)) ||
	    !sc_buf_append(&s->out, body, len))
		return fail_nomem(s);
	if (in_transcript &&
	    (!sc_buf_append(&s->transcript, hdr, sizeof(hdr)) ||
	     !sc_buf_append(&s->transcript, body, len)))
		return fail_nomem(s);
	return SC_OK;
}

static void maybe_rekey(struct sc_session *s, struct direction *d,
			struct sc_error *e, enum sc_status *st)
{
	if (d->epoch_records < s->rekey_records &&
	    d->epoch_bytes < s->rekey_bytes)
		return;
	*st = sc_next_secret(d->secret, d->seq, e);
	if (*st != SC_OK)
		return;
	sc_dir_keys_free(s->prov, &d->keys);
	*st = sc_dir_keys_from_secret(s->prov, d->secret, &d->keys, e);
	d->epoch_first = d->seq;
	d->epoch_records = 0;
	d->epoch_bytes = 0;
	d->rekeys++;
}

/* Count a record into its direction's epoch; rekey at the boundary. */
static enum sc_status account(struct sc_session *s, struct direction *d,
			      size_t body_len, struct sc_error *e)
{
	enum sc_status st = SC_OK;

	if (d->seq == UINT64_MAX)
		return sc_fail(e, SC_ERR_PROTOCOL,
			       "protocol error: sequence numbers exhausted");
	d->seq++;
	d->epoch_records++;
	d->epoch_bytes += body_len;
	maybe_rekey(s, d, e, &st);
	return st;
}

static enum sc_status send_record_raw(struct sc_session *s, uint8_t type,
				      const uint8_t *payload, size_t n,
				      struct sc_error *e)
{
	uint8_t iv[SC_IV_LEN];
	size_t wire = sc_record_wire_len(n);
	enum sc_status st = sc_random(iv, sizeof(iv), e);

	if (st == SC_OK)
		st = sc_record_seal(s->prov, &s->tx.keys, s->tx.seq, type, iv,
				    payload, n, s->work, e);
	if (st != SC_OK)
		return st;
	if (!sc_buf_append(&s->out, s->work + SC_SEQ_LEN, wire))
		return sc_fail(e, SC_ERR_NOMEM, NULL);
	return account(s, &s->tx, wire - SC_FRAME_HDR_LEN, e);
}

static enum sc_status send_record(struct sc_session *s, uint8_t type,
				  const uint8_t *payload, size_t n)
{
	struct sc_error e;

	if (send_record_raw(s, type, payload, n, &e) != SC_OK)
		return fail_quiet(s, e.status, "%s", e.msg);
	return SC_OK;
}

static void send_alert(struct sc_session *s, enum sc_status why)
{
	uint8_t code = (uint8_t)sc_alert_for(why);
	uint8_t hdr[SC_FRAME_HDR_LEN] = { SC_FT_ALERT, 0, SC_ALERT_LEN };
	struct sc_error e;

	/* Someone not speaking the protocol would not understand. */
	if (why == SC_ERR_NOT_SECURE || s->close_sent)
		return;
	if (s->state == HS_DONE) {
		(void)send_record_raw(s, SC_FT_ENC_ALERT, &code, 1, &e);
		s->close_sent = true;
		return;
	}
	if (sc_buf_append(&s->out, hdr, sizeof(hdr)))
		(void)sc_buf_append(&s->out, &code, 1);
}

/* ---- Key schedule ---------------------------------------------------- */

/*
 * From the X25519 secret, the pre-shared key and the hellos: the
 * finished keys, the proof expected from the peer and both traffic
 * secrets.  Roles are in every label, so no message or record can be
 * reflected back to its sender.
 */
static enum sc_status derive_keys(struct sc_session *s,
				  const uint8_t peer_pub[SC_PUB_LEN],
				  struct sc_error *e)
{
	uint8_t shared[SC_KEY_LEN], prk[SC_HASH_LEN];
	uint8_t server_key[SC_KEY_LEN], th2[SC_HASH_LEN];
	uint8_t c2s[SC_KEY_LEN], s2c[SC_KEY_LEN];
	uint8_t server_finished[SC_MAC_LEN];
	bool server = s->role == SC_ROLE_SERVER;
	enum sc_status st;

	st = sc_x25519_shared(s->eph, peer_pub, shared, e);
	if (st == SC_OK)
		st = sc_sha256(sc_buf_head(&s->transcript),
			       sc_buf_used(&s->transcript), s->th1, e);
	if (st == SC_OK)
		st = sc_hkdf_extract(s->key.secret, SC_KEY_LEN, shared,
				     sizeof(shared), prk, e);
	if (st == SC_OK)
		st = sc_hkdf_expand_label(prk, "server finished", s->th1,
					  SC_HASH_LEN, server_key,
					  sizeof(server_key), e);
	if (st == SC_OK)
		st = sc_hkdf_expand_label(prk, "client finished", s->th1,
					  SC_HASH_LEN, s->client_finished_key,
					  SC_KEY_LEN, e);
	if (st == SC_OK)
		st = sc_hkdf_expand_label(prk, "c2s traffic", s->th1,
					  SC_HASH_LEN, c2s, sizeof(c2s), e);
	if (st == SC_OK)
		st = sc_hkdf_expand_label(prk, "s2c traffic", s->th1,
					  SC_HASH_LEN, s2c, sizeof(s2c), e);
	if (st == SC_OK)
		st = sc_provider_hmac_once(s->prov, server_key,
					   sizeof(server_key), s->th1,
					   SC_HASH_LEN, server_finished, e);
	if (st == SC_OK) {
		memcpy(s->tx.secret, server ? s2c : c2s, SC_KEY_LEN);
		memcpy(s->rx.secret, server ? c2s : s2c, SC_KEY_LEN);
		if (server) {
			st = emit_frame(s, SC_FT_SERVER_FINISHED,
					server_finished, SC_MAC_LEN, true);
			if (st == SC_OK)
				st = sc_sha256(sc_buf_head(&s->transcript),
					       sc_buf_used(&s->transcript),
					       th2, e);
			if (st == SC_OK)
				st = sc_provider_hmac_once(
					s->prov, s->client_finished_key,
					SC_KEY_LEN, th2, sizeof(th2),
					s->peer_finished, e);
		} else {
			memcpy(s->peer_finished, server_finished, SC_MAC_LEN);
		}
	}
	sc_wipe(shared, sizeof(shared));
	sc_wipe(prk, sizeof(prk));
	sc_wipe(server_key, sizeof(server_key));
	sc_wipe(c2s, sizeof(c2s));
	sc_wipe(s2c, sizeof(s2c));
	sc_x25519_free(s->eph);
	s->eph = NULL;
	return st;
}

static enum sc_status flush_early(struct sc_session *s)
{
	while (sc_buf_used(&s->early) > 0 && s->state == HS_DONE) {
		size_t n = sc_buf_used(&s->early);
		if (n > SC_MAX_PLAINTEXT)
			n = SC_MAX_PLAINTEXT;
		if (send_record(s, SC_FT_DATA, sc_buf_head(&s->early), n) !=
		    SC_OK)
			return s->status;
		sc_buf_consume(&s->early, n);
	}
	sc_buf_wipe(&s->early);
	if (s->close_wanted && !s->close_sent) {
		if (send_record(s, SC_FT_CLOSE, NULL, 0) != SC_OK)
			return s->status;
		s->close_sent = true;
	}
	return SC_OK;
}

static enum sc_status handshake_complete(struct sc_session *s)
{
	struct sc_error e;

	forget_handshake(s);
	if (sc_dir_keys_from_secret(s->prov, s->tx.secret, &s->tx.keys, &e) !=
		    SC_OK ||
	    sc_dir_keys_from_secret(s->prov, s->rx.secret, &s->rx.keys, &e) !=
		    SC_OK)
		return fail_quiet(s, e.status, "%s", e.msg);
	s->state = HS_DONE;
	return flush_early(s);
}

/* ---- Handshake messages in ------------------------------------------- */

static const char *kind_name(unsigned kind)
{
	return kind == SC_KEY_FILE ? "a key file" : "a passphrase";
}

/* Magic, version and suite: the start of both hellos. */
static enum sc_status check_hello_start(struct sc_session *s,
					const uint8_t *body, size_t len,
					size_t want_len)
{
	if (len < SC_MAGIC_LEN + 2 ||
	    memcmp(body, SC_MAGIC, SC_MAGIC_LEN) != 0)
		return fail_quiet(s, SC_ERR_NOT_SECURE,
				  "peer does not speak the encrypted chat "
				  "protocol (bad hello)");
	if (body[SC_MAGIC_LEN] != SC_VERSION)
		return fail(s, SC_ERR_VERSION,
			    "unsupported protocol version %u (this side "
			    "speaks version %u)", body[SC_MAGIC_LEN],
			    SC_VERSION);
	if (body[SC_MAGIC_LEN + 1] != SC_SUITE)
		return fail(s, SC_ERR_PROTOCOL,
			    "protocol error: unknown cipher suite %u",
			    body[SC_MAGIC_LEN + 1]);
	if (len != want_len)
		return fail(s, SC_ERR_PROTOCOL,
			    "protocol error: hello of %zu bytes, expected %zu",
			    len, want_len);
	return SC_OK;
}

static enum sc_status handle_client_hello(struct sc_session *s,
					  const uint8_t *frame, size_t flen)
{
	const uint8_t *body = frame + SC_FRAME_HDR_LEN;
	const uint8_t *peer_pub = body + SC_MAGIC_LEN + 2 + SC_RANDOM_LEN;
	uint8_t sh[SC_SERVER_HELLO_LEN], *p = sh;
	struct sc_error e;

	if (check_hello_start(s, body, flen - SC_FRAME_HDR_LEN,
			      SC_CLIENT_HELLO_LEN) != SC_OK)
		return s->status;
	if (!sc_buf_append(&s->transcript, frame, flen))
		return fail_nomem(s);
	memcpy(p, SC_MAGIC, SC_MAGIC_LEN);
	p += SC_MAGIC_LEN;
	*p++ = SC_VERSION;
	*p++ = SC_SUITE;
	*p++ = (uint8_t)s->key.kind;
	if (s->key.kind == SC_KEY_PASSPHRASE)
		memcpy(p, s->key.salt, SC_SALT_LEN);
	else
		memset(p, 0, SC_SALT_LEN);
	p += SC_SALT_LEN;
	sc_put_be32(p, s->rekey_records);
	sc_put_be32(p + 4, s->rekey_bytes);
	p += 8;
	if (sc_random(p, SC_RANDOM_LEN, &e) != SC_OK ||
	    sc_x25519_new(&s->eph, p + SC_RANDOM_LEN, &e) != SC_OK)
		return fail_quiet(s, e.status, "%s", e.msg);
	if (emit_frame(s, SC_FT_SERVER_HELLO, sh, sizeof(sh), true) != SC_OK)
		return s->status;
	if (derive_keys(s, peer_pub, &e) != SC_OK)
		return fail_from(s, &e);
	s->state = HS_SERVER_WAIT_CLIENT_FINISHED;
	return SC_OK;
}

static enum sc_status check_rekey_limits(struct sc_session *s,
					 uint32_t records, uint32_t bytes)
{
	if (records == 0 || records > SC_REKEY_RECORDS_MAX || bytes == 0 ||
	    bytes > SC_REKEY_BYTES_MAX)
		return fail(s, SC_ERR_PROTOCOL,
			    "protocol error: server's rekey interval (%u "
			    "records, %u bytes) is out of bounds", records,
			    bytes);
	s->rekey_records = records;
	s->rekey_bytes = bytes;
	return SC_OK;
}

static enum sc_status handle_server_hello(struct sc_session *s,
					  const uint8_t *frame, size_t flen)
{
	const uint8_t *body = frame + SC_FRAME_HDR_LEN;
	const uint8_t *p = body + SC_MAGIC_LEN + 2;
	unsigned kind;
	struct sc_error e;

	if (check_hello_start(s, body, flen - SC_FRAME_HDR_LEN,
			      SC_SERVER_HELLO_LEN) != SC_OK)
		return s->status;
	kind = *p++;
	if (kind != SC_KEY_FILE && kind != SC_KEY_PASSPHRASE)
		return fail(s, SC_ERR_PROTOCOL,
			    "protocol error: unknown key mode %u", kind);
	if (kind != (unsigned)s->key.kind)
		return fail(s, SC_ERR_KEY_MODE,
			    "authentication failed: key mode mismatch (the "
			    "server uses %s, this side %s)", kind_name(kind),
			    kind_name(s->key.kind));
	if (check_rekey_limits(s, sc_get_be32(p + SC_SALT_LEN),
			       sc_get_be32(p + SC_SALT_LEN + 4)) != SC_OK)
		return s->status;
	if (kind == SC_KEY_PASSPHRASE) {
		memcpy(s->key.salt, p, SC_SALT_LEN);
		if (sc_passphrase_kdf(s->key.passphrase, s->key.salt,
				      s->key.secret, &e) != SC_OK)
			return fail_quiet(s, e.status, "%s", e.msg);
		s->key.derived = true;
	}
	p += SC_SALT_LEN + 8 + SC_RANDOM_LEN;
	if (!sc_buf_append(&s->transcript, frame, flen))
		return fail_nomem(s);
	if (derive_keys(s, p, &e) != SC_OK)
		return fail_from(s, &e);
	s->state = HS_CLIENT_WAIT_SERVER_FINISHED;
	return SC_OK;
}

static enum sc_status handle_server_finished(struct sc_session *s,
					     const uint8_t *frame, size_t flen)
{
	uint8_t th2[SC_HASH_LEN], proof[SC_MAC_LEN];
	struct sc_error e;

	if (flen != SC_FRAME_HDR_LEN + SC_FINISHED_LEN)
		return fail(s, SC_ERR_PROTOCOL,
			    "protocol error: bad server finished length");
	if (CRYPTO_memcmp(frame + SC_FRAME_HDR_LEN, s->peer_finished,
			  SC_MAC_LEN) != 0)
		return fail(s, SC_ERR_AUTH,
			    "authentication failed (the server's proof does "
			    "not match: wrong key, or someone in the middle)");
	if (!sc_buf_append(&s->transcript, frame, flen))
		return fail_nomem(s);
	if (sc_sha256(sc_buf_head(&s->transcript), sc_buf_used(&s->transcript),
		      th2, &e) != SC_OK ||
	    sc_provider_hmac_once(s->prov, s->client_finished_key, SC_KEY_LEN,
				  th2, sizeof(th2), proof, &e) != SC_OK)
		return fail_quiet(s, e.status, "%s", e.msg);
	if (emit_frame(s, SC_FT_CLIENT_FINISHED, proof, sizeof(proof),
		       false) != SC_OK)
		return s->status;
	return handshake_complete(s);
}

static enum sc_status handle_client_finished(struct sc_session *s,
					     const uint8_t *frame, size_t flen)
{
	if (flen != SC_FRAME_HDR_LEN + SC_FINISHED_LEN)
		return fail(s, SC_ERR_PROTOCOL,
			    "protocol error: bad client finished length");
	if (CRYPTO_memcmp(frame + SC_FRAME_HDR_LEN, s->peer_finished,
			  SC_MAC_LEN) != 0)
		return fail(s, SC_ERR_AUTH,
			    "authentication failed (the client's proof does "
			    "not match: wrong key, or someone in the middle)");
	return handshake_complete(s);
}

/* The peer gave up and said why; say the same, marked as the peer's. */
static enum sc_status handle_alert_code(struct sc_session *s, unsigned code)
{
	enum sc_status st = sc_status_for_alert(code);

	if (st == SC_ERR_AUTH)
		return fail_quiet(s, st,
				  "authentication failed (the peer rejected "
				  "the handshake: wrong key, or someone in the "
				  "middle)");
	if (st == SC_ERR_PEER_ALERT)
		return fail_quiet(s, st,
				  "the peer reported an internal error (alert "
				  "%u) and closed", code);
	return fail_quiet(s, st, "%s (reported by the peer)",
			  sc_strerror(st));
}

static enum sc_status handle_plain_alert(struct sc_session *s,
					 const uint8_t *frame, size_t flen)
{
	if (flen != SC_FRAME_HDR_LEN + SC_ALERT_LEN)
		return fail_quiet(s, SC_ERR_PROTOCOL,
				  "protocol error: bad alert length");
	return handle_alert_code(s, frame[SC_FRAME_HDR_LEN]);
}

/* ---- Records in ------------------------------------------------------ */

static enum sc_status handle_record(struct sc_session *s, const uint8_t *frame,
				    size_t flen)
{
	uint8_t type = frame[0];
	uint8_t *payload;
	size_t n;
	struct sc_error e;

	memcpy(s->work + SC_SEQ_LEN, frame, flen);
	if (sc_record_open(s->prov, &s->rx.keys, s->rx.seq, s->rx.epoch_first,
			   s->work, &payload, &n, &e) != SC_OK ||
	    account(s, &s->rx, flen - SC_FRAME_HDR_LEN, &e) != SC_OK)
		return fail_from(s, &e);
	switch (type) {
	case SC_FT_DATA:
		if (!sc_buf_append(&s->plain, payload, n))
			return fail_nomem(s);
		return SC_OK;
	case SC_FT_CLOSE:
		if (n != 0)
			return fail(s, SC_ERR_PROTOCOL,
				    "protocol error: close record with data");
		s->close_received = true;
		return SC_OK;
	default:
		if (n != SC_ALERT_LEN)
			return fail_quiet(s, SC_ERR_PROTOCOL,
					  "protocol error: bad alert length");
		s->close_sent = true;	/* no answer to a peer that left */
		return handle_alert_code(s, payload[0]);
	}
}

/* ---- Framing --------------------------------------------------------- */

static bool is_record_type(uint8_t type)
{
	return type == SC_FT_DATA || type == SC_FT_CLOSE ||
	       type == SC_FT_ENC_ALERT;
}

static const char *state_name(enum hs_state st)
{
	switch (st) {
	case HS_CLIENT_WAIT_SERVER_HELLO: return "waiting for the server hello";
	case HS_CLIENT_WAIT_SERVER_FINISHED:
		return "waiting for the server's proof";
	case HS_SERVER_WAIT_CLIENT_HELLO: return "waiting for the client hello";
	case HS_SERVER_WAIT_CLIENT_FINISHED:
		return "waiting for the client's proof";
	case HS_DONE: return "after the handshake";
	case HS_FAILED: return "after a failure";
	}
	return "?";
}

/* Whether a frame of this type may come now.  A plaintext alert is
 * taken until the peer's first record: the server's verdict on our
 * proof can arrive after we already think we are done. */
static bool type_expected(const struct sc_session *s, uint8_t type)
{
	switch (s->state) {
	case HS_SERVER_WAIT_CLIENT_HELLO:
		return type == SC_FT_CLIENT_HELLO;
	case HS_SERVER_WAIT_CLIENT_FINISHED:
		return type == SC_FT_CLIENT_FINISHED || type == SC_FT_ALERT;
	case HS_CLIENT_WAIT_SERVER_HELLO:
		return type == SC_FT_SERVER_HELLO || type == SC_FT_ALERT;
	case HS_CLIENT_WAIT_SERVER_FINISHED:
		return type == SC_FT_SERVER_FINISHED || type == SC_FT_ALERT;
	case HS_DONE:
		return is_record_type(type) ||
		       (type == SC_FT_ALERT && s->rx.seq == 0);
	case HS_FAILED:
		return false;
	}
	return false;
}

static bool first_message(const struct sc_session *s)
{
	return s->state == HS_SERVER_WAIT_CLIENT_HELLO ||
	       s->state == HS_CLIENT_WAIT_SERVER_HELLO;
}

/* Judge a frame by its type and length before waiting for its body, so
 * that plain text or a huge length is refused at once. */
static enum sc_status check_header(struct sc_session *s, const uint8_t *hdr,
				   size_t avail)
{
	struct sc_error e;
	uint8_t type = hdr[0];

	if (!type_expected(s, type)) {
		if (first_message(s) && (type == SC_FT_CLIENT_HELLO ||
					 type == SC_FT_SERVER_HELLO))
			return fail(s, SC_ERR_PROTOCOL,
				    "protocol error: the peer is also a %s "
				    "(role mix-up, or our hello reflected)",
				    s->role == SC_ROLE_CLIENT ? "client"
							      : "server");
		if (first_message(s))
			return fail_quiet(s, SC_ERR_NOT_SECURE,
					  "peer does not speak the encrypted "
					  "chat protocol (first byte 0x%02x; "
					  "plain IRC?)", type);
		return fail(s, SC_ERR_PROTOCOL,
			    "protocol error: unexpected message type 0x%02x "
			    "%s", type, state_name(s->state));
	}
	if (avail < SC_FRAME_HDR_LEN)
		return SC_OK;
	size_t len = sc_get_be16(hdr + 1);
	if (is_record_type(type)) {
		if (sc_record_check_length(len, &e) != SC_OK)
			return fail_from(s, &e);
	} else if (len > SC_MAX_HANDSHAKE_BODY) {
		return fail(s, SC_ERR_TOO_BIG,
			    "oversized handshake message (%zu bytes; the limit "
			    "is %d)", len, SC_MAX_HANDSHAKE_BODY);
	}
	return SC_OK;
}

static enum sc_status handle_frame(struct sc_session *s, const uint8_t *frame,
				   size_t flen)
{
	switch (frame[0]) {
	case SC_FT_CLIENT_HELLO: return handle_client_hello(s, frame, flen);
	case SC_FT_SERVER_HELLO: return handle_server_hello(s, frame, flen);
	case SC_FT_SERVER_FINISHED:
		return handle_server_finished(s, frame, flen);
	case SC_FT_CLIENT_FINISHED:
		return handle_client_finished(s, frame, flen);
	case SC_FT_ALERT: return handle_plain_alert(s, frame, flen);
	default: return handle_record(s, frame, flen);
	}
}

enum sc_status sc_feed(struct sc_session *s, const void *data, size_t len)
{
	if (s->state == HS_FAILED)
		return s->status;
	if (len == 0)
		return SC_OK;
	if (s->close_received)
		return fail(s, SC_ERR_PROTOCOL,
			    "protocol error: data after the close record");
	if (!sc_buf_append(&s->in, data, len))
		return fail_nomem(s);
	while (s->state != HS_FAILED && sc_buf_used(&s->in) > 0) {
		const uint8_t *head = sc_buf_head(&s->in);
		size_t avail = sc_buf_used(&s->in);
		if (s->close_received)
			return fail(s, SC_ERR_PROTOCOL,
				    "protocol error: data after the close "
				    "record");
		if (check_header(s, head, avail) != SC_OK)
			break;
		if (avail < SC_FRAME_HDR_LEN)
			break;
		size_t flen = SC_FRAME_HDR_LEN + sc_get_be16(head + 1);
		if (avail < flen)
			break;
		if (handle_frame(s, head, flen) != SC_OK)
			break;
		sc_buf_consume(&s->in, flen);
	}
	return s->status;
}

/* ---- The API around it ----------------------------------------------- */

static enum sc_status check_config(const struct sc_config *cfg,
				   struct sc_error *err)
{
	if (!cfg || !cfg->key || !cfg->provider)
		return sc_fail(err, SC_ERR_INVALID,
			       "configuration needs a key and a provider");
	if (cfg->role != SC_ROLE_CLIENT && cfg->role != SC_ROLE_SERVER)
		return sc_fail(err, SC_ERR_INVALID, "unknown role %d",
			       cfg->role);
	const struct sc_key *k = cfg->key;
	if (k->kind != SC_KEY_FILE && k->kind != SC_KEY_PASSPHRASE)
		return sc_fail(err, SC_ERR_INVALID, "key not loaded");
	bool client_pass = cfg->role == SC_ROLE_CLIENT &&
			   k->kind == SC_KEY_PASSPHRASE;
	if (client_pass ? k->passphrase[0] == '\0' : !k->derived)
		return sc_fail(err, SC_ERR_INVALID,
			       "key not loaded (a server's passphrase key "
			       "needs role SC_ROLE_SERVER)");
	if (cfg->rekey_records > SC_REKEY_RECORDS_MAX ||
	    cfg->rekey_bytes > SC_REKEY_BYTES_MAX)
		return sc_fail(err, SC_ERR_INVALID,
			       "rekey interval over the limit (%u records, "
			       "%u bytes)", SC_REKEY_RECORDS_MAX,
			       SC_REKEY_BYTES_MAX);
	return SC_OK;
}

static enum sc_status send_client_hello(struct sc_session *s,
					struct sc_error *err)
{
	uint8_t ch[SC_CLIENT_HELLO_LEN], *p = ch;
	enum sc_status st;

	memcpy(p, SC_MAGIC, SC_MAGIC_LEN);
	p += SC_MAGIC_LEN;
	*p++ = SC_VERSION;
	*p++ = SC_SUITE;
	st = sc_random(p, SC_RANDOM_LEN, err);
	if (st == SC_OK)
		st = sc_x25519_new(&s->eph, p + SC_RANDOM_LEN, err);
	if (st == SC_OK && emit_frame(s, SC_FT_CLIENT_HELLO, ch, sizeof(ch),
				      true) != SC_OK)
		st = sc_fail(err, s->status, "%s", s->errmsg);
	return st;
}

struct sc_session *sc_session_new(const struct sc_config *cfg,
				  struct sc_error *err)
{
	struct sc_session *s;

	if (check_config(cfg, err) != SC_OK)
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s || !(s->work = malloc(WORK_LEN))) {
		free(s);
		sc_fail(err, SC_ERR_NOMEM, NULL);
		return NULL;
	}
	s->role = cfg->role;
	s->prov = cfg->provider;
	s->key = *cfg->key;
	s->rekey_records = cfg->rekey_records ? cfg->rekey_records
					      : SC_REKEY_RECORDS_DEFAULT;
	s->rekey_bytes = cfg->rekey_bytes ? cfg->rekey_bytes
					  : SC_REKEY_BYTES_DEFAULT;
	if (s->role == SC_ROLE_SERVER) {
		s->state = HS_SERVER_WAIT_CLIENT_HELLO;
	} else {
		s->state = HS_CLIENT_WAIT_SERVER_HELLO;
		if (send_client_hello(s, err) != SC_OK) {
			sc_session_free(s);
			return NULL;
		}
	}
	return s;
}

void sc_session_free(struct sc_session *s)
{
	if (!s)
		return;
	forget_handshake(s);
	sc_dir_keys_free(s->prov, &s->tx.keys);
	sc_dir_keys_free(s->prov, &s->rx.keys);
	sc_buf_free(&s->in);
	sc_buf_free(&s->out);
	sc_buf_free(&s->plain);
	sc_buf_free(&s->early);
	if (s->work)
		sc_wipe(s->work, WORK_LEN);
	free(s->work);
	sc_wipe(s, sizeof(*s));
	free(s);
}

size_t sc_read(struct sc_session *s, void *buf, size_t cap)
{
	return sc_buf_take(&s->plain, buf, cap);
}

size_t sc_readable(const struct sc_session *s)
{
	return sc_buf_used(&s->plain);
}

const uint8_t *sc_output(const struct sc_session *s, size_t *len)
{
	*len = sc_buf_used(&s->out);
	return sc_buf_head(&s->out);
}

void sc_output_consume(struct sc_session *s, size_t n)
{
	sc_buf_consume(&s->out, n);
}

enum sc_status sc_seal(struct sc_session *s, const void *data, size_t len)
{
	const uint8_t *p = data;

	if (s->state == HS_FAILED)
		return s->status;
	if (s->close_wanted || s->close_sent)
		return SC_ERR_CLOSED;
	if (s->state != HS_DONE) {
		if (sc_buf_used(&s->early) + len > SC_MAX_EARLY_PLAINTEXT)
			return SC_ERR_STATE;
		return sc_buf_append(&s->early, data, len) ? SC_OK
							   : fail_nomem(s);
	}
	while (len > 0) {
		size_t n = len > SC_MAX_PLAINTEXT ? SC_MAX_PLAINTEXT : len;
		if (send_record(s, SC_FT_DATA, p, n) != SC_OK)
			return s->status;
		p += n;
		len -= n;
	}
	return SC_OK;
}

enum sc_status sc_close(struct sc_session *s)
{
	if (s->state == HS_FAILED)
		return s->status;
	if (s->close_wanted || s->close_sent)
		return SC_OK;
	s->close_wanted = true;
	return s->state == HS_DONE ? flush_early(s) : SC_OK;
}

enum sc_status sc_eof(struct sc_session *s)
{
	if (s->state == HS_FAILED)
		return s->status;
	if (s->close_received)
		return SC_OK;
	if (s->state != HS_DONE)
		return fail_quiet(s, SC_ERR_TRUNCATED,
				  "truncated stream: the connection closed "
				  "during the handshake (%s)",
				  state_name(s->state));
	return fail_quiet(s, SC_ERR_TRUNCATED,
			  "truncated stream: the connection ended without a "
			  "close record%s",
			  sc_buf_used(&s->in) ? ", in the middle of a record"
					      : "");
}

bool sc_handshake_done(const struct sc_session *s)
{
	return s->state == HS_DONE;
}

bool sc_peer_closed(const struct sc_session *s)
{
	return s->close_received;
}

enum sc_status sc_session_status(const struct sc_session *s)
{
	return s->status;
}

const char *sc_session_error(const struct sc_session *s)
{
	return s->status == SC_OK ? "" : s->errmsg;
}

void sc_session_stats(const struct sc_session *s, struct sc_stats *st)
{
	st->records_sent = s->tx.seq;
	st->records_received = s->rx.seq;
	st->rekeys_sent = s->tx.rekeys;
	st->rekeys_received = s->rx.rekeys;
}
