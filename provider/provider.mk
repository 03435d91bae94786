# The OpenSSL 3 provider "cryptodev" (provider/): AES-CBC/CTR/ECB/GCM,
# SHA-1/2 and HMAC on /dev/crypto.  docs/openssl-provider.md tells the
# whole story.
#
# Targets
#   make provider          build/provider/cryptodev.so and its test programs
#   make install-provider  the module into OpenSSL's MODULESDIR
#                          (`openssl version -m`), under $(DESTDIR);
#                          `make install` does it too
#   make check-provider SANITIZE=1   the same with ASan and UBSan
#   make check-provider    host: the module loads without /dev/crypto, offers
#                          nothing and the default provider serves
#                          -> $(RESULTS)/provider-host.xml;
#                          guest: known answers, comparison with the default
#                          provider, openssl enc/dgst/speed, TLS 1.2 and 1.3
#                          on the virtio-cryptodev device
#                          -> $(RESULTS)/provider.xml;
#                          the same on cryptodev-linux's own module (the
#                          reference /dev/crypto; CRYPTODEV_LINUX_DIR, else
#                          skipped) -> $(RESULTS)/provider-reference.xml
#
# Knobs
#   PROV_QEMU_DEVICE   the -device argument (default virtio-cryptodev-pci)
#   PROV_RANDOM_ROUNDS rounds of the comparison with the default provider
#   PROV_MODULESDIR    where install-provider puts the module

PROV_SRC := $(TOP)/provider
PROV_BUILD := $(BUILD)/provider
PROV_SO := $(PROV_BUILD)/cryptodev.so
PROV_OBJS := $(addprefix $(PROV_BUILD)/,cryptodev_prov.o cryptodev_cipher.o \
	cryptodev_gcm.o cryptodev_hash.o)
PROV_TEST := $(PROV_BUILD)/cryptodev-provider-test
# The standard vectors and TAP helpers are the cryptodev tests' own.
PROV_TEST_OBJS := $(addprefix $(PROV_BUILD)/,cryptodev-provider-test.o \
	cdt-vectors.o cdt-tap.o)
PROV_IMAGE := $(PROV_BUILD)/initramfs.cpio
PROV_GUEST_SCRIPT := $(PROV_SRC)/tests/provider-guest-check.sh
PROV_HOST_SCRIPT := $(PROV_SRC)/tests/provider-host-check.sh
PROV_MKIMAGE := $(PROV_SRC)/tests/mkimage-provider
# With SANITIZE=1 the module and the test program carry ASan and UBSan
# (build/san/provider/); the guest image then holds their runtime too, and
# Debian's openssl runs with libasan preloaded.
PROV_CFLAGS := $(BASE_CFLAGS) $(CFLAGS) -fPIC -fvisibility=hidden -pthread
PROV_LDFLAGS := $(SAN_FLAGS)
ifeq ($(SANITIZE),1)
PROV_GUEST_ENV := PROV_SANITIZE=1
else
PROV_GUEST_ENV :=
endif
PROV_MODULESDIR ?= $(shell openssl version -m 2>/dev/null | \
	sed -n 's/^MODULESDIR: "\(.*\)"$$/\1/p')
PROV_QEMU_DEVICE ?= virtio-cryptodev-pci
PROV_RANDOM_ROUNDS ?= 300
PROV_TIMEOUT := 900
PROV_EXPECT := kat random api tls errors openssl-cli leaks

CHECK_TARGETS += check-provider
DEPS_PARTS += provider

.PHONY: provider install-provider install check-provider \
	check-provider-host check-provider-guest check-provider-reference

provider: $(PROV_SO) $(PROV_TEST)

$(PROV_BUILD)/%.o: $(PROV_SRC)/%.c
	@mkdir -p $(@D)
	$(CC) $(PROV_CFLAGS) -c -o $@ $<

$(PROV_BUILD)/%.o: $(PROV_SRC)/tests/%.c
	@mkdir -p $(@D)
	$(CC) $(PROV_CFLAGS) -I$(TOP)/tests/cryptodev -c -o $@ $<

$(PROV_BUILD)/cdt-%.o: $(TOP)/tests/cryptodev/%.c
	@mkdir -p $(@D)
	$(CC) $(PROV_CFLAGS) -I$(TOP)/tests/cryptodev -c -o $@ $<

$(PROV_SO): $(PROV_OBJS)
	$(CC) -shared -o $@ $^ $(PROV_LDFLAGS) -pthread -lcrypto -Wl,-z,defs \
		-Wl,-z,now

$(PROV_TEST): $(PROV_TEST_OBJS)
	$(CC) -o $@ $^ $(PROV_LDFLAGS) -pthread -lssl -lcrypto

