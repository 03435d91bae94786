// SPDX-License-Identifier: GPL-2.0
/*
 * vcd_hostile: a test driver for the virtio-cryptodev device that breaks
 * the request rules on purpose and checks that the device answers each
 * abuse with the status the specification gives it (or, for the two
 * layouts that must put it into needs-reset, that it does so and comes
 * back after a reset).  It binds to the device in place of the real
 * driver.
 *
 *   echo 1 > /sys/kernel/debug/vcd_hostile/run
 *   cat /sys/kernel/debug/vcd_hostile/results     # TAP
 */

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/virtio.h>
#include <linux/virtio_config.h>

#include <virtio_cryptodev.h>
#include <crypto/cryptodev.h>

/* Pieces of one chain: enough for 2 MiB of data split by page. */
#define HX_MAX_PIECES		600
#define HX_BIG_MAX		(2U << 20)
#define HX_SMALL		256
#define HX_TIMEOUT_MS		5000
#define HX_RESET_WAIT_MS	3000
#define HX_LOG_SIZE		(32 * 1024)

/* Pseudo statuses for answers that never came. */
#define HX_S_TIMEOUT		0xffffffffU
#define HX_S_SUBMIT		0xfffffffeU
#define HX_S_NOMEM		0xfffffffdU

struct hx_piece {
	void *buf;
	size_t len;
};

struct hx_chain {
	struct hx_piece out[HX_MAX_PIECES];
	struct hx_piece in[HX_MAX_PIECES];
	unsigned int nout, nin;
	struct scatterlist sg_out[HX_MAX_PIECES];
	struct scatterlist sg_in[HX_MAX_PIECES];
};

/* One request's memory: kept until a reset if the device never answers. */
struct hx_msg {
	struct list_head node;
	struct virtio_cryptodev_req_hdr hdr;
	struct virtio_cryptodev_resp resp ____cacheline_aligned;
	u8 in[HX_SMALL] ____cacheline_aligned;
	u8 out[HX_SMALL] ____cacheline_aligned;
	void *big_in;
	void *big_out;
};

struct hx {
	struct virtio_device *vdev;
	struct virtqueue *vq;
	spinlock_t lock;		/* vq and token */
	struct mutex run_lock;		/* one test run at a time */
	struct completion done;
	void *token;
	unsigned int used_len;
	struct list_head graveyard;	/* msgs the device may still hold */
	u32 max_files, max_sessions, max_data_len;
	bool aead;
	struct dentry *dir;
	char *log;
	size_t log_len;
	int tests, failed;
};

static const char *const hx_status_names[] = {
	"S_OK", "S_ERR", "S_BADMSG", "S_NOTSUPP", "S_INVAL", "S_NOSESSION",
	"S_NOFILE", "S_LIMIT", "S_NOMEM", "S_TOOBIG",
};

static const char *hx_sname(u32 s)
{
	if (s < ARRAY_SIZE(hx_status_names))
		return hx_status_names[s];
	switch (s) {
	case HX_S_TIMEOUT:
		return "no answer";
	case HX_S_SUBMIT:
		return "submit failed";
	case HX_S_NOMEM:
		return "out of memory";
	default:
		return "unknown status";
	}
}

static __printf(2, 3) void hx_log(struct hx *h, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vscnprintf(h->log + h->log_len, HX_LOG_SIZE - h->log_len, fmt, ap);
	va_end(ap);
	pr_info("vcd_hostile: %s", h->log + h->log_len);
	h->log_len += n;
}

static void hx_result(struct hx *h, bool ok, const char *what, u32 got)
{
	h->tests++;
	if (!ok)
		h->failed++;
	if (ok)
		hx_log(h, "ok %d - %s\n", h->tests, what);
	else
		hx_log(h, "not ok %d - %s (got %s)\n", h->tests, what,
		       hx_sname(got));
}

static void hx_expect(struct hx *h, u32 got, u32 want, const char *what)
{
	hx_result(h, got == want, what, got);
}

/* For abuses the specification lets the device reject either way. */
static void hx_expect2(struct hx *h, u32 got, u32 a, u32 b, const char *what)
{
	hx_result(h, got == a || got == b, what, got);
}

static void hx_vq_done(struct virtqueue *vq)
{
	struct hx *h = vq->vdev->priv;
	unsigned long flags;
	unsigned int len;
	void *tok;

	spin_lock_irqsave(&h->lock, flags);
	while ((tok = virtqueue_get_buf(vq, &len))) {
		if (tok == h->token) {
			h->used_len = len;
			h->token = NULL;
			complete(&h->done);
		}
	}
	spin_unlock_irqrestore(&h->lock, flags);
}

