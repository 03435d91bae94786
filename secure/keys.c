/*
 * Pre-shared keys: key files of 32 random bytes, and passphrases
 * stretched with scrypt (memory-hard) under the server's salt.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>

#include "internal.h"

/* Group and other permission bits: any of them makes a key file unsafe. */
#define KEYFILE_FORBIDDEN_MODE 077

static enum sc_status write_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return SC_ERR_KEYFILE;
		p += w;
		n -= (size_t)w;
	}
	return SC_OK;
}

enum sc_status sc_keyfile_generate(const char *path, struct sc_error *err)
{
	uint8_t key[SC_KEY_LEN];
	enum sc_status st;
	int fd;

	st = sc_random(key, sizeof(key), err);
	if (st != SC_OK)
		return st;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		  0600);
	if (fd < 0) {
		int e = errno;
		sc_wipe(key, sizeof(key));
		if (e == EEXIST)
			return sc_fail(err, SC_ERR_KEYFILE,
				       "key file %s: already exists; refusing "
				       "to overwrite it", path);
		return sc_fail(err, SC_ERR_KEYFILE, "key file %s: %s", path,
			       strerror(e));
	}
	/* The umask may have taken bits away, never added; be exact. */
	st = fchmod(fd, 0600) == 0 ? write_all(fd, key, sizeof(key))
				   : SC_ERR_KEYFILE;
	int e = errno;
	if (st == SC_OK && fsync(fd) != 0) {
		e = errno;
		st = SC_ERR_KEYFILE;
	}
	sc_wipe(key, sizeof(key));
	if (close(fd) != 0 && st == SC_OK) {
		e = errno;
		st = SC_ERR_KEYFILE;
	}
	if (st != SC_OK) {
		unlink(path);
		return sc_fail(err, st, "key file %s: %s", path, strerror(e));
	}
	return SC_OK;
}

static enum sc_status check_keyfile_stat(const char *path,
					 const struct stat *sb,
					 struct sc_error *err)
{
	if (!S_ISREG(sb->st_mode))
		return sc_fail(err, SC_ERR_KEYFILE,
			       "key file %s: not a regular file", path);
	if (sb->st_mode & KEYFILE_FORBIDDEN_MODE)
		return sc_fail(err, SC_ERR_KEYFILE,
			       "key file %s: group or others have access "
			       "(mode %04o); run: chmod 600 %s", path,
			       (unsigned)(sb->st_mode & 07777), path);
	if (sb->st_size != SC_KEY_LEN)
		return sc_fail(err, SC_ERR_KEYFILE,
			       "key file %s: %lld bytes, must be exactly %d "
			       "(make one with cchat keygen)", path,
			       (long long)sb->st_size, SC_KEY_LEN);
	return SC_OK;
}

enum sc_status sc_key_load_file(const char *path, struct sc_key *key,
				struct sc_error *err)
{
	struct stat sb;
	uint8_t buf[SC_KEY_LEN + 1];
	enum sc_status st;
	ssize_t n;
	int fd;

	memset(key, 0, sizeof(*key));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return sc_fail(err, SC_ERR_KEYFILE, "key file %s: %s", path,
			       strerror(errno));
	/* Checked on the open file, so a swap after the check is moot. */
	if (fstat(fd, &sb) != 0) {
		int e = errno;
		close(fd);
		return sc_fail(err, SC_ERR_KEYFILE, "key file %s: %s", path,
			       strerror(e));
	}
	st = check_keyfile_stat(path, &sb, err);
	if (st != SC_OK) {
		close(fd);
		return st;
	}
	do
		n = read(fd, buf, sizeof(buf));
	while (n < 0 && errno == EINTR);
	int e = errno;
	close(fd);
	if (n != SC_KEY_LEN) {
		sc_wipe(buf, sizeof(buf));
		if (n < 0)
			return sc_fail(err, SC_ERR_KEYFILE, "key file %s: %s",
				       path, strerror(e));
		return sc_fail(err, SC_ERR_KEYFILE,
			       "key file %s: could not read exactly %d bytes",
			       path, SC_KEY_LEN);
	}
	key->kind = SC_KEY_FILE;
	memcpy(key->secret, buf, SC_KEY_LEN);
	key->derived = true;
	sc_wipe(buf, sizeof(buf));
	return SC_OK;
}

