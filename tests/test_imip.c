/*
 * test_imip.c - invitations as iTIP objects and iMIP messages (SPEC § 6):
 * MIME structure, RFC 2047 subject, METHOD in calendar and MIME part,
 * ORGANIZER/ATTENDEE parameters, CANCEL of one instance and of a whole
 * series.  Calendars are read back with libical; base64 and RFC 2047 are
 * decoded here by hand (independently of core/render/imip.c).
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

#include "render/imip.h"

#include "b64.h"

/* 2026-02-10T11:00:00Z: 2026-02-10 is day 20494 (see test_ical.c) */
#define NOW		(20494LL * 86400 + 11 * 3600)
#define TZ		"Europe/Helsinki"

static struct cad_party parties[] = {
	{ .id = "hva", .name = "Kainuun hyvinvointialue",
	    .email = "kirjaamo@hva.example" },
	{ .id = "kajaani", .name = "Kajaanin kaupunki",
	    .email = "kirjaamo@kajaani.example" },
};
static int participants[] = { 0, 1 };
static struct cad_forum forums[] = {
	{ .id = "hytetu-foorumi", .name = "Kainuun Hytetu -yhteistyöfoorumi",
	    .legal_basis = "612/2021 6–7 §", .location = "Kajaani",
	    .convenor = 0, .first_convenor = -1, .participants = participants,
	    .nparticipants = 2, .rrule = "FREQ=YEARLY;BYMONTH=10;BYDAY=2TU",
	    .time = 13 * 60, .duration = 180 },
};
static struct cad_series series[] = {
	{ .uid = "hytetu-foorumi@kainuu.example", .forum = 0, .party = -1,
	    .group = -1,
	    .convenor = 0 },
};
static const struct cad_series_state state = { .sequence = 4,
	.last_modified = NOW - 3600, .created = NOW - 86400 };
static const struct cad_imip_attendee att[] = {
	{ "kirjaamo@hva.example", "Kainuun hyvinvointialue", true },
	{ "kirjaamo@kajaani.example", "Kajaanin kaupunki", false },
};

static struct cad_config cfg;
static struct cad_occurrence occ[5];
static struct cad_plan plan;
static struct cad_plan_ctx ctx;

static int
D(int y, int m, int d)
{
	return cad_days_from_civil(y, m, d);
}

/*
 * 2nd Tuesday of October, 13:00: 1.10.2026 is a Thursday -> 13.10.2026;
 * 1.10.2027 a Friday -> 12.10.2027 (cancelled here); 1.10.2028 a Sunday
 * -> 10.10.2028; 1.10.2029 a Monday -> 9.10.2029; 1.10.2030 a Tuesday
 * -> 8.10.2030.  Standing on 10.2.2026 the invitations' window ends
 * 31.12.2030 (ical.h), and the plan reaches it.
 */
static int
setup(void **st)
{
	(void)st;
	memset(&cfg, 0, sizeof cfg);
	cfg.timezone = TZ;
	cfg.domain = "kainuu.example";
	cfg.base_url = "http://127.0.0.1:8080/";
	cfg.organizer_name = "Hyte-koordinaattori";
	cfg.organizer_email = "hyte@kainuu.example";
	cfg.parties = parties;
	cfg.nparties = 2;
	cfg.forums = forums;
	cfg.nforums = 1;
	int t = 13 * 60;
	occ[0] = (struct cad_occurrence){ .series = 0,
	    .rid_day = D(2026, 10, 13), .rid_time = t, .day = D(2026, 10, 13),
	    .time = t, .duration = 180 };
	occ[1] = (struct cad_occurrence){ .series = 0,
	    .rid_day = D(2027, 10, 12), .rid_time = t, .day = D(2027, 10, 12),
	    .time = t, .duration = 180, .status = CAD_CANCELLED,
	    .reason = "Testi" };
	occ[2] = (struct cad_occurrence){ .series = 0,
	    .rid_day = D(2028, 10, 10), .rid_time = t, .day = D(2028, 10, 10),
	    .time = t, .duration = 180 };
	occ[3] = occ[2];
	occ[3].rid_day = occ[3].day = D(2029, 10, 9);
	occ[4] = occ[2];
	occ[4].rid_day = occ[4].day = D(2030, 10, 8);
	plan.series = series;
	plan.nseries = 1;
	plan.occ = occ;
	plan.nocc = 5;
	memset(&ctx, 0, sizeof ctx);
	ctx.today = D(2026, 2, 10);
	return 0;
}

