/*
 * virtio-cryptodev: cryptodev-linux sessions run by the host for a guest
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The request format is include/standard-headers/linux/virtio_cryptodev.h,
 * specified in the project's docs/virtio-cryptodev.md.
 */

#ifndef HW_VIRTIO_CRYPTODEV_H
#define HW_VIRTIO_CRYPTODEV_H

#include "hw/virtio/virtio.h"
#include "qemu/queue.h"
#include "qemu/thread.h"
#include "qemu/units.h"
#include "qom/object.h"
#include "standard-headers/linux/virtio_cryptodev.h"
#include "hw/virtio/virtio-cryptodev-core.h"
#include "hw/virtio/virtio-cryptodev-host-core.h"

#define TYPE_VIRTIO_CRYPTODEV "virtio-cryptodev-device"
OBJECT_DECLARE_SIMPLE_TYPE(VirtIOCryptodev, VIRTIO_CRYPTODEV)

/* Limits on the properties, and their defaults. */
#define VIRTIO_CRYPTODEV_MAX_QUEUES             8
#define VIRTIO_CRYPTODEV_DEFAULT_QUEUES         2
#define VIRTIO_CRYPTODEV_MAX_FILES_LIMIT        65536
#define VIRTIO_CRYPTODEV_DEFAULT_MAX_FILES      256
#define VIRTIO_CRYPTODEV_MAX_SESSIONS_LIMIT     65536
#define VIRTIO_CRYPTODEV_DEFAULT_MAX_SESSIONS   64
#define VIRTIO_CRYPTODEV_MAX_DATA_LEN_LIMIT     (16 * MiB)
#define VIRTIO_CRYPTODEV_DEFAULT_MAX_DATA_LEN   (1 * MiB)
#define VIRTIO_CRYPTODEV_DEFAULT_CRYPTO_DEV     "/dev/crypto"

/* Fixed by the device. */
#define VIRTIO_CRYPTODEV_QUEUE_SIZE             128
#define VIRTIO_CRYPTODEV_MAX_KEY_LEN            64   /* cipher keys */
#define VIRTIO_CRYPTODEV_MAX_MAC_KEY_LEN        512  /* HMAC keys */

/*
 * Default of the inline-len property: requests of the builtin engine with
 * at most this much data (input + output) run right away in the thread
 * that notified, a vCPU's, without the BQL (a 64 KiB CRYPT moves
 * 131088 bytes); bigger ones, every request of the host engine and those
 * notified outside a vCPU go to the device's worker threads.  The upper
 * limit keeps a vCPU to well under a millisecond of AES per request.
 */
#define VIRTIO_CRYPTODEV_INLINE_LEN             (256 * KiB)
#define VIRTIO_CRYPTODEV_MAX_INLINE_LEN         (256 * KiB)

/*
 * Crypto that a request may do with the BQL held: the session's measured
 * cost per byte times the request's bytes must stay under this.  Such a
 * request is answered before the guest's notify returns, which saves the
 * vCPU a trip through its work queue; everything else leaves the BQL.
 */
#define VIRTIO_CRYPTODEV_BQL_BUDGET_NS          10000
#define VIRTIO_CRYPTODEV_MAX_BQL_BUDGET_NS      20000

/*
 * Bounce-buffer bytes that requests in flight may hold at once.  A
 * request over the budget waits in its virtqueue until earlier ones
 * complete; one request alone is always admitted.
 */
#define VIRTIO_CRYPTODEV_INFLIGHT_BUDGET        (64 * MiB)

typedef struct VirtIOCryptodevFile VirtIOCryptodevFile;
typedef struct VirtIOCryptodevReq VirtIOCryptodevReq;
typedef struct VirtIOCryptodevSession VirtIOCryptodevSession;

/*
 * A device-side "file": the guest driver opens one per open() of its
 * character device.  refcnt, closed and sessions are touched only under
 * the BQL; requests in flight hold references.
 */
struct VirtIOCryptodevFile {
    VirtIOCryptodev *dev;
    uint64_t handle;
    unsigned refcnt;
    bool closed;                /* CLOSE_FILE or reset happened */
    GHashTable *sessions;       /* session id -> VirtIOCryptodevSession */
    unsigned sessions_reserved; /* sessions plus creations in flight */
    int host_fd;                /* host engine: private, never shown */
    uint32_t session_serial;    /* x-fuzz-handles: last session id given */
};

/*
 * A session inside a file.  The engine state behind @opaque is used by
 * one request at a time (@lock), from whichever thread runs it.
 */
struct VirtIOCryptodevSession {
    VirtIOCryptodevFile *file;  /* holds a reference */
    uint32_t id;                /* 0 until the session is in the table */
    unsigned refcnt;
    /* its requests with the workers (BQL), COPY_HASH's from it included */
    unsigned offloaded;
    VcdSessionShape shape;
    QemuMutex lock;
    uint64_t ps_per_byte;       /* measured crypto cost, 0: unknown (@lock) */
    void *opaque;               /* engine state */
};

