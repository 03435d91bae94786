// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/crypto: the cryptodev-linux ioctl ABI on top of device requests.
 *
 * Every request is checked here against the session facts the device
 * reported at CIOCGSESSION and against the config's limits, so that bad
 * calls fail with cryptodev-linux's errno without a round trip and every
 * size copied from user space is bounded before memory is allocated.
 */

#include <linux/compat.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <crypto/cryptodev.h>

#include "vcd.h"

/* Hash ids without a key: cryptodev-linux ignores mackeylen for them. */
static bool vcd_mac_takes_key(u32 mac)
{
	switch (mac) {
	case CRYPTO_MD5:
	case CRYPTO_SHA1:
	case CRYPTO_RIPEMD160:
	case CRYPTO_SHA2_224:
	case CRYPTO_SHA2_256:
	case CRYPTO_SHA2_384:
	case CRYPTO_SHA2_512:
	case 0:
		return false;
	default:
		return true;
	}
}

static int vcd_session_get(struct vcd_file *f, u32 id, struct vcd_session *out)
{
	struct vcd_session *s;

	xa_lock(&f->sessions);
	s = xa_load(&f->sessions, id);
	if (s)
		*out = *s;
	xa_unlock(&f->sessions);
	/* cryptodev-linux: an unknown session id is EINVAL. */
	return s ? 0 : -EINVAL;
}

/*
 * A request of @f's that moves @in_len + @out_len bytes through kernel
 * buffers and @pin_len in the caller's own pages.  They count against
 * the opener's in-flight budget from before any of that memory is taken
 * until it is freed, so a submitter waiting for room holds none, and a
 * request the device still holds after its submitter was killed counts.
 */
static struct vcd_req *vcd_file_req(struct vcd_file *f, u32 opcode,
				    u32 session, size_t in_len,
				    size_t out_len, size_t pin_len)
{
	size_t bytes = in_len + out_len + pin_len;
	struct vcd_req *req;
	int err;

	err = vcd_user_add_bytes(f->user, bytes);
	if (err)
		return ERR_PTR(err);
	req = vcd_req_alloc(f->dev, opcode, f->handle, session, in_len,
			    out_len);
	if (IS_ERR(req)) {
		vcd_user_del_bytes(f->user, bytes);
		return req;
	}
	if (f->user) {
		req->user = f->user;
		req->user_bytes = bytes;
	}
	return req;
}

/*
 * Destroy a session the driver has already forgotten.  Its charge goes
 * once the request reached the device; one that never did (killed while
 * waiting for room, device gone) leaves the session to CLOSE_FILE, and
 * the charge with it.
 */
static int vcd_session_destroy(struct vcd_file *f, u32 id, enum vcd_wait how)
{
	struct vcd_req *req;
	int err;

	req = vcd_req_alloc(f->dev, VIRTIO_CRYPTODEV_OP_DESTROY_SESSION,
			    f->handle, id, 0, 0);
	if (IS_ERR(req)) {
		atomic_inc(&f->stray_sessions);
		return PTR_ERR(req);
	}
	err = vcd_req_run(req, how);
	if (req->sent)
		vcd_user_del_sessions(f->user, 1);
	else
		atomic_inc(&f->stray_sessions);
	vcd_req_put(req);
	return err;
}

