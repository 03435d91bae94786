/*
 * virtio-cryptodev: the builtin engine, on QEMU's crypto layer
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Ciphers come from crypto/cipher.h and digests from the incremental
 * crypto/hash.h API.  What the layer lacks is done here: HMAC over the
 * incremental hash (so that a digest can be fed over many requests), IV
 * chaining between requests, CTR tails shorter than a block, and AES-GCM,
 * Blowfish and Camellia through nettle when QEMU is built with it.
 */

#include "qemu/osdep.h"
#include "crypto/cipher.h"
#include "crypto/hash.h"
#include "hw/virtio/virtio-cryptodev.h"
#ifdef CONFIG_NETTLE
#include <nettle/aes.h>
#include <nettle/blowfish.h>
#include <nettle/camellia.h>
#include <nettle/cbc.h>
#include <nettle/ccm.h>
#include <nettle/gcm.h>
#include <nettle/memops.h>
#endif

#define BUILTIN_DRIVER_NAME "virtio-cryptodev-builtin"

#define HMAC_IPAD 0x36
#define HMAC_OPAD 0x5c

/* A digest that can be fed across requests. */
typedef struct BuiltinDigest {
    QCryptoHashAlgo algo;
    size_t digest_len;
    size_t block_len;
    uint8_t *hmac_key;          /* HMAC: the key padded to block_len */
    QCryptoHash *running;       /* NULL: the next absorb starts afresh */
} BuiltinDigest;

#ifdef CONFIG_NETTLE
/* AES for GCM (with its hash key) or for CCM (the key schedule only). */
typedef struct BuiltinGcm {
    union {
        struct aes128_ctx k128;
        struct aes192_ctx k192;
        struct aes256_ctx k256;
    } aes;
    nettle_cipher_func *encrypt;
    struct gcm_key key;
} BuiltinGcm;

/* A CBC cipher that QEMU's crypto layer lacks, run with nettle's cbc. */
typedef struct BuiltinNettleCbc {
    union {
        struct blowfish_ctx bf;
        struct camellia128_ctx c128;
        struct camellia256_ctx c256;
    } enc, dec;
    nettle_cipher_func *encrypt;
    nettle_cipher_func *decrypt;
    size_t block_len;
} BuiltinNettleCbc;
#endif

typedef struct BuiltinSession {
    QCryptoCipher *cipher;      /* NULL for cipher_null and nettle ciphers */
#ifdef CONFIG_NETTLE
    BuiltinNettleCbc *ncbc;
#endif
    uint8_t iv[VCD_MAX_IV_LEN];
    BuiltinDigest digest;
#ifdef CONFIG_NETTLE
    BuiltinGcm *gcm;
#endif
} BuiltinSession;

bool virtio_cryptodev_builtin_has_aead(void)
{
#ifdef CONFIG_NETTLE
    return true;
#else
    return false;
#endif
}

/* ---- digests and HMAC ---- */

static QCryptoHashAlgo builtin_hash_algo(VcdHash hash)
{
    switch (hash) {
    case VCD_HASH_MD5:
        return QCRYPTO_HASH_ALGO_MD5;
    case VCD_HASH_SHA1:
        return QCRYPTO_HASH_ALGO_SHA1;
    case VCD_HASH_SHA224:
        return QCRYPTO_HASH_ALGO_SHA224;
    case VCD_HASH_SHA256:
        return QCRYPTO_HASH_ALGO_SHA256;
    case VCD_HASH_SHA384:
        return QCRYPTO_HASH_ALGO_SHA384;
    case VCD_HASH_SHA512:
        return QCRYPTO_HASH_ALGO_SHA512;
    case VCD_HASH_RIPEMD160:
        return QCRYPTO_HASH_ALGO_RIPEMD160;
    default:
        g_assert_not_reached();
    }
}

static void builtin_digest_restart(BuiltinDigest *d)
{
    qcrypto_hash_free(d->running);
    d->running = NULL;
}

