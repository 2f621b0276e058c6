/*
 * cadenced - publishes the planned meetings of cadenced.conf as
 * iCalendar feeds, a page and a JSON API (SPEC §§ 5, 9).
 *
 *	cadenced [-hv] [-c FILE] [--today YYYY-MM-DD] [--allow-root]
 *
 * Runs in the foreground under systemd (Type=notify).  The main thread
 * is a small poll() loop over three descriptors:
 *   - a signalfd: SIGHUP reloads the config, SIGTERM/SIGINT stop;
 *   - a 1 s timerfd: notices cadencectl's commits to the store and the
 *     change of date at midnight, and retries a failed rebuild;
 *   - a timerfd at half the systemd watchdog interval: WATCHDOG=1;
 * plus the sockets of the outbox worker (net/deliver.h), whose next due time
 * is poll's timeout.  Whenever something changed it builds a new
 * snapshot (snapshot.h), which also enqueues the invitations of what
 * changed, and publishes it; the HTTP threads (http.c) only ever read
 * snapshots.  The store (and so the outbox) is used by this thread
 * only; deliveries never block it (libcurl multi, non-blocking).
 *
 * Health (health.h, GET /healthz): a rebuild that fails, a store error
 * of the outbox worker and a state directory without room make
 * /healthz answer 503 with the reason, while the last good snapshot
 * stays published; each is logged when it starts and when it ends,
 * not at every retry.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include <libical/ical.h>
#include <systemd/sd-daemon.h>

#include "model/config.h"
#include "health.h"
#include "http.h"
#include "api_write.h"
#include "tls.h"
#include "log.h"
#include "metrics.h"
#include "net/deliver.h"
#include "store/outbox.h"
#include "render/output.h"
#include "snapshot.h"
#include "store/store.h"
#include "sys.h"

#define DEFAULT_CONFIG	"/etc/cadenced/cadenced.conf"
#define TICK_MS		1000	/* store and date polling */
#define EXIT_USAGE	2
#define OWN_FDS		3	/* signals, tick, watchdog */
#define WORKER_FDS	(2 * CAD_OUTBOX_MAX_FDS)
#define WORKER_PAUSE_MS	1000	/* after a store error of the worker */
#define DEEP_CHECK_TICKS 10		/* PRAGMA quick_check every 10 s */

struct daemon {
	const char *config_path;
	int fixed_today;		/* --today, or CAD_NODAY */
	unsigned store_flags;		/* CAD_STORE_RESET: --reset-state */
	unsigned ticks;
	int today;
	struct snapshot_config *conf;
	struct cad_store *store;
	char *store_dir;		/* the state_dir the store lives in */
	struct http *http;
	struct tls_pair tls;		/* what http serves HTTPS with */
	int64_t store_version;		/* cad_store_changed last seen */
	int64_t depth_version;		/* ... at the last outbox count */
	bool dirty;			/* the last rebuild failed: retry */
	int sigfd, tickfd, wdfd;
	uint64_t wd_usec;
	struct cad_outbox_worker *worker;
	unsigned worker_gen;		/* bumps when worker is replaced */
	struct cad_outbox_stats seen;	/* worker stats already counted */
	bool worker_failing;		/* its last run failed: pause */
};

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: cadenced [-hv] [-c FILE] [--today YYYY-MM-DD] "
	    "[--allow-root] [--reset-state]\n"
	    "  -c FILE             configuration (default %s)\n"
	    "  --today YYYY-MM-DD  stand on another day\n"
	    "  --allow-root        run even as root (refused otherwise)\n"
	    "  --reset-state       start afresh where the database is "
	    "missing or empty\n"
	    "  -v                  verbose: log every request (debug)\n"
	    "  -h                  this help\n", DEFAULT_CONFIG);
}

/* today's date in the configured time zone */
static int
today_local(const char *tz)
{
	time_t now = time(NULL);
	int day = (int)(now / 86400), off = 0;

	/* two passes: the offset at noon of the UTC date, then of the
	   local date it gives (right on both sides of a DST change);
	   libical under the core lock, as the HTTP threads use it too */
	snapshot_core_lock();
	(void)cad_tz_offset(tz, day, 720, &off);
	day = (int)((now + off) / 86400);
	(void)cad_tz_offset(tz, day, (int)((now + off) % 86400) / 60, &off);
	snapshot_core_unlock();
	return (int)((now + off) / 86400);
}

