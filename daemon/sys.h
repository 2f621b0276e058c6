/*
 * sys.h - the daemon's small system helpers (sys.c): time stamps,
 * descriptors, timers, free space.
 */
#ifndef DAEMON_SYS_H
#define DAEMON_SYS_H

#include <stdbool.h>
#include <stdint.h>

#define DISK_MIN_FREE	(256 * 1024)	/* bytes the state_dir needs */

/* "2026-11-23 09:59:00 UTC" */
void utc_time(long long t, char out[static 32]);
/* the soft RLIMIT_NOFILE up toward HTTP_CONNECTIONS and some */
void raise_nofile(void);
uint64_t monotonic_usec(void);
/* less than DISK_MIN_FREE or no inode left in dir's file system */
bool disk_full(const char *dir);
/* a periodic CLOCK_MONOTONIC timerfd; -1 with errno */
int timer_new(uint64_t usec);
void timer_drain(int fd);

#endif