static int vcd_open(struct inode *inode, struct file *filp)
{
	struct miscdevice *misc = filp->private_data;
	struct vcd_device *dev = container_of(misc, struct vcd_device, misc);
	struct vcd_user *user;
	struct vcd_file *f;
	struct vcd_req *req;
	int err;

	if (READ_ONCE(dev->dead))
		return -ENODEV;
	user = vcd_user_open(dev);
	if (IS_ERR(user))
		return PTR_ERR(user);
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f) {
		vcd_user_close(user, 0);
		return -ENOMEM;
	}
	xa_init(&f->sessions);
	atomic_inc(&vcd_stats.files);
	vcd_device_get(dev);
	f->dev = dev;
	f->user = user;

	/*
	 * Allocated and mapped now so that release() cannot fail to close
	 * the file.
	 */
	f->close_req = vcd_req_alloc(dev, VIRTIO_CRYPTODEV_OP_CLOSE_FILE, 0,
				     0, 0, 0);
	if (IS_ERR(f->close_req)) {
		err = PTR_ERR(f->close_req);
		goto fail;
	}
	err = vcd_req_map(f->close_req);
	if (err)
		goto fail_close;
	req = vcd_req_alloc(dev, VIRTIO_CRYPTODEV_OP_OPEN_FILE, 0, 0, 0, 0);
	if (IS_ERR(req)) {
		err = PTR_ERR(req);
		goto fail_close;
	}
	/*
	 * The file's charge rides with OPEN_FILE until its answer is seen
	 * here: an opener killed before that leaves a file the device may
	 * still open, which counts until the driver has closed it
	 * (vcd_req_orphaned()).  On any failure the request returns it.
	 */
	req->user = f->user;
	req->user_file = !!f->user;
	f->user = NULL;
	err = vcd_req_run(req, VCD_WAIT_KILLABLE);
	if (!err) {
		f->handle = le64_to_cpu(req->resp.handle);
		f->user = req->user;
		req->user_file = false;
	}
	vcd_req_put(req);
	if (!err && !f->handle)
		err = -EIO;
	if (err)
		goto fail_close;

	f->close_req->hdr.file = cpu_to_le64(f->handle);
	filp->private_data = f;
	return nonseekable_open(inode, filp);

fail_close:
	vcd_req_put(f->close_req);
fail:
	vcd_user_close(f->user, 0);
	vcd_device_put(dev);
	kfree(f);
	atomic_dec(&vcd_stats.files);
	return err;
}

static int vcd_release(struct inode *inode, struct file *filp)
{
	struct vcd_file *f = filp->private_data;
	unsigned int sessions = atomic_read(&f->stray_sessions);
	struct vcd_session *s;
	unsigned long id;

	/*
	 * Not killable: the process may be dying of SIGKILL right now, and
	 * the device must still drop the file's sessions.
	 */
	vcd_req_run(f->close_req, VCD_WAIT_UNINTERRUPTIBLE);
	vcd_req_put(f->close_req);

	xa_for_each(&f->sessions, id, s) {
		kfree(s);
		sessions++;
	}
	xa_destroy(&f->sessions);
	vcd_user_close(f->user, sessions);
	vcd_device_put(f->dev);
	kfree(f);
	atomic_dec(&vcd_stats.files);
	return 0;
}

static bool vcd_info_sane(const struct virtio_cryptodev_session_info *info)
{
	u32 bs = le32_to_cpu(info->block_size);

	return bs >= 1 && bs <= EALG_MAX_BLOCK_LEN &&
	       le32_to_cpu(info->iv_len) <= EALG_MAX_BLOCK_LEN &&
	       le32_to_cpu(info->digest_len) <= AALG_MAX_RESULT_LEN;
}

static struct vcd_session *
vcd_session_new(u32 id, const struct session_op *sop,
		const struct virtio_cryptodev_session_info *info)
{
	struct vcd_session *s = kzalloc(sizeof(*s), GFP_KERNEL);

	if (!s)
		return NULL;
	s->id = id;
	s->cipher = sop->cipher;
	s->mac = sop->mac;
	s->block_size = le32_to_cpu(info->block_size);
	s->iv_len = le32_to_cpu(info->iv_len);
	s->digest_len = le32_to_cpu(info->digest_len);
	s->alignmask = le32_to_cpu(info->alignmask);
	/* The device's strings need not be terminated. */
	strscpy_pad(s->cipher_name, info->cipher_name);
	strscpy_pad(s->cipher_driver, info->cipher_driver);
	strscpy_pad(s->hash_name, info->hash_name);
	strscpy_pad(s->hash_driver, info->hash_driver);
	return s;
}

/*
 * A CREATE_SESSION failed: did the device refuse it or never see it, or
 * may it hold a session the driver cannot name (its answer was lost to
 * a signal or a removal, or made no sense)?
 */
