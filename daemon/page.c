/*
 * page.c - the HTML page at GET / (and /<lang>/).  Server-rendered, no
 * scripts, one small inline style sheet; in the thread's language
 * (base/lang.h), with links to the same page in every listed language.
 */
#include "page.h"

#include <stdlib.h>
#include <string.h>

#include "render/feeds.h"
#include "metrics.h"
#include "render/output.h"

#define PAGE_NEXT	3	/* meetings listed per forum */
#define PAGE_DEADLINES	8	/* coming deadlines listed */

/*
 * One style sheet for every page.  Reflows down to 320 CSS px (WCAG
 * 1.4.10): long addresses break anywhere, the forum facts stack.  Focus
 * is always visible (2.4.7) and the skip link appears when focused
 * (2.4.1).  Printed, the page is the agreement's appendix: forums and
 * cadences in two columns, the wheel without "today" on a page of its
 * own and the year's table; the subscribe links and instructions, the
 * participants (the agreement lists them), the coming meetings and the
 * status stay out.
 */
static const char page_css[] =
    "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;"
    "max-width:62em;margin:0 auto;padding:1em 1.2em;line-height:1.45;"
    "color:#1d1d1d;background:#fff;overflow-wrap:break-word}"
    "h1{font-size:1.6em;margin-bottom:.2em}"
    "h2{border-bottom:2px solid #2b6cb0;padding-bottom:.2em;margin-top:1.8em}"
    "article{border:1px solid #d5dbe3;border-radius:6px;padding:.4em 1em;"
    "margin:1em 0}"
    "dl{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em}"
    "dt{font-weight:600}dd{margin:0;min-width:0}"
    "a{color:#1f5597}.sub a{margin-right:1em;overflow-wrap:anywhere;"
    "word-break:break-word}"
    "a:focus-visible,[tabindex]:focus-visible{outline:3px solid #1f5597;"
    "outline-offset:2px}"
    ".skip{position:absolute;left:-100vw;top:.5em}"
    ".skip:focus{left:.5em;background:#fff;padding:.4em .8em;z-index:1}"
    ".warn{color:#8a1c1c}.muted{color:#5a5a5a}"
    "table{border-collapse:collapse}td,th{padding:.25em .8em .25em 0;"
    "text-align:left;vertical-align:top}"
    "table.month{width:100%;margin:.3em 0 1em}"
    "table.month caption{text-align:left;font-weight:700;font-size:1.1em}"
    "table.month th[scope=row]{white-space:nowrap;font-weight:600}"
    "table.month tr{border-top:1px solid #d5dbe3}"
    "ul.parties{padding-left:1.2em}ul.parties li{margin:.3em 0}"
    "img.wheel{max-width:100%;height:auto}.print-only{display:none}"
    "nav.lang ul{list-style:none;margin:0;padding:0;text-align:right}"
    "@media (max-width:36em){dl{display:block}dd{margin-bottom:.3em}"
    "body{padding:.5em .7em}table.month th[scope=row]{white-space:normal}"
    "table.month td,table.month th{overflow-wrap:anywhere;"
    "padding-right:.4em}}"
    "@media print{@page{size:A4;margin:12mm 14mm}"
    "body{max-width:none;padding:0;font-size:9.5pt;line-height:1.3}"
    ".noprint,.skip,.sub,.next{display:none}.print-only{display:block}"
    "h2{margin-top:1em}article{border:0;padding:0;margin:.5em 0;"
    "break-inside:avoid}a{color:#1d1d1d;text-decoration:none}"
    ".participants{display:none}.forums{columns:2;column-gap:8mm}"
    "article h3{margin:.2em 0;font-size:1.05em}"
    "dl{gap:0 .6em}dt{overflow-wrap:normal}"
    "#vuosikello{break-before:page;break-after:page}"
    "img.wheel.print-only{width:100%;max-height:250mm;object-fit:contain}"
    "table.month{margin:0 0 .6em}table.month caption{break-after:avoid}"
    "table.month td,table.month th{padding:.1em .6em .1em 0}"
    "table.month th[scope=row]{width:11em}table.month th[scope=col]+"
    "th+th{width:8em}}";

/* "webcal://host/" for an "http(s)://host/" base URL */
static const char *
page_after_scheme(const char *url)
{
	const char *p = strstr(url, "://");

	return p != NULL ? p + 3 : url;
}

