/*
 * imip.c - iTIP objects and iMIP messages (SPEC § 6); see imip.h.
 *
 * The calendar of one series starts as the feed of a plan that holds
 * only that series (cad_ical_feed), is parsed back with libical, and gets
 * its METHOD, ORGANIZER and ATTENDEEs.  So the VTIMEZONE, RDATEs and
 * RECURRENCE-ID overrides are the feed's own, not a second copy of them.
 * libical's serialiser folds lines without regard to UTF-8, so the text
 * is unfolded and folded again at 75 octets (as core/render/ical.c does).
 */
#include "render/imip.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libical/ical.h>

#include "base/hash.h"
#include "render/ical.h"
#include "render/output.h"

#define B64_LINE	76	/* RFC 2045 body lines */
#define EW_BYTES	45	/* input bytes per RFC 2047 encoded-word */
#define TEXT_UPCOMING	12	/* meetings listed in the text */
#define QUOTED_MAX	60	/* longer display names: encoded-words */

/* ---------------------------------------------------------------- */
/* calendar */

static void
remove_props(icalcomponent *c, icalproperty_kind kind)
{
	icalproperty *p;

	while ((p = icalcomponent_get_first_property(c, kind)) != NULL) {
		icalcomponent_remove_property(c, p);
		icalproperty_free(p);
	}
}

static void
remove_x_props(icalcomponent *c)
{
	icalproperty *p, *next;

	for (p = icalcomponent_get_first_property(c, ICAL_X_PROPERTY); p;
	    p = next) {
		next = icalcomponent_get_next_property(c, ICAL_X_PROPERTY);
		icalcomponent_remove_property(c, p);
		icalproperty_free(p);
	}
}

/* the attendees; a CN that is a name of cfg in the thread's language
   (the recipient's, SPEC § 10.4) */
static void
add_attendees(icalcomponent *ev, const struct cad_config *cfg,
    const struct cad_imip_attendee *att, size_t natt, bool client)
{
	for (size_t i = 0; i < natt; i++) {
		char *uri = cad_asprintf("mailto:%s", att[i].email);
		icalproperty *p = icalproperty_new_attendee(uri);
		if (att[i].name != NULL && *att[i].name != '\0') {
			char *cn = cad_ical_cn_value(cad_tr(cfg, att[i].name));
			icalproperty_add_parameter(p, icalparameter_new_cn(cn));
			free(cn);
		}
		icalproperty_add_parameter(p, icalparameter_new_role(
		    att[i].chair ? ICAL_ROLE_CHAIR :
		    ICAL_ROLE_REQPARTICIPANT));
		icalproperty_add_parameter(p,
		    icalparameter_new_partstat(ICAL_PARTSTAT_NEEDSACTION));
		icalproperty_add_parameter(p,
		    icalparameter_new_rsvp(ICAL_RSVP_TRUE));
		if (client)
			icalproperty_add_parameter(p,
			    icalparameter_new_scheduleagent(
			    ICAL_SCHEDULEAGENT_CLIENT));
		icalcomponent_add_property(ev, p);
		free(uri);
	}
}

static bool
is_rid(icalcomponent *ev, int rid_day, int rid_time)
{
	icalproperty *p = icalcomponent_get_first_property(ev,
	    ICAL_RECURRENCEID_PROPERTY);
	struct icaltimetype t, want = cad_ical_local_time(rid_day, rid_time);

	if (p == NULL)
		return false;
	t = icalproperty_get_recurrenceid(p);
	return t.year == want.year && t.month == want.month &&
	    t.day == want.day && t.hour == want.hour &&
	    t.minute == want.minute;
}

static bool
is_cancelled(icalcomponent *ev)
{
	return icalcomponent_get_status(ev) == ICAL_STATUS_CANCELLED;
}

/* the VEVENTs of cal that recur (RRULE or RDATE) */
static bool
recurs(icalcomponent *ev)
{
	return icalcomponent_get_first_property(ev, ICAL_RRULE_PROPERTY) ||
	    icalcomponent_get_first_property(ev, ICAL_RDATE_PROPERTY);
}

/*
 * Whether ev stays in the CANCEL of instance rid: its own RECURRENCE-ID
 * VEVENT, or the one plain VEVENT of a single-meeting series (which the
 * feed writes without RECURRENCE-ID, core/render/ical.c), cancelled.
 */