-include $(wildcard $(PROV_BUILD)/*.d)

install: install-provider

install-provider: $(PROV_SO)
	@[ -n "$(PROV_MODULESDIR)" ] || { echo "install-provider: no MODULESDIR from openssl version -m"; exit 1; }
	install -d $(DESTDIR)$(PROV_MODULESDIR)
	install -m 644 $(PROV_SO) $(DESTDIR)$(PROV_MODULESDIR)/cryptodev.so

# Both halves run; each writes its own report; the target fails if either
# failed.
check-provider:
	@mkdir -p $(RESULTS)
	@status=0; \
	$(MAKE) --no-print-directory check-provider-host || status=1; \
	$(MAKE) --no-print-directory check-provider-guest || status=1; \
	$(MAKE) --no-print-directory check-provider-reference || status=1; \
	exit $$status

check-provider-host:
	@mkdir -p $(RESULTS) $(PROV_BUILD)
	@status=0; \
	{ $(MAKE) --no-print-directory provider > $(PROV_BUILD)/host-build.log 2>&1 || \
		{ cat $(PROV_BUILD)/host-build.log; echo "Bail out! the provider does not build"; exit 1; }; \
	  $(PROV_HOST_SCRIPT) $(PROV_BUILD) $(PROV_SRC) $(TOP); } \
		> $(PROV_BUILD)/host.tap 2>&1 || status=$$?; \
	cat $(PROV_BUILD)/host.tap; \
	$(PYTHON) $(TOP)/tests/tap2junit --name provider-host \
		--runner-status $$status \
		-o $(RESULTS)/provider-host.xml $(PROV_BUILD)/host.tap

$(PROV_IMAGE): $(PROV_SO) $(PROV_TEST) $(PROV_GUEST_SCRIPT) $(PROV_MKIMAGE) \
		$(PROV_SRC)/openssl-cryptodev.cnf $(LAB_INITRAMFS)
	@$(PROV_MKIMAGE) --base $(LAB_INITRAMFS) --out $@ --module $(PROV_SO) \
		--test $(PROV_TEST) --script $(PROV_GUEST_SCRIPT) \
		--cnf $(PROV_SRC)/openssl-cryptodev.cnf

# One guest run: $(1) the report's name, $(2) the vm/run options that give
# the guest its /dev/crypto.  Its TAP lands in build/ for a look
# afterwards, and the report covers a guest that died half-way (or an
# image that did not build).
define PROV_GUEST_RUN
	@mkdir -p $(RESULTS) $(PROV_BUILD)
	@rm -f $(PROV_BUILD)/$(1).tap
	@if $(MAKE) --no-print-directory $(PROV_IMAGE) > $(PROV_BUILD)/image.log 2>&1; then \
		{ $(LAB_RUN) --initrd $(PROV_IMAGE) --mem 1G --smp 2 \
			--timeout $(PROV_TIMEOUT) $(2) \
			--console-log $(PROV_BUILD)/$(1)-console.log \
			-- '$(PROV_GUEST_ENV) PROV_RANDOM_ROUNDS=$(PROV_RANDOM_ROUNDS) /opt/provider/provider-guest-check.sh'; \
		  echo $$? > $(PROV_BUILD)/$(1).status; } | tee $(PROV_BUILD)/$(1).tap; \
	else \
		cat $(PROV_BUILD)/image.log; \
		echo 'Bail out! the guest image did not build' > $(PROV_BUILD)/$(1).tap; \
		echo 126 > $(PROV_BUILD)/$(1).status; \
	fi
	@$(PYTHON) $(TOP)/tests/tap2junit --name $(1) \
		--runner-status $$(cat $(PROV_BUILD)/$(1).status) \
		$(addprefix --expect ,$(PROV_EXPECT)) \
		-o $(RESULTS)/$(1).xml $(PROV_BUILD)/$(1).tap
endef

# On the project's driver over the virtio-cryptodev device.
check-provider-guest: lab $(DRV_KO)
	$(call PROV_GUEST_RUN,provider,--qemu-arg -device --qemu-arg $(PROV_QEMU_DEVICE) --modprobe virtio_cryptodev)

# The same tests on the reference /dev/crypto, cryptodev-linux's own
# module over the guest kernel's crypto (tests/tests.mk, vm/vm.mk:
# CRYPTODEV_LINUX_DIR); skipped with a message without one.
PROV_CDL_SKIP_MSG := provider on cryptodev-linux skipped: no cryptodev-linux \
	tree (set CRYPTODEV_LINUX_DIR=<path to a cryptodev-linux checkout>)
ifneq ($(CRYPTODEV_LINUX_DIR),)
check-provider-reference: lab $(CDL_KO)
	$(call PROV_GUEST_RUN,provider-reference,--modprobe cryptodev)
else
check-provider-reference:
	@mkdir -p $(RESULTS) $(PROV_BUILD)
	@echo "$(PROV_CDL_SKIP_MSG)"
	@printf 'ok 1 - provider on cryptodev-linux # SKIP %s\n1..1\n' \
		"$(PROV_CDL_SKIP_MSG)" > $(PROV_BUILD)/provider-reference.tap
	@$(PYTHON) $(TOP)/tests/tap2junit --name provider-reference \
		-o $(RESULTS)/provider-reference.xml $(PROV_BUILD)/provider-reference.tap
endif
