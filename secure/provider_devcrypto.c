/*
 * The devcrypto provider: AES-256-CBC and HMAC-SHA256 as sessions on a
 * cryptodev device (CIOCGSESSION, CIOCCRYPT, CIOCFSESSION).  The same
 * code runs against cryptodev-linux on real hardware and against the
 * guest driver of the virtio-cryptodev device; only the path differs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <crypto/cryptodev.h>

#include "internal.h"

#define DEV_PATH_MAX 256

struct dev_provider {
	struct sc_provider base;
	int fd;
	int last_errno;		/* of the last failed ioctl */
	char path[DEV_PATH_MAX];
};

struct sc_keyed {
	__u32 ses;
	bool is_mac;
};

static struct dev_provider *dev(struct sc_provider *p)
{
	return (struct dev_provider *)p;
}

static enum sc_status dev_fail(struct sc_provider *p, struct sc_error *err,
			       const char *what, int errnum)
{
	dev(p)->last_errno = errnum;
	return sc_fail(err, SC_ERR_DEVICE, "crypto device %s: %s: %s",
		       dev(p)->path, what, strerror(errnum));
}

static enum sc_status new_session(struct sc_provider *p, struct session_op *op,
				  bool is_mac, const char *what,
				  struct sc_keyed **out, struct sc_error *err)
{
	struct sc_keyed *k = calloc(1, sizeof(*k));

	if (!k)
		return sc_fail(err, SC_ERR_NOMEM, NULL);
	if (ioctl(dev(p)->fd, CIOCGSESSION, op) != 0) {
		int e = errno;
		free(k);
		return dev_fail(p, err, what, e);
	}
	k->ses = op->ses;
	k->is_mac = is_mac;
	*out = k;
	return SC_OK;
}

static enum sc_status dev_cipher_new(struct sc_provider *p,
				     const uint8_t key[SC_KEY_LEN],
				     struct sc_keyed **out,
				     struct sc_error *err)
{
	uint8_t keycopy[SC_KEY_LEN];
	struct session_op op;
	enum sc_status st;

	memcpy(keycopy, key, sizeof(keycopy));
	memset(&op, 0, sizeof(op));
	op.cipher = CRYPTO_AES_CBC;
	op.keylen = SC_KEY_LEN;
	op.key = keycopy;
	st = new_session(p, &op, false, "CIOCGSESSION (AES-256-CBC)", out, err);
	sc_wipe(keycopy, sizeof(keycopy));
	return st;
}

static enum sc_status dev_hmac_new(struct sc_provider *p, const uint8_t *key,
				   size_t keylen, struct sc_keyed **out,
				   struct sc_error *err)
{
	uint8_t keycopy[CRYPTO_HMAC_MAX_KEY_LEN];
	struct session_op op;
	enum sc_status st;

	if (keylen == 0 || keylen > sizeof(keycopy))
		return sc_fail(err, SC_ERR_INVALID, "HMAC key length %zu",
			       keylen);
	memcpy(keycopy, key, keylen);
	memset(&op, 0, sizeof(op));
	op.mac = CRYPTO_SHA2_256_HMAC;
	op.mackeylen = (__u32)keylen;
	op.mackey = keycopy;
	st = new_session(p, &op, true, "CIOCGSESSION (HMAC-SHA256)", out, err);
	sc_wipe(keycopy, keylen);
	return st;
}

static enum sc_status dev_cbc(struct sc_provider *p, struct sc_keyed *k,
			      bool encrypt, const uint8_t iv[SC_IV_LEN],
			      const uint8_t *in, uint8_t *out, size_t len,
			      struct sc_error *err)
{
	/* The ABI's pointers are not const; the device does not write iv
	 * without COP_FLAG_WRITE_IV, but a copy costs nothing. */
	uint8_t ivcopy[SC_IV_LEN];
	struct crypt_op op;

	if (k->is_mac || len % SC_BLOCK_LEN || len > UINT32_MAX)
		return sc_fail(err, SC_ERR_INVALID, "AES-CBC: bad request");
	memcpy(ivcopy, iv, SC_IV_LEN);
	memset(&op, 0, sizeof(op));
	op.ses = k->ses;
	op.op = encrypt ? COP_ENCRYPT : COP_DECRYPT;
	op.len = (__u32)len;
	op.src = (__u8 *)in;
	op.dst = out;
	op.iv = ivcopy;
	if (ioctl(dev(p)->fd, CIOCCRYPT, &op) != 0)
		return dev_fail(p, err, "CIOCCRYPT (AES-256-CBC)", errno);
	return SC_OK;
}

