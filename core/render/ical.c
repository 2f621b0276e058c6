/*
 * ical.c - the subscription feeds of SPEC § 5, rendered with libical.
 *
 * One VCALENDAR per feed: a single VTIMEZONE built from the zone's
 * current rules (one STANDARD, one DAYLIGHT: Outlook refuses more), one
 * master VEVENT per series and one RECURRENCE-ID VEVENT per instance that
 * a rule or a person moved or cancelled.
 *
 * The recurrence set of a master is the forum's rule (RRULE with COUNT
 * up to the last instance in the window; per_term as a yearly rule) from
 * the first RECURRENCE-ID, with an EXDATE for each rule instance that the
 * plan has not, all in the master's zone: RRULE + EXDATE is what every
 * client understands (Outlook ignores RDATE, ical.js <= 1.5 skips
 * DTSTART of an RDATE-only set).  Where no rule gives the set, DTSTART
 * plus one RDATE per further instance.  Holiday moves and spreading keep
 * their RECURRENCE-ID: they are overrides, not changes of the set.
 *
 * libical's own folding breaks at word boundaries and may split a UTF-8
 * sequence, so the serialised text is unfolded and folded again here at
 * 75 octets on character boundaries, with CRLF line ends.
 */
#include "render/ical.h"
#include "render/ical_int.h"
#include "model/deadline.h"
#include "render/deadlines.h"
#include "render/output.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libical/ical.h>

#define FOLD_OCTETS	75

/* ---------------------------------------------------------------- */
/* SHA-256 (FIPS 180-4), just enough for the series hash */

struct sha256 {
	uint32_t h[8];
	uint64_t len;		/* bytes hashed so far */
	unsigned char buf[64];
	size_t n;		/* bytes in buf */
};

static const uint32_t sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t
ror32(uint32_t x, int n)
{
	return (x >> n) | (x << (32 - n));
}

static void
sha256_block(struct sha256 *c, const unsigned char *p)
{
	uint32_t w[64], a, b, d, e, f, g, h, cc, t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		    (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
	for (; i < 64; i++) {
		uint32_t s0 = ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^
		    (w[i - 15] >> 3);
		uint32_t s1 = ror32(w[i - 2], 17) ^ ror32(w[i - 2], 19) ^
		    (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = c->h[0]; b = c->h[1]; cc = c->h[2]; d = c->h[3];
	e = c->h[4]; f = c->h[5]; g = c->h[6]; h = c->h[7];
	for (i = 0; i < 64; i++) {
		t1 = h + (ror32(e, 6) ^ ror32(e, 11) ^ ror32(e, 25)) +
		    ((e & f) ^ (~e & g)) + sha256_k[i] + w[i];
		t2 = (ror32(a, 2) ^ ror32(a, 13) ^ ror32(a, 22)) +
		    ((a & b) ^ (a & cc) ^ (b & cc));
		h = g; g = f; f = e; e = d + t1;
		d = cc; cc = b; b = a; a = t1 + t2;
	}
	c->h[0] += a; c->h[1] += b; c->h[2] += cc; c->h[3] += d;
	c->h[4] += e; c->h[5] += f; c->h[6] += g; c->h[7] += h;
}

static void
sha256_init(struct sha256 *c)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memcpy(c->h, iv, sizeof iv);
	c->len = 0;
	c->n = 0;
}

static void
sha256_update(struct sha256 *c, const void *data, size_t len)
{
	const unsigned char *p = data;

	c->len += len;
	while (len > 0) {
		size_t k = 64 - c->n;
		if (k > len)
			k = len;
		memcpy(c->buf + c->n, p, k);
		c->n += k;
		p += k;
		len -= k;
		if (c->n == 64) {
			sha256_block(c, c->buf);
			c->n = 0;
		}
	}
}

static void
sha256_final(struct sha256 *c, unsigned char out[32])
{
	uint64_t bits = c->len * 8;
	unsigned char pad[8];
	int i;

	sha256_update(c, "\x80", 1);
	while (c->n != 56)
		sha256_update(c, "", 1);
	for (i = 0; i < 8; i++)
		pad[i] = (unsigned char)(bits >> (56 - 8 * i));
	sha256_update(c, pad, 8);
	for (i = 0; i < 8; i++) {
		out[4 * i] = (unsigned char)(c->h[i] >> 24);
		out[4 * i + 1] = (unsigned char)(c->h[i] >> 16);
		out[4 * i + 2] = (unsigned char)(c->h[i] >> 8);
		out[4 * i + 3] = (unsigned char)c->h[i];
	}
}

/* a string field, NUL-terminated so that ("ab","c") != ("a","bc") */
static void
sha256_str(struct sha256 *c, const char *s)
{
	if (s == NULL)
		s = "";
	sha256_update(c, s, strlen(s) + 1);
}

static void
sha256_int(struct sha256 *c, long long v)
{
	char tmp[24];

	snprintf(tmp, sizeof tmp, "%lld", v);
	sha256_str(c, tmp);
}

/* ---------------------------------------------------------------- */
/* what a series says: shared by the feed and the hash */

struct series_text {
	char *summary;
	char *description;	/* the master's */
	const char *location;	/* borrowed from cfg, may be NULL */
	int *people;		/* convenor, member, participants; no repeats */
	size_t npeople;
};

static bool
has_person(const int *v, size_t n, int p)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == p)
			return true;
	return false;
}

static const char *
party_name(const struct cad_config *cfg, int p)
{
	if (p < 0 || (size_t)p >= cfg->nparties)
		return "?";
	return cfg->parties[p].name ? cad_tr(cfg, cfg->parties[p].name) :
	    cfg->parties[p].id;
}

static void
series_text_init(const struct cad_config *cfg, const struct cad_plan *plan,
    size_t s, struct series_text *t)
{
	const struct cad_series *se = &plan->series[s];
	const struct cad_forum *f = &cfg->forums[se->forum];
	struct cad_buf d;
	size_t i;

	memset(t, 0, sizeof *t);
	if (se->party >= 0)
		t->summary = cad_asprintf("%s: %s", cad_tr(cfg, f->name),
		    party_name(cfg, se->party));
	else
		t->summary = cad_strdup(cad_tr(cfg, f->name));
	/* location = "member": the member's place; a rotation's are the
	   occurrences' own (occ_location) */
	const char *loc = f->location_member && se->party >= 0 ?
	    cfg->parties[se->party].location : f->location;
	t->location = loc && *loc ? cad_tr(cfg, loc) : NULL;

	t->people = cad_xcalloc(f->nparticipants + 2, sizeof *t->people);
	t->people[t->npeople++] = se->convenor;
	if (se->party >= 0 && !has_person(t->people, t->npeople, se->party))
		t->people[t->npeople++] = se->party;
	for (i = 0; i < f->nparticipants; i++)
		if (!has_person(t->people, t->npeople, f->participants[i]))
			t->people[t->npeople++] = f->participants[i];

	/* cad_xcalloc and cad_asprintf abort on OOM; the buffer has no
	   small ceiling, so the adds below cannot fail in practice */
	cad_buf_init(&d, 0);
	if (f->description && *f->description)
		cad_buf_printf(&d, "%s\n\n", cad_tr(cfg, f->description));
	if (t->location)
		cad_buf_printf(&d, "%s: %s\n", _("Paikka"), t->location);
	if (f->legal_basis && *f->legal_basis)
		cad_buf_printf(&d, "%s: %s\n", _("Säädösperusta"),
		    f->legal_basis);
	cad_buf_printf(&d, "%s: %s\n", _("Koollekutsuja"),
	    party_name(cfg, se->convenor));
	cad_buf_printf(&d, "%s: ", _("Osallistujat"));
	for (i = 0; i < t->npeople; i++)
		cad_buf_printf(&d, "%s%s", i ? ", " : "",
		    party_name(cfg, t->people[i]));
	cad_buf_puts(&d, "\n");
	if (cfg->base_url && *cfg->base_url) {
		const char *lp = cad_config_lang_prefix(cfg);
		cad_buf_printf(&d, "%s: %s%scalendars/forum/%s.ics\n",
		    _("Kalenteri"), cfg->base_url, lp, f->id);
		cad_buf_printf(&d, "%s: %s%s\n", _("Lisätietoja"),
		    cfg->base_url, lp);
	}
	if (d.len > 0 && d.data[d.len - 1] == '\n')
		d.data[--d.len] = '\0';
	t->description = cad_buf_steal(&d);
	if (t->description == NULL)
		t->description = cad_strdup("");
	cad_buf_release(&d);
}

static void
series_text_release(struct series_text *t)
{
	free(t->summary);
	free(t->description);
	free(t->people);
	memset(t, 0, sizeof *t);
}

