/*
 * virtio-cryptodev: a virtio device that runs cryptodev-linux sessions
 * for the guest on the host
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Every request is checked here, against numbers the guest declared,
 * before anything is allocated or read past the header; only then does an
 * engine (builtin: QEMU's crypto layer; host: the host's /dev/crypto) see
 * it.  Files and sessions are touched only under the BQL and are reference
 * counted, so closing or destroying them never frees state under a
 * request that is still running on a worker thread.
 *
 * Every path that writes guest memory under the BQL engages the
 * transport's re-entrancy guard (virtio_cryptodev_guard_enter()), so a
 * guest that aims a buffer, its used ring or an MSI-X message at this
 * device's own registers cannot re-enter the device from inside an
 * answer.  docs/virtio-cryptodev.md, "Security", lists each path.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/error-report.h"
#include "qemu/guest-random.h"
#include "qemu/iov.h"
#include "qemu/main-loop.h"
#include "qemu/module.h"
#include "qemu/rcu.h"
#include "qemu/timer.h"
#include "hw/core/cpu.h"
#include "hw/qdev-properties.h"
#include "hw/virtio/virtio.h"
#include "hw/virtio/virtio-cryptodev.h"
#include "migration/blocker.h"
#include "migration/vmstate.h"
#include "trace.h"

/* A request from virtqueue_pop() to its response. */
struct VirtIOCryptodevReq {
    VirtQueueElement elem;          /* first: virtqueue_pop() allocates */
    QSIMPLEQ_ENTRY(VirtIOCryptodevReq) next;    /* on todo or done */
    VirtIOCryptodev *dev;
    VirtQueue *vq;
    uint32_t opcode;
    uint32_t status;
    uint64_t handle;                /* resp.handle on success */
    VirtIOCryptodevFile *file;      /* a reference, while running */
    VirtIOCryptodevSession *sess;   /* a reference, while running */
    VirtIOCryptodevSession *src;    /* COPY_HASH's source, the same */
    union {
        VcdSessionShape shape;      /* CREATE_SESSION */
        VcdCryptPara crypt;
        VcdAeadPara aead;
    } u;
    size_t in_len;                  /* op input after the header */
    size_t out_len;                 /* op output after the response */
    size_t buf_len;                 /* output bounce buffer: >= out_len */
    uint8_t *in;
    uint8_t *out;
    bool in_place_in;               /* in points into guest memory */
    bool in_place_out;              /* out points into guest memory */
    size_t written;                 /* output bytes in the guest's buffer */
};

#define VCD_HDR_LEN sizeof(struct virtio_cryptodev_req_hdr)
#define VCD_RESP_LEN sizeof(struct virtio_cryptodev_resp)

QEMU_BUILD_BUG_ON(sizeof(struct virtio_cryptodev_req_hdr) != 64);
QEMU_BUILD_BUG_ON(sizeof(struct virtio_cryptodev_resp) != 16);
QEMU_BUILD_BUG_ON(sizeof(struct virtio_cryptodev_config) != 32);

/*
 * Answering a request writes guest memory: unmapping a bounce buffer
 * flushes it, the used ring is written, an MSI-X message is sent.  A
 * hostile guest may aim any of them at this device's own registers, and
 * a write of 0 to device_status would reset the device from inside the
 * answer (the CVE-2024-3446 class).  QEMU's memory core refuses MMIO to a
 * device while that device's guard is engaged.  The guest's own MMIO
 * accesses and guarded bottom halves engage it, but a worker thread, the
 * main loop's ioeventfd handler, a system reset and unplug do not, so
 * each entry point of this device that writes guest memory engages the
 * transport's guard itself, restoring what it found.  Under the BQL.
 */
static bool virtio_cryptodev_guard_enter(VirtIOCryptodev *s)
{
    bool was_engaged = s->guard->engaged_in_io;

    s->guard->engaged_in_io = true;
    return was_engaged;
}

static void virtio_cryptodev_guard_leave(VirtIOCryptodev *s, bool was_engaged)
{
    s->guard->engaged_in_io = was_engaged;
}

/* ---- files and sessions (under the BQL) ---- */

static void virtio_cryptodev_file_unref(VirtIOCryptodevFile *file)
{
    VirtIOCryptodev *s = file->dev;

    if (--file->refcnt) {
        return;
    }
    if (s->engine->file_close) {
        s->engine->file_close(file);
    }
    g_hash_table_destroy(file->sessions);
    g_free(file);
}

static void virtio_cryptodev_session_unref(VirtIOCryptodevSession *sess)
{
    VirtIOCryptodevFile *file = sess->file;

    if (--sess->refcnt) {
        return;
    }
    if (sess->opaque) {
        file->dev->engine->session_destroy(sess);
    }
    qemu_mutex_destroy(&sess->lock);
    g_free(sess);
    virtio_cryptodev_file_unref(file);
}

/*
 * Nonzero, and distinct from every handle this device gave before: a
 * serial number in the high bits, random bits below it.
 *
 * x-fuzz-handles=on is for fuzzing only: a fuzzer cannot read a handle
 * back from guest memory, so it gets small numbers counted from 1 after
 * each reset (files) or in each file (sessions), which an input can name.
 * They are guessable, which is why the property is off by default.
 */
static uint64_t virtio_cryptodev_new_file_handle(VirtIOCryptodev *s)
{
    uint32_t rnd;

    if (s->fuzz_handles) {
        return ++s->file_serial;
    }
    qemu_guest_getrandom_nofail(&rnd, sizeof(rnd));
    return (++s->file_serial << 24) | (rnd & 0xffffff);
}

static uint32_t virtio_cryptodev_new_session_id(VirtIOCryptodevFile *file)
{
    uint32_t id;

    if (file->dev->fuzz_handles) {
        return ++file->session_serial;
    }
    do {
        qemu_guest_getrandom_nofail(&id, sizeof(id));
    } while (id == 0 ||
             g_hash_table_contains(file->sessions, GUINT_TO_POINTER(id)));
    return id;
}

static VirtIOCryptodevFile *virtio_cryptodev_find_file(VirtIOCryptodev *s,
                                                       uint64_t handle)
{
    return handle ? g_hash_table_lookup(s->files, &handle) : NULL;
}

static VirtIOCryptodevSession *
virtio_cryptodev_find_session(VirtIOCryptodevFile *file, uint32_t id)
{
    return id ? g_hash_table_lookup(file->sessions, GUINT_TO_POINTER(id))
              : NULL;
}

static uint32_t virtio_cryptodev_open_file(VirtIOCryptodev *s,
                                           VirtIOCryptodevReq *req)
{
    VirtIOCryptodevFile *file;
    uint32_t status;

    if (g_hash_table_size(s->files) >= s->max_files) {
        return VIRTIO_CRYPTODEV_S_LIMIT;
    }
    file = g_new0(VirtIOCryptodevFile, 1);
    file->dev = s;
    file->refcnt = 1;
    file->host_fd = -1;
    file->sessions = g_hash_table_new(g_direct_hash, g_direct_equal);
    if (s->engine->file_open) {
        status = s->engine->file_open(file);
        if (status != VIRTIO_CRYPTODEV_S_OK) {
            g_hash_table_destroy(file->sessions);
            g_free(file);
            return status;
        }
    }
    file->handle = virtio_cryptodev_new_file_handle(s);
    g_hash_table_insert(s->files, &file->handle, file);
    req->handle = file->handle;
    return VIRTIO_CRYPTODEV_S_OK;
}

/*
 * Drop the file's handle and sessions; requests holding references
 * finish first.
 */
static void virtio_cryptodev_close_file(VirtIOCryptodev *s,
                                        VirtIOCryptodevFile *file)
{
    GHashTableIter iter;
    gpointer value;

    g_hash_table_remove(s->files, &file->handle);
    file->closed = true;
    g_hash_table_iter_init(&iter, file->sessions);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        g_hash_table_iter_steal(&iter);
        virtio_cryptodev_session_unref(value);
    }
    file->sessions_reserved = 0;
    virtio_cryptodev_file_unref(file);
}

static void virtio_cryptodev_close_all_files(VirtIOCryptodev *s)
{
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init(&iter, s->files);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        /* close_file() removes the entry: restart the walk each time */
        virtio_cryptodev_close_file(s, value);
        g_hash_table_iter_init(&iter, s->files);
    }
}

static void virtio_cryptodev_destroy_session(VirtIOCryptodevFile *file,
                                             VirtIOCryptodevSession *sess)
{
    g_hash_table_remove(file->sessions, GUINT_TO_POINTER(sess->id));
    file->sessions_reserved--;
    virtio_cryptodev_session_unref(sess);
}

