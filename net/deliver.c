/*
 * deliver.c - the outbox worker: due rows of the store sent with libcurl
 * (CalDAV in caldav.c, SMTP in smtp.c), outcomes recorded in the store;
 * see deliver.h.
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
#include "net/smtp.h"

#define CONNECT_TIMEOUT	10L
#define TRANSFER_TIMEOUT 60L
#define DELIVER_MAX_SECONDS 900		/* cad_outbox_deliver's bound */

enum cad_outbox_result
cad_outbox_classify(bool smtp, int curl_code, long status)
{
	if (smtp) {
		if (curl_code == CURLE_OK)
			return CAD_OUTBOX_DONE;
		if (status >= 500 && status < 600)
			return CAD_OUTBOX_FAIL;
		if (status >= 400 && status < 500)
			return CAD_OUTBOX_RETRY;
	} else if (curl_code == CURLE_OK) {
		if (status >= 200 && status < 300)
			return CAD_OUTBOX_DONE;
		if (status == 408 || status == 412 || status == 425 ||
		    status == 429 || (status >= 500 && status < 600))
			return CAD_OUTBOX_RETRY;
		return CAD_OUTBOX_FAIL;
	}
	switch (curl_code) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_WEIRD_SERVER_REPLY:
	case CURLE_AGAIN:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	/* a kept-alive connection closed under a request: resent on a
	   new one when the upload can be rewound, else next time */
	case CURLE_SEND_FAIL_REWIND:
	/* the URL's scheme is checked with the config (and no redirect
	   is followed): at run time this is a reply that was not HTTP,
	   e.g. "Received HTTP/0.9", a server's fault */
	case CURLE_UNSUPPORTED_PROTOCOL:
		return CAD_OUTBOX_RETRY;
	default:
		return CAD_OUTBOX_FAIL;
	}
}

/* ---------------------------------------------------------------- */
/* the worker */

struct server {
	bool present;
	char *url;
	char *user;
	char *password;
};

enum phase {
	PH_PUT,
	PH_GET_BEFORE_PUT,	/* 412: read the current ETag, PUT again */
	PH_GET_AFTER_PUT,	/* the PUT's reply had no ETag */
	PH_DELETE,
	PH_SMTP,
};

struct job {
	struct cad_outbox_worker *w;
	struct cad_outbox_entry e;
	CURL *h;
	struct curl_slist *hdrs;
	struct curl_slist *rcpt;
	enum phase phase;
	bool refetched;
	bool recorded;		/* sent already marked (PH_GET_AFTER_PUT) */
	size_t off;		/* upload position */
	struct cad_caldav_reply reply;
	char errbuf[CURL_ERROR_SIZE];
	/* an outcome the store could not record yet (disk full): kept,
	   and written before anything else, so that a message already
	   accepted is not sent again */
	bool unrecorded;
	enum cad_outbox_result rec_res;
	char *rec_error;
	int64_t rec_due, rec_now;
};

struct sock {
	curl_socket_t fd;
	int what;		/* CURL_POLL_* */
};

struct cad_outbox_worker {
	struct cad_store *st;
	CURLM *multi;
	struct server caldav, smtp;
	char *sender_domain;
	struct job *jobs[CAD_OUTBOX_PARALLEL];
	size_t njobs;
	struct sock socks[CAD_OUTBOX_MAX_FDS * 2];
	size_t nsocks;
	bool timer_armed;
	int64_t timer_at;	/* monotonic ms */
	bool kicked;
	int64_t next_scan;	/* unix seconds */
	uint64_t rng;
	struct cad_outbox_stats stats;
};

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
	static bool curl_ready;
	struct cad_outbox_worker *w;
	int r;

	*out = NULL;
	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			cad_error_set(err, "cannot initialise libcurl");
			return -ENOMEM;
		}
		curl_ready = true;
	}
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
	if ((w->multi = curl_multi_init()) == NULL) {
		cad_error_set(err, "cannot initialise libcurl");
		cad_outbox_worker_free(w);
		return -ENOMEM;
	}
	curl_multi_setopt(w->multi, CURLMOPT_SOCKETFUNCTION, sock_cb);
	curl_multi_setopt(w->multi, CURLMOPT_SOCKETDATA, w);
	curl_multi_setopt(w->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
	curl_multi_setopt(w->multi, CURLMOPT_TIMERDATA, w);
	*out = w;
	return 0;
}

