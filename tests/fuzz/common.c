/*
 * common.c - helpers of the fuzz targets (see fuzz.h).  Linked into
 * each fuzz binary and into tests/test_fuzz_regress.
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

bool
fuzz_pending_byday(const uint8_t *data, size_t size)
{
	for (size_t i = 0; i + 2 < size; i++) {
		size_t j = i;
		int n = 0;

		while (j < size && data[j] >= '0' && data[j] <= '9' && n < 1000)
			n = n * 10 + (data[j++] - '0');
		if (j > i && n >= 6 && j + 1 < size && data[j] >= 'A' &&
		    data[j] <= 'Z' && data[j + 1] >= 'A' && data[j + 1] <= 'Z')
			return true;
	}
	return false;
}

bool
fuzz_pending_weekno(const uint8_t *data, size_t size)
{
	return memmem(data, size, "BYWEEKNO", 8) != NULL;
}

bool
fuzz_pending_old_year(const uint8_t *data, size_t size)
{
	for (size_t i = 0; i + 4 < size; i++) {
		int y = 0;
		size_t k;

		for (k = 0; k < 4 && data[i + k] >= '0' && data[i + k] <= '9';
		    k++)
			y = y * 10 + (data[i + k] - '0');
		if (k == 4 && data[i + 4] == '-' && y < 1900 &&
		    (i == 0 || data[i - 1] < '0' || data[i - 1] > '9'))
			return true;
	}
	return false;
}
