/*
 * util.c - civil dates, strings, bounded buffers, diagnostics.
 */
#include "base/util.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Howard Hinnant's days_from_civil / civil_from_days */
int
cad_days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153u * (unsigned)(m + (m > 2 ? -3 : 9)) + 2) / 5 +
	    (unsigned)d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int)doe - 719468;
}

void
cad_civil_from_days(int z, int *yp, int *mp, int *dp)
{
	z += 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int y = (int)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp_ = (5 * doy + 2) / 153;
	unsigned d = doy - (153 * mp_ + 2) / 5 + 1;
	unsigned m = mp_ < 10 ? mp_ + 3 : mp_ - 9;
	if (yp)
		*yp = y + (m <= 2);
	if (mp)
		*mp = (int)m;
	if (dp)
		*dp = (int)d;
}

int
cad_weekday(int days)
{
	/* 1970-01-01 was a Thursday (3 when Monday = 0) */
	int w = (days + 3) % 7;
	return w < 0 ? w + 7 : w;
}

int
cad_days_in_month(int y, int m)
{
	static const int dim[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
		30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dim[m - 1];
}

int
cad_year_of(int days)
{
	int y;
	cad_civil_from_days(days, &y, NULL, NULL);
	return y;
}

int
cad_add_months(int days, int months)
{
	int y, m, d;
	cad_civil_from_days(days, &y, &m, &d);
	int idx = y * 12 + (m - 1) + months;
	y = idx >= 0 ? idx / 12 : (idx - 11) / 12;
	m = idx - y * 12 + 1;
	int dim = cad_days_in_month(y, m);
	return cad_days_from_civil(y, m, d > dim ? dim : d);
}

static int
digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int
cad_parse_date(const char *s, int *days)
{
	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -EINVAL;
	int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > cad_days_in_month(y, m))
		return -EINVAL;
	*days = cad_days_from_civil(y, m, d);
	return 0;
}

int
cad_parse_time(const char *s, int *minutes)
{
	if (s == NULL || strlen(s) != 5 || s[2] != ':')
		return -EINVAL;
	int h = digits(s, 2), m = digits(s + 3, 2);
	if (h < 0 || h > 23 || m < 0 || m > 59)
		return -EINVAL;
	*minutes = h * 60 + m;
	return 0;
}

int
cad_parse_monthday(const char *s, int *md)
{
	if (s == NULL || strlen(s) != 5 || s[2] != '-')
		return -EINVAL;
	int m = digits(s, 2), d = digits(s + 3, 2);
	if (m < 1 || m > 12 || d < 1 || d > cad_days_in_month(2000, m))
		return -EINVAL;
	*md = m * 100 + d;
	return 0;
}

void
cad_format_date(int days, char out[static 11])
{
	int y, m, d;
	cad_civil_from_days(days, &y, &m, &d);
	unsigned v[3] = { (unsigned)y % 10000, (unsigned)m % 100,
		(unsigned)d % 100 };
	out[0] = (char)('0' + v[0] / 1000);
	out[1] = (char)('0' + v[0] / 100 % 10);
	out[2] = (char)('0' + v[0] / 10 % 10);
	out[3] = (char)('0' + v[0] % 10);
	out[4] = '-';
	out[5] = (char)('0' + v[1] / 10);
	out[6] = (char)('0' + v[1] % 10);
	out[7] = '-';
	out[8] = (char)('0' + v[2] / 10);
	out[9] = (char)('0' + v[2] % 10);
	out[10] = '\0';
}

void
cad_rid_format(int days, int minutes, char out[static CAD_RID_SIZE])
{
	char d[11];

	cad_format_date(days, d);
	snprintf(out, CAD_RID_SIZE, "%sT%02d:%02d", d, minutes / 60 % 24,
	    minutes % 60);
}

