/*
 * test_config.c - cadenced.conf loading and validation (SPEC § 3).
 *
 * The fixtures live in tests/data/config/ and are read relative to the
 * repository root (make check runs the tests from there).  Each broken
 * fixture holds one mistake on a known line; the expected line numbers
 * were counted by hand in the fixture files.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tmpdir.h"

#include "model/config.h"
#include "model/plan.h"

#define DIR "tests/data/config/"

static int
day(int y, int m, int d)
{
	return cad_days_from_civil(y, m, d);
}

/* the one message of DIAG that starts with PREFIX, or NULL */
static const char *
find_msg(const struct cad_diag *diag, const char *prefix)
{
	for (size_t i = 0; i < diag->n; i++)
		if (strncmp(diag->msgs[i], prefix, strlen(prefix)) == 0)
			return diag->msgs[i];
	return NULL;
}

static void
print_diag(const struct cad_diag *diag)
{
	for (size_t i = 0; i < diag->n; i++)
		print_message("  diag: %s\n", diag->msgs[i]);
}

/*
 * Loads the broken fixture NAME and checks that it is refused with
 * exactly one error, "tests/data/config/NAME:LINE: error: ...WHAT...".
 */
static void
expect_one_error_in(const char *dir, const char *name, int line,
    const char *what)
{
	struct cad_diag diag;
	struct cad_config *cfg = (struct cad_config *)1;
	char path[256], prefix[300];

	snprintf(path, sizeof path, "%s%s", dir, name);
	snprintf(prefix, sizeof prefix, "%s:%d: error: ", path, line);
	cad_diag_init(&diag);
	int r = cad_config_load(path, &cfg, &diag);
	const char *msg = find_msg(&diag, prefix);
	if (msg == NULL || strstr(msg + strlen(prefix), what) == NULL ||
	    diag.nerrors != 1) {
		print_message("  want: %s...%s\n", prefix, what);
		print_diag(&diag);
	}
	assert_int_equal(r, -EINVAL);
	assert_null(cfg);
	assert_int_equal(diag.nerrors, 1);
	assert_non_null(msg);
	assert_non_null(strstr(msg + strlen(prefix), what));
	cad_diag_release(&diag);
}

static void
expect_one_error(const char *name, int line, const char *what)
{
	expect_one_error_in(DIR, name, line, what);
}

