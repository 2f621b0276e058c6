/*
 * health.h - what GET /healthz reports: "ok" or the first of the parts
 * that is failing, as one line.  The main loop sets and clears the
 * parts; the HTTP threads read them.  Safe to call from any thread.
 */
#ifndef DAEMON_HEALTH_H
#define DAEMON_HEALTH_H

#include <stdbool.h>
#include <stddef.h>

/* in the order /healthz names them when several fail */
enum health_part {
	HEALTH_DB,		/* the database was deleted, replaced, damaged */
	HEALTH_DISK,		/* too little room left for the database */
	HEALTH_STORE,		/* the outbox could not write the database */
	HEALTH_SNAPSHOT,	/* the feeds cannot be rebuilt */
	HEALTH_NPARTS
};

/*
 * part is failing: reason (printf format) becomes its /healthz line,
 * also when it was failing already.  True when the part was healthy
 * before: the caller logs the change then, not every time.
 */
bool health_fail(enum health_part part, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* part works again: true when it was failing (log it) */
bool health_ok(enum health_part part);
/* failing since (unix seconds), 0 when healthy */
long long health_since(enum health_part part);
/*
 * The answer of /healthz: 200 with "ok\n", or 503 with the first
 * failing part's reason and "\n"; out is always terminated.
 */
unsigned health_status(char *out, size_t size);

#endif
