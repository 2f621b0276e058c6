/*
 * persist.c - the last snapshot kept in the state directory and served
 * at a start (see persist.h).
 *
 * The file: a head (struct kept_head), the meta part (the program's
 * files, then one record per document with its path and Content-Type),
 * and from the next page boundary the bodies as the body store held
 * them.  Native byte order and layout, checked by the head's sizes of
 * itself and of the records (another byte order or ABI reads them as
 * other numbers) and the magic's format version.
 */
#include "persist.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "base/hash.h"
#include "body.h"
#include "log.h"
#include "sys.h"

/* the file's format: the magic's last character is its version, moved
   with any change of the head, the records or the type names; a start
   serves a file of this format made by another program (an upgrade) as
   made of other inputs, and refuses any other format */
#define KEPT_MAGIC	"CADKEP2"
#define KEPT_META_MAX	(64u << 20)
#define KEPT_PAGE	4096u
#define KEPT_CHUNK	(1u << 20)

struct kept_head {
	char magic[8];
	uint32_t hsize;		/* sizeof (struct kept_head) */
	uint32_t dsize;		/* sizeof (struct kept_dep) */
	uint32_t rsize;		/* sizeof (struct kept_res) */
	uint32_t ndeps;
	uint64_t nres;
	uint64_t meta_len;	/* deps and documents, after the head */
	uint64_t body_off;	/* a multiple of KEPT_PAGE */
	uint64_t body_len;
	int64_t data_modified;
	uint64_t nocc;
	char key[65];
	char meta_sha[65];	/* SHA-256 of the meta part */
};

struct kept_dep {
	uint64_t dev, ino, size;
	int64_t mtime_sec, mtime_nsec;
	uint32_t pathlen;
};

struct kept_res {
	uint64_t off, len;
	int64_t last_modified;
	int32_t flags;
	uint32_t pathlen, typelen;
	char etag[48];
};

/* the writer: one thread at a time, the newest snapshot waiting */
static pthread_mutex_t kept_mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_t kept_thread;
static bool kept_started, kept_running;
static atomic_bool kept_stopping;
static struct snapshot *kept_pending;
static char *kept_pending_dir;
static char kept_pending_key[65];
static bool kept_pending_adopt;		/* the file has it: read from it */
static char kept_key[65];		/* of the file as it is */

/* the meta part of s into *meta (malloc'd), with its program files */
static int
kept_meta(const struct snapshot *s, char **meta, size_t *len,
    uint32_t *ndeps)
{
	struct persist_dep *d = NULL;
	size_t nd = 0;
	FILE *fp;
	int r;

	if ((r = persist_deps_now(PERSIST_FILE, &d, &nd)) != 0)
		return r;
	if ((fp = open_memstream(meta, len)) == NULL) {
		persist_deps_free(d, nd);
		return -ENOMEM;
	}
	for (size_t i = 0; i < nd; i++) {
		struct kept_dep k;

		memset(&k, 0, sizeof k);	/* the padding too */
		k.dev = d[i].dev;
		k.ino = d[i].ino;
		k.size = d[i].size;
		k.mtime_sec = d[i].mtime_sec;
		k.mtime_nsec = d[i].mtime_nsec;
		k.pathlen = (uint32_t)strlen(d[i].path);
		fwrite(&k, sizeof k, 1, fp);
		fwrite(d[i].path, 1, k.pathlen, fp);
	}
	for (size_t i = 0; i < s->nres; i++) {
		const struct snapshot_res *x = &s->res[i];
		struct kept_res k;

		memset(&k, 0, sizeof k);
		k.off = x->off;
		k.len = x->len;
		k.last_modified = x->last_modified;
		k.flags = x->flags;
		k.pathlen = (uint32_t)strlen(x->path);
		k.typelen = (uint32_t)strlen(x->type);
		memcpy(k.etag, x->etag, sizeof k.etag);
		fwrite(&k, sizeof k, 1, fp);
		fwrite(x->path, 1, k.pathlen, fp);
		fwrite(x->type, 1, k.typelen, fp);
	}
	*ndeps = (uint32_t)nd;
	persist_deps_free(d, nd);
	return fclose(fp) == 0 ? 0 : -ENOMEM;
}

