/*
 * virtio-cryptodev: algorithm table, request checks, shared helpers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Plain C on purpose (see virtio-cryptodev-core.h): no QEMU headers, so
 * that a test program can run this very code.
 */

#include <endian.h>
#include <string.h>

/* A standalone build (a test program) finds the shared headers as-is. */
#ifdef VIRTIO_CRYPTODEV_STANDALONE
#include "virtio_cryptodev.h"
#include "crypto/cryptodev.h"
#else
#include "standard-headers/linux/virtio_cryptodev.h"
#include "standard-headers/linux/cryptodev.h"
#endif

#include "hw/virtio/virtio-cryptodev-core.h"

#define VCD_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define VCD_CIPHER(i, n, blk, md, bs, ivl) \
    { .id = (i), .kind = VCD_KIND_CIPHER, .name = (n), .block = (blk), \
      .mode = (md), .block_size = (bs), .iv_len = (ivl) }
#define VCD_DIGEST(i, k, n, h, dl, hbl) \
    { .id = (i), .kind = (k), .name = (n), .block_size = 1, .hash = (h), \
      .digest_len = (dl), .hash_block_len = (hbl) }
/* The rest of cryptodev-linux 1.14's algorithms, behind F_EXT_ALGS. */
#define VCD_EXT_CIPHER(i, n, blk, md, bs, ivl) \
    { .id = (i), .kind = VCD_KIND_CIPHER, .name = (n), .block = (blk), \
      .mode = (md), .block_size = (bs), .iv_len = (ivl), .ext = true }
#define VCD_EXT_DIGEST(i, k, n, h, dl, hbl) \
    { .id = (i), .kind = (k), .name = (n), .block_size = 1, .hash = (h), \
      .digest_len = (dl), .hash_block_len = (hbl), .ext = true }

static const VcdAlg vcd_algs[] = {
    VCD_CIPHER(CRYPTO_AES_CBC, "cbc(aes)", VCD_BLOCK_AES, VCD_MODE_CBC, 16, 16),
    VCD_CIPHER(CRYPTO_AES_CTR, "ctr(aes)", VCD_BLOCK_AES, VCD_MODE_CTR, 1, 16),
    VCD_CIPHER(CRYPTO_AES_ECB, "ecb(aes)", VCD_BLOCK_AES, VCD_MODE_ECB, 16, 0),
    VCD_CIPHER(CRYPTO_AES_XTS, "xts(aes)", VCD_BLOCK_AES, VCD_MODE_XTS, 16, 16),
    VCD_CIPHER(CRYPTO_3DES_CBC, "cbc(des3_ede)", VCD_BLOCK_3DES, VCD_MODE_CBC,
               8, 8),
    {
        .id = CRYPTO_AES_GCM, .kind = VCD_KIND_AEAD, .name = "gcm(aes)",
        .block = VCD_BLOCK_AES, .mode = VCD_MODE_GCM, .block_size = 1,
        .iv_len = VCD_GCM_IV_LEN, .digest_len = VCD_GCM_MAX_TAG_LEN,
    },
    VCD_DIGEST(CRYPTO_MD5, VCD_KIND_HASH, "md5", VCD_HASH_MD5, 16, 64),
    VCD_DIGEST(CRYPTO_SHA1, VCD_KIND_HASH, "sha1", VCD_HASH_SHA1, 20, 64),
    VCD_DIGEST(CRYPTO_SHA2_224, VCD_KIND_HASH, "sha224", VCD_HASH_SHA224,
               28, 64),
    VCD_DIGEST(CRYPTO_SHA2_256, VCD_KIND_HASH, "sha256", VCD_HASH_SHA256,
               32, 64),
    VCD_DIGEST(CRYPTO_SHA2_384, VCD_KIND_HASH, "sha384", VCD_HASH_SHA384,
               48, 128),
    VCD_DIGEST(CRYPTO_SHA2_512, VCD_KIND_HASH, "sha512", VCD_HASH_SHA512,
               64, 128),
    VCD_DIGEST(CRYPTO_MD5_HMAC, VCD_KIND_HMAC, "hmac(md5)", VCD_HASH_MD5,
               16, 64),
    VCD_DIGEST(CRYPTO_SHA1_HMAC, VCD_KIND_HMAC, "hmac(sha1)", VCD_HASH_SHA1,
               20, 64),
    VCD_DIGEST(CRYPTO_SHA2_224_HMAC, VCD_KIND_HMAC, "hmac(sha224)",
               VCD_HASH_SHA224, 28, 64),
    VCD_DIGEST(CRYPTO_SHA2_256_HMAC, VCD_KIND_HMAC, "hmac(sha256)",
               VCD_HASH_SHA256, 32, 64),
    VCD_DIGEST(CRYPTO_SHA2_384_HMAC, VCD_KIND_HMAC, "hmac(sha384)",
               VCD_HASH_SHA384, 48, 128),
    VCD_DIGEST(CRYPTO_SHA2_512_HMAC, VCD_KIND_HMAC, "hmac(sha512)",
               VCD_HASH_SHA512, 64, 128),
    /* Linux's cipher_null: block size 1, no IV, no key */
    VCD_EXT_CIPHER(CRYPTO_NULL, "ecb(cipher_null)", VCD_BLOCK_NULL,
                   VCD_MODE_ECB, 1, 0),
    VCD_EXT_CIPHER(CRYPTO_DES_CBC, "cbc(des)", VCD_BLOCK_DES, VCD_MODE_CBC,
                   8, 8),
    VCD_EXT_CIPHER(CRYPTO_BLF_CBC, "cbc(blowfish)", VCD_BLOCK_BLOWFISH,
                   VCD_MODE_CBC, 8, 8),
    VCD_EXT_CIPHER(CRYPTO_CAMELLIA_CBC, "cbc(camellia)", VCD_BLOCK_CAMELLIA,
                   VCD_MODE_CBC, 16, 16),
    VCD_EXT_DIGEST(CRYPTO_RIPEMD160, VCD_KIND_HASH, "rmd160",
                   VCD_HASH_RIPEMD160, 20, 64),
    VCD_EXT_DIGEST(CRYPTO_RIPEMD160_HMAC, VCD_KIND_HMAC, "hmac(rmd160)",
                   VCD_HASH_RIPEMD160, 20, 64),
    {
        .id = CRYPTO_AES_CCM, .kind = VCD_KIND_AEAD, .name = "ccm(aes)",
        .block = VCD_BLOCK_AES, .mode = VCD_MODE_CCM, .block_size = 1,
        .iv_len = VCD_CCM_IV_LEN, .digest_len = 16, .ext = true,
    },
};

