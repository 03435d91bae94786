# The guest driver (driver/): virtio_cryptodev.ko, the hostile-guest test
# module vcd_hostile.ko, the vcd-smoke test program, and their check in the
# lab guest.  docs/guest-driver.md tells the whole story.
#
# Targets
#   make driver            both modules, vcd-smoke and vcd-smoke32
#   make check-driver      boot the lab guest with a virtio-cryptodev-pci
#                          device, run driver/tests/guest-driver-test.sh,
#                          write $(RESULTS)/driver.xml
#   make driver-dkms       a DKMS source tree in build/driver/dkms/
#   make driver-checkpatch scripts/checkpatch.pl over the kernel sources
#   make driver-sparse     both modules through sparse (C=2) with W=1
#
# Kbuild writes next to the sources, so each module builds in a staged
# copy under build/driver/ with the shared headers in its include/ (the
# same layout a DKMS tree has).

DRV_BUILD := $(TOP)/build/driver
DRV_VERSION := 0.1
# The lab's guest kernel (vm/lab.conf, vm/kernel-abi); LAB_KDIR comes from
# vm/vm.mk.
ifeq ($(LAB_KDIR),)
DRV_KDIR := /usr/src/linux-headers-$(shell $(TOP)/vm/kernel-abi)-amd64
DRV_KDEP :=
else
DRV_KDIR := $(LAB_KDIR)
DRV_KDEP := lab-kernel
endif

DRV_SRCS := $(addprefix $(TOP)/driver/,Kbuild vcd.h vcd_main.c vcd_req.c \
	vcd_fops.c vcd_user.c)
DRV_HOSTILE_SRCS := $(addprefix $(TOP)/driver/tests/,Kbuild vcd_hostile.c)
DRV_HDRS := $(TOP)/include/virtio_cryptodev.h \
	$(TOP)/include/crypto/cryptodev.h
DRV_KO := $(DRV_BUILD)/module/virtio_cryptodev.ko
DRV_HOSTILE_KO := $(DRV_BUILD)/hostile/vcd_hostile.ko
DRV_SMOKE := $(BIN)/vcd-smoke
# The same tests as a 32-bit program: the compat ioctls.
DRV_SMOKE32 := $(BIN)/vcd-smoke32
DRV_GUEST_TEST := $(TOP)/driver/tests/guest-driver-test.sh
DRV_GUEST_HOTUNPLUG := $(TOP)/driver/tests/guest-hotunplug.sh
DRV_GUEST_TIMEOUT := 900
# Red zones and poisoning catch use-after-free and overruns in the guest.
DRV_GUEST_APPEND := slub_debug=FZPU
# Another QEMU binary for check-driver (default: the lab's).
DRV_QEMU ?=
# A static guest binary: no sanitizers (they need the dynamic runtime).
DRV_SMOKE_CFLAGS := $(filter-out -fsanitize% -fno-sanitize% \
	-fno-omit-frame-pointer,$(BASE_CFLAGS)) $(CFLAGS)
CHECKPATCH ?= $(firstword $(wildcard \
	$(DRV_KDIR)/scripts/checkpatch.pl \
	/var/cache/cchat-driver/linux-source-6.12/scripts/checkpatch.pl))

LAB_GUEST_MODULES += $(DRV_KO) $(DRV_HOSTILE_KO)
LAB_GUEST_BINS += $(DRV_SMOKE) $(DRV_SMOKE32)
LAB_GUEST_FILES += $(DRV_GUEST_TEST) $(DRV_GUEST_HOTUNPLUG)
CHECK_TARGETS += check-driver
DEPS_PARTS += driver

.PHONY: driver check-driver driver-dkms driver-checkpatch driver-sparse

driver: $(DRV_KO) $(DRV_HOSTILE_KO) $(DRV_SMOKE) $(DRV_SMOKE32)

# $(call drv_stage,DIR,FILES): a Kbuild tree with the shared headers.
define drv_stage
	@mkdir -p $(1)/include/crypto
	@cp $(2) $(1)/
	@cp $(TOP)/include/virtio_cryptodev.h $(1)/include/
	@cp $(TOP)/include/crypto/cryptodev.h $(1)/include/crypto/
endef

$(DRV_KO): $(DRV_SRCS) $(DRV_HDRS) | $(DRV_KDEP)
	$(call drv_stage,$(DRV_BUILD)/module,$(DRV_SRCS))
	@$(MAKE) --no-print-directory -s -C $(DRV_KDIR) \
		M=$(DRV_BUILD)/module modules

