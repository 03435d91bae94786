// SPDX-License-Identifier: GPL-2.0
/*
 * Requests to the device: build the descriptor chain, queue it, sleep
 * until the device answers, and survive the waiter being killed or the
 * device going away.
 *
 * A request holds two references: the waiter's and the virtqueue's.  The
 * virtqueue's is dropped only when the buffers come back from the device
 * (virtqueue_get_buf) or are taken back after a reset
 * (virtqueue_detach_unused_buf), so memory the device may still write is
 * never freed under it, even when the waiter has long returned -EINTR.
 *
 * Whoever finishes a request first (the virtqueue callback with the
 * device's answer, removal with -ENODEV, or the waiter giving up) wins a
 * compare-and-swap on its state; the others back off.
 */

#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>

#include "vcd.h"

/* @small: the request's own array for this side. */
static void vcd_unpin(struct vcd_pinned *pin, struct page **small)
{
	if (!pin->pages)
		return;
	if (pin->write)
		unpin_user_pages_dirty_lock(pin->pages, pin->npages, true);
	else
		unpin_user_pages(pin->pages, pin->npages);
	if (pin->pages != small)
		kvfree(pin->pages);
	pin->pages = NULL;
}

static void vcd_req_free(struct vcd_req *req)
{
	struct vcd_user *user = req->user;
	size_t bytes = req->user_bytes;
	bool file = req->user_file;

	vcd_unpin(&req->src_pin, req->small_pages[0]);
	vcd_unpin(&req->dst_pin, req->small_pages[1]);
	/*
	 * Keys, IVs, AAD, digests and bounced data: none of it may linger
	 * in freed memory.  The bytes were just copied, so clearing them
	 * costs little next to that.
	 */
	if (req->in == req->small_in)
		memzero_explicit(req->small_in, req->in_len);
	else
		kvfree_sensitive(req->in, req->in_len);
	if (req->out == req->small_out)
		memzero_explicit(req->small_out, req->out_len);
	else
		kvfree_sensitive(req->out, req->out_len);
	if (req->sg != req->small_sg)
		kfree(req->sg);
	kmem_cache_free(vcd_req_cache, req);
	atomic_dec(&vcd_stats.requests);
	/* Not before: the budget bounds the memory a uid's requests hold. */
	vcd_user_del_bytes(user, bytes);
	if (file)
		vcd_user_close(user, 0);
}

static void vcd_req_free_work(struct work_struct *work)
{
	vcd_req_free(container_of(work, struct vcd_req, free_work));
}

/*
 * The last reference may go in the virtqueue callback (hard interrupt)
 * when the waiter was killed; unpinning pages may sleep and clearing a
 * big bounce buffer is no work for an interrupt, so those wait for a
 * worker then.
 */
static void vcd_req_release(struct kref *ref)
{
	struct vcd_req *req = container_of(ref, struct vcd_req, ref);

	if (in_task() || (!req->src_pin.pages && !req->dst_pin.pages &&
			  req->in_len + req->out_len <= PAGE_SIZE)) {
		vcd_req_free(req);
		return;
	}
	INIT_WORK(&req->free_work, vcd_req_free_work);
	queue_work(vcd_wq, &req->free_work);
}

void vcd_req_put(struct vcd_req *req)
{
	kref_put(&req->ref, vcd_req_release);
}

/* Descriptors that a kernel buffer needs: vmalloc memory goes by page. */
static unsigned int vcd_buf_sg_count(const void *buf, size_t len)
{
	if (!len)
		return 0;
	if (!is_vmalloc_addr(buf))
		return 1;
	return DIV_ROUND_UP(offset_in_page(buf) + len, PAGE_SIZE);
}

static struct scatterlist *vcd_sg_fill(struct scatterlist *sg, void *buf,
				       size_t len)
{
	if (!len)
		return sg;
	if (!is_vmalloc_addr(buf)) {
		sg_set_buf(sg, buf, len);
		return sg + 1;
	}
	while (len) {
		size_t off = offset_in_page(buf);
		size_t chunk = min_t(size_t, len, PAGE_SIZE - off);

		sg_set_page(sg++, vmalloc_to_page(buf), chunk, off);
		buf += chunk;
		len -= chunk;
	}
	return sg;
}

