#!/bin/sh
# The guest driver's tests, run inside the lab guest (busybox sh) by
# `make check-driver`.  Prints TAP on stdout; exits non-zero when any
# case failed.  Needs: virtio_cryptodev.ko and vcd_hostile.ko installed as
# modules, vcd-smoke and vcd-smoke32 (its 32-bit build) in PATH, one
# virtio-cryptodev-pci device.

DRV=virtio_cryptodev
DRV_DIR=/sys/bus/virtio/drivers/$DRV
HOSTILE_DIR=/sys/kernel/debug/vcd_hostile
STORM_CYCLES=300
THREADS=8
THREAD_ROUNDS=40
KILL_ROUNDS=3
UNBIND_ROUNDS=5
# The QEMU device's defaults: exactly this many files and sessions fit.
DEV_MAX_FILES=256
DEV_MAX_SESSIONS=64
# Two ordinary users (no capabilities) and their default shares of the
# device: max_files / 4 files, max(max_files, max_sessions) sessions.
UID_A=1000
UID_B=1001
UID_FILES=$((DEV_MAX_FILES / 4))
UID_SESSIONS=$DEV_MAX_FILES
UID_FLOOD_THREADS=16
# Kernel log lines that mean the driver (or anything) went wrong.
KERNEL_BAD='BUG:|WARNING:|Oops|general protection|KASAN|kmemleak|refcount_t|list_(add|del) corruption|hung task'

n=0
failed=0

ok() { n=$((n + 1)); echo "ok $n - $*"; }
section() { echo "# == $1 (uptime $(cut -d' ' -f1 /proc/uptime) s)"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }

# check DESCRIPTION COMMAND...: one case, the command's output as comments.
check() {
	desc=$1
	shift
	if "$@" > /tmp/check.out 2>&1; then
		ok "$desc"
	else
		not_ok "$desc"
		sed 's/^/# /' /tmp/check.out
	fi
}

# run_tap PREFIX COMMAND...: fold a TAP-printing command's cases into ours.
run_tap() {
	prefix=$1
	shift
	"$@" > /tmp/sub.tap 2>&1
	status=$?
	while IFS= read -r line; do
		case $line in
		"ok "*) ok "$prefix: ${line#* - }" ;;
		"not ok "*) not_ok "$prefix: ${line#* - }" ;;
		1..*) ;;
		*) echo "# $line" ;;
		esac
	done < /tmp/sub.tap
	[ "$status" -eq 0 ] || not_ok "$prefix: exits with status 0 (got $status)"
}

wait_for() {
	tries=50
	while [ $tries -gt 0 ]; do
		eval "$1" && return 0
		sleep 0.1
		tries=$((tries - 1))
	done
	return 1
}

# wait_all PID...: waits for each; $exited_bad says how many exited
# non-zero (a variable, not output: a subshell could not wait for them).
wait_all() {
	exited_bad=0
	for p in "$@"; do
		wait "$p" || exited_bad=$((exited_bad + 1))
	done
}

virtio_name() {
	for d in "$DRV_DIR"/virtio*; do
		[ -e "$d" ] && { basename "$d"; return 0; }
	done
	return 1
}

STATS=/sys/kernel/debug/virtio_cryptodev

# Nothing of the driver's may outlive its users: files, requests and
# uid shares at 0, one device object (the bound one) once old files are
# closed.
stats_idle() {
	[ "$(cat $STATS/files)" = 0 ] && [ "$(cat $STATS/requests)" = 0 ] &&
		[ "$(cat $STATS/users)" = 0 ] && [ "$(cat $STATS/devices)" = 1 ]
}

check_no_leaks() {
	if wait_for stats_idle; then
		ok "$1: no files, requests, uid shares or old devices left"
	else
		not_ok "$1: no files, requests, uid shares or old devices left"
		for f in devices files requests users; do
			echo "# $f: $(cat $STATS/$f)"
		done
	fi
}

kernel_log_clean() {
	! dmesg | grep -E "$KERNEL_BAD"
}

test_load() {
	check "modprobe $DRV" modprobe $DRV
	check "/dev/crypto appears" wait_for '[ -c /dev/crypto ]'
	dmesg | grep -E 'virtio_cryptodev|/dev/crypto' | sed 's/^/# /'
}

parallel_storms() {
	pids=
	for i in 1 2 3 4; do
		vcd-smoke storm 100 &
		pids="$pids $!"
	done
	# shellcheck disable=SC2086 # one PID per word
	wait_all $pids
	[ "$exited_bad" -eq 0 ]
}

