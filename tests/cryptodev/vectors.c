// SPDX-License-Identifier: MIT
/*
 * Test vectors typed in from the standards that define them.  Sources:
 *   NIST SP 800-38A appendix F      AES ECB, CBC, CTR (F.1, F.2, F.5)
 *   IEEE 1619-2007 appendix B       XTS-AES vectors 1, 2, 4, 10
 *   NIST SP 800-67 rev. 1 (TDEA)    the three-block example, as CBC
 *   GCM specification (McGrew and Viega), test cases 1-4, 15, 16;
 *                                   the same cases appear in SP 800-38D's
 *                                   validation material
 *   FIPS 180-4 examples (NIST)      SHA-1, SHA-224, SHA-256, SHA-384,
 *                                   SHA-512: "abc", the two-block
 *                                   message, one million 'a'
 *   RFC 1321 appendix A.5           MD5 test suite
 *   RFC 2202                        HMAC-MD5, HMAC-SHA-1
 *   RFC 4231                        HMAC-SHA-224/256/384/512
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <crypto/cryptodev.h>

#include "vectors.h"

#define HEX(s)			{ .hex = (s) }
#define TEXT(s)			{ .text = (s) }
#define HEX_REPEAT(s, n)	{ .hex = (s), .repeat = (n) }
#define TEXT_REPEAT(s, n)	{ .text = (s), .repeat = (n) }
#define EMPTY			{ .hex = "" }

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* SP 800-38A appendix F: the keys, IV, counter and plaintext it shares. */
#define SP38A_KEY128	"2b7e151628aed2a6abf7158809cf4f3c"
#define SP38A_KEY192	"8e73b0f7da0e6452c810f32b809079e5" \
			"62f8ead2522c6b7b"
#define SP38A_KEY256	"603deb1015ca71be2b73aef0857d7781" \
			"1f352c073b6108d72d9810a30914dff4"
#define SP38A_CBC_IV	"000102030405060708090a0b0c0d0e0f"
#define SP38A_CTR_IV	"f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"
#define SP38A_PLAIN	"6bc1bee22e409f96e93d7e117393172a" \
			"ae2d8a571e03ac9c9eb76fac45af8e51" \
			"30c81c46a35ce411e5fbc1191a0a52ef" \
			"f69f2445df4f9b17ad2b417be66c3710"

/* IEEE 1619 vectors 4 and 10: the data unit is bytes 00..ff twice. */
#define BYTES_00_FF \
	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f" \
	"202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f" \
	"404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f" \
	"606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f" \
	"808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f" \
	"a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf" \
	"c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf" \
	"e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"