static bool
cancels(icalcomponent *cal, icalcomponent *ev, int rid_day, int rid_time)
{
	if (is_rid(ev, rid_day, rid_time))
		return true;
	return icalcomponent_count_components(cal, ICAL_VEVENT_COMPONENT) ==
	    1 && !recurs(ev) && is_cancelled(ev) &&
	    !icalcomponent_get_first_property(ev, ICAL_RECURRENCEID_PROPERTY);
}

static int
cmp_exdate(const void *a, const void *b)
{
	icalproperty *const *x = a, *const *y = b;

	return icaltime_compare(icalproperty_get_exdate(*x),
	    icalproperty_get_exdate(*y));
}

/*
 * A REQUEST carries only TENTATIVE or CONFIRMED components (RFC 5546
 * § 3.2.2): every cancelled RECURRENCE-ID VEVENT becomes an EXDATE of
 * the master (its RECURRENCE-ID, zone and all), the cancel itself being
 * announced by METHOD:CANCEL.  The master's EXDATEs are put back
 * together and in order, so they are written as one line.
 */
static void
cancelled_to_exdates(icalcomponent *cal)
{
	icalcomponent *master = NULL, *ev, *next;
	icalproperty **ex, *p;
	size_t n = 0, cap;

	for (ev = icalcomponent_get_first_component(cal,
	    ICAL_VEVENT_COMPONENT); ev; ev = icalcomponent_get_next_component(
	    cal, ICAL_VEVENT_COMPONENT))
		if (!icalcomponent_get_first_property(ev,
		    ICAL_RECURRENCEID_PROPERTY))
			master = ev;
	if (master == NULL || !recurs(master))
		return;
	cap = (size_t)icalcomponent_count_components(cal,
	    ICAL_VEVENT_COMPONENT) + (size_t)icalcomponent_count_properties(
	    master, ICAL_EXDATE_PROPERTY) + 1;
	ex = cad_xcalloc(cap, sizeof *ex);
	while ((p = icalcomponent_get_first_property(master,
	    ICAL_EXDATE_PROPERTY)) != NULL) {
		icalcomponent_remove_property(master, p);
		ex[n++] = p;
	}
	for (ev = icalcomponent_get_first_component(cal,
	    ICAL_VEVENT_COMPONENT); ev; ev = next) {
		next = icalcomponent_get_next_component(cal,
		    ICAL_VEVENT_COMPONENT);
		p = icalcomponent_get_first_property(ev,
		    ICAL_RECURRENCEID_PROPERTY);
		if (p == NULL || !is_cancelled(ev))
			continue;
		ex[n] = icalproperty_new_exdate(icalproperty_get_recurrenceid(
		    p));
		icalparameter *tz = icalproperty_get_first_parameter(p,
		    ICAL_TZID_PARAMETER);
		if (tz != NULL)
			icalproperty_add_parameter(ex[n],
			    icalparameter_new_clone(tz));
		n++;
		icalcomponent_remove_component(cal, ev);
		icalcomponent_free(ev);
	}
	qsort(ex, n, sizeof *ex, cmp_exdate);
	for (size_t i = 0; i < n; i++)
		icalcomponent_add_property(master, ex[i]);
	free(ex);
}

/*
 * The feed of series s alone, parsed back, without what only a
 * subscribed feed has (METHOD, NAME, REFRESH-INTERVAL, X- properties).
 * 0 or -errno with err; -ENOENT: s has no occurrence.
 */
static int
series_calendar(const struct cad_config *cfg, const struct cad_plan_ctx *ctx,
    const struct cad_plan *plan, size_t s,
    const struct cad_series_state *state, int64_t dtstamp,
    icalcomponent **out, struct cad_error *err)
{
	struct cad_plan one;
	struct cad_series_state st1 = *state;
	struct cad_buf feed;
	char *summary;
	int r;

	*out = NULL;
	memset(&one, 0, sizeof one);
	/* the plan of this one series: index 0 */
	one.series = &plan->series[s];
	one.nseries = 1;
	one.occ = cad_xcalloc(plan->nocc + 1, sizeof *one.occ);
	for (size_t i = 0; i < plan->nocc; i++) {
		if (plan->occ[i].series != s)
			continue;
		one.occ[one.nocc] = plan->occ[i];
		one.occ[one.nocc++].series = 0;
	}
	if (one.nocc == 0) {
		cad_error_set(err, "series '%s' has no occurrence",
		    plan->series[s].uid);
		free(one.occ);
		return -ENOENT;
	}
	cad_buf_init(&feed, 0);
	summary = cad_series_name(cfg, &plan->series[s]);
	r = cad_ical_invitation(cfg, ctx, &one, &st1, summary, dtstamp,
	    &feed, err);
	free(summary);
	free(one.occ);
	if (r == 0) {
		icalerror_clear_errno();
		if ((*out = icalparser_parse_string(feed.data)) == NULL) {
			cad_error_set(err, "libical cannot read the feed: %s",
			    icalerror_strerror(icalerrno));
			r = -EINVAL;
		}
	}
	cad_buf_release(&feed);
	if (r < 0)
		return r;
	remove_props(*out, ICAL_XLICERROR_PROPERTY);
	remove_props(*out, ICAL_METHOD_PROPERTY);
	remove_props(*out, ICAL_NAME_PROPERTY);
	remove_props(*out, ICAL_REFRESHINTERVAL_PROPERTY);
	remove_x_props(*out);
	return 0;
}