/* ---- independent decoders ---- */

/* base64 s[0..end) decoded (b64.h); malloc'd, NUL-terminated */
static char *
b64dec(const char *s, const char *end)
{
	char *out = calloc(1, (size_t)(end - s) + 1);

	assert_non_null(out);
	b64_decode(s, (size_t)(end - s), out);
	return out;
}

/* the header field value (unfolded) of name in the header block */
static char *
header(const char *msg, const char *name)
{
	size_t len = strlen(name);
	const char *p = msg, *hend = strstr(msg, "\r\n\r\n");

	while (p != NULL && p < hend) {
		if (strncmp(p, name, len) == 0 && p[len] == ':') {
			const char *v = p + len + 1;
			char *out = calloc(1, 2048);
			size_t n = 0;
			while (*v == ' ')
				v++;
			for (; v < hend + 2; v++) {
				if (v[0] == '\r' && v[1] == '\n') {
					if (v[2] != ' ' && v[2] != '\t')
						break;
					v += 1;	/* a fold */
					continue;
				}
				out[n++] = *v;
			}
			return out;
		}
		p = strstr(p, "\r\n");
		if (p != NULL)
			p += 2;
	}
	return NULL;
}

/* the body of the part whose headers contain ctype, base64-decoded */
static char *
part_body(const char *msg, const char *ctype)
{
	const char *p = strstr(msg, ctype), *body, *end;

	if (p == NULL)
		return NULL;
	body = strstr(p, "\r\n\r\n");
	assert_non_null(body);
	body += 4;
	end = strstr(body, "\r\n--");
	assert_non_null(end);
	return b64dec(body, end);
}

static char *
mail(enum cad_imip_kind kind, int rid_day, int rid_time)
{
	struct cad_buf b;
	struct cad_error err = { "" };
	int r;

	cad_buf_init(&b, 0);
	r = cad_imip_series_mail(&cfg, &ctx, &plan, 0, &state, kind, rid_day,
	    rid_time, att, 2, &att[0], NOW, &b, &err);
	if (r != 0)
		fail_msg("cad_imip_series_mail: %d %s", r, err.msg);
	return cad_buf_steal(&b);
}

static icalcomponent *
parse(const char *text)
{
	icalcomponent *c = icalparser_parse_string(text);

	assert_non_null(c);
	assert_int_equal(icalcomponent_isa(c), ICAL_VCALENDAR_COMPONENT);
	return c;
}

static size_t
count_vevents(icalcomponent *cal)
{
	size_t n = 0;

	for (icalcomponent *e = icalcomponent_get_first_component(cal,
	    ICAL_VEVENT_COMPONENT); e; e = icalcomponent_get_next_component(cal,
	    ICAL_VEVENT_COMPONENT))
		n++;
	return n;
}

/* ---- tests ---- */

