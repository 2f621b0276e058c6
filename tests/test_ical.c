/*
 * test_ical.c - the subscription feeds (SPEC § 5) from a hand-made
 * config and plan: line format, VTIMEZONE, masters and overrides,
 * privacy of attendees, feed filters and the series hash; the flat
 * feeds (SPEC § 10.6).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "render/flat.h"
#include "render/ical.h"
#include "render/ical_int.h"

/* 2026-01-01T00:00:00Z: 20454 days (2026-02-10 = 20494, minus 40) */
#define DTSTAMP		(20454LL * 86400)

#define TZ		"Europe/Helsinki"

static struct cad_party parties[] = {
	{ .id = "hva", .name = "Kainuun hyvinvointialue",
	    .email = "kirjaamo@hva.example" },
	{ .id = "kajaani", .name = "Kajaanin kaupunki",
	    .email = "kirjaamo@kajaani.example" },
	{ .id = "sotkamo", .name = "Sotkamon kunta",
	    .email = "kirjaamo@sotkamo.example" },
};

static int hytetu_participants[] = { 0, 1 };
static struct cad_unit kunta_for_each[] = { { 1, -1 }, { 2, -1 } };

/* long enough, with ä/ö everywhere, to be folded several times */
#define LONG_FI "Yhteistyöfoorumi käsittelee hyvinvoinnin ja terveyden " \
	"edistämisen yhteisiä tavoitteita sekä kuntien ja hyvinvointialueen " \
	"välistä työnjakoa ja seuraa hyvinvointikertomusten tavoitteiden " \
	"toteutumista äänestäjien ja päättäjien iloksi"

static struct cad_forum forums[] = {
	{ .id = "hytetu-foorumi", .name = "Kainuun Hytetu -yhteistyöfoorumi",
	    .legal_basis = "612/2021 6–7 §", .location = "Kajaanin kaupungintalo",
	    .description = LONG_FI, .convenor = 0, .first_convenor = -1,
	    .participants = hytetu_participants, .nparticipants = 2,
	    .time = 13 * 60, .duration = 180 },
	{ .id = "kuntaneuvottelu", .name = "Kuntakohtainen neuvottelu",
	    .convenor = 0, .first_convenor = -1, .for_each = kunta_for_each,
	    .nfor_each = 2, .spread = true, .time = 9 * 60, .duration = 120 },
	{ .id = "strateginen-foorumi", .name = "Strateginen foorumi",
	    .convenor = 0, .first_convenor = -1, .time = 12 * 60,
	    .duration = 240 },
};

static struct cad_series series[] = {
	{ .uid = "hytetu-foorumi@kainuu.example", .forum = 0, .party = -1,
	    .group = -1,
	    .convenor = 0 },
	{ .uid = "kuntaneuvottelu.kajaani@kainuu.example", .forum = 1,
	    .party = 1, .group = -1, .convenor = 0 },
	{ .uid = "kuntaneuvottelu.sotkamo@kainuu.example", .forum = 1,
	    .party = 2, .group = -1, .convenor = 0 },
	/* no occurrence in the plan: must not appear */
	{ .uid = "strateginen-foorumi@kainuu.example", .forum = 2,
	    .party = -1, .group = -1, .convenor = 0 },
};

static struct cad_series_state states[] = {
	{ .sequence = 3, .last_modified = DTSTAMP - 86400,
	    .created = DTSTAMP - 10 * 86400 },
	{ .sequence = 0, .last_modified = DTSTAMP, .created = DTSTAMP },
	{ .sequence = 1, .last_modified = DTSTAMP, .created = DTSTAMP },
	{ .sequence = 0, .last_modified = DTSTAMP, .created = DTSTAMP },
};

static struct cad_config cfg;
static struct cad_occurrence occ[12];
static struct cad_plan plan;
static struct cad_plan_ctx ctx;

static int
D(int y, int m, int d)
{
	return cad_days_from_civil(y, m, d);
}

static void
set_occ(size_t i, size_t s, int rid_day, int rid_time, int day, int time,
    int duration, enum cad_status st, enum cad_moved mv)
{
	occ[i] = (struct cad_occurrence){ .series = s, .rid_day = rid_day,
	    .rid_time = rid_time, .day = day, .time = time,
	    .duration = duration, .status = st, .moved = mv };
}

/*
 * Hytetu: 2nd Tuesday of October at 13:00 (EEST).  2027-10-12 moved by a
 * person to Thu 14.10. 10:00, 2028-10-10 cancelled.
 * Kuntaneuvottelu 1.2. at 09:00: 1.2.2026 is a Sunday, so Kajaani's is
 * moved to Mon 2.2. (holiday rule) and Sotkamo's spread to Tue 3.2.;
 * 1.2.2027 is a Monday: Kajaani keeps it, Sotkamo spreads to Tue 2.2.
 */
static int
setup(void **state)
{
	(void)state;
	memset(&cfg, 0, sizeof cfg);
	cfg.timezone = TZ;
	cfg.domain = "kainuu.example";
	cfg.base_url = "http://127.0.0.1:8080/";
	cfg.organizer_name = "Hyte-koordinaattori";
	cfg.organizer_email = "hyte@kainuu.example";
	cfg.parties = parties;
	cfg.nparties = 3;
	cfg.forums = forums;
	cfg.nforums = 3;
	cfg.publish_attendees = false;
	forums[0].rrule = NULL;
	forums[0].start = 0;
	forums[1].rrule = NULL;
	forums[2].has_per_term = false;

	set_occ(0, 1, D(2026, 2, 1), 540, D(2026, 2, 2), 540, 120,
	    CAD_CONFIRMED, CAD_MOVED_HOLIDAY);
	set_occ(1, 2, D(2026, 2, 1), 540, D(2026, 2, 3), 540, 120,
	    CAD_CONFIRMED, CAD_MOVED_SPREAD);
	set_occ(2, 1, D(2027, 2, 1), 540, D(2027, 2, 1), 540, 120,
	    CAD_CONFIRMED, CAD_MOVED_NONE);
	set_occ(3, 2, D(2027, 2, 1), 540, D(2027, 2, 2), 540, 120,
	    CAD_CONFIRMED, CAD_MOVED_SPREAD);
	set_occ(4, 0, D(2026, 10, 13), 780, D(2026, 10, 13), 780, 180,
	    CAD_CONFIRMED, CAD_MOVED_NONE);
	set_occ(5, 0, D(2027, 10, 12), 780, D(2027, 10, 14), 600, 180,
	    CAD_CONFIRMED, CAD_MOVED_PERSON);
	set_occ(6, 0, D(2028, 10, 10), 780, D(2028, 10, 10), 780, 180,
	    CAD_CANCELLED, CAD_MOVED_NONE);
	occ[6].reason = "Ei käsiteltäviä asioita";

	memset(&plan, 0, sizeof plan);
	plan.series = series;
	plan.nseries = 4;
	plan.occ = occ;
	plan.nocc = 7;
	memset(&ctx, 0, sizeof ctx);
	ctx.today = D(2026, 1, 15);
	return 0;
}

/* helpers over the feed text */

static char *
feed(int forum, int party)
{
	struct cad_buf b;
	struct cad_error err = { "" };

	cad_buf_init(&b, 0);
	assert_int_equal(cad_ical_feed(&cfg, &ctx, &plan, states, forum,
	    party, "Kainuun yhteistyö", DTSTAMP, &b, &err), 0);
	assert_non_null(b.data);
	return cad_buf_steal(&b);
}

