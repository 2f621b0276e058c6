/*
 * ical_restrict - checks iCalendar objects against RFC 5546 with
 * libical's icalrestriction_check(), the test oracle for SPEC § 10.6.
 *
 *	ical_restrict FILE...
 *
 * Each FILE is one iCalendar object (a feed, a CalDAV object, the
 * text/calendar part of an iMIP message).  Prints "FILE: <problem>" for
 * every X-LIC-ERROR that parsing or the restriction check leaves, and
 * exits 1 when there was one (2 on usage or read errors).  Not part of
 * the installed programs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *s = NULL;
	size_t n = 0, cap = 0, k;

	if (f == NULL)
		return NULL;
	do {
		if (n + 4096 + 1 > cap) {
			cap = 2 * cap + 4096 + 1;
			char *t = realloc(s, cap);
			if (t == NULL) {
				free(s);
				fclose(f);
				return NULL;
			}
			s = t;
		}
		k = fread(s + n, 1, 4096, f);
		n += k;
	} while (k > 0);
	fclose(f);
	s[n] = '\0';
	return s;
}

/* prints every X-LIC-ERROR in c and below it; returns how many */
static int
report(const char *path, icalcomponent *c)
{
	icalproperty *p;
	icalcomponent *k;
	int n = 0;

	for (p = icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY);
	    p; p = icalcomponent_get_next_property(c,
	    ICAL_XLICERROR_PROPERTY)) {
		printf("%s: %s: %s\n", path,
		    icalcomponent_kind_to_string(icalcomponent_isa(c)),
		    icalproperty_get_xlicerror(p));
		n++;
	}
	for (k = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); k;
	    k = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
		n += report(path, k);
	return n;
}

int
main(int argc, char **argv)
{
	int bad = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: ical_restrict FILE...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		char *text = slurp(argv[i]);
		icalcomponent *c;

		if (text == NULL) {
			fprintf(stderr, "ical_restrict: cannot read %s\n",
			    argv[i]);
			return 2;
		}
		c = icalparser_parse_string(text);
		free(text);
		if (c == NULL) {
			printf("%s: libical cannot parse it\n", argv[i]);
			bad = 1;
			continue;
		}
		if (!icalrestriction_check(c) | (report(argv[i], c) > 0))
			bad = 1;
		icalcomponent_free(c);
	}
	return bad;
}