static void
imip_series_mail__invite__multipart_mixed_with_alternative_and_attachment(
    void **st)
{
	char *m = mail(CAD_IMIP_INVITE, 0, 0);
	char *ct = header(m, "Content-Type");
	const char *alt, *plain, *cal, *attach;

	(void)st;
	/* every line ends in CRLF, none longer than RFC 5322's 998 */
	for (const char *p = m, *q; *p; p = q + 1) {
		q = strchr(p, '\n');
		assert_non_null(q);
		assert_true(q > p && q[-1] == '\r');
		assert_true(q - p <= 998);
	}
	assert_non_null(ct);
	assert_non_null(strstr(ct, "multipart/mixed; boundary="));
	assert_non_null(strstr(m, "\r\nMIME-Version: 1.0\r\n"));
	alt = strstr(m, "Content-Type: multipart/alternative; boundary=");
	plain = strstr(m, "Content-Type: text/plain; charset=utf-8\r\n");
	cal = strstr(m, "Content-Type: text/calendar; charset=utf-8; "
	    "method=REQUEST\r\n");
	attach = strstr(m, "Content-Disposition: attachment; "
	    "filename=\"invite.ics\"");
	assert_non_null(alt);
	assert_non_null(plain);
	assert_non_null(cal);
	assert_non_null(attach);
	/* the order: alternative { plain, calendar }, then the attachment */
	assert_true(alt < plain && plain < cal && cal < attach);
	assert_non_null(strstr(m, "name=\"invite.ics\""));

	char *from = header(m, "From"), *to = header(m, "To");
	assert_string_equal(from, "\"Hyte-koordinaattori\" "
	    "<hyte@kainuu.example>");
	assert_string_equal(to, "\"Kainuun hyvinvointialue\" "
	    "<kirjaamo@hva.example>");
	char *mid = header(m, "Message-ID");
	assert_non_null(mid);
	assert_true(mid[0] == '<');
	assert_non_null(strstr(mid, "@kainuu.example>"));
	/* 2026-02-10 11:00Z is 13:00 EET (UTC+2 in winter); a Tuesday */
	char *date = header(m, "Date");
	assert_string_equal(date, "Tue, 10 Feb 2026 13:00:00 +0200");

	/* the Finnish text: forum, next meeting, place, legal basis */
	char *text = part_body(m, "Content-Type: text/plain");
	assert_non_null(strstr(text, "Kainuun Hytetu -yhteistyöfoorumi"));
	assert_non_null(strstr(text, "ti 13.10.2026 klo 13.00"));
	assert_non_null(strstr(text, "Paikka: Kajaani"));
	assert_non_null(strstr(text, "612/2021 6–7 §"));
	/* the cancelled 12.10.2027 is listed as such */
	assert_non_null(strstr(text, "ti 12.10.2027 klo 13.00–16.00 "
	    "(peruttu)"));
	free(text);
	free(from);
	free(to);
	free(mid);
	free(date);
	free(ct);
	free(m);
}

/*
 * 1.3.2026 is a Sunday (1.1.2026 a Thursday, 59 days before), so 29.3.2026
 * is the last Sunday of March: at 01:00Z Helsinki goes from 03:00 EET to
 * 04:00 EEST.
 */
static void
imip_series_mail__spring_forward__elapsed_end_and_summer_date(void **st)
{
	struct cad_buf b;
	struct cad_error err = { "" };
	/* 2026-03-29T01:30:00Z, half an hour after the change */
	int64_t now = (int64_t)D(2026, 3, 29) * 86400 + 3600 + 1800;
	char *date, *text;

	(void)st;
	/* 02:00 EET is 00:00Z; 120 elapsed minutes end at 02:00Z, which is
	   05:00 EEST (a wall clock would say 04.00) */
	occ[0].rid_day = occ[0].day = D(2026, 3, 29);
	occ[0].rid_time = occ[0].time = 2 * 60;
	occ[0].duration = 120;
	cad_buf_init(&b, 0);
	assert_int_equal(cad_imip_series_mail(&cfg, &ctx, &plan, 0, &state,
	    CAD_IMIP_INVITE, 0, 0, att, 2, &att[0], now, &b, &err), 0);
	/* 01:30Z is 04:30 EEST: the offset in force after the change */
	date = header(b.data, "Date");
	assert_string_equal(date, "Sun, 29 Mar 2026 04:30:00 +0300");
	text = part_body(b.data, "Content-Type: text/plain");
	/* the start as cad_format_fi() writes it, the end as "%02d.%02d" */
	assert_non_null(strstr(text, "su 29.3.2026 klo 2.00–5.00\r\n"));
	free(text);
	free(date);
	cad_buf_release(&b);
}

static void
imip_message__finnish_subject__rfc2047_words_decode_to_it(void **st)
{
	char *m = mail(CAD_IMIP_INVITE, 0, 0);
	char *subj = header(m, "Subject");
	char dec[512] = "";
	const char *p;

	(void)st;
	assert_non_null(subj);
	/* the raw header is ASCII only */
	for (p = subj; *p; p++)
		assert_true((unsigned char)*p < 0x80);
	/* decode every =?UTF-8?B?...?= word; words are at most 75 chars and
	   whitespace between words is dropped (RFC 2047 § 6.2) */
	for (p = subj; (p = strstr(p, "=?UTF-8?B?")) != NULL; ) {
		const char *e = strstr(p + 10, "?=");
		assert_non_null(e);
		assert_true(e + 2 - p <= 75);
		char *w = b64dec(p + 10, e);
		strncat(dec, w, sizeof dec - strlen(dec) - 1);
		free(w);
		p = e + 2;
	}
	assert_string_equal(dec, "Kutsu: Kainuun Hytetu -yhteistyöfoorumi");
	free(subj);
	free(m);
}

