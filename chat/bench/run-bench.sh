#!/usr/bin/env bash
# Drive cchatd and ngircd with the same three loads and compare them.
#
#   (a) throughput: 200 clients in one channel, flood control off, each
#       sending as fast as a window of in-flight messages allows
#   (b) paced: 1,000 clients in one channel, 0.5 message/s each; compares
#       server CPU per delivery and p99 latency
#   (c) capacity: 10,000 clients over 100 channels connect, register,
#       join and exchange a few messages
#
# Environment: BIN (programs, default build/bin), BUILD (default build),
# CCHATD_PORT / NGIRCD_PORT (default 17667 / 17668), BENCH_QUICK=1 for
# a short smoke run, BENCH_LOADS to run only some loads (default "max
# paced held"; e.g. BENCH_LOADS=paced for (b) alone), CCHATD_ARGS for
# extra cchatd options.  Results go to $BUILD/chat-bench/.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${BIN:-$top/build/bin}
BUILD=${BUILD:-$top/build}
work=$BUILD/chat-bench
cchatd_port=${CCHATD_PORT:-17667}
ngircd_port=${NGIRCD_PORT:-17668}
oper_name=bench
oper_pass=bench-$$
bench=$BIN/cchat-bench
# Enough descriptors for 10,000 clients on each side of the loopback.
fd_limit=65536

pids=()
cleanup() {
	local pid
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
}
trap cleanup EXIT

die() { echo "run-bench: $*" >&2; exit 1; }

port_free() {
	! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

wait_port() {
	local port=$1 pid=$2 i
	for i in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || return 1
		port_free "$port" || return 0
		sleep 0.1
	done
	return 1
}

# ngircd: no per-IP or total connection limit, no PAM/DNS/ident work per
# connection, command penalties off (MaxPenaltyTime = 0).  Its other
# throttles (3 commands per read, 256 bytes/s per client) are compiled
# in and only lifted for IRC operators with user mode +F, hence the
# [Operator] block that the throughput run uses.
write_ngircd_conf() {
	local conf=$1 user=$2
	cat > "$conf" <<CONF
[Global]
	Name = ngircd.bench.local
	Info = benchmark peer
	Listen = 127.0.0.1
	Ports = $ngircd_port
	MotdPhrase = "bench"
	PidFile = $work/ngircd.pid
	ServerUID = $user
	ServerGID = $user
[Limits]
	MaxConnections = 0
	MaxConnectionsIP = 0
	MaxJoins = 0
	MaxPenaltyTime = 0
	PingTimeout = 600
	PongTimeout = 120
[Options]
	PAM = no
	DNS = no
	Ident = no
	OperCanUseMode = yes
[Operator]
	Name = $oper_name
	Password = $oper_pass
CONF
}

start_cchatd() {
	"$BIN/cchatd" --listen 127.0.0.1 --port "$cchatd_port" \
		--no-flood-control --max-per-address 0 --no-console \
		${CCHATD_ARGS:-} \
		> "$work/cchatd.log" 2>&1 &
	cchatd_pid=$!
	pids+=("$cchatd_pid")
	wait_port "$cchatd_port" "$cchatd_pid" ||
		die "cchatd did not start; see $work/cchatd.log"
}

start_ngircd() {
	local user=nobody
	command -v ngircd > /dev/null || die "ngircd is not installed"
	[ "$(id -u)" -eq 0 ] || user=$(id -un)
	write_ngircd_conf "$work/ngircd.conf" "$user"
	chmod 644 "$work/ngircd.conf"
	ngircd -n -f "$work/ngircd.conf" > "$work/ngircd.log" 2>&1 &
	ngircd_pid=$!
	pids+=("$ngircd_pid")
	wait_port "$ngircd_port" "$ngircd_pid" ||
		die "ngircd did not start; see $work/ngircd.log"
}

# run NAME SERVER PORT PID ARGS...: one cchat-bench run, RESULT kept.
run() {
	local name=$1 server=$2 port=$3 pid=$4
	shift 4
	case " ${BENCH_LOADS:-max paced held} " in
	*" $name "*) ;;
	*) return 0 ;;
	esac
	echo "--- $name on $server"
	"$bench" --port "$port" --server-pid "$pid" --label "$name-$server" \
		"$@" 2> "$work/$name-$server.err" | tee "$work/$name-$server.out" |
		grep -v '^RESULT'
	grep '^RESULT' "$work/$name-$server.out" >> "$work/results.txt" ||
		echo "RESULT label=$name-$server failed=1" >> "$work/results.txt"
	sleep 1
}

