/*
 * cadencectl - the command-line companion of cadenced (SPEC § 8).
 *
 *	cadencectl [-c FILE] [--today YYYY-MM-DD] COMMAND [ARGS...]
 *
 * Global options stand before the command, the command's own after it,
 * as in git.  Exit status: 0 ok, 1 bad input, 2 usage.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <pwd.h>
#include <unistd.h>

#include "model/calendar.h"
#include "model/config.h"
#include "render/output.h"
#include "model/plan.h"
#include "store/store.h"
#include "base/util.h"
#include "base/text.h"
#include "cli.h"

#define DEFAULT_CONFIG "/etc/cadenced/cadenced.conf"
#define EXIT_BAD 1
#define EXIT_USAGE 2

const char *cli_progname = "cadencectl";

/*
 * --help begins.  cadencectl --help, one message per paragraph, as
 * coreutils writes its --help: a translator edits one .po entry for each.
 */
/* TRANSLATORS: cadencectl's synopsis: keep the option spellings, command
   names and metavariables (FILE, DATE, LANG, COMMAND, ARGS, URL) as they
   are, the first line whole (a usage error shows it alone) and every line
   at most 80 columns */
static const char *const help_synopsis = N_(
	"käyttö: cadencectl [-c FILE] [--today DATE] [--lang LANG] COMMAND [ARGS...]\n"
	"        cadencectl --server URL --token-file FILE [--cacert FILE]\n"
	"                   cancel|move|add|done ARGS...\n");

/* the commands, a paragraph each: the command lines (command, options,
   metavariables such as FORUM or TASK) stay as they are */
static const char *const help_commands[] = {
	/* TRANSLATORS: cadencectl --help, the commands that read: keep the
	   command lines as they are; descriptions at column 43, lines
	   at most 80 columns */
	N_(
	"\n"
	"komennot:\n"
	"  check                                   tarkista asetukset, näytä varoitukset\n"
	"  forums [--json]                         foorumit\n"
	"  occurrences --from D --to D [--forum ID] [--party ID] [--json]\n"
	"                                          kokoukset päivästä D päivään D\n"
	"  next [-n N] [--forum ID] [--party ID] [--json]\n"
	"                                          seuraavat N kokousta\n"
	"  holidays --year Y [--json]              vuoden Y pyhäpäivät\n"
	"  deadlines [--json] [--all]              sopimusten ja tehtävien määräajat\n"
	"  compliance [--json]                     lakisääteiset vähimmäiskokoukset,\n"
	"                                          myöhässä olevat tehtävät ja ohitetut\n"
	"                                          sopimusten määräajat\n"),
	/* TRANSLATORS: cadencectl --help, the commands that change something: keep the
	   command lines as they are; descriptions at column 43, lines
	   at most 80 columns */
	N_(
	"  cancel FORUM DATE [--party ID] [--reason TEXT] [--undo]\n"
	"                                          peru kokous\n"
	"  move FORUM DATE NEW-DATE [NEW-TIME] [--party ID] [--undo]\n"
	"                                          siirrä kokous\n"
	"  add FORUM DATE TIME [--party ID] [--reason TEXT] [--undo]\n"
	"                                          kertaluonteinen lisäkokous\n"
	"  done TASK DATE [--party ID] [--undo]    päivänä DATE erääntyvä tehtävä\n"
	"                                          on tehty\n"
	"  terminate PARTY --noticed DATE | PARTY --withdraw | --list [--json]\n"
	"                                          osapuolen irtisanominen: kirjaa, peru\n"
	"                                          tai luettele\n"),
	/* TRANSLATORS: cadencectl --help, the commands that write files or send: keep the
	   command lines as they are; descriptions at column 43, lines
	   at most 80 columns */
	N_(
	"  export [--forum ID | --party ID] [--dir DIR]\n"
	"                                          iCalendar-syöte; --dir: kaikki\n"
	"                                          syötteet hakemistoon DIR\n"
	"  outbox [--json] [--retry] [--deliver]   kutsut: luettele, yritä heti\n"
	"                                          uudelleen tai lähetä erääntyneet\n"
	"                                          (ilman cadenced-palvelua)\n"
	"  wheel [--year Y] [--forum ID...] [--print]  vuosikello SVG-kuvana\n"),
	/* TRANSLATORS: cadencectl --help, the API tokens and the audit: keep the
	   command lines as they are; descriptions at column 43, lines
	   at most 80 columns */
	N_(
	"  token add NAME [--forum ID]... [--party ID]...\n"
	"                                          API-pääsytunnus, näytetään vain kerran\n"
	"  token list [--json] | token revoke NAME\n"
	"                                          pääsytunnukset; mitätöi pääsytunnus\n"
	"  audit [--json]                          kuka muutti mitä ja milloin\n"),
};

