// SPDX-License-Identifier: GPL-2.0
/*
 * A module that makes the guest kernel report a real problem on request,
 * so the lab's tests can check that vm/run notices it:
 *
 *   modprobe lab_oops action=warn   WARN_ON() fires; the module refuses to load
 *   modprobe lab_oops action=oops   a NULL pointer write: an Oops; insmod dies
 *
 * Only the lab's own tests load it.
 */
#include <linux/module.h>
#include <linux/string.h>
#include <linux/bug.h>

static char *action = "none";
module_param(action, charp, 0444);
MODULE_PARM_DESC(action, "none, warn or oops");

/* volatile so the compiler keeps the write it could prove undefined. */
static int *volatile lab_oops_null;

static int __init lab_oops_init(void)
{
	if (!strcmp(action, "warn")) {
		WARN_ON(1);
		return -EINVAL;
	}
	if (!strcmp(action, "oops")) {
		*lab_oops_null = 1;
		return -EINVAL;
	}
	return 0;
}

static void __exit lab_oops_exit(void)
{
}

module_init(lab_oops_init);
module_exit(lab_oops_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Triggers a kernel warning or Oops for the VM lab's tests");
