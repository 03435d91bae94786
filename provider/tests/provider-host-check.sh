#!/bin/sh
# make check-provider's host half, as TAP: the machine has no /dev/crypto,
# so the provider must load, offer nothing and leave every algorithm to
# the default provider, through the API and through the openssl program.
#
#   provider/tests/provider-host-check.sh BUILD_DIR SRC_DIR TOP
build=$1
src=$2
top=$3
export OPENSSL_MODULES=$build
# a module built with SANITIZE=1 needs the ASan runtime first in openssl
OSSL=openssl
asan=$(ldd "$build/cryptodev.so" 2> /dev/null | awk '/libasan/ { print $3 }')
if [ -n "$asan" ]; then
	OSSL="env LD_PRELOAD=$asan ASAN_OPTIONS=detect_leaks=0 openssl"
fi
t=0
fail=0
ok() { t=$((t + 1)); echo "ok $t - $1"; }
nok() { t=$((t + 1)); echo "not ok $t - $1"; fail=$((fail + 1)); }

echo "TAP version 14"
echo "# Subtest: host-api"
if [ -c /dev/crypto ]; then
	echo "    1..0 # SKIP this machine has a /dev/crypto"
	ok "host-api # SKIP /dev/crypto present"
else
	"$build/cryptodev-provider-test" host 2>&1 | sed 's/^/    /'
	# the status of the program, not of sed
	if "$build/cryptodev-provider-test" host > /dev/null 2>&1; then
		ok host-api
	else
		nok host-api
	fi
fi

echo "# Subtest: host-openssl"
n=0
nf=0
sub() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "    ok $n - $2"; else echo "    not ok $n - $2"; nf=$((nf + 1)); fi; }
out=$($OSSL list -providers -provider cryptodev -provider default 2>&1)
echo "$out" | grep -q cryptodev; sub $? "openssl list -providers loads cryptodev"
printf 'abc' > /tmp/prov-host.$$
a=$(OPENSSL_CONF=$src/openssl-cryptodev.cnf $OSSL dgst -sha256 -r /tmp/prov-host.$$ 2>&1)
b=$($OSSL dgst -sha256 -r -provider default /tmp/prov-host.$$)
[ "$a" = "$b" ]; sub $? "the example openssl.cnf without a device: dgst served by default"
a=$(OPENSSL_CONF=$src/openssl-cryptodev.cnf $OSSL enc -aes-128-cbc -K 00112233445566778899aabbccddeeff -iv 00112233445566778899aabbccddeeff -in /tmp/prov-host.$$ | od -An -tx1)
b=$($OSSL enc -aes-128-cbc -provider default -K 00112233445566778899aabbccddeeff -iv 00112233445566778899aabbccddeeff -in /tmp/prov-host.$$ | od -An -tx1)
[ -n "$a" ] && [ "$a" = "$b" ]; sub $? "the example openssl.cnf without a device: enc served by default"
$OSSL enc -aes-128-cbc -provider cryptodev -propquery provider=cryptodev -K 00 -iv 00 -in /tmp/prov-host.$$ > /dev/null 2> /tmp/prov-host.err.$$
[ $? != 0 ] && grep -qi "unsupported\|fetch" /tmp/prov-host.err.$$; sub $? "openssl enc forced onto the absent device fails with OpenSSL's error"
sed 's/^/    # /' /tmp/prov-host.err.$$ | head -n 3
rm -f /tmp/prov-host.$$ /tmp/prov-host.err.$$
dest=$build/destdir
rm -rf "$dest"
moddir=$(openssl version -m | sed -n 's/^MODULESDIR: "\(.*\)"$/\1/p')
make --no-print-directory -s -C "$top" install-provider DESTDIR="$dest" > /dev/null 2>&1 &&
	[ -f "$dest$moddir/cryptodev.so" ] &&
	OPENSSL_MODULES=$dest$moddir $OSSL list -providers -provider cryptodev 2> /dev/null |
	grep -q cryptodev
sub $? "make install-provider DESTDIR=...: cryptodev.so in MODULESDIR ($moddir) under DESTDIR, and it loads"
rm -rf "$dest"
echo "    1..$n"
if [ $nf = 0 ]; then ok host-openssl; else nok host-openssl; fi
echo "1..$t"
[ $fail = 0 ]
