/*
 * access.c - the commands of the write API's access: token add, list
 * and revoke, and the audit trail (SPEC § 10.5).
 *
 *	token add NAME [--forum ID]... [--party ID]...
 *	token list [--json]
 *	token revoke NAME
 *	audit [--json]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "render/output.h"
#include "store/audit.h"
#include "store/token.h"

/* every id known to the config; else 1 with a message */
static int
known_ids(struct cli *c, const struct cli_strv *v, bool forum)
{
	for (int i = 0; i < v->n; i++)
		if ((forum ? cli_arg_forum(c, v->v[i]) :
		    cli_arg_party(c, v->v[i])) < 0)
			return 1;
	return 0;
}

static int
token_add(struct cli *c, const char *name, struct cli_strv *forums,
    struct cli_strv *parties)
{
	struct cad_token_row t = {
		.name = name,
		.forums = forums->v,
		.nforums = (size_t)forums->n,
		.parties = parties->v,
		.nparties = (size_t)parties->n,
	};
	struct cad_actor who = { cli_user(), NULL };
	struct cad_error err = { "" };
	char *secret;
	int r;

	if (known_ids(c, forums, true) || known_ids(c, parties, false))
		return 1;
	r = cad_token_add(c->store, &t, &who, (int64_t)time(NULL), &secret,
	    &err);
	if (r < 0) {
		cli_warnx("%s", err.msg);
		return 1;
	}
	/* the secret alone on stdout, so that it can go straight to a
	   file; the note on stderr */
	printf("%s\n", secret);
	free(secret);
	fprintf(stderr, _("%1$s: pääsytunnus '%2$s' on luotu; se näytetään "
	    "vain nyt: säilytä se tiedostossa, jota vain sen käyttäjä voi "
	    "lukea\n"), cli_progname, name);
	return cli_flush();
}

static void
print_ids(const char *what, char *const *v, size_t n)
{
	printf("  %s: ", what);
	if (n == 0)
		fputs(_("kaikki"), stdout);
	for (size_t i = 0; i < n; i++)
		printf("%s%s", i ? " " : "", v[i]);
}

static int
token_list(struct cli *c, bool json)
{
	struct cad_error err = { "" };
	struct cad_token *v;
	struct cad_buf b;
	size_t n;

	if (cad_token_list(c->store, &v, &n, &err) < 0) {
		cli_warnx(_("pääsytunnuksia ei voi lukea: %s"), err.msg);
		return 1;
	}
	if (json) {
		cad_buf_init(&b, 0);
		int r = cad_token_json(&b, v, n);
		cad_tokens_free(v, n);
		return cli_print_buf(&b, r);
	}
	for (size_t i = 0; i < n; i++) {
		char when[32];
		cad_format_utc(v[i].created, when);
		printf("%s", v[i].name);
		print_ids(_("foorumit"), v[i].forums, v[i].nforums);
		print_ids(_("osapuolet"), v[i].parties, v[i].nparties);
		printf(_("  luotu %s\n"), when);
	}
	cad_tokens_free(v, n);
	return cli_flush();
}

static int
token_revoke(struct cli *c, const char *name)
{
	struct cad_actor who = { cli_user(), NULL };
	struct cad_error err = { "" };

	if (cad_token_revoke(c->store, name, &who, (int64_t)time(NULL),
	    &err) < 0) {
		cli_warnx("%s", err.msg);
		return 1;
	}
	printf(_("pääsytunnus '%s' on mitätöity\n"), name);
	return cli_flush();
}

int
cmd_token(struct cli *c)
{
	struct cli_strv forums = { .n = 0 }, parties = { .n = 0 };
	bool json = false;
	const struct cli_opt opts[] = {
		{ "forum", NULL, NULL, &forums },
		{ "party", NULL, NULL, &parties },
		{ "json", &json, NULL, NULL },
		{ NULL, NULL, NULL, NULL },
	};
	const char *pos[2];
	int npos, r;

	if ((r = cli_options(c, opts, pos, 2, &npos)) != 0)
		return r;
	const char *sub = npos > 0 ? pos[0] : "";
	bool add = strcmp(sub, "add") == 0;
	bool list = strcmp(sub, "list") == 0;
	bool revoke = strcmp(sub, "revoke") == 0;
	if (!add && !list && !revoke)
		return cli_usage(_("%1$s: anna %2$s, %3$s tai %4$s"), "token",
		    "add", "list", "revoke");
	if (list && npos != 1)
		return cli_usage(_("%1$s ei ota argumenttia %2$s"),
		    "token list", "NAME");
	if (npos != (list ? 1 : 2))
		return cli_usage(_("%1$s: anna %2$s"), add ? "token add" :
		    "token revoke", "NAME");
	if (!add && (forums.n || parties.n))
		return cli_usage(_("%1$s: valitsimet %2$s ja %3$s kuuluvat "
		    "vain muotoon '%4$s'"), list ? "token list" : "token revoke",
		    "--forum", "--party", "token add");
	if (json && !list)
		return cli_usage(_("%1$s: valitsin %2$s kuuluu vain muotoon "
		    "'%3$s'"), add ? "token add" : "token revoke", "--json",
		    "token list");
	c->quiet_warnings = true;
	if ((r = cli_open(c, true)) != 0)
		return r;
	if (add)
		return token_add(c, pos[1], &forums, &parties);
	if (list)
		return token_list(c, json);
	return token_revoke(c, pos[1]);
}

