/*
 * virtio-cryptodev: the engine-neutral core in plain C
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * This header and hw/virtio/virtio-cryptodev-core.c depend on nothing but
 * libc and the two shared headers (virtio_cryptodev.h and the
 * cryptodev-linux ABI), so the same code that runs inside QEMU can be
 * compiled into a standalone test program.  Inside QEMU the shared headers
 * live in include/standard-headers/linux/; a standalone build defines
 * VIRTIO_CRYPTODEV_STANDALONE and finds them as "virtio_cryptodev.h" and
 * "crypto/cryptodev.h" on its include path:
 *
 *   cc -DVIRTIO_CRYPTODEV_STANDALONE -I<repo>/include \
 *      -I<repo>/qemu/tree/include \
 *      -c <repo>/qemu/tree/hw/virtio/virtio-cryptodev-core.c
 *
 * It holds what the device and every engine share:
 *
 *  1. The algorithm table: which cryptodev-linux algorithm ids the device
 *     accepts, with their key lengths, block/IV/digest sizes and names.
 *
 *  2. The request checks: vcd_check_session(), vcd_check_crypt(),
 *     vcd_check_aead().  They look only at numbers the guest declared
 *     (never at data) and return a VIRTIO_CRYPTODEV_S_* status; lengths
 *     are summed in 64 bits.
 *
 *  3. Helpers every engine needs: IV chaining, the session info answer,
 *     vcd_wipe().
 *
 * The host engine's forwarding to a /dev/crypto is in
 * virtio-cryptodev-host-core.h.
 *
 * Conventions: functions returning uint32_t return a VIRTIO_CRYPTODEV_S_*
 * status (0 = S_OK).  All numbers are host-endian except inside
 * struct virtio_cryptodev_session_info, which is filled little-endian.
 */

#ifndef HW_VIRTIO_CRYPTODEV_CORE_H
#define HW_VIRTIO_CRYPTODEV_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct virtio_cryptodev_session_info;

/* Sizes the algorithm table never exceeds. */
#define VCD_MAX_IV_LEN          16
#define VCD_MAX_BLOCK_LEN       16
#define VCD_MAX_DIGEST_LEN      64
#define VCD_MAX_HASH_BLOCK_LEN  128

/* GCM as the device offers it: 96-bit nonces, tags of 4..16 bytes. */
#define VCD_GCM_IV_LEN          12
#define VCD_GCM_MAX_TAG_LEN     16

/*
 * CCM as Linux's ccm(aes) takes it: a 16-byte IV whose first byte is
 * L - 1 (1..7), then the 15 - L byte nonce; tags of 4..16 bytes, even.
 */
#define VCD_CCM_IV_LEN          16

typedef enum VcdAlgKind {
    VCD_KIND_CIPHER = 1,        /* block cipher in a mode, for OP_CRYPT */
    VCD_KIND_AEAD,              /* AES-GCM or AES-CCM, for OP_AEAD */
    VCD_KIND_HASH,              /* plain digest, no key */
    VCD_KIND_HMAC,              /* keyed digest */
} VcdAlgKind;

typedef enum VcdBlockCipher {
    VCD_BLOCK_NONE = 0,
    VCD_BLOCK_AES,
    VCD_BLOCK_3DES,
    VCD_BLOCK_NULL,             /* ecb(cipher_null): a copy */
    VCD_BLOCK_DES,
    VCD_BLOCK_BLOWFISH,
    VCD_BLOCK_CAMELLIA,
} VcdBlockCipher;

typedef enum VcdMode {
    VCD_MODE_NONE = 0,
    VCD_MODE_ECB,
    VCD_MODE_CBC,
    VCD_MODE_CTR,
    VCD_MODE_XTS,
    VCD_MODE_GCM,
    VCD_MODE_CCM,
} VcdMode;

typedef enum VcdHash {
    VCD_HASH_NONE = 0,
    VCD_HASH_MD5,
    VCD_HASH_SHA1,
    VCD_HASH_SHA224,
    VCD_HASH_SHA256,
    VCD_HASH_SHA384,
    VCD_HASH_SHA512,
    VCD_HASH_RIPEMD160,
} VcdHash;

typedef struct VcdAlg {
    uint32_t id;                /* cryptodev-linux CRYPTO_* id */
    VcdAlgKind kind;
    const char *name;           /* Linux crypto API name: "cbc(aes)" */
    VcdBlockCipher block;       /* ciphers and AEAD */
    VcdMode mode;
    uint32_t block_size;        /* granularity of src_len; 1 = any */
    uint32_t iv_len;
    VcdHash hash;               /* hashes and HMACs */
    uint32_t digest_len;        /* digest, or the largest AEAD tag */
    uint32_t hash_block_len;    /* HMAC pad length */
    bool ext;                   /* needs VIRTIO_CRYPTODEV_F_EXT_ALGS */
} VcdAlg;

/* The table entry for a cryptodev-linux id, or NULL if not offered. */
const VcdAlg *vcd_alg_find(uint32_t id);

/* Whether @key_len is a valid key length for cipher/AEAD @alg. */
bool vcd_cipher_key_len_ok(const VcdAlg *alg, uint32_t key_len);