const struct cipher_vector cipher_vectors[] = {
	{ "SP 800-38A F.1.1 ECB-AES128", CRYPTO_AES_ECB,
	  HEX(SP38A_KEY128), EMPTY, HEX(SP38A_PLAIN),
	  HEX("3ad77bb40d7a3660a89ecaf32466ef97"
	      "f5d3d58503b9699de785895a96fdbaaf"
	      "43b1cd7f598ece23881b00e3ed030688"
	      "7b0c785e27e8ad3f8223207104725dd4") },
	{ "SP 800-38A F.1.3 ECB-AES192", CRYPTO_AES_ECB,
	  HEX(SP38A_KEY192), EMPTY, HEX(SP38A_PLAIN),
	  HEX("bd334f1d6e45f25ff712a214571fa5cc"
	      "974104846d0ad3ad7734ecb3ecee4eef"
	      "ef7afd2270e2e60adce0ba2face6444e"
	      "9a4b41ba738d6c72fb16691603c18e0e") },
	{ "SP 800-38A F.1.5 ECB-AES256", CRYPTO_AES_ECB,
	  HEX(SP38A_KEY256), EMPTY, HEX(SP38A_PLAIN),
	  HEX("f3eed1bdb5d2a03c064b5a7e3db181f8"
	      "591ccb10d410ed26dc5ba74a31362870"
	      "b6ed21b99ca6f4f9f153e7b1beafed1d"
	      "23304b7a39f9f3ff067d8d8f9e24ecc7") },
	{ "SP 800-38A F.2.1 CBC-AES128", CRYPTO_AES_CBC,
	  HEX(SP38A_KEY128), HEX(SP38A_CBC_IV), HEX(SP38A_PLAIN),
	  HEX("7649abac8119b246cee98e9b12e9197d"
	      "5086cb9b507219ee95db113a917678b2"
	      "73bed6b8e3c1743b7116e69e22229516"
	      "3ff1caa1681fac09120eca307586e1a7") },
	{ "SP 800-38A F.2.3 CBC-AES192", CRYPTO_AES_CBC,
	  HEX(SP38A_KEY192), HEX(SP38A_CBC_IV), HEX(SP38A_PLAIN),
	  HEX("4f021db243bc633d7178183a9fa071e8"
	      "b4d9ada9ad7dedf4e5e738763f69145a"
	      "571b242012fb7ae07fa9baac3df102e0"
	      "08b0e27988598881d920a9e64f5615cd") },
	{ "SP 800-38A F.2.5 CBC-AES256", CRYPTO_AES_CBC,
	  HEX(SP38A_KEY256), HEX(SP38A_CBC_IV), HEX(SP38A_PLAIN),
	  HEX("f58c4c04d6e5f1ba779eabfb5f7bfbd6"
	      "9cfc4e967edb808d679f777bc6702c7d"
	      "39f23369a9d9bacfa530e26304231461"
	      "b2eb05e2c39be9fcda6c19078c6a9d1b") },
	{ "SP 800-38A F.5.1 CTR-AES128", CRYPTO_AES_CTR,
	  HEX(SP38A_KEY128), HEX(SP38A_CTR_IV), HEX(SP38A_PLAIN),
	  HEX("874d6191b620e3261bef6864990db6ce"
	      "9806f66b7970fdff8617187bb9fffdff"
	      "5ae4df3edbd5d35e5b4f09020db03eab"
	      "1e031dda2fbe03d1792170a0f3009cee") },
	{ "SP 800-38A F.5.3 CTR-AES192", CRYPTO_AES_CTR,
	  HEX(SP38A_KEY192), HEX(SP38A_CTR_IV), HEX(SP38A_PLAIN),
	  HEX("1abc932417521ca24f2b0459fe7e6e0b"
	      "090339ec0aa6faefd5ccc2c6f4ce8e94"
	      "1e36b26bd1ebc670d1bd1d665620abf7"
	      "4f78a7f6d29809585a97daec58c6b050") },
	{ "SP 800-38A F.5.5 CTR-AES256", CRYPTO_AES_CTR,
	  HEX(SP38A_KEY256), HEX(SP38A_CTR_IV), HEX(SP38A_PLAIN),
	  HEX("601ec313775789a5b7a7f504bbf3d228"
	      "f443e3ca4d62b59aca84e990cacaf5c5"
	      "2b0930daa23de94ce87017ba2d84988d"
	      "dfc9c58db67aada613c2dd08457941a6") },
	/*
	 * XTS: the IV is the 128-bit tweak, the data unit sequence number
	 * little-endian.  Vectors 4 and 10 are 512-byte data units; XTS
	 * encrypts each block with its own tweak, so their first 64 bytes
	 * are an exact vector on their own.
	 */
	{ "IEEE 1619 XTS-AES-128 vector 1", CRYPTO_AES_XTS,
	  HEX_REPEAT("00", 32), HEX_REPEAT("00", 16), HEX_REPEAT("00", 32),
	  HEX("917cf69ebd68b2ec9b9fe9a3eadda692"
	      "cd43d2f59598ed858c02c2652fbf922e") },
	{ "IEEE 1619 XTS-AES-128 vector 2", CRYPTO_AES_XTS,
	  HEX("11111111111111111111111111111111"
	      "22222222222222222222222222222222"),
	  HEX("33333333330000000000000000000000"),
	  HEX_REPEAT("44", 32),
	  HEX("c454185e6a16936e39334038acef838b"
	      "fb186fff7480adc4289382ecd6d394f0") },
	{ "IEEE 1619 XTS-AES-128 vector 4 (first 64 bytes)", CRYPTO_AES_XTS,
	  HEX("27182818284590452353602874713526"
	      "31415926535897932384626433832795"),
	  HEX_REPEAT("00", 16),
	  HEX("000102030405060708090a0b0c0d0e0f"
	      "101112131415161718191a1b1c1d1e1f"
	      "202122232425262728292a2b2c2d2e2f"
	      "303132333435363738393a3b3c3d3e3f"),
	  HEX("27a7479befa1d476489f308cd4cfa6e2"
	      "a96e4bbe3208ff25287dd3819616e89c"
	      "c78cf7f5e543445f8333d8fa7f560000"
	      "05279fa5d8b5e4ad40e736ddb4d35412") },
	{ "IEEE 1619 XTS-AES-256 vector 10 (first 64 bytes)", CRYPTO_AES_XTS,
	  HEX("27182818284590452353602874713526"
	      "62497757247093699959574966967627"
	      "31415926535897932384626433832795"
	      "02884197169399375105820974944592"),
	  HEX("ff000000000000000000000000000000"),
	  HEX("000102030405060708090a0b0c0d0e0f"
	      "101112131415161718191a1b1c1d1e1f"
	      "202122232425262728292a2b2c2d2e2f"
	      "303132333435363738393a3b3c3d3e3f"),
	  HEX("1c3b3a102f770386e4836c99e370cf9b"
	      "ea00803f5e482357a4ae12d414a3e63b"
	      "5d31e276f8fe4a8d66b317f9ac683f44"
	      "680a86ac35adfc3345befecb4bb188fd") },
	/*
	 * SP 800-67's example encrypts three blocks under one key bundle in
	 * ECB.  As CBC with a zero IV, plaintext block i xored with the
	 * example's ciphertext block i-1 gives the same ciphertext blocks.
	 */
	{ "SP 800-67 TDEA example as CBC", CRYPTO_3DES_CBC,
	  HEX("0123456789abcdef23456789abcdef01456789abcdef0123"),
	  HEX("0000000000000000"),
	  HEX("5468652071756663c3069ffe8a4ceb7faa8d64a178500296"),
	  HEX("a826fd8ce53b855fcce21c8112256fe668d5c05dd9b6b900") },
	/* FIPS 81 appendix C, the CBC example. */
	{ "FIPS 81 DES-CBC example", CRYPTO_DES_CBC,
	  HEX("0123456789abcdef"), HEX("1234567890abcdef"),
	  TEXT("Now is the time for all "),
	  HEX("e5c7cdde872bf27c43e934008c389c0f683788499a7c05f6") },
	/*
	 * Eric Young's Blowfish CBC vector (the one SSLeay and OpenSSL test
	 * with): "7654321 Now is the time for " and its NUL, zero-padded to
	 * four blocks, under a 128-bit key.
	 */
	{ "E. Young Blowfish-CBC vector", CRYPTO_BLF_CBC,
	  HEX("0123456789abcdeff0e1d2c3b4a59687"), HEX("fedcba9876543210"),
	  HEX("37363534333231204e6f77206973207468652074696d6520666f722000000000"),
	  HEX("6b77b4d63006dee605b156e27403979358deb9e7154616d959f1652bd5ff92cc") },
	/*
	 * RFC 3713 appendix A: one block under each key size; as CBC with a
	 * zero IV a single block is the same.
	 */
	{ "RFC 3713 Camellia-128 as CBC", CRYPTO_CAMELLIA_CBC,
	  HEX("0123456789abcdeffedcba9876543210"), HEX_REPEAT("00", 16),
	  HEX("0123456789abcdeffedcba9876543210"),
	  HEX("67673138549669730857065648eabe43") },
	{ "RFC 3713 Camellia-192 as CBC", CRYPTO_CAMELLIA_CBC,
	  HEX("0123456789abcdeffedcba98765432100011223344556677"),
	  HEX_REPEAT("00", 16), HEX("0123456789abcdeffedcba9876543210"),
	  HEX("b4993401b3e996f84ee5cee7d79b09b9") },
	{ "RFC 3713 Camellia-256 as CBC", CRYPTO_CAMELLIA_CBC,
	  HEX("0123456789abcdeffedcba987654321000112233445566778899aabbccddeeff"),
	  HEX_REPEAT("00", 16), HEX("0123456789abcdeffedcba9876543210"),
	  HEX("9acc237dff16d76c20ef7c919e3a7509") },
};
const size_t cipher_vector_count = ARRAY_SIZE(cipher_vectors);

