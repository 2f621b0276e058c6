/*
 * deliver.c - the outbox worker: due rows of the store sent with libcurl
 * (CalDAV in caldav.c, SMTP in smtp.c), outcomes recorded in the store;
 * see deliver.h.  Here the multi handle, its sockets and timer, and which
 * rows start; one row's transfers and outcome are in deliver_job.c.
 */
#include "net/deliver.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "net/caldav.h"
#include "net/secret.h"
#include "net/deliver_int.h"
#include "net/smtp.h"

#define DELIVER_MAX_SECONDS 900		/* cad_outbox_deliver's bound */

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
server_release(struct server *s)
{
	free(s->url);
	free(s->user);
	cad_secret_free(s->password);
	memset(s, 0, sizeof *s);
}

static int
server_load(struct server *s, const char *what, const struct cad_server *c,
    struct cad_error *err)
{
	int r;

	memset(s, 0, sizeof *s);
	if (!c->present)
		return 0;
	if ((r = cad_secret_read(what, c->password_file, &s->password,
	    err)) < 0)
		return r;
	s->present = true;
	s->url = cad_strdup(c->url);
	s->user = cad_strdup(c->user != NULL ? c->user : "");
	return 0;
}

/* a config's servers and credentials, read but not in use yet */
struct cad_outbox_servers {
	struct server caldav, smtp;
};

int
cad_outbox_servers_load(const struct cad_config *cfg,
    struct cad_outbox_servers **out, struct cad_error *err)
{
	struct cad_outbox_servers *sv = cad_xcalloc(1, sizeof *sv);
	int r;

	*out = NULL;
	if ((r = server_load(&sv->caldav, "caldav", &cfg->caldav, err)) < 0 ||
	    (r = server_load(&sv->smtp, "smtp", &cfg->smtp, err)) < 0) {
		cad_outbox_servers_free(sv);
		return r;
	}
	*out = sv;
	return 0;
}

void
cad_outbox_servers_free(struct cad_outbox_servers *sv)
{
	if (sv == NULL)
		return;
	server_release(&sv->caldav);
	server_release(&sv->smtp);
	free(sv);
}

void
cad_outbox_worker_use(struct cad_outbox_worker *w,
    struct cad_outbox_servers *sv)
{
	server_release(&w->caldav);
	server_release(&w->smtp);
	w->caldav = sv->caldav;
	w->smtp = sv->smtp;
	free(sv);
	w->kicked = true;
}

int
cad_outbox_worker_reconfigure(struct cad_outbox_worker *w,
    const struct cad_config *cfg, struct cad_error *err)
{
	struct cad_outbox_servers *sv;
	int r;

	if ((r = cad_outbox_servers_load(cfg, &sv, err)) < 0)
		return r;
	cad_outbox_worker_use(w, sv);
	return 0;
}

static int
sock_cb(CURL *e, curl_socket_t fd, int what, void *userp, void *socketp)
{
	struct cad_outbox_worker *w = userp;
	size_t i;

	(void)e;
	(void)socketp;
	for (i = 0; i < w->nsocks; i++)
		if (w->socks[i].fd == fd)
			break;
	if (what == CURL_POLL_REMOVE) {
		if (i < w->nsocks)
			w->socks[i] = w->socks[--w->nsocks];
		return 0;
	}
	if (i == w->nsocks) {
		if (w->nsocks == sizeof w->socks / sizeof w->socks[0])
			return -1;
		w->nsocks++;
	}
	w->socks[i].fd = fd;
	w->socks[i].what = what;
	return 0;
}

static int
timer_cb(CURLM *m, long timeout_ms, void *userp)
{
	struct cad_outbox_worker *w = userp;

	(void)m;
	if (timeout_ms < 0) {
		w->timer_armed = false;
	} else {
		w->timer_armed = true;
		w->timer_at = mono_ms() + timeout_ms;
	}
	return 0;
}

int
cad_outbox_worker_new(struct cad_store *st, const struct cad_config *cfg,
    struct cad_outbox_worker **out, struct cad_error *err)
{
	struct cad_outbox_worker *w;
	int r;

	*out = NULL;
	w = cad_xcalloc(1, sizeof *w);
	w->st = st;
	w->kicked = true;
	if (getrandom(&w->rng, sizeof w->rng, 0) != (ssize_t)sizeof w->rng ||
	    w->rng == 0)
		w->rng = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ 1;
	if ((r = cad_outbox_worker_reconfigure(w, cfg, err)) < 0) {
		free(w);
		return r;
	}
	*out = w;
	return 0;
}

/*
 * libcurl and its multi handle, started by the first transfer, not with
 * the worker: libcurl's start initialises OpenSSL and libssh2 (about
 * 2 MB of libcrypto's pages and OpenSSL's tables in the daemon's RSS),
 * which a daemon with nothing to deliver never needs (BENCHMARKS.md).
 */
