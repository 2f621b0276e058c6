/*
 * feeds.c - the published feeds and their names (see feeds.h).
 */
#include "render/feeds.h"

#include <stdlib.h>

#include "render/ical.h"
#include "base/util.h"

static void
feed_set(struct cad_feed *f, char *path, char *name, int forum, int party)
{
	f->path = path;
	f->name = name;
	f->forum = forum;
	f->party = party;
	f->deadlines = false;
	f->flat = false;
}

const char *
cad_feeds_title(const struct cad_config *cfg)
{
	return cfg->agreement.present && cfg->agreement.title != NULL ?
	    cad_tr(cfg, cfg->agreement.title) : _("Yhteistyöfoorumit");
}

/* name, and for a flat feed the flat suffix after it; takes name */
static char *
feed_name(char *name, bool flat)
{
	char *r;

	if (!flat)
		return name;
	r = cad_asprintf("%s%s", name, _(" (yksittäiset kokoukset)"));
	free(name);
	return r;
}

/* the series feeds under calendars/<dir>: all, each forum, each party */
static size_t
series_feeds(const struct cad_config *cfg, struct cad_feed *v, bool flat)
{
	const char *dir = flat ? "flat/" : "";
	size_t n = 0;

	feed_set(&v[n++], cad_asprintf("calendars/%sall.ics", dir),
	    feed_name(cad_asprintf(_("%s: kaikki kokoukset"),
	    cad_feeds_title(cfg)), flat), -1, -1);
	for (size_t f = 0; f < cfg->nforums; f++)
		feed_set(&v[n++],
		    cad_asprintf("calendars/%sforum/%s.ics", dir,
		    cfg->forums[f].id), feed_name(cad_strdup(cad_tr(cfg,
		    cfg->forums[f].name)), flat), (int)f, -1);
	for (size_t p = 0; p < cfg->nparties; p++)
		feed_set(&v[n++],
		    cad_asprintf("calendars/%sparty/%s.ics", dir,
		    cfg->parties[p].id), feed_name(cad_asprintf(
		    _("%s: kokoukset"), cad_tr(cfg, cfg->parties[p].name)),
		    flat), -1, (int)p);
	for (size_t i = 0; i < n; i++)
		v[i].flat = flat;
	return n;
}

size_t
cad_feeds(const struct cad_config *cfg, struct cad_feed **out)
{
	size_t n, k;
	struct cad_feed *v;

	v = cad_xcalloc(2 * (cfg->nforums + cfg->nparties + 1) + 1,
	    sizeof *v);
	n = series_feeds(cfg, v, false);
	feed_set(&v[n], cad_strdup("calendars/deadlines.ics"), NULL, -1, -1);
	v[n++].deadlines = true;
	k = series_feeds(cfg, v + n, true);
	*out = v;
	return n + k;
}

void
cad_feeds_free(struct cad_feed *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].path);
		free(v[i].name);
	}
	free(v);
}

const struct cad_feed *
cad_feeds_find(const struct cad_feed *v, size_t n, int forum, int party)
{
	for (size_t i = 0; i < n; i++)
		if (!v[i].deadlines && !v[i].flat && v[i].forum == forum &&
		    v[i].party == party)
			return &v[i];
	return NULL;
}

int64_t
cad_feed_dtstamp(struct cad_ical_set *set, const struct cad_feed *f,
    int64_t now, int64_t *newest)
{
	int64_t lm = cad_ical_set_newest(set, f->forum, f->party);

	if (newest != NULL)
		*newest = lm;
	return lm > 0 ? lm : now;
}

int
cad_feeds_tasks(struct cad_ical_set *set, const struct cad_deadline *dl,
    size_t n, int64_t now, struct cad_error *err)
{
	const struct cad_feed all = { .forum = -1, .party = -1,
		.deadlines = true };

	return cad_ical_set_tasks(set, dl, n, cad_feed_dtstamp(set, &all, now,
	    NULL), err);
}