#define FIPS180_TWO_BLOCK_448 \
	"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
#define FIPS180_TWO_BLOCK_896 \
	"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn" \
	"hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"
#define MILLION_A	TEXT_REPEAT("a", 1000000)

#define RFC2202_CASE6_TEXT \
	"Test Using Larger Than Block-Size Key - Hash Key First"
#define RFC2202_CASE7_TEXT \
	"Test Using Larger Than Block-Size Key and Larger Than One " \
	"Block-Size Data"
#define RFC4231_CASE7_TEXT \
	"This is a test using a larger than block-size key and a larger " \
	"than block-size data. The key needs to be hashed before being " \
	"used by the HMAC algorithm."
#define KEY_01_TO_19	"0102030405060708090a0b0c0d0e0f10111213141516171819"

const struct hash_vector hash_vectors[] = {
	/* The RIPEMD-160 paper's examples (Dobbertin, Bosselaers, Preneel). */
	{ "RIPEMD-160 empty", CRYPTO_RIPEMD160, EMPTY, EMPTY,
	  HEX("9c1185a5c5e9fc54612808977ee8f548b2258d31") },
	{ "RIPEMD-160 abc", CRYPTO_RIPEMD160, EMPTY, TEXT("abc"),
	  HEX("8eb208f7e05d987a9b044a8e98c6b087f15a0bfc") },
	{ "RIPEMD-160 message digest", CRYPTO_RIPEMD160, EMPTY,
	  TEXT("message digest"),
	  HEX("5d0689ef49d2fae572b881b123a85ffa21595f36") },
	/* RFC 2286 test cases 1-3. */
	{ "RFC 2286 HMAC-RIPEMD160 case 1", CRYPTO_RIPEMD160_HMAC,
	  HEX_REPEAT("0b", 20), TEXT("Hi There"),
	  HEX("24cb4bd67d20fc1a5d2ed7732dcc39377f0a5668") },
	{ "RFC 2286 HMAC-RIPEMD160 case 2", CRYPTO_RIPEMD160_HMAC,
	  TEXT("Jefe"), TEXT("what do ya want for nothing?"),
	  HEX("dda6c0213a485a9e24f4742064a7f033b43c4069") },
	{ "RFC 2286 HMAC-RIPEMD160 case 3", CRYPTO_RIPEMD160_HMAC,
	  HEX_REPEAT("aa", 20), HEX_REPEAT("dd", 50),
	  HEX("b0b105360de759960ab4f35298e116e295d8e7c1") },
	/* FIPS 180-4 examples. */
	{ "FIPS 180 SHA-1 abc", CRYPTO_SHA1, EMPTY, TEXT("abc"),
	  HEX("a9993e364706816aba3e25717850c26c9cd0d89d") },
	{ "FIPS 180 SHA-1 two-block", CRYPTO_SHA1, EMPTY,
	  TEXT(FIPS180_TWO_BLOCK_448),
	  HEX("84983e441c3bd26ebaae4aa1f95129e5e54670f1") },
	{ "FIPS 180 SHA-1 million a", CRYPTO_SHA1, EMPTY, MILLION_A,
	  HEX("34aa973cd4c4daa4f61eeb2bdbad27316534016f") },
	{ "FIPS 180 SHA-224 abc", CRYPTO_SHA2_224, EMPTY, TEXT("abc"),
	  HEX("23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7") },
	{ "FIPS 180 SHA-224 two-block", CRYPTO_SHA2_224, EMPTY,
	  TEXT(FIPS180_TWO_BLOCK_448),
	  HEX("75388b16512776cc5dba5da1fd890150b0c6455cb4f58b1952522525") },
	{ "FIPS 180 SHA-224 million a", CRYPTO_SHA2_224, EMPTY, MILLION_A,
	  HEX("20794655980c91d8bbb4c1ea97618a4bf03f42581948b2ee4ee7ad67") },
	{ "FIPS 180 SHA-256 abc", CRYPTO_SHA2_256, EMPTY, TEXT("abc"),
	  HEX("ba7816bf8f01cfea414140de5dae2223"
	      "b00361a396177a9cb410ff61f20015ad") },
	{ "FIPS 180 SHA-256 two-block", CRYPTO_SHA2_256, EMPTY,
	  TEXT(FIPS180_TWO_BLOCK_448),
	  HEX("248d6a61d20638b8e5c026930c3e6039"
	      "a33ce45964ff2167f6ecedd419db06c1") },
	{ "FIPS 180 SHA-256 million a", CRYPTO_SHA2_256, EMPTY, MILLION_A,
	  HEX("cdc76e5c9914fb9281a1c7e284d73e67"
	      "f1809a48a497200e046d39ccc7112cd0") },
	{ "FIPS 180 SHA-384 abc", CRYPTO_SHA2_384, EMPTY, TEXT("abc"),
	  HEX("cb00753f45a35e8bb5a03d699ac65007272c32ab0eded163"
	      "1a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7") },
	{ "FIPS 180 SHA-384 two-block", CRYPTO_SHA2_384, EMPTY,
	  TEXT(FIPS180_TWO_BLOCK_896),
	  HEX("09330c33f71147e83d192fc782cd1b4753111b173b3b05d2"
	      "2fa08086e3b0f712fcc7c71a557e2db966c3e9fa91746039") },
	{ "FIPS 180 SHA-384 million a", CRYPTO_SHA2_384, EMPTY, MILLION_A,
	  HEX("9d0e1809716474cb086e834e310a4a1ced149e9c00f24852"
	      "7972cec5704c2a5b07b8b3dc38ecc4ebae97ddd87f3d8985") },
	{ "FIPS 180 SHA-512 abc", CRYPTO_SHA2_512, EMPTY, TEXT("abc"),
	  HEX("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
	      "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f") },
	{ "FIPS 180 SHA-512 two-block", CRYPTO_SHA2_512, EMPTY,
	  TEXT(FIPS180_TWO_BLOCK_896),
	  HEX("8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
	      "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909") },
	{ "FIPS 180 SHA-512 million a", CRYPTO_SHA2_512, EMPTY, MILLION_A,
	  HEX("e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
	      "de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b") },

	/* RFC 1321 appendix A.5. */
	{ "RFC 1321 MD5 empty", CRYPTO_MD5, EMPTY, EMPTY,
	  HEX("d41d8cd98f00b204e9800998ecf8427e") },
	{ "RFC 1321 MD5 a", CRYPTO_MD5, EMPTY, TEXT("a"),
	  HEX("0cc175b9c0f1b6a831c399e269772661") },
	{ "RFC 1321 MD5 abc", CRYPTO_MD5, EMPTY, TEXT("abc"),
	  HEX("900150983cd24fb0d6963f7d28e17f72") },
	{ "RFC 1321 MD5 message digest", CRYPTO_MD5, EMPTY,
	  TEXT("message digest"),
	  HEX("f96b697d7cb7938d525a2f31aaf161d0") },
	{ "RFC 1321 MD5 a-z", CRYPTO_MD5, EMPTY,
	  TEXT("abcdefghijklmnopqrstuvwxyz"),
	  HEX("c3fcd3d76192e4007dfb496cca67e13b") },
	{ "RFC 1321 MD5 A-Za-z0-9", CRYPTO_MD5, EMPTY,
	  TEXT("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"),
	  HEX("d174ab98d277d9f5a5611c2c9f419d9f") },
	{ "RFC 1321 MD5 8 x 1234567890", CRYPTO_MD5, EMPTY,
	  TEXT_REPEAT("1234567890", 8),
	  HEX("57edf4a22be3c955ac49da2e2107b67a") },

	/* RFC 2202: HMAC-MD5. */
	{ "RFC 2202 HMAC-MD5 case 1", CRYPTO_MD5_HMAC,
	  HEX_REPEAT("0b", 16), TEXT("Hi There"),
	  HEX("9294727a3638bb1c13f48ef8158bfc9d") },
	{ "RFC 2202 HMAC-MD5 case 2", CRYPTO_MD5_HMAC,
	  TEXT("Jefe"), TEXT("what do ya want for nothing?"),
	  HEX("750c783e6ab0b503eaa86e310a5db738") },
	{ "RFC 2202 HMAC-MD5 case 3", CRYPTO_MD5_HMAC,
	  HEX_REPEAT("aa", 16), HEX_REPEAT("dd", 50),
	  HEX("56be34521d144c88dbb8c733f0e8b3f6") },
	{ "RFC 2202 HMAC-MD5 case 4", CRYPTO_MD5_HMAC,
	  HEX(KEY_01_TO_19), HEX_REPEAT("cd", 50),
	  HEX("697eaf0aca3a3aea3a75164746ffaa79") },
	{ "RFC 2202 HMAC-MD5 case 5 (truncated)", CRYPTO_MD5_HMAC,
	  HEX_REPEAT("0c", 16), TEXT("Test With Truncation"),
	  HEX("56461ef2342edc00f9bab995") },
	{ "RFC 2202 HMAC-MD5 case 6", CRYPTO_MD5_HMAC,
	  HEX_REPEAT("aa", 80), TEXT(RFC2202_CASE6_TEXT),
	  HEX("6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd") },
	{ "RFC 2202 HMAC-MD5 case 7", CRYPTO_MD5_HMAC,
	  HEX_REPEAT("aa", 80), TEXT(RFC2202_CASE7_TEXT),
	  HEX("6f630fad67cda0ee1fb1f562db3aa53e") },

	/* RFC 2202: HMAC-SHA-1. */
	{ "RFC 2202 HMAC-SHA-1 case 1", CRYPTO_SHA1_HMAC,
	  HEX_REPEAT("0b", 20), TEXT("Hi There"),
	  HEX("b617318655057264e28bc0b6fb378c8ef146be00") },
	{ "RFC 2202 HMAC-SHA-1 case 2", CRYPTO_SHA1_HMAC,
	  TEXT("Jefe"), TEXT("what do ya want for nothing?"),
	  HEX("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79") },
	{ "RFC 2202 HMAC-SHA-1 case 3", CRYPTO_SHA1_HMAC,
	  HEX_REPEAT("aa", 20), HEX_REPEAT("dd", 50),
	  HEX("125d7342b9ac11cd91a39af48aa17b4f63f175d3") },
	{ "RFC 2202 HMAC-SHA-1 case 4", CRYPTO_SHA1_HMAC,
	  HEX(KEY_01_TO_19), HEX_REPEAT("cd", 50),
	  HEX("4c9007f4026250c6bc8414f9bf50c86c2d7235da") },
	{ "RFC 2202 HMAC-SHA-1 case 5 (truncated)", CRYPTO_SHA1_HMAC,
	  HEX_REPEAT("0c", 20), TEXT("Test With Truncation"),
	  HEX("4c1a03424b55e07fe7f27be1") },
	{ "RFC 2202 HMAC-SHA-1 case 6", CRYPTO_SHA1_HMAC,
	  HEX_REPEAT("aa", 80), TEXT(RFC2202_CASE6_TEXT),
	  HEX("aa4ae5e15272d00e95705637ce8a3b55ed402112") },
	{ "RFC 2202 HMAC-SHA-1 case 7", CRYPTO_SHA1_HMAC,
	  HEX_REPEAT("aa", 80), TEXT(RFC2202_CASE7_TEXT),
	  HEX("e8e99d0f45237d786d6bbaa7965c7808bbff1a91") },

	/* RFC 4231: HMAC-SHA-224. */
	{ "RFC 4231 HMAC-SHA-224 case 1", CRYPTO_SHA2_224_HMAC,
	  HEX_REPEAT("0b", 20), TEXT("Hi There"),
	  HEX("896fb1128abbdf196832107cd49df33f47b4b1169912ba4f53684b22") },
	{ "RFC 4231 HMAC-SHA-224 case 2", CRYPTO_SHA2_224_HMAC,
	  TEXT("Jefe"), TEXT("what do ya want for nothing?"),
	  HEX("a30e01098bc6dbbf45690f3a7e9e6d0f8bbea2a39e6148008fd05e44") },
	{ "RFC 4231 HMAC-SHA-224 case 3", CRYPTO_SHA2_224_HMAC,
	  HEX_REPEAT("aa", 20), HEX_REPEAT("dd", 50),
	  HEX("7fb3cb3588c6c1f6ffa9694d7d6ad2649365b0c1f65d69d1ec8333ea") },
	{ "RFC 4231 HMAC-SHA-224 case 4", CRYPTO_SHA2_224_HMAC,
	  HEX(KEY_01_TO_19), HEX_REPEAT("cd", 50),
	  HEX("6c11506874013cac6a2abc1bb382627cec6a90d86efc012de7afec5a") },
	{ "RFC 4231 HMAC-SHA-224 case 5 (truncated)", CRYPTO_SHA2_224_HMAC,
	  HEX_REPEAT("0c", 20), TEXT("Test With Truncation"),
	  HEX("0e2aea68a90c8d37c988bcdb9fca6fa8") },
	{ "RFC 4231 HMAC-SHA-224 case 6 (131-byte key)", CRYPTO_SHA2_224_HMAC,
	  HEX_REPEAT("aa", 131), TEXT(RFC2202_CASE6_TEXT),
	  HEX("95e9a0db962095adaebe9b2d6f0dbce2d499f112f2d2b7273fa6870e") },
	{ "RFC 4231 HMAC-SHA-224 case 7 (131-byte key)", CRYPTO_SHA2_224_HMAC,
	  HEX_REPEAT("aa", 131), TEXT(RFC4231_CASE7_TEXT),
	  HEX("3a854166ac5d9f023f54d517d0b39dbd946770db9c2b95c9f6f565d1") },

	/* RFC 4231: HMAC-SHA-256. */
	{ "RFC 4231 HMAC-SHA-256 case 1", CRYPTO_SHA2_256_HMAC,
	  HEX_REPEAT("0b", 20), TEXT("Hi There"),
	  HEX("b0344c61d8db38535ca8afceaf0bf12b"
	      "881dc200c9833da726e9376c2e32cff7") },
	{ "RFC 4231 HMAC-SHA-256 case 2", CRYPTO_SHA2_256_HMAC,
	  TEXT("Jefe"), TEXT("what do ya want for nothing?"),
	  HEX("5bdcc146bf60754e6a042426089575c7"
	      "5a003f089d2739839dec58b964ec3843") },
	{ "RFC 4231 HMAC-SHA-256 case 3", CRYPTO_SHA2_256_HMAC,
	  HEX_REPEAT("aa", 20), HEX_REPEAT("dd", 50),
	  HEX("773ea91e36800e46854db8ebd09181a7"
	      "2959098b3ef8c122d9635514ced565fe") },
	{ "RFC 4231 HMAC-SHA-256 case 4", CRYPTO_SHA2_256_HMAC,
	  HEX(KEY_01_TO_19), HEX_REPEAT("cd", 50),
	  HEX("82558a389a443c0ea4cc819899f2083a"
	      "85f0faa3e578f8077a2e3ff46729665b") },
	{ "RFC 4231 HMAC-SHA-256 case 5 (truncated)", CRYPTO_SHA2_256_HMAC,
	  HEX_REPEAT("0c", 20), TEXT("Test With Truncation"),
	  HEX("a3b6167473100ee06e0c796c2955552b") },
	{ "RFC 4231 HMAC-SHA-256 case 6 (131-byte key)", CRYPTO_SHA2_256_HMAC,
	  HEX_REPEAT("aa", 131), TEXT(RFC2202_CASE6_TEXT),
	  HEX("60e431591ee0b67f0d8a26aacbf5b77f"
	      "8e0bc6213728c5140546040f0ee37f54") },
	{ "RFC 4231 HMAC-SHA-256 case 7 (131-byte key)", CRYPTO_SHA2_256_HMAC,
	  HEX_REPEAT("aa", 131), TEXT(RFC4231_CASE7_TEXT),
	  HEX("9b09ffa71b942fcb27635fbcd5b0e944"
	      "bfdc63644f0713938a7f51535c3a35e2") },

	/* RFC 4231: HMAC-SHA-384. */
	{ "RFC 4231 HMAC-SHA-384 case 1", CRYPTO_SHA2_384_HMAC,
	  HEX_REPEAT("0b", 20), TEXT("Hi There"),
	  HEX("afd03944d84895626b0825f4ab46907f15f9dadbe4101ec6"
	      "82aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6") },
	{ "RFC 4231 HMAC-SHA-384 case 2", CRYPTO_SHA2_384_HMAC,
	  TEXT("Jefe"), TEXT("what do ya want for nothing?"),
	  HEX("af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47"
	      "e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649") },
	{ "RFC 4231 HMAC-SHA-384 case 3", CRYPTO_SHA2_384_HMAC,
	  HEX_REPEAT("aa", 20), HEX_REPEAT("dd", 50),
	  HEX("88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9feb"
	      "e83ef4e55966144b2a5ab39dc13814b94e3ab6e101a34f27") },
	{ "RFC 4231 HMAC-SHA-384 case 4", CRYPTO_SHA2_384_HMAC,
	  HEX(KEY_01_TO_19), HEX_REPEAT("cd", 50),
	  HEX("3e8a69b7783c25851933ab6290af6ca77a9981480850009c"
	      "c5577c6e1f573b4e6801dd23c4a7d679ccf8a386c674cffb") },
	{ "RFC 4231 HMAC-SHA-384 case 5 (truncated)", CRYPTO_SHA2_384_HMAC,
	  HEX_REPEAT("0c", 20), TEXT("Test With Truncation"),
	  HEX("3abf34c3503b2a23a46efc619baef897") },
	{ "RFC 4231 HMAC-SHA-384 case 6 (131-byte key)", CRYPTO_SHA2_384_HMAC,
	  HEX_REPEAT("aa", 131), TEXT(RFC2202_CASE6_TEXT),
	  HEX("4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f"
	      "3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952") },
	{ "RFC 4231 HMAC-SHA-384 case 7 (131-byte key)", CRYPTO_SHA2_384_HMAC,
	  HEX_REPEAT("aa", 131), TEXT(RFC4231_CASE7_TEXT),
	  HEX("6617178e941f020d351e2f254e8fd32c602420feb0b8fb9a"
	      "dccebb82461e99c5a678cc31e799176d3860e6110c46523e") },

	/* RFC 4231: HMAC-SHA-512. */
	{ "RFC 4231 HMAC-SHA-512 case 1", CRYPTO_SHA2_512_HMAC,
	  HEX_REPEAT("0b", 20), TEXT("Hi There"),
	  HEX("87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
	      "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854") },
	{ "RFC 4231 HMAC-SHA-512 case 2", CRYPTO_SHA2_512_HMAC,
	  TEXT("Jefe"), TEXT("what do ya want for nothing?"),
	  HEX("164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
	      "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737") },
	{ "RFC 4231 HMAC-SHA-512 case 3", CRYPTO_SHA2_512_HMAC,
	  HEX_REPEAT("aa", 20), HEX_REPEAT("dd", 50),
	  HEX("fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39"
	      "bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb") },
	{ "RFC 4231 HMAC-SHA-512 case 4", CRYPTO_SHA2_512_HMAC,
	  HEX(KEY_01_TO_19), HEX_REPEAT("cd", 50),
	  HEX("b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3db"
	      "a91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd") },
	{ "RFC 4231 HMAC-SHA-512 case 5 (truncated)", CRYPTO_SHA2_512_HMAC,
	  HEX_REPEAT("0c", 20), TEXT("Test With Truncation"),
	  HEX("415fad6271580a531d4179bc891d87a6") },
	{ "RFC 4231 HMAC-SHA-512 case 6 (131-byte key)", CRYPTO_SHA2_512_HMAC,
	  HEX_REPEAT("aa", 131), TEXT(RFC2202_CASE6_TEXT),
	  HEX("80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
	      "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598") },
	{ "RFC 4231 HMAC-SHA-512 case 7 (131-byte key)", CRYPTO_SHA2_512_HMAC,
	  HEX_REPEAT("aa", 131), TEXT(RFC4231_CASE7_TEXT),
	  HEX("e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944"
	      "b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58") },
};
const size_t hash_vector_count = ARRAY_SIZE(hash_vectors);