int
cad_imip_calendar(const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, const struct cad_plan *plan, size_t s,
    const struct cad_series_state *state, enum cad_imip_method method,
    int rid_day, int rid_time, const struct cad_imip_attendee *att,
    size_t natt, bool schedule_agent_client, int64_t dtstamp,
    struct cad_buf *out, struct cad_error *err)
{
	icalcomponent *cal = NULL, *ev, *next;
	size_t nev = 0;
	int r;

	if (s >= plan->nseries) {
		cad_error_set(err, "no series %zu", s);
		return -EINVAL;
	}
	if ((r = series_calendar(cfg, ctx, plan, s, state, dtstamp, &cal,
	    err)) < 0)
		return r;
	if (method == CAD_IMIP_REQUEST) {
		icalcomponent_add_property(cal,
		    icalproperty_new_method(ICAL_METHOD_REQUEST));
		cancelled_to_exdates(cal);
	} else if (method == CAD_IMIP_CANCEL)
		icalcomponent_add_property(cal,
		    icalproperty_new_method(ICAL_METHOD_CANCEL));
	for (ev = icalcomponent_get_first_component(cal,
	    ICAL_VEVENT_COMPONENT); ev; ev = next) {
		next = icalcomponent_get_next_component(cal,
		    ICAL_VEVENT_COMPONENT);
		if (method == CAD_IMIP_CANCEL &&
		    !cancels(cal, ev, rid_day, rid_time)) {
			icalcomponent_remove_component(cal, ev);
			icalcomponent_free(ev);
			continue;
		}
		remove_props(ev, ICAL_XLICERROR_PROPERTY);
		remove_props(ev, ICAL_ATTENDEE_PROPERTY);
		remove_props(ev, ICAL_ORGANIZER_PROPERTY);
		cad_ical_add_organizer(ev, cfg);
		add_attendees(ev, cfg, att, natt, schedule_agent_client);
		if (method == CAD_IMIP_CANCEL) {
			remove_props(ev, ICAL_STATUS_PROPERTY);
			icalcomponent_add_property(ev,
			    icalproperty_new_status(ICAL_STATUS_CANCELLED));
		}
		nev++;
	}
	if (nev == 0) {
		char rid[11];
		cad_format_date(rid_day, rid);
		cad_error_set(err, "series '%s' has no cancelled instance "
		    "on %s", plan->series[s].uid, rid);
		r = -ENOENT;
	} else
		r = cad_ical_write(out, cal, err);
	icalcomponent_free(cal);
	return r;
}

int
cad_imip_cancel_calendar(const struct cad_config *cfg, const char *uid,
    const char *summary, int dtstart_day, int dtstart_time, int sequence,
    const struct cad_imip_attendee *att, size_t natt, int64_t dtstamp,
    struct cad_buf *out, struct cad_error *err)
{
	icalcomponent *cal, *ev;
	icaltimezone *utc = icaltimezone_get_utc_timezone();
	int r;