static void
load__good_config__every_value_parsed(void **state)
{
	(void)state;
	struct cad_diag diag;
	struct cad_config *cfg = NULL;

	cad_diag_init(&diag);
	int r = cad_config_load(DIR "good.conf", &cfg, &diag);
	if (diag.n > 0)
		print_diag(&diag);
	assert_int_equal(r, 0);
	assert_non_null(cfg);
	assert_int_equal(diag.nerrors, 0);

	assert_string_equal(cfg->path, DIR "good.conf");
	assert_string_equal(cfg->timezone, "Europe/Helsinki");
	assert_string_equal(cfg->domain, "kainuu.example");
	/* "var" is relative to the directory of the config file */
	assert_string_equal(cfg->state_dir, "tests/data/config/var");
	assert_int_equal(cfg->horizon_days, 400);
	assert_string_equal(cfg->listen, "127.0.0.1:8081");
	/* a base_url without the final slash gets one */
	assert_string_equal(cfg->base_url,
	    "https://hyte.kainuu.example/kalenteri/");
	assert_true(cfg->holidays_fi);

	/* given as 31.12. and 2.1.; stored sorted */
	assert_int_equal(cfg->nextra_holidays, 2);
	assert_int_equal(cfg->extra_holidays[0], day(2026, 1, 2));
	assert_int_equal(cfg->extra_holidays[1], day(2026, 12, 31));

	assert_int_equal(cfg->nblackouts, 2);
	assert_int_equal(cfg->blackouts[0].from_md, 701);
	assert_int_equal(cfg->blackouts[0].to_md, 731);
	assert_string_equal(cfg->blackouts[0].reason, "Kesälomakausi");
	/* 27.12.-3.1. wraps over New Year: to < from */
	assert_int_equal(cfg->blackouts[1].from_md, 1227);
	assert_int_equal(cfg->blackouts[1].to_md, 103);
	assert_null(cfg->blackouts[1].reason);

	/* the file lists 2029 first; the model is sorted by start */
	assert_int_equal(cfg->nterms, 3);
	assert_int_equal(cfg->terms[0].start, day(2021, 8, 1));
	assert_int_equal(cfg->terms[0].end, day(2025, 5, 31));
	assert_int_equal(cfg->terms[1].start, day(2025, 6, 1));
	assert_int_equal(cfg->terms[2].start, day(2029, 6, 1));
	assert_int_equal(cfg->terms[2].end, day(2033, 5, 31));

	assert_string_equal(cfg->organizer_name, "Hyte-koordinaattori");
	assert_string_equal(cfg->organizer_email, "hyte@kainuu.example");

	assert_int_equal(cfg->nparties, 3);
	assert_string_equal(cfg->parties[0].id, "hva");
	assert_string_equal(cfg->parties[0].name, "Kainuun hyvinvointialue");
	assert_string_equal(cfg->parties[1].email, "kirjaamo@kajaani.example");
	assert_int_equal(cfg->parties[1].nblackouts, 1);
	assert_int_equal(cfg->parties[1].blackouts[0].from_md, 302);
	assert_int_equal(cfg->parties[1].blackouts[0].to_md, 308);
	assert_string_equal(cfg->parties[1].blackouts[0].reason, "Hiihtoloma");
	assert_int_equal(cfg->parties[1].line, 21);
	assert_null(cfg->parties[2].email);
	assert_int_equal(cfg->parties[2].nblackouts, 0);

	assert_int_equal(cfg->nforums, 4);
	const struct cad_forum *f = &cfg->forums[0];
	assert_string_equal(f->id, "hytetu-foorumi");
	assert_string_equal(f->name, "Kainuun Hytetu -yhteistyöfoorumi");
	assert_string_equal(f->legal_basis, "612/2021 6–7 §");
	assert_string_equal(f->location, "Kajaani");
	assert_string_equal(f->description, "Vuosittainen foorumi");
	assert_int_equal(f->convenor, 0);		/* hva */
	assert_int_equal(f->first_convenor, 1);	/* kajaani */
	assert_int_equal(f->nparticipants, 2);
	assert_int_equal(f->participants[0], 0);
	assert_int_equal(f->participants[1], 1);
	assert_int_equal(f->nfor_each, 0);
	assert_false(f->spread);
	assert_string_equal(f->rrule, "FREQ=YEARLY;BYMONTH=10;BYDAY=2TU");
	assert_false(f->has_per_term);
	assert_int_equal(f->start, day(2026, 1, 1));
	assert_int_equal(f->time, 13 * 60);
	assert_int_equal(f->duration, 180);
	assert_int_equal(f->on_holiday, CAD_HOLIDAY_PREVIOUS);
	assert_int_equal(f->minimum, CAD_MINIMUM_YEAR);
	assert_int_equal(f->line, 27);

	f = &cfg->forums[1];
	assert_string_equal(f->id, "kuntaneuvottelu");
	assert_int_equal(f->first_convenor, -1);
	assert_int_equal(f->nfor_each, 2);
	assert_int_equal(f->for_each[0].party, 1);		/* kajaani */
	assert_int_equal(f->for_each[1].party, 2);		/* sotkamo */
	assert_true(f->spread);
	assert_int_equal(f->on_holiday, CAD_HOLIDAY_SKIP);
	assert_int_equal(f->minimum, CAD_MINIMUM_NONE);
	assert_int_equal(f->nblackouts, 1);
	assert_int_equal(f->blackouts[0].from_md, 220);
	assert_int_equal(f->blackouts[0].to_md, 228);
	assert_null(f->legal_basis);

	f = &cfg->forums[2];
	assert_int_equal(f->start, CAD_NODAY);		/* no start given */
	assert_int_equal(f->time, 8 * 60 + 30);
	assert_int_equal(f->on_holiday, CAD_HOLIDAY_NEXT); /* default */
	assert_null(f->location);

	f = &cfg->forums[3];
	assert_null(f->rrule);
	assert_true(f->has_per_term);
	assert_int_equal(f->per_term.year, 1);
	assert_int_equal(f->per_term.month, 10);
	assert_int_equal(f->per_term.weekday, 1);	/* TU; MO = 0 */
	assert_int_equal(f->per_term.week, 2);
	assert_int_equal(f->minimum, CAD_MINIMUM_TERM);
	assert_int_equal(f->duration, 240);

	const struct cad_agreement *a = &cfg->agreement;
	assert_true(a->present);
	assert_string_equal(a->title, "Strateginen yhteistyösopimus");
	assert_int_equal(a->effective, day(2023, 6, 1));
	assert_int_equal(a->notice_months, 6);
	assert_int_equal(a->renew_within_months, 9);
	assert_int_equal(a->nreview_by, 2);
	assert_int_equal(a->review_by[0], day(2025, 5, 31));
	assert_int_equal(a->review_by[1], day(2027, 3, 31));
	assert_int_equal(a->nremind_days, 2);
	assert_int_equal(a->remind_days[0], 60);
	assert_int_equal(a->remind_days[1], 14);
	assert_int_equal(a->nnotify, 2);
	assert_int_equal(a->notify[1], 1);		/* kajaani */

	assert_int_equal(cfg->invite, CAD_INVITE_PARTICIPANTS);
	assert_true(cfg->publish_attendees);

	assert_true(cfg->caldav.present);
	/* objects go to url + "<uid>.ics", so the url ends with '/' */
	assert_string_equal(cfg->caldav.url,
	    "http://127.0.0.1:5232/hyte/forums/");
	assert_string_equal(cfg->caldav.user, "hyte");
	assert_string_equal(cfg->caldav.password_file,
	    "tests/data/config/caldav.pass");
	assert_true(cfg->smtp.present);
	assert_string_equal(cfg->smtp.url, "smtp://127.0.0.1:2525");
	assert_string_equal(cfg->smtp.user, "");
	assert_string_equal(cfg->smtp.password_file, "/etc/cadenced/smtp.pass");

	cad_config_free(cfg);
	cad_diag_release(&diag);
}

static void
load__minimal_config__defaults_filled_in(void **state)
{
	(void)state;
	struct cad_diag diag;
	struct cad_config *cfg = NULL;

	cad_diag_init(&diag);
	assert_int_equal(cad_config_load("tests/data/minimal.conf", &cfg,
	    &diag), 0);
	assert_int_equal(diag.n, 0);
	assert_string_equal(cfg->state_dir, "tests/data/var");
	assert_int_equal(cfg->horizon_days, 550);
	assert_string_equal(cfg->listen, "127.0.0.1:8080");
	assert_string_equal(cfg->base_url, "http://127.0.0.1:8080/");
	assert_true(cfg->holidays_fi);
	assert_int_equal(cfg->nterms, 0);
	assert_null(cfg->organizer_email);
	assert_int_equal(cfg->nparties, 1);
	assert_int_equal(cfg->nforums, 1);
	assert_int_equal(cfg->forums[0].start, CAD_NODAY);
	assert_int_equal(cfg->forums[0].first_convenor, -1);
	assert_int_equal(cfg->forums[0].on_holiday, CAD_HOLIDAY_NEXT);
	assert_int_equal(cfg->forums[0].minimum, CAD_MINIMUM_NONE);
	assert_false(cfg->agreement.present);
	assert_int_equal(cfg->agreement.notice_months, 12);
	assert_int_equal(cfg->agreement.renew_within_months, 12);
	assert_int_equal(cfg->agreement.nremind_days, 3);
	assert_int_equal(cfg->agreement.remind_days[0], 90);
	assert_int_equal(cfg->agreement.remind_days[2], 7);
	assert_int_equal(cfg->invite, CAD_INVITE_CONVENORS);
	assert_false(cfg->publish_attendees);
	assert_false(cfg->caldav.present);
	assert_false(cfg->smtp.present);
	cad_config_free(cfg);
	cad_diag_release(&diag);
}