value() {	# value LABEL KEY
	awk -v l="label=$1" -v k="$2" '$2 == l {
		for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) print kv[2] }
	}' "$work/results.txt"
}

ratio() {	# ratio A B: A / B with two decimals, "-" if undefined
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (a == "" || b == "" || b + 0 == 0) print "-"; else printf "%.2f", a / b }'
}

row() {
	local label=$1
	printf '%-14s %12s %9s %9s %11s %12s %9s\n' "$label" \
		"$(value "$label" rate)" "$(value "$label" p50_us)" \
		"$(value "$label" p99_us)" "$(value "$label" cpu_per_100k)" \
		"$(value "$label" joined)/$(value "$label" clients)" \
		"$(value "$label" lost)"
}

main() {
	[ -x "$bench" ] && [ -x "$BIN/cchatd" ] || die "build cchatd and cchat-bench first"
	mkdir -p "$work"
	rm -f "$work/results.txt"
	chmod 755 "$work"
	ulimit -n "$fd_limit" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
	port_free "$cchatd_port" || die "port $cchatd_port is in use"
	port_free "$ngircd_port" || die "port $ngircd_port is in use"
	start_cchatd
	start_ngircd

	local max_d=8 paced_d=8 big=10000 warm=2
	if [ "${BENCH_QUICK:-}" = 1 ]; then
		max_d=3 paced_d=3 big=2000 warm=1
	fi
	# (a) Closed loop: each sender waits while 128 messages per sender's
	# channel are undelivered, which keeps every receiver's queue far
	# below both servers' send-queue limits.
	local max=(--clients 200 --rate 0 --window 128 --duration $max_d
		   --warmup $warm)
	# (b) 1,000 x 1 msg/s (1M deliveries/s) is beyond what ngircd keeps
	# up with here; half of that both servers sustain.
	local paced=(--clients 1000 --rate 0.5 --duration $paced_d
		     --warmup $warm --max-pending 8)
	# (c) 100 channels of 100: one channel of 10,000 would cost N^2/2
	# JOIN notices and N NAMES replies of N nicks while connecting.
	# ngircd listens with a backlog of 10, so more handshakes at once
	# only lose SYNs and wait out a retransmit.  It accepts a few hundred
	# clients a second, fewer as it fills up, so its joins are cut off
	# after 75 s to keep the whole run near five minutes.
	local held=(--clients $big --channels 100 --rate 0.05 --duration 5
		    --warmup 1 --sources 8 --max-pending 8 --connect-timeout 75)

	run max cchatd "$cchatd_port" "$cchatd_pid" "${max[@]}"
	run max ngircd "$ngircd_port" "$ngircd_pid" "${max[@]}" \
		--oper "$oper_name:$oper_pass"
	run paced cchatd "$cchatd_port" "$cchatd_pid" "${paced[@]}" --max-pending 8
	run paced ngircd "$ngircd_port" "$ngircd_pid" "${paced[@]}" --max-pending 8
	run held cchatd "$cchatd_port" "$cchatd_pid" "${held[@]}"
	run held ngircd "$ngircd_port" "$ngircd_pid" "${held[@]}"

	echo
	printf '%-14s %12s %9s %9s %11s %12s %9s\n' run deliveries/s p50_us \
		p99_us cpu_s/100k joined lost
	for l in max-cchatd max-ngircd paced-cchatd paced-ngircd \
		 held-cchatd held-ngircd; do
		row "$l"
	done
	echo
	echo "(a) throughput cchatd/ngircd:        $(ratio "$(value max-cchatd rate)" "$(value max-ngircd rate)")" \
		"(goal: cchatd >= 500000/s; measured $(value max-cchatd rate)/s)"
	echo "(b) CPU per delivery cchatd/ngircd:  $(ratio "$(value paced-cchatd cpu_per_100k)" "$(value paced-ngircd cpu_per_100k)") (goal <= 0.50)"
	echo "(b) p99 latency cchatd/ngircd:       $(ratio "$(value paced-cchatd p99_us)" "$(value paced-ngircd p99_us)") (goal < 1)"
	echo "(b) undelivered after the run: cchatd $(value paced-cchatd lost), ngircd $(value paced-ngircd lost) (0 = sustained)"
	echo "(c) clients held: cchatd $(value held-cchatd joined), ngircd $(value held-ngircd joined) of $big" \
		"(goal: cchatd holds 10000)"
	echo "raw results: $work/results.txt"
}

main "$@"