/* RFC 5545 3.1: CRLF + one space or tab is removed */
static char *
unfold(const char *s)
{
	char *r = malloc(strlen(s) + 1), *q = r;

	assert_non_null(r);
	while (*s) {
		if (s[0] == '\r' && s[1] == '\n' && (s[2] == ' ' ||
		    s[2] == '\t')) {
			s += 3;
			continue;
		}
		*q++ = *s++;
	}
	*q = '\0';
	return r;
}

static int
count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

/* the VEVENT block (unfolded text) that contains line; malloc'd or NULL */
static char *
event_with(const char *text, const char *line)
{
	const char *hit = strstr(text, line), *b, *e;
	char *r;

	if (hit == NULL)
		return NULL;
	for (b = hit; b > text && strncmp(b, "BEGIN:VEVENT", 12) != 0; b--)
		;
	e = strstr(hit, "END:VEVENT");
	assert_non_null(e);
	r = strndup(b, (size_t)(e - b));
	assert_non_null(r);
	return r;
}

/* one physical line is complete UTF-8 (no character split by a fold) */
static bool
utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		int k = s[i] < 0x80 ? 0 : (s[i] & 0xE0) == 0xC0 ? 1 :
		    (s[i] & 0xF0) == 0xE0 ? 2 : (s[i] & 0xF8) == 0xF0 ? 3 : -1;
		if (k < 0 || i + (size_t)k >= n)
			return false;
		for (int j = 1; j <= k; j++)
			if ((s[i + j] & 0xC0) != 0x80)
				return false;
		i += (size_t)k + 1;
	}
	return true;
}

/* tests */

static void
feed__all__crlf_folded_at_75_octets_utf8_intact(void **state)
{
	(void)state;
	char *f = feed(-1, -1), *u;
	const char *p = f;
	int folds = 0;

	while (*p) {
		const char *eol = strstr(p, "\r\n");
		assert_non_null(eol);		/* ends with CRLF */
		size_t n = (size_t)(eol - p);
		assert_null(memchr(p, '\n', n));	/* no bare LF */
		assert_null(memchr(p, '\r', n));
		assert_true(n <= 75);
		assert_true(n > 0);
		assert_true(utf8_valid((const unsigned char *)p, n));
		if (*p == ' ')
			folds++;
		p = eol + 2;
	}
	/* LONG_FI (220+ octets) alone needs folding */
	assert_true(folds >= 3);
	u = unfold(f);
	assert_non_null(strstr(u, "DESCRIPTION:" LONG_FI "\\n\\n"));
	assert_non_null(strstr(u,
	    "SUMMARY:Kainuun Hytetu -yhteistyöfoorumi\r\n"));
	free(u);
	free(f);
}

static void
feed__all__one_vtimezone_with_current_eu_rules(void **state)
{
	(void)state;
	char *f = feed(-1, -1), *u = unfold(f);

	assert_int_equal(count(u, "BEGIN:VTIMEZONE\r\n"), 1);
	assert_int_equal(count(u, "BEGIN:STANDARD\r\n"), 1);
	assert_int_equal(count(u, "BEGIN:DAYLIGHT\r\n"), 1);
	assert_non_null(strstr(u, "\r\nTZID:Europe/Helsinki\r\n"));
	assert_null(strstr(u, "freeassociation"));
	/* EU rule: last Sunday of March / October at 01:00 UTC, i.e.
	   03:00 EET and 04:00 EEST; in 1970 those were 29.3. and 25.10.
	   (1.1.1970 a Thursday: day 87 and day 297 are Sundays) */
	char *dst = strstr(u, "BEGIN:DAYLIGHT"), *std = strstr(u,
	    "BEGIN:STANDARD");
	char *dend = strstr(dst, "END:DAYLIGHT"), *send = strstr(std,
	    "END:STANDARD");
	*dend = *send = '\0';
	assert_non_null(strstr(dst, "DTSTART:19700329T030000\r\n"));
	assert_non_null(strstr(dst, "TZOFFSETFROM:+0200\r\n"));
	assert_non_null(strstr(dst, "TZOFFSETTO:+0300\r\n"));
	assert_non_null(strstr(dst, "TZNAME:EEST\r\n"));
	assert_non_null(strstr(dst, "BYMONTH=3"));
	assert_non_null(strstr(dst, "BYDAY=-1SU"));
	assert_null(strstr(dst, "UNTIL"));
	assert_non_null(strstr(std, "DTSTART:19701025T040000\r\n"));
	assert_non_null(strstr(std, "TZOFFSETFROM:+0300\r\n"));
	assert_non_null(strstr(std, "TZOFFSETTO:+0200\r\n"));
	assert_non_null(strstr(std, "TZNAME:EET\r\n"));
	assert_non_null(strstr(std, "BYMONTH=10"));
	assert_null(strstr(std, "UNTIL"));
	free(u);
	free(f);
}

static void
feed__zone_without_dst__single_standard(void **state)
{
	(void)state;
	cfg.timezone = "Asia/Tokyo";
	char *f = feed(-1, -1);

	assert_int_equal(count(f, "BEGIN:VTIMEZONE\r\n"), 1);
	assert_int_equal(count(f, "BEGIN:STANDARD\r\n"), 1);
	assert_int_equal(count(f, "BEGIN:DAYLIGHT\r\n"), 0);
	assert_non_null(strstr(f, "TZOFFSETTO:+0900\r\n"));
	assert_non_null(strstr(f, "DTSTART;TZID=Asia/Tokyo:20261013T130000"));
	free(f);
}

static void
feed__unknown_zone__einval_and_out_untouched(void **state)
{
	(void)state;
	struct cad_buf b;
	struct cad_error err = { "" };

	cfg.timezone = "Mars/Olympus_Mons";
	cad_buf_init(&b, 0);
	cad_buf_puts(&b, "x");
	assert_int_equal(cad_ical_feed(&cfg, &ctx, &plan, states, -1, -1,
	    "n", DTSTAMP, &b, &err), -EINVAL);
	assert_string_equal(b.data, "x");
	assert_non_null(strstr(err.msg, "Mars/Olympus_Mons"));
	cad_buf_release(&b);
}

static void
feed__all__calendar_properties_for_subscribers(void **state)
{
	(void)state;
	char *f = feed(-1, -1), *u = unfold(f);

	assert_true(strncmp(u, "BEGIN:VCALENDAR\r\n", 17) == 0);
	assert_non_null(strstr(u, "\r\nVERSION:2.0\r\n"));
	assert_non_null(strstr(u,
	    "\r\nPRODID:-//cadenced//cadenced 0.1//FI\r\n"));
	assert_non_null(strstr(u, "\r\nCALSCALE:GREGORIAN\r\n"));
	assert_non_null(strstr(u, "\r\nMETHOD:PUBLISH\r\n"));
	assert_non_null(strstr(u, "\r\nNAME:Kainuun yhteistyö\r\n"));
	assert_non_null(strstr(u, "\r\nX-WR-CALNAME:Kainuun yhteistyö\r\n"));
	assert_non_null(strstr(u, "\r\nX-WR-TIMEZONE:Europe/Helsinki\r\n"));
	assert_non_null(strstr(u,
	    "\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n"));
	assert_non_null(strstr(u, "\r\nX-PUBLISHED-TTL:PT1H\r\n"));
	assert_non_null(strstr(u, "END:VCALENDAR\r\n"));
	free(u);
	free(f);
}