#define GCM_KEY_FEFF	"feffe9928665731c6d6a8f9467308308"
#define GCM_IV_CAFE	"cafebabefacedbaddecaf888"
#define GCM_AAD_FEED	"feedfacedeadbeeffeedfacedeadbeefabaddad2"
#define GCM_PLAIN_60 \
	"d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72" \
	"1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
#define GCM_PLAIN_64	GCM_PLAIN_60 "1aafd255"
#define GCM_CT128_60 \
	"42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e" \
	"21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091"
#define GCM_CT256_60 \
	"522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa" \
	"8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"

const struct aead_vector aead_vectors[] = {
	{ "GCM test case 1 (empty)", CRYPTO_AES_GCM,
	  HEX_REPEAT("00", 16), HEX_REPEAT("00", 12), EMPTY, EMPTY, EMPTY,
	  HEX("58e2fccefa7e3061367f1d57a4e7455a") },
	{ "GCM test case 2", CRYPTO_AES_GCM,
	  HEX_REPEAT("00", 16), HEX_REPEAT("00", 12), EMPTY,
	  HEX_REPEAT("00", 16), HEX("0388dace60b6a392f328c2b971b2fe78"),
	  HEX("ab6e47d42cec13bdf53a67b21257bddf") },
	{ "GCM test case 3", CRYPTO_AES_GCM,
	  HEX(GCM_KEY_FEFF), HEX(GCM_IV_CAFE), EMPTY, HEX(GCM_PLAIN_64),
	  HEX(GCM_CT128_60 "473f5985"),
	  HEX("4d5c2af327cd64a62cf35abd2ba6fab4") },
	{ "GCM test case 4 (AAD)", CRYPTO_AES_GCM,
	  HEX(GCM_KEY_FEFF), HEX(GCM_IV_CAFE), HEX(GCM_AAD_FEED),
	  HEX(GCM_PLAIN_60), HEX(GCM_CT128_60),
	  HEX("5bc94fbc3221a5db94fae95ae7121a47") },
	{ "GCM test case 15 (AES-256)", CRYPTO_AES_GCM,
	  HEX(GCM_KEY_FEFF GCM_KEY_FEFF), HEX(GCM_IV_CAFE), EMPTY,
	  HEX(GCM_PLAIN_64), HEX(GCM_CT256_60 "898015ad"),
	  HEX("b094dac5d93471bdec1a502270e3cc6c") },
	{ "GCM test case 16 (AES-256, AAD)", CRYPTO_AES_GCM,
	  HEX(GCM_KEY_FEFF GCM_KEY_FEFF), HEX(GCM_IV_CAFE),
	  HEX(GCM_AAD_FEED), HEX(GCM_PLAIN_60), HEX(GCM_CT256_60),
	  HEX("76fc6ece0f4e1768cddf8853bb2d551b") },
};
const size_t aead_vector_count = ARRAY_SIZE(aead_vectors);

