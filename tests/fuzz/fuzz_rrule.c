/*
 * fuzz_rrule.c - a forum's cadence (rrule) from config to feed.
 *
 * The input is the value of `rrule` in an otherwise fixed, valid config
 * (a plain forum with first_convenor and blackouts, and a for_each forum
 * with spread, both on the same rule).  When the config loads, the rule
 * is described in Finnish, planned over three years, checked for the
 * legal minimum and rendered as a feed, which libical must read back.
 * Inputs over 512 bytes or with control characters are skipped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <libical/ical.h>

#include "model/config.h"
#include "render/ical.h"
#include "model/plan.h"
#include "base/util.h"

#include "fuzz.h"

#define FUZZ_RRULE_MAX	512

static const char rrule_conf_head[] =
    "timezone = \"Europe/Helsinki\";\n"
    "domain = \"fuzz.example\";\n"
    "holidays = \"FI\";\n"
    "extra_holidays = [ \"2026-12-31\" ];\n"
    "blackouts = ( { from = \"07-01\"; to = \"07-31\"; },\n"
    "              { from = \"12-28\"; to = \"01-02\"; } );\n"
    "council_terms = ( { start = \"2025-06-01\"; end = \"2029-05-31\"; } );\n"
    "parties = ( { id = \"hva\"; name = \"HVA\"; email = \"h@x.example\"; },\n"
    "  { id = \"a\"; name = \"A\"; email = \"a@x.example\";\n"
    "    blackouts = ( { from = \"03-02\"; to = \"03-08\"; } ); },\n"
    "  { id = \"b\"; name = \"B\"; } );\n"
    "forums = (\n"
    "  { id = \"f\"; name = \"F\"; convenor = \"hva\"; first_convenor = \"a\";\n"
    "    participants = [ \"hva\", \"a\", \"b\" ]; minimum = \"year\";\n"
    "    start = \"2026-01-01\"; time = \"13:00\"; duration = 90;\n"
    "    rrule = \"";
static const char rrule_conf_mid[] =
    "\"; },\n"
    "  { id = \"g\"; name = \"G\"; convenor = \"hva\"; for_each = [ \"a\", \"b\" ];\n"
    "    spread = true; on_holiday = \"previous\"; minimum = \"term\";\n"
    "    start = \"2026-01-01\"; time = \"09:00\"; duration = 60;\n"
    "    rrule = \"";
static const char rrule_conf_tail[] = "\"; } );\n";

static int
put_rule(struct cad_buf *b, const uint8_t *data, size_t size)
{
	for (size_t i = 0; i < size; i++) {
		if (data[i] == '"' || data[i] == '\\')
			cad_buf_add(b, "\\", 1);
		cad_buf_add(b, &data[i], 1);
	}
	return cad_buf_error(b) != 0 ? -1 : 0;
}

int
fuzz_rrule_one(const uint8_t *data, size_t size)
{
	struct cad_config *cfg = NULL;
	struct cad_diag diag;
	struct cad_buf b;
	char path[64];
	int fd;

	if (size > FUZZ_RRULE_MAX)
		return 0;
#ifdef FUZZ_SKIP_PENDING
	if (fuzz_pending_byday(data, size) || fuzz_pending_weekno(data, size))
		return 0;
#endif
	for (size_t i = 0; i < size; i++)
		if (data[i] < 0x20 || data[i] == 0x7f)
			return 0;
	cad_buf_init(&b, 0);
	cad_buf_puts(&b, rrule_conf_head);
	put_rule(&b, data, size);
	cad_buf_puts(&b, rrule_conf_mid);
	put_rule(&b, data, size);
	cad_buf_puts(&b, rrule_conf_tail);

	if ((fd = memfd_create("rrule.conf", 0)) < 0)
		abort();
	if (write(fd, b.data, b.len) != (ssize_t)b.len)
		abort();
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	cad_buf_reset(&b);

	cad_diag_init(&diag);
	if (cad_config_load(path, &cfg, &diag) == 0) {
		struct cad_plan_ctx ctx = {
			.today = cad_days_from_civil(2026, 6, 15)
		};
		int from = cad_days_from_civil(2026, 1, 1);
		int to = cad_days_from_civil(2028, 12, 31);
		struct cad_plan plan;
		struct cad_error e = { "" };
		struct cad_compliance *warn = NULL;
		size_t nwarn = 0;

		for (size_t i = 0; i < cfg->nforums; i++)
			free(cad_config_cadence(cfg, &cfg->forums[i]));
		if (cad_plan_range(cfg, &ctx, from, to, &plan, &e) == 0) {
			struct cad_series_state *st = cad_xcalloc(
			    plan.nseries + 1, sizeof *st);

			if (cad_ical_feed(cfg, &ctx, &plan, st, -1, -1, "fuzz",
			    1780000000, &b, &e) == 0) {
				icalcomponent *c;

				icalerror_clear_errno();
				c = icalparser_parse_string(b.data);
				/* our own feed must read back */
				if (c == NULL)
					abort();
				icalcomponent_free(c);
			}
			free(st);
			cad_plan_release(&plan);
		}
		if (cad_plan_compliance(cfg, &ctx, from, to, &warn, &nwarn,
		    &e) == 0)
			free(warn);
		cad_config_free(cfg);
	}
	cad_diag_release(&diag);
	cad_buf_release(&b);
	close(fd);
	return 0;
}

#ifdef CAD_FUZZ_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_rrule_one(data, size);
}
#endif
