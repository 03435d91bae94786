// SPDX-License-Identifier: MIT
/*
 * The cryptodev OpenSSL 3 provider: entry point, provider parameters,
 * algorithm tables, errors, and the device files and sessions the
 * algorithms run on.
 *
 * At load the provider opens the device (provider parameter "device",
 * default /dev/crypto) and offers only the algorithms whose probe session
 * the device accepts.  Without a device it still loads, offers nothing and
 * reports status 0: fetches that ask for provider=cryptodev fail with
 * OpenSSL's ordinary "unsupported" errors and every other fetch is served
 * by the other providers (the default one).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/params.h>

#include "cryptodev_prov.h"

static const OSSL_ITEM cdev_reason_strings[] = {
	{ CDEV_R_NO_DEVICE, "the cryptodev device is not available" },
	{ CDEV_R_SESSION_REFUSED, "the device refused a session" },
	{ CDEV_R_DEVICE_FAILED, "a device operation failed" },
	{ CDEV_R_BAD_KEY_LENGTH, "invalid key length" },
	{ CDEV_R_BAD_IV_LENGTH, "invalid IV length" },
	{ CDEV_R_NO_KEY, "no key set" },
	{ CDEV_R_NO_IV, "no IV set" },
	{ CDEV_R_WRONG_FINAL_BLOCK_LENGTH, "wrong final block length" },
	{ CDEV_R_BAD_DECRYPT, "bad decrypt" },
	{ CDEV_R_NOT_BLOCK_MULTIPLE, "data not a multiple of the block length" },
	{ CDEV_R_MESSAGE_TOO_LONG, "message too long for one device request" },
	{ CDEV_R_BAD_TAG_LENGTH, "invalid tag length" },
	{ CDEV_R_NO_TAG, "no tag set or computed" },
	{ CDEV_R_CANNOT_DUPLICATE,
	  "cannot duplicate a state held on the device" },
	{ CDEV_R_UNSUPPORTED_DIGEST, "digest not supported by the device" },
	{ CDEV_R_OUTPUT_TOO_SMALL, "output buffer too small" },
	{ CDEV_R_BAD_PARAMETER, "invalid parameter" },
	{ CDEV_R_NO_MEMORY, "out of memory" },
	{ CDEV_R_IV_NOT_RENEWED, "a GCM message needs a new IV" },
	{ CDEV_R_AAD_AFTER_DATA, "AAD given after data" },
	{ 0, NULL }
};

void cdev_raise(const CDEV_PROV *p, const char *file, int line,
		const char *func, int reason, const char *fmt, ...)
{
	va_list ap;

	if (p == NULL || p->new_error == NULL || p->vset_error == NULL)
		return;
	p->new_error(p->handle);
	if (p->set_error_debug != NULL)
		p->set_error_debug(p->handle, file, line, func);
	va_start(ap, fmt);
	p->vset_error(p->handle, (uint32_t)reason, fmt, ap);
	va_end(ap);
}

void cdev_count(unsigned long *counter)
{
	__atomic_add_fetch(counter, 1, __ATOMIC_RELAXED);
}

static unsigned long cdev_read(const unsigned long *counter)
{
	return __atomic_load_n(counter, __ATOMIC_RELAXED);
}

/* ---- device files and sessions ---- */