	cal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
	icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
	icalcomponent_add_property(cal, icalproperty_new_prodid(CAD_ICAL_PRODID));
	icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
	icalcomponent_add_property(cal,
	    icalproperty_new_method(ICAL_METHOD_CANCEL));
	ev = icalcomponent_new(ICAL_VEVENT_COMPONENT);
	icalcomponent_add_property(ev, icalproperty_new_uid(uid));
	icalcomponent_add_property(ev, icalproperty_new_dtstamp(
	    icaltime_from_timet_with_zone((time_t)dtstamp, 0, utc)));
	icalcomponent_add_property(ev, icalproperty_new_sequence(sequence));
	if (dtstart_day != CAD_NODAY) {
		/* in UTC: no VTIMEZONE needed for a one-line start */
		int off = 0;
		(void)cad_tz_offset(cfg->timezone, dtstart_day, dtstart_time,
		    &off);
		int64_t t = ((int64_t)dtstart_day * 1440 + dtstart_time) * 60 -
		    off;
		icalcomponent_add_property(ev, icalproperty_new_dtstart(
		    icaltime_from_timet_with_zone((time_t)t, 0, utc)));
	}
	if (summary != NULL)
		icalcomponent_add_property(ev,
		    icalproperty_new_summary(summary));
	icalcomponent_add_property(ev,
	    icalproperty_new_status(ICAL_STATUS_CANCELLED));
	cad_ical_add_organizer(ev, cfg);
	add_attendees(ev, cfg, att, natt, false);
	icalcomponent_add_component(cal, ev);
	r = cad_ical_write(out, cal, err);
	icalcomponent_free(cal);
	return r;
}

/* ---------------------------------------------------------------- */
/* MIME */

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* base64 of p[0..n) without line breaks */
static int
b64_add(struct cad_buf *b, const unsigned char *p, size_t n)
{
	char q[4];
	int r;

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		q[0] = b64[v >> 18 & 63];
		q[1] = b64[v >> 12 & 63];
		q[2] = i + 1 < n ? b64[v >> 6 & 63] : '=';
		q[3] = i + 2 < n ? b64[v & 63] : '=';
		if ((r = cad_buf_add(b, q, 4)) < 0)
			return r;
	}
	return 0;
}

/* a base64 body: lines of 76 characters, CRLF */
int
cad_imip_b64_body(struct cad_buf *b, const char *s, size_t n)
{
	const size_t chunk = B64_LINE / 4 * 3;
	int r;

	for (size_t i = 0; i < n; i += chunk) {
		size_t k = n - i < chunk ? n - i : chunk;
		if ((r = b64_add(b, (const unsigned char *)s + i, k)) < 0 ||
		    (r = cad_buf_puts(b, "\r\n")) < 0)
			return r;
	}
	return 0;
}

static bool
is_plain_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

/*
 * How many bytes of s[i..n) go into the next encoded-word: at most
 * EW_BYTES, ending just after a space, since the space between two
 * encoded-words is not shown (RFC 2047 § 6.2) and a word split in two
 * shows a stray space in Python's email and some mail readers.  Only a
 * word longer than EW_BYTES is split, on a character boundary.
 */
static size_t
ew_chunk(const char *s, size_t i, size_t n)
{
	size_t k = n - i < EW_BYTES ? n - i : EW_BYTES;

	if (i + k == n)
		return k;
	for (size_t j = k; j > 1; j--)
		if (s[i + j - 1] == ' ')
			return j;
	while (k > 1 && ((unsigned char)s[i + k] & 0xC0) == 0x80)
		k--;
	return k;
}

/*
 * s as RFC 2047 "B" encoded-words of at most 75 characters, split after
 * spaces (ew_chunk) and folded with CRLF SP between words.
 */
static int
encoded_words(struct cad_buf *b, const char *s)
{
	size_t n = strlen(s), i = 0;
	int r;

	while (i < n) {
		size_t k = ew_chunk(s, i, n);
		if ((i > 0 && (r = cad_buf_puts(b, "\r\n ")) < 0) ||
		    (r = cad_buf_puts(b, "=?UTF-8?B?")) < 0 ||
		    (r = b64_add(b, (const unsigned char *)s + i, k)) < 0 ||
		    (r = cad_buf_puts(b, "?=")) < 0)
			return r;
		i += k;
	}
	return 0;
}

/* "Subject: ..." CRLF; plain ASCII stays as it is */
static int
header_text(struct cad_buf *b, const char *name, const char *value)
{
	int r;

	if ((r = cad_buf_printf(b, "%s: ", name)) < 0)
		return r;
	if (is_plain_ascii(value) && strlen(value) < 900)
		r = cad_buf_puts(b, value);
	else
		r = encoded_words(b, value);
	if (r < 0)
		return r;
	return cad_buf_puts(b, "\r\n");
}

