/*
 * http.h - the daemon's HTTP server (SPEC § 5), libmicrohttpd with its
 * own threads.  Every answer comes from the published snapshot
 * (snapshot.h); the server never touches the store or the config file.
 */
#ifndef DAEMON_HTTP_H
#define DAEMON_HTTP_H

#include <stdbool.h>

#include "base/util.h"

struct http;
struct MHD_Connection;

/* HTTPS: the certificate chain and its key, PEM (tls.h reads them) */
struct http_tls {
	const char *cert_pem;
	const char *key_pem;
};

/*
 * Listens on listen ("127.0.0.1:8080", "[::1]:8080", "localhost:8080"),
 * with TLS when tls is not NULL, and serves from then on.  0 or -errno
 * with err.
 */
int http_start(const char *listen, const struct http_tls *tls,
    struct http **out, struct cad_error *err);
/* closes every connection and joins the threads; NULL is fine */
void http_stop(struct http *h);
/* the address it listens on, as configured */
const char *http_listen(const struct http *h);
/* whether c came in on the TLS listener */
bool http_over_tls(struct MHD_Connection *c);

/* limits, also documented in cadenced(8) */
#define HTTP_CONNECTIONS	2048	/* at once, in all: 8 x HTTP_PER_IP */
/* at once, from one address: a reverse proxy on the loopback address
   (cadenced(8)) is one address for all its clients, so this is high */
#define HTTP_PER_IP		256
#define HTTP_TIMEOUT_S		10	/* idle connection closed after */
#define HTTP_MEMORY		(64 * 1024) /* per connection: request line
					       and headers must fit */
#define HTTP_HEADER_DEADLINE_S	5	/* a request's headers in by then */
#define HTTP_FRESH_GRACE_S	2	/* no request yet after 2 s: slow */
#define HTTP_FRESH_PER_IP	32	/* slow connections from one address */
#define HTTP_FRESH_MAX		256	/* ... and in all */
#define HTTP_URI_MAX		4096	/* longer URIs: 414 */
#define HTTP_PARAMS_MAX		64	/* more query parameters: 414 */
#define HTTP_THREADS		4
/*
 * Bodies of at least this many bytes go out with sendfile(2) from their
 * file, in a response made per request, the others from memory in the
 * snapshot's response made once (body.h).  From memory every byte is
 * copied once more, but at a connection's own pace; libmicrohttpd 0.9.75
 * sends a file 128 KiB per round of its loop.  Measured against nginx
 * (BENCHMARKS.md, 2026-12-04): at 1 MB memory 0.98 x the requests/s and
 * 1.3 x the p99, the file 0.76 x and 1.25 x; at 1.6 MB 0.94 x / 2.2 x
 * and 0.85 x / 1.2 x; from 2.1 MB up memory's p99 is 5-12 x (the client's
 * receive buffers fill with whole bodies it reads late), the file's
 * 1.0-1.15 x at 0.96-1.02 x the requests/s.  Not over TLS (GnuTLS reads
 * the file through a buffer).
 */
#define HTTP_SENDFILE_MIN	(1536 * 1024)
#define HTTP_API_MAX_DAYS	(20 * 366) /* longest /api/v1/occurrences */

#endif