static void
feed__all__masters_rdates_and_overrides(void **state)
{
	(void)state;
	char *f = feed(-1, -1), *u = unfold(f), *ev;

	/* 3 series with occurrences; overrides: hytetu 2027 (person) and
	   2028 (cancelled), Kajaani 2026 (holiday), Sotkamo 2026 and 2027
	   (spread) = 3 + 5 */
	assert_int_equal(count(u, "BEGIN:VEVENT\r\n"), 8);
	assert_int_equal(count(u, "\r\nRECURRENCE-ID;"), 5);
	assert_null(strstr(u, "strateginen-foorumi"));
	assert_int_equal(count(u, "UID:hytetu-foorumi@kainuu.example\r\n"), 3);
	assert_int_equal(count(u, "\r\nSTATUS:CANCELLED\r\n"), 1);

	/* master: first RECURRENCE-ID as DTSTART, the rest as RDATEs */
	ev = event_with(u, "DTSTART;TZID=Europe/Helsinki:20261013T130000");
	assert_non_null(ev);
	assert_non_null(strstr(ev, "DTEND;TZID=Europe/Helsinki:20261013T160000"));
	/* one comma-separated RDATE line (Xandikos fails on several) */
	assert_int_equal(count(ev, "\r\nRDATE"), 1);
	assert_non_null(strstr(ev, "\r\nRDATE;TZID=Europe/Helsinki:"
	    "20271012T130000,20281010T130000\r\n"));
	assert_null(strstr(ev, "RECURRENCE-ID"));
	assert_non_null(strstr(ev, "STATUS:CONFIRMED"));
	assert_non_null(strstr(ev, "SEQUENCE:3\r\n"));
	assert_non_null(strstr(ev, "DTSTAMP:20260101T000000Z\r\n"));
	assert_non_null(strstr(ev, "LAST-MODIFIED:20251231T000000Z\r\n"));
	assert_non_null(strstr(ev, "CREATED:20251222T000000Z\r\n"));
	assert_non_null(strstr(ev, "LOCATION:Kajaanin kaupungintalo\r\n"));
	assert_non_null(strstr(ev, "Paikka: Kajaanin kaupungintalo"));
	assert_non_null(strstr(ev, "Säädösperusta: 612/2021 6–7 §"));
	assert_non_null(strstr(ev,
	    "http://127.0.0.1:8080/calendars/forum/hytetu-foorumi.ics"));
	free(ev);

	/* moved by a person: new time, original as RECURRENCE-ID */
	ev = event_with(u,
	    "RECURRENCE-ID;TZID=Europe/Helsinki:20271012T130000");
	assert_non_null(ev);
	assert_non_null(strstr(ev, "DTSTART;TZID=Europe/Helsinki:20271014T100000"));
	assert_non_null(strstr(ev, "DTEND;TZID=Europe/Helsinki:20271014T130000"));
	assert_non_null(strstr(ev, "STATUS:CONFIRMED"));
	assert_non_null(strstr(ev, "SEQUENCE:3\r\n"));
	assert_non_null(strstr(ev, "Siirretty: ti 12.10.2027 klo 13.00"));
	assert_null(strstr(ev, "sääntöjen"));
	free(ev);

	/* cancelled: kept, with its status */
	ev = event_with(u,
	    "RECURRENCE-ID;TZID=Europe/Helsinki:20281010T130000");
	assert_non_null(ev);
	assert_non_null(strstr(ev, "STATUS:CANCELLED"));
	assert_non_null(strstr(ev, "SUMMARY:PERUTTU: Kainuun Hytetu"));
	assert_non_null(strstr(ev, "Ei käsiteltäviä asioita"));
	free(ev);

	/* holiday move of Kajaani's 1.2.2026 (a Sunday) to Monday */
	ev = event_with(u,
	    "RECURRENCE-ID;TZID=Europe/Helsinki:20260201T090000");
	assert_non_null(ev);
	assert_non_null(strstr(ev, "UID:kuntaneuvottelu.kajaani@kainuu.example"));
	assert_non_null(strstr(ev, "DTSTART;TZID=Europe/Helsinki:20260202T090000"));
	assert_non_null(strstr(ev,
	    "SUMMARY:Kuntakohtainen neuvottelu: Kajaanin kaupunki\r\n"));
	/* the rules moved it, not a person (SPEC 10.1) */
	assert_non_null(strstr(ev,
	    "Siirretty sääntöjen mukaan: su 1.2.2026 klo 9.00"));
	free(ev);

	/* Sotkamo's master starts at its RECURRENCE-ID, not the spread day */
	ev = event_with(u, "UID:kuntaneuvottelu.sotkamo@kainuu.example\r\n"
	    "DTSTAMP");
	assert_non_null(ev);
	assert_null(strstr(ev, "RECURRENCE-ID"));
	assert_non_null(strstr(ev, "DTSTART;TZID=Europe/Helsinki:20260201T090000"));
	assert_non_null(strstr(ev, "RDATE;TZID=Europe/Helsinki:20270201T090000"));
	free(ev);
	free(u);
	free(f);
}

static void
feed__attendees_not_published__names_only(void **state)
{
	(void)state;
	char *f = feed(-1, -1), *u = unfold(f);

	assert_null(strstr(u, "ATTENDEE"));
	assert_null(strstr(u, "kirjaamo@"));
	assert_non_null(strstr(u,
	    "ORGANIZER;CN=Hyte-koordinaattori:mailto:hyte@kainuu.example\r\n"));
	assert_non_null(strstr(u, "Koollekutsuja: Kainuun hyvinvointialue"));
	assert_non_null(strstr(u, "Osallistujat: Kainuun hyvinvointialue\\, "
	    "Kajaanin kaupunki"));
	free(u);
	free(f);
}

static void
feed__attendees_published__chair_and_participants(void **state)
{
	(void)state;
	cfg.publish_attendees = true;
	char *f = feed(0, -1), *u = unfold(f), *ev;

	ev = event_with(u, "DTSTART;TZID=Europe/Helsinki:20261013T130000");
	assert_non_null(ev);
	assert_int_equal(count(ev, "\r\nATTENDEE"), 2);
	char *chair = strstr(ev, "mailto:kirjaamo@hva.example");
	assert_non_null(chair);
	assert_non_null(strstr(ev, "ROLE=CHAIR"));
	assert_non_null(strstr(ev, "ROLE=REQ-PARTICIPANT"));
	assert_non_null(strstr(ev, "mailto:kirjaamo@kajaani.example"));
	free(ev);
	free(u);
	free(f);
}