/* TRANSLATORS: the options of cadencectl --help: keep the option column
   as it is; %s is the default config file */
static const char *const help_options = N_(
	"\n"
	"valitsimet:\n"
	"  -c FILE             asetustiedosto (oletus %s)\n"
	"  --today YYYY-MM-DD  toimi kuin tänään olisi YYYY-MM-DD\n"
	"  --lang LANG         tulosteen kieli: fi, sv tai en (oletus: LANG /\n"
	"                      LC_MESSAGES, jos asetukset luettelevat sen,\n"
	"                      muuten asetusten ensimmäinen kieli)\n"
	"  -h, --help          tämä ohje\n");
/* TRANSLATORS: the options of cadencectl --help that reach the daemon;
   keep the option column and the command names as they are */
static const char *const help_server = N_(
	"  --server URL        lähetä cancel, move, add ja done cadencedin API:lle\n"
	"                      osoitteeseen URL (terminate, token ja audit\n"
	"                      toimivat vain paikallisesti)\n"
	"  --token-file FILE   API-pääsytunnus (cadencectl token add), tila 600\n"
	"  --cacert FILE       luota tiedoston FILE palvelinvarmenteisiin\n");
/* TRANSLATORS: the end of cadencectl --help; keep YYYY-MM-DD and HH:MM */
static const char *const help_footer = N_(
	"\n"
	"Päivämäärät ovat muotoa YYYY-MM-DD, kellonajat HH:MM.  Paluuarvo: 0 ok,\n"
	"1 virheellinen syöte, 2 virheellinen komentorivi.\n");
/* --help ends */

static void
vwarnx(const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", cli_progname);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
cli_warnx(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
}

/* cadencectl --help, in the language of its own words */
static int
help_print(void)
{
	fputs(_(help_synopsis), stdout);
	for (size_t i = 0; i < sizeof help_commands /
	    sizeof help_commands[0]; i++)
		fputs(_(help_commands[i]), stdout);
	printf(_(help_options), DEFAULT_CONFIG);
	fputs(_(help_server), stdout);
	fputs(_(help_footer), stdout);
	return cli_flush();
}

/* the reason, the synopsis's first line and where the rest is (the
   whole help would bury the reason) */
int
cli_usage(const char *fmt, ...)
{
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vwarnx(fmt, ap);
		va_end(ap);
	}
	const char *syn = _(help_synopsis);
	fprintf(stderr, "%.*s\n", (int)strcspn(syn, "\n"), syn);
	fprintf(stderr, _("Lisätietoja: %s --help\n"), cli_progname);
	return EXIT_USAGE;
}

/* the option getopt_long() stopped at, as typed: "-x" (maybe one of a
   cluster, "-hx") or "--frobnicate" */
static const char *
bad_option(char **argv, int ch)
{
	static char s[3];

	if (ch == '?' && optopt > 0 && optopt < 256) {
		snprintf(s, sizeof s, "-%c", optopt);
		return s;
	}
	return argv[optind - 1];
}

const char *
cli_user(void)
{
	static char name[64];
	struct passwd *pw = getpwuid(geteuid());

	if (name[0] == '\0') {
		if (pw != NULL)
			cad_strlcpy(name, pw->pw_name, sizeof name);
		else
			snprintf(name, sizeof name, "uid %lu",
			    (unsigned long)geteuid());
	}
	return name;
}

static int
today_local(const char *tz)
{
	time_t now = time(NULL);
	int off = 0;
	/* the offset at noon UTC of today is good enough to find the date */
	int day = (int)(now / 86400);
	(void)cad_tz_offset(tz, day, 720, &off);
	return (int)((now + off) / 86400);
}

/*
 * The output language: --lang, else LANG / LC_MESSAGES when the config
 * lists that language, else the config's default.
 */
static int
use_language(struct cli *c)
{
	enum cad_lang dflt = c->cfg->langs[0], l = dflt;

	if (c->lang >= 0)
		l = (enum cad_lang)c->lang;
	else if (cad_config_has_lang(c->cfg, cad_lang_from_env(dflt)))
		l = cad_lang_from_env(dflt);
	if (cad_lang_use(l) == 0)
		return 0;
	if (c->lang >= 0) {
		cli_warnx(_("kieli '%1$s': sille ei ole localea eikä "
		    "käännösluetteloa (Debian: luo %2$s locales-paketilla; "
		    "make install asentaa käännösluettelot)"),
		    cad_lang_code(l), l == CAD_LANG_SV ? "sv_FI.UTF-8" :
		    "en_GB.UTF-8");
		return -1;
	}
	(void)cad_lang_use(dflt);
	return 0;
}