/* the override's DESCRIPTION: the master's plus what happened */
static char *
override_description(const struct series_text *t,
    const struct cad_occurrence *o)
{
	struct cad_buf d;
	char when[32];
	char *s;

	cad_buf_init(&d, 0);
	cad_buf_puts(&d, t->description);
	if (o->status == CAD_CANCELLED) {
		cad_buf_printf(&d, "\n\n%s", _("Peruttu."));
		if (o->reason && *o->reason)
			cad_buf_printf(&d, " %s: %s", _("Syy"), o->reason);
	}
	if (o->moved != CAD_MOVED_NONE || o->day != o->rid_day ||
	    o->time != o->rid_time) {
		cad_format_fi(o->rid_day, o->rid_time, when);
		/* a holiday or spread move is the rules', not a person's
		   (SPEC 10.1) */
		cad_buf_printf(&d, "%s%s: %s",
		    o->status == CAD_CANCELLED ? "\n" : "\n\n",
		    o->moved == CAD_MOVED_HOLIDAY ||
		    o->moved == CAD_MOVED_SPREAD ?
		    _("Siirretty sääntöjen mukaan") : _("Siirretty"), when);
		if (o->moved == CAD_MOVED_HOLIDAY)
			cad_buf_printf(&d, " (%s)", _("ei työpäivä"));
		else if (o->moved == CAD_MOVED_SPREAD)
			cad_buf_printf(&d, " (%s)", _("päivä jo varattu"));
	}
	s = cad_buf_steal(&d);
	cad_buf_release(&d);
	return s ? s : cad_strdup("");
}

/* the occurrences of series s, in RECURRENCE-ID order */
static int
cmp_rid(const void *a, const void *b)
{
	const struct cad_occurrence *x = *(const struct cad_occurrence *const *)a;
	const struct cad_occurrence *y = *(const struct cad_occurrence *const *)b;

	if (x->rid_day != y->rid_day)
		return x->rid_day < y->rid_day ? -1 : 1;
	if (x->rid_time != y->rid_time)
		return x->rid_time < y->rid_time ? -1 : 1;
	return 0;
}

/*
 * The plan's occurrences by series: series s has rid[off[s] ..
 * off[s + 1]), in RECURRENCE-ID order; ord (when not NULL) gets them in
 * the plan's order.  A counting sort, then a qsort per series.
 */
static void
occ_index(const struct cad_plan *plan, size_t **offp,
    const struct cad_occurrence ***ordp, const struct cad_occurrence ***ridp)
{
	const struct cad_occurrence **rid;
	size_t *off, *fill;

	off = cad_xcalloc(plan->nseries + 1, sizeof *off);
	fill = cad_xcalloc(plan->nseries + 1, sizeof *fill);
	for (size_t i = 0; i < plan->nocc; i++)
		if (plan->occ[i].series < plan->nseries)
			off[plan->occ[i].series + 1]++;
	for (size_t s = 0; s < plan->nseries; s++)
		off[s + 1] += off[s];
	rid = cad_xcalloc(plan->nocc + 1, sizeof *rid);
	for (size_t i = 0; i < plan->nocc; i++) {
		size_t s = plan->occ[i].series;
		if (s < plan->nseries)
			rid[off[s] + fill[s]++] = &plan->occ[i];
	}
	free(fill);
	if (ordp != NULL) {
		*ordp = cad_xcalloc(plan->nocc + 1, sizeof **ordp);
		memcpy(*ordp, rid, plan->nocc * sizeof *rid);
	}
	for (size_t s = 0; s < plan->nseries; s++)
		qsort(rid + off[s], off[s + 1] - off[s], sizeof *rid, cmp_rid);
	*offp = off;
	*ridp = rid;
}

void
cad_publish_window(const struct cad_config *cfg, int today, int *from,
    int *to)
{
	*from = cad_days_from_civil(cad_year_of(today) - 1, 1, 1);
	*to = cad_days_from_civil(cad_year_of(today + cfg->horizon_days), 12,
	    31);
}

/* ---------------------------------------------------------------- */
/* libical pieces */

struct icaltimetype
cad_ical_local_time(int day, int minutes)
{
	struct icaltimetype t = icaltime_null_time();
	int y, m, d;

	day += minutes / 1440;
	minutes %= 1440;
	cad_civil_from_days(day, &y, &m, &d);
	t.year = y;
	t.month = m;
	t.day = d;
	t.hour = minutes / 60;
	t.minute = minutes % 60;
	t.second = 0;
	t.is_date = 0;
	t.zone = NULL;
	return t;
}

static icalproperty *
with_tzid(icalproperty *p, const char *tzid)
{
	icalproperty_add_parameter(p, icalparameter_new_tzid(tzid));
	return p;
}

static struct icaltimetype
utc_time(int64_t t)
{
	return icaltime_from_timet_with_zone((time_t)t, 0,
	    icaltimezone_get_utc_timezone());
}

/*
 * An X- property with a plain token value (a zone name, a duration).
 * libical 3.0 doubles backslashes in X- values but leaves ',' and ';'
 * alone, so free text never goes through here: X-WR-CALNAME is written
 * by refold() as a copy of the NAME line, which libical escapes as TEXT.
 */
void
cad_ical_add_x(icalcomponent *c, const char *name, const char *value)
{
	icalproperty *p = icalproperty_new_x(value);

	icalproperty_set_x_name(p, name);
	icalcomponent_add_property(c, p);
}

char *
cad_ical_cn_value(const char *s)
{
	char *r = cad_strdup(s ? s : "");

	for (char *p = r; *p; p++)
		if (*p == '"' || *p == '\r' || *p == '\n')
			*p = '\'';
	return r;
}

/* ---------------------------------------------------------------- */
/* VTIMEZONE: the zone's current rules only */

/* the latest onset of an observance: DTSTART, RDATE or RRULE's end
   (UNTIL is UTC, the others local: hours off, which cannot matter between
   transitions months apart) */
static struct icaltimetype
observance_latest(icalcomponent *obs)
{
	struct icaltimetype best = icalcomponent_get_dtstart(obs);
	icalproperty *p;

	best.zone = NULL;
	p = icalcomponent_get_first_property(obs, ICAL_RRULE_PROPERTY);
	if (p) {
		struct icalrecurrencetype rule = icalproperty_get_rrule(p);
		if (!icaltime_is_null_time(rule.until)) {
			rule.until.zone = NULL;
			if (icaltime_compare(rule.until, best) > 0)
				best = rule.until;
		} else if (rule.count == 0) {
			best.year = 9999;	/* recurs without end */
		} else {
			icalrecur_iterator *it = icalrecur_iterator_new(rule,
			    best);
			struct icaltimetype t;
			while (it && !icaltime_is_null_time(t =
			    icalrecur_iterator_next(it)))
				best = t;
			if (it)
				icalrecur_iterator_free(it);
		}
	}

	for (p = icalcomponent_get_first_property(obs, ICAL_RDATE_PROPERTY);
	    p; p = icalcomponent_get_next_property(obs, ICAL_RDATE_PROPERTY)) {
		struct icaldatetimeperiodtype r = icalproperty_get_rdate(p);
		r.time.zone = NULL;
		if (!icaltime_is_null_time(r.time) &&
		    icaltime_compare(r.time, best) > 0)
			best = r.time;
	}
	return best;
}

static bool
open_ended(icalcomponent *obs, struct icalrecurrencetype *rule)
{
	icalproperty *p = icalcomponent_get_first_property(obs,
	    ICAL_RRULE_PROPERTY);

	if (p == NULL)
		return false;
	*rule = icalproperty_get_rrule(p);
	return rule->freq == ICAL_YEARLY_RECURRENCE && rule->count == 0 &&
	    icaltime_is_null_time(rule->until);
}

static void
copy_prop(icalcomponent *to, icalcomponent *from, icalproperty_kind k)
{
	icalproperty *p = icalcomponent_get_first_property(from, k);

	if (p)
		icalcomponent_add_property(to, icalproperty_new_clone(p));
}

/*
 * A STANDARD or DAYLIGHT observance with obs's offsets and rule, its
 * DTSTART moved to the rule's 1970 instance (at the same wall time).
 */
static icalcomponent *
observance_1970(icalcomponent *obs, struct icalrecurrencetype rule,
    icalcomponent_kind kind)
{
	struct icaltimetype start = icalcomponent_get_dtstart(obs);
	struct icaltimetype t0 = icaltime_null_time(), t, first;
	icalrecur_iterator *it;
	icalcomponent *c;
	int i;

	t0.year = 1969;
	t0.month = 1;
	t0.day = 1;
	t0.hour = start.hour;
	t0.minute = start.minute;
	t0.second = start.second;
	first = start;
	it = icalrecur_iterator_new(rule, t0);
	for (i = 0; it && i < 50; i++) {
		t = icalrecur_iterator_next(it);
		if (icaltime_is_null_time(t))
			break;
		if (t.year == 1970) {
			first = t;
			break;
		}
	}
	if (it)
		icalrecur_iterator_free(it);
	first.zone = NULL;

	c = icalcomponent_new(kind);
	icalcomponent_add_property(c, icalproperty_new_dtstart(first));
	copy_prop(c, obs, ICAL_TZOFFSETFROM_PROPERTY);
	copy_prop(c, obs, ICAL_TZOFFSETTO_PROPERTY);
	copy_prop(c, obs, ICAL_TZNAME_PROPERTY);
	icalcomponent_add_property(c, icalproperty_new_rrule(rule));
	return c;
}

static int
offset_to(icalcomponent *obs)
{
	icalproperty *p = icalcomponent_get_first_property(obs,
	    ICAL_TZOFFSETTO_PROPERTY);

	return p ? icalproperty_get_tzoffsetto(p) : 0;
}