/* "From: Name <addr>" with the name quoted or encoded as needed */
static int
header_address(struct cad_buf *b, const char *hdr, const char *name,
    const char *email)
{
	int r;

	if ((r = cad_buf_printf(b, "%s: ", hdr)) < 0)
		return r;
	if (name != NULL && *name != '\0') {
		/* a quoted-string cannot be folded without changing it:
		   only a short one stays quoted (RFC 5322 § 2.1.1: 78) */
		bool quoted = is_plain_ascii(name) &&
		    strlen(name) <= QUOTED_MAX;
		if (quoted) {
			if ((r = cad_buf_puts(b, "\"")) < 0)
				return r;
			for (const char *p = name; *p; p++) {
				if ((*p == '"' || *p == '\\') &&
				    (r = cad_buf_puts(b, "\\")) < 0)
					return r;
				if ((r = cad_buf_add(b, p, 1)) < 0)
					return r;
			}
			r = cad_buf_puts(b, "\"");
		} else {
			r = encoded_words(b, name);
		}
		/* after encoded-words the address goes on a line of its
		   own (at most 256 octets) */
		if (r < 0 || (r = cad_buf_puts(b, quoted ? " " : "\r\n ")) < 0)
			return r;
	}
	return cad_buf_printf(b, "<%s>\r\n", email);
}

/* RFC 5322 date-time: "Tue, 10 Feb 2026 13:00:00 +0200" */
static int
header_date(struct cad_buf *b, int64_t t, int offset)
{
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
		"Fri", "Sat" };
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May",
		"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t lt = (time_t)(t + offset);
	struct tm tm;
	int a = offset < 0 ? -offset : offset;

	if (gmtime_r(&lt, &tm) == NULL)
		return -EINVAL;
	return cad_buf_printf(b, "Date: %s, %d %s %04d %02d:%02d:%02d "
	    "%c%02d%02d\r\n", wd[tm.tm_wday], tm.tm_mday, mon[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    offset < 0 ? '-' : '+', a / 3600, a / 60 % 60);
}

uint64_t
cad_imip_seed(uint64_t given, const char *to, const char *subject,
    int64_t date, const char *content)
{
	struct cad_sha256 h;
	char hex[CAD_SHA256_HEX], num[24];
	uint64_t v;

	if (given != 0)
		return given;
	snprintf(num, sizeof num, "%lld", (long long)date);
	const char *part[] = { to, subject, num, content };
	cad_sha256_init(&h);
	for (size_t i = 0; i < 4; i++) {
		const char *s = part[i] != NULL ? part[i] : "";
		/* NUL-separated: no two different messages feed the same
		   bytes */
		cad_sha256_update(&h, s, strlen(s) + (i < 3));
	}
	cad_sha256_final_hex(&h, hex);
	hex[16] = '\0';
	v = strtoull(hex, NULL, 16);
	return v != 0 ? v : 1;
}

/* the text with CRLF line ends */
char *
cad_imip_crlf_text(const char *s)
{
	struct cad_buf b;
	char *r;

	cad_buf_init(&b, 0);
	for (; *s; s++) {
		if (*s == '\r')
			continue;
		if (*s == '\n')
			cad_buf_puts(&b, "\r\n");
		else
			cad_buf_add(&b, s, 1);
	}
	r = cad_buf_steal(&b);
	cad_buf_release(&b);
	return r != NULL ? r : cad_strdup("");
}

int
cad_imip_headers(const struct cad_imip_mail *m, uint64_t rnd,
    struct cad_buf *out)
{
	int r;

	if ((r = header_address(out, "From", m->from_name,
	    m->from_email)) < 0 ||
	    (r = header_address(out, "To", m->to_name, m->to_email)) < 0 ||
	    (r = header_text(out, "Subject", m->subject != NULL ?
	    m->subject : "")) < 0 ||
	    (r = header_date(out, m->date, m->utc_offset)) < 0 ||
	    (r = cad_buf_printf(out, "Message-ID: <%016llx.%lld@%s>\r\n",
	    (unsigned long long)rnd, (long long)m->date,
	    m->domain != NULL && *m->domain ? m->domain : "localhost")) < 0)
		return r;
	return cad_buf_puts(out, "MIME-Version: 1.0\r\n");
}

int
cad_imip_message(const struct cad_imip_mail *m, struct cad_buf *out,
    struct cad_error *err)
{
	uint64_t rnd = cad_imip_seed(m->random, m->to_email, m->subject,
	    m->date, m->calendar);
	char mixed[64], alt[64];
	char *text = NULL;
	size_t start = out->len;
	int r;