static int hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void vec_die(const char *what, const char *hex)
{
	fprintf(stderr, "vectors: %s in \"%s\"\n", what, hex);
	abort();
}

/* Decode hex digits (spaces skipped) into out; returns the byte count. */
static size_t hex_to_bytes(const char *hex, uint8_t *out)
{
	size_t n = 0;
	int hi = -1;

	for (const char *p = hex; *p; p++) {
		int v;

		if (*p == ' ')
			continue;
		v = hex_nibble(*p);
		if (v < 0)
			vec_die("bad hex digit", hex);
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (out)
			out[n] = (uint8_t)(hi << 4 | v);
		n++;
		hi = -1;
	}
	if (hi >= 0)
		vec_die("odd number of hex digits", hex);
	return n;
}

uint8_t *vec_decode(const struct vec_data *d, size_t *len)
{
	size_t unit = d->text ? strlen(d->text) : hex_to_bytes(d->hex, NULL);
	size_t times = d->repeat ? d->repeat : 1;
	uint8_t *buf;

	if (unit && times > VEC_MAX_LEN / unit)
		vec_die("vector too long", d->text ? d->text : d->hex);
	buf = malloc(unit * times + 1);
	if (!buf) {
		perror("vectors: malloc");
		abort();
	}
	if (d->text)
		memcpy(buf, d->text, unit);
	else
		hex_to_bytes(d->hex, buf);
	for (size_t i = 1; i < times; i++)
		memcpy(buf + i * unit, buf, unit);
	*len = unit * times;
	return buf;
}

