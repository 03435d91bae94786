/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-cryptodev guest driver: state shared by the virtio side
 * (vcd_main.c, vcd_req.c) and the /dev/crypto side (vcd_fops.c).
 */
#ifndef VCD_H
#define VCD_H

#include <linux/completion.h>
#include <linux/hashtable.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/scatterlist.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <linux/virtio.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include <virtio_cryptodev.h>

#define VCD_DRV_NAME		"virtio_cryptodev"

/* More queues than this are left unused: one per CPU is plenty. */
#define VCD_MAX_QUEUES		64

/*
 * QEMU refuses chains of more than 1024 descriptors (its
 * VIRTQUEUE_MAX_SIZE), indirect or not.
 */
#define VCD_MAX_CHAIN		1024

/* Driver-side cap on a request's data, whatever the device offers. */
#define VCD_DATA_LEN_CAP	(64U << 20)

/*
 * Default for the zc_min_len parameter: data of at least this many bytes
 * goes to the device straight from the caller's pinned pages (zero-copy);
 * smaller data is cheaper to copy.  Under TCG a copy (and the clearing of
 * its bounce buffers) costs more than pinning a page from about 1 KiB on.
 */
#define VCD_ZC_MIN_LEN		(1U << 10)

/* Descriptors a chain needs besides its data pages. */
#define VCD_CHAIN_FIXED		8

/*
 * Inputs and outputs up to this size (what a request below the default
 * zc_min_len bounces: IV, data, digest, IV out) and chains up to
 * VCD_SMALL_SG descriptors (64 KiB each way in single pages, with the
 * small parts) live in the request itself: no allocation, and so no
 * init_on_alloc clearing, per buffer.
 */
#define VCD_SMALL_LEN		1152
#define VCD_SMALL_SG		40

/* Pinned pages of one side whose array lives in the request: 64 KiB. */
#define VCD_SMALL_PAGES		17

/*
 * Default for the uid_max_inflight parameter: a quarter of the QEMU
 * device's own in-flight budget (64 MiB, which counts input and output
 * as this does), so one uid alone cannot stall the device's big
 * requests; room for eight requests of the device's default
 * max_data_len (1 MiB, counted in and out), so one uid's threads still
 * keep every queue busy.
 */
#define VCD_UID_INFLIGHT	(16U << 20)

/* Buckets of a device's uid table: 64, a handful of users each. */
#define VCD_USERS_BITS		6

/* Limits read from the config space, clamped to what the ABI allows. */
struct vcd_limits {
	u32 max_files;
	u32 max_sessions;
	u32 max_data_len;
	u32 max_key_len;
	u32 max_mac_key_len;
	u32 engine;
};

struct vcd_device;

struct vcd_queue {
	spinlock_t lock;		/* the virtqueue and @inflight */
	struct virtqueue *vq;
	struct list_head inflight;	/* requests the device holds */
	unsigned int depth;		/* how many: at most queue_depth */
	wait_queue_head_t space_wq;	/* submitters waiting for room */
	unsigned long free_events;	/* bumped when buffers come back */
	unsigned int kickers;		/* between kick and reap: no callbacks */
	struct vcd_device *dev;
	char name[16];
};

struct vcd_device {
	struct kref ref;		/* probe, open files, cleanup work */
	struct virtio_device *vdev;	/* NULL once removed */
	bool dead;			/* removed: fail everything */
	bool aead;			/* VIRTIO_CRYPTODEV_F_AEAD */
	bool copy_hash;			/* VIRTIO_CRYPTODEV_F_COPY_HASH */
	int index;			/* crypto, crypto1, ... */
	unsigned int max_sg;		/* descriptors per chain */
	unsigned int num_queues;
	struct vcd_queue *queues;
	unsigned int *cpu_queue;	/* possible CPU -> its queue */
	struct vcd_limits limits;
	struct miscdevice misc;
	char name[24];
	spinlock_t users_lock;		/* @users and every vcd_user in it */
	DECLARE_HASHTABLE(users, VCD_USERS_BITS);
};

/*
 * What one uid holds of one device; see vcd_user.c.  Everything here is
 * under dev->users_lock.
 */
struct vcd_user {
	struct hlist_node node;		/* in vcd_device.users */
	struct vcd_device *dev;		/* holds a reference */
	kuid_t uid;
	unsigned int refs;		/* file and in-flight charges */
	unsigned int files;
	unsigned int sessions;
	size_t inflight;		/* bytes of its live requests */
	struct list_head waiters;	/* for in-flight room, oldest first */
};

/* A request's life; see vcd_req.c. */
/* User pages a request reads or writes in place. */
struct vcd_pinned {
	struct page **pages;
	unsigned int npages;
	unsigned int offset;	/* of the data in the first page */
	size_t len;
	bool write;		/* the device writes them: dirty on unpin */
};

enum vcd_req_state {
	VCD_REQ_PENDING,
	VCD_REQ_DONE,		/* answered or failed: the waiter owns it */
	VCD_REQ_ABANDONED,	/* the waiter was killed and left */
};

/* vcd_req_alloc() sets each field in turn: a new one needs a line there. */
struct vcd_req {
	struct kref ref;	/* the waiter's and the virtqueue's */
	struct completion done;
	atomic_t state;		/* enum vcd_req_state */
	int err;		/* transport result, valid once DONE */
	int err_answer;		/* the same for an abandoned request */
	bool sent;		/* it went on a virtqueue */
	u32 written;		/* bytes the device wrote, from get_buf */
	struct list_head node;	/* in vcd_queue.inflight */
	struct vcd_device *dev;

