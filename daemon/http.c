/*
 * http.c - routes, conditional requests and limits of the HTTP side.
 *
 * libmicrohttpd runs its own polling threads (epoll, a small pool).  A
 * request takes a reference to the current snapshot while it is routed.
 * Feeds, the page and the precomputed JSON are answered with responses
 * that the snapshot keeps, one 200 and one 304 per resource, made with
 * all their headers by the first request that needs them and queued
 * for every later one: a request does no more than find the resource,
 * compare If-None-Match and queue (the body is sent from the snapshot's
 * body store, body.h, without a copy of ours).  Only /api/v1/occurrences
 * and /api/v1/holidays compute per request, from the snapshot's config
 * and overrides.
 *
 * Answers: GET and HEAD only (405 with Allow otherwise), unknown paths
 * and anything with ".." 404, bad API parameters 400 with a JSON
 * {"error": "..."}; an unknown forum or party in the API is 404 (the
 * thing asked for does not exist), like an unknown feed.
 */
#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <syslog.h>
#include <time.h>

#include <microhttpd.h>

#include "api_write.h"
#include "body.h"
#include "health.h"
#include "http_guard.h"
#include "log.h"
#include "metrics.h"
#include "render/output.h"
#include "snapshot.h"
#include "render/wheel.h"

#define CT_TEXT		"text/plain; charset=utf-8"
#define CT_JSON		"application/json; charset=utf-8"
#define CT_METRICS	"text/plain; version=0.0.4; charset=utf-8"
#define CT_SVG		"image/svg+xml"

#define HEALTH_LINE_MAX	640		/* one /healthz reason */
#define API_BODY_MAX	(16u << 20)	/* one computed answer */
#define API_YEAR_MIN	1900		/* dates the API plans at all */
#define API_YEAR_MAX	2199

struct http {
	struct MHD_Daemon *mhd;
	char *listen;
};

/* libmicrohttpd's own messages: loud while starting, debug afterwards
   (a stream of malformed requests must not flood the journal) */
static volatile int http_starting;
static int64_t http_started;		/* Last-Modified of /healthz */

enum body_kind {
	BODY_STATIC,		/* a string literal */
	BODY_MALLOC,		/* ours, freed by libmicrohttpd */
	BODY_SNAPSHOT,		/* res of snap, whose reference goes along */
};

enum {
	REPLY_NOSTORE = 1 << 8,	/* Cache-Control: no-store */
	REPLY_HTML = 1 << 9,	/* Content-Security-Policy for the page */
};

struct reply {
	unsigned code;
	const char *type;
	const char *body;
	size_t len;
	enum body_kind kind;
	struct snapshot *snap;	/* BODY_SNAPSHOT: the reference handed on */
	struct snapshot_res *res;	/* BODY_SNAPSHOT: what is answered */
	char etag[48];		/* "" = none */
	int64_t last_modified;	/* 0 = none */
	int flags;		/* RES_FEED, RES_CORS, REPLY_* */
};

static void
http_mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	log_vlog(http_starting ? LOG_ERR : LOG_DEBUG, fmt, ap);
}

/* drops the body of a reply that will not be sent */
static void
reply_drop(struct reply *rp)
{
	if (rp->kind == BODY_MALLOC)
		free((void *)rp->body);
	else if (rp->kind == BODY_SNAPSHOT)
		snapshot_put(rp->snap);
	rp->body = "";
	rp->len = 0;
	rp->kind = BODY_STATIC;
	rp->snap = NULL;
	rp->res = NULL;
}

static void
reply_static(struct reply *rp, unsigned code, const char *type,
    const char *body)
{
	reply_drop(rp);
	rp->code = code;
	rp->type = type;
	rp->body = body;
	rp->len = strlen(body);
	rp->etag[0] = '\0';
	rp->last_modified = 0;
	rp->flags = REPLY_NOSTORE;
}

