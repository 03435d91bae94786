#!/bin/sh
# Runs inside a lab guest booted with provider/tests/mkimage-provider's
# image and the virtio_cryptodev driver loaded: the provider's tests as
# one TAP 14 stream, a subtest each (tests/tap2junit makes JUnit of it).
#
#   kat          standard vectors through the provider, one-shot and streamed
#   random       the provider against the default provider on random input
#   api          copies, reinit, padding, tags, EVP_Cipher, TLS 1.2 records
#   tls          TLS 1.2 and 1.3 in one process, both ends on the provider
#   errors       the provider configured on a missing device: default serves
#   openssl-cli  openssl enc, dgst, mac, speed, s_server/s_client, the
#                example openssl.cnf
#   leaks        the driver holds no file or request afterwards
#
# Environment: PROV_RANDOM_ROUNDS (default 300); PROV_SANITIZE=1 when the
# module and the test program were built with ASan and UBSan (make
# SANITIZE=1): Debian's openssl then runs with libasan preloaded and leak
# checks off (its own exit paths are not leak-free), the test program
# with them on.

T=/opt/provider/cryptodev-provider-test
OSSL=/usr/bin/openssl
if [ -n "$PROV_SANITIZE" ]; then
	asan=$(ls /lib/x86_64-linux-gnu/libasan.so.* 2> /dev/null | head -n 1)
	OSSL="env LD_PRELOAD=$asan ASAN_OPTIONS=detect_leaks=0 /usr/bin/openssl"
	export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1
fi
PQ="-provider cryptodev -provider default -propquery provider=cryptodev"
REF="-provider default -propquery provider=default"
rounds=${PROV_RANDOM_ROUNDS:-300}
status_file=/tmp/prov-status.$$
n=0
failed=0
cd /tmp || exit 1

if [ ! -c /dev/crypto ]; then
	echo "Bail out! /dev/crypto is missing (driver not loaded?)"
	exit 1
fi

subtest() {
	name=$1
	shift
	n=$((n + 1))
	echo "# Subtest: $name"
	start=$(date +%s)
	{ "$@" 2>&1; echo $? > "$status_file"; } | sed 's/^/    /'
	status=$(cat "$status_file" 2>/dev/null || echo 255)
	secs=$(($(date +%s) - start))
	if [ "$status" = 0 ]; then
		echo "ok $n - $name # time=${secs}s"
	else
		echo "not ok $n - $name # exit status $status after ${secs}s"
		failed=$((failed + 1))
	fi
}

# A TAP producer in shell: check "what" command...
t=0
tfail=0
check() {
	what=$1
	shift
	t=$((t + 1))
	if "$@" > /tmp/check.out 2>&1; then
		echo "ok $t - $what"
		# what a passing check wants shown (speed figures)
		sed -n 's/^SHOW: /# /p' /tmp/check.out
	else
		echo "not ok $t - $what"
		sed 's/^/# /' /tmp/check.out | head -n 20
		tfail=$((tfail + 1))
	fi
}
plan() {
	echo "1..$t"
	[ $tfail = 0 ]
}

# The number after "$2" in the provider's statistics line of file $1.
stat_of() {
	sed -n "s/.*$2 \([0-9]*\).*/\1/p" "$1" | tail -n 1
}

# openssl enc with the provider equals the default provider, and the
# provider's statistics show the device did it.
enc_same() {
	cipher=$1
	CRYPTODEV_PROVIDER_STATS=1 $OSSL enc -$cipher -K "$KEY" $IVOPT \
		-in data -out a.enc $PQ 2> a.err || return 1
	$OSSL enc -$cipher -K "$KEY" $IVOPT -in data -out b.enc $REF || return 1
	cmp a.enc b.enc || return 1
	CRYPTODEV_PROVIDER_STATS=1 $OSSL enc -d -$cipher -K "$KEY" $IVOPT \
		-in a.enc -out a.dec $PQ 2>> a.err || return 1
	cmp a.dec data || return 1
	cat a.err
	[ "$(stat_of a.err 'cipher ops')" -gt 0 ]
}

