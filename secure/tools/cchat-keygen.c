/*
 * cchat-keygen FILE: make a pre-shared key for the encrypted chat.
 * Writes 32 random bytes to FILE with mode 0600 and refuses to
 * overwrite anything.  Copy the file to the other side by a safe way.
 */
#include <stdio.h>
#include <string.h>

#include "secure.h"

static int usage(FILE *to, int status)
{
	fprintf(to,
		"usage: cchat-keygen FILE\n"
		"Write a new %d-byte random key to FILE (mode 0600) for\n"
		"cchat/cchatd --key FILE.  An existing FILE is never "
		"overwritten.\n", SC_KEY_LEN);
	return status;
}

int main(int argc, char **argv)
{
	struct sc_error err;

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
		return usage(stdout, 0);
	if (argc != 2 || argv[1][0] == '\0')
		return usage(stderr, 2);
	if (sc_keyfile_generate(argv[1], &err) != SC_OK) {
		fprintf(stderr, "cchat-keygen: %s\n", err.msg);
		return 1;
	}
	printf("wrote a new %d-byte key to %s (mode 0600)\n", SC_KEY_LEN,
	       argv[1]);
	return 0;
}
