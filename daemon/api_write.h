/*
 * api_write.h - the token-guarded part of the HTTP API (SPEC § 10.5):
 * POST /api/v1/changes and GET /api/v1/audit.  http.c hands these two
 * paths over whole (api_write_route); everything else stays there.
 *
 * Unlike the rest of the HTTP side it uses the store: one connection of
 * its own, opened on first use in the published config's state_dir,
 * behind a mutex.  A change is validated and written by the same core
 * function as cadencectl's (store/change.h); the main loop notices the
 * commit within a second and republishes feeds, CalDAV and mail.
 */
#ifndef DAEMON_API_WRITE_H
#define DAEMON_API_WRITE_H

#include <stdbool.h>
#include <stddef.h>

#include <microhttpd.h>

/* failed tokens allowed per client address and minute; 429 after */
#define API_FAILS_PER_MINUTE	10

/* the request is one of ours */
bool api_write_route(const char *method, const char *url);
/* libmicrohttpd's access handler, for the requests api_write_route took */
enum MHD_Result api_write_handler(struct MHD_Connection *c, const char *url,
    const char *method, const char *upload_data, size_t *upload_data_size,
    void **req_cls);
/* the completion callback's part: frees what *req_cls holds if ours */
void api_write_completed(void **req_cls);
/* closes the store connection (after the HTTP server stopped) */
void api_write_release(void);

#endif