/* Start a digest; an HMAC begins with the inner pad. */
static int builtin_digest_start(BuiltinDigest *d)
{
    uint8_t pad[VCD_MAX_HASH_BLOCK_LEN];
    size_t i;
    int ret;

    d->running = qcrypto_hash_new(d->algo, NULL);
    if (!d->running) {
        return -1;
    }
    if (d->hmac_key) {
        for (i = 0; i < d->block_len; i++) {
            pad[i] = d->hmac_key[i] ^ HMAC_IPAD;
        }
        ret = qcrypto_hash_update(d->running, (char *)pad, d->block_len,
                                  NULL);
        vcd_wipe(pad, sizeof(pad));
        if (ret < 0) {
            builtin_digest_restart(d);
            return -1;
        }
    }
    return 0;
}

static int builtin_digest_absorb(BuiltinDigest *d, const uint8_t *data,
                                 size_t len)
{
    if (!d->running && builtin_digest_start(d) < 0) {
        return -1;
    }
    return len ? qcrypto_hash_update(d->running, (const char *)data, len,
                                     NULL)
               : 0;
}

/* Write the digest of everything absorbed; the next absorb starts over. */
static int builtin_digest_final(BuiltinDigest *d, uint8_t *out)
{
    g_autoptr(QCryptoHash) outer = NULL;
    uint8_t pad[VCD_MAX_HASH_BLOCK_LEN];
    uint8_t inner[VCD_MAX_DIGEST_LEN];
    uint8_t *result = d->hmac_key ? inner : out;
    size_t result_len = d->digest_len;
    size_t i;
    int ret;

    if (!d->running && builtin_digest_start(d) < 0) {
        return -1;
    }
    ret = qcrypto_hash_finalize_bytes(d->running, &result, &result_len, NULL);
    builtin_digest_restart(d);
    if (ret < 0 || !d->hmac_key) {
        vcd_wipe(inner, sizeof(inner));
        return ret;
    }

    outer = qcrypto_hash_new(d->algo, NULL);
    if (!outer) {
        vcd_wipe(inner, sizeof(inner));
        return -1;
    }
    for (i = 0; i < d->block_len; i++) {
        pad[i] = d->hmac_key[i] ^ HMAC_OPAD;
    }
    result = out;
    result_len = d->digest_len;
    if (qcrypto_hash_update(outer, (char *)pad, d->block_len, NULL) < 0 ||
        qcrypto_hash_update(outer, (char *)inner, d->digest_len, NULL) < 0 ||
        qcrypto_hash_finalize_bytes(outer, &result, &result_len, NULL) < 0) {
        ret = -1;
    }
    vcd_wipe(pad, sizeof(pad));
    vcd_wipe(inner, sizeof(inner));
    return ret;
}

static uint32_t builtin_digest_init(BuiltinDigest *d, const VcdAlg *alg,
                                    const uint8_t *key, size_t key_len)
{
    uint8_t *hashed = NULL;
    size_t hashed_len = 0;

    d->algo = builtin_hash_algo(alg->hash);
    d->digest_len = alg->digest_len;
    d->block_len = alg->hash_block_len;
    if (!qcrypto_hash_supports(d->algo) ||
        qcrypto_hash_digest_len(d->algo) != d->digest_len) {
        return VIRTIO_CRYPTODEV_S_NOTSUPP;
    }
    if (alg->kind != VCD_KIND_HMAC) {
        return VIRTIO_CRYPTODEV_S_OK;
    }

    /* RFC 2104: keys longer than a block are hashed first */
    d->hmac_key = g_malloc0(d->block_len);
    if (key_len > d->block_len) {
        if (qcrypto_hash_bytes(d->algo, (const char *)key, key_len,
                               &hashed, &hashed_len, NULL) < 0) {
            return VIRTIO_CRYPTODEV_S_ERR;
        }
        memcpy(d->hmac_key, hashed, hashed_len);
        vcd_wipe(hashed, hashed_len);
        g_free(hashed);
    } else if (key_len) {
        memcpy(d->hmac_key, key, key_len);
    }
    return VIRTIO_CRYPTODEV_S_OK;
}

static void builtin_digest_free(BuiltinDigest *d)
{
    builtin_digest_restart(d);
    if (d->hmac_key) {
        vcd_wipe(d->hmac_key, d->block_len);
        g_free(d->hmac_key);
    }
}