int
deliver_curl(struct cad_outbox_worker *w, struct cad_error *err)
{
	static bool curl_ready;

	if (w->multi != NULL)
		return 0;
	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			cad_error_set(err, "cannot initialise libcurl");
			return -ENOMEM;
		}
		curl_ready = true;
	}
	if ((w->multi = curl_multi_init()) == NULL) {
		cad_error_set(err, "cannot initialise libcurl");
		return -ENOMEM;
	}
	curl_multi_setopt(w->multi, CURLMOPT_SOCKETFUNCTION, sock_cb);
	curl_multi_setopt(w->multi, CURLMOPT_SOCKETDATA, w);
	curl_multi_setopt(w->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
	curl_multi_setopt(w->multi, CURLMOPT_TIMERDATA, w);
	return 0;
}

void
cad_outbox_worker_free(struct cad_outbox_worker *w)
{
	if (w == NULL)
		return;
	for (size_t i = 0; i < w->njobs; i++)
		deliver_job_free(w->jobs[i]);
	w->njobs = 0;
	if (w->multi != NULL)
		curl_multi_cleanup(w->multi);
	server_release(&w->caldav);
	server_release(&w->smtp);
	free(w);
}

void
cad_outbox_worker_kick(struct cad_outbox_worker *w)
{
	w->kicked = true;
}

void
cad_outbox_worker_stats(const struct cad_outbox_worker *w,
    struct cad_outbox_stats *out)
{
	*out = w->stats;
}

size_t
cad_outbox_worker_pollfds(struct cad_outbox_worker *w, struct pollfd *fds,
    size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < w->nsocks && n < max; i++) {
		fds[n].fd = w->socks[i].fd;
		fds[n].events = 0;
		fds[n].revents = 0;
		if (w->socks[i].what & CURL_POLL_IN)
			fds[n].events |= POLLIN;
		if (w->socks[i].what & CURL_POLL_OUT)
			fds[n].events |= POLLOUT;
		n++;
	}
	return n;
}

int
cad_outbox_worker_timeout(struct cad_outbox_worker *w, int64_t now)
{
	int64_t t = -1;

	if (w->timer_armed) {
		t = w->timer_at - mono_ms();
		if (t < 0)
			t = 0;
	}
	if (w->kicked && w->njobs < CAD_OUTBOX_PARALLEL)
		t = 0;
	else if (w->next_scan != INT64_MAX && w->njobs < CAD_OUTBOX_PARALLEL) {
		int64_t s = (w->next_scan - now) * 1000;
		if (s < 0)
			s = 0;
		if (t < 0 || s < t)
			t = s;
	}
	if (t > 3600 * 1000)
		t = 3600 * 1000;
	return (int)t;
}

static void
job_remove(struct cad_outbox_worker *w, struct job *j)
{
	for (size_t i = 0; i < w->njobs; i++)
		if (w->jobs[i] == j) {
			w->jobs[i] = w->jobs[--w->njobs];
			break;
		}
	deliver_job_free(j);
}

static bool
in_flight(const struct cad_outbox_worker *w, int64_t id)
{
	for (size_t i = 0; i < w->njobs; i++)
		if (w->jobs[i]->e.id == id)
			return true;
	return false;
}

/*
 * Is a message being sent?  One at a time: a message the server has
 * taken but whose 250 the worker has not recorded is sent again after a
 * crash, so with one in flight a crash repeats at most one message.
 * (CalDAV runs in parallel: its preconditions make a repeat harmless.)
 */
static bool
smtp_busy(const struct cad_outbox_worker *w)
{
	for (size_t i = 0; i < w->njobs; i++)
		if (w->jobs[i]->phase == PH_SMTP)
			return true;
	return false;
}

/* starts due rows while there is room */
static int
start_due(struct cad_outbox_worker *w, int64_t now, struct cad_error *err)
{
	struct cad_outbox_entry *v = NULL;
	size_t n = 0;
	int64_t next;
	int r;

	w->kicked = false;
	if ((r = cad_store_outbox_due(w->st, now, CAD_OUTBOX_PARALLEL * 2, &v,
	    &n, err)) < 0)
		return r;
	for (size_t i = 0; i < n && w->njobs < CAD_OUTBOX_PARALLEL; i++) {
		struct job *j;
		bool smtp = v[i].channel == CAD_CHANNEL_SMTP;

		if (in_flight(w, v[i].id) || (smtp && smtp_busy(w)))
			continue;
		j = cad_xcalloc(1, sizeof *j);
		j->w = w;
		j->e = v[i];
		memset(&v[i], 0, sizeof v[i]);	/* moved into j */
		if (!(smtp ? w->smtp.present : w->caldav.present)) {
			/* the channel left the config: wait for it */
			deliver_job_free(j);
			continue;
		}
		j->phase = smtp ? PH_SMTP : j->e.kind == CAD_KIND_DELETE ?
		    PH_DELETE : PH_PUT;
		w->jobs[w->njobs++] = j;
		struct cad_error e2 = { "" };
		if (deliver_job_start(w, j, &e2) < 0) {
			(void)deliver_job_record(w, j, CAD_OUTBOX_RETRY, e2.msg, now,
			    NULL);
			job_remove(w, j);
		}
	}
	cad_outbox_entries_free(v, n);
	if ((r = cad_store_outbox_next_due(w->st, &next, err)) < 0)
		return r;
	/* rows in flight are due too: look again in a second at most */
	w->next_scan = next == INT64_MAX ? INT64_MAX :
	    next > now ? next : now + 1;
	return 0;
}

