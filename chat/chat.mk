# The chat part: cchatd (server), the shared IRC code, the client and
# benchmark fragments, and their tests.
#
#   make $(BIN)/cchatd      the server
#   make check-chat         unit tests (cmocka) and end-to-end tests (pytest)
#   make demo-chat          a server and two clients talking (plain IRC)
#   make check-secure-vm    encrypted chat between the VM and the host
#   make demo-secure        the same, narrated (the DEMO_TARGET: make demo)
#
# Every chat object goes under $(BUILD)/chat/, mirroring chat/.

CHAT_BUILD := $(BUILD)/chat
CHAT_CFLAGS = $(BASE_CFLAGS) $(CFLAGS) -I$(TOP)/chat/common
CHAT_OBJ = $(patsubst $(TOP)/chat/%.c,$(CHAT_BUILD)/%.o,$(1))

# The encrypted transport (secure/): the library's path is spelled out
# here because secure/secure.mk is read after this fragment; its libcrypto
# flags are used in recipes only, where they are known.
CHAT_SECURE_LIB := $(BUILD)/secure/libsecure.a
CHAT_SECURE_CFLAGS = -I$(TOP)/secure $(SECURE_CRYPTO_CFLAGS)
# TLS (chat/server/transport_tls.c): OpenSSL's libssl.
CHAT_TLS_CFLAGS := $(shell pkg-config --cflags libssl 2>/dev/null)
CHAT_TLS_LIBS := $(shell pkg-config --libs libssl 2>/dev/null || echo -lssl)
CHAT_TLS_STATIC_LIBS := $(shell pkg-config --static --libs libssl \
	2>/dev/null || echo -lssl -lcrypto)