/* the subscribe links of the feed at rel ("calendars/all.ics"): webcal,
   http and, for a series feed, its flat variant (SPEC § 10.6) */
static void
page_links(struct cad_buf *b, const struct cad_config *cfg, const char *rel)
{

	const char *lp = cad_config_lang_prefix(cfg);

	cad_buf_puts(b, "<span class=\"sub\"><a href=\"webcal://");
	cad_buf_xml_str(b, page_after_scheme(cfg->base_url));
	cad_buf_xml_str(b, lp);
	cad_buf_xml_str(b, rel);
	cad_buf_printf(b, "\">%s</a><a href=\"",
	    _("Tilaa kalenteriin (webcal)"));
	cad_buf_xml_str(b, cfg->base_url);
	cad_buf_xml_str(b, lp);
	cad_buf_xml_str(b, rel);
	cad_buf_puts(b, "\">");
	cad_buf_xml_str(b, cfg->base_url);
	cad_buf_xml_str(b, lp);
	cad_buf_xml_str(b, rel);
	cad_buf_puts(b, "</a>");
	/* the flat variant of a series feed (SPEC § 10.6) */
	if (strncmp(rel, "calendars/", 10) == 0 &&
	    strcmp(rel, "calendars/deadlines.ics") != 0) {
		cad_buf_puts(b, "<a class=\"flat\" href=\"");
		cad_buf_xml_str(b, cfg->base_url);
		cad_buf_xml_str(b, lp);
		cad_buf_puts(b, "calendars/flat/");
		cad_buf_xml_str(b, rel + 10);
		cad_buf_printf(b, "\">%s</a>",
		    _("Yksinkertaisille kalenteriohjelmille"));
	}
	cad_buf_puts(b, "</span>");
}

static void
page_party_list(struct cad_buf *b, const struct cad_config *cfg,
    const int *v, size_t n)
{

	for (size_t i = 0; i < n; i++) {
		if (i)
			cad_buf_puts(b, ", ");
		cad_buf_xml_str(b, cad_tr(cfg, cfg->parties[v[i]].name));
	}
}

/* the audit's last record of the meeting o of series s, or NULL */
static const struct cad_audit_entry *
page_last_change(const struct page_changes *ch, const struct cad_series *s,
    const struct cad_occurrence *o)
{
	char rid[CAD_RID_SIZE];

	cad_rid_format(o->rid_day, o->rid_time, rid);
	for (size_t i = ch->n; i-- > 0; )
		if (ch->v[i].uid != NULL && ch->v[i].rid != NULL &&
		    strcmp(ch->v[i].uid, s->uid) == 0 &&
		    strcmp(ch->v[i].rid, rid) == 0)
			return &ch->v[i];
	return NULL;
}

/* " (viimeisin muutos: peruttu to 3.12.2026, kajaani-hyte)": what,
   when and who (the token's or the user's name, never the address) */
static void
page_change(struct cad_buf *b, const struct cad_config *cfg,
    const struct cad_audit_entry *e)
{
	static const char *const what[] = {
		[CAD_AUDIT_CANCEL] = "peruttu",
		[CAD_AUDIT_MOVE] = "siirretty",
		[CAD_AUDIT_UNCANCEL] = "peruutus peruttu",
		[CAD_AUDIT_UNDO] = "muutos peruttu",
		[CAD_AUDIT_ADD] = "lisätty",
		[CAD_AUDIT_UNADD] = "lisäys peruttu",
	};
	char date[24];
	int off = 0;

	if ((size_t)e->action >= sizeof what / sizeof what[0])
		return;
	(void)cad_tz_offset_utc(cfg->timezone, (long long)e->time, &off);
	cad_format_fi_date((int)((e->time + off) / 86400), date);
	cad_buf_printf(b, " <span class=\"muted\">(viimeisin muutos: "
	    "%s %s, ", what[e->action], date);
	cad_buf_xml_str(b, e->who);
	cad_buf_puts(b, ")</span>");
}