static void
imip_series_mail__request__method_in_calendar_equals_mime(void **st)
{
	char *m = mail(CAD_IMIP_UPDATE, 0, 0);
	char *ics = part_body(m, "Content-Type: text/calendar");
	char *attached = part_body(m, "Content-Type: application/ics");
	icalcomponent *cal;

	(void)st;
	assert_non_null(ics);
	assert_non_null(attached);
	assert_string_equal(ics, attached);
	cal = parse(ics);
	assert_int_equal(icalcomponent_get_method(cal), ICAL_METHOD_REQUEST);
	assert_non_null(strstr(m, "method=REQUEST"));
	/* the master only: RFC 5546 § 3.2.2 allows no STATUS:CANCELLED in
	   a REQUEST, so the cancelled 12.10.2027 is an EXDATE of it */
	assert_int_equal(count_vevents(cal), 1);
	assert_null(strstr(ics, "RECURRENCE-ID"));
	assert_null(strstr(ics, "STATUS:CANCELLED"));
	assert_non_null(strstr(ics,
	    "\r\nEXDATE;TZID=Europe/Helsinki:20271012T130000\r\n"));
	icalcomponent *ev = icalcomponent_get_first_component(cal,
	    ICAL_VEVENT_COMPONENT);
	assert_string_equal(icalcomponent_get_uid(ev),
	    "hytetu-foorumi@kainuu.example");
	assert_int_equal(icalcomponent_get_sequence(ev), 4);
	/* "Päivitetty:" */
	char *subj = header(m, "Subject");
	char *w = b64dec(strstr(subj, "?B?") + 3, strstr(subj, "?="));
	assert_true(strncmp(w, "Päivitetty: ", strlen("Päivitetty: ")) == 0);
	free(w);
	free(subj);
	icalcomponent_free(cal);
	free(ics);
	free(attached);
	free(m);
}

static void
imip_calendar__attendees__organizer_chair_participant_params(void **st)
{
	struct cad_buf b;
	struct cad_error err = { "" };
	icalcomponent *cal, *ev;
	icalproperty *p;
	int n = 0;

	(void)st;
	cad_buf_init(&b, 0);
	assert_int_equal(cad_imip_calendar(&cfg, &ctx, &plan, 0, &state,
	    CAD_IMIP_REQUEST, 0, 0, att, 2, false, NOW, &b, &err), 0);
	cal = parse(b.data);
	ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	p = icalcomponent_get_first_property(ev, ICAL_ORGANIZER_PROPERTY);
	assert_non_null(p);
	assert_string_equal(icalproperty_get_organizer(p),
	    "mailto:hyte@kainuu.example");
	assert_string_equal(icalparameter_get_cn(icalproperty_get_first_parameter(
	    p, ICAL_CN_PARAMETER)), "Hyte-koordinaattori");
	for (p = icalcomponent_get_first_property(ev, ICAL_ATTENDEE_PROPERTY);
	    p; p = icalcomponent_get_next_property(ev, ICAL_ATTENDEE_PROPERTY),
	    n++) {
		icalparameter *role = icalproperty_get_first_parameter(p,
		    ICAL_ROLE_PARAMETER);
		icalparameter *ps = icalproperty_get_first_parameter(p,
		    ICAL_PARTSTAT_PARAMETER);
		icalparameter *rsvp = icalproperty_get_first_parameter(p,
		    ICAL_RSVP_PARAMETER);
		assert_non_null(role);
		assert_non_null(ps);
		assert_non_null(rsvp);
		assert_int_equal(icalparameter_get_partstat(ps),
		    ICAL_PARTSTAT_NEEDSACTION);
		assert_int_equal(icalparameter_get_rsvp(rsvp), ICAL_RSVP_TRUE);
		assert_null(icalproperty_get_first_parameter(p,
		    ICAL_SCHEDULEAGENT_PARAMETER));
		if (n == 0) {
			assert_string_equal(icalproperty_get_attendee(p),
			    "mailto:kirjaamo@hva.example");
			assert_int_equal(icalparameter_get_role(role),
			    ICAL_ROLE_CHAIR);
			assert_string_equal(icalparameter_get_cn(
			    icalproperty_get_first_parameter(p,
			    ICAL_CN_PARAMETER)), "Kainuun hyvinvointialue");
		} else {
			assert_string_equal(icalproperty_get_attendee(p),
			    "mailto:kirjaamo@kajaani.example");
			assert_int_equal(icalparameter_get_role(role),
			    ICAL_ROLE_REQPARTICIPANT);
		}
	}
	assert_int_equal(n, 2);
	/* one VTIMEZONE with the plain IANA name */
	icalcomponent *tz = icalcomponent_get_first_component(cal,
	    ICAL_VTIMEZONE_COMPONENT);
	assert_non_null(tz);
	assert_string_equal(icalproperty_get_tzid(
	    icalcomponent_get_first_property(tz, ICAL_TZID_PROPERTY)), TZ);
	icalcomponent_free(cal);
	cad_buf_release(&b);
}