static bool vcd_create_refused(const struct vcd_req *req)
{
	return !req->sent ||
	       (vcd_req_answered(req) &&
		le32_to_cpu(req->resp.status) != VIRTIO_CRYPTODEV_S_OK);
}

/*
 * Ask the device for a session; returns its id or a negative errno.  The
 * session's charge to the uid comes first and passes to the session; on
 * failure it goes, or stays with the file while the device may hold one.
 */
static long vcd_create_remote(struct vcd_file *f, struct session_op *sop,
			      struct vcd_session **out)
{
	const struct vcd_limits *lim = &f->dev->limits;
	u32 key_len = sop->cipher ? sop->keylen : 0;
	u32 mac_key_len = vcd_mac_takes_key(sop->mac) ? sop->mackeylen : 0;
	struct virtio_cryptodev_session_para *para;
	struct vcd_req *req;
	u64 id;
	int err;

	if (key_len > lim->max_key_len || mac_key_len > lim->max_mac_key_len)
		return -EINVAL;
	err = vcd_user_add_session(f->user);
	if (err)
		return err;
	req = vcd_file_req(f, VIRTIO_CRYPTODEV_OP_CREATE_SESSION, 0,
			   key_len + mac_key_len,
			   sizeof(struct virtio_cryptodev_session_info), 0);
	if (IS_ERR(req)) {
		vcd_user_del_sessions(f->user, 1);
		return PTR_ERR(req);
	}
	para = &req->hdr.u.session;
	para->cipher = cpu_to_le32(sop->cipher);
	para->mac = cpu_to_le32(sop->mac);
	para->key_len = cpu_to_le32(key_len);
	para->mac_key_len = cpu_to_le32(mac_key_len);
	if (copy_from_user(req->in, sop->key, key_len) ||
	    copy_from_user(req->in + key_len, sop->mackey, mac_key_len)) {
		err = -EFAULT;
		goto out;
	}
	err = vcd_req_run(req, VCD_WAIT_KILLABLE);
	if (err)
		goto out;
	id = le64_to_cpu(req->resp.handle);
	if (!id || id > U32_MAX) {
		err = -EIO;
		goto out;
	}
	err = -EIO;
	if (vcd_info_sane(req->out)) {
		*out = vcd_session_new(id, sop, req->out);
		err = *out ? 0 : -ENOMEM;
	}
	vcd_req_put(req);
	if (!err)
		return id;
	vcd_session_destroy(f, id, VCD_WAIT_UNINTERRUPTIBLE);
	return err;
out:
	if (vcd_create_refused(req))
		vcd_user_del_sessions(f->user, 1);
	else
		atomic_inc(&f->stray_sessions);
	vcd_req_put(req);
	return err;
}

/* Forget a session the caller will never learn about. */
static void vcd_session_drop(struct vcd_file *f, u32 id)
{
	kfree(xa_erase(&f->sessions, id));
	vcd_session_destroy(f, id, VCD_WAIT_UNINTERRUPTIBLE);
}

/* CIOCGSESSION on a kernel copy of the struct; sets sop->ses. */
static int vcd_gsession(struct vcd_file *f, struct session_op *sop)
{
	struct vcd_session *s;
	long id;
	int err;

	if (!sop->cipher && !sop->mac)
		return -EINVAL;
	id = vcd_create_remote(f, sop, &s);
	if (id < 0)
		return id;
	err = xa_insert(&f->sessions, id, s, GFP_KERNEL);
	if (err) {
		/* -EBUSY: the device reused a live id. */
		kfree(s);
		vcd_session_destroy(f, id, VCD_WAIT_UNINTERRUPTIBLE);
		return err == -EBUSY ? -EIO : err;
	}
	sop->ses = id;
	return 0;
}

static int vcd_ioc_gsession(struct vcd_file *f, void __user *arg)
{
	struct session_op sop;
	int err;

	if (copy_from_user(&sop, arg, sizeof(sop)))
		return -EFAULT;
	err = vcd_gsession(f, &sop);
	if (err)
		return err;
	if (copy_to_user(arg, &sop, sizeof(sop))) {
		vcd_session_drop(f, sop.ses);
		return -EFAULT;
	}
	return 0;
}