/* takes b's data */
static void
reply_buf(struct reply *rp, unsigned code, const char *type,
    struct cad_buf *b, int64_t last_modified, int flags)
{
	reply_drop(rp);
	rp->code = code;
	rp->type = type;
	rp->len = b->len;
	rp->body = cad_buf_steal(b);
	rp->kind = BODY_MALLOC;
	rp->flags = flags;
	rp->last_modified = last_modified;
	if (code == 200)
		snapshot_etag(rp->body, rp->len, rp->etag);
	else
		rp->etag[0] = '\0';
}

/* 400/404 for the API: {"error": msg} */
static void
reply_api_error(struct reply *rp, unsigned code, const char *msg)
{
	struct cad_buf b;

	cad_buf_init(&b, 4096);
	if (cad_buf_puts(&b, "{\"error\": ") != 0 ||
	    cad_buf_json_str(&b, msg) != 0 ||
	    cad_buf_puts(&b, "}\n") != 0) {
		cad_buf_release(&b);
		reply_static(rp, code, CT_JSON,
		    "{\"error\": \"bad request\"}\n");
		return;
	}
	reply_buf(rp, code, CT_JSON, &b, 0, REPLY_NOSTORE);
}

static void
http_date(int64_t t, char out[static 40])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, 40, "%a, %d %b %Y %H:%M:%S GMT", &tm) == 0)
		cad_strlcpy(out, "Thu, 01 Jan 1970 00:00:00 GMT", 40);
}

/* an HTTP-date in any of the three forms of RFC 9110 § 5.6.7; -1 */
static int64_t
http_date_parse(const char *s)
{
	static const char *const forms[] = {
		"%a, %d %b %Y %H:%M:%S GMT",	/* IMF-fixdate */
		"%A, %d-%b-%y %H:%M:%S GMT",	/* RFC 850 */
		"%a %b %e %H:%M:%S %Y",		/* asctime */
	};
	struct tm tm;

	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		const char *end;

		memset(&tm, 0, sizeof tm);
		end = strptime(s, forms[i], &tm);
		if (end != NULL && *end == '\0')
			return (int64_t)timegm(&tm);
	}
	return -1;
}

/* If-None-Match: "*" or a list of entity tags (weak comparison) */
static bool
etag_matches(const char *list, const char *etag)
{
	size_t elen = strlen(etag);
	const char *p = list;

	while (*p != '\0') {
		const char *tag;
		size_t n;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		if (*p == '*')
			return true;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		tag = p;
		if (*p == '"') {
			p++;
			while (*p != '\0' && *p != '"')
				p++;
			if (*p == '"')
				p++;
		} else
			while (*p != '\0' && *p != ',' && *p != ' ' &&
			    *p != '\t')
				p++;
		n = (size_t)(p - tag);
		if (n == elen && memcmp(tag, etag, n) == 0)
			return true;
		while (*p != '\0' && *p != ',')
			p++;
	}
	return false;
}

/* RFC 9110 § 13.2.2: If-None-Match wins over If-Modified-Since */
static bool
not_modified(struct MHD_Connection *c, const struct reply *rp)
{
	const char *inm, *ims;
	int64_t t;

	if (rp->code != 200 || rp->etag[0] == '\0')
		return false;
	inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_IF_NONE_MATCH);
	if (inm != NULL)
		return etag_matches(inm, rp->etag);
	ims = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_IF_MODIFIED_SINCE);
	if (ims == NULL || rp->last_modified <= 0)
		return false;
	t = http_date_parse(ims);
	/* a date in the future is invalid and ignored */
	if (t < 0 || t > (int64_t)time(NULL))
		return false;
	return rp->last_modified <= t;
}

/* a printable, bounded copy of what the client sent, for the log */
static void
log_safe(const char *s, char *out, size_t size)
{
	size_t i = 0;

	for (; s != NULL && *s != '\0' && i + 1 < size; s++)
		out[i++] = (*s >= 0x20 && *s < 0x7f) ? *s : '?';
	out[i] = '\0';
}

