/* test_util.c - civil dates and parsing against hand-checked values */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/hash.h"
#include "base/lang.h"
#include "render/output.h"
#include "base/text.h"
#include "base/util.h"

#define D(y, m, d) cad_days_from_civil((y), (m), (d))
#define HM(h, m) ((h) * 60 + (m))

static void
days_from_civil__epoch_and_known_days__match(void **state)
{
	(void)state;
	assert_int_equal(cad_days_from_civil(1970, 1, 1), 0);
	/* 2026-02-10 is 20494 days after the epoch (date -d 2026-02-10 +%s / 86400) */
	assert_int_equal(cad_days_from_civil(2026, 2, 10), 20494);
	assert_int_equal(cad_days_from_civil(1969, 12, 31), -1);
	int y, m, d;
	cad_civil_from_days(20494, &y, &m, &d);
	assert_int_equal(y, 2026);
	assert_int_equal(m, 2);
	assert_int_equal(d, 10);
}

static void
weekday__known_dates__finnish_names(void **state)
{
	(void)state;
	/* 10.2.2026 is a Tuesday (tiistai) */
	assert_string_equal(cad_weekday_name(cad_weekday(cad_days_from_civil(2026, 2, 10))), "ti");
	/* 24.12.2026 is a Thursday */
	assert_string_equal(cad_weekday_name(cad_weekday(cad_days_from_civil(2026, 12, 24))), "to");
	assert_string_equal(cad_weekday_name(cad_weekday(cad_days_from_civil(2000, 1, 1))), "la");
}

static void
parse_date__impossible_dates__rejected(void **state)
{
	(void)state;
	int d;
	assert_int_equal(cad_parse_date("2026-02-29", &d), -EINVAL);
	assert_int_equal(cad_parse_date("2024-02-29", &d), 0);
	assert_int_equal(cad_parse_date("2026-13-01", &d), -EINVAL);
	assert_int_equal(cad_parse_date("2026-1-01", &d), -EINVAL);
	assert_int_equal(cad_parse_date("2026-04-31", &d), -EINVAL);
	assert_int_equal(cad_parse_date("", &d), -EINVAL);
}

static void
parse_time__out_of_range__rejected(void **state)
{
	(void)state;
	int m;
	assert_int_equal(cad_parse_time("25:61", &m), -EINVAL);
	assert_int_equal(cad_parse_time("24:00", &m), -EINVAL);
	assert_int_equal(cad_parse_time("13:00", &m), 0);
	assert_int_equal(m, 780);
	assert_int_equal(cad_parse_time("9:00", &m), -EINVAL);
}

static void
add_months__month_end__clamped(void **state)
{
	(void)state;
	char s[11];
	cad_format_date(cad_add_months(cad_days_from_civil(2025, 5, 31), -12), s);
	assert_string_equal(s, "2024-05-31");
	cad_format_date(cad_add_months(cad_days_from_civil(2024, 1, 31), 1), s);
	assert_string_equal(s, "2024-02-29");
	cad_format_date(cad_add_months(cad_days_from_civil(2025, 6, 1), 12), s);
	assert_string_equal(s, "2026-06-01");
}

static void
buf__ceiling__refuses_more(void **state)
{
	(void)state;
	struct cad_buf b;
	cad_buf_init(&b, 8);
	cad_buf_puts(&b, "1234567");
	assert_int_equal(cad_buf_error(&b), 0);
	cad_buf_puts(&b, "89");
	assert_int_equal(cad_buf_error(&b), -E2BIG);
	assert_string_equal(b.data, "1234567");
	cad_buf_reset(&b);
	assert_int_equal(cad_buf_error(&b), 0);
	cad_buf_json_str(&b, "a\"b");
	assert_int_equal(cad_buf_error(&b), 0);
	assert_string_equal(b.data, "\"a\\\"b\"");
	cad_buf_release(&b);
}

/* the first failure stays: what fits afterwards is not added, so the
   bytes never have a hole in the middle */
