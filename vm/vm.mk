# The VM lab: QEMU 10.0 built from Debian's source with the project's device
# code, Debian's Linux 6.12 as the guest kernel, a busybox initramfs, and
# vm/run, which boots the guest, runs one command in it and exits with the
# command's status.  docs/lab.md tells the whole story.
#
# Targets
#   make lab             everything below: QEMU, guest kernel, initramfs
#   make lab-qemu        (re)build QEMU; incremental after a change in qemu/
#   make lab-kernel      install the pinned guest kernel, headers and kbuild
#                        (the newest 6.12 when the pin is gone, with a notice)
#   make lab-initramfs   (re)build the initramfs when one of its inputs changed
#   make check-lab       the lab's own tests -> $(RESULTS)/lab.xml
#   make bench-lab       boot + trivial command timed against the 15 s budget
#   make qemu-patches    qemu/ as a git format-patch series in build/qemu-patches/
#
# Variables for other fragments (append with +=, never :=)
#   LAB_GUEST_BINS     static binaries, copied to the guest's /bin
#   LAB_GUEST_MODULES  guest modules (.ko), put in /lib/modules/$(LAB_KVER)/extra;
#                      load them with `modprobe NAME` in the command, or with
#                      vm/run --modprobe NAME
#   LAB_GUEST_FILES    test scripts and data, copied to the guest's /opt/tests
#                      (by base name; directories are copied whole)
#   Make builds these before the initramfs, so they may be targets of
#   your own rules.  Modules that build against the guest kernel:
#     my.ko: my.c | lab-kernel
#     	$(MAKE) -C $(LAB_KDIR) M=$(dir of a build copy) modules
#
# Variables to read
#   LAB_KERNEL_ABI_USED  the Debian ABI in use: LAB_KERNEL_ABI of vm/lab.conf,
#                  or the newest 6.12 apt offers when that one is gone
#                  (vm/kernel-install; build/vm/kernel-abi records it)
#   LAB_KVER       guest kernel release, e.g. 6.12.117+deb12-amd64
#   LAB_KDIR       its headers (Kbuild's KDIR), /usr/src/linux-headers-$(LAB_KVER)
#   LAB_KERNEL     its image, /boot/vmlinuz-$(LAB_KVER)
#   LAB_QEMU       the lab's qemu-system-x86_64
#   LAB_QEMU_SRC   the QEMU tree it is built from (pristine + qemu/)
#   LAB_INITRAMFS  the initramfs vm/run boots by default
#   LAB_RUN        vm/run: a guest test suite's recipe would be e.g.
#     check-foo: lab
#     	$(PYTHON) -m pytest foo/tests --junitxml=$(RESULTS)/foo.xml
#   with the tests calling
#     vm/run --timeout 120 --qemu-arg -device --qemu-arg virtio-cryptodev-pci \
#            -- 'modprobe virtio_cryptodev && /opt/tests/foo.sh'
#
# The versions (guest kernel, QEMU) are pinned in vm/lab.conf only.
# Note: this fragment turns on .SECONDEXPANSION (for the guest inputs), so a
# literal $$ in the prerequisites of a later fragment is expanded twice.

include $(TOP)/vm/lab.conf

LAB_BUILD := $(TOP)/build/vm
# The guest kernel in use: the pin, or, when the archive no longer has it,
# the 6.12 vm/kernel-install chose instead (with a notice).  Make learns it
# from a makefile generated here and remade, before anything else runs,
# when the pin or the choice changes; make then starts over with it, so
# every rule of one run sees the same version.
LAB_KERNEL_MK := $(LAB_BUILD)/kernel.mk
-include $(LAB_KERNEL_MK)
$(LAB_KERNEL_MK): $(TOP)/vm/lab.conf $(TOP)/vm/kernel-install \
		$(wildcard $(LAB_BUILD)/kernel-abi)
	@mkdir -p $(@D)
	@abi=$$($(TOP)/vm/kernel-install --resolve) && \
		echo "LAB_KERNEL_ABI_USED := $$abi" > $@
LAB_KERNEL_ABI_USED ?= $(LAB_KERNEL_ABI)

LAB_KVER := $(LAB_KERNEL_ABI_USED)-amd64
LAB_KDIR := /usr/src/linux-headers-$(LAB_KVER)
LAB_KERNEL := /boot/vmlinuz-$(LAB_KVER)
LAB_QEMU_SRC := $(LAB_BUILD)/qemu/src
LAB_QEMU := $(LAB_BUILD)/qemu/build/qemu-system-x86_64
LAB_INITRAMFS := $(LAB_BUILD)/initramfs.cpio
LAB_RUN := $(TOP)/vm/run