static void
lookup__ids__index_or_minus_one(void **state)
{
	(void)state;
	struct cad_diag diag;
	struct cad_config *cfg = NULL;

	cad_diag_init(&diag);
	assert_int_equal(cad_config_load(DIR "good.conf", &cfg, &diag), 0);
	assert_int_equal(cad_config_party(cfg, "hva"), 0);
	assert_int_equal(cad_config_party(cfg, "sotkamo"), 2);
	assert_int_equal(cad_config_party(cfg, "kuhmo"), -1);
	assert_int_equal(cad_config_forum(cfg, "strateginen-foorumi"), 3);
	assert_int_equal(cad_config_forum(cfg, "hva"), -1);
	cad_config_free(cfg);
	cad_config_free(NULL);
	cad_diag_release(&diag);
}

/* the same rules in Swedish and English (skipped without the locales) */
static void
cadence__swedish_and_english__their_word_order(void **state)
{
	(void)state;
	struct cad_diag diag;
	struct cad_config *cfg = NULL;
	char *s;

	cad_lang_init(NULL);
	if (cad_lang_use(CAD_LANG_SV) < 0 || cad_lang_use(CAD_LANG_EN) < 0)
		skip();
	cad_diag_init(&diag);
	assert_int_equal(cad_config_load(DIR "good.conf", &cfg, &diag), 0);
	(void)cad_lang_use(CAD_LANG_SV);
	s = cad_config_cadence(cfg, &cfg->forums[0]);
	assert_string_equal(s, "årligen, 2:a tisdagen i oktober");
	free(s);
	s = cad_config_cadence(cfg, &cfg->forums[2]);
	assert_string_equal(s, "månatligen, 2:a onsdagen i månaden");
	free(s);
	(void)cad_lang_use(CAD_LANG_EN);
	s = cad_config_cadence(cfg, &cfg->forums[0]);
	assert_string_equal(s, "yearly, 2nd Tuesday of October");
	free(s);
	s = cad_config_cadence(cfg, &cfg->forums[1]);
	assert_string_equal(s, "yearly, day 1 of February");
	free(s);
	(void)cad_lang_use(CAD_LANG_FI);
	s = cad_config_cadence(cfg, &cfg->forums[0]);
	assert_string_equal(s, "vuosittain, lokakuun 2. tiistai");
	free(s);
	cad_config_free(cfg);
	cad_diag_release(&diag);
}

static void
cadence__rules_and_terms__finnish_words(void **state)
{
	(void)state;
	struct cad_diag diag;
	struct cad_config *cfg = NULL;
	char *s;

	cad_diag_init(&diag);
	assert_int_equal(cad_config_load(DIR "good.conf", &cfg, &diag), 0);
	/* FREQ=YEARLY;BYMONTH=10;BYDAY=2TU: second Tuesday of October */
	s = cad_config_cadence(cfg, &cfg->forums[0]);
	assert_string_equal(s, "vuosittain, lokakuun 2. tiistai");
	free(s);
	/* FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=1: 1 February */
	s = cad_config_cadence(cfg, &cfg->forums[1]);
	assert_string_equal(s, "vuosittain, helmikuun 1. päivä");
	free(s);
	/* FREQ=MONTHLY;BYDAY=2WE: second Wednesday of every month */
	s = cad_config_cadence(cfg, &cfg->forums[2]);
	assert_string_equal(s, "kuukausittain, kuun 2. keskiviikko");
	free(s);
	s = cad_config_cadence(cfg, &cfg->forums[3]);
	assert_string_equal(s, "kerran valtuustokaudessa: kauden 1. vuoden "
	    "lokakuun 2. tiistai");
	free(s);

	/* a rule we do not put into words is shown as it is */
	struct cad_forum f = cfg->forums[2];
	f.rrule = "FREQ=MONTHLY;BYSETPOS=1;BYDAY=MO,TU";
	s = cad_config_cadence(cfg, &f);
	assert_string_equal(s, "RRULE: FREQ=MONTHLY;BYSETPOS=1;BYDAY=MO,TU");
	free(s);
	f.rrule = "FREQ=WEEKLY;BYDAY=TU,TH";
	s = cad_config_cadence(cfg, &f);
	assert_string_equal(s, "viikoittain, tiistaisin ja torstaisin");
	free(s);
	f.rrule = "FREQ=MONTHLY;BYDAY=-1FR";
	s = cad_config_cadence(cfg, &f);
	assert_string_equal(s, "kuukausittain, kuun viimeinen perjantai");
	free(s);
	cad_config_free(cfg);
	cad_diag_release(&diag);
}

/* the cadence of a rule, the thread's language as set */
static void
expect_cadence(const char *rrule, const char *want)
{
	struct cad_config cfg;
	struct cad_forum f;

	memset(&cfg, 0, sizeof cfg);
	memset(&f, 0, sizeof f);
	f.rrule = (char *)rrule;
	char *s = cad_config_cadence(&cfg, &f);
	assert_string_equal(s, want);
	free(s);
}