	/*
	 * Readable: header, @in, then @src_pin.  Writable: response,
	 * @dst_pin, then @out.  The ops' layouts fit this: data (src, dst)
	 * in user pages, the small parts (IV, AAD, digest) in @in / @out.
	 */
	void *in;		/* kernel part of the input */
	size_t in_len;
	void *out;		/* kernel part of the output */
	size_t out_len;
	struct vcd_pinned src_pin;
	struct vcd_pinned dst_pin;
	struct work_struct free_work;	/* unpinning may sleep */
	struct scatterlist *sg;	/* room for both directions */
	unsigned int sg_out;	/* entries of the readable part */

	/*
	 * Charges to the opener's uid that end with the request's memory:
	 * @user_bytes of in-flight budget, and for an OPEN_FILE until its
	 * opener has seen the answer, the new file (@user_file).
	 */
	struct vcd_user *user;
	size_t user_bytes;
	bool user_file;

	struct virtio_cryptodev_req_hdr hdr;
	/* Device-writable: keep it off the header's cache line. */
	struct virtio_cryptodev_resp resp ____cacheline_aligned;

	/*
	 * Not cleared at allocation (see vcd_req_ctor()): from here on,
	 * each part is written before it is read.
	 */
	struct scatterlist small_sg[VCD_SMALL_SG];
	struct page *small_pages[2][VCD_SMALL_PAGES];	/* src, dst */
	u8 small_in[VCD_SMALL_LEN];
	u8 small_out[VCD_SMALL_LEN] ____cacheline_aligned;
};

/* How a submitter waits for the device. */
enum vcd_wait {
	VCD_WAIT_KILLABLE,	/* ioctls and open: SIGKILL returns -EINTR */
	VCD_WAIT_UNINTERRUPTIBLE,	/* release: must see the close through */
};

/* What the driver keeps of a session to check requests locally. */
struct vcd_session {
	u32 id;
	u32 cipher;
	u32 mac;
	u32 block_size;
	u32 iv_len;
	u32 digest_len;
	u32 alignmask;
	char cipher_name[VIRTIO_CRYPTODEV_NAME_LEN];
	char cipher_driver[VIRTIO_CRYPTODEV_NAME_LEN];
	char hash_name[VIRTIO_CRYPTODEV_NAME_LEN];
	char hash_driver[VIRTIO_CRYPTODEV_NAME_LEN];
};

/* One open() of /dev/crypto: a device file and its sessions. */
struct vcd_file {
	struct vcd_device *dev;
	struct vcd_user *user;	/* the opener's uid; NULL: exempt */
	u64 handle;
	struct xarray sessions;	/* session id -> struct vcd_session */
	/*
	 * Sessions the device may hold that are not in @sessions (a
	 * CIOCGSESSION killed mid-request, a destroy that never reached the
	 * device): charged to @user until CLOSE_FILE frees them.
	 */
	atomic_t stray_sessions;
	struct vcd_req *close_req;	/* sent by release() */
};

/*
 * Objects alive, for the tests' leak checks
 * (/sys/kernel/debug/virtio_cryptodev/).
 */
struct vcd_stats {
	atomic_t devices;
	atomic_t files;
	atomic_t requests;
	atomic_t ring_full_waits;	/* submitters that slept for room */
	atomic_t orphans_closed;	/* files of killed openers closed */
	atomic_t users;			/* struct vcd_user alive */
	atomic_t uid_waits;		/* submitters that waited for their
					 * uid's in-flight budget
					 */
};

/* vcd_main.c */
extern unsigned int vcd_queue_depth;
extern unsigned int vcd_zc_min_len;
extern struct workqueue_struct *vcd_wq;
extern struct kmem_cache *vcd_req_cache;
extern struct vcd_stats vcd_stats;
void vcd_device_put(struct vcd_device *dev);
void vcd_device_get(struct vcd_device *dev);

/* vcd_req.c */
struct vcd_req *vcd_req_alloc(struct vcd_device *dev, u32 opcode, u64 file,
			      u32 session, size_t in_len, size_t out_len);
void vcd_req_put(struct vcd_req *req);
int vcd_req_pin(struct vcd_req *req, struct vcd_pinned *pin,
		const void __user *uaddr, size_t len, bool write);
int vcd_req_map(struct vcd_req *req);
int vcd_req_run(struct vcd_req *req, enum vcd_wait how);
void vcd_vq_done(struct virtqueue *vq);
void vcd_fail_inflight(struct vcd_device *dev);
void vcd_drop_unused(struct vcd_device *dev);
int vcd_status_to_errno(u32 opcode, u32 status);
bool vcd_req_answered(const struct vcd_req *req);

/* vcd_user.c; a NULL user (an exempt opener) makes each a no-op */
struct vcd_user *vcd_user_open(struct vcd_device *dev);
void vcd_user_close(struct vcd_user *u, unsigned int sessions);
int vcd_user_add_session(struct vcd_user *u);
void vcd_user_del_sessions(struct vcd_user *u, unsigned int n);
int vcd_user_add_bytes(struct vcd_user *u, size_t bytes);
void vcd_user_del_bytes(struct vcd_user *u, size_t bytes);

/* vcd_fops.c */
extern const struct file_operations vcd_fops;

#endif /* VCD_H */
