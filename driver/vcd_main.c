// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-cryptodev guest driver: binds to the paravirtual crypto device,
 * sets up its request queues and exposes it as /dev/crypto (then crypto1,
 * crypto2, ... for further devices) with the cryptodev-linux ABI.
 *
 * Lifetime: struct vcd_device is refcounted.  Probe holds one reference
 * until remove, every open file and every uid's share (vcd_user.c) holds
 * one, so a file opened before the device went away stays a valid object
 * that answers -ENODEV.
 */

#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/virtio.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>

#include <crypto/cryptodev.h>

#include "vcd.h"

static unsigned int max_data_len = VCD_DATA_LEN_CAP;
module_param(max_data_len, uint, 0444);
MODULE_PARM_DESC(max_data_len,
		 "Cap on bytes per request, below the device's own limit");

unsigned int vcd_queue_depth;
module_param_named(queue_depth, vcd_queue_depth, uint, 0444);
MODULE_PARM_DESC(queue_depth,
		 "Requests in flight per queue before submitters wait (0: as many as the ring holds)");

unsigned int vcd_zc_min_len = VCD_ZC_MIN_LEN;
module_param_named(zc_min_len, vcd_zc_min_len, uint, 0644);
MODULE_PARM_DESC(zc_min_len,
		 "Data bytes from which requests use the caller's pages in place");

struct workqueue_struct *vcd_wq;
struct kmem_cache *vcd_req_cache;
struct vcd_stats vcd_stats;
static DEFINE_IDA(vcd_ida);
static struct dentry *vcd_debugfs;

static void vcd_device_release(struct kref *ref)
{
	struct vcd_device *dev = container_of(ref, struct vcd_device, ref);

	kfree(dev->cpu_queue);
	kfree(dev->queues);
	kfree(dev);
	atomic_dec(&vcd_stats.devices);
}

void vcd_device_get(struct vcd_device *dev)
{
	kref_get(&dev->ref);
}

void vcd_device_put(struct vcd_device *dev)
{
	kref_put(&dev->ref, vcd_device_release);
}

static int vcd_read_config(struct vcd_device *dev)
{
	struct virtio_device *vdev = dev->vdev;
	struct vcd_limits *lim = &dev->limits;
	u32 num_queues;

	virtio_cread_le(vdev, struct virtio_cryptodev_config, num_queues,
			&num_queues);
	virtio_cread_le(vdev, struct virtio_cryptodev_config, engine,
			&lim->engine);
	virtio_cread_le(vdev, struct virtio_cryptodev_config, max_files,
			&lim->max_files);
	virtio_cread_le(vdev, struct virtio_cryptodev_config, max_sessions,
			&lim->max_sessions);
	virtio_cread_le(vdev, struct virtio_cryptodev_config, max_data_len,
			&lim->max_data_len);
	virtio_cread_le(vdev, struct virtio_cryptodev_config, max_key_len,
			&lim->max_key_len);
	virtio_cread_le(vdev, struct virtio_cryptodev_config, max_mac_key_len,
			&lim->max_mac_key_len);

	if (!num_queues || !lim->max_files || !lim->max_sessions ||
	    !lim->max_data_len) {
		dev_err(&vdev->dev, "config has a zero queue count or limit\n");
		return -EINVAL;
	}
	dev->num_queues = min_t(u32, num_queues, VCD_MAX_QUEUES);
	lim->max_data_len = min3(lim->max_data_len, max_data_len,
				 VCD_DATA_LEN_CAP);
	lim->max_key_len = min_t(u32, lim->max_key_len,
				 CRYPTO_CIPHER_MAX_KEY_LEN);
	lim->max_mac_key_len = min_t(u32, lim->max_mac_key_len,
				     CRYPTO_HMAC_MAX_KEY_LEN);
	return 0;
}

/*
 * Data moves page by page (pinned user pages or vmalloc bounce buffers),
 * input and output in one chain: cap max_data_len so that both fit.
 */