/* rules of 2+ listed months a year: how often, the months, the day */
static void
cadence__listed_months__times_a_year(void **state)
{
	(void)state;
	/* etc/kainuu.conf perhekeskus-johtoryhma */
	expect_cadence("FREQ=MONTHLY;BYMONTH=2,5,9,11;BYDAY=3TU",
	    "neljästi vuodessa: helmi-, touko-, syys- ja marraskuun "
	    "3. tiistai");
	expect_cadence("FREQ=YEARLY;BYMONTH=2,11;BYDAY=1TH",
	    "kahdesti vuodessa: helmi- ja marraskuun 1. torstai");
	/* in calendar order, whatever the rule's order */
	expect_cadence("FREQ=MONTHLY;BYMONTH=11,3,7;BYDAY=-1FR",
	    "kolmesti vuodessa: maalis-, heinä- ja marraskuun "
	    "viimeinen perjantai");
	expect_cadence("FREQ=MONTHLY;BYMONTH=1,3,5,9,11;BYMONTHDAY=15",
	    "viidesti vuodessa: tammi-, maalis-, touko-, syys- ja "
	    "marraskuun 15. päivä");
	expect_cadence("FREQ=MONTHLY;BYMONTH=1,3,5,8,10,12;BYDAY=3WE",
	    "kuudesti vuodessa: tammi-, maalis-, touko-, elo-, loka- ja "
	    "joulukuun 3. keskiviikko");
	expect_cadence("FREQ=MONTHLY;BYMONTH=1,2,4,5,6,9,10,11;BYDAY=2WE",
	    "8 kertaa vuodessa: tammi-, helmi-, huhti-, touko-, kesä-, "
	    "syys-, loka- ja marraskuun 2. keskiviikko");
	/* no day: the start date's day of those months */
	expect_cadence("FREQ=YEARLY;BYMONTH=2,8",
	    "kahdesti vuodessa: helmikuussa ja elokuussa");
	/* every second year, or weekly days: as before */
	expect_cadence("FREQ=YEARLY;INTERVAL=2;BYMONTH=2,8;BYMONTHDAY=1",
	    "joka 2. vuosi, helmikuussa ja elokuussa, kuun 1. päivä");
	expect_cadence("FREQ=MONTHLY;BYMONTH=6,7;BYDAY=TU",
	    "kuukausittain, kesäkuussa ja heinäkuussa tiistaisin");
}

/* the same in Swedish and English (skipped without the locales) */
static void
cadence__listed_months__swedish_and_english(void **state)
{
	(void)state;
	cad_lang_init(NULL);
	if (cad_lang_use(CAD_LANG_SV) < 0 || cad_lang_use(CAD_LANG_EN) < 0)
		skip();
	(void)cad_lang_use(CAD_LANG_SV);
	expect_cadence("FREQ=MONTHLY;BYMONTH=2,5,9,11;BYDAY=3TU",
	    "fyra gånger om året: 3:e tisdagen i februari, maj, september "
	    "och november");
	expect_cadence("FREQ=YEARLY;BYMONTH=2,11;BYDAY=1TH",
	    "två gånger om året: 1:a torsdagen i februari och november");
	expect_cadence("FREQ=MONTHLY;BYMONTH=1,2,4,5,6,9,10,11;BYDAY=-1WE",
	    "8 gånger om året: sista onsdagen i januari, februari, april, "
	    "maj, juni, september, oktober och november");
	expect_cadence("FREQ=YEARLY;BYMONTH=2,8",
	    "två gånger om året: i februari och i augusti");
	(void)cad_lang_use(CAD_LANG_EN);
	expect_cadence("FREQ=MONTHLY;BYMONTH=2,5,9,11;BYDAY=3TU",
	    "four times a year: 3rd Tuesday of February, May, September "
	    "and November");
	expect_cadence("FREQ=MONTHLY;BYMONTH=3,6,9;BYMONTHDAY=1",
	    "three times a year: day 1 of March, June and September");
	expect_cadence("FREQ=YEARLY;BYMONTH=2,8",
	    "twice a year: in February and in August");
	(void)cad_lang_use(CAD_LANG_FI);
}

static void
load__missing_file__enoent_and_reason(void **state)
{
	(void)state;
	struct cad_diag diag;
	struct cad_config *cfg = NULL;

	cad_diag_init(&diag);
	assert_int_equal(cad_config_load(DIR "no-such.conf", &cfg, &diag),
	    -ENOENT);
	assert_null(cfg);
	assert_int_equal(diag.nerrors, 1);
	assert_string_equal(diag.msgs[0], DIR "no-such.conf: error: "
	    "ei voi avata: No such file or directory");
	cad_diag_release(&diag);
}

static void
load__syntax_error__libconfig_line_and_text(void **state)
{
	(void)state;
	/* line 7: time = 13:00; (a bare 13:00 is no libconfig value) */
	expect_one_error("syntax.conf", 7, "syntaksivirhe");
}

static void
load__unknown_party__reported_at_the_reference(void **state)
{
	(void)state;
	/* "kajaani" stands alone on line 9 of the participants list */
	expect_one_error("unknown_party.conf", 9,
	    "foorumi 'foorumi': tuntematon osapuoli 'kajaani'");
}

static void
load__bad_rrule__reported(void **state)
{
	(void)state;
	/* BYDAY=2XX is not a weekday */
	expect_one_error("bad_rrule.conf", 7, "foorumi 'foorumi': "
	    "virheellinen rrule 'FREQ=YEARLY;BYMONTH=10;BYDAY=2XX': ");
}

static void
load__hourly_rrule__rejected(void **state)
{
	(void)state;
	expect_one_error("hourly_rrule.conf", 8,
	    "FREQ pitää olla DAILY, WEEKLY, MONTHLY tai YEARLY");
}

/* BYHOUR, BYMINUTE and BYSECOND each alone get the one reason that
   says where the time goes instead (cadenced.conf(5): 'time') */
