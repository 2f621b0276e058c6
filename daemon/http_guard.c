/*
 * http_guard.c - header deadline and per-address limits of connections
 * that have not sent a request yet; see http_guard.h.
 *
 * Every connection has an entry in a list under one mutex.  The entry is
 * removed in the CLOSED notification, which libmicrohttpd sends before
 * it closes the socket: so while the mutex is held, every descriptor in
 * the list is open and shutdown(2) reaches the right connection.  The
 * shut connection reads end-of-file, and libmicrohttpd closes it.
 */
#include "http_guard.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <netinet/in.h>

#include "http.h"
#include "log.h"
#include "base/util.h"

#define GUARD_STEP_MS	200

struct conn {
	struct conn *prev, *next;
	int fd;
	struct sockaddr_storage addr;
	socklen_t addrlen;
	struct timespec since;	/* waiting for headers since */
	bool busy;		/* a request's headers are in */
	bool fresh;		/* no request finished yet */
	bool shut;
};

static pthread_mutex_t guard_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t guard_cond = PTHREAD_COND_INITIALIZER;
static struct conn *guard_list;
static pthread_t guard_thread;
static bool guard_running, guard_stopping;

static double
age(const struct timespec *since, const struct timespec *now)
{
	return (double)(now->tv_sec - since->tv_sec) +
	    (double)(now->tv_nsec - since->tv_nsec) / 1e9;
}

static bool
same_addr(const struct conn *a, const struct conn *b)
{
	if (a->addr.ss_family != b->addr.ss_family)
		return false;
	if (a->addr.ss_family == AF_INET)
		return ((const struct sockaddr_in *)&a->addr)->sin_addr.s_addr
		    == ((const struct sockaddr_in *)&b->addr)->sin_addr.s_addr;
	if (a->addr.ss_family == AF_INET6)
		return memcmp(&((const struct sockaddr_in6 *)&a->addr)->
		    sin6_addr, &((const struct sockaddr_in6 *)&b->addr)->
		    sin6_addr, sizeof(struct in6_addr)) == 0;
	return false;
}

static void
shut(struct conn *e)
{
	if (!e->shut) {
		e->shut = true;
		(void)shutdown(e->fd, SHUT_RDWR);
	}
}

/* a connection that has sent no request for this long is a slow one */
static bool
stale(const struct conn *e, const struct timespec *now)
{
	return e->fresh && !e->busy && !e->shut &&
	    age(&e->since, now) >= HTTP_FRESH_GRACE_S;
}

/*
 * With the lock: shuts the slow connections beyond HTTP_FRESH_PER_IP
 * of n's address and HTTP_FRESH_MAX in all; a new n at once when its
 * address holds its share already (a new one from another address is
 * never refused here).  A burst of quick clients (a proxy, a load test)
 * is not slow: not counted.
 */
static void
shed(struct conn *n, const struct timespec *now, bool is_new)
{
	unsigned same = 0, all = 0;

	if (is_new) {
		for (const struct conn *e = guard_list; e != NULL;
		    e = e->next)
			same += stale(e, now) && same_addr(e, n);
		if (same >= HTTP_FRESH_PER_IP)
			shut(n);
		return;
	}
	for (struct conn *e = guard_list; e != NULL; e = e->next)
		if (stale(e, now) && (++all > HTTP_FRESH_MAX ||
		    (same_addr(e, n) && ++same > HTTP_FRESH_PER_IP)))
			shut(e);
}

static void
started(struct MHD_Connection *c, void **ctx)
{
	const union MHD_ConnectionInfo *fd = MHD_get_connection_info(c,
	    MHD_CONNECTION_INFO_CONNECTION_FD);
	const union MHD_ConnectionInfo *ad = MHD_get_connection_info(c,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	struct conn *e = cad_xcalloc(1, sizeof *e);

	e->fd = fd != NULL ? fd->connect_fd : -1;
	if (ad != NULL && ad->client_addr != NULL) {
		e->addrlen = ad->client_addr->sa_family == AF_INET6 ?
		    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
		memcpy(&e->addr, ad->client_addr, e->addrlen);
	}
	e->fresh = true;
	clock_gettime(CLOCK_MONOTONIC, &e->since);
	*ctx = e;
	pthread_mutex_lock(&guard_lock);
	e->next = guard_list;
	if (guard_list != NULL)
		guard_list->prev = e;
	guard_list = e;
	if (e->fd >= 0)
		shed(e, &e->since, true);
	pthread_mutex_unlock(&guard_lock);
}

void
http_guard_notify(void *cls, struct MHD_Connection *c, void **ctx,
    enum MHD_ConnectionNotificationCode toe)
{
	struct conn *e = *ctx;

	(void)cls;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		started(c, ctx);
		return;
	}
	if (e == NULL)
		return;
	pthread_mutex_lock(&guard_lock);
	if (e->prev != NULL)
		e->prev->next = e->next;
	else
		guard_list = e->next;
	if (e->next != NULL)
		e->next->prev = e->prev;
	pthread_mutex_unlock(&guard_lock);
	free(e);
	*ctx = NULL;
}

static struct conn *
entry_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *i = MHD_get_connection_info(c,
	    MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return i != NULL ? i->socket_context : NULL;
}

void
http_guard_request(struct MHD_Connection *c)
{
	struct conn *e = entry_of(c);

	if (e == NULL)
		return;
	pthread_mutex_lock(&guard_lock);
	e->busy = true;
	pthread_mutex_unlock(&guard_lock);
}

void
http_guard_completed(void *cls, struct MHD_Connection *c, void **req_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct conn *e = entry_of(c);

	(void)cls;
	(void)req_cls;
	(void)toe;
	if (e == NULL)
		return;
	/* kept alive: the next request's headers have their own deadline */
	pthread_mutex_lock(&guard_lock);
	e->busy = false;
	e->fresh = false;
	clock_gettime(CLOCK_MONOTONIC, &e->since);
	pthread_mutex_unlock(&guard_lock);
}

static void *
guard_main(void *arg)
{
	struct timespec now, until;

	(void)arg;
	pthread_mutex_lock(&guard_lock);
	while (!guard_stopping) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		for (struct conn *e = guard_list; e != NULL; e = e->next) {
			if (e->fd < 0 || e->busy || e->shut)
				continue;
			if (age(&e->since, &now) >= HTTP_HEADER_DEADLINE_S)
				shut(e);
			else if (stale(e, &now))
				shed(e, &now, false);
		}
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += GUARD_STEP_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		(void)pthread_cond_timedwait(&guard_cond, &guard_lock, &until);
	}
	pthread_mutex_unlock(&guard_lock);
	return NULL;
}

int
http_guard_start(void)
{
	int rc;

	guard_stopping = false;
	if ((rc = pthread_create(&guard_thread, NULL, guard_main, NULL)) != 0)
		return -rc;
	guard_running = true;
	return 0;
}

void
http_guard_stop(void)
{
	if (!guard_running)
		return;
	pthread_mutex_lock(&guard_lock);
	guard_stopping = true;
	pthread_cond_signal(&guard_cond);
	pthread_mutex_unlock(&guard_lock);
	pthread_join(guard_thread, NULL);
	guard_running = false;
}