static void
job_free(struct job *j)
{
	if (j == NULL)
		return;
	if (j->h != NULL) {
		curl_multi_remove_handle(j->w->multi, j->h);
		curl_easy_cleanup(j->h);
	}
	curl_slist_free_all(j->hdrs);
	curl_slist_free_all(j->rcpt);
	free(j->rec_error);
	cad_outbox_entry_release(&j->e);
	free(j);
}

void
cad_outbox_worker_free(struct cad_outbox_worker *w)
{
	if (w == NULL)
		return;
	for (size_t i = 0; i < w->njobs; i++)
		job_free(w->jobs[i]);
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

/* ---- transfers ---- */

static size_t
read_cb(char *buf, size_t size, size_t nitems, void *userp)
{
	struct job *j = userp;
	size_t room = size * nitems, left = j->e.payload_len - j->off;
	size_t k = left < room ? left : room;

	memcpy(buf, j->e.payload + j->off, k);
	j->off += k;
	return k;
}

/* lets libcurl resend the body, e.g. on a new connection when a kept
   one was closed by the server in the meantime */
static int
seek_cb(void *userp, curl_off_t offset, int origin)
{
	struct job *j = userp;

	if (origin != SEEK_SET || offset < 0 ||
	    (uint64_t)offset > (uint64_t)j->e.payload_len)
		return CURL_SEEKFUNC_CANTSEEK;
	j->off = (size_t)offset;
	return CURL_SEEKFUNC_OK;
}

static size_t
write_cb(char *p, size_t size, size_t nmemb, void *userp)
{
	struct job *j = userp;
	size_t n = size * nmemb;

	(void)p;
	return cad_caldav_reply_body(&j->reply, n) ? n : 0;
}

static size_t
header_cb(char *p, size_t size, size_t nitems, void *userp)
{
	struct job *j = userp;

	return cad_caldav_reply_header(&j->reply, p, size * nitems,
	    (int64_t)time(NULL));
}

/* j's request in h, by its phase */
static int
job_setup(struct cad_outbox_worker *w, struct job *j, CURL *h,
    struct cad_error *err)
{
	const struct server *sv = j->phase == PH_SMTP ? &w->smtp : &w->caldav;
	enum cad_caldav_method m = CAD_CALDAV_GET;
	char *etag = NULL;
	int r;

	switch (j->phase) {
	case PH_SMTP:
		cad_smtp_setup(h, sv->url, sv->user, sv->password,
		    j->e.sender, j->e.target, j->e.payload_len, &j->rcpt);
		return 0;
	case PH_PUT:
		if ((r = cad_store_etag(w->st, j->e.target, &etag, err)) < 0)
			return r;
		m = CAD_CALDAV_PUT;
		break;
	case PH_DELETE:
		m = CAD_CALDAV_DELETE;
		break;
	case PH_GET_BEFORE_PUT:
	case PH_GET_AFTER_PUT:
		break;
	}
	cad_caldav_setup(h, m, j->e.target, sv->user, sv->password, etag,
	    j->e.payload_len, &j->hdrs);
	free(etag);
	return 0;
}

/* a fresh easy handle for the job's phase, added to the multi handle */
static int
job_start(struct cad_outbox_worker *w, struct job *j, struct cad_error *err)
{
	CURL *h;
	int r;

	if (j->h != NULL) {
		curl_multi_remove_handle(w->multi, j->h);
		curl_easy_cleanup(j->h);
		j->h = NULL;
	}
	curl_slist_free_all(j->hdrs);
	curl_slist_free_all(j->rcpt);
	j->hdrs = j->rcpt = NULL;
	j->off = 0;
	memset(&j->reply, 0, sizeof j->reply);
	j->errbuf[0] = '\0';

	if ((h = curl_easy_init()) == NULL) {
		cad_error_set(err, "cannot initialise libcurl");
		return -ENOMEM;
	}
	j->h = h;
	curl_easy_setopt(h, CURLOPT_PRIVATE, j);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, j->errbuf);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, TRANSFER_TIMEOUT);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, j);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, j);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(h, CURLOPT_READDATA, j);
	curl_easy_setopt(h, CURLOPT_SEEKFUNCTION, seek_cb);
	curl_easy_setopt(h, CURLOPT_SEEKDATA, j);
	if ((r = job_setup(w, j, h, err)) < 0)
		return r;
	if (curl_multi_add_handle(w->multi, h) != CURLM_OK) {
		cad_error_set(err, "cannot start a transfer");
		return -ENOMEM;
	}
	return 0;
}