size_t vec_digest_len(uint32_t alg)
{
	switch (alg) {
	case CRYPTO_MD5:
	case CRYPTO_MD5_HMAC:
		return 16;
	case CRYPTO_SHA1:
	case CRYPTO_SHA1_HMAC:
	case CRYPTO_RIPEMD160:
	case CRYPTO_RIPEMD160_HMAC:
		return 20;
	case CRYPTO_SHA2_224:
	case CRYPTO_SHA2_224_HMAC:
		return 28;
	case CRYPTO_SHA2_256:
	case CRYPTO_SHA2_256_HMAC:
		return 32;
	case CRYPTO_SHA2_384:
	case CRYPTO_SHA2_384_HMAC:
		return 48;
	case CRYPTO_SHA2_512:
	case CRYPTO_SHA2_512_HMAC:
		return 64;
	default:
		return 0;
	}
}

int vec_alg_is_hmac(uint32_t alg)
{
	switch (alg) {
	case CRYPTO_MD5_HMAC:
	case CRYPTO_SHA1_HMAC:
	case CRYPTO_RIPEMD160_HMAC:
	case CRYPTO_SHA2_224_HMAC:
	case CRYPTO_SHA2_256_HMAC:
	case CRYPTO_SHA2_384_HMAC:
	case CRYPTO_SHA2_512_HMAC:
		return 1;
	default:
		return 0;
	}
}

