/*
 * body.h - where a snapshot keeps the bodies it serves, and the
 * libmicrohttpd responses that send them.
 *
 * Every body (feed, page, JSON) is written once, in one piece, into the
 * snapshot's body store: a memfd, sealed when the snapshot is complete
 * and mapped read-only, so the bytes are shared memory of their own,
 * never copied again and returned to the system as one mapping when the
 * store goes (not scattered through the heap).  A body goes out through
 * a response made on its first request and queued for every later one
 * (daemon/http.c), whose buffer points into the mapping: libmicrohttpd
 * writes the headers and the body with one writev() per round.
 *
 * Why not sendfile() from the memfd (MHD_create_response_from_fd):
 * measured side by side, libmicrohttpd 0.9.75 sends the headers apart
 * from the body, corks and sends files in 128 KiB rounds, which made it
 * 0.45-0.8 x as fast as this at 69 KB - 2.9 MB (BENCHMARKS.md).
 *
 * The store is reference counted: the snapshot holds one reference and
 * every response made from it one more, so a body still being sent
 * stays mapped after its snapshot is gone, and the mapping goes with
 * the last response.  Without memfd_create() (a seccomp filter) the
 * bodies stay in one heap buffer instead, served the same way.
 */
#ifndef DAEMON_BODY_H
#define DAEMON_BODY_H

#include <stddef.h>
#include <stdint.h>

#include "base/util.h"

struct body_store;
struct MHD_Response;

/* an empty store, refs = 1 */
struct body_store *body_store_new(void);
/* where the next byte written will be */
uint64_t body_store_tell(const struct body_store *bs);
/* appends n bytes; 0 or -errno */
int body_store_write(struct body_store *bs, const void *p, size_t n);
/* writes what is buffered and makes the store read-only; 0 or -errno */
int body_store_seal(struct body_store *bs, struct cad_error *err);
/*
 * A sealed store of the size bytes at off (a multiple of the page size)
 * in the file fd, mapped read-only: a kept snapshot's bodies
 * (persist.h).  The file must never be written in place; fd may be
 * closed afterwards.  NULL with err.
 */
struct body_store *body_store_open(int fd, uint64_t off, uint64_t size,
    struct cad_error *err);
/*
 * A sealed memfd store's bytes read from now on from the file fd at off
 * (a multiple of the page size), which holds the same bytes (the kept
 * snapshot, persist.h; never written in place): its mapping takes the
 * memfd's place at the same addresses, so bodies being sent read on,
 * and the memfd goes.  The bodies then cost page cache, which the
 * kernel reclaims when short, not shared memory that only swap could
 * take.  0 or -errno (the store unchanged); fd may be closed after.
 */
int body_store_rebase(struct body_store *bs, int fd, uint64_t off);
/* a sealed store's bytes */
const char *body_store_bytes(const struct body_store *bs);
/* a sealed store's memfd (offset 0 is byte 0), -1 when it has none */
int body_store_fd(const struct body_store *bs);
/* bytes in the store */
uint64_t body_store_size(const struct body_store *bs);
void body_store_put(struct body_store *bs);

/*
 * A response whose body is bytes off .. off + len of a sealed store, or
 * NULL (out of memory: the caller answers 503).
 */
struct MHD_Response *body_response(struct body_store *bs, uint64_t off,
    size_t len);
/*
 * A response of its own (one per request: libmicrohttpd 0.9.75 holds a
 * file response's lock while it sends, so one shared by all requests
 * would send to one connection at a time) whose body is the same bytes
 * read from the store's file with sendfile(2): a descriptor of the
 * memfd or the kept file, closed with the response.  NULL when the
 * store is in the heap or no descriptor is left (the caller sends
 * body_response's then).
 */
struct MHD_Response *body_response_file(struct body_store *bs, uint64_t off,
    size_t len);

#endif