/* ---- parsing and checking a request ---- */

static uint32_t virtio_cryptodev_parse_session(VirtIOCryptodev *s,
                                               VirtIOCryptodevReq *req,
                              const struct virtio_cryptodev_session_para *sp)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(s);
    VcdSessionShape *shape = &req->u.shape;
    uint32_t status;

    status = vcd_check_session(&s->limits, le32_to_cpu(sp->cipher),
                               le32_to_cpu(sp->mac), le32_to_cpu(sp->key_len),
                               le32_to_cpu(sp->mac_key_len), shape);
    if (status != VIRTIO_CRYPTODEV_S_OK) {
        return status;
    }
    if (shape->cipher && shape->cipher->kind == VCD_KIND_AEAD &&
        !virtio_vdev_has_feature(vdev, VIRTIO_CRYPTODEV_F_AEAD)) {
        return VIRTIO_CRYPTODEV_S_NOTSUPP;
    }
    if (vcd_session_needs_ext(shape) &&
        !virtio_vdev_has_feature(vdev, VIRTIO_CRYPTODEV_F_EXT_ALGS)) {
        return VIRTIO_CRYPTODEV_S_NOTSUPP;
    }
    req->in_len = (size_t)shape->key_len + shape->mac_key_len;
    req->out_len = sizeof(struct virtio_cryptodev_session_info);
    req->buf_len = req->out_len;
    return VIRTIO_CRYPTODEV_S_OK;
}

static uint32_t virtio_cryptodev_parse_crypt(VirtIOCryptodev *s,
                                             VirtIOCryptodevReq *req,
                               const struct virtio_cryptodev_crypt_para *cp)
{
    VcdCryptPara *p = &req->u.crypt;
    uint32_t status;

    p->direction = le32_to_cpu(cp->direction);
    p->flags = le32_to_cpu(cp->flags);
    p->src_len = le32_to_cpu(cp->src_len);
    p->iv_len = le32_to_cpu(cp->iv_len);
    p->dst_len = le32_to_cpu(cp->dst_len);
    p->mac_len = le32_to_cpu(cp->mac_len);
    p->iv_out_len = le32_to_cpu(cp->iv_out_len);
    status = vcd_check_crypt(&s->limits, &req->sess->shape, p);
    if (status != VIRTIO_CRYPTODEV_S_OK) {
        return status;
    }
    req->in_len = vcd_crypt_in_len(p);
    req->out_len = vcd_crypt_out_len(p);
    req->buf_len = req->out_len;
    return VIRTIO_CRYPTODEV_S_OK;
}

static uint32_t virtio_cryptodev_parse_aead(VirtIOCryptodev *s,
                                            VirtIOCryptodevReq *req,
                                const struct virtio_cryptodev_aead_para *ap)
{
    VcdAeadPara *p = &req->u.aead;
    uint32_t status;

    p->direction = le32_to_cpu(ap->direction);
    p->flags = le32_to_cpu(ap->flags);
    p->src_len = le32_to_cpu(ap->src_len);
    p->aad_len = le32_to_cpu(ap->aad_len);
    p->iv_len = le32_to_cpu(ap->iv_len);
    p->tag_len = le32_to_cpu(ap->tag_len);
    p->dst_len = le32_to_cpu(ap->dst_len);
    status = vcd_check_aead(&s->limits, &req->sess->shape, p);
    if (status != VIRTIO_CRYPTODEV_S_OK) {
        return status;
    }
    req->in_len = vcd_aead_in_len(p);
    req->out_len = p->dst_len;
    /* decryption computes into room for the tag too (see VcdAeadBufs) */
    req->buf_len = MAX(p->dst_len, p->src_len);
    return VIRTIO_CRYPTODEV_S_OK;
}

/*
 * The source must be another session of the same file, both with the
 * same digest: a state only means something to its own algorithm (and
 * the engines copy it as it is).
 */
static uint32_t virtio_cryptodev_parse_copy_hash(VirtIOCryptodevReq *req,
                            const struct virtio_cryptodev_copy_hash_para *cp)
{
    VirtIOCryptodevSession *dst = req->sess;

    req->src = virtio_cryptodev_find_session(req->file,
                                             le32_to_cpu(cp->src_session));
    if (!req->src) {
        return VIRTIO_CRYPTODEV_S_NOSESSION;
    }
    if (req->src == dst || !dst->shape.mac ||
        req->src->shape.mac != dst->shape.mac) {
        return VIRTIO_CRYPTODEV_S_INVAL;
    }
    return VIRTIO_CRYPTODEV_S_OK;
}

/*
 * Check the header and the op's parameters, in the order the
 * specification gives: reserved fields, file, session, parameters.  On
 * success req->file and req->sess point (without references yet) at what
 * the request names.
 */
static uint32_t virtio_cryptodev_parse(VirtIOCryptodev *s,
                                       VirtIOCryptodevReq *req,
                                   const struct virtio_cryptodev_req_hdr *hdr)
{
    uint64_t file_handle = le64_to_cpu(hdr->file);
    uint32_t session_id = le32_to_cpu(hdr->session);
    bool needs_session;

    req->opcode = le32_to_cpu(hdr->opcode);
    trace_virtio_cryptodev_request(s, req->opcode, file_handle, session_id);
    if (hdr->reserved || hdr->reserved2) {
        return VIRTIO_CRYPTODEV_S_INVAL;
    }

    switch (req->opcode) {
    case VIRTIO_CRYPTODEV_OP_OPEN_FILE:
        return file_handle || session_id ? VIRTIO_CRYPTODEV_S_INVAL
                                         : VIRTIO_CRYPTODEV_S_OK;
    case VIRTIO_CRYPTODEV_OP_CLOSE_FILE:
    case VIRTIO_CRYPTODEV_OP_CREATE_SESSION:
        needs_session = false;
        break;
    case VIRTIO_CRYPTODEV_OP_DESTROY_SESSION:
    case VIRTIO_CRYPTODEV_OP_CRYPT:
    case VIRTIO_CRYPTODEV_OP_AEAD:
        needs_session = true;
        break;
    case VIRTIO_CRYPTODEV_OP_COPY_HASH:
        /* an opcode the driver did not negotiate does not exist */
        if (!virtio_vdev_has_feature(VIRTIO_DEVICE(s),
                                     VIRTIO_CRYPTODEV_F_COPY_HASH)) {
            return VIRTIO_CRYPTODEV_S_INVAL;
        }
        needs_session = true;
        break;
    default:
        return VIRTIO_CRYPTODEV_S_INVAL;
    }

    if (!needs_session && session_id) {
        return VIRTIO_CRYPTODEV_S_INVAL;
    }
    req->file = virtio_cryptodev_find_file(s, file_handle);
    if (!req->file) {
        return VIRTIO_CRYPTODEV_S_NOFILE;
    }
    if (needs_session) {
        req->sess = virtio_cryptodev_find_session(req->file, session_id);
        if (!req->sess) {
            return VIRTIO_CRYPTODEV_S_NOSESSION;
        }
    }

    switch (req->opcode) {
    case VIRTIO_CRYPTODEV_OP_CREATE_SESSION:
        return virtio_cryptodev_parse_session(s, req, &hdr->u.session);
    case VIRTIO_CRYPTODEV_OP_CRYPT:
        return virtio_cryptodev_parse_crypt(s, req, &hdr->u.crypt);
    case VIRTIO_CRYPTODEV_OP_AEAD:
        return virtio_cryptodev_parse_aead(s, req, &hdr->u.aead);
    case VIRTIO_CRYPTODEV_OP_COPY_HASH:
        return virtio_cryptodev_parse_copy_hash(req, &hdr->u.copy_hash);
    default:
        return VIRTIO_CRYPTODEV_S_OK;
    }
}

/* ---- running a request ---- */

static uint32_t virtio_cryptodev_run_crypt(VirtIOCryptodevReq *req)
{
    const VcdCryptPara *p = &req->u.crypt;
    VcdCryptBufs b = {
        .iv = p->iv_len ? req->in : NULL,
        .src = req->in + p->iv_len,
        .dst = p->dst_len ? req->out : NULL,
        .mac = p->mac_len ? req->out + p->dst_len : NULL,
        .iv_out = p->iv_out_len ? req->out + p->dst_len + p->mac_len : NULL,
    };
    return req->dev->engine->crypt(req->sess, p, &b);
}

static uint32_t virtio_cryptodev_run_aead(VirtIOCryptodevReq *req)
{
    const VcdAeadPara *p = &req->u.aead;
    VcdAeadBufs b = {
        .iv = req->in,
        .aad = req->in + p->iv_len,
        .src = req->in + p->iv_len + p->aad_len,
        .dst = req->out,
    };
    return req->dev->engine->aead(req->sess, p, &b);
}