static int
write_all(int fd, const void *p, size_t n, uint64_t off)
{
	const char *c = p;

	while (n > 0) {
		size_t k = n < KEPT_CHUNK ? n : KEPT_CHUNK;
		ssize_t w;

		if (atomic_load(&kept_stopping))
			return -ECANCELED;
		if ((w = pwrite(fd, c, k, (off_t)off)) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		c += w;
		off += (uint64_t)w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * The bodies to fd at off: from the memfd by sendfile(2), so that the
 * daemon maps none of their pages (its RSS and USS stay what clients
 * asked for); from the mapping only for a store without one.
 */
static int
kept_bodies(int fd, const struct body_store *bs, uint64_t off, uint64_t len)
{
	int in = body_store_fd(bs);
	off_t pos = 0;
	ssize_t w;

	if (in < 0)
		return write_all(fd, body_store_bytes(bs), len, off);
	if (lseek(fd, (off_t)off, SEEK_SET) < 0)
		return -errno;
	while ((uint64_t)pos < len) {
		size_t k = len - (uint64_t)pos < KEPT_CHUNK ?
		    (size_t)(len - (uint64_t)pos) : KEPT_CHUNK;

		if (atomic_load(&kept_stopping))
			return -ECANCELED;
		if ((w = sendfile(fd, in, &pos, k)) < 0 && errno != EINTR)
			return -errno;
		if (w == 0)
			return -EIO;
	}
	return 0;
}

/* head, meta and bodies to fd, then to the disk; *body_off where the
   bodies start */
static int
kept_write_fd(int fd, const struct snapshot *s, const char *key,
    uint64_t *body_off)
{
	struct kept_head h;
	char *meta = NULL;
	size_t len = 0;
	int r;

	memset(&h, 0, sizeof h);
	memcpy(h.magic, KEPT_MAGIC, sizeof KEPT_MAGIC);
	h.hsize = sizeof h;
	h.dsize = sizeof (struct kept_dep);
	h.rsize = sizeof (struct kept_res);
	h.nres = s->nres;
	h.body_len = body_store_size(s->bodies);
	h.data_modified = s->data_modified;
	h.nocc = s->nocc;
	if ((r = kept_meta(s, &meta, &len, &h.ndeps)) != 0)
		return r;
	h.meta_len = len;
	h.body_off = (sizeof h + len + KEPT_PAGE - 1) / KEPT_PAGE * KEPT_PAGE;
	*body_off = h.body_off;
	snprintf(h.key, sizeof h.key, "%s", key);
	cad_sha256_hex(meta, len, h.meta_sha);
	if ((r = write_all(fd, &h, sizeof h, 0)) == 0 &&
	    (r = write_all(fd, meta, len, sizeof h)) == 0)
		r = kept_bodies(fd, s->bodies, h.body_off, h.body_len);
	free(meta);
	if (r == 0 && fsync(fd) != 0)
		r = -errno;
	return r;
}

/* enough room for the file and what the store needs besides */
static bool
kept_room(const char *dir, uint64_t need)
{
	struct statvfs sv;

	return statvfs(dir, &sv) == 0 && (uint64_t)sv.f_bavail * sv.f_frsize >
	    need + 4 * (uint64_t)DISK_MIN_FREE + (16u << 20);
}

static void kept_adopt(const struct snapshot *s, const char *dir,
    const char *key);
static void kept_rebased(const struct snapshot *s, const char *path, int r);

/*
 * s to dir's kept file (a new one, renamed over the old); once it is
 * there, s's bodies are read from it (body_store_rebase: the file was
 * just written from them, at body_off of the same descriptor)
 */
static int
kept_write(const struct snapshot *s, const char *dir, const char *key)
{
	char *tmp = cad_asprintf("%s/%s.tmp", dir, PERSIST_FILE);
	char *path = cad_asprintf("%s/%s", dir, PERSIST_FILE);
	uint64_t body_off = 0;
	int fd = -1, dfd, r = 0;

	if (!kept_room(dir, body_store_size(s->bodies)))
		r = -ENOSPC;
	else if ((fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) < 0)
		r = -errno;
	else if ((r = kept_write_fd(fd, s, key, &body_off)) == 0 &&
	    rename(tmp, path) != 0)
		r = -errno;
	if (r != 0 && fd >= 0)
		unlink(tmp);
	if (r == 0 && (dfd = open(dir, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) >= 0) {
		(void)fsync(dfd);	/* the rename, on the disk */
		close(dfd);
	}
	if (r == 0 && body_store_fd(s->bodies) >= 0)
		kept_rebased(s, path, body_store_rebase(s->bodies, fd,
		    body_off));
	if (fd >= 0)
		close(fd);
	free(tmp);
	free(path);
	return r;
}

static void *
kept_main(void *arg)
{
	struct snapshot *s;
	char *dir, key[65];
	uint64_t t0;
	bool adopt;
	int r;

	(void)arg;
	/* the copy yields to the builds and the requests (Linux: a
	   thread's own nice value; the unit's system call filter refuses
	   it with EPERM, and then the copy runs at the daemon's) */
	(void)setpriority(PRIO_PROCESS, (id_t)gettid(), 19);
	for (;;) {
		pthread_mutex_lock(&kept_mtx);
		if ((s = kept_pending) == NULL || atomic_load(&kept_stopping)) {
			kept_running = false;
			pthread_mutex_unlock(&kept_mtx);
			return NULL;
		}
		kept_pending = NULL;
		dir = kept_pending_dir;
		kept_pending_dir = NULL;
		memcpy(key, kept_pending_key, sizeof key);
		adopt = kept_pending_adopt;
		pthread_mutex_unlock(&kept_mtx);

		t0 = monotonic_usec();
		if (adopt)
			kept_adopt(s, dir, key);
		else if ((r = kept_write(s, dir, key)) == 0) {
			pthread_mutex_lock(&kept_mtx);
			memcpy(kept_key, key, sizeof key);
			pthread_mutex_unlock(&kept_mtx);
			log_debug("kept %zu documents in %s/%s (%llu ms)",
			    s->nres, dir, PERSIST_FILE, (unsigned long long)
			    ((monotonic_usec() - t0) / 1000));
		} else
			log_debug("cannot keep the documents in %s/%s: %s",
			    dir, PERSIST_FILE, strerror(-r));
		free(dir);
		snapshot_put(s);
	}
}

/* the snapshot waiting to be kept, if any, given up; under kept_mtx */
static void
kept_drop_pending(void)
{
	snapshot_put(kept_pending);
	kept_pending = NULL;
	free(kept_pending_dir);
	kept_pending_dir = NULL;
}

void
persist_save(struct snapshot *s, const char *dir)
{
	char key[65];
	bool adopt;

	if (persist_key(s->cfg, s->today, s->store_digest, key) != 0 ||
	    atomic_load(&kept_stopping))
		return;
	pthread_mutex_lock(&kept_mtx);
	adopt = strcmp(key, kept_key) == 0;
	/* the same key: nothing to write, but the bodies may be read from
	   the file instead of memory (kept_adopt) */
	if (!adopt || body_store_fd(s->bodies) >= 0) {
		kept_drop_pending();
		snapshot_get_ref(s);
		kept_pending = s;
		kept_pending_dir = cad_strdup(dir);
		memcpy(kept_pending_key, key, sizeof key);
		kept_pending_adopt = adopt;
		if (!kept_running) {
			if (kept_started)
				pthread_join(kept_thread, NULL);
			kept_started = kept_running = pthread_create(
			    &kept_thread, NULL, kept_main, NULL) == 0;
		}
	}
	pthread_mutex_unlock(&kept_mtx);
}

void
persist_stop(void)
{
	atomic_store(&kept_stopping, true);
	pthread_mutex_lock(&kept_mtx);
	kept_drop_pending();
	pthread_mutex_unlock(&kept_mtx);
	if (kept_started)
		pthread_join(kept_thread, NULL);
	kept_started = false;
}

/* the head and meta part of the file fd, checked; 0 or -ENOENT */
static int
kept_read(int fd, struct kept_head *h, char **meta, struct cad_error *err)
{
	char sha[65];
	struct stat sb;

	if (pread(fd, h, sizeof *h, 0) != (ssize_t)sizeof *h ||
	    memcmp(h->magic, KEPT_MAGIC, sizeof KEPT_MAGIC) != 0 ||
	    h->hsize != sizeof *h || h->dsize != sizeof (struct kept_dep) ||
	    h->rsize != sizeof (struct kept_res) || h->meta_len > KEPT_META_MAX ||
	    h->body_off % KEPT_PAGE != 0 ||
	    h->body_off < sizeof *h + h->meta_len || fstat(fd, &sb) != 0 ||
	    (uint64_t)sb.st_size < h->body_off + h->body_len ||
	    memchr(h->key, '\0', sizeof h->key) == NULL) {
		cad_error_set(err, "not a kept snapshot of this version");
		return -ENOENT;
	}
	*meta = cad_xcalloc(1, h->meta_len + 1);
	if (pread(fd, *meta, h->meta_len, sizeof *h) != (ssize_t)h->meta_len) {
		cad_error_set(err, "short");
		return -ENOENT;
	}
	cad_sha256_hex(*meta, h->meta_len, sha);
	if (memcmp(sha, h->meta_sha, sizeof sha) != 0) {
		cad_error_set(err, "damaged");
		return -ENOENT;
	}
	return 0;
}

/* the program files the kept snapshot was made with (read past them);
   with same, whether this program is still made of them (why not into
   why); 0, or -ENOENT with err when damaged */
static int
kept_deps(const struct kept_head *h, const char *meta, size_t *pos,
    bool *same, struct cad_error *why, struct cad_error *err)
{
	struct persist_dep *d = cad_xcalloc(h->ndeps + 1, sizeof *d);
	struct kept_dep k;
	size_t n = 0;
	int r = 0;

	for (; r == 0 && n < h->ndeps; n++) {
		if (h->meta_len - *pos < sizeof k) {
			r = -ENOENT;
			break;
		}
		memcpy(&k, meta + *pos, sizeof k);
		*pos += sizeof k;
		if (h->meta_len - *pos < k.pathlen) {
			r = -ENOENT;
			break;
		}
		d[n] = (struct persist_dep){ k.dev, k.ino, k.size,
		    k.mtime_sec, k.mtime_nsec, cad_asprintf("%.*s",
		    (int)k.pathlen, meta + *pos) };
		*pos += k.pathlen;
	}
	if (r != 0)
		cad_error_set(err, "damaged");
	else if (same != NULL)
		*same = persist_deps_check(d, n, PERSIST_FILE, why) == 0;
	persist_deps_free(d, n);
	return r;
}

/* one document record at *pos into r; false when damaged */
static bool
kept_res(const struct kept_head *h, const char *meta, size_t *pos,
    struct snapshot_res *r)
{
	struct kept_res k;
	char type[64];

	if (h->meta_len - *pos < sizeof k)
		return false;
	memcpy(&k, meta + *pos, sizeof k);
	*pos += sizeof k;
	if (h->meta_len - *pos < (uint64_t)k.pathlen + k.typelen ||
	    k.typelen >= sizeof type || k.off > h->body_len ||
	    k.len > h->body_len - k.off || k.etag[sizeof k.etag - 1] != '\0')
		return false;
	r->path = cad_asprintf("%.*s", (int)k.pathlen, meta + *pos);
	*pos += k.pathlen;
	snprintf(type, sizeof type, "%.*s", (int)k.typelen, meta + *pos);
	*pos += k.typelen;
	r->type = snapshot_type(type);
	r->off = k.off;
	r->len = (size_t)k.len;
	r->last_modified = k.last_modified;
	r->flags = k.flags;
	memcpy(r->etag, k.etag, sizeof r->etag);
	return r->type != NULL;
}

/* what came of reading s's bodies from the kept file at path */
static void
kept_rebased(const struct snapshot *s, const char *path, int r)
{
	if (r == 0)
		log_debug("the bodies of the %zu documents are read from %s "
		    "from now on", s->nres, path);
	else
		log_debug("the bodies stay in memory, not read from %s: %s",
		    path, r == -ENOENT ? "other documents" : strerror(-r));
}

/*
 * When the kept file in dir holds s's documents (its key, and the same
 * paths, offsets, lengths and ETags: the same bodies), s's bodies are
 * read from it from now on (body_store_rebase): the memfd, as large as
 * the file, goes back to the system.  For a build the kept file already
 * holds (a restart with nothing changed); a file just written is taken
 * up by kept_write itself.
 */
static void
kept_adopt(const struct snapshot *s, const char *dir, const char *key)
{
	char *path = cad_asprintf("%s/%s", dir, PERSIST_FILE);
	struct cad_error err = { "" };
	struct kept_head h;
	char *meta = NULL;
	size_t pos = 0;
	int fd, r = -ENOENT;

	if (body_store_fd(s->bodies) < 0 ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		free(path);
		return;	/* a file's or the heap's already, or none */
	}
	if (kept_read(fd, &h, &meta, &err) != 0 || strcmp(h.key, key) != 0 ||
	    h.nres != s->nres || h.body_len != body_store_size(s->bodies) ||
	    kept_deps(&h, meta, &pos, NULL, NULL, &err) != 0)
		goto out;
	for (size_t i = 0; i < s->nres; i++) {
		const struct snapshot_res *a = &s->res[i];
		struct snapshot_res b = { 0 };
		bool same = kept_res(&h, meta, &pos, &b) &&
		    strcmp(a->path, b.path) == 0 && a->off == b.off &&
		    a->len == b.len && strcmp(a->etag, b.etag) == 0;

		free(b.path);
		if (!same)
			goto out;
	}
	r = body_store_rebase(s->bodies, fd, h.body_off);
out:
	kept_rebased(s, path, r);
	free(meta);
	free(path);
	close(fd);
}

/* the documents of the kept file into s, their bodies mapped */
static int
kept_docs(struct snapshot *s, int fd, const struct kept_head *h,
    const char *meta, size_t pos, struct cad_error *err)
{
	if (h->nres > h->meta_len / sizeof (struct kept_res)) {
		cad_error_set(err, "damaged");
		return -ENOENT;
	}
	s->res = cad_xcalloc(h->nres + 1, sizeof *s->res);
	for (; s->nres < h->nres; s->nres++) {
		struct snapshot_res *r = &s->res[s->nres];

		/* sorted by path, as snapshot_find looks them up */
		if (!kept_res(h, meta, &pos, r) || (s->nres > 0 &&
		    strcmp(r[-1].path, r->path) >= 0)) {
			free(r->path);
			r->path = NULL;
			cad_error_set(err, "damaged");
			return -ENOENT;
		}
	}
	if ((s->bodies = body_store_open(fd, h->body_off, h->body_len,
	    err)) == NULL)
		return -EIO;
	return 0;
}

/* the store's digest and the snapshot's inputs, read together */
static int
kept_inputs(struct snapshot_config *conf, struct cad_store *st, int today,
    int64_t now, struct snapshot **out, struct cad_error *err)
{
	bool tx = !cad_store_readonly(st);
	int r;

	if (tx && (r = cad_store_begin(st, err)) != 0)
		return r;
	if ((r = snapshot_new(conf, st, today, now, NULL, out, err)) == 0 &&
	    (r = cad_store_digest(st, (*out)->store_digest, err)) != 0) {
		snapshot_put(*out);
		*out = NULL;
	}
	if (tx)
		cad_store_rollback(st);
	return r;
}

int
persist_restore(struct snapshot_config *conf, struct cad_store *st,
    const char *dir, int today, int64_t now, struct snapshot **out,
    bool *stale, struct cad_error *err)
{
	char *path = cad_asprintf("%s/%s", dir, PERSIST_FILE);
	struct snapshot *s = NULL;
	struct kept_head h;
	struct cad_error why = { "" };
	char *meta = NULL, key[65];
	size_t pos = 0;
	bool same = false;
	int fd, r;

	*out = NULL;
	*stale = false;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		r = errno == ENOENT ? -ENOENT : -errno;
		cad_error_set(err, "%s: %s", path, strerror(errno));
		free(path);
		return r;
	}
	if ((r = kept_read(fd, &h, &meta, err)) != 0 ||
	    (r = kept_inputs(conf, st, today, now, &s, err)) != 0)
		goto out;
	if ((r = kept_deps(&h, meta, &pos, &same, &why, err)) != 0 ||
	    (r = kept_docs(s, fd, &h, meta, pos, err)) != 0)
		goto out;
	/* another program (an upgrade): what it made is served until this
	   one's build replaces it, as when the inputs changed */
	if (!same)
		log_info("the documents kept in %s were made by another "
		    "program (%s)", path, why.msg);
	*stale = !same || persist_key(conf->cfg, today, s->store_digest,
	    key) != 0 || strcmp(key, h.key) != 0;
	s->data_modified = h.data_modified;
	s->nocc = (size_t)h.nocc;
	/* made of other inputs: never "unchanged" to the build after it */
	if (*stale)
		s->inputs_hash = 0;
	/* the file is written again after the build (its program files
	   are this program's then), whatever the build's key */
	pthread_mutex_lock(&kept_mtx);
	if (same)
		memcpy(kept_key, h.key, sizeof kept_key);
	else
		kept_key[0] = '\0';
	pthread_mutex_unlock(&kept_mtx);
	*out = s;
	s = NULL;
out:
	snapshot_put(s);
	free(meta);
	free(path);
	close(fd);
	return r;
}