dgst_same() {
	md=$1
	a=$(CRYPTODEV_PROVIDER_STATS=1 $OSSL dgst -$md -r $PQ data 2> a.err) || return 1
	b=$($OSSL dgst -$md -r $REF data) || return 1
	echo "$a"
	cat a.err
	[ "$a" = "$b" ] && [ "$(stat_of a.err 'hash ops')" -gt 0 ]
}

mac_same() {
	md=$1
	a=$(CRYPTODEV_PROVIDER_STATS=1 $OSSL mac -digest $md \
		-macopt hexkey:"$KEY" -in data $PQ HMAC 2> a.err) || return 1
	b=$($OSSL mac -digest $md -macopt hexkey:"$KEY" -in data $REF HMAC) ||
		return 1
	echo "$a"
	cat a.err
	[ "$a" = "$b" ] && [ "$(stat_of a.err 'hash ops')" -gt 0 ]
}

speed_runs() {
	CRYPTODEV_PROVIDER_STATS=1 $OSSL speed $PQ -elapsed -evp "$1" -seconds 1 \
		-bytes 16384 > speed.out 2> speed.err || { cat speed.err; return 1; }
	tail -n 2 speed.out | sed 's/^/SHOW: /'
	sed 's/^/SHOW: /' speed.err
	[ "$(stat_of speed.err "$2")" -gt 0 ]
}

# s_server -www and s_client over loopback, both on the provider: the
# server's status page names the cipher of the connection, and each end's
# statistics show AEAD requests on the device.
tls_cli() {
	proto=$1
	suite=$2
	if [ "$proto" = tls1_3 ]; then
		sopt="-ciphersuites $suite"
	else
		sopt="-cipher $suite"
	fi
	rm -f srv.out srv.err cli.out cli.err
	CRYPTODEV_PROVIDER_STATS=1 $OSSL s_server -accept 4433 -cert cert.pem \
		-key key.pem -naccept 1 -www -$proto $sopt \
		-provider cryptodev -provider default \
		-propquery '?provider=cryptodev' > srv.out 2> srv.err &
	spid=$!
	ok=1
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do
		printf 'GET / HTTP/1.0\r\n\r\n' |
		CRYPTODEV_PROVIDER_STATS=1 $OSSL s_client -connect 127.0.0.1:4433 \
			-quiet -$proto $sopt \
			-provider cryptodev -provider default \
			-propquery '?provider=cryptodev' > cli.out 2> cli.err &&
			grep -q "Cipher is" cli.out && {
			ok=0
			break
		}
		sleep 1
	done
	i=0
	while kill -0 $spid 2> /dev/null && [ $i -lt 20 ]; do
		sleep 1
		i=$((i + 1))
	done
	kill $spid 2> /dev/null
	wait $spid 2> /dev/null
	grep "Cipher is" cli.out
	grep -v "^depth\|^verify\|SSL_get_servername" cli.err srv.err | head -n 20
	[ $ok = 0 ] && grep -q "Cipher is $suite" cli.out &&
		[ "$(stat_of srv.err 'aead ops')" -gt 0 ] &&
		[ "$(stat_of cli.err 'aead ops')" -gt 0 ]
}

config_file() {
	OPENSSL_CONF=/opt/provider/openssl-cryptodev.cnf $OSSL list -providers \
		> list.out || return 1
	cat list.out
	grep -q cryptodev list.out || return 1
	CRYPTODEV_PROVIDER_STATS=1 OPENSSL_CONF=/opt/provider/openssl-cryptodev.cnf \
		$OSSL enc -aes-256-ctr -K "$KEY$KEY" -iv "$KEY" -in data \
		-out c.enc 2> c.err || return 1
	$OSSL enc -aes-256-ctr -K "$KEY$KEY" -iv "$KEY" -in data -out d.enc \
		$REF || return 1
	cat c.err
	cmp c.enc d.enc && [ "$(stat_of c.err 'cipher ops')" -gt 0 ]
}

# Its [random] section keeps the DRBG off the device.
config_random() {
	CRYPTODEV_PROVIDER_STATS=1 OPENSSL_CONF=/opt/provider/openssl-cryptodev.cnf \
		$OSSL rand -hex 64 2> r.err || return 1
	cat r.err
	[ "$(stat_of r.err 'cipher ops')" = 0 ]
}