static void vcd_fit_data_to_chain(struct vcd_device *dev)
{
	u32 pages = 0;

	if (dev->max_sg > VCD_CHAIN_FIXED)
		pages = (dev->max_sg - VCD_CHAIN_FIXED) / 2;
	/* A buffer not page aligned spans one page more than its length. */
	pages = pages ? pages - 1 : 0;
	dev->limits.max_data_len = min_t(u64, dev->limits.max_data_len,
					 (u64)pages * PAGE_SIZE);
}

/*
 * Each queue serves a contiguous group of possible CPUs and interrupts
 * only them, so the answer to a request wakes its waiter on the CPU it
 * was sent from: no wake-up IPI to the other CPU, no cache line moving.
 * Without this the IRQ core spread the queue interrupts its own way
 * (queue 0 on CPU 1, queue 1 on CPU 0) and every completion crossed
 * CPUs.
 *
 * The map covers every possible CPU, so hotplug needs no update: a CPU
 * that comes online has its queue already.  These are affinity hints on
 * ordinary interrupts, not managed ones (virtio_find_vqs() with an
 * irq_affinity): when all of a queue's CPUs go offline the IRQ core
 * moves its interrupt to an online CPU instead of shutting it down with
 * requests in flight, which this driver has no hotplug hook to drain.
 * Queues beyond the number of possible CPUs stay unused.
 */
static void vcd_spread_queues(struct vcd_device *dev)
{
	unsigned int ncpus = num_possible_cpus();
	unsigned int used = min(ncpus, dev->num_queues);
	unsigned int cpu, nth = 0, q;
	cpumask_var_t mask;

	for_each_possible_cpu(cpu)
		dev->cpu_queue[cpu] = nth++ * used / ncpus;

	/* Only the interrupt placement is lost without the mask. */
	if (!zalloc_cpumask_var(&mask, GFP_KERNEL))
		return;
	for (q = 0; q < used; q++) {
		cpumask_clear(mask);
		for_each_possible_cpu(cpu)
			if (dev->cpu_queue[cpu] == q)
				cpumask_set_cpu(cpu, mask);
		/* Best effort: INTx or a shared vector cannot follow it. */
		virtqueue_set_affinity(dev->queues[q].vq, mask);
	}
	free_cpumask_var(mask);
}

/* Affinity hints must not outlive the interrupts they are set on. */
static void vcd_del_vqs(struct vcd_device *dev)
{
	unsigned int q;

	for (q = 0; q < dev->num_queues; q++)
		virtqueue_set_affinity(dev->queues[q].vq, NULL);
	dev->vdev->config->del_vqs(dev->vdev);
}

static int vcd_init_vqs(struct vcd_device *dev)
{
	struct virtio_device *vdev = dev->vdev;
	struct virtqueue_info *info;
	struct virtqueue **vqs;
	unsigned int i;
	int err = -ENOMEM;

	dev->queues = kcalloc(dev->num_queues, sizeof(*dev->queues),
			      GFP_KERNEL);
	info = kcalloc(dev->num_queues, sizeof(*info), GFP_KERNEL);
	vqs = kcalloc(dev->num_queues, sizeof(*vqs), GFP_KERNEL);
	dev->cpu_queue = kcalloc(nr_cpu_ids, sizeof(*dev->cpu_queue),
				 GFP_KERNEL);
	if (!dev->queues || !info || !vqs || !dev->cpu_queue)
		goto out;

	for (i = 0; i < dev->num_queues; i++) {
		struct vcd_queue *q = &dev->queues[i];

		spin_lock_init(&q->lock);
		INIT_LIST_HEAD(&q->inflight);
		init_waitqueue_head(&q->space_wq);
		q->dev = dev;
		snprintf(q->name, sizeof(q->name), "req.%u", i);
		info[i].name = q->name;
		info[i].callback = vcd_vq_done;
	}
	err = virtio_find_vqs(vdev, dev->num_queues, vqs, info, NULL);
	if (err)
		goto out;

	/* Without indirect descriptors a chain takes ring slots. */
	dev->max_sg = VCD_MAX_CHAIN;
	for (i = 0; i < dev->num_queues; i++) {
		dev->queues[i].vq = vqs[i];
		if (!virtio_has_feature(vdev, VIRTIO_RING_F_INDIRECT_DESC))
			dev->max_sg = min(dev->max_sg,
					  virtqueue_get_vring_size(vqs[i]));
	}
	vcd_spread_queues(dev);
	vcd_fit_data_to_chain(dev);
out:
	kfree(vqs);
	kfree(info);
	return err;
}

