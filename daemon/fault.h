/*
 * fault.h - failure points for the tests of reload and rebuild.
 *
 * Built with -DCAD_FAULTS (only the test daemon $(B)/cadenced-faults of
 * `make tests`), fault_at(point) fails with -EIO when the file named by
 * $CADENCE_FAULT_FILE holds point on its first line ("plan", "render",
 * "commit"): tests/e2e/reload_faults.sh makes a build fail at each
 * step and checks that nothing changed.  In the real daemon it is
 * always 0 and costs nothing.
 */
#ifndef DAEMON_FAULT_H
#define DAEMON_FAULT_H

#include "base/util.h"

#ifdef CAD_FAULTS
int fault_at(const char *point, struct cad_error *err);
#else
static inline int
fault_at(const char *point, struct cad_error *err)
{
	(void)point;
	(void)err;
	return 0;
}
#endif

#endif
