# The virtio-cryptodev QEMU device (qemu/): its qtest, run by make check.
# docs/virtio-cryptodev.md specifies the device; qemu/README.md lists the
# files.  The lab (vm/vm.mk) builds QEMU with the device in it.
#
# Targets
#   make check-qemu       build the device's qtest in the lab's QEMU tree and
#                         run it; writes $(RESULTS)/qemu-device.xml
#   make qemu-checkpatch  QEMU's scripts/checkpatch.pl over the device's
#                         files and patches
#   make check-qemu-host-engine
#                         the same qtest with the device on engine=host,
#                         run inside a lab guest whose /dev/crypto is the
#                         project's driver (qemu/host-engine/); writes
#                         $(RESULTS)/qemu-host-engine.xml
#
# The qtest starts the lab's qemu-system-x86_64 through a wrapper that adds
# the firmware directories of Debian's packages (the +ds tarball has none);
# the wrapper keeps the "-system-x86_64" name libqtest takes the arch from.

QDEV_BUILD := $(BUILD)/qemu
QDEV_QEMU_BUILD := $(LAB_BUILD)/qemu/build
QDEV_QTEST := $(QDEV_QEMU_BUILD)/tests/qtest/virtio-cryptodev-test
QDEV_WRAPPER := $(QDEV_BUILD)/bin/qemu-system-x86_64
QDEV_FIRMWARE := -L /usr/share/seabios -L /usr/lib/ipxe/qemu -L /usr/share/qemu
QDEV_QTEST_TIMEOUT := 300
QDEV_FILES := $(shell cd $(TOP)/qemu/tree 2>/dev/null && \
	find . -name '*.[ch]' | sed 's|^\./||')

CHECK_TARGETS += check-qemu

# The lab's QEMU build holds build/vm/qemu/.lock while it works; the qtest
# build takes it too, with the same ccache settings as vm/qemu-build.
QDEV_BUILD_QTEST = mkdir -p $(QDEV_BUILD) && \
	flock $(LAB_BUILD)/qemu/.lock env PATH=/usr/lib/ccache:$$PATH \
	CCACHE_DIR=$(LAB_CACHE)/ccache \
	CCACHE_BASEDIR=$(LAB_BUILD)/qemu CCACHE_NOHASHDIR=true \
	nice -n 10 ninja -C $(QDEV_QEMU_BUILD) \
	tests/qtest/virtio-cryptodev-test > $(QDEV_BUILD)/qtest-build.log \
	2>&1 || { tail -n 30 $(QDEV_BUILD)/qtest-build.log; exit 1; }

.PHONY: check-qemu qemu-checkpatch

check-qemu: lab-qemu
	@mkdir -p $(QDEV_BUILD)/bin $(RESULTS)
	@printf '#!/bin/sh\nexec %s %s "$$@"\n' '$(LAB_QEMU)' \
		'$(QDEV_FIRMWARE)' > $(QDEV_WRAPPER)
	@chmod +x $(QDEV_WRAPPER)
	@$(QDEV_BUILD_QTEST)
	@status=0; \
	cd $(QDEV_QEMU_BUILD) && QTEST_QEMU_BINARY=$(QDEV_WRAPPER) \
		timeout $(QDEV_QTEST_TIMEOUT) $(QDEV_QTEST) --tap -k \
		> $(QDEV_BUILD)/qtest.tap 2> $(QDEV_BUILD)/qtest.stderr \
		|| status=$$?; \
	cat $(QDEV_BUILD)/qtest.tap; \
	$(PYTHON) $(TOP)/tests/tap2junit -n qemu-device \
		--runner-status $$status -o $(RESULTS)/qemu-device.xml \
		$(QDEV_BUILD)/qtest.tap