static int vcd_register_misc(struct vcd_device *dev)
{
	int index;

	index = ida_alloc(&vcd_ida, GFP_KERNEL);
	if (index < 0)
		return index;
	dev->index = index;
	if (index)
		snprintf(dev->name, sizeof(dev->name), "crypto%d", index);
	else
		strscpy(dev->name, "crypto", sizeof(dev->name));

	dev->misc.minor = MISC_DYNAMIC_MINOR;
	dev->misc.name = dev->name;
	dev->misc.fops = &vcd_fops;
	dev->misc.parent = &dev->vdev->dev;
	/* As cryptodev-linux: every user may use the device. */
	dev->misc.mode = 0666;
	return misc_register(&dev->misc);
}

static const char *vcd_engine_name(u32 engine)
{
	switch (engine) {
	case VIRTIO_CRYPTODEV_ENGINE_BUILTIN:
		return "builtin";
	case VIRTIO_CRYPTODEV_ENGINE_HOST:
		return "host";
	default:
		return "unknown";
	}
}

static int vcd_probe(struct virtio_device *vdev)
{
	struct vcd_device *dev;
	int err;

	if (!vdev->config->get) {
		dev_err(&vdev->dev, "transport cannot read the config\n");
		return -EINVAL;
	}
	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return -ENOMEM;
	kref_init(&dev->ref);
	atomic_inc(&vcd_stats.devices);
	dev->vdev = vdev;
	dev->index = -1;
	spin_lock_init(&dev->users_lock);
	hash_init(dev->users);
	strscpy(dev->name, "crypto?", sizeof(dev->name));

	err = vcd_read_config(dev);
	if (err)
		goto fail;
	dev->aead = virtio_has_feature(vdev, VIRTIO_CRYPTODEV_F_AEAD);
	dev->copy_hash = virtio_has_feature(vdev, VIRTIO_CRYPTODEV_F_COPY_HASH);
	err = vcd_init_vqs(dev);
	if (err)
		goto fail;
	vdev->priv = dev;
	virtio_device_ready(vdev);

	err = vcd_register_misc(dev);
	if (err)
		goto fail_ready;

	dev_info(&vdev->dev,
		 "/dev/%s: engine %s, %u queues, %u files, %u sessions, %u bytes%s\n",
		 dev->name, vcd_engine_name(dev->limits.engine),
		 dev->num_queues, dev->limits.max_files,
		 dev->limits.max_sessions, dev->limits.max_data_len,
		 dev->aead ? ", AES-GCM" : "");
	return 0;

fail_ready:
	if (dev->index >= 0)
		ida_free(&vcd_ida, dev->index);
	virtio_reset_device(vdev);
	vcd_del_vqs(dev);
fail:
	vcd_device_put(dev);
	return err;
}

/*
 * Fail pending and new requests, wake every waiter, then reset the device
 * so it lets go of the buffers, take them back and delete the queues.
 * Open files keep the (now dead) device object until they are closed.
 */
static void vcd_remove(struct virtio_device *vdev)
{
	struct vcd_device *dev = vdev->priv;

	WRITE_ONCE(dev->dead, true);
	/* Submitters that saw !dead have queued and kicked by now. */
	synchronize_rcu();
	vcd_fail_inflight(dev);
	/* Waits for opens in progress; they fail fast now. */
	misc_deregister(&dev->misc);
	ida_free(&vcd_ida, dev->index);

	virtio_reset_device(vdev);
	vcd_drop_unused(dev);
	vcd_del_vqs(dev);
	vdev->priv = NULL;
	dev->vdev = NULL;
	dev_info(&vdev->dev, "/dev/%s removed\n", dev->name);
	vcd_device_put(dev);
}

