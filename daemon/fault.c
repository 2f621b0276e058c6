/*
 * fault.c - failure points of the test daemon; see fault.h.
 */
#include "fault.h"

#ifdef CAD_FAULTS
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
fault_at(const char *point, struct cad_error *err)
{
	const char *path = getenv("CADENCE_FAULT_FILE");
	char line[64] = "";
	FILE *fp;

	if (path == NULL || (fp = fopen(path, "r")) == NULL)
		return 0;
	if (fgets(line, sizeof line, fp) == NULL)
		line[0] = '\0';
	fclose(fp);
	line[strcspn(line, "\r\n")] = '\0';
	if (strcmp(line, point) != 0)
		return 0;
	cad_error_set(err, "injected fault at %s", point);
	return -EIO;
}
#else
/* ISO C wants something in a translation unit */
typedef int fault_unused;
#endif
