/*
 * deliver_job.c - one outbox row's transfers: the CalDAV PUT (with the
 * 412 ETag refetch) or DELETE, or the SMTP message, set up on a libcurl
 * easy handle; the reply classified and the outcome recorded in the store
 * before anything else happens to the row.
 */
#include "net/deliver_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/secret.h"
#include "net/smtp.h"

#define CONNECT_TIMEOUT	10L
#define TRANSFER_TIMEOUT 60L

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

void
deliver_job_free(struct job *j)
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
int
deliver_job_start(struct cad_outbox_worker *w, struct job *j,
    struct cad_error *err)
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

	if ((r = deliver_curl(w, err)) < 0)
		return r;
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
int
deliver_job_flush(struct cad_outbox_worker *w, struct job *j,
    struct cad_error *err)
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
   the store refused (j->unrecorded: deliver_job_flush again later) */
int
deliver_job_record(struct cad_outbox_worker *w, struct job *j,
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
	return deliver_job_flush(w, j, err);
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
		return (r = deliver_job_start(w, j, err)) < 0 ? r : 1;
	}
	if ((r = cad_store_set_etag(w->st, j->e.target, etag, err)) < 0 ||
	    (r = deliver_job_record(w, j, res, NULL, now, err)) < 0)
		return r;
	if (etag != NULL)
		return 0;
	j->recorded = true;
	j->phase = PH_GET_AFTER_PUT;
	/* no ETag to fetch when the GET cannot start: fine */
	return deliver_job_start(w, j, err) < 0 ? 0 : 1;
}

/* a transfer of job j ended with code; returns 1 when j goes on with
   another phase, 0 when it is done, < 0 on a store error */
int
deliver_job_done(struct cad_outbox_worker *w, struct job *j, CURLcode code,
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
			if ((r = deliver_job_start(w, j, err)) < 0)
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
	if ((r = deliver_job_record(w, j, res, res == CAD_OUTBOX_DONE ? NULL : msg,
	    now, err)) < 0)
		return r;
	return 0;
}