/* every header but the Date (libmicrohttpd's) and Content-Length */
static void
reply_headers(struct MHD_Response *resp, const struct reply *rp,
    unsigned code)
{
	char date[40];

	if (code != MHD_HTTP_NOT_MODIFIED && rp->type != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
		    rp->type);
	if (rp->etag[0] != '\0')
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, rp->etag);
	if (rp->last_modified > 0) {
		http_date(rp->last_modified, date);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_LAST_MODIFIED,
		    date);
	}
	if (rp->flags & REPLY_NOSTORE)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
		    "no-store");
	else if (rp->flags & RES_FEED)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
		    "max-age=300");
	else
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
		    "no-cache");
	if (rp->flags & RES_CORS)
		MHD_add_response_header(resp,
		    MHD_HTTP_HEADER_ACCESS_CONTROL_ALLOW_ORIGIN, "*");
	if (rp->flags & REPLY_HTML)
		MHD_add_response_header(resp, "Content-Security-Policy",
		    "default-src 'none'; style-src 'unsafe-inline'; "
		    "img-src 'self'; frame-ancestors 'none'");
	if (code == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW,
		    "GET, HEAD");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
}

static void
reply_count(const char *method, const char *url, unsigned code)
{
	metrics_http_response(code);
	if (log_getverbose()) {
		char m[16], u[256];
		log_safe(method, m, sizeof m);
		log_safe(url, u, sizeof u);
		log_debug("http: %s %s %u", m, u, code);
	}
}

/*
 * The snapshot's response for rp->res, 304 (k = 1) or 200 (k = 0),
 * made now if this is its first request; NULL when it cannot be made.
 * Two requests may make it at once: the first to store it wins.
 */
static struct MHD_Response *
reply_prepared(const struct reply *rp, unsigned k)
{
	struct snapshot_res *res = rp->res;
	struct MHD_Response *resp, *none = NULL;

	resp = atomic_load_explicit(&res->resp[k], memory_order_acquire);
	if (resp != NULL)
		return resp;
	if (k == 1)
		resp = MHD_create_response_from_buffer(0, (void *)"",
		    MHD_RESPMEM_PERSISTENT);
	else
		resp = body_response(rp->snap->bodies, res->off, res->len);
	if (resp == NULL)
		return NULL;
	reply_headers(resp, rp, k == 1 ? MHD_HTTP_NOT_MODIFIED : 200);
	if (!atomic_compare_exchange_strong_explicit(&res->resp[k], &none,
	    resp, memory_order_acq_rel, memory_order_acquire)) {
		MHD_destroy_response(resp);
		resp = none;
	}
	return resp;
}

/*
 * A resource of the snapshot: its prepared 200 or 304.  false when that
 * cannot be made (out of memory): rp is a 503 then, for reply_send.
 */
static bool
reply_send_prepared(struct MHD_Connection *c, const char *method,
    const char *url, struct reply *rp, enum MHD_Result *ret)
{
	unsigned code = not_modified(c, rp) ? MHD_HTTP_NOT_MODIFIED : 200;
	struct MHD_Response *resp = reply_prepared(rp, code == 200 ? 0 : 1);

	if (resp == NULL) {
		log_warnx("http: cannot make the response for %s",
		    rp->res->path);
		reply_static(rp, 503, CT_TEXT, "busy, try again\n");
		return false;
	}
	/* the response holds what it sends (a reference to the body
	   store): the snapshot may go as soon as the caller lets go */
	*ret = MHD_queue_response(c, code, resp);
	reply_count(method, url, code);
	reply_drop(rp);
	return true;
}