	if (m->from_email == NULL || m->to_email == NULL ||
	    m->calendar == NULL || m->method == NULL) {
		cad_error_set(err, "message without sender, recipient or "
		    "calendar");
		return -EINVAL;
	}
	snprintf(mixed, sizeof mixed, "=_cadenced_%016llx_m",
	    (unsigned long long)rnd);
	snprintf(alt, sizeof alt, "=_cadenced_%016llx_a",
	    (unsigned long long)rnd);
	text = cad_imip_crlf_text(m->text != NULL ? m->text : "");

	if ((r = cad_imip_headers(m, rnd, out)) < 0 ||
	    (r = cad_buf_printf(out, "Content-Type: multipart/mixed; "
	    "boundary=\"%s\"\r\n\r\n", mixed)) < 0 ||
	    (r = cad_buf_puts(out, "This is a multi-part message in MIME "
	    "format.\r\n")) < 0)
		goto out;

	/* the readable text and the calendar as alternatives */
	if ((r = cad_buf_printf(out, "\r\n--%s\r\n", mixed)) < 0 ||
	    (r = cad_buf_printf(out, "Content-Type: multipart/alternative; "
	    "boundary=\"%s\"\r\n", alt)) < 0 ||
	    (r = cad_buf_printf(out, "\r\n--%s\r\n", alt)) < 0 ||
	    (r = cad_buf_puts(out, "Content-Type: text/plain; "
	    "charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n")) <
	    0 ||
	    (r = cad_imip_b64_body(out, text, strlen(text))) < 0 ||
	    (r = cad_buf_printf(out, "\r\n--%s\r\n", alt)) < 0 ||
	    (r = cad_buf_printf(out, "Content-Type: text/calendar; "
	    "charset=utf-8; method=%s\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n", m->method)) < 0 ||
	    (r = cad_imip_b64_body(out, m->calendar,
	    strlen(m->calendar))) < 0 ||
	    (r = cad_buf_printf(out, "\r\n--%s--\r\n", alt)) < 0)
		goto out;

	/* the same calendar as a file */
	if ((r = cad_buf_printf(out, "\r\n--%s\r\n", mixed)) < 0 ||
	    (r = cad_buf_printf(out, "Content-Type: application/ics; "
	    "name=\"invite.ics\"\r\n"
	    "Content-Disposition: attachment; filename=\"invite.ics\"\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n")) < 0 ||
	    (r = cad_imip_b64_body(out, m->calendar,
	    strlen(m->calendar))) < 0 ||
	    (r = cad_buf_printf(out, "\r\n--%s--\r\n", mixed)) < 0)
		goto out;
	r = 0;
out:
	if (r < 0) {
		cad_error_set(err, "message too large");
		out->len = start;
		if (out->data != NULL)
			out->data[start] = '\0';
	}
	free(text);
	return r;
}

/* ---------------------------------------------------------------- */
/* what the message says */

char *
cad_imip_subject(enum cad_imip_kind kind, const char *summary, int rid_day,
    int rid_time)
{
	char when[32];

	switch (kind) {
	case CAD_IMIP_INVITE:
		/* TRANSLATORS: the Subject of an invitation; %s is the
		   meeting series ("Hyte-foorumi: Kokkolan kaupunki") */
		return cad_asprintf(_("Kutsu: %s"), summary);
	case CAD_IMIP_UPDATE:
		return cad_asprintf(_("Päivitetty: %s"), summary);
	case CAD_IMIP_CANCEL_ONE:
		cad_format_fi(rid_day, rid_time, when);
		/* TRANSLATORS: the series and the date and time */
		return cad_asprintf(_("Peruttu: %1$s %2$s"), summary, when);
	case CAD_IMIP_CANCEL_ALL:
	default:
		return cad_asprintf(_("Peruttu: %s"), summary);
	}
}

void
cad_imip_mail_init(struct cad_imip_mail *m, const struct cad_config *cfg,
    const char *to_name, const char *to_email, const char *subject,
    int64_t now)
{
	memset(m, 0, sizeof *m);
	m->from_name = cad_tr(cfg, cfg->organizer_name);
	m->from_email = cfg->organizer_email;
	m->to_name = cad_tr(cfg, to_name);
	m->to_email = to_email;
	m->subject = subject;
	m->date = now;
	(void)cad_tz_offset_utc(cfg->timezone, now, &m->utc_offset);
	m->domain = cfg->domain;
}

