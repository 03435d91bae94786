#!/bin/sh
# Guest half of the QEMU-side hot-unplug test; driver/tests/hotunplug.py
# is the host half.  It unplugs the device through QMP when it reads
# "ready-for-unplug" and plugs a new one in on "ready-for-plug".  Prints
# TAP (vcd-smoke's and its own lines); exits non-zero on failure.

WAIT_TENTHS=600

wait_node() {
	want=$1
	i=0
	while [ $i -lt $WAIT_TENTHS ]; do
		if [ -e /dev/crypto ]; then
			[ "$want" = present ] && return 0
		else
			[ "$want" = absent ] && return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

if [ "${1:-}" = --wait-gone ]; then
	wait_node absent
	exit $?
fi

status=0
modprobe virtio_cryptodev || status=1
wait_node present || { echo "not ok - /dev/crypto appears"; exit 1; }

# Requests are in flight when the device goes: busy loops on 256 KiB
# zero-copy requests, threads on smaller ones; both must see ENODEV.
vcd-smoke busy > /tmp/busy.out 2>&1 &
busy=$!
vcd-smoke threads 4 100000 > /tmp/threads.out 2>&1 &
threads=$!
# An ordinary user's requests too: its share must go with them.
vcd-smoke as 1000 flood 4 > /tmp/flood.out 2>&1 &
flood=$!
sleep 1

# A file stays open across the unplug: it must answer ENODEV, then close.
vcd-smoke gone "echo ready-for-unplug; sh $0 --wait-gone" ||
	status=1
wait $busy $threads $flood
if grep -q 'device gone' /tmp/busy.out && grep -q 'device gone' /tmp/flood.out
then
	echo "ok - requests in flight at the unplug end with ENODEV"
else
	echo "not ok - requests in flight at the unplug end with ENODEV"
	sed 's/^/# /' /tmp/busy.out /tmp/threads.out /tmp/flood.out
	status=1
fi
users=$(cat /sys/kernel/debug/virtio_cryptodev/users 2>/dev/null)
if [ "$users" = 0 ]; then
	echo "ok - no uid share left after the unplug"
else
	echo "not ok - no uid share left after the unplug (users '$users')"
	status=1
fi
echo ready-for-plug
if wait_node present; then
	echo "ok - /dev/crypto is back after device_add"
	vcd-smoke kat > /tmp/kat.tap 2>&1 || status=1
	grep -v '^ok' /tmp/kat.tap
	echo "ok - vcd-smoke kat on the new device: $(grep -c '^ok' /tmp/kat.tap) passed"
	vcd-smoke storm 20 || status=1
else
	echo "not ok - /dev/crypto is back after device_add"
	status=1
fi
if dmesg | grep -E 'BUG:|WARNING:|Oops|general protection'; then
	echo "not ok - kernel log clean after hot-unplug"
	status=1
else
	echo "ok - kernel log clean after hot-unplug"
fi
exit $status