static void
load__byhour_byminute_bysecond__time_key_named(void **state)
{
	(void)state;
	static const char *const part[] = { "BYHOUR=9", "BYMINUTE=30",
		"BYSECOND=15" };
	char dir[] = "/tmp/cad-byhour-XXXXXX", path[64], sub[80];

	assert_non_null(mkdtemp(dir));
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s/%zu.conf", dir, i);
		FILE *f = fopen(path, "w");
		assert_non_null(f);
		fprintf(f, "timezone = \"Europe/Helsinki\";\n"
		    "domain = \"example.org\";\n"
		    "parties = ( { id = \"hva\"; name = \"Alue\"; } );\n"
		    "forums = ( { id = \"f\"; name = \"F\"; "
		    "convenor = \"hva\";\n"
		    "  time = \"13:00\"; duration = 60;\n"
		    "  rrule = \"FREQ=WEEKLY;%s\"; } );\n", part[i]);
		assert_int_equal(fclose(f), 0);
		snprintf(sub, sizeof sub, "%zu.conf", i);
		char d[40];
		snprintf(d, sizeof d, "%s/", dir);
		expect_one_error_in(d, sub, 6, "BYHOUR-, BYMINUTE- ja "
		    "BYSECOND-osia ei tueta (käytä avainta 'time')");
	}
	tmpdir_remove(dir);
}

static void
load__time_25_61__not_hh_mm(void **state)
{
	(void)state;
	expect_one_error("bad_time.conf", 8,
	    "foorumi 'foorumi': time '25:61' ei ole muotoa HH:MM");
}

static void
load__negative_duration__rejected(void **state)
{
	(void)state;
	expect_one_error("negative_duration.conf", 8,
	    "foorumi 'foorumi': duration pitää olla positiivinen määrä "
	    "minuutteja");
}

static void
load__duration_as_string__wrong_type(void **state)
{
	(void)state;
	expect_one_error("wrong_type.conf", 7,
	    "foorumi 'foorumi': 'duration' pitää olla kokonaisluku");
}

static void
load__unknown_time_zone__rejected(void **state)
{
	(void)state;
	expect_one_error("unknown_tz.conf", 3,
	    "tuntematon aikavyöhyke 'Europe/Helsinkx'");
}

static void
load__unknown_top_level_key__rejected(void **state)
{
	(void)state;
	expect_one_error("unknown_key_top.conf", 8,
	    "tuntematon avain 'horizon'");
}

static void
load__unknown_key_in_forum__rejected(void **state)
{
	(void)state;
	expect_one_error("unknown_key_forum.conf", 7,
	    "foorumi 'foorumi': tuntematon avain 'colour'");
}

static void
load__duplicate_party_id__second_one_reported(void **state)
{
	(void)state;
	expect_one_error("duplicate_id.conf", 6,
	    "osapuolen tunniste 'kajaani' on jo käytössä");
}

static void
load__impossible_date__rejected(void **state)
{
	(void)state;
	/* 2026 is no leap year; the date is the list's second line */
	expect_one_error("bad_date.conf", 4,
	    "virheellinen päivämäärä '2026-02-30'");
}

static void
load__rrule_and_per_term__both_rejected(void **state)
{
	(void)state;
	expect_one_error("rrule_and_per_term.conf", 8,
	    "foorumi 'foorumi': anna joko 'rrule' tai 'per_term', ei "
	    "molempia");
}

static void
load__spread_without_for_each__rejected(void **state)
{
	(void)state;
	expect_one_error("spread_without_for_each.conf", 7,
	    "foorumi 'foorumi': 'spread' vaatii avaimen 'for_each'");
}

static void
load__overlapping_council_terms__rejected(void **state)
{
	(void)state;
	/* 2029-05-01.. (line 6) starts before 2025-06-01..2029-05-31 ends */
	expect_one_error("overlapping_terms.conf", 6, "valtuustokaudet "
	    "'2025-06-01'..'2029-05-31' ja '2029-05-01'..'2033-05-31' ovat "
	    "päällekkäin");
}

static void
load__forum_without_convenor__said_once(void **state)
{
	(void)state;
	/* the forum's group opens on line 6; ld_str and ld_party both
	   looked for 'convenor' and said so twice */
	expect_one_error("no_convenor.conf", 6,
	    "foorumi 'foorumi': 'convenor' puuttuu");
}

/* the errors of many_errors.conf in Swedish and in English (skipped
   without the locales) */
static void
load__several_errors__swedish_and_english(void **state)
{
	(void)state;
	static const char *const want[][4] = {
		{ "many_errors.conf:4: error: http: okänd nyckel 'port'",
		    "many_errors.conf:5: error: part 'hva': ogiltig "
		    "e-postadress 'kirjaamo.example': inget '@'",
		    "many_errors.conf:7: error: forum 'foorumi': okänd part "
		    "'hvaa'",
		    "many_errors.conf:10: error: forum 'foorumi': on_holiday "
		    "'later' måste vara next, previous, skip eller keep" },
		{ "many_errors.conf:4: error: http: unknown key 'port'",
		    "many_errors.conf:5: error: party 'hva': bad e-mail "
		    "address 'kirjaamo.example': no '@'",
		    "many_errors.conf:7: error: forum 'foorumi': unknown party "
		    "'hvaa'",
		    "many_errors.conf:10: error: forum 'foorumi': on_holiday "
		    "'later' must be next, previous, skip or keep" },
	};
	static const enum cad_lang langs[] = { CAD_LANG_SV, CAD_LANG_EN };

	cad_lang_init(NULL);
	if (cad_lang_use(CAD_LANG_SV) < 0 || cad_lang_use(CAD_LANG_EN) < 0)
		skip();
	for (size_t l = 0; l < 2; l++) {
		struct cad_diag diag;
		struct cad_config *cfg = NULL;
		(void)cad_lang_use(langs[l]);
		cad_diag_init(&diag);
		assert_int_equal(cad_config_load(DIR "many_errors.conf", &cfg,
		    &diag), -EINVAL);
		assert_int_equal(diag.n, 4);
		for (size_t i = 0; i < 4; i++) {
			char full[256];
			snprintf(full, sizeof full, "%s%s", DIR, want[l][i]);
			assert_string_equal(diag.msgs[i], full);
		}
		cad_diag_release(&diag);
	}
	(void)cad_lang_use(CAD_LANG_FI);
}

