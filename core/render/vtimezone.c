/*
 * vtimezone.c - the VTIMEZONE of a feed, built from libical's zone data:
 * the zone's current rules only (one STANDARD, one DAYLIGHT: Outlook
 * refuses more).
 */
#include "render/ical.h"
#include "render/ical_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>


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