static enum sc_status dev_hmac(struct sc_provider *p, struct sc_keyed *k,
			       const uint8_t *data, size_t len,
			       uint8_t mac[SC_MAC_LEN], struct sc_error *err)
{
	struct crypt_op op;

	if (!k->is_mac || len > UINT32_MAX)
		return sc_fail(err, SC_ERR_INVALID, "HMAC: bad request");
	memset(&op, 0, sizeof(op));
	op.ses = k->ses;
	op.op = COP_ENCRYPT;
	op.len = (__u32)len;
	op.src = (__u8 *)data;
	op.mac = mac;
	if (ioctl(dev(p)->fd, CIOCCRYPT, &op) != 0)
		return dev_fail(p, err, "CIOCCRYPT (HMAC-SHA256)", errno);
	return SC_OK;
}

static void dev_keyed_free(struct sc_provider *p, struct sc_keyed *k)
{
	if (!k)
		return;
	/* Nothing useful to do if it fails: the fd's close frees it too. */
	(void)ioctl(dev(p)->fd, CIOCFSESSION, &k->ses);
	free(k);
}

static void dev_close(struct sc_provider *p)
{
	if (dev(p)->fd >= 0)
		close(dev(p)->fd);
	free(p);
}

static const struct sc_provider_ops dev_ops = {
	.kind = "devcrypto",
	.cipher_new = dev_cipher_new,
	.cbc = dev_cbc,
	.hmac_new = dev_hmac_new,
	.hmac = dev_hmac,
	.keyed_free = dev_keyed_free,
	.close = dev_close,
};

/* The kernel driver behind one session ("" if the device cannot say). */
static void session_driver(struct dev_provider *dp, struct sc_keyed *k,
			   bool mac, char *out, size_t cap)
{
	struct session_info_op info;

	memset(&info, 0, sizeof(info));
	info.ses = k->ses;
	out[0] = '\0';
	if (ioctl(dp->fd, CIOCGSESSINFO, &info) != 0)
		return;
	const struct alg_info *alg = mac ? &info.hash_info : &info.cipher_info;
	snprintf(out, cap, "%.*s", (int)sizeof(alg->cra_driver_name),
		 alg->cra_driver_name);
}

/* Name the engines in the provider's name, so a log shows whether the
 * work really goes to (say) the virtio device; optional in the ABI. */
static void describe_engines(struct dev_provider *dp)
{
	static const uint8_t zero_key[SC_KEY_LEN];
	char aes[CRYPTODEV_MAX_ALG_NAME + 1], hmac[CRYPTODEV_MAX_ALG_NAME + 1];
	struct sc_keyed *k = NULL;

	aes[0] = hmac[0] = '\0';
	if (dev_cipher_new(&dp->base, zero_key, &k, NULL) == SC_OK) {
		session_driver(dp, k, false, aes, sizeof(aes));
		dev_keyed_free(&dp->base, k);
	}
	if (dev_hmac_new(&dp->base, zero_key, SC_KEY_LEN, &k, NULL) == SC_OK) {
		session_driver(dp, k, true, hmac, sizeof(hmac));
		dev_keyed_free(&dp->base, k);
	}
	if (aes[0] && hmac[0])
		snprintf(dp->base.name, sizeof(dp->base.name),
			 "devcrypto:%s (%s, %s)", dp->path, aes, hmac);
}

enum sc_status sc_devcrypto_open(const char *path, struct sc_provider **out,
				 struct sc_error *err, int *errnum)
{
	struct dev_provider *dp;

	*errnum = 0;
	if (!path)
		path = SC_DEFAULT_CRYPTO_DEV;
	if (strlen(path) >= DEV_PATH_MAX)
		return sc_fail(err, SC_ERR_INVALID, "crypto device path too long");
	dp = calloc(1, sizeof(*dp));
	if (!dp)
		return sc_fail(err, SC_ERR_NOMEM, NULL);
	dp->base.ops = &dev_ops;
	snprintf(dp->path, sizeof(dp->path), "%s", path);
	snprintf(dp->base.name, sizeof(dp->base.name), "devcrypto:%s", path);
	dp->fd = open(path, O_RDWR | O_CLOEXEC);
	if (dp->fd < 0) {
		*errnum = errno;
		sc_fail(err, SC_ERR_DEVICE, "crypto device %s: %s", path,
			strerror(*errnum));
		free(dp);
		return SC_ERR_DEVICE;
	}
	/* Catch a device without our algorithms, or one computing wrong
	 * answers, now rather than as "authentication failed" later. */
	enum sc_status st = sc_provider_selftest(&dp->base, err);
	if (st != SC_OK) {
		*errnum = dp->last_errno;
		dev_close(&dp->base);
		return st;
	}
	describe_engines(dp);
	*out = &dp->base;
	return SC_OK;
}
