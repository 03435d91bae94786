/*
 * virtio-cryptodev: the host engine, on the host's /dev/crypto
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Each guest file gets its own host /dev/crypto fd, opened by the device
 * and never shown to the guest; the forwarding itself is the plain C core
 * in virtio-cryptodev-host-core.c.  Every call may block in the host
 * kernel, so all of this engine's sessions run on worker threads.
 */

#include "qemu/osdep.h"
#include "hw/virtio/virtio-cryptodev.h"

#define HOST_DRIVER_FMT "virtio-cryptodev-host(%s)"

static uint32_t host_file_open(VirtIOCryptodevFile *file)
{
    int fd = vcd_host_open(file->dev->crypto_dev);

    if (fd < 0) {
        return fd == -ENOMEM ? VIRTIO_CRYPTODEV_S_NOMEM
                             : VIRTIO_CRYPTODEV_S_ERR;
    }
    file->host_fd = fd;
    return VIRTIO_CRYPTODEV_S_OK;
}

static void host_file_close(VirtIOCryptodevFile *file)
{
    vcd_host_close(file->host_fd);
    file->host_fd = -1;
}

static uint32_t host_session_create(VirtIOCryptodevSession *sess,
                                    const uint8_t *key,
                                    const uint8_t *mac_key,
                                  struct virtio_cryptodev_session_info *info)
{
    VcdHostSession *hs = g_new0(VcdHostSession, 1);
    g_autofree char *cipher_driver = NULL;
    g_autofree char *hash_driver = NULL;
    uint32_t status;

    status = vcd_host_session_create(sess->file->host_fd, &sess->shape,
                                     key, mac_key, hs);
    if (status != VIRTIO_CRYPTODEV_S_OK) {
        g_free(hs);
        return status;
    }
    sess->opaque = hs;
    cipher_driver = g_strdup_printf(HOST_DRIVER_FMT, hs->cipher_driver);
    hash_driver = g_strdup_printf(HOST_DRIVER_FMT, hs->hash_driver);
    vcd_fill_session_info(&sess->shape, cipher_driver, hash_driver, info);
    return VIRTIO_CRYPTODEV_S_OK;
}

static void host_session_destroy(VirtIOCryptodevSession *sess)
{
    vcd_host_session_destroy(sess->file->host_fd, sess->opaque);
    /* the chained IV */
    vcd_wipe(sess->opaque, sizeof(VcdHostSession));
    g_free(sess->opaque);
    sess->opaque = NULL;
}

static uint32_t host_crypt(VirtIOCryptodevSession *sess,
                           const VcdCryptPara *p, const VcdCryptBufs *b)
{
    return vcd_host_crypt(sess->file->host_fd, sess->opaque, p, b);
}

static uint32_t host_aead(VirtIOCryptodevSession *sess,
                          const VcdAeadPara *p, const VcdAeadBufs *b)
{
    return vcd_host_aead(sess->file->host_fd, sess->opaque, p, b);
}

static uint32_t host_copy_hash(VirtIOCryptodevSession *dst,
                               VirtIOCryptodevSession *src)
{
    return vcd_host_copy_hash(dst->file->host_fd, dst->opaque, src->opaque);
}

const VirtIOCryptodevEngine virtio_cryptodev_host_engine = {
    .name = "host",
    .config_id = VIRTIO_CRYPTODEV_ENGINE_HOST,
    .may_block = true,
    .file_open = host_file_open,
    .file_close = host_file_close,
    .session_create = host_session_create,
    .session_destroy = host_session_destroy,
    .crypt = host_crypt,
    .aead = host_aead,
    .copy_hash = host_copy_hash,
};
