/*
 * http_guard.h - slowloris protection for the HTTP server (issue 19).
 *
 * libmicrohttpd 0.9.75 closes a connection only after HTTP_TIMEOUT_S
 * without a byte, so a client sending one header byte every few seconds
 * holds its slot for ever.  The guard keeps a table of the connections
 * (MHD_OPTION_NOTIFY_CONNECTION), knows which of them are waiting for a
 * request's headers (the access handler and MHD_OPTION_NOTIFY_COMPLETED
 * tell), and a thread of its own shuts down a connection whose headers
 * are not in within HTTP_HEADER_DEADLINE_S, and at once a new connection
 * beyond HTTP_FRESH_PER_IP (from its address) or HTTP_FRESH_MAX (in all)
 * that has not yet sent a request, so that a few addresses cannot take
 * the slots from everyone else.
 */
#ifndef DAEMON_HTTP_GUARD_H
#define DAEMON_HTTP_GUARD_H

#include <microhttpd.h>

int http_guard_start(void);		/* the timer thread; 0 or -errno */
void http_guard_stop(void);

/* for MHD_OPTION_NOTIFY_CONNECTION and MHD_OPTION_NOTIFY_COMPLETED */
void http_guard_notify(void *cls, struct MHD_Connection *c,
    void **socket_context, enum MHD_ConnectionNotificationCode toe);
void http_guard_completed(void *cls, struct MHD_Connection *c,
    void **req_cls, enum MHD_RequestTerminationCode toe);
/* the access handler has a request's headers */
void http_guard_request(struct MHD_Connection *c);

#endif
