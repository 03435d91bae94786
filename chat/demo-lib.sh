# Shared by the demo scripts (chat/demo.sh, chat/demo-secure.sh): a
# scratch folder, background processes that never outlive the demo, and
# waiting for a line to appear in a log.  Set step_timeout (seconds)
# before sourcing.

work=$(mktemp -d)
pids=()

demo_cleanup() {
	local pid
	exec 3>&- 4>&- 2>/dev/null || true
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap demo_cleanup EXIT

# die MESSAGE: say why, show the end of every log, and stop.
die() {
	local f
	echo
	echo "demo: $*" >&2
	for f in "$work"/*.log "$work"/*.out; do
		[ -s "$f" ] && { echo "--- $(basename "$f")" >&2; tail -n 25 "$f" >&2; }
	done
	exit 1
}

# wait_for FILE REGEX [PID]: until a line of FILE matches the extended
# regular expression; gives up when PID (the process writing FILE) has
# ended without it, or after step_timeout seconds.
wait_for() {
	local i
	for ((i = 0; i < step_timeout * 10; i++)); do
		grep -Eq -- "$2" "$1" 2>/dev/null && return 0
		if [ -n "${3:-}" ] && ! kill -0 "$3" 2>/dev/null; then
			grep -Eq -- "$2" "$1" 2>/dev/null && return 0
			die "'$2' never came in $(basename "$1"): its process ended"
		fi
		sleep 0.1
	done
	die "timed out after ${step_timeout}s waiting for '$2' in $(basename "$1")"
}

# require_programs DIR NAME...: each is built.
require_programs() {
	local dir=$1 prog
	shift
	for prog in "$@"; do
		[ -x "$dir/$prog" ] || die "$dir/$prog is missing (run make first)"
	done
}