static int vcd_ioc_fsession(struct vcd_file *f, u32 __user *arg)
{
	struct vcd_session *s;
	u32 id;

	if (get_user(id, arg))
		return -EFAULT;
	s = xa_erase(&f->sessions, id);
	if (!s)
		return -ENOENT;
	kfree(s);
	return vcd_session_destroy(f, id, VCD_WAIT_KILLABLE);
}

static int vcd_ioc_sessinfo(struct vcd_file *f, void __user *arg)
{
	struct session_info_op siop;
	struct vcd_session s;
	u32 id;
	int err;

	if (get_user(id, (u32 __user *)arg))
		return -EFAULT;
	err = vcd_session_get(f, id, &s);
	if (err)
		return err;
	memset(&siop, 0, sizeof(siop));
	siop.ses = id;
	strscpy_pad(siop.cipher_info.cra_name, s.cipher_name);
	strscpy_pad(siop.cipher_info.cra_driver_name, s.cipher_driver);
	strscpy_pad(siop.hash_info.cra_name, s.hash_name);
	strscpy_pad(siop.hash_info.cra_driver_name, s.hash_driver);
	siop.alignmask = s.alignmask;
	/* The work is done off the guest CPU, as by an accelerator. */
	siop.flags = SIOP_FLAG_KERNEL_DRIVER_ONLY;
	if (copy_to_user(arg, &siop, sizeof(siop)))
		return -EFAULT;
	return 0;
}

/* What a CIOCCRYPT turns into, worked out before anything is copied. */
struct vcd_crypt_plan {
	bool zc;		/* src and dst in pinned user pages */
	u32 flags;
	u32 iv_len;
	u32 dst_len;
	u32 mac_len;
	u32 iv_out_len;
};

/*
 * cryptodev-linux's hash rules: reset on flags == 0 or COP_FLAG_RESET;
 * output the digest on COP_FLAG_FINAL, without COP_FLAG_UPDATE, or on an
 * empty update.
 */
static int vcd_plan_crypt(const struct crypt_op *cop,
			  const struct vcd_session *s,
			  const struct vcd_limits *lim,
			  struct vcd_crypt_plan *p)
{
	memset(p, 0, sizeof(*p));
	if (s->cipher == CRYPTO_AES_GCM || s->cipher == CRYPTO_AES_CCM)
		return -EINVAL;		/* AEAD goes through CIOCAUTHCRYPT */
	if (cop->len > lim->max_data_len)
		return -E2BIG;
	p->zc = cop->len >= READ_ONCE(vcd_zc_min_len) &&
		!(cop->flags & COP_FLAG_NO_ZC);
	if (s->cipher) {
		if (cop->len % s->block_size)
			return -EINVAL;
		p->dst_len = cop->len;
		if (cop->iv && s->iv_len) {
			p->iv_len = s->iv_len;
			p->flags |= VIRTIO_CRYPTODEV_CRYPT_F_IV;
			if (cop->flags & COP_FLAG_WRITE_IV)
				p->iv_out_len = s->iv_len;
		}
	}
	if (s->mac) {
		if (!cop->flags || (cop->flags & COP_FLAG_RESET))
			p->flags |= VIRTIO_CRYPTODEV_CRYPT_F_HASH_RESET;
		if ((cop->flags & COP_FLAG_FINAL) ||
		    !(cop->flags & COP_FLAG_UPDATE) || !cop->len) {
			p->flags |= VIRTIO_CRYPTODEV_CRYPT_F_HASH_FINAL;
			p->mac_len = s->digest_len;
		}
	}
	return 0;
}

static int vcd_crypt_copy_out(const struct crypt_op *cop,
			      const struct vcd_crypt_plan *p, const u8 *out)
{
	if (!p->zc) {
		if (copy_to_user(cop->dst, out, p->dst_len))
			return -EFAULT;
		out += p->dst_len;
	}
	if (copy_to_user(cop->mac, out, p->mac_len))
		return -EFAULT;
	out += p->mac_len;
	if (copy_to_user(cop->iv, out, p->iv_out_len))
		return -EFAULT;
	return 0;
}

