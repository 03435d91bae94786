// SPDX-License-Identifier: MIT
/*
 * SASL PLAIN (IRCv3 sasl 3.1/3.2) against the config file's "account
 * NAME HASH" lines: AUTHENTICATE PLAIN, then one base64 payload of
 * "authzid NUL authcid NUL password" (at most SASL_PAYLOAD_MAX bytes, so
 * one AUTHENTICATE line), checked against the crypt(3) hash.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "commands.h"

/* One AUTHENTICATE line carries at most 400 bytes of base64; a payload
 * that needs more is refused (no PLAIN login of sane size does). */
#define SASL_CHUNK 400

enum { SASL_IDLE, SASL_WAIT_PLAIN };

static int b64_value(char ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+')
		return 62;
	return ch == '/' ? 63 : -1;
}

/* Strict base64 (padding required); returns the decoded length or -1. */
static int b64_decode(const char *in, unsigned char *out, size_t size)
{
	size_t len = strlen(in), i, n = 0;

	if (len % 4)
		return -1;
	for (i = 0; i < len; i += 4) {
		int v[4], k, pad = 0;

		for (k = 0; k < 4; k++) {
			v[k] = b64_value(in[i + k]);
			if (in[i + k] == '=' && i + 4 == len && k >= 2) {
				v[k] = 0;
				pad++;
			} else if (v[k] < 0 || pad) {
				return -1;
			}
		}
		if (n + 3 - pad > size)
			return -1;
		out[n++] = v[0] << 2 | v[1] >> 4;
		if (pad < 2)
			out[n++] = (v[1] & 15) << 4 | v[2] >> 2;
		if (pad < 1)
			out[n++] = (v[2] & 3) << 6 | v[3];
	}
	return n;
}

static const struct account *find_account(const struct server_config *cfg,
					  const char *name)
{
	unsigned i;

	for (i = 0; i < cfg->naccounts; i++)
		if (!strcmp(cfg->accounts[i].name, name))
			return &cfg->accounts[i];
	return NULL;
}

static void sasl_fail(struct client *c)
{
	c->sasl_step = SASL_IDLE;
	client_reply(c, ERR_SASLFAIL, ":SASL authentication failed");
}

/* authzid NUL authcid NUL password; authzid empty or the same name. */
static void check_plain(struct client *c, const char *payload)
{
	unsigned char buf[SASL_CHUNK];
	const char *authzid, *authcid, *password;
	const struct account *acct;
	int n = b64_decode(payload, buf, sizeof(buf) - 1);
	size_t zlen, clen;

	if (n < 0) {
		sasl_fail(c);
		return;
	}
	buf[n] = '\0';
	authzid = (const char *)buf;
	zlen = strnlen(authzid, n);
	if ((int)zlen >= n) {
		sasl_fail(c);
		return;
	}
	authcid = authzid + zlen + 1;
	clen = strnlen(authcid, n - zlen - 1);
	if ((int)(zlen + 1 + clen) >= n) {
		sasl_fail(c);
		return;
	}
	password = authcid + clen + 1;
	acct = find_account(&c->srv->cfg, authcid);
	if (!acct || (zlen && strcmp(authzid, authcid)) ||
	    !crypt_matches(acct->hash, password)) {
		log_msg("%s: failed SASL login as %.*s", c->prefix,
			IRC_NICK_MAX, authcid);
		sasl_fail(c);
		return;
	}
	c->sasl_step = SASL_IDLE;
	snprintf(c->account, sizeof(c->account), "%s", acct->name);
	client_reply(c, RPL_LOGGEDIN, "%s %s :You are now logged in as %s",
		     c->prefix, c->account, c->account);
	client_reply(c, RPL_SASLSUCCESS, ":SASL authentication successful");
}

void cmd_authenticate(struct client *c, struct irc_msg *msg)
{
	const char *arg = msg->params[0];

	if (!(c->caps & CAP_SASL) || c->registered) {
		sasl_fail(c);
	} else if (c->account[0]) {
		client_reply(c, ERR_SASLALREADY, ":You have already "
			     "authenticated using SASL");
	} else if (!strcmp(arg, "*")) {
		c->sasl_step = SASL_IDLE;
		client_reply(c, ERR_SASLABORTED, ":SASL authentication "
			     "aborted");
	} else if (c->sasl_step == SASL_WAIT_PLAIN) {
		if (strlen(arg) >= SASL_CHUNK)
			sasl_fail(c);
		else
			check_plain(c, arg);
	} else if (!strcasecmp(arg, "PLAIN")) {
		c->sasl_step = SASL_WAIT_PLAIN;
		client_sendf(c, "AUTHENTICATE +");
	} else {
		client_reply(c, RPL_SASLMECHS, "PLAIN :are available SASL "
			     "mechanisms");
		sasl_fail(c);
	}
}
