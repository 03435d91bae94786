/*
 * virtio-cryptodev: the host engine's forwarding to /dev/crypto, plain C
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Like virtio-cryptodev-core.h (whose build rules apply), this depends on
 * nothing but libc, the Linux UAPI and the shared headers, so a test
 * program can point this very code at any /dev/crypto:
 *
 *   cc -DVIRTIO_CRYPTODEV_STANDALONE -I<repo>/include \
 *      -I<repo>/qemu/tree/include \
 *      -c <repo>/qemu/tree/hw/virtio/virtio-cryptodev-host-core.c
 *
 * One host fd per guest file; the fd is the caller's and never leaves the
 * host.  Calls on different sessions of one fd may run concurrently; calls
 * on one VcdHostSession must be serialized by the caller.
 *
 * Conventions: functions returning uint32_t return a VIRTIO_CRYPTODEV_S_*
 * status (0 = S_OK); functions returning int return >= 0 on success and a
 * negative errno on failure.
 */

#ifndef HW_VIRTIO_CRYPTODEV_HOST_CORE_H
#define HW_VIRTIO_CRYPTODEV_HOST_CORE_H

#include "hw/virtio/virtio-cryptodev-core.h"

/* A host session: the host's id plus what the device tracks around it. */
typedef struct VcdHostSession {
    uint32_t ses;               /* the host's session id */
    VcdSessionShape shape;
    uint8_t iv[VCD_MAX_IV_LEN]; /* the session IV the next op starts from */
    bool hash_restart;          /* the next absorb starts a new digest */
    char cipher_driver[64];     /* the host's driver names */
    char hash_driver[64];
} VcdHostSession;

/* Map an errno from the host to a status. */
uint32_t vcd_host_errno_status(int err);

/* Open the host's /dev/crypto at @path (close-on-exec): fd or -errno. */
int vcd_host_open(const char *path);

/* Close a host fd; the host frees every session still open on it. */
void vcd_host_close(int fd);

/* Whether the host behind @fd can create an AES-128-GCM session. */
bool vcd_host_has_gcm(int fd);

/* Whether the host behind @fd copies hash states (CIOCCPHASH). */
bool vcd_host_has_copy_hash(int fd);

/*
 * Create a host session (CIOCGSESSION, then CIOCGSESSINFO for the driver
 * names).  @shape comes from vcd_check_session(); @key and @mac_key hold
 * its key lengths.  Fills @hs; S_NOTSUPP when the host lacks the
 * algorithm.
 */
uint32_t vcd_host_session_create(int fd, const VcdSessionShape *shape,
                                 const uint8_t *key, const uint8_t *mac_key,
                                 VcdHostSession *hs);

/* Destroy a host session (CIOCFSESSION). */
void vcd_host_session_destroy(int fd, VcdHostSession *hs);

/*
 * Run one OP_CRYPT whose parameters passed vcd_check_crypt() (CIOCCRYPT).
 * The flags are mapped onto cryptodev-linux's COP_FLAG_* so that the
 * device's semantics hold on any cryptodev-linux version: the session IV
 * is always passed explicitly and read back, and an absorb of nothing is
 * not sent (cryptodev-linux would finalize the digest).
 */
uint32_t vcd_host_crypt(int fd, VcdHostSession *hs, const VcdCryptPara *p,
                        const VcdCryptBufs *b);

/*
 * Run one OP_AEAD whose parameters passed vcd_check_aead()
 * (CIOCAUTHCRYPT).
 */
uint32_t vcd_host_aead(int fd, VcdHostSession *hs, const VcdAeadPara *p,
                       const VcdAeadBufs *b);

/*
 * Run one OP_COPY_HASH (CIOCCPHASH) between two sessions of @fd with the
 * same hash.  A source with a restart pending (nothing absorbed since its
 * last digest) has no host state worth copying: the destination restarts
 * too.
 */
uint32_t vcd_host_copy_hash(int fd, VcdHostSession *dst,
                            const VcdHostSession *src);

#endif /* HW_VIRTIO_CRYPTODEV_HOST_CORE_H */
