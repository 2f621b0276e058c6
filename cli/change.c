/*
 * change.c - the commands that change one meeting: cancel, move and
 * add (an extra meeting of a series, published as an RDATE); and
 * cli_change_run, which cli/task.c's done shares.
 * The validation and the effect live in core/store/change.c (shared
 * with the daemon's POST /api/v1/changes); this file parses the
 * arguments and tells the result.  The daemon notices the write and
 * republishes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "net/api_client.h"
#include "render/output.h"
#include "store/change.h"

int
cli_change_args(struct cli *c, bool reason, struct change_args *a)
{
	const struct cli_opt opts[] = {
		{ "party", NULL, &a->party, NULL },
		{ "reason", NULL, &a->reason, NULL },
		{ "undo", &a->undo, NULL, NULL },
		{ NULL, NULL, NULL, NULL },
	};
	int r;

	memset(a, 0, sizeof *a);
	if ((r = cli_options(c, opts, a->pos, 4, &a->npos)) != 0)
		return r;
	if (a->reason && !reason)
		return cli_usage(_("%1$s ei ota valitsinta %2$s"), c->argv[0],
		    "--reason");
	return 0;
}

/* ch sent to the daemon of --server: 0 or -errno with err */
static int
remote(struct cli *c, const struct cad_change *ch,
    struct cad_change_result *res, struct cad_error *err)
{
	struct cad_api_client cl = { c->server, NULL, c->cafile,
	    cad_lang_code(cad_lang_current()) };
	char *token;
	int r;

	if ((r = cad_api_read_token(c->token_file, &token, err)) != 0)
		return r;
	cl.token = token;
	/* a cancel --undo is the API's "undo" (an add --undo and a
	   done --undo are too, told apart by their "time" and "task") */
	struct cad_change sent = *ch;
	if (sent.action == CAD_CHANGE_UNCANCEL)
		sent.action = CAD_CHANGE_UNDO;
	r = cad_api_change(&cl, &sent, res, err);
	explicit_bzero(token, strlen(token));
	free(token);
	return r;
}

int
cli_change_run(struct cli *c, const struct cad_change *ch,
    struct cad_change_result *res)
{
	struct cad_error err = { "" };
	struct cad_actor who = { cli_user(), NULL };
	int r;

	if (c->server != NULL)
		r = remote(c, ch, res, &err);
	else if ((r = cli_open(c, true)) != 0)
		return r;
	else
		r = cad_change_apply(c->store, c->cfg, c->today, ch, &who,
		    (int64_t)time(NULL), res, &err);
	if (r == -EINVAL || r == -ENOENT || (r < 0 && c->server != NULL)) {
		cli_warnx("%s", err.msg);
		return 1;
	}
	if (r < 0) {
		cli_warnx(_("muutosta ei voi tallentaa: %s"), err.msg);
		return 1;
	}
	return 0;
}

/* runs ch (its date from a->pos[1]) with cli_change_run; 0 or exit
   status */
static int
apply(struct cli *c, const struct change_args *a, struct cad_change *ch,
    struct cad_change_result *res)
{
	if (cli_arg_date(_("päivä"), a->pos[1], &ch->day) < 0)
		return 1;
	ch->forum = a->pos[0];
	ch->party = a->party;
	return cli_change_run(c, ch, res);
}

int
cmd_cancel(struct cli *c)
{
	struct change_args a;
	struct cad_change ch = { .new_time = -1 };
	struct cad_change_result res;
	char when[32];
	int r;

	if ((r = cli_change_args(c, true, &a)) != 0)
		return r;
	if (a.npos != 2)
		return cli_usage(_("%1$s: anna %2$s"), "cancel", "FORUM DATE");
	ch.action = a.undo ? CAD_CHANGE_UNCANCEL : CAD_CHANGE_CANCEL;
	ch.reason = a.reason;
	if ((r = apply(c, &a, &ch, &res)) != 0)
		return r;
	cad_format_fi(res.day, res.time, when);
	/* TRANSLATORS: the meeting's name and its start
	   ("ti 13.10.2026 klo 13.00") */
	if (res.outcome == CAD_CHANGE_ALREADY)
		printf(_("%1$s %2$s on jo peruttu\n"), res.name, when);
	else if (a.undo)
		printf(_("palautettu: %1$s %2$s\n"), res.name, when);
	else
		printf(_("peruttu: %1$s %2$s\n"), res.name, when);
	cad_change_result_release(&res);
	return 0;
}

int
cmd_move(struct cli *c)
{
	struct change_args a;
	struct cad_change ch = { .new_time = -1 };
	struct cad_change_result res;
	char from[32], to[32];
	int r;

	if ((r = cli_change_args(c, false, &a)) != 0)
		return r;
	if (a.undo ? a.npos != 2 : a.npos != 3 && a.npos != 4)
		return cli_usage(_("%1$s: anna %2$s"), a.undo ? "move --undo" :
		    "move", a.undo ? "FORUM DATE" :
		    "FORUM DATE NEW-DATE [NEW-TIME]");
	if (!a.undo && cli_arg_date(_("uusi päivä"), a.pos[2],
	    &ch.new_day) < 0)
		return 1;
	if (a.npos == 4 && cad_parse_time(a.pos[3], &ch.new_time) < 0) {
		cli_warnx(_("uusi kellonaika '%s' ei ole muotoa HH:MM"),
		    a.pos[3]);
		return 1;
	}
	ch.action = a.undo ? CAD_CHANGE_UNDO : CAD_CHANGE_MOVE;
	if ((r = apply(c, &a, &ch, &res)) != 0)
		return r;
	if (a.undo) {
		printf(_("siirto peruttu: %s\n"), res.name);
		cad_change_result_release(&res);
		return 0;
	}
	if (res.warnings & CAD_CHANGE_WARN_NOT_WORKING)
		cli_warnx(_("varoitus: %s ei ole arkipäivä"),
		    a.pos[2]);
	if (res.warnings & CAD_CHANGE_WARN_BLACKOUT)
		cli_warnx(_("varoitus: %1$s on foorumin '%2$s' katkolla"),
		    a.pos[2], ch.forum);
	cad_format_fi(res.day, res.time, from);
	cad_format_fi(res.new_day, res.new_time, to);
	/* TRANSLATORS: the meeting's name, its start and its new start */
	printf(_("siirretty: %1$s %2$s -> %3$s\n"), res.name, from, to);
	cad_change_result_release(&res);
	return 0;
}

int
cmd_add(struct cli *c)
{
	struct change_args a;
	struct cad_change ch = { .new_time = -1 };
	struct cad_change_result res;
	char when[32];
	int r;

	if ((r = cli_change_args(c, true, &a)) != 0)
		return r;
	if (a.npos != 3)
		return cli_usage(_("%1$s: anna %2$s"), "add",
		    "FORUM DATE TIME");
	if (cad_parse_time(a.pos[2], &ch.time) < 0) {
		cli_warnx(_("kellonaika '%s' ei ole muotoa HH:MM"), a.pos[2]);
		return 1;
	}
	ch.action = a.undo ? CAD_CHANGE_UNADD : CAD_CHANGE_ADD;
	ch.reason = a.undo ? NULL : a.reason;
	if ((r = apply(c, &a, &ch, &res)) != 0)
		return r;
	cad_format_fi(res.day, res.time, when);
	/* TRANSLATORS: the series' UID and the added meeting's start */
	if (a.undo)
		printf(_("lisäys peruttu: %1$s %2$s\n"), res.uid, when);
	else
		printf(_("lisätty: %1$s %2$s\n"), res.uid, when);
	cad_change_result_release(&res);
	return 0;
}