test_basic() {
	run_tap kat vcd-smoke kat
	run_tap kat32 vcd-smoke32 kat
	run_tap storm vcd-smoke storm $STORM_CYCLES
	check "4 open/close storms at once" parallel_storms
	run_tap threads vcd-smoke threads $THREADS $THREAD_ROUNDS
	run_tap limits vcd-smoke limits $DEV_MAX_FILES $DEV_MAX_SESSIONS
	check_no_leaks basic
}

# Per-uid shares: uid A takes exactly its files and sessions and more
# in-flight bytes than its budget (its submitters wait, none fails), uid B
# still opens, creates a session and encrypts; root raises the shares
# through the parameters and uid A gets more; once uid A closed
# everything it has its whole share again.
test_fair() {
	run_tap fair vcd-smoke fair $UID_A $UID_B $UID_FILES $UID_SESSIONS
	check_no_leaks fair

	# SIGKILL of a uid's submitters in flight, waiting for its budget and
	# opening files: every charge comes back (the whole share again).
	vcd-smoke as $UID_A flood $UID_FLOOD_THREADS > /tmp/flood.out 2>&1 &
	k1=$!
	vcd-smoke as $UID_A storm 100000 > /dev/null 2>&1 &
	k2=$!
	sleep 1
	kill -9 $k1 $k2
	wait $k1 $k2 2> /dev/null
	check "uid $UID_A flooded the device until killed" \
		grep -q flood /tmp/flood.out
	check_no_leaks fair-kill
	run_tap fair-after-kill vcd-smoke as $UID_A limits $UID_FILES \
		$DEV_MAX_SESSIONS
	check_no_leaks fair-after-kill
}

# More requests at once than the queues take: with queue_depth=1 the
# submitters must sleep for room (ring_full_waits counts them), the same
# path as a full ring, and every round trip must still check out.  Two
# processes of 1 MiB requests (about a millisecond each on the device's
# workers) keep the queues full while the checked threads run, so they
# wait for room however quickly the device answers their own requests:
# a small request is answered during its own kick, so a second slot
# would be free again before any other submitter could look.
test_ring_full() {
	check "reload with queue_depth=1" \
		sh -c "rmmod $DRV && modprobe $DRV queue_depth=1"
	wait_for '[ -c /dev/crypto ]'
	fillers=
	for i in 1 2; do
		vcd-smoke speed 1048576 2 > /tmp/fill.$i 2>&1 &
		fillers="$fillers $!"
	done
	pids=
	for i in 1 2; do
		vcd-smoke threads 16 10 > /tmp/full.$i 2>&1 &
		pids="$pids $!"
	done
	# shellcheck disable=SC2086 # one PID per word
	wait_all $pids
	check "32 threads through queues 1 deep ($exited_bad processes failed)" \
		[ "$exited_bad" -eq 0 ]
	# shellcheck disable=SC2086
	wait_all $fillers
	check "2 processes of 1 MiB requests alongside ($exited_bad failed)" \
		[ "$exited_bad" -eq 0 ]
	waits=$(cat $STATS/ring_full_waits)
	check "submitters waited for room: $waits times" [ "$waits" -gt 0 ]
	check_no_leaks ring-full

	# SIGKILL while waiting for room and while opens are in flight: no
	# request leaks here, no file leaks on the device (exact limits).
	vcd-smoke busy > /dev/null 2>&1 &
	k1=$!
	vcd-smoke busy > /dev/null 2>&1 &
	k2=$!
	vcd-smoke storm 100000 > /dev/null 2>&1 &
	k3=$!
	vcd-smoke threads 8 100000 > /dev/null 2>&1 &
	k4=$!
	sleep 1
	kill -9 $k1 $k2 $k3 $k4
	wait $k1 $k2 $k3 $k4 2> /dev/null
	check_no_leaks kill-while-waiting
	echo "# opens killed after the device opened the file (closed by the driver): $(cat $STATS/orphans_closed)"
	run_tap limits-after-kill vcd-smoke limits $DEV_MAX_FILES $DEV_MAX_SESSIONS
	check "reload with the default depth" \
		sh -c "rmmod $DRV && modprobe $DRV"
	wait_for '[ -c /dev/crypto ]'
}