static void
page_next(struct cad_buf *b, const struct cad_config *cfg,
    const struct cad_plan *plan, int today, int forum,
    const struct page_changes *changes)
{
	int shown = 0;

	cad_buf_printf(b, "<div class=\"next\">\n<h4>%s</h4>\n<ul>\n",
	    _("Seuraavat kokoukset"));
	for (size_t i = 0; i < plan->nocc && shown < PAGE_NEXT; i++) {
		const struct cad_occurrence *o = &plan->occ[i];
		const struct cad_series *s = &plan->series[o->series];
		const struct cad_audit_entry *last;
		char when[32], from[32];

		if (s->forum != forum || o->day < today)
			continue;
		/* a cancelled meeting is shown when someone cancelled it */
		last = page_last_change(changes, s, o);
		if (o->status != CAD_CONFIRMED && last == NULL)
			continue;
		cad_format_fi(o->day, o->time, when);
		cad_buf_printf(b, o->status == CAD_CONFIRMED ?
		    "<li>%s" : "<li><s>%s</s>", when);
		if (cad_series_member(cfg, s) != NULL) {
			cad_buf_puts(b, " – ");
			cad_buf_xml_str(b, cad_series_member(cfg, s));
		}
		/* a place of its own (the member's, a rotation's), in the
		   reader's language; the forum's is said above */
		if (o->location != NULL && *o->location != '\0' &&
		    (cfg->forums[forum].location == NULL ||
		    strcmp(o->location, cfg->forums[forum].location) != 0)) {
			cad_buf_puts(b, ", ");
			cad_buf_xml_str(b, cad_tr(cfg, o->location));
		}
		if (o->moved != CAD_MOVED_NONE) {
			cad_format_fi(o->rid_day, o->rid_time, from);
			char *how = cad_moved_text(o->moved, from);
			cad_buf_puts(b, " <span class=\"muted\">(");
			cad_buf_xml_str(b, how);
			cad_buf_puts(b, ")</span>");
			free(how);
		}
		if (last != NULL)
			page_change(b, cfg, last);
		cad_buf_puts(b, "</li>\n");
		shown++;
	}
	if (shown == 0)
		cad_buf_printf(b, "<li class=\"muted\">%s</li>\n",
		    _("Ei suunniteltuja kokouksia."));
	cad_buf_puts(b, "</ul>\n</div>\n");
}

/* the forum's place: its own, each member's own (location = "member":
   each meeting below says where) or the rotation's places in turn */
static void
page_place(struct cad_buf *b, const struct cad_config *cfg,
    const struct cad_forum *f)
{
	if (f->location == NULL && !f->location_member &&
	    f->nlocation_rotation == 0)
		return;
	cad_buf_printf(b, "<dt>%s</dt><dd>", _("Paikka"));
	if (f->location_member)
		cad_buf_xml_str(b, _("kunkin osapuolen omissa tiloissa"));
	else if (f->location != NULL)
		cad_buf_xml_str(b, cad_tr(cfg, f->location));
	for (size_t i = 0; f->location == NULL && !f->location_member &&
	    i < f->nlocation_rotation; i++) {
		cad_buf_puts(b, i ? "; " : _("vuorotellen: "));
		cad_buf_xml_str(b, cad_tr(cfg, f->location_rotation[i]));
	}
	cad_buf_puts(b, "</dd>\n");
}