static int
daemon_today(const struct daemon *d, const struct cad_config *cfg)
{
	return d->fixed_today != CAD_NODAY ? d->fixed_today :
	    today_local(cfg->timezone);
}

/* loads and validates path, logging every diagnostic; NULL on error */
static struct cad_config *
load_config(const char *path)
{
	struct cad_config *cfg = NULL;
	struct cad_diag diag;
	int r;

	cad_diag_init(&diag);
	/* the time zone check uses libical: under the core lock */
	snapshot_core_lock();
	r = cad_config_load(path, &cfg, &diag);
	snapshot_core_unlock();
	for (size_t i = 0; i < diag.n; i++) {
		if (strstr(diag.msgs[i], ": error: ") != NULL)
			log_err("%s", diag.msgs[i]);
		else
			log_warnx("%s", diag.msgs[i]);
	}
	if (r < 0 && diag.nerrors == 0)
		log_err("%s: error: %s", path, strerror(-r));
	cad_diag_release(&diag);
	if (r < 0) {
		cad_config_free(cfg);
		return NULL;
	}
	return cfg;
}

/*
 * Builds a snapshot from d->conf for d->today and publishes it.  The
 * store version is taken before the build: what cadencectl commits
 * meanwhile is seen at the next tick.  Our own series_sync writes also
 * move it, which costs one more (unchanged) rebuild after each change.
 * A failure keeps the last good snapshot published and, with health,
 * makes /healthz 503 until a rebuild works (without: a new config that
 * is tried and then dropped, which is not the daemon's health).
 */
static int
rebuild_health(struct daemon *d, const char *why, bool health)
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
	snapshot_publish(s);
	d->dirty = false;
	return 0;
}

static int
rebuild(struct daemon *d, const char *why)
{
	return rebuild_health(d, why, true);
}

/*
 * The state_dir's file system: sqlite cannot commit without room (its
 * WAL grows page by page), and cadencectl's changes would fail too.
 */
static void
disk_check(struct daemon *d)
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
static bool
db_check(struct daemon *d)
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

static void worker_swap(struct daemon *d, struct cad_outbox_worker *w);

/*
 * At start.  On a full disk sqlite cannot make its -wal and -shm files:
 * then the database is opened read-only (immutable) and the daemon
 * serves the last state with /healthz 503, without the outbox, until
 * writable_again() finds room.
 */
static int
open_store(struct daemon *d, struct cad_error *err)
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
static int
writable_again(struct daemon *d)
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
	worker_swap(d, w);
	log_info("state directory '%s' is writable again: deliveries resume",
	    d->store_dir);
	(void)rebuild(d, "writable again");
	return 0;
}

/* the outbox's rows by state, for /metrics */
static void
outbox_depth(struct daemon *d)
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
static void
deliver(struct daemon *d, const struct pollfd *fds, size_t n)
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
static void
worker_swap(struct daemon *d, struct cad_outbox_worker *w)
{
	cad_outbox_worker_free(d->worker);
	d->worker = w;
	d->worker_gen++;
	memset(&d->seen, 0, sizeof d->seen);
	d->worker_failing = false;
	(void)health_ok(HEALTH_STORE);
}

/* what a reload takes, checked aside before anything is replaced */
struct reload_aside {
	struct cad_config *cfg;
	struct cad_store *st;		/* a new database, or NULL */
	struct cad_outbox_worker *w;	/* its worker, or NULL */
	struct tls_pair np;
	bool tls_changed;
};

/* a new config, TLS pair, database and outbox servers, checked; -1
   (said, nothing kept) when the old configuration must stay */