/* GCM tag lengths Linux's gcm(aes) accepts. */
static const uint32_t vcd_gcm_tag_lens[] = { 4, 8, 12, 13, 14, 15, 16 };
/* CCM's, from RFC 3610's M. */
static const uint32_t vcd_ccm_tag_lens[] = { 4, 6, 8, 10, 12, 14, 16 };

const VcdAlg *vcd_alg_find(uint32_t id)
{
    size_t i;

    for (i = 0; i < VCD_ARRAY_SIZE(vcd_algs); i++) {
        if (vcd_algs[i].id == id) {
            return &vcd_algs[i];
        }
    }
    return NULL;
}

bool vcd_cipher_key_len_ok(const VcdAlg *alg, uint32_t key_len)
{
    switch (alg->block) {
    case VCD_BLOCK_AES:
        if (alg->mode == VCD_MODE_XTS) {
            return key_len == 32 || key_len == 64;
        }
        return key_len == 16 || key_len == 24 || key_len == 32;
    case VCD_BLOCK_3DES:
        return key_len == 24;
    case VCD_BLOCK_NULL:
        return key_len == 0;
    case VCD_BLOCK_DES:
        return key_len == 8;
    case VCD_BLOCK_BLOWFISH:
        /* Linux's blowfish: 32 to 448 bits */
        return key_len >= 4 && key_len <= 56;
    case VCD_BLOCK_CAMELLIA:
        return key_len == 16 || key_len == 24 || key_len == 32;
    default:
        return false;
    }
}

static bool vcd_is_cipher_kind(const VcdAlg *alg)
{
    return alg->kind == VCD_KIND_CIPHER || alg->kind == VCD_KIND_AEAD;
}

static bool vcd_is_hash_kind(const VcdAlg *alg)
{
    return alg->kind == VCD_KIND_HASH || alg->kind == VCD_KIND_HMAC;
}