const char *vec_alg_name(uint32_t alg)
{
	switch (alg) {
	case CRYPTO_AES_CBC:		return "cbc(aes)";
	case CRYPTO_AES_CTR:		return "ctr(aes)";
	case CRYPTO_AES_ECB:		return "ecb(aes)";
	case CRYPTO_AES_XTS:		return "xts(aes)";
	case CRYPTO_AES_GCM:		return "gcm(aes)";
	case CRYPTO_3DES_CBC:		return "cbc(des3_ede)";
	case CRYPTO_DES_CBC:		return "cbc(des)";
	case CRYPTO_BLF_CBC:		return "cbc(blowfish)";
	case CRYPTO_CAMELLIA_CBC:	return "cbc(camellia)";
	case CRYPTO_NULL:		return "ecb(cipher_null)";
	case CRYPTO_RIPEMD160:		return "rmd160";
	case CRYPTO_RIPEMD160_HMAC:	return "hmac(rmd160)";
	case CRYPTO_MD5:		return "md5";
	case CRYPTO_SHA1:		return "sha1";
	case CRYPTO_SHA2_224:		return "sha224";
	case CRYPTO_SHA2_256:		return "sha256";
	case CRYPTO_SHA2_384:		return "sha384";
	case CRYPTO_SHA2_512:		return "sha512";
	case CRYPTO_MD5_HMAC:		return "hmac(md5)";
	case CRYPTO_SHA1_HMAC:		return "hmac(sha1)";
	case CRYPTO_SHA2_224_HMAC:	return "hmac(sha224)";
	case CRYPTO_SHA2_256_HMAC:	return "hmac(sha256)";
	case CRYPTO_SHA2_384_HMAC:	return "hmac(sha384)";
	case CRYPTO_SHA2_512_HMAC:	return "hmac(sha512)";
	default:			return "unknown";
	}
}
