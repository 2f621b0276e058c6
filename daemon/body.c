/*
 * body.c - the snapshot's bodies in one sealed memfd, mapped read-only
 * and sent by responses made once, or from the file with sendfile(2)
 * when large (see body.h).
 */
#include "body.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <microhttpd.h>

#include "log.h"

#define BODY_STAGE	(256u << 10)	/* bytes gathered per write() */

struct body_store {
	atomic_int refs;
	int fd;			/* the memfd (also sealed); -1: in the heap
				   or a kept file's mapping */
	uint64_t size;		/* written so far, staged bytes included */
	char *stage;		/* memfd: bytes not written yet */
	size_t nstage;
	const char *map;	/* sealed: the bytes, read-only */
	char *heap;		/* without memfd_create: a heap buffer */
	size_t cap;
	/* sealed: where the bytes are, for sendfile (body_response_file):
	   the memfd at 0 or, once rebased, the kept file at its bodies;
	   -1 in the heap.  Our own descriptor, replaced by a rebase under
	   file_mtx while the HTTP threads dup it */
	pthread_mutex_t file_mtx;
	int file;
	uint64_t file_off;
};

/* the sealed bytes are at off in fd from now on (a descriptor of our
   own, or none when the system has no descriptor left) */
static void
file_set(struct body_store *bs, int fd, uint64_t off)
{
	int own = fcntl(fd, F_DUPFD_CLOEXEC, 0), was;

	pthread_mutex_lock(&bs->file_mtx);
	was = bs->file;
	bs->file = own;
	bs->file_off = off;
	pthread_mutex_unlock(&bs->file_mtx);
	if (was >= 0)
		close(was);
}

struct body_store *
body_store_new(void)
{
	struct body_store *bs = cad_xcalloc(1, sizeof *bs);
	static atomic_int warned;

	atomic_init(&bs->refs, 1);
	pthread_mutex_init(&bs->file_mtx, NULL);
	bs->file = -1;
	bs->fd = memfd_create("cadenced-bodies", MFD_CLOEXEC |
	    MFD_ALLOW_SEALING);
	if (bs->fd >= 0)
		bs->stage = cad_xcalloc(1, BODY_STAGE);
	else if (atomic_exchange(&warned, 1) == 0)
		log_warn("memfd_create: the bodies stay in the heap");
	return bs;
}

uint64_t
body_store_tell(const struct body_store *bs)
{
	return bs->size;
}

uint64_t
body_store_size(const struct body_store *bs)
{
	return bs->size;
}

/* writes the staged bytes to the memfd */
static int
stage_flush(struct body_store *bs)
{
	size_t done = 0;

	while (done < bs->nstage) {
		ssize_t w = write(bs->fd, bs->stage + done, bs->nstage - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		done += (size_t)w;
	}
	bs->nstage = 0;
	return 0;
}

static int
heap_write(struct body_store *bs, const void *p, size_t n)
{
	size_t cap = bs->cap ? bs->cap : BODY_STAGE;
	char *h;

	while (cap - bs->size < n)
		cap *= 2;
	if (cap != bs->cap) {
		if ((h = realloc(bs->heap, cap)) == NULL)
			return -ENOMEM;
		bs->heap = h;
		bs->cap = cap;
	}
	memcpy(bs->heap + bs->size, p, n);
	bs->size += n;
	return 0;
}

int
body_store_write(struct body_store *bs, const void *p, size_t n)
{
	const char *c = p;
	int r;

	if (n == 0)
		return 0;
	if (bs->map != NULL)
		return -EPERM;	/* sealed */
	if (bs->fd < 0)
		return heap_write(bs, p, n);
	while (n > 0) {
		size_t k = BODY_STAGE - bs->nstage;
		if (k > n)
			k = n;
		memcpy(bs->stage + bs->nstage, c, k);
		bs->nstage += k;
		bs->size += k;
		c += k;
		n -= k;
		if (bs->nstage == BODY_STAGE && (r = stage_flush(bs)) != 0)
			return r;
	}
	return 0;
}

int
body_store_seal(struct body_store *bs, struct cad_error *err)
{
	void *m;
	int r;

	if (bs->fd < 0) {
		bs->map = bs->heap != NULL ? bs->heap : "";
		return 0;
	}
	if ((r = stage_flush(bs)) != 0) {
		cad_error_set(err, "bodies: write: %s", strerror(-r));
		return r;
	}
	free(bs->stage);
	bs->stage = NULL;
	/* nothing may change a body that a response is sending */
	if (fcntl(bs->fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW |
	    F_SEAL_WRITE | F_SEAL_SEAL) != 0) {
		r = -errno;
		cad_error_set(err, "bodies: seal: %s", strerror(-r));
		return r;
	}
	if (bs->size == 0) {
		bs->map = "";
	} else {
		m = mmap(NULL, bs->size, PROT_READ, MAP_SHARED, bs->fd, 0);
		if (m == MAP_FAILED) {
			r = -errno;
			cad_error_set(err, "bodies: mmap: %s", strerror(-r));
			return r;
		}
		bs->map = m;
		file_set(bs, bs->fd, 0);
	}
	/* the descriptor stays: the kept snapshot is copied from it
	   (persist.c), not through the mapping, whose pages would all
	   become the daemon's resident memory */
	return 0;
}

struct body_store *
body_store_open(int fd, uint64_t off, uint64_t size, struct cad_error *err)
{
	struct body_store *bs = cad_xcalloc(1, sizeof *bs);
	void *m;

	atomic_init(&bs->refs, 1);
	pthread_mutex_init(&bs->file_mtx, NULL);
	bs->file = -1;
	bs->fd = -1;
	bs->size = size;
	bs->map = "";
	if (size == 0)
		return bs;
	m = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, (off_t)off);
	if (m == MAP_FAILED) {
		cad_error_set(err, "bodies: mmap: %s", strerror(errno));
		free(bs);
		return NULL;
	}
	bs->map = m;
	file_set(bs, fd, off);
	return bs;
}

