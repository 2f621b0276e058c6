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

int
cmd_wheel(struct cli *c)
{
	static const struct option opts[] = {
		{ "year", required_argument, NULL, OPT_YEAR },
		{ "forum", required_argument, NULL, OPT_FORUM },
		{ "print", no_argument, NULL, OPT_PRINT },
		{ NULL, 0, NULL, 0 },
	};
	const char **forum_ids;
	size_t nforum_ids = 0;
	const char *year_arg = NULL;
	long long year;
	bool print = false;
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
		case OPT_PRINT:
			print = true;
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

	struct cad_buf b;
	struct cad_error err = { "" };
	cad_buf_init(&b, 0);
	r = cad_wheel_year(c->cfg, &c->ctx, selected, (int)year, print, &b,
	    &err);
	free(selected);
	if (r < 0) {
		cli_warnx("wheel: %s", err.msg);
		cad_buf_release(&b);
		return 1;
	}
	return cli_print_buf(&b, 0);
}
