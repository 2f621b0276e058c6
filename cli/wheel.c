/*
 * wheel.c - `cadencectl wheel [--year Y] [--forum ID ...]`: the
 * vuosikello of one year as SVG on stdout.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "deadline.h"
#include "wheel.h"

enum { OPT_YEAR = 256, OPT_FORUM };

/* the agreement's deadlines as wheel marks: one allocation, the titles
   copied after the array, so one free() releases it */
int
cli_deadline_marks(struct cli *c, struct cad_wheel_mark **marks, size_t *n)
{
	struct cad_deadline *d;
	struct cad_error err = { "" };
	size_t nd, size;
	char *p;

	if (cad_deadlines(c->cfg, c->term, c->nterm, &d, &nd, &err) < 0) {
		cli_warnx("deadlines: %s", err.msg);
		return 1;
	}
	size = nd * sizeof(**marks);
	for (size_t i = 0; i < nd; i++)
		size += strlen(d[i].title) + 1;
	*marks = cad_xcalloc(1, size ? size : 1);
	p = (char *)(*marks + nd);
	for (size_t i = 0; i < nd; i++) {
		size_t len = strlen(d[i].title) + 1;
		memcpy(p, d[i].title, len);
		(*marks)[i].day = d[i].day;
		(*marks)[i].title = p;
		p += len;
	}
	*n = nd;
	cad_deadlines_free(d, nd);
	return 0;
}

int
cmd_wheel(struct cli *c)
{
	static const struct option opts[] = {
		{ "year", required_argument, NULL, OPT_YEAR },
		{ "forum", required_argument, NULL, OPT_FORUM },
		{ NULL, 0, NULL, 0 },
	};
	const char **forum_ids;
	size_t nforum_ids = 0;
	const char *year_arg = NULL;
	long long year;
	int ch, r;

	forum_ids = cad_xcalloc(c->argc, sizeof(*forum_ids));
	opterr = 0;
	while ((ch = getopt_long(c->argc, c->argv, "+", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_YEAR:
			year_arg = optarg;
			break;
		case OPT_FORUM:
			forum_ids[nforum_ids++] = optarg;
			break;
		default:
			free(forum_ids);
			return cli_usage("wheel: unknown option '%s'",
			    c->argv[optind - 1]);
		}
	}
	if (optind < c->argc) {
		free(forum_ids);
		return cli_usage("wheel: unexpected argument '%s'",
		    c->argv[optind]);
	}
	if (year_arg != NULL && cad_strtonum(year_arg, 1991, 2100, &year) < 0) {
		free(forum_ids);
		cli_warnx("--year '%s' is not a year between 1991 and 2100",
		    year_arg);
		return 1;
	}
	c->quiet_warnings = true;
	if ((r = cli_open(c, true)) != 0) {
		free(forum_ids);
		return r;
	}
	if (year_arg == NULL)
		year = cad_year_of(c->today);

	bool *selected = NULL;
	if (nforum_ids > 0) {
		selected = cad_xcalloc(c->cfg->nforums, sizeof(*selected));
		for (size_t i = 0; i < nforum_ids; i++) {
			int f = cli_arg_forum(c, forum_ids[i]);
			if (f < 0) {
				free(selected);
				free(forum_ids);
				return 1;
			}
			selected[f] = true;
		}
	}
	free(forum_ids);

	struct cad_plan plan;
	if ((r = cli_plan(c, cad_days_from_civil((int)year, 1, 1),
	    cad_days_from_civil((int)year, 12, 31), &plan)) != 0) {
		free(selected);
		return r;
	}
	struct cad_wheel_mark *marks = NULL;
	size_t nmarks = 0;
	r = cli_deadline_marks(c, &marks, &nmarks);
	struct cad_buf b;
	struct cad_error err = { "" };
	cad_buf_init(&b, 0);
	if (r == 0 && cad_wheel_svg(c->cfg, &plan, marks, nmarks, selected,
	    (int)year, c->today, &b, &err) < 0) {
		cli_warnx("wheel: %s", err.msg);
		r = 1;
	}
	free(marks);
	free(selected);
	cad_plan_release(&plan);
	if (r != 0) {
		cad_buf_release(&b);
		return r;
	}
	return cli_print_buf(&b, 0);
}
