/*
 * virtio-cryptodev: the host engine's forwarding to a cryptodev-linux
 * /dev/crypto
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Plain C on purpose (see virtio-cryptodev-host-core.h): no QEMU headers,
 * so that a test program can run this very code against a /dev/crypto.
 */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

/* A standalone build (a test program) finds the shared headers as-is. */
#ifdef VIRTIO_CRYPTODEV_STANDALONE
#include "virtio_cryptodev.h"
#include "crypto/cryptodev.h"
#else
#include "standard-headers/linux/virtio_cryptodev.h"
#include "standard-headers/linux/cryptodev.h"
#endif

#include "hw/virtio/virtio-cryptodev-host-core.h"

uint32_t vcd_host_errno_status(int err)
{
    switch (err) {
    case 0:
        return VIRTIO_CRYPTODEV_S_OK;
    case EBADMSG:
        return VIRTIO_CRYPTODEV_S_BADMSG;
    case EINVAL:
    case EOVERFLOW:             /* ccm: a message too long for its L */
        return VIRTIO_CRYPTODEV_S_INVAL;
    case ENOMEM:
        return VIRTIO_CRYPTODEV_S_NOMEM;
    case ENOENT:
    case ENOSYS:
    case EOPNOTSUPP:
        return VIRTIO_CRYPTODEV_S_NOTSUPP;
    default:
        return VIRTIO_CRYPTODEV_S_ERR;
    }
}

/* ioctl() that sleeps through signals; 0 or -errno. */
static int vcd_ioctl(int fd, unsigned long req, void *arg)
{
    int ret;

    do {
        ret = ioctl(fd, req, arg);
    } while (ret < 0 && errno == EINTR);
    return ret < 0 ? -errno : 0;
}

int vcd_host_open(const char *path)
{
    struct stat st;
    int fd;

    fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        return -errno;
    }
    if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode)) {
        close(fd);
        return -ENODEV;
    }
    return fd;
}

void vcd_host_close(int fd)
{
    if (fd >= 0) {
        close(fd);
    }
}

bool vcd_host_has_gcm(int fd)
{
    uint8_t key[16] = { 0 };
    struct session_op sop;
    uint32_t ses;

    memset(&sop, 0, sizeof(sop));
    sop.cipher = CRYPTO_AES_GCM;
    sop.keylen = sizeof(key);
    sop.key = key;
    if (vcd_ioctl(fd, CIOCGSESSION, &sop) < 0) {
        return false;
    }
    ses = sop.ses;
    vcd_ioctl(fd, CIOCFSESSION, &ses);
    return true;
}

uint32_t vcd_host_session_create(int fd, const VcdSessionShape *shape,
                                 const uint8_t *key, const uint8_t *mac_key,
                                 VcdHostSession *hs)
{
    struct session_op sop;
    struct session_info_op sinfo;
    int ret;

    memset(&sop, 0, sizeof(sop));
    if (shape->cipher) {
        sop.cipher = shape->cipher->id;
        sop.keylen = shape->key_len;
        sop.key = (uint8_t *)key;
    }
    if (shape->mac) {
        sop.mac = shape->mac->id;
        sop.mackeylen = shape->mac_key_len;
        sop.mackey = (uint8_t *)mac_key;
    }
    ret = vcd_ioctl(fd, CIOCGSESSION, &sop);
    if (ret < 0) {
        return vcd_host_errno_status(-ret);
    }

    memset(hs, 0, sizeof(*hs));
    hs->ses = sop.ses;
    hs->shape = *shape;
    hs->hash_restart = true;

    memset(&sinfo, 0, sizeof(sinfo));
    sinfo.ses = sop.ses;
    if (vcd_ioctl(fd, CIOCGSESSINFO, &sinfo) == 0) {
        memcpy(hs->cipher_driver, sinfo.cipher_info.cra_driver_name,
               sizeof(hs->cipher_driver) - 1);
        memcpy(hs->hash_driver, sinfo.hash_info.cra_driver_name,
               sizeof(hs->hash_driver) - 1);
    }
    return VIRTIO_CRYPTODEV_S_OK;
}

void vcd_host_session_destroy(int fd, VcdHostSession *hs)
{
    uint32_t ses = hs->ses;

    vcd_ioctl(fd, CIOCFSESSION, &ses);
}

/* Modes whose IV the host advances and hands back with COP_FLAG_WRITE_IV. */
static bool vcd_mode_chains_iv(const VcdSessionShape *shape)
{
    return shape->cipher && (shape->cipher->mode == VCD_MODE_CBC ||
                             shape->cipher->mode == VCD_MODE_CTR);
}