# SIGKILL while requests are in flight: the process dies at once, the
# device returns the buffers later, nothing leaks or warns.
test_kill() {
	i=0
	while [ $i -lt $KILL_ROUNDS ]; do
		vcd-smoke busy > /tmp/busy.out 2>&1 &
		busy=$!
		vcd-smoke threads $THREADS 100000 > /dev/null 2>&1 &
		threads=$!
		sleep 1
		kill -9 $busy $threads
		wait $busy $threads 2> /dev/null
		i=$((i + 1))
	done
	check "killed processes (SIGKILL mid-request, $KILL_ROUNDS rounds)" \
		grep -q busy /tmp/busy.out
	run_tap after-kill vcd-smoke storm 20
	check_no_leaks kill
}

test_rmmod_busy() {
	exec 3<> /dev/crypto
	check "rmmod refused while /dev/crypto is open" \
		sh -c "! rmmod $DRV"
	check "open file still works after the refused rmmod" \
		vcd-smoke storm 5
	exec 3>&-
	check "rmmod after the last close" rmmod $DRV
	check "/dev/crypto is gone" sh -c '! [ -e /dev/crypto ]'
	check "modprobe again" modprobe $DRV
	check "/dev/crypto is back" wait_for '[ -c /dev/crypto ]'
	run_tap reload vcd-smoke kat
}

test_unbind() {
	vdev=$(virtio_name) || { not_ok "find the bound virtio device"; return; }
	run_tap unbind vcd-smoke gone "echo $vdev > $DRV_DIR/unbind"
	check "/dev/crypto is gone after unbind" sh -c '! [ -e /dev/crypto ]'
	check "bind again" sh -c "echo $vdev > $DRV_DIR/bind"
	check "/dev/crypto after bind" wait_for '[ -c /dev/crypto ]'
	run_tap rebind vcd-smoke storm 10

	# Unbind under load, again and again; an ordinary user's share goes
	# with its files and requests.
	i=0
	while [ $i -lt $UNBIND_ROUNDS ]; do
		vcd-smoke threads $THREADS 100000 > /dev/null 2>&1 &
		load=$!
		vcd-smoke as $UID_A flood 4 > /dev/null 2>&1 &
		uload=$!
		sleep 0.5
		echo "$vdev" > "$DRV_DIR/unbind"
		wait $load $uload
		echo "$vdev" > "$DRV_DIR/bind"
		wait_for '[ -c /dev/crypto ]'
		i=$((i + 1))
	done
	check "unbind/bind under load, $UNBIND_ROUNDS rounds, then it works" \
		vcd-smoke storm 10
	check_no_leaks unbind
}

# Hot-unplug as the guest sees it: the PCI function goes away.
test_pci_remove() {
	vdev=$(virtio_name) || { not_ok "find the bound virtio device"; return; }
	pci=$(basename "$(dirname "$(readlink -f /sys/bus/virtio/devices/$vdev)")")
	run_tap unplug vcd-smoke gone "echo 1 > /sys/bus/pci/devices/$pci/remove"
	check "PCI rescan" sh -c "echo 1 > /sys/bus/pci/rescan"
	check "/dev/crypto is back after the rescan" wait_for '[ -c /dev/crypto ]'
	run_tap replug vcd-smoke kat
	check_no_leaks unplug
}

test_hostile() {
	check "rmmod $DRV for the hostile driver" rmmod $DRV
	check "modprobe vcd_hostile" modprobe vcd_hostile
	check "hostile run" sh -c "echo 1 > $HOSTILE_DIR/run"
	run_tap hostile cat $HOSTILE_DIR/results
	check "hostile: no case failed" \
		sh -c "grep -q '^# 0 failed' $HOSTILE_DIR/results"
	check "rmmod vcd_hostile" rmmod vcd_hostile
	check "modprobe $DRV after the hostile driver" modprobe $DRV
	check "/dev/crypto after the hostile driver" wait_for '[ -c /dev/crypto ]'
	run_tap after-hostile vcd-smoke kat
	check_no_leaks hostile
}

section load
test_load
section basic
test_basic
section fair
test_fair
section ring_full
test_ring_full
section kill
test_kill
section rmmod_busy
test_rmmod_busy
section unbind
test_unbind
section pci_remove
test_pci_remove
section hostile
test_hostile
check "final rmmod" rmmod $DRV
check "kernel log has no BUG/WARNING/Oops" kernel_log_clean

echo "1..$n"
[ "$failed" -eq 0 ]
