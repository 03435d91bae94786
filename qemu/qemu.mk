# The virtio-cryptodev QEMU device (qemu/): its qtest, run by make check.
# docs/virtio-cryptodev.md specifies the device; qemu/README.md lists the
# files.  The lab (vm/vm.mk) builds QEMU with the device in it.
#
# Targets
#   make check-qemu       build the device's qtest in the lab's QEMU tree and
#                         run it; writes $(RESULTS)/qemu-device.xml
#   make qemu-checkpatch  QEMU's scripts/checkpatch.pl over the device's
#                         files and patches
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

.PHONY: check-qemu qemu-checkpatch

# The lab's QEMU build holds build/vm/qemu/.lock while it works; the qtest
# build takes it too, with the same ccache settings as vm/qemu-build.
check-qemu: lab-qemu
	@mkdir -p $(QDEV_BUILD)/bin $(RESULTS)
	@printf '#!/bin/sh\nexec %s %s "$$@"\n' '$(LAB_QEMU)' \
		'$(QDEV_FIRMWARE)' > $(QDEV_WRAPPER)
	@chmod +x $(QDEV_WRAPPER)
	@flock $(LAB_BUILD)/qemu/.lock env PATH=/usr/lib/ccache:$$PATH \
		CCACHE_DIR=$(LAB_CACHE)/ccache \
		CCACHE_BASEDIR=$(LAB_BUILD)/qemu CCACHE_NOHASHDIR=true \
		nice -n 10 ninja -C $(QDEV_QEMU_BUILD) \
		tests/qtest/virtio-cryptodev-test > $(QDEV_BUILD)/qtest-build.log \
		2>&1 || { tail -n 30 $(QDEV_BUILD)/qtest-build.log; exit 1; }
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