# Modules of Debian's image that the guest gets (with their dependencies):
# the crypto templates and drivers that are not built in (the rest of
# cryptodev-linux's algorithms too: DES, Blowfish, Camellia, RIPEMD-160,
# CCM, the null cipher), AF_ALG, and the network card vm/run --net adds.
LAB_IMAGE_MODULES := gcm authenc xts cryptd aesni_intel ghash_clmulni_intel \
	des_generic des3_ede_x86_64 blowfish_generic blowfish_x86_64 \
	camellia_generic camellia_x86_64 rmd160 ccm crypto_null \
	af_alg algif_skcipher algif_hash algif_aead virtio_net

# The lab's own test module, for checking that vm/run notices a WARNING and
# an Oops.
LAB_OOPS_BUILD := $(LAB_BUILD)/lab-oops
LAB_OOPS_KO := $(LAB_OOPS_BUILD)/lab_oops.ko

LAB_GUEST_BINS +=
LAB_GUEST_MODULES += $(LAB_OOPS_KO)
LAB_GUEST_FILES +=

# The reference /dev/crypto, cryptodev-linux's module (built by
# tests/tests.mk), is in the guest when a cryptodev-linux tree is known:
# CRYPTODEV_LINUX_DIR, by default ../shared/peers/cryptodev-linux next to
# the repository when it exists.  `modprobe cryptodev` loads it; the
# project's virtio_cryptodev also registers /dev/crypto, so a boot loads
# one or the other.
CRYPTODEV_LINUX_DIR ?= $(patsubst %/,%,$(dir $(wildcard \
	$(abspath $(TOP)/../shared/peers/cryptodev-linux)/ioctl.c)))
CDL_BUILD := $(BUILD)/peers/cryptodev-linux
CDL_KO := $(CDL_BUILD)/cryptodev.ko
ifneq ($(CRYPTODEV_LINUX_DIR),)
LAB_GUEST_MODULES += $(CDL_KO)
endif

DEPS_PARTS += lab
CHECK_TARGETS += check-lab
BENCH_TARGETS += bench-lab

.PHONY: lab lab-deps lab-qemu lab-kernel lab-initramfs check-lab bench-lab \
	qemu-patches

lab: lab-qemu lab-initramfs

# Always runs: the script itself finds out what changed (content, not
# mtimes) and leaves ninja little or nothing to do.
lab-qemu: lab-deps
	@$(TOP)/vm/qemu-build >/dev/null

lab-kernel: lab-deps
	@$(TOP)/vm/kernel-install

# So that `make lab` works on a fresh machine without `make deps` first;
# a dpkg query when everything is there.
lab-deps:
	@$(TOP)/scripts/install-deps lab

# The guest inputs are expanded after every fragment has added to them.
.SECONDEXPANSION:
lab-initramfs: $$(LAB_GUEST_BINS) $$(LAB_GUEST_MODULES) $$(LAB_GUEST_FILES) | lab-kernel
	@$(TOP)/vm/mkinitramfs --out $(LAB_INITRAMFS) \
		$(addprefix --kmod ,$(LAB_IMAGE_MODULES)) \
		$(addprefix --bin ,$(LAB_GUEST_BINS)) \
		$(addprefix --module ,$(LAB_GUEST_MODULES)) \
		$(addprefix --file ,$(LAB_GUEST_FILES))

# Kbuild writes next to the sources, so it builds a copy under build/.
$(LAB_OOPS_KO): $(TOP)/vm/tests/oops-module/lab_oops.c \
		$(TOP)/vm/tests/oops-module/Kbuild | lab-kernel
	@mkdir -p $(LAB_OOPS_BUILD)
	@cp $^ $(LAB_OOPS_BUILD)/
	@$(MAKE) --no-print-directory -s -C $(LAB_KDIR) M=$(LAB_OOPS_BUILD) modules

check-lab: lab
	@mkdir -p $(RESULTS)
	@$(PYTHON) -m pytest -v -p no:cacheprovider $(TOP)/vm/tests \
		--junitxml=$(RESULTS)/lab.xml

bench-lab: lab
	@$(TOP)/vm/bench-boot

qemu-patches:
	@$(TOP)/vm/qemu-format-patches
