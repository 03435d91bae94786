// SPDX-License-Identifier: GPL-2.0
/*
 * Per-uid fairness.  /dev/crypto is mode 0666 and a device's files, its
 * host-side sessions and its in-flight work are shared by the whole
 * guest, so without a share per user one unprivileged user could take
 * them all and lock every other out.
 *
 * Every open file is charged to its opener's real uid, as the kernel's
 * own per-user limits (processes, pipe buffers) are; the file's sessions
 * and the bytes of its requests go to the same uid, whoever makes the
 * call (the file may have been inherited or passed on).  Openers with
 * CAP_SYS_RESOURCE or CAP_SYS_ADMIN are not charged at all.
 *
 * One struct vcd_user per device and uid with anything charged, in a
 * small hash table of the device: every operation is one lookup or none
 * and a few counters under the device's users_lock, which interrupts
 * take too (a request may be freed in the virtqueue callback).  A user
 * is referenced by each file charge (an open file, or an OPEN_FILE still
 * in flight) and each in-flight charge, and goes with the last of them.
 */

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/moduleparam.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "vcd.h"

static unsigned int uid_max_files;
module_param(uid_max_files, uint, 0644);
MODULE_PARM_DESC(uid_max_files,
		 "Files one uid may have open on a device (0: max_files / 4, at least 1)");

static unsigned int uid_max_sessions;
module_param(uid_max_sessions, uint, 0644);
MODULE_PARM_DESC(uid_max_sessions,
		 "Sessions one uid may hold on a device (0: max_files, at least max_sessions)");

static unsigned int uid_max_inflight;
module_param(uid_max_inflight, uint, 0644);
MODULE_PARM_DESC(uid_max_inflight,
		 "Request bytes one uid may have in flight on a device before its submitters wait (0: 16 MiB)");

/* Parameters are read afresh each time: root may change them any time. */
static unsigned int vcd_uid_files(const struct vcd_device *dev)
{
	unsigned int n = READ_ONCE(uid_max_files);

	return n ? n : max(dev->limits.max_files / 4, 1U);
}

/* Four per file of the default file share, never less than one full file. */
static unsigned int vcd_uid_sessions(const struct vcd_device *dev)
{
	unsigned int n = READ_ONCE(uid_max_sessions);

	return n ? n : max(dev->limits.max_files, dev->limits.max_sessions);
}

static size_t vcd_uid_inflight(void)
{
	unsigned int n = READ_ONCE(uid_max_inflight);

	return n ? n : VCD_UID_INFLIGHT;
}

static struct vcd_user *vcd_user_find(struct vcd_device *dev, kuid_t uid)
{
	struct vcd_user *u;

	hash_for_each_possible(dev->users, u, node, __kuid_val(uid))
		if (uid_eq(u->uid, uid))
			return u;
	return NULL;
}

/* With users_lock held; true when @u is to be freed after the unlock. */
static bool vcd_user_unref(struct vcd_user *u)
{
	if (--u->refs)
		return false;
	hash_del(&u->node);
	return true;
}

static void vcd_user_free(struct vcd_user *u)
{
	struct vcd_device *dev = u->dev;

	kfree(u);
	atomic_dec(&vcd_stats.users);
	vcd_device_put(dev);
}

/*
 * Charge one file to the opener's uid.  Returns its user, NULL for an
 * exempt opener, or ERR_PTR(-EMFILE) over the uid's share (the errno of
 * the device's own max_files, and of the kernel's per-user inotify
 * instances).  The capability test is not audited: an opener without
 * the capability is not denied anything.
 */
struct vcd_user *vcd_user_open(struct vcd_device *dev)
{
	kuid_t uid = current_uid();
	struct vcd_user *u, *fresh;
	unsigned long flags;
	int err = 0;

	if (ns_capable_noaudit(&init_user_ns, CAP_SYS_RESOURCE) ||
	    ns_capable_noaudit(&init_user_ns, CAP_SYS_ADMIN))
		return NULL;
	/* Allocated up front: the lock is not one to allocate under. */
	fresh = kzalloc(sizeof(*fresh), GFP_KERNEL);
	if (!fresh)
		return ERR_PTR(-ENOMEM);

	spin_lock_irqsave(&dev->users_lock, flags);
	u = vcd_user_find(dev, uid);
	if (!u) {
		u = fresh;
		fresh = NULL;
		u->dev = dev;
		u->uid = uid;
		INIT_LIST_HEAD(&u->waiters);
		hash_add(dev->users, &u->node, __kuid_val(uid));
		vcd_device_get(dev);
		atomic_inc(&vcd_stats.users);
	}
	/* A share is at least 1: a user just added always fits. */
	if (u->files >= vcd_uid_files(dev)) {
		err = -EMFILE;
	} else {
		u->files++;
		u->refs++;
	}
	spin_unlock_irqrestore(&dev->users_lock, flags);
	kfree(fresh);
	return err ? ERR_PTR(err) : u;
}