static void
imip_calendar__caldav_copy__no_method_schedule_agent_client(void **st)
{
	struct cad_buf b;
	struct cad_error err = { "" };
	icalcomponent *cal, *ev;
	icalproperty *p;

	(void)st;
	cad_buf_init(&b, 0);
	assert_int_equal(cad_imip_calendar(&cfg, &ctx, &plan, 0, &state,
	    CAD_IMIP_RESOURCE, 0, 0, att, 2, true, NOW, &b, &err), 0);
	assert_null(strstr(b.data, "METHOD:"));
	assert_null(strstr(b.data, "X-LIC-ERROR"));
	cal = parse(b.data);
	for (ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	    ev; ev = icalcomponent_get_next_component(cal,
	    ICAL_VEVENT_COMPONENT))
		for (p = icalcomponent_get_first_property(ev,
		    ICAL_ATTENDEE_PROPERTY); p;
		    p = icalcomponent_get_next_property(ev,
		    ICAL_ATTENDEE_PROPERTY)) {
			icalparameter *sa = icalproperty_get_first_parameter(p,
			    ICAL_SCHEDULEAGENT_PARAMETER);
			assert_non_null(sa);
			assert_int_equal(icalparameter_get_scheduleagent(sa),
			    ICAL_SCHEDULEAGENT_CLIENT);
		}
	icalcomponent_free(cal);
	cad_buf_release(&b);
}

static void
imip_series_mail__cancel_one__only_that_recurrence_id(void **st)
{
	char *m = mail(CAD_IMIP_CANCEL_ONE, D(2027, 10, 12), 13 * 60);
	char *ics = part_body(m, "Content-Type: text/calendar");
	icalcomponent *cal, *ev;
	struct icaltimetype rid;
	icalparameter *tzid;

	(void)st;
	assert_non_null(strstr(m, "method=CANCEL"));
	cal = parse(ics);
	assert_int_equal(icalcomponent_get_method(cal), ICAL_METHOD_CANCEL);
	assert_int_equal(count_vevents(cal), 1);
	ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	rid = icalcomponent_get_recurrenceid(ev);
	assert_int_equal(rid.year, 2027);
	assert_int_equal(rid.month, 10);
	assert_int_equal(rid.day, 12);
	assert_int_equal(rid.hour, 13);
	tzid = icalproperty_get_first_parameter(
	    icalcomponent_get_first_property(ev, ICAL_RECURRENCEID_PROPERTY),
	    ICAL_TZID_PARAMETER);
	assert_non_null(tzid);
	assert_string_equal(icalparameter_get_tzid(tzid), TZ);
	assert_int_equal(icalcomponent_get_status(ev), ICAL_STATUS_CANCELLED);
	assert_int_equal(icalcomponent_get_sequence(ev), 4);
	char *text = part_body(m, "Content-Type: text/plain");
	assert_non_null(strstr(text, "peruttu"));
	assert_non_null(strstr(text, "ti 12.10.2027 klo 13.00"));
	assert_non_null(strstr(text, "Syy: Testi"));
	free(text);
	icalcomponent_free(cal);
	free(ics);
	free(m);
}

