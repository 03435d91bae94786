#!/bin/sh
# Runs inside the lab guest (vm/run) for `make bench-cryptodev`:
# cryptodev-speed on every /dev/crypto stack this guest offers, one after
# the other, with the same tool and arguments, each cell also as a
# "cell" line that tests/cryptodev/bench-report merges on the host:
#
#   ours   the project's driver over virtio-cryptodev-pci (vm/run loaded
#          it), next to the guest kernel's own crypto through AF_ALG;
#   soft   cryptodev-linux (module cryptodev) over the guest's own CPU;
#   peer   cryptodev-linux over QEMU's virtio-crypto-pci with Linux's
#          virtio_crypto, aesni_intel unloaded so that virtio_crypto
#          serves cbc(aes); only what virtio_crypto serves is measured.
#
# CDT_BENCH_STACKS picks the stacks (default "ours soft peer"); one whose
# module or device is missing is skipped with a line saying why.  The
# arguments go to cryptodev-speed unchanged.

stacks=${CDT_BENCH_STACKS:-ours soft peer}
status=0

# The best (highest priority) kernel driver for an algorithm, now.
best_driver() {
	awk -v want="$1" '
		/^name/ { name = $3 }
		/^driver/ { driver = $3 }
		/^priority/ && name == want && $3 + 0 > best {
			best = $3 + 0; chosen = driver
		}
		END { print chosen ? chosen : "(none)" }
	' /proc/crypto
}

# Is there a PCI function with this vendor:device id?
have_pci() {
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor" 2>/dev/null):$(cat "$d/device" 2>/dev/null)" = "$1" ] &&
			return 0
	done
	return 1
}

run_speed() {
	label=$1
	shift
	echo "# stack $label"
	cryptodev-speed -m -l "$label" "$@" || status=$?
}

want() {
	case " $stacks " in *" $1 "*) return 0 ;; esac
	return 1
}

if want ours; then
	for mod in algif_skcipher algif_hash algif_aead; do
		modprobe "$mod" 2>/dev/null ||
			echo "# modprobe $mod failed: no AF_ALG column for it"
	done
	if [ -c /dev/crypto ]; then
		run_speed ours "$@"
		# Which kernel drivers the AF_ALG side ended up on.
		for alg in 'cbc(aes)' 'ctr(aes)' 'hmac(sha256)' 'gcm(aes)'; do
			printf '# AF_ALG %-14s %s\n' "$alg" "$(best_driver "$alg")"
		done
	else
		echo "# skip stack ours: no /dev/crypto (virtio_cryptodev not loaded)"
	fi
fi

# cryptodev-linux takes /dev/crypto's name: the project's driver goes first.
if want soft || want peer; then
	rmmod virtio_cryptodev 2>/dev/null
	if ! modprobe cryptodev 2>/dev/null; then
		echo "# skip stacks soft and peer: no cryptodev-linux module in" \
			"this guest (make CRYPTODEV_LINUX_DIR=<cryptodev-linux tree>)"
		exit $status
	fi
fi

if want soft; then
	run_speed soft -n "$@"
fi

if want peer; then
	if ! have_pci 0x1af4:0x1054; then
		echo "# skip stack peer: no virtio-crypto-pci device in this guest"
	else
		# cbc(aes) must come from virtio_crypto, not from AES-NI.
		rmmod aesni_intel ghash_clmulni_intel crypto_simd cryptd 2>/dev/null
		if ! modprobe virtio_crypto 2>/dev/null; then
			echo "# skip stack peer: modprobe virtio_crypto failed"
		else
			echo "# peer: cbc(aes) best driver $(best_driver 'cbc(aes)')"
			run_speed peer -n -D virtio_crypto "$@"
		fi
	fi
fi
exit $status
