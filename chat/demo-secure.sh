#!/usr/bin/env bash
# make demo: the whole system in one command.
#
# cchatd runs on the host with an encrypted port (software crypto: the
# host has no /dev/crypto).  A guest VM boots on the lab's QEMU with the
# virtio-cryptodev device and its driver; inside it, the same cchat
# program encrypts through /dev/crypto, i.e. through the device.  A host
# client and the guest client talk; then the capture of the guest's
# network card is checked for the words they said.
#
#   CCHAT_BIN=build/bin LAB_RUN=vm/run chat/demo-secure.sh   (make demo)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
bin=${CCHAT_BIN:-$top/build/bin}
lab_run=${LAB_RUN:-$top/vm/run}
python=${PYTHON:-/usr/bin/python3}
pcap_tool=$top/chat/tests/e2e/pcap.py
step_timeout=${DEMO_STEP_TIMEOUT:-240}
# shellcheck source=chat/demo-lib.sh
. "$top/chat/demo-lib.sh"

# Step titles in bold on a terminal.
if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold= plain=; fi
say() {
	printf '\n%s%s%s\n' "$bold" "$1" "$plain"
	shift
	if [ $# -gt 0 ]; then printf '%s\n' "$@"; fi
}
note() { printf '   %s\n' "$*"; }

require_programs "$bin" cchatd cchat
[ -x "$lab_run" ] || die "$lab_run is missing (the VM lab: make lab)"

marker="the eagle lands at midnight"

say "1. A pre-shared key, 32 random bytes, made by 'cchat keygen'"
"$bin/cchat" keygen "$work/chat.key" | sed 's/^/   /'

say "2. cchatd on the host: plain IRC port and encrypted port"
"$bin/cchatd" --listen 127.0.0.1 --port 0 --secure-port 0 \
	--key "$work/chat.key" --no-console 2>"$work/server.log" &
server=$!
pids+=("$server")
wait_for "$work/server.log" "ready" "$server"
plain_port=$(sed -n 's/.*listening on 127.0.0.1 port \([0-9]*\)$/\1/p' \
	"$work/server.log")
secure_port=$(sed -n \
	's/.*listening on 127.0.0.1 port \([0-9]*\) (encrypted)$/\1/p' \
	"$work/server.log")
sed 's/^/   /' "$work/server.log"

say "3. bob, on the host, joins #demo over the encrypted port"
mkfifo "$work/bob.in"
"$bin/cchat" --secure --key "$work/chat.key" -p "$secure_port" -n bob \
	-c '#demo' 127.0.0.1 <"$work/bob.in" >"$work/bob.out" \
	2>"$work/bob.log" &
bob=$!
pids+=("$bob")
exec 3>"$work/bob.in"
wait_for "$work/bob.out" "bob \\(" "$bob"
grep -F "crypto provider" "$work/bob.out" | sed 's/^\[[0-9:]*\] \*\*\* /   /'
note "bob is in #demo"

say "4. The guest boots (QEMU, TCG) with -device virtio-cryptodev-pci and its driver" \
    "   alice's cchat in the guest encrypts through /dev/crypto and connects to" \
    "   10.0.2.2:$secure_port (QEMU's user network: the host's 127.0.0.1)"
"$lab_run" --timeout 600 --net --pcap "$work/guest-nic.pcap" \
	--qemu-arg -device --qemu-arg virtio-cryptodev-pci \
	--modprobe virtio_cryptodev --put "$work/chat.key:/root/chat.key" \
	-- "sh /opt/tests/secure-chat-guest.sh 10.0.2.2 $secure_port \
	    /root/chat.key alice '#demo' 'Hello bob, I am inside the VM: \
$marker' 'Hello alice'" \
	>"$work/guest.out" 2>"$work/guest.log" &
guest=$!
pids+=("$guest")
shown=0
show_guest() {
	local lines
	lines=$({ grep '^guest: ' "$work/guest.out" 2>/dev/null || true; } |
		tail -n +$((shown + 1)))
	[ -z "$lines" ] && return 0
	printf '%s\n' "$lines" | sed 's/^guest: /   [guest] /'
	shown=$((shown + $(printf '%s\n' "$lines" | wc -l)))
}
for ((i = 0; i < step_timeout * 10; i++)); do
	show_guest
	grep -qF "alice (" "$work/bob.out" && break
	kill -0 "$guest" 2>/dev/null || { show_guest; die "the guest stopped \
early: is the lab built and the virtio-cryptodev device working? \
(make check-driver)"; }
	sleep 0.1
done
grep -qF "alice (" "$work/bob.out" || die "the guest client did not join"

say "5. They talk"
wait_for "$work/bob.out" "$marker" "$bob"
show_guest
note "bob sees: $(grep -F "$marker" "$work/bob.out" | sed 's/^\[[0-9:]*\] //')"
echo "Hello alice, bob here on the host. Nobody on the wire can read us." >&3
note "bob says: Hello alice, bob here on the host. Nobody on the wire can read us."
guest_status=0
wait "$guest" || guest_status=$?
show_guest
[ "$guest_status" = 0 ] || die "the guest's side failed (vm/run status $guest_status)"
show_guest
wait_for "$work/bob.out" "alice quit" "$bob"
note "bob sees: $(grep -F "alice quit" "$work/bob.out" | sed 's/^\[[0-9:]*\] //')"

say "6. The capture check: QEMU recorded the guest's network card"
"$python" "$pcap_tool" "$work/guest-nic.pcap" --port "$secure_port" \
	--label "   guest NIC, encrypted port" --marker "$marker" \
	--marker "PRIVMSG" --expect absent ||
	die "the encrypted capture shows the marker"

echo
echo "   For comparison, the same sentence over the plain IRC port, captured on lo:"
if command -v tcpdump >/dev/null; then
	tcpdump -i lo --immediate-mode -U -n -s 0 -w "$work/plain.pcap" \
		"tcp port $plain_port" 2>"$work/tcpdump.log" &
	dump=$!
	pids+=("$dump")
	wait_for "$work/tcpdump.log" "listening on" "$dump"
	printf '%s\n' "$marker" | "$bin/cchat" -p "$plain_port" -n carol \
		-c '#plain' 127.0.0.1 >"$work/carol.out" 2>&1 || true
	sleep 0.5
	kill -INT "$dump"
	wait "$dump" 2>/dev/null || true
	"$python" "$pcap_tool" "$work/plain.pcap" --port "$plain_port" \
		--label "   lo, plain port" --marker "$marker" \
		--marker "PRIVMSG" --expect present ||
		die "the plain capture should show the marker"
else
	note "(tcpdump is not installed: skipped)"
fi

echo "/quit" >&3
exec 3>&-
wait "$bob" || true
kill -TERM "$server"
wait "$server" || die "cchatd did not stop cleanly"

say "7. What each side saw"
echo "   --- bob, on the host (software provider)"
sed 's/^/   /' "$work/bob.out"
echo "   --- alice, in the guest (virtio-cryptodev through /dev/crypto)"
sed -n '/^--- what cchat showed in the guest/,/^guest: cchat exit/p' \
	"$work/guest.out" | grep -v '^---\|^guest:' | sed 's/^/   /'
echo "   --- cchatd's log"
sed 's/^/   /' "$work/server.log"

say "Done." "The guest encrypted with the virtio-cryptodev device, the host in software:" \
    "one wire format, and the network saw only ciphertext."