/* Does @page continue, physically, the run that @sg describes? */
static bool vcd_sg_continues(struct scatterlist *sg, struct page *page)
{
	size_t end = sg->offset + sg->length;

	return !(end % PAGE_SIZE) &&
	       page_to_pfn(page) == page_to_pfn(sg_page(sg)) + end / PAGE_SIZE;
}

/*
 * One descriptor per run of physically contiguous pages (huge pages give
 * long runs): the device maps each descriptor separately.  Returns the
 * last entry used, or @prev when there is no data.
 */
static struct scatterlist *vcd_sg_fill_pinned(struct scatterlist *prev,
					      const struct vcd_pinned *pin)
{
	struct scatterlist *sg = prev, *last = NULL;
	size_t len = pin->len, off = pin->offset;
	unsigned int i;

	for (i = 0; i < pin->npages && len; i++) {
		size_t chunk = min_t(size_t, len, PAGE_SIZE - off);

		if (last && !off && vcd_sg_continues(last, pin->pages[i])) {
			last->length += chunk;
		} else {
			last = sg_next(sg);
			sg_set_page(last, pin->pages[i], chunk, off);
			sg = last;
		}
		len -= chunk;
		off = 0;
	}
	return sg;
}

/*
 * Pin @len bytes of the caller's memory at @uaddr for the device to read
 * (or, with @write, to write) in place.
 */
int vcd_req_pin(struct vcd_req *req, struct vcd_pinned *pin,
		const void __user *uaddr, size_t len, bool write)
{
	struct page **small = req->small_pages[pin == &req->dst_pin];
	unsigned long start = (unsigned long)uaddr;
	int got;

	if (!len)
		return 0;
	pin->offset = offset_in_page(start);
	pin->npages = DIV_ROUND_UP(pin->offset + len, PAGE_SIZE);
	if (pin->npages <= VCD_SMALL_PAGES)
		pin->pages = small;
	else
		pin->pages = kvmalloc_array(pin->npages, sizeof(*pin->pages),
					    GFP_KERNEL);
	if (!pin->pages)
		return -ENOMEM;
	pin->write = write;
	pin->len = len;
	got = pin_user_pages_fast(start & PAGE_MASK, pin->npages,
				  write ? FOLL_WRITE : 0, pin->pages);
	if (got == pin->npages)
		return 0;
	if (got > 0)
		unpin_user_pages(pin->pages, got);
	if (pin->pages != small)
		kvfree(pin->pages);
	pin->pages = NULL;
	return got < 0 ? got : -EFAULT;
}

/*
 * The chain is the header plus the input (device-readable), then the
 * response plus the output (device-writable).  Kernel parts are bounce
 * buffers; data may also be pinned user pages.  The device reads each
 * part as one byte stream, whatever the split.  Done when the request is
 * first queued, after its pages are pinned, or earlier by a caller that
 * must not fail later (see vcd_open()).
 */
int vcd_req_map(struct vcd_req *req)
{
	unsigned int n_out = 1 + vcd_buf_sg_count(req->in, req->in_len) +
			     req->src_pin.npages;
	unsigned int n_in = 1 + vcd_buf_sg_count(req->out, req->out_len) +
			    req->dst_pin.npages;
	struct scatterlist *sg, *last;

	if (n_out + n_in > req->dev->max_sg)
		return -E2BIG;
	if (n_out + n_in <= ARRAY_SIZE(req->small_sg))
		sg = req->small_sg;
	else
		sg = kmalloc_array(n_out + n_in, sizeof(*sg), GFP_KERNEL);
	if (!sg)
		return -ENOMEM;
	req->sg = sg;
	req->sg_out = n_out;

	/* Counts are upper bounds: the end marks go after the last used. */
	sg_init_table(sg, n_out);
	sg_unmark_end(&sg[n_out - 1]);
	sg_set_buf(sg, &req->hdr, sizeof(req->hdr));
	last = vcd_sg_fill(sg + 1, req->in, req->in_len) - 1;
	last = vcd_sg_fill_pinned(last, &req->src_pin);
	sg_mark_end(last);

	sg += n_out;
	sg_init_table(sg, n_in);
	sg_unmark_end(&sg[n_in - 1]);
	sg_set_buf(sg, &req->resp, sizeof(req->resp));
	last = vcd_sg_fill_pinned(sg, &req->dst_pin);
	last = vcd_sg_fill(last + 1, req->out, req->out_len) - 1;
	sg_mark_end(last);
	return 0;
}