/* A file charge goes, with the @sessions still charged to that file. */
void vcd_user_close(struct vcd_user *u, unsigned int sessions)
{
	unsigned long flags;
	bool last;

	if (!u)
		return;
	spin_lock_irqsave(&u->dev->users_lock, flags);
	u->files--;
	u->sessions -= sessions;
	last = vcd_user_unref(u);
	spin_unlock_irqrestore(&u->dev->users_lock, flags);
	if (last)
		vcd_user_free(u);
}

/*
 * -ENOSPC over the uid's share: what the device's own per-file limit
 * answers, and the kernel's per-user inotify watches.  Only a file
 * charge's holder calls this, so @u stays alive without a reference.
 */
int vcd_user_add_session(struct vcd_user *u)
{
	unsigned long flags;
	int err = 0;

	if (!u)
		return 0;
	spin_lock_irqsave(&u->dev->users_lock, flags);
	if (u->sessions >= vcd_uid_sessions(u->dev))
		err = -ENOSPC;
	else
		u->sessions++;
	spin_unlock_irqrestore(&u->dev->users_lock, flags);
	return err;
}

void vcd_user_del_sessions(struct vcd_user *u, unsigned int n)
{
	unsigned long flags;

	if (!u || !n)
		return;
	spin_lock_irqsave(&u->dev->users_lock, flags);
	u->sessions -= n;
	spin_unlock_irqrestore(&u->dev->users_lock, flags);
}

/* A submitter waiting for in-flight room; lives on its stack. */
struct vcd_user_waiter {
	struct list_head node;		/* in vcd_user.waiters */
	struct task_struct *task;
	size_t bytes;
	bool admitted;			/* charged for it by vcd_user_admit() */
};

/*
 * A request that alone is over the budget still goes when nothing else
 * of the uid's is in flight (as the device's own budget does): a user
 * never waits for room it could never have.
 */
static bool vcd_user_fits(const struct vcd_user *u, size_t bytes)
{
	size_t limit = vcd_uid_inflight();

	return !u->inflight ||
	       (u->inflight <= limit && bytes <= limit - u->inflight);
}

/*
 * Let waiters in, oldest first, and none past one that does not fit: a
 * big request is never overtaken for good by small ones, since while it
 * waits the uid's in-flight bytes can only drain.  With users_lock held;
 * the waiter checks @admitted under it too, so its stack is still there
 * when it is woken.
 */
static void vcd_user_admit(struct vcd_user *u)
{
	struct vcd_user_waiter *w, *tmp;

	list_for_each_entry_safe(w, tmp, &u->waiters, node) {
		if (!vcd_user_fits(u, w->bytes))
			break;
		u->inflight += w->bytes;
		list_del_init(&w->node);
		w->admitted = true;
		wake_up_process(w->task);
	}
}

/*
 * Take @bytes of the uid's in-flight budget for a request about to be
 * built, sleeping (killable: -EINTR) until they fit.  On success the
 * charge holds a reference to @u until vcd_user_del_bytes().
 */
int vcd_user_add_bytes(struct vcd_user *u, size_t bytes)
{
	struct vcd_user_waiter w = { .task = current, .bytes = bytes };
	unsigned long flags;
	bool last = false;
	int err = 0;

	if (!u || !bytes)
		return 0;
	spin_lock_irqsave(&u->dev->users_lock, flags);
	u->refs++;
	if (list_empty(&u->waiters) && vcd_user_fits(u, bytes)) {
		u->inflight += bytes;
		spin_unlock_irqrestore(&u->dev->users_lock, flags);
		return 0;
	}
	list_add_tail(&w.node, &u->waiters);
	atomic_inc(&vcd_stats.uid_waits);
	for (;;) {
		set_current_state(TASK_KILLABLE);
		if (w.admitted)
			break;
		if (fatal_signal_pending(current)) {
			err = -EINTR;
			break;
		}
		spin_unlock_irqrestore(&u->dev->users_lock, flags);
		schedule();
		spin_lock_irqsave(&u->dev->users_lock, flags);
	}
	__set_current_state(TASK_RUNNING);
	if (err) {
		list_del(&w.node);
		/* It may have been the one the others waited behind. */
		vcd_user_admit(u);
		last = vcd_user_unref(u);
	}
	spin_unlock_irqrestore(&u->dev->users_lock, flags);
	if (last)
		vcd_user_free(u);
	return err;
}

void vcd_user_del_bytes(struct vcd_user *u, size_t bytes)
{
	unsigned long flags;
	bool last;

	if (!u || !bytes)
		return;
	spin_lock_irqsave(&u->dev->users_lock, flags);
	u->inflight -= bytes;
	vcd_user_admit(u);
	last = vcd_user_unref(u);
	spin_unlock_irqrestore(&u->dev->users_lock, flags);
	if (last)
		vcd_user_free(u);
}
