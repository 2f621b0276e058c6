/*
 * tz.c - local times in an IANA zone, through libical's built-in zones
 * (see tz.h).
 */
#include "model/tz.h"

#include <errno.h>
#include <string.h>

#include <libical/ical.h>

#include "base/util.h"

/* a / b rounded down (b > 0): the day of an instant, also before 1970 */
/* a / b rounded down (b > 0): the day of an instant, also before 1970 */
static long long
floordiv(long long a, long long b)
{
	return a / b - (a % b < 0);
}

/*
 * Zones by name.  icaltimezone_get_builtin_timezone() compares the name
 * with every zone libical knows, and the JSON output asks three times per
 * timestamp, so the last few answers are kept per thread (no lock).  The
 * pointers stay valid as long as libical's built-in zones do: they are
 * freed (icaltimezone_free_builtin_timezones) only on the way out.
 */
#define ZONE_CACHE	4
#define ZONE_NAME_MAX	64

struct zone_slot {
	char name[ZONE_NAME_MAX];
	icaltimezone *z;
};

static _Thread_local struct zone_slot zone_cache[ZONE_CACHE];
static _Thread_local unsigned zone_cache_next;

static icaltimezone *
zone(const char *tzid)
{
	icaltimezone *z;
	size_t len;

	if (tzid == NULL)
		return NULL;
	for (size_t i = 0; i < ZONE_CACHE; i++)
		if (zone_cache[i].z != NULL &&
		    strcmp(zone_cache[i].name, tzid) == 0)
			return zone_cache[i].z;
	if (strcmp(tzid, "UTC") == 0)
		z = icaltimezone_get_utc_timezone();
	else
		z = icaltimezone_get_builtin_timezone(tzid);
	len = strlen(tzid);
	if (z != NULL && len < ZONE_NAME_MAX) {
		struct zone_slot *sl = &zone_cache[zone_cache_next++ %
		    ZONE_CACHE];
		memcpy(sl->name, tzid, len + 1);
		sl->z = z;
	}
	return z;
}

bool
cad_tz_valid(const char *tzid)
{
	return zone(tzid) != NULL;
}

/* the UTC offset in force at the instant `sec` (seconds since the epoch) */
static int
utc_offset_libical(icaltimezone *z, long long sec)
{
	struct icaltimetype t = icaltime_null_time();
	int y, m, d, dst = 0;
	long long day = floordiv(sec, 86400);
	int s = (int)(sec - day * 86400);

	cad_civil_from_days((int)day, &y, &m, &d);
	t.year = y;
	t.month = m;
	t.day = d;
	t.hour = s / 3600;
	t.minute = s / 60 % 60;
	t.second = s % 60;
	t.zone = icaltimezone_get_utc_timezone();
	return icaltimezone_get_utc_offset_of_utc_time(z, &t, &dst);
}

/*
 * The offsets at UTC midnights, remembered per thread (direct-mapped by
 * day).  When the midnights before and after an instant have the same
 * offset, so has the instant: no zone changes its offset twice within a
 * day (cad_tz_offset below already counts on at most one change within
 * two days).  Otherwise libical answers for the instant itself.
 */
#define MIDNIGHT_CACHE	512

struct midnight_slot {
	icaltimezone *z;
	long long day;
	int offset;
};

static _Thread_local struct midnight_slot midnight_cache[MIDNIGHT_CACHE];

static int
offset_at_midnight(icaltimezone *z, long long day)
{
	struct midnight_slot *sl = &midnight_cache[(unsigned long long)day %
	    MIDNIGHT_CACHE];

	if (sl->z != z || sl->day != day) {
		sl->offset = utc_offset_libical(z, day * 86400);
		sl->z = z;
		sl->day = day;
	}
	return sl->offset;
}

static int
utc_offset_at(icaltimezone *z, long long sec)
{
	long long day = floordiv(sec, 86400);
	int a = offset_at_midnight(z, day);

	if (sec == day * 86400)
		return a;
	if (offset_at_midnight(z, day + 1) == a)
		return a;
	return utc_offset_libical(z, sec);
}

