#!/bin/sh
# In a lab guest booted with the image of qemu/host-engine/mkimage and the
# virtio_cryptodev driver loaded: run the device's qtest with the device on
# engine=host over this guest's /dev/crypto.  TAP on stdout; the status is
# the qtest's.
#
# Environment: VCD_QTEST_CRYPTO_DEV (default /dev/crypto), and
# VCD_QTEST_HOST_DRIVER, the driver name the guest's /dev/crypto reports
# in CIOCGSESSINFO (the outer device's engine), passed on to the qtest.

dev=${VCD_QTEST_CRYPTO_DEV:-/dev/crypto}
if [ ! -c "$dev" ]; then
	echo "Bail out! $dev is not a character device (driver not loaded?)"
	exit 1
fi
export VCD_QTEST_ENGINE=host VCD_QTEST_CRYPTO_DEV="$dev"
export QTEST_QEMU_BINARY=/opt/qemu/bin/qemu-system-x86_64
cd /tmp || exit 1
exec /opt/qemu/bin/virtio-cryptodev-test --tap -k