/* "2026-12-03 10:00:00 +02:00", local to the config's time zone */
static void
local_time(const char *tz, int64_t t, char out[static 40])
{
	int off = 0;
	long long l;

	(void)cad_tz_offset_utc(tz, (long long)t, &off);
	l = (long long)t + off;
	char d[11];
	cad_format_date((int)(l >= 0 ? l / 86400 : (l - 86399) / 86400), d);
	long long s = ((l % 86400) + 86400) % 86400;
	snprintf(out, 40, "%s %02lld:%02lld:%02lld %c%02d:%02d", d, s / 3600,
	    s / 60 % 60, s % 60, off < 0 ? '-' : '+', abs(off) / 3600,
	    abs(off) / 60 % 60);
}

/* what was done, in the reader's language (the JSON has the store's
   action names) */
static const char *
audit_action(enum cad_audit_action a)
{
	static const char *const words[] = {
		[CAD_AUDIT_CANCEL] =
		    NC_("audit action", "peruttu"),
		[CAD_AUDIT_MOVE] =
		    NC_("audit action", "siirretty"),
		[CAD_AUDIT_UNCANCEL] =
		    NC_("audit action", "palautettu"),
		[CAD_AUDIT_UNDO] =
		    NC_("audit action", "siirto peruttu"),
		[CAD_AUDIT_ADD] =
		    NC_("audit action", "lisätty"),
		[CAD_AUDIT_UNADD] =
		    NC_("audit action", "lisäys peruttu"),
		[CAD_AUDIT_TERMINATE] =
		    NC_("audit action", "irtisanottu"),
		[CAD_AUDIT_WITHDRAW] =
		    NC_("audit action", "irtisanominen peruttu"),
		[CAD_AUDIT_TOKEN_ADD] =
		    NC_("audit action", "pääsytunnus luotu"),
		[CAD_AUDIT_TOKEN_REVOKE] =
		    NC_("audit action", "pääsytunnus mitätöity"),
		[CAD_AUDIT_DONE] =
		    NC_("audit action", "tehty"),
		[CAD_AUDIT_UNDONE] =
		    NC_("audit action", "kirjaus tehdyksi peruttu"),
	};
	return CAD_NC_AT(words, a, cad_audit_action_name(a));
}

/*
 * A change's before or after (read by cad_audit_state_parse, where the
 * store writes it) in the reader's language.  The store's words stay the
 * record's (audit --json); dates, times and ids stay as they are.
 */
static void
audit_state(const char *s)
{
	static const char *const words[] = {
		[CAD_AUDIT_WORD_NONE] = NULL,
		[CAD_AUDIT_WORD_CANCELLED] = NC_("audit action", "peruttu"),
		[CAD_AUDIT_WORD_MOVED] = NC_("audit action", "siirretty"),
		[CAD_AUDIT_WORD_ADDED] = NC_("audit action", "lisätty"),
		[CAD_AUDIT_WORD_DONE] = NC_("audit action", "tehty"),
		[CAD_AUDIT_WORD_DUE] = NC_("audit state", "tekemättä"),
	};
	struct cad_audit_state st;
	const char *all = C_("token scope", "kaikki"), *word;

	cad_audit_state_parse(s, &st);
	switch (st.kind) {
	case CAD_AUDIT_STATE_EMPTY:
		fputs("-", stdout);
		return;
	case CAD_AUDIT_STATE_WHEN:
		fputs(st.head, stdout);
		if ((word = CAD_NC_AT(words, st.word, NULL)) != NULL)
			printf(" %s", word);
		return;
	case CAD_AUDIT_STATE_NOTICE:
		/* TRANSLATORS: a party's notice of termination in the audit:
		   when it was given, when it takes effect */
		printf(_("irtisanottu %1$s, voimaan %2$s"), st.a, st.b);
		return;
	case CAD_AUDIT_STATE_SCOPE:
		/* TRANSLATORS: an API token's scope in the audit: its forums
		   and parties, each a list of ids or "all" (kaikki) */
		printf(_("foorumit: %1$s; osapuolet: %2$s"),
		    strcmp(st.a, "all") == 0 ? all : st.a,
		    strcmp(st.b, "all") == 0 ? all : st.b);
		return;
	case CAD_AUDIT_STATE_OTHER:
		break;
	}
	fputs(s, stdout);
}

int
cmd_audit(struct cli *c)
{
	struct cad_error err = { "" };
	struct cad_audit_entry *v;
	bool json = false;
	const struct cli_opt opts[] = {
		{ "json", &json, NULL, NULL },
		{ NULL, NULL, NULL, NULL },
	};
	size_t n;
	int npos, r;

	if ((r = cli_options(c, opts, NULL, 0, &npos)) != 0)
		return r;
	c->quiet_warnings = true;
	if ((r = cli_open(c, true)) != 0)
		return r;
	if (cad_audit_list(c->store, &v, &n, &err) < 0) {
		cli_warnx(_("muutoslokia ei voi lukea: %s"), err.msg);
		return 1;
	}
	if (json) {
		struct cad_buf b;
		cad_buf_init(&b, 0);
		r = cad_audit_json(&b, v, n);
		cad_audit_entries_free(v, n);
		return cli_print_buf(&b, r);
	}
	for (size_t i = 0; i < n; i++) {
		const struct cad_audit_entry *e = &v[i];
		char when[40];
		local_time(c->cfg->timezone, e->time, when);
		printf("%s  %s", when, e->who);
		if (e->address != NULL)
			printf(_(" osoitteesta %s"), e->address);
		else
			fputs(" (cadencectl)", stdout);
		printf("  %s  %s", audit_action(e->action), e->what);
		if (e->before[0] != '\0' || e->after[0] != '\0') {
			fputs("  ", stdout);
			audit_state(e->before);
			fputs(" -> ", stdout);
			audit_state(e->after);
		}
		putchar('\n');
	}
	cad_audit_entries_free(v, n);
	return cli_flush();
}