static void
buf__ceiling_hit_midway__later_adds_do_nothing(void **state)
{
	(void)state;
	struct cad_buf b;
	char big[600];

	cad_buf_init(&b, 10);
	cad_buf_puts(&b, "abc");
	cad_buf_printf(&b, "%d-%s", 42, "x");	/* "abc42-x": 7 bytes */
	assert_int_equal(cad_buf_error(&b), 0);
	cad_buf_puts(&b, "defg");		/* 11 > 10 */
	assert_int_equal(cad_buf_error(&b), -E2BIG);
	cad_buf_puts(&b, "d");			/* would fit: not added */
	cad_buf_add(&b, "e", 1);
	cad_buf_printf(&b, "%c", 'f');
	cad_buf_json_str(&b, "g");
	cad_buf_xml_str(&b, "<");
	assert_int_equal(cad_buf_error(&b), -E2BIG);
	assert_string_equal(b.data, "abc42-x");
	assert_int_equal(b.len, 7);
	/* the long printf path (past its 512-byte stack copy) too */
	cad_buf_reset(&b);
	memset(big, 'y', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	cad_buf_printf(&b, "%s", big);
	assert_int_equal(cad_buf_error(&b), -E2BIG);
	assert_int_equal(b.len, 0);
	cad_buf_release(&b);
}

static void
buf__failed__steal_answers_null_and_buffer_is_reusable(void **state)
{
	(void)state;
	struct cad_buf b;
	char *s;

	cad_buf_init(&b, 4);
	cad_buf_puts(&b, "ab");
	cad_buf_puts(&b, "cde");
	assert_null(cad_buf_steal(&b));
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(cad_buf_error(&b), 0);
	cad_buf_puts(&b, "abcd");
	s = cad_buf_steal(&b);
	assert_string_equal(s, "abcd");
	free(s);
	/* nothing added is an empty string, not a failure */
	s = cad_buf_steal(&b);
	assert_string_equal(s, "");
	free(s);
	cad_buf_release(&b);
}

/* cad_format_rfc3339 of tz, day, minutes is want */
static void
assert_rfc3339(const char *tz, int day, int minutes, const char *want)
{
	char s[32];

	cad_format_rfc3339(tz, day, minutes, s);
	assert_string_equal(s, want);
}

/* cad_format_rfc3339_end of tz, day, minutes, duration is want */
static void
assert_rfc3339_end(const char *tz, int day, int minutes, int duration,
    const char *want)
{
	char s[32];

	cad_format_rfc3339_end(tz, day, minutes, duration, s);
	assert_string_equal(s, want);
}

/*
 * Summer time in the EU starts on the last Sunday of March and ends on
 * the last Sunday of October, at 01:00 UTC both times.  2026: 31.3. is a
 * Tuesday -> Sunday 29.3.; 31.10. is a Saturday -> Sunday 25.10.
 * Helsinki (EET +02:00, EEST +03:00): on 29.3. the clocks go from 03:00
 * to 04:00, so 03:00-03:59 does not exist; on 25.10. they go from 04:00
 * back to 03:00, so 03:00-03:59 happens twice.  RFC 5545 3.3.5: a time
 * in the gap is read with the offset before the gap (03:30+02:00, the
 * instant 01:30Z, which the clock shows as 04:30+03:00); a repeated time
 * is the first of the two (03:30+03:00).
 */
static void
format_rfc3339__skipped_local_time__offset_before_gap(void **state)
{
	(void)state;
	assert_rfc3339("Europe/Helsinki", D(2026, 3, 29), HM(3, 30),
	    "2026-03-29T03:30:00+02:00");
	assert_rfc3339("Europe/Helsinki", D(2026, 3, 29), HM(3, 0),
	    "2026-03-29T03:00:00+02:00");
	/* the edges: 02:59 still winter, 04:00 the first summer minute */
	assert_rfc3339("Europe/Helsinki", D(2026, 3, 29), HM(2, 59),
	    "2026-03-29T02:59:00+02:00");
	assert_rfc3339("Europe/Helsinki", D(2026, 3, 29), HM(4, 0),
	    "2026-03-29T04:00:00+03:00");
	/*
	 * New York: summer time from the second Sunday of March at 02:00
	 * local (1.3.2026 is a Sunday -> 8.3.), EST -05:00 -> EDT -04:00;
	 * 02:30 is in the gap -> the offset before it.
	 */
	assert_rfc3339("America/New_York", D(2026, 3, 8), HM(2, 30),
	    "2026-03-08T02:30:00-05:00");
}

static void
format_rfc3339__repeated_local_time__first_offset(void **state)
{
	(void)state;
	assert_rfc3339("Europe/Helsinki", D(2026, 10, 25), HM(3, 30),
	    "2026-10-25T03:30:00+03:00");
	assert_rfc3339("Europe/Helsinki", D(2026, 10, 25), HM(3, 0),
	    "2026-10-25T03:00:00+03:00");
	assert_rfc3339("Europe/Helsinki", D(2026, 10, 25), HM(2, 59),
	    "2026-10-25T02:59:00+03:00");
	/* 04:00 happens once, in winter time */
	assert_rfc3339("Europe/Helsinki", D(2026, 10, 25), HM(4, 0),
	    "2026-10-25T04:00:00+02:00");
	/* New York: back from EDT on the first Sunday of November at 02:00
	   (1.11.2026 is a Sunday); 01:30 twice -> the first, -04:00 */
	assert_rfc3339("America/New_York", D(2026, 11, 1), HM(1, 30),
	    "2026-11-01T01:30:00-04:00");
	/* Sydney: back from AEDT (+11:00) on the first Sunday of April at
	   03:00 local (5.4.2026 is a Sunday); 02:30 twice -> +11:00 */
	assert_rfc3339("Australia/Sydney", D(2026, 4, 5), HM(2, 30),
	    "2026-04-05T02:30:00+11:00");
}

static void
tz_offset__unknown_zone__einval(void **state)
{
	(void)state;
	int off = 1;
	assert_int_equal(cad_tz_offset("Europe/Atlantis", D(2026, 1, 1), 0,
	    &off), -EINVAL);
	assert_int_equal(cad_tz_offset("UTC", D(2026, 3, 29), HM(3, 30),
	    &off), 0);
	assert_int_equal(off, 0);
}

static void
tz_offset_utc__around_the_change__before_and_after(void **state)
{
	(void)state;
	int off = 0;
	long long t = (long long)D(2026, 3, 29) * 86400 + 3600; /* 01:00Z */

	assert_int_equal(cad_tz_offset_utc("Europe/Helsinki", t - 1, &off), 0);
	assert_int_equal(off, 2 * 3600);
	assert_int_equal(cad_tz_offset_utc("Europe/Helsinki", t, &off), 0);
	assert_int_equal(off, 3 * 3600);
}

/*
 * The end is the start instant + duration elapsed minutes, shown in the
 * offset in force then.
 */
static void
format_rfc3339_end__over_dst_changes__elapsed_minutes(void **state)
{
	(void)state;
	/* 29.3.2026 01:00+02:00 = 28.3. 23:00Z; + 240 min = 29.3. 03:00Z,
	   which is 06:00+03:00 (only 05:00 by the wall clock) */
	assert_rfc3339_end("Europe/Helsinki", D(2026, 3, 29), HM(1, 0), 240,
	    "2026-03-29T06:00:00+03:00");
	/* 03:30 in the gap = 01:30Z; + 60 min = 02:30Z = 05:30+03:00 */
	assert_rfc3339_end("Europe/Helsinki", D(2026, 3, 29), HM(3, 30), 60,
	    "2026-03-29T05:30:00+03:00");
	/* 25.10.2026 01:00+03:00 = 24.10. 22:00Z; + 240 min = 25.10.
	   02:00Z, after the change at 01:00Z: 04:00+02:00 */
	assert_rfc3339_end("Europe/Helsinki", D(2026, 10, 25), HM(1, 0), 240,
	    "2026-10-25T04:00:00+02:00");
	/* 03:00+03:00 (the first 03:00) = 00:00Z; + 90 min = 01:30Z,
	   the second 03:30: 03:30+02:00 */
	assert_rfc3339_end("Europe/Helsinki", D(2026, 10, 25), HM(3, 0), 90,
	    "2026-10-25T03:30:00+02:00");
	/* an ordinary day, over midnight: ti 10.2.2026 23:00 + 2 h */
	assert_rfc3339_end("Europe/Helsinki", D(2026, 2, 10), HM(23, 0), 120,
	    "2026-02-11T01:00:00+02:00");
}

static void
tz_end__day_minutes_offset__elapsed(void **state)
{
	(void)state;
	int day, min, off;

	assert_int_equal(cad_tz_end("Europe/Helsinki", D(2026, 3, 28),
	    HM(23, 0), 300, &day, &min, &off), 0);
	/* 28.3. 23:00+02:00 = 21:00Z; + 5 h = 29.3. 02:00Z = 05:00+03:00 */
	assert_int_equal(day, D(2026, 3, 29));
	assert_int_equal(min, HM(5, 0));
	assert_int_equal(off, 3 * 3600);
	/* an unknown zone: by the wall clock, offset 0 */
	assert_int_equal(cad_tz_end("Europe/Atlantis", D(2026, 3, 28),
	    HM(23, 0), 300, &day, &min, &off), -EINVAL);
	assert_int_equal(day, D(2026, 3, 29));
	assert_int_equal(min, HM(4, 0));
	assert_int_equal(off, 0);
}

/* RFC 8259 7: '"', '\\' and U+0000..U+001F escaped, the rest as is */
static void
buf_json_str__runs_between_escapes__copied_whole(void **state)
{
	(void)state;
	struct cad_buf b;

	cad_buf_init(&b, 0);
	cad_buf_json_str(&b, "Kajaani \"Hytetu\"\\x\n"
	    "ä\x01ö\ttab");
	assert_int_equal(cad_buf_error(&b), 0);
	assert_string_equal(b.data, "\"Kajaani \\\"Hytetu\\\"\\\\x\\n"
	    "ä\\u0001ö\\ttab\"");
	cad_buf_reset(&b);
	cad_buf_json_str(&b, "");
	assert_int_equal(cad_buf_error(&b), 0);
	assert_string_equal(b.data, "\"\"");
	cad_buf_reset(&b);
	cad_buf_json_str(&b, NULL);
	assert_int_equal(cad_buf_error(&b), 0);
	assert_string_equal(b.data, "null");
	cad_buf_reset(&b);
	/* the ceiling: 8 octets hold the quotes and 6 more, not 7 */
	cad_buf_release(&b);
	cad_buf_init(&b, 8);
	cad_buf_json_str(&b, "123456");
	assert_int_equal(cad_buf_error(&b), 0);
	cad_buf_reset(&b);
	cad_buf_json_str(&b, "1234567");
	assert_int_equal(cad_buf_error(&b), -E2BIG);
	cad_buf_release(&b);
}

/* HTML/XML: & < > " ' as entities, other C0 but \n and \t as '?' */
static void
buf_xml_str__runs_between_escapes__copied_whole(void **state)
{
	(void)state;
	struct cad_buf b;

	cad_buf_init(&b, 0);
	cad_buf_xml_str(&b, "a<b>&\"c'd\x02" "e\nf\tgäö");
	assert_int_equal(cad_buf_error(&b), 0);
	assert_string_equal(b.data,
	    "a&lt;b&gt;&amp;&quot;c&#39;d?e\nf\tgäö");
	cad_buf_reset(&b);
	cad_buf_xml_str(&b, NULL);
	assert_int_equal(cad_buf_error(&b), 0);
	assert_int_equal(b.len, 0);
	cad_buf_release(&b);
}

static void
text_check__bad_bytes_and_controls__reason_with_byte(void **state)
{
	char why[64];
	(void)state;
	assert_int_equal(cad_text_check("P\xc3\xa4iv\xc3\xa4", CAD_TEXT_LINE,
	    why), 0);
	/* "ab" then a lone continuation byte: the third byte */
	assert_int_equal(cad_text_check("ab\x80", CAD_TEXT_LINE, why), -EILSEQ);
	assert_string_equal(why, "virheellinen UTF-8 tavun 3 kohdalla");
	assert_int_equal(cad_text_check("a\tb", CAD_TEXT_LINE, why), -EILSEQ);
	assert_string_equal(why, "ohjausmerkki U+0009 tavun 2 kohdalla");
	assert_int_equal(cad_text_check("a\tb\nc", CAD_TEXT_LINES, why), 0);
	assert_int_equal(cad_text_check("a\rb", CAD_TEXT_LINES, why), -EILSEQ);
	assert_int_equal(cad_text_check("\x7f", CAD_TEXT_LINES, why), -EILSEQ);
	assert_string_equal(why, "ohjausmerkki U+007F tavun 1 kohdalla");
}

static void
text_cut__inside_characters__cut_before_them(void **state)
{
	(void)state;
	/* "ä" is 2 bytes: 5 bytes of "äää" keep two of them */
	assert_int_equal(cad_text_cut("\xc3\xa4\xc3\xa4\xc3\xa4", 5), 4);
	/* "a" + U+0308 COMBINING DIAERESIS (3 bytes) is one character */
	assert_int_equal(cad_text_cut("xa\xcc\x88y", 3), 1);
	assert_int_equal(cad_text_cut("xa\xcc\x88y", 4), 4);
	assert_int_equal(cad_text_cut("short", 99), 5);
}

static void
text_width__letters_marks_and_wide__terminal_columns(void **state)
{
	(void)state;
	/* "lähetetty": 9 letters, 10 bytes; "epäonnistui": 11 of 12 */
	assert_int_equal(cad_text_width("l\xc3\xa4hetetty"), 9);
	assert_int_equal(cad_text_width("ep\xc3\xa4onnistui"), 11);
	/* "a" + U+0308 COMBINING DIAERESIS: one column */
	assert_int_equal(cad_text_width("a\xcc\x88"), 1);
	/* U+6708 (a CJK ideograph) is East Asian Wide: two columns */
	assert_int_equal(cad_text_width("\xe6\x9c\x88"), 2);
	assert_int_equal(cad_text_width(""), 0);
}

static void
text_snprintf__overflow__ellipsis_on_a_boundary(void **state)
{
	char buf[8];
	(void)state;
	/* 4 x "ö" = 8 bytes do not fit in 7: two "ö" (4) + "…" (3) */
	assert_int_equal(cad_text_snprintf(buf, sizeof buf, "%s",
	    "\xc3\xb6\xc3\xb6\xc3\xb6\xc3\xb6"), 8);
	assert_string_equal(buf, "\xc3\xb6\xc3\xb6\xe2\x80\xa6");
	assert_int_equal(cad_text_snprintf(buf, sizeof buf, "%s", "abc"), 3);
	assert_string_equal(buf, "abc");
}

/* the expected values come from outside this code: xxhsum -H2 (the
   xxhash package's command) of "abc" and of nothing, and the two FNV-1a
   runs computed in Python from their definition */
static void
etag__xxh3_128_and_length__as_xxhsum_says(void **state)
{
	(void)state;
	char whole[CAD_ETAG_SIZE], pieces[CAD_ETAG_SIZE];
	struct cad_etag e;

	cad_etag("abc", 3, whole);
	assert_string_equal(whole, "\"06b05ab6733a618578af5f94892f3950-3\"");
	cad_etag("", 0, whole);
	assert_string_equal(whole, "\"99aa06d3014798d86001c324468d497f-0\"");
	/* in pieces: the same tag as the whole body */
	assert_int_equal(cad_etag_init(&e), 0);
	cad_etag_update(&e, "a", 1);
	cad_etag_update(&e, "", 0);
	cad_etag_update(&e, "bc", 2);
	cad_etag_final(&e, pieces);
	assert_string_equal(pieces, "\"06b05ab6733a618578af5f94892f3950-3\"");
}

static void
fingerprint__two_fnv1a_runs__as_defined(void **state)
{
	(void)state;
	char fp[CAD_FINGERPRINT_HEX];

	/* kept in the store: a change here resends every invitation */
	cad_fingerprint_hex("abc", 3, fp);
	assert_string_equal(fp, "e71fa2190541574b81757be9a849390c");
	cad_fingerprint_hex("", 0, fp);
	assert_string_equal(fp, "cbf29ce48422232584222325cbf29ce4");
	/* FNV-1a 64 of "a" (its published test vector) */
	assert_true(cad_fnv_add(CAD_FNV_OFFSET, "a", 1) ==
	    0xaf63dc4c8601ec8cULL);
	/* fields keep their bounds, and NULL is not "" */
	assert_true(cad_fnv_str(cad_fnv_str(CAD_FNV_OFFSET, "ab"), "c") !=
	    cad_fnv_str(cad_fnv_str(CAD_FNV_OFFSET, "a"), "bc"));
	assert_true(cad_fnv_str(CAD_FNV_OFFSET, NULL) !=
	    cad_fnv_str(CAD_FNV_OFFSET, ""));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(days_from_civil__epoch_and_known_days__match),
		cmocka_unit_test(weekday__known_dates__finnish_names),
		cmocka_unit_test(parse_date__impossible_dates__rejected),
		cmocka_unit_test(parse_time__out_of_range__rejected),
		cmocka_unit_test(add_months__month_end__clamped),
		cmocka_unit_test(buf__ceiling__refuses_more),
		cmocka_unit_test(etag__xxh3_128_and_length__as_xxhsum_says),
		cmocka_unit_test(fingerprint__two_fnv1a_runs__as_defined),
		cmocka_unit_test(buf__ceiling_hit_midway__later_adds_do_nothing),
		cmocka_unit_test(
		    buf__failed__steal_answers_null_and_buffer_is_reusable),
		cmocka_unit_test(
		    format_rfc3339__skipped_local_time__offset_before_gap),
		cmocka_unit_test(
		    format_rfc3339__repeated_local_time__first_offset),
		cmocka_unit_test(tz_offset__unknown_zone__einval),
		cmocka_unit_test(
		    tz_offset_utc__around_the_change__before_and_after),
		cmocka_unit_test(
		    format_rfc3339_end__over_dst_changes__elapsed_minutes),
		cmocka_unit_test(tz_end__day_minutes_offset__elapsed),
		cmocka_unit_test(
		    buf_json_str__runs_between_escapes__copied_whole),
		cmocka_unit_test(
		    buf_xml_str__runs_between_escapes__copied_whole),
		cmocka_unit_test(
		    text_check__bad_bytes_and_controls__reason_with_byte),
		cmocka_unit_test(text_cut__inside_characters__cut_before_them),
		cmocka_unit_test(
		    text_width__letters_marks_and_wide__terminal_columns),
		cmocka_unit_test(
		    text_snprintf__overflow__ellipsis_on_a_boundary),
	};
	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