/* Append @buf to a chain part in pieces of @piece bytes (0: whole). */
static void hx_add(struct hx_piece *p, unsigned int *n, void *buf,
		   size_t len, size_t piece)
{
	while (len && *n < HX_MAX_PIECES) {
		size_t chunk = piece ? min(piece, len) : len;

		if (is_vmalloc_addr(buf))
			chunk = min_t(size_t, chunk,
				      PAGE_SIZE - offset_in_page(buf));
		p[*n].buf = buf;
		p[*n].len = chunk;
		(*n)++;
		buf += chunk;
		len -= chunk;
	}
}

static void hx_to_sg(struct scatterlist *sg, const struct hx_piece *p,
		     unsigned int n)
{
	unsigned int i;

	sg_init_table(sg, n);
	for (i = 0; i < n; i++) {
		if (is_vmalloc_addr(p[i].buf))
			sg_set_page(&sg[i], vmalloc_to_page(p[i].buf),
				    p[i].len, offset_in_page(p[i].buf));
		else
			sg_set_buf(&sg[i], p[i].buf, p[i].len);
	}
}

/* Send the chain and wait; returns the bytes written or -errno. */
static int hx_submit(struct hx *h, struct hx_chain *c, struct hx_msg *m,
		     unsigned int timeout_ms)
{
	struct scatterlist *sgs[2] = { c->sg_out, c->sg_in };
	unsigned long flags;
	int err;

	hx_to_sg(c->sg_out, c->out, c->nout);
	hx_to_sg(c->sg_in, c->in, c->nin);
	reinit_completion(&h->done);
	spin_lock_irqsave(&h->lock, flags);
	h->token = m;
	err = virtqueue_add_sgs(h->vq, sgs, 1, 1, m, GFP_ATOMIC);
	if (!err)
		virtqueue_kick(h->vq);
	else
		h->token = NULL;
	spin_unlock_irqrestore(&h->lock, flags);
	if (err)
		return err;
	if (!wait_for_completion_timeout(&h->done,
					 msecs_to_jiffies(timeout_ms))) {
		spin_lock_irqsave(&h->lock, flags);
		h->token = NULL;
		spin_unlock_irqrestore(&h->lock, flags);
		return -ETIMEDOUT;
	}
	return h->used_len;
}

static struct hx_msg *hx_msg_new(u32 opcode, u64 file, u32 session)
{
	struct hx_msg *m = kzalloc(sizeof(*m), GFP_KERNEL);

	if (!m)
		return NULL;
	INIT_LIST_HEAD(&m->node);
	m->hdr.opcode = cpu_to_le32(opcode);
	m->hdr.file = cpu_to_le64(file);
	m->hdr.session = cpu_to_le32(session);
	return m;
}

static void hx_msg_free(struct hx_msg *m)
{
	vfree(m->big_in);
	vfree(m->big_out);
	kfree(m);
}

/* The device may still write a message it never answered. */
static void hx_msg_done(struct hx *h, struct hx_msg *m, int sent)
{
	if (sent == -ETIMEDOUT)
		list_add(&m->node, &h->graveyard);
	else
		hx_msg_free(m);
}

/*
 * Send @m laid out as the specification says (header + input, response +
 * output), every part cut into @split-byte descriptors (0: one each).
 * Returns the response status, or a pseudo status.
 */
static u32 hx_send(struct hx *h, struct hx_msg *m, size_t in_len,
		   size_t out_len, size_t split)
{
	struct hx_chain *c = kvzalloc(sizeof(*c), GFP_KERNEL);
	int sent;

	if (!c)
		return HX_S_NOMEM;
	hx_add(c->out, &c->nout, &m->hdr, sizeof(m->hdr), split);
	hx_add(c->out, &c->nout, m->big_in ?: m->in, in_len, split);
	hx_add(c->in, &c->nin, &m->resp, sizeof(m->resp), split);
	hx_add(c->in, &c->nin, m->big_out ?: m->out, out_len, split);
	sent = hx_submit(h, c, m, HX_TIMEOUT_MS);
	kvfree(c);
	if (sent == -ETIMEDOUT)
		return HX_S_TIMEOUT;
	if (sent < (int)sizeof(m->resp))
		return HX_S_SUBMIT;
	return le32_to_cpu(m->resp.status);
}

/* Send and free a request that has no payload. */
static u32 hx_simple(struct hx *h, u32 opcode, u64 file, u32 session,
		     u64 *handle)
{
	struct hx_msg *m = hx_msg_new(opcode, file, session);
	u32 st;

	if (!m)
		return HX_S_NOMEM;
	st = hx_send(h, m, 0, 0, 0);
	if (handle)
		*handle = le64_to_cpu(m->resp.handle);
	hx_msg_done(h, m, st == HX_S_TIMEOUT ? -ETIMEDOUT : 0);
	return st;
}

static u32 hx_open(struct hx *h, u64 *file)
{
	return hx_simple(h, VIRTIO_CRYPTODEV_OP_OPEN_FILE, 0, 0, file);
}

static u32 hx_close(struct hx *h, u64 file)
{
	return hx_simple(h, VIRTIO_CRYPTODEV_OP_CLOSE_FILE, file, 0, NULL);
}

