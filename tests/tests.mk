# Cross-part tests: the cryptodev test programs (tests/cryptodev/) and the
# generic TAP-to-JUnit converter (tests/tap2junit).  docs/cryptodev-tests.md
# tells what is tested, with which vectors, and how the benchmark measures.
#
# Targets
#   make cryptodev-tests          the programs (static, for the guest)
#   make check-cryptodev-vectors  host only: every vector recomputed with
#                                 OpenSSL -> $(RESULTS)/cryptodev-vectors.xml
#   make check-cryptodev          boot the lab guest with a
#                                 virtio-cryptodev-pci device (builtin
#                                 engine), run cryptodev-kat, -stress and
#                                 -hostcore-kat on it, and the limit probes
#                                 on a second device with small limits
#                                 -> $(RESULTS)/cryptodev.xml
#   make bench-cryptodev          every /dev/crypto stack next to the
#                                 host's native speed: tests/bench.mk
#   make cryptodev-linux          the reference: cryptodev-linux's module
#                                 built against the guest kernel
#                                 -> $(BUILD)/peers/cryptodev-linux/cryptodev.ko
#                                 (in the lab guest as `modprobe cryptodev`)
#   make check-cryptodev-reference
#                                 the same guest programs on the real
#                                 cryptodev-linux over the guest kernel's
#                                 crypto (no device, no project driver)
#                                 -> $(RESULTS)/cryptodev-reference.xml
#
# Knobs (make VAR=value)
#   CDT_QEMU_DEVICE   the -device argument (default virtio-cryptodev-pci)
#   CDT_STRESS_ARGS   cryptodev-stress arguments for check-cryptodev
#   CDT_SPEED_ARGS    more cryptodev-speed arguments for bench-cryptodev
#   CRYPTODEV_LINUX_DIR  a cryptodev-linux source tree (its kernel module:
#                     Makefile, ioctl.c, ...) for the reference targets;
#                     default ../shared/peers/cryptodev-linux next to the
#                     repository when that exists.  Empty: the reference
#                     targets (and check-qemu-host-engine's cryptodev-linux
#                     configuration) skip with a message.

CDT_SRC := $(TOP)/tests/cryptodev
CDT_BUILD := $(BUILD)/tests/cryptodev
# The guest has no shared libraries: static, hence no sanitizers.
CDT_CFLAGS := $(filter-out -fsanitize% -fno-sanitize% -fno-omit-frame-pointer,\
	$(BASE_CFLAGS)) $(CFLAGS) -I$(CDT_SRC)
CDT_LDFLAGS := -static -pthread
# The device's plain-C core and host forwarding, compiled in as they are
# (they are the subject).
CDT_CORE_C := $(TOP)/qemu/tree/hw/virtio/virtio-cryptodev-core.c
CDT_HOSTCORE_C := $(TOP)/qemu/tree/hw/virtio/virtio-cryptodev-host-core.c
CDT_HOSTCORE_CFLAGS := $(CDT_CFLAGS) -DVIRTIO_CRYPTODEV_STANDALONE \
	-I$(TOP)/qemu/tree/include

CDT_KAT := $(BIN)/cryptodev-kat
CDT_STRESS := $(BIN)/cryptodev-stress
CDT_SPEED := $(BIN)/cryptodev-speed
CDT_HOSTCORE_KAT := $(BIN)/cryptodev-hostcore-kat
CDT_PROGRAMS := $(CDT_KAT) $(CDT_STRESS) $(CDT_SPEED) $(CDT_HOSTCORE_KAT)
CDT_VECTORS_CHECK := $(CDT_BUILD)/cryptodev-vectors-check
CDT_GUEST_SCRIPTS := $(CDT_SRC)/cryptodev-guest-check.sh \
	$(CDT_SRC)/cryptodev-guest-bench.sh

CDT_QEMU_DEVICE ?= virtio-cryptodev-pci
# Bounded for TCG: about a minute of stress on two vCPUs.
CDT_STRESS_ARGS ?= -p 2 -t 4 -n 400 -k 8 -c 1500
CDT_SPEED_ARGS ?=
CDT_CHECK_TIMEOUT := 900
# A second device with small limits, checked to be exactly these.  Its
# PCI slot is after the first device's, so the driver names it crypto1.
CDT_LIMITS_SESSIONS := 5
CDT_LIMITS_FILES := 9
CDT_LIMITS_DATA_LEN := 65536
CDT_LIMITS_QEMU_DEVICE := virtio-cryptodev-pci,addr=0x10,num-queues=1,$\
max-sessions=$(CDT_LIMITS_SESSIONS),max-files=$(CDT_LIMITS_FILES),$\
max-data-len=$(CDT_LIMITS_DATA_LEN)
CDT_LIMITS_ARGS := -S $(CDT_LIMITS_SESSIONS) -F $(CDT_LIMITS_FILES) \
	-L $(CDT_LIMITS_DATA_LEN)
