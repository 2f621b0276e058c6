/*
 * test_task.c - tasks (SPEC § 10.3): the config's `tasks`, due days
 * across council terms (the shortened 2021-08-01 .. 2025-05-31 term
 * included), task deadlines, "done" kept in sqlite across reloads, the
 * overdue and passed-deadline warnings, and task reminders across
 * restarts (no duplicates, one catch-up).  The expected days are derived
 * by hand in tests/data/task/tasks.conf.
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
#include <sys/stat.h>

#include "model/config.h"
#include "model/deadline.h"
#include "model/task.h"
#include "render/deadlines.h"
#include "store/reminder.h"
#include "store/store.h"
#include "tmpdir.h"

#define CONF	"tests/data/task/tasks.conf"
#define BAD	"tests/data/task/bad.conf"
#define ROLES	"tests/data/task/roles.conf"

static int
D(int y, int m, int d)
{
	return cad_days_from_civil(y, m, d);
}

static struct cad_config *
load(const char *path)
{
	struct cad_diag diag;
	struct cad_config *cfg = NULL;

	cad_diag_init(&diag);
	int r = cad_config_load(path, &cfg, &diag);
	for (size_t i = 0; i < diag.n; i++)
		print_message("  diag: %s\n", diag.msgs[i]);
	cad_diag_release(&diag);
	assert_int_equal(r, 0);
	return cfg;
}

static const struct cad_task *
task(const struct cad_config *cfg, const char *id)
{
	int i = cad_config_task(cfg, id);

	assert_true(i >= 0);
	return &cfg->tasks[i];
}

/* the due days of task id in [from, to] equal want[0..n) */
static void
expect_dues(const struct cad_config *cfg, const char *id, int from, int to,
    const int *want, size_t n)
{
	int *v = NULL;
	size_t got = cad_task_dues(cfg, task(cfg, id), from, to, &v);

	assert_int_equal(got, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(v[i], want[i]);
	free(v);
}

/* --- config ------------------------------------------------------------- */

static void
config_tasks__example__parsed(void **state)
{
	(void)state;
	struct cad_config *cfg = load(CONF);
	const struct cad_task *t = task(cfg, "raportti");

	assert_int_equal(cfg->ntasks, 5);
	assert_string_equal(t->name, "Vuosiraportti valtuustolle");
	assert_string_equal(t->legal_basis, "612/2021 6 §");
	assert_int_equal(t->nowners, 2);
	assert_string_equal(cfg->parties[t->owners[0]].id, "kajaani");
	assert_string_equal(cfg->parties[t->owners[1]].id, "sotkamo");
	assert_false(t->has_per_term);
	assert_int_equal(t->due_md, 630);
	assert_int_equal(t->start, D(2024, 1, 1));
	assert_int_equal(t->nremind_days, 2);
	assert_int_equal(t->remind_days[0], 60);
	assert_int_equal(t->remind_days[1], 14);
	t = task(cfg, "kertomus");
	assert_true(t->has_per_term);
	assert_int_equal(t->per_term.year, 1);
	assert_int_equal(t->per_term.month, 12);
	assert_int_equal(t->per_term.day, 31);
	assert_null(t->legal_basis);
	/* the default offsets */
	assert_int_equal(t->nremind_days, 2);
	assert_int_equal(t->remind_days[0], 30);
	assert_int_equal(t->remind_days[1], 7);
	cad_config_free(cfg);
}

static void
config_tasks__bad_input__every_error_at_its_line(void **state)
{
	(void)state;
	static const char *const want[] = {
		BAD ":11: error: tehtävä 'a': virheellinen määräpäivä '13-01' "
		    "(muoto MM-DD)",
		BAD ":13: error: tehtävä 'b': anna joko 'due' tai 'per_term', "
		    "ei molempia",
		BAD ":14: error: tehtävä 'c': tuntematon osapuoli 'nobody'",
		BAD ":15: error: tehtävä 'd': 'owners' puuttuu",
		BAD ":16: error: tehtävä 'e': tuntematon avain 'colour'",
		BAD ":18: error: tehtävä 'f': per_term: 'day' pitää olla "
		    "väliltä 1-31",
		BAD ":19: error: tehtävän tunniste 'a' on jo käytössä",
		BAD ":20: error: tehtävä 'g': 'due' (MM-DD, joka vuosi) tai "
		    "'per_term' puuttuu",
	};
	struct cad_diag diag;
	struct cad_config *cfg = NULL;

	cad_diag_init(&diag);
	assert_int_equal(cad_config_load(BAD, &cfg, &diag), -EINVAL);
	assert_null(cfg);
	for (size_t i = 0; i < diag.n; i++)
		print_message("  diag: %s\n", diag.msgs[i]);
	assert_int_equal(diag.n, sizeof want / sizeof want[0]);
	for (size_t i = 0; i < diag.n; i++)
		assert_string_equal(diag.msgs[i], want[i]);
	cad_diag_release(&diag);
}

/* --- due days --------------------------------------------------------- */

static void
task_dues__yearly__every_year_from_start(void **state)
{
	(void)state;
	struct cad_config *cfg = load(CONF);
	const int want[] = { D(2024, 6, 30), D(2025, 6, 30), D(2026, 6, 30) };
	const int leap[] = { D(2027, 2, 28), D(2028, 2, 29) };

	expect_dues(cfg, "raportti", D(2024, 1, 1), D(2026, 12, 31), want,
	    3);
	/* 02-29: the 28th in a common year */
	expect_dues(cfg, "karkaus", D(2027, 1, 1), D(2028, 12, 31), leap, 2);
	cad_config_free(cfg);
}

static void
task_dues__per_term__one_per_council_term(void **state)
{
	(void)state;
	struct cad_config *cfg = load(CONF);
	const int dec[] = { D(2021, 12, 31), D(2025, 12, 31),
	    D(2029, 12, 31) };
	/* year 1 of the August term holds March of the next year */
	const int mar[] = { D(2022, 3, 15), D(2026, 3, 15), D(2030, 3, 15) };

	expect_dues(cfg, "kertomus", D(2021, 1, 1), D(2033, 12, 31), dec, 3);
	expect_dues(cfg, "kevat", D(2021, 1, 1), D(2033, 12, 31), mar, 3);
	cad_config_free(cfg);
}

static void
task_dues__shortened_term__due_on_its_last_day(void **state)
{
	(void)state;
	struct cad_config *cfg = load(CONF);
	/* 30.6. of year 4: after the 2021 term's end 31.5.2025 */
	const int want[] = { D(2025, 5, 31), D(2028, 6, 30), D(2032, 6, 30) };

	expect_dues(cfg, "loppu", D(2021, 1, 1), D(2033, 12, 31), want, 3);
	cad_config_free(cfg);
}

static void
task_start__default__current_council_term(void **state)
{
	(void)state;
	struct cad_config *cfg = load(CONF);
	struct cad_task t = *task(cfg, "raportti");

	t.start = CAD_NODAY;
	assert_int_equal(cad_task_start(cfg, &t, D(2027, 1, 2)),
	    D(2025, 6, 1));
	assert_int_equal(cad_task_start(cfg, &t, D(2024, 3, 1)),
	    D(2021, 8, 1));
	/* outside every term: January 1 of today's year */
	assert_int_equal(cad_task_start(cfg, &t, D(2040, 3, 1)),
	    D(2040, 1, 1));
	cad_config_free(cfg);
}

/* --- deadlines, done, compliance --------------------------------------- */

struct fixture {
	char tmp[64];
	struct cad_config *cfg;
	struct cad_store *st;
	struct cad_store_inputs in;
	struct cad_plan_ctx ctx;
};

static void
reopen(struct fixture *f, int today)
{
	struct cad_error err = { "" };

	cad_store_inputs_release(&f->in);
	cad_store_close(f->st);
	assert_int_equal(cad_store_open(f->tmp, &f->st, &err), 0);
	assert_int_equal(cad_store_inputs(f->st, &f->in, &err), 0);
	cad_store_inputs_ctx(&f->in, today, &f->ctx);
}

static int
setup_with(void **state, const char *conf)
{
	struct fixture *f = calloc(1, sizeof *f);
	struct cad_error err = { "" };

	strcpy(f->tmp, "/tmp/test_task.XXXXXX");
	if (mkdtemp(f->tmp) == NULL)
		return -1;
	f->cfg = load(conf);
	if (cad_store_open(f->tmp, &f->st, &err) != 0)
		return -1;
	*state = f;
	return 0;
}

static int
setup(void **state)
{
	return setup_with(state, CONF);
}

static int
setup_roles(void **state)
{
	return setup_with(state, ROLES);
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	cad_store_inputs_release(&f->in);
	cad_store_close(f->st);
	cad_config_free(f->cfg);
	tmpdir_remove(f->tmp);
	free(f);
	return 0;
}

/* the task deadline (task, party, day) of v, or NULL */
static const struct cad_deadline *
find(const struct cad_config *cfg, const struct cad_deadline *v, size_t n,
    const char *id, const char *party, int day)
{
	for (size_t i = 0; i < n; i++) {
		const struct cad_task *t = cad_deadline_task(cfg, &v[i]);
		if (t != NULL && strcmp(t->id, id) == 0 && v[i].day == day &&
		    strcmp(v[i].party, party) == 0)
			return &v[i];
	}
	return NULL;
}

static size_t
count_overdue(struct fixture *f)
{
	struct cad_compliance *w = NULL;
	struct cad_error err = { "" };
	size_t n = 0, k = 0;

	assert_int_equal(cad_task_compliance(f->cfg, &f->ctx, &w, &n, &err),
	    0);
	for (size_t i = 0; i < n; i++)
		k += w[i].kind == CAD_COMPLIANCE_OVERDUE;
	free(w);
	return k;
}

static void
deadlines__tasks__one_per_owner_and_due_day(void **state)
{
	struct fixture *f = *state;
	struct cad_deadline *v = NULL;
	struct cad_error err = { "" };
	struct cad_buf b;
	size_t n = 0;

	reopen(f, D(2026, 7, 1));
	assert_int_equal(cad_deadlines(f->cfg, &f->ctx, &v, &n, &err), 0);
	const struct cad_deadline *d = find(f->cfg, v, n, "raportti",
	    "sotkamo", D(2026, 6, 30));
	assert_non_null(d);
	assert_int_equal(d->kind, CAD_DEADLINE_TASK);
	assert_string_equal(d->title,
	    "Vuosiraportti valtuustolle: Sotkamon kunta");
	assert_false(d->done);
	assert_non_null(find(f->cfg, v, n, "raportti", "kajaani",
	    D(2026, 6, 30)));
	assert_non_null(find(f->cfg, v, n, "loppu", "hva", D(2025, 5, 31)));
	assert_null(find(f->cfg, v, n, "raportti", "kajaani",
	    D(2023, 6, 30)));	/* before start */
	char *uid = cad_deadline_uid(f->cfg, d);
	assert_string_equal(uid,
	    "task-raportti-2026-06-30-sotkamo@tehtavat.example");
	free(uid);
	cad_buf_init(&b, 0);
	assert_int_equal(cad_deadlines_json(&b, f->cfg, d, 1), 0);
	assert_string_equal(b.data, "[\n  {\"date\": \"2026-06-30\", "
	    "\"kind\": \"task\", \"title\": \"Vuosiraportti valtuustolle: "
	    "Sotkamon kunta\", \"party\": \"sotkamo\", \"task\": \"raportti\", "
	    "\"done\": false}\n]\n");
	cad_buf_release(&b);
	cad_deadlines_free(v, n);
}

static void
done__recorded__survives_reopen_and_clears_overdue(void **state)
{
	struct fixture *f = *state;
	struct cad_error err = { "" };
	int today = D(2026, 7, 1);

	reopen(f, today);
	/* 2024, 2025, 2026 reports of two owners; 2021 .. 2026 per-term
	   ones of hva: 31.12.2021, 31.12.2025, 15.3.2022, 15.3.2026,
	   31.5.2025 */
	assert_int_equal(count_overdue(f), 6 + 5);
	assert_int_equal(cad_store_put_done(f->st, "raportti", "sotkamo",
	    D(2026, 6, 30), 1, &err), 0);
	/* a reload (daemon SIGHUP, another cadencectl) sees it */
	reopen(f, today);
	assert_non_null(cad_task_done_find(&f->ctx, "raportti", "sotkamo",
	    D(2026, 6, 30)));
	assert_null(cad_task_done_find(&f->ctx, "raportti", "kajaani",
	    D(2026, 6, 30)));
	assert_int_equal(count_overdue(f), 6 + 5 - 1);
	/* undo, and undo again: nothing left to undo */
	assert_int_equal(cad_store_delete_done(f->st, "raportti", "sotkamo",
	    D(2026, 6, 30), &err), 0);
	assert_int_equal(cad_store_delete_done(f->st, "raportti", "sotkamo",
	    D(2026, 6, 30), &err), -ENOENT);
	reopen(f, today);
	assert_int_equal(f->ctx.ndone, 0);
	assert_int_equal(count_overdue(f), 6 + 5);
}

static void
compliance__due_today__not_overdue(void **state)
{
	struct fixture *f = *state;

	reopen(f, D(2024, 6, 30));
	/* hva: 31.12.2021, 15.3.2022; the reports of 30.6.2024 are due
	   today, not late */
	assert_int_equal(count_overdue(f), 2);
	reopen(f, D(2024, 7, 1));
	assert_int_equal(count_overdue(f), 4);
}

/* --- reminders ------------------------------------------------------ */

/* a daemon (re)start on day today: store reopened, reminders synced;
   the number of rows enqueued */
static int
start_on(struct fixture *f, int today)
{
	struct cad_error err = { "" };
	int n = -1;

	reopen(f, today);
	if (cad_reminders_sync(f->st, f->cfg, &f->ctx, today,
	    (int64_t)today * 86400 + 11 * 3600, &n, &err) != 0)
		fail_msg("cad_reminders_sync: %s", err.msg);
	return n;
}

/* the outbox rows, oldest first, as "target uid sequence" lines */
static char *
outbox_text(struct fixture *f)
{
	struct cad_outbox_entry *v = NULL;
	struct cad_error err = { "" };
	struct cad_buf b;
	size_t n = 0;

	assert_int_equal(cad_store_outbox_list(f->st, false, &v, &n, &err), 0);
	cad_buf_init(&b, 0);
	cad_buf_puts(&b, "");
	for (size_t i = 0; i < n; i++)
		cad_buf_printf(&b, "%s %s %d\n", v[i].target, v[i].uid,
		    v[i].sequence);
	cad_outbox_entries_free(v, n);
	return cad_buf_steal(&b);
}

static void
reminders__restarts__each_once_and_one_catch_up(void **state)
{
	struct fixture *f = *state;

	/* 30.6.2026 - 60 days = 1.5.2026 (June 30 + May 31 = 61 - 1) */
	assert_int_equal(start_on(f, D(2026, 4, 30)), 0);
	assert_int_equal(start_on(f, D(2026, 5, 1)), 2);
	assert_int_equal(start_on(f, D(2026, 5, 1)), 0);	/* restart */
	assert_int_equal(start_on(f, D(2026, 5, 2)), 0);
	/* down from 2.5. to 20.6.: the 14-day reminder of 16.6. is caught
	   up once */
	assert_int_equal(start_on(f, D(2026, 6, 20)), 2);
	assert_int_equal(start_on(f, D(2026, 6, 20)), 0);
	assert_int_equal(start_on(f, D(2026, 6, 30)), 0);
	char *text = outbox_text(f);
	assert_string_equal(text,
	    "kirjaamo@kajaani.example "
	    "task-raportti-2026-06-30-kajaani@tehtavat.example 60\n"
	    "kirjaamo@sotkamo.example "
	    "task-raportti-2026-06-30-sotkamo@tehtavat.example 60\n"
	    "kirjaamo@kajaani.example "
	    "task-raportti-2026-06-30-kajaani@tehtavat.example 14\n"
	    "kirjaamo@sotkamo.example "
	    "task-raportti-2026-06-30-sotkamo@tehtavat.example 14\n");
	free(text);
}

static void
reminders__down_over_both_days__only_the_latest(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(start_on(f, D(2026, 6, 20)), 2);
	assert_int_equal(start_on(f, D(2026, 6, 21)), 0);
	char *text = outbox_text(f);
	assert_non_null(strstr(text, "2026-06-30-kajaani@tehtavat.example "
	    "14\n"));
	assert_null(strstr(text, " 60\n"));
	free(text);
}

static void
reminders__task_done__owner_not_reminded(void **state)
{
	struct fixture *f = *state;
	struct cad_error err = { "" };

	assert_int_equal(cad_store_put_done(f->st, "raportti", "sotkamo",
	    D(2026, 6, 30), 1, &err), 0);
	assert_int_equal(start_on(f, D(2026, 5, 1)), 1);
	char *text = outbox_text(f);
	assert_string_equal(text, "kirjaamo@kajaani.example "
	    "task-raportti-2026-06-30-kajaani@tehtavat.example 60\n");
	free(text);
}

static void
reminder_mail__task__names_task_owner_and_law(void **state)
{
	struct fixture *f = *state;
	struct cad_deadline *v = NULL;
	struct cad_error err = { "" };
	struct cad_buf b;
	size_t n = 0;

	reopen(f, D(2026, 6, 16));
	assert_int_equal(cad_deadlines(f->cfg, &f->ctx, &v, &n, &err), 0);
	const struct cad_deadline *d = find(f->cfg, v, n, "raportti",
	    "kajaani", D(2026, 6, 30));
	assert_non_null(d);
	char *subject = cad_reminder_subject(f->cfg, d, 14);
	assert_string_equal(subject, "Muistutus: Vuosiraportti valtuustolle: "
	    "Kajaanin kaupunki 30.6.2026 (14 päivän päästä)");
	free(subject);
	cad_buf_init(&b, 0);
	assert_int_equal(cad_reminder_mail(f->cfg, d, 14, "Kajaanin kaupunki",
	    "kirjaamo@kajaani.example", 1781000000, 42, &b, &err), 0);
	assert_non_null(strstr(b.data, "To: "));
	assert_non_null(strstr(b.data, "kirjaamo@kajaani.example"));
	cad_buf_release(&b);
	cad_deadlines_free(v, n);
}

/* text holds exactly the n lines of want, in any order */
static void
expect_lines(const char *text, const char *const *want, size_t n)
{
	size_t lines = 0;

	for (const char *p = text; *p != '\0'; p++)
		lines += *p == '\n';
	if (lines != n)
		fail_msg("%zu lines, want %zu:\n%s", lines, n, text);
	for (size_t i = 0; i < n; i++)
		if (strstr(text, want[i]) == NULL)
			fail_msg("no line \"%s\" in:\n%s", want[i], text);
}

#define RAPORTTI(p)	" task-raportti-2026-06-30-" p "@roolit.example "

/* the rows expected by hand in tests/data/task/roles.conf */
static void
reminders__remind_roles_and_group_owner__contacts_once(void **state)
{
	struct fixture *f = *state;
	const struct cad_task *t = task(f->cfg, "raportti");
	static const char *const want[] = {
		"hyte@kajaani.example" RAPORTTI("kajaani") "60\n",
		"kirjaamo@sotkamo.example" RAPORTTI("sotkamo") "60\n",
		"hyte@kuhmo.example" RAPORTTI("kuhmo") "60\n",
		"hyvinvointi@kuhmo.example" RAPORTTI("kuhmo") "60\n",
		"kirjaamo@kajaani.example "
		    "task-arvio-2026-06-30-kajaani@roolit.example 60\n",
		"hyte@kajaani.example" RAPORTTI("kajaani") "14\n",
		"kirjaamo@sotkamo.example" RAPORTTI("sotkamo") "14\n",
		"hyte@kuhmo.example" RAPORTTI("kuhmo") "14\n",
		"hyvinvointi@kuhmo.example" RAPORTTI("kuhmo") "14\n",
	};

	/* the group stands for its members, one task each */
	assert_int_equal(t->nowners, 3);
	assert_string_equal(f->cfg->parties[t->owners[1]].id, "sotkamo");
	assert_string_equal(f->cfg->parties[t->owners[2]].id, "kuhmo");
	assert_int_equal(start_on(f, D(2026, 5, 1)), 5);
	assert_int_equal(start_on(f, D(2026, 5, 1)), 0);	/* restart */
	char *text = outbox_text(f);
	expect_lines(text, want, 5);
	free(text);
	/* down from 2.5. to 20.6.: the 14-day ones once, to the same */
	assert_int_equal(start_on(f, D(2026, 6, 20)), 4);
	assert_int_equal(start_on(f, D(2026, 6, 21)), 0);
	text = outbox_text(f);
	expect_lines(text, want, 9);
	assert_null(strstr(text, "kaupunginjohtaja@"));
	assert_null(strstr(text, "kirjaamo@kuhmo.example"));
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(config_tasks__example__parsed),
		cmocka_unit_test(config_tasks__bad_input__every_error_at_its_line),
		cmocka_unit_test(task_dues__yearly__every_year_from_start),
		cmocka_unit_test(task_dues__per_term__one_per_council_term),
		cmocka_unit_test(task_dues__shortened_term__due_on_its_last_day),
		cmocka_unit_test(task_start__default__current_council_term),
		cmocka_unit_test_setup_teardown(
		    deadlines__tasks__one_per_owner_and_due_day, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    done__recorded__survives_reopen_and_clears_overdue, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    compliance__due_today__not_overdue, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    reminders__restarts__each_once_and_one_catch_up, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    reminders__down_over_both_days__only_the_latest, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    reminders__task_done__owner_not_reminded, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    reminder_mail__task__names_task_owner_and_law, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    reminders__remind_roles_and_group_owner__contacts_once,
		    setup_roles, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