static u32 hx_destroy(struct hx *h, u64 file, u32 ses)
{
	return hx_simple(h, VIRTIO_CRYPTODEV_OP_DESTROY_SESSION, file, ses,
			 NULL);
}

static u32 hx_create(struct hx *h, u64 file, u32 cipher, u32 mac,
		     const u8 *key, u32 key_len, u32 mac_key_len, u32 *ses)
{
	/* Declared lengths may be absurd; supply what fits, in 64 bits. */
	size_t supply = min_t(u64, (u64)key_len + mac_key_len, HX_SMALL);
	struct hx_msg *m;
	u32 st;

	m = hx_msg_new(VIRTIO_CRYPTODEV_OP_CREATE_SESSION, file, 0);
	if (!m)
		return HX_S_NOMEM;
	m->hdr.u.session.cipher = cpu_to_le32(cipher);
	m->hdr.u.session.mac = cpu_to_le32(mac);
	m->hdr.u.session.key_len = cpu_to_le32(key_len);
	m->hdr.u.session.mac_key_len = cpu_to_le32(mac_key_len);
	if (key)
		memcpy(m->in, key, min_t(size_t, key_len, supply));
	/* Keys in 3-byte pieces: the device must reassemble them. */
	st = hx_send(h, m, supply,
		     sizeof(struct virtio_cryptodev_session_info), 3);
	*ses = (u32)le64_to_cpu(m->resp.handle);
	hx_msg_done(h, m, st == HX_S_TIMEOUT ? -ETIMEDOUT : 0);
	return st;
}

static const u8 hx_aes_key[16] = {
	0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
	0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c,
};

static const u8 hx_aes_iv[16] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
};

static const u8 hx_aes_pt[16] = {
	0x6b, 0xc1, 0xbe, 0xe2, 0x2e, 0x40, 0x9f, 0x96,
	0xe9, 0x3d, 0x7e, 0x11, 0x73, 0x93, 0x17, 0x2a,
};

static const u8 hx_aes_ct[16] = {
	0x76, 0x49, 0xab, 0xac, 0x81, 0x19, 0xb2, 0x46,
	0xce, 0xe9, 0x8e, 0x9b, 0x12, 0xe9, 0x19, 0x7d,
};

/* GCM spec test case 2: zero key, zero nonce, one zero block. */
static const u8 hx_gcm_ct_tag[32] = {
	0x03, 0x88, 0xda, 0xce, 0x60, 0xb6, 0xa3, 0x92,
	0xf3, 0x28, 0xc2, 0xb9, 0x71, 0xb2, 0xfe, 0x78,
	0xab, 0x6e, 0x47, 0xd4, 0x2c, 0xec, 0x13, 0xbd,
	0xf5, 0x3a, 0x67, 0xb2, 0x12, 0x57, 0xbd, 0xdf,
};

static struct hx_msg *hx_crypt_msg(u64 file, u32 ses, u32 src_len,
				   u32 iv_len, u32 dst_len)
{
	struct hx_msg *m = hx_msg_new(VIRTIO_CRYPTODEV_OP_CRYPT, file, ses);

	if (!m)
		return NULL;
	m->hdr.u.crypt.direction = cpu_to_le32(VIRTIO_CRYPTODEV_DIR_ENCRYPT);
	m->hdr.u.crypt.flags = cpu_to_le32(iv_len ?
					   VIRTIO_CRYPTODEV_CRYPT_F_IV : 0);
	m->hdr.u.crypt.src_len = cpu_to_le32(src_len);
	m->hdr.u.crypt.iv_len = cpu_to_le32(iv_len);
	m->hdr.u.crypt.dst_len = cpu_to_le32(dst_len);
	return m;
}

/* One CBC block of the SP 800-38A vector, with a twist applied. */
enum hx_twist {
	HX_PLAIN,
	HX_RESERVED,
	HX_RESERVED2,
	HX_BAD_FLAG,
	HX_BAD_OPCODE,
	HX_ZERO_OPCODE,
	HX_SHORT_SRC,
	HX_SHORT_DST,
	HX_WRAP_OUT,
	HX_WRAP_IN,
	HX_ODD_LEN,
};

