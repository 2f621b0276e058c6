/*
 * route.h - what a path answers (route.c), for the server (http.c) and
 * the routing fuzzer.  A reply is made here and sent by http.c.
 */
#ifndef CAD_ROUTE_H
#define CAD_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snapshot.h"

struct MHD_Connection;

#define CT_TEXT		"text/plain; charset=utf-8"
#define CT_JSON		"application/json; charset=utf-8"
#define CT_METRICS	"text/plain; version=0.0.4; charset=utf-8"
#define CT_SVG		"image/svg+xml"

#define HEALTH_LINE_MAX	640		/* one /healthz reason */

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
	char etag[CAD_ETAG_SIZE];	/* "" = none */
	int64_t last_modified;	/* 0 = none */
	int flags;		/* RES_FEED, RES_CORS, REPLY_* */
};

/* Last-Modified of /healthz: when the server started */
extern int64_t route_started;

/* drops the body of a reply that will not be sent */
void reply_drop(struct reply *rp);
void reply_static(struct reply *rp, unsigned code, const char *type,
    const char *body);
void reply_buf(struct reply *rp, unsigned code, const char *type,
    struct cad_buf *b, int64_t last_modified, int flags);
void reply_api_error(struct reply *rp, unsigned code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* the API's error body into b (empty, ceiling 4096 or more):
   {"error": msg}, or {"error": "bad request"} when msg is past b's
   ceiling; for reply_api_error and the write API's answers */
void api_error_body(struct cad_buf *b, const char *msg);
/* an HTTP date (RFC 9110 IMF-fixdate) */
void http_date(int64_t t, char out[static 40]);
/* whether the request's If-None-Match / If-Modified-Since match rp */
bool not_modified(struct MHD_Connection *c, const struct reply *rp);
/* the answer to GET url from snapshot s (NULL while starting) */
void route(struct MHD_Connection *c, const char *url, struct snapshot *s,
    struct reply *rp);
/* libmicrohttpd's unescaper, but %00 stays as it is */
size_t http_unescape(void *cls, struct MHD_Connection *c, char *s);
/* ".." in any spelling, a '%' left over, a backslash */
bool path_suspicious(const char *url);
/* a Content-Length other than 0 or a Transfer-Encoding */
bool has_body(struct MHD_Connection *c);

#endif