static int
reload_check(struct daemon *d, struct reload_aside *a)
{
	struct cad_error err = { "" };

	if (d->worker == NULL || (a->cfg = load_config(d->config_path)) ==
	    NULL) {
		log_warnx("%s: not reloaded, the old configuration stays in "
		    "force%s", d->config_path, d->worker == NULL ?
		    " (read-only while the disk is full)" : "");
		return -1;
	}
	if (tls_reload_check(a->cfg, &d->tls, &a->np, &a->tls_changed,
	    &err) != 0)
		goto bad;
	/* a new state_dir, or the database file was replaced */
	if ((strcmp(a->cfg->state_dir, d->store_dir) != 0 ||
	    cad_store_verify(d->store, false, &err) != 0) &&
	    cad_store_open(a->cfg->state_dir, &a->st, &err) != 0) {
		log_warnx("%s: not reloaded: cannot open the database in "
		    "'%s': %s", d->config_path, a->cfg->state_dir, err.msg);
		goto out;
	}
	/* the outbox's servers and passwords: a worker of its own for a
	   new database, else the same one with the new servers */
	if (a->st != NULL ? cad_outbox_worker_new(a->st, a->cfg, &a->w,
	    &err) == 0 : cad_outbox_worker_reconfigure(d->worker, a->cfg,
	    &err) == 0)
		return 0;
	if (a->st != NULL)
		cad_store_close(a->st);
	a->st = NULL;
bad:
	log_err("%s: error: %s", d->config_path, err.msg);
	log_warnx("%s: not reloaded, the old configuration stays in force",
	    d->config_path);
out:
	cad_config_free(a->cfg);
	a->cfg = NULL;
	return -1;
}

/* the reload's build failed (or SIGTERM came, r -ECANCELED): the old
   configuration, database and servers back */
static void
reload_undo(struct daemon *d, struct reload_aside *a,
    struct snapshot_config *old, struct cad_store *old_store, char *old_dir,
    int old_today, int r)
{
	struct cad_error err = { "" };

	if (r != -ECANCELED)
		log_warnx("%s: not reloaded, the old configuration stays in "
		    "force", d->config_path);
	snapshot_config_unref(d->conf);
	d->conf = old;
	if (a->w != NULL)
		cad_outbox_worker_free(a->w);
	else if (cad_outbox_worker_reconfigure(d->worker, old->cfg,
	    &err) != 0)
		log_warnx("outbox: keeps the new servers: %s", err.msg);
	if (a->st != NULL) {
		cad_store_close(a->st);
		free(d->store_dir);
		d->store = old_store;
		d->store_dir = old_dir;
	}
	d->today = old_today;
	if (r == -ECANCELED)
		return;
	metrics_reload(false);
	(void)rebuild(d, "reload failed");
}

/* SIGHUP: a new config replaces the old one only when it is valid */
static void
reload(struct daemon *d)
{
	struct reload_aside a = { .np = { NULL, NULL } };
	struct snapshot_config *old = d->conf;
	struct cad_store *old_store = d->store;
	char *old_dir = d->store_dir;
	int old_today = d->today, r;

	sd_notify(0, "RELOADING=1\nSTATUS=Reloading the configuration");
	log_info("reloading %s", d->config_path);
	if (reload_check(d, &a) != 0) {
		metrics_reload(false);
		goto done;
	}
	if (strcmp(a.cfg->listen, http_listen(d->http)) != 0)
		log_warnx("http.listen '%s': still listening on '%s' until "
		    "cadenced is restarted", a.cfg->listen,
		    http_listen(d->http));
	d->conf = snapshot_config_new(a.cfg);
	if (a.st != NULL) {
		d->store = a.st;
		d->store_dir = cad_strdup(a.cfg->state_dir);
	}
	d->today = daemon_today(d, a.cfg);
	if ((r = rebuild_health(d, "reload", false)) != 0) {
		/* it loads but cannot be planned: keep the old one */
		reload_undo(d, &a, old, old_store, old_dir, old_today, r);
		goto done;
	}
	snapshot_config_unref(old);
	if (a.st != NULL) {
		/* transfers in flight stay pending in the old database */
		worker_swap(d, a.w);
		d->store_version = -1;
		cad_store_close(old_store);
		free(old_dir);
	}
	if (a.tls_changed)
		tls_swap(&d->http, &d->tls, &a.np);
	metrics_reload(true);
	log_info("%s: reloaded", d->config_path);
done:
	tls_release(&a.np);	/* a pair that was not taken */
	sd_notify(0, "READY=1\nSTATUS=Serving");
}

/*
 * Did cadencectl change what the feeds are made of?  The version moves
 * with every commit, also the outbox's own (one per delivery) and
 * cadencectl outbox --retry: rebuild only when the overrides or the
 * terminations differ from the published snapshot's.
 */
static bool
inputs_changed(struct daemon *d)
{
	struct cad_error err = { "" };
	struct snapshot *s;
	uint64_t h;
	bool changed;

	if (snapshot_inputs_hash(d->conf, d->store, d->today, &h, &err) != 0) {
		log_debug("cannot read the database: %s", err.msg);
		return true;	/* let rebuild report it */
	}
	s = snapshot_get();
	changed = s == NULL || s->inputs_hash != h;
	snapshot_put(s);
	return changed;
}

