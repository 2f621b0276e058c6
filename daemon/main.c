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
#include <malloc.h>
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
#include "persist.h"
#include "snapshot.h"
#include "store/store.h"
#include "sys.h"
#include "daemon.h"

#define DEFAULT_CONFIG	"/etc/cadenced/cadenced.conf"
#define TICK_MS		1000	/* store and date polling */
#define EXIT_USAGE	2
#define OWN_FDS		3	/* signals, tick, watchdog */
#define WORKER_FDS	(2 * CAD_OUTBOX_MAX_FDS)
#define WORKER_PAUSE_MS	1000	/* after a store error of the worker */

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

int
daemon_today(const struct daemon *d, const struct cad_config *cfg)
{
	return d->fixed_today != CAD_NODAY ? d->fixed_today :
	    today_local(cfg->timezone);
}

/* loads and validates path, logging every diagnostic; NULL on error */
struct cad_config *
daemon_load_config(const char *path)
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

	daemon_disk_check(d);
	if (d->worker == NULL && daemon_writable_again(d) != 0)
		return;		/* still read-only */
	if (!daemon_db_check(d))
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
	else if (d->restored)
		why = "start";
	else if (d->dirty)
		why = "retry";
	if (why != NULL)
		(void)daemon_rebuild(d, why);
	if (cad_store_changed(d->store, &version) == 0 &&
	    version != d->depth_version) {
		d->depth_version = version;
		daemon_outbox_depth(d);
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
		daemon_reload(d);
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
	/* kept documents made of other inputs are served while the build
	   runs, now rather than at the first tick (persist.h) */
	if (d->stale)
		tick(d);
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
		daemon_deliver(d, pfd + own, gen == d->worker_gen ? nw : 0);
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
	/* a kept snapshot half written is given up (persist.h) */
	persist_stop();
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

	if ((cfg = daemon_load_config(d->config_path)) == NULL)
		goto invalid;
	d->conf = snapshot_config_new(cfg);
	d->today = daemon_today(d, cfg);
	d->store_dir = cad_strdup(cfg->state_dir);
	if (daemon_open_store(d, &err) != 0) {
		log_err("cannot open the database in '%s': %s",
		    cfg->state_dir, err.msg);
		return -1;
	}
	/* the password files are part of the config: refused ones stop
	   the start as a config error does */
	if (!cad_store_readonly(d->store) &&
	    cad_outbox_worker_new(d->store, cfg, &d->worker, &err) != 0)
		goto error;
	/* the documents kept by the last run when nothing they are made
	   of changed since (persist.h), built again at the first tick */
	if (!daemon_restore(d) && (r = daemon_rebuild(d, "start")) != 0)
		return r == -ECANCELED ? r : -1;
	daemon_outbox_depth(d);
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
	/*
	 * glibc raises its mmap and trim thresholds to the largest block
	 * freed (up to 32 MB): after a national build every later block
	 * under ~10 MB came from the heaps, and freed ones stayed
	 * resident (a thread's arena is never trimmed by malloc_trim).
	 * Fixed at the default, large blocks are mapped and unmapped
	 * and a heap's free top goes back at once (BENCHMARKS.md).
	 */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
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