int
cad_rid_parse(const char *s, int *days, int *minutes)
{
	char d[11];

	if (s == NULL || strlen(s) != 16 || s[10] != 'T')
		return -EINVAL;
	memcpy(d, s, 10);
	d[10] = '\0';
	if (cad_parse_date(d, days) != 0)
		return -EINVAL;
	return cad_parse_time(s + 11, minutes);
}

bool
cad_rid_in(const char *list, const char *rid)
{
	size_t n = strlen(rid);

	for (const char *p = list; p != NULL && *p; ) {
		while (*p == ' ')
			p++;
		size_t k = strcspn(p, " ");
		if (k == n && strncmp(p, rid, n) == 0)
			return true;
		p += k;
	}
	return false;
}

size_t
cad_strlcpy(char *dst, const char *src, size_t dsize)
{
	size_t len = strlen(src);
	if (dsize > 0) {
		size_t n = len < dsize - 1 ? len : dsize - 1;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

static void
oom(void)
{
	fputs("out of memory\n", stderr);
	abort();
}

char *
cad_strdup(const char *s)
{
	if (s == NULL)
		return NULL;
	char *p = strdup(s);
	if (p == NULL)
		oom();
	return p;
}

char *
cad_asprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	va_start(ap, fmt);
	if (vasprintf(&p, fmt, ap) < 0)
		oom();
	va_end(ap);
	return p;
}

void *
cad_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (p == NULL)
		oom();
	return p;
}

void *
cad_xreallocarray(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		oom();
	void *q = realloc(p, (n * size) != 0 ? n * size : 1);
	if (q == NULL)
		oom();
	return q;
}

int
cad_strtonum(const char *s, long long min, long long max, long long *out)
{
	char *end;
	if (s == NULL || *s == '\0')
		return -EINVAL;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (*end != '\0')
		return -EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

#define BUF_DEFAULT_MAX (64u << 20)

void
cad_buf_init(struct cad_buf *b, size_t max)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->max = max ? max : BUF_DEFAULT_MAX;
	b->err = 0;
}

void
cad_buf_release(struct cad_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->err = 0;
}

void
cad_buf_reset(struct cad_buf *b)
{
	b->len = 0;
	b->err = 0;
	if (b->data)
		b->data[0] = '\0';
}

int
cad_buf_error(const struct cad_buf *b)
{
	return b->err;
}

/* grows b for n more bytes and the NUL; 0 or the error, kept */
static int
buf_room(struct cad_buf *b, size_t n)
{
	if (b->max == 0)
		b->max = BUF_DEFAULT_MAX;
	if (n > b->max || b->len + n > b->max)
		return b->err = -E2BIG;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *q = realloc(b->data, cap);
		if (q == NULL)
			return b->err = -ENOMEM;
		b->data = q;
		b->cap = cap;
	}
	return 0;
}

