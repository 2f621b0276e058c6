/*
 * tls.h - the daemon's certificate and key (http.tls_cert, tls_key),
 * read at start and at every SIGHUP.  GnuTLS checks that they are PEM
 * and belong together before libmicrohttpd is given them, so that a
 * bad pair is a clear config error and never a silent failed start.
 */
#ifndef DAEMON_TLS_H
#define DAEMON_TLS_H

#include <stdbool.h>

#include "http.h"
#include "model/config.h"
#include "base/util.h"

#define TLS_FILE_MAX	(1u << 20)	/* bytes per PEM file */

struct tls_pair {
	char *cert_pem;		/* NULL: plain HTTP */
	char *key_pem;
};

/* reads and checks cfg's pair (none configured: both NULL); 0 or
   -errno with err naming the file */
int tls_load(const struct cad_config *cfg, struct tls_pair *out,
    struct cad_error *err);
void tls_release(struct tls_pair *p);
/* the same bytes (both plain counts as the same) */
bool tls_equal(const struct tls_pair *a, const struct tls_pair *b);

/* starts the HTTP server on listen with pair p (plain when none) */
int tls_serve(const char *listen, const struct tls_pair *p,
    struct http **out, struct cad_error *err);
/*
 * A reload's pair for cfg, read and checked aside into *np, so that a
 * bad one refuses the reload (-errno with err); *changed when it
 * differs from cur (else np holds nothing).
 */
int tls_reload_check(const struct cad_config *cfg,
    const struct tls_pair *cur, struct tls_pair *np, bool *changed,
    struct cad_error *err);
/*
 * The checked np replaces cur: libmicrohttpd takes its certificate only
 * at start, so *h is restarted on the same address (connections are
 * refused for those milliseconds).  Should np not start, cur is served
 * again; should that fail too, the daemon exits.
 */
void tls_swap(struct http **h, struct tls_pair *cur, struct tls_pair *np);

#endif
