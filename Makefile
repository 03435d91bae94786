# Top-level build.  Each part of the product lives in its own folder and
# adds its rules through a fragment, <part>/<part>.mk, included below.
#
#   make            build the userspace programs into build/bin/
#   make check      install what is missing, build, run every test suite
#   make demo       the main job: show the system working
#   make bench      benchmarks that print numbers (not pass/fail)
#   make SANITIZE=1 ...   the same with AddressSanitizer and UBSan
#
# A fragment appends to ALL_TARGETS, CHECK_TARGETS (run in order, one
# after the other), BENCH_TARGETS and DEPS_PARTS, and may set DEMO_TARGET.

TOP := $(CURDIR)
ifeq ($(SANITIZE),1)
BUILD := $(TOP)/build/san
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
else
BUILD := $(TOP)/build
SAN_FLAGS :=
endif
BIN := $(BUILD)/bin
RESULTS := $(TOP)/build/test-results
PYTHON := /usr/bin/python3

CC ?= cc
CFLAGS ?= -O2 -g
WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE -I$(TOP)/include $(WARN) $(SAN_FLAGS) \
	-MMD -MP
BASE_LDFLAGS := $(SAN_FLAGS)

ALL_TARGETS :=
CHECK_TARGETS :=
BENCH_TARGETS :=
DEPS_PARTS :=
DEMO_TARGET :=

.PHONY: all check demo bench deps clean
all:

include $(wildcard chat/chat.mk secure/secure.mk vm/vm.mk qemu/qemu.mk qemu/fuzz/fuzz.mk \
	driver/driver.mk tests/tests.mk tests/bench.mk provider/provider.mk)

all: $(ALL_TARGETS)

deps:
	@scripts/install-deps $(sort $(DEPS_PARTS))

# Every suite runs even when an earlier one failed; the summary counts
# the JUnit reports that the suites leave in build/test-results/.
check: deps
	@rm -rf $(RESULTS) && mkdir -p $(RESULTS)
	@status=0; \
	for t in $(CHECK_TARGETS); do \
		echo "=== $$t"; \
		$(MAKE) --no-print-directory $$t || { echo "=== $$t FAILED"; status=1; }; \
	done; \
	$(PYTHON) scripts/test-summary $(RESULTS) || status=1; \
	exit $$status

demo: deps
	@[ -n "$(DEMO_TARGET)" ] || { echo "no demo yet"; exit 1; }
	@$(MAKE) --no-print-directory $(DEMO_TARGET)

bench: deps
	@for t in $(BENCH_TARGETS); do $(MAKE) --no-print-directory $$t || exit 1; done

clean:
	rm -rf build
