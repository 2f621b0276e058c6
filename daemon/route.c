/*
 * route.c - what each path answers: the snapshot's documents, /healthz,
 * /metrics, the computed API answers (/api/v1/occurrences, /holidays),
 * another year's or the print wheel; the %XX decoding, the ".." check
 * and conditional requests (If-None-Match, If-Modified-Since).
 * http.c runs the server and sends the replies made here.
 */
#include "route.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <microhttpd.h>

#include "base/hash.h"
#include "health.h"
#include "http.h"
#include "log.h"
#include "metrics.h"
#include "render/output.h"
#include "render/wheel.h"

#define API_BODY_MAX	(16u << 20)	/* one computed answer */
/* why ?year= is refused, a format of the first and last year of SPEC
   § 4's holidays (1991-2100) */
static const char *
year_reason(void)
{
	return _("year pitää olla vuosi %1$d–%2$d");
}

int64_t route_started;

/* drops the body of a reply that will not be sent */
void
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

void
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

/* takes b's data; b was checked (cad_buf_error(b) is 0) */
void
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
		cad_etag(rp->body, rp->len, rp->etag);
	else
		rp->etag[0] = '\0';
}

void
api_error_body(struct cad_buf *b, const char *msg)
{
	cad_buf_puts(b, "{\"error\": ");
	cad_buf_json_str(b, msg);
	cad_buf_puts(b, "}\n");
	if (cad_buf_error(b) != 0) {
		cad_buf_reset(b);
		cad_buf_puts(b, "{\"error\": \"bad request\"}\n");
	}
}

/* 400/404 for the API: {"error": msg}, msg from a printf format in
   the request's language */
void
reply_api_error(struct reply *rp, unsigned code, const char *fmt, ...)
{
	struct cad_buf b;
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	cad_buf_init(&b, 4096);
	api_error_body(&b, msg);
	reply_buf(rp, code, CT_JSON, &b, 0, REPLY_NOSTORE);
}

void
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
bool
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

static const char *
arg(struct MHD_Connection *c, const char *key)
{
	return MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, key);
}