static u32 hx_cbc(struct hx *h, u64 file, u32 ses, enum hx_twist t,
		  size_t split, bool *match)
{
	size_t in_len = 32, out_len = 16;
	struct hx_msg *m;
	u32 st;

	m = hx_crypt_msg(file, ses, 16, 16, 16);
	if (!m)
		return HX_S_NOMEM;
	memcpy(m->in, hx_aes_iv, 16);
	memcpy(m->in + 16, hx_aes_pt, 16);
	switch (t) {
	case HX_RESERVED:
		m->hdr.reserved = cpu_to_le32(1);
		break;
	case HX_RESERVED2:
		m->hdr.reserved2 = cpu_to_le32(0x80000000);
		break;
	case HX_BAD_FLAG:
		m->hdr.u.crypt.flags |= cpu_to_le32(1 << 7);
		break;
	case HX_BAD_OPCODE:
		m->hdr.opcode = cpu_to_le32(99);
		break;
	case HX_ZERO_OPCODE:
		m->hdr.opcode = 0;
		break;
	case HX_SHORT_SRC:
		m->hdr.u.crypt.src_len = cpu_to_le32(32);
		m->hdr.u.crypt.dst_len = cpu_to_le32(32);
		out_len = 32;	/* output fits; the input is 16 short */
		break;
	case HX_SHORT_DST:
		out_len = 0;
		break;
	case HX_WRAP_OUT:
		/* 16 + 0xfffffff8 + 8 wraps to 16 in 32 bits. */
		m->hdr.u.crypt.mac_len = cpu_to_le32(0xfffffff8);
		m->hdr.u.crypt.iv_out_len = cpu_to_le32(8);
		break;
	case HX_WRAP_IN:
		/* iv_len + src_len wraps to 16 in 32 bits. */
		m->hdr.u.crypt.iv_len = cpu_to_le32(0x20);
		m->hdr.u.crypt.src_len = cpu_to_le32(0xfffffff0);
		m->hdr.u.crypt.dst_len = cpu_to_le32(0xfffffff0);
		break;
	case HX_ODD_LEN:
		m->hdr.u.crypt.src_len = cpu_to_le32(15);
		m->hdr.u.crypt.dst_len = cpu_to_le32(15);
		in_len = 31;
		out_len = 15;
		break;
	case HX_PLAIN:
		break;
	}
	st = hx_send(h, m, in_len, out_len, split);
	if (match)
		*match = st == VIRTIO_CRYPTODEV_S_OK &&
			 le32_to_cpu(m->resp.len) == 16 &&
			 !memcmp(m->out, hx_aes_ct, 16);
	hx_msg_done(h, m, st == HX_S_TIMEOUT ? -ETIMEDOUT : 0);
	return st;
}

static void hx_test_layouts(struct hx *h, u64 file, u32 *ses)
{
	struct hx_msg *m;
	bool match = false;
	u64 other = 0;
	u32 st;

	m = hx_msg_new(VIRTIO_CRYPTODEV_OP_OPEN_FILE, 0, 0);
	st = m ? hx_send(h, m, 0, 0, 1) : HX_S_NOMEM;
	if (m) {
		other = le64_to_cpu(m->resp.handle);
		hx_msg_done(h, m, st == HX_S_TIMEOUT ? -ETIMEDOUT : 0);
	}
	hx_expect(h, st, VIRTIO_CRYPTODEV_S_OK,
		  "OPEN_FILE, header and response in 1-byte descriptors -> S_OK");
	if (st == VIRTIO_CRYPTODEV_S_OK)
		hx_close(h, other);

	st = hx_create(h, file, CRYPTO_AES_CBC, 0, hx_aes_key, 16, 0, ses);
	hx_expect(h, st, VIRTIO_CRYPTODEV_S_OK,
		  "CREATE_SESSION AES-128-CBC, key in 3-byte descriptors -> S_OK");

	st = hx_cbc(h, file, *ses, HX_PLAIN, 7, &match);
	hx_result(h, match, "CRYPT in 7-byte descriptors gives the SP 800-38A block",
		  st);
	st = hx_cbc(h, file, *ses, HX_PLAIN, 0, &match);
	hx_result(h, match, "CRYPT in one descriptor per part, same answer", st);
}

static void hx_test_fields(struct hx *h, u64 file, u32 ses)
{
	hx_expect(h, hx_cbc(h, file, ses, HX_BAD_OPCODE, 0, NULL),
		  VIRTIO_CRYPTODEV_S_INVAL, "unknown opcode 99 -> S_INVAL");
	hx_expect(h, hx_cbc(h, file, ses, HX_ZERO_OPCODE, 0, NULL),
		  VIRTIO_CRYPTODEV_S_INVAL, "opcode 0 -> S_INVAL");
	hx_expect(h, hx_cbc(h, file, ses, HX_RESERVED, 0, NULL),
		  VIRTIO_CRYPTODEV_S_INVAL, "reserved set -> S_INVAL");
	hx_expect(h, hx_cbc(h, file, ses, HX_RESERVED2, 0, NULL),
		  VIRTIO_CRYPTODEV_S_INVAL, "reserved2 set -> S_INVAL");
	hx_expect(h, hx_cbc(h, file, ses, HX_BAD_FLAG, 0, NULL),
		  VIRTIO_CRYPTODEV_S_INVAL, "unknown CRYPT flag -> S_INVAL");
	hx_expect(h, hx_cbc(h, file, ses, HX_ODD_LEN, 0, NULL),
		  VIRTIO_CRYPTODEV_S_INVAL,
		  "CBC src_len not a block multiple -> S_INVAL");
	hx_expect(h, hx_cbc(h, file, ses, HX_SHORT_SRC, 0, NULL),
		  VIRTIO_CRYPTODEV_S_INVAL,
		  "readable part shorter than declared input -> S_INVAL");
	hx_expect(h, hx_cbc(h, file, ses, HX_SHORT_DST, 0, NULL),
		  VIRTIO_CRYPTODEV_S_INVAL,
		  "writable part shorter than declared output -> S_INVAL");
	hx_expect2(h, hx_cbc(h, file, ses, HX_WRAP_OUT, 0, NULL),
		   VIRTIO_CRYPTODEV_S_INVAL, VIRTIO_CRYPTODEV_S_TOOBIG,
		   "output lengths wrapping 32 bits -> S_INVAL/S_TOOBIG");
	hx_expect2(h, hx_cbc(h, file, ses, HX_WRAP_IN, 0, NULL),
		   VIRTIO_CRYPTODEV_S_INVAL, VIRTIO_CRYPTODEV_S_TOOBIG,
		   "iv_len + src_len wrapping 32 bits -> S_INVAL/S_TOOBIG");
}

