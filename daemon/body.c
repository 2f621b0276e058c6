/*
 * body.c - the snapshot's bodies in one sealed memfd, mapped read-only
 * and sent by responses made once (see body.h).
 */
#include "body.h"

#include <errno.h>
#include <fcntl.h>
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
};

struct body_store *
body_store_new(void)
{
	struct body_store *bs = cad_xcalloc(1, sizeof *bs);
	static atomic_int warned;

	atomic_init(&bs->refs, 1);
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