CDT_EXPECT := cryptodev-kat cryptodev-stress cryptodev-hostcore-kat \
	cryptodev-limits cryptodev-leaks
CDT_TAP2JUNIT := $(PYTHON) $(TOP)/tests/tap2junit
CDT_VM_ARGS = --smp 2 --qemu-arg -device --qemu-arg $(CDT_QEMU_DEVICE) \
	--modprobe virtio_cryptodev
CDT_CHECK_ENV = CDT_STRESS_ARGS="$(CDT_STRESS_ARGS)" \
	CDT_LIMITS_DEVICE=/dev/crypto1 CDT_LIMITS_ARGS="$(CDT_LIMITS_ARGS)"

ALL_TARGETS += $(CDT_PROGRAMS) $(CDT_VECTORS_CHECK)
LAB_GUEST_BINS += $(CDT_PROGRAMS)
LAB_GUEST_FILES += $(CDT_GUEST_SCRIPTS)
CHECK_TARGETS += check-cryptodev-vectors check-cryptodev
DEPS_PARTS += tests

.PHONY: cryptodev-tests check-cryptodev-vectors check-cryptodev

cryptodev-tests: $(CDT_PROGRAMS)

CDT_COMMON_OBJS := $(addprefix $(CDT_BUILD)/,vectors.o tap.o)
CDT_KAT_OBJS := $(CDT_COMMON_OBJS) $(CDT_BUILD)/kat.o

$(CDT_BUILD)/%.o: $(CDT_SRC)/%.c
	@mkdir -p $(@D)
	$(CC) $(CDT_CFLAGS) -c -o $@ $<

$(CDT_BUILD)/cryptodev-hostcore-kat.o: $(CDT_SRC)/cryptodev-hostcore-kat.c
	@mkdir -p $(@D)
	$(CC) $(CDT_HOSTCORE_CFLAGS) -c -o $@ $<

$(CDT_BUILD)/core.o: $(CDT_CORE_C)
	@mkdir -p $(@D)
	$(CC) $(CDT_HOSTCORE_CFLAGS) -c -o $@ $<

$(CDT_BUILD)/host-core.o: $(CDT_HOSTCORE_C)
	@mkdir -p $(@D)
	$(CC) $(CDT_HOSTCORE_CFLAGS) -c -o $@ $<

$(CDT_KAT): $(CDT_BUILD)/cryptodev-kat.o $(CDT_KAT_OBJS)
	@mkdir -p $(@D)
	$(CC) -o $@ $^ $(CDT_LDFLAGS)

$(CDT_STRESS): $(CDT_BUILD)/cryptodev-stress.o $(CDT_COMMON_OBJS)
	@mkdir -p $(@D)
	$(CC) -o $@ $^ $(CDT_LDFLAGS)

$(CDT_SPEED): $(CDT_BUILD)/cryptodev-speed.o
	@mkdir -p $(@D)
	$(CC) -o $@ $^ $(CDT_LDFLAGS)

$(CDT_HOSTCORE_KAT): $(CDT_BUILD)/cryptodev-hostcore-kat.o \
		$(CDT_BUILD)/core.o $(CDT_BUILD)/host-core.o $(CDT_KAT_OBJS)
	@mkdir -p $(@D)
	$(CC) -o $@ $^ $(CDT_LDFLAGS)

# Host side, linked against OpenSSL: sanitizers welcome here.
$(CDT_VECTORS_CHECK): $(CDT_SRC)/cryptodev-vectors-check.c \
		$(CDT_SRC)/vectors.c $(CDT_SRC)/tap.c
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -I$(CDT_SRC) -o $@ $^ \
		$(BASE_LDFLAGS) -lcrypto

