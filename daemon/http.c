/*
 * http.c - the HTTP server: libmicrohttpd, methods, limits, sending.
 * What a path answers is route.c's.
 *
 * libmicrohttpd runs its own polling threads (epoll, a small pool), fed
 * evenly by http_accept.c's accepting thread.  A request takes a
 * reference to the current snapshot while it is routed.
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
#include <unistd.h>

#include <microhttpd.h>

#include "api_write.h"
#include "route.h"
#include "body.h"
#include "http_accept.h"
#include "http_guard.h"
#include "log.h"
#include "metrics.h"
#include "snapshot.h"

struct http {
	struct MHD_Daemon *mhd;
	struct http_accept *acc;	/* accepts for mhd's pool */
	char *listen;
};

/* libmicrohttpd's own messages: loud while starting, debug afterwards
   (a stream of malformed requests must not flood the journal) */
static volatile int http_starting;

static void
http_mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	log_vlog(http_starting ? LOG_ERR : LOG_DEBUG, fmt, ap);
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
	struct MHD_Response *own = NULL, *resp;

	/* a large body with sendfile, in a response of its own (http.h) */
	if (code == 200 && rp->res->len >= HTTP_SENDFILE_MIN &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0 && !http_over_tls(c) &&
	    (own = body_response_file(rp->snap->bodies, rp->res->off,
	    rp->res->len)) != NULL)
		reply_headers(own, rp, 200);
	resp = own != NULL ? own : reply_prepared(rp, code == 200 ? 0 : 1);
	if (resp == NULL) {
		log_warnx("http: cannot make the response for %s",
		    rp->res->path);
		reply_static(rp, 503, CT_TEXT, "busy, try again\n");
		return false;
	}
	/* the response holds what it sends (a reference to the body
	   store, or a descriptor of its file): the snapshot may go as soon
	   as the caller lets go */
	*ret = MHD_queue_response(c, code, resp);
	if (own != NULL)
		MHD_destroy_response(own);	/* freed once sent */
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
	struct http *h;
	int r, fd;

	if ((r = http_resolve(listen, &ss, &sslen, err)) != 0)
		return r;
	/* the pool's threads do not listen: http_accept.h says why */
	flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
	    MHD_USE_ERROR_LOG | MHD_USE_NO_LISTEN_SOCKET | MHD_USE_ITC;
	if (tls != NULL)
		flags |= MHD_USE_TLS;
	if ((fd = http_accept_listen((struct sockaddr *)&ss, sslen, 128)) < 0) {
		cad_error_set(err, "cannot listen on '%s' (address in use or "
		    "not available?)", listen);
		return fd;
	}
	if ((r = http_guard_start()) != 0) {
		close(fd);
		cad_error_set(err, "cannot start the connection guard: %s",
		    strerror(-r));
		return r;
	}
	h = cad_xcalloc(1, sizeof *h);
	h->listen = cad_strdup(listen);
	http_starting = 1;
	route_started = (int64_t)time(NULL);
	h->mhd = MHD_start_daemon(flags, 0, NULL, NULL, http_handler, NULL,
	    MHD_OPTION_EXTERNAL_LOGGER, http_mhd_log, NULL,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)HTTP_THREADS,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)HTTP_CONNECTIONS,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)HTTP_PER_IP,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HTTP_TIMEOUT_S,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_MEMORY,
	    MHD_OPTION_UNESCAPE_CALLBACK, http_unescape, NULL,
	    MHD_OPTION_URI_LOG_CALLBACK, http_uri_log, NULL,
	    MHD_OPTION_NOTIFY_CONNECTION, http_guard_notify, NULL,
	    MHD_OPTION_NOTIFY_COMPLETED, http_completed, NULL,
	    tls != NULL ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END,
	    tls != NULL ? tls->cert_pem : NULL,
	    MHD_OPTION_HTTPS_MEM_KEY, tls != NULL ? tls->key_pem : NULL,
	    MHD_OPTION_END);
	http_starting = 0;
	r = h->mhd == NULL ? -EIO : http_accept_start(fd, h->mhd, &h->acc);
	if (h->mhd == NULL)
		close(fd);
	if (r != 0) {
		cad_error_set(err, "cannot serve on '%s': %s", listen,
		    h->mhd == NULL ? "libmicrohttpd did not start" :
		    strerror(-r));
		http_stop(h);
		return r;
	}
	*out = h;
	return 0;
}

void
http_stop(struct http *h)
{
	if (h == NULL)
		return;
	http_accept_stop(h->acc);
	if (h->mhd != NULL)
		MHD_stop_daemon(h->mhd);
	http_guard_stop();
	free(h->listen);
	free(h);
}

bool
http_over_tls(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c,
	    MHD_CONNECTION_INFO_DAEMON);
	const union MHD_DaemonInfo *di;

	if (ci == NULL)
		return false;
	di = MHD_get_daemon_info(ci->daemon, MHD_DAEMON_INFO_FLAGS);
	return di != NULL && (di->flags & MHD_USE_TLS) != 0;
}

const char *
http_listen(const struct http *h)
{
	return h->listen;
}