/*
 * Zero copy over scattered buffers.  The guest driver hands user memory
 * over as one descriptor per physically contiguous run of pages, so a
 * 64 KiB buffer is often a dozen descriptors.  CBC, CTR and ECB, and any
 * hash, can run piece by piece over them, in place, the session carrying
 * the IV and the hash state from one piece to the next, as long as every
 * piece but the last is a whole number of cipher blocks.  XTS cannot be
 * split: a request is one data unit.  Otherwise the request is bounced.
 * Every piece ends where a descriptor of src or dst ends, so a request
 * has at most as many pieces as descriptors.
 */

typedef struct VcdPiece {
    const uint8_t *src;
    uint8_t *dst;               /* NULL for a hash without a cipher */
    size_t len;
} VcdPiece;

typedef struct VcdIovCursor {
    const struct iovec *iov;
    unsigned int cnt;
    unsigned int i;
    size_t off;                 /* into iov[i] */
} VcdIovCursor;

static void vcd_cursor_init(VcdIovCursor *c, const struct iovec *iov,
                            unsigned int cnt, size_t offset)
{
    c->iov = iov;
    c->cnt = cnt;
    c->i = 0;
    c->off = offset;
}

/* The bytes left in the current element, or NULL when none is left. */
static uint8_t *vcd_cursor_peek(VcdIovCursor *c, size_t *avail)
{
    while (c->i < c->cnt && c->off >= c->iov[c->i].iov_len) {
        c->off -= c->iov[c->i].iov_len;
        c->i++;
    }
    if (c->i == c->cnt) {
        return NULL;
    }
    *avail = c->iov[c->i].iov_len - c->off;
    return (uint8_t *)c->iov[c->i].iov_base + c->off;
}

/* The length every piece but the last must be a multiple of. */
static size_t virtio_cryptodev_piece_grain(const VcdSessionShape *shape)
{
    if (!shape->cipher) {
        return 1;
    }
    /* CTR takes any length, but its counter moves a block at a time */
    return shape->cipher->mode == VCD_MODE_CTR ? VCD_MAX_BLOCK_LEN
                                               : shape->block_size;
}

static bool virtio_cryptodev_overlap(const uint8_t *a, size_t a_len,
                                     const uint8_t *b, size_t b_len)
{
    return a < b + b_len && b < a + a_len;
}

/* Split OP_CRYPT's src and dst into pieces; 0 when it cannot be done. */
static unsigned int virtio_cryptodev_plan_pieces(VirtIOCryptodevReq *req,
                                                 VcdPiece *pieces,
                                                 unsigned int max)
{
    const VcdCryptPara *p = &req->u.crypt;
    const VcdSessionShape *shape = &req->sess->shape;
    size_t grain = virtio_cryptodev_piece_grain(shape);
    size_t left = p->src_len;
    size_t src_avail, dst_avail = SIZE_MAX;
    VcdIovCursor src, dst;
    unsigned int n = 0;
    uint8_t *in, *out = NULL;

    vcd_cursor_init(&src, req->elem.out_sg, req->elem.out_num,
                    VCD_HDR_LEN + p->iv_len);
    vcd_cursor_init(&dst, req->elem.in_sg, req->elem.in_num, VCD_RESP_LEN);
    while (left) {
        in = vcd_cursor_peek(&src, &src_avail);
        if (p->dst_len) {
            out = vcd_cursor_peek(&dst, &dst_avail);
        }
        if (!in || (p->dst_len && !out) || n == max) {
            return 0;
        }
        pieces[n].len = MIN(left, MIN(src_avail, dst_avail));
        if ((pieces[n].len < left && pieces[n].len % grain) ||
            (out && virtio_cryptodev_overlap(in, pieces[n].len,
                                             out, pieces[n].len))) {
            return 0;
        }
        pieces[n].src = in;
        pieces[n].dst = out;
        src.off += pieces[n].len;
        dst.off += out ? pieces[n].len : 0;
        left -= pieces[n].len;
        n++;
    }
    return n;
}

/*
 * Run OP_CRYPT in place over the guest's buffers, piece by piece; false
 * when it must be bounced instead.  The host engine always bounces: its
 * host file descriptors take one contiguous buffer per ioctl.
 */
static bool virtio_cryptodev_crypt_in_pieces(VirtIOCryptodevReq *req)
{
    const VcdCryptPara *p = &req->u.crypt;
    VirtIOCryptodevSession *sess = req->sess;
    g_autofree VcdPiece *pieces = NULL;
    uint8_t iv[VCD_MAX_IV_LEN], mac[VCD_MAX_DIGEST_LEN];
    uint8_t iv_out[VCD_MAX_IV_LEN];
    uint32_t status = VIRTIO_CRYPTODEV_S_OK;
    unsigned int max, n, i;

    if (req->dev->engine->may_block || !p->src_len) {
        return false;
    }
    /* XTS: one data unit, so one piece */
    max = sess->shape.cipher && sess->shape.cipher->mode == VCD_MODE_XTS ?
          1 : req->elem.out_num + req->elem.in_num;
    pieces = g_new(VcdPiece, max);
    n = virtio_cryptodev_plan_pieces(req, pieces, max);
    if (!n) {
        return false;
    }
    iov_to_buf(req->elem.out_sg, req->elem.out_num, VCD_HDR_LEN, iv,
               p->iv_len);

    for (i = 0; i < n && status == VIRTIO_CRYPTODEV_S_OK; i++) {
        bool first = i == 0, last = i == n - 1;
        VcdCryptPara piece = *p;
        VcdCryptBufs b = {
            .iv = first && p->iv_len ? iv : NULL,
            .src = pieces[i].src,
            .dst = pieces[i].dst,
            .mac = last && p->mac_len ? mac : NULL,
            .iv_out = last && p->iv_out_len ? iv_out : NULL,
        };

        piece.src_len = pieces[i].len;
        piece.dst_len = p->dst_len ? pieces[i].len : 0;
        if (!first) {
            piece.flags &= ~(VIRTIO_CRYPTODEV_CRYPT_F_IV |
                             VIRTIO_CRYPTODEV_CRYPT_F_HASH_RESET);
        }
        if (!last) {
            piece.flags &= ~VIRTIO_CRYPTODEV_CRYPT_F_HASH_FINAL;
            piece.mac_len = 0;
            piece.iv_out_len = 0;
        }
        status = req->dev->engine->crypt(sess, &piece, &b);
    }

    req->status = status;
    if (status == VIRTIO_CRYPTODEV_S_OK) {
        iov_from_buf(req->elem.in_sg, req->elem.in_num,
                     VCD_RESP_LEN + p->dst_len, mac, p->mac_len);
        iov_from_buf(req->elem.in_sg, req->elem.in_num,
                     VCD_RESP_LEN + p->dst_len + p->mac_len, iv_out,
                     p->iv_out_len);
        req->written = req->out_len;
    }
    vcd_wipe(iv, sizeof(iv));
    vcd_wipe(mac, sizeof(mac));
    vcd_wipe(iv_out, sizeof(iv_out));
    return true;
}

/*
 * A pointer to the @len bytes at @offset of @iov when they lie in one
 * element (one mapped guest buffer), else NULL.
 */
static uint8_t *virtio_cryptodev_iov_span(const struct iovec *iov,
                                          unsigned int cnt, size_t offset,
                                          size_t len)
{
    VcdIovCursor c;
    size_t avail;
    uint8_t *p;

    vcd_cursor_init(&c, iov, cnt, offset);
    p = vcd_cursor_peek(&c, &avail);
    return p && len <= avail ? p : NULL;
}

/*
 * CRYPT reads its input from, and writes its output to, the mapped guest
 * buffers, without bounce buffers, when each lies in one descriptor; the
 * two sides are decided separately.  Both in place must not overlap (the
 * engine would read what it already wrote).  Other requests keep the
 * copies: CREATE_SESSION writes its answer only once the session is in
 * its file, and AEAD must write nothing on failure.
 */
static void virtio_cryptodev_map_in_place(VirtIOCryptodevReq *req)
{
    uint8_t *in, *out;

    if (req->opcode != VIRTIO_CRYPTODEV_OP_CRYPT || !req->in_len ||
        !req->out_len || req->buf_len != req->out_len) {
        return;
    }
    in = virtio_cryptodev_iov_span(req->elem.out_sg, req->elem.out_num,
                                   VCD_HDR_LEN, req->in_len);
    out = virtio_cryptodev_iov_span(req->elem.in_sg, req->elem.in_num,
                                    VCD_RESP_LEN, req->out_len);
    if (in && out &&
        virtio_cryptodev_overlap(in, req->in_len, out, req->out_len)) {
        return;
    }
    if (in) {
        req->in = in;
        req->in_place_in = true;
    }
    if (out) {
        req->out = out;
        req->in_place_out = true;
    }
}

