/*
 * tz.h - local times in an IANA zone (libical's built-in zones): their
 * UTC offsets, meeting ends in elapsed minutes, and the local times that
 * a daylight-saving change skips or repeats.
 */
#ifndef CAD_TZ_H
#define CAD_TZ_H

#include <stdbool.h>

/*
 * UTC offset in seconds of local day+minutes in zone tzid (IANA name);
 * 0 or -EINVAL for an unknown zone.  A local time that a DST change
 * skips or repeats gets the offset before the change (RFC 5545 3.3.5:
 * before the gap; the first of the two), as python's zoneinfo (fold=0).
 */
int cad_tz_offset(const char *tzid, int day, int minutes, int *offset);
/*
 * Whether local day+minutes exists once in tzid: a DST change skips it
 * (spring forward) or repeats it (fall back).  Readers disagree by an
 * hour on such a time (SPEC § 10.6), so `move` and the config refuse it.
 */
enum cad_tz_local {
	CAD_TZ_LOCAL_OK = 0,
	CAD_TZ_LOCAL_SKIPPED,
	CAD_TZ_LOCAL_REPEATED,
};
enum cad_tz_local cad_tz_local_kind(const char *tzid, int day, int minutes);
/* the same for a daily time of day under the zone's current rules, with
   a day of 2026 (*day) on which it is skipped or repeated */
enum cad_tz_local cad_tz_time_kind(const char *tzid, int minutes, int *day);

/* UTC offset in seconds in force at the instant t (seconds since the
   epoch, UTC); 0 or -EINVAL for an unknown zone */
int cad_tz_offset_utc(const char *tzid, long long t, int *offset);
/*
 * The end of a meeting that starts at local day+minutes and lasts
 * `duration` elapsed minutes: its local day, minutes and UTC offset
 * (240 minutes from 01:00 on the spring-forward day end at 06:00+03:00).
 * 0, or -EINVAL for an unknown zone (then by wall clock, offset 0).
 */
int cad_tz_end(const char *tzid, int day, int minutes, int duration,
    int *eday, int *eminutes, int *eoffset);
/* true when tzid is a zone libical knows */
bool cad_tz_valid(const char *tzid);

#endif