static void
feed__party_filter__only_that_partys_series(void **state)
{
	(void)state;
	/* Sotkamo only takes part in its own kuntaneuvottelu */
	char *f = feed(-1, 2), *u = unfold(f);

	assert_non_null(strstr(u, "UID:kuntaneuvottelu.sotkamo@"));
	assert_null(strstr(u, "UID:kuntaneuvottelu.kajaani@"));
	assert_null(strstr(u, "UID:hytetu-foorumi@"));
	assert_int_equal(count(u, "BEGIN:VEVENT\r\n"), 3);
	free(u);
	free(f);

	/* Kajaani: participant of Hytetu and its own kuntaneuvottelu */
	f = feed(-1, 1);
	u = unfold(f);
	assert_non_null(strstr(u, "UID:kuntaneuvottelu.kajaani@"));
	assert_non_null(strstr(u, "UID:hytetu-foorumi@"));
	assert_null(strstr(u, "UID:kuntaneuvottelu.sotkamo@"));
	free(u);
	free(f);
}

static void
feed__forum_filter__all_members_of_that_forum(void **state)
{
	(void)state;
	char *f = feed(1, -1), *u = unfold(f);

	assert_non_null(strstr(u, "UID:kuntaneuvottelu.kajaani@"));
	assert_non_null(strstr(u, "UID:kuntaneuvottelu.sotkamo@"));
	assert_null(strstr(u, "UID:hytetu-foorumi@"));
	/* 2 masters + Kajaani's holiday move + Sotkamo's two spreads */
	assert_int_equal(count(u, "BEGIN:VEVENT\r\n"), 5);
	assert_int_equal(count(u, "BEGIN:VTIMEZONE\r\n"), 1);
	free(u);
	free(f);
}

static void
series_hash__occurrence_moved__changes_only_then(void **state)
{
	(void)state;
	char h1[65], h2[65], h3[65], other[65];

	cad_ical_series_hash(&cfg, NULL, &plan, 0, h1);
	assert_int_equal(strlen(h1), 64);
	assert_int_equal(strspn(h1, "0123456789abcdef"), 64);

	/* SEQUENCE / DTSTAMP are not content: same plan, same hash */
	states[0].sequence = 99;
	cad_ical_series_hash(&cfg, NULL, &plan, 0, h2);
	states[0].sequence = 3;
	assert_string_equal(h1, h2);

	/* another series' move does not touch this one */
	occ[2].day += 1;
	cad_ical_series_hash(&cfg, NULL, &plan, 0, h2);
	assert_string_equal(h1, h2);
	cad_ical_series_hash(&cfg, NULL, &plan, 1, other);
	occ[2].day -= 1;
	cad_ical_series_hash(&cfg, NULL, &plan, 1, h3);
	assert_string_not_equal(other, h3);

	/* moving the 2026 meeting by one hour changes it */
	occ[4].time += 60;
	occ[4].moved = CAD_MOVED_PERSON;
	cad_ical_series_hash(&cfg, NULL, &plan, 0, h2);
	assert_string_not_equal(h1, h2);

	/* and moving it back restores it */
	occ[4].time -= 60;
	occ[4].moved = CAD_MOVED_NONE;
	cad_ical_series_hash(&cfg, NULL, &plan, 0, h3);
	assert_string_equal(h1, h3);

	/* a new location is visible to subscribers */
	forums[0].location = "Sotkamo";
	cad_ical_series_hash(&cfg, NULL, &plan, 0, h2);
	forums[0].location = "Kajaanin kaupungintalo";
	assert_string_not_equal(h1, h2);
}

static void
series_hashes__every_series__same_as_one_at_a_time(void **state)
{
	(void)state;
	char all[sizeof series / sizeof series[0]][65], one[65];

	/* the series interleave in plan.occ; the fourth has no occurrence */
	cad_ical_series_hashes(&cfg, NULL, &plan, all);
	for (size_t s = 0; s < plan.nseries; s++) {
		cad_ical_series_hash(&cfg, NULL, &plan, s, one);
		assert_string_equal(all[s], one);
	}
	/* each series has its own content */
	assert_string_not_equal(all[0], all[1]);
}

/* the RRULE line of the master VEVENT ev (unfolded), malloc'd */
static char *
rrule_line(const char *ev)
{
	const char *p = strstr(ev, "\r\nRRULE:"), *e;

	assert_non_null(p);
	p += 2;
	e = strstr(p, "\r\n");
	assert_non_null(e);
	char *r = strndup(p, (size_t)(e - p));
	assert_non_null(r);
	return r;
}

static void
feed__forum_with_rrule__rrule_with_count_no_rdate(void **state)
{
	(void)state;
	/* 2nd Tuesdays of October: 13.10.2026 (1.10. a Thursday), 12.10.2027
	   (1.10. a Friday), 10.10.2028 (1.10. a Sunday): all three planned
	   RECURRENCE-IDs are the rule's, so COUNT=3 and nothing else */
	forums[0].rrule = "FREQ=YEARLY;BYMONTH=10;BYDAY=2TU";
	char *f = feed(0, -1), *u = unfold(f), *ev, *rr;

	ev = event_with(u, "DTSTART;TZID=Europe/Helsinki:20261013T130000");
	assert_non_null(ev);
	rr = rrule_line(ev);
	assert_true(strncmp(rr, "RRULE:FREQ=YEARLY;", 18) == 0);
	assert_non_null(strstr(rr, ";COUNT=3"));
	assert_non_null(strstr(rr, ";BYDAY=2TU"));
	assert_non_null(strstr(rr, ";BYMONTH=10"));
	assert_null(strstr(ev, "RDATE"));
	assert_null(strstr(ev, "EXDATE"));
	free(rr);
	free(ev);
	/* the overrides are unchanged */
	assert_int_equal(count(u, "\r\nRECURRENCE-ID;TZID=Europe/Helsinki:"),
	    2);
	free(u);
	free(f);
}

static void
feed__rule_instance_not_planned__exdate_like_dtstart(void **state)
{
	(void)state;
	/* the 2027 meeting is not in the plan (say, a blackout): the rule
	   still counts 12.10.2027 (COUNT=3 up to 10.10.2028) and it is
	   excluded with an EXDATE in the zone and type of DTSTART */
	forums[0].rrule = "FREQ=YEARLY;BYMONTH=10;BYDAY=2TU";
	occ[5] = occ[6];
	plan.nocc = 6;
	char *f = feed(0, -1), *u = unfold(f), *ev, *rr;

	ev = event_with(u, "DTSTART;TZID=Europe/Helsinki:20261013T130000");
	assert_non_null(ev);
	rr = rrule_line(ev);
	assert_non_null(strstr(rr, ";COUNT=3"));
	assert_int_equal(count(ev, "\r\nEXDATE"), 1);
	assert_non_null(strstr(ev,
	    "\r\nEXDATE;TZID=Europe/Helsinki:20271012T130000\r\n"));
	assert_null(strstr(ev, "RDATE"));
	free(rr);
	free(ev);
	free(u);
	free(f);
}

/* the master VEVENT (DTSTART local time dtstart) of series 0 (Hytetu)
   as an invitation, unfolded */
static char *
invitation_event(const char *dtstart)
{
	struct cad_buf b;
	struct cad_error err = { "" };
	char *u, *ev;

	cad_buf_init(&b, 0);
	assert_int_equal(cad_ical_invitation(&cfg, &ctx, &plan, states,
	    "Hytetu", DTSTAMP, &b, &err), 0);
	u = unfold(b.data);
	cad_buf_release(&b);
	char *line = cad_asprintf("\r\nDTSTART;TZID=Europe/Helsinki:%s\r\n",
	    dtstart);
	ev = event_with(u, line);
	free(line);
	assert_non_null(ev);
	free(u);
	return ev;
}