/* Bounce the data, or pin it; the small parts always bounce. */
static int vcd_crypt_fill(struct vcd_req *req, const struct crypt_op *cop,
			  const struct vcd_crypt_plan *p)
{
	int err;

	if (copy_from_user(req->in, cop->iv, p->iv_len))
		return -EFAULT;
	if (!p->zc)
		return copy_from_user(req->in + p->iv_len, cop->src,
				      cop->len) ? -EFAULT : 0;
	err = vcd_req_pin(req, &req->src_pin, cop->src, cop->len, false);
	if (err)
		return err;
	return vcd_req_pin(req, &req->dst_pin, cop->dst, p->dst_len, true);
}

/* CIOCCRYPT on a kernel copy of the struct (nothing is written back). */
static int vcd_crypt(struct vcd_file *f, const struct crypt_op *c)
{
	const struct crypt_op cop = *c;
	struct virtio_cryptodev_crypt_para *para;
	struct vcd_crypt_plan p;
	struct vcd_session s;
	struct vcd_req *req;
	int err;

	if (cop.op != COP_ENCRYPT && cop.op != COP_DECRYPT)
		return -EINVAL;
	err = vcd_session_get(f, cop.ses, &s);
	if (err)
		return err;
	err = vcd_plan_crypt(&cop, &s, &f->dev->limits, &p);
	if (err)
		return err;

	req = vcd_file_req(f, VIRTIO_CRYPTODEV_OP_CRYPT, cop.ses,
			   p.iv_len + (p.zc ? 0 : cop.len),
			   (p.zc ? 0 : p.dst_len) + p.mac_len + p.iv_out_len,
			   p.zc ? (size_t)cop.len + p.dst_len : 0);
	if (IS_ERR(req))
		return PTR_ERR(req);
	para = &req->hdr.u.crypt;
	para->direction = cpu_to_le32(cop.op == COP_ENCRYPT ?
				      VIRTIO_CRYPTODEV_DIR_ENCRYPT :
				      VIRTIO_CRYPTODEV_DIR_DECRYPT);
	para->flags = cpu_to_le32(p.flags);
	para->src_len = cpu_to_le32(cop.len);
	para->iv_len = cpu_to_le32(p.iv_len);
	para->dst_len = cpu_to_le32(p.dst_len);
	para->mac_len = cpu_to_le32(p.mac_len);
	para->iv_out_len = cpu_to_le32(p.iv_out_len);

	err = vcd_crypt_fill(req, &cop, &p);
	if (err)
		goto out;
	err = vcd_req_run(req, VCD_WAIT_KILLABLE);
	if (!err)
		err = vcd_crypt_copy_out(&cop, &p, req->out);
out:
	vcd_req_put(req);
	return err;
}

static int vcd_ioc_crypt(struct vcd_file *f, void __user *arg)
{
	struct crypt_op cop;

	if (copy_from_user(&cop, arg, sizeof(cop)))
		return -EFAULT;
	return vcd_crypt(f, &cop);
}

/* The AEAD tag lengths AES-GCM allows; cryptodev's 0 means the longest. */
static int vcd_aead_tag_len(const struct crypt_auth_op *caop,
			    const struct vcd_session *s, u32 *tag_len)
{
	*tag_len = caop->tag_len ? caop->tag_len : s->digest_len;
	if (*tag_len > s->digest_len)
		return -EINVAL;
	return 0;
}