static enum MHD_Result
reply_send(struct MHD_Connection *c, const char *method, const char *url,
    struct reply *rp)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	if (rp->kind == BODY_SNAPSHOT &&
	    reply_send_prepared(c, method, url, rp, &ret))
		return ret;
	if (not_modified(c, rp)) {
		reply_drop(rp);
		rp->code = MHD_HTTP_NOT_MODIFIED;
	}
	if (rp->kind == BODY_MALLOC) {
		resp = MHD_create_response_from_buffer(rp->len,
		    (void *)rp->body, MHD_RESPMEM_MUST_FREE);
		if (resp == NULL)
			free((void *)rp->body);
	} else
		resp = MHD_create_response_from_buffer(rp->len,
		    (void *)rp->body, MHD_RESPMEM_PERSISTENT);
	/* the body now belongs to the response (or is gone) */
	rp->kind = BODY_STATIC;
	rp->body = "";
	if (resp == NULL)
		return MHD_NO;
	reply_headers(resp, rp, rp->code);
	ret = MHD_queue_response(c, rp->code, resp);
	MHD_destroy_response(resp);
	reply_count(method, url, rp->code);
	return ret;
}

static const char *
arg(struct MHD_Connection *c, const char *key)
{
	return MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, key);
}

/* an API date: YYYY-MM-DD within API_YEAR_MIN..API_YEAR_MAX */
static bool
api_date(const char *s, int *day)
{
	int y;

	if (s == NULL || cad_parse_date(s, day) != 0)
		return false;
	y = cad_year_of(*day);
	return y >= API_YEAR_MIN && y <= API_YEAR_MAX;
}

/* GET /api/v1/occurrences?from=D&to=D[&forum=ID][&party=ID] */
static void
api_occurrences(struct MHD_Connection *c, const struct snapshot *s,
    struct reply *rp)
{
	const char *from_s = arg(c, "from"), *to_s = arg(c, "to");
	const char *forum_s = arg(c, "forum"), *party_s = arg(c, "party");
	struct cad_error err = { "" };
	struct cad_plan plan;
	struct cad_buf b;
	int from, to, forum = -1, party = -1, r;

	if (from_s == NULL || to_s == NULL) {
		reply_api_error(rp, 400, "from and to (YYYY-MM-DD) are "
		    "required");
		return;
	}
	if (!api_date(from_s, &from) || !api_date(to_s, &to)) {
		reply_api_error(rp, 400, "from and to must be dates "
		    "YYYY-MM-DD between 1900 and 2199");
		return;
	}
	if (from > to) {
		reply_api_error(rp, 400, "from is after to");
		return;
	}
	if (to - from >= HTTP_API_MAX_DAYS) {
		reply_api_error(rp, 400, "the range is longer than 20 years");
		return;
	}
	if (forum_s != NULL &&
	    (forum = cad_config_forum(s->cfg, forum_s)) < 0) {
		reply_api_error(rp, 404, "unknown forum");
		return;
	}
	if (party_s != NULL &&
	    (party = cad_config_party(s->cfg, party_s)) < 0) {
		reply_api_error(rp, 404, "unknown party");
		return;
	}

	cad_buf_init(&b, API_BODY_MAX);
	memset(&plan, 0, sizeof plan);
	snapshot_core_lock();
	r = cad_plan_range(s->cfg, &s->ctx, from, to, &plan, &err);
	if (r == 0)
		r = cad_json_occurrences(&b, s->cfg, &s->ctx, &plan, forum,
		    party);
	cad_plan_release(&plan);
	snapshot_core_unlock();
	if (r != 0) {
		log_warnx("http: occurrences %s..%s: %s", from_s, to_s,
		    err.msg[0] != '\0' ? err.msg : strerror(-r));
		cad_buf_release(&b);
		reply_static(rp, 500, CT_TEXT, "internal error\n");
		return;
	}
	reply_buf(rp, 200, CT_JSON, &b, s->data_modified, RES_CORS);
}

/* GET /api/v1/holidays?year=YYYY */
static void
api_holidays(struct MHD_Connection *c, const struct snapshot *s,
    struct reply *rp)
{
	const char *year_s = arg(c, "year");
	long long year;
	struct cad_buf b;

