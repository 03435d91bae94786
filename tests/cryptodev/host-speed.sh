#!/bin/sh
# The host's native speed, the ceiling of `make bench-cryptodev`: openssl
# speed on the host for the algorithms, sizes and process counts the
# guest measures, as "cell host ..." lines for bench-report.
#
#   host-speed.sh ALGS SIZES PROCS SECONDS     (comma lists, as cryptodev-speed)
#
# Processes beyond the host's cores share them, as the guest's do.
set -u

algs=$1 sizes=$2 procs=$3 seconds=$4

openssl_args() {
	case $1 in
	cbc) echo "-evp aes-128-cbc" ;;
	ctr) echo "-evp aes-128-ctr" ;;
	gcm) echo "-evp aes-256-gcm" ;;
	hmac) echo "-hmac sha256" ;;
	*) return 1 ;;
	esac
}

echo "# host: $(openssl version), $(nproc) cores, ${seconds} s per cell"
for alg in $(echo "$algs" | tr , ' '); do
	args=$(openssl_args "$alg") || { echo "# host: no openssl name for $alg"; continue; }
	for size in $(echo "$sizes" | tr , ' '); do
		for p in $(echo "$procs" | tr , ' '); do
			multi=
			[ "$p" -gt 1 ] && multi="-multi $p"
			# -mr: the last +F line is the bytes per second (of all
			# processes with -multi).
			# shellcheck disable=SC2086
			bps=$(openssl speed -mr -elapsed -seconds "$seconds" \
				-bytes "$size" $multi $args 2>/dev/null |
				awk -F: '/^\+F:/ { v = $NF } END { print v }')
			if [ -z "$bps" ]; then
				echo "cell host $alg $size $p - - openssl"
				continue
			fi
			awk -v a="$alg" -v s="$size" -v p="$p" -v b="$bps" 'BEGIN {
				printf "cell host %s %s %s %.0f %.3f openssl\n",
					a, s, p, b / s, b / 1e6 }'
		done
	done
done
