/*
 * persist_key.c - what a kept snapshot must have been made with to be
 * served at a start (persist.h): the key, and the program's files.
 */
#include "persist.h"

#include <errno.h>
#include <glob.h>
#include <stdbool.h>
#include <libintl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/hash.h"
#include "base/lang.h"

#define PERSIST_KEY_VERSION	"cadenced kept snapshot 1"

static void
key_text(struct cad_sha256 *h, const char *s)
{
	cad_sha256_update_field(h, s, strlen(s));
}

static void
key_stat(struct cad_sha256 *h, const char *path)
{
	struct stat sb;
	long long v[5] = { -1, -1, -1, -1, -1 };

	if (stat(path, &sb) == 0) {
		v[0] = (long long)sb.st_dev;
		v[1] = (long long)sb.st_ino;
		v[2] = (long long)sb.st_size;
		v[3] = (long long)sb.st_mtim.tv_sec;
		v[4] = (long long)sb.st_mtim.tv_nsec;
	}
	key_text(h, path);
	cad_sha256_update(h, v, sizeof v);
}

int
persist_key(const struct cad_config *cfg, int today, const char *store_digest,
    char out[static 65])
{
	const char *dir = bindtextdomain(CAD_TEXTDOMAIN, NULL);
	struct cad_sha256 h;
	char *pat;
	glob_t g;

	if (store_digest == NULL || store_digest[0] == '\0')
		return -ENOENT;
	cad_sha256_init(&h);
	key_text(&h, PERSIST_KEY_VERSION);
	key_text(&h, cfg->digest);
	cad_sha256_update(&h, &today, sizeof today);
	key_text(&h, store_digest);
	/* the catalogues a language would be read from, also the ones
	   not mapped (a language without one is left out) */
	key_text(&h, dir != NULL ? dir : "");
	pat = cad_asprintf("%s/*/LC_MESSAGES/%s.mo", dir != NULL ? dir : ".",
	    CAD_TEXTDOMAIN);
	if (glob(pat, 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++)
			key_stat(&h, g.gl_pathv[i]);
		globfree(&g);
	}
	free(pat);
	cad_sha256_final_hex(&h, out);
	return 0;
}

static int
dep_stat(const char *path, struct persist_dep *d)
{
	struct stat sb;

	if (stat(path, &sb) != 0)
		return -errno;
	d->dev = (uint64_t)sb.st_dev;
	d->ino = (uint64_t)sb.st_ino;
	d->size = (uint64_t)sb.st_size;
	d->mtime_sec = (int64_t)sb.st_mtim.tv_sec;
	d->mtime_nsec = (int64_t)sb.st_mtim.tv_nsec;
	return 0;
}

static bool
dep_has(const struct persist_dep *d, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(d[i].path, path) == 0)
			return true;
	return false;
}

/* the path of one line of /proc/self/maps, NULL when anonymous */
static char *
maps_path(char *line)
{
	char *p = strchr(line, '/');
	size_t n;

	if (p == NULL)
		return NULL;
	n = strlen(p);
	if (n > 0 && p[n - 1] == '\n')
		p[--n] = '\0';
	return p;
}

int
persist_deps_now(const char *skip, struct persist_dep **out, size_t *n)
{
	FILE *fp = fopen("/proc/self/maps", "re");
	struct persist_dep *d = NULL;
	size_t nd = 0, cap = 0, len;
	char line[4096 + 128], *p;
	const char *base;
	int r = 0;

	if (fp == NULL)
		return -errno;
	while (r == 0 && fgets(line, sizeof line, fp) != NULL) {
		if ((p = maps_path(line)) == NULL ||
		    strncmp(p, "/memfd:", 7) == 0 || dep_has(d, nd, p))
			continue;
		/* the kept file and sqlite's shared memory are data */
		base = strrchr(p, '/') + 1;
		len = strlen(base);
		if (strcmp(base, skip) == 0 || (len > 4 &&
		    strcmp(base + len - 4, "-shm") == 0))
			continue;
		/* replaced under the running program: not what runs */
		if (strstr(p, " (deleted)") != NULL) {
			r = -ESTALE;
			break;
		}
		if (nd == cap) {
			cap = cap ? 2 * cap : 32;
			d = cad_xreallocarray(d, cap, sizeof *d);
		}
		if ((r = dep_stat(p, &d[nd])) == 0)
			d[nd++].path = cad_strdup(p);
	}
	fclose(fp);
	if (r != 0) {
		persist_deps_free(d, nd);
		return r;
	}
	*out = d;
	*n = nd;
	return 0;
}

void
persist_deps_free(struct persist_dep *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(d[i].path);
	free(d);
}

int
persist_deps_check(const struct persist_dep *d, size_t n, const char *skip,
    struct cad_error *err)
{
	struct persist_dep now = { 0 }, *cur = NULL;
	size_t ncur = 0;
	int r;

	for (size_t i = 0; i < n; i++)
		if (dep_stat(d[i].path, &now) != 0 || now.dev != d[i].dev ||
		    now.ino != d[i].ino || now.size != d[i].size ||
		    now.mtime_sec != d[i].mtime_sec ||
		    now.mtime_nsec != d[i].mtime_nsec) {
			cad_error_set(err, "%s changed", d[i].path);
			return -ENOENT;
		}
	if ((r = persist_deps_now(skip, &cur, &ncur)) != 0) {
		cad_error_set(err, "/proc/self/maps: %s", strerror(-r));
		return -ENOENT;
	}
	for (size_t i = 0; r == 0 && i < ncur; i++)
		if (!dep_has(d, n, cur[i].path)) {
			cad_error_set(err, "%s is not one of its files",
			    cur[i].path);
			r = -ENOENT;
		}
	persist_deps_free(cur, ncur);
	return r;
}
