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

#include <stddef.h>
#include <stdint.h>

int fuzz_config_one(const uint8_t *data, size_t size);
int fuzz_rrule_one(const uint8_t *data, size_t size);
int fuzz_ical_one(const uint8_t *data, size_t size);
int fuzz_util_one(const uint8_t *data, size_t size);
int fuzz_http_route_one(const uint8_t *data, size_t size);
int fuzz_caldav_reply_one(const uint8_t *data, size_t size);

/* a private temporary directory, made once per process; never freed */
const char *fuzz_tmpdir(void);

#endif
