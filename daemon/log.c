/*
 * log.c - "<N>message" lines on stderr for journald.  Every line is
 * formatted into one buffer and written with a single write(2) so that
 * lines from the HTTP threads never interleave.
 */
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#define LOG_LINE_MAX	2048

static int log_verbose;

void
log_init(int verbose)
{
	log_verbose = verbose;
}

int
log_getverbose(void)
{
	return log_verbose;
}

/* the line: "<pri>" + message [+ ": " + strerror(errnum)] + "\n" */
static void
log_emit(int pri, int errnum, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];
	size_t len;
	int n;

	if (pri == LOG_DEBUG && !log_verbose)
		return;
	n = snprintf(line, sizeof line, "<%d>", pri);
	len = (size_t)n;
	n = vsnprintf(line + len, sizeof line - len, fmt, ap);
	if (n < 0)
		n = 0;
	len += (size_t)n;
	if (len > sizeof line - 1)
		len = sizeof line - 1;
	/* libraries (libmicrohttpd) end their messages with a newline */
	while (len > 3 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	line[len] = '\0';
	if (errnum != 0) {
		n = snprintf(line + len, sizeof line - len, ": %s",
		    strerror(errnum));
		if (n > 0)
			len += (size_t)n;
		if (len > sizeof line - 1)
			len = sizeof line - 1;
	}
	/* newlines inside a message would start a new journal entry */
	for (size_t i = 3; i < len; i++)
		if (line[i] == '\n' || line[i] == '\r')
			line[i] = ' ';
	line[len++] = '\n';
	(void)!write(STDERR_FILENO, line, len);
}

void
log_vlog(int pri, const char *fmt, va_list ap)
{
	log_emit(pri, 0, fmt, ap);
}

void
log_warn(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_WARNING, saved, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_WARNING, 0, fmt, ap);
	va_end(ap);
}

void
log_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_ERR, 0, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_INFO, 0, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!log_verbose)
		return;
	va_start(ap, fmt);
	log_emit(LOG_DEBUG, 0, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_ERR, saved, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_ERR, 0, fmt, ap);
	va_end(ap);
	exit(1);
}