/* Bounce buffers for what does not run in place. */
static bool virtio_cryptodev_copy_in(VirtIOCryptodevReq *req)
{
    if (!req->in_place_in) {
        req->in = g_try_malloc(req->in_len ? req->in_len : 1);
        if (!req->in) {
            return false;
        }
        iov_to_buf(req->elem.out_sg, req->elem.out_num, VCD_HDR_LEN,
                   req->in, req->in_len);
    }
    if (!req->in_place_out) {
        req->out = g_try_malloc(req->buf_len ? req->buf_len : 1);
        if (!req->out) {
            return false;
        }
    }
    return true;
}

/*
 * The part of a request that may block or take long: copy the input in
 * (unless it runs in place), run the engine, copy the output out.  Runs
 * on a worker thread (without the BQL) or inline under the BQL, with the
 * session's lock held by the caller; touches nothing but the request,
 * its session and the guest buffers it maps.
 */
static void virtio_cryptodev_work(VirtIOCryptodevReq *req)
{
    const VirtIOCryptodevEngine *engine = req->dev->engine;
    uint8_t *key;

    if (req->opcode == VIRTIO_CRYPTODEV_OP_COPY_HASH) {
        /* no data: nothing to map, bounce or write back */
        req->status = engine->copy_hash(req->sess, req->src);
        return;
    }
    if (req->opcode == VIRTIO_CRYPTODEV_OP_CRYPT &&
        virtio_cryptodev_crypt_in_pieces(req)) {
        return;
    }
    virtio_cryptodev_map_in_place(req);
    if (!virtio_cryptodev_copy_in(req)) {
        req->status = VIRTIO_CRYPTODEV_S_NOMEM;
        return;
    }

    switch (req->opcode) {
    case VIRTIO_CRYPTODEV_OP_CREATE_SESSION:
        key = req->in;
        req->status = engine->session_create(req->sess, key,
                                             key + req->u.shape.key_len,
                                             (void *)req->out);
        /* written to the guest only once the session is in its file */
        break;
    case VIRTIO_CRYPTODEV_OP_CRYPT:
        req->status = virtio_cryptodev_run_crypt(req);
        break;
    case VIRTIO_CRYPTODEV_OP_AEAD:
        req->status = virtio_cryptodev_run_aead(req);
        break;
    default:
        g_assert_not_reached();
    }

    if (req->status != VIRTIO_CRYPTODEV_S_OK ||
        req->opcode == VIRTIO_CRYPTODEV_OP_CREATE_SESSION) {
        return;
    }
    req->written = req->in_place_out ? req->out_len :
                   iov_from_buf(req->elem.in_sg, req->elem.in_num,
                                VCD_RESP_LEN, req->out, req->out_len);
}

static size_t virtio_cryptodev_data_len(VirtIOCryptodevReq *req)
{
    return req->in_len + req->buf_len;
}

/*
 * virtio_cryptodev_work(), timed, with the session's lock held.  The
 * session learns what a byte of its requests costs, so that later ones
 * run with the BQL held only when that stays short whatever the
 * algorithm; a slower run raises the estimate at once, faster ones lower
 * it slowly.  Returns the nanoseconds the work took.
 */
static int64_t virtio_cryptodev_run(VirtIOCryptodevReq *req)
{
    VirtIOCryptodevSession *sess = req->sess;
    size_t bytes = virtio_cryptodev_data_len(req);
    int64_t start = get_clock();
    int64_t ns;
    uint64_t ps;

    virtio_cryptodev_work(req);
    ns = get_clock() - start;
    if (req->opcode != VIRTIO_CRYPTODEV_OP_CREATE_SESSION && bytes) {
        ps = MAX((uint64_t)ns * 1000 / bytes, 1);
        sess->ps_per_byte = ps >= sess->ps_per_byte ? ps :
                            sess->ps_per_byte - (sess->ps_per_byte - ps) / 8;
    }
    return ns;
}

/* CREATE_SESSION's second half, under the BQL: the session joins its file. */
static void virtio_cryptodev_session_created(VirtIOCryptodevReq *req)
{
    VirtIOCryptodevFile *file = req->file;
    VirtIOCryptodevSession *sess = req->sess;

    if (req->status == VIRTIO_CRYPTODEV_S_OK && file->closed) {
        req->status = VIRTIO_CRYPTODEV_S_NOFILE;
    }
    if (req->status != VIRTIO_CRYPTODEV_S_OK) {
        if (!file->closed) {
            file->sessions_reserved--;
        }
        return;
    }
    sess->id = virtio_cryptodev_new_session_id(file);
    sess->refcnt++;
    g_hash_table_insert(file->sessions, GUINT_TO_POINTER(sess->id), sess);
    req->handle = sess->id;
    req->written = iov_from_buf(req->elem.in_sg, req->elem.in_num,
                                VCD_RESP_LEN, req->out, req->out_len);
}

static void virtio_cryptodev_respond(VirtIOCryptodevReq *req)
{
    VirtIOCryptodev *s = req->dev;
    bool ok = req->status == VIRTIO_CRYPTODEV_S_OK;
    struct virtio_cryptodev_resp resp = {
        .status = cpu_to_le32(req->status),
        .len = cpu_to_le32(ok ? req->written : 0),
        .handle = cpu_to_le64(ok ? req->handle : 0),
    };

    trace_virtio_cryptodev_complete(s, req->opcode, req->status,
                                    ok ? req->written : 0);
    if (s->quiescing || req->vq == s->resetting_vq) {
        /* the device or queue is being reset: the guest gave this up */
        virtqueue_detach_element(req->vq, &req->elem, 0);
        return;
    }
    iov_from_buf(req->elem.in_sg, req->elem.in_num, 0, &resp, sizeof(resp));
    virtqueue_push(req->vq, &req->elem,
                   sizeof(resp) + le32_to_cpu(resp.len));
    if (req->vq == s->batching_vq) {
        s->notify_deferred = true;
        return;
    }
    virtio_notify(VIRTIO_DEVICE(s), req->vq);
}

/*
 * The bounce buffers may hold keys (CREATE_SESSION's input), IVs (at the
 * start of CRYPT's and AEAD's input, at the end of CRYPT's output) and
 * MACs: those bytes are wiped before the memory goes back to the heap.
 * The data itself is a copy of what the guest can read anyway and is not
 * wiped, which would cost a tenth of the AES.
 */
static void virtio_cryptodev_free_bounces(VirtIOCryptodevReq *req)
{
    size_t in_secret = 0, out_secret = 0;

    switch (req->opcode) {
    case VIRTIO_CRYPTODEV_OP_CREATE_SESSION:
        in_secret = req->in_len;
        break;
    case VIRTIO_CRYPTODEV_OP_CRYPT:
        in_secret = req->u.crypt.iv_len;
        out_secret = req->u.crypt.mac_len + req->u.crypt.iv_out_len;
        break;
    case VIRTIO_CRYPTODEV_OP_AEAD:
        in_secret = req->u.aead.iv_len;
        break;
    }
    if (!req->in_place_in && req->in) {
        vcd_wipe(req->in, MIN(in_secret, req->in_len));
        g_free(req->in);
    }
    if (!req->in_place_out && req->out) {
        out_secret = MIN(out_secret, req->out_len);
        vcd_wipe(req->out + req->out_len - out_secret, out_secret);
        g_free(req->out);
    }
}

static void virtio_cryptodev_finish(VirtIOCryptodevReq *req)
{
    if (req->opcode == VIRTIO_CRYPTODEV_OP_CREATE_SESSION && req->sess) {
        virtio_cryptodev_session_created(req);
    }
    virtio_cryptodev_respond(req);
    if (req->src) {
        virtio_cryptodev_session_unref(req->src);
    }
    if (req->sess) {
        virtio_cryptodev_session_unref(req->sess);
    }
    if (req->file) {
        virtio_cryptodev_file_unref(req->file);
    }
    virtio_cryptodev_free_bounces(req);
    g_free(req);
}

/*
 * A request holds its session's lock while it runs, and COPY_HASH its
 * source's too.  Wherever two are taken they are taken in one order (by
 * address), and nothing else ever waits for a second lock, so two copies
 * in opposite directions cannot deadlock.
 */