/*
 * Loads the config and picks the output language.  The config's errors
 * are in the language asked for (--lang, else LANG / LC_MESSAGES: the
 * config's languages are not known before it is read); the warnings of a
 * config that loads are in the output's language, as the rest is.
 */
static int
load_config(struct cli *c)
{
	struct cad_diag diag;
	int r, lr = 0;

	(void)cad_lang_use(c->lang >= 0 ? (enum cad_lang)c->lang :
	    cad_lang_from_env(CAD_LANG_FI));
	enum cad_lang asked = cad_lang_current();
	cad_diag_init(&diag);
	r = cad_config_load(c->config_path, &c->cfg, &diag);
	if (r == 0 && (lr = use_language(c)) == 0 &&
	    cad_lang_current() != asked && diag.n > 0) {
		cad_config_free(c->cfg);
		c->cfg = NULL;
		cad_diag_release(&diag);
		cad_diag_init(&diag);
		r = cad_config_load(c->config_path, &c->cfg, &diag);
	}
	for (size_t i = 0; i < diag.n; i++)
		if (r < 0 || !c->quiet_warnings)
			fprintf(stderr, "%s\n", diag.msgs[i]);
	cad_diag_release(&diag);
	return r < 0 || lr < 0 ? -1 : 0;
}

/* loads the config, the store and what the planner needs from it */
int
cli_open(struct cli *c, bool need_store)
{
	struct cad_error err = { "" };
	int r;

	if (load_config(c) < 0)
		return EXIT_BAD;
	if (c->today == CAD_NODAY)
		c->today = today_local(c->cfg->timezone);
	c->ctx.today = c->today;
	if (!need_store)
		return 0;
	r = cad_store_open(c->cfg->state_dir, &c->store, &err);
	if (r < 0) {
		cli_warnx(_("tietokantaa hakemistossa '%1$s' ei voi avata: "
		    "%2$s"),
		    c->cfg->state_dir, err.msg);
		return EXIT_BAD;
	}
	if (cad_store_inputs(c->store, &c->in, &err) < 0) {
		cli_warnx(_("tietokantaa ei voi lukea: %s"), err.msg);
		return EXIT_BAD;
	}
	cad_store_inputs_ctx(&c->in, c->today, &c->ctx);
	return 0;
}

void
cli_close(struct cli *c)
{
	cad_store_inputs_release(&c->in);
	cad_store_close(c->store);
	cad_config_free(c->cfg);
}

int
cli_plan(struct cli *c, int from, int to, struct cad_plan *plan)
{
	struct cad_error err = { "" };
	if (cad_plan_range(c->cfg, &c->ctx, from, to, plan, &err) < 0) {
		cli_warnx(_("kokouksia ei voi suunnitella: %s"), err.msg);
		return EXIT_BAD;
	}
	return 0;
}

int
cli_arg_date(const char *what, const char *s, int *day)
{
	if (cad_parse_date(s, day) < 0) {
		cli_warnx(_("%1$s '%2$s' ei ole päivämäärä (VVVV-KK-PP)"),
		    what, s);
		return -1;
	}
	return 0;
}

int
cli_arg_year(const char *s, int *year)
{
	long long y;

	if (cad_strtonum(s, CAD_HOLIDAY_YEAR_MIN, CAD_HOLIDAY_YEAR_MAX,
	    &y) < 0) {
		cli_warnx(_("--year '%1$s' ei ole vuosi väliltä %2$d–%3$d"),
		    s, CAD_HOLIDAY_YEAR_MIN, CAD_HOLIDAY_YEAR_MAX);
		return -1;
	}
	*year = (int)y;
	return 0;
}

/* idx, the index of id or -1 with the message fmt (of one %s, id) */
static int
known(int idx, const char *fmt, const char *id)
{
	if (idx < 0)
		cli_warnx(fmt, id);
	return idx;
}

int
cli_arg_forum(struct cli *c, const char *id)
{
	return known(cad_config_forum(c->cfg, id),
	    _("tuntematon foorumi '%s'"), id);
}

