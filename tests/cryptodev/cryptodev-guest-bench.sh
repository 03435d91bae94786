#!/bin/sh
# Runs inside the lab guest (vm/run), with the virtio-cryptodev driver
# loaded: cryptodev-speed over /dev/crypto and, for comparison, the guest
# kernel's own software crypto through AF_ALG.  Arguments go to
# cryptodev-speed unchanged.

for mod in algif_skcipher algif_hash; do
	modprobe "$mod" 2>/dev/null || echo "# modprobe $mod failed: no AF_ALG column"
done
cryptodev-speed "$@"
status=$?

# Which kernel drivers the AF_ALG side ended up on (instantiated by now).
echo "# AF_ALG side, highest-priority kernel drivers:"
for alg in 'cbc(aes)' 'ctr(aes)' 'hmac(sha256)'; do
	awk -v want="$alg" '
		/^name/ { name = $3 }
		/^driver/ { driver = $3 }
		/^priority/ && name == want && $3 + 0 > best {
			best = $3 + 0; chosen = driver
		}
		END { printf "#   %-14s %s\n", want, chosen ? chosen : "(none)" }
	' /proc/crypto
done
exit $status
