/*
 * http_accept.c - the listening socket and its accepting thread; see
 * http_accept.h.
 *
 * The thread blocks in accept4(2).  http_accept_stop shuts the socket
 * down, which makes a blocked accept4 return (EINVAL on Linux), and joins.
 * Out of descriptors (EMFILE, ENFILE) or memory, it pauses a little
 * instead of spinning: the connection waits in the backlog meanwhile.
 */
#include "http_accept.h"

#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "base/util.h"

#define ACCEPT_PAUSE_MS	50	/* after running out of descriptors */

struct http_accept {
	int fd;
	struct MHD_Daemon *mhd;
	pthread_t thread;
	atomic_bool stopping;
};

int
http_accept_listen(const struct sockaddr *sa, socklen_t salen, int backlog)
{
	int one = 1, fd, e;

	fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
	    (sa->sa_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &one, sizeof one) != 0) ||
	    bind(fd, sa, salen) != 0 || listen(fd, backlog) != 0) {
		e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

static void
pause_ms(long ms)
{
	struct timespec ts = { 0, ms * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static void *
accept_main(void *arg)
{
	struct http_accept *a = arg;
	struct sockaddr_storage ss;
	socklen_t len;
	int fd;

	for (;;) {
		len = sizeof ss;
		fd = accept4(a->fd, (struct sockaddr *)&ss, &len,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (atomic_load(&a->stopping)) {
			if (fd >= 0)
				close(fd);
			break;
		}
		if (fd >= 0) {
			/* the pool closes fd when it refuses it (a limit) */
			(void)MHD_add_connection(a->mhd, fd,
			    (struct sockaddr *)&ss, len);
			continue;
		}
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
		    errno == ENOMEM)
			pause_ms(ACCEPT_PAUSE_MS);
		else if (errno == EBADF || errno == EINVAL ||
		    errno == ENOTSOCK) {
			log_warnx("http: accept: %s", strerror(errno));
			break;
		}
		/* else the client went away first (ECONNABORTED, EPROTO,
		   ...) or a signal: the next one */
	}
	return NULL;
}

int
http_accept_start(int fd, struct MHD_Daemon *mhd, struct http_accept **out)
{
	struct http_accept *a = cad_xcalloc(1, sizeof *a);
	int rc;

	a->fd = fd;
	a->mhd = mhd;
	atomic_init(&a->stopping, false);
	if ((rc = pthread_create(&a->thread, NULL, accept_main, a)) != 0) {
		close(fd);
		free(a);
		return -rc;
	}
	*out = a;
	return 0;
}

void
http_accept_stop(struct http_accept *a)
{
	if (a == NULL)
		return;
	atomic_store(&a->stopping, true);
	(void)shutdown(a->fd, SHUT_RDWR);
	pthread_join(a->thread, NULL);
	close(a->fd);
	free(a);
}