struct vcd_req *vcd_req_alloc(struct vcd_device *dev, u32 opcode, u64 file,
			      u32 session, size_t in_len, size_t out_len)
{
	struct vcd_req *req;
	int err = -ENOMEM;

	req = kmem_cache_alloc(vcd_req_cache, GFP_KERNEL);
	if (!req)
		return ERR_PTR(-ENOMEM);
	/*
	 * Field by field rather than a memset, whose rep stosb TCG runs a
	 * byte at a time; free_work is set up when it is used.
	 */
	atomic_inc(&vcd_stats.requests);
	kref_init(&req->ref);
	init_completion(&req->done);
	atomic_set(&req->state, VCD_REQ_PENDING);
	req->err = 0;
	req->err_answer = 0;
	req->sent = false;
	req->written = 0;
	INIT_LIST_HEAD(&req->node);
	req->dev = dev;
	req->in = NULL;
	req->out = NULL;
	req->out_len = 0;
	req->src_pin = (struct vcd_pinned){ };
	req->dst_pin = (struct vcd_pinned){ };
	req->sg = NULL;
	req->sg_out = 0;
	req->user = NULL;
	req->user_bytes = 0;
	req->user_file = false;
	req->hdr = (struct virtio_cryptodev_req_hdr){
		.opcode = cpu_to_le32(opcode),
		.file = cpu_to_le64(file),
		.session = cpu_to_le32(session),
	};
	req->resp = (struct virtio_cryptodev_resp){ };

	req->in_len = in_len;
	if (in_len <= sizeof(req->small_in)) {
		req->in = in_len ? req->small_in : NULL;
	} else {
		/* Filled completely by the caller before it is queued. */
		req->in = kvmalloc(in_len, GFP_KERNEL);
		if (!req->in)
			goto fail;
	}
	req->out_len = out_len;
	if (out_len <= sizeof(req->small_out)) {
		/* Zeroed, as kvzalloc() below does. */
		req->out = out_len ? memset(req->small_out, 0, out_len) : NULL;
	} else {
		/* Zeroed: a short-writing device cannot leak old memory. */
		req->out = kvzalloc(out_len, GFP_KERNEL);
		if (!req->out)
			goto fail;
	}
	return req;

fail:
	vcd_req_put(req);
	return ERR_PTR(err);
}

static struct vcd_queue *vcd_pick_queue(struct vcd_device *dev)
{
	/* A migration right after this only costs the locality. */
	return &dev->queues[dev->cpu_queue[raw_smp_processor_id()]];
}

static int vcd_wait_space(struct vcd_queue *q, unsigned long seen,
			  enum vcd_wait how)
{
	struct vcd_device *dev = q->dev;

	atomic_inc(&vcd_stats.ring_full_waits);
	if (how == VCD_WAIT_UNINTERRUPTIBLE) {
		wait_event(q->space_wq, READ_ONCE(q->free_events) != seen ||
			   READ_ONCE(dev->dead));
		return 0;
	}
	if (wait_event_killable(q->space_wq,
				READ_ONCE(q->free_events) != seen ||
				READ_ONCE(dev->dead)))
		return -EINTR;
	return 0;
}