void
cad_buf_add(struct cad_buf *b, const void *p, size_t n)
{
	if (b->err != 0 || buf_room(b, n) < 0)
		return;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
cad_buf_puts(struct cad_buf *b, const char *s)
{
	cad_buf_add(b, s, strlen(s));
}

void
cad_buf_vprintf(struct cad_buf *b, const char *fmt, va_list ap)
{
	char small[512];
	va_list ap2;

	if (b->err != 0)
		return;
	va_copy(ap2, ap);
	int n = vsnprintf(small, sizeof small, fmt, ap2);
	va_end(ap2);
	if (n < 0) {
		b->err = -EINVAL;
		return;
	}
	if ((size_t)n < sizeof small) {
		cad_buf_add(b, small, (size_t)n);
		return;
	}
	char *big = malloc((size_t)n + 1);
	if (big == NULL) {
		b->err = -ENOMEM;
		return;
	}
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	cad_buf_add(b, big, (size_t)n);
	free(big);
}

void
cad_buf_printf(struct cad_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cad_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

/*
 * Appends s with each byte that esc() has a replacement for replaced;
 * the runs in between are copied whole.  esc() answers NULL for a byte
 * that stays as it is (it may write its answer into tmp).
 */
static void
buf_escaped(struct cad_buf *b, const char *s,
    const char *(*esc)(unsigned char, char tmp[static 8]))
{
	const unsigned char *p = (const unsigned char *)s, *run;
	const char *rep = NULL;
	char tmp[8];

	for (;;) {
		for (run = p; *p != '\0' && (rep = esc(*p, tmp)) == NULL; p++)
			;
		if (p > run)
			cad_buf_add(b, run, (size_t)(p - run));
		if (*p == '\0' || b->err != 0)
			return;
		cad_buf_puts(b, rep);
		p++;
	}
}

/* JSON: '"', '\\' and C0 controls */
static const char *
json_esc(unsigned char c, char tmp[static 8])
{
	switch (c) {
	case '"': return "\\\"";
	case '\\': return "\\\\";
	case '\n': return "\\n";
	case '\r': return "\\r";
	case '\t': return "\\t";
	}
	if (c >= 0x20)
		return NULL;
	snprintf(tmp, 8, "\\u%04x", c);
	return tmp;
}

void
cad_buf_json_str(struct cad_buf *b, const char *s)
{
	if (s == NULL) {
		cad_buf_puts(b, "null");
		return;
	}
	cad_buf_add(b, "\"", 1);
	buf_escaped(b, s, json_esc);
	cad_buf_add(b, "\"", 1);
}

/* XML and HTML: markup characters, and C0 controls but '\n' and '\t' */
static const char *
xml_esc(unsigned char c, char tmp[static 8])
{
	(void)tmp;
	switch (c) {
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '&': return "&amp;";
	case '"': return "&quot;";
	case '\'': return "&#39;";
	case '\n':
	case '\t': return NULL;
	}
	/* XML 1.0 has no place for other C0 controls */
	return c < 0x20 ? "?" : NULL;
}

void
cad_buf_xml_str(struct cad_buf *b, const char *s)
{
	if (s != NULL)
		buf_escaped(b, s, xml_esc);
}

char *
cad_buf_steal(struct cad_buf *b)
{
	char *p;

	if (b->err != 0) {
		cad_buf_release(b);
		return NULL;
	}
	p = b->data ? b->data : cad_strdup("");
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

char *
cad_buf_xsteal(struct cad_buf *b)
{
	if (b->err == -ENOMEM)
		oom();
	if (b->err != 0) {
		fputs("text over its buffer's ceiling\n", stderr);
		abort();
	}
	return cad_buf_steal(b);
}

void
cad_error_set(struct cad_error *err, const char *fmt, ...)
{
	if (err == NULL)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
}

void
cad_diag_init(struct cad_diag *d)
{
	memset(d, 0, sizeof *d);
}

void
cad_diag_release(struct cad_diag *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->msgs[i]);
	free(d->msgs);
	memset(d, 0, sizeof *d);
}

static void
diag_add(struct cad_diag *d, const char *file, int line, const char *kind,
    const char *fmt, va_list ap)
{
	char *msg;
	if (vasprintf(&msg, fmt, ap) < 0)
		oom();
	char *full = line > 0 ?
	    cad_asprintf("%s:%d: %s: %s", file, line, kind, msg) :
	    cad_asprintf("%s: %s: %s", file, kind, msg);
	free(msg);
	d->msgs = cad_xreallocarray(d->msgs, d->n + 1, sizeof *d->msgs);
	d->msgs[d->n++] = full;
}

void
cad_diag_error(struct cad_diag *d, const char *file, int line,
    const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_add(d, file, line, "error", fmt, ap);
	va_end(ap);
	d->nerrors++;
}

void
cad_diag_warning(struct cad_diag *d, const char *file, int line,
    const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_add(d, file, line, "warning", fmt, ap);
	va_end(ap);
	d->nwarnings++;
}
