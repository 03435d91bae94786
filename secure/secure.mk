# The encrypted transport: libsecure, its tools and its tests.
#
#   make $(BUILD)/secure/libsecure.a   the library (API: secure/secure.h)
#   make $(BIN)/secure-interop         a peer over TCP, for provider interop
#   make $(BIN)/secure-bench           provider speed: handshakes, records
#   make check-secure                  unit tests and the socket interop test
#   make bench-secure                  secure-bench with the software provider
#
# Programs that run in the guest are linked statically against
# libcrypto.a (not under SANITIZE=1: the sanitizers need shared libc).

SECURE_BUILD := $(BUILD)/secure
SECURE_LIB := $(SECURE_BUILD)/libsecure.a
SECURE_CRYPTO_CFLAGS := $(shell pkg-config --cflags libcrypto 2>/dev/null)
SECURE_CRYPTO_LIBS := $(shell pkg-config --libs libcrypto 2>/dev/null || \
	echo -lcrypto)
SECURE_CRYPTO_STATIC_LIBS := $(shell pkg-config --static --libs libcrypto \
	2>/dev/null || echo -lcrypto -ldl -pthread)
SECURE_CFLAGS = $(BASE_CFLAGS) $(CFLAGS) -I$(TOP)/secure $(SECURE_CRYPTO_CFLAGS)

ifeq ($(SANITIZE),1)
SECURE_STATIC :=
SECURE_TOOL_LIBS = $(SECURE_CRYPTO_LIBS)
else
SECURE_STATIC := -static
SECURE_TOOL_LIBS = $(SECURE_CRYPTO_STATIC_LIBS)
endif

SECURE_LIB_SRCS := $(wildcard $(TOP)/secure/*.c)
SECURE_LIB_OBJS := $(patsubst $(TOP)/secure/%.c,$(SECURE_BUILD)/%.o,\
	$(SECURE_LIB_SRCS))
# Keys are made by `cchat keygen FILE` (chat/client/main.c).
SECURE_TOOLS := $(BIN)/secure-interop $(BIN)/secure-bench
SECURE_UNIT_DIR := $(SECURE_BUILD)/tests
SECURE_UNIT_TESTS := $(patsubst $(TOP)/secure/tests/%.c,$(SECURE_UNIT_DIR)/%,\
	$(wildcard $(TOP)/secure/tests/test_*.c))
SECURE_TEST_HELPERS := $(SECURE_UNIT_DIR)/helpers.o
# Kept after linking, so that a rebuild recompiles only what changed.
.SECONDARY: $(SECURE_TEST_HELPERS) $(addsuffix .o,$(SECURE_UNIT_TESTS)) \
	$(patsubst $(BIN)/%,$(SECURE_BUILD)/tools/%.o,$(SECURE_TOOLS))

ALL_TARGETS += $(SECURE_LIB) $(SECURE_TOOLS)
DEPS_PARTS += secure
CHECK_TARGETS += check-secure
BENCH_TARGETS += bench-secure

$(SECURE_BUILD)/%.o: $(TOP)/secure/%.c
	@mkdir -p $(@D)
	$(CC) $(SECURE_CFLAGS) -c -o $@ $<

$(SECURE_LIB): $(SECURE_LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(SECURE_TOOLS): $(BIN)/%: $(SECURE_BUILD)/tools/%.o $(SECURE_LIB)
	@mkdir -p $(@D)
	$(CC) $(BASE_LDFLAGS) $(SECURE_STATIC) -o $@ $^ $(SECURE_TOOL_LIBS)

$(SECURE_UNIT_DIR)/test_%: $(SECURE_UNIT_DIR)/test_%.o \
		$(SECURE_TEST_HELPERS) $(SECURE_LIB)
	$(CC) $(BASE_LDFLAGS) -o $@ $^ -lcmocka $(SECURE_CRYPTO_LIBS)

-include $(wildcard $(SECURE_BUILD)/*.d $(SECURE_BUILD)/tools/*.d \
	$(SECURE_UNIT_DIR)/*.d)

# Each unit test program writes secure-<name>.xml; the interop test
# finds the tools through SECURE_BIN.
.PHONY: check-secure
check-secure: $(SECURE_TOOLS) $(SECURE_UNIT_TESTS)
	@mkdir -p $(RESULTS)
	@status=0; \
	for t in $(SECURE_UNIT_TESTS); do \
		xml=$(RESULTS)/secure-$$(basename $$t).xml; \
		rm -f $$xml; \
		SECURE_BIN=$(BIN) CMOCKA_MESSAGE_OUTPUT=xml \
			CMOCKA_XML_FILE=$$xml $$t || \
			{ echo "$$t FAILED"; status=1; }; \
		[ -s $$xml ] || { echo "$$t wrote no report"; status=1; }; \
	done; \
	exit $$status

.PHONY: bench-secure
bench-secure: $(BIN)/secure-bench
	@$(BIN)/secure-bench --software