/* A used buffer must at least hold the response. */
static int vcd_check_written(struct vcd_req *req, unsigned int len)
{
	if (len < sizeof(req->resp)) {
		pr_warn_ratelimited("%s: device wrote %u bytes, no response\n",
				    req->dev->name, len);
		return -EIO;
	}
	return 0;
}

static void vcd_req_finish(struct vcd_req *req, int err, bool answered);

/*
 * Under q->lock: move what the device answered onto @done.  Callbacks
 * are left off while a submitter is between its kick and its own reap:
 * the last one to reap turns them back on, and takes what came meanwhile.
 */
static void vcd_reap(struct vcd_queue *q, struct list_head *done)
{
	struct vcd_req *req;
	unsigned int len;
	bool more = false;

	do {
		virtqueue_disable_cb(q->vq);
		while ((req = virtqueue_get_buf(q->vq, &len))) {
			req->written = len;
			list_move_tail(&req->node, done);
			q->depth--;
			more = true;
		}
	} while (!q->kickers && !virtqueue_enable_cb(q->vq));
	if (more)
		q->free_events++;
}

/* Outside q->lock: wake the submitters and waiters of what was reaped. */
static void vcd_complete(struct vcd_queue *q, struct list_head *done)
{
	struct vcd_req *req, *tmp;

	if (list_empty(done))
		return;
	wake_up_all(&q->space_wq);
	list_for_each_entry_safe(req, tmp, done, node) {
		list_del_init(&req->node);
		vcd_req_finish(req, vcd_check_written(req, req->written), true);
		vcd_req_put(req);
	}
}

/*
 * Put the chain on a queue.  The RCU read section covers the dead check
 * up to the notify and the reap after it, so removal (which sets dead and
 * then waits for RCU) never deletes a virtqueue that a submitter is still
 * kicking.
 *
 * With ioeventfd off the QEMU device handles the notify in the vCPU that
 * wrote it: a small request is answered before the write returns, a
 * bigger one by that vCPU before it runs the guest again.  So the kick
 * is made with callbacks off and the ring is reaped right after it: such
 * answers cost no interrupt.  What a kick does not answer (a worker's
 * request, another device) comes with an interrupt as usual, once the
 * last kicker has turned callbacks back on.  Nothing here waits.
 */
static int vcd_req_try_queue(struct vcd_queue *q, struct vcd_req *req,
			     unsigned long *seen)
{
	struct scatterlist *sgs[2] = { req->sg, req->sg + req->sg_out };
	unsigned long flags;
	bool kick = false;
	LIST_HEAD(done);
	int err;

	rcu_read_lock();
	spin_lock_irqsave(&q->lock, flags);
	if (READ_ONCE(q->dev->dead)) {
		err = -ENODEV;
	} else if (vcd_queue_depth && q->depth >= vcd_queue_depth) {
		err = -ENOSPC;		/* as if the ring were full */
	} else {
		err = virtqueue_add_sgs(q->vq, sgs, 1, 1, req, GFP_ATOMIC);
		if (!err) {
			req->sent = true;
			list_add_tail(&req->node, &q->inflight);
			q->depth++;
			kick = virtqueue_kick_prepare(q->vq);
			if (kick && !q->kickers++)
				virtqueue_disable_cb(q->vq);
		}
	}
	*seen = q->free_events;
	spin_unlock_irqrestore(&q->lock, flags);
	if (kick) {
		virtqueue_notify(q->vq);
		spin_lock_irqsave(&q->lock, flags);
		q->kickers--;
		vcd_reap(q, &done);
		spin_unlock_irqrestore(&q->lock, flags);
	}
	rcu_read_unlock();
	/* Freeing an abandoned request may sleep: not under RCU. */
	vcd_complete(q, &done);
	return err;
}

