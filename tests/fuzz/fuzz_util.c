/*
 * fuzz_util.c - the string parsers that take what HTTP clients and the
 * command line send (query values, dates, times), with their promises
 * checked: a date that parses formats back to a date that parses to the
 * same day, times lie in 00:00-23:59, month-days are real (02-29
 * allowed), cad_strtonum stays in its bounds, and JSON/XML escaping
 * never fails on short text and leaves no raw control character, quote
 * or '<' behind.  Text that cad_text_check accepts stays valid when cut
 * by cad_text_cut or cad_text_snprintf at any length; an address that
 * cad_addr_check accepts comes back with an ASCII domain and accepted
 * again as it is.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/calendar.h"
#include "base/addr.h"
#include "base/text.h"
#include "base/util.h"

#include "fuzz.h"

#define FUZZ_UTIL_MAX	4096

static void
check_date(const char *s)
{
	char back[11];
	int day, day2, y, m, d;

	if (cad_parse_date(s, &day) != 0)
		return;
	cad_format_date(day, back);
	if (cad_parse_date(back, &day2) != 0 || day2 != day)
		abort();
	cad_civil_from_days(day, &y, &m, &d);
	if (m < 1 || m > 12 || d < 1 || d > cad_days_in_month(y, m) ||
	    cad_days_from_civil(y, m, d) != day || cad_year_of(day) != y)
		abort();
	if (cad_weekday(day) < 0 || cad_weekday(day) > 6)
		abort();
	for (int k = -25; k <= 25; k += 5) {
		int t = cad_add_months(day, k), ty, tm, td;

		cad_civil_from_days(t, &ty, &tm, &td);
		if ((ty * 12 + tm - 1) - (y * 12 + m - 1) != k || td > d)
			abort();
	}
	if (y >= 1900 && y <= 2199) {
		struct cad_holiday h[CAD_FI_HOLIDAYS_MAX];
		int n = cad_fi_holidays(y, h);

		if (n < 0 || n > CAD_FI_HOLIDAYS_MAX)
			abort();
	}
}

static void
check_escape(const char *s)
{
	struct cad_buf b;

	cad_buf_init(&b, 0);
	cad_buf_json_str(&b, s);
	if (cad_buf_error(&b) != 0)
		abort();
	for (size_t i = 0; i < b.len; i++)
		if ((unsigned char)b.data[i] < 0x20 ||
		    (b.data[i] == '"' && i != 0 && i != b.len - 1 &&
		    b.data[i - 1] != '\\'))
			abort();
	cad_buf_reset(&b);
	cad_buf_xml_str(&b, s);
	if (cad_buf_error(&b) != 0)
		abort();
	for (size_t i = 0; i < b.len; i++)
		if (b.data[i] == '<' || b.data[i] == '>' || b.data[i] == '"')
			abort();
	cad_buf_release(&b);
}

static void
check_text(const char *s)
{
	char why[64], buf[40], why2[96], *out = NULL, *again = NULL;
	size_t n = strlen(s);
	bool utf8, utf8b;

	if (cad_text_check(s, CAD_TEXT_LINES, why) == 0)
		for (size_t max = 0; max <= n; max += 1 + max / 8) {
			size_t k = cad_text_cut(s, max);
			char *p = cad_xcalloc(k + 1, 1);
			memcpy(p, s, k);
			if (k > max || cad_text_check(p, CAD_TEXT_LINES,
			    why) != 0)
				abort();
			free(p);
			if (cad_text_snprintf(buf, sizeof buf, "%s", s) < 0 ||
			    cad_text_check(buf, CAD_TEXT_LINES, why) != 0)
				abort();
		}
	if (cad_text_check(s, CAD_TEXT_LINE, why) != 0 ||
	    cad_addr_check(s, &out, &utf8, why2) != 0)
		return;
	for (const char *d = strrchr(out, '@'); *d; d++)
		if ((unsigned char)*d >= 0x80)
			abort();
	if (cad_addr_check(out, &again, &utf8b, why2) != 0 ||
	    strcmp(again, out) != 0 || utf8b != utf8)
		abort();
	free(out);
	free(again);
}

int
fuzz_util_one(const uint8_t *data, size_t size)
{
	long long v;
	char *s;
	int t, md;

	if (size > FUZZ_UTIL_MAX)
		return 0;
	s = cad_xcalloc(size + 1, 1);
	memcpy(s, data, size);

	check_date(s);
	if (cad_parse_time(s, &t) == 0 && (t < 0 || t > 23 * 60 + 59))
		abort();
	if (cad_parse_monthday(s, &md) == 0 && (md / 100 < 1 ||
	    md / 100 > 12 || md % 100 < 1 ||
	    md % 100 > cad_days_in_month(2024, md / 100)))
		abort();
	if (cad_strtonum(s, 1991, 2100, &v) == 0 && (v < 1991 || v > 2100))
		abort();
	if (cad_strtonum(s, -5, 5, &v) == 0 && (v < -5 || v > 5))
		abort();
	check_escape(s);
	check_text(s);
	free(s);
	return 0;
}

#ifdef CAD_FUZZ_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_util_one(data, size);
}
#endif
