#!/bin/sh
# Runs inside the lab guest (vm/run), with the virtio-cryptodev driver
# loaded: the cryptodev test programs one after the other, as one TAP 14
# stream with a subtest per program (tests/tap2junit turns it into JUnit
# on the host).  Exits non-zero when any program failed.
#
# Environment (all optional):
#   CDT_DEVICE       the device file (default /dev/crypto)
#   CDT_KAT_ARGS     extra arguments of cryptodev-kat
#   CDT_STRESS_ARGS  arguments of cryptodev-stress (its defaults otherwise)
#   CDT_PROGRAMS     which programs, in order (default: kat stress
#                    hostcore, plus limits when CDT_LIMITS_DEVICE is set)
#   CDT_LIMITS_DEVICE  a second device configured with small limits
#   CDT_LIMITS_ARGS    what they are, as cryptodev-stress -S/-F/-L options

device=${CDT_DEVICE:-/dev/crypto}
default_programs="kat stress hostcore${CDT_LIMITS_DEVICE:+ limits}"
programs=${CDT_PROGRAMS:-$default_programs}
status_file=/tmp/cdt-status.$$
n=0
failed=0

# One subtest: the program's output indented, then its own result line.
# The exit status goes through a file because the pipe hides it.
subtest() {
	name=$1
	shift
	n=$((n + 1))
	echo "# Subtest: $name"
	start=$(date +%s)
	{ "$@" 2>&1; echo $? > "$status_file"; } | sed 's/^/    /'
	status=$(cat "$status_file" 2>/dev/null || echo 255)
	secs=$(($(date +%s) - start))
	if [ "$status" = 0 ]; then
		echo "ok $n - $name # time=${secs}s"
	else
		echo "not ok $n - $name # exit status $status after ${secs}s"
		failed=$((failed + 1))
	fi
}

echo "TAP version 14"
echo "# kernel $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPUs"
if [ ! -c "$device" ]; then
	echo "Bail out! no $device (is the virtio-cryptodev driver loaded?)"
	exit 1
fi
for p in $programs; do
	case $p in
	kat)
		# shellcheck disable=SC2086
		subtest cryptodev-kat cryptodev-kat -d "$device" $CDT_KAT_ARGS ;;
	stress)
		# shellcheck disable=SC2086
		subtest cryptodev-stress cryptodev-stress -d "$device" $CDT_STRESS_ARGS ;;
	hostcore)
		subtest cryptodev-hostcore-kat cryptodev-hostcore-kat -d "$device" ;;
	limits)
		# shellcheck disable=SC2086
		subtest cryptodev-limits cryptodev-stress -d "$CDT_LIMITS_DEVICE" \
			-x limit $CDT_LIMITS_ARGS ;;
	*)
		echo "Bail out! unknown program $p"
		exit 1 ;;
	esac
done
# After everything: nothing of the driver's may be left behind (its
# debugfs counters, when it has them).  Requests orphaned by killed
# processes may take a moment to come back from the device.
leak_check() {
	dir=/sys/kernel/debug/virtio_cryptodev
	t=1
	if [ ! -d "$dir" ]; then
		echo "ok 1 - driver counters # SKIP no $dir"
		echo "1..1"
		return 0
	fi
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		[ "$(cat "$dir/files")" = 0 ] && [ "$(cat "$dir/requests")" = 0 ] && break
		sleep 0.5
	done
	for counter in files requests; do
		value=$(cat "$dir/$counter")
		if [ "$value" = 0 ]; then
			echo "ok $t - no driver $counter left after the tests"
		else
			echo "not ok $t - $value driver $counter left after the tests"
		fi
		t=$((t + 1))
	done
	echo "1..2"
	[ "$(cat "$dir/files")" = 0 ] && [ "$(cat "$dir/requests")" = 0 ]
}
subtest cryptodev-leaks leak_check

echo "1..$n"
rm -f "$status_file"
[ "$failed" = 0 ]