static int vcd_req_queue(struct vcd_req *req, enum vcd_wait how)
{
	struct vcd_queue *q = vcd_pick_queue(req->dev);
	unsigned long seen;
	int err;

	if (!req->sg) {
		err = vcd_req_map(req);
		if (err)
			return err;
	}
	kref_get(&req->ref);		/* the virtqueue's reference */
	for (;;) {
		err = vcd_req_try_queue(q, req, &seen);
		if (err != -ENOSPC)
			break;
		err = vcd_wait_space(q, seen, how);
		if (err)
			break;
	}
	if (err)
		vcd_req_put(req);	/* never reached the device */
	return err;
}

/* A killed opener's file would stay open on the device: close it. */
struct vcd_orphan {
	struct work_struct work;
	struct vcd_device *dev;
	struct vcd_user *user;	/* the file's charge, until it is closed */
	u64 file;
};

static void vcd_orphan_close(struct work_struct *work)
{
	struct vcd_orphan *o = container_of(work, struct vcd_orphan, work);
	struct vcd_req *req;

	req = vcd_req_alloc(o->dev, VIRTIO_CRYPTODEV_OP_CLOSE_FILE, o->file,
			    0, 0, 0);
	if (!IS_ERR(req)) {
		vcd_req_run(req, VCD_WAIT_UNINTERRUPTIBLE);
		vcd_req_put(req);
	}
	vcd_user_close(o->user, 0);
	vcd_device_put(o->dev);
	kfree(o);
}

static void vcd_req_orphaned(struct vcd_req *req)
{
	struct vcd_orphan *o;

	if (le32_to_cpu(req->hdr.opcode) != VIRTIO_CRYPTODEV_OP_OPEN_FILE ||
	    req->err_answer ||
	    le32_to_cpu(req->resp.status) != VIRTIO_CRYPTODEV_S_OK)
		return;
	o = kzalloc(sizeof(*o), GFP_ATOMIC);
	if (!o)
		return;
	atomic_inc(&vcd_stats.orphans_closed);
	INIT_WORK(&o->work, vcd_orphan_close);
	vcd_device_get(req->dev);
	o->dev = req->dev;
	o->file = le64_to_cpu(req->resp.handle);
	/* The uid keeps paying for the file until the device closed it. */
	if (req->user_file) {
		o->user = req->user;
		req->user_file = false;
	}
	queue_work(vcd_wq, &o->work);
}

/* @answered: the device gave the buffers back with a response. */
static void vcd_req_finish(struct vcd_req *req, int err, bool answered)
{
	int old = atomic_cmpxchg(&req->state, VCD_REQ_PENDING, VCD_REQ_DONE);

	if (old == VCD_REQ_PENDING) {
		req->err = err;
		complete(&req->done);
	} else if (old == VCD_REQ_ABANDONED && answered) {
		req->err_answer = err;
		vcd_req_orphaned(req);
	}
}

void vcd_vq_done(struct virtqueue *vq)
{
	struct vcd_device *dev = vq->vdev->priv;
	struct vcd_queue *q = &dev->queues[vq->index];
	unsigned long flags;
	LIST_HEAD(done);

	spin_lock_irqsave(&q->lock, flags);
	vcd_reap(q, &done);
	spin_unlock_irqrestore(&q->lock, flags);
	vcd_complete(q, &done);
}

/* Removal: every waiter returns -ENODEV now, buffers stay queued. */
void vcd_fail_inflight(struct vcd_device *dev)
{
	struct vcd_req *req;
	unsigned long flags;
	unsigned int i;

	for (i = 0; i < dev->num_queues; i++) {
		struct vcd_queue *q = &dev->queues[i];

		spin_lock_irqsave(&q->lock, flags);
		list_for_each_entry(req, &q->inflight, node)
			vcd_req_finish(req, -ENODEV, false);
		spin_unlock_irqrestore(&q->lock, flags);
		wake_up_all(&q->space_wq);
	}
}