uint32_t vcd_check_session(const VcdLimits *lim, uint32_t cipher,
                           uint32_t mac, uint32_t key_len,
                           uint32_t mac_key_len, VcdSessionShape *shape)
{
    const VcdAlg *c = NULL, *m = NULL;

    memset(shape, 0, sizeof(*shape));
    if (!cipher && !mac) {
        return VIRTIO_CRYPTODEV_S_INVAL;
    }
    if (cipher) {
        c = vcd_alg_find(cipher);
        if (!c || !vcd_is_cipher_kind(c)) {
            return VIRTIO_CRYPTODEV_S_NOTSUPP;
        }
    }
    if (mac) {
        m = vcd_alg_find(mac);
        if (!m || !vcd_is_hash_kind(m)) {
            return VIRTIO_CRYPTODEV_S_NOTSUPP;
        }
    }
    if (c && c->kind == VCD_KIND_AEAD && m) {
        return VIRTIO_CRYPTODEV_S_INVAL;
    }
    if (c) {
        if (key_len > lim->max_key_len || !vcd_cipher_key_len_ok(c, key_len)) {
            return VIRTIO_CRYPTODEV_S_INVAL;
        }
    } else if (key_len != 0) {
        return VIRTIO_CRYPTODEV_S_INVAL;
    }
    if (m && m->kind == VCD_KIND_HMAC) {
        if (mac_key_len > lim->max_mac_key_len) {
            return VIRTIO_CRYPTODEV_S_INVAL;
        }
    } else if (mac_key_len != 0) {
        return VIRTIO_CRYPTODEV_S_INVAL;
    }

    shape->cipher = c;
    shape->mac = m;
    shape->key_len = key_len;
    shape->mac_key_len = mac_key_len;
    shape->block_size = c ? c->block_size : 1;
    shape->iv_len = c ? c->iv_len : 0;
    shape->digest_len = m ? m->digest_len : c->digest_len;
    return VIRTIO_CRYPTODEV_S_OK;
}

bool vcd_session_needs_ext(const VcdSessionShape *shape)
{
    return (shape->cipher && shape->cipher->ext) ||
           (shape->mac && shape->mac->ext);
}

uint32_t vcd_check_crypt(const VcdLimits *lim, const VcdSessionShape *shape,
                         const VcdCryptPara *p)
{
    const uint32_t known = VIRTIO_CRYPTODEV_CRYPT_F_IV |
                           VIRTIO_CRYPTODEV_CRYPT_F_HASH_RESET |
                           VIRTIO_CRYPTODEV_CRYPT_F_HASH_FINAL;
    const uint32_t hash_flags = VIRTIO_CRYPTODEV_CRYPT_F_HASH_RESET |
                                VIRTIO_CRYPTODEV_CRYPT_F_HASH_FINAL;
    bool final = p->flags & VIRTIO_CRYPTODEV_CRYPT_F_HASH_FINAL;

    if (shape->cipher && shape->cipher->kind == VCD_KIND_AEAD) {
        return VIRTIO_CRYPTODEV_S_INVAL;
    }
    if (p->direction > VIRTIO_CRYPTODEV_DIR_DECRYPT || (p->flags & ~known)) {
        return VIRTIO_CRYPTODEV_S_INVAL;
    }
    if (shape->cipher) {
        if (p->src_len % shape->block_size || p->dst_len != p->src_len) {
            return VIRTIO_CRYPTODEV_S_INVAL;
        }
    } else if (p->dst_len != 0) {
        return VIRTIO_CRYPTODEV_S_INVAL;
    }
    if (p->flags & VIRTIO_CRYPTODEV_CRYPT_F_IV) {
        if (p->iv_len == 0 || p->iv_len != shape->iv_len) {
            return VIRTIO_CRYPTODEV_S_INVAL;
        }
    } else if (p->iv_len != 0) {
        return VIRTIO_CRYPTODEV_S_INVAL;
    }
    if (!shape->mac && (p->flags & hash_flags)) {
        return VIRTIO_CRYPTODEV_S_INVAL;
    }
    if (p->mac_len != (final ? shape->digest_len : 0)) {
        return VIRTIO_CRYPTODEV_S_INVAL;
    }
    if (p->iv_out_len != 0 && p->iv_out_len != shape->iv_len) {
        return VIRTIO_CRYPTODEV_S_INVAL;
    }
    if (p->src_len > lim->max_data_len) {
        return VIRTIO_CRYPTODEV_S_TOOBIG;
    }
    return VIRTIO_CRYPTODEV_S_OK;
}