	if (year_s == NULL || cad_strtonum(year_s, 1991, 2100, &year) != 0) {
		reply_api_error(rp, 400, "year must be a year 1991-2100");
		return;
	}
	cad_buf_init(&b, API_BODY_MAX);
	if (cad_json_holidays(&b, s->cfg, (int)year) != 0) {
		cad_buf_release(&b);
		reply_static(rp, 500, CT_TEXT, "internal error\n");
		return;
	}
	reply_buf(rp, 200, CT_JSON, &b, s->data_modified, RES_CORS);
}

/* GET /vuosikello.svg?year=YYYY for a year other than the current, or
   ?print=1: without "today" */
static void
wheel(const struct snapshot *s, int year, bool print, struct reply *rp)
{
	struct cad_error err = { "" };
	struct cad_buf b;
	int r;

	cad_buf_init(&b, API_BODY_MAX);
	snapshot_core_lock();
	r = cad_wheel_year(s->cfg, &s->ctx, NULL, year, print, &b, &err);
	snapshot_core_unlock();
	if (r != 0) {
		log_warnx("http: vuosikello %d: %s", year, err.msg);
		cad_buf_release(&b);
		reply_static(rp, 500, CT_TEXT, "internal error\n");
		return;
	}
	reply_buf(rp, 200, CT_SVG, &b, s->data_modified, 0);
}

/*
 * The language of a request and the paths it names (SPEC § 10.4): the
 * prefix of a listed language ("/sv/calendars/all.ics"; the default
 * language's prefix names what the root does), else ?lang=, else the
 * default.  *rest gets the path without the prefix, key the snapshot's
 * path: rest for the default language, "/sv" + rest for another.
 * false when ?lang= names no listed language.
 */
static bool
lang_route(struct MHD_Connection *c, const struct cad_config *cfg,
    const char *url, enum cad_lang *lang, const char **rest, char *key,
    size_t keylen)
{
	*lang = cfg->langs[0];
	*rest = url;
	for (size_t i = 0; i < cfg->nlangs; i++) {
		const char *code = cad_lang_code(cfg->langs[i]);
		if (url[0] == '/' && strncmp(url + 1, code, 2) == 0 &&
		    (url[3] == '/' || url[3] == '\0')) {
			*lang = cfg->langs[i];
			*rest = url[3] != '\0' ? url + 3 : "/";
		}
	}
	const char *q = arg(c, "lang");
	if (*rest == url && q != NULL) {
		enum cad_lang l;
		if (cad_lang_parse(q, &l) < 0 || !cad_config_has_lang(cfg, l))
			return false;
		*lang = l;
	}
	if (*lang == cfg->langs[0])
		snprintf(key, keylen, "%s", *rest);
	else
		snprintf(key, keylen, "/%s%s", cad_lang_code(*lang), *rest);
	return true;
}

static void
route(struct MHD_Connection *c, const char *url, struct snapshot *s,
    struct reply *rp)
{
	struct snapshot_res *res;
	struct cad_buf b;
	char key[HTTP_URI_MAX + 8];
	enum cad_lang lang;