static void hx_test_handles(struct hx *h, u64 file, u32 ses)
{
	u64 other = 0, stale = 0;
	u32 st, dead_ses = 0, ses2 = 0;

	hx_expect(h, hx_cbc(h, 0x5eed5eed12345678ULL, ses, HX_PLAIN, 0, NULL),
		  VIRTIO_CRYPTODEV_S_NOFILE, "foreign file handle -> S_NOFILE");
	hx_expect(h, hx_cbc(h, 0, ses, HX_PLAIN, 0, NULL),
		  VIRTIO_CRYPTODEV_S_NOFILE, "file handle 0 -> S_NOFILE");
	hx_expect(h, hx_cbc(h, file ^ (1ULL << 40), ses, HX_PLAIN, 0, NULL),
		  VIRTIO_CRYPTODEV_S_NOFILE,
		  "file handle with one bit flipped -> S_NOFILE");

	hx_open(h, &stale);
	hx_expect(h, hx_close(h, stale), VIRTIO_CRYPTODEV_S_OK, "CLOSE_FILE");
	hx_expect(h, hx_cbc(h, stale, ses, HX_PLAIN, 0, NULL),
		  VIRTIO_CRYPTODEV_S_NOFILE, "stale (closed) file -> S_NOFILE");
	hx_expect(h, hx_close(h, stale), VIRTIO_CRYPTODEV_S_NOFILE,
		  "CLOSE_FILE twice -> S_NOFILE");

	st = hx_open(h, &other);
	hx_create(h, other, CRYPTO_AES_CBC, 0, hx_aes_key, 16, 0, &ses2);
	hx_expect(h, hx_cbc(h, other, ses, HX_PLAIN, 0, NULL),
		  VIRTIO_CRYPTODEV_S_NOSESSION,
		  "another file's session id -> S_NOSESSION");
	hx_expect(h, hx_destroy(h, file, ses2), VIRTIO_CRYPTODEV_S_NOSESSION,
		  "DESTROY_SESSION of another file's session -> S_NOSESSION");

	hx_create(h, file, CRYPTO_AES_CBC, 0, hx_aes_key, 16, 0, &dead_ses);
	hx_expect(h, hx_destroy(h, file, dead_ses), VIRTIO_CRYPTODEV_S_OK,
		  "DESTROY_SESSION");
	hx_expect(h, hx_cbc(h, file, dead_ses, HX_PLAIN, 0, NULL),
		  VIRTIO_CRYPTODEV_S_NOSESSION,
		  "destroyed session id -> S_NOSESSION");
	hx_expect(h, hx_destroy(h, file, dead_ses),
		  VIRTIO_CRYPTODEV_S_NOSESSION,
		  "DESTROY_SESSION twice -> S_NOSESSION");

	hx_close(h, other);
	hx_expect(h, hx_cbc(h, other, ses2, HX_PLAIN, 0, NULL),
		  VIRTIO_CRYPTODEV_S_NOFILE,
		  "session of a closed file -> S_NOFILE");
	(void)st;
}

static void hx_test_sessions(struct hx *h, u64 file)
{
	u8 key[64] = { 0 };
	u32 ses;

	hx_expect(h, hx_create(h, file, 0, 0, NULL, 0, 0, &ses),
		  VIRTIO_CRYPTODEV_S_INVAL, "session with no algorithm -> S_INVAL");
	hx_expect(h, hx_create(h, file, 9999, 0, key, 16, 0, &ses),
		  VIRTIO_CRYPTODEV_S_NOTSUPP, "unknown cipher -> S_NOTSUPP");
	hx_expect(h, hx_create(h, file, CRYPTO_AES_CBC, 0, key, 15, 0, &ses),
		  VIRTIO_CRYPTODEV_S_INVAL, "AES key of 15 bytes -> S_INVAL");
	hx_expect(h, hx_create(h, file, 0, CRYPTO_SHA2_256, key, 0, 4, &ses),
		  VIRTIO_CRYPTODEV_S_INVAL,
		  "plain hash with a mac key -> S_INVAL");
	hx_expect2(h, hx_create(h, file, CRYPTO_AES_CBC, 0, key, 0xfffffff0,
				0x20, &ses),
		   VIRTIO_CRYPTODEV_S_INVAL, VIRTIO_CRYPTODEV_S_TOOBIG,
		   "key_len + mac_key_len wrapping 32 bits -> S_INVAL/S_TOOBIG");
}

