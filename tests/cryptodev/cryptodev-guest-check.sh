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
echo "1..$n"
rm -f "$status_file"
[ "$failed" = 0 ]
