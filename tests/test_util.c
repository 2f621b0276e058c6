/* test_util.c - civil dates and parsing against hand-checked values */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "util.h"

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
	assert_string_equal(cad_weekday_fi(cad_weekday(cad_days_from_civil(2026, 2, 10))), "ti");
	/* 24.12.2026 is a Thursday */
	assert_string_equal(cad_weekday_fi(cad_weekday(cad_days_from_civil(2026, 12, 24))), "to");
	assert_string_equal(cad_weekday_fi(cad_weekday(cad_days_from_civil(2000, 1, 1))), "la");
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
	assert_int_equal(cad_buf_puts(&b, "1234567"), 0);
	assert_int_equal(cad_buf_puts(&b, "89"), -E2BIG);
	assert_string_equal(b.data, "1234567");
	cad_buf_reset(&b);
	assert_int_equal(cad_buf_json_str(&b, "a\"b"), 0);
	assert_string_equal(b.data, "\"a\\\"b\"");
	cad_buf_release(&b);
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
	};
	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