/* an API date: YYYY-MM-DD within CAD_YEAR_MIN..CAD_YEAR_MAX */
static bool
api_date(const char *s, int *day)
{
	int y;

	if (s == NULL || cad_parse_date(s, day) != 0)
		return false;
	y = cad_year_of(*day);
	return y >= CAD_YEAR_MIN && y <= CAD_YEAR_MAX;
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
		reply_api_error(rp, 400,
		    _("from ja to (YYYY-MM-DD) ovat pakollisia"));
		return;
	}
	if (!api_date(from_s, &from) || !api_date(to_s, &to)) {
		reply_api_error(rp, 400, _("from ja to pitää olla päiviä "
		    "YYYY-MM-DD vuosilta %1$d–%2$d"), CAD_YEAR_MIN,
		    CAD_YEAR_MAX);
		return;
	}
	if (from > to) {
		reply_api_error(rp, 400, _("from on myöhemmin kuin to"));
		return;
	}
	if (to - from >= HTTP_API_MAX_DAYS) {
		reply_api_error(rp, 400, _("väli on yli 20 vuotta"));
		return;
	}
	if (forum_s != NULL &&
	    (forum = cad_config_forum(s->cfg, forum_s)) < 0) {
		reply_api_error(rp, 404, _("tuntematon foorumi"));
		return;
	}
	if (party_s != NULL &&
	    (party = cad_config_party(s->cfg, party_s)) < 0) {
		reply_api_error(rp, 404, _("tuntematon osapuoli"));
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

	if (year_s == NULL || cad_strtonum(year_s, CAD_HOLIDAY_YEAR_MIN,
	    CAD_HOLIDAY_YEAR_MAX, &year) != 0) {
		reply_api_error(rp, 400, year_reason(), CAD_HOLIDAY_YEAR_MIN,
		    CAD_HOLIDAY_YEAR_MAX);
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

/* /healthz and /metrics: answered without the snapshot; false for other
   paths */
static bool
route_status(const char *url, struct reply *rp)
{
	struct cad_buf b;

	if (strcmp(url, "/healthz") == 0) {
		char why[HEALTH_LINE_MAX];
		if (health_status(why, sizeof why) == 200) {
			reply_static(rp, 200, CT_TEXT, "ok\n");
			cad_etag(rp->body, rp->len, rp->etag);
			rp->last_modified = route_started;
			return true;
		}
		/* what is wrong, while the last good feeds are served */
		cad_buf_init(&b, sizeof why);
		cad_buf_puts(&b, why);
		if (cad_buf_error(&b) != 0) {
			cad_buf_release(&b);
			reply_static(rp, 503, CT_TEXT, "unhealthy\n");
			return true;
		}
		reply_buf(rp, 503, CT_TEXT, &b, 0, REPLY_NOSTORE);
		return true;
	}
	if (strcmp(url, "/metrics") == 0) {
		cad_buf_init(&b, 1u << 20);
		if (metrics_render(&b) != 0) {
			cad_buf_release(&b);
			reply_static(rp, 500, CT_TEXT, "internal error\n");
			return true;
		}
		reply_buf(rp, 200, CT_METRICS, &b, (int64_t)time(NULL),
		    REPLY_NOSTORE);
		return true;
	}
	return false;
}

/* a plain-text 4xx for a person's browser: fmt's text and a newline */
static void
reply_text(struct reply *rp, unsigned code, const char *fmt, ...)
{
	struct cad_buf b;
	va_list ap;

	cad_buf_init(&b, 4096);
	va_start(ap, fmt);
	cad_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	cad_buf_puts(&b, "\n");
	if (cad_buf_error(&b) != 0) {
		cad_buf_release(&b);
		reply_static(rp, code, CT_TEXT, "bad request\n");
		return;
	}
	reply_buf(rp, code, CT_TEXT, &b, 0, REPLY_NOSTORE);
}

/* another year's wheel, or the print one, is drawn per request (this
   year's is in the snapshot); false when the snapshot's answers */
static bool
route_wheel(struct MHD_Connection *c, struct snapshot *s, struct reply *rp)
{
	const char *y = arg(c, "year"), *p = arg(c, "print");
	long long year = cad_year_of(s->today);

	if (y == NULL && p == NULL)
		return false;
	if (y != NULL && cad_strtonum(y, CAD_HOLIDAY_YEAR_MIN,
	    CAD_HOLIDAY_YEAR_MAX, &year) != 0) {
		reply_text(rp, 400, year_reason(), CAD_HOLIDAY_YEAR_MIN,
		    CAD_HOLIDAY_YEAR_MAX);
		return true;
	}
	if (p != NULL && strcmp(p, "0") != 0 && strcmp(p, "1") != 0) {
		reply_text(rp, 400, _("print pitää olla 0 tai 1"));
		return true;
	}
	if ((int)year == cad_year_of(s->today) &&
	    (p == NULL || strcmp(p, "1") != 0))
		return false;
	wheel(s, (int)year, p != NULL && strcmp(p, "1") == 0, rp);
	return true;
}

void
route(struct MHD_Connection *c, const char *url, struct snapshot *s,
    struct reply *rp)
{
	struct snapshot_res *res;
	char key[HTTP_URI_MAX + 8];
	enum cad_lang lang;

	if (route_status(url, rp))
		return;
	if (s == NULL) {
		/* not reached: the server starts after the first snapshot */
		reply_static(rp, 503, CT_TEXT, "starting\n");
		return;
	}
	/* a thread renders in the language of its current request */
	(void)cad_lang_use(s->cfg->langs[0]);
	if (!lang_route(c, s->cfg, url, &lang, &url, key, sizeof key)) {
		reply_api_error(rp, 400, _("lang pitää olla jokin asetusten "
		    "kielistä (languages)"));
		return;
	}
	(void)cad_lang_use(lang);
	if (strcmp(url, "/vuosikello.svg") == 0 && route_wheel(c, s, rp))
		return;
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
	/* the catalogue's text as it is, no copy: scanners ask for many */
	reply_static(rp, 404, CT_TEXT,
	    /* TRANSLATORS: the body of a 404, which a person may read
	       in a browser (a mistyped or old address) */
	    _("ei löydy\n"));
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
size_t
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
bool
path_suspicious(const char *url)
{
	return url[0] != '/' || strstr(url, "..") != NULL ||
	    strchr(url, '%') != NULL || strchr(url, '\\') != NULL;
}

bool
has_body(struct MHD_Connection *c)
{
	const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);

	return (cl != NULL && strcmp(cl, "0") != 0) ||
	    MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_TRANSFER_ENCODING) != NULL;
}
