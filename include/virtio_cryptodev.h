/* SPDX-License-Identifier: MIT */
/*
 * virtio-cryptodev: the request format shared by the guest driver and the
 * QEMU device.  docs/virtio-cryptodev.md specifies it in the manner of a
 * section of the virtio specification; this header is its only copy in
 * code.  All fields are little-endian.
 *
 * The device runs cryptodev-style sessions on the host.  The guest driver
 * opens a device "file" for each open of its character device, creates
 * sessions inside that file and runs operations on them; the device keeps
 * every key, hash state and IV on the host side and hands the guest only
 * opaque handles, which it checks on every request.
 */
#ifndef VIRTIO_CRYPTODEV_H
#define VIRTIO_CRYPTODEV_H

#include <linux/types.h>

/*
 * Not allocated by OASIS: the last id a modern virtio-pci function can
 * carry (PCI device id 0x1040 + 63 = 0x107f).
 */
#define VIRTIO_ID_CRYPTODEV		63

/* Feature bits. */
#define VIRTIO_CRYPTODEV_F_AEAD		0	/* OP_AEAD works (AES-GCM) */
/*
 * The rest of cryptodev-linux 1.14's algorithms: CRYPTO_NULL,
 * CRYPTO_DES_CBC, CRYPTO_BLF_CBC, CRYPTO_CAMELLIA_CBC, CRYPTO_RIPEMD160,
 * CRYPTO_RIPEMD160_HMAC, and CRYPTO_AES_CCM for OP_AEAD (with F_AEAD).
 */
#define VIRTIO_CRYPTODEV_F_EXT_ALGS	1
/* OP_COPY_HASH works (cryptodev-linux's CIOCCPHASH). */
#define VIRTIO_CRYPTODEV_F_COPY_HASH	2

/* Engines, as reported in the config space. */
#define VIRTIO_CRYPTODEV_ENGINE_BUILTIN	1	/* QEMU's crypto layer */
#define VIRTIO_CRYPTODEV_ENGINE_HOST	2	/* the host's /dev/crypto */

/* Device configuration layout: read-only, fixed once the device is up. */
struct virtio_cryptodev_config {
	__le32 num_queues;	/* request virtqueues, 1 or more */
	__le32 engine;		/* VIRTIO_CRYPTODEV_ENGINE_* */
	__le32 max_files;	/* files open at once on the device */
	__le32 max_sessions;	/* sessions open at once in one file */
	__le32 max_data_len;	/* bytes of src, or of aad + src, per request */
	__le32 max_key_len;	/* cipher key bytes */
	__le32 max_mac_key_len;	/* HMAC key bytes */
	__le32 reserved;
};

/* Request opcodes. */
#define VIRTIO_CRYPTODEV_OP_OPEN_FILE		1
#define VIRTIO_CRYPTODEV_OP_CLOSE_FILE		2
#define VIRTIO_CRYPTODEV_OP_CREATE_SESSION	3
#define VIRTIO_CRYPTODEV_OP_DESTROY_SESSION	4
#define VIRTIO_CRYPTODEV_OP_CRYPT		5
#define VIRTIO_CRYPTODEV_OP_AEAD		6
#define VIRTIO_CRYPTODEV_OP_COPY_HASH		7	/* F_COPY_HASH */

/* Response status. */
#define VIRTIO_CRYPTODEV_S_OK		0
#define VIRTIO_CRYPTODEV_S_ERR		1	/* the engine failed */
#define VIRTIO_CRYPTODEV_S_BADMSG	2	/* authentication tag mismatch */
#define VIRTIO_CRYPTODEV_S_NOTSUPP	3	/* algorithm or mode unsupported */
#define VIRTIO_CRYPTODEV_S_INVAL	4	/* bad length, flag, key or op */
#define VIRTIO_CRYPTODEV_S_NOSESSION	5	/* session not in this file */
#define VIRTIO_CRYPTODEV_S_NOFILE	6	/* unknown or stale file handle */
#define VIRTIO_CRYPTODEV_S_LIMIT	7	/* max_files or max_sessions hit */
#define VIRTIO_CRYPTODEV_S_NOMEM	8	/* the host is out of memory */
#define VIRTIO_CRYPTODEV_S_TOOBIG	9	/* over max_data_len */

/* OP_CREATE_SESSION: algorithm ids are cryptodev-linux's (session_op). */
struct virtio_cryptodev_session_para {
	__le32 cipher;		/* 0 for none */
	__le32 mac;		/* 0 for none */
	__le32 key_len;
	__le32 mac_key_len;
};