/* one STANDARD from 1970 with the offset and name of last (NULL: UTC),
   for a zone without daylight saving today */
static icalcomponent *
observance_fixed(icalcomponent *last)
{
	struct icaltimetype t0 = icaltime_null_time();
	icalcomponent *c = icalcomponent_new(ICAL_XSTANDARD_COMPONENT);
	int off = 0;
	const char *name = "UTC";

	if (last) {
		icalproperty *n = icalcomponent_get_first_property(last,
		    ICAL_TZNAME_PROPERTY);
		off = offset_to(last);
		name = n ? icalproperty_get_tzname(n) : NULL;
	}
	t0.year = 1970;
	t0.month = 1;
	t0.day = 1;
	icalcomponent_add_property(c, icalproperty_new_dtstart(t0));
	icalcomponent_add_property(c, icalproperty_new_tzoffsetfrom(off));
	icalcomponent_add_property(c, icalproperty_new_tzoffsetto(off));
	if (name && *name)
		icalcomponent_add_property(c, icalproperty_new_tzname(name));
	return c;
}

/*
 * The VTIMEZONE of tzid with TZID = the plain IANA name.  From libical's
 * builtin zone it takes the last STANDARD and the last DAYLIGHT
 * observance that recur without end; a zone without such a pair (no
 * daylight saving today) gets a single STANDARD with the offset of its
 * latest observance.
 */
int
cad_ical_vtimezone(const char *tzid, icalcomponent **out,
    struct cad_error *err)
{
	icaltimezone *zone;
	icalcomponent *zc, *obs, *vtz, *std = NULL, *dst = NULL, *last = NULL;
	struct icalrecurrencetype std_rule, dst_rule, r;
	struct icaltimetype std_at, dst_at, last_at, at;

	*out = NULL;
	zone = tzid ? icaltimezone_get_builtin_timezone(tzid) : NULL;
	if (zone == NULL) {
		cad_error_set(err, "unknown time zone '%s'",
		    tzid ? tzid : "(null)");
		return -EINVAL;
	}
	zc = icaltimezone_get_component(zone);

	std_at = dst_at = last_at = icaltime_null_time();
	for (obs = zc ? icalcomponent_get_first_component(zc,
	    ICAL_ANY_COMPONENT) : NULL; obs;
	    obs = icalcomponent_get_next_component(zc, ICAL_ANY_COMPONENT)) {
		icalcomponent_kind k = icalcomponent_isa(obs);
		if (k != ICAL_XSTANDARD_COMPONENT &&
		    k != ICAL_XDAYLIGHT_COMPONENT)
			continue;
		at = observance_latest(obs);
		if (last == NULL || icaltime_compare(at, last_at) >= 0) {
			last = obs;
			last_at = at;
		}
		if (!open_ended(obs, &r))
			continue;
		at = icalcomponent_get_dtstart(obs);
		if (k == ICAL_XSTANDARD_COMPONENT && (std == NULL ||
		    icaltime_compare(at, std_at) >= 0)) {
			std = obs;
			std_at = at;
			std_rule = r;
		} else if (k == ICAL_XDAYLIGHT_COMPONENT && (dst == NULL ||
		    icaltime_compare(at, dst_at) >= 0)) {
			dst = obs;
			dst_at = at;
			dst_rule = r;
		}
	}

	vtz = icalcomponent_new(ICAL_VTIMEZONE_COMPONENT);
	icalcomponent_add_property(vtz, icalproperty_new_tzid(tzid));
	if (std && dst) {
		/* tzdata gives Europe/Dublin a negative DST (IST standard,
		   GMT "daylight"); clients expect daylight to be ahead */
		bool swap = offset_to(std) > offset_to(dst);
		icalcomponent_add_component(vtz, observance_1970(std, std_rule,
		    swap ? ICAL_XDAYLIGHT_COMPONENT :
		    ICAL_XSTANDARD_COMPONENT));
		icalcomponent_add_component(vtz, observance_1970(dst, dst_rule,
		    swap ? ICAL_XSTANDARD_COMPONENT :
		    ICAL_XDAYLIGHT_COMPONENT));
	} else
		icalcomponent_add_component(vtz, observance_fixed(last));
	*out = vtz;
	return 0;
}

/* ---------------------------------------------------------------- */
/* VEVENTs */

struct event_common {
	const struct cad_config *cfg;
	const struct cad_series *se;
	const struct series_text *t;
	struct icaltimetype dtstamp;
	struct icaltimetype last_modified;
	struct icaltimetype created;
	int sequence;
	bool unbounded;		/* an open-ended rule without COUNT */
};

void
cad_ical_add_organizer(icalcomponent *ev, const struct cad_config *cfg)
{
	bool own = cfg->organizer_email && *cfg->organizer_email;
	icalproperty *p;
	char *cn, *uri;

	uri = own ? cad_asprintf("mailto:%s", cfg->organizer_email) :
	    cad_asprintf("mailto:noreply@%s", cfg->domain ? cfg->domain :
	    "localhost");
	p = icalproperty_new_organizer(uri);
	if (own && cfg->organizer_name && *cfg->organizer_name) {
		cn = cad_ical_cn_value(cad_tr(cfg, cfg->organizer_name));
		icalproperty_add_parameter(p, icalparameter_new_cn(cn));
		free(cn);
	}
	icalcomponent_add_property(ev, p);
	free(uri);
}

static void
add_people(icalcomponent *ev, const struct event_common *ec)
{
	const struct cad_config *cfg = ec->cfg;
	icalproperty *p;
	char *cn, *uri;

	cad_ical_add_organizer(ev, cfg);
	if (!cfg->publish_attendees)
		return;
	for (size_t i = 0; i < ec->t->npeople; i++) {
		const struct cad_party *pa = &cfg->parties[ec->t->people[i]];
		if (pa->email == NULL || *pa->email == '\0')
			continue;
		uri = cad_asprintf("mailto:%s", pa->email);
		p = icalproperty_new_attendee(uri);
		cn = cad_ical_cn_value(party_name(cfg,
		    ec->t->people[i]));
		icalproperty_add_parameter(p, icalparameter_new_cn(cn));
		icalproperty_add_parameter(p, icalparameter_new_role(
		    ec->t->people[i] == ec->se->convenor ? ICAL_ROLE_CHAIR :
		    ICAL_ROLE_REQPARTICIPANT));
		icalcomponent_add_property(ev, p);
		free(cn);
		free(uri);
	}
}

/* where occurrence o is (SPEC 10.1: a rotation's entry), else the
   series' place; NULL when none */
static const char *
occ_location(const struct event_common *ec, const struct cad_occurrence *o)
{
	if (o->location != NULL && *o->location != '\0')
		return cad_tr(ec->cfg, o->location);
	return ec->t->location;
}