static void
page_forum(struct cad_buf *b, const struct cad_config *cfg,
    const struct cad_plan *plan, int today, size_t fi,
    const struct page_changes *changes)
{
	const struct cad_forum *f = &cfg->forums[fi];
	char *cadence = cad_config_cadence(cfg, f);
	char *rel = cad_asprintf("calendars/forum/%s.ics", f->id);

	cad_buf_puts(b, "<article id=\"forum-");
	cad_buf_xml_str(b, f->id);
	cad_buf_puts(b, "\">\n<h3>");
	cad_buf_xml_str(b, cad_tr(cfg, f->name));
	cad_buf_printf(b, "</h3>\n<dl>\n<dt>%s</dt><dd>",
	    _("Koollekutsuja"));
	if (f->first_convenor >= 0 && f->first_convenor != f->convenor) {
		cad_buf_xml_str(b, cad_tr(cfg,
		    cfg->parties[f->first_convenor].name));
		cad_buf_printf(b, " %s ",
		    _("(ensimmäinen kokous), sen jälkeen"));
	}
	cad_buf_xml_str(b, cad_tr(cfg, cad_forum_convenor_name(cfg, f)));
	cad_buf_printf(b, "</dd>\n<dt>%s</dt><dd>", _("Rytmi"));
	cad_buf_xml_str(b, cadence);
	cad_buf_puts(b, "</dd>\n");
	if (f->legal_basis != NULL) {
		cad_buf_printf(b, "<dt>%s</dt><dd>", _("Säädösperusta"));
		cad_buf_xml_str(b, f->legal_basis);
		cad_buf_puts(b, "</dd>\n");
	}
	if (f->nfor_each > 0) {
		cad_buf_printf(b, "<dt>%s</dt><dd>",
		    _("Neuvottelut erikseen"));
		for (size_t i = 0; i < f->nfor_each; i++) {
			if (i)
				cad_buf_puts(b, ", ");
			cad_buf_xml_str(b, cad_tr(cfg,
			    cad_config_unit_name(cfg, &f->for_each[i])));
		}
		cad_buf_puts(b, "</dd>\n");
	}
	if (f->nparticipants > 0) {
		cad_buf_printf(b, "<dt class=\"participants\">%s"
		    "</dt><dd class=\"participants\">", _("Osallistujat"));
		page_party_list(b, cfg, f->participants,
		    f->nparticipants);
		cad_buf_puts(b, "</dd>\n");
	}
	page_place(b, cfg, f);
	cad_buf_puts(b, "</dl>\n");
	page_next(b, cfg, plan, today, (int)fi, changes);
	cad_buf_puts(b, "<p class=\"noprint\">");
	page_links(b, cfg, rel);
	cad_buf_puts(b, "</p>\n</article>\n");
	free(rel);
	free(cadence);
}

/* the coming deadlines, nearest first */
static void
page_deadlines(struct cad_buf *b, const struct cad_deadline *dl, size_t ndl,
    int today)
{
	int shown = 0;

	cad_buf_puts(b, "<table>\n");
	for (size_t i = 0; i < ndl && shown < PAGE_DEADLINES; i++) {
		char date[24];

		if (dl[i].day < today)
			continue;
		cad_format_fi_date(dl[i].day, date);
		cad_buf_printf(b, "<tr><th scope=\"row\">%s</th><td>", date);
		cad_buf_xml_str(b, dl[i].title);	/* in the language */
		if (dl[i].kind == CAD_DEADLINE_TASK && dl[i].done)
			cad_buf_printf(b, " (%s)", C_("task", "tehty"));
		cad_buf_puts(b, "</td></tr>\n");
		shown++;
	}
	if (shown == 0)
		cad_buf_printf(b, "<tr><td class=\"muted\">%s</td></tr>\n",
		    _("Ei tulevia määräaikoja."));
	cad_buf_puts(b, "</table>\n");
}

/* the links to this page in the other listed languages (hreflang) */
static void
page_languages(struct cad_buf *b, const struct cad_config *cfg,
    const char *page)
{
	/* each language's name in itself, as a reader looks for it */
	static const char *const names[CAD_LANG_N] = { "Suomeksi",
		"På svenska", "In English" };
	enum cad_lang now = cad_lang_current();

	if (cfg->nlangs < 2)
		return;
	cad_buf_printf(b, "<nav class=\"lang noprint\" aria-label=\"%s\">"
	    "<ul>", _("Kieli"));
	for (size_t i = 0; i < cfg->nlangs; i++) {
		const char *code = cad_lang_code(cfg->langs[i]);
		if (cfg->langs[i] == now)
			continue;
		cad_buf_printf(b, "<li><a href=\"/%s/%s\" hreflang=\"%s\" "
		    "lang=\"%s\">%s</a></li>", code, page, code, code,
		    names[cfg->langs[i]]);
	}
	cad_buf_puts(b, "</ul></nav>\n");
}

void
page_head(struct cad_buf *b, const struct cad_config *cfg, const char *what,
    const char *page)
{
	const char *title = cad_feeds_title(cfg);

	cad_buf_printf(b, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n<title>",
	    cad_lang_code(cad_lang_current()));
	cad_buf_xml_str(b, title);
	cad_buf_printf(b, " – %s</title>\n<style>%s</style>\n</head>\n"
	    "<body>\n<a class=\"skip\" href=\"#sisalto\">%s</a>\n"
	    "<header>\n", what, page_css, _("Siirry sisältöön"));
	page_languages(b, cfg, page);
	cad_buf_puts(b, "<h1>");
	cad_buf_xml_str(b, title);
	cad_buf_puts(b, "</h1>\n");
}

