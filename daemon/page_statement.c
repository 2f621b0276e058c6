/*
 * page_statement.c - GET /saavutettavuus, the accessibility statement
 * that laki digitaalisten palvelujen tarjoamisesta (306/2019) 16 § asks
 * of a public body's web service, in the shape of the EU model statement
 * (Commission Implementing Decision (EU) 2018/1523): the state of
 * compliance, the content that is not accessible and why, how the
 * statement was made and when, how to give feedback and who enforces.
 */
#include <errno.h>

#include "page.h"

/* when the statement was made and last reviewed against the code; a
   change to what the pages show changes these */
#define STATEMENT_MADE		"3.12.2026"
#define STATEMENT_REVIEWED	"3.12.2026"

/* the enforcement authority (306/2019 17 §) */
#define AUTHORITY \
	"<p>Jos huomaat palvelussa saavutettavuuspuutteen, anna ensin " \
	"palautetta meille. Vastaamme 14 päivän kuluessa. Jos et ole " \
	"tyytyväinen vastaukseen tai et saa vastausta kahden viikon " \
	"aikana, voit tehdä ilmoituksen valvontaviranomaiselle, " \
	"Etelä-Suomen aluehallintovirastoon. Sen sivulla kerrotaan, miten " \
	"ilmoituksen voi tehdä ja miten asia käsitellään.</p>\n" \
	"<h3>Valvontaviranomaisen yhteystiedot</h3>\n<p>Etelä-Suomen " \
	"aluehallintovirasto<br>\nSaavutettavuuden valvonnan yksikkö<br>\n" \
	"<a href=\"https://www.saavutettavuusvaatimukset.fi\">" \
	"www.saavutettavuusvaatimukset.fi</a><br>\n" \
	"<a href=\"mailto:saavutettavuus@avi.fi\">saavutettavuus@avi.fi</a>" \
	"<br>\npuhelinnumero (vaihde) 0295 016 000</p>\n"

static int
statement_feedback(struct cad_buf *b, const struct cad_config *cfg)
{
	const struct cad_party *p = cfg->nforums > 0 ?
	    &cfg->parties[cfg->forums[0].convenor] : NULL;
	const char *name = cfg->organizer_name, *email = cfg->organizer_email;
	int r = 0;

	if (name == NULL && p != NULL) {
		name = p->name;
		email = p->email;
	}
	r |= cad_buf_puts(b, "<h2>Palaute ja yhteystiedot</h2>\n<p>Huomasitko "
	    "saavutettavuuspuutteen tai tarvitsetko sisältöä muussa "
	    "muodossa? Kerro siitä palvelun ylläpitäjälle: ");
	r |= cad_buf_xml_str(b, name != NULL ? name : "sopimuksen koollekutsuja");
	if (email != NULL) {
		r |= cad_buf_puts(b, ", <a href=\"mailto:");
		r |= cad_buf_xml_str(b, email);
		r |= cad_buf_puts(b, "\">");
		r |= cad_buf_xml_str(b, email);
		r |= cad_buf_puts(b, "</a>");
	}
	r |= cad_buf_puts(b, ".</p>\n");
	return r;
}

int
page_statement(struct cad_buf *b, const struct cad_config *cfg)
{
	int r = 0;

	r |= page_head(b, cfg, "saavutettavuusseloste");
	r |= cad_buf_puts(b, "</header>\n<main id=\"sisalto\" tabindex=\"-1\">\n"
	    "<h2>Saavutettavuusseloste</h2>\n<p>Tämä seloste koskee "
	    "yhteistyösopimuksen kokousten kalenteripalvelua ");
	r |= cad_buf_xml_str(b, cfg->base_url);
	r |= cad_buf_puts(b, ": etusivua, sen vuosikelloa ja vuoden "
	    "taulukoita sekä tätä sivua. Palvelua koskee laki digitaalisten "
	    "palvelujen tarjoamisesta (306/2019).</p>\n"
	    "<h2>Saavutettavuuden tila</h2>\n<p>Palvelu täyttää WCAG 2.1 "
	    "-kriteeristön A- ja AA-tason vaatimukset osittain. Puutteet on "
	    "lueteltu alla.</p>\n"
	    "<h2>Sisältö, joka ei ole saavutettavaa</h2>\n<ul>\n"
	    "<li>Vuosikello on kuva (SVG). Sen merkkien tiedot näkyvät kuvassa "
	    "vain hiiren osoittimella, eikä kuvaa voi käyttää näppäimistöllä "
	    "tai ruudunlukijalla (WCAG 1.1.1, 2.1.1). Sama sisältö on "
	    "etusivulla tekstinä kohdassa <a href=\"/#vuosi\">Vuosi "
	    "kuukausittain</a>: kokoukset, määräajat, pyhäpäivät ja "
	    "loma-ajat kuukausittain taulukkoina.</li>\n"
	    "<li>Kun foorumeita on paljon, tulostettavan vuosikellon merkit "
	    "ja tekstit ovat pieniä. Samat tiedot ovat taulukoissa.</li>\n"
	    "<li>Kalenteritilaukset (.ics) avautuvat käyttäjän omassa "
	    "kalenteriohjelmassa, jonka saavutettavuus ei ole tämän palvelun "
	    "hallinnassa. Kokousten tiedot ovat myös etusivulla tekstinä."
	    "</li>\n</ul>\n"
	    "<h2>Miten seloste on laadittu</h2>\n<p>Seloste perustuu "
	    "itsearvioon ja automaattiseen testaukseen: jokainen "
	    "ohjelmistoversio testataan axe-core-työkalulla (WCAG 2.0 ja "
	    "2.1, tasot A ja AA) Chromium-selaimessa sekä näppäimistöllä, "
	    "320 CSS-pikselin levyisellä näytöllä ja 200 %:n zoomauksella. "
	    "Seloste on laadittu " STATEMENT_MADE " ja sitä on viimeksi "
	    "päivitetty " STATEMENT_REVIEWED ".</p>\n");
	r |= statement_feedback(b, cfg);
	r |= cad_buf_puts(b, "<h2>Valvontaviranomainen</h2>\n" AUTHORITY
	    "</main>\n");
	r |= page_foot(b);
	return r ? -E2BIG : 0;
}
