/*
 * fuzz_ical.c - reading iCalendar as a server or a client would send it.
 *
 * No core function reads iCalendar from outside yet (core/render/imip.c parses
 * only the feed it has just rendered; core/store/outbox.c does not exist), so
 * this target fuzzes the libical calls that such code will make: parse,
 * serialise again (the _r variant, as STYLE.md asks), walk the VEVENTs,
 * resolve their VTIMEZONEs, expand each RRULE a bounded number of steps
 * and read UID / SEQUENCE / STATUS / RECURRENCE-ID.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "base/util.h"

#include "fuzz.h"

#define FUZZ_ICAL_MAX	(64 * 1024)
#define FUZZ_ICAL_STEPS	200

static void
walk_event(icalcomponent *ev)
{
	struct icaltimetype dts, dte, rid;
	icalproperty *p;
	const char *uid;

	uid = icalcomponent_get_uid(ev);
	(void)uid;
	(void)icalcomponent_get_sequence(ev);
	(void)icalcomponent_get_status(ev);
	dts = icalcomponent_get_dtstart(ev);
	dte = icalcomponent_get_dtend(ev);
	rid = icalcomponent_get_recurrenceid(ev);
	(void)icaltime_compare(dts, dte);
	(void)icaltime_is_null_time(rid);
	if (!icaltime_is_null_time(dts) && icaltime_is_valid_time(dts))
		(void)icaltime_as_timet_with_zone(dts, dts.zone);

	for (p = icalcomponent_get_first_property(ev, ICAL_RRULE_PROPERTY);
	    p != NULL;
	    p = icalcomponent_get_next_property(ev, ICAL_RRULE_PROPERTY)) {
		struct icalrecurrencetype r = icalproperty_get_rrule(p);
		icalrecur_iterator *it;

		if (icaltime_is_null_time(dts) || !icaltime_is_valid_time(dts))
			continue;
		icalerror_clear_errno();
		it = icalrecur_iterator_new(r, dts);
		if (it == NULL)
			continue;
		for (int i = 0; i < FUZZ_ICAL_STEPS; i++) {
			struct icaltimetype t = icalrecur_iterator_next(it);
			if (icaltime_is_null_time(t))
				break;
		}
		icalrecur_iterator_free(it);
	}
	for (p = icalcomponent_get_first_property(ev, ICAL_ATTENDEE_PROPERTY);
	    p != NULL;
	    p = icalcomponent_get_next_property(ev, ICAL_ATTENDEE_PROPERTY))
		(void)icalproperty_get_attendee(p);
}

static void
walk(icalcomponent *cal)
{
	icalcomponent *c;

	for (c = icalcomponent_get_first_component(cal,
	    ICAL_VTIMEZONE_COMPONENT); c != NULL;
	    c = icalcomponent_get_next_component(cal,
	    ICAL_VTIMEZONE_COMPONENT)) {
		icaltimezone *tz = icaltimezone_new();
		icalcomponent *copy = icalcomponent_new_clone(c);

		if (tz == NULL || copy == NULL) {
			icalcomponent_free(copy);
			icaltimezone_free(tz, 1);
			continue;
		}
		if (icaltimezone_set_component(tz, copy)) {
			int dst = 0;
			struct icaltimetype t =
			    icaltime_from_string("20260315T120000");

			(void)icaltimezone_get_tzid(tz);
			(void)icaltimezone_get_utc_offset(tz, &t, &dst);
		} else
			icalcomponent_free(copy);
		icaltimezone_free(tz, 1);
	}
	for (c = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	    c != NULL;
	    c = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT))
		walk_event(c);
}

int
fuzz_ical_one(const uint8_t *data, size_t size)
{
	icalcomponent *cal;
	char *s, *out;

	if (size > FUZZ_ICAL_MAX)
		return 0;
	s = cad_xcalloc(size + 1, 1);
	memcpy(s, data, size);
	icalerror_clear_errno();
	cal = icalparser_parse_string(s);
	free(s);
	if (cal == NULL)
		return 0;
	if (icalcomponent_isa(cal) == ICAL_VEVENT_COMPONENT)
		walk_event(cal);
	else
		walk(cal);
	out = icalcomponent_as_ical_string_r(cal);
	free(out);
	icalcomponent_free(cal);
	icalerror_clear_errno();
	return 0;
}

#ifdef CAD_FUZZ_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_ical_one(data, size);
}
#endif