/* the master of series 0 with rule from 1.1.2026 as an invitation; *rr:
   its RRULE line */
static char *
invitation_of(char *rule, const char *dtstart, char **rr)
{
	char *ev;

	forums[0].rrule = rule;
	forums[0].start = D(2026, 1, 1);
	ev = invitation_event(dtstart);
	*rr = rrule_line(ev);
	return ev;
}

#define EXDATES_2029_2030 "\r\nEXDATE;TZID=Europe/Helsinki:" \
	"20291009T130000,20301008T130000\r\n"

/*
 * Standing on 15.1.2026 with horizon_days 0 the publish window ends
 * 31.12.2026 and the invitations' 31.12.2030 (the first multiple of 5
 * after 2026).  2nd Tuesdays of October on from 2028 (1.10. a Sunday:
 * 10.10.): 1.10.2029 is a Monday (2028 is a leap year but October 2028
 * -> October 2029 has no 29 February: + 365 days, + 1 weekday) -> 9.10.;
 * 1.10.2030 a Tuesday -> 8.10.; 1.10.2031 a Wednesday -> 14.10.  The
 * plan has nothing in 2029 and 2030 (say, blackouts): an open rule goes
 * without COUNT, its 2029 and 2030 instances excluded, nothing after
 * 2030 (the plan does not know it).
 */
static void
invitation__open_rule__no_count_exdates_to_the_invitation_end(void **state)
{
	char *rr, *ev = invitation_of("FREQ=YEARLY;BYMONTH=10;BYDAY=2TU",
	    "20261013T130000", &rr);

	(void)state;
	assert_null(strstr(rr, "COUNT="));
	assert_null(strstr(rr, "UNTIL="));
	assert_int_equal(count(ev, "\r\nEXDATE"), 1);
	assert_non_null(strstr(ev, EXDATES_2029_2030));
	free(rr);
	free(ev);
}

/*
 * A rule with its own COUNT=6 from 1.1.2026: 13.10.2026, 12.10.2027,
 * 10.10.2028, 9.10.2029, 8.10.2030 and 14.10.2031 (above).  The
 * invitation carries that bound, whatever the windows: COUNT=6 from
 * DTSTART 13.10.2026; without the 2026 meeting in the plan (a blackout)
 * DTSTART is 12.10.2027 and COUNT=5, the same last instance.  2029 and
 * 2030 are excluded as the plan has them not; 2031 is past what the
 * plan knows and is left to the rule.
 */
static void
invitation__own_count__carried_not_the_windows(void **state)
{
	char *rr, *ev = invitation_of(
	    "FREQ=YEARLY;BYMONTH=10;BYDAY=2TU;COUNT=6", "20261013T130000", &rr);

	(void)state;
	assert_non_null(strstr(rr, ";COUNT=6"));
	assert_non_null(strstr(ev, EXDATES_2029_2030));
	assert_null(strstr(ev, "20311014"));
	free(rr);
	free(ev);

	occ[4] = occ[6];	/* 13.10.2026 gone */
	plan.nocc = 6;
	ev = invitation_event("20271012T130000");
	rr = rrule_line(ev);
	assert_non_null(strstr(rr, ";COUNT=5"));
	free(rr);
	free(ev);
}

static void
feed__per_term_forum__yearly_rule_other_years_excluded(void **state)
{
	(void)state;
	/* per_term: 2nd Tuesday of October in the 1st year of the terms
	   starting 1.6.2025 and 1.6.2029: 14.10.2025 (1.10. a Wednesday)
	   and 9.10.2029 (1.10. a Monday), at 12:00.  As a yearly rule the
	   years between are EXDATEs: 13.10.2026, 12.10.2027, 10.10.2028 */
	forums[2].has_per_term = true;
	forums[2].per_term = (struct cad_per_term){ .year = 1, .month = 10,
	    .weekday = 1, .week = 2 };
	set_occ(7, 3, D(2025, 10, 14), 720, D(2025, 10, 14), 720, 240,
	    CAD_CONFIRMED, CAD_MOVED_NONE);
	set_occ(8, 3, D(2029, 10, 9), 720, D(2029, 10, 9), 720, 240,
	    CAD_CONFIRMED, CAD_MOVED_NONE);
	plan.nocc = 9;
	char *f = feed(2, -1), *u = unfold(f), *ev, *rr;

	ev = event_with(u, "DTSTART;TZID=Europe/Helsinki:20251014T120000");
	assert_non_null(ev);
	rr = rrule_line(ev);
	assert_true(strncmp(rr, "RRULE:FREQ=YEARLY;", 18) == 0);
	assert_non_null(strstr(rr, ";COUNT=5"));
	assert_non_null(strstr(rr, ";BYDAY=2TU"));
	assert_non_null(strstr(rr, ";BYMONTH=10"));
	/* one EXDATE line per value type, in order */
	assert_int_equal(count(ev, "\r\nEXDATE"), 1);
	assert_non_null(strstr(ev, "\r\nEXDATE;TZID=Europe/Helsinki:"
	    "20261013T120000,20271012T120000,20281010T120000\r\n"));
	free(rr);
	free(ev);
	free(u);
	free(f);

	/* one meeting only: a plain event, no rule at all */
	plan.nocc = 8;
	f = feed(2, -1);
	u = unfold(f);
	ev = event_with(u, "DTSTART;TZID=Europe/Helsinki:20251014T120000");
	assert_non_null(ev);
	assert_null(strstr(ev, "RRULE"));
	assert_null(strstr(ev, "RDATE"));
	free(ev);
	free(u);
	free(f);
}

static void
feed__monthly_with_bymonth__written_as_yearly(void **state)
{
	(void)state;
	/* MONTHLY;BYMONTH=2;BYMONTHDAY=1 = YEARLY;BYMONTH=2;BYMONTHDAY=1
	   (RFC 5545 3.3.10); ical.js 1.5 throws on the MONTHLY form.  The
	   kuntaneuvottelu RECURRENCE-IDs are 1.2.2026 and 1.2.2027. */
	forums[1].rrule = "FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=1";
	char *f = feed(1, -1), *u = unfold(f), *ev, *rr;

	assert_null(strstr(u, "FREQ=MONTHLY"));
	ev = event_with(u, "UID:kuntaneuvottelu.sotkamo@kainuu.example\r\n"
	    "DTSTAMP");
	assert_non_null(ev);
	rr = rrule_line(ev);
	assert_true(strncmp(rr, "RRULE:FREQ=YEARLY;", 18) == 0);
	assert_non_null(strstr(rr, ";COUNT=2"));
	assert_non_null(strstr(rr, ";BYMONTHDAY=1"));
	assert_non_null(strstr(rr, ";BYMONTH=2"));
	assert_null(strstr(ev, "EXDATE"));
	free(rr);
	free(ev);
	free(u);
	free(f);
}