static void virtio_cryptodev_lock_req(VirtIOCryptodevReq *req)
{
    VirtIOCryptodevSession *a = req->sess, *b = req->src;

    if (b && b < a) {
        a = req->src;
        b = req->sess;
    }
    qemu_mutex_lock(&a->lock);
    if (b) {
        qemu_mutex_lock(&b->lock);
    }
}

/* Without waiting: true with every lock of @req taken, else none. */
static bool virtio_cryptodev_trylock_req(VirtIOCryptodevReq *req)
{
    if (qemu_mutex_trylock(&req->sess->lock)) {
        return false;
    }
    if (req->src && qemu_mutex_trylock(&req->src->lock)) {
        qemu_mutex_unlock(&req->sess->lock);
        return false;
    }
    return true;
}

static void virtio_cryptodev_unlock_req(VirtIOCryptodevReq *req)
{
    if (req->src) {
        qemu_mutex_unlock(&req->src->lock);
    }
    qemu_mutex_unlock(&req->sess->lock);
}

/* ---- worker threads ---- */

/* An offloaded request's answer, with the BQL held. */
static void virtio_cryptodev_work_done(VirtIOCryptodevReq *req)
{
    VirtIOCryptodev *s = req->dev;

    s->inflight--;
    s->inflight_bytes -= req->in_len + req->buf_len;
    req->sess->offloaded--;
    if (req->src) {
        req->src->offloaded--;
    }
    virtio_cryptodev_finish(req);
    if (s->throttled && !s->quiescing) {
        s->throttled = false;
        qemu_bh_schedule(s->kick_bh);
    }
}

/* The first request the workers finished, off @done, or NULL. */
static VirtIOCryptodevReq *virtio_cryptodev_take_done(VirtIOCryptodev *s)
{
    VirtIOCryptodevReq *req;

    qemu_mutex_lock(&s->work_lock);
    req = QSIMPLEQ_FIRST(&s->done);
    if (req) {
        QSIMPLEQ_REMOVE_HEAD(&s->done, next);
    }
    qemu_mutex_unlock(&s->work_lock);
    return req;
}

/*
 * Answer every request the workers have finished; the BQL is held.  One
 * at a time off @done, never a private batch: whatever an answer sets
 * off, a drain it leads to still finds all the others.
 */
static void virtio_cryptodev_answer_done(VirtIOCryptodev *s)
{
    bool guard = virtio_cryptodev_guard_enter(s);
    VirtIOCryptodevReq *req;

    while ((req = virtio_cryptodev_take_done(s))) {
        virtio_cryptodev_work_done(req);
    }
    virtio_cryptodev_guard_leave(s, guard);
}

/* @req ran off the BQL: over to whoever takes the BQL next to answer it. */
static void virtio_cryptodev_ran(VirtIOCryptodev *s, VirtIOCryptodevReq *req)
{
    qemu_mutex_lock(&s->work_lock);
    QSIMPLEQ_INSERT_TAIL(&s->done, req, next);
    if (--s->working == 0) {
        qemu_cond_broadcast(&s->idle_cond);
    }
    qemu_mutex_unlock(&s->work_lock);
}

/*
 * A worker answers what it ran itself, taking the BQL, rather than
 * handing the request back to the main loop: under TCG that extra
 * thread wake-up cost twice the AES of a 64 KiB request.  Whoever holds
 * the BQL may answer @done, and virtio_cryptodev_drain() takes back what
 * no worker has started, so a worker waiting for the BQL never holds up
 * a reset.
 */
static void *virtio_cryptodev_worker(void *opaque)
{
    VirtIOCryptodev *s = opaque;
    VirtIOCryptodevReq *req;

    rcu_register_thread();
    qemu_mutex_lock(&s->work_lock);
    for (;;) {
        while (QSIMPLEQ_EMPTY(&s->todo) && !s->workers_stop) {
            qemu_cond_wait(&s->work_cond, &s->work_lock);
        }
        req = QSIMPLEQ_FIRST(&s->todo);
        if (!req) {
            break;
        }
        QSIMPLEQ_REMOVE_HEAD(&s->todo, next);
        qemu_mutex_unlock(&s->work_lock);

        virtio_cryptodev_lock_req(req);
        virtio_cryptodev_run(req);
        virtio_cryptodev_unlock_req(req);
        virtio_cryptodev_ran(s, req);

        bql_lock();
        virtio_cryptodev_answer_done(s);
        bql_unlock();
        qemu_mutex_lock(&s->work_lock);
    }
    qemu_mutex_unlock(&s->work_lock);
    rcu_unregister_thread();
    return NULL;
}

static void virtio_cryptodev_queue_for_worker(VirtIOCryptodev *s,
                                              VirtIOCryptodevReq *req)
{
    qemu_mutex_lock(&s->work_lock);
    QSIMPLEQ_INSERT_TAIL(&s->todo, req, next);
    s->working++;
    qemu_cond_signal(&s->work_cond);
    qemu_mutex_unlock(&s->work_lock);
}

/* Under the BQL; virtio_cryptodev_work_done() undoes the accounting. */
static void virtio_cryptodev_account(VirtIOCryptodev *s,
                                     VirtIOCryptodevReq *req)
{
    s->inflight++;
    s->inflight_bytes += req->in_len + req->buf_len;
    req->sess->offloaded++;
    if (req->src) {
        req->src->offloaded++;
    }
}

static void virtio_cryptodev_offload(VirtIOCryptodev *s,
                                     VirtIOCryptodevReq *req)
{
    virtio_cryptodev_account(s, req);
    virtio_cryptodev_queue_for_worker(s, req);
}

/*
 * A vCPU's queued work, run at the top of its thread's loop with the BQL
 * held: no MMIO access of the guest is on the stack any more (the notify
 * may even have reached this device through another device's DMA), so
 * the BQL can be let go for the crypto, as a worker does, and the
 * request is still answered before the vCPU runs the guest again.  The
 * guest driver reaps the answer after its kick, with no interrupt.  Each
 * item runs the first request waiting, if any: a drain may have taken
 * them back meanwhile.  A vCPU never waits for a session a worker runs.
 */
static void virtio_cryptodev_vcpu_work(CPUState *cpu, run_on_cpu_data data)
{
    VirtIOCryptodev *s = data.host_ptr;
    VirtIOCryptodevReq *req = NULL;

    /* after unplug the lists are gone, and a drain answered everything */
    if (!s->unplugging) {
        qemu_mutex_lock(&s->work_lock);
        req = QSIMPLEQ_FIRST(&s->vcpu_todo);
        if (req) {
            QSIMPLEQ_REMOVE_HEAD(&s->vcpu_todo, next);
            if (!virtio_cryptodev_trylock_req(req)) {
                QSIMPLEQ_INSERT_TAIL(&s->todo, req, next);
                qemu_cond_signal(&s->work_cond);
                req = NULL;
            }
        }
        qemu_mutex_unlock(&s->work_lock);
    }
    if (req) {
        bql_unlock();
        virtio_cryptodev_run(req);
        virtio_cryptodev_unlock_req(req);
        virtio_cryptodev_ran(s, req);
        bql_lock();
        if (!s->unplugging) {
            virtio_cryptodev_answer_done(s);
        }
    }
    object_unref(s->transport);
}

/*
 * Hand @req to the vCPU whose notify brought it, once the notify has
 * returned.  The transport, which holds this device, stays until then.
 */
static void virtio_cryptodev_offload_to_vcpu(VirtIOCryptodev *s,
                                             VirtIOCryptodevReq *req)
{
    virtio_cryptodev_account(s, req);
    qemu_mutex_lock(&s->work_lock);
    QSIMPLEQ_INSERT_TAIL(&s->vcpu_todo, req, next);
    s->working++;
    qemu_mutex_unlock(&s->work_lock);
    object_ref(s->transport);
    async_run_on_cpu(current_cpu, virtio_cryptodev_vcpu_work,
                     RUN_ON_CPU_HOST_PTR(s));
}

/* A reset of the device, or of the request's queue, gave it up. */
static bool virtio_cryptodev_given_up(VirtIOCryptodev *s,
                                      VirtIOCryptodevReq *req)
{
    return s->quiescing || req->vq == s->resetting_vq;
}

/*
 * Wait, with the BQL held, until no request of a queue being reset (or of
 * any queue, at a device reset) is left with the workers, and answer
 * them.  A worker that ran a request waits for the BQL before it takes
 * the next one, so the requests no worker has started are taken back
 * first, onto @reclaimed: those given up are answered (detached) without
 * running, the others (other queues, at a queue reset) go back to @todo.
 * So the wait is only for the requests being run, at most one per
 * worker, each bounded by max-data-len.  The guard covers the answers:
 * a drain may start outside any guarded context (system reset, unplug).
 */