static void hx_test_limits(struct hx *h, u64 file)
{
	u64 *files;
	u32 i, n = 0, st = 0, ses;
	u64 f2 = 0;

	if (hx_open(h, &f2) != VIRTIO_CRYPTODEV_S_OK) {
		hx_result(h, false, "OPEN_FILE for the session limit", 0);
		return;
	}
	for (i = 0; i <= h->max_sessions; i++) {
		st = hx_create(h, f2, CRYPTO_AES_ECB, 0, hx_aes_key, 16, 0,
			       &ses);
		if (st != VIRTIO_CRYPTODEV_S_OK)
			break;
		n++;
	}
	hx_result(h, st == VIRTIO_CRYPTODEV_S_LIMIT && n == h->max_sessions,
		  "session max_sessions + 1 -> S_LIMIT", st);
	hx_close(h, f2);

	files = kcalloc(h->max_files + 1, sizeof(*files), GFP_KERNEL);
	if (!files)
		return;
	/* @file is open already: max_files - 1 more fit. */
	n = 0;
	for (i = 0; i < h->max_files; i++) {
		st = hx_open(h, &files[n]);
		if (st != VIRTIO_CRYPTODEV_S_OK)
			break;
		n++;
	}
	hx_result(h, st == VIRTIO_CRYPTODEV_S_LIMIT && n == h->max_files - 1,
		  "file max_files + 1 -> S_LIMIT", st);
	for (i = 0; i < n; i++)
		hx_close(h, files[i]);
	kfree(files);
	hx_expect(h, hx_open(h, &f2), VIRTIO_CRYPTODEV_S_OK,
		  "OPEN_FILE works again after closing");
	hx_close(h, f2);
}

/* src_len over max_data_len with every byte really supplied. */
static void hx_test_toobig(struct hx *h, u64 file)
{
	size_t len = (size_t)h->max_data_len + 16;
	struct hx_msg *m;
	u32 ses = 0, st;

	if (len > HX_BIG_MAX) {
		hx_log(h, "ok %d - # SKIP max_data_len too big for one chain\n",
		       ++h->tests);
		return;
	}
	hx_create(h, file, CRYPTO_AES_ECB, 0, hx_aes_key, 16, 0, &ses);
	m = hx_crypt_msg(file, ses, len, 0, len);
	if (!m)
		return;
	m->big_in = vzalloc(len);
	m->big_out = vzalloc(len);
	st = m->big_in && m->big_out ? hx_send(h, m, len, len, 0) : HX_S_NOMEM;
	hx_msg_done(h, m, st == HX_S_TIMEOUT ? -ETIMEDOUT : 0);
	hx_expect(h, st, VIRTIO_CRYPTODEV_S_TOOBIG,
		  "src_len = max_data_len + 16, all supplied -> S_TOOBIG");

	m = hx_crypt_msg(file, ses, 0x7ffffff0, 0, 0x7ffffff0);
	st = m ? hx_send(h, m, 0, 0, 0) : HX_S_NOMEM;
	if (m)
		hx_msg_done(h, m, st == HX_S_TIMEOUT ? -ETIMEDOUT : 0);
	hx_expect2(h, st, VIRTIO_CRYPTODEV_S_TOOBIG, VIRTIO_CRYPTODEV_S_INVAL,
		   "src_len 2 GiB, nothing supplied -> S_TOOBIG/S_INVAL");
	hx_destroy(h, file, ses);
}

static u32 hx_gcm(struct hx *h, u64 file, u32 ses, bool decrypt,
		  const u8 *src, u32 src_len, u32 tag_len, bool *match)
{
	u32 dst_len = decrypt ? src_len - tag_len : src_len + tag_len;
	struct hx_msg *m = hx_msg_new(VIRTIO_CRYPTODEV_OP_AEAD, file, ses);
	u32 st;

	if (!m)
		return HX_S_NOMEM;
	m->hdr.u.aead.direction = cpu_to_le32(decrypt ?
					      VIRTIO_CRYPTODEV_DIR_DECRYPT :
					      VIRTIO_CRYPTODEV_DIR_ENCRYPT);
	m->hdr.u.aead.src_len = cpu_to_le32(src_len);
	m->hdr.u.aead.iv_len = cpu_to_le32(12);
	m->hdr.u.aead.tag_len = cpu_to_le32(tag_len);
	m->hdr.u.aead.dst_len = cpu_to_le32(dst_len);
	memcpy(m->in + 12, src, src_len);	/* zero nonce first */
	memset(m->out, 0xaa, sizeof(m->out));
	st = hx_send(h, m, 12 + src_len, dst_len, 5);
	if (decrypt)
		*match = le32_to_cpu(m->resp.len) == 0 &&
			 !memchr_inv(m->out, 0xaa, dst_len);
	else
		*match = st == VIRTIO_CRYPTODEV_S_OK &&
			 !memcmp(m->out, hx_gcm_ct_tag, 32);
	hx_msg_done(h, m, st == HX_S_TIMEOUT ? -ETIMEDOUT : 0);
	return st;
}