missing_device() {
	# the same file, another device: the default provider serves
	sed 's|^device = .*|device = /dev/no-such-crypto|' \
		/opt/provider/openssl-cryptodev.cnf > missing.cnf
	OPENSSL_CONF=/tmp/missing.cnf $OSSL enc -aes-128-cbc -K "$KEY" \
		-iv "$KEY" -in data -out e.enc || return 1
	$OSSL enc -aes-128-cbc -K "$KEY" -iv "$KEY" -in data -out f.enc $REF &&
		cmp e.enc f.enc
}

openssl_cli() {
	head -c 100003 /dev/urandom > data
	KEY=000102030405060708090a0b0c0d0e0f
	IVOPT="-iv 0f0e0d0c0b0a09080706050403020100"
	for c in aes-128-cbc aes-256-cbc aes-128-ctr aes-256-ctr; do
		check "openssl enc -$c with -provider cryptodev equals default" \
			enc_same $c
	done
	IVOPT=""
	for c in aes-128-ecb aes-256-ecb; do
		check "openssl enc -$c with -provider cryptodev equals default" \
			enc_same $c
	done
	for m in sha1 sha224 sha256 sha384 sha512; do
		check "openssl dgst -$m with -provider cryptodev equals default" \
			dgst_same $m
	done
	for m in SHA1 SHA256 SHA512; do
		check "openssl mac HMAC -digest $m with -provider cryptodev equals default" \
			mac_same $m
	done
	check "openssl speed -provider cryptodev -evp aes-128-cbc" \
		speed_runs aes-128-cbc 'cipher ops'
	check "openssl speed -provider cryptodev -evp aes-128-gcm" \
		speed_runs aes-128-gcm 'aead ops'
	check "openssl speed -provider cryptodev -evp sha256" \
		speed_runs sha256 'hash ops'
	check "the example openssl.cnf: cryptodev listed and preferred" \
		config_file
	check "the example openssl.cnf keeps the random generator on the CPU" \
		config_random
	check "the example openssl.cnf on a missing device: default serves" \
		missing_device
	ifconfig lo 127.0.0.1 up 2> /dev/null || ip link set lo up 2> /dev/null
	check "a P-256 certificate (openssl req)" \
		$OSSL req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
		-nodes -keyout key.pem -out cert.pem -subj /CN=guest -days 1
	check "s_server/s_client TLS 1.3 TLS_AES_256_GCM_SHA384, both on the device" \
		tls_cli tls1_3 TLS_AES_256_GCM_SHA384
	check "s_server/s_client TLS 1.2 ECDHE-ECDSA-AES128-GCM-SHA256, both on the device" \
		tls_cli tls1_2 ECDHE-ECDSA-AES128-GCM-SHA256
	plan
}

leaks() {
	d=/sys/kernel/debug/virtio_cryptodev
	if [ ! -d $d ]; then
		echo "ok 1 - driver counters # SKIP no debugfs"
		echo "1..1"
		return 0
	fi
	f=$(cat $d/files)
	r=$(cat $d/requests)
	[ "$f" = 0 ] && echo "ok 1 - no device file left open" ||
		echo "not ok 1 - $f device files left open"
	[ "$r" = 0 ] && echo "ok 2 - no request left" ||
		echo "not ok 2 - $r requests left"
	echo "1..2"
	[ "$f" = 0 ] && [ "$r" = 0 ]
}

printf 'device = /dev/no-such-crypto\n' > /tmp/none.cnf
cat > /tmp/errors.cnf <<CNF
openssl_conf = openssl_init
[openssl_init]
providers = provider_sect
[provider_sect]
cryptodev = cryptodev_sect
default = default_sect
[cryptodev_sect]
device = /dev/no-such-crypto
[default_sect]
activate = 1
CNF

echo "TAP version 14"
subtest kat $T kat
subtest random $T random "$rounds"
subtest api $T api
subtest tls $T tls
subtest errors $T errors /tmp/errors.cnf
subtest openssl-cli openssl_cli
subtest leaks leaks
echo "1..$n"
[ $failed = 0 ]