static void
feed__name_with_text_specials__escaped_alike_in_both(void **state)
{
	(void)state;
	struct cad_buf b;
	struct cad_error err = { "" };

	/* RFC 5545 3.3.11: ',' ';' '\\' escaped with a backslash */
	cad_buf_init(&b, 0);
	assert_int_equal(cad_ical_feed(&cfg, &ctx, &plan, states, -1, -1,
	    "Kainuu, Kajaani; a\\b", DTSTAMP, &b, &err), 0);
	char *u = unfold(b.data);
	assert_non_null(strstr(u, "\r\nNAME:Kainuu\\, Kajaani\\; a\\\\b\r\n"));
	assert_non_null(strstr(u,
	    "\r\nX-WR-CALNAME:Kainuu\\, Kajaani\\; a\\\\b\r\n"));
	assert_int_equal(count(u, "X-WR-CALNAME"), 1);
	free(u);
	cad_buf_release(&b);
}

/* ---------------------------------------------------------------- */
/* feeds from one set of shared series text */

static char *
set_feed(struct cad_ical_set *set, int forum, int party, int64_t stamp)
{
	struct cad_buf b;
	struct cad_error err = { "" };

	cad_buf_init(&b, 0);
	assert_int_equal(cad_ical_set_feed(set, forum, party,
	    "Kainuun yhteistyö", stamp, &b, &err), 0);
	return cad_buf_steal(&b);
}

static void
set_feed__two_stamps_one_set__each_feed_its_own_dtstamp(void **state)
{
	struct cad_ical_set *set;
	struct cad_error err = { "" };
	char *a, *f, *old;

	(void)state;
	assert_int_equal(cad_ical_set_new(&cfg, &ctx, &plan, states, &set,
	    &err), 0);
	/* DTSTAMP = day 20454 = 2026-01-01 00:00Z; the forum feed one hour,
	   one minute and one second later: 2026-01-01 01:01:01Z */
	a = set_feed(set, -1, -1, DTSTAMP);
	f = set_feed(set, 1, -1, DTSTAMP + 3661);
	/* all.ics: Hytetu master + 2 overrides, two kuntaneuvottelu masters
	   + 3 overrides (see setup): 8 VEVENTs, each with the feed's stamp */
	assert_int_equal(count(a, "BEGIN:VEVENT\r\n"), 8);
	assert_int_equal(count(a, "\r\nDTSTAMP:20260101T000000Z\r\n"), 8);
	/* the forum feed: 2 masters + 3 overrides, shared text, new stamp */
	assert_int_equal(count(f, "BEGIN:VEVENT\r\n"), 5);
	assert_int_equal(count(f, "\r\nDTSTAMP:20260101T010101Z\r\n"), 5);
	assert_int_equal(count(f, "DTSTAMP:20260101T000000Z"), 0);
	/* the stored LAST-MODIFIED is not a stamp: Hytetu's stays
	   DTSTAMP - 1 day = 2025-12-31 */
	assert_non_null(strstr(a, "\r\nLAST-MODIFIED:20251231T000000Z\r\n"));
	/* the same bytes as a feed rendered on its own */
	old = feed(-1, -1);
	assert_string_equal(a, old);
	free(old);
	free(a);
	/* all.ics again after the forum feed: still its own stamp */
	a = set_feed(set, -1, -1, DTSTAMP);
	assert_int_equal(count(a, "DTSTAMP:20260101T010101Z"), 0);
	free(a);
	free(f);
	cad_ical_set_free(set);
}

/* the pieces of doc, one after the other, are want; doc released */
static void
doc_is(struct cad_ical_doc *doc, const char *want)
{
	struct cad_buf b;

	cad_buf_init(&b, 0);
	for (size_t i = 0; i < doc->npieces; i++)
		cad_buf_add(&b, doc->pieces[i].data, doc->pieces[i].len);
	assert_int_equal(cad_buf_error(&b), 0);
	assert_int_equal(b.len, doc->len);
	assert_string_equal(b.data, want);
	cad_buf_release(&b);
	cad_ical_doc_release(doc);
}

static char *flat_set(struct cad_ical_set *, int, int, int64_t);

/* every party's document (flat or not) from a set == its feed; the
   set goes back, the ceiling -E2BIG with nothing kept */
static struct cad_ical_set *
docs_are_feeds(bool flat)
{
	struct cad_ical_set *set;
	struct cad_ical_doc doc;
	struct cad_error err = { "" };
	char *want;

	assert_int_equal(cad_ical_set_new(&cfg, &ctx, &plan, states, &set,
	    &err), 0);
	for (int party = -1; party < 3; party++) {
		want = flat ? flat_set(set, -1, party, DTSTAMP) :
		    set_feed(set, -1, party, DTSTAMP);
		assert_int_equal((flat ? cad_flat_doc : cad_ical_set_doc)(set,
		    -1, party, "Kainuun yhteistyö", DTSTAMP, 0, &doc, &err),
		    0);
		doc_is(&doc, want);
		free(want);
	}
	/* a ceiling below the feed's length: -E2BIG, nothing kept */
	assert_int_equal((flat ? cad_flat_doc : cad_ical_set_doc)(set, -1, -1,
	    "n", DTSTAMP, 100, &doc, &err), -E2BIG);
	assert_null(doc.pieces);
	assert_null(doc.own);
	if (!flat)
		return set;
	cad_ical_set_free(set);
	return NULL;
}

static void
set_doc__pieces__concatenate_to_the_feed(void **state)
{
	struct cad_ical_set *set;
	struct cad_error err = { "" };
	struct cad_buf b;

	(void)state;
	set = docs_are_feeds(false);
	/* the text outlives the plan's indexes, not new feeds */
	cad_ical_set_finish(set);
	cad_buf_init(&b, 0);
	assert_int_not_equal(cad_ical_set_feed(set, -1, -1, "n", DTSTAMP, &b,
	    &err), 0);
	cad_buf_release(&b);
	cad_ical_set_free(set);
}

static void
set_feed__party_left_part_way__own_text_shared_text_intact(void **state)
{
	struct cad_termination tm = { .party = "kajaani",
	    .noticed = 0, .effective = 0 };
	struct cad_ical_set *set;
	struct cad_error err = { "" };
	char *k, *a, *u;

	(void)state;
	/* Kajaani's membership ends 2027-01-01: of Hytetu (13.10.2026,
	   12.10.2027, 10.10.2028) only 13.10.2026 concerns it, and of its
	   own kuntaneuvottelu only the meeting of 2.2.2026 */
	tm.noticed = D(2026, 1, 1);
	tm.effective = D(2027, 1, 1);
	ctx.terminations = &tm;
	ctx.nterminations = 1;
	assert_int_equal(cad_ical_set_new(&cfg, &ctx, &plan, states, &set,
	    &err), 0);
	a = set_feed(set, -1, -1, DTSTAMP);
	k = set_feed(set, -1, 1, DTSTAMP);
	u = unfold(k);
	/* one meeting each: plain events, no RRULE/RDATE, no overrides of
	   the later instances */
	assert_int_equal(count(u, "UID:hytetu-foorumi@"), 1);
	/* the holiday-moved 2.2.2026 alone: its final time, no
	   RECURRENCE-ID (RFC 5545 § 3.8.4.4: recurring components only) */
	assert_int_equal(count(u, "UID:kuntaneuvottelu.kajaani@"), 1);
	assert_null(strstr(u, "RECURRENCE-ID"));
	assert_non_null(strstr(u,
	    "DTSTART;TZID=Europe/Helsinki:20260202T090000"));
	assert_null(strstr(u, "RDATE"));
	assert_null(strstr(u, "20271014T100000"));
	assert_null(strstr(u, "RECURRENCE-ID;TZID=Europe/Helsinki:20281010"));
	free(u);
	/* the shared text still has every instance */
	u = unfold(a);
	assert_non_null(strstr(u, "DTSTART;TZID=Europe/Helsinki:20271014T100000"));
	assert_non_null(strstr(u,
	    "RECURRENCE-ID;TZID=Europe/Helsinki:20281010T130000"));
	free(u);
	/* the same as the feeds on their own */
	u = feed(-1, 1);
	assert_string_equal(k, u);
	free(u);
	u = feed(-1, -1);
	assert_string_equal(a, u);
	free(u);
	free(a);
	free(k);
	cad_ical_set_free(set);
	ctx.terminations = NULL;
	ctx.nterminations = 0;
}