static int cdev_open_file(const char *path)
{
	int fd;

	do
		fd = open(path, O_RDWR | O_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	return fd;
}

static int cdev_ioctl(int fd, unsigned long req, void *arg)
{
	int r;

	do
		r = ioctl(fd, req, arg);
	while (r < 0 && errno == EINTR);
	return r < 0 ? errno : 0;
}

static int cdev_same_id(const struct cdev_sess_id *x,
			const struct cdev_sess_id *y)
{
	return x->cipher == y->cipher && x->mac == y->mac &&
	       x->keylen == y->keylen && x->mackeylen == y->mackeylen &&
	       CRYPTO_memcmp(x->key, y->key, x->keylen) == 0 &&
	       CRYPTO_memcmp(x->mackey, y->mackey, x->mackeylen) == 0;
}

static void cdev_destroy(CDEV_PROV *p, CDEV_SESSION *s)
{
	(void)cdev_ioctl(s->fd, CIOCFSESSION, &s->ses);
	cdev_count(&p->sessions_closed);
	OPENSSL_clear_free(s->id, sizeof(*s->id));
	s->id = NULL;
	s->fd = -1;
}

/* An idle session made of the same algorithms and keys, taken out of the
 * cache; 0 if there is none.  Under p->lock. */
static int cdev_idle_take(CDEV_PROV *p, CDEV_SESSION *s,
			  const struct cdev_sess_id *want)
{
	for (int i = 0; i < p->nidle; i++) {
		if (!cdev_same_id(p->idle[i].id, want))
			continue;
		*s = p->idle[i];
		p->nidle--;
		p->idle[i] = p->idle[p->nidle];
		p->idle_stamp[i] = p->idle_stamp[p->nidle];
		cdev_count(&p->sessions_reused);
		return 1;
	}
	return 0;
}

/*
 * A session: an idle one with the same algorithms and keys, else a new
 * one on the newest file that has room.  A device file holds a bounded
 * number of sessions (the project's device: max-sessions, 64 by
 * default), so when it answers ENOSPC another file is opened.
 */
int cdev_session_open(CDEV_PROV *p, CDEV_SESSION *s, uint32_t cipher,
		      const unsigned char *key, size_t keylen, uint32_t mac,
		      const unsigned char *mackey, size_t mackeylen)
{
	struct session_op sop;
	struct cdev_sess_id *id;
	int i, err = ENODEV, fd;

	s->fd = -1;
	s->id = NULL;
	if (p->nfiles == 0) {
		CDEV_ERR(p, CDEV_R_NO_DEVICE, "%s: %s", p->device,
			 strerror(p->device_errno));
		return 0;
	}
	if (keylen > sizeof(id->key) || mackeylen > sizeof(id->mackey)) {
		CDEV_ERR(p, CDEV_R_BAD_KEY_LENGTH, NULL);
		return 0;
	}
	id = OPENSSL_zalloc(sizeof(*id));
	if (id == NULL) {
		CDEV_ERR(p, CDEV_R_NO_MEMORY, NULL);
		return 0;
	}
	id->cipher = cipher;
	id->mac = mac;
	id->keylen = keylen;
	id->mackeylen = mackeylen;
	if (keylen > 0)
		memcpy(id->key, key, keylen);
	if (mackeylen > 0)
		memcpy(id->mackey, mackey, mackeylen);
	pthread_mutex_lock(&p->lock);
	if (cdev_idle_take(p, s, id)) {
		pthread_mutex_unlock(&p->lock);
		OPENSSL_clear_free(id, sizeof(*id));
		return 1;
	}
	for (i = p->nfiles - 1; i >= -1; i--) {
		if (i < 0) {
			if (err != ENOSPC)
				break;
			/* every file full: the idle sessions go first, then
			 * the files are tried again; then a new file */
			if (p->nidle > 0) {
				while (p->nidle > 0)
					cdev_destroy(p, &p->idle[--p->nidle]);
				i = p->nfiles;
				continue;
			}
			if (p->nfiles >= CDEV_MAX_FILES)
				break;
			fd = cdev_open_file(p->device);
			if (fd < 0) {
				err = errno;
				break;
			}
			p->files[p->nfiles++] = fd;
			i = p->nfiles - 1;
		}
		memset(&sop, 0, sizeof(sop));
		sop.cipher = cipher;
		sop.mac = mac;
		sop.keylen = (uint32_t)keylen;
		sop.key = (unsigned char *)key;
		sop.mackeylen = (uint32_t)mackeylen;
		sop.mackey = (unsigned char *)mackey;
		err = cdev_ioctl(p->files[i], CIOCGSESSION, &sop);
		if (err == 0) {
			s->fd = p->files[i];
			s->ses = sop.ses;
			s->id = id;
			break;
		}
		if (err != ENOSPC)
			break;
	}
	pthread_mutex_unlock(&p->lock);
	OPENSSL_cleanse(&sop, sizeof(sop));
	if (s->fd < 0) {
		OPENSSL_clear_free(id, sizeof(*id));
		CDEV_ERR(p, CDEV_R_SESSION_REFUSED,
			 "%s: cipher %u mac %u: %s", p->device, cipher, mac,
			 strerror(err));
		return 0;
	}
	cdev_count(&p->sessions_opened);
	return 1;
}

/* Every user of a session passes its IV with each request and restarts
 * a hash with its first one, so an idle session carries nothing over. */
void cdev_session_close(CDEV_PROV *p, CDEV_SESSION *s)
{
	int oldest = 0;

	if (s->fd < 0)
		return;
	/* not GCM: on cryptodev-linux a gcm(aes) session that had opened
	 * with a short tag and failed an open sealed wrongly afterwards */
	if (s->id->cipher == CRYPTO_AES_GCM) {
		cdev_destroy(p, s);
		return;
	}
	pthread_mutex_lock(&p->lock);
	if (p->nidle == CDEV_IDLE_MAX) {
		for (int i = 1; i < p->nidle; i++)
			if (p->idle_stamp[i] < p->idle_stamp[oldest])
				oldest = i;
		cdev_destroy(p, &p->idle[oldest]);
		p->idle[oldest] = *s;
		p->idle_stamp[oldest] = ++p->stamp;
	} else {
		p->idle[p->nidle] = *s;
		p->idle_stamp[p->nidle++] = ++p->stamp;
	}
	pthread_mutex_unlock(&p->lock);
	s->fd = -1;
	s->id = NULL;
	s->ses = 0;
}

int cdev_crypt(CDEV_PROV *p, const CDEV_SESSION *s, int op, int flags,
	       const unsigned char *src, unsigned char *dst, size_t len,
	       unsigned char *iv, unsigned char *mac)
{
	struct crypt_op cop;

	if (len > UINT32_MAX)
		return E2BIG;
	memset(&cop, 0, sizeof(cop));
	cop.ses = s->ses;
	cop.op = (uint16_t)op;
	cop.flags = (uint16_t)flags;
	cop.len = (uint32_t)len;
	cop.src = (unsigned char *)src;
	cop.dst = dst;
	cop.mac = mac;
	cop.iv = iv;
	if (dst == NULL)
		cdev_count(&p->hash_ops);
	else
		cdev_count(&p->cipher_ops);
	return cdev_ioctl(s->fd, CIOCCRYPT, &cop);
}

void cdev_ctr_add(unsigned char ctr[16], uint64_t blocks)
{
	unsigned int carry;
	int i;

	for (i = 15; i >= 0 && blocks != 0; i--) {
		carry = (unsigned int)ctr[i] + (unsigned int)(blocks & 0xff);
		ctr[i] = (unsigned char)carry;
		blocks = (blocks >> 8) + (carry >> 8);
	}
}

int cdev_crypt_split(CDEV_PROV *p, const CDEV_SESSION *s, int op, int flags,
		     const unsigned char *src, unsigned char *dst, size_t len,
		     unsigned char *iv, unsigned char *mac, int chain)
{
	unsigned char last[16];
	size_t n, max;
	int err;

	while (len > 0) {
		max = __atomic_load_n(&p->max_req, __ATOMIC_RELAXED);
		n = len < max ? len : max;
		if (n < len)
			n -= n % 16;
		if (chain == CDEV_CHAIN_CBC && op == COP_DECRYPT)
			memcpy(last, src + n - 16, 16);
		err = cdev_crypt(p, s, op, flags, src, dst, n, iv, mac);
		if (err == E2BIG && max > CDEV_REQ_FLOOR) {
			size_t half = max / 2;

			__atomic_compare_exchange_n(&p->max_req, &max, half, 0,
						    __ATOMIC_RELAXED,
						    __ATOMIC_RELAXED);
			continue;
		}
		if (err != 0)
			return err;
		if (chain == CDEV_CHAIN_CBC)
			memcpy(iv, op == COP_DECRYPT ? last : dst + n - 16, 16);
		else if (chain == CDEV_CHAIN_CTR)
			cdev_ctr_add(iv, (n + 15) / 16);
		flags &= ~COP_FLAG_RESET;	/* a hash restarts once */
		src += n;
		if (dst != NULL)
			dst += n;
		len -= n;
	}
	return 0;
}

int cdev_aead(CDEV_PROV *p, const CDEV_SESSION *s, int op,
	      const unsigned char *aad, size_t aadlen,
	      const unsigned char *src, size_t len, unsigned char *dst,
	      size_t taglen, unsigned char *iv, size_t ivlen)
{
	struct crypt_auth_op cao;

	/* cryptodev-linux 1.14 oopses on a NULL auth_src even with
	 * auth_len 0 (its zero-copy AEAD path): never pass NULL */
	static unsigned char none[1];

	if (len > UINT32_MAX || aadlen > UINT32_MAX)
		return E2BIG;
	if (aad == NULL)
		aad = none;
	if (src == NULL)
		src = none;
	memset(&cao, 0, sizeof(cao));
	cao.ses = s->ses;
	cao.op = (uint16_t)op;
	cao.len = (uint32_t)len;
	cao.auth_len = (uint32_t)aadlen;
	cao.auth_src = (unsigned char *)aad;
	cao.src = (unsigned char *)src;
	cao.dst = dst;
	cao.tag_len = (uint32_t)taglen;
	cao.iv = iv;
	cao.iv_len = (uint32_t)ivlen;
	cdev_count(&p->aead_ops);
	return cdev_ioctl(s->fd, CIOCAUTHCRYPT, &cao);
}

/* ---- provider parameters ---- */

static const OSSL_PARAM cdev_param_types[] = {
	OSSL_PARAM_DEFN(OSSL_PROV_PARAM_NAME, OSSL_PARAM_UTF8_PTR, NULL, 0),
	OSSL_PARAM_DEFN(OSSL_PROV_PARAM_VERSION, OSSL_PARAM_UTF8_PTR, NULL, 0),
	OSSL_PARAM_DEFN(OSSL_PROV_PARAM_BUILDINFO, OSSL_PARAM_UTF8_PTR, NULL, 0),
	OSSL_PARAM_DEFN(OSSL_PROV_PARAM_STATUS, OSSL_PARAM_INTEGER, NULL, 0),
	OSSL_PARAM_DEFN("device", OSSL_PARAM_UTF8_PTR, NULL, 0),
	OSSL_PARAM_DEFN("sessions-opened", OSSL_PARAM_UNSIGNED_INTEGER, NULL, 0),
	OSSL_PARAM_DEFN("sessions-closed", OSSL_PARAM_UNSIGNED_INTEGER, NULL, 0),
	OSSL_PARAM_DEFN("cipher-ops", OSSL_PARAM_UNSIGNED_INTEGER, NULL, 0),
	OSSL_PARAM_DEFN("aead-ops", OSSL_PARAM_UNSIGNED_INTEGER, NULL, 0),
	OSSL_PARAM_DEFN("hash-ops", OSSL_PARAM_UNSIGNED_INTEGER, NULL, 0),
	OSSL_PARAM_DEFN("tls-records", OSSL_PARAM_UNSIGNED_INTEGER, NULL, 0),
	OSSL_PARAM_DEFN("sessions-idle", OSSL_PARAM_UNSIGNED_INTEGER, NULL, 0),
	OSSL_PARAM_DEFN("sessions-reused", OSSL_PARAM_UNSIGNED_INTEGER, NULL, 0),
	OSSL_PARAM_END
};

static const OSSL_PARAM *cdev_gettable_params(void *provctx)
{
	(void)provctx;
	return cdev_param_types;
}

static int cdev_set_ulong(OSSL_PARAM params[], const char *key,
			  unsigned long v)
{
	OSSL_PARAM *q = OSSL_PARAM_locate(params, key);

	return q == NULL || OSSL_PARAM_set_ulong(q, v);
}

static unsigned long cdev_idle(CDEV_PROV *p)
{
	unsigned long n;

	pthread_mutex_lock(&p->lock);
	n = (unsigned long)p->nidle;
	pthread_mutex_unlock(&p->lock);
	return n;
}

static int cdev_get_params(void *provctx, OSSL_PARAM params[])
{
	CDEV_PROV *p = provctx;
	OSSL_PARAM *q;

	q = OSSL_PARAM_locate(params, OSSL_PROV_PARAM_NAME);
	if (q != NULL && !OSSL_PARAM_set_utf8_ptr(q,
			"cryptodev provider (/dev/crypto)"))
		return 0;
	q = OSSL_PARAM_locate(params, OSSL_PROV_PARAM_VERSION);
	if (q != NULL && !OSSL_PARAM_set_utf8_ptr(q, CDEV_PROV_VERSION))
		return 0;
	q = OSSL_PARAM_locate(params, OSSL_PROV_PARAM_BUILDINFO);
	if (q != NULL && !OSSL_PARAM_set_utf8_ptr(q, CDEV_PROV_VERSION))
		return 0;
	q = OSSL_PARAM_locate(params, OSSL_PROV_PARAM_STATUS);
	if (q != NULL && !OSSL_PARAM_set_int(q, p->nfiles > 0))
		return 0;
	q = OSSL_PARAM_locate(params, "device");
	if (q != NULL && !OSSL_PARAM_set_utf8_ptr(q, p->device))
		return 0;
	return cdev_set_ulong(params, "sessions-opened",
			      cdev_read(&p->sessions_opened)) &&
	       cdev_set_ulong(params, "sessions-closed",
			      cdev_read(&p->sessions_closed)) &&
	       cdev_set_ulong(params, "cipher-ops", cdev_read(&p->cipher_ops)) &&
	       cdev_set_ulong(params, "aead-ops", cdev_read(&p->aead_ops)) &&
	       cdev_set_ulong(params, "hash-ops", cdev_read(&p->hash_ops)) &&
	       cdev_set_ulong(params, "tls-records",
			      cdev_read(&p->tls_records)) &&
	       cdev_set_ulong(params, "sessions-idle", cdev_idle(p)) &&
	       cdev_set_ulong(params, "sessions-reused",
			      cdev_read(&p->sessions_reused));
}

static const OSSL_ITEM *cdev_get_reason_strings(void *provctx)
{
	(void)provctx;
	return cdev_reason_strings;
}

static const OSSL_ALGORITHM *cdev_query(void *provctx, int operation_id,
					int *no_cache)
{
	CDEV_PROV *p = provctx;

	*no_cache = 0;
	switch (operation_id) {
	case OSSL_OP_CIPHER:
		return p->ciphers;
	case OSSL_OP_DIGEST:
		return p->digests;
	case OSSL_OP_MAC:
		return p->macs;
	}
	return NULL;
}

static void cdev_print_stats(const CDEV_PROV *p)
{
	const char *env = getenv("CRYPTODEV_PROVIDER_STATS");

	if (env == NULL || *env == '\0' || strcmp(env, "0") == 0)
		return;
	fprintf(stderr, "cryptodev provider: device %s, sessions %lu opened "
		"%lu closed (%lu reused), cipher ops %lu, aead ops %lu, "
		"hash ops %lu, tls records %lu\n",
		p->device, cdev_read(&p->sessions_opened),
		cdev_read(&p->sessions_closed), cdev_read(&p->sessions_reused),
		cdev_read(&p->cipher_ops), cdev_read(&p->aead_ops),
		cdev_read(&p->hash_ops), cdev_read(&p->tls_records));
}

static void cdev_teardown(void *provctx)
{
	CDEV_PROV *p = provctx;
	int i;

	if (p == NULL)
		return;
	while (p->nidle > 0)
		cdev_destroy(p, &p->idle[--p->nidle]);
	cdev_print_stats(p);
	for (i = 0; i < p->nfiles; i++)
		close(p->files[i]);
	pthread_mutex_destroy(&p->lock);
	OPENSSL_free(p->ciphers);
	OPENSSL_free(p->digests);
	OPENSSL_free(p->macs);
	OPENSSL_free(p);
}

static const OSSL_DISPATCH cdev_dispatch[] = {
	{ OSSL_FUNC_PROVIDER_TEARDOWN, (void (*)(void))cdev_teardown },
	{ OSSL_FUNC_PROVIDER_GETTABLE_PARAMS,
	  (void (*)(void))cdev_gettable_params },
	{ OSSL_FUNC_PROVIDER_GET_PARAMS, (void (*)(void))cdev_get_params },
	{ OSSL_FUNC_PROVIDER_QUERY_OPERATION, (void (*)(void))cdev_query },
	{ OSSL_FUNC_PROVIDER_GET_REASON_STRINGS,
	  (void (*)(void))cdev_get_reason_strings },
	{ 0, NULL }
};

/* Whether the device takes a session for this algorithm (with a zero key). */
static int cdev_probe(CDEV_PROV *p, const struct cdev_alg *a)
{
	static const unsigned char zero[64];
	struct session_op sop;

	memset(&sop, 0, sizeof(sop));
	sop.cipher = a->cipher;
	sop.mac = a->mac;
	if (a->cipher != 0) {
		sop.keylen = (uint32_t)a->keylen;
		sop.key = (unsigned char *)zero;
	} else if (a->keylen > 0) {
		sop.mackeylen = (uint32_t)a->keylen;
		sop.mackey = (unsigned char *)zero;
	}
	if (cdev_ioctl(p->files[0], CIOCGSESSION, &sop) != 0)
		return 0;
	(void)cdev_ioctl(p->files[0], CIOCFSESSION, &sop.ses);
	return 1;
}

/* The entries of a part's table the device accepts, NULL-terminated. */
static OSSL_ALGORITHM *cdev_offer(CDEV_PROV *p, const struct cdev_alg *t)
{
	OSSL_ALGORITHM *out;
	size_t n = 0, k = 0;

	while (t[n].alg.algorithm_names != NULL)
		n++;
	out = OPENSSL_zalloc((n + 1) * sizeof(*out));
	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < n && p->nfiles > 0; i++)
		if (cdev_probe(p, &t[i]))
			out[k++] = t[i].alg;
	return out;
}

