/*
 * caldav.c - CalDAV requests and replies; see caldav.h.
 */
#include "net/caldav.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/util.h"

/* RFC 7232 2.3: an entity-tag is W/ and a quoted run of etagc
   (0x21, 0x23-0x7E, 0x80-0xFF); anything else (a bare CR, found by
   tests/fuzz) is not sent back in If-Match */
bool
cad_caldav_etag_ok(const char *v, size_t k)
{
	if (k >= 2 && v[0] == 'W' && v[1] == '/') {
		v += 2;
		k -= 2;
	}
	if (k < 2 || v[0] != '"' || v[k - 1] != '"')
		return false;
	for (size_t i = 1; i + 1 < k; i++) {
		unsigned char c = (unsigned char)v[i];
		if (c != 0x21 && (c < 0x23 || c == 0x7f))
			return false;
	}
	return true;
}

/* Retry-After: delay-seconds or an HTTP-date (RFC 9110 10.2.3) */
static void
reply_retry_after(struct cad_caldav_reply *r, const char *p, size_t n,
    int64_t now)
{
	char v[128];
	long long secs;
	time_t t;

	memcpy(v, p, n);
	v[n] = '\0';
	v[strcspn(v, "\r\n")] = '\0';
	const char *b = v + strspn(v, " \t");
	if (cad_strtonum(b, 0, CAD_RETRY_AFTER_MAX, &secs) == 0)
		r->retry_at = now + secs;
	else if ((t = curl_getdate(b, NULL)) > 0)
		r->retry_at = (int64_t)t;
}

static void
reply_etag(struct cad_caldav_reply *r, const char *v, size_t k)
{
	while (k > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		k--;
	}
	while (k > 0 && (v[k - 1] == '\r' || v[k - 1] == '\n' ||
	    v[k - 1] == ' ' || v[k - 1] == '\t'))
		k--;
	if (k > 0 && k < sizeof r->etag && cad_caldav_etag_ok(v, k)) {
		memcpy(r->etag, v, k);
		r->etag[k] = '\0';
	}
}

size_t
cad_caldav_reply_header(struct cad_caldav_reply *r, const char *p, size_t n,
    int64_t now)
{
	if (n >= 5 && strncasecmp(p, "HTTP/", 5) == 0) {
		r->etag[0] = '\0';	/* a new response */
		r->retry_at = 0;
	}
	if (n > 12 && n < 128 && strncasecmp(p, "retry-after:", 12) == 0)
		reply_retry_after(r, p + 12, n - 12, now);
	if (n > 5 && strncasecmp(p, "etag:", 5) == 0)
		reply_etag(r, p + 5, n - 5);
	return n;
}

bool
cad_caldav_reply_body(struct cad_caldav_reply *r, size_t n)
{
	if (r->body + n > CAD_CALDAV_BODY_MAX)
		return false;	/* a reply this large is not for us */
	r->body += n;
	return true;
}

void
cad_caldav_setup(CURL *h, enum cad_caldav_method method, const char *url,
    const char *user, const char *password, const char *etag,
    size_t payload_len, struct curl_slist **hdrs)
{
	curl_easy_setopt(h, CURLOPT_URL, url);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
	if (user != NULL && *user != '\0') {
		curl_easy_setopt(h, CURLOPT_USERNAME, user);
		curl_easy_setopt(h, CURLOPT_PASSWORD,
		    password != NULL ? password : "");
		curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
	}
	*hdrs = curl_slist_append(*hdrs, "Expect:");
	switch (method) {
	case CAD_CALDAV_PUT:
		if (etag != NULL) {
			char *hd = cad_asprintf("If-Match: %s", etag);
			*hdrs = curl_slist_append(*hdrs, hd);
			free(hd);
		} else {
			*hdrs = curl_slist_append(*hdrs, "If-None-Match: *");
		}
		*hdrs = curl_slist_append(*hdrs, "Content-Type: "
		    "text/calendar; charset=utf-8");
		curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE,
		    (curl_off_t)payload_len);
		break;
	case CAD_CALDAV_GET:
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
		break;
	case CAD_CALDAV_DELETE:
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "DELETE");
		curl_easy_setopt(h, CURLOPT_NOBODY, 0L);
		break;
	}
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, *hdrs);
}