static void
imip_calendar__cancel_of_confirmed_instance__enoent(void **st)
{
	struct cad_buf b;
	struct cad_error err = { "" };

	(void)st;
	cad_buf_init(&b, 0);
	assert_int_equal(cad_imip_calendar(&cfg, &ctx, &plan, 0, &state,
	    CAD_IMIP_CANCEL, D(2026, 10, 13), 13 * 60, att, 2, false, NOW, &b,
	    &err), -ENOENT);
	cad_buf_release(&b);
}

static void
imip_gone_mail__whole_series__cancel_with_utc_start(void **st)
{
	struct cad_imip_attendee to = { "kirjaamo@hva.example",
		"Kainuun hyvinvointialue", true };
	struct cad_buf b;
	struct cad_error err = { "" };
	icalcomponent *cal, *ev;
	struct icaltimetype t;

	(void)st;
	cad_buf_init(&b, 0);
	assert_int_equal(cad_imip_gone_mail(&cfg,
	    "hytetu-foorumi@kainuu.example", "Kainuun Hytetu "
	    "-yhteistyöfoorumi", D(2026, 10, 13), 13 * 60, 7, &to, NOW, &b,
	    &err), 0);
	assert_non_null(strstr(b.data, "method=CANCEL"));
	char *ics = part_body(b.data, "Content-Type: text/calendar");
	cal = parse(ics);
	assert_int_equal(icalcomponent_get_method(cal), ICAL_METHOD_CANCEL);
	ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	assert_null(icalcomponent_get_first_property(ev,
	    ICAL_RECURRENCEID_PROPERTY));
	assert_int_equal(icalcomponent_get_sequence(ev), 7);
	assert_int_equal(icalcomponent_get_status(ev), ICAL_STATUS_CANCELLED);
	/* 13.10.2026 13:00 EEST (UTC+3, summer time until 25.10.) = 10:00Z */
	t = icalcomponent_get_dtstart(ev);
	assert_true(icaltime_is_utc(t));
	assert_int_equal(t.day, 13);
	assert_int_equal(t.hour, 10);
	/* "Peruttu: Kainuun Hytetu -yhteistyöfoorumi" */
	char *subj = header(b.data, "Subject");
	char dec[256] = "";
	for (const char *p = subj; (p = strstr(p, "=?UTF-8?B?")) != NULL; ) {
		const char *e = strstr(p + 10, "?=");
		char *w = b64dec(p + 10, e);
		strncat(dec, w, sizeof dec - strlen(dec) - 1);
		free(w);
		p = e + 2;
	}
	assert_string_equal(dec, "Peruttu: Kainuun Hytetu -yhteistyöfoorumi");
	free(subj);
	icalcomponent_free(cal);
	free(ics);
	cad_buf_release(&b);
}

static void
imip_message__non_ascii_names__encoded_ascii_quoted(void **st)
{
	struct cad_imip_mail m = { .from_name = "Järjestö \"JANE\"",
		.from_email = "jane@kainuu.example", .to_name = "Matti \"M\"",
		.to_email = "m@example.org", .subject = "Plain subject",
		.text = "x\n", .calendar = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
		.method = "REQUEST", .date = NOW, .utc_offset = 7200,
		.domain = "example.org", .random = 42 };
	struct cad_buf b;
	struct cad_error err = { "" };

	(void)st;
	cad_buf_init(&b, 0);
	assert_int_equal(cad_imip_message(&m, &b, &err), 0);
	char *from = header(b.data, "From"), *to = header(b.data, "To");
	char *subj = header(b.data, "Subject");
	assert_true(strncmp(from, "=?UTF-8?B?", 10) == 0);
	assert_non_null(strstr(from, "?= <jane@kainuu.example>"));
	char *w = b64dec(from + 10, strstr(from, "?="));
	assert_string_equal(w, "Järjestö \"JANE\"");
	assert_string_equal(to, "\"Matti \\\"M\\\"\" <m@example.org>");
	assert_string_equal(subj, "Plain subject");
	free(w);
	free(from);
	free(to);
	free(subj);
	cad_buf_release(&b);
}