static bool
same_location(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* the properties every VEVENT of the series carries */
static icalcomponent *
event_new(const struct event_common *ec, int day, int time, int duration,
    const char *summary, const char *description, const char *location,
    bool cancelled)
{
	const char *tz = ec->cfg->timezone;
	icalcomponent *ev = icalcomponent_new(ICAL_VEVENT_COMPONENT);

	icalcomponent_add_property(ev, icalproperty_new_uid(ec->se->uid));
	icalcomponent_add_property(ev, icalproperty_new_dtstamp(ec->dtstamp));
	icalcomponent_add_property(ev,
	    icalproperty_new_sequence(ec->sequence));
	icalcomponent_add_property(ev,
	    icalproperty_new_created(ec->created));
	icalcomponent_add_property(ev,
	    icalproperty_new_lastmodified(ec->last_modified));
	icalcomponent_add_property(ev, with_tzid(
	    icalproperty_new_dtstart(cad_ical_local_time(day, time)), tz));
	/* DTEND is local wall time; a meeting over a DST change (one at
	   night on the last Sunday of March or October) lasts its real
	   minutes only as a DURATION */
	int eday, emin, eoff, soff;
	if (cad_tz_offset(tz, day, time, &soff) == 0 &&
	    cad_tz_end(tz, day, time, duration, &eday, &emin, &eoff) == 0 &&
	    soff != eoff) {
		struct icaldurationtype d = icaldurationtype_null_duration();
		d.hours = (unsigned)duration / 60;
		d.minutes = (unsigned)duration % 60;
		icalcomponent_add_property(ev, icalproperty_new_duration(d));
	} else
		icalcomponent_add_property(ev, with_tzid(icalproperty_new_dtend(
		    cad_ical_local_time(day, time + duration)), tz));
	icalcomponent_add_property(ev, icalproperty_new_summary(summary));
	if (location != NULL)
		icalcomponent_add_property(ev,
		    icalproperty_new_location(location));
	if (location != NULL && !same_location(location, ec->t->location)) {
		/* a rotation's place: the text says it too */
		char *d = cad_asprintf("%s\n%s: %s", description, _("Paikka"),
		    location);
		icalcomponent_add_property(ev, icalproperty_new_description(d));
		free(d);
	} else
		icalcomponent_add_property(ev,
		    icalproperty_new_description(description));
	icalcomponent_add_property(ev, icalproperty_new_status(cancelled ?
	    ICAL_STATUS_CANCELLED : ICAL_STATUS_CONFIRMED));
	icalcomponent_add_property(ev, icalproperty_new_transp(cancelled ?
	    ICAL_TRANSP_TRANSPARENT : ICAL_TRANSP_OPAQUE));
	add_people(ev, ec);
	return ev;
}

static bool
needs_override(const struct cad_occurrence *o, int duration)
{
	return o->moved != CAD_MOVED_NONE || o->status == CAD_CANCELLED ||
	    o->day != o->rid_day || o->time != o->rid_time ||
	    o->duration != duration;
}

/*
 * The rule that generated the series' candidates, without COUNT/UNTIL:
 * the forum's rrule, or for per_term the yearly rule of its month and
 * weekday (the years that are not the term's year-th become EXDATEs).
 * false: none (a first-convenor meeting, or a rule libical refuses).
 */
static bool
series_rule(const struct cad_config *cfg, const struct cad_series *se,
    struct icalrecurrencetype *rule)
{
	static const char *const wd[] = { "MO", "TU", "WE", "TH", "FR", "SA",
	    "SU" };
	const struct cad_forum *f = &cfg->forums[se->forum];
	char buf[64];
	const char *s;

	if (se->first)
		return false;
	if (f->rrule && *f->rrule)
		s = f->rrule;
	else if (f->has_per_term && f->per_term.weekday >= 0 &&
	    f->per_term.weekday < 7) {
		snprintf(buf, sizeof buf, "FREQ=YEARLY;BYMONTH=%d;BYDAY=%d%s",
		    f->per_term.month, f->per_term.week,
		    wd[f->per_term.weekday]);
		s = buf;
	} else
		return false;
	icalerror_clear_errno();
	*rule = icalrecurrencetype_from_string(s);
	if (icalerrno != ICAL_NO_ERROR || rule->freq == ICAL_NO_RECURRENCE)
		return false;
	/* libical 3.0.16 reads out of bounds expanding YEARLY;BYWEEKNO
	   without BYDAY (found by tests/fuzz), and its BYWEEKNO sets
	   differ from RFC 5545's: such series are written as RDATEs */
	if (rule->by_week_no[0] != ICAL_RECURRENCE_ARRAY_MAX)
		return false;
	rule->count = 0;
	rule->until = icaltime_null_time();
	/*
	 * FREQ=MONTHLY;BYMONTH=... (interval 1, no BYSETPOS) is the same set
	 * as FREQ=YEARLY;BYMONTH=... (RFC 5545 3.3.10: with BYMONTH a
	 * numbered BYDAY counts within the month either way), and ical.js
	 * 1.5 (Thunderbird, Nextcloud) throws on the MONTHLY form.
	 */
	if (rule->freq == ICAL_MONTHLY_RECURRENCE && rule->interval <= 1 &&
	    rule->by_month[0] != ICAL_RECURRENCE_ARRAY_MAX &&
	    rule->by_set_pos[0] == ICAL_RECURRENCE_ARRAY_MAX)
		rule->freq = ICAL_YEARLY_RECURRENCE;
	return true;
}

static int
cmp_day_time(int d1, int t1, int d2, int t2)
{
	if (d1 != d2)
		return d1 < d2 ? -1 : 1;
	return t1 < t2 ? -1 : t1 > t2;
}

/*
 * The recurrence set of the master as RRULE (with COUNT up to the last
 * instance) + EXDATE for every rule instance the plan has not (blackout,
 * skip, a move out of the window, a party filter) + RDATE for an
 * instance the rule does not give (none in practice).  Every client
 * (Outlook, Google, ical.js) handles RRULE + EXDATE; DTSTART-plus-RDATE
 * alone trips up ical.js <= 1.5, which skips DTSTART.  v holds n
 * distinct RECURRENCE-IDs, n >= 2.  false: the rule does not start at
 * v[0] or runs too long; nothing was added.
 */
#define RULE_MAX_STEPS	20000
#define RULE_MAX_EXDATES 1000

static bool
add_rule_set(icalcomponent *ev, const struct event_common *ec,
    struct icalrecurrencetype rule, const struct cad_occurrence **v,
    size_t n)
{
	const char *tz = ec->cfg->timezone;
	const struct cad_occurrence *last = v[n - 1];
	struct icaltimetype t, *ex = NULL;
	const struct cad_occurrence **rd = NULL;
	icalrecur_iterator *it;
	size_t i = 0, nex = 0, nrd = 0, steps = 0;
	bool ok = false;

	it = icalrecur_iterator_new(rule, cad_ical_local_time(v[0]->rid_day,
	    v[0]->rid_time));
	if (it == NULL)
		return false;
	ex = cad_xcalloc(RULE_MAX_EXDATES, sizeof *ex);
	rd = cad_xcalloc(n, sizeof *rd);
	while (i < n) {
		int day, min;
		t = icalrecur_iterator_next(it);
		if (icaltime_is_null_time(t))
			break;
		day = cad_days_from_civil(t.year, t.month, t.day);
		min = t.hour * 60 + t.minute;
		if (steps == 0 && cmp_day_time(day, min, v[0]->rid_day,
		    v[0]->rid_time) != 0)
			goto out;	/* DTSTART is not the rule's first */
		if (cmp_day_time(day, min, last->rid_day, last->rid_time) > 0)
			break;
		if (++steps > RULE_MAX_STEPS)
			goto out;
		while (i < n && cmp_day_time(v[i]->rid_day, v[i]->rid_time,
		    day, min) < 0)
			rd[nrd++] = v[i++];
		if (i < n && cmp_day_time(v[i]->rid_day, v[i]->rid_time, day,
		    min) == 0)
			i++;
		else if (nex == RULE_MAX_EXDATES)
			goto out;
		else
			ex[nex++] = t;
	}
	while (i < n)
		rd[nrd++] = v[i++];

	if (!ec->unbounded)
		rule.count = (int)steps;
	icalcomponent_add_property(ev, icalproperty_new_rrule(rule));
	for (i = 0; i < nex; i++) {
		ex[i].zone = NULL;
		ex[i].is_date = 0;
		icalcomponent_add_property(ev,
		    with_tzid(icalproperty_new_exdate(ex[i]), tz));
	}
	for (i = 0; i < nrd; i++) {
		struct icaldatetimeperiodtype dp;
		dp.time = cad_ical_local_time(rd[i]->rid_day, rd[i]->rid_time);
		dp.period = icalperiodtype_null_period();
		icalcomponent_add_property(ev,
		    with_tzid(icalproperty_new_rdate(dp), tz));
	}
	ok = true;
out:
	icalrecur_iterator_free(it);
	free(ex);
	free(rd);
	return ok;
}

/*
 * The VEVENT of one instance o as it is (its final time, status and what
 * happened to it): an override's text, or the master's when nothing did.
 */
static icalcomponent *
instance_event(const struct event_common *ec, const struct cad_occurrence *o,
    bool cancelled)
{
	icalcomponent *ev;
	char *summary, *desc;

	if (!needs_override(o, o->duration))
		return event_new(ec, o->day, o->time, o->duration,
		    ec->t->summary, ec->t->description, occ_location(ec, o),
		    false);
	summary = cancelled ? cad_asprintf("PERUTTU: %s", ec->t->summary) :
	    cad_strdup(ec->t->summary);
	desc = override_description(ec->t, o);
	ev = event_new(ec, o->day, o->time, o->duration, summary, desc,
	    occ_location(ec, o), cancelled);
	free(summary);
	free(desc);
	return ev;
}

/*
 * A series with one instance in the window (per_term, a first-convenor
 * meeting, COUNT=1, a one-off moved for a holiday) is one plain VEVENT
 * with the instance's final time and status.  RFC 5545 § 3.8.4.4 gives
 * RECURRENCE-ID to recurring components only, and node-ical,
 * ical-expander and python3-caldav misread a non-recurring master with
 * an override (the old time shown, a cancel lost, both returned).  A
 * move is then a new DTSTART under a higher SEQUENCE, as RFC 5546 § 2.1.5
 * reschedules a single event, which every reader understands; an
 * RRULE:COUNT=1 with an override would keep the RECURRENCE-ID but trips
 * the same readers' override handling.
 */
static void
add_single(icalcomponent *cal, const struct event_common *ec,
    const struct cad_occurrence *o)
{
	icalcomponent_add_component(cal, instance_event(ec, o,
	    o->status == CAD_CANCELLED));
}

icalcomponent *
cad_ical_occurrence_event(const struct cad_config *cfg,
    const struct cad_plan *plan, const struct cad_occurrence *o,
    const struct cad_series_state *state, int64_t dtstamp)
{
	struct event_common ec;
	struct series_text t;
	icalcomponent *ev;

	series_text_init(cfg, plan, o->series, &t);
	memset(&ec, 0, sizeof ec);
	ec.cfg = cfg;
	ec.se = &plan->series[o->series];
	ec.t = &t;
	ec.dtstamp = utc_time(dtstamp);
	if (state != NULL) {
		ec.sequence = state->sequence;
		ec.last_modified = utc_time(state->last_modified);
		ec.created = utc_time(state->created ? state->created :
		    state->last_modified);
	} else
		ec.last_modified = ec.created = ec.dtstamp;
	ev = instance_event(&ec, o, o->status == CAD_CANCELLED);
	series_text_release(&t);
	return ev;
}

/* the master and its overrides, added to cal; n > 0 */
static void
add_series(icalcomponent *cal, const struct event_common *ec,
    const struct cad_occurrence **v, size_t n)
{
	const char *tz = ec->cfg->timezone;
	const struct cad_occurrence *m = v[0];
	const struct cad_occurrence **u;
	struct icalrecurrencetype rule;
	icalcomponent *ev;
	size_t i, nu = 0;

	/* one instance per RECURRENCE-ID */
	u = cad_xcalloc(n, sizeof *u);
	for (i = 0; i < n; i++)
		if (i == 0 || cmp_rid(&v[i], &v[i - 1]) != 0)
			u[nu++] = v[i];
	if (nu == 1) {
		add_single(cal, ec, m);
		free(u);
		return;
	}
	ev = event_new(ec, m->rid_day, m->rid_time, m->duration,
	    ec->t->summary, ec->t->description, occ_location(ec, m), false);
	/* RRULE, or RDATEs when no rule gives the set */
	if (!(series_rule(ec->cfg, ec->se, &rule) &&
	    add_rule_set(ev, ec, rule, u, nu))) {
		for (i = 1; i < nu; i++) {
			struct icaldatetimeperiodtype dp;
			dp.time = cad_ical_local_time(u[i]->rid_day,
			    u[i]->rid_time);
			dp.period = icalperiodtype_null_period();
			icalcomponent_add_property(ev,
			    with_tzid(icalproperty_new_rdate(dp), tz));
		}
	}
	free(u);
	icalcomponent_add_component(cal, ev);

	for (i = 0; i < n; i++) {
		const struct cad_occurrence *o = v[i];

		if (i > 0 && cmp_rid(&v[i], &v[i - 1]) == 0)
			continue;
		/* an instance elsewhere than the master (a rotation) is
		   an override too */
		if (!needs_override(o, m->duration) && same_location(
		    occ_location(ec, o), occ_location(ec, m)))
			continue;
		ev = instance_event(ec, o, o->status == CAD_CANCELLED);
		icalcomponent_add_property(ev, with_tzid(
		    icalproperty_new_recurrenceid(
		    cad_ical_local_time(o->rid_day, o->rid_time)), tz));
		icalcomponent_add_component(cal, ev);
	}
}

/*
 * Whether series se goes on past any window: its forum's own rule (not
 * per_term, not a first-convenor meeting) has no COUNT or UNTIL, and
 * neither its convenor nor its member has given notice.  Its invitation
 * carries that rule without a COUNT tied to the publish window, so that
 * the window moving on changes nothing that is sent.
 */
static bool
series_open_ended(const struct cad_config *cfg, const struct cad_plan_ctx *ctx,
    const struct cad_series *se)
{
	const struct cad_forum *f = &cfg->forums[se->forum];
	struct icalrecurrencetype rule;

	if (se->first || f->rrule == NULL || *f->rrule == '\0')
		return false;
	icalerror_clear_errno();
	rule = icalrecurrencetype_from_string(f->rrule);
	if (icalerrno != ICAL_NO_ERROR || rule.count != 0 ||
	    !icaltime_is_null_time(rule.until))
		return false;
	return cad_plan_party_effective(cfg, ctx, se->convenor) == INT_MAX &&
	    cad_plan_party_effective(cfg, ctx, se->party) == INT_MAX;
}

/*
 * Every listed language's text of series s into c, the default's first:
 * a changed twin is a change for its readers.  A language the system has
 * no locale for is never rendered, so it is not hashed either.
 */
static void
hash_texts(const struct cad_config *cfg, const struct cad_plan *plan,
    size_t s, struct sha256 *c)
{
	struct series_text t;
	enum cad_lang was = cad_lang_current();

	for (size_t l = 0; l < cfg->nlangs || l == 0; l++) {
		if (cfg->nlangs > 0 && cad_lang_use(cfg->langs[l]) < 0 && l > 0)
			continue;
		series_text_init(cfg, plan, s, &t);
		sha256_str(c, t.summary);
		sha256_str(c, t.location);
		sha256_str(c, t.description);
		if (l > 0)
			sha256_str(c, cad_tr(cfg, cfg->organizer_name));
		else if (cfg->organizer_email && *cfg->organizer_email) {
			sha256_str(c, cfg->organizer_name);
			sha256_str(c, cfg->organizer_email);
		}
		if (l == 0)
			sha256_int(c, cfg->publish_attendees);
		if (l == 0 && cfg->publish_attendees)
			for (size_t i = 0; i < t.npeople; i++)
				sha256_str(c, cfg->parties[t.people[i]].email);
		series_text_release(&t);
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
	static const char hex[] = "0123456789abcdef";
	struct series_text t;
	struct event_common ec;
	struct sha256 c;
	unsigned char md[32];

	sha256_init(&c);
	sha256_str(&c, "cadenced-series-2");
	sha256_str(&c, cfg->timezone);
	sha256_str(&c, plan->series[s].uid);
	hash_texts(cfg, plan, s, &c);
	series_text_init(cfg, plan, s, &t);
	if (n > 0) {
		icalcomponent *cal = icalcomponent_new(
		    ICAL_VCALENDAR_COMPONENT);
		memset(&ec, 0, sizeof ec);
		ec.cfg = cfg;
		ec.se = &plan->series[s];
		ec.t = &t;
		ec.dtstamp = ec.created = ec.last_modified = utc_time(0);
		ec.unbounded = series_open_ended(cfg, ctx, ec.se);
		add_series(cal, &ec, v, n);
		char *text = icalcomponent_as_ical_string_r(cal);
		icalcomponent_free(cal);
		sha256_str(&c, text);
		free(text);
	}
	series_text_release(&t);

	sha256_final(&c, md);
	for (size_t i = 0; i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
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
	qsort(v, n, sizeof *v, cmp_rid);
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

	occ_index(plan, &off, NULL, &rid);
	for (size_t s = 0; s < plan->nseries; s++)
		series_hash(cfg, ctx, plan, s, rid + off[s],
		    off[s + 1] - off[s], out[s]);
	free(off);
	free(rid);
}

/* ---------------------------------------------------------------- */
/* output: unfold libical's lines and fold again, UTF-8 safe, CRLF */

static int
emit_line(struct cad_buf *out, const char *s, size_t len)
{
	size_t limit = FOLD_OCTETS;
	int r;

	while (len > limit) {
		size_t k = limit;
		/* never split a multi-byte character */
		while (k > 1 && ((unsigned char)s[k] & 0xC0) == 0x80)
			k--;
		if ((r = cad_buf_add(out, s, k)) < 0 ||
		    (r = cad_buf_add(out, "\r\n ", 3)) < 0)
			return r;
		s += k;
		len -= k;
		limit = FOLD_OCTETS - 1;	/* the leading space counts */
	}
	if ((r = cad_buf_add(out, s, len)) < 0 ||
	    (r = cad_buf_add(out, "\r\n", 2)) < 0)
		return r;
	return 0;
}

/*
 * Where the UTC stamps of a series' VEVENTs lie in its text, so that a
 * feed can write its own DTSTAMP there (STAMP_LEN octets each); with
 * all_stamps also CREATED and LAST-MODIFIED (no stored state: all three
 * are the feed's DTSTAMP).
 */
#define STAMP_LEN	CAD_ICAL_STAMP_LEN

struct stamp_slots {
	size_t *v;
	size_t n, cap;
	bool all_stamps;
};

static void
slot_note(struct stamp_slots *sl, const struct cad_buf *out, const char *s,
    size_t len)
{
	static const char *const names[] = { "DTSTAMP:", "CREATED:",
	    "LAST-MODIFIED:" };
	size_t k = sl->all_stamps ? 3 : 1;

	for (size_t i = 0; i < k; i++) {
		size_t nl = strlen(names[i]);
		if (len != nl + STAMP_LEN || strncmp(s, names[i], nl) != 0)
			continue;
		if (sl->n == sl->cap) {
			sl->cap = sl->cap ? 2 * sl->cap : 8;
			sl->v = cad_xreallocarray(sl->v, sl->cap,
			    sizeof *sl->v);
		}
		sl->v[sl->n++] = out->len + nl;
		return;
	}
}

/*
 * One unfolded content line.  The VCALENDAR's own NAME line (depth 1) is
 * followed by X-WR-CALNAME with the same, already TEXT-escaped, value.
 * sl (may be NULL) learns where the stamps of depth-2 components went.
 */
static int
emit_unfolded(struct cad_buf *out, const char *s, size_t len, int *depth,
    struct stamp_slots *sl)
{
	int r;

	if (len >= 6 && strncmp(s, "BEGIN:", 6) == 0)
		(*depth)++;
	else if (len >= 4 && strncmp(s, "END:", 4) == 0)
		(*depth)--;
	if (sl != NULL && *depth == 2)
		slot_note(sl, out, s, len);
	if ((r = emit_line(out, s, len)) < 0)
		return r;
	if (*depth == 1 && len >= 5 && strncmp(s, "NAME:", 5) == 0) {
		struct cad_buf x;
		cad_buf_init(&x, 0);
		if ((r = cad_buf_puts(&x, "X-WR-CALNAME:")) == 0 &&
		    (r = cad_buf_add(&x, s + 5, len - 5)) == 0)
			r = emit_line(out, x.data, x.len);
		cad_buf_release(&x);
	}
	return r;
}

/*
 * libical writes one EXDATE (RDATE) line per value.  Consecutive ones
 * with the same parameters become one comma-separated line (RFC 5545
 * § 3.8.5.1): Xandikos' CALDAV:expand answers 500 to several EXDATE
 * lines.  pending holds the line being gathered.
 */
static bool
list_prop(const char *s, size_t len, size_t *head)
{
	const char *colon;

	if (!(len > 6 && strncmp(s, "EXDATE", 6) == 0 && (s[6] == ';' ||
	    s[6] == ':')) && !(len > 5 && strncmp(s, "RDATE", 5) == 0 &&
	    (s[5] == ';' || s[5] == ':')))
		return false;
	if ((colon = memchr(s, ':', len)) == NULL ||
	    memchr(s, '"', (size_t)(colon - s)) != NULL)
		return false;
	*head = (size_t)(colon - s) + 1;
	return true;
}

static int
emit_gathered(struct cad_buf *out, const char *s, size_t len, int *depth,
    struct stamp_slots *sl, struct cad_buf *pending)
{
	size_t head, phead;
	int r;

	if (list_prop(s, len, &head)) {
		if (pending->len > 0 && list_prop(pending->data, pending->len,
		    &phead) && phead == head &&
		    memcmp(pending->data, s, head) == 0) {
			if ((r = cad_buf_puts(pending, ",")) < 0)
				return r;
			return cad_buf_add(pending, s + head, len - head);
		}
		if (pending->len > 0 && (r = emit_unfolded(out, pending->data,
		    pending->len, depth, sl)) < 0)
			return r;
		cad_buf_reset(pending);
		return cad_buf_add(pending, s, len);
	}
	if (pending->len > 0) {
		if ((r = emit_unfolded(out, pending->data, pending->len, depth,
		    sl)) < 0)
			return r;
		cad_buf_reset(pending);
	}
	return len > 0 ? emit_unfolded(out, s, len, depth, sl) : 0;
}

static int
refold(struct cad_buf *out, const char *text, struct stamp_slots *sl)
{
	struct cad_buf line, pending;
	const char *p = text;
	int r = 0, depth = 0;

	cad_buf_init(&line, 0);
	cad_buf_init(&pending, 0);
	while (*p) {
		if (*p == '\r' || *p == '\n') {
			const char *q = p;
			if (*q == '\r' && q[1] == '\n')
				q++;
			q++;
			if (*q == ' ' || *q == '\t') {
				p = q + 1;	/* a fold: drop it */
				continue;
			}
			if (line.len > 0 && (r = emit_gathered(out, line.data,
			    line.len, &depth, sl, &pending)) < 0)
				goto out;
			cad_buf_reset(&line);
			p = q;
			continue;
		}
		size_t k = strcspn(p, "\r\n");
		if ((r = cad_buf_add(&line, p, k)) < 0)
			goto out;
		p += k;
	}
	r = emit_gathered(out, line.data, line.len, &depth, sl, &pending);
out:
	cad_buf_release(&line);
	cad_buf_release(&pending);
	return r;
}

/* ---------------------------------------------------------------- */

icalcomponent *
cad_ical_publish_calendar(const struct cad_config *cfg, const char *name)
{
	icalcomponent *cal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);

	icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
	icalcomponent_add_property(cal,
	    icalproperty_new_prodid(CAD_ICAL_PRODID));
	icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
	icalcomponent_add_property(cal,
	    icalproperty_new_method(ICAL_METHOD_PUBLISH));
	icalcomponent_add_property(cal, icalproperty_new_name(name ? name : ""));
	/* X-WR-CALNAME: added by cad_ical_write() after NAME */
	cad_ical_add_x(cal, "X-WR-TIMEZONE", cfg->timezone);
	icalcomponent_add_property(cal, icalproperty_new_refreshinterval(
	    icaldurationtype_from_int(3600)));
	cad_ical_add_x(cal, "X-PUBLISHED-TTL", "PT1H");
	return cal;
}

int
cad_ical_write(struct cad_buf *out, icalcomponent *c, struct cad_error *err)
{
	size_t start_len = out->len;
	char *text;
	int r;

	icalerror_clear_errno();
	if ((text = icalcomponent_as_ical_string_r(c)) == NULL) {
		cad_error_set(err, "libical: %s",
		    icalerror_strerror(icalerrno));
		return -ENOMEM;
	}
	if ((r = refold(out, text, NULL)) < 0) {
		cad_error_set(err, "calendar too large: %s", strerror(-r));
		if (out->len > start_len) {
			out->len = start_len;
			out->data[start_len] = '\0';
		}
	}
	free(text);
	return r < 0 ? r : 0;
}

/* ---------------------------------------------------------------- */
/* feeds from text rendered once per series */

static const char feed_end[] = "END:VCALENDAR\r\n";

/* the people of series s (series_text_init's list) */
static size_t
series_people(const struct cad_config *cfg, const struct cad_series *se,
    int *v)
{
	const struct cad_forum *f = &cfg->forums[se->forum];
	size_t n = 0;

	v[n++] = se->convenor;
	if (se->party >= 0 && !has_person(v, n, se->party))
		v[n++] = se->party;
	for (size_t i = 0; i < f->nparticipants; i++)
		if (!has_person(v, n, f->participants[i]))
			v[n++] = f->participants[i];
	return n;
}

void
cad_ical_party_index(struct cad_ical_set *set)
{
	const struct cad_config *cfg = set->cfg;
	size_t np = cfg->nparties, *cap;
	int *people = NULL;
	size_t maxp = 0;

	if (set->pseries != NULL || set->plan == NULL)
		return;
	set->pseries = cad_xcalloc(np + 1, sizeof *set->pseries);
	set->npseries = cad_xcalloc(np + 1, sizeof *set->npseries);
	cap = cad_xcalloc(np + 1, sizeof *cap);
	for (size_t f = 0; f < cfg->nforums; f++)
		if (cfg->forums[f].nparticipants > maxp)
			maxp = cfg->forums[f].nparticipants;
	people = cad_xcalloc(maxp + 2, sizeof *people);
	for (size_t s = 0; s < set->nseries; s++) {
		size_t n = series_people(cfg, &set->plan->series[s], people);
		for (size_t i = 0; i < n; i++) {
			int p = people[i];
			if (p < 0 || (size_t)p >= np)
				continue;
			if (set->npseries[p] == cap[p]) {
				cap[p] = cap[p] ? 2 * cap[p] : 8;
				set->pseries[p] = cad_xreallocarray(
				    set->pseries[p], cap[p], sizeof(size_t));
			}
			set->pseries[p][set->npseries[p]++] = s;
		}
	}
	free(people);
	free(cap);
}

int
cad_ical_set_new(const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, const struct cad_plan *plan,
    const struct cad_series_state *states, struct cad_ical_set **out,
    struct cad_error *err)
{
	struct cad_ical_set *set;
	icalcomponent *vtz = NULL;
	struct cad_buf b;
	int r;

	*out = NULL;
	if ((r = cad_ical_vtimezone(cfg->timezone, &vtz, err)) < 0)
		return r;
	cad_buf_init(&b, 0);
	r = cad_ical_write(&b, vtz, err);
	icalcomponent_free(vtz);
	if (r < 0) {
		cad_buf_release(&b);
		return r;
	}
	set = cad_xcalloc(1, sizeof *set);
	set->vtzlen = b.len;
	set->vtimezone = cad_buf_steal(&b);
	set->cfg = cfg;
	set->ctx = ctx;
	set->plan = plan;
	set->states = states;
	set->nseries = plan->nseries;
	set->nocc = plan->nocc;
	set->last_modified = cad_xcalloc(plan->nseries + 1,
	    sizeof *set->last_modified);
	for (size_t s = 0; states != NULL && s < plan->nseries; s++)
		set->last_modified[s] = states[s].last_modified;

	occ_index(plan, &set->off, &set->ord, &set->rid);
	set->frags = cad_xcalloc(plan->nseries + 1, sizeof *set->frags);
	*out = set;
	return 0;
}

void
cad_ical_frag_release(struct cad_ical_frag *fr)
{
	free(fr->text);
	free(fr->slots);
	memset(fr, 0, sizeof *fr);
}

void
cad_ical_set_finish(struct cad_ical_set *set)
{
	if (set == NULL)
		return;
	set->plan = NULL;
	set->ctx = NULL;
	set->states = NULL;
	free(set->off);
	free(set->ord);
	free(set->rid);
	set->off = NULL;
	set->ord = set->rid = NULL;
	if (set->pseries != NULL)
		for (size_t p = 0; p < set->cfg->nparties; p++)
			free(set->pseries[p]);
	free(set->pseries);
	free(set->npseries);
	set->pseries = NULL;
	set->npseries = NULL;
}

void
cad_ical_set_drop_text(struct cad_ical_set *set)
{
	for (size_t s = 0; s < set->nseries; s++)
		cad_ical_frag_release(&set->frags[s]);
	for (size_t i = 0; i < set->nparts; i++)
		cad_ical_frag_release(&set->parts[i].fr);
	set->nparts = 0;
	for (size_t i = 0; set->flat != NULL && i < set->nocc; i++)
		cad_ical_frag_release(&set->flat[i]);
}

void
cad_ical_set_free(struct cad_ical_set *set)
{
	if (set == NULL)
		return;
	cad_ical_set_finish(set);
	cad_ical_set_drop_text(set);
	free(set->flat);
	free(set->frags);
	free(set->parts);
	free(set->last_modified);
	free(set->vtimezone);
	for (size_t p = 0; set->ptasks != NULL && p < set->cfg->nparties; p++)
		cad_buf_release(&set->ptasks[p]);
	free(set->ptasks);
	free(set);
}

/* the VEVENTs of party p's task deadlines into set->ptasks[p] */
static int
party_tasks(struct cad_ical_set *set, int p, const struct cad_deadline *dl,
    size_t n, int64_t dtstamp, struct cad_error *err)
{
	const char *id = set->cfg->parties[p].id;
	struct cad_deadline *mine = cad_xcalloc(n + 1, sizeof *mine);
	struct cad_buf b;
	size_t k = 0;
	int r = 0;

	for (size_t i = 0; i < n; i++)
		if (dl[i].kind == CAD_DEADLINE_TASK && dl[i].party != NULL &&
		    strcmp(dl[i].party, id) == 0)
			mine[k++] = dl[i];	/* borrowed, not freed */
	cad_buf_init(&b, 0);
	if (k > 0 && (r = cad_deadlines_ical(set->cfg, mine, k, "", dtstamp,
	    &b, err)) == 0) {
		/* the events: from the first to END:VCALENDAR */
		const char *ev = strstr(b.data, "BEGIN:VEVENT\r\n");
		size_t end = b.len - (sizeof feed_end - 1);
		if (ev == NULL || b.len < sizeof feed_end - 1 ||
		    strcmp(b.data + end, feed_end) != 0) {
			cad_error_set(err, "libical: unexpected calendar "
			    "text");
			r = -EINVAL;
		} else {
			r = cad_buf_add(&set->ptasks[p], ev,
			    end - (size_t)(ev - b.data));
		}
	}
	cad_buf_release(&b);
	free(mine);
	return r;
}

int
cad_ical_set_tasks(struct cad_ical_set *set, const struct cad_deadline *dl,
    size_t n, int64_t dtstamp, struct cad_error *err)
{
	int r = 0;

	if (set->ptasks == NULL) {
		set->ptasks = cad_xcalloc(set->cfg->nparties + 1,
		    sizeof *set->ptasks);
		for (size_t p = 0; p < set->cfg->nparties; p++)
			cad_buf_init(&set->ptasks[p], 0);
	}
	for (size_t p = 0; r == 0 && p < set->cfg->nparties; p++) {
		cad_buf_reset(&set->ptasks[p]);
		r = party_tasks(set, (int)p, dl, n, dtstamp, err);
	}
	return r;
}

int
cad_ical_frag_of(icalcomponent *cal, bool all_stamps, const char *what,
    struct cad_ical_frag *fr, struct cad_error *err)
{
	static const char begin[] = "BEGIN:VCALENDAR\r\n";
	struct stamp_slots sl = { .all_stamps = all_stamps };
	struct cad_buf b;
	char *text;
	int r;

	icalerror_clear_errno();
	text = icalcomponent_as_ical_string_r(cal);
	icalcomponent_free(cal);
	if (text == NULL) {
		cad_error_set(err, "libical: %s",
		    icalerror_strerror(icalerrno));
		return -ENOMEM;
	}
	cad_buf_init(&b, 0);
	r = refold(&b, text, &sl);
	free(text);
	/* the components without their BEGIN:/END:VCALENDAR */
	if (r == 0 && (b.len < sizeof begin - 1 + sizeof feed_end - 1 ||
	    memcmp(b.data, begin, sizeof begin - 1) != 0 ||
	    memcmp(b.data + b.len - (sizeof feed_end - 1), feed_end,
	    sizeof feed_end - 1) != 0))
		r = -EINVAL;
	if (r < 0) {
		cad_error_set(err, "cannot render '%s': %s", what,
		    strerror(-r));
		cad_buf_release(&b);
		free(sl.v);
		return r;
	}
	fr->len = b.len - (sizeof begin - 1) - (sizeof feed_end - 1);
	fr->text = cad_xcalloc(fr->len + 1, 1);
	memcpy(fr->text, b.data + sizeof begin - 1, fr->len);
	cad_buf_release(&b);
	for (size_t i = 0; i < sl.n; i++)
		sl.v[i] -= sizeof begin - 1;
	fr->slots = sl.v;
	fr->nslots = sl.n;
	fr->done = true;
	return 0;
}

/* the VEVENTs of series s made of v[0..n) (RECURRENCE-ID order) */
static int
render_frag(struct cad_ical_set *set, size_t s,
    const struct cad_occurrence **v, size_t n, struct cad_ical_frag *fr,
    struct cad_error *err)
{
	const struct cad_series_state *states = set->states;
	struct event_common ec;
	struct series_text t;
	icalcomponent *cal;

	series_text_init(set->cfg, set->plan, s, &t);
	memset(&ec, 0, sizeof ec);
	ec.cfg = set->cfg;
	ec.se = &set->plan->series[s];
	ec.t = &t;
	ec.dtstamp = utc_time(0);	/* each feed writes its own */
	if (states) {
		ec.sequence = states[s].sequence;
		ec.last_modified = utc_time(states[s].last_modified);
		ec.created = utc_time(states[s].created ?
		    states[s].created : states[s].last_modified);
	} else
		ec.last_modified = ec.created = ec.dtstamp;
	ec.unbounded = set->invitation && series_open_ended(set->cfg, set->ctx,
	    ec.se);
	cal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
	add_series(cal, &ec, v, n);
	series_text_release(&t);
	return cad_ical_frag_of(cal, states == NULL, set->plan->series[s].uid,
	    fr, err);
}

/* the piece of a feed that series s gives (NULL: none, or an error) */
static const struct cad_ical_frag *
series_frag(struct cad_ical_set *set, size_t s, int party, int *rp,
    struct cad_error *err)
{
	const struct cad_occurrence **v;
	size_t n, k = 0;
	struct cad_ical_frag *fr;

	*rp = 0;
	n = set->off[s + 1] - set->off[s];
	if (n == 0)
		return NULL;
	if (party >= 0) {
		for (size_t i = set->off[s]; i < set->off[s + 1]; i++)
			if (cad_plan_involves(set->cfg, set->ctx, set->plan,
			    set->ord[i], party))
				k++;
		if (k == 0)
			return NULL;
	}
	if (party < 0 || k == n) {
		fr = &set->frags[s];
		if (!fr->done && (*rp = render_frag(set, s,
		    set->rid + set->off[s], n, fr, err)) < 0)
			return NULL;
		return fr;
	}
	/* the party left part-way: its own text, once */
	for (size_t i = 0; i < set->nparts; i++)
		if (set->parts[i].series == s && set->parts[i].party == party)
			return &set->parts[i].fr;
	v = cad_xcalloc(n, sizeof *v);
	k = 0;
	for (size_t i = set->off[s]; i < set->off[s + 1]; i++)
		if (cad_plan_involves(set->cfg, set->ctx, set->plan,
		    set->ord[i], party))
			v[k++] = set->ord[i];
	qsort(v, k, sizeof *v, cmp_rid);
	if (set->nparts == set->capparts) {
		set->capparts = set->capparts ? 2 * set->capparts : 8;
		set->parts = cad_xreallocarray(set->parts, set->capparts,
		    sizeof *set->parts);
	}
	memset(&set->parts[set->nparts], 0, sizeof *set->parts);
	set->parts[set->nparts].series = s;
	set->parts[set->nparts].party = party;
	fr = &set->parts[set->nparts].fr;
	*rp = render_frag(set, s, v, k, fr, err);
	free(v);
	if (*rp < 0) {
		cad_ical_frag_release(fr);
		return NULL;
	}
	set->nparts++;
	return fr;
}

int
cad_ical_frag_walk(const struct cad_ical_frag *fr, const char *stamp, cad_ical_piece_fn fn, void *arg)
{
	size_t at = 0;
	int r;

	for (size_t i = 0; i < fr->nslots; i++) {
		if ((r = fn(arg, fr->text + at, fr->slots[i] - at)) < 0 ||
		    (r = fn(arg, stamp, STAMP_LEN)) < 0)
			return r;
		at = fr->slots[i] + STAMP_LEN;
	}
	return fn(arg, fr->text + at, fr->len - at);
}

/*
 * head: the VCALENDAR's lines up to its components (with NAME), stamp
 * the feed's DTSTAMP value.
 */
static int
walk_feed(struct cad_ical_set *set, bool flat, int forum, int party,
    const char *head, size_t headlen, const char *stamp, cad_ical_piece_fn fn,
    void *arg, struct cad_error *err)
{
	const struct cad_ical_frag *fr;
	int r;

	if (set->plan == NULL) {
		cad_error_set(err, "feed set already finished");
		return -EINVAL;
	}
	if ((r = fn(arg, head, headlen)) < 0 ||
	    (r = fn(arg, set->vtimezone, set->vtzlen)) < 0)
		return r;
	if (flat) {
		if ((r = cad_flat_walk(set, forum, party, stamp, fn, arg,
		    err)) < 0)
			return r;
	} else if (party >= 0) {
		cad_ical_party_index(set);
		if ((size_t)party >= set->cfg->nparties)
			return fn(arg, feed_end, sizeof feed_end - 1);
		for (size_t i = 0; i < set->npseries[party]; i++) {
			size_t s = set->pseries[party][i];
			if (forum >= 0 && set->plan->series[s].forum != forum)
				continue;
			fr = series_frag(set, s, party, &r, err);
			if (r < 0)
				return r;
			if (fr != NULL && (r = cad_ical_frag_walk(fr, stamp, fn,
			    arg)) < 0)
				return r;
		}
		if (forum < 0 && set->ptasks != NULL &&
		    set->ptasks[party].len > 0 &&
		    (r = fn(arg, set->ptasks[party].data,
		    set->ptasks[party].len)) < 0)
			return r;
	} else {
		for (size_t s = 0; s < set->nseries; s++) {
			if (forum >= 0 && set->plan->series[s].forum != forum)
				continue;
			fr = series_frag(set, s, -1, &r, err);
			if (r < 0)
				return r;
			if (fr != NULL && (r = cad_ical_frag_walk(fr, stamp, fn,
			    arg)) < 0)
				return r;
		}
	}
	return fn(arg, feed_end, sizeof feed_end - 1);
}

/* the header of a feed named name, without END:VCALENDAR */
static int
feed_head(const struct cad_config *cfg, const char *name, struct cad_buf *b,
    struct cad_error *err)
{
	icalcomponent *cal = cad_ical_publish_calendar(cfg, name);
	int r = cad_ical_write(b, cal, err);

	icalcomponent_free(cal);
	if (r < 0)
		return r;
	if (b->len < sizeof feed_end - 1 || memcmp(b->data + b->len -
	    (sizeof feed_end - 1), feed_end, sizeof feed_end - 1) != 0) {
		cad_error_set(err, "libical: unexpected calendar text");
		return -EINVAL;
	}
	b->len -= sizeof feed_end - 1;
	b->data[b->len] = '\0';
	return 0;
}

static void
format_stamp(int64_t t, char out[static STAMP_LEN + 1])
{
	struct icaltimetype u = utc_time(t);
	char tmp[64];

	/* as libical writes a UTC DATE-TIME */
	snprintf(tmp, sizeof tmp, "%04d%02d%02dT%02d%02d%02dZ", u.year,
	    u.month, u.day, u.hour, u.minute, u.second);
	memcpy(out, tmp, STAMP_LEN);
	out[STAMP_LEN] = '\0';
}

static int
piece_to_buf(void *arg, const char *p, size_t len)
{
	return cad_buf_add(arg, p, len);
}

int
cad_ical_set_feed(struct cad_ical_set *set, int forum, int party,
    const char *name, int64_t dtstamp, struct cad_buf *out,
    struct cad_error *err)
{
	return cad_ical_set_feed_of(set, false, forum, party, name, dtstamp,
	    out, err);
}

int
cad_ical_set_feed_of(struct cad_ical_set *set, bool flat, int forum,
    int party, const char *name, int64_t dtstamp, struct cad_buf *out,
    struct cad_error *err)
{
	size_t start_len = out->len;
	char stamp[STAMP_LEN + 1];
	struct cad_buf head;
	int r;

	format_stamp(dtstamp, stamp);
	cad_buf_init(&head, 0);
	if ((r = feed_head(set->cfg, name, &head, err)) == 0) {
		r = walk_feed(set, flat, forum, party, head.data, head.len,
		    stamp, piece_to_buf, out, err);
		if (r == -E2BIG)
			cad_error_set(err, "calendar too large: %s",
			    strerror(-r));
		if (r < 0 && out->len > start_len) {
			out->len = start_len;
			out->data[start_len] = '\0';
		}
	}
	cad_buf_release(&head);
	return r;
}

struct doc_build {
	struct cad_ical_doc *doc;
	size_t cap;
	size_t max;
};

static int
piece_to_doc(void *arg, const char *p, size_t len)
{
	struct doc_build *db = arg;
	struct cad_ical_doc *d = db->doc;

	if (len == 0)
		return 0;
	if (len > db->max || d->len + len > db->max)
		return -E2BIG;
	/* a piece right after the previous one in memory joins it */
	if (d->npieces > 0 && (const char *)d->pieces[d->npieces - 1].data +
	    d->pieces[d->npieces - 1].len == p) {
		d->pieces[d->npieces - 1].len += len;
		d->len += len;
		return 0;
	}
	if (d->npieces == db->cap) {
		db->cap = db->cap ? 2 * db->cap : 64;
		d->pieces = cad_xreallocarray(d->pieces, db->cap,
		    sizeof *d->pieces);
	}
	d->pieces[d->npieces].data = p;
	d->pieces[d->npieces].len = len;
	d->npieces++;
	d->len += len;
	return 0;
}

int
cad_ical_set_doc(struct cad_ical_set *set, int forum, int party,
    const char *name, int64_t dtstamp, size_t max, struct cad_ical_doc *doc,
    struct cad_error *err)
{
	return cad_ical_set_doc_of(set, false, forum, party, name, dtstamp,
	    max, doc, err);
}

int
cad_ical_set_doc_of(struct cad_ical_set *set, bool flat, int forum,
    int party, const char *name, int64_t dtstamp, size_t max,
    struct cad_ical_doc *doc, struct cad_error *err)
{
	struct doc_build db = { .doc = doc, .max = max ? max : SIZE_MAX };
	struct cad_buf head;
	int r;

	memset(doc, 0, sizeof *doc);
	cad_buf_init(&head, 0);
	if ((r = feed_head(set->cfg, name, &head, err)) < 0) {
		cad_buf_release(&head);
		return r;
	}
	/* own: the header, then the stamp */
	doc->own = cad_xcalloc(head.len + STAMP_LEN + 1, 1);
	memcpy(doc->own, head.data, head.len);
	format_stamp(dtstamp, doc->own + head.len);
	r = walk_feed(set, flat, forum, party, doc->own, head.len,
	    doc->own + head.len, piece_to_doc, &db, err);
	cad_buf_release(&head);
	if (r < 0) {
		if (r == -E2BIG)
			cad_error_set(err, "calendar too large: %s",
			    strerror(-r));
		cad_ical_doc_release(doc);
		return r;
	}
	/* the array at its size */
	if (doc->npieces > 0)
		doc->pieces = cad_xreallocarray(doc->pieces, doc->npieces,
		    sizeof *doc->pieces);
	return 0;
}

void
cad_ical_doc_release(struct cad_ical_doc *doc)
{
	free(doc->pieces);
	free(doc->own);
	memset(doc, 0, sizeof *doc);
}

int64_t
cad_ical_set_newest(struct cad_ical_set *set, int forum, int party)
{
	int64_t lm = 0;

	if (set->plan == NULL)
		return 0;
	if (forum < 0 && party >= 0) {
		cad_ical_party_index(set);
		if ((size_t)party >= set->cfg->nparties)
			return 0;
		for (size_t i = 0; i < set->npseries[party]; i++) {
			size_t s = set->pseries[party][i];
			const struct cad_series *se = &set->plan->series[s];
			bool in = se->convenor == party || se->party == party;
			for (size_t j = set->off[s]; !in &&
			    j < set->off[s + 1]; j++)
				in = cad_plan_involves(set->cfg, set->ctx,
				    set->plan, set->ord[j], party);
			if (in && set->last_modified[s] > lm)
				lm = set->last_modified[s];
		}
		return lm;
	}
	for (size_t s = 0; s < set->nseries; s++)
		if ((forum < 0 || set->plan->series[s].forum == forum) &&
		    set->last_modified[s] > lm)
			lm = set->last_modified[s];
	return lm;
}

int
cad_ical_feed(const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, const struct cad_plan *plan,
    const struct cad_series_state *states, int forum, int party,
    const char *name, int64_t dtstamp, struct cad_buf *out,
    struct cad_error *err)
{
	struct cad_ical_set *set;
	int r;

	if ((r = cad_ical_set_new(cfg, ctx, plan, states, &set, err)) < 0)
		return r;
	r = cad_ical_set_feed(set, forum, party, name, dtstamp, out, err);
	cad_ical_set_free(set);
	return r;
}

int
cad_ical_invitation(const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, const struct cad_plan *plan,
    const struct cad_series_state *states, const char *name,
    int64_t dtstamp, struct cad_buf *out, struct cad_error *err)
{
	struct cad_ical_set *set;
	int r;

	if ((r = cad_ical_set_new(cfg, ctx, plan, states, &set, err)) < 0)
		return r;
	set->invitation = true;
	r = cad_ical_set_feed(set, -1, -1, name, dtstamp, out, err);
	cad_ical_set_free(set);
	return r;
}

void
cad_invite_window(const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, int *from, int *to)
{
	cad_publish_window(cfg, ctx->today, from, to);
	for (size_t i = 0; i < cfg->nforums; i++) {
		int start = cad_plan_forum_start(&cfg->forums[i], ctx);
		if (start < *from)
			*from = start;
	}
}
