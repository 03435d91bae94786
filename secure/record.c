/*
 * Records: AES-256-CBC with a random IV, then HMAC-SHA256 over the
 * implicit sequence number, the header, the IV and the ciphertext
 * (encrypt-then-MAC).  The MAC is checked, in constant time, before
 * anything is decrypted.
 */
#include <string.h>

#include <openssl/crypto.h>

#include "internal.h"

enum sc_status sc_dir_keys_from_secret(struct sc_provider *p,
				       const uint8_t secret[SC_KEY_LEN],
				       struct sc_dir_keys *keys,
				       struct sc_error *err)
{
	uint8_t enc[SC_KEY_LEN], mac[SC_KEY_LEN];
	enum sc_status st;

	memset(keys, 0, sizeof(*keys));
	st = sc_hkdf_expand_label(secret, "key", NULL, 0, enc, sizeof(enc),
				  err);
	if (st == SC_OK)
		st = sc_hkdf_expand_label(secret, "mac", NULL, 0, mac,
					  sizeof(mac), err);
	if (st == SC_OK)
		st = p->ops->cipher_new(p, enc, &keys->cipher, err);
	if (st == SC_OK)
		st = p->ops->hmac_new(p, mac, sizeof(mac), &keys->mac, err);
	sc_wipe(enc, sizeof(enc));
	sc_wipe(mac, sizeof(mac));
	if (st != SC_OK)
		sc_dir_keys_free(p, keys);
	return st;
}

void sc_dir_keys_free(struct sc_provider *p, struct sc_dir_keys *keys)
{
	if (keys->cipher)
		p->ops->keyed_free(p, keys->cipher);
	if (keys->mac)
		p->ops->keyed_free(p, keys->mac);
	keys->cipher = NULL;
	keys->mac = NULL;
}

enum sc_status sc_next_secret(uint8_t secret[SC_KEY_LEN], uint64_t next_seq,
			      struct sc_error *err)
{
	uint8_t seq[SC_SEQ_LEN], next[SC_KEY_LEN];
	enum sc_status st;

	sc_put_be64(seq, next_seq);
	st = sc_hkdf_expand_label(secret, "rekey", seq, sizeof(seq), next,
				  sizeof(next), err);
	if (st == SC_OK)
		memcpy(secret, next, SC_KEY_LEN);
	sc_wipe(next, sizeof(next));
	return st;
}

enum sc_status sc_record_seal(struct sc_provider *p,
			      const struct sc_dir_keys *keys, uint64_t seq,
			      uint8_t type, const uint8_t iv[SC_IV_LEN],
			      const uint8_t *payload, size_t n, uint8_t *work,
			      struct sc_error *err)
{
	size_t wire = sc_record_wire_len(n);
	size_t body = wire - SC_FRAME_HDR_LEN;
	size_t ctlen = body - SC_RECORD_OVERHEAD;
	uint8_t pad = (uint8_t)(ctlen - n);
	uint8_t *hdr = work + SC_SEQ_LEN;
	uint8_t *ivp = hdr + SC_FRAME_HDR_LEN;
	uint8_t *ct = ivp + SC_IV_LEN;
	enum sc_status st;

	if (n > SC_MAX_PLAINTEXT)
		return sc_fail(err, SC_ERR_INVALID, "record payload too long");
	sc_put_be64(work, seq);
	hdr[0] = type;
	sc_put_be16(hdr + 1, (uint16_t)body);
	memcpy(ivp, iv, SC_IV_LEN);
	if (n)
		memmove(ct, payload, n);
	memset(ct + n, pad, pad);
	st = p->ops->cbc(p, keys->cipher, true, ivp, ct, ct, ctlen, err);
	if (st != SC_OK)
		return st;
	return p->ops->hmac(p, keys->mac, work,
			    SC_SEQ_LEN + SC_FRAME_HDR_LEN + SC_IV_LEN + ctlen,
			    ct + ctlen, err);
}

enum sc_status sc_record_check_length(size_t body_len, struct sc_error *err)
{
	if (body_len > SC_MAX_RECORD_BODY)
		return sc_fail(err, SC_ERR_TOO_BIG,
			       "oversized record length (%zu bytes; the limit "
			       "is %d)", body_len, SC_MAX_RECORD_BODY);
	if (body_len < SC_MIN_RECORD_BODY ||
	    (body_len - SC_RECORD_OVERHEAD) % SC_BLOCK_LEN != 0)
		return sc_fail(err, SC_ERR_PROTOCOL,
			       "protocol error: malformed record length %zu",
			       body_len);
	return SC_OK;
}