static const struct virtio_device_id vcd_id_table[] = {
	{ VIRTIO_ID_CRYPTODEV, VIRTIO_DEV_ANY_ID },
	{ 0 },
};

/*
 * The driver passes algorithm ids through, so taking F_EXT_ALGS is all it
 * takes to offer the further cryptodev-linux algorithms.
 */
static unsigned int vcd_features[] = {
	VIRTIO_CRYPTODEV_F_AEAD,
	VIRTIO_CRYPTODEV_F_EXT_ALGS,
	VIRTIO_CRYPTODEV_F_COPY_HASH,
};

static struct virtio_driver vcd_driver = {
	.driver.name = VCD_DRV_NAME,
	.id_table = vcd_id_table,
	.feature_table = vcd_features,
	.feature_table_size = ARRAY_SIZE(vcd_features),
	.probe = vcd_probe,
	.remove = vcd_remove,
};

static void vcd_debugfs_init(void)
{
	vcd_debugfs = debugfs_create_dir(VCD_DRV_NAME, NULL);
	debugfs_create_atomic_t("devices", 0444, vcd_debugfs,
				&vcd_stats.devices);
	debugfs_create_atomic_t("files", 0444, vcd_debugfs, &vcd_stats.files);
	debugfs_create_atomic_t("requests", 0444, vcd_debugfs,
				&vcd_stats.requests);
	debugfs_create_atomic_t("ring_full_waits", 0444, vcd_debugfs,
				&vcd_stats.ring_full_waits);
	debugfs_create_atomic_t("orphans_closed", 0444, vcd_debugfs,
				&vcd_stats.orphans_closed);
	debugfs_create_atomic_t("users", 0444, vcd_debugfs, &vcd_stats.users);
	debugfs_create_atomic_t("uid_waits", 0444, vcd_debugfs,
				&vcd_stats.uid_waits);
}

/*
 * With a constructor init_on_alloc leaves a request alone: clearing all
 * of it on every allocation (TCG runs rep stosb a byte at a time) took a
 * quarter of a 64-byte request's time when it was 2 KiB.  vcd_req_alloc()
 * sets the fields; the embedded buffers are written before they are read
 * and wiped on free.
 */
static void vcd_req_ctor(void *obj)
{
	memset(obj, 0, sizeof(struct vcd_req));
}

static int __init vcd_init(void)
{
	int err;

	/* Closes the device files of openers killed mid-open. */
	/* The embedded buffers are copied from and to user memory. */
	vcd_req_cache = kmem_cache_create_usercopy("vcd_req",
			sizeof(struct vcd_req), __alignof__(struct vcd_req), 0,
			offsetof(struct vcd_req, small_in),
			offsetofend(struct vcd_req, small_out) -
			offsetof(struct vcd_req, small_in), vcd_req_ctor);
	if (!vcd_req_cache)
		return -ENOMEM;
	vcd_wq = alloc_workqueue("vcd_cleanup", WQ_UNBOUND, 0);
	if (!vcd_wq) {
		kmem_cache_destroy(vcd_req_cache);
		return -ENOMEM;
	}
	vcd_debugfs_init();
	err = register_virtio_driver(&vcd_driver);
	if (err) {
		debugfs_remove_recursive(vcd_debugfs);
		destroy_workqueue(vcd_wq);
		kmem_cache_destroy(vcd_req_cache);
	}
	return err;
}

static void __exit vcd_exit(void)
{
	unregister_virtio_driver(&vcd_driver);
	destroy_workqueue(vcd_wq);
	kmem_cache_destroy(vcd_req_cache);
	debugfs_remove_recursive(vcd_debugfs);
}

module_init(vcd_init);
module_exit(vcd_exit);

MODULE_DEVICE_TABLE(virtio, vcd_id_table);
MODULE_DESCRIPTION("virtio-cryptodev: cryptodev-linux /dev/crypto over virtio");
MODULE_LICENSE("GPL");