	if (strcmp(url, "/healthz") == 0) {
		char why[HEALTH_LINE_MAX];
		if (health_status(why, sizeof why) == 200) {
			reply_static(rp, 200, CT_TEXT, "ok\n");
			snapshot_etag(rp->body, rp->len, rp->etag);
			rp->last_modified = http_started;
			return;
		}
		/* what is wrong, while the last good feeds are served */
		cad_buf_init(&b, sizeof why);
		if (cad_buf_puts(&b, why) != 0) {
			cad_buf_release(&b);
			reply_static(rp, 503, CT_TEXT, "unhealthy\n");
			return;
		}
		reply_buf(rp, 503, CT_TEXT, &b, 0, REPLY_NOSTORE);
		return;
	}
	if (strcmp(url, "/metrics") == 0) {
		cad_buf_init(&b, 1u << 20);
		if (metrics_render(&b) != 0) {
			cad_buf_release(&b);
			reply_static(rp, 500, CT_TEXT, "internal error\n");
			return;
		}
		reply_buf(rp, 200, CT_METRICS, &b, (int64_t)time(NULL),
		    REPLY_NOSTORE);
		return;
	}
	if (s == NULL) {
		/* not reached: the server starts after the first snapshot */
		reply_static(rp, 503, CT_TEXT, "starting\n");
		return;
	}
	/* a thread renders in the language of its current request */
	(void)cad_lang_use(s->cfg->langs[0]);
	if (!lang_route(c, s->cfg, url, &lang, &url, key, sizeof key)) {
		reply_api_error(rp, 400, "lang must be one of the config's "
		    "languages");
		return;
	}
	(void)cad_lang_use(lang);
	/* another year's wheel, or the print one, is drawn per request;
	   this year's is in the snapshot */
	if (strcmp(url, "/vuosikello.svg") == 0 && (arg(c, "year") != NULL ||
	    arg(c, "print") != NULL)) {
		const char *y = arg(c, "year"), *p = arg(c, "print");
		long long year = cad_year_of(s->today);
		if (y != NULL && cad_strtonum(y, 1991, 2100, &year) != 0) {
			reply_static(rp, 400, CT_TEXT,
			    "year must be a year 1991-2100\n");
			return;
		}
		if (p != NULL && strcmp(p, "0") != 0 && strcmp(p, "1") != 0) {
			reply_static(rp, 400, CT_TEXT, "print must be 0 or 1\n");
			return;
		}
		if ((int)year != cad_year_of(s->today) ||
		    (p != NULL && strcmp(p, "1") == 0)) {
			wheel(s, (int)year, p != NULL && strcmp(p, "1") == 0,
			    rp);
			return;
		}
	}
	if ((res = snapshot_find(s, key)) != NULL) {
		reply_drop(rp);
		rp->code = 200;
		rp->type = res->type;
		rp->len = res->len;
		rp->res = res;
		rp->kind = BODY_SNAPSHOT;
		snapshot_get_ref(s);
		rp->snap = s;
		memcpy(rp->etag, res->etag, sizeof rp->etag);
		rp->last_modified = res->last_modified;
		rp->flags = res->flags;
		if (strncmp(res->type, "text/html", 9) == 0)
			rp->flags |= REPLY_HTML;
		return;
	}
	if (strcmp(url, "/api/v1/occurrences") == 0) {
		api_occurrences(c, s, rp);
		return;
	}
	if (strcmp(url, "/api/v1/holidays") == 0) {
		api_holidays(c, s, rp);
		return;
	}
	reply_static(rp, 404, CT_TEXT, "not found\n");
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * The path's and the query's %XX decoding (libmicrohttpd's, except
 * that %00 stays as it is: a decoded NUL would end the C string early
 * and "/calendars/all.ics%00.txt" would be served as the feed).
 */
static size_t
http_unescape(void *cls, struct MHD_Connection *c, char *s)
{
	char *w = s;
	const char *r = s;

	(void)cls;
	(void)c;
	while (*r != '\0') {
		int hi, lo;
		if (r[0] == '%' && (hi = hexval(r[1])) >= 0 &&
		    (lo = hexval(r[2])) >= 0 && (hi | lo) != 0) {
			*w++ = (char)(hi << 4 | lo);
			r += 3;
		} else
			*w++ = *r++;
	}
	*w = '\0';
	return (size_t)(w - s);
}

/* ".." in any spelling (%2e is decoded by now; a '%' left over was
   encoded twice or is a %00) and backslashes */
static bool
path_suspicious(const char *url)
{
	return url[0] != '/' || strstr(url, "..") != NULL ||
	    strchr(url, '%') != NULL || strchr(url, '\\') != NULL;
}

static bool
has_body(struct MHD_Connection *c)
{
	const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);