void
page_foot(struct cad_buf *b, const struct cad_config *cfg)
{
	const char *lp = cad_config_lang_prefix(cfg);

	cad_buf_printf(b, "<footer class=\"muted noprint\"><p>"
	    "cadenced %s · <a href=\"/%s\">%s</a> · "
	    "<a href=\"/%ssaavutettavuus\">%s</a> · "
	    "<a href=\"/api/v1/compliance%s%s\">%s</a></p>"
	    "</footer>\n</body>\n</html>\n", CADENCED_VERSION, lp,
	    _("Etusivu"), lp, _("Saavutettavuusseloste"), *lp ? "?lang=" : "",
	    *lp ? cad_lang_code(cad_lang_current()) : "", _("JSON-rajapinta"));
}

static void
page_forums(struct cad_buf *b, const struct cad_config *cfg,
    const struct cad_plan *plan, int today,
    const struct page_changes *changes)
{

	cad_buf_printf(b, "<section id=\"foorumit\">\n<h2>%s</h2>\n"
	    "<div class=\"forums\">\n", _("Foorumit"));
	for (size_t i = 0; i < cfg->nforums; i++)
		page_forum(b, cfg, plan, today, i, changes);
	cad_buf_puts(b, "</div>\n</section>\n");
}

/* the wheel: today's on screen, the one without "today" in print; the
   year's table (#vuosi) is its text equivalent */
static void
page_wheel(struct cad_buf *b, const struct cad_config *cfg, int year)
{
	const char *lp = cad_config_lang_prefix(cfg);

	cad_buf_printf(b, "<section id=\"vuosikello\">\n<h2>%s %d</h2>\n"
	    "<p class=\"noprint\"><a href=\"#vuosi\">%s</a> · "
	    "<a href=\"/%svuosikello.svg?print=1\">%s</a>", _("Vuosikello"),
	    year, _("Vuosikello tekstinä: kuukausittaiset taulukot"), lp,
	    _("Tulostettava vuosikello (A4, SVG)"));
	for (int y = year - 1; y <= year + 1; y += 2)
		cad_buf_printf(b, " · <a href=\"/%svuosikello.svg?year=%d\">"
		    "%s %d</a>", lp, y, _("Vuosikello"), y);
	cad_buf_printf(b, "</p>\n<img class=\"wheel noprint\" "
	    "src=\"/%svuosikello.svg\" width=\"700\" height=\"990\" alt=\"",
	    lp);
	cad_buf_printf(b, _("Vuosikello %1$d: vuoden kokoukset ja "
	    "määräajat ympyränä. Sama sisältö on tekstinä alla, kohdassa "
	    "Vuosi %2$d kuukausittain."), year, year);
	cad_buf_printf(b, "\">\n<img class=\"wheel print-only\" "
	    "src=\"/%svuosikello.svg?print=1\" width=\"700\" height=\"990\" "
	    "alt=\"%s %d\">\n</section>\n", lp, _("Vuosikello"), year);
}

static void
page_parties(struct cad_buf *b, const struct cad_config *cfg)
{

	cad_buf_printf(b, "<section id=\"osapuolet\" class=\"noprint\">\n"
	    "<h2>%s</h2>\n<p>%s</p>\n<ul class=\"parties\">\n",
	    _("Osapuolet"), _("Kunkin osapuolen kalenterissa ovat kokoukset, "
	    "jotka se kutsuu koolle tai joihin se osallistuu."));
	for (size_t i = 0; i < cfg->nparties; i++) {
		char *rel = cad_asprintf("calendars/party/%s.ics",
		    cfg->parties[i].id);
		cad_buf_puts(b, "<li><strong>");
		cad_buf_xml_str(b, cad_tr(cfg, cfg->parties[i].name));
		cad_buf_puts(b, "</strong>: ");
		page_links(b, cfg, rel);
		cad_buf_puts(b, "</li>\n");
		free(rel);
	}
	cad_buf_puts(b, "</ul>\n</section>\n");
}