$(DRV_HOSTILE_KO): $(DRV_HOSTILE_SRCS) $(DRV_HDRS) | $(DRV_KDEP)
	$(call drv_stage,$(DRV_BUILD)/hostile,$(DRV_HOSTILE_SRCS))
	@$(MAKE) --no-print-directory -s -C $(DRV_KDIR) \
		M=$(DRV_BUILD)/hostile modules

$(DRV_SMOKE): $(TOP)/driver/tests/vcd_smoke.c $(DRV_HDRS)
	@mkdir -p $(dir $@) $(DRV_BUILD)
	$(CC) $(DRV_SMOKE_CFLAGS) -c -o $(DRV_BUILD)/vcd_smoke.o $<
	$(CC) -static -pthread -o $@ $(DRV_BUILD)/vcd_smoke.o

$(DRV_SMOKE32): $(TOP)/driver/tests/vcd_smoke.c $(DRV_HDRS)
	@mkdir -p $(dir $@) $(DRV_BUILD)
	$(CC) -m32 $(DRV_SMOKE_CFLAGS) -c -o $(DRV_BUILD)/vcd_smoke32.o $<
	$(CC) -m32 -static -pthread -o $@ $(DRV_BUILD)/vcd_smoke32.o

# Two guest runs: the main suite, then a QMP device_del/device_add with a
# file open and requests in flight (driver/tests/hotunplug.py).
check-driver: lab $(DRV_KO) $(DRV_HOSTILE_KO) $(DRV_SMOKE) $(DRV_SMOKE32)
	@mkdir -p $(RESULTS) $(DRV_BUILD)
	@status=0; \
	$(LAB_RUN) --timeout $(DRV_GUEST_TIMEOUT) \
		$(if $(DRV_QEMU),--qemu $(DRV_QEMU)) --append "$(DRV_GUEST_APPEND)" \
		--qemu-arg -device --qemu-arg virtio-cryptodev-pci \
		--console-log $(DRV_BUILD)/console.log \
		-- 'sh /opt/tests/guest-driver-test.sh' \
		> $(DRV_BUILD)/guest.tap || status=$$?; \
	cat $(DRV_BUILD)/guest.tap; \
	hstatus=0; \
	$(PYTHON) $(TOP)/driver/tests/hotunplug.py --run $(LAB_RUN) \
		--timeout $(DRV_GUEST_TIMEOUT) $(if $(DRV_QEMU),--qemu $(DRV_QEMU)) \
		--run-arg=--append --run-arg="$(DRV_GUEST_APPEND)" \
		--console $(DRV_BUILD)/hotunplug-console.log \
		--tap $(DRV_BUILD)/hotunplug.tap > /dev/null || hstatus=$$?; \
	cat $(DRV_BUILD)/hotunplug.tap; \
	$(PYTHON) $(TOP)/driver/tests/tap2junit.py --suite driver \
		--tap $(DRV_BUILD)/guest.tap --status $$status \
		--console $(DRV_BUILD)/console.log \
		--tap $(DRV_BUILD)/hotunplug.tap --status $$hstatus \
		--console $(DRV_BUILD)/hotunplug-console.log \
		--out $(RESULTS)/driver.xml

driver-dkms:
	@rm -rf $(DRV_BUILD)/dkms
	$(call drv_stage,$(DRV_BUILD)/dkms/virtio-cryptodev-$(DRV_VERSION),\
		$(DRV_SRCS) $(TOP)/driver/dkms.conf)
	@echo "DKMS tree: $(DRV_BUILD)/dkms/virtio-cryptodev-$(DRV_VERSION)"

driver-checkpatch:
	@[ -n "$(CHECKPATCH)" ] || { echo "no checkpatch.pl found:" \
		"set CHECKPATCH=/path/to/linux/scripts/checkpatch.pl"; exit 1; }
	$(CHECKPATCH) --no-tree --quiet -f $(filter-out %Kbuild,$(DRV_SRCS)) \
		$(TOP)/driver/tests/vcd_hostile.c

driver-sparse: $(DRV_KO) $(DRV_HOSTILE_KO)
	@command -v sparse > /dev/null || { echo "sparse is not installed"; exit 1; }
	@for d in module hostile; do \
		$(MAKE) --no-print-directory -s -C $(DRV_KDIR) \
			M=$(DRV_BUILD)/$$d C=2 W=1 modules || exit 1; \
	done
