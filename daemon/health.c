/*
 * health.c - the state behind GET /healthz, one slot per part under a
 * mutex (the main loop writes, the HTTP threads read).
 */
#include "health.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/util.h"

#define HEALTH_REASON_MAX	512

static pthread_mutex_t health_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	bool failing;
	long long since;
	char reason[HEALTH_REASON_MAX];
} health_parts[HEALTH_NPARTS];

/* one line: control characters (a newline in an error) become spaces */
static void
health_oneline(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = ' ';
}

bool
health_fail(enum health_part part, const char *fmt, ...)
{
	char reason[HEALTH_REASON_MAX];
	va_list ap;
	bool changed;

	if ((unsigned)part >= HEALTH_NPARTS)
		return false;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof reason, fmt, ap);
	va_end(ap);
	health_oneline(reason);
	pthread_mutex_lock(&health_lock);
	changed = !health_parts[part].failing;
	if (changed) {
		health_parts[part].failing = true;
		health_parts[part].since = (long long)time(NULL);
	}
	cad_strlcpy(health_parts[part].reason, reason,
	    sizeof health_parts[part].reason);
	pthread_mutex_unlock(&health_lock);
	return changed;
}

bool
health_ok(enum health_part part)
{
	bool changed;

	if ((unsigned)part >= HEALTH_NPARTS)
		return false;
	pthread_mutex_lock(&health_lock);
	changed = health_parts[part].failing;
	health_parts[part].failing = false;
	health_parts[part].since = 0;
	health_parts[part].reason[0] = '\0';
	pthread_mutex_unlock(&health_lock);
	return changed;
}

long long
health_since(enum health_part part)
{
	long long since;

	if ((unsigned)part >= HEALTH_NPARTS)
		return 0;
	pthread_mutex_lock(&health_lock);
	since = health_parts[part].since;
	pthread_mutex_unlock(&health_lock);
	return since;
}

unsigned
health_status(char *out, size_t size)
{
	unsigned code = 200;

	if (size == 0)
		return 503;
	pthread_mutex_lock(&health_lock);
	snprintf(out, size, "ok\n");
	for (int i = 0; i < HEALTH_NPARTS; i++) {
		if (!health_parts[i].failing)
			continue;
		snprintf(out, size, "%s\n", health_parts[i].reason);
		code = 503;
		break;
	}
	pthread_mutex_unlock(&health_lock);
	return code;
}