CHAT_COMMON_SRCS := $(wildcard $(TOP)/chat/common/*.c)
CHAT_COMMON_LIB := $(CHAT_BUILD)/libchatcommon.a

CHAT_SERVER_SRCS := $(filter-out %/main.c,$(wildcard $(TOP)/chat/server/*.c))
CHAT_SERVER_LIB := $(CHAT_BUILD)/libcchatd.a

CHAT_UNIT_DIR := $(CHAT_BUILD)/tests/unit
CHAT_UNIT_TESTS := $(patsubst $(TOP)/chat/tests/unit/%.c,$(CHAT_UNIT_DIR)/%,\
	$(wildcard $(TOP)/chat/tests/unit/test_common_*.c \
		$(TOP)/chat/tests/unit/test_server_*.c))

ALL_TARGETS += $(BIN)/cchatd
DEPS_PARTS += chat
CHECK_TARGETS += check-chat

$(CHAT_BUILD)/%.o: $(TOP)/chat/%.c
	@mkdir -p $(@D)
	$(CC) $(CHAT_CFLAGS) -c -o $@ $<

$(CHAT_COMMON_LIB): $(call CHAT_OBJ,$(CHAT_COMMON_SRCS))
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(CHAT_SERVER_LIB): $(call CHAT_OBJ,$(CHAT_SERVER_SRCS))
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(BIN)/cchatd: $(CHAT_BUILD)/server/main.o $(CHAT_SERVER_LIB) \
		$(CHAT_COMMON_LIB) $(CHAT_SECURE_LIB)
	@mkdir -p $(@D)
	$(CC) $(BASE_LDFLAGS) -o $@ $^ $(CHAT_TLS_LIBS) $(SECURE_CRYPTO_LIBS) -lcrypt

$(CHAT_BUILD)/server/transport_tls.o: CHAT_CFLAGS += $(CHAT_TLS_CFLAGS)

# Only the transports (and their shared socket side) see the library's
# header.
$(CHAT_BUILD)/server/transport_secure.o $(CHAT_BUILD)/common/secure_io.o: \
	CHAT_CFLAGS += $(CHAT_SECURE_CFLAGS)

# Server unit tests link the server's objects; common tests need only
# the common library.
$(CHAT_UNIT_DIR)/test_server_%: $(CHAT_UNIT_DIR)/test_server_%.o \
		$(CHAT_SERVER_LIB) $(CHAT_COMMON_LIB) $(CHAT_SECURE_LIB)
	$(CC) $(BASE_LDFLAGS) -o $@ $^ -lcmocka $(CHAT_TLS_LIBS) \
		$(SECURE_CRYPTO_LIBS) -lcrypt

# The server tests include the server's own headers.
$(CHAT_UNIT_DIR)/test_server_%.o: CHAT_CFLAGS += -I$(TOP)/chat/server

$(CHAT_UNIT_DIR)/test_common_%: $(CHAT_UNIT_DIR)/test_common_%.o \
		$(CHAT_COMMON_LIB)
	$(CC) $(BASE_LDFLAGS) -o $@ $^ -lcmocka

-include $(wildcard $(CHAT_BUILD)/*/*.d $(CHAT_BUILD)/tests/unit/*.d)

-include $(TOP)/chat/client/client.mk $(TOP)/chat/bench/bench.mk

# Keep test objects so that a rebuild does not recompile them.
.SECONDARY: $(addsuffix .o,$(CHAT_UNIT_TESTS))

# After the client's fragments, so that their programs are known here.
CHAT_PROGRAMS := $(BIN)/cchatd $(filter $(BIN)/cchat%,$(ALL_TARGETS))

# ---- cchat-load: plain against encrypted (make bench-secure-chat) --------
#
#   make bench-secure-chat   host: plain vs encrypted chat, with ratios;
#                            guest: /dev/crypto vs software, 100-byte messages

CHAT_LOAD_OBJ := $(CHAT_BUILD)/load/cchat-load.o
ALL_TARGETS += $(BIN)/cchat-load
$(CHAT_LOAD_OBJ): CHAT_CFLAGS += $(CHAT_SECURE_CFLAGS)

$(BIN)/cchat-load: $(CHAT_LOAD_OBJ) $(CHAT_COMMON_LIB) $(CHAT_SECURE_LIB)
	@mkdir -p $(@D)
	$(CC) $(BASE_LDFLAGS) -o $@ $^ $(SECURE_CRYPTO_LIBS)

BENCH_TARGETS += bench-secure-chat
.PHONY: bench-secure-chat
bench-secure-chat: lab $(BIN)/cchatd $(BIN)/cchat $(BIN)/cchat-load
	@CCHAT_BIN=$(BIN) LAB_RUN=$(LAB_RUN) $(PYTHON) \
		$(TOP)/chat/load/bench_secure_chat.py

# ---- The guest's programs ------------------------------------------------
#
# The VM's busybox initramfs has no shared libraries: cchat and the secure
# tools go there linked statically (the same sources and wire code as the
# host's programs; secure.mk's tools are static already).  A static link
# cannot carry the sanitizers, so a SANITIZE=1 make asks a plain make for
# them.  vm/vm.mk copies LAB_GUEST_BINS to the guest's /bin.

CHAT_GUEST_CCHAT := $(TOP)/build/bin/static/cchat
CHAT_GUEST_LOAD := $(TOP)/build/bin/static/cchat-load
CHAT_GUEST_TOOLS := $(TOP)/build/bin/secure-interop $(TOP)/build/bin/secure-bench
CHAT_READLINE_STATIC_LIBS := $(shell pkg-config --static --libs readline \
	2>/dev/null || echo -lreadline -ltinfo)
LAB_GUEST_BINS += $(CHAT_GUEST_CCHAT) $(CHAT_GUEST_LOAD) $(CHAT_GUEST_TOOLS)

ifeq ($(SANITIZE),1)
.PHONY: chat-guest-bins
chat-guest-bins:
	@$(MAKE) --no-print-directory SANITIZE= $(CHAT_GUEST_CCHAT) \
		$(CHAT_GUEST_LOAD) $(CHAT_GUEST_TOOLS)
$(CHAT_GUEST_CCHAT) $(CHAT_GUEST_LOAD) $(CHAT_GUEST_TOOLS): chat-guest-bins
else
# glibc warns that getaddrinfo and getpwuid need its shared NSS modules
# at run time in a static program; cchat in the guest is given numeric
# addresses and a nick, so neither ever needs them.  The warnings are
# kept in cchat-static.ldlog, shown only when the link fails.
$(CHAT_GUEST_CCHAT): $(CHAT_BUILD)/client/main.o $(CHAT_CLIENT_LIB) \
		$(CHAT_COMMON_LIB) $(CHAT_SECURE_LIB)
	@mkdir -p $(@D)
	$(CC) -static -o $@.tmp $^ $(CHAT_READLINE_STATIC_LIBS) \
		$(CHAT_TLS_STATIC_LIBS) $(SECURE_CRYPTO_STATIC_LIBS) \
		2>$(CHAT_BUILD)/cchat-static.ldlog || \
		{ cat $(CHAT_BUILD)/cchat-static.ldlog; exit 1; }
	@mv $@.tmp $@

$(CHAT_GUEST_LOAD): $(CHAT_LOAD_OBJ) $(CHAT_COMMON_LIB) $(CHAT_SECURE_LIB)
	@mkdir -p $(@D)
	$(CC) -static -o $@.tmp $^ $(SECURE_CRYPTO_STATIC_LIBS) \
		2>$(CHAT_BUILD)/cchat-load-static.ldlog || \
		{ cat $(CHAT_BUILD)/cchat-load-static.ldlog; exit 1; }
	@mv $@.tmp $@
endif

# ---- The encrypted chat across the VM boundary ----------------------------
#
#   make check-secure-vm   the guest's cchat on virtio-cryptodev talks to
#                          the host's cchatd (software provider)
#   make demo-secure       the same, narrated: make demo runs it

DEPS_PARTS += encrypted-chat
CHAT_VM_GUEST_SCRIPT := $(TOP)/chat/tests/vm/secure-chat-guest.sh
LAB_GUEST_FILES += $(CHAT_VM_GUEST_SCRIPT)
CHECK_TARGETS += check-secure-vm
DEMO_TARGET := demo-secure

.PHONY: check-secure-vm demo-secure
check-secure-vm: lab $(CHAT_PROGRAMS)
	@mkdir -p $(RESULTS)
	@cd $(TOP) && CCHAT_BIN=$(BIN) LAB_RUN=$(LAB_RUN) \
		PYTHONDONTWRITEBYTECODE=1 $(PYTHON) -m pytest -p no:cacheprovider \
		-q -s chat/tests/vm --junitxml=$(RESULTS)/secure-vm.xml

demo-secure: lab $(CHAT_PROGRAMS)
	@CCHAT_BIN=$(BIN) LAB_RUN=$(LAB_RUN) PYTHON=$(PYTHON) \
		$(TOP)/chat/demo-secure.sh

.PHONY: check-chat demo-chat
check-chat: $(CHAT_PROGRAMS) $(CHAT_UNIT_TESTS)
	@mkdir -p $(RESULTS)
	@status=0; \
	for t in $(CHAT_UNIT_TESTS); do \
		xml=$(RESULTS)/chat-unit-$$(basename $$t).xml; \
		rm -f $$xml; \
		CMOCKA_MESSAGE_OUTPUT=xml CMOCKA_XML_FILE=$$xml $$t || \
			{ echo "$$t FAILED"; status=1; }; \
	done; \
	cd $(TOP) && CCHAT_BIN=$(BIN) PYTHONDONTWRITEBYTECODE=1 \
		$(PYTHON) -m pytest -p no:cacheprovider -q chat/tests/e2e \
		--junitxml=$(RESULTS)/chat-e2e.xml || status=1; \
	exit $$status

demo-chat: $(CHAT_PROGRAMS)
	@CCHAT_BIN=$(BIN) $(TOP)/chat/demo.sh
