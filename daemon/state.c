/*
 * state.c - the daemon's state kept current: snapshots rebuilt and
 * published (a failure keeps the last good one served and turns
 * /healthz red), the state directory's room and the database file
 * watched, the store opened read-only on a full disk until there is
 * room, and the outbox worker run after each poll.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>

#include "daemon.h"
#include "health.h"
#include "log.h"
#include "metrics.h"
#include "persist.h"
#include "store/outbox.h"
#include "sys.h"

#define DEEP_CHECK_TICKS 10		/* PRAGMA quick_check every 10 s */

/*
 * Builds a snapshot from d->conf for d->today and publishes it.  The
 * store version is taken before the build: what cadencectl commits
 * meanwhile is seen at the next tick.  Our own series_sync writes also
 * move it; that tick then finds the inputs' hash unchanged
 * (inputs_changed, main.c) and does not build again.
 * A failure keeps the last good snapshot published and, with health,
 * makes /healthz 503 until a rebuild works (without: a new config that
 * is tried and then dropped, which is not the daemon's health).
 */
int
daemon_rebuild_health(struct daemon *d, const char *why, bool health)
{
	struct cad_error err = { "" };
	struct snapshot *prev, *s = NULL;
	int64_t version;
	uint64_t t0 = monotonic_usec();
	int r;

	if (cad_store_changed(d->store, &version) == 0)
		d->store_version = version;
	prev = snapshot_get();
	r = snapshot_build(d->conf, d->store, d->today, (int64_t)time(NULL),
	    prev, &s, &err);
	if (r == -ECANCELED) {
		/* SIGTERM came: given up, nothing written; the loop stops */
		snapshot_put(prev);
		d->dirty = true;
		return r;
	}
	if (r != 0) {
		const char *msg = err.msg[0] != '\0' ? err.msg : strerror(-r);
		char since[32];
		long long t = health_since(HEALTH_SNAPSHOT);

		snapshot_put(prev);
		if (!health)
			log_warnx("cannot rebuild the feeds (%s): %s", why, msg);
		else {
			utc_time(t != 0 ? t : (long long)time(NULL), since);
			if (health_fail(HEALTH_SNAPSHOT, "snapshot: rebuild "
			    "failing since %s: %s", since, msg))
				log_warnx("cannot rebuild the feeds (%s): %s; "
				    "the last good ones are served meanwhile",
				    why, msg);
			else
				log_debug("cannot rebuild the feeds (%s): %s",
				    why, msg);
		}
		d->dirty = true;
		return r;
	}
	if (health && health_ok(HEALTH_SNAPSHOT))
		log_info("feeds rebuilt again (%s)", why);
	if (prev == NULL || prev->inputs_hash != s->inputs_hash)
		log_info("published %zu meetings, %zu documents (%s, "
		    "%llu ms)", s->nocc, s->nres, why,
		    (unsigned long long)((monotonic_usec() - t0) / 1000));
	else
		log_debug("rebuilt, unchanged (%s)", why);
	if (s->enqueued > 0) {
		log_info("outbox: %d new deliver%s (%s)", s->enqueued,
		    s->enqueued == 1 ? "y" : "ies", why);
		if (d->worker != NULL)
			cad_outbox_worker_kick(d->worker);
	}
	snapshot_put(prev);
	/* kept for a quick restart, in the background (persist.h) */
	persist_save(s, d->store_dir);
	snapshot_publish(s);
	d->dirty = false;
	d->restored = false;
	d->stale = false;
	return 0;
}

bool
daemon_restore(struct daemon *d)
{
	struct cad_error err = { "" };
	struct snapshot *s = NULL;
	uint64_t t0 = monotonic_usec();
	int64_t version;

	if (cad_store_changed(d->store, &version) == 0)
		d->store_version = version;
	if (persist_restore(d->conf, d->store, d->store_dir, d->today,
	    (int64_t)time(NULL), &s, &d->stale, &err) != 0) {
		log_debug("building the documents: the kept ones are not "
		    "served (%s)", err.msg);
		return false;
	}
	log_info("serving the %zu documents kept in %s/%s (%llu ms)%s; "
	    "building them again", s->nres, d->store_dir, PERSIST_FILE,
	    (unsigned long long)((monotonic_usec() - t0) / 1000),
	    d->stale ? ", made of other inputs (the config, the day, the "
	    "database or the program changed since)" : "");
	snapshot_publish(s);
	d->restored = true;
	return true;
}

int
daemon_rebuild(struct daemon *d, const char *why)
{
	return daemon_rebuild_health(d, why, true);
}

/*
 * The state_dir's file system: sqlite cannot commit without room (its
 * WAL grows page by page), and cadencectl's changes would fail too.
 */
void
daemon_disk_check(struct daemon *d)
{
	struct statvfs sv;
	unsigned long long avail;

	if (statvfs(d->store_dir, &sv) != 0)
		return;		/* the store's own errors tell more */
	avail = (unsigned long long)sv.f_bavail * sv.f_frsize;
	if (avail < DISK_MIN_FREE || (sv.f_files != 0 && sv.f_favail == 0)) {
		if (health_fail(HEALTH_DISK, "store: disk full: %llu KiB "
		    "free in '%s'", avail / 1024, d->store_dir))
			log_warnx("state directory '%s': only %llu KiB free: "
			    "changes and deliveries cannot be recorded",
			    d->store_dir, avail / 1024);
	} else if (health_ok(HEALTH_DISK))
		log_info("state directory '%s': %llu KiB free again",
		    d->store_dir, avail / 1024);
}

