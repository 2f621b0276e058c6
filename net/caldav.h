/*
 * caldav.h - the CalDAV side of delivery (SPEC § 6): the HTTP requests
 * for one outbox row and what is read from a server's reply.
 *
 * PUT caldav.url + <uid>.ics with If-None-Match: * when no ETag is known,
 * else If-Match: <etag>; GET to learn the current ETag; DELETE.  Basic
 * auth when caldav.user is set; only http and https.  The reply's body
 * is counted and dropped; its ETag and Retry-After headers are kept.
 */
#ifndef CAD_NET_CALDAV_H
#define CAD_NET_CALDAV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>

#define CAD_CALDAV_ETAG_MAX	256
#define CAD_CALDAV_BODY_MAX	(1u << 20)	/* reply bytes read */
#define CAD_RETRY_AFTER_MAX	86400	/* longest Retry-After honoured */

/* what one HTTP reply said (reset by each new status line) */
struct cad_caldav_reply {
	char etag[CAD_CALDAV_ETAG_MAX];	/* "" when none or unusable */
	int64_t retry_at;	/* Retry-After as unix seconds, or 0 */
	size_t body;		/* body bytes seen */
};

/* the CalDAV request of a transfer */
enum cad_caldav_method {
	CAD_CALDAV_PUT,
	CAD_CALDAV_GET,
	CAD_CALDAV_DELETE,
};

/*
 * Takes one header line of n bytes with its line end (as libcurl hands
 * it over); now (unix seconds) turns a delay-seconds Retry-After into a
 * time.  Returns n.
 */
size_t cad_caldav_reply_header(struct cad_caldav_reply *r, const char *line,
    size_t n, int64_t now);
/* counts n body bytes; false (and nothing counted) past the ceiling */
bool cad_caldav_reply_body(struct cad_caldav_reply *r, size_t n);
/* v[0..k) is an RFC 7232 entity-tag that may be sent back in If-Match */
bool cad_caldav_etag_ok(const char *v, size_t k);

/*
 * Sets h up for method on url: credentials (user NULL or "": none), the
 * headers (into *hdrs, freed by the caller after the transfer; etag NULL:
 * If-None-Match: * on a PUT) and the upload size of a PUT.
 */
void cad_caldav_setup(CURL *h, enum cad_caldav_method method,
    const char *url, const char *user, const char *password,
    const char *etag, size_t payload_len, struct curl_slist **hdrs);

#endif