/* After the reset the device holds nothing: take the buffers back. */
void vcd_drop_unused(struct vcd_device *dev)
{
	struct vcd_req *req, *tmp;
	unsigned long flags;
	unsigned int i;
	LIST_HEAD(dropped);

	for (i = 0; i < dev->num_queues; i++) {
		struct vcd_queue *q = &dev->queues[i];

		spin_lock_irqsave(&q->lock, flags);
		while ((req = virtqueue_detach_unused_buf(q->vq))) {
			list_move_tail(&req->node, &dropped);
			q->depth--;
		}
		spin_unlock_irqrestore(&q->lock, flags);
	}
	list_for_each_entry_safe(req, tmp, &dropped, node) {
		list_del_init(&req->node);
		vcd_req_finish(req, -ENODEV, false);
		vcd_req_put(req);
	}
}

static int vcd_req_wait(struct vcd_req *req, enum vcd_wait how)
{
	if (how == VCD_WAIT_UNINTERRUPTIBLE) {
		wait_for_completion(&req->done);
		return req->err;
	}
	if (!wait_for_completion_killable(&req->done))
		return req->err;
	if (atomic_cmpxchg(&req->state, VCD_REQ_PENDING,
			   VCD_REQ_ABANDONED) == VCD_REQ_PENDING)
		return -EINTR;
	/* Finished while we were being killed: complete() is imminent. */
	wait_for_completion(&req->done);
	return req->err;
}

/*
 * Did the waiter get the device's answer (whatever its status)?  False
 * for a request that never reached the device, and for one whose fate
 * the waiter does not know: it was killed, or the device went away.
 */
bool vcd_req_answered(const struct vcd_req *req)
{
	return atomic_read(&req->state) == VCD_REQ_DONE && !req->err;
}

/*
 * Map a device status to what cryptodev-linux returns for the same
 * condition; docs/guest-driver.md has the table.
 */
int vcd_status_to_errno(u32 opcode, u32 status)
{
	switch (status) {
	case VIRTIO_CRYPTODEV_S_OK:
		return 0;
	case VIRTIO_CRYPTODEV_S_BADMSG:
		return -EBADMSG;
	case VIRTIO_CRYPTODEV_S_NOTSUPP:
	case VIRTIO_CRYPTODEV_S_INVAL:
		return -EINVAL;
	case VIRTIO_CRYPTODEV_S_NOSESSION:
		if (opcode == VIRTIO_CRYPTODEV_OP_DESTROY_SESSION ||
		    opcode == VIRTIO_CRYPTODEV_OP_COPY_HASH)
			return -ENOENT;
		return -EINVAL;
	case VIRTIO_CRYPTODEV_S_NOFILE:
		return -EBADFD;
	case VIRTIO_CRYPTODEV_S_LIMIT:
		if (opcode == VIRTIO_CRYPTODEV_OP_OPEN_FILE)
			return -EMFILE;
		return -ENOSPC;
	case VIRTIO_CRYPTODEV_S_NOMEM:
		return -ENOMEM;
	case VIRTIO_CRYPTODEV_S_TOOBIG:
		return -E2BIG;
	case VIRTIO_CRYPTODEV_S_ERR:
	default:
		return -EIO;
	}
}

/*
 * Send @req and wait for the answer.  Returns 0 only when the device
 * said S_OK and wrote exactly the output the request asked for.
 */
int vcd_req_run(struct vcd_req *req, enum vcd_wait how)
{
	u32 opcode = le32_to_cpu(req->hdr.opcode);
	size_t out_len;
	int err;

	err = vcd_req_queue(req, how);
	if (err)
		return err;
	err = vcd_req_wait(req, how);
	if (err)
		return err;
	err = vcd_status_to_errno(opcode, le32_to_cpu(req->resp.status));
	if (err)
		return err;
	out_len = req->dst_pin.len + req->out_len;
	if (le32_to_cpu(req->resp.len) != out_len ||
	    req->written < sizeof(req->resp) + out_len) {
		pr_warn_ratelimited("%s: op %u: %u output bytes, expected %zu\n",
				    req->dev->name, opcode,
				    le32_to_cpu(req->resp.len), out_len);
		return -EIO;
	}
	return 0;
}