static void hx_test_gcm(struct hx *h, u64 file)
{
	u8 zero[16] = { 0 }, bad[32];
	bool match = false;
	u32 ses = 0, st;

	if (!h->aead) {
		hx_log(h, "ok %d - # SKIP device offers no AEAD\n", ++h->tests);
		return;
	}
	st = hx_create(h, file, CRYPTO_AES_GCM, 0, zero, 16, 0, &ses);
	hx_expect(h, st, VIRTIO_CRYPTODEV_S_OK, "CREATE_SESSION AES-128-GCM");
	st = hx_gcm(h, file, ses, false, zero, 16, 16, &match);
	hx_result(h, match, "AEAD encrypt gives GCM test case 2, tag after data",
		  st);
	memcpy(bad, hx_gcm_ct_tag, 32);
	bad[31] ^= 0x01;
	st = hx_gcm(h, file, ses, true, bad, 32, 16, &match);
	hx_expect(h, st, VIRTIO_CRYPTODEV_S_BADMSG,
		  "AEAD decrypt with a bad tag -> S_BADMSG");
	hx_result(h, match, "bad tag: resp.len 0, no plaintext written", st);
	hx_expect(h, hx_gcm(h, file, ses, false, zero, 16, 3, &match),
		  VIRTIO_CRYPTODEV_S_INVAL, "AEAD tag_len 3 -> S_INVAL");
	hx_expect(h, hx_cbc(h, file, ses, HX_PLAIN, 0, NULL),
		  VIRTIO_CRYPTODEV_S_INVAL, "CRYPT on a GCM session -> S_INVAL");
	hx_destroy(h, file, ses);
}

static int hx_find_vq(struct hx *h)
{
	struct virtqueue_info info = { .name = "hostile", .callback = hx_vq_done };

	/* Only the first queue: the others stay unused and that is allowed. */
	return virtio_find_vqs(h->vdev, 1, &h->vq, &info, NULL);
}

static void hx_free_graveyard(struct hx *h)
{
	struct hx_msg *m, *tmp;

	list_for_each_entry_safe(m, tmp, &h->graveyard, node) {
		list_del(&m->node);
		hx_msg_free(m);
	}
}

static int hx_freeze(struct virtio_device *vdev)
{
	struct hx *h = vdev->priv;

	virtio_reset_device(vdev);
	while (virtqueue_detach_unused_buf(h->vq))
		;
	vdev->config->del_vqs(vdev);
	hx_free_graveyard(h);
	return 0;
}

static int hx_restore(struct virtio_device *vdev)
{
	struct hx *h = vdev->priv;
	int err = hx_find_vq(h);

	if (!err)
		virtio_device_ready(vdev);
	return err;
}

static bool hx_needs_reset(struct hx *h)
{
	unsigned int waited;

	for (waited = 0; waited < HX_RESET_WAIT_MS; waited += 20) {
		if (h->vdev->config->get_status(h->vdev) &
		    VIRTIO_CONFIG_S_NEEDS_RESET)
			return true;
		msleep(20);
	}
	return false;
}

/* Reset through the core's own freeze/restore path and re-initialise. */
static int hx_reset(struct hx *h)
{
	int err = virtio_device_freeze(h->vdev);

	return err ?: virtio_device_restore(h->vdev);
}

/* Layouts that must put the device into needs-reset. */
static void hx_test_breakers(struct hx *h, bool short_header)
{
	struct hx_msg *m = hx_msg_new(VIRTIO_CRYPTODEV_OP_OPEN_FILE, 0, 0);
	struct hx_chain *c = kvzalloc(sizeof(*c), GFP_KERNEL);
	u64 file = 0;
	int sent;

	if (!m || !c) {
		kfree(m);
		kvfree(c);
		return;
	}
	hx_add(c->out, &c->nout, &m->hdr,
	       short_header ? 10 : sizeof(m->hdr), 0);
	hx_add(c->in, &c->nin, &m->resp, short_header ? sizeof(m->resp) : 8,
	       0);
	sent = hx_submit(h, c, m, 1000);
	kvfree(c);
	hx_msg_done(h, m, -ETIMEDOUT);	/* freed by the reset */
	hx_result(h, sent == -ETIMEDOUT && hx_needs_reset(h),
		  short_header ?
		  "header of 10 bytes -> dropped, device needs reset" :
		  "writable part of 8 bytes -> dropped, device needs reset",
		  sent == -ETIMEDOUT ? HX_S_TIMEOUT : HX_S_SUBMIT);
	hx_result(h, hx_reset(h) == 0 &&
		  hx_open(h, &file) == VIRTIO_CRYPTODEV_S_OK && file,
		  "after a reset the device answers OPEN_FILE again", 0);
	hx_close(h, file);
}