static int vcd_check_aead(const struct crypt_auth_op *caop,
			  const struct vcd_session *s,
			  const struct vcd_limits *lim, u32 *tag_len)
{
	if (s->cipher != CRYPTO_AES_GCM && s->cipher != CRYPTO_AES_CCM)
		return -EINVAL;
	/* TLS and SRTP composite modes are not carried. */
	if (caop->flags & (COP_FLAG_AEAD_TLS_TYPE | COP_FLAG_AEAD_SRTP_TYPE))
		return -EINVAL;
	if (vcd_aead_tag_len(caop, s, tag_len))
		return -EINVAL;
	if (!caop->iv || caop->iv_len < s->iv_len ||
	    caop->iv_len > EALG_MAX_BLOCK_LEN)
		return -EINVAL;
	if ((u64)caop->len + caop->auth_len > lim->max_data_len)
		return -E2BIG;
	if (caop->op == COP_DECRYPT && caop->len < *tag_len)
		return -EINVAL;
	return 0;
}

/* IV and AAD bounce; the data bounces or is pinned. */
static int vcd_aead_fill(struct vcd_req *req, const struct crypt_auth_op *caop,
			 u32 iv_len, u32 dst_len, bool zc)
{
	u8 *in = req->in;
	int err;

	if (copy_from_user(in, caop->iv, iv_len) ||
	    copy_from_user(in + iv_len, caop->auth_src, caop->auth_len))
		return -EFAULT;
	if (!zc)
		return copy_from_user(in + iv_len + caop->auth_len, caop->src,
				      caop->len) ? -EFAULT : 0;
	err = vcd_req_pin(req, &req->src_pin, caop->src, caop->len, false);
	if (err)
		return err;
	return vcd_req_pin(req, &req->dst_pin, caop->dst, dst_len, true);
}

/*
 * CIOCAUTHCRYPT on a kernel copy of the struct; on success updates len,
 * tag and tag_len for the caller to write back.
 */
static int vcd_authcrypt(struct vcd_file *f, struct crypt_auth_op *out)
{
	struct crypt_auth_op caop = *out;
	struct virtio_cryptodev_aead_para *para;
	struct vcd_session s;
	struct vcd_req *req;
	u32 tag_len, dst_len;
	bool enc, zc;
	int err;

	if (caop.op != COP_ENCRYPT && caop.op != COP_DECRYPT)
		return -EINVAL;
	err = vcd_session_get(f, caop.ses, &s);
	if (err)
		return err;
	err = vcd_check_aead(&caop, &s, &f->dev->limits, &tag_len);
	if (err)
		return err;
	enc = caop.op == COP_ENCRYPT;
	dst_len = enc ? caop.len + tag_len : caop.len - tag_len;
	zc = caop.len >= READ_ONCE(vcd_zc_min_len) &&
	     !(caop.flags & COP_FLAG_NO_ZC);

	req = vcd_file_req(f, VIRTIO_CRYPTODEV_OP_AEAD, caop.ses,
			   s.iv_len + caop.auth_len + (zc ? 0 : caop.len),
			   zc ? 0 : dst_len,
			   zc ? (size_t)caop.len + dst_len : 0);
	if (IS_ERR(req))
		return PTR_ERR(req);
	para = &req->hdr.u.aead;
	para->direction = cpu_to_le32(enc ? VIRTIO_CRYPTODEV_DIR_ENCRYPT :
				      VIRTIO_CRYPTODEV_DIR_DECRYPT);
	para->src_len = cpu_to_le32(caop.len);
	para->aad_len = cpu_to_le32(caop.auth_len);
	para->iv_len = cpu_to_le32(s.iv_len);
	para->tag_len = cpu_to_le32(tag_len);
	para->dst_len = cpu_to_le32(dst_len);

	err = vcd_aead_fill(req, &caop, s.iv_len, dst_len, zc);
	if (err)
		goto out;
	err = vcd_req_run(req, VCD_WAIT_KILLABLE);
	if (err)
		goto out;
	if (!zc && copy_to_user(caop.dst, req->out, dst_len)) {
		err = -EFAULT;
		goto out;
	}
	/* As cryptodev-linux: len becomes the output length, tag points
	 * where the tag is (or was) in dst.
	 */
	out->tag = caop.dst + (enc ? caop.len : caop.len - tag_len);
	out->tag_len = tag_len;
	out->len = dst_len;
out:
	vcd_req_put(req);
	return err;
}