static void
load__caldav_without_organizer__rejected(void **state)
{
	(void)state;
	expect_one_error("caldav_without_organizer.conf", 9,
	    "'organizer' tarvitaan, kun 'caldav' on annettu");
}

static void
load__empty_file__every_required_key_missing(void **state)
{
	(void)state;
	struct cad_diag diag;
	struct cad_config *cfg = NULL;

	cad_diag_init(&diag);
	assert_int_equal(cad_config_load(DIR "empty.conf", &cfg, &diag),
	    -EINVAL);
	/* timezone, domain, parties, forums; no line to point at */
	assert_int_equal(diag.nerrors, 4);
	assert_non_null(find_msg(&diag,
	    DIR "empty.conf: error: 'timezone' puuttuu"));
	assert_non_null(find_msg(&diag,
	    DIR "empty.conf: error: 'forums' puuttuu"));
	cad_diag_release(&diag);
}

static void
load__several_errors__all_reported_in_line_order(void **state)
{
	(void)state;
	struct cad_diag diag;
	struct cad_config *cfg = NULL;

	cad_diag_init(&diag);
	assert_int_equal(cad_config_load(DIR "many_errors.conf", &cfg, &diag),
	    -EINVAL);
	if (diag.nerrors != 4)
		print_diag(&diag);
	assert_null(cfg);
	/* the fixture has four mistakes, on lines 4, 5, 7 and 10 */
	assert_true(diag.nerrors >= 3);
	assert_int_equal(diag.nerrors, 4);
	assert_string_equal(diag.msgs[0], DIR "many_errors.conf:4: error: "
	    "http: tuntematon avain 'port'");
	assert_string_equal(diag.msgs[1], DIR "many_errors.conf:5: error: "
	    "osapuoli 'hva': virheellinen sähköpostiosoite 'kirjaamo.example': "
	    "ei merkkiä '@'");
	assert_string_equal(diag.msgs[2], DIR "many_errors.conf:7: error: "
	    "foorumi 'foorumi': tuntematon osapuoli 'hvaa'");
	assert_non_null(strstr(diag.msgs[3], "many_errors.conf:10: error: "
	    "foorumi 'foorumi': on_holiday 'later' pitää olla next, "
	    "previous, skip tai keep"));
	cad_diag_release(&diag);
}


/* --- SPEC 10.1 and 10.2 -------------------------------------------------- */

#define DIR10 "tests/data/config10/"

static struct cad_config *
load_good10(void)
{
	struct cad_diag diag;
	struct cad_config *cfg = NULL;

	cad_diag_init(&diag);
	int r = cad_config_load(DIR10 "good.conf", &cfg, &diag);
	if (diag.n > 0)
		print_diag(&diag);
	assert_int_equal(r, 0);
	assert_int_equal(diag.n, 0);
	cad_diag_release(&diag);
	return cfg;
}

static void
load10__parties_and_groups__contacts_language_location_members(void **state)
{
	(void)state;
	struct cad_config *cfg = load_good10();
	const struct cad_party *kok = &cfg->parties[1];

	assert_int_equal(cfg->parties[0].language, CAD_LANG_FI);
	assert_int_equal(kok->language, CAD_LANG_SV);
	assert_string_equal(cad_lang_code(kok->language), "sv");
	assert_string_equal(kok->location, "Kokkolan kaupungintalo");
	assert_int_equal(kok->ncontacts, 3);
	assert_string_equal(kok->contacts[1].role, "hyte");
	assert_string_equal(kok->contacts[1].name, "Hyte-koordinaattori");
	assert_string_equal(kok->contacts[1].email, "hyte@kokkola.example");
	assert_int_equal(kok->contacts[0].line, 11);
	/* { week = 9; }: from/to unused */
	assert_int_equal(kok->nblackouts, 1);
	assert_int_equal(kok->blackouts[0].week, 9);
	assert_string_equal(kok->blackouts[0].reason, "Hiihtoloma");

	assert_int_equal(cfg->ngroups, 1);
	assert_string_equal(cfg->groups[0].id, "lestijokilaakso");
	assert_int_equal(cfg->groups[0].nmembers, 2);
	assert_int_equal(cfg->groups[0].members[0], 2);	/* kannus */
	assert_int_equal(cfg->groups[0].members[1], 3);	/* toholampi */
	assert_int_equal(cad_config_group(cfg, "lestijokilaakso"), 0);
	assert_int_equal(cad_config_group(cfg, "kannus"), -1);
	cad_config_free(cfg);
}

