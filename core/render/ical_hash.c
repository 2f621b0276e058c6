/*
 * ical_hash.c - the hash of what a series' invitation says:
 * its texts in every listed language and its VEVENTs without SEQUENCE
 * and stamps, SHA-256 from the one hash module.  It moves when what a
 * recipient sees does, not when the publish window does.
 */
#include "render/ical.h"
#include "render/ical_int.h"
#include "base/hash.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

/* a string field, NUL-terminated so that ("ab","c") != ("a","bc") */
static void
hash_str(struct cad_sha256 *c, const char *s)
{
	if (s == NULL)
		s = "";
	cad_sha256_update(c, s, strlen(s) + 1);
}

static void
hash_int(struct cad_sha256 *c, long long v)
{
	char tmp[24];

	snprintf(tmp, sizeof tmp, "%lld", v);
	hash_str(c, tmp);
}

/*
 * Every listed language's text of series s into c, the default's first:
 * a changed twin is a change for its readers.  A language the system has
 * no locale for is never rendered, so it is not hashed either.
 */
static void
hash_texts(const struct cad_config *cfg, const struct cad_plan *plan,
    size_t s, struct cad_sha256 *c)
{
	struct cad_ical_text t;
	enum cad_lang was = cad_lang_current();

	for (size_t l = 0; l < cfg->nlangs || l == 0; l++) {
		if (cfg->nlangs > 0 && cad_lang_use(cfg->langs[l]) < 0 && l > 0)
			continue;
		cad_ical_text_init(cfg, plan, s, &t);
		hash_str(c, t.summary);
		hash_str(c, t.location);
		hash_str(c, t.description);
		if (l > 0)
			hash_str(c, cad_tr(cfg, cfg->organizer_name));
		else if (cfg->organizer_email && *cfg->organizer_email) {
			hash_str(c, cfg->organizer_name);
			hash_str(c, cfg->organizer_email);
		}
		if (l == 0)
			hash_int(c, cfg->publish_attendees);
		if (l == 0 && cfg->publish_attendees)
			for (size_t i = 0; i < t.npeople; i++)
				hash_str(c, cfg->parties[t.people[i]].email);
		cad_ical_text_release(&t);
	}
	(void)cad_lang_use(was);
}

/*
 * The hash of series s whose occurrences are v[0..n), RECURRENCE-ID
 * order: of the VEVENTs of its invitation (open-ended rule, EXDATEs,
 * overrides) without SEQUENCE and stamps.  It moves when what a
 * recipient sees does, not when the window does.
 */
static void
series_hash(const struct cad_config *cfg, const struct cad_plan_ctx *ctx,
    const struct cad_plan *plan, size_t s,
    const struct cad_occurrence **v, size_t n, char out[static 65])
{
	struct cad_sha256 c;

	cad_sha256_init(&c);
	hash_str(&c, "cadenced-series-2");
	hash_str(&c, cfg->timezone);
	hash_str(&c, plan->series[s].uid);
	hash_texts(cfg, plan, s, &c);
	if (n > 0) {
		icalcomponent *cal = cad_ical_series_cal(cfg, ctx, plan, s, v,
		    n, NULL, true);
		char *text = icalcomponent_as_ical_string_r(cal);
		icalcomponent_free(cal);
		hash_str(&c, text);
		free(text);
	}
	cad_sha256_final_hex(&c, out);
}

void
cad_ical_series_hash(const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, const struct cad_plan *plan, size_t s,
    char out[static 65])
{
	const struct cad_occurrence **v;
	size_t n = 0;

	v = cad_xcalloc(plan->nocc + 1, sizeof *v);
	for (size_t i = 0; i < plan->nocc; i++)
		if (plan->occ[i].series == s)
			v[n++] = &plan->occ[i];
	qsort(v, n, sizeof *v, cad_ical_cmp_rid);
	series_hash(cfg, ctx, plan, s, v, n, out);
	free(v);
}

void
cad_ical_series_hashes(const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, const struct cad_plan *plan,
    char (*out)[65])
{
	const struct cad_occurrence **rid;
	size_t *off;

	cad_ical_occ_index(plan, &off, NULL, &rid);
	for (size_t s = 0; s < plan->nseries; s++)
		series_hash(cfg, ctx, plan, s, rid + off[s],
		    off[s + 1] - off[s], out[s]);
	free(off);
	free(rid);
}