static bool vcd_tag_len_ok(const VcdAlg *alg, uint32_t tag_len)
{
    const uint32_t *lens = alg->mode == VCD_MODE_CCM ? vcd_ccm_tag_lens
                                                     : vcd_gcm_tag_lens;
    size_t i;

    for (i = 0; i < VCD_ARRAY_SIZE(vcd_gcm_tag_lens); i++) {
        if (lens[i] == tag_len) {
            return true;
        }
    }
    return false;
}

uint32_t vcd_check_aead(const VcdLimits *lim, const VcdSessionShape *shape,
                        const VcdAeadPara *p)
{
    if (!shape->cipher || shape->cipher->kind != VCD_KIND_AEAD) {
        return VIRTIO_CRYPTODEV_S_INVAL;
    }
    if (p->direction > VIRTIO_CRYPTODEV_DIR_DECRYPT || p->flags != 0) {
        return VIRTIO_CRYPTODEV_S_INVAL;
    }
    if (p->iv_len != shape->iv_len ||
        !vcd_tag_len_ok(shape->cipher, p->tag_len)) {
        return VIRTIO_CRYPTODEV_S_INVAL;
    }
    if (p->direction == VIRTIO_CRYPTODEV_DIR_ENCRYPT) {
        if ((uint64_t)p->src_len + p->tag_len != p->dst_len) {
            return VIRTIO_CRYPTODEV_S_INVAL;
        }
    } else if (p->src_len < p->tag_len ||
               p->dst_len != p->src_len - p->tag_len) {
        return VIRTIO_CRYPTODEV_S_INVAL;
    }
    if ((uint64_t)p->aad_len + p->src_len > lim->max_data_len) {
        return VIRTIO_CRYPTODEV_S_TOOBIG;
    }
    return VIRTIO_CRYPTODEV_S_OK;
}

uint64_t vcd_crypt_in_len(const VcdCryptPara *p)
{
    return (uint64_t)p->iv_len + p->src_len;
}

uint64_t vcd_crypt_out_len(const VcdCryptPara *p)
{
    return (uint64_t)p->dst_len + p->mac_len + p->iv_out_len;
}

uint64_t vcd_aead_in_len(const VcdAeadPara *p)
{
    return (uint64_t)p->iv_len + p->aad_len + p->src_len;
}

/* Add @n to a 128-bit big-endian counter, wrapping like Linux's ctr(). */
static void vcd_ctr_add(uint8_t *ctr, uint64_t n)
{
    int i;

    for (i = 15; i >= 0 && n; i--) {
        n += ctr[i];
        ctr[i] = n & 0xff;
        n >>= 8;
    }
}

void vcd_chain_iv(const VcdSessionShape *shape, uint32_t direction,
                  uint8_t *iv, const uint8_t *src, const uint8_t *dst,
                  size_t len)
{
    if (!shape->cipher || len == 0) {
        return;
    }
    switch (shape->cipher->mode) {
    case VCD_MODE_CBC: {
        const uint8_t *ct = direction == VIRTIO_CRYPTODEV_DIR_ENCRYPT ?
                            dst : src;
        memcpy(iv, ct + len - shape->iv_len, shape->iv_len);
        break;
    }
    case VCD_MODE_CTR:
        vcd_ctr_add(iv, (len + 15) / 16);
        break;
    default:
        break;
    }
}

static void vcd_copy_name(char *dst, const char *src)
{
    strncpy(dst, src ? src : "", VIRTIO_CRYPTODEV_NAME_LEN - 1);
    dst[VIRTIO_CRYPTODEV_NAME_LEN - 1] = '\0';
}

void vcd_fill_session_info(const VcdSessionShape *shape,
                           const char *cipher_driver,
                           const char *hash_driver,
                           struct virtio_cryptodev_session_info *info)
{
    memset(info, 0, sizeof(*info));
    info->block_size = htole32(shape->block_size);
    info->iv_len = htole32(shape->iv_len);
    info->digest_len = htole32(shape->digest_len);
    info->alignmask = 0;
    if (shape->cipher) {
        vcd_copy_name(info->cipher_name, shape->cipher->name);
        vcd_copy_name(info->cipher_driver, cipher_driver);
    }
    if (shape->mac) {
        vcd_copy_name(info->hash_name, shape->mac->name);
        vcd_copy_name(info->hash_driver, hash_driver);
    }
}

void vcd_wipe(void *p, size_t len)
{
    if (!p || !len) {
        return;
    }
    memset(p, 0, len);
    /* the zeros count as read: the memset is not a dead store */
    __asm__ __volatile__("" : : "r"(p) : "memory");
}