/* writes the outcome kept in j; -errno (and j stays unrecorded) when
   the store refuses */
static int
job_flush(struct cad_outbox_worker *w, struct job *j, struct cad_error *err)
{
	enum cad_outbox_state state;
	int r;

	switch (j->rec_res) {
	case CAD_OUTBOX_DONE:
		state = CAD_STATE_SENT;
		break;
	case CAD_OUTBOX_RETRY:
		state = CAD_STATE_PENDING;
		break;
	case CAD_OUTBOX_FAIL:
	default:
		state = CAD_STATE_FAILED;
		break;
	}
	r = cad_store_outbox_finish(w->st, j->e.id, state, j->rec_error,
	    j->rec_due, j->rec_now, err);
	if (r == -ENOENT)
		r = 0;		/* superseded while in flight */
	if (r < 0)
		return r;
	j->unrecorded = false;
	if (j->rec_res == CAD_OUTBOX_DONE)
		w->stats.sent++;
	else if (j->rec_res == CAD_OUTBOX_RETRY)
		w->stats.retry++;
	else
		w->stats.failed++;
	return 0;
}

/* records the attempt's outcome; the job is finished afterwards, unless
   the store refused (j->unrecorded: job_flush again later) */
static int
job_record(struct cad_outbox_worker *w, struct job *j,
    enum cad_outbox_result res, const char *error, int64_t now,
    struct cad_error *err)
{
	int64_t due = now;

	if (res == CAD_OUTBOX_RETRY) {
		due = now + cad_outbox_backoff(j->e.attempts + 1, &w->rng);
		/* a server's Retry-After: not sooner than it asked */
		if (j->reply.retry_at > due)
			due = j->reply.retry_at < now + CAD_RETRY_AFTER_MAX ?
			    j->reply.retry_at : now + CAD_RETRY_AFTER_MAX;
	}
	free(j->rec_error);
	j->rec_error = res != CAD_OUTBOX_DONE && error != NULL ?
	    cad_strdup(error) : NULL;
	j->rec_res = res;
	j->rec_due = due;
	j->rec_now = now;
	j->unrecorded = true;
	return job_flush(w, j, err);
}

/* the text of an attempt's outcome into msg ("" when done): never the
   password (it is neither in the URL nor in errbuf) */
static void
job_error(const struct cad_outbox_worker *w, const struct job *j,
    CURLcode code, long status, enum cad_outbox_result res, char *msg,
    size_t size)
{
	bool smtp = j->phase == PH_SMTP;

	if (res == CAD_OUTBOX_DONE)
		msg[0] = '\0';
	else if (code == CURLE_OK)
		snprintf(msg, size, "%s %ld from %s", smtp ? "SMTP" : "HTTP",
		    status, smtp ? w->smtp.url : j->e.target);
	else if (status != 0)
		snprintf(msg, size, "%s %ld: %s", smtp ? "SMTP" : "HTTP",
		    status, j->errbuf[0] ? j->errbuf :
		    curl_easy_strerror(code));
	else
		snprintf(msg, size, "%s", j->errbuf[0] ? j->errbuf :
		    curl_easy_strerror(code));
}

/* a PUT answered 412 (fetch the ETag once and put again) or done (the
   ETag kept; without one, fetched afterwards): 1 when j goes on */
static int
put_done(struct cad_outbox_worker *w, struct job *j,
    enum cad_outbox_result res, const char *etag, int64_t now,
    struct cad_error *err)
{
	int r;