	return (cl != NULL && strcmp(cl, "0") != 0) ||
	    MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_TRANSFER_ENCODING) != NULL;
}

static int too_long;		/* the request context of a refused URI */

/*
 * Called with the request line's URI before libmicrohttpd splits off its
 * query.  0.9.75 copies every query parameter into the connection's
 * memory pool; when a few hundred parameters use it up, it neither
 * answers nor closes, and the client hangs until the idle timeout.  So a
 * URI over HTTP_URI_MAX bytes or HTTP_PARAMS_MAX parameters has its
 * query ended right here (uri points into libmicrohttpd's own writable
 * read buffer) and is answered 414 by the handler.
 */
static void *
http_uri_log(void *cls, const char *uri, struct MHD_Connection *c)
{
	char *q = strchr(uri, '?');
	size_t params = 0;

	(void)cls;
	(void)c;
	for (const char *p = q; p != NULL; p = strchr(p + 1, '&'))
		params++;
	if (strlen(uri) <= HTTP_URI_MAX && params <= HTTP_PARAMS_MAX)
		return NULL;
	if (q != NULL)
		q[1] = '\0';
	return &too_long;
}

static enum MHD_Result
http_handler(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **req_cls)
{
	static int seen, answered;
	struct reply rp = { .kind = BODY_STATIC, .body = "" };
	struct snapshot *s;
	enum MHD_Result ret;

	(void)cls;
	(void)version;
	if (*req_cls == NULL || *req_cls == &too_long)
		http_guard_request(c);	/* the headers are in */
	if (*req_cls == &answered) {
		/* a body after the answer: discard it */
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (*req_cls == &too_long) {
		*req_cls = &answered;
		reply_static(&rp, MHD_HTTP_URI_TOO_LONG, CT_TEXT,
		    "URI too long\n");
		return reply_send(c, method, url, &rp);
	}
	/* the token-guarded API lives in api_write.c */
	if (api_write_route(method, url))
		return api_write_handler(c, url, method, upload_data,
		    upload_data_size, req_cls);
	if (*req_cls == NULL) {
		/* the headers are in; answering now would cost the
		   keep-alive, so wait for the end of the request, except
		   for methods we refuse anyway */
		if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
		    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
			*req_cls = &answered;
			reply_static(&rp, MHD_HTTP_METHOD_NOT_ALLOWED, CT_TEXT,
			    "method not allowed\n");
			return reply_send(c, method, url, &rp);
		}
		if (has_body(c)) {
			/* GET or HEAD with a body: refused, not read (a
			   response can be queued only now or at the end) */
			*req_cls = &answered;
			reply_static(&rp, 400, CT_TEXT,
			    "unexpected request body\n");
			return reply_send(c, method, url, &rp);
		}
		*req_cls = &seen;
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		*upload_data_size = 0;
		return MHD_YES;
	}
	*req_cls = &answered;
	if (url == NULL || path_suspicious(url)) {
		reply_static(&rp, 404, CT_TEXT, "not found\n");
		return reply_send(c, method, url, &rp);
	}
	s = snapshot_get();
	route(c, url, s, &rp);
	ret = reply_send(c, method, url, &rp);
	snapshot_put(s);
	return ret;
}

static void
http_completed(void *cls, struct MHD_Connection *c, void **req_cls,
    enum MHD_RequestTerminationCode toe)
{
	api_write_completed(req_cls);
	http_guard_completed(cls, c, req_cls, toe);
}