static void cdev_read_config(CDEV_PROV *p, const OSSL_DISPATCH *in)
{
	OSSL_FUNC_core_get_params_fn *get_params = NULL;
	char *device = NULL;
	OSSL_PARAM req[2];

	for (; in->function_id != 0; in++) {
		switch (in->function_id) {
		case OSSL_FUNC_CORE_GET_PARAMS:
			get_params = OSSL_FUNC_core_get_params(in);
			break;
		case OSSL_FUNC_CORE_NEW_ERROR:
			p->new_error = OSSL_FUNC_core_new_error(in);
			break;
		case OSSL_FUNC_CORE_SET_ERROR_DEBUG:
			p->set_error_debug = OSSL_FUNC_core_set_error_debug(in);
			break;
		case OSSL_FUNC_CORE_VSET_ERROR:
			p->vset_error = OSSL_FUNC_core_vset_error(in);
			break;
		}
	}
	snprintf(p->device, sizeof(p->device), "%s", CDEV_DEFAULT_DEVICE);
	if (get_params == NULL)
		return;
	req[0] = OSSL_PARAM_construct_utf8_ptr("device", &device, 0);
	req[1] = OSSL_PARAM_construct_end();
	if (get_params(p->handle, req) && device != NULL && *device != '\0')
		snprintf(p->device, sizeof(p->device), "%s", device);
}

