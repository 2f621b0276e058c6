/*
 * log.h - the daemon's logging, OpenBSD style (usr.sbin/ntpd/log.c):
 * one line per message on stderr, prefixed with the syslog priority
 * ("<3>" err, "<4>" warning, "<6>" info, "<7>" debug) so that journald
 * files each line at the right level.  Safe to call from any thread.
 */
#ifndef DAEMON_LOG_H
#define DAEMON_LOG_H

#include <stdarg.h>

/* verbose: log_debug() lines are written only when non-zero */
void log_init(int verbose);
int log_getverbose(void);

/* log_warn() appends ": strerror(errno)"; the x variants don't */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* pri: a syslog priority (LOG_ERR ...); no strerror */
void log_vlog(int pri, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* log at <3> and exit(1); fatal() appends strerror(errno) */
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2),
    noreturn));
void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2),
    noreturn));

#endif