qemu-checkpatch: lab-qemu
	@mkdir -p $(QDEV_BUILD)
	@{ cd $(TOP)/qemu/tree && for f in $(QDEV_FILES); do \
		$(LAB_QEMU_SRC)/scripts/checkpatch.pl --no-tree -f $$f \
		| grep -E '^(total|ERROR|WARNING)' | sed "s|^|$$f: |"; done; \
	$(LAB_QEMU_SRC)/scripts/checkpatch.pl --no-tree --no-signoff \
		$(TOP)/qemu/patches/*.patch | grep -E '^(total|ERROR|WARNING)'; \
	} | tee $(QDEV_BUILD)/checkpatch.txt
	@! grep -qE 'ERROR|WARNING' $(QDEV_BUILD)/checkpatch.txt

# The host engine against a real kernel /dev/crypto: the machine has none,
# so the qtest and the lab's QEMU run inside a lab guest, on the project's
# driver over an outer device with the builtin engine.  qtest executes no
# guest code, so the inner QEMU is cheap even under TCG; but every qtest
# command is a round trip between two processes, and with two vCPUs each
# one waited for an idle vCPU to wake (about 8 ms, against 0.5 ms on one).
QDEV_HE_BUILD := $(QDEV_BUILD)/host-engine
QDEV_HE_IMAGE := $(QDEV_HE_BUILD)/initramfs.cpio
# About 1 min when the machine is quiet; a hung case costs guest-check.sh's
# CASE_TIMEOUT_S (90 s).
QDEV_HE_TIMEOUT := 420
QDEV_HE_OUTER_DEVICE := virtio-cryptodev-pci,engine=builtin
# What the guest's /dev/crypto reports in CIOCGSESSINFO: the outer engine.
QDEV_HE_LOWER_DRIVER := virtio-cryptodev-builtin
# The second configuration, the original scenario of the device: the
# guest's /dev/crypto is the real cryptodev-linux (tests/tests.mk,
# CRYPTODEV_LINUX_DIR) over the guest kernel's crypto, which names its own
# driver per algorithm (the guest has aesni_intel; HMAC and SHA-1 are the
# generic C code under TCG's -cpu max).
QDEV_HE_CDL_LOWER_DRIVER := cbc(aes)=cbc-aes-aesni,$\
hmac(sha256)=hmac(sha256-generic),sha1=sha1-generic
QDEV_HE_CDL_BUILD := $(QDEV_BUILD)/host-engine-cryptodev-linux

CHECK_TARGETS += check-qemu-host-engine

.PHONY: check-qemu-host-engine

# One configuration: $(1) its name for the report, $(2) its build folder,
# $(3) the vm/run options that give the guest its /dev/crypto, $(4) the
# lower driver names.
define QDEV_HE_RUN
	@mkdir -p $(2)
	@status=0; \
	$(LAB_RUN) --smp 1 --mem 1G --timeout $(QDEV_HE_TIMEOUT) \
		--initrd $(QDEV_HE_IMAGE) $(3) \
		--console-log $(2)/console.log \
		-- 'VCD_QTEST_HOST_DRIVER="$(4)" /opt/qemu/guest-check.sh' \
		> $(2)/qtest.tap 2> $(2)/qtest.stderr \
		|| status=$$?; \
	grep -v '^# starting QEMU' $(2)/qtest.tap; \
	[ $$status = 0 ] || grep -v ': info: virtio-cryptodev: ' \
		$(2)/qtest.stderr | tail -n 60 >&2; \
	$(PYTHON) $(TOP)/tests/tap2junit -n $(1) \
		--runner-status $$status -o $(RESULTS)/$(1).xml \
		$(2)/qtest.tap
endef

check-qemu-host-engine: lab
	@$(QDEV_BUILD_QTEST)
	@mkdir -p $(QDEV_HE_BUILD) $(RESULTS)
	@$(TOP)/qemu/host-engine/mkimage --base $(LAB_INITRAMFS) \
		--out $(QDEV_HE_IMAGE) --qemu $(LAB_QEMU) --qtest $(QDEV_QTEST)
	$(call QDEV_HE_RUN,qemu-host-engine,$(QDEV_HE_BUILD),$\
--modprobe virtio_cryptodev --qemu-arg -device $\
--qemu-arg $(QDEV_HE_OUTER_DEVICE),$(QDEV_HE_LOWER_DRIVER))
ifneq ($(CRYPTODEV_LINUX_DIR),)
	$(call QDEV_HE_RUN,qemu-host-engine-cryptodev-linux,$\
$(QDEV_HE_CDL_BUILD),--modprobe cryptodev,$(QDEV_HE_CDL_LOWER_DRIVER))
else
	@echo "check-qemu-host-engine: its cryptodev-linux configuration" \
		"skipped: set CRYPTODEV_LINUX_DIR=<path to a cryptodev-linux" \
		"checkout>"
endif