uint32_t vcd_host_crypt(int fd, VcdHostSession *hs, const VcdCryptPara *p,
                        const VcdCryptBufs *b)
{
    const VcdSessionShape *shape = &hs->shape;
    bool final = p->flags & VIRTIO_CRYPTODEV_CRYPT_F_HASH_FINAL;
    bool restart = shape->mac &&
                   ((p->flags & VIRTIO_CRYPTODEV_CRYPT_F_HASH_RESET) ||
                    hs->hash_restart);
    uint8_t iv[VCD_MAX_IV_LEN];
    struct crypt_op cop;
    int ret;

    memcpy(iv, (p->flags & VIRTIO_CRYPTODEV_CRYPT_F_IV) ? b->iv : hs->iv,
           shape->iv_len);

    if (p->src_len == 0 && !final) {
        /*
         * cryptodev-linux finalizes the digest on an empty update, so an
         * op with nothing to absorb or cipher never reaches the host: a
         * restart is remembered for the next absorb instead.
         */
        hs->hash_restart = restart;
        memcpy(hs->iv, iv, shape->iv_len);
        vcd_wipe(iv, sizeof(iv));
        if (p->iv_out_len) {
            memcpy(b->iv_out, hs->iv, p->iv_out_len);
        }
        return VIRTIO_CRYPTODEV_S_OK;
    }

    memset(&cop, 0, sizeof(cop));
    cop.ses = hs->ses;
    /*
     * Without a cipher the direction means nothing to the device, but
     * cryptodev-linux would hash the (absent) output when decrypting.
     */
    cop.op = shape->cipher && p->direction == VIRTIO_CRYPTODEV_DIR_DECRYPT ?
             COP_DECRYPT : COP_ENCRYPT;
    cop.len = p->src_len;
    cop.src = p->src_len ? (uint8_t *)b->src : NULL;
    cop.dst = shape->cipher && p->src_len ? b->dst : NULL;
    if (shape->mac) {
        cop.flags |= restart ? COP_FLAG_RESET : 0;
        cop.flags |= final ? COP_FLAG_FINAL : COP_FLAG_UPDATE;
        cop.mac = final ? b->mac : NULL;
    }
    if (shape->iv_len) {
        cop.iv = iv;
        cop.flags |= vcd_mode_chains_iv(shape) ? COP_FLAG_WRITE_IV : 0;
    }

    ret = vcd_ioctl(fd, CIOCCRYPT, &cop);
    if (ret < 0) {
        vcd_wipe(iv, sizeof(iv));
        return vcd_host_errno_status(-ret);
    }

    hs->hash_restart = final;
    memcpy(hs->iv, iv, shape->iv_len);
    vcd_wipe(iv, sizeof(iv));
    if (p->iv_out_len) {
        memcpy(b->iv_out, hs->iv, p->iv_out_len);
    }
    return VIRTIO_CRYPTODEV_S_OK;
}

uint32_t vcd_host_aead(int fd, VcdHostSession *hs, const VcdAeadPara *p,
                       const VcdAeadBufs *b)
{
    bool encrypt = p->direction == VIRTIO_CRYPTODEV_DIR_ENCRYPT;
    uint8_t iv[VCD_MAX_IV_LEN];
    struct crypt_auth_op caop;
    int ret;

    memcpy(iv, b->iv, p->iv_len);
    memset(&caop, 0, sizeof(caop));
    caop.ses = hs->ses;
    caop.op = encrypt ? COP_ENCRYPT : COP_DECRYPT;
    caop.flags = 0;
    caop.len = p->src_len;
    caop.auth_len = p->aad_len;
    caop.auth_src = p->aad_len ? (uint8_t *)b->aad : NULL;
    caop.src = (uint8_t *)b->src;
    caop.dst = b->dst;
    /* Where the tag sits in plain AEAD mode: after the data. */
    caop.tag = encrypt ? b->dst + p->src_len
                       : (uint8_t *)b->src + p->src_len - p->tag_len;
    caop.tag_len = p->tag_len;
    caop.iv = iv;
    caop.iv_len = p->iv_len;

    ret = vcd_ioctl(fd, CIOCAUTHCRYPT, &caop);
    vcd_wipe(iv, sizeof(iv));
    return ret < 0 ? vcd_host_errno_status(-ret) : VIRTIO_CRYPTODEV_S_OK;
}

bool vcd_host_has_copy_hash(int fd)
{
    struct session_op sop;
    struct cphash_op cp;
    uint32_t a, b;
    bool ok;

    memset(&sop, 0, sizeof(sop));
    sop.mac = CRYPTO_SHA1;
    if (vcd_ioctl(fd, CIOCGSESSION, &sop) < 0) {
        return false;
    }
    a = sop.ses;
    if (vcd_ioctl(fd, CIOCGSESSION, &sop) < 0) {
        vcd_ioctl(fd, CIOCFSESSION, &a);
        return false;
    }
    b = sop.ses;
    cp.dst_ses = b;
    cp.src_ses = a;
    ok = vcd_ioctl(fd, CIOCCPHASH, &cp) == 0;
    vcd_ioctl(fd, CIOCFSESSION, &a);
    vcd_ioctl(fd, CIOCFSESSION, &b);
    return ok;
}

uint32_t vcd_host_copy_hash(int fd, VcdHostSession *dst,
                            const VcdHostSession *src)
{
    struct cphash_op cp = { .dst_ses = dst->ses, .src_ses = src->ses };
    int ret;

    if (src->hash_restart) {
        dst->hash_restart = true;
        return VIRTIO_CRYPTODEV_S_OK;
    }
    ret = vcd_ioctl(fd, CIOCCPHASH, &cp);
    if (ret < 0) {
        return vcd_host_errno_status(-ret);
    }
    dst->hash_restart = false;
    return VIRTIO_CRYPTODEV_S_OK;
}