/*
 * No randomness in rendering: the same message renders the same bytes
 * (boundaries included), another recipient gets another Message-ID.
 */
static void
imip_message__no_random_given__same_bytes_other_recipient_other_id(
    void **st)
{
	struct cad_imip_mail m = { .from_email = "hyte@example.org",
		.to_email = "a@example.org", .subject = "Kutsu", .text = "x\n",
		.calendar = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
		.method = "REQUEST", .date = NOW, .domain = "example.org" };
	struct cad_buf a, b, c;
	struct cad_error err = { "" };

	(void)st;
	cad_buf_init(&a, 0);
	cad_buf_init(&b, 0);
	cad_buf_init(&c, 0);
	assert_int_equal(cad_imip_message(&m, &a, &err), 0);
	assert_int_equal(cad_imip_message(&m, &b, &err), 0);
	assert_string_equal(a.data, b.data);
	m.to_email = "b@example.org";
	assert_int_equal(cad_imip_message(&m, &c, &err), 0);
	char *ida = header(a.data, "Message-ID");
	char *idc = header(c.data, "Message-ID");
	assert_non_null(strstr(ida, "@example.org>"));
	assert_string_not_equal(ida, idc);
	free(ida);
	free(idc);
	cad_buf_release(&a);
	cad_buf_release(&b);
	cad_buf_release(&c);
}

/*
 * A long display name and subject: every encoded-word decodes to whole
 * words (it ends after a space, or the text ends), so that a reader that
 * shows a space between words (Python's email) does not split one.
 */
static void
imip_message__long_names__encoded_words_split_at_spaces(void **st)
{
	static const char name[] = "Pohjois-Karjalan hyvinvointialueen "
	    "hyvinvoinnin ja terveyden edistämisen yhteistyöryhmä";
	static const char subject[] = "Päivitetty: Pohjois-Karjalan "
	    "hyvinvointialueen ja kuntien välinen neuvottelu: Liperin kunta";
	struct cad_imip_mail m = { .from_name = name,
		.from_email = "hyte@example.org", .to_email = "m@example.org",
		.subject = subject, .text = "x\n",
		.calendar = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
		.method = "REQUEST", .date = NOW, .domain = "example.org",
		.random = 42 };
	const char *const hdrs[] = { "From", "Subject" };
	const char *const want[] = { name, subject };
	struct cad_buf b;
	struct cad_error err = { "" };

	(void)st;
	cad_buf_init(&b, 0);
	assert_int_equal(cad_imip_message(&m, &b, &err), 0);
	for (size_t h = 0; h < 2; h++) {
		char *v = header(b.data, hdrs[h]), dec[512] = "";
		int words = 0;
		for (const char *p = v; (p = strstr(p, "=?UTF-8?B?")) != NULL;
		    words++) {
			const char *e = strstr(p + 10, "?=");
			char *w = b64dec(p + 10, e);
			size_t len = strlen(w);
			assert_true(e + 2 - p <= 75);
			strncat(dec, w, sizeof dec - strlen(dec) - 1);
			/* a word ends with a space unless it is the last */
			if (strstr(e + 2, "=?UTF-8?B?") != NULL)
				assert_int_equal(w[len - 1], ' ');
			free(w);
			p = e + 2;
		}
		assert_true(words > 1);
		assert_string_equal(dec, want[h]);
		free(v);
	}
	cad_buf_release(&b);
}

/* the calendar of plan's series 0 with the given method, parsed */
static icalcomponent *
calendar_of(enum cad_imip_method method, int rid_day, int rid_time,
    char **text)
{
	struct cad_buf b;
	struct cad_error err = { "" };
	icalcomponent *cal;

	cad_buf_init(&b, 0);
	assert_int_equal(cad_imip_calendar(&cfg, &ctx, &plan, 0, &state,
	    method, rid_day, rid_time, att, 2, false, NOW, &b, &err), 0);
	cal = parse(b.data);
	*text = cad_buf_steal(&b);
	cad_buf_release(&b);
	return cal;
}

