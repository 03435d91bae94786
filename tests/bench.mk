# make bench-cryptodev: every /dev/crypto stack a lab guest can have,
# measured with the same tool (cryptodev-speed) in one boot, next to the
# host's native speed; tables, the goals of the device's performance
# issue, and a log-log picture.  docs/cryptodev-tests.md ("Benchmark")
# says what each stack is; the latest numbers are in
# docs/virtio-cryptodev.md, section 9.
#
#   ours   virtio-cryptodev-pci + the project's driver
#   peer   QEMU's virtio-crypto-pci (cryptodev-backend-builtin) + Linux's
#          virtio_crypto + cryptodev-linux (AES-CBC only: all it serves)
#   soft   cryptodev-linux over the guest's own CPU
#   afalg  the guest kernel's crypto through AF_ALG sockets
#   host   openssl speed on the host: the ceiling
#
# Knobs (make VAR=value)
#   CDT_BENCH_ALGS     of cbc,ctr,gcm,hmac (default cbc,gcm,hmac)
#   CDT_BENCH_SIZES    request sizes in bytes (default 64 B .. 64 KiB)
#   CDT_BENCH_PROCS    process counts (default 1,2,4)
#   CDT_BENCH_SECONDS  seconds per cell and side, whole (default 1)
#   CDT_BENCH_STACKS   guest stacks (default "ours soft peer")
#   CDT_SPEED_ARGS     more cryptodev-speed arguments (-r 3: best of 3)
#   CRYPTODEV_LINUX_DIR  (tests/tests.mk) the cryptodev-linux tree that soft
#                      and peer need; without one they are skipped with a
#                      message
#
# Output in $(CDT_BUILD)/bench/: guest.txt, host.txt, qemu.log (the
# device's trace of its longest crypto with the BQL held), report.md and
# bench.svg.

CDT_BENCH_ALGS ?= cbc,gcm,hmac
CDT_BENCH_SIZES ?= 64,256,1024,2048,4096,8192,16384,32768,65536
CDT_BENCH_PROCS ?= 1,2,4
CDT_BENCH_SECONDS ?= 1
CDT_BENCH_STACKS ?= ours soft peer
CDT_BENCH_OUT := $(CDT_BUILD)/bench
CDT_BENCH_TIMEOUT := 3600
CDT_BENCH_SPEED_ARGS = -a $(CDT_BENCH_ALGS) -s $(CDT_BENCH_SIZES) \
	-p $(CDT_BENCH_PROCS) -t $(CDT_BENCH_SECONDS) $(CDT_SPEED_ARGS)
# Both devices in one guest: the stacks differ only in what serves
# /dev/crypto.  The trace events give the longest BQL holds and how many
# went over 20 us.
CDT_BENCH_VM_ARGS = --smp 2 --qemu-arg -device --qemu-arg virtio-cryptodev-pci \
	--modprobe virtio_cryptodev \
	--qemu-arg -object --qemu-arg cryptodev-backend-builtin,id=cdpeer \
	--qemu-arg -device --qemu-arg virtio-crypto-pci,cryptodev=cdpeer \
	--qemu-arg -trace --qemu-arg "virtio_cryptodev_bql_*" \
	--qemu-arg -D --qemu-arg $(CDT_BENCH_OUT)/qemu.log

# Linux's driver for QEMU's virtio-crypto, for the peer stack.
LAB_IMAGE_MODULES += virtio_crypto
BENCH_TARGETS += bench-cryptodev

.PHONY: bench-cryptodev

bench-cryptodev: lab $(CDT_PROGRAMS) $(DRV_KO)
	@rm -rf $(CDT_BENCH_OUT) && mkdir -p $(CDT_BENCH_OUT)
	@cut -d' ' -f1-3 /proc/loadavg > $(CDT_BENCH_OUT)/load-before
	@echo "bench-cryptodev: host (openssl speed)"
	@$(CDT_SRC)/host-speed.sh $(CDT_BENCH_ALGS) $(CDT_BENCH_SIZES) \
		$(CDT_BENCH_PROCS) $(CDT_BENCH_SECONDS) | tee $(CDT_BENCH_OUT)/host.txt
	@echo "bench-cryptodev: guest ($(CDT_BENCH_STACKS))"
	@{ $(LAB_RUN) $(CDT_BENCH_VM_ARGS) --timeout $(CDT_BENCH_TIMEOUT) \
		-- 'CDT_BENCH_STACKS="$(CDT_BENCH_STACKS)" /opt/tests/cryptodev-guest-bench.sh $(CDT_BENCH_SPEED_ARGS)'; \
		echo $$? > $(CDT_BENCH_OUT)/status; } | tee $(CDT_BENCH_OUT)/guest.txt
	@$(PYTHON) $(CDT_SRC)/bench-report --svg $(CDT_BENCH_OUT)/bench.svg \
		--trace $(CDT_BENCH_OUT)/qemu.log \
		--when "$$(date -u '+%Y-%m-%d %H:%M UTC'), host load before $$(cat $(CDT_BENCH_OUT)/load-before)" \
		$(CDT_BENCH_OUT)/guest.txt $(CDT_BENCH_OUT)/host.txt \
		| tee $(CDT_BENCH_OUT)/report.md
	@exit $$(cat $(CDT_BENCH_OUT)/status)
