/*
 * wheel.c - `cadencectl wheel [--year Y] [--forum ID ...] [--print]`:
 * the vuosikello of one year as SVG on stdout; --print leaves "today"
 * out (the agreement's appendix).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "render/wheel.h"


struct wheel_args {
	struct cli_strv forums;		/* --forum ID... */
	const char *year;
	bool print;
};

/* the options into a; 0 or an exit status */
static int
wheel_parse(struct cli *c, struct wheel_args *a)
{
	const struct cli_opt opts[] = {
		{ "year", NULL, &a->year, NULL },
		{ "forum", NULL, NULL, &a->forums },
		{ "print", &a->print, NULL, NULL },
		{ NULL, NULL, NULL, NULL },
	};
	int npos;

	return cli_options(c, opts, NULL, 0, &npos);
}

/* the forums of --forum as flags, NULL for all; -1 when one is
   unknown (said) */
static int
wheel_forums(struct cli *c, const struct wheel_args *a, bool **selected)
{
	*selected = NULL;
	if (a->forums.n == 0)
		return 0;
	*selected = cad_xcalloc(c->cfg->nforums, sizeof **selected);
	for (int i = 0; i < a->forums.n; i++) {
		int f = cli_arg_forum(c, a->forums.v[i]);
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
	int r, year;

	if ((r = wheel_parse(c, &a)) != 0)
		goto out;
	if (a.year != NULL && cli_arg_year(a.year, &year) < 0) {
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
	if (cad_wheel_year(c->cfg, &c->ctx, selected, year, a.print, &b,
	    &err) < 0) {
		cli_warnx("wheel: %s", err.msg);
		cad_buf_release(&b);
		r = 1;
		goto out;
	}
	r = cli_print_buf(&b, 0);
out:
	free(selected);
	return r;
}