int
cli_arg_party(struct cli *c, const char *id)
{
	return known(cad_config_party(c->cfg, id),
	    _("tuntematon osapuoli '%s'"), id);
}

int
cli_flush(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_warnx(_("tulostetta ei voi kirjoittaa: %s"),
		    strerror(errno));
		return EXIT_BAD;
	}
	return 0;
}

int
cli_print_buf(struct cad_buf *b, int r)
{
	if (r < 0 || cad_buf_error(b) != 0) {
		cli_warnx(_("tuloste on liian suuri"));
		cad_buf_release(b);
		return EXIT_BAD;
	}
	if (b->len)
		fwrite(b->data, 1, b->len, stdout);
	cad_buf_release(b);
	return cli_flush();
}

/* the option of opts that getopt_long returned as ch, or NULL */
static const struct cli_opt *
cli_option_of(const struct cli_opt *opts, int ch)
{
	if (ch >= 256)
		return &opts[ch - 256];
	for (size_t i = 0; opts[i].name != NULL; i++)
		if (opts[i].name[0] == ch && opts[i].name[1] == '\0')
			return &opts[i];
	return NULL;
}

int
cli_options(struct cli *c, const struct cli_opt *opts, const char **pos,
    int maxpos, int *npos)
{
	struct option lo[CLI_MAXOPT + 1];
	char shorts[2 * CLI_MAXOPT + 2] = ":";	/* ':': a missing value */
	size_t n, nl = 0, ns = 1;
	const struct cli_opt *o;
	int ch;

	for (n = 0; opts[n].name != NULL; n++) {
		bool arg = opts[n].arg != NULL || opts[n].many != NULL;
		if (n == CLI_MAXOPT)
			abort();
		if (opts[n].name[1] == '\0') {		/* -n */
			shorts[ns++] = opts[n].name[0];
			if (arg)
				shorts[ns++] = ':';
			continue;
		}
		lo[nl++] = (struct option){ opts[n].name, arg ?
		    required_argument : no_argument, NULL, 256 + (int)n };
	}
	lo[nl] = (struct option){ NULL, 0, NULL, 0 };
	shorts[ns] = '\0';
	opterr = 0;
	while ((ch = getopt_long(c->argc, c->argv, shorts, lo, NULL)) != -1) {
		if (ch == ':')
			return cli_usage(_("%1$s: valitsin '%2$s' tarvitsee "
			    "arvon"), c->argv[0], bad_option(c->argv, ch));
		if ((o = cli_option_of(opts, ch)) == NULL)
			return cli_usage(_("%1$s: tuntematon valitsin '%2$s'"),
			    c->argv[0], bad_option(c->argv, ch));
		if (o->many) {
			int max = (int)(sizeof o->many->v /
			    sizeof o->many->v[0]);
			if (o->many->n == max)
				return cli_usage(_("%1$s: valitsimen --%2$s "
				    "voi antaa enintään %3$d kertaa"),
				    c->argv[0], o->name, max);
			o->many->v[o->many->n++] = optarg;
		} else if (o->arg)
			*o->arg = optarg;
		else
			*o->flag = true;
	}
	for (*npos = 0; optind < c->argc; optind++) {
		if (*npos == maxpos)
			return cli_usage(_("%1$s: ylimääräinen argumentti "
			    "'%2$s'"), c->argv[0], c->argv[optind]);
		pos[(*npos)++] = c->argv[optind];
	}
	return 0;
}

static const struct cli_command commands[] = {
	{ "check", cmd_check },
	{ "forums", cmd_forums },
	{ "occurrences", cmd_occurrences },
	{ "next", cmd_next },
	{ "holidays", cmd_holidays },
	{ "deadlines", cmd_deadlines },
	{ "compliance", cmd_compliance },
	{ "cancel", cmd_cancel },
	{ "move", cmd_move },
	{ "add", cmd_add },
	{ "done", cmd_done },
	{ "terminate", cmd_terminate },
	{ "export", cmd_export },
	{ "outbox", cmd_outbox },
	{ "wheel", cmd_wheel },
	{ "token", cmd_token },
	{ "audit", cmd_audit },
};

/*
 * 0 when every argument of the command is valid UTF-8 without control
 * characters; else 1 after "cancel: --reason: invalid UTF-8 at byte 7"
 * (the text itself is not echoed: it would reach the terminal raw).
 */