enum sc_status sc_passphrase_kdf(const char *passphrase,
				 const uint8_t salt[SC_SALT_LEN],
				 uint8_t out[SC_KEY_LEN], struct sc_error *err)
{
	size_t len = strlen(passphrase);

	if (EVP_PBE_scrypt(passphrase, len, salt, SC_SALT_LEN,
			   (uint64_t)1 << SC_SCRYPT_LOG2_N, SC_SCRYPT_R,
			   SC_SCRYPT_P, SC_SCRYPT_MAXMEM, out,
			   SC_KEY_LEN) != 1) {
		unsigned long code = ERR_get_error();
		char detail[160] = "no detail";
		if (code)
			ERR_error_string_n(code, detail, sizeof(detail));
		ERR_clear_error();
		return sc_fail(err, SC_ERR_CRYPTO, "scrypt: %s", detail);
	}
	return SC_OK;
}

enum sc_status sc_key_from_passphrase(const char *passphrase, enum sc_role role,
				      struct sc_key *key, struct sc_error *err)
{
	size_t len = passphrase ? strlen(passphrase) : 0;
	enum sc_status st;

	memset(key, 0, sizeof(*key));
	if (len == 0)
		return sc_fail(err, SC_ERR_INVALID, "empty passphrase");
	if (len > SC_PASSPHRASE_MAX)
		return sc_fail(err, SC_ERR_INVALID,
			       "passphrase longer than %d bytes",
			       SC_PASSPHRASE_MAX);
	key->kind = SC_KEY_PASSPHRASE;
	if (role == SC_ROLE_CLIENT) {
		memcpy(key->passphrase, passphrase, len + 1);
		return SC_OK;
	}
	if (role != SC_ROLE_SERVER)
		return sc_fail(err, SC_ERR_INVALID, "unknown role");
	st = sc_random(key->salt, SC_SALT_LEN, err);
	if (st == SC_OK)
		st = sc_passphrase_kdf(passphrase, key->salt, key->secret, err);
	if (st != SC_OK) {
		sc_key_wipe(key);
		return st;
	}
	key->derived = true;
	return SC_OK;
}

/* Regular, private, and not longer than a passphrase with its newline. */
static enum sc_status check_passfile_stat(const char *path,
					  const struct stat *sb,
					  struct sc_error *err)
{
	if (!S_ISREG(sb->st_mode))
		return sc_fail(err, SC_ERR_KEYFILE,
			       "passphrase file %s: not a regular file", path);
	if (sb->st_mode & KEYFILE_FORBIDDEN_MODE)
		return sc_fail(err, SC_ERR_KEYFILE,
			       "passphrase file %s: group or others have "
			       "access (mode %04o); run: chmod 600 %s", path,
			       (unsigned)(sb->st_mode & 07777), path);
	if (sb->st_size > SC_PASSPHRASE_MAX + 2)
		return sc_fail(err, SC_ERR_KEYFILE,
			       "passphrase file %s: longer than %d bytes",
			       path, SC_PASSPHRASE_MAX);
	return SC_OK;
}

/* The file's bytes less one line end; no NUL and no other line end. */
static enum sc_status passphrase_from_bytes(const char *path, char *buf,
					    size_t n, struct sc_error *err)
{
	if (n && buf[n - 1] == '\n')
		n--;
	if (n && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	if (n == 0)
		return sc_fail(err, SC_ERR_KEYFILE,
			       "passphrase file %s: empty", path);
	if (strlen(buf) != n || strpbrk(buf, "\r\n"))
		return sc_fail(err, SC_ERR_KEYFILE,
			       "passphrase file %s: more than one line, or a "
			       "NUL byte", path);
	return SC_OK;
}

enum sc_status sc_key_load_passphrase_file(const char *path, enum sc_role role,
					   struct sc_key *key,
					   struct sc_error *err)
{
	char buf[SC_PASSPHRASE_MAX + 3];
	struct stat sb;
	enum sc_status st;
	ssize_t n;
	int fd, e;

	memset(key, 0, sizeof(*key));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return sc_fail(err, SC_ERR_KEYFILE, "passphrase file %s: %s",
			       path, strerror(errno));
	if (fstat(fd, &sb) != 0) {
		e = errno;
		close(fd);
		return sc_fail(err, SC_ERR_KEYFILE, "passphrase file %s: %s",
			       path, strerror(e));
	}
	st = check_passfile_stat(path, &sb, err);
	if (st != SC_OK) {
		close(fd);
		return st;
	}
	do
		n = read(fd, buf, sizeof(buf) - 1);
	while (n < 0 && errno == EINTR);
	e = errno;
	close(fd);
	if (n < 0)
		return sc_fail(err, SC_ERR_KEYFILE, "passphrase file %s: %s",
			       path, strerror(e));
	st = passphrase_from_bytes(path, buf, (size_t)n, err);
	if (st == SC_OK)
		st = sc_key_from_passphrase(buf, role, key, err);
	sc_wipe(buf, sizeof(buf));
	return st;
}

void sc_key_wipe(struct sc_key *key)
{
	if (key)
		sc_wipe(key, sizeof(*key));
}