static void virtio_cryptodev_drain(VirtIOCryptodev *s)
{
    bool guard = virtio_cryptodev_guard_enter(s);
    VirtIOCryptodevReq *req;

    qemu_mutex_lock(&s->work_lock);
    while ((req = QSIMPLEQ_FIRST(&s->todo))) {
        QSIMPLEQ_REMOVE_HEAD(&s->todo, next);
        QSIMPLEQ_INSERT_TAIL(&s->reclaimed, req, next);
        s->working--;
    }
    while ((req = QSIMPLEQ_FIRST(&s->vcpu_todo))) {
        QSIMPLEQ_REMOVE_HEAD(&s->vcpu_todo, next);
        QSIMPLEQ_INSERT_TAIL(&s->reclaimed, req, next);
        s->working--;
    }
    while (s->working) {
        qemu_cond_wait(&s->idle_cond, &s->work_lock);
    }
    qemu_mutex_unlock(&s->work_lock);

    while ((req = QSIMPLEQ_FIRST(&s->reclaimed))) {
        QSIMPLEQ_REMOVE_HEAD(&s->reclaimed, next);
        if (virtio_cryptodev_given_up(s, req)) {
            /* no session may come of it */
            req->status = VIRTIO_CRYPTODEV_S_ERR;
            virtio_cryptodev_work_done(req);
        } else {
            virtio_cryptodev_queue_for_worker(s, req);
        }
    }
    virtio_cryptodev_answer_done(s);
    virtio_cryptodev_guard_leave(s, guard);
}

static void virtio_cryptodev_start_workers(VirtIOCryptodev *s)
{
    uint32_t i;

    qemu_mutex_init(&s->work_lock);
    qemu_cond_init(&s->work_cond);
    qemu_cond_init(&s->idle_cond);
    QSIMPLEQ_INIT(&s->todo);
    QSIMPLEQ_INIT(&s->done);
    QSIMPLEQ_INIT(&s->reclaimed);
    QSIMPLEQ_INIT(&s->vcpu_todo);
    s->workers = g_new0(QemuThread, s->num_queues);
    for (i = 0; i < s->num_queues; i++) {
        qemu_thread_create(&s->workers[i], "virtio-cryptodev",
                           virtio_cryptodev_worker, s, QEMU_THREAD_JOINABLE);
    }
}

/*
 * After virtio_cryptodev_drain(), with the device quiescing: nothing is
 * left for the workers to run.  One may still be waiting for the BQL to
 * answer what the drain already answered, so the BQL is let go while
 * joining, as cpu_remove_sync() does for a vCPU thread.
 */
static void virtio_cryptodev_stop_workers(VirtIOCryptodev *s)
{
    uint32_t i;

    qemu_mutex_lock(&s->work_lock);
    s->workers_stop = true;
    qemu_cond_broadcast(&s->work_cond);
    qemu_mutex_unlock(&s->work_lock);
    bql_unlock();
    for (i = 0; i < s->num_queues; i++) {
        qemu_thread_join(&s->workers[i]);
    }
    bql_lock();
    g_free(s->workers);
    qemu_cond_destroy(&s->idle_cond);
    qemu_cond_destroy(&s->work_cond);
    qemu_mutex_destroy(&s->work_lock);
}

/* Requests answered at once, under the BQL. */
static uint32_t virtio_cryptodev_run_now(VirtIOCryptodev *s,
                                         VirtIOCryptodevReq *req)
{
    switch (req->opcode) {
    case VIRTIO_CRYPTODEV_OP_OPEN_FILE:
        return virtio_cryptodev_open_file(s, req);
    case VIRTIO_CRYPTODEV_OP_CLOSE_FILE:
        virtio_cryptodev_close_file(s, req->file);
        break;
    case VIRTIO_CRYPTODEV_OP_DESTROY_SESSION:
        virtio_cryptodev_destroy_session(req->file, req->sess);
        break;
    default:
        g_assert_not_reached();
    }
    return VIRTIO_CRYPTODEV_S_OK;
}

/*
 * Whether @req may run outside the workers: it must be small, and its
 * session free.  A session busy on a worker could hold its lock for up to
 * max-data-len of work, which must never be waited for with the BQL held,
 * so then the request goes to a worker too; so it does while the session
 * has requests with the workers, to keep the session's requests in the
 * order they came.  True with the session's lock taken.
 */
static bool virtio_cryptodev_may_run_inline(VirtIOCryptodev *s,
                                            VirtIOCryptodevReq *req)
{
    return !s->engine->may_block &&
           virtio_cryptodev_data_len(req) <= s->inline_len &&
           !req->sess->offloaded && !(req->src && req->src->offloaded) &&
           virtio_cryptodev_trylock_req(req);
}

/*
 * With the session's lock held: is @req's crypto short enough, by what
 * the session's earlier requests cost, to run with the BQL held?  A new
 * session's first request never is.
 */
static bool virtio_cryptodev_bql_ok(VirtIOCryptodev *s,
                                    VirtIOCryptodevReq *req)
{
    uint64_t ps = req->sess->ps_per_byte;

    /* a copy is one hash state's bytes, whatever the session costs */
    if (req->opcode == VIRTIO_CRYPTODEV_OP_COPY_HASH) {
        return true;
    }
    return ps && ps * virtio_cryptodev_data_len(req) <=
                 s->bql_budget_ns * 1000ull;
}

static int64_t virtio_cryptodev_thread_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * NANOSECONDS_PER_SECOND + ts.tv_nsec;
}

/*
 * Run @req at once, with the BQL and its session's lock held, and keep
 * the longest such run: in wall time, which on a busy host includes the
 * thread being preempted, and for the requests estimated at half the
 * budget or more (those that could come near it) in the thread's CPU
 * time too.  That clock is a system call, too dear for small requests.
 */
static void virtio_cryptodev_run_locked(VirtIOCryptodev *s,
                                        VirtIOCryptodevReq *req)
{
    size_t bytes = virtio_cryptodev_data_len(req);
    int64_t est_ns = req->sess->ps_per_byte * bytes / 1000;
    bool cpu_clock = est_ns >= s->bql_budget_ns / 2;
    int64_t cpu_ns = cpu_clock ? virtio_cryptodev_thread_ns() : 0;
    int64_t ns = virtio_cryptodev_run(req);

    if (cpu_clock) {
        cpu_ns = virtio_cryptodev_thread_ns() - cpu_ns;
        if (cpu_ns > s->bql_worst_cpu_ns) {
            s->bql_worst_cpu_ns = cpu_ns;
            trace_virtio_cryptodev_bql_worst(s, "cpu", req->opcode, bytes,
                                             cpu_ns, est_ns);
        }
    }
    if (ns > s->bql_worst_ns) {
        s->bql_worst_ns = ns;
        trace_virtio_cryptodev_bql_worst(s, "wall", req->opcode, bytes, ns,
                                         est_ns);
    }
    /* how often a host that preempts the thread made the BQL wait */
    s->bql_over += ns > 20 * SCALE_US;
    if (!(++s->bql_runs % 16384)) {
        trace_virtio_cryptodev_bql_stats(s, s->bql_runs, s->bql_over);
    }
    virtio_cryptodev_unlock_req(req);
    virtio_cryptodev_finish(req);
}

/*
 * Take references and run the request: at once with the BQL held when its
 * crypto is short, else on the notifying vCPU once its notify returned,
 * else (too big, a busy session, no vCPU) on a worker.
 */
static void virtio_cryptodev_start(VirtIOCryptodev *s, VirtIOCryptodevReq *req)
{
    VirtIOCryptodevFile *file = req->file;

    if (req->opcode == VIRTIO_CRYPTODEV_OP_CREATE_SESSION) {
        VirtIOCryptodevSession *sess = g_new0(VirtIOCryptodevSession, 1);

        file->refcnt++;
        sess->file = file;
        sess->refcnt = 1;
        sess->shape = req->u.shape;
        qemu_mutex_init(&sess->lock);
        file->sessions_reserved++;
        req->sess = sess;
    } else {
        req->sess->refcnt++;
        if (req->src) {
            req->src->refcnt++;
        }
    }
    file->refcnt++;

    if (!virtio_cryptodev_may_run_inline(s, req)) {
        virtio_cryptodev_offload(s, req);
    } else if (virtio_cryptodev_bql_ok(s, req)) {
        virtio_cryptodev_run_locked(s, req);
    } else {
        virtio_cryptodev_unlock_req(req);
        if (current_cpu) {
            virtio_cryptodev_offload_to_vcpu(s, req);
        } else {
            virtio_cryptodev_offload(s, req);
        }
    }
}