/* ---- ciphers ---- */

#ifdef CONFIG_NETTLE
/* nettle_cipher_func has a const void * context: adapt each cipher to it. */
static void builtin_bf_encrypt(const void *ctx, size_t len, uint8_t *dst,
                               const uint8_t *src)
{
    blowfish_encrypt(ctx, len, dst, src);
}

static void builtin_bf_decrypt(const void *ctx, size_t len, uint8_t *dst,
                               const uint8_t *src)
{
    blowfish_decrypt(ctx, len, dst, src);
}

static void builtin_camellia128_crypt(const void *ctx, size_t len,
                                      uint8_t *dst, const uint8_t *src)
{
    camellia128_crypt(ctx, len, dst, src);
}

static void builtin_camellia256_crypt(const void *ctx, size_t len,
                                      uint8_t *dst, const uint8_t *src)
{
    camellia256_crypt(ctx, len, dst, src);
}

/* @key_len was checked against the algorithm table. */
static BuiltinNettleCbc *builtin_ncbc_new(const VcdAlg *alg,
                                          const uint8_t *key, size_t key_len)
{
    BuiltinNettleCbc *n = g_new0(BuiltinNettleCbc, 1);

    n->block_len = alg->block_size;
    if (alg->block == VCD_BLOCK_BLOWFISH) {
        /*
         * nettle reports weak keys; Linux's blowfish takes them, and so
         * does cryptodev-linux, so the key is used either way.
         */
        blowfish_set_key(&n->enc.bf, key_len, key);
        n->encrypt = builtin_bf_encrypt;
        n->decrypt = builtin_bf_decrypt;
        n->dec = n->enc;
    } else if (key_len == 16) {
        camellia128_set_encrypt_key(&n->enc.c128, key);
        camellia128_set_decrypt_key(&n->dec.c128, key);
        n->encrypt = n->decrypt = builtin_camellia128_crypt;
    } else {
        if (key_len == 24) {
            camellia192_set_encrypt_key(&n->enc.c256, key);
            camellia192_set_decrypt_key(&n->dec.c256, key);
        } else {
            camellia256_set_encrypt_key(&n->enc.c256, key);
            camellia256_set_decrypt_key(&n->dec.c256, key);
        }
        n->encrypt = n->decrypt = builtin_camellia256_crypt;
    }
    return n;
}

static void builtin_ncbc_free(BuiltinNettleCbc *n)
{
    if (n) {
        /* the key schedules */
        vcd_wipe(n, sizeof(*n));
        g_free(n);
    }
}

static void builtin_ncbc_run(BuiltinNettleCbc *n, uint32_t direction,
                             const uint8_t *iv, const uint8_t *src,
                             uint8_t *dst, size_t len)
{
    uint8_t chain[VCD_MAX_IV_LEN];

    /* nettle advances the IV in place; the session's is chained apart */
    memcpy(chain, iv, n->block_len);
    if (direction == VIRTIO_CRYPTODEV_DIR_ENCRYPT) {
        cbc_encrypt(&n->enc, n->encrypt, n->block_len, chain, len, dst, src);
    } else {
        cbc_decrypt(&n->dec, n->decrypt, n->block_len, chain, len, dst, src);
    }
    vcd_wipe(chain, sizeof(chain));
}
#endif