/* the start in Finnish, and its end when that is on the same day */
static void
text_when(struct cad_buf *b, const char *tzid, const struct cad_occurrence *o)
{
	char when[32], end[8];
	int eday, emin, eoff;

	cad_format_fi(o->day, o->time, when);
	(void)cad_tz_end(tzid, o->day, o->time, o->duration, &eday, &emin,
	    &eoff);
	if (eday == o->day) {
		cad_format_time(emin, end);
		cad_buf_printf(b, "%s–%s", when, end);
	} else
		cad_buf_puts(b, when);
}

/* the forum, party, next meeting, place, cadence, legal basis and
   convenor lines of an invitation's text */
static void
text_facts(struct cad_buf *b, const struct cad_config *cfg,
    const struct cad_plan *plan, size_t s, enum cad_imip_kind kind,
    const struct cad_occurrence *next)
{
	const struct cad_series *se = &plan->series[s];
	const struct cad_forum *f = &cfg->forums[se->forum];
	char *cadence;

	cad_buf_printf(b, "%s: %s\n", _("Foorumi"), cad_tr(cfg, f->name));
	if (se->party >= 0)
		cad_buf_printf(b, "%s: %s\n", _("Osapuoli"),
		    cad_config_party_name(cfg, se->party));
	if (kind != CAD_IMIP_CANCEL_ONE) {
		cad_buf_printf(b, "%s: ", _("Seuraava kokous"));
		if (next != NULL)
			text_when(b, cfg->timezone, next);
		else
			cad_buf_puts(b, _("ei tulevia kokouksia"));
		cad_buf_puts(b, "\n");
	}
	if (f->location != NULL && *f->location)
		cad_buf_printf(b, "%s: %s\n", _("Paikka"),
		    cad_tr(cfg, f->location));
	cadence = cad_config_cadence(cfg, f);
	if (cadence != NULL && *cadence)
		cad_buf_printf(b, "%s: %s\n", _("Toistuvuus"), cadence);
	free(cadence);
	if (f->legal_basis != NULL && *f->legal_basis)
		cad_buf_printf(b, "%s: %s\n", _("Säädösperusta"),
		    f->legal_basis);
	cad_buf_printf(b, "%s: %s\n", _("Koollekutsuja"),
	    cad_config_party_name(cfg, se->convenor));
}

static char *
series_text(const struct cad_config *cfg, const struct cad_plan_ctx *ctx,
    const struct cad_plan *plan, size_t s, enum cad_imip_kind kind,
    int rid_day, int rid_time)
{
	const struct cad_series *se = &plan->series[s];
	const struct cad_forum *f = &cfg->forums[se->forum];
	const struct cad_occurrence *next = NULL, *one = NULL;
	char *summary = cad_series_name(cfg, se), *r;
	char when[32];
	struct cad_buf b;
	size_t listed = 0;

	for (size_t i = 0; i < plan->nocc; i++) {
		const struct cad_occurrence *o = &plan->occ[i];
		if (o->series != s)
			continue;
		if (o->rid_day == rid_day && o->rid_time == rid_time)
			one = o;
		if (next == NULL && o->status == CAD_CONFIRMED &&
		    o->day >= ctx->today)
			next = o;
	}

	cad_buf_init(&b, 0);
	switch (kind) {
	case CAD_IMIP_INVITE:
		cad_buf_printf(&b, _("Kutsu kokoukseen: %s\n"), summary);
		break;
	case CAD_IMIP_UPDATE:
		cad_buf_printf(&b, _("Kokouksen tiedot ovat muuttuneet: %s\n"),
		    summary);
		break;
	default:
		cad_format_fi(rid_day, rid_time, when);
		cad_buf_printf(&b, _("Kokous on peruttu: %1$s %2$s\n"), summary,
		    when);
		if (one != NULL && one->reason != NULL && *one->reason)
			cad_buf_printf(&b, "%s: %s\n", _("Syy"),
			    cad_tr(cfg, one->reason));
		break;
	}
	cad_buf_puts(&b, "\n");
	text_facts(&b, cfg, plan, s, kind, next);

	if (kind != CAD_IMIP_CANCEL_ONE) {
		cad_buf_printf(&b, "\n%s:\n", _("Tulevat kokoukset"));
		for (size_t i = 0; i < plan->nocc && listed < TEXT_UPCOMING;
		    i++) {
			const struct cad_occurrence *o = &plan->occ[i];
			if (o->series != s || o->day < ctx->today)
				continue;
			cad_buf_puts(&b, "  ");
			text_when(&b, cfg->timezone, o);
			if (o->status == CAD_CANCELLED)
				cad_buf_printf(&b, " (%s)", _("peruttu"));
			cad_buf_puts(&b, "\n");
			listed++;
		}
		if (listed == 0)
			cad_buf_printf(&b, "  %s\n", _("ei tulevia kokouksia"));
	}
	cad_buf_printf(&b, "\n%s\n", _("Kalenterimerkintä on liitteenä "
	    "(invite.ics); kalenteriohjelma\nlisää tai päivittää sen."));
	if (cfg->base_url != NULL && *cfg->base_url)
		cad_buf_printf(&b, "%s: %s%scalendars/forum/%s.ics\n",
		    _("Kalenteri"), cfg->base_url,
		    cad_config_lang_prefix(cfg), f->id);
	cad_buf_printf(&b, "\n-- \n%s%s<%s>\n",
	    cfg->organizer_name != NULL ? cad_tr(cfg, cfg->organizer_name) :
	    "",
	    cfg->organizer_name != NULL ? " " : "",
	    cfg->organizer_email != NULL ? cfg->organizer_email : "");
	free(summary);
	r = cad_buf_steal(&b);
	cad_buf_release(&b);
	return r != NULL ? r : cad_strdup("");
}

