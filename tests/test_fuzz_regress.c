/*
 * test_fuzz_regress.c - the crash inputs that libFuzzer found stay fixed.
 *
 * Every file in tests/fuzz/regress/<target>/ (see tests/fuzz/README) is
 * replayed through the target's entry function, linked here without the
 * fuzzer (the Makefile builds tests/fuzz/ as plain objects): a fixed bug
 * that comes back crashes or trips a sanitizer in `make check` (SANITIZE=1) instead of only under `make fuzz`.  The
 * targets' own promises (abort() on a broken invariant) hold here too.
 * An empty or missing directory passes.  The tests run from the
 * repository root, as make check does.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"

#define REGRESS_DIR "tests/fuzz/regress/"
#define REGRESS_MAX (1 << 20)

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Runs every regular file of REGRESS_DIR<target>/ through fn, in name
 * order; returns how many ran.
 */
static size_t
replay(const char *target, int (*fn)(const uint8_t *, size_t))
{
	char dir[256], path[512];
	char **names = NULL;
	size_t n = 0, ran = 0;
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof dir, REGRESS_DIR "%s", target);
	if ((d = opendir(dir)) == NULL) {
		assert_int_equal(errno, ENOENT);
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		names = realloc(names, (n + 1) * sizeof *names);
		assert_non_null(names);
		names[n] = strdup(de->d_name);
		assert_non_null(names[n]);
		n++;
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof *names, name_cmp);
	for (size_t i = 0; i < n; i++) {
		FILE *fp;
		uint8_t *buf;
		size_t len;

		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		fp = fopen(path, "rb");
		assert_non_null(fp);
		buf = malloc(REGRESS_MAX);
		assert_non_null(buf);
		len = fread(buf, 1, REGRESS_MAX, fp);
		assert_int_equal(ferror(fp), 0);
		fclose(fp);
		fprintf(stderr, "replay %s (%zu bytes)\n", path, len);
		assert_int_equal(fn(buf, len), 0);
		free(buf);
		free(names[i]);
		ran++;
	}
	free(names);
	return ran;
}

static void
fuzz_config__regress_inputs__no_crash(void **state)
{
	(void)state;
	replay("fuzz_config", fuzz_config_one);
}

static void
fuzz_rrule__regress_inputs__no_crash(void **state)
{
	(void)state;
	replay("fuzz_rrule", fuzz_rrule_one);
}

static void
fuzz_ical__regress_inputs__no_crash(void **state)
{
	(void)state;
	replay("fuzz_ical", fuzz_ical_one);
}

static void
fuzz_util__regress_inputs__no_crash(void **state)
{
	(void)state;
	replay("fuzz_util", fuzz_util_one);
}

static void
fuzz_http_route__regress_inputs__no_crash(void **state)
{
	(void)state;
	replay("fuzz_http_route", fuzz_http_route_one);
}

static void
fuzz_caldav_reply__regress_inputs__no_crash(void **state)
{
	(void)state;
	replay("fuzz_caldav_reply", fuzz_caldav_reply_one);
}

static void
fuzz_api_change__regress_inputs__no_crash(void **state)
{
	(void)state;
	replay("fuzz_api_change", fuzz_api_change_one);
}

/* the replay itself works: a seed of every target runs clean */
static void
fuzz_targets__seed_inputs__no_crash(void **state)
{
	static const char http[] = "GET /api/v1/occurrences?from=2026-01-01"
	    "&to=2026-12-31&forum=foorumi HTTP/1.1\r\n"
	    "If-None-Match: \"x\", W/\"y\"\r\n\r\n";
	static const char rule[] = "FREQ=MONTHLY;BYDAY=1WE;BYMONTH=1,3,5";
	static const char ical[] = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
	    "BEGIN:VEVENT\r\nUID:a@b\r\nDTSTART:20260105T100000\r\n"
	    "RRULE:FREQ=WEEKLY;COUNT=3\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
	static const char reply[] = "\x01\x00HTTP/1.1 201 Created\r\n"
	    "ETag: \"abc\"\r\n\r\nbody";
	static const char change[] = "{\"action\": \"move\", \"forum\": "
	    "\"foorumi\", \"date\": \"2026-10-13\", \"new_date\": "
	    "\"2026-10-20\", \"new_time\": \"09:30\"}";
	FILE *fp;
	char *conf;
	long len;

	(void)state;
	fp = fopen("tests/data/minimal.conf", "rb");
	assert_non_null(fp);
	conf = malloc(1 << 16);
	assert_non_null(conf);
	len = (long)fread(conf, 1, 1 << 16, fp);
	fclose(fp);
	assert_true(len > 0);
	assert_int_equal(fuzz_config_one((uint8_t *)conf, (size_t)len), 0);
	free(conf);
	assert_int_equal(fuzz_rrule_one((const uint8_t *)rule,
	    sizeof rule - 1), 0);
	assert_int_equal(fuzz_ical_one((const uint8_t *)ical,
	    sizeof ical - 1), 0);
	assert_int_equal(fuzz_util_one((const uint8_t *)"2024-02-29", 10), 0);
	assert_int_equal(fuzz_http_route_one((const uint8_t *)http,
	    sizeof http - 1), 0);
	assert_int_equal(fuzz_caldav_reply_one((const uint8_t *)reply,
	    sizeof reply - 1), 0);
	assert_int_equal(fuzz_api_change_one((const uint8_t *)change,
	    sizeof change - 1), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fuzz_targets__seed_inputs__no_crash),
		cmocka_unit_test(fuzz_config__regress_inputs__no_crash),
		cmocka_unit_test(fuzz_rrule__regress_inputs__no_crash),
		cmocka_unit_test(fuzz_ical__regress_inputs__no_crash),
		cmocka_unit_test(fuzz_util__regress_inputs__no_crash),
		cmocka_unit_test(fuzz_http_route__regress_inputs__no_crash),
		cmocka_unit_test(fuzz_caldav_reply__regress_inputs__no_crash),
		cmocka_unit_test(fuzz_api_change__regress_inputs__no_crash),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