	if (res != CAD_OUTBOX_DONE) {
		j->refetched = true;
		j->phase = PH_GET_BEFORE_PUT;
		return (r = job_start(w, j, err)) < 0 ? r : 1;
	}
	if ((r = cad_store_set_etag(w->st, j->e.target, etag, err)) < 0 ||
	    (r = job_record(w, j, res, NULL, now, err)) < 0)
		return r;
	if (etag != NULL)
		return 0;
	j->recorded = true;
	j->phase = PH_GET_AFTER_PUT;
	/* no ETag to fetch when the GET cannot start: fine */
	return job_start(w, j, err) < 0 ? 0 : 1;
}

/* a transfer of job j ended with code; returns 1 when j goes on with
   another phase, 0 when it is done, < 0 on a store error */
static int
job_done(struct cad_outbox_worker *w, struct job *j, CURLcode code,
    int64_t now, struct cad_error *err)
{
	bool smtp = j->phase == PH_SMTP;
	const char *etag = j->reply.etag[0] != '\0' ? j->reply.etag : NULL;
	long status = 0;
	enum cad_outbox_result res;
	char msg[CURL_ERROR_SIZE + 128];
	int r;

	curl_easy_getinfo(j->h, CURLINFO_RESPONSE_CODE, &status);
	res = cad_outbox_classify(smtp, (int)code, status);

	switch (j->phase) {
	case PH_GET_AFTER_PUT:
		/* best effort: the PUT is recorded already */
		if (code == CURLE_OK && status >= 200 && status < 300 &&
		    etag != NULL)
			(void)cad_store_set_etag(w->st, j->e.target, etag,
			    NULL);
		return 0;
	case PH_GET_BEFORE_PUT:
		if (code == CURLE_OK && (status == 404 || status == 410 ||
		    (status >= 200 && status < 300))) {
			if ((r = cad_store_set_etag(w->st, j->e.target,
			    status < 300 ? etag : NULL, err)) < 0)
				return r;
			j->phase = PH_PUT;
			if ((r = job_start(w, j, err)) < 0)
				return r;
			return 1;
		}
		break;
	case PH_DELETE:
		if (code == CURLE_OK && (status == 404 || status == 410))
			res = CAD_OUTBOX_DONE;
		if (res == CAD_OUTBOX_DONE &&
		    (r = cad_store_set_etag(w->st, j->e.target, NULL,
		    err)) < 0)
			return r;
		break;
	case PH_PUT:
		if ((code == CURLE_OK && status == 412 && !j->refetched) ||
		    res == CAD_OUTBOX_DONE)
			return put_done(w, j, res, etag, now, err);
		break;
	case PH_SMTP:
		break;
	}

	job_error(w, j, code, status, res, msg, sizeof msg);
	if (j->phase == PH_GET_BEFORE_PUT && res == CAD_OUTBOX_DONE)
		res = CAD_OUTBOX_RETRY;
	if ((r = job_record(w, j, res, res == CAD_OUTBOX_DONE ? NULL : msg,
	    now, err)) < 0)
		return r;
	return 0;
}

static void
job_remove(struct cad_outbox_worker *w, struct job *j)
{
	for (size_t i = 0; i < w->njobs; i++)
		if (w->jobs[i] == j) {
			w->jobs[i] = w->jobs[--w->njobs];
			break;
		}
	job_free(j);
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
			job_free(j);
			continue;
		}
		j->phase = smtp ? PH_SMTP : j->e.kind == CAD_KIND_DELETE ?
		    PH_DELETE : PH_PUT;
		w->jobs[w->njobs++] = j;
		struct cad_error e2 = { "" };
		if (job_start(w, j, &e2) < 0) {
			(void)job_record(w, j, CAD_OUTBOX_RETRY, e2.msg, now,
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

int
cad_outbox_worker_run(struct cad_outbox_worker *w, const struct pollfd *fds,
    size_t n, int64_t now, struct cad_error *err)
{
	CURLMsg *m;
	int running, left, r, failed = 0;

	/* outcomes the store refused before come first; while it still
	   refuses, nothing new is started */
	for (size_t i = w->njobs; i-- > 0;) {
		struct job *j = w->jobs[i];
		if (!j->unrecorded)
			continue;
		if ((r = job_flush(w, j, err)) < 0)
			return r;
		job_remove(w, j);
		w->kicked = true;
	}

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
		r = job_done(w, j, m->data.result, now, err);
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
	if (failed < 0)
		return failed;
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

