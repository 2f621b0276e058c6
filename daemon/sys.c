/*
 * sys.c - the daemon's small system helpers; see sys.h.
 */
#include "sys.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/statvfs.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "log.h"

/* "2026-11-23 09:59:00 UTC" */
void
utc_time(long long t, char out[static 32])
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, 32, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(out, 32, "%lld", t);
}

/*
 * Room for HTTP_CONNECTIONS sockets and the database's and curl's
 * descriptors: the soft limit is often 1024 (systemd's default).  Up to
 * the hard limit only; what cannot be had is logged, not fatal.
 */
void
raise_nofile(void)
{
	struct rlimit rl;
	rlim_t want = HTTP_CONNECTIONS + 128;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want)
		return;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want)
		want = rl.rlim_max;
	rl.rlim_cur = want;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
		log_warn("setrlimit RLIMIT_NOFILE %llu",
		    (unsigned long long)want);
	if (want < HTTP_CONNECTIONS + 128)
		log_warnx("only %llu descriptors: fewer than %d connections "
		    "at once", (unsigned long long)want, HTTP_CONNECTIONS);
}

uint64_t
monotonic_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

bool
disk_full(const char *dir)
{
	struct statvfs sv;

	return statvfs(dir, &sv) == 0 && ((unsigned long long)sv.f_bavail *
	    sv.f_frsize < DISK_MIN_FREE || (sv.f_files != 0 &&
	    sv.f_favail == 0));
}

int
timer_new(uint64_t usec)
{
	struct itimerspec its;
	int fd;

	if ((fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC |
	    TFD_NONBLOCK)) < 0)
		return -1;
	memset(&its, 0, sizeof its);
	its.it_value.tv_sec = (time_t)(usec / 1000000);
	its.it_value.tv_nsec = (long)(usec % 1000000) * 1000;
	its.it_interval = its.it_value;
	if (timerfd_settime(fd, 0, &its, NULL) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

void
timer_drain(int fd)
{
	uint64_t n;

	while (read(fd, &n, sizeof n) == (ssize_t)sizeof n)
		;
}
