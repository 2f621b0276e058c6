/*
 * util.h - small helpers shared by every module: civil dates, strings,
 * bounded buffers and the error/diagnostic types.
 *
 * Dates are "day numbers": days since 1970-01-01 in the proleptic
 * Gregorian calendar (negative before).  Times of day are minutes since
 * local midnight.  Both are plain ints so calendar arithmetic is trivial.
 */
#ifndef CAD_UTIL_H
#define CAD_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define CAD_NODAY (-2147483647 - 1) /* "no date" marker */

/* the years planned at all (config dates, --year, API dates): dates far
   from now only cost planning time (found by tests/fuzz) */
#define CAD_YEAR_MIN	1900
#define CAD_YEAR_MAX	2199
/* the years the holiday rules are known to hold for (SPEC § 4: 1991-2100):
   the years of a vuosikello and of a holiday list, the API's and
   cadencectl's (before 1991 Finland kept loppiainen and helatorstai on
   Saturdays: a list for 1980 would be wrong) */
#define CAD_HOLIDAY_YEAR_MIN	1991
#define CAD_HOLIDAY_YEAR_MAX	2100
/* a macro's value as a string literal, for a fixed text that names one
   of the numbers above, which stay plain numbers for it (a text to
   translate takes them as %d instead: xgettext sees only literals) */
#define CAD_STR(x)	CAD_STR_(x)
#define CAD_STR_(x)	#x

/* civil dates */
int cad_days_from_civil(int y, int m, int d);
void cad_civil_from_days(int days, int *y, int *m, int *d);
int cad_weekday(int days);		/* 0 = Monday ... 6 = Sunday */
int cad_days_in_month(int y, int m);
int cad_year_of(int days);
int cad_add_months(int days, int months); /* clamps to month end */
/* "YYYY-MM-DD" -> day number; 0 or -EINVAL. Rejects 2026-02-30. */
int cad_parse_date(const char *s, int *days);
/* "HH:MM" (00:00-23:59) -> minutes; 0 or -EINVAL. */
int cad_parse_time(const char *s, int *minutes);
/* "MM-DD" -> month * 100 + day; 0 or -EINVAL (02-29 allowed). */
int cad_parse_monthday(const char *s, int *md);
/* writes "YYYY-MM-DD" (11 bytes with NUL) */
void cad_format_date(int days, char out[static 11]);
/*
 * An instance's RECURRENCE-ID as the store keeps it: local
 * "YYYY-MM-DDTHH:MM" (SPEC § 4).  cad_rid_format: minutes in 0..1439;
 * cad_rid_parse: 0 or -EINVAL; cad_rid_in: rid is one of the
 * space-separated RIDs of list (NULL: none).
 */
#define CAD_RID_SIZE	32	/* roomier than the text: no truncation */
void cad_rid_format(int days, int minutes, char out[static CAD_RID_SIZE]);
int cad_rid_parse(const char *s, int *days, int *minutes);
bool cad_rid_in(const char *list, const char *rid);

/* strings */
size_t cad_strlcpy(char *dst, const char *src, size_t dsize);
char *cad_strdup(const char *s);	/* aborts on OOM; NULL stays NULL */
char *cad_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *cad_xcalloc(size_t n, size_t size);
void *cad_xreallocarray(void *p, size_t n, size_t size);
/* strtonum(3) from OpenBSD: 0 on success, -EINVAL/-ERANGE */
int cad_strtonum(const char *s, long long min, long long max, long long *out);

/*
 * Bounded growable buffer (curl's dynbuf), with one error policy for
 * every writer: errors are sticky, as stdio's ferror(3).  The first add
 * that fails (-ENOMEM, -E2BIG past the ceiling, -EINVAL from a format)
 * is kept in err; the buffer keeps the bytes it had and every later add
 * does nothing.  So the adds return nothing, writers make plain calls,
 * and whoever uses the bytes checks once: cad_buf_error(), or
 * cad_buf_steal() answering NULL.  A static helper that only writes into
 * its caller's buffer returns void; a module's entry point, or a function
 * that can also fail for reasons of its own, returns 0 or -errno with the
 * buffer's error included (cad_buf_error() at its end).  A buffer past
 * its ceiling is never used truncated.
 */
struct cad_buf {
	char *data;		/* always NUL terminated when non-NULL */
	size_t len;
	size_t cap;
	size_t max;		/* 0 = default ceiling (64 MiB) */
	int err;		/* 0 or the first failure: sticky */
};
void cad_buf_init(struct cad_buf *b, size_t max);
void cad_buf_release(struct cad_buf *b);	/* frees; error cleared */
void cad_buf_reset(struct cad_buf *b);		/* empties; error cleared */
/* 0 or the first -ENOMEM / -E2BIG / -EINVAL of the buffer's adds */
int cad_buf_error(const struct cad_buf *b);
/* the adds: no-ops once the buffer has failed; void, so that no writer
   checks add by add: a failure is cad_buf_error()'s to tell */
void cad_buf_add(struct cad_buf *b, const void *p, size_t n);
void cad_buf_puts(struct cad_buf *b, const char *s);
void cad_buf_printf(struct cad_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void cad_buf_vprintf(struct cad_buf *b, const char *fmt, va_list ap);
/* JSON string with quotes and escapes; NULL = null */
void cad_buf_json_str(struct cad_buf *b, const char *s);
/* text escaped for HTML and XML content and attribute values; NULL = "" */
void cad_buf_xml_str(struct cad_buf *b, const char *s);
/* steals the data ("" when nothing was added) and empties the buffer;
   NULL, the bytes freed, when an add failed */
char *cad_buf_steal(struct cad_buf *b);
/* the same for a short text of bounded input (a name, a sentence):
   as cad_asprintf, a failed add aborts (out of memory, or input far
   past the 64 MiB default ceiling: a bug) */
char *cad_buf_xsteal(struct cad_buf *b);

/* one human-readable error detail from a library (sqlite, libical, ...) */
struct cad_error {
	char msg[256];
};
void cad_error_set(struct cad_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* a list of diagnostics, e.g. every config error of a file */
struct cad_diag {
	char **msgs;
	size_t n;
	size_t nerrors;
	size_t nwarnings;
};
void cad_diag_init(struct cad_diag *d);
void cad_diag_release(struct cad_diag *d);
/* appends "FILE:LINE: error: msg" (line 0 = no line: "FILE: error: msg") */
void cad_diag_error(struct cad_diag *d, const char *file, int line,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void cad_diag_warning(struct cad_diag *d, const char *file, int line,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
