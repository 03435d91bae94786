// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cryptodev-hostcore-kat: the QEMU device's host engine, proven against a
 * real kernel /dev/crypto.  This program links the device's own
 * engine-neutral core (qemu/tree/hw/virtio/virtio-cryptodev-core.c) and
 * host forwarding (virtio-cryptodev-host-core.c), both plain C without
 * QEMU, and runs the standard vectors through them: each cryptodev call of the KAT is
 * turned into the virtio request the guest driver would send (the flag
 * and length rules of docs/virtio-cryptodev.md), checked with the core's
 * vcd_check_*() and executed with its vcd_host_*() forwarding, exactly as
 * the device does for a guest.  TAP output; exit 0 only if all passed.
 *
 *   cryptodev-hostcore-kat [-d DEVICE]
 *
 * (GPL because it links the QEMU-side core, which is GPL-2.0-or-later.)
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <crypto/cryptodev.h>
#include <virtio_cryptodev.h>
#include <hw/virtio/virtio-cryptodev-core.h>
#include <hw/virtio/virtio-cryptodev-host-core.h>

#include "kat.h"
#include "tap.h"

#define DEFAULT_DEVICE		"/dev/crypto"
/* The device's defaults (docs/virtio-cryptodev.md). */
#define CORE_MAX_SESSIONS	64
#define CORE_MAX_DATA_LEN	(1u << 20)
/* Session ids handed out here: index + this, so 0 is never valid. */
#define CORE_SESSION_BASE	0x100

struct core_engine {
	int fd;
	VcdLimits limits;
	VcdHostSession sessions[CORE_MAX_SESSIONS];
	bool used[CORE_MAX_SESSIONS];
};

/* The guest driver's status-to-errno rules for the calls used here. */
static int status_errno(uint32_t status, bool destroying)
{
	switch (status) {
	case VIRTIO_CRYPTODEV_S_OK:
		return 0;
	case VIRTIO_CRYPTODEV_S_BADMSG:
		return -EBADMSG;
	case VIRTIO_CRYPTODEV_S_NOTSUPP:
	case VIRTIO_CRYPTODEV_S_INVAL:
		return -EINVAL;
	case VIRTIO_CRYPTODEV_S_NOSESSION:
		return destroying ? -ENOENT : -EINVAL;
	case VIRTIO_CRYPTODEV_S_LIMIT:
		return -ENOSPC;
	case VIRTIO_CRYPTODEV_S_NOMEM:
		return -ENOMEM;
	case VIRTIO_CRYPTODEV_S_TOOBIG:
		return -E2BIG;
	default:
		return -EIO;
	}
}

static VcdHostSession *core_session(struct core_engine *ce, uint32_t ses)
{
	uint32_t i = ses - CORE_SESSION_BASE;

	if (ses < CORE_SESSION_BASE || i >= CORE_MAX_SESSIONS || !ce->used[i])
		return NULL;
	return &ce->sessions[i];
}

static int core_new_session(void *ctx, struct session_op *sop)
{
	struct core_engine *ce = ctx;
	VcdSessionShape shape;
	uint32_t status;
	int i;

	status = vcd_check_session(&ce->limits, sop->cipher, sop->mac,
				   sop->keylen, sop->mackeylen, &shape);
	if (status)
		return status_errno(status, false);
	for (i = 0; i < CORE_MAX_SESSIONS && ce->used[i]; i++)
		;
	if (i == CORE_MAX_SESSIONS)
		return -ENOSPC;
	status = vcd_host_session_create(ce->fd, &shape, sop->key, sop->mackey,
					 &ce->sessions[i]);
	if (status)
		return status_errno(status, false);
	ce->used[i] = true;
	sop->ses = CORE_SESSION_BASE + (uint32_t)i;
	return 0;
}

static int core_free_session(void *ctx, uint32_t ses)
{
	struct core_engine *ce = ctx;
	VcdHostSession *hs = core_session(ce, ses);

	if (!hs)
		return status_errno(VIRTIO_CRYPTODEV_S_NOSESSION, true);
	vcd_host_session_destroy(ce->fd, hs);
	ce->used[ses - CORE_SESSION_BASE] = false;
	return 0;
}

/*
 * The request the guest driver sends for a CIOCCRYPT: cryptodev-linux's
 * hash rules (reset on flags 0 or COP_FLAG_RESET; digest on FINAL,
 * without UPDATE, or on an empty update) and IV rules (F_IV when an IV is
 * passed; written back with COP_FLAG_WRITE_IV).
 */
