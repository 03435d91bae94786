#!/bin/sh
# The guest's side of the encrypted chat across the VM boundary (used by
# chat/tests/vm/test_secure_vm.py and by make demo):
#
#   secure-chat-guest.sh HOST PORT KEY NICK CHANNEL SAY WAIT_FOR
#
# Runs cchat --secure with the virtio-cryptodev device (/dev/crypto) as
# its crypto provider against the host's cchatd, says SAY in CHANNEL,
# waits until a line containing WAIT_FOR arrives, then quits.  Prints
# its progress as "guest: ..." lines, then everything cchat showed.
# Exit status: cchat's (0 after a clean /quit), 1 on a timeout.
set -u
host=$1 port=$2 key=$3 nick=$4 channel=$5 say=$6 wait_for=$7
step_limit=${SECURE_CHAT_STEP_S:-120}
work=/tmp/secure-chat
mkdir -p "$work"
chmod 600 "$key"

echo "guest: /dev/crypto is $(ls -l /dev/crypto 2>&1)"
mkfifo "$work/in"
cchat --secure --key "$key" --crypto-dev /dev/crypto -p "$port" \
	-n "$nick" -c "$channel" "$host" \
	<"$work/in" >"$work/out" 2>"$work/err" &
pid=$!
exec 3>"$work/in"

show() {
	echo "--- what cchat showed in the guest"
	cat "$work/out"
	if [ -s "$work/err" ]; then
		echo "--- cchat's stderr"
		cat "$work/err"
	fi
}

# until a line of cchat's output contains $1 (fixed text)
wait_for() {
	i=0
	while ! grep -qF -- "$1" "$work/out"; do
		if ! kill -0 "$pid" 2>/dev/null; then
			echo "guest: cchat ended while waiting for '$1'"
			show
			wait "$pid"
			exit 1
		fi
		i=$((i + 1))
		if [ "$i" -gt $((step_limit * 10)) ]; then
			echo "guest: timed out waiting for '$1'"
			show
			exit 1
		fi
		sleep 0.1
	done
}

wait_for "encrypted session established"
echo "guest: $(grep -o 'crypto provider: .*' "$work/out")"
echo "guest: encrypted session with $host port $port established"
wait_for "joined $channel"
echo "$say" >&3
echo "guest: said '$say'"
wait_for "$wait_for"
echo "guest: received '$(grep -F -- "$wait_for" "$work/out" | head -n 1)'"
echo "/quit" >&3
exec 3>&-
wait "$pid"
status=$?
show
echo "guest: cchat exit status $status"
exit "$status"
