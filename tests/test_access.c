/*
 * test_access.c - tokens, the audit and the one home of a change
 * (core/store/token.c, audit.c, change.c, change_done.c) and the hash
 * under them.
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

#include <sqlite3.h>

#include "base/hash.h"
#include "model/config.h"
#include "store/audit.h"
#include "store/change.h"
#include "store/token.h"
#include "tmpdir.h"

struct fixture {
	char tmp[64];
	struct cad_store *st;
	struct cad_config *cfg;
};

static const struct cad_actor cli_user = { "maija", NULL };
static const struct cad_actor api_user = { "kajaani-coord", "192.0.2.7" };

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	struct cad_error err = { "" };
	struct cad_diag diag;

	if (f == NULL)
		return -1;
	strcpy(f->tmp, "/tmp/test_access.XXXXXX");
	if (mkdtemp(f->tmp) == NULL || cad_store_open(f->tmp, &f->st,
	    &err) != 0)
		return -1;
	cad_diag_init(&diag);
	/* foorumi: 2nd Tuesday of October at 13:00 (tests/data/minimal.conf) */
	if (cad_config_load("tests/data/minimal.conf", &f->cfg, &diag) != 0)
		return -1;
	cad_diag_release(&diag);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	cad_store_close(f->st);
	cad_config_free(f->cfg);
	tmpdir_remove(f->tmp);
	free(f);
	return 0;
}

/* the number of rows of table in the fixture's database, read aside */
static int
rows(struct fixture *f, const char *table)
{
	char path[128], sql[64];
	sqlite3 *db;
	sqlite3_stmt *stmt;
	int n;

	snprintf(path, sizeof path, "%s/cadenced.db", f->tmp);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	n = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return n;
}

