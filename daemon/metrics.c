/*
 * metrics.c - counters for GET /metrics.
 */
#include "metrics.h"

#include <stdatomic.h>

#define CODE_MIN	100
#define CODE_MAX	599

static atomic_ulong http_codes[CODE_MAX - CODE_MIN + 1];
static atomic_ulong feed_renders;
static atomic_ulong snapshot_builds;
static atomic_ulong planned_occurrences;
static atomic_llong last_build;
static atomic_ullong last_build_usec;
static atomic_ulong reloads_ok;
static atomic_ulong reloads_failed;
static atomic_ulong outbox_sent, outbox_retry, outbox_failed;
static atomic_ulong depth_pending, depth_sent, depth_failed;

void
metrics_http_response(unsigned code)
{
	if (code >= CODE_MIN && code <= CODE_MAX)
		atomic_fetch_add(&http_codes[code - CODE_MIN], 1);
}

void
metrics_feed_renders(unsigned n)
{
	atomic_fetch_add(&feed_renders, n);
}

void
metrics_snapshot_built(size_t occurrences, int64_t when, uint64_t build_usec)
{
	atomic_store(&last_build_usec, build_usec);
	atomic_store(&planned_occurrences, occurrences);
	atomic_store(&last_build, when);
	atomic_fetch_add(&snapshot_builds, 1);
}

void
metrics_reload(bool ok)
{
	atomic_fetch_add(ok ? &reloads_ok : &reloads_failed, 1);
}

void
metrics_outbox_deliveries(unsigned sent, unsigned retry, unsigned failed)
{
	atomic_fetch_add(&outbox_sent, sent);
	atomic_fetch_add(&outbox_retry, retry);
	atomic_fetch_add(&outbox_failed, failed);
}

void
metrics_outbox_depth(size_t pending, size_t sent, size_t failed)
{
	atomic_store(&depth_pending, pending);
	atomic_store(&depth_sent, sent);
	atomic_store(&depth_failed, failed);
}

int
metrics_render(struct cad_buf *b)
{
	unsigned long sent, retry, failed;

	cad_buf_puts(b,
	    "# HELP cadenced_http_requests_total HTTP responses sent by "
	    "cadenced, by status code.\n"
	    "# TYPE cadenced_http_requests_total counter\n");
	for (unsigned c = CODE_MIN; c <= CODE_MAX; c++) {
		unsigned long v = atomic_load(&http_codes[c - CODE_MIN]);
		/* 200 always, so the series exists from the start */
		if (v != 0 || c == 200)
			cad_buf_printf(b,
			    "cadenced_http_requests_total{code=\"%u\"} %lu\n",
			    c, v);
	}
	cad_buf_printf(b,
	    "# HELP cadenced_feed_renders_total iCalendar feeds rendered.\n"
	    "# TYPE cadenced_feed_renders_total counter\n"
	    "cadenced_feed_renders_total %lu\n"
	    "# HELP cadenced_snapshot_builds_total Times the published "
	    "state was rebuilt.\n"
	    "# TYPE cadenced_snapshot_builds_total counter\n"
	    "cadenced_snapshot_builds_total %lu\n"
	    "# HELP cadenced_snapshot_timestamp_seconds When the published "
	    "state was last rebuilt.\n"
	    "# TYPE cadenced_snapshot_timestamp_seconds gauge\n"
	    "cadenced_snapshot_timestamp_seconds %lld\n"
	    "# HELP cadenced_snapshot_build_seconds How long the last "
	    "rebuild took.\n"
	    "# TYPE cadenced_snapshot_build_seconds gauge\n"
	    "cadenced_snapshot_build_seconds %llu.%06llu\n"
	    "# HELP cadenced_planned_occurrences Occurrences in the "
	    "published window.\n"
	    "# TYPE cadenced_planned_occurrences gauge\n"
	    "cadenced_planned_occurrences %lu\n"
	    "# HELP cadenced_config_reloads_total Configuration reloads "
	    "(SIGHUP), by result.\n"
	    "# TYPE cadenced_config_reloads_total counter\n"
	    "cadenced_config_reloads_total{result=\"success\"} %lu\n"
	    "cadenced_config_reloads_total{result=\"failure\"} %lu\n"
	    "# HELP cadenced_build_info The running version.\n"
	    "# TYPE cadenced_build_info gauge\n"
	    "cadenced_build_info{version=\"%s\"} 1\n",
	    atomic_load(&feed_renders), atomic_load(&snapshot_builds),
	    (long long)atomic_load(&last_build),
	    (unsigned long long)(atomic_load(&last_build_usec) / 1000000),
	    (unsigned long long)(atomic_load(&last_build_usec) % 1000000),
	    atomic_load(&planned_occurrences), atomic_load(&reloads_ok),
	    atomic_load(&reloads_failed), CADENCED_VERSION);
	sent = atomic_load(&outbox_sent);
	retry = atomic_load(&outbox_retry);
	failed = atomic_load(&outbox_failed);
	cad_buf_printf(b,
	    "# HELP cadenced_outbox_entries Invitations and reminders in "
	    "the outbox, by state.\n"
	    "# TYPE cadenced_outbox_entries gauge\n"
	    "cadenced_outbox_entries{state=\"pending\"} %lu\n"
	    "cadenced_outbox_entries{state=\"failed\"} %lu\n"
	    "cadenced_outbox_entries{state=\"sent\"} %lu\n"
	    "# HELP cadenced_outbox_delivery_attempts_total CalDAV and SMTP "
	    "deliveries attempted since the start.\n"
	    "# TYPE cadenced_outbox_delivery_attempts_total counter\n"
	    "cadenced_outbox_delivery_attempts_total %lu\n"
	    "# HELP cadenced_outbox_deliveries_total Delivery attempts since "
	    "the start, by outcome (retried: to be tried again later).\n"
	    "# TYPE cadenced_outbox_deliveries_total counter\n"
	    "cadenced_outbox_deliveries_total{result=\"succeeded\"} %lu\n"
	    "cadenced_outbox_deliveries_total{result=\"retried\"} %lu\n"
	    "cadenced_outbox_deliveries_total{result=\"failed\"} %lu\n",
	    atomic_load(&depth_pending), atomic_load(&depth_failed),
	    atomic_load(&depth_sent), sent + retry + failed, sent, retry,
	    failed);
	return cad_buf_error(b);
}