static int vcd_ioc_authcrypt(struct vcd_file *f, void __user *arg)
{
	struct crypt_auth_op caop;
	int err;

	if (copy_from_user(&caop, arg, sizeof(caop)))
		return -EFAULT;
	err = vcd_authcrypt(f, &caop);
	if (!err && copy_to_user(arg, &caop, sizeof(caop)))
		err = -EFAULT;
	return err;
}

/* CRIOGET: another descriptor for the same open file, as cryptodev does. */
static int vcd_ioc_crioget(struct file *filp, u32 __user *arg)
{
	int fd = get_unused_fd_flags(0);

	if (fd < 0)
		return fd;
	if (put_user(fd, arg)) {
		put_unused_fd(fd);
		return -EFAULT;
	}
	fd_install(fd, get_file(filp));
	return 0;
}

/*
 * CIOCCPHASH, with cryptodev-linux's errnos: one id for both is EDEADLK
 * (it would lock the session twice), an unknown id ENOENT.  Sessions
 * without a hash, or with different ones, are the device's EINVAL.
 */
static int vcd_ioc_cphash(struct vcd_file *f, void __user *arg)
{
	struct vcd_session dst, src;
	struct cphash_op op;
	struct vcd_req *req;
	int err;

	if (!f->dev->copy_hash)
		return -EINVAL;
	if (copy_from_user(&op, arg, sizeof(op)))
		return -EFAULT;
	if (op.dst_ses == op.src_ses)
		return -EDEADLK;
	if (vcd_session_get(f, op.dst_ses, &dst) ||
	    vcd_session_get(f, op.src_ses, &src))
		return -ENOENT;
	req = vcd_file_req(f, VIRTIO_CRYPTODEV_OP_COPY_HASH, op.dst_ses, 0, 0,
			   0);
	if (IS_ERR(req))
		return PTR_ERR(req);
	req->hdr.u.copy_hash.src_session = cpu_to_le32(op.src_ses);
	err = vcd_req_run(req, VCD_WAIT_KILLABLE);
	vcd_req_put(req);
	return err;
}

static long vcd_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	struct vcd_file *f = filp->private_data;
	void __user *uarg = (void __user *)arg;

	if (READ_ONCE(f->dev->dead))
		return -ENODEV;
	switch (cmd) {
	case CRIOGET:
		return vcd_ioc_crioget(filp, uarg);
	case CIOCASYMFEAT:
		/* No public-key operations. */
		return put_user(0, (u32 __user *)uarg);
	case CIOCGSESSION:
		return vcd_ioc_gsession(f, uarg);
	case CIOCFSESSION:
		return vcd_ioc_fsession(f, uarg);
	case CIOCGSESSINFO:
		return vcd_ioc_sessinfo(f, uarg);
	case CIOCCRYPT:
		return vcd_ioc_crypt(f, uarg);
	case CIOCAUTHCRYPT:
		return vcd_ioc_authcrypt(f, uarg);
	case CIOCCPHASH:
		return vcd_ioc_cphash(f, uarg);
	default:
		/* cryptodev-linux answers unknown calls with EINVAL. */
		return -EINVAL;
	}
}

#ifdef CONFIG_COMPAT
/*
 * 32-bit programs: the structs with pointers have their own layout and so
 * their own ioctl numbers; the others are the same in both.
 */
struct vcd_compat_session_op {
	u32 cipher;
	u32 mac;
	u32 keylen;
	compat_uptr_t key;
	u32 mackeylen;
	compat_uptr_t mackey;
	u32 ses;
};

struct vcd_compat_crypt_op {
	u32 ses;
	u16 op;
	u16 flags;
	u32 len;
	compat_uptr_t src;
	compat_uptr_t dst;
	compat_uptr_t mac;
	compat_uptr_t iv;
};

struct vcd_compat_crypt_auth_op {
	u32 ses;
	u16 op;
	u16 flags;
	u32 len;
	u32 auth_len;
	compat_uptr_t auth_src;
	compat_uptr_t src;
	compat_uptr_t dst;
	compat_uptr_t tag;
	u32 tag_len;
	compat_uptr_t iv;
	u32 iv_len;
};

