/*
 * page_statement.c - GET /saavutettavuus, the accessibility statement
 * that laki digitaalisten palvelujen tarjoamisesta (306/2019) 16 § asks
 * of a public body's web service, in the shape of the EU model statement
 * (Commission Implementing Decision (EU) 2018/1523): the state of
 * compliance, the content that is not accessible and why, how the
 * statement was made and when, how to give feedback and who enforces.
 */
#include <stdlib.h>

#include "page.h"

/* when the statement was made and last reviewed against the code; a
   change to what the pages show changes these */
#define STATEMENT_MADE		"3.12.2026"
#define STATEMENT_REVIEWED	"3.12.2026"

/* the enforcement authority (306/2019 17 §) */
static void
statement_authority(struct cad_buf *b)
{
	cad_buf_printf(b, "<h2>%s</h2>\n<p>%s</p>\n<h3>%s</h3>\n<p>%s"
	    "<br>\n%s<br>\n<a href=\"https://www.saavutettavuusvaatimukset.fi\">"
	    "www.saavutettavuusvaatimukset.fi</a><br>\n"
	    "<a href=\"mailto:saavutettavuus@avi.fi\">saavutettavuus@avi.fi</a>"
	    "<br>\n%s 0295 016 000</p>\n", _("Valvontaviranomainen"),
	    _("Jos huomaat palvelussa saavutettavuuspuutteen, anna ensin "
	    "palautetta meille. Vastaamme 14 päivän kuluessa. Jos et ole "
	    "tyytyväinen vastaukseen tai et saa vastausta kahden viikon "
	    "aikana, voit tehdä ilmoituksen valvontaviranomaiselle, "
	    "Etelä-Suomen aluehallintovirastoon. Sen sivulla kerrotaan, miten "
	    "ilmoituksen voi tehdä ja miten asia käsitellään."),
	    _("Valvontaviranomaisen yhteystiedot"),
	    _("Etelä-Suomen aluehallintovirasto"),
	    _("Saavutettavuuden valvonnan yksikkö"),
	    _("puhelinnumero (vaihde)"));
}

static void
statement_feedback(struct cad_buf *b, const struct cad_config *cfg)
{
	const struct cad_party *p = cfg->nforums > 0 ?
	    &cfg->parties[cfg->forums[0].convenor] : NULL;
	const char *name = cad_tr(cfg, cfg->organizer_name);
	const char *email = cfg->organizer_email;

	if (name == NULL && p != NULL) {
		name = cad_tr(cfg, p->name);
		email = p->email;
	}
	cad_buf_printf(b, "<h2>%s</h2>\n<p>%s ",
	    _("Palaute ja yhteystiedot"), _("Huomasitko "
	    "saavutettavuuspuutteen tai tarvitsetko sisältöä muussa "
	    "muodossa? Kerro siitä palvelun ylläpitäjälle:"));
	cad_buf_xml_str(b, name != NULL ? name :
	    _("sopimuksen koollekutsuja"));
	if (email != NULL) {
		cad_buf_puts(b, ", <a href=\"mailto:");
		cad_buf_xml_str(b, email);
		cad_buf_puts(b, "\">");
		cad_buf_xml_str(b, email);
		cad_buf_puts(b, "</a>");
	}
	cad_buf_puts(b, ".</p>\n");
}

int
page_statement(struct cad_buf *b, const struct cad_config *cfg)
{
	const char *lp = cad_config_lang_prefix(cfg);
	struct cad_buf ub;
	char *url;

	page_head(b, cfg, _("saavutettavuusseloste"), "saavutettavuus");
	cad_buf_printf(b, "</header>\n<main id=\"sisalto\" "
	    "tabindex=\"-1\">\n<h2>%s</h2>\n<p>", _("Saavutettavuusseloste"));
	cad_buf_init(&ub, 0);
	cad_buf_xml_str(&ub, cfg->base_url);
	url = cad_buf_xsteal(&ub);
	/* TRANSLATORS: %s is the service's address */
	cad_buf_printf(b, _("Tämä seloste koskee yhteistyösopimuksen "
	    "kokousten kalenteripalvelua %s: etusivua, sen vuosikelloa ja "
	    "vuoden taulukoita sekä tätä sivua. Palvelua koskee laki "
	    "digitaalisten palvelujen tarjoamisesta (306/2019)."),
	    url);
	free(url);
	cad_buf_printf(b, "</p>\n<h2>%s</h2>\n<p>%s</p>\n<h2>%s</h2>\n<ul>\n"
	    "<li>", _("Saavutettavuuden tila"), _("Palvelu täyttää WCAG 2.1 "
	    "-kriteeristön A- ja AA-tason vaatimukset osittain. Puutteet on "
	    "lueteltu alla."), _("Sisältö, joka ei ole saavutettavaa"));
	/* TRANSLATORS: %s is the front page's path prefix ("", "sv/") */
	cad_buf_printf(b, _("Vuosikello on kuva (SVG). Sen merkkien "
	    "tiedot näkyvät kuvassa vain hiiren osoittimella, eikä kuvaa voi "
	    "käyttää näppäimistöllä tai ruudunlukijalla (WCAG 1.1.1, 2.1.1). "
	    "Sama sisältö on etusivulla tekstinä kohdassa <a "
	    "href=\"/%s#vuosi\">Vuosi kuukausittain</a>: kokoukset, "
	    "määräajat, pyhäpäivät ja loma-ajat kuukausittain taulukkoina."),
	    lp);
	cad_buf_printf(b, "</li>\n<li>%s</li>\n<li>%s</li>\n</ul>\n"
	    "<h2>%s</h2>\n<p>", _("Kun foorumeita on paljon, tulostettavan "
	    "vuosikellon merkit ja tekstit ovat pieniä. Samat tiedot ovat "
	    "taulukoissa."), _("Kalenteritilaukset (.ics) avautuvat "
	    "käyttäjän omassa kalenteriohjelmassa, jonka saavutettavuus ei ole "
	    "tämän palvelun hallinnassa. Kokousten tiedot ovat myös "
	    "etusivulla tekstinä."), _("Miten seloste on laadittu"));
	cad_buf_printf(b, _("Seloste perustuu itsearvioon ja "
	    "automaattiseen testaukseen: jokainen ohjelmistoversio testataan "
	    "axe-core-työkalulla (WCAG 2.0 ja 2.1, tasot A ja AA) "
	    "Chromium-selaimessa sekä näppäimistöllä, 320 CSS-pikselin "
	    "levyisellä näytöllä ja 200 %%:n zoomauksella. Seloste on "
	    "laadittu %1$s ja sitä on viimeksi päivitetty %2$s."),
	    STATEMENT_MADE, STATEMENT_REVIEWED);
	cad_buf_puts(b, "</p>\n");
	statement_feedback(b, cfg);
	statement_authority(b);
	cad_buf_puts(b, "</main>\n");
	page_foot(b, cfg);
	return cad_buf_error(b);
}
