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

/*
 * Open the file of a secret (@what: "key file", "passphrase file") and
 * check, on the open file so that a swap after the check is moot, that
 * it is a regular file only its owner can reach.
 */
static enum sc_status open_private_file(const char *path, const char *what,
					int *fd, struct stat *sb,
					struct sc_error *err)
{
	enum sc_status st = SC_OK;

	*fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (*fd < 0)
		return sc_fail(err, SC_ERR_KEYFILE, "%s %s: %s", what, path,
			       strerror(errno));
	if (fstat(*fd, sb) != 0)
		st = sc_fail(err, SC_ERR_KEYFILE, "%s %s: %s", what, path,
			     strerror(errno));
	else if (!S_ISREG(sb->st_mode))
		st = sc_fail(err, SC_ERR_KEYFILE, "%s %s: not a regular file",
			     what, path);
	else if (sb->st_mode & KEYFILE_FORBIDDEN_MODE)
		st = sc_fail(err, SC_ERR_KEYFILE,
			     "%s %s: group or others have access (mode %04o); "
			     "run: chmod 600 %s", what, path,
			     (unsigned)(sb->st_mode & 07777), path);
	if (st != SC_OK)
		close(*fd);
	return st;
}

static ssize_t read_retrying(int fd, void *buf, size_t len)
{
	ssize_t n;

	do
		n = read(fd, buf, len);
	while (n < 0 && errno == EINTR);
	return n;
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
	st = open_private_file(path, "key file", &fd, &sb, err);
	if (st != SC_OK)
		return st;
	if (sb.st_size != SC_KEY_LEN) {
		close(fd);
		return sc_fail(err, SC_ERR_KEYFILE,
			       "key file %s: %lld bytes, must be exactly %d "
			       "(make one with cchat keygen)", path,
			       (long long)sb.st_size, SC_KEY_LEN);
	}
	n = read_retrying(fd, buf, sizeof(buf));
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
	st = open_private_file(path, "passphrase file", &fd, &sb, err);
	if (st != SC_OK)
		return st;
	/* a passphrase and its line end */
	if (sb.st_size > SC_PASSPHRASE_MAX + 2) {
		close(fd);
		return sc_fail(err, SC_ERR_KEYFILE,
			       "passphrase file %s: longer than %d bytes",
			       path, SC_PASSPHRASE_MAX);
	}
	n = read_retrying(fd, buf, sizeof(buf) - 1);
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