static int
args_text(int argc, char **argv)
{
	char why[64];

	for (int i = 1; i < argc; i++) {
		if (cad_text_check(argv[i], CAD_TEXT_LINE, why) == 0)
			continue;
		if (argv[i - 1][0] == '-' && argv[i][0] != '-')
			cli_warnx("%s: %s: %s", argv[0], argv[i - 1], why);
		else
			cli_warnx(_("%1$s: argumentti %2$d: %3$s"), argv[0], i,
			    why);
		return EXIT_BAD;
	}
	return 0;
}

/*
 * The language of cadencectl's own words until the config is read: --lang
 * wherever it stands among the global options, else LC_ALL / LC_MESSAGES
 * / LANG, else Finnish.  So a mistake in the global options is reported
 * once they are all read, in that language; cli_open() then picks the
 * output's language (use_language()).
 */
static void
early_language(const struct cli *c)
{
	(void)cad_lang_use(c->lang >= 0 ? (enum cad_lang)c->lang :
	    cad_lang_from_env(CAD_LANG_FI));
}

/* the first mistake in the global options: a message of one %s */
struct early_usage {
	const char *fmt;
	const char *arg;
};

static void
early_mistake(struct early_usage *e, const char *fmt, const char *arg)
{
	if (e->fmt == NULL) {
		e->fmt = fmt;
		e->arg = arg;
	}
}

/* the options before the command into c; 0, or the exit status with
   *stop (after --help: 0) */
static int
global_options(struct cli *c, int argc, char **argv, bool *stop)
{
	static const struct option opts[] = {
		{ "today", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ "config", required_argument, NULL, 'c' },
		{ "lang", required_argument, NULL, 'l' },
		{ "server", required_argument, NULL, 'S' },
		{ "token-file", required_argument, NULL, 'T' },
		{ "cacert", required_argument, NULL, 'A' },
		{ NULL, 0, NULL, 0 },
	};
	struct early_usage e = { NULL, NULL };
	const char *today = NULL;
	bool help = false;
	enum cad_lang l;
	int ch;

	*stop = true;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:c:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			c->config_path = optarg;
			break;
		case 't':
			today = optarg;
			break;
		case 'l':
			if (cad_lang_parse(optarg, &l) < 0)
				early_mistake(&e, N_("tuntematon kieli '%s' "
				    "(fi, sv tai en)"), optarg);
			else
				c->lang = (int)l;
			break;
		case 'S':
			c->server = optarg;
			break;
		case 'T':
			c->token_file = optarg;
			break;
		case 'A':
			c->cafile = optarg;
			break;
		case 'h':
			help = true;
			break;
		case ':':
			early_mistake(&e, N_("valitsin '%s' tarvitsee arvon"),
			    bad_option(argv, ch));
			break;
		default:
			early_mistake(&e, N_("tuntematon valitsin '%s'"),
			    bad_option(argv, ch));
		}
	}
	early_language(c);
	if (e.fmt != NULL)
		return cli_usage(_(e.fmt), e.arg);
	if (help)
		return help_print();
	if (today != NULL && cli_arg_date("--today", today, &c->today) < 0)
		return EXIT_BAD;
	*stop = false;
	return 0;
}

int
main(int argc, char **argv)
{
	struct cli c;
	bool stop;
	int r;

	memset(&c, 0, sizeof c);
	c.config_path = DEFAULT_CONFIG;
	c.today = CAD_NODAY;
	c.lang = -1;
	cad_lang_init(NULL);
	if ((r = global_options(&c, argc, argv, &stop)) != 0 || stop)
		return r;
	if (optind >= argc)
		return cli_usage(_("komento puuttuu"));
	const char *name = argv[optind];
	if (args_text(argc - optind, argv + optind) != 0)
		return EXIT_BAD;
	if ((c.server != NULL) != (c.token_file != NULL))
		return cli_usage(_("%1$s ja %2$s annetaan aina yhdessä"),
		    "--server", "--token-file");
	if (c.server != NULL && strcmp(name, "cancel") != 0 &&
	    strcmp(name, "move") != 0 && strcmp(name, "add") != 0 &&
	    strcmp(name, "done") != 0)
		return cli_usage(_("%1$s: vain %2$s, %3$s, %4$s ja %5$s "
		    "kulkevat API:n kautta, ei '%6$s'"), "--server", "cancel",
		    "move", "add", "done", name);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		if (strcmp(commands[i].name, name) != 0)
			continue;
		/* the command parses argv[0..] itself, getopt-style */
		c.argc = argc - optind;
		c.argv = argv + optind;
		optind = 0;
		r = commands[i].fn(&c);
		cli_close(&c);
		return r;
	}
	return cli_usage(_("tuntematon komento '%s'"), name);
}