/* Whether the record's MAC is right for sequence number seq. */
static enum sc_status mac_matches(struct sc_provider *p,
				  const struct sc_dir_keys *keys, uint64_t seq,
				  uint8_t *work, size_t maclen_in,
				  const uint8_t *mac, bool *match,
				  struct sc_error *err)
{
	uint8_t want[SC_MAC_LEN];
	enum sc_status st;

	sc_put_be64(work, seq);
	st = p->ops->hmac(p, keys->mac, work, maclen_in, want, err);
	*match = st == SC_OK && CRYPTO_memcmp(want, mac, SC_MAC_LEN) == 0;
	return st;
}

/* The MAC failed for the expected number; is the record merely out of
 * place?  Only the current epoch's keys are at hand to tell. */
static enum sc_status diagnose_bad_mac(struct sc_provider *p,
				       const struct sc_dir_keys *keys,
				       uint64_t seq, uint64_t epoch_first_seq,
				       uint8_t *work, size_t maclen_in,
				       const uint8_t *mac, struct sc_error *err)
{
	bool match;

	for (uint64_t d = 1; d <= SC_SEQ_DIAG_WINDOW; d++) {
		if (seq - epoch_first_seq >= d) {
			if (mac_matches(p, keys, seq - d, work, maclen_in, mac,
					&match, err) != SC_OK)
				return err ? err->status : SC_ERR_CRYPTO;
			if (match)
				return sc_fail(err, SC_ERR_REPLAY,
					       "replayed or reordered record "
					       "(record %llu came again when "
					       "%llu was due)",
					       (unsigned long long)(seq - d),
					       (unsigned long long)seq);
		}
		if (seq + d < seq)
			break;
		if (mac_matches(p, keys, seq + d, work, maclen_in, mac, &match,
				err) != SC_OK)
			return err ? err->status : SC_ERR_CRYPTO;
		if (match)
			return sc_fail(err, SC_ERR_SEQ_GAP,
				       "dropped or reordered record (record "
				       "%llu arrived when %llu was due)",
				       (unsigned long long)(seq + d),
				       (unsigned long long)seq);
	}
	return sc_fail(err, SC_ERR_RECORD_MAC,
		       "record authentication failed (tampered)");
}

enum sc_status sc_record_open(struct sc_provider *p,
			      const struct sc_dir_keys *keys, uint64_t seq,
			      uint64_t epoch_first_seq, uint8_t *work,
			      uint8_t **payload, size_t *n,
			      struct sc_error *err)
{
	uint8_t *hdr = work + SC_SEQ_LEN;
	size_t body = sc_get_be16(hdr + 1);
	size_t ctlen = body - SC_RECORD_OVERHEAD;
	uint8_t *ivp = hdr + SC_FRAME_HDR_LEN;
	uint8_t *ct = ivp + SC_IV_LEN;
	size_t maclen_in = SC_SEQ_LEN + SC_FRAME_HDR_LEN + SC_IV_LEN + ctlen;
	enum sc_status st;
	bool match;

	st = sc_record_check_length(body, err);
	if (st != SC_OK)
		return st;
	st = mac_matches(p, keys, seq, work, maclen_in, ct + ctlen, &match,
			 err);
	if (st != SC_OK)
		return st;
	if (!match)
		return diagnose_bad_mac(p, keys, seq, epoch_first_seq, work,
					maclen_in, ct + ctlen, err);
	st = p->ops->cbc(p, keys->cipher, false, ivp, ct, ct, ctlen, err);
	if (st != SC_OK)
		return st;
	/* Authentic, so a bad pad means a broken peer, not an attacker. */
	uint8_t pad = ct[ctlen - 1];
	bool pad_ok = pad >= 1 && pad <= SC_BLOCK_LEN;
	for (size_t i = 0; pad_ok && i < pad; i++)
		pad_ok = ct[ctlen - 1 - i] == pad;
	if (!pad_ok)
		return sc_fail(err, SC_ERR_PROTOCOL,
			       "protocol error: bad padding in record %llu",
			       (unsigned long long)seq);
	*payload = ct;
	*n = ctlen - pad;
	return SC_OK;
}