int
cad_imip_series_mail(const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, const struct cad_plan *plan, size_t s,
    const struct cad_series_state *state, enum cad_imip_kind kind,
    int rid_day, int rid_time, const struct cad_imip_attendee *att,
    size_t natt, const struct cad_imip_attendee *to, int64_t now,
    struct cad_buf *out, struct cad_error *err)
{
	bool cancel = kind == CAD_IMIP_CANCEL_ONE;
	struct cad_imip_mail m;
	struct cad_buf cal;
	char *summary = NULL, *subject = NULL, *text = NULL;
	int r;

	if (kind == CAD_IMIP_CANCEL_ALL) {
		cad_error_set(err, "use cad_imip_gone_mail");
		return -EINVAL;
	}
	cad_buf_init(&cal, 0);
	if ((r = cad_imip_calendar(cfg, ctx, plan, s, state, cancel ?
	    CAD_IMIP_CANCEL : CAD_IMIP_REQUEST, rid_day, rid_time, att, natt,
	    false, now, &cal, err)) < 0)
		goto out;
	summary = cad_series_name(cfg, &plan->series[s]);
	subject = cad_imip_subject(kind, summary, rid_day, rid_time);
	text = series_text(cfg, ctx, plan, s, kind, rid_day, rid_time);
	cad_imip_mail_init(&m, cfg, to->name, to->email, subject, now);
	m.text = text;
	m.calendar = cal.data;
	m.method = cancel ? "CANCEL" : "REQUEST";
	r = cad_imip_message(&m, out, err);
out:
	free(summary);
	free(subject);
	free(text);
	cad_buf_release(&cal);
	return r;
}

int
cad_imip_gone_mail(const struct cad_config *cfg, const char *uid,
    const char *summary, int dtstart_day, int dtstart_time, int sequence,
    const struct cad_imip_attendee *to, int64_t now, struct cad_buf *out,
    struct cad_error *err)
{
	struct cad_imip_mail m;
	struct cad_buf cal;
	char *subject, *text;
	const char *name = summary != NULL ? summary : uid;
	int r;

	cad_buf_init(&cal, 0);
	if ((r = cad_imip_cancel_calendar(cfg, uid, summary, dtstart_day,
	    dtstart_time, sequence, to, 1, now, &cal, err)) < 0) {
		cad_buf_release(&cal);
		return r;
	}
	subject = cad_imip_subject(CAD_IMIP_CANCEL_ALL, name, 0, 0);
	/* TRANSLATORS: the series; then the organizer's name, a space
	   (or nothing) and address */
	text = cad_asprintf(_("Kokoussarja on peruttu: %1$s\n\n"
	    "Kokouksia ei enää pidetä tällä kutsulla.  Kalenteriohjelma "
	    "poistaa\nne liitteen (invite.ics) avulla.\n\n-- \n"
	    "%2$s%3$s<%4$s>\n"),
	    name, cfg->organizer_name != NULL ?
	    cad_tr(cfg, cfg->organizer_name) : "",
	    cfg->organizer_name != NULL ? " " : "",
	    cfg->organizer_email != NULL ? cfg->organizer_email : "");
	cad_imip_mail_init(&m, cfg, to->name, to->email, subject, now);
	m.text = text;
	m.calendar = cal.data;
	m.method = "CANCEL";
	r = cad_imip_message(&m, out, err);
	free(subject);
	free(text);
	cad_buf_release(&cal);
	return r;
}