int
body_store_rebase(struct body_store *bs, int fd, uint64_t off)
{
	struct stat sb;
	void *m;

	if (bs->fd < 0 || bs->map == NULL || bs->size == 0)
		return -EINVAL;	/* not a sealed memfd with bytes */
	if (fstat(fd, &sb) != 0)
		return -errno;
	if ((uint64_t)sb.st_size < off + bs->size)
		return -EINVAL;	/* a page past its end would be SIGBUS */
	/* the file's mapping made at the same addresses (the kernel checks
	   the descriptor, offset and access before it takes the memfd's
	   down); pages being read meanwhile fault in from the file, with
	   the same bytes */
	m = mmap((void *)bs->map, bs->size, PROT_READ, MAP_SHARED | MAP_FIXED,
	    fd, (off_t)off);
	if (m == MAP_FAILED) {
		int e = errno;

		/* the memfd's mapping put back where it was, should the
		   kernel have taken it down before failing */
		if (mmap((void *)bs->map, bs->size, PROT_READ, MAP_SHARED |
		    MAP_FIXED, bs->fd, 0) == MAP_FAILED)
			abort();	/* responses point there: no way on */
		return -e;
	}
	file_set(bs, fd, off);
	close(bs->fd);
	bs->fd = -1;
	return 0;
}

const char *
body_store_bytes(const struct body_store *bs)
{
	return bs->map;
}

int
body_store_fd(const struct body_store *bs)
{
	return bs->map != NULL ? bs->fd : -1;
}

void
body_store_put(struct body_store *bs)
{
	if (bs == NULL || atomic_fetch_sub(&bs->refs, 1) != 1)
		return;
	if (bs->fd >= 0)
		close(bs->fd);
	if (bs->file >= 0)
		close(bs->file);
	pthread_mutex_destroy(&bs->file_mtx);
	if (bs->map != NULL && bs->map != bs->heap && bs->size > 0)
		munmap((void *)bs->map, bs->size);
	free(bs->stage);
	free(bs->heap);
	free(bs);
}

static void
body_done(void *cls)
{
	body_store_put(cls);
}

struct MHD_Response *
body_response(struct body_store *bs, uint64_t off, size_t len)
{
	struct MHD_Response *resp;

	/* the bytes stay mapped while the response lives */
	atomic_fetch_add(&bs->refs, 1);
	resp = MHD_create_response_from_buffer_with_free_callback_cls(len,
	    (void *)(bs->map + off), body_done, bs);
	if (resp == NULL)
		body_store_put(bs);
	return resp;
}

struct MHD_Response *
body_response_file(struct body_store *bs, uint64_t off, size_t len)
{
	struct MHD_Response *resp;
	uint64_t base;
	int fd;

	pthread_mutex_lock(&bs->file_mtx);
	fd = bs->file >= 0 ? fcntl(bs->file, F_DUPFD_CLOEXEC, 0) : -1;
	base = bs->file_off;
	pthread_mutex_unlock(&bs->file_mtx);
	if (fd < 0)
		return NULL;
	/* libmicrohttpd closes fd with the response */
	if ((resp = MHD_create_response_from_fd_at_offset64(len, fd,
	    base + off)) == NULL)
		close(fd);
	return resp;
}
