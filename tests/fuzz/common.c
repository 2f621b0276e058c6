/*
 * common.c - helpers of the fuzz targets (see fuzz.h).  Included
 * once into each fuzz binary and into tests/test_fuzz_regress.c.
 */
#include "fuzz.h"

#include <err.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char fuzz_dir[64];

static int
fuzz_rm(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void
fuzz_cleanup(void)
{
	if (fuzz_dir[0] != '\0')
		nftw(fuzz_dir, fuzz_rm, 16, FTW_DEPTH | FTW_PHYS);
}

const char *
fuzz_tmpdir(void)
{
	if (fuzz_dir[0] == '\0') {
		const char *t = getenv("TMPDIR");

		snprintf(fuzz_dir, sizeof fuzz_dir, "%s/cadfuzz.XXXXXX",
		    t != NULL && *t != '\0' && strlen(t) < 40 ? t : "/tmp");
		if (mkdtemp(fuzz_dir) == NULL)
			err(1, "mkdtemp");
		atexit(fuzz_cleanup);
	}
	return fuzz_dir;
}