/*
 * A series with one meeting (per_term, .first, COUNT=1) that was moved
 * and then cancelled: one plain VEVENT at the moved time, no
 * RECURRENCE-ID (RFC 5545 § 3.8.4.4), REQUEST and CANCEL both passing
 * libical's RFC 5546 restriction check.
 */
static void
imip_calendar__single_meeting__plain_event_request_and_cancel(void **st)
{
	icalcomponent *cal, *ev;
	struct icaltimetype t;
	char *text;

	(void)st;
	plan.nocc = 1;
	occ[0].day = D(2026, 10, 15);
	occ[0].time = 10 * 60;
	occ[0].moved = CAD_MOVED_PERSON;
	cal = calendar_of(CAD_IMIP_REQUEST, 0, 0, &text);
	assert_true(icalrestriction_check(cal));
	assert_null(strstr(text, "RECURRENCE-ID"));
	assert_int_equal(count_vevents(cal), 1);
	ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	assert_null(icalcomponent_get_first_property(ev, ICAL_RRULE_PROPERTY));
	t = icalcomponent_get_dtstart(ev);
	assert_int_equal(t.day, 15);
	assert_int_equal(t.hour, 10);
	assert_int_equal(icalcomponent_get_status(ev), ICAL_STATUS_CONFIRMED);
	icalcomponent_free(cal);
	free(text);

	occ[0].status = CAD_CANCELLED;
	cal = calendar_of(CAD_IMIP_CANCEL, D(2026, 10, 13), 13 * 60, &text);
	assert_true(icalrestriction_check(cal));
	assert_int_equal(icalcomponent_get_method(cal), ICAL_METHOD_CANCEL);
	assert_null(strstr(text, "RECURRENCE-ID"));
	assert_int_equal(count_vevents(cal), 1);
	ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	assert_int_equal(icalcomponent_get_status(ev), ICAL_STATUS_CANCELLED);
	icalcomponent_free(cal);
	free(text);
}

/* REQUEST and CANCEL of the 3-meeting series pass RFC 5546's table */
static void
imip_calendar__request_and_cancel__pass_restriction_check(void **st)
{
	icalcomponent *cal;
	char *text;

	(void)st;
	cal = calendar_of(CAD_IMIP_REQUEST, 0, 0, &text);
	assert_true(icalrestriction_check(cal));
	assert_null(strstr(text, "X-LIC-ERROR"));
	icalcomponent_free(cal);
	free(text);
	cal = calendar_of(CAD_IMIP_CANCEL, D(2027, 10, 12), 13 * 60, &text);
	assert_true(icalrestriction_check(cal));
	icalcomponent_free(cal);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(
		    imip_series_mail__invite__multipart_mixed_with_alternative_and_attachment,
		    setup),
		cmocka_unit_test_setup(
		    imip_series_mail__spring_forward__elapsed_end_and_summer_date,
		    setup),
		cmocka_unit_test_setup(
		    imip_message__finnish_subject__rfc2047_words_decode_to_it,
		    setup),
		cmocka_unit_test_setup(
		    imip_series_mail__request__method_in_calendar_equals_mime,
		    setup),
		cmocka_unit_test_setup(
		    imip_calendar__attendees__organizer_chair_participant_params,
		    setup),
		cmocka_unit_test_setup(
		    imip_calendar__caldav_copy__no_method_schedule_agent_client,
		    setup),
		cmocka_unit_test_setup(
		    imip_series_mail__cancel_one__only_that_recurrence_id,
		    setup),
		cmocka_unit_test_setup(
		    imip_calendar__cancel_of_confirmed_instance__enoent, setup),
		cmocka_unit_test_setup(
		    imip_gone_mail__whole_series__cancel_with_utc_start, setup),
		cmocka_unit_test_setup(
		    imip_message__non_ascii_names__encoded_ascii_quoted, setup),
		cmocka_unit_test_setup(
		    imip_message__long_names__encoded_words_split_at_spaces,
		    setup),
		cmocka_unit_test_setup(
		    imip_message__no_random_given__same_bytes_other_recipient_other_id,
		    setup),
		cmocka_unit_test_setup(
		    imip_calendar__single_meeting__plain_event_request_and_cancel,
		    setup),
		cmocka_unit_test_setup(
		    imip_calendar__request_and_cancel__pass_restriction_check,
		    setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