/*
 * Check one request and start it.  Returns false when the queue must not
 * be processed further now: after a protocol violation (the device then
 * needs a reset) or when the request waits for the in-flight budget.
 */
static bool virtio_cryptodev_handle_request(VirtIOCryptodev *s,
                                            VirtQueue *vq,
                                            VirtIOCryptodevReq *req)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(s);
    struct virtio_cryptodev_req_hdr hdr;
    size_t readable = iov_size(req->elem.out_sg, req->elem.out_num);
    size_t writable = iov_size(req->elem.in_sg, req->elem.in_num);

    if (readable < VCD_HDR_LEN || writable < VCD_RESP_LEN) {
        virtio_error(vdev, "virtio-cryptodev: request has %zu readable and "
                     "%zu writable bytes, needs at least %zu and %zu",
                     readable, writable, VCD_HDR_LEN, VCD_RESP_LEN);
        virtqueue_detach_element(vq, &req->elem, 0);
        g_free(req);
        return false;
    }

    /* virtqueue_pop() initialized only the element */
    memset((uint8_t *)req + sizeof(req->elem), 0,
           sizeof(*req) - sizeof(req->elem));
    iov_to_buf(req->elem.out_sg, req->elem.out_num, 0, &hdr, sizeof(hdr));
    req->dev = s;
    req->vq = vq;
    req->status = virtio_cryptodev_parse(s, req, &hdr);
    if (req->status == VIRTIO_CRYPTODEV_S_OK &&
        (readable - VCD_HDR_LEN < req->in_len ||
         writable - VCD_RESP_LEN < req->out_len)) {
        req->status = VIRTIO_CRYPTODEV_S_INVAL;
    }
    if (req->status == VIRTIO_CRYPTODEV_S_OK &&
        req->opcode == VIRTIO_CRYPTODEV_OP_CREATE_SESSION &&
        req->file->sessions_reserved >= s->max_sessions) {
        req->status = VIRTIO_CRYPTODEV_S_LIMIT;
    }
    if (req->status != VIRTIO_CRYPTODEV_S_OK) {
        req->file = NULL;
        req->sess = NULL;
        req->src = NULL;
        virtio_cryptodev_finish(req);
        return true;
    }

    switch (req->opcode) {
    case VIRTIO_CRYPTODEV_OP_OPEN_FILE:
    case VIRTIO_CRYPTODEV_OP_CLOSE_FILE:
    case VIRTIO_CRYPTODEV_OP_DESTROY_SESSION:
        req->status = virtio_cryptodev_run_now(s, req);
        req->file = NULL;
        req->sess = NULL;
        virtio_cryptodev_finish(req);
        return true;
    default:
        break;
    }

    if (s->inflight &&
        s->inflight_bytes + virtio_cryptodev_data_len(req) >
        VIRTIO_CRYPTODEV_INFLIGHT_BUDGET) {
        trace_virtio_cryptodev_throttle(s, s->inflight, s->inflight_bytes);
        virtqueue_unpop(vq, &req->elem, 0);
        g_free(req);
        s->throttled = true;
        return false;
    }
    virtio_cryptodev_start(s, req);
    return true;
}

static void virtio_cryptodev_handle_output(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIOCryptodev *s = VIRTIO_CRYPTODEV(vdev);
    bool guard = virtio_cryptodev_guard_enter(s);
    VirtIOCryptodevReq *req;

    /* one interrupt for all the requests this run answers at once */
    s->batching_vq = vq;
    while (!s->quiescing && !s->throttled && vq != s->resetting_vq) {
        req = virtqueue_pop(vq, sizeof(VirtIOCryptodevReq));
        if (!req) {
            break;
        }
        if (!virtio_cryptodev_handle_request(s, vq, req)) {
            break;
        }
    }
    s->batching_vq = NULL;
    if (s->notify_deferred) {
        s->notify_deferred = false;
        virtio_notify(vdev, vq);
    }
    virtio_cryptodev_guard_leave(s, guard);
}

/* After throttling: look at every queue again. */
static void virtio_cryptodev_kick(void *opaque)
{
    VirtIOCryptodev *s = opaque;
    uint32_t i;

    for (i = 0; i < s->num_queues; i++) {
        virtio_cryptodev_handle_output(VIRTIO_DEVICE(s), s->vqs[i]);
    }
}

/* Stop taking requests, wait for those in flight, drop all host state. */
static void virtio_cryptodev_quiesce(VirtIOCryptodev *s)
{
    trace_virtio_cryptodev_quiesce(s, s->inflight, g_hash_table_size(s->files));
    s->quiescing = true;
    virtio_cryptodev_drain(s);
    virtio_cryptodev_close_all_files(s);
    s->throttled = false;
    /* a reset during unplug must not reopen the device */
    s->quiescing = s->unplugging;
}

/*
 * VIRTIO_F_RING_RESET: requests of the queue still in flight must not
 * complete into the ring after it was reset.  Waiting for all in-flight
 * requests is simpler than tracking them per queue and just as correct.
 */
static void virtio_cryptodev_queue_reset(VirtIODevice *vdev,
                                         uint32_t queue_index)
{
    VirtIOCryptodev *s = VIRTIO_CRYPTODEV(vdev);

    if (queue_index >= s->num_queues) {
        return;
    }
    s->resetting_vq = s->vqs[queue_index];
    virtio_cryptodev_drain(s);
    s->resetting_vq = NULL;
}

/* ---- virtio device ---- */

static void virtio_cryptodev_get_config(VirtIODevice *vdev, uint8_t *config)
{
    VirtIOCryptodev *s = VIRTIO_CRYPTODEV(vdev);
    struct virtio_cryptodev_config cfg = {};

    stl_le_p(&cfg.num_queues, s->num_queues);
    stl_le_p(&cfg.engine, s->engine->config_id);
    stl_le_p(&cfg.max_files, s->max_files);
    stl_le_p(&cfg.max_sessions, s->max_sessions);
    stl_le_p(&cfg.max_data_len, s->max_data_len);
    stl_le_p(&cfg.max_key_len, s->limits.max_key_len);
    stl_le_p(&cfg.max_mac_key_len, s->limits.max_mac_key_len);
    memcpy(config, &cfg, sizeof(cfg));
}

static uint64_t virtio_cryptodev_get_features(VirtIODevice *vdev,
                                              uint64_t features, Error **errp)
{
    VirtIOCryptodev *s = VIRTIO_CRYPTODEV(vdev);
    uint64_t offered = s->host_features;

    if (!s->engine_has_aead) {
        virtio_clear_feature(&offered, VIRTIO_CRYPTODEV_F_AEAD);
    }
    if (!s->engine_has_copy_hash) {
        virtio_clear_feature(&offered, VIRTIO_CRYPTODEV_F_COPY_HASH);
    }
    return features | offered;
}

static void virtio_cryptodev_reset(VirtIODevice *vdev)
{
    VirtIOCryptodev *s = VIRTIO_CRYPTODEV(vdev);

    virtio_cryptodev_quiesce(s);
    if (s->fuzz_handles) {
        /* no file is left that an old handle could reach */
        s->file_serial = 0;
    }
}

static bool virtio_cryptodev_check_props(VirtIOCryptodev *s, Error **errp)
{
    if (s->num_queues < 1 || s->num_queues > VIRTIO_CRYPTODEV_MAX_QUEUES) {
        error_setg(errp, "num-queues must be between 1 and %d",
                   VIRTIO_CRYPTODEV_MAX_QUEUES);
        return false;
    }
    if (s->max_files < 1 || s->max_files > VIRTIO_CRYPTODEV_MAX_FILES_LIMIT) {
        error_setg(errp, "max-files must be between 1 and %d",
                   VIRTIO_CRYPTODEV_MAX_FILES_LIMIT);
        return false;
    }
    if (s->max_sessions < 1 ||
        s->max_sessions > VIRTIO_CRYPTODEV_MAX_SESSIONS_LIMIT) {
        error_setg(errp, "max-sessions must be between 1 and %d",
                   VIRTIO_CRYPTODEV_MAX_SESSIONS_LIMIT);
        return false;
    }
    if (s->max_data_len < 1 ||
        s->max_data_len > VIRTIO_CRYPTODEV_MAX_DATA_LEN_LIMIT) {
        error_setg(errp, "max-data-len must be between 1 and %lld",
                   (long long)VIRTIO_CRYPTODEV_MAX_DATA_LEN_LIMIT);
        return false;
    }
    if (s->bql_budget_ns > VIRTIO_CRYPTODEV_MAX_BQL_BUDGET_NS) {
        error_setg(errp, "x-bql-budget-ns must be at most %d",
                   VIRTIO_CRYPTODEV_MAX_BQL_BUDGET_NS);
        return false;
    }
    if (s->inline_len > VIRTIO_CRYPTODEV_MAX_INLINE_LEN) {
        error_setg(errp, "inline-len must be at most %lld",
                   (long long)VIRTIO_CRYPTODEV_MAX_INLINE_LEN);
        return false;
    }
    return true;
}