/*
 * libcurl's part of a round: the sockets that polled ready and the
 * timer handed to the multi handle, and each finished transfer's
 * outcome recorded; 0, or the first error the store gave
 */
static int
run_transfers(struct cad_outbox_worker *w, const struct pollfd *fds,
    size_t n, int64_t now, struct cad_error *err)
{
	CURLMsg *m;
	int running, left, r, failed = 0;

	for (size_t i = 0; i < n; i++) {
		int ev = 0;
		if (fds[i].revents == 0)
			continue;
		if (fds[i].revents & POLLIN)
			ev |= CURL_CSELECT_IN;
		if (fds[i].revents & POLLOUT)
			ev |= CURL_CSELECT_OUT;
		if (fds[i].revents & (POLLERR | POLLHUP | POLLNVAL))
			ev |= CURL_CSELECT_ERR;
		curl_multi_socket_action(w->multi, fds[i].fd, ev, &running);
	}
	if (w->timer_armed && mono_ms() >= w->timer_at) {
		w->timer_armed = false;
		curl_multi_socket_action(w->multi, CURL_SOCKET_TIMEOUT, 0,
		    &running);
	}
	while ((m = curl_multi_info_read(w->multi, &left)) != NULL) {
		struct job *j = NULL;
		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &j);
		if (j == NULL)
			continue;
		r = deliver_job_done(w, j, m->data.result, now, err);
		if (j->unrecorded) {
			/* its transfer is over; the outcome waits for the
			   store (in_flight keeps the row from starting) */
			curl_multi_remove_handle(w->multi, j->h);
			curl_easy_cleanup(j->h);
			j->h = NULL;
		} else if (r <= 0)
			job_remove(w, j);	/* on error the row stays due */
		if (r < 0 && failed == 0)
			failed = r;
		/* the next row of the same uid may be due: look again */
		w->kicked = true;
	}
	return failed;
}

int
cad_outbox_worker_run(struct cad_outbox_worker *w, const struct pollfd *fds,
    size_t n, int64_t now, struct cad_error *err)
{
	int r;

	/* outcomes the store refused before come first; while it still
	   refuses, nothing new is started */
	for (size_t i = w->njobs; i-- > 0;) {
		struct job *j = w->jobs[i];
		if (!j->unrecorded)
			continue;
		if ((r = deliver_job_flush(w, j, err)) < 0)
			return r;
		job_remove(w, j);
		w->kicked = true;
	}
	/* no multi handle yet: nothing was ever started (deliver_curl) */
	if (w->multi != NULL && (r = run_transfers(w, fds, n, now, err)) < 0)
		return r;
	if (w->njobs < CAD_OUTBOX_PARALLEL &&
	    (w->kicked || now >= w->next_scan) &&
	    (r = start_due(w, now, err)) < 0)
		return r;
	return (int)w->njobs;
}

int
cad_outbox_deliver(struct cad_store *st, const struct cad_config *cfg,
    struct cad_outbox_stats *stats, struct cad_error *err)
{
	struct cad_outbox_worker *w = NULL;
	struct pollfd fds[CAD_OUTBOX_MAX_FDS * 2];
	int64_t start = time(NULL), until;
	int r;

	if ((r = cad_outbox_worker_new(st, cfg, &w, err)) < 0)
		return r;
	/* only what is due now: backed-off rows wait for their time */
	until = start;
	for (;;) {
		int64_t now = time(NULL);
		if ((r = cad_outbox_worker_run(w, fds, 0, until, err)) < 0)
			break;
		if (r == 0 && !w->kicked)
			break;
		if (now - start > DELIVER_MAX_SECONDS) {
			cad_error_set(err, "delivery took longer than %d s",
			    DELIVER_MAX_SECONDS);
			r = -ETIMEDOUT;
			break;
		}
		size_t nfds = cad_outbox_worker_pollfds(w, fds,
		    sizeof fds / sizeof fds[0]);
		int t = w->timer_armed ? (int)(w->timer_at - mono_ms()) : 200;
		if (w->kicked || t < 0)
			t = 0;
		if (t > 200)
			t = 200;
		if (poll(fds, nfds, t) < 0 && errno != EINTR) {
			r = -errno;
			cad_error_set(err, "poll: %s", strerror(errno));
			break;
		}
		if ((r = cad_outbox_worker_run(w, fds, nfds, until, err)) < 0)
			break;
	}
	if (r > 0)
		r = 0;
	if (stats != NULL)
		cad_outbox_worker_stats(w, stats);
	cad_outbox_worker_free(w);
	return r;
}

