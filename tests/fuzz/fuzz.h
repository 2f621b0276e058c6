/*
 * fuzz.h - what the libFuzzer targets in tests/fuzz/ share.
 *
 * Each target is one file fuzz_<name>.c with an entry function
 * fuzz_<name>_one(data, size).  Built by run.sh with -DCAD_FUZZ_MAIN it
 * also defines LLVMFuzzerTestOneInput; without it the file is included
 * by tests/test_fuzz_regress.c, which replays tests/fuzz/regress/<name>/
 * through the same function under `make check`.
 */
#ifndef CAD_FUZZ_H
#define CAD_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

int fuzz_config_one(const uint8_t *data, size_t size);
int fuzz_rrule_one(const uint8_t *data, size_t size);
int fuzz_ical_one(const uint8_t *data, size_t size);
int fuzz_util_one(const uint8_t *data, size_t size);
int fuzz_http_route_one(const uint8_t *data, size_t size);
int fuzz_caldav_reply_one(const uint8_t *data, size_t size);
int fuzz_api_change_one(const uint8_t *data, size_t size);

/* a private temporary directory, made once per process; never freed */
const char *fuzz_tmpdir(void);

/*
 * The inputs of the findings in tests/fuzz/pending/, skipped by the
 * targets only when built with -DFUZZ_SKIP_PENDING (run.sh
 * FUZZ_SKIP_PENDING=1), to look for other things while they are open:
 * a BYDAY ordinal of 6 or more ("6WE", "-12MO": libical searches for
 * seconds before it gives up) and a year before 1900 (planning from an
 * ancient start costs time linear in the years), and BYWEEKNO (libical
 * crashes on FREQ=YEARLY;BYWEEKNO=23, regress/fuzz_rrule/: while it is
 * open the fuzzer finds nothing else).
 */
bool fuzz_pending_byday(const uint8_t *data, size_t size);
bool fuzz_pending_weekno(const uint8_t *data, size_t size);
bool fuzz_pending_old_year(const uint8_t *data, size_t size);

#endif