static uint32_t builtin_cipher_init(BuiltinSession *bs, const VcdAlg *alg,
                                    const uint8_t *key, size_t key_len)
{
    QCryptoCipherAlgo algo;
    QCryptoCipherMode mode;
    size_t aes_key_len = alg->mode == VCD_MODE_XTS ? key_len / 2 : key_len;

    switch (alg->block) {
    case VCD_BLOCK_NULL:
        return VIRTIO_CRYPTODEV_S_OK;
    case VCD_BLOCK_BLOWFISH:
    case VCD_BLOCK_CAMELLIA:
#ifdef CONFIG_NETTLE
        bs->ncbc = builtin_ncbc_new(alg, key, key_len);
        return VIRTIO_CRYPTODEV_S_OK;
#else
        return VIRTIO_CRYPTODEV_S_NOTSUPP;
#endif
    default:
        break;
    }
    if (alg->block == VCD_BLOCK_DES) {
        algo = QCRYPTO_CIPHER_ALGO_DES;
    } else if (alg->block == VCD_BLOCK_3DES) {
        algo = QCRYPTO_CIPHER_ALGO_3DES;
    } else if (aes_key_len == 16) {
        algo = QCRYPTO_CIPHER_ALGO_AES_128;
    } else if (aes_key_len == 24) {
        algo = QCRYPTO_CIPHER_ALGO_AES_192;
    } else {
        algo = QCRYPTO_CIPHER_ALGO_AES_256;
    }
    switch (alg->mode) {
    case VCD_MODE_ECB:
        mode = QCRYPTO_CIPHER_MODE_ECB;
        break;
    case VCD_MODE_CBC:
        mode = QCRYPTO_CIPHER_MODE_CBC;
        break;
    case VCD_MODE_CTR:
        mode = QCRYPTO_CIPHER_MODE_CTR;
        break;
    case VCD_MODE_XTS:
        mode = QCRYPTO_CIPHER_MODE_XTS;
        break;
    default:
        return VIRTIO_CRYPTODEV_S_NOTSUPP;
    }
    if (!qcrypto_cipher_supports(algo, mode)) {
        return VIRTIO_CRYPTODEV_S_NOTSUPP;
    }
    bs->cipher = qcrypto_cipher_new(algo, mode, key, key_len, NULL);
    return bs->cipher ? VIRTIO_CRYPTODEV_S_OK : VIRTIO_CRYPTODEV_S_INVAL;
}

static int builtin_cipher_run(QCryptoCipher *cipher, uint32_t direction,
                              const uint8_t *iv, size_t iv_len,
                              const uint8_t *src, uint8_t *dst, size_t len)
{
    if (iv_len && qcrypto_cipher_setiv(cipher, iv, iv_len, NULL) < 0) {
        return -1;
    }
    return direction == VIRTIO_CRYPTODEV_DIR_ENCRYPT ?
           qcrypto_cipher_encrypt(cipher, src, dst, len, NULL) :
           qcrypto_cipher_decrypt(cipher, src, dst, len, NULL);
}

/*
 * CTR takes any length, but QEMU's layer only whole blocks: the tail is
 * a zero-padded block run at the counter after the whole ones.
 */
static int builtin_ctr_run(BuiltinSession *bs, const VcdSessionShape *shape,
                           const uint8_t *iv, const uint8_t *src,
                           uint8_t *dst, size_t len)
{
    size_t whole = len & ~(size_t)(VCD_MAX_BLOCK_LEN - 1);
    size_t tail = len - whole;
    uint8_t ctr[VCD_MAX_IV_LEN];
    uint8_t block[VCD_MAX_BLOCK_LEN] = {};

    int ret;

    if (whole && builtin_cipher_run(bs->cipher, VIRTIO_CRYPTODEV_DIR_ENCRYPT,
                                    iv, shape->iv_len, src, dst, whole) < 0) {
        return -1;
    }
    if (!tail) {
        return 0;
    }
    memcpy(ctr, iv, shape->iv_len);
    vcd_chain_iv(shape, VIRTIO_CRYPTODEV_DIR_ENCRYPT, ctr, NULL, NULL, whole);
    memcpy(block, src + whole, tail);
    ret = builtin_cipher_run(bs->cipher, VIRTIO_CRYPTODEV_DIR_ENCRYPT, ctr,
                             shape->iv_len, block, block, sizeof(block));
    if (ret == 0) {
        memcpy(dst + whole, block, tail);
    }
    /* the padding's keystream, and the counter */
    vcd_wipe(block, sizeof(block));
    vcd_wipe(ctr, sizeof(ctr));
    return ret < 0 ? -1 : 0;
}