#define VCD_COMPAT_CIOCGSESSION	_IOWR('c', 102, struct vcd_compat_session_op)
#define VCD_COMPAT_CIOCCRYPT	_IOWR('c', 104, struct vcd_compat_crypt_op)
#define VCD_COMPAT_CIOCAUTHCRYPT _IOWR('c', 109, struct vcd_compat_crypt_auth_op)

static int vcd_compat_gsession(struct vcd_file *f, void __user *arg)
{
	struct vcd_compat_session_op c;
	struct session_op sop = { 0 };
	int err;

	if (copy_from_user(&c, arg, sizeof(c)))
		return -EFAULT;
	sop.cipher = c.cipher;
	sop.mac = c.mac;
	sop.keylen = c.keylen;
	sop.key = compat_ptr(c.key);
	sop.mackeylen = c.mackeylen;
	sop.mackey = compat_ptr(c.mackey);
	err = vcd_gsession(f, &sop);
	if (err)
		return err;
	c.ses = sop.ses;
	if (copy_to_user(arg, &c, sizeof(c))) {
		vcd_session_drop(f, sop.ses);
		return -EFAULT;
	}
	return 0;
}

static int vcd_compat_crypt(struct vcd_file *f, void __user *arg)
{
	struct vcd_compat_crypt_op c;
	struct crypt_op cop = { 0 };

	if (copy_from_user(&c, arg, sizeof(c)))
		return -EFAULT;
	cop.ses = c.ses;
	cop.op = c.op;
	cop.flags = c.flags;
	cop.len = c.len;
	cop.src = compat_ptr(c.src);
	cop.dst = compat_ptr(c.dst);
	cop.mac = compat_ptr(c.mac);
	cop.iv = compat_ptr(c.iv);
	return vcd_crypt(f, &cop);
}

static int vcd_compat_authcrypt(struct vcd_file *f, void __user *arg)
{
	struct vcd_compat_crypt_auth_op c;
	struct crypt_auth_op caop = { 0 };
	int err;

	if (copy_from_user(&c, arg, sizeof(c)))
		return -EFAULT;
	caop.ses = c.ses;
	caop.op = c.op;
	caop.flags = c.flags;
	caop.len = c.len;
	caop.auth_len = c.auth_len;
	caop.auth_src = compat_ptr(c.auth_src);
	caop.src = compat_ptr(c.src);
	caop.dst = compat_ptr(c.dst);
	caop.tag = compat_ptr(c.tag);
	caop.tag_len = c.tag_len;
	caop.iv = compat_ptr(c.iv);
	caop.iv_len = c.iv_len;
	err = vcd_authcrypt(f, &caop);
	if (err)
		return err;
	c.len = caop.len;
	c.tag = ptr_to_compat(caop.tag);
	c.tag_len = caop.tag_len;
	return copy_to_user(arg, &c, sizeof(c)) ? -EFAULT : 0;
}

static long vcd_compat_ioctl(struct file *filp, unsigned int cmd,
			     unsigned long arg)
{
	struct vcd_file *f = filp->private_data;
	void __user *uarg = compat_ptr(arg);

	if (READ_ONCE(f->dev->dead))
		return -ENODEV;
	switch (cmd) {
	case VCD_COMPAT_CIOCGSESSION:
		return vcd_compat_gsession(f, uarg);
	case VCD_COMPAT_CIOCCRYPT:
		return vcd_compat_crypt(f, uarg);
	case VCD_COMPAT_CIOCAUTHCRYPT:
		return vcd_compat_authcrypt(f, uarg);
	default:
		return vcd_ioctl(filp, cmd, (unsigned long)uarg);
	}
}
#endif

const struct file_operations vcd_fops = {
	.owner = THIS_MODULE,
	.open = vcd_open,
	.release = vcd_release,
	.unlocked_ioctl = vcd_ioctl,
#ifdef CONFIG_COMPAT
	.compat_ioctl = vcd_compat_ioctl,
#endif
};