/* "host:port" or "[v6]:port" into a socket address */
static int
http_resolve(const char *listen, struct sockaddr_storage *ss,
    socklen_t *sslen, struct cad_error *err)
{
	char host[256], port[8];
	const char *colon;
	struct addrinfo hints, *ai = NULL;
	size_t hlen;
	int rc;

	if (listen[0] == '[') {
		const char *close = strchr(listen, ']');
		if (close == NULL || close[1] != ':')
			goto bad;
		hlen = (size_t)(close - listen - 1);
		memcpy(host, listen + 1, hlen < sizeof host ? hlen : 0);
		colon = close + 1;
	} else {
		if ((colon = strrchr(listen, ':')) == NULL)
			goto bad;
		hlen = (size_t)(colon - listen);
		memcpy(host, listen, hlen < sizeof host ? hlen : 0);
	}
	if (hlen == 0 || hlen >= sizeof host ||
	    cad_strlcpy(port, colon + 1, sizeof port) >= sizeof port)
		goto bad;
	host[hlen] = '\0';

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, port, &hints, &ai)) != 0) {
		cad_error_set(err, "listen '%s': %s", listen,
		    gai_strerror(rc));
		return -EINVAL;
	}
	if (ai->ai_addrlen > sizeof *ss) {
		freeaddrinfo(ai);
		goto bad;
	}
	memset(ss, 0, sizeof *ss);
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*sslen = ai->ai_addrlen;
	freeaddrinfo(ai);
	return 0;
bad:
	cad_error_set(err, "listen '%s' is not HOST:PORT or [ADDR]:PORT",
	    listen);
	return -EINVAL;
}

int
http_start(const char *listen, const struct http_tls *tls, struct http **out,
    struct cad_error *err)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	unsigned flags;
	uint16_t port;
	struct http *h;
	int r;

	if ((r = http_resolve(listen, &ss, &sslen, err)) != 0)
		return r;
	flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
	    MHD_USE_ERROR_LOG;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (tls != NULL)
		flags |= MHD_USE_TLS;

	if ((r = http_guard_start()) != 0) {
		cad_error_set(err, "cannot start the connection guard: %s",
		    strerror(-r));
		return r;
	}
	h = cad_xcalloc(1, sizeof *h);
	h->listen = cad_strdup(listen);
	http_starting = 1;
	http_started = (int64_t)time(NULL);
	/* the port again, only for libmicrohttpd's messages */
	port = ntohs(ss.ss_family == AF_INET6 ?
	    ((struct sockaddr_in6 *)&ss)->sin6_port :
	    ((struct sockaddr_in *)&ss)->sin_port);
	h->mhd = MHD_start_daemon(flags, port, NULL, NULL, http_handler, NULL,
	    MHD_OPTION_EXTERNAL_LOGGER, http_mhd_log, NULL,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)HTTP_THREADS,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)HTTP_CONNECTIONS,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)HTTP_PER_IP,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HTTP_TIMEOUT_S,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_MEMORY,
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)128,
	    MHD_OPTION_UNESCAPE_CALLBACK, http_unescape, NULL,
	    MHD_OPTION_URI_LOG_CALLBACK, http_uri_log, NULL,
	    MHD_OPTION_NOTIFY_CONNECTION, http_guard_notify, NULL,
	    MHD_OPTION_NOTIFY_COMPLETED, http_completed, NULL,
	    tls != NULL ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END,
	    tls != NULL ? tls->cert_pem : NULL,
	    MHD_OPTION_HTTPS_MEM_KEY, tls != NULL ? tls->key_pem : NULL,
	    MHD_OPTION_END);
	http_starting = 0;
	(void)sslen;
	if (h->mhd == NULL) {
		cad_error_set(err, "cannot listen on '%s' (address in use or "
		    "not available?)", listen);
		http_stop(h);
		return -EADDRNOTAVAIL;
	}
	*out = h;
	return 0;
}

void
http_stop(struct http *h)
{
	if (h == NULL)
		return;
	if (h->mhd != NULL)
		MHD_stop_daemon(h->mhd);
	http_guard_stop();
	free(h->listen);
	free(h);
}

const char *
http_listen(const struct http *h)
{
	return h->listen;
}
