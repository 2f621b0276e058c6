/*
 * http_accept.h - the HTTP server's listening socket and the thread that
 * accepts on it (issue 16).
 *
 * libmicrohttpd 0.9.75's own pool puts the listening socket in every
 * worker's epoll and lets whichever wakes first accept a series of
 * connections: under wrk -c64 its 4 workers made 16870, 9377, 777 and 0
 * of the sends (perf stat --per-thread), so one or two threads did the
 * work of four and the 200 KB feed fell below nginx, whose workers each
 * get a quarter (reuseport).  Here one thread accepts and hands each
 * connection to the pool with MHD_add_connection, which places it by
 * descriptor modulo the pool size (8021, 7936, 7936, 5067 sends in the
 * same run).  Limits (HTTP_CONNECTIONS, HTTP_PER_IP) stay
 * libmicrohttpd's, checked in the same place as before.
 */
#ifndef DAEMON_HTTP_ACCEPT_H
#define DAEMON_HTTP_ACCEPT_H

#include <sys/socket.h>

#include <microhttpd.h>

struct http_accept;

/* a listening TCP socket on sa (SO_REUSEADDR, IPv6 only for IPv6):
   the descriptor or -errno */
int http_accept_listen(const struct sockaddr *sa, socklen_t salen,
    int backlog);
/* accepts on fd for mhd (started with MHD_USE_NO_LISTEN_SOCKET and
   MHD_USE_ITC) from now on; takes fd (closed on failure too): 0 or
   -errno */
int http_accept_start(int fd, struct MHD_Daemon *mhd,
    struct http_accept **out);
/* stops accepting, joins the thread and closes the socket; before
   MHD_stop_daemon.  NULL is fine */
void http_accept_stop(struct http_accept *a);

#endif