/* Run the cipher from @iv and leave the chained IV in it. */
static int builtin_cipher(BuiltinSession *bs, const VcdSessionShape *shape,
                          uint32_t direction, uint8_t *iv,
                          const uint8_t *src, uint8_t *dst, size_t len)
{
    int ret;

    if (!len) {
        return 0;
    }
    if (shape->cipher->block == VCD_BLOCK_NULL) {
        memmove(dst, src, len);
        ret = 0;
#ifdef CONFIG_NETTLE
    } else if (bs->ncbc) {
        builtin_ncbc_run(bs->ncbc, direction, iv, src, dst, len);
        ret = 0;
#endif
    } else if (shape->cipher->mode == VCD_MODE_CTR) {
        ret = builtin_ctr_run(bs, shape, iv, src, dst, len);
    } else {
        ret = builtin_cipher_run(bs->cipher, direction, iv, shape->iv_len,
                                 src, dst, len);
    }
    if (ret == 0) {
        vcd_chain_iv(shape, direction, iv, src, dst, len);
    }
    return ret;
}

/* ---- AES-GCM ---- */

#ifdef CONFIG_NETTLE
/* nettle_cipher_func has a void * context: adapt each AES size to it. */
static void builtin_aes128_encrypt(const void *ctx, size_t len, uint8_t *dst,
                                   const uint8_t *src)
{
    aes128_encrypt(ctx, len, dst, src);
}

static void builtin_aes192_encrypt(const void *ctx, size_t len, uint8_t *dst,
                                   const uint8_t *src)
{
    aes192_encrypt(ctx, len, dst, src);
}

static void builtin_aes256_encrypt(const void *ctx, size_t len, uint8_t *dst,
                                   const uint8_t *src)
{
    aes256_encrypt(ctx, len, dst, src);
}

static BuiltinGcm *builtin_gcm_new(const uint8_t *key, size_t key_len)
{
    BuiltinGcm *g = g_new0(BuiltinGcm, 1);

    switch (key_len) {
    case 16:
        aes128_set_encrypt_key(&g->aes.k128, key);
        g->encrypt = builtin_aes128_encrypt;
        break;
    case 24:
        aes192_set_encrypt_key(&g->aes.k192, key);
        g->encrypt = builtin_aes192_encrypt;
        break;
    default:
        aes256_set_encrypt_key(&g->aes.k256, key);
        g->encrypt = builtin_aes256_encrypt;
        break;
    }
    gcm_set_key(&g->key, &g->aes, g->encrypt);
    return g;
}

static void builtin_gcm_free(BuiltinGcm *g)
{
    if (g) {
        vcd_wipe(g, sizeof(*g));
        g_free(g);
    }
}

/*
 * Linux's ccm(aes) IV: byte 0 is L - 1, the nonce follows.  The nonce and
 * lengths are checked here, against the guest's bytes, before nettle
 * sees them: nettle asserts on a nonce or message length CCM cannot code.
 */
static uint32_t builtin_ccm(BuiltinGcm *g, const VcdAeadPara *p,
                            const VcdAeadBufs *b)
{
    bool encrypt = p->direction == VIRTIO_CRYPTODEV_DIR_ENCRYPT;
    uint64_t msg_len = encrypt ? p->src_len : p->src_len - p->tag_len;
    unsigned l = b->iv[0] + 1;
    uint8_t tag[16];
    struct ccm_ctx ctx;
    uint32_t status = VIRTIO_CRYPTODEV_S_OK;

    if (l < 2 || l > 8 || (l < 8 && msg_len >> (8 * l))) {
        return VIRTIO_CRYPTODEV_S_INVAL;
    }
    ccm_set_nonce(&ctx, &g->aes, g->encrypt, 15 - l, b->iv + 1, p->aad_len,
                  msg_len, p->tag_len);
    ccm_update(&ctx, &g->aes, g->encrypt, p->aad_len, b->aad);
    if (encrypt) {
        ccm_encrypt(&ctx, &g->aes, g->encrypt, msg_len, b->dst, b->src);
        ccm_digest(&ctx, &g->aes, g->encrypt, p->tag_len, b->dst + msg_len);
    } else {
        ccm_decrypt(&ctx, &g->aes, g->encrypt, msg_len, b->dst, b->src);
        ccm_digest(&ctx, &g->aes, g->encrypt, p->tag_len, tag);
        if (!memeql_sec(tag, b->src + msg_len, p->tag_len)) {
            status = VIRTIO_CRYPTODEV_S_BADMSG;
        }
    }
    /* the counter and MAC blocks */
    vcd_wipe(&ctx, sizeof(ctx));
    vcd_wipe(tag, sizeof(tag));
    return status;
}