static void plan_crypt(const struct crypt_op *cop,
		       const VcdSessionShape *shape, VcdCryptPara *p)
{
	memset(p, 0, sizeof(*p));
	p->direction = cop->op == COP_DECRYPT ? VIRTIO_CRYPTODEV_DIR_DECRYPT :
						VIRTIO_CRYPTODEV_DIR_ENCRYPT;
	p->src_len = cop->len;
	if (shape->cipher) {
		p->dst_len = cop->len;
		if (cop->iv && shape->iv_len) {
			p->iv_len = shape->iv_len;
			p->flags |= VIRTIO_CRYPTODEV_CRYPT_F_IV;
			if (cop->flags & COP_FLAG_WRITE_IV)
				p->iv_out_len = shape->iv_len;
		}
	}
	if (shape->mac) {
		if (!cop->flags || (cop->flags & COP_FLAG_RESET))
			p->flags |= VIRTIO_CRYPTODEV_CRYPT_F_HASH_RESET;
		if ((cop->flags & COP_FLAG_FINAL) ||
		    !(cop->flags & COP_FLAG_UPDATE) || !cop->len) {
			p->flags |= VIRTIO_CRYPTODEV_CRYPT_F_HASH_FINAL;
			p->mac_len = shape->digest_len;
		}
	}
}

static int core_crypt(void *ctx, struct crypt_op *cop)
{
	struct core_engine *ce = ctx;
	VcdHostSession *hs = core_session(ce, cop->ses);
	uint8_t iv_out[VCD_MAX_IV_LEN];
	VcdCryptBufs b;
	VcdCryptPara p;
	uint32_t status;

	if (cop->op != COP_ENCRYPT && cop->op != COP_DECRYPT)
		return -EINVAL;
	if (!hs)
		return status_errno(VIRTIO_CRYPTODEV_S_NOSESSION, false);
	plan_crypt(cop, &hs->shape, &p);
	status = vcd_check_crypt(&ce->limits, &hs->shape, &p);
	if (status)
		return status_errno(status, false);
	b = (VcdCryptBufs){
		.iv = p.iv_len ? cop->iv : NULL, .src = cop->src,
		.dst = p.dst_len ? cop->dst : NULL,
		.mac = p.mac_len ? cop->mac : NULL,
		.iv_out = p.iv_out_len ? iv_out : NULL,
	};
	status = vcd_host_crypt(ce->fd, hs, &p, &b);
	if (!status && p.iv_out_len)
		memcpy(cop->iv, iv_out, p.iv_out_len);
	return status_errno(status, false);
}

static int core_auth_crypt(void *ctx, struct crypt_auth_op *caop)
{
	struct core_engine *ce = ctx;
	VcdHostSession *hs = core_session(ce, caop->ses);
	bool enc = caop->op == COP_ENCRYPT;
	VcdAeadPara p = { 0 };
	VcdAeadBufs b;
	uint32_t status;

	if (!enc && caop->op != COP_DECRYPT)
		return -EINVAL;
	if (!hs)
		return status_errno(VIRTIO_CRYPTODEV_S_NOSESSION, false);
	p.direction = enc ? VIRTIO_CRYPTODEV_DIR_ENCRYPT :
			    VIRTIO_CRYPTODEV_DIR_DECRYPT;
	p.src_len = caop->len;
	p.aad_len = caop->auth_len;
	p.iv_len = hs->shape.iv_len;
	p.tag_len = caop->tag_len ? caop->tag_len : hs->shape.digest_len;
	if (!enc && p.src_len < p.tag_len)
		return -EINVAL;
	p.dst_len = enc ? p.src_len + p.tag_len : p.src_len - p.tag_len;
	status = vcd_check_aead(&ce->limits, &hs->shape, &p);
	if (status)
		return status_errno(status, false);
	b = (VcdAeadBufs){ .iv = caop->iv, .aad = caop->auth_src,
			   .src = caop->src, .dst = caop->dst };
	status = vcd_host_aead(ce->fd, hs, &p, &b);
	if (!status)
		caop->len = p.dst_len;
	return status_errno(status, false);
}

static void usage(void)
{
	fprintf(stderr, "usage: cryptodev-hostcore-kat [-d DEVICE]\n"
		"  -d DEVICE  the /dev/crypto the host core forwards to (default %s)\n",
		DEFAULT_DEVICE);
	exit(2);
}

int main(int argc, char **argv)
{
	static struct core_engine ce;
	const char *device = DEFAULT_DEVICE;
	struct kat_engine engine = {
		.name = "hostcore", .ctx = &ce,
		.new_session = core_new_session,
		.free_session = core_free_session,
		.crypt = core_crypt,
		.auth_crypt = core_auth_crypt,
	};
	int opt;

	while ((opt = getopt(argc, argv, "d:h")) != -1) {
		if (opt != 'd')
			usage();
		device = optarg;
	}
	if (optind != argc)
		usage();
	ce.limits = (VcdLimits){
		.max_data_len = CORE_MAX_DATA_LEN,
		.max_key_len = CRYPTO_CIPHER_MAX_KEY_LEN,
		.max_mac_key_len = CRYPTO_HMAC_MAX_KEY_LEN,
	};
	ce.fd = vcd_host_open(device);
	if (ce.fd < 0) {
		printf("Bail out! vcd_host_open(%s): %s\n", device,
		       strerror(-ce.fd));
		return 1;
	}
	tap_diag("cryptodev-hostcore-kat: the host engine's core on %s", device);
	tap_ok(vcd_host_has_gcm(ce.fd), "vcd_host_has_gcm() sees AES-GCM");
	kat_run_all_vectors(&engine);
	vcd_host_close(ce.fd);
	return tap_finish();
}
