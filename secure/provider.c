/* Choosing a provider, and what every provider must compute. */
#include <string.h>

#include "internal.h"

enum sc_status sc_provider_open(enum sc_provider_kind kind, const char *path,
				struct sc_provider **out, struct sc_error *err)
{
	int errnum;

	if (!out)
		return sc_fail(err, SC_ERR_INVALID, "no place for the provider");
	switch (kind) {
	case SC_PROVIDER_SOFTWARE:
		return sc_soft_open(out, err);
	case SC_PROVIDER_DEVCRYPTO:
		return sc_devcrypto_open(path, out, err, &errnum);
	}
	return sc_fail(err, SC_ERR_INVALID, "unknown provider kind %d", kind);
}

enum sc_status sc_provider_select(const char *crypto_dev, FILE *notice,
				  struct sc_provider **out,
				  struct sc_error *err)
{
	struct sc_error dev_err;
	int errnum = 0;

	if (crypto_dev)
		return sc_devcrypto_open(crypto_dev, out, err, &errnum);
	if (sc_devcrypto_open(SC_DEFAULT_CRYPTO_DEV, out, &dev_err,
			      &errnum) == SC_OK)
		return SC_OK;
	if (notice) {
		fprintf(notice,
			"notice: %s not available (%s); using the software "
			"provider\n", SC_DEFAULT_CRYPTO_DEV,
			errnum ? strerror(errnum) : dev_err.msg);
		fflush(notice);
	}
	return sc_soft_open(out, err);
}

const char *sc_provider_name(const struct sc_provider *prov)
{
	return prov ? prov->name : "none";
}

void sc_provider_close(struct sc_provider *prov)
{
	if (prov)
		prov->ops->close(prov);
}

enum sc_status sc_provider_hmac_once(struct sc_provider *p, const uint8_t *key,
				     size_t keylen, const uint8_t *data,
				     size_t len, uint8_t mac[SC_MAC_LEN],
				     struct sc_error *err)
{
	struct sc_keyed *k = NULL;
	enum sc_status st = p->ops->hmac_new(p, key, keylen, &k, err);

	if (st != SC_OK)
		return st;
	st = p->ops->hmac(p, k, data, len, mac, err);
	p->ops->keyed_free(p, k);
	return st;
}

/* SP 800-38A F.2.5/F.2.6: CBC-AES256, all four blocks. */
static const uint8_t kat_aes_key[32] = {
	0x60, 0x3d, 0xeb, 0x10, 0x15, 0xca, 0x71, 0xbe, 0x2b, 0x73, 0xae,
	0xf0, 0x85, 0x7d, 0x77, 0x81, 0x1f, 0x35, 0x2c, 0x07, 0x3b, 0x61,
	0x08, 0xd7, 0x2d, 0x98, 0x10, 0xa3, 0x09, 0x14, 0xdf, 0xf4,
};
static const uint8_t kat_aes_iv[16] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
};
static const uint8_t kat_aes_plain[64] = {
	0x6b, 0xc1, 0xbe, 0xe2, 0x2e, 0x40, 0x9f, 0x96, 0xe9, 0x3d, 0x7e,
	0x11, 0x73, 0x93, 0x17, 0x2a, 0xae, 0x2d, 0x8a, 0x57, 0x1e, 0x03,
	0xac, 0x9c, 0x9e, 0xb7, 0x6f, 0xac, 0x45, 0xaf, 0x8e, 0x51, 0x30,
	0xc8, 0x1c, 0x46, 0xa3, 0x5c, 0xe4, 0x11, 0xe5, 0xfb, 0xc1, 0x19,
	0x1a, 0x0a, 0x52, 0xef, 0xf6, 0x9f, 0x24, 0x45, 0xdf, 0x4f, 0x9b,
	0x17, 0xad, 0x2b, 0x41, 0x7b, 0xe6, 0x6c, 0x37, 0x10,
};
static const uint8_t kat_aes_cipher[64] = {
	0xf5, 0x8c, 0x4c, 0x04, 0xd6, 0xe5, 0xf1, 0xba, 0x77, 0x9e, 0xab,
	0xfb, 0x5f, 0x7b, 0xfb, 0xd6, 0x9c, 0xfc, 0x4e, 0x96, 0x7e, 0xdb,
	0x80, 0x8d, 0x67, 0x9f, 0x77, 0x7b, 0xc6, 0x70, 0x2c, 0x7d, 0x39,
	0xf2, 0x33, 0x69, 0xa9, 0xd9, 0xba, 0xcf, 0xa5, 0x30, 0xe2, 0x63,
	0x04, 0x23, 0x14, 0x61, 0xb2, 0xeb, 0x05, 0xe2, 0xc3, 0x9b, 0xe9,
	0xfc, 0xda, 0x6c, 0x19, 0x07, 0x8c, 0x6a, 0x9d, 0x1b,
};
/* RFC 4231 test case 2: key "Jefe". */
static const char kat_hmac_data[] = "what do ya want for nothing?";
static const uint8_t kat_hmac_mac[32] = {
	0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e, 0x6a, 0x04, 0x24,
	0x26, 0x08, 0x95, 0x75, 0xc7, 0x5a, 0x00, 0x3f, 0x08, 0x9d, 0x27,
	0x39, 0x83, 0x9d, 0xec, 0x58, 0xb9, 0x64, 0xec, 0x38, 0x43,
};

static enum sc_status selftest_aes(struct sc_provider *p, struct sc_error *err)
{
	struct sc_keyed *k = NULL;
	uint8_t buf[sizeof(kat_aes_plain)];
	enum sc_status st = p->ops->cipher_new(p, kat_aes_key, &k, err);

	if (st != SC_OK)
		return st;
	st = p->ops->cbc(p, k, true, kat_aes_iv, kat_aes_plain, buf,
			 sizeof(buf), err);
	if (st == SC_OK && memcmp(buf, kat_aes_cipher, sizeof(buf)) != 0)
		st = sc_fail(err, SC_ERR_DEVICE,
			     "%s: AES-256-CBC gives wrong results "
			     "(SP 800-38A vector)", p->name);
	if (st == SC_OK)
		st = p->ops->cbc(p, k, false, kat_aes_iv, buf, buf,
				 sizeof(buf), err);
	if (st == SC_OK && memcmp(buf, kat_aes_plain, sizeof(buf)) != 0)
		st = sc_fail(err, SC_ERR_DEVICE,
			     "%s: AES-256-CBC decryption gives wrong results",
			     p->name);
	p->ops->keyed_free(p, k);
	return st;
}

static enum sc_status selftest_hmac(struct sc_provider *p,
				    struct sc_error *err)
{
	uint8_t mac[SC_MAC_LEN];
	enum sc_status st = sc_provider_hmac_once(
		p, (const uint8_t *)"Jefe", 4, (const uint8_t *)kat_hmac_data,
		strlen(kat_hmac_data), mac, err);

	if (st == SC_OK && memcmp(mac, kat_hmac_mac, sizeof(mac)) != 0)
		st = sc_fail(err, SC_ERR_DEVICE,
			     "%s: HMAC-SHA256 gives wrong results (RFC 4231)",
			     p->name);
	return st;
}

enum sc_status sc_provider_selftest(struct sc_provider *p,
				    struct sc_error *err)
{
	enum sc_status st = selftest_aes(p, err);

	return st == SC_OK ? selftest_hmac(p, err) : st;
}
