/*
 * daemon_rest.c - the daemon's sources that fuzz_http_route needs besides
 * daemon/http.c (which it includes itself), for tests/test_fuzz_regress.c:
 * the Makefile links tests against the core library only.  Every
 * source of daemon/ but main.c and http.c belongs here (tests/fuzz/run.sh
 * finds them by itself).
 */
#include "../../daemon/health.c"
#include "../../daemon/log.c"
#include "../../daemon/metrics.c"
#include "../../daemon/page.c"
#include "../../daemon/snapshot.c"
