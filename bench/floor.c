/*
 * floor.c - the libical floor for the planning benchmark.
 *
 *	floor RULES FROM TO
 *
 * RULES has one series a line, "DTSTART RRULE" (bench/gen_national.py
 * --rules), e.g. "20240101T090000 FREQ=YEARLY;BYMONTH=2;BYDAY=1TU".
 * FROM and TO are inclusive dates, YYYY-MM-DD.  Every rule is expanded
 * with libical's icalrecur_iterator from its DTSTART up to TO, and the
 * instances whose date lies in [FROM, TO] are counted.  Nothing else:
 * no holidays, blackouts, moves or output -- the least any planner
 * built on libical has to do for the same rules.  Prints
 * "<series> <instances>".
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

static int
ymd(const char *s)
{
	int y, m, d;

	if (sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3)
		errx(2, "bad date '%s'", s);
	return y * 10000 + m * 100 + d;
}

int
main(int argc, char *argv[])
{
	char line[1024], *sp;
	unsigned long series = 0, count = 0;
	int from, to;
	FILE *fp;

	if (argc != 4) {
		fprintf(stderr, "usage: floor RULES FROM TO\n");
		return 2;
	}
	from = ymd(argv[2]);
	to = ymd(argv[3]);
	if ((fp = fopen(argv[1], "r")) == NULL)
		err(1, "%s", argv[1]);
	while (fgets(line, sizeof line, fp) != NULL) {
		struct icalrecurrencetype r;
		struct icaltimetype start, t;
		icalrecur_iterator *it;

		line[strcspn(line, "\r\n")] = '\0';
		if ((sp = strchr(line, ' ')) == NULL)
			continue;
		*sp++ = '\0';
		start = icaltime_from_string(line);
		r = icalrecurrencetype_from_string(sp);
		if (icaltime_is_null_time(start) || r.freq == ICAL_NO_RECURRENCE)
			errx(1, "bad line: %s %s", line, sp);
		if ((it = icalrecur_iterator_new(r, start)) == NULL)
			errx(1, "libical cannot expand %s", sp);
		series++;
		for (t = icalrecur_iterator_next(it); !icaltime_is_null_time(t);
		    t = icalrecur_iterator_next(it)) {
			int d = t.year * 10000 + t.month * 100 + t.day;

			if (d > to)
				break;
			if (d >= from)
				count++;
		}
		icalrecur_iterator_free(it);
	}
	fclose(fp);
	printf("%lu %lu\n", series, count);
	return 0;
}
