/*
 * deliver_int.h - what the outbox worker (deliver.c) and its jobs
 * (deliver_job.c) share.  Internal to net/.
 */
#ifndef CAD_DELIVER_INT_H
#define CAD_DELIVER_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <curl/curl.h>

#include "net/caldav.h"
#include "net/deliver.h"

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

/* libcurl started and w's multi handle made, once; 0 or -ENOMEM */
int deliver_curl(struct cad_outbox_worker *w, struct cad_error *err);
/* one due row as a job: its first transfer added to w's multi handle */
int deliver_job_start(struct cad_outbox_worker *w, struct job *j,
    struct cad_error *err);
/* a transfer of j ended with code; 1 when j goes on with another */
int deliver_job_done(struct cad_outbox_worker *w, struct job *j,
    CURLcode code, int64_t now, struct cad_error *err);
/* records an attempt's outcome in the store (kept in j when the store
   refuses: deliver_job_flush writes it later) */
int deliver_job_record(struct cad_outbox_worker *w, struct job *j,
    enum cad_outbox_result res, const char *msg, int64_t now,
    struct cad_error *err);
int deliver_job_flush(struct cad_outbox_worker *w, struct job *j,
    struct cad_error *err);
void deliver_job_free(struct job *j);

#endif
