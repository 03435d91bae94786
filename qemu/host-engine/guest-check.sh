#!/bin/sh
# In a lab guest booted with the image of qemu/host-engine/mkimage and the
# virtio_cryptodev driver loaded: run the device's qtest with the device on
# engine=host over this guest's /dev/crypto.
#
# Each test case runs in its own qtest process, so that a failed assertion
# (which aborts a qtest) does not hide the cases after it; the results are
# put together as one TAP stream on stdout, the cases' own output as
# comments.  Exit status 0 when every case passed or was skipped.
#
# A case still running after CASE_TIMEOUT_S seconds (one takes a few
# seconds) is reported as failed with what each thread of its QEMU waits
# in, and killed with its QEMU; the next case runs.
#
# Environment: VCD_QTEST_CRYPTO_DEV (default /dev/crypto), and
# VCD_QTEST_HOST_DRIVER, the driver name the guest's /dev/crypto reports
# in CIOCGSESSINFO (the outer device's engine), passed on to the qtest.

QTEST=/opt/qemu/bin/virtio-cryptodev-test
CASE_TIMEOUT_S=${CASE_TIMEOUT_S:-90}
dev=${VCD_QTEST_CRYPTO_DEV:-/dev/crypto}
if [ ! -c "$dev" ]; then
	echo "Bail out! $dev is not a character device (driver not loaded?)"
	exit 1
fi
export VCD_QTEST_ENGINE=host VCD_QTEST_CRYPTO_DEV="$dev"
export QTEST_QEMU_BINARY=/opt/qemu/bin/qemu-system-x86_64
cd /tmp || exit 1

cases=$("$QTEST" -l | grep "^/")
if [ -z "$cases" ]; then
	echo "Bail out! $QTEST -l listed no test cases"
	exit 1
fi

# One case's output, less its own TAP framing, as TAP comments.
as_comments() {
	grep -vE '^(not )?ok 1 |^1\.\.|^# (Start|End) of |^# starting QEMU|: info: virtio-cryptodev: ' |
		sed 's/^\([^#]\)/# \1/; s/^$/#/'
}

# The processes whose parent is $1.
children() {
	local stat
	for stat in /proc/[0-9]*/stat; do
		set -- "$1" $(cat "$stat" 2>/dev/null)
		[ "$5" = "$1" ] && echo "$2"
	done
}

# What every thread of process $1 waits in, as TAP comments.
show_threads() {
	local task
	for task in /proc/"$1"/task/*; do
		echo "# thread ${task##*/} $(cat "$task/comm") waits in $(cat "$task/wchan")"
	done
}

# Run case $1 with its output in $2; its exit status, 124 on timeout.
run_case() {
	local pid waited=0 qemu
	"$QTEST" -p "$1" --tap > "$2" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		if [ "$waited" -ge "$CASE_TIMEOUT_S" ]; then
			for qemu in $(children "$pid"); do
				show_threads "$qemu" >> "$2"
				kill -9 "$qemu"
			done
			kill -9 "$pid"
			wait "$pid"
			return 124
		fi
		sleep 1
		waited=$((waited + 1))
	done
	wait "$pid"
}

echo "1..$(echo "$cases" | wc -l)"
n=0 failed=0 out=/tmp/case.out
for case in $cases; do
	n=$((n + 1))
	run_case "$case" "$out"
	status=$?
	result=$(grep -E '^(not )?ok 1 ' "$out" | head -n 1)
	as_comments < "$out"
	directive=$(echo "$result" | sed -n 's/^ok 1 [^#]*\(# .*\)$/ \1/p')
	case $status:$result in
	0:ok\ 1\ *)
		echo "ok $n $case$directive" ;;
	124:*)
		echo "not ok $n $case (no result after $CASE_TIMEOUT_S s)"
		failed=$((failed + 1)) ;;
	*)
		echo "not ok $n $case (exit status $status)"
		failed=$((failed + 1)) ;;
	esac
done
[ "$failed" -eq 0 ]
