/*
 * ical_fold.c - calendar text as clients read it: libical's folding
 * breaks at word boundaries and may split a UTF-8 sequence, so the
 * serialised text is unfolded and folded again here at 75 octets on
 * character boundaries, with CRLF line ends.  Also the text fragments
 * that feeds are assembled from (ical_int.h), with the places of their
 * stamps noted.
 */
#include "render/ical.h"
#include "render/ical_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#define FOLD_OCTETS	75

static const char feed_end[] = "END:VCALENDAR\r\n";


static void
emit_line(struct cad_buf *out, const char *s, size_t len)
{
	size_t limit = FOLD_OCTETS;

	while (len > limit) {
		size_t k = limit;
		/* never split a multi-byte character */
		while (k > 1 && ((unsigned char)s[k] & 0xC0) == 0x80)
			k--;
		cad_buf_add(out, s, k);
		cad_buf_add(out, "\r\n ", 3);
		s += k;
		len -= k;
		limit = FOLD_OCTETS - 1;	/* the leading space counts */
	}
	cad_buf_add(out, s, len);
	cad_buf_add(out, "\r\n", 2);
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
static void
emit_unfolded(struct cad_buf *out, const char *s, size_t len, int *depth,
    struct stamp_slots *sl)
{
	if (len >= 6 && strncmp(s, "BEGIN:", 6) == 0)
		(*depth)++;
	else if (len >= 4 && strncmp(s, "END:", 4) == 0)
		(*depth)--;
	if (sl != NULL && *depth == 2)
		slot_note(sl, out, s, len);
	emit_line(out, s, len);
	if (*depth == 1 && len >= 5 && strncmp(s, "NAME:", 5) == 0) {
		char *x = cad_asprintf("X-WR-CALNAME:%.*s", (int)(len - 5),
		    s + 5);
		emit_line(out, x, strlen(x));
		free(x);
	}
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

static void
emit_gathered(struct cad_buf *out, const char *s, size_t len, int *depth,
    struct stamp_slots *sl, struct cad_buf *pending)
{
	size_t head, phead;

	if (list_prop(s, len, &head)) {
		if (pending->len > 0 && list_prop(pending->data, pending->len,
		    &phead) && phead == head &&
		    memcmp(pending->data, s, head) == 0) {
			cad_buf_puts(pending, ",");
			cad_buf_add(pending, s + head, len - head);
			return;
		}
		if (pending->len > 0)
			emit_unfolded(out, pending->data, pending->len, depth,
			    sl);
		cad_buf_reset(pending);
		cad_buf_add(pending, s, len);
		return;
	}
	if (pending->len > 0) {
		emit_unfolded(out, pending->data, pending->len, depth, sl);
		cad_buf_reset(pending);
	}
	if (len > 0)
		emit_unfolded(out, s, len, depth, sl);
}

/* text unfolded, its EXDATEs and RDATEs gathered, folded again into
   out; 0 or the first error of out or of the lines held aside */
static int
refold(struct cad_buf *out, const char *text, struct stamp_slots *sl)
{
	struct cad_buf line, pending;
	const char *p = text;
	int r, depth = 0;

	cad_buf_init(&line, 0);
	cad_buf_init(&pending, 0);
	while (*p && (r = cad_buf_error(out)) == 0 &&
	    (r = cad_buf_error(&line)) == 0 &&
	    (r = cad_buf_error(&pending)) == 0) {
		if (*p == '\r' || *p == '\n') {
			const char *q = p;
			if (*q == '\r' && q[1] == '\n')
				q++;
			q++;
			if (*q == ' ' || *q == '\t') {
				p = q + 1;	/* a fold: drop it */
				continue;
			}
			if (line.len > 0)
				emit_gathered(out, line.data, line.len,
				    &depth, sl, &pending);
			cad_buf_reset(&line);
			p = q;
			continue;
		}
		size_t k = strcspn(p, "\r\n");
		cad_buf_add(&line, p, k);
		p += k;
	}
	emit_gathered(out, line.data, line.len, &depth, sl, &pending);
	if ((r = cad_buf_error(&line)) == 0 &&
	    (r = cad_buf_error(&pending)) == 0)
		r = cad_buf_error(out);
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
	char *text;
	int r;

	icalerror_clear_errno();
	if ((text = icalcomponent_as_ical_string_r(c)) == NULL) {
		cad_error_set(err, "libical: %s",
		    icalerror_strerror(icalerrno));
		return -ENOMEM;
	}
	if ((r = refold(out, text, NULL)) < 0)
		cad_error_set(err, "calendar too large: %s", strerror(-r));
	free(text);
	return r < 0 ? r : 0;
}

void
cad_ical_frag_release(struct cad_ical_frag *fr)
{
	free(fr->text);
	free(fr->slots);
	memset(fr, 0, sizeof *fr);
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

int
cad_ical_frag_walk(const struct cad_ical_frag *fr, const char *stamp,
    cad_ical_piece_fn fn, void *arg)
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