/* FIPS 180-2 appendix B.1: SHA-256("abc") */
static void
sha256_hex__abc__fips_vector(void **state)
{
	char hex[CAD_SHA256_HEX];

	(void)state;
	cad_sha256_hex("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
	/* in pieces: the same */
	struct cad_sha256 h;
	cad_sha256_init(&h);
	cad_sha256_update(&h, "a", 1);
	cad_sha256_update(&h, "bc", 2);
	cad_sha256_final_hex(&h, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
	assert_true(cad_equal_secret("abcd", "abcd", 4));
	assert_false(cad_equal_secret("abcd", "abce", 4));
}

static void
token_add__scoped__secret_checks_and_only_its_hash_is_stored(void **state)
{
	struct fixture *f = *state;
	struct cad_error err = { "" };
	const char *forums[] = { "foorumi" }, *parties[] = { "hva" };
	struct cad_token_row t = { .name = "coord", .forums = forums,
		.nforums = 1, .parties = parties, .nparties = 1 };
	struct cad_token got;
	char *secret, hex[CAD_SHA256_HEX], path[128], *db;
	FILE *fp;
	long len;

	assert_int_equal(cad_token_add(f->st, &t, &cli_user, 1000, &secret,
	    &err), 0);
	assert_int_equal(strlen(secret), 4 + 64);
	assert_int_equal(cad_token_check(f->st, secret, &got, &err), 0);
	assert_string_equal(got.name, "coord");
	assert_true(cad_token_allows(&got, "foorumi", "hva"));
	assert_false(cad_token_allows(&got, "foorumi", NULL));
	assert_false(cad_token_allows(&got, "muu", "hva"));
	cad_token_release(&got);
	/* one character off is no token */
	char was = secret[10];
	secret[10] = was == 'a' ? 'b' : 'a';
	assert_int_equal(cad_token_check(f->st, secret, &got, &err), -EACCES);
	secret[10] = was;

	/* the file holds the SHA-256 of the secret, never the secret */
	cad_store_close(f->st);
	f->st = NULL;
	snprintf(path, sizeof path, "%s/cadenced.db", f->tmp);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	db = calloc(1, 1 << 20);
	len = (long)fread(db, 1, (1 << 20) - 1, fp);
	fclose(fp);
	assert_true(len > 0);
	cad_sha256_hex(secret, strlen(secret), hex);
	assert_non_null(memmem(db, (size_t)len, hex, strlen(hex)));
	assert_null(memmem(db, (size_t)len, secret + 4, 64));
	free(db);
	free(secret);
	assert_int_equal(cad_store_open(f->tmp, &f->st, &err), 0);
}

static void
token_add__same_name_or_bad_name__refused(void **state)
{
	struct fixture *f = *state;
	struct cad_error err = { "" };
	struct cad_token_row t = { .name = "coord" }, bad = { .name = "a b" };
	char *s1, *s2;

	assert_int_equal(cad_token_add(f->st, &t, &cli_user, 1, &s1, &err),
	    0);
	assert_int_equal(cad_token_add(f->st, &t, &cli_user, 2, &s2, &err),
	    -EEXIST);
	assert_null(s2);
	assert_int_equal(cad_token_add(f->st, &bad, &cli_user, 2, &s2, &err),
	    -EINVAL);
	assert_int_equal(rows(f, "tokens"), 1);
	assert_int_equal(rows(f, "audit"), 1);
	free(s1);
}

static void
token_revoke__then_check__refused_and_audited(void **state)
{
	struct fixture *f = *state;
	struct cad_error err = { "" };
	struct cad_token_row t = { .name = "coord" };
	struct cad_token got;
	struct cad_audit_entry *v;
	size_t n;
	char *s;

	assert_int_equal(cad_token_add(f->st, &t, &cli_user, 10, &s, &err), 0);
	assert_int_equal(cad_token_revoke(f->st, "coord", &cli_user, 20,
	    &err), 0);
	assert_int_equal(cad_token_check(f->st, s, &got, &err), -EACCES);
	assert_int_equal(cad_token_revoke(f->st, "coord", &cli_user, 30,
	    &err), -ENOENT);
	assert_int_equal(cad_audit_list(f->st, &v, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].action, CAD_AUDIT_TOKEN_ADD);
	assert_int_equal(v[1].action, CAD_AUDIT_TOKEN_REVOKE);
	assert_string_equal(v[1].who, "maija");
	assert_null(v[1].address);
	assert_int_equal(v[1].time, 20);
	assert_string_equal(v[1].before, "forums: all; parties: all");
	cad_audit_entries_free(v, n);
	free(s);
}

static void
audit__update_or_delete__refused_by_the_table(void **state)
{
	struct fixture *f = *state;
	struct cad_error err = { "" };
	struct cad_audit_row e = { .time = 5, .who = "x",
		.action = CAD_AUDIT_CANCEL, .what = "w" };
	char path[128];
	sqlite3 *db;

	assert_int_equal(cad_audit_add(f->st, &e, &err), 0);
	snprintf(path, sizeof path, "%s/cadenced.db", f->tmp);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "UPDATE audit SET who = 'y'",
	    NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "DELETE FROM audit", NULL, NULL,
	    NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(rows(f, "audit"), 1);
}

/* a record written by something else with an action no program knows:
   the list is refused whole (-EIO naming its id), nothing half read is
   handed out (and, under ASan, nothing read is leaked) */
static void
audit_list__unknown_action__refused_whole(void **state)
{
	struct fixture *f = *state;
	struct cad_error err = { "" };
	struct cad_audit_row e = { .time = 5, .who = "x",
		.action = CAD_AUDIT_CANCEL, .what = "w" };
	struct cad_audit_entry *v = (void *)&e;
	size_t n = 7;
	char path[128];
	sqlite3 *db;

	assert_int_equal(cad_audit_add(f->st, &e, &err), 0);
	snprintf(path, sizeof path, "%s/cadenced.db", f->tmp);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "INSERT INTO audit (time, who, via, "
	    "action, what, before, after) VALUES (6, 'y', 'cli', 'explode', "
	    "'w', 'b', 'a')", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(cad_audit_list(f->st, &v, &n, &err), -EIO);
	assert_string_equal(err.msg, "audit record 2 is malformed");
	assert_null(v);
	assert_int_equal(n, 0);
}

static struct cad_change
change(enum cad_change_action a, const char *forum, const char *date)
{
	struct cad_change ch = { .action = a, .forum = forum, .new_time = -1 };

	assert_int_equal(cad_parse_date(date, &ch.day), 0);
	return ch;
}

/* 13.10.2026 is the 2nd Tuesday of October: minimal.conf's meeting */
static void
change_apply__move__override_and_audit_written_together(void **state)
{
	struct fixture *f = *state;
	struct cad_error err = { "" };
	struct cad_change ch = change(CAD_CHANGE_MOVE, "foorumi",
	    "2026-10-13");
	struct cad_change_result res;
	struct cad_audit_entry *v;
	size_t n;
	int today;

	assert_int_equal(cad_parse_date("2026-01-01", &today), 0);
	/* Saturday 17.10.2026 */
	assert_int_equal(cad_parse_date("2026-10-17", &ch.new_day), 0);
	ch.new_time = 9 * 60 + 30;
	assert_int_equal(cad_change_apply(f->st, f->cfg, today, &ch,
	    &api_user, 777, &res, &err), 0);
	assert_string_equal(res.uid, "foorumi@example.org");
	assert_int_equal(res.time, 13 * 60);
	assert_int_equal(res.warnings, CAD_CHANGE_WARN_NOT_WORKING);
	cad_change_result_release(&res);
	assert_int_equal(rows(f, "overrides"), 1);
	assert_int_equal(cad_audit_list(f->st, &v, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].who, "kajaani-coord");
	assert_string_equal(v[0].address, "192.0.2.7");
	assert_int_equal(v[0].time, 777);
	assert_string_equal(v[0].rid, "2026-10-13T13:00");
	assert_string_equal(v[0].what, "foorumi 2026-10-13");
	assert_string_equal(v[0].before, "2026-10-13 13:00");
	assert_string_equal(v[0].after, "2026-10-17 09:30 moved");
	cad_audit_entries_free(v, n);
}

/*
 * Two writers prepare a cancel of the same meeting (13.10.2026) on two
 * connections before either commits: the first commits; the second
 * would record a cancel of a meeting already cancelled, so its commit
 * writes nothing and answers -EAGAIN; prepared again it is "already"
 * (as a cancel after the first would be), and the audit has one record.
 * A prepared change of something else is not held up by it.
 */
static void
change_commit__other_writer_first__again_then_already(void **state)
{
	struct fixture *f = *state;
	struct cad_error err = { "" };
	struct cad_change ch = change(CAD_CHANGE_CANCEL, "foorumi",
	    "2026-10-13");
	struct cad_change_result a, b;
	struct cad_store *other;
	int today;

	assert_int_equal(cad_parse_date("2026-01-01", &today), 0);
	assert_int_equal(cad_store_open(f->tmp, &other, &err), 0);
	assert_int_equal(cad_change_prepare(f->st, f->cfg, today, &ch, &a,
	    &err), 0);
	assert_int_equal(cad_change_prepare(other, f->cfg, today, &ch, &b,
	    &err), 0);
	assert_int_equal(a.outcome, CAD_CHANGE_STORED);
	assert_int_equal(b.outcome, CAD_CHANGE_STORED);
	assert_int_equal(cad_change_commit(f->st, &a, &cli_user, 10, &err),
	    0);
	assert_int_equal(cad_change_commit(other, &b, &api_user, 11, &err),
	    -EAGAIN);
	assert_string_equal(err.msg, "muutoksen kohde muuttui samaan aikaan "
	    "toisaalla: yritä uudelleen");
	assert_int_equal(rows(f, "audit"), 1);
	cad_change_result_release(&b);
	assert_int_equal(cad_change_prepare(other, f->cfg, today, &ch, &b,
	    &err), 0);
	assert_int_equal(b.outcome, CAD_CHANGE_ALREADY);
	assert_int_equal(cad_change_commit(other, &b, &api_user, 12, &err),
	    0);
	assert_int_equal(rows(f, "audit"), 1);
	assert_int_equal(rows(f, "overrides"), 1);
	cad_change_result_release(&a);
	cad_change_result_release(&b);
	/* apply prepares again by itself: the undo of the first's cancel,
	   prepared aside meanwhile, still undoes it */
	ch.action = CAD_CHANGE_UNCANCEL;
	assert_int_equal(cad_change_prepare(f->st, f->cfg, today, &ch, &a,
	    &err), 0);
	assert_int_equal(cad_change_apply(other, f->cfg, today, &ch,
	    &api_user, 13, &b, &err), 0);
	assert_int_equal(cad_change_commit(f->st, &a, &cli_user, 14, &err),
	    -EAGAIN);
	assert_int_equal(rows(f, "overrides"), 0);
	assert_int_equal(rows(f, "audit"), 2);
	cad_change_result_release(&a);
	cad_change_result_release(&b);
	cad_store_close(other);
}

static void
change_apply__bad_request__nothing_written(void **state)
{
	struct fixture *f = *state;
	struct cad_error err = { "" };
	struct cad_change_result res;
	struct cad_change ch;
	int today;

	assert_int_equal(cad_parse_date("2026-01-01", &today), 0);
	ch = change(CAD_CHANGE_CANCEL, "nope", "2026-10-13");
	assert_int_equal(cad_change_apply(f->st, f->cfg, today, &ch,
	    &cli_user, 1, &res, &err), -EINVAL);
	assert_string_equal(err.msg, "tuntematon foorumi 'nope'");
	/* a Wednesday: no meeting */
	ch = change(CAD_CHANGE_CANCEL, "foorumi", "2026-10-14");
	assert_int_equal(cad_change_apply(f->st, f->cfg, today, &ch,
	    &cli_user, 1, &res, &err), -EINVAL);
	assert_string_equal(err.msg, "foorumilla 'foorumi' ei ole kokousta "
	    "2026-10-14");
	ch = change(CAD_CHANGE_UNCANCEL, "foorumi", "2026-10-13");
	assert_int_equal(cad_change_apply(f->st, f->cfg, today, &ch,
	    &cli_user, 1, &res, &err), -EINVAL);
	ch = change(CAD_CHANGE_UNDO, "foorumi", "2026-10-13");
	assert_int_equal(cad_change_apply(f->st, f->cfg, today, &ch,
	    &cli_user, 1, &res, &err), -ENOENT);
	assert_int_equal(rows(f, "overrides"), 0);
	assert_int_equal(rows(f, "audit"), 0);
}

static void
change_apply__cancel_twice__second_changes_nothing(void **state)
{
	struct fixture *f = *state;
	struct cad_error err = { "" };
	struct cad_change ch = change(CAD_CHANGE_CANCEL, "foorumi",
	    "2026-10-13");
	struct cad_change_result res;
	int today;

	assert_int_equal(cad_parse_date("2026-01-01", &today), 0);
	assert_int_equal(cad_change_apply(f->st, f->cfg, today, &ch,
	    &cli_user, 1, &res, &err), 0);
	assert_int_equal(res.outcome, CAD_CHANGE_STORED);
	cad_change_result_release(&res);
	assert_int_equal(cad_change_apply(f->st, f->cfg, today, &ch,
	    &cli_user, 2, &res, &err), 0);
	assert_int_equal(res.outcome, CAD_CHANGE_ALREADY);
	cad_change_result_release(&res);
	assert_int_equal(rows(f, "audit"), 1);
	ch.action = CAD_CHANGE_UNCANCEL;
	assert_int_equal(cad_change_apply(f->st, f->cfg, today, &ch,
	    &cli_user, 3, &res, &err), 0);
	cad_change_result_release(&res);
	assert_int_equal(rows(f, "overrides"), 0);
	assert_int_equal(rows(f, "audit"), 2);
}

/* an extra meeting on Thursday 22.10.2026 at 9.00 (SPEC § 10.3): the
   addition and its audit record together; the series' own meeting and
   the extra one again are refused; a cancel finds the extra meeting in
   the plan; the undo takes it back, a second undo finds nothing */
static void
change_apply__add__addition_and_audit_written_together(void **state)
{
	struct fixture *f = *state;
	struct cad_error err = { "" };
	struct cad_change ch = change(CAD_CHANGE_ADD, "foorumi",
	    "2026-10-22");
	struct cad_change rule = change(CAD_CHANGE_ADD, "foorumi",
	    "2026-10-13");
	struct cad_change cancel = change(CAD_CHANGE_CANCEL, "foorumi",
	    "2026-10-22");
	struct cad_change_result res;
	struct cad_audit_entry *v;
	size_t n;
	int today;

	assert_int_equal(cad_parse_date("2026-01-01", &today), 0);
	ch.time = 9 * 60;
	ch.reason = "Lisäkokous";
	assert_int_equal(cad_change_apply(f->st, f->cfg, today, &ch,
	    &api_user, 5, &res, &err), 0);
	assert_string_equal(res.uid, "foorumi@example.org");
	cad_change_result_release(&res);
	assert_int_equal(rows(f, "additions"), 1);
	rule.time = 13 * 60;
	assert_int_equal(cad_change_apply(f->st, f->cfg, today, &rule,
	    &api_user, 6, &res, &err), -EINVAL);
	assert_string_equal(err.msg, "'foorumi@example.org' kokoontuu jo "
	    "2026-10-13 klo 13:00");
	assert_int_equal(cad_change_apply(f->st, f->cfg, today, &ch,
	    &api_user, 6, &res, &err), -EINVAL);
	assert_int_equal(cad_change_apply(f->st, f->cfg, today, &cancel,
	    &cli_user, 7, &res, &err), 0);
	assert_int_equal(res.time, 9 * 60);
	cad_change_result_release(&res);
	cancel.action = CAD_CHANGE_UNCANCEL;
	assert_int_equal(cad_change_apply(f->st, f->cfg, today, &cancel,
	    &cli_user, 8, &res, &err), 0);
	cad_change_result_release(&res);
	ch.action = CAD_CHANGE_UNADD;
	ch.reason = NULL;
	assert_int_equal(cad_change_apply(f->st, f->cfg, today, &ch,
	    &cli_user, 9, &res, &err), 0);
	cad_change_result_release(&res);
	assert_int_equal(rows(f, "additions"), 0);
	assert_int_equal(cad_change_apply(f->st, f->cfg, today, &ch,
	    &cli_user, 10, &res, &err), -ENOENT);
	assert_string_equal(err.msg, "ei peruttavaa: sarjalla "
	    "'foorumi@example.org' ei ole lisättyä kokousta 2026-10-22 klo "
	    "09:00");
	assert_int_equal(cad_audit_list(f->st, &v, &n, &err), 0);
	assert_int_equal(n, 4);
	assert_int_equal(v[0].action, CAD_AUDIT_ADD);
	assert_string_equal(v[0].who, "kajaani-coord");
	assert_string_equal(v[0].rid, "2026-10-22T09:00");
	assert_string_equal(v[0].what, "foorumi 2026-10-22: Lisäkokous");
	assert_string_equal(v[0].before, "");
	assert_string_equal(v[0].after, "2026-10-22 09:00 added");
	assert_int_equal(v[1].action, CAD_AUDIT_CANCEL);
	assert_string_equal(v[1].before, "2026-10-22 09:00");
	assert_int_equal(v[3].action, CAD_AUDIT_UNADD);
	assert_string_equal(v[3].who, "maija");
	assert_string_equal(v[3].before, "2026-10-22 09:00 added");
	assert_string_equal(v[3].after, "");
	cad_audit_entries_free(v, n);
}

/* the tasks of tests/data/task/tasks.conf (SPEC § 10.3): "raportti" is
   due 30.6. every year, owned by kajaani and sotkamo; "kertomus" once a
   term on 31.12. of its first year (2025-12-31), owned by hva alone */
static struct cad_change
done_of(const char *task, const char *party, const char *date)
{
	struct cad_change ch = { .action = CAD_CHANGE_DONE, .task = task,
		.party = party, .new_time = -1 };

	assert_int_equal(cad_parse_date(date, &ch.day), 0);
	return ch;
}

/* a request that cad_change_apply must refuse with -EINVAL and reason */
static void
done_refused(struct fixture *f, const struct cad_config *cfg,
    struct cad_change ch, const char *reason)
{
	struct cad_error err = { "" };
	struct cad_change_result res;

	assert_int_equal(cad_change_apply(f->st, cfg, 0, &ch, &api_user, 1,
	    &res, &err), -EINVAL);
	assert_string_equal(err.msg, reason);
}

static void
change_apply__done__wrong_task_owner_or_day_refused(void **state)
{
	struct fixture *f = *state;
	struct cad_config *cfg;
	struct cad_diag diag;

	cad_diag_init(&diag);
	assert_int_equal(cad_config_load("tests/data/task/tasks.conf", &cfg,
	    &diag), 0);
	cad_diag_release(&diag);
	done_refused(f, cfg, done_of("nosuch", NULL, "2026-06-30"),
	    "tuntematon tehtävä 'nosuch'");
	done_refused(f, cfg, done_of("raportti", NULL, "2026-06-30"),
	    "tehtävällä 'raportti' on 2 omistajaa: anna --party");
	done_refused(f, cfg, done_of("raportti", "hva", "2026-06-30"),
	    "osapuoli 'hva' ei ole tehtävän 'raportti' omistaja");
	done_refused(f, cfg, done_of("raportti", "nobody", "2026-06-30"),
	    "tuntematon osapuoli 'nobody'");
	done_refused(f, cfg, done_of("raportti", "sotkamo", "2026-07-01"),
	    "tehtävän 'raportti' määräpäivä ei ole 2026-07-01 (lähin "
	    "määräpäivä on 2026-06-30)");
	done_refused(f, cfg, done_of("kertomus", NULL, "2026-12-31"),
	    "tehtävän 'kertomus' määräpäivä ei ole 2026-12-31 (lähin "
	    "määräpäivä on 2025-12-31)");
	/* no agreement, so no review_by date */
	done_refused(f, cfg, done_of("review", NULL, "2026-06-30"),
	    "sopimuksella ei ole review_by-päivää 2026-06-30");
	assert_int_equal(rows(f, "tasks_done"), 0);
	assert_int_equal(rows(f, "audit"), 0);
	cad_config_free(cfg);
}

static void
change_apply__done__record_and_audit_together_undo_takes_back(void **state)
{
	struct fixture *f = *state;
	struct cad_error err = { "" };
	struct cad_change ch = done_of("raportti", "sotkamo", "2026-06-30");
	struct cad_change one = done_of("kertomus", NULL, "2025-12-31");
	struct cad_change_result res;
	struct cad_audit_entry *v;
	struct cad_config *cfg;
	struct cad_diag diag;
	size_t n;

	cad_diag_init(&diag);
	assert_int_equal(cad_config_load("tests/data/task/tasks.conf", &cfg,
	    &diag), 0);
	cad_diag_release(&diag);
	assert_int_equal(cad_change_apply(f->st, cfg, 0, &ch, &api_user, 50,
	    &res, &err), 0);
	assert_int_equal(res.outcome, CAD_CHANGE_STORED);
	assert_string_equal(res.uid,
	    "task-raportti-2026-06-30-sotkamo@tehtavat.example");
	cad_change_result_release(&res);
	/* again: nothing new, not audited again */
	assert_int_equal(cad_change_apply(f->st, cfg, 0, &ch, &cli_user, 51,
	    &res, &err), 0);
	assert_int_equal(res.outcome, CAD_CHANGE_ALREADY);
	cad_change_result_release(&res);
	/* the only owner needs no party */
	assert_int_equal(cad_change_apply(f->st, cfg, 0, &one, &cli_user, 52,
	    &res, &err), 0);
	assert_string_equal(res.done.party, "hva");
	cad_change_result_release(&res);
	assert_int_equal(rows(f, "tasks_done"), 2);
	ch.action = CAD_CHANGE_UNDONE;
	assert_int_equal(cad_change_apply(f->st, cfg, 0, &ch, &cli_user, 53,
	    &res, &err), 0);
	cad_change_result_release(&res);
	assert_int_equal(rows(f, "tasks_done"), 1);
	assert_int_equal(cad_change_apply(f->st, cfg, 0, &ch, &cli_user, 54,
	    &res, &err), -ENOENT);
	assert_string_equal(err.msg, "ei peruttavaa: tehtävää 'raportti' "
	    "(osapuoli 'sotkamo', määräpäivä 2026-06-30) ei ole kirjattu "
	    "tehdyksi");
	assert_int_equal(cad_audit_list(f->st, &v, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(v[0].action, CAD_AUDIT_DONE);
	assert_string_equal(v[0].who, "kajaani-coord");
	assert_string_equal(v[0].address, "192.0.2.7");
	assert_int_equal(v[0].time, 50);
	assert_string_equal(v[0].uid,
	    "task-raportti-2026-06-30-sotkamo@tehtavat.example");
	assert_null(v[0].rid);
	assert_string_equal(v[0].what, "raportti 2026-06-30 sotkamo");
	assert_string_equal(v[0].before, "2026-06-30 due");
	assert_string_equal(v[0].after, "2026-06-30 done");
	assert_string_equal(v[1].what, "kertomus 2025-12-31 hva");
	assert_int_equal(v[2].action, CAD_AUDIT_UNDONE);
	assert_string_equal(v[2].who, "maija");
	assert_null(v[2].address);
	assert_string_equal(v[2].before, "2026-06-30 done");
	assert_string_equal(v[2].after, "2026-06-30 due");
	cad_audit_entries_free(v, n);
	cad_config_free(cfg);
}

/* terminate (SPEC § 7) goes into the audit too, and so does its
   withdrawal: 1.3.2026 + 12 months' notice is 1.3.2027 */
static void
change_termination__notice_and_withdrawal_audited(void **state)
{
	struct fixture *f = *state;
	struct cad_error err = { "" };
	struct cad_termination t = { .party = "hva" };
	struct cad_audit_entry *v;
	size_t n;

	assert_int_equal(cad_parse_date("2026-03-01", &t.noticed), 0);
	assert_int_equal(cad_parse_date("2027-03-01", &t.effective), 0);
	assert_int_equal(cad_change_termination(f->st, "hva", &t, NULL,
	    &cli_user, 60, &err), 0);
	assert_int_equal(cad_change_termination(f->st, "hva", NULL, &t,
	    &cli_user, 61, &err), 0);
	assert_int_equal(cad_change_termination(f->st, "hva", NULL, NULL,
	    &cli_user, 62, &err), -ENOENT);
	assert_int_equal(cad_audit_list(f->st, &v, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].action, CAD_AUDIT_TERMINATE);
	assert_string_equal(v[0].who, "maija");
	assert_string_equal(v[0].what, "hva");
	assert_string_equal(v[0].before, "");
	assert_string_equal(v[0].after, "noticed 2026-03-01, effective "
	    "2027-03-01");
	assert_int_equal(v[1].action, CAD_AUDIT_WITHDRAW);
	assert_string_equal(v[1].before, "noticed 2026-03-01, effective "
	    "2027-03-01");
	assert_string_equal(v[1].after, "");
	cad_audit_entries_free(v, n);
}

/* what cadencectl audit reads back from a before/after text: the
   texts as SPEC's audit shows them (written by hand here) */
static void
audit_state_parse__each_kind__parts_and_others_as_they_are(void **state)
{
	(void)state;
	struct cad_audit_state st;

	cad_audit_state_parse("", &st);
	assert_int_equal(st.kind, CAD_AUDIT_STATE_EMPTY);
	cad_audit_state_parse("2026-02-04 13:00 cancelled", &st);
	assert_int_equal(st.kind, CAD_AUDIT_STATE_WHEN);
	assert_int_equal(st.word, CAD_AUDIT_WORD_CANCELLED);
	assert_string_equal(st.head, "2026-02-04 13:00");
	cad_audit_state_parse("2026-02-05 10:30", &st);
	assert_int_equal(st.kind, CAD_AUDIT_STATE_WHEN);
	assert_int_equal(st.word, CAD_AUDIT_WORD_NONE);
	assert_string_equal(st.head, "2026-02-05 10:30");
	cad_audit_state_parse("2027-06-30 due", &st);
	assert_int_equal(st.word, CAD_AUDIT_WORD_DUE);
	assert_string_equal(st.head, "2027-06-30");
	cad_audit_state_parse("noticed 2026-03-01, effective 2027-03-01", &st);
	assert_int_equal(st.kind, CAD_AUDIT_STATE_NOTICE);
	assert_string_equal(st.a, "2026-03-01");
	assert_string_equal(st.b, "2027-03-01");
	cad_audit_state_parse("forums: a,b; parties: all", &st);
	assert_int_equal(st.kind, CAD_AUDIT_STATE_SCOPE);
	assert_string_equal(st.a, "a,b");
	assert_string_equal(st.b, "all");
	/* a word it does not know, a day that is none: shown as is */
	cad_audit_state_parse("2026-02-04 13:00 postponed", &st);
	assert_int_equal(st.kind, CAD_AUDIT_STATE_OTHER);
	cad_audit_state_parse("2026-02-30 due", &st);
	assert_int_equal(st.kind, CAD_AUDIT_STATE_OTHER);
	/* and what the writers make reads back the same */
	char *t = cad_audit_when_text(20488, 13 * 60, CAD_AUDIT_WORD_MOVED);
	cad_audit_state_parse(t, &st);
	assert_int_equal(st.word, CAD_AUDIT_WORD_MOVED);
	free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sha256_hex__abc__fips_vector),
		cmocka_unit_test(
		    audit_state_parse__each_kind__parts_and_others_as_they_are),
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(token_add__scoped__secret_checks_and_only_its_hash_is_stored),
		T(token_add__same_name_or_bad_name__refused),
		T(token_revoke__then_check__refused_and_audited),
		T(audit__update_or_delete__refused_by_the_table),
		T(audit_list__unknown_action__refused_whole),
		T(change_apply__move__override_and_audit_written_together),
		T(change_apply__bad_request__nothing_written),
		T(change_apply__cancel_twice__second_changes_nothing),
		T(change_commit__other_writer_first__again_then_already),
		T(change_apply__add__addition_and_audit_written_together),
		T(change_apply__done__wrong_task_owner_or_day_refused),
		T(change_apply__done__record_and_audit_together_undo_takes_back),
		T(change_termination__notice_and_withdrawal_audited),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