static void
load10__forums__every_new_key(void **state)
{
	(void)state;
	struct cad_config *cfg = load_good10();
	const struct cad_forum *neu = &cfg->forums[0];
	const struct cad_forum *alue = &cfg->forums[1];
	const struct cad_forum *ryh = &cfg->forums[2];

	assert_true(neu->convenor_member);
	assert_int_equal(neu->convenor, -1);
	assert_string_equal(cad_forum_convenor_id(cfg, neu), "member");
	assert_true(neu->location_member);
	assert_null(neu->location);
	/* the global invite is "participants"; the forum says convenors */
	assert_int_equal(neu->invite, CAD_INVITE_CONVENORS);
	assert_int_equal(alue->invite, CAD_INVITE_PARTICIPANTS);
	assert_int_equal(neu->ninvite_roles, 1);
	assert_string_equal(neu->invite_roles[0], "johto");
	assert_int_equal(neu->nco_convenors, 1);
	assert_int_equal(neu->co_convenors[0], 0);
	assert_true(neu->party_blackouts);

	/* a group in for_each is one unit */
	assert_int_equal(alue->nfor_each, 2);
	assert_int_equal(alue->for_each[0].party, 1);
	assert_int_equal(alue->for_each[0].group, -1);
	assert_int_equal(alue->for_each[1].party, -1);
	assert_int_equal(alue->for_each[1].group, 0);

	/* participants: kokkola, the group's kannus and toholampi; the
	   direct "kannus" after the group adds nothing */
	assert_int_equal(ryh->nparticipants, 3);
	assert_int_equal(ryh->participants[0], 1);
	assert_int_equal(ryh->participants[1], 2);
	assert_int_equal(ryh->participants[2], 3);
	assert_int_equal(ryh->first_convenor, 1);
	assert_int_equal(ryh->first_scope, CAD_FIRST_TERM);
	assert_int_equal(ryh->nlocation_rotation, 2);
	assert_string_equal(ryh->location_rotation[1], "Kannus");
	assert_true(ryh->has_per_year);
	assert_int_equal(ryh->per_year_min, 3);
	assert_int_equal(ryh->per_year_max, 4);
	assert_false(ryh->party_blackouts);
	/* sorted by date; a missing time is the forum's 13:00 */
	assert_int_equal(ryh->nextra, 2);
	assert_int_equal(ryh->extra[0].day, day(2026, 1, 15));
	assert_int_equal(ryh->extra[0].time, 13 * 60);
	assert_int_equal(ryh->extra[1].day, day(2026, 4, 21));
	assert_int_equal(ryh->extra[1].time, 8 * 60 + 30);
	assert_int_equal(ryh->blackouts[0].week, 53);
	assert_false(alue->has_per_year);
	cad_config_free(cfg);
}

static void
units__party_or_group__members_and_names(void **state)
{
	(void)state;
	struct cad_config *cfg = load_good10();
	struct cad_unit u;
	const int *ps;

	assert_int_equal(cad_config_unit(cfg, "kokkola", &u), 0);
	assert_int_equal(cad_config_unit_parties(cfg, &u, &ps), 1);
	assert_int_equal(ps[0], 1);
	assert_int_equal(cad_config_unit(cfg, "lestijokilaakso", &u), 0);
	assert_int_equal(cad_config_unit_parties(cfg, &u, &ps), 2);
	assert_int_equal(ps[0], 2);
	assert_int_equal(ps[1], 3);
	assert_string_equal(cad_config_unit_id(cfg, &u), "lestijokilaakso");
	assert_string_equal(cad_config_unit_name(cfg, &u), "Lestijokilaakso");
	assert_int_equal(cad_config_unit(cfg, "perho", &u), -1);
	/* toholampi is in alue's for_each through the group (entry 1) */
	assert_int_equal(cad_forum_member_index(cfg, &cfg->forums[1], 3), 1);
	assert_int_equal(cad_forum_member_index(cfg, &cfg->forums[1], 0), -1);

	/* a series is called by its forum and its member, a group's too
	   (good.conf: alue's for_each is kokkola and the group) */
	struct cad_series kok = { .forum = 1, .party = 1, .group = -1 };
	struct cad_series les = { .forum = 1, .party = -1, .group = 0 };
	struct cad_series all = { .forum = 1, .party = -1, .group = -1 };
	char *name = cad_series_name(cfg, &kok);
	assert_string_equal(name, "Alueneuvottelu: Kokkolan kaupunki");
	free(name);
	name = cad_series_name(cfg, &les);
	assert_string_equal(name, "Alueneuvottelu: Lestijokilaakso");
	free(name);
	name = cad_series_name(cfg, &all);
	assert_string_equal(name, "Alueneuvottelu");
	free(name);
	assert_null(cad_series_member(cfg, &all));
	cad_config_free(cfg);
}

static void
contacts__roles_with_fallback__each_address_once(void **state)
{
	(void)state;
	struct cad_config *cfg = load_good10();
	char *hyte[] = { "hyte" }, *both[] = { "johto", "hyte" };
	struct cad_recipient *r = NULL;
	size_t n = 0;

	/* kokkola in hyte: two contacts, the second address differs only
	   in case and so is the same mailbox */
	assert_int_equal(cad_config_contacts(cfg, 1, hyte, 1, &r, &n), 1);
	assert_string_equal(r[0].email, "hyte@kokkola.example");
	assert_string_equal(r[0].name, "Hyte-koordinaattori");
	assert_string_equal(r[0].role, "hyte");
	assert_int_equal(r[0].language, CAD_LANG_SV);
	/* hva has no hyte contact: its own email, its name, no role */
	assert_int_equal(cad_config_contacts(cfg, 0, hyte, 1, &r, &n), 1);
	assert_string_equal(r[1].email, "kirjaamo@hva.example");
	assert_string_equal(r[1].name, "Hyvinvointialue");
	assert_null(r[1].role);
	/* toholampi: no contact and no email, nobody */
	assert_int_equal(cad_config_contacts(cfg, 3, hyte, 1, &r, &n), 0);
	/* both roles for kokkola: the johto one is new, hyte is there */
	assert_int_equal(cad_config_contacts(cfg, 1, both, 2, &r, &n), 1);
	assert_string_equal(r[2].email, "kj@kokkola.example");
	assert_int_equal(n, 3);
	/* no roles asked: the party's email */
	assert_int_equal(cad_config_contacts(cfg, 2, NULL, 0, &r, &n), 1);
	assert_string_equal(r[3].email, "kirjaamo@kannus.example");
	free(r);
	assert_true(cad_config_has_role(cfg, "hyte"));
	assert_false(cad_config_has_role(cfg, "talous"));
	cad_config_free(cfg);
}