/*
 * The database file is still the one opened and (every tenth second)
 * sound; else /healthz names the reason and the store writes nothing
 * more (cad_store_verify).  A SIGHUP opens the file anew.
 */
bool
daemon_db_check(struct daemon *d)
{
	struct cad_error err = { "" };

	if (cad_store_verify(d->store, d->ticks++ % DEEP_CHECK_TICKS == 0,
	    &err) != 0) {
		if (health_fail(HEALTH_DB, "database: %s", err.msg))
			log_err("database: %s", err.msg);
		return false;
	}
	if (health_ok(HEALTH_DB))
		log_info("database: '%s/cadenced.db' is sound again",
		    d->store_dir);
	return true;
}

/*
 * At start.  On a full disk sqlite cannot make its -wal and -shm files:
 * then the database is opened read-only (immutable) and the daemon
 * serves the last state with /healthz 503, without the outbox, until
 * daemon_writable_again() finds room.
 */
int
daemon_open_store(struct daemon *d, struct cad_error *err)
{
	if (cad_store_open_flags(d->store_dir, d->store_flags, &d->store,
	    err) == 0 || !disk_full(d->store_dir))
		return d->store != NULL ? 0 : -EIO;
	log_warnx("cannot open the database in '%s' (%s): the disk is full; "
	    "serving the last state read-only, without deliveries, until "
	    "there is room", d->store_dir, err->msg);
	return cad_store_open_flags(d->store_dir, CAD_STORE_READONLY,
	    &d->store, err);
}

/* read-only after a full disk at start: 0 once writable again */
int
daemon_writable_again(struct daemon *d)
{
	struct cad_error err = { "" };
	struct cad_store *st = NULL;
	struct cad_outbox_worker *w = NULL;

	if (health_since(HEALTH_DISK) != 0)
		return -ENOSPC;
	if (cad_store_open(d->store_dir, &st, &err) != 0 ||
	    cad_outbox_worker_new(st, d->conf->cfg, &w, &err) != 0) {
		cad_store_close(st);
		log_debug("still read-only: %s", err.msg);
		return -EIO;
	}
	cad_store_close(d->store);
	d->store = st;
	d->store_version = -1;
	daemon_worker_swap(d, w);
	log_info("state directory '%s' is writable again: deliveries resume",
	    d->store_dir);
	(void)daemon_rebuild(d, "writable again");
	return 0;
}

/* the outbox's rows by state, for /metrics */
void
daemon_outbox_depth(struct daemon *d)
{
	struct cad_outbox_counts k;
	struct cad_error err = { "" };

	if (cad_store_outbox_counts(d->store, &k, &err) != 0) {
		log_debug("outbox: cannot count the entries: %s", err.msg);
		return;
	}
	metrics_outbox_depth(k.pending, k.sent, k.failed);
}

/* runs the outbox worker after a poll: fds are its descriptors */
void
daemon_deliver(struct daemon *d, const struct pollfd *fds, size_t n)
{
	struct cad_error err = { "" };
	struct cad_outbox_stats st;
	unsigned sent, retry, failed;
	int r;

	if (d->worker == NULL)
		return;		/* read-only: a full disk at start */
	r = cad_outbox_worker_run(d->worker, fds, n, (int64_t)time(NULL),
	    &err);
	if (r < 0) {
		const char *msg = err.msg[0] != '\0' ? err.msg : strerror(-r);

		if (health_fail(HEALTH_STORE, "store: %s", msg))
			log_warnx("outbox: %s", msg);
		d->worker_failing = true;
	} else if (d->worker_failing) {
		if (health_ok(HEALTH_STORE))
			log_info("outbox: the database works again");
		d->worker_failing = false;
	}
	cad_outbox_worker_stats(d->worker, &st);
	sent = (unsigned)(st.sent - d->seen.sent);
	retry = (unsigned)(st.retry - d->seen.retry);
	failed = (unsigned)(st.failed - d->seen.failed);
	if (sent == 0 && retry == 0 && failed == 0)
		return;
	d->seen = st;
	metrics_outbox_deliveries(sent, retry, failed);
	if (failed > 0)
		log_warnx("outbox: %u sent, %u to retry, %u failed for good "
		    "(see cadencectl outbox)", sent, retry, failed);
	else if (retry > 0)
		log_warnx("outbox: %u sent, %u to retry later (see "
		    "cadencectl outbox)", sent, retry);
	else
		log_info("outbox: %u sent", sent);
}

/* a new worker replaces the old one (the old is freed) */
void
daemon_worker_swap(struct daemon *d, struct cad_outbox_worker *w)
{
	cad_outbox_worker_free(d->worker);
	d->worker = w;
	d->worker_gen++;
	memset(&d->seen, 0, sizeof d->seen);
	d->worker_failing = false;
	(void)health_ok(HEALTH_STORE);
}
