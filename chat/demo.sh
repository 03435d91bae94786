#!/usr/bin/env bash
# The chat demo: cchatd on a free loopback port, then two cchat users,
# alice and bob, hold a short scripted conversation in #demo.  Each step
# waits until the other side has really seen the previous one, so the
# transcript is the same on a slow machine.
#
#   CCHAT_BIN=build/bin chat/demo.sh      (make demo-chat does this)
set -euo pipefail

bin=${CCHAT_BIN:-$(cd "$(dirname "$0")/.." && pwd)/build/bin}
step_timeout=${DEMO_STEP_TIMEOUT:-20}
# shellcheck source=chat/demo-lib.sh
. "$(dirname "$0")/demo-lib.sh"

require_programs "$bin" cchatd cchat

"$bin/cchatd" --listen 127.0.0.1 --port 0 --no-console \
	2>"$work/server.log" &
server=$!
pids+=("$server")
wait_for "$work/server.log" "ready"
port=$(sed -n 's/.*listening on 127.0.0.1 port \([0-9]*\).*/\1/p' \
	"$work/server.log")
echo "== cchatd listening on 127.0.0.1 port $port"

mkfifo "$work/alice.in" "$work/bob.in"
"$bin/cchat" -p "$port" -n alice -c '#demo' 127.0.0.1 \
	<"$work/alice.in" >"$work/alice.out" 2>&1 &
pids+=($!)
exec 3>"$work/alice.in"
wait_for "$work/alice.out" "alice .*joined #demo"

"$bin/cchat" -p "$port" -n bob -c '#demo' 127.0.0.1 \
	<"$work/bob.in" >"$work/bob.out" 2>&1 &
pids+=($!)
exec 4>"$work/bob.in"
wait_for "$work/alice.out" "bob .*joined #demo"

alice() { echo "$1" >&3; }
bob() { echo "$1" >&4; }

alice "Hi bob, welcome to cchat!"
wait_for "$work/bob.out" "alice.*Hi bob, welcome to cchat!"
bob "Thanks alice. Is this IRC?"
wait_for "$work/alice.out" "bob.*Is this IRC\?"
alice "/topic #demo Trying out cchatd"
wait_for "$work/bob.out" "Trying out cchatd"
alice "It is: any IRC client can join. Private message coming."
wait_for "$work/bob.out" "any IRC client can join"
alice "/msg bob psst, this one is just for you"
wait_for "$work/bob.out" "psst, this one is just for you"
bob "/me waves goodbye"
wait_for "$work/alice.out" "waves goodbye"
bob "/quit see you"
wait_for "$work/alice.out" "bob.*see you"
alice "/quit"
wait_for "$work/alice.out" "Closing Link"
exec 3>&- 4>&-

kill -TERM "$server"
wait "$server" || die "cchatd did not stop cleanly"

for who in alice bob; do
	echo
	echo "== what $who saw"
	cat "$work/$who.out"
done
echo
echo "== server log"
cat "$work/server.log"
