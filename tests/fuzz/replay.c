/* SPDX-License-Identifier: MIT */
/* Seed replayer: runs every file of the given seed directories through LLVMFuzzerTestOneInput
 * and prints TAP, one line per file, so the normal suite and the ASan+UBSan build replay the
 * named security regressions (mod_auth_openidc's practice) without needing libFuzzer. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "tap.h"

/* Read path into a buffer of exactly its size, so ASan flags any read past the input. */
static unsigned char *slurp(const char *path, size_t *len)
{
	unsigned char *p = NULL;
	struct stat st;
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	if (fstat(fileno(f), &st) != 0 || st.st_size < 0)
		goto out;
	*len = (size_t)st.st_size;
	p = malloc(*len ? *len : 1);
	if (p && *len && fread(p, 1, *len, f) != *len) {
		free(p);
		p = NULL;
	}
out:
	fclose(f);
	return p;
}

static int is_seed(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

static void replay_dir(const char *dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, is_seed, alphasort);
	if (n < 0) {
		ok(0, "open seed directory %s", dir);
		return;
	}
	for (int i = 0; i < n; i++) {
		char path[4096];
		size_t len = 0;
		int w = snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		unsigned char *data = w > 0 && (size_t)w < sizeof(path) ? slurp(path, &len) : NULL;
		if (data)
			LLVMFuzzerTestOneInput(data, len);
		ok(data != NULL, "seed %s", names[i]->d_name);
		free(data);
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s SEED_DIR...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++)
		replay_dir(argv[i]);
	return tap_done();
}