static uint32_t builtin_aead(VirtIOCryptodevSession *sess,
                             const VcdAeadPara *p, const VcdAeadBufs *b)
{
    BuiltinSession *bs = sess->opaque;
    BuiltinGcm *g = bs->gcm;
    uint8_t tag[VCD_GCM_MAX_TAG_LEN];
    struct gcm_ctx ctx;
    size_t len;

    uint32_t status = VIRTIO_CRYPTODEV_S_OK;

    if (sess->shape.cipher->mode == VCD_MODE_CCM) {
        return builtin_ccm(g, p, b);
    }
    gcm_set_iv(&ctx, &g->key, p->iv_len, b->iv);
    gcm_update(&ctx, &g->key, p->aad_len, b->aad);
    if (p->direction == VIRTIO_CRYPTODEV_DIR_ENCRYPT) {
        gcm_encrypt(&ctx, &g->key, &g->aes, g->encrypt, p->src_len,
                    b->dst, b->src);
        gcm_digest(&ctx, &g->key, &g->aes, g->encrypt, p->tag_len,
                   b->dst + p->src_len);
    } else {
        len = p->src_len - p->tag_len;
        gcm_decrypt(&ctx, &g->key, &g->aes, g->encrypt, len, b->dst, b->src);
        gcm_digest(&ctx, &g->key, &g->aes, g->encrypt, p->tag_len, tag);
        if (!memeql_sec(tag, b->src + len, p->tag_len)) {
            status = VIRTIO_CRYPTODEV_S_BADMSG;
        }
    }
    /* the counter block and the hash state derived from the key */
    vcd_wipe(&ctx, sizeof(ctx));
    vcd_wipe(tag, sizeof(tag));
    return status;
}
#else
static uint32_t builtin_aead(VirtIOCryptodevSession *sess,
                             const VcdAeadPara *p, const VcdAeadBufs *b)
{
    return VIRTIO_CRYPTODEV_S_NOTSUPP;
}
#endif

/* ---- the engine ---- */

static void builtin_session_free(BuiltinSession *bs)
{
    qcrypto_cipher_free(bs->cipher);
    builtin_digest_free(&bs->digest);
#ifdef CONFIG_NETTLE
    builtin_gcm_free(bs->gcm);
    builtin_ncbc_free(bs->ncbc);
#endif
    vcd_wipe(bs, sizeof(*bs));
    g_free(bs);
}

static uint32_t builtin_session_create(VirtIOCryptodevSession *sess,
                                       const uint8_t *key,
                                       const uint8_t *mac_key,
                                  struct virtio_cryptodev_session_info *info)
{
    const VcdSessionShape *shape = &sess->shape;
    BuiltinSession *bs = g_new0(BuiltinSession, 1);
    uint32_t status = VIRTIO_CRYPTODEV_S_OK;

    if (shape->cipher && shape->cipher->kind == VCD_KIND_AEAD) {
#ifdef CONFIG_NETTLE
        bs->gcm = builtin_gcm_new(key, shape->key_len);
#else
        status = VIRTIO_CRYPTODEV_S_NOTSUPP;
#endif
    } else if (shape->cipher) {
        status = builtin_cipher_init(bs, shape->cipher, key, shape->key_len);
    }
    if (status == VIRTIO_CRYPTODEV_S_OK && shape->mac) {
        status = builtin_digest_init(&bs->digest, shape->mac, mac_key,
                                     shape->mac_key_len);
    }
    if (status != VIRTIO_CRYPTODEV_S_OK) {
        builtin_session_free(bs);
        return status;
    }
    sess->opaque = bs;
    vcd_fill_session_info(shape, BUILTIN_DRIVER_NAME, BUILTIN_DRIVER_NAME,
                          info);
    return VIRTIO_CRYPTODEV_S_OK;
}