__attribute__((visibility("default")))
int OSSL_provider_init(const OSSL_CORE_HANDLE *handle,
		       const OSSL_DISPATCH *in, const OSSL_DISPATCH **out,
		       void **provctx);

int OSSL_provider_init(const OSSL_CORE_HANDLE *handle,
		       const OSSL_DISPATCH *in, const OSSL_DISPATCH **out,
		       void **provctx)
{
	CDEV_PROV *p = OPENSSL_zalloc(sizeof(*p));
	int fd;

	if (p == NULL)
		return 0;
	p->handle = handle;
	p->max_req = CDEV_REQ_START;
	pthread_mutex_init(&p->lock, NULL);
	cdev_read_config(p, in);
	fd = cdev_open_file(p->device);
	if (fd >= 0) {
		p->files[0] = fd;
		p->nfiles = 1;
	} else {
		p->device_errno = errno;
	}
	p->ciphers = cdev_offer(p, cdev_cipher_algs);
	p->digests = cdev_offer(p, cdev_digest_algs);
	p->macs = cdev_offer(p, cdev_mac_algs);
	if (p->ciphers == NULL || p->digests == NULL || p->macs == NULL) {
		cdev_teardown(p);
		return 0;
	}
	*out = cdev_dispatch;
	*provctx = p;
	return 1;
}