/* engine=auto|builtin|host: pick one and say why. */
static bool virtio_cryptodev_pick_engine(VirtIOCryptodev *s, Error **errp)
{
    const char *want = s->engine_name ? s->engine_name : "auto";
    const char *path = s->crypto_dev;
    g_autofree char *why = NULL;
    int fd;

    if (!strcmp(want, "builtin")) {
        s->engine = &virtio_cryptodev_builtin_engine;
        s->engine_has_aead = virtio_cryptodev_builtin_has_aead();
        s->engine_has_copy_hash = virtio_cryptodev_builtin_has_copy_hash();
        why = g_strdup("engine=builtin");
    } else if (!strcmp(want, "host") || !strcmp(want, "auto")) {
        fd = vcd_host_open(path);
        if (fd >= 0) {
            s->engine = &virtio_cryptodev_host_engine;
            s->engine_has_aead = vcd_host_has_gcm(fd);
            s->engine_has_copy_hash = vcd_host_has_copy_hash(fd);
            vcd_host_close(fd);
            why = g_strdup_printf("engine=%s and %s opens", want, path);
        } else if (!strcmp(want, "host")) {
            error_setg_errno(errp, -fd, "engine=host cannot open %s", path);
            return false;
        } else {
            s->engine = &virtio_cryptodev_builtin_engine;
            s->engine_has_aead = virtio_cryptodev_builtin_has_aead();
            s->engine_has_copy_hash =
                virtio_cryptodev_builtin_has_copy_hash();
            why = g_strdup_printf("engine=auto and %s: %s", path,
                                  strerror(-fd));
        }
    } else {
        error_setg(errp, "engine must be auto, builtin or host, not '%s'",
                   want);
        return false;
    }
    info_report("virtio-cryptodev: %s engine (%s), AES-GCM %s",
                s->engine->name, why,
                s->engine_has_aead ? "offered" : "not offered");
    return true;
}

static void virtio_cryptodev_realize(DeviceState *dev, Error **errp)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(dev);
    VirtIOCryptodev *s = VIRTIO_CRYPTODEV(dev);
    uint32_t i;

    if (!s->crypto_dev) {
        s->crypto_dev = g_strdup(VIRTIO_CRYPTODEV_DEFAULT_CRYPTO_DEV);
    }
    if (!virtio_cryptodev_check_props(s, errp) ||
        !virtio_cryptodev_pick_engine(s, errp)) {
        return;
    }

    error_setg(&s->migration_blocker,
               "virtio-cryptodev cannot migrate: its sessions live on this "
               "host (keys, hash states, open host /dev/crypto files)");
    if (migrate_add_blocker(&s->migration_blocker, errp) < 0) {
        return;
    }

    s->limits.max_data_len = s->max_data_len;
    s->limits.max_key_len = VIRTIO_CRYPTODEV_MAX_KEY_LEN;
    s->limits.max_mac_key_len = VIRTIO_CRYPTODEV_MAX_MAC_KEY_LEN;
    s->files = g_hash_table_new(g_int64_hash, g_int64_equal);
    s->kick_bh = virtio_bh_new_guarded(dev, virtio_cryptodev_kick, s);
    s->guard = &qdev_get_parent_bus(dev)->parent->mem_reentrancy_guard;
    /* it holds this device; unplug takes the device off its bus */
    s->transport = OBJECT(qdev_get_parent_bus(dev)->parent);

    virtio_init(vdev, VIRTIO_ID_CRYPTODEV,
                sizeof(struct virtio_cryptodev_config));
    s->vqs = g_new0(VirtQueue *, s->num_queues);
    for (i = 0; i < s->num_queues; i++) {
        s->vqs[i] = virtio_add_queue(vdev, VIRTIO_CRYPTODEV_QUEUE_SIZE,
                                     virtio_cryptodev_handle_output);
    }
    virtio_cryptodev_start_workers(s);
}

static void virtio_cryptodev_unrealize(DeviceState *dev)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(dev);
    VirtIOCryptodev *s = VIRTIO_CRYPTODEV(dev);
    uint32_t i;

    /*
     * For good: a reset written by another vCPU while stop_workers() has
     * let go of the BQL leaves the device quiescing, so no request starts
     * and no file opens that nothing would close.
     */
    s->unplugging = true;
    virtio_cryptodev_quiesce(s);
    virtio_cryptodev_stop_workers(s);
    virtio_cryptodev_close_all_files(s);
    qemu_bh_delete(s->kick_bh);
    for (i = 0; i < s->num_queues; i++) {
        virtio_delete_queue(s->vqs[i]);
    }
    g_free(s->vqs);
    g_hash_table_destroy(s->files);
    migrate_del_blocker(&s->migration_blocker);
    virtio_cleanup(vdev);
}

/* Migration is refused by the blocker added in realize, which says why. */
static const VMStateDescription vmstate_virtio_cryptodev = {
    .name = "virtio-cryptodev",
    .minimum_version_id = 1,
    .version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_VIRTIO_DEVICE,
        VMSTATE_END_OF_LIST()
    },
};

static const Property virtio_cryptodev_properties[] = {
    DEFINE_PROP_STRING("engine", VirtIOCryptodev, engine_name),
    DEFINE_PROP_STRING("crypto-dev", VirtIOCryptodev, crypto_dev),
    DEFINE_PROP_UINT32("num-queues", VirtIOCryptodev, num_queues,
                       VIRTIO_CRYPTODEV_DEFAULT_QUEUES),
    DEFINE_PROP_UINT32("max-files", VirtIOCryptodev, max_files,
                       VIRTIO_CRYPTODEV_DEFAULT_MAX_FILES),
    DEFINE_PROP_UINT32("max-sessions", VirtIOCryptodev, max_sessions,
                       VIRTIO_CRYPTODEV_DEFAULT_MAX_SESSIONS),
    DEFINE_PROP_UINT32("max-data-len", VirtIOCryptodev, max_data_len,
                       VIRTIO_CRYPTODEV_DEFAULT_MAX_DATA_LEN),
    DEFINE_PROP_UINT32("inline-len", VirtIOCryptodev, inline_len,
                       VIRTIO_CRYPTODEV_INLINE_LEN),
    DEFINE_PROP_BIT64("aead", VirtIOCryptodev, host_features,
                      VIRTIO_CRYPTODEV_F_AEAD, true),
    DEFINE_PROP_BIT64("ext-algs", VirtIOCryptodev, host_features,
                      VIRTIO_CRYPTODEV_F_EXT_ALGS, true),
    DEFINE_PROP_BIT64("copy-hash", VirtIOCryptodev, host_features,
                      VIRTIO_CRYPTODEV_F_COPY_HASH, true),
    DEFINE_PROP_BOOL("x-fuzz-handles", VirtIOCryptodev, fuzz_handles, false),
    DEFINE_PROP_UINT32("x-bql-budget-ns", VirtIOCryptodev, bql_budget_ns,
                       VIRTIO_CRYPTODEV_BQL_BUDGET_NS),
};

static void virtio_cryptodev_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_CLASS(klass);

    dc->vmsd = &vmstate_virtio_cryptodev;
    device_class_set_props(dc, virtio_cryptodev_properties);
    set_bit(DEVICE_CATEGORY_MISC, dc->categories);
    vdc->realize = virtio_cryptodev_realize;
    vdc->unrealize = virtio_cryptodev_unrealize;
    vdc->get_config = virtio_cryptodev_get_config;
    vdc->get_features = virtio_cryptodev_get_features;
    vdc->reset = virtio_cryptodev_reset;
    vdc->queue_reset = virtio_cryptodev_queue_reset;
}

static const TypeInfo virtio_cryptodev_info = {
    .name = TYPE_VIRTIO_CRYPTODEV,
    .parent = TYPE_VIRTIO_DEVICE,
    .instance_size = sizeof(VirtIOCryptodev),
    .class_init = virtio_cryptodev_class_init,
};

static void virtio_cryptodev_register_types(void)
{
    type_register_static(&virtio_cryptodev_info);
}

type_init(virtio_cryptodev_register_types)