/* OP_CRYPT: cipher, hash, HMAC, or cipher + HMAC on one session. */
#define VIRTIO_CRYPTODEV_DIR_ENCRYPT	0
#define VIRTIO_CRYPTODEV_DIR_DECRYPT	1

#define VIRTIO_CRYPTODEV_CRYPT_F_IV		(1 << 0) /* iv supplied */
#define VIRTIO_CRYPTODEV_CRYPT_F_HASH_RESET	(1 << 1) /* restart hash */
#define VIRTIO_CRYPTODEV_CRYPT_F_HASH_FINAL	(1 << 2) /* output digest */

struct virtio_cryptodev_crypt_para {
	__le32 direction;	/* VIRTIO_CRYPTODEV_DIR_* */
	__le32 flags;		/* VIRTIO_CRYPTODEV_CRYPT_F_* */
	__le32 src_len;
	__le32 iv_len;		/* 0, or the session's iv_len with F_IV */
	__le32 dst_len;		/* src_len with a cipher, else 0 */
	__le32 mac_len;		/* digest_len with F_HASH_FINAL, else 0 */
	__le32 iv_out_len;	/* 0, or the session's iv_len */
};

/* OP_AEAD: AES-GCM, tag after the data as in cryptodev-linux. */
struct virtio_cryptodev_aead_para {
	__le32 direction;	/* VIRTIO_CRYPTODEV_DIR_* */
	__le32 flags;		/* 0 */
	__le32 src_len;		/* with DIR_DECRYPT: ciphertext + tag */
	__le32 aad_len;
	__le32 iv_len;
	__le32 tag_len;
	__le32 dst_len;		/* src_len + tag_len, or src_len - tag_len */
};

/*
 * OP_COPY_HASH: the running digest of src_session becomes that of the
 * header's session (the destination), both in the header's file and
 * with the same hash or HMAC algorithm.
 */
struct virtio_cryptodev_copy_hash_para {
	__le32 src_session;
};

/*
 * Every request is one descriptor chain: the device-readable part is this
 * header followed by the op's input, the device-writable part is struct
 * virtio_cryptodev_resp followed by the op's output.  The device treats
 * each part as one byte stream, whatever the descriptors' sizes.
 *
 *   op              readable after header      writable after resp
 *   OPEN_FILE       -                          -
 *   CLOSE_FILE      -                          -
 *   CREATE_SESSION  key, mac_key               struct ..._session_info
 *   DESTROY_SESSION -                          -
 *   CRYPT           iv, src                    dst, mac, iv_out
 *   AEAD            iv, aad, src               dst
 *   COPY_HASH       -                          -
 */
struct virtio_cryptodev_req_hdr {
	__le32 opcode;		/* VIRTIO_CRYPTODEV_OP_* */
	__le32 reserved;	/* 0 */
	__le64 file;		/* from OPEN_FILE; 0 for OPEN_FILE */
	__le32 session;		/* from CREATE_SESSION, ops on a session */
	__le32 reserved2;	/* 0 */
	union {
		struct virtio_cryptodev_session_para session;
		struct virtio_cryptodev_crypt_para crypt;
		struct virtio_cryptodev_aead_para aead;
		struct virtio_cryptodev_copy_hash_para copy_hash;
		__u8 raw[40];
	} u;
};

struct virtio_cryptodev_resp {
	__le32 status;		/* VIRTIO_CRYPTODEV_S_* */
	__le32 len;		/* bytes of output written after resp */
	__le64 handle;		/* OPEN_FILE: file; CREATE_SESSION: session */
};

#define VIRTIO_CRYPTODEV_NAME_LEN	64

/* Output of CREATE_SESSION: what the driver needs to check requests. */
struct virtio_cryptodev_session_info {
	__le32 block_size;	/* 1 for stream modes and hashes */
	__le32 iv_len;		/* cipher IV or AEAD nonce bytes, 0 if none */
	__le32 digest_len;	/* hash/HMAC output or AEAD tag bytes */
	__le32 alignmask;
	char cipher_name[VIRTIO_CRYPTODEV_NAME_LEN];	/* "cbc(aes)" */
	char cipher_driver[VIRTIO_CRYPTODEV_NAME_LEN];	/* engine's name */
	char hash_name[VIRTIO_CRYPTODEV_NAME_LEN];	/* "hmac(sha256)" */
	char hash_driver[VIRTIO_CRYPTODEV_NAME_LEN];
};

#endif /* VIRTIO_CRYPTODEV_H */