bool virtio_cryptodev_builtin_has_copy_hash(void)
{
    g_autoptr(QCryptoHash) hash = qcrypto_hash_new(QCRYPTO_HASH_ALGO_SHA256,
                                                   NULL);
    g_autoptr(QCryptoHash) copy = hash ? qcrypto_hash_copy(hash, NULL) : NULL;

    return copy != NULL;
}

/*
 * The source's running state becomes the destination's; an HMAC's
 * includes the source key's inner pad and is finished with the
 * destination's key, as Linux's hmac export and import do.  A source that
 * absorbed nothing since its last digest leaves the destination fresh
 * too (with its own key): the state cryptodev-linux copies then depends
 * on its version, and this way both engines agree.
 */
static uint32_t builtin_copy_hash(VirtIOCryptodevSession *dst,
                                  VirtIOCryptodevSession *src)
{
    BuiltinDigest *from = &((BuiltinSession *)src->opaque)->digest;
    BuiltinDigest *to = &((BuiltinSession *)dst->opaque)->digest;
    QCryptoHash *copy = NULL;

    if (from->running) {
        copy = qcrypto_hash_copy(from->running, NULL);
        if (!copy) {
            return VIRTIO_CRYPTODEV_S_ERR;
        }
    }
    builtin_digest_restart(to);
    to->running = copy;
    return VIRTIO_CRYPTODEV_S_OK;
}

static void builtin_session_destroy(VirtIOCryptodevSession *sess)
{
    builtin_session_free(sess->opaque);
    sess->opaque = NULL;
}

/*
 * Encrypting hashes the plaintext before ciphering it; decrypting hashes
 * the plaintext it produced (cryptodev-linux's order).
 */
static uint32_t builtin_crypt(VirtIOCryptodevSession *sess,
                              const VcdCryptPara *p, const VcdCryptBufs *b)
{
    BuiltinSession *bs = sess->opaque;
    const VcdSessionShape *shape = &sess->shape;
    bool decrypt = shape->cipher &&
                   p->direction == VIRTIO_CRYPTODEV_DIR_DECRYPT;
    uint8_t iv[VCD_MAX_IV_LEN];
    int ret = 0;

    memcpy(iv, (p->flags & VIRTIO_CRYPTODEV_CRYPT_F_IV) ? b->iv : bs->iv,
           shape->iv_len);
    if (shape->mac && (p->flags & VIRTIO_CRYPTODEV_CRYPT_F_HASH_RESET)) {
        builtin_digest_restart(&bs->digest);
    }

    if (shape->mac && !decrypt) {
        ret = builtin_digest_absorb(&bs->digest, b->src, p->src_len);
    }
    if (ret == 0 && shape->cipher) {
        ret = builtin_cipher(bs, shape, p->direction, iv, b->src, b->dst,
                             p->src_len);
    }
    if (ret == 0 && shape->mac && decrypt) {
        ret = builtin_digest_absorb(&bs->digest, b->dst, p->src_len);
    }
    if (ret == 0 && (p->flags & VIRTIO_CRYPTODEV_CRYPT_F_HASH_FINAL)) {
        ret = builtin_digest_final(&bs->digest, b->mac);
    }
    if (ret == 0) {
        memcpy(bs->iv, iv, shape->iv_len);
        if (p->iv_out_len) {
            memcpy(b->iv_out, bs->iv, p->iv_out_len);
        }
    }
    vcd_wipe(iv, sizeof(iv));
    return ret < 0 ? VIRTIO_CRYPTODEV_S_ERR : VIRTIO_CRYPTODEV_S_OK;
}

const VirtIOCryptodevEngine virtio_cryptodev_builtin_engine = {
    .name = "builtin",
    .config_id = VIRTIO_CRYPTODEV_ENGINE_BUILTIN,
    .may_block = false,
    .session_create = builtin_session_create,
    .session_destroy = builtin_session_destroy,
    .crypt = builtin_crypt,
    .aead = builtin_aead,
    .copy_hash = builtin_copy_hash,
};
