/*
 * virtio-cryptodev on PCI
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * A modern-only (virtio 1.x) function: PCI device id 0x1040 + 63.
 */

#include "qemu/osdep.h"
#include "hw/qdev-properties.h"
#include "hw/virtio/virtio-cryptodev.h"
#include "hw/virtio/virtio-pci.h"
#include "qapi/error.h"
#include "qemu/module.h"
#include "qom/object.h"

typedef struct VirtIOCryptodevPCI VirtIOCryptodevPCI;

#define TYPE_VIRTIO_CRYPTODEV_PCI "virtio-cryptodev-pci"
DECLARE_INSTANCE_CHECKER(VirtIOCryptodevPCI, VIRTIO_CRYPTODEV_PCI,
                         TYPE_VIRTIO_CRYPTODEV_PCI)

struct VirtIOCryptodevPCI {
    VirtIOPCIProxy parent_obj;
    VirtIOCryptodev vdev;
};

/*
 * ioeventfd is off by default: a notify is then handled in the vCPU thread
 * that wrote it, so a small request runs inline and its interrupt is
 * raised before the vCPU resumes, instead of waking the main loop through
 * an eventfd first.  In the lab's TCG guest that made 64-byte requests
 * about 7 times faster (docs/virtio-cryptodev.md, Performance).  Big
 * requests still go to the thread pool.
 */
static const Property virtio_cryptodev_pci_properties[] = {
    DEFINE_PROP_BIT("ioeventfd", VirtIOPCIProxy, flags,
                    VIRTIO_PCI_FLAG_USE_IOEVENTFD_BIT, false),
    DEFINE_PROP_UINT32("vectors", VirtIOPCIProxy, nvectors,
                       DEV_NVECTORS_UNSPECIFIED),
};

static void virtio_cryptodev_pci_realize(VirtIOPCIProxy *vpci_dev,
                                         Error **errp)
{
    VirtIOCryptodevPCI *dev = VIRTIO_CRYPTODEV_PCI(vpci_dev);
    DeviceState *vdev = DEVICE(&dev->vdev);

    /* one vector per request queue plus one for configuration changes */
    if (vpci_dev->nvectors == DEV_NVECTORS_UNSPECIFIED) {
        vpci_dev->nvectors = dev->vdev.num_queues + 1;
    }
    virtio_pci_force_virtio_1(vpci_dev);
    qdev_realize(vdev, BUS(&vpci_dev->bus), errp);
}

static void virtio_cryptodev_pci_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    VirtioPCIClass *k = VIRTIO_PCI_CLASS(klass);
    PCIDeviceClass *pcidev_k = PCI_DEVICE_CLASS(klass);

    k->realize = virtio_cryptodev_pci_realize;
    set_bit(DEVICE_CATEGORY_MISC, dc->categories);
    device_class_set_props(dc, virtio_cryptodev_pci_properties);
    pcidev_k->class_id = PCI_CLASS_OTHERS;
}

static void virtio_cryptodev_pci_instance_init(Object *obj)
{
    VirtIOCryptodevPCI *dev = VIRTIO_CRYPTODEV_PCI(obj);

    virtio_instance_init_common(obj, &dev->vdev, sizeof(dev->vdev),
                                TYPE_VIRTIO_CRYPTODEV);
}

static const VirtioPCIDeviceTypeInfo virtio_cryptodev_pci_info = {
    .generic_name = TYPE_VIRTIO_CRYPTODEV_PCI,
    .instance_size = sizeof(VirtIOCryptodevPCI),
    .instance_init = virtio_cryptodev_pci_instance_init,
    .class_init = virtio_cryptodev_pci_class_init,
};

static void virtio_cryptodev_pci_register_types(void)
{
    virtio_pci_types_register(&virtio_cryptodev_pci_info);
}

type_init(virtio_cryptodev_pci_register_types)
