/*
 * metrics.h - the daemon's counters, exported at GET /metrics in the
 * Prometheus text format (version 0.0.4).  Lock-free: every counter is
 * an atomic, bumped from the HTTP threads or the main loop.
 */
#ifndef DAEMON_METRICS_H
#define DAEMON_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/util.h"

#ifndef CADENCED_VERSION
#define CADENCED_VERSION "0.1.0"
#endif

void metrics_http_response(unsigned code);
void metrics_feed_renders(unsigned n);
/* a snapshot was published: its occurrences, when, and how long the
   build took in microseconds */
void metrics_snapshot_built(size_t occurrences, int64_t when,
    uint64_t build_usec);
void metrics_reload(bool ok);
/* delivery attempts finished since the last call, by outcome */
void metrics_outbox_deliveries(unsigned sent, unsigned retry,
    unsigned failed);
/* the outbox's rows by state (read from the store by the main loop) */
void metrics_outbox_depth(size_t pending, size_t sent, size_t failed);

/* the whole exposition; 0 or out's error */
int metrics_render(struct cad_buf *out);

#endif