/* every second: cadencectl's commits, midnight, a failed rebuild */
static void
tick(struct daemon *d)
{
	int64_t version;
	int today = daemon_today(d, d->conf->cfg);
	const char *why = NULL;
	bool moved = false;

	disk_check(d);
	if (d->worker == NULL && writable_again(d) != 0)
		return;		/* still read-only */
	if (!db_check(d))
		return;		/* nothing to read or write: SIGHUP/restart */
	/* taken before the inputs are read: a commit after it is seen
	   at the next tick */
	if (cad_store_changed(d->store, &version) == 0 &&
	    version != d->store_version) {
		d->store_version = version;
		moved = true;
		/* e.g. cadencectl outbox --retry: look at the outbox now */
		if (d->worker != NULL)
			cad_outbox_worker_kick(d->worker);
	}
	if (today != d->today) {
		d->today = today;
		why = "new day";
	} else if (moved && inputs_changed(d))
		why = "database changed";
	else if (d->dirty)
		why = "retry";
	if (why != NULL)
		(void)rebuild(d, why);
	if (cad_store_changed(d->store, &version) == 0 &&
	    version != d->depth_version) {
		d->depth_version = version;
		outbox_depth(d);
	}
}

/* handles the pending signals; false when it is time to stop */
static bool
signals(struct daemon *d)
{
	struct signalfd_siginfo si;
	bool run = true, hup = false;

	while (read(d->sigfd, &si, sizeof si) == (ssize_t)sizeof si) {
		switch (si.ssi_signo) {
		case SIGHUP:
			hup = true;
			break;
		case SIGTERM:
		case SIGINT:
			log_info("%s: stopping",
			    si.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT");
			run = false;
			break;
		default:
			break;
		}
	}
	if (run && hup)
		reload(d);
	return run;
}

static int
loop(struct daemon *d)
{
	struct pollfd pfd[OWN_FDS + WORKER_FDS];
	nfds_t own = 2;
	size_t nw;
	unsigned gen;
	int timeout;

	pfd[0].fd = d->sigfd;
	pfd[1].fd = d->tickfd;
	pfd[2].fd = d->wdfd;
	if (d->wdfd >= 0)
		own = 3;
	for (nfds_t i = 0; i < own; i++)
		pfd[i].events = POLLIN;
	for (;;) {
		nw = d->worker == NULL ? 0 : cad_outbox_worker_pollfds(
		    d->worker, pfd + own, WORKER_FDS);
		gen = d->worker_gen;
		timeout = d->worker == NULL ? -1 : cad_outbox_worker_timeout(
		    d->worker, (int64_t)time(NULL));
		if (d->worker_failing && timeout >= 0 &&
		    timeout < WORKER_PAUSE_MS)
			timeout = WORKER_PAUSE_MS;
		if (poll(pfd, own + nw, timeout) < 0) {
			if (errno == EINTR)
				continue;
			log_warn("poll");
			return 1;
		}
		if (pfd[0].revents & POLLIN && !signals(d))
			return 0;
		/* always, also after a timeout; not with the descriptors
		   of a worker that a reload replaced */
		deliver(d, pfd + own, gen == d->worker_gen ? nw : 0);
		if (own == 3 && pfd[2].revents & POLLIN) {
			timer_drain(d->wdfd);
			sd_notify(0, "WATCHDOG=1");
		}
		if (pfd[1].revents & POLLIN) {
			timer_drain(d->tickfd);
			tick(d);
		}
	}
}

static void
daemon_release(struct daemon *d)
{
	/* transfers in flight are aborted: they stay pending */
	cad_outbox_worker_free(d->worker);
	d->worker = NULL;
	http_stop(d->http);
	d->http = NULL;
	api_write_release();
	tls_release(&d->tls);
	snapshot_publish(NULL);
	if (d->store != NULL)
		cad_store_close(d->store);
	d->store = NULL;
	snapshot_config_unref(d->conf);
	d->conf = NULL;
	free(d->store_dir);
	d->store_dir = NULL;
	if (d->sigfd >= 0)
		close(d->sigfd);
	if (d->tickfd >= 0)
		close(d->tickfd);
	if (d->wdfd >= 0)
		close(d->wdfd);
	/* libical's cache of built-in zones, so that leak checkers see a
	   clean exit */
	icaltimezone_free_builtin_timezones();
}

/* config, database, outbox, the first snapshot, TLS, the listener and
   the timers; 0 when serving, -ECANCELED when SIGTERM came first, else
   -1 (said) */
static int
daemon_start(struct daemon *d)
{
	struct cad_error err = { "" };
	struct cad_config *cfg;
	int r;

	if ((cfg = load_config(d->config_path)) == NULL)
		goto invalid;
	d->conf = snapshot_config_new(cfg);
	d->today = daemon_today(d, cfg);
	d->store_dir = cad_strdup(cfg->state_dir);
	if (open_store(d, &err) != 0) {
		log_err("cannot open the database in '%s': %s",
		    cfg->state_dir, err.msg);
		return -1;
	}
	/* the password files are part of the config: refused ones stop
	   the start as a config error does */
	if (!cad_store_readonly(d->store) &&
	    cad_outbox_worker_new(d->store, cfg, &d->worker, &err) != 0)
		goto error;
	if ((r = rebuild(d, "start")) != 0)
		return r == -ECANCELED ? r : -1;
	outbox_depth(d);
	if (tls_load(cfg, &d->tls, &err) != 0)
		goto error;
	if (tls_serve(cfg->listen, &d->tls, &d->http, &err) != 0) {
		log_err("http: %s", err.msg);
		return -1;
	}
	if ((d->tickfd = timer_new((uint64_t)TICK_MS * 1000)) < 0 ||
	    (sd_watchdog_enabled(0, &d->wd_usec) > 0 && d->wd_usec > 0 &&
	    (d->wdfd = timer_new(d->wd_usec / 2)) < 0)) {
		log_warn("timerfd");
		return -1;
	}
	log_info("serving %s on %s://%s/ (config %s, state %s)",
	    cfg->domain, d->tls.cert_pem != NULL ? "https" : "http",
	    cfg->listen, d->config_path, cfg->state_dir);
	sd_notify(0, "READY=1\nSTATUS=Serving");
	return 0;
error:
	log_err("%s: error: %s", d->config_path, err.msg);
invalid:
	log_err("%s: configuration not valid, not starting", d->config_path);
	return -1;
}

/* the command line into d and the flags; -1 to go on, else the exit
   status (help, a usage error) */
static int
parse_args(int argc, char *argv[], struct daemon *d, int *verbose,
    int *allow_root)
{
	static const struct option opts[] = {
		{ "today", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "allow-root", no_argument, NULL, 'R' },
		{ "reset-state", no_argument, NULL, 'Z' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "c:hv", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			d->config_path = optarg;
			break;
		case 't':
			if (cad_parse_date(optarg, &d->fixed_today) != 0) {
				fprintf(stderr, "cadenced: --today '%s' is not "
				    "a date YYYY-MM-DD\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'v':
			*verbose = 1;
			break;
		case 'R':
			*allow_root = 1;
			break;
		case 'Z':
			d->store_flags = CAD_STORE_RESET;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "cadenced: unexpected argument '%s'\n",
		    argv[optind]);
		usage(stderr);
		return EXIT_USAGE;
	}
	return -1;
}

int
main(int argc, char *argv[])
{
	struct daemon d = {
		.config_path = DEFAULT_CONFIG,
		.fixed_today = CAD_NODAY,
		.sigfd = -1, .tickfd = -1, .wdfd = -1,
	};
	sigset_t mask;
	int r, verbose = 0, allow_root = 0, status = 1;

	if ((r = parse_args(argc, argv, &d, &verbose, &allow_root)) >= 0)
		return r;
	log_init(verbose);
	/* it needs no privilege: a bug must not come with root's */
	if (geteuid() == 0 && !allow_root) {
		log_err("refusing to run as root; run it as an unprivileged "
		    "user (cadenced.service does), or pass --allow-root");
		return 1;
	}

	/* before any thread exists, so that they all inherit the mask */
	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		fatal("sigprocmask");
	signal(SIGPIPE, SIG_IGN);
	cad_lang_init(NULL);	/* message catalogues (SPEC § 10.4) */
	raise_nofile();
	if ((d.sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK)) < 0)
		fatal("signalfd");

	if ((r = daemon_start(&d)) == 0) {
		status = loop(&d);
		sd_notify(0, "STOPPING=1");
	} else if (r == -ECANCELED)
		status = 0;	/* stopped while starting */
	daemon_release(&d);
	return status;
}
