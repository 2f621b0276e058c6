/*
 * deliver.h - the outbox worker: sends the rows that core/store/outbox.c
 * enqueued (SPEC § 6) with libcurl and records every attempt in the store.
 *
 * libcurl multi with socket callbacks, never blocking the caller:
 *  - due rows are started oldest first, at most CAD_OUTBOX_PARALLEL at a
 *    time and one at a time per uid + channel + target (order matters);
 *    e-mail one message at a time (a crash before its 250 is recorded
 *    sends it again: then only that one, with the same Message-ID);
 *  - CalDAV: PUT caldav.url + <uid>.ics with If-None-Match: * when no
 *    ETag is known, else If-Match: <etag>; the returned ETag is stored
 *    (a GET fetches it when the server sends none); 412: GET for the
 *    current ETag and PUT once more, then back off; DELETE for "delete"
 *    (404 counts as done).  Basic auth with caldav.user and the password
 *    from caldav.password_file;
 *  - SMTP: smtp(s)://, MAIL FROM = organizer, RCPT = target, the stored
 *    message uploaded; STARTTLS: required when a user is set (tried only
 *    on a loopback host), not attempted without a user; smtps:// is TLS
 *    from the start.  TLS verification is always on;
 *  - connect timeout 10 s, whole transfer 60 s;
 *  - a success is recorded (state "sent") right after the server's
 *    answer; connection errors, timeouts, HTTP 408/425/429/5xx, 412 after
 *    the re-read and SMTP 4xx stay "pending" with due = now + backoff
 *    (exponential from 30 s, capped at 1 h, "equal jitter"); other HTTP
 *    4xx, SMTP 5xx and configuration errors are "failed".  Every attempt
 *    adds one to attempts and records last_error (never a password);
 *  - password files are read by net/secret.c (regular files the owner
 *    alone may use; cad_outbox_worker_new refuses others).
 *
 * In a poll(2) loop (the daemon):
 *
 *	cad_outbox_worker_new(st, cfg, &w, &err);	at start
 *	... after planning: cad_outbox_sync(st, cfg, &ctx, &plan, states,
 *	    now, &err); cad_outbox_worker_kick(w);
 *	loop:
 *		n = own fds; n += cad_outbox_worker_pollfds(w, fds + n,
 *		    max - n);
 *		timeout = min(own, cad_outbox_worker_timeout(w, now));
 *		poll(fds, n, timeout);
 *		cad_outbox_worker_run(w, fds + own_n, n - own_n, time(NULL),
 *		    &err);	(always, also after a timeout)
 *	on SIGHUP with a valid new config: cad_outbox_worker_reconfigure;
 *	at exit: cad_outbox_worker_free (aborts transfers in flight; they
 *	stay pending and are sent again later).
 *
 * The worker keeps using st; the caller must not use st from another
 * thread at the same time.
 */
#ifndef CAD_NET_DELIVER_H
#define CAD_NET_DELIVER_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/config.h"
#include "store/outbox.h"
#include "store/store.h"
#include "base/util.h"

#define CAD_OUTBOX_PARALLEL	4	/* transfers at once */
#define CAD_OUTBOX_MAX_FDS	(2 * CAD_OUTBOX_PARALLEL)

/* the classification of one finished transfer */
enum cad_outbox_result {
	CAD_OUTBOX_DONE = 0,
	CAD_OUTBOX_RETRY,
	CAD_OUTBOX_FAIL,
};
/* status: HTTP or SMTP reply code (0 when none); curl_code: CURLcode */
enum cad_outbox_result cad_outbox_classify(bool smtp, int curl_code,
    long status);

struct cad_outbox_worker;

/* reads the password files; -EPERM when one is open to group/others */
int cad_outbox_worker_new(struct cad_store *st,
    const struct cad_config *cfg, struct cad_outbox_worker **out,
    struct cad_error *err);
void cad_outbox_worker_free(struct cad_outbox_worker *w);
/* new servers/credentials for transfers started from now on; on error
   the old ones stay */
int cad_outbox_worker_reconfigure(struct cad_outbox_worker *w,
    const struct cad_config *cfg, struct cad_error *err);
/*
 * The same in two steps, for a reload that may still fail: load reads
 * the password files (nothing changes in any worker), use puts them in
 * force and takes sv (it cannot fail); free drops an unused sv.
 */
struct cad_outbox_servers;
int cad_outbox_servers_load(const struct cad_config *cfg,
    struct cad_outbox_servers **out, struct cad_error *err);
void cad_outbox_worker_use(struct cad_outbox_worker *w,
    struct cad_outbox_servers *sv);
void cad_outbox_servers_free(struct cad_outbox_servers *sv);
/* rows were enqueued or retried: look at the store on the next run */
void cad_outbox_worker_kick(struct cad_outbox_worker *w);
/* fills at most max pollfds for the sockets in use; returns how many */
size_t cad_outbox_worker_pollfds(struct cad_outbox_worker *w,
    struct pollfd *fds, size_t max);
/* ms until cad_outbox_worker_run should be called again (-1: only when
   kicked); now is unix seconds */
int cad_outbox_worker_timeout(struct cad_outbox_worker *w, int64_t now);
/*
 * Does what is ready: the sockets in fds[0..n) with revents, curl's
 * timer, finished transfers (recorded in the store), and starts due
 * rows.  Never blocks on the network.  Returns the number of transfers
 * in flight, or -errno when the store failed (err).
 */
int cad_outbox_worker_run(struct cad_outbox_worker *w,
    const struct pollfd *fds, size_t n, int64_t now, struct cad_error *err);

struct cad_outbox_stats {
	int sent;
	int retry;		/* attempts that will be retried */
	int failed;
};
void cad_outbox_worker_stats(const struct cad_outbox_worker *w,
    struct cad_outbox_stats *out);

/*
 * Delivers every row due at the start once, blocking, and returns when
 * nothing is in flight (cadencectl outbox --deliver).  Rows that fail
 * stay with their backoff.
 */
int cad_outbox_deliver(struct cad_store *st, const struct cad_config *cfg,
    struct cad_outbox_stats *stats, struct cad_error *err);

#endif
