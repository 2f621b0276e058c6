/*
 * lang.h - the languages people read: message catalogues and the
 * calling thread's output language (SPEC § 10.4).
 *
 * Every text a person reads goes through GNU gettext (po/LANG.po, compiled
 * by msgfmt into cadenced.mo).  The message ids are the Finnish texts,
 * so Finnish needs no catalogue and stays exactly what it always was even
 * where no locale is installed; Swedish and English come from po/sv.po
 * and po/en.po.
 *
 * The output language is per thread (uselocale(3) of an LC_MESSAGES
 * locale, which glibc's gettext honours), so the daemon can render every
 * language's feeds from one process without touching the environment.
 * cad_lang_use() picks it; everything rendered afterwards on that thread
 * (gettext, cad_format_human(), holiday names) is in that language.
 */
#ifndef CAD_LANG_H
#define CAD_LANG_H

#include <libintl.h>
#include <stdbool.h>
#include <stddef.h>

#define CAD_TEXTDOMAIN "cadenced"

enum cad_lang {
	CAD_LANG_FI,
	CAD_LANG_SV,
	CAD_LANG_EN,
	CAD_LANG_N
};

/* a message (xgettext keyword _) */
#define _(s) dgettext(CAD_TEXTDOMAIN, s)
/* a message marked for extraction, translated later with _() */
#define N_(s) (s)
/* a message in a context (xgettext keyword C_:1c,2), e.g. weekday "ti" */
#define C_(ctx, s) cad_pgettext(ctx "\004" s, s)

/* a message in a context marked for extraction: translate with cad_nc() */
#define NC_(ctx, s) (ctx "\004" s)

/* 0 and *out set for "fi", "sv", "en"; -EINVAL otherwise */
int cad_lang_parse(const char *s, enum cad_lang *out);
const char *cad_lang_code(enum cad_lang l);

/*
 * Binds the text domain to localedir (NULL: the environment variable
 * CADENCE_LOCALEDIR, else the compiled-in LOCALEDIR).  Call once at start.
 */
void cad_lang_init(const char *localedir);

/*
 * Makes l the calling thread's output language.  -ENOENT when the system
 * has no locale or no catalogue for l (Debian: the `locales` package with sv_FI.UTF-8 /
 * en_GB.UTF-8 generated, or `locales-all`); the language is then left
 * as it was.
 */
int cad_lang_use(enum cad_lang l);
enum cad_lang cad_lang_current(void);
/* cad_lang_use(l), its failure ignored (the language stays); returns the
   language before, for cad_lang_use() when done */
enum cad_lang cad_lang_switch(enum cad_lang l);
/* true when the system can show l (its locale exists) */
bool cad_lang_available(enum cad_lang l);

/*
 * The language named by the LC_ALL / LC_MESSAGES / LANG environment (in
 * that order, as setlocale(3) reads them), else dflt.
 */
enum cad_lang cad_lang_from_env(enum cad_lang dflt);

const char *cad_pgettext(const char *ctx_msgid, const char *msgid);
/* the translation of an NC_() message */
const char *cad_nc(const char *ctx_msgid);
/* the translation of tab[i], a table of NC_() messages indexed by an
   enum, or dflt when i is past its end or has none */
const char *cad_nc_at(const char *const *tab, size_t n, size_t i,
    const char *dflt);
#define CAD_NC_AT(tab, i, dflt) \
	cad_nc_at(tab, sizeof tab / sizeof tab[0], (size_t)(i), dflt)

/* names in the thread's language: wday 0 = Monday ("ti"), m 1..12 */
const char *cad_weekday_name(int wday);
const char *cad_month_name(int m);		/* "helmikuu" */
const char *cad_month_in_date(int m);		/* "2" (en: "Feb") */

#endif
