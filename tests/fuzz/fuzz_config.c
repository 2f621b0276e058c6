/*
 * fuzz_config.c - cad_config_load() on arbitrary file contents.
 *
 * The input is the whole cadenced.conf, handed over as an in-memory file
 * (memfd, read through /proc/self/fd/N).  A model that loads is also
 * described (cad_config_cadence, the lookups) and planned over one year,
 * so that whatever validation lets through is exercised by the planner.
 * Inputs with "@include" are skipped: libconfig would read any file the
 * input names (the config's own directory here is /proc/self/fd).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "model/config.h"
#include "model/plan.h"
#include "base/util.h"

#include "fuzz.h"

#define FUZZ_CONFIG_MAX	(64 * 1024)

int
fuzz_config_one(const uint8_t *data, size_t size)
{
	struct cad_config *cfg = NULL;
	struct cad_diag diag;
	char path[64];
	int fd;

	if (size > FUZZ_CONFIG_MAX || memmem(data, size, "@include", 8) != NULL)
		return 0;
#ifdef FUZZ_SKIP_PENDING
	if (fuzz_pending_byday(data, size) ||
	    fuzz_pending_weekno(data, size) ||
	    fuzz_pending_old_year(data, size))
		return 0;
#endif
	if ((fd = memfd_create("fuzz.conf", 0)) < 0)
		abort();
	if (size > 0 && write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);

	cad_diag_init(&diag);
	if (cad_config_load(path, &cfg, &diag) == 0) {
		struct cad_plan_ctx ctx = {
			.today = cad_days_from_civil(2026, 3, 1)
		};
		struct cad_plan plan;
		struct cad_error e = { "" };

		for (size_t i = 0; i < cfg->nforums; i++) {
			free(cad_config_cadence(cfg, &cfg->forums[i]));
			if (cad_config_forum(cfg, cfg->forums[i].id) != (int)i)
				abort();	/* ids are unique */
		}
		for (size_t i = 0; i < cfg->nparties; i++)
			if (cad_config_party(cfg, cfg->parties[i].id) != (int)i)
				abort();
		memset(&plan, 0, sizeof plan);
		if (cad_plan_range(cfg, &ctx, ctx.today, ctx.today + 365,
		    &plan, &e) == 0)
			cad_plan_release(&plan);
		cad_config_free(cfg);
	}
	cad_diag_release(&diag);
	close(fd);
	return 0;
}

#ifdef CAD_FUZZ_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_config_one(data, size);
}
#endif