static void hx_run(struct hx *h)
{
	u64 file = 0;
	u32 ses = 0;

	h->log_len = 0;
	h->tests = 0;
	h->failed = 0;
	hx_log(h, "# vcd_hostile: max_files %u, max_sessions %u, max_data_len %u\n",
	       h->max_files, h->max_sessions, h->max_data_len);
	hx_expect(h, hx_open(h, &file), VIRTIO_CRYPTODEV_S_OK, "OPEN_FILE");
	hx_result(h, file != 0, "file handle is nonzero", 0);

	hx_test_layouts(h, file, &ses);
	hx_test_fields(h, file, ses);
	hx_test_handles(h, file, ses);
	hx_test_sessions(h, file);
	hx_test_gcm(h, file);
	hx_test_toobig(h, file);
	hx_test_limits(h, file);
	hx_expect(h, hx_close(h, file), VIRTIO_CRYPTODEV_S_OK,
		  "CLOSE_FILE of the main file");

	hx_test_breakers(h, true);
	hx_test_breakers(h, false);
	hx_log(h, "1..%d\n# %d failed\n", h->tests, h->failed);
}

static ssize_t hx_run_write(struct file *filp, const char __user *buf,
			    size_t count, loff_t *pos)
{
	struct hx *h = filp->private_data;

	mutex_lock(&h->run_lock);
	hx_run(h);
	mutex_unlock(&h->run_lock);
	return count;
}

static ssize_t hx_results_read(struct file *filp, char __user *buf,
			       size_t count, loff_t *pos)
{
	struct hx *h = filp->private_data;
	ssize_t n;

	mutex_lock(&h->run_lock);
	n = simple_read_from_buffer(buf, count, pos, h->log, h->log_len);
	mutex_unlock(&h->run_lock);
	return n;
}

static const struct file_operations hx_run_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = hx_run_write,
};

static const struct file_operations hx_results_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = hx_results_read,
};

static int hx_probe(struct virtio_device *vdev)
{
	struct hx *h = kzalloc(sizeof(*h), GFP_KERNEL);
	int err = -ENOMEM;

	if (!h)
		return -ENOMEM;
	h->log = kzalloc(HX_LOG_SIZE, GFP_KERNEL);
	if (!h->log)
		goto fail;
	h->vdev = vdev;
	vdev->priv = h;
	spin_lock_init(&h->lock);
	mutex_init(&h->run_lock);
	init_completion(&h->done);
	INIT_LIST_HEAD(&h->graveyard);
	virtio_cread_le(vdev, struct virtio_cryptodev_config, max_files,
			&h->max_files);
	virtio_cread_le(vdev, struct virtio_cryptodev_config, max_sessions,
			&h->max_sessions);
	virtio_cread_le(vdev, struct virtio_cryptodev_config, max_data_len,
			&h->max_data_len);
	h->aead = virtio_has_feature(vdev, VIRTIO_CRYPTODEV_F_AEAD);
	err = hx_find_vq(h);
	if (err)
		goto fail;
	virtio_device_ready(vdev);
	h->dir = debugfs_create_dir("vcd_hostile", NULL);
	debugfs_create_file("run", 0200, h->dir, h, &hx_run_fops);
	debugfs_create_file("results", 0400, h->dir, h, &hx_results_fops);
	return 0;
fail:
	kfree(h->log);
	kfree(h);
	return err;
}

static void hx_remove(struct virtio_device *vdev)
{
	struct hx *h = vdev->priv;

	debugfs_remove_recursive(h->dir);
	hx_freeze(vdev);
	kfree(h->log);
	kfree(h);
}

static const struct virtio_device_id hx_id_table[] = {
	{ VIRTIO_ID_CRYPTODEV, VIRTIO_DEV_ANY_ID },
	{ 0 },
};

static unsigned int hx_features[] = {
	VIRTIO_CRYPTODEV_F_AEAD,
};

static struct virtio_driver hx_driver = {
	.driver.name = "vcd_hostile",
	.id_table = hx_id_table,
	.feature_table = hx_features,
	.feature_table_size = ARRAY_SIZE(hx_features),
	.probe = hx_probe,
	.remove = hx_remove,
	.freeze = hx_freeze,
	.restore = hx_restore,
};

module_virtio_driver(hx_driver);
MODULE_DESCRIPTION("virtio-cryptodev hostile-guest test driver");
MODULE_LICENSE("GPL");