/* ---------------------------------------------------------------- */
/* flat feeds (SPEC § 10.6): shared per-occurrence text */

/*
 * The flat feed as one libical tree, the straightforward way: the
 * calendar, the VTIMEZONE, then each CONFIRMED occurrence of the feed
 * (plan order) as its instance VEVENT under "<RECURRENCE-ID>-<uid>".
 * What the shared text must give byte for byte.
 */
static char *
flat_tree(const struct cad_series_state *st, int forum, int party,
    int64_t stamp)
{
	struct cad_error err = { "" };
	icalcomponent *cal, *vtz, *ev;
	struct cad_buf b;
	char uid[128];

	assert_int_equal(cad_ical_vtimezone(TZ, &vtz, &err), 0);
	cal = cad_ical_publish_calendar(&cfg, "Kainuun yhteistyö");
	icalcomponent_add_component(cal, vtz);
	for (size_t i = 0; i < plan.nocc; i++) {
		const struct cad_occurrence *o = &plan.occ[i];
		struct icaltimetype t;
		if (o->status != CAD_CONFIRMED || (forum >= 0 &&
		    series[o->series].forum != forum) || (party >= 0 &&
		    !cad_plan_involves(&cfg, &ctx, &plan, o, party)))
			continue;
		ev = cad_ical_occurrence_event(&cfg, &plan, o,
		    st != NULL ? &st[o->series] : NULL, stamp);
		t = cad_ical_local_time(o->rid_day, o->rid_time);
		snprintf(uid, sizeof uid, "%04d%02d%02dT%02d%02d%02d-%s",
		    t.year, t.month, t.day, t.hour, t.minute, t.second,
		    series[o->series].uid);
		icalcomponent_set_uid(ev, uid);
		icalcomponent_add_component(cal, ev);
	}
	cad_buf_init(&b, 0);
	assert_int_equal(cad_ical_write(&b, cal, &err), 0);
	icalcomponent_free(cal);
	return cad_buf_steal(&b);
}

static char *
flat_set(struct cad_ical_set *set, int forum, int party, int64_t stamp)
{
	struct cad_buf b;
	struct cad_error err = { "" };

	cad_buf_init(&b, 0);
	assert_int_equal(cad_flat_feed(set, forum, party, "Kainuun yhteistyö", stamp,
	    &b, &err), 0);
	return cad_buf_steal(&b);
}

/* every flat feed of the fixture from one set == its own tree */
static void
flat_every_feed_as_tree(const struct cad_series_state *st)
{
	struct cad_ical_set *set;
	struct cad_error err = { "" };

	assert_int_equal(cad_ical_set_new(&cfg, &ctx, &plan, st, &set, &err),
	    0);
	for (int forum = -1; forum < 3; forum++)
		for (int party = -1; party < 3; party++) {
			/* a stamp of its own per feed: shared text, own
			   DTSTAMP */
			int64_t stamp = DTSTAMP + 61 * (forum + 1) +
			    3600 * (party + 1);
			char *got = flat_set(set, forum, party, stamp);
			char *want = flat_tree(st, forum, party, stamp);
			assert_string_equal(got, want);
			free(got);
			free(want);
		}
	cad_ical_set_free(set);
}

static void
flat_feed__all__one_event_per_confirmed_occurrence(void **state)
{
	struct cad_ical_set *set;
	struct cad_error err = { "" };
	char *a, *u, *ev;

	(void)state;
	assert_int_equal(cad_ical_set_new(&cfg, &ctx, &plan, states, &set,
	    &err), 0);
	a = flat_set(set, -1, -1, DTSTAMP);
	u = unfold(a);
	/* 7 occurrences, 10.10.2028 cancelled: 6 events, plain ones (the
	   VTIMEZONE's observances have their RRULEs) */
	ev = strstr(u, "END:VTIMEZONE\r\n");
	assert_non_null(ev);
	assert_int_equal(count(ev, "BEGIN:VEVENT\r\n"), 6);
	assert_int_equal(count(ev, "\r\nDTSTAMP:20260101T000000Z\r\n"), 6);
	assert_null(strstr(ev, "RRULE"));
	assert_null(strstr(ev, "RDATE"));
	assert_null(strstr(ev, "EXDATE"));
	assert_null(strstr(ev, "RECURRENCE-ID"));
	assert_null(strstr(ev, "20281010"));
	/* the UID is the RECURRENCE-ID in local time: Sotkamo's 1.2.2026
	   meeting, spread to 3.2., keeps 20260201T090000 */
	assert_non_null(strstr(u, "\r\nUID:20260201T090000-"
	    "kuntaneuvottelu.sotkamo@kainuu.example\r\n"));
	assert_non_null(strstr(u,
	    "\r\nDTSTART;TZID=Europe/Helsinki:20260203T090000\r\n"));
	/* the person's move: 12.10.2027 13.00 -> 14.10. 10.00 */
	assert_non_null(strstr(u, "\r\nUID:20271012T130000-"
	    "hytetu-foorumi@kainuu.example\r\n"));
	assert_non_null(strstr(u,
	    "\r\nDTSTART;TZID=Europe/Helsinki:20271014T100000\r\n"));
	free(u);
	free(a);
	cad_ical_set_free(set);
}

static void
flat_feed__every_filter__same_bytes_as_one_libical_tree(void **state)
{
	(void)state;
	flat_every_feed_as_tree(states);
	/* no stored state: CREATED and LAST-MODIFIED are the stamp too */
	flat_every_feed_as_tree(NULL);
}

static void
flat_feed__party_left_part_way__same_bytes_as_tree(void **state)
{
	struct cad_termination tm = { .party = "kajaani" };
	struct cad_ical_set *set;
	struct cad_error err = { "" };
	char *k;

	(void)state;
	tm.noticed = D(2026, 1, 1);
	tm.effective = D(2027, 1, 1);
	ctx.terminations = &tm;
	ctx.nterminations = 1;
	flat_every_feed_as_tree(states);
	/* Kajaani's: Hytetu 13.10.2026 and its own 2.2.2026, no more */
	assert_int_equal(cad_ical_set_new(&cfg, &ctx, &plan, states, &set,
	    &err), 0);
	k = flat_set(set, -1, 1, DTSTAMP);
	assert_int_equal(count(k, "BEGIN:VEVENT\r\n"), 2);
	assert_non_null(strstr(k, "UID:20261013T130000-hytetu-foorumi@"));
	assert_non_null(strstr(k, "UID:20260201T090000-kuntaneuvottelu."
	    "kajaani@"));
	free(k);
	cad_ical_set_free(set);
	ctx.terminations = NULL;
	ctx.nterminations = 0;
}