/* Limits from the device configuration. */
typedef struct VcdLimits {
    uint32_t max_data_len;
    uint32_t max_key_len;
    uint32_t max_mac_key_len;
} VcdLimits;

/* What a session is, once its parameters passed vcd_check_session(). */
typedef struct VcdSessionShape {
    const VcdAlg *cipher;       /* cipher or AEAD; NULL for none */
    const VcdAlg *mac;          /* hash or HMAC; NULL for none */
    uint32_t key_len;
    uint32_t mac_key_len;
    uint32_t block_size;        /* 1 without a cipher */
    uint32_t iv_len;            /* 0 without a cipher */
    uint32_t digest_len;        /* hash output, GCM's largest tag, or 0 */
} VcdSessionShape;

/* Whether a session of @shape needs VIRTIO_CRYPTODEV_F_EXT_ALGS. */
bool vcd_session_needs_ext(const VcdSessionShape *shape);

/*
 * Check OP_CREATE_SESSION's parameters and describe the session.
 * S_INVAL: no algorithm at all, a bad key length, a key for an algorithm
 * that takes none, GCM combined with a hash.  S_NOTSUPP: an id that is not
 * in the table or not of the right kind for its field.
 */
uint32_t vcd_check_session(const VcdLimits *lim, uint32_t cipher,
                           uint32_t mac, uint32_t key_len,
                           uint32_t mac_key_len, VcdSessionShape *shape);

/* OP_CRYPT's parameters, host-endian. */
typedef struct VcdCryptPara {
    uint32_t direction;         /* VIRTIO_CRYPTODEV_DIR_* */
    uint32_t flags;             /* VIRTIO_CRYPTODEV_CRYPT_F_* */
    uint32_t src_len;
    uint32_t iv_len;
    uint32_t dst_len;
    uint32_t mac_len;
    uint32_t iv_out_len;
} VcdCryptPara;

/* OP_AEAD's parameters, host-endian. */
typedef struct VcdAeadPara {
    uint32_t direction;
    uint32_t flags;
    uint32_t src_len;
    uint32_t aad_len;
    uint32_t iv_len;
    uint32_t tag_len;
    uint32_t dst_len;
} VcdAeadPara;

/*
 * Check OP_CRYPT's lengths and flags against the session: S_OK, S_INVAL
 * or S_TOOBIG.
 */
uint32_t vcd_check_crypt(const VcdLimits *lim, const VcdSessionShape *shape,
                         const VcdCryptPara *p);

/*
 * Check OP_AEAD's lengths and flags against the session: S_OK, S_INVAL or
 * S_TOOBIG.
 */
uint32_t vcd_check_aead(const VcdLimits *lim, const VcdSessionShape *shape,
                        const VcdAeadPara *p);

/*
 * Bytes of input after the request header that the op reads, and bytes of
 * output after the response that it writes (64-bit sums).
 */
uint64_t vcd_crypt_in_len(const VcdCryptPara *p);
uint64_t vcd_crypt_out_len(const VcdCryptPara *p);
uint64_t vcd_aead_in_len(const VcdAeadPara *p);

/*
 * The IV a CBC or CTR operation leaves behind (the device's IV chaining):
 * CBC: the last ciphertext block (of @src when decrypting, of @dst when
 * encrypting); CTR: @iv plus ceil(@len / 16) as a 128-bit big-endian
 * counter.  Other modes leave @iv alone.
 */
void vcd_chain_iv(const VcdSessionShape *shape, uint32_t direction,
                  uint8_t *iv, const uint8_t *src, const uint8_t *dst,
                  size_t len);

/*
 * Fill @info for a session: sizes and names, driver names as given
 * (truncated to fit, always NUL-terminated).
 */
void vcd_fill_session_info(const VcdSessionShape *shape,
                           const char *cipher_driver,
                           const char *hash_driver,
                           struct virtio_cryptodev_session_info *info);

/* Output buffers and inputs of one OP_CRYPT; NULL where the length is 0. */
typedef struct VcdCryptBufs {
    const uint8_t *iv;          /* p->iv_len bytes */
    const uint8_t *src;         /* p->src_len bytes */
    uint8_t *dst;               /* p->dst_len bytes */
    uint8_t *mac;               /* p->mac_len bytes */
    uint8_t *iv_out;            /* p->iv_out_len bytes */
} VcdCryptBufs;

/*
 * Inputs and output of one OP_AEAD.  @dst must have room for
 * src_len + tag_len bytes when encrypting and src_len bytes when
 * decrypting; only the first p->dst_len bytes are the result.  After
 * S_BADMSG the contents of @dst are unspecified and must be dropped.
 */
typedef struct VcdAeadBufs {
    const uint8_t *iv;
    const uint8_t *aad;
    const uint8_t *src;
    uint8_t *dst;
} VcdAeadBufs;

/*
 * Zero @len bytes at @p in a way the compiler may not drop as a dead
 * store before a free: keys, IVs and hash states never outlive their use
 * in host memory (docs/virtio-cryptodev.md, Security).
 */
void vcd_wipe(void *p, size_t len);

#endif /* HW_VIRTIO_CRYPTODEV_CORE_H */
