/* Status texts and the mapping between statuses and wire alerts. */
#include <stdio.h>
#include <string.h>

#include "internal.h"

const char *sc_strerror(enum sc_status status)
{
	switch (status) {
	case SC_OK: return "success";
	case SC_ERR_AUTH: return "authentication failed";
	case SC_ERR_KEY_MODE:
		return "authentication failed: key mode mismatch "
		       "(key file on one side, passphrase on the other)";
	case SC_ERR_RECORD_MAC: return "record authentication failed (tampered)";
	case SC_ERR_REPLAY: return "replayed or reordered record";
	case SC_ERR_SEQ_GAP:
		return "dropped or reordered record (sequence gap)";
	case SC_ERR_TRUNCATED: return "truncated stream";
	case SC_ERR_TOO_BIG: return "oversized record length";
	case SC_ERR_PROTOCOL: return "protocol error";
	case SC_ERR_NOT_SECURE:
		return "peer does not speak the encrypted chat protocol";
	case SC_ERR_VERSION: return "unsupported protocol version";
	case SC_ERR_PEER_ALERT: return "the peer reported an error";
	case SC_ERR_CLOSED: return "connection already closed";
	case SC_ERR_STATE: return "not allowed in this state";
	case SC_ERR_DEVICE: return "crypto device failed";
	case SC_ERR_CRYPTO: return "crypto library failed";
	case SC_ERR_KEYFILE: return "unusable key file";
	case SC_ERR_NOMEM: return "out of memory";
	case SC_ERR_INVALID: return "invalid argument";
	}
	return "unknown error";
}

enum sc_status sc_vfail(struct sc_error *err, enum sc_status status,
			const char *fmt, va_list ap)
{
	if (err) {
		err->status = status;
		if (fmt)
			vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		else
			snprintf(err->msg, sizeof(err->msg), "%s",
				 sc_strerror(status));
	}
	return status;
}

enum sc_status sc_fail(struct sc_error *err, enum sc_status status,
		       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sc_vfail(err, status, fmt, ap);
	va_end(ap);
	return status;
}

enum sc_alert sc_alert_for(enum sc_status status)
{
	switch (status) {
	case SC_ERR_AUTH: return SC_ALERT_AUTH;
	case SC_ERR_KEY_MODE: return SC_ALERT_KEY_MODE;
	case SC_ERR_VERSION: return SC_ALERT_VERSION;
	case SC_ERR_RECORD_MAC: return SC_ALERT_RECORD_MAC;
	case SC_ERR_REPLAY: return SC_ALERT_REPLAY;
	case SC_ERR_SEQ_GAP: return SC_ALERT_SEQ_GAP;
	case SC_ERR_TOO_BIG: return SC_ALERT_TOO_BIG;
	case SC_ERR_PROTOCOL:
	case SC_ERR_NOT_SECURE:
	case SC_ERR_TRUNCATED:
		return SC_ALERT_PROTOCOL;
	default: return SC_ALERT_INTERNAL;
	}
}

enum sc_status sc_status_for_alert(unsigned code)
{
	switch (code) {
	case SC_ALERT_AUTH: return SC_ERR_AUTH;
	case SC_ALERT_KEY_MODE: return SC_ERR_KEY_MODE;
	case SC_ALERT_VERSION: return SC_ERR_VERSION;
	case SC_ALERT_RECORD_MAC: return SC_ERR_RECORD_MAC;
	case SC_ALERT_REPLAY: return SC_ERR_REPLAY;
	case SC_ALERT_SEQ_GAP: return SC_ERR_SEQ_GAP;
	case SC_ALERT_TOO_BIG: return SC_ERR_TOO_BIG;
	case SC_ALERT_PROTOCOL: return SC_ERR_PROTOCOL;
	default: return SC_ERR_PEER_ALERT;
	}
}