/*
 * The hytetu forum's plain meetings differ in their first lines only
 * (UID, DTSTART, DTEND): the first goes through libical, each later one
 * is its text with those written in up to DTEND and shares the rest,
 * its long folded DESCRIPTION among it -- the bytes still those of the
 * tree, with stored state (a DTSTAMP to fill in) and without (DTSTAMP,
 * CREATED and LAST-MODIFIED).
 */
static void
flat_alike(const struct cad_series_state *st)
{
	struct cad_ical_set *set;
	struct cad_error err = { "" };
	const struct cad_ical_frag *first, *fr;
	char *a, *want;

	assert_int_equal(cad_ical_set_new(&cfg, &ctx, &plan, st, &set, &err),
	    0);
	a = flat_set(set, 0, -1, DTSTAMP);
	want = flat_tree(st, 0, -1, DTSTAMP);
	assert_string_equal(a, want);
	/* 13.10.2026, the first, is whole; the plain ones after it keep
	   their beginning, stamps included, and share the rest of it */
	first = &set->flat[4];
	assert_true(first->done);
	assert_int_equal(first->taillen, 0);
	for (size_t i = 7; i < 9; i++) {
		fr = &set->flat[i];
		assert_true(fr->done);
		assert_true(fr->taillen > fr->len);
		assert_true(fr->tail > first->text &&
		    fr->tail + fr->taillen == first->text + first->len);
		assert_int_equal(fr->nslots, st != NULL ? 1 : 3);
		assert_true(fr->slots[fr->nslots - 1] + CAD_ICAL_STAMP_LEN <=
		    fr->len);
	}
	free(want);
	free(a);
	cad_ical_set_free(set);
}

/* occurrence i: series s's meeting at its own time, kept */
static void
plain_occ(size_t i, size_t s, int day, int time, int duration)
{
	set_occ(i, s, day, time, day, time, duration, CAD_CONFIRMED,
	    CAD_MOVED_NONE);
}

static void
flat_feed__alike_occurrences__share_their_text(void **state)
{
	(void)state;
	/* two more plain meetings: 9.10.2029 and 8.10.2030 */
	plain_occ(7, 0, D(2029, 10, 9), 780, 180);
	plain_occ(8, 0, D(2030, 10, 8), 780, 180);
	plan.nocc = 9;
	flat_alike(states);
	flat_alike(NULL);
	/* strategic forum meetings at night: the two over the change to
	   summer time end by a DURATION (3 hours' wall time, 2 real), the
	   one in June by DTEND; only alike ones share */
	plain_occ(9, 3, D(2031, 3, 30), 120, 120);
	plain_occ(10, 3, D(2032, 3, 28), 120, 120);
	plain_occ(11, 3, D(2032, 6, 1), 120, 120);
	plan.nocc = 12;
	flat_every_feed_as_tree(states);
	flat_every_feed_as_tree(NULL);
}

static void
flat_feed__over_a_dst_change__alike_ones_only(void **state)
{
	struct cad_ical_set *set;
	struct cad_error err = { "" };
	char *a;

	flat_feed__alike_occurrences__share_their_text(state);
	assert_int_equal(cad_ical_set_new(&cfg, &ctx, &plan, states, &set,
	    &err), 0);
	a = flat_set(set, 2, -1, DTSTAMP);
	assert_int_equal(count(a, "\r\nDURATION:PT2H\r\n"), 2);
	assert_int_equal(count(a, "\r\nDTEND;"), 1);
	assert_int_equal(set->flat[9].taillen, 0);
	assert_true(set->flat[10].taillen > 0 && set->flat[10].tail >
	    set->flat[9].text && set->flat[10].tail <
	    set->flat[9].text + set->flat[9].len);
	/* June's went through libical: its end is shared, not its DTEND */
	assert_non_null(strstr(set->flat[11].text, "\r\nDTEND;"));
	free(a);
	cad_ical_set_free(set);
}

static void
flat_doc__pieces__concatenate_to_the_flat_feed(void **state)
{
	(void)state;
	docs_are_feeds(true);
}

static int
teardown_all(void **state)
{
	(void)state;
	icaltimezone_free_builtin_timezones();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(
		    feed__all__crlf_folded_at_75_octets_utf8_intact, setup),
		cmocka_unit_test_setup(
		    feed__all__one_vtimezone_with_current_eu_rules, setup),
		cmocka_unit_test_setup(
		    feed__zone_without_dst__single_standard, setup),
		cmocka_unit_test_setup(
		    feed__unknown_zone__einval_and_out_untouched, setup),
		cmocka_unit_test_setup(
		    feed__all__calendar_properties_for_subscribers, setup),
		cmocka_unit_test_setup(
		    feed__all__masters_rdates_and_overrides, setup),
		cmocka_unit_test_setup(
		    feed__attendees_not_published__names_only, setup),
		cmocka_unit_test_setup(
		    feed__attendees_published__chair_and_participants, setup),
		cmocka_unit_test_setup(
		    feed__party_filter__only_that_partys_series, setup),
		cmocka_unit_test_setup(
		    feed__forum_filter__all_members_of_that_forum, setup),
		cmocka_unit_test_setup(
		    series_hash__occurrence_moved__changes_only_then, setup),
		cmocka_unit_test_setup(
		    series_hashes__every_series__same_as_one_at_a_time, setup),
		cmocka_unit_test_setup(
		    feed__forum_with_rrule__rrule_with_count_no_rdate, setup),
		cmocka_unit_test_setup(
		    feed__rule_instance_not_planned__exdate_like_dtstart, setup),
		cmocka_unit_test_setup(
		    invitation__open_rule__no_count_exdates_to_the_invitation_end,
		    setup),
		cmocka_unit_test_setup(
		    invitation__own_count__carried_not_the_windows, setup),
		cmocka_unit_test_setup(
		    feed__per_term_forum__yearly_rule_other_years_excluded,
		    setup),
		cmocka_unit_test_setup(
		    feed__monthly_with_bymonth__written_as_yearly, setup),
		cmocka_unit_test_setup(
		    feed__name_with_text_specials__escaped_alike_in_both, setup),
		cmocka_unit_test_setup(
		    set_feed__two_stamps_one_set__each_feed_its_own_dtstamp,
		    setup),
		cmocka_unit_test_setup(
		    set_doc__pieces__concatenate_to_the_feed, setup),
		cmocka_unit_test_setup(
		    set_feed__party_left_part_way__own_text_shared_text_intact,
		    setup),
		cmocka_unit_test_setup(
		    flat_feed__all__one_event_per_confirmed_occurrence, setup),
		cmocka_unit_test_setup(
		    flat_feed__every_filter__same_bytes_as_one_libical_tree,
		    setup),
		cmocka_unit_test_setup(
		    flat_feed__party_left_part_way__same_bytes_as_tree, setup),
		cmocka_unit_test_setup(
		    flat_doc__pieces__concatenate_to_the_flat_feed, setup),
		cmocka_unit_test_setup(
		    flat_feed__alike_occurrences__share_their_text, setup),
		cmocka_unit_test_setup(
		    flat_feed__over_a_dst_change__alike_ones_only, setup),
	};
	return cmocka_run_group_tests_name("ical", tests, NULL, teardown_all);
}
