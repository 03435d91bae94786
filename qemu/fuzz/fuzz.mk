# QEMU's generic fuzzer against the virtio-cryptodev device (qemu/fuzz/).
# qemu/fuzz/README.md tells how it is built, what was run and what it found.
#
# Targets (not part of make check: a cold build takes a quarter of an hour
# and a run is as long as FUZZ_SECONDS)
#   make fuzz-qemu-build   qemu-fuzz-i386 (clang, libFuzzer, ASan, UBSan) in
#                          build/fuzz/qemu/, from a snapshot of the lab's tree
#   make fuzz-qemu         run a target for FUZZ_SECONDS (default 600); fails
#                          on a crash or sanitizer report.  FUZZ_TARGET:
#                          handles (default; x-fuzz-handles=on), plain, both
#   make fuzz-qemu-coverage per-function device coverage of the target's
#                          corpus, in build/fuzz/coverage-<target>.txt
#   make fuzz-qemu-refresh take a new snapshot of the lab's tree (after a
#                          change in qemu/) and rebuild
#
# FUZZ_ARGS passes extra libFuzzer flags, e.g. FUZZ_ARGS=-detect_leaks=0.

FUZZ_SECONDS ?= 600
FUZZ_TARGET ?= handles
FUZZ_ARGS ?=

# The fuzzer's compiler is installed by fuzz-deps, on demand: make check
# does not need it.

.PHONY: fuzz-qemu-build fuzz-qemu fuzz-qemu-refresh fuzz-qemu-coverage fuzz-deps

fuzz-deps:
	@$(TOP)/scripts/install-deps lab fuzz

# build-fuzz snapshots the lab's laid-in tree once (laying it in when the
# lab has none); a refresh has the lab re-lay qemu/ first, without
# building the lab's QEMU.
fuzz-qemu-build: fuzz-deps
	@$(TOP)/qemu/fuzz/build-fuzz >/dev/null

fuzz-qemu-refresh: fuzz-deps
	@$(TOP)/vm/qemu-build --prepare >/dev/null
	@$(TOP)/qemu/fuzz/build-fuzz --refresh >/dev/null

fuzz-qemu: fuzz-qemu-build
	@$(TOP)/qemu/fuzz/run-fuzz -t $(FUZZ_TARGET) $(FUZZ_SECONDS) -- $(FUZZ_ARGS)

fuzz-qemu-coverage: fuzz-qemu-build
	@$(TOP)/qemu/fuzz/run-fuzz -t $(FUZZ_TARGET) --coverage