-include $(wildcard $(CDT_BUILD)/*.d)

check-cryptodev-vectors: $(CDT_VECTORS_CHECK)
	@mkdir -p $(RESULTS)
	@status=0; \
	$(CDT_VECTORS_CHECK) > $(CDT_BUILD)/vectors.tap || status=$$?; \
	grep -v '^ok' $(CDT_BUILD)/vectors.tap || true; \
	$(CDT_TAP2JUNIT) --name cryptodev-vectors --runner-status $$status \
		-o $(RESULTS)/cryptodev-vectors.xml $(CDT_BUILD)/vectors.tap

# The guest's TAP streams live as it runs and lands in build/ for a look
# afterwards; the report covers a guest that died half-way too.
check-cryptodev: lab $(CDT_PROGRAMS) $(DRV_KO)
	@mkdir -p $(RESULTS) $(CDT_BUILD)
	@{ $(LAB_RUN) $(CDT_VM_ARGS) --timeout $(CDT_CHECK_TIMEOUT) \
		--qemu-arg -device --qemu-arg $(CDT_LIMITS_QEMU_DEVICE) \
		--console-log $(CDT_BUILD)/check-console.log \
		-- '$(CDT_CHECK_ENV) /opt/tests/cryptodev-guest-check.sh'; \
		echo $$? > $(CDT_BUILD)/check.status; } | tee $(CDT_BUILD)/check.tap
	@$(CDT_TAP2JUNIT) --name cryptodev \
		--runner-status $$(cat $(CDT_BUILD)/check.status) \
		$(addprefix --expect ,$(CDT_EXPECT)) \
		-o $(RESULTS)/cryptodev.xml $(CDT_BUILD)/check.tap

# The reference /dev/crypto: cryptodev-linux itself (CRYPTODEV_LINUX_DIR,
# CDL_KO and its place in the guest come from vm/vm.mk).  Its tree is never
# built in place (it may be read-only): a copy under build/ is.
CDL_SKIP_MSG := cryptodev-linux reference skipped: no cryptodev-linux tree \
	(set CRYPTODEV_LINUX_DIR=<path to a cryptodev-linux checkout>)
CDL_EXPECT := cryptodev-kat cryptodev-stress cryptodev-hostcore-kat
# The guest programs on cryptodev-linux: its module over the guest kernel.
CDL_VM_ARGS := --smp 2 --modprobe cryptodev
CDL_CHECK_ENV := CDT_PROGRAMS="kat stress hostcore" \
	CDT_STRESS_ARGS="$(CDT_STRESS_ARGS) -x mixed,shared,kill,storm"

CHECK_TARGETS += check-cryptodev-reference
.PHONY: cryptodev-linux check-cryptodev-reference

ifneq ($(CRYPTODEV_LINUX_DIR),)
cryptodev-linux: $(CDL_KO)

# Its own Makefile's build target (it writes version.h first).
$(CDL_KO): $(wildcard $(CRYPTODEV_LINUX_DIR)/*.[ch] \
		$(CRYPTODEV_LINUX_DIR)/crypto/*.h $(CRYPTODEV_LINUX_DIR)/Makefile) \
		| lab-kernel
	@rm -rf $(CDL_BUILD) && mkdir -p $(CDL_BUILD)
	@cp -R $(CRYPTODEV_LINUX_DIR)/. $(CDL_BUILD)/
	@chmod -R u+w $(CDL_BUILD)
	@$(MAKE) --no-print-directory -s -C $(CDL_BUILD) \
		KERNEL_DIR=$(LAB_KDIR) build > $(CDL_BUILD)/build.log 2>&1 || \
		{ tail -n 30 $(CDL_BUILD)/build.log; exit 1; }
	@echo "cryptodev-linux: $@"

check-cryptodev-reference: lab $(CDT_PROGRAMS) $(CDL_KO)
	@mkdir -p $(RESULTS) $(CDT_BUILD)
	@{ $(LAB_RUN) $(CDL_VM_ARGS) --timeout $(CDT_CHECK_TIMEOUT) \
		--console-log $(CDT_BUILD)/reference-console.log \
		-- '$(CDL_CHECK_ENV) /opt/tests/cryptodev-guest-check.sh'; \
		echo $$? > $(CDT_BUILD)/reference.status; } \
		| tee $(CDT_BUILD)/reference.tap
	@$(CDT_TAP2JUNIT) --name cryptodev-reference \
		--runner-status $$(cat $(CDT_BUILD)/reference.status) \
		$(addprefix --expect ,$(CDL_EXPECT)) \
		-o $(RESULTS)/cryptodev-reference.xml $(CDT_BUILD)/reference.tap
else
cryptodev-linux:
	@echo "$(CDL_SKIP_MSG)"

check-cryptodev-reference:
	@mkdir -p $(RESULTS) $(CDT_BUILD)
	@echo "$(CDL_SKIP_MSG)"
	@printf 'ok 1 - cryptodev-linux reference # SKIP %s\n1..1\n' \
		"$(CDL_SKIP_MSG)" > $(CDT_BUILD)/reference.tap
	@$(CDT_TAP2JUNIT) --name cryptodev-reference \
		-o $(RESULTS)/cryptodev-reference.xml $(CDT_BUILD)/reference.tap
endif
