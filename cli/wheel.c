/*
 * wheel.c - `cadencectl wheel [--year Y] [--forum ID ...] [--print]`:
 * the vuosikello of one year as SVG on stdout; --print leaves "today"
 * out (the agreement's appendix).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "render/wheel.h"

enum { OPT_YEAR = 256, OPT_FORUM, OPT_PRINT };

struct wheel_args {
	const char **forum_ids;		/* c->argc slots */
	size_t nforum_ids;
	const char *year;
	bool print;
};

/* the options into a; 0 or an exit status */
static int
wheel_parse(struct cli *c, struct wheel_args *a)
{
	static const struct option opts[] = {
		{ "year", required_argument, NULL, OPT_YEAR },
		{ "forum", required_argument, NULL, OPT_FORUM },
		{ "print", no_argument, NULL, OPT_PRINT },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	opterr = 0;
	while ((ch = getopt_long(c->argc, c->argv, "+", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_YEAR:
			a->year = optarg;
			break;
		case OPT_FORUM:
			a->forum_ids[a->nforum_ids++] = optarg;
			break;
		case OPT_PRINT:
			a->print = true;
			break;
		default:
			return cli_usage("wheel: unknown option '%s'",
			    c->argv[optind - 1]);
		}
	}
	if (optind < c->argc)
		return cli_usage("wheel: unexpected argument '%s'",
		    c->argv[optind]);
	return 0;
}

/* the forums of a->forum_ids as flags, NULL for all; -1 when one is
   unknown (said) */
static int
wheel_forums(struct cli *c, const struct wheel_args *a, bool **selected)
{
	*selected = NULL;
	if (a->nforum_ids == 0)
		return 0;
	*selected = cad_xcalloc(c->cfg->nforums, sizeof **selected);
	for (size_t i = 0; i < a->nforum_ids; i++) {
		int f = cli_arg_forum(c, a->forum_ids[i]);
		if (f < 0) {
			free(*selected);
			*selected = NULL;
			return -1;
		}
		(*selected)[f] = true;
	}
	return 0;
}

int
cmd_wheel(struct cli *c)
{
	struct wheel_args a = { 0 };
	struct cad_error err = { "" };
	struct cad_buf b;
	bool *selected = NULL;
	long long year;
	int r;

	a.forum_ids = cad_xcalloc(c->argc, sizeof *a.forum_ids);
	if ((r = wheel_parse(c, &a)) != 0)
		goto out;
	if (a.year != NULL && cad_strtonum(a.year, 1991, 2100, &year) < 0) {
		cli_warnx("--year '%s' is not a year between 1991 and 2100",
		    a.year);
		r = 1;
		goto out;
	}
	c->quiet_warnings = true;
	if ((r = cli_open(c, true)) != 0)
		goto out;
	if (a.year == NULL)
		year = cad_year_of(c->today);
	if (wheel_forums(c, &a, &selected) < 0) {
		r = 1;
		goto out;
	}
	cad_buf_init(&b, 0);
	if (cad_wheel_year(c->cfg, &c->ctx, selected, (int)year, a.print, &b,
	    &err) < 0) {
		cli_warnx("wheel: %s", err.msg);
		cad_buf_release(&b);
		r = 1;
		goto out;
	}
	r = cli_print_buf(&b, 0);
out:
	free(selected);
	free(a.forum_ids);
	return r;
}