static void
load10__each_mistake__file_line_error(void **state)
{
	(void)state;
	/* the fixtures are good.conf with one change; lines by hand */
	static const struct {
		const char *file;
		int line;
		const char *what;
	} cases[] = {
		{ "unknown_role.conf", 24, "tuntematon rooli 'johtaja'" },
		{ "group_member_not_party.conf", 19,
		    "tuntematon osapuoli 'perho'" },
		{ "group_party_same_id.conf", 19,
		    "ryhmällä 'kannus' on osapuolen tunniste" },
		{ "member_without_for_each.conf", 30,
		    "convenor = \"member\" vaatii avaimen 'for_each'" },
		{ "week_0.conf", 14, "week 0 ei ole ISO-viikko 1-53" },
		{ "week_54.conf", 36, "week 54 ei ole ISO-viikko 1-53" },
		{ "per_year_min_max.conf", 34,
		    "per_year: min 4 on suurempi kuin max 3" },
		{ "extra_year.conf", 35,
		    "'2200-04-21' ei ole vuosien 1900 ja 2199 välillä" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		expect_one_error_in(DIR10, cases[i].file, cases[i].line,
		    cases[i].what);
}

/* the digest of DIR good.conf as written to path after edit(text) */
static void
digest_of(const char *path, const char *from, const char *to,
    char out[static 65])
{
	struct cad_diag diag;
	struct cad_config *cfg = NULL;
	char text[1 << 16];
	FILE *fp = fopen(DIR "good.conf", "r");
	size_t n;

	assert_non_null(fp);
	n = fread(text, 1, sizeof text - 1, fp);
	fclose(fp);
	text[n] = '\0';
	char *at = strstr(text, from);
	assert_non_null(at);
	assert_non_null(fp = fopen(path, "w"));
	fprintf(fp, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
	fclose(fp);
	cad_diag_init(&diag);
	assert_int_equal(cad_config_load(path, &cfg, &diag), 0);
	cad_diag_release(&diag);
	assert_int_equal(strlen(cfg->digest), 64);
	memcpy(out, cfg->digest, 65);
	cad_config_free(cfg);
}

/* the kept snapshot's key (daemon/persist.h): what was parsed, not how
   it was written */
static void
digest__same_settings_same__any_value_moves_it(void **state)
{
	(void)state;
	char dir[] = "/tmp/cad-digest-XXXXXX", path[64], a[65], b[65], c[65],
	    d[65];

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/c.conf", dir);
	digest_of(path, "domain = \"kainuu.example\";",
	    "domain = \"kainuu.example\";", a);
	/* a comment and other spacing: the same settings */
	digest_of(path, "domain = \"kainuu.example\";",
	    "# a comment\ndomain   =   \"kainuu.example\" ;", b);
	assert_string_equal(a, b);
	/* one character of one value */
	digest_of(path, "domain = \"kainuu.example\";",
	    "domain = \"kainuu.exampla\";", c);
	assert_string_not_equal(a, c);
	/* the same file elsewhere: its relative paths mean other files */
	snprintf(path, sizeof path, "%s/d.conf", dir);
	digest_of(path, "domain = \"kainuu.example\";",
	    "domain = \"kainuu.example\";", d);
	assert_string_not_equal(a, d);
	tmpdir_remove(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(load__good_config__every_value_parsed),
		cmocka_unit_test(load__minimal_config__defaults_filled_in),
		cmocka_unit_test(lookup__ids__index_or_minus_one),
		cmocka_unit_test(cadence__rules_and_terms__finnish_words),
		cmocka_unit_test(cadence__swedish_and_english__their_word_order),
		cmocka_unit_test(cadence__listed_months__times_a_year),
		cmocka_unit_test(cadence__listed_months__swedish_and_english),
		cmocka_unit_test(load__missing_file__enoent_and_reason),
		cmocka_unit_test(load__syntax_error__libconfig_line_and_text),
		cmocka_unit_test(load__forum_without_convenor__said_once),
		cmocka_unit_test(load__several_errors__swedish_and_english),
		cmocka_unit_test(load__unknown_party__reported_at_the_reference),
		cmocka_unit_test(load__bad_rrule__reported),
		cmocka_unit_test(load__hourly_rrule__rejected),
		cmocka_unit_test(load__byhour_byminute_bysecond__time_key_named),
		cmocka_unit_test(load__time_25_61__not_hh_mm),
		cmocka_unit_test(load__negative_duration__rejected),
		cmocka_unit_test(load__duration_as_string__wrong_type),
		cmocka_unit_test(load__unknown_time_zone__rejected),
		cmocka_unit_test(load__unknown_top_level_key__rejected),
		cmocka_unit_test(load__unknown_key_in_forum__rejected),
		cmocka_unit_test(load__duplicate_party_id__second_one_reported),
		cmocka_unit_test(load__impossible_date__rejected),
		cmocka_unit_test(load__rrule_and_per_term__both_rejected),
		cmocka_unit_test(load__spread_without_for_each__rejected),
		cmocka_unit_test(load__overlapping_council_terms__rejected),
		cmocka_unit_test(load__caldav_without_organizer__rejected),
		cmocka_unit_test(load__empty_file__every_required_key_missing),
		cmocka_unit_test(load__several_errors__all_reported_in_line_order),
		cmocka_unit_test(
		    load10__parties_and_groups__contacts_language_location_members),
		cmocka_unit_test(load10__forums__every_new_key),
		cmocka_unit_test(units__party_or_group__members_and_names),
		cmocka_unit_test(contacts__roles_with_fallback__each_address_once),
		cmocka_unit_test(load10__each_mistake__file_line_error),
		cmocka_unit_test(digest__same_settings_same__any_value_moves_it),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