static void
page_compliance(struct cad_buf *b, const struct cad_config *cfg,
    const struct cad_compliance *warn, size_t nwarn)
{

	cad_buf_printf(b, "<section id=\"vahimmaiskokoukset\" "
	    "class=\"noprint\">\n<h2>%s</h2>\n",
	    _("Lakisääteiset vähimmäiskokoukset"));
	if (nwarn == 0)
		cad_buf_printf(b, "<p>%s</p>\n", _("Jokaiselle vuodelle "
		    "ja valtuustokaudelle on vahvistettu kokous."));
	else {
		cad_buf_puts(b, "<ul class=\"warn\">\n");
		for (size_t i = 0; i < nwarn; i++) {
			char *msg = cad_compliance_message(cfg, &warn[i]);
			cad_buf_puts(b, "<li>");
			cad_buf_xml_str(b, msg);
			cad_buf_puts(b, "</li>\n");
			free(msg);
		}
		cad_buf_puts(b, "</ul>\n");
	}
	cad_buf_puts(b, "</section>\n");
}

static void
page_deadline_section(struct cad_buf *b, const struct cad_config *cfg,
    const struct cad_deadline *dl, size_t ndl, int today)
{

	cad_buf_printf(b, "<section id=\"maaraajat\" class=\"noprint\">\n"
	    "<h2>%s</h2>\n", _("Tulevat määräajat"));
	page_deadlines(b, dl, ndl, today);
	cad_buf_printf(b, "<p>%s ", _("Sopimuksen tarkistus-, uusimis- "
	    "ja irtisanomismääräajat koko päivän tapahtumina:"));
	page_links(b, cfg, "calendars/deadlines.ics");
	cad_buf_puts(b, "</p>\n</section>\n");
}

static void
page_howto(struct cad_buf *b)
{
	cad_buf_printf(b, "<section id=\"ohjeet\" class=\"noprint\">\n"
	    "<h2>%s</h2>\n<p>%s</p>\n<ul>\n<li>%s</li>\n<li>%s</li>\n"
	    "<li>%s</li>\n</ul>\n</section>\n", _("Näin tilaat kalenterin"),
	    _("Kopioi kalenterin http(s)-osoite ja lisää se "
	    "kalenteriohjelmaasi tilauksena. Tilattu kalenteri päivittyy "
	    "itsestään."),
	    _("<strong>Outlook</strong>: Lisää kalenteri → Tilaa verkosta, "
	    "liitä osoite ja valitse Tuo."),
	    _("<strong>Google-kalenteri</strong>: Muut kalenterit → + → "
	    "URL-osoitteesta, liitä osoite ja valitse Lisää kalenteri."),
	    _("<strong>Applen Kalenteri</strong>: Tiedosto → Uusi "
	    "kalenteritilaus, liitä osoite ja valitse Tilaa (tai avaa "
	    "webcal-linkki)."));
}

int
page_render(struct cad_buf *b, const struct cad_config *cfg,
    const struct cad_plan *plan, int today,
    const struct cad_compliance *warn, size_t nwarn,
    const struct cad_deadline *dl, size_t ndl,
    const struct page_changes *changes)
{
	int year = cad_year_of(today);
	char date[24];

	cad_format_fi_date(today, date);
	page_head(b, cfg, _("kokoukset ja kalenterit"), "");
	cad_buf_puts(b, "<p class=\"muted noprint\">");
	cad_buf_printf(b, _("Yhteistyöfoorumien kokoukset "
	    "kalenteritilauksina. Tilanne %s."), date);
	cad_buf_puts(b, "</p>\n<p class=\"print-only\">");
	cad_buf_printf(b, _("Yhteistyöfoorumit, niiden kokousrytmi ja "
	    "vuoden %d kokoukset ja määräajat."), year);
	cad_buf_printf(b, "</p>\n<p class=\"noprint\">%s ",
	    _("Kaikki kokoukset:"));
	page_links(b, cfg, "calendars/all.ics");
	cad_buf_puts(b, "</p>\n</header>\n<main id=\"sisalto\" "
	    "tabindex=\"-1\">\n");
	page_forums(b, cfg, plan, today, changes);
	page_wheel(b, cfg, year);
	page_year(b, cfg, plan, dl, ndl, year);
	page_parties(b, cfg);
	page_compliance(b, cfg, warn, nwarn);
	page_deadline_section(b, cfg, dl, ndl, today);
	page_howto(b);
	cad_buf_puts(b, "</main>\n");
	page_foot(b, cfg);
	return cad_buf_error(b);
}