/*
 * RFC 5545 3.3.5: a local time that a change skips is read with the
 * offset before the gap, and one that a change repeats is the first of
 * the two (the offset before the change) -- python's zoneinfo with
 * fold=0.  With ob the offset a day before and oa the one a day after
 * (at most one change in between in any real zone), the change at the
 * instant T happens, on the wall clock, at T + max(ob, oa): local time L
 * lies before it exactly when the instant L - max(ob, oa) is before T,
 * i.e. still has the offset ob.  (libical's icaltimezone_get_utc_offset
 * answers with the offset after the change in both cases.)
 */
static int
local_offset(icaltimezone *z, int day, int minutes)
{
	long long local = (long long)day * 86400 + (long long)minutes * 60;
	int ob = utc_offset_at(z, local - 86400);
	int oa = utc_offset_at(z, local + 86400);

	if (ob == oa)
		return ob;
	return utc_offset_at(z, local - (ob > oa ? ob : oa)) == ob ? ob : oa;
}

enum cad_tz_local
cad_tz_local_kind(const char *tzid, int day, int minutes)
{
	icaltimezone *z = zone(tzid);
	long long local = (long long)day * 86400 + (long long)minutes * 60;
	int ob, oa;
	bool before, after;

	if (z == NULL)
		return CAD_TZ_LOCAL_OK;
	ob = utc_offset_at(z, local - 86400);
	oa = utc_offset_at(z, local + 86400);
	if (ob == oa)
		return CAD_TZ_LOCAL_OK;
	/* the instants that local may be: one, none (a gap) or two */
	before = utc_offset_at(z, local - ob) == ob;
	after = utc_offset_at(z, local - oa) == oa;
	if (before && after)
		return CAD_TZ_LOCAL_REPEATED;
	return before || after ? CAD_TZ_LOCAL_OK : CAD_TZ_LOCAL_SKIPPED;
}

enum cad_tz_local
cad_tz_time_kind(const char *tzid, int minutes, int *day)
{
	icaltimezone *z = zone(tzid);
	int d0 = cad_days_from_civil(2026, 1, 1);

	if (z == NULL)
		return CAD_TZ_LOCAL_OK;
	/* one year holds every change of a zone's current rules */
	for (int d = d0; d < d0 + 366; d++) {
		if (offset_at_midnight(z, d) == offset_at_midnight(z, d + 1) &&
		    offset_at_midnight(z, d + 1) == offset_at_midnight(z,
		    d + 2))
			continue;
		for (int k = 0; k < 2; k++) {
			enum cad_tz_local r = cad_tz_local_kind(tzid, d + k,
			    minutes);
			if (r != CAD_TZ_LOCAL_OK) {
				*day = d + k;
				return r;
			}
		}
	}
	return CAD_TZ_LOCAL_OK;
}

int
cad_tz_offset(const char *tzid, int day, int minutes, int *offset)
{
	icaltimezone *z = zone(tzid);
	if (z == NULL)
		return -EINVAL;
	*offset = local_offset(z, day, minutes);
	return 0;
}

int
cad_tz_offset_utc(const char *tzid, long long t, int *offset)
{
	icaltimezone *z = zone(tzid);
	if (z == NULL)
		return -EINVAL;
	*offset = utc_offset_at(z, t);
	return 0;
}

int
cad_tz_end(const char *tzid, int day, int minutes, int duration, int *eday,
    int *eminutes, int *eoffset)
{
	icaltimezone *z = zone(tzid);
	long long end;

	*eday = day + (int)floordiv(minutes + duration, 1440);
	*eminutes = minutes + duration - (*eday - day) * 1440;
	*eoffset = 0;
	if (z == NULL)
		return -EINVAL;
	/* the start instant, + duration */
	end = (long long)day * 86400 + ((long long)minutes + duration) * 60 -
	    local_offset(z, day, minutes);
	*eoffset = utc_offset_at(z, end);
	end += *eoffset;
	*eday = (int)floordiv(end, 86400);
	/* seconds of an odd historical offset are cut, as in the output */
	*eminutes = (int)(end - (long long)*eday * 86400) / 60;
	return 0;
}