/*
 * An engine.  file_* and session_destroy run under the BQL;
 * session_create, crypt and aead may run on a worker thread, without the
 * BQL, with @lock held for crypt and aead.  They return
 * VIRTIO_CRYPTODEV_S_* statuses.
 */
typedef struct VirtIOCryptodevEngine {
    const char *name;
    uint32_t config_id;         /* VIRTIO_CRYPTODEV_ENGINE_* */
    bool may_block;             /* every request goes to a worker */
    uint32_t (*file_open)(VirtIOCryptodevFile *file);
    void (*file_close)(VirtIOCryptodevFile *file);
    uint32_t (*session_create)(VirtIOCryptodevSession *sess,
                               const uint8_t *key, const uint8_t *mac_key,
                               struct virtio_cryptodev_session_info *info);
    void (*session_destroy)(VirtIOCryptodevSession *sess);
    uint32_t (*crypt)(VirtIOCryptodevSession *sess, const VcdCryptPara *p,
                      const VcdCryptBufs *b);
    uint32_t (*aead)(VirtIOCryptodevSession *sess, const VcdAeadPara *p,
                     const VcdAeadBufs *b);
    /* COPY_HASH, with both sessions' locks held; same hash algorithm */
    uint32_t (*copy_hash)(VirtIOCryptodevSession *dst,
                          VirtIOCryptodevSession *src);
} VirtIOCryptodevEngine;

extern const VirtIOCryptodevEngine virtio_cryptodev_builtin_engine;
extern const VirtIOCryptodevEngine virtio_cryptodev_host_engine;

/* Whether the builtin engine can do AES-GCM in this build. */
bool virtio_cryptodev_builtin_has_aead(void);

/* Whether QEMU's hash backend in this build can copy a running digest. */
bool virtio_cryptodev_builtin_has_copy_hash(void);

struct VirtIOCryptodev {
    VirtIODevice parent_obj;

    /* properties */
    char *engine_name;          /* auto, builtin or host */
    char *crypto_dev;
    uint32_t num_queues;
    uint32_t max_files;
    uint32_t max_sessions;
    uint32_t max_data_len;
    uint32_t inline_len;
    uint32_t bql_budget_ns;     /* x-bql-budget-ns, for measurements */
    uint64_t host_features;

    const VirtIOCryptodevEngine *engine;
    bool engine_has_aead;
    bool engine_has_copy_hash;
    VcdLimits limits;
    VirtQueue **vqs;
    GHashTable *files;          /* handle -> VirtIOCryptodevFile */
    uint64_t file_serial;       /* never reused in the device's life */
    bool fuzz_handles;          /* x-fuzz-handles: see virtio-cryptodev.c */

    unsigned inflight;          /* offloaded requests not yet answered */
    uint64_t inflight_bytes;    /* their bounce buffers */

    /*
     * The worker threads (one per queue) and their lists, under
     * @work_lock: @todo waits for a worker, @vcpu_todo for the vCPU that
     * notified it (its queued work), @done for the BQL to answer it.
     * @working counts requests in @todo, @vcpu_todo or being run.
     * @reclaimed, under the BQL, holds what a drain took back from the
     * todo lists until it answers or requeues it.  Requests leave every
     * list one at a time, so a drain always sees all that is unanswered.
     */
    QemuThread *workers;
    QemuMutex work_lock;
    QemuCond work_cond;         /* @todo got a request, or @workers_stop */
    QemuCond idle_cond;         /* @working dropped to 0 */
    QSIMPLEQ_HEAD(, VirtIOCryptodevReq) todo;
    QSIMPLEQ_HEAD(, VirtIOCryptodevReq) done;
    QSIMPLEQ_HEAD(, VirtIOCryptodevReq) reclaimed;
    QSIMPLEQ_HEAD(, VirtIOCryptodevReq) vcpu_todo;
    unsigned working;
    bool workers_stop;
    bool throttled;             /* a request waits for the budget */
    bool quiescing;             /* reset or unplug: take no requests */
    bool unplugging;            /* unrealize began: quiescing for good */
    MemReentrancyGuard *guard;  /* the transport's; see guard_enter() */
    Object *transport;          /* the proxy this device is embedded in */
    VirtQueue *resetting_vq;    /* VIRTIO_F_RING_RESET of this queue */
    QEMUBH *kick_bh;            /* re-runs the queues after throttling */
    VirtQueue *batching_vq;     /* its answers notify once, at the end */
    bool notify_deferred;       /* an answer of batching_vq is unnotified */
    int64_t bql_worst_ns;       /* longest crypto run with the BQL held */
    int64_t bql_worst_cpu_ns;   /* in thread CPU time, estimate >= 1/2 */
    uint64_t bql_runs;          /* crypto runs with the BQL held */
    uint64_t bql_over;          /* of them over 20 us of wall time */
    Error *migration_blocker;
};

#endif /* HW_VIRTIO_CRYPTODEV_H */
