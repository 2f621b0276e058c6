/*
 * tls.c - reading and checking the certificate and key (tls.h).
 */
#include "tls.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>

#include "log.h"

static int
read_pem(const char *path, char **out, struct cad_error *err)
{
	struct cad_buf b;
	char chunk[4096];
	size_t n;
	FILE *fp;
	int r = 0;

	*out = NULL;
	if ((fp = fopen(path, "re")) == NULL) {
		r = -errno;
		cad_error_set(err, "cannot open '%s': %s", path, strerror(-r));
		return r;
	}
	cad_buf_init(&b, TLS_FILE_MAX);
	while (cad_buf_error(&b) == 0 &&
	    (n = fread(chunk, 1, sizeof chunk, fp)) > 0)
		cad_buf_add(&b, chunk, n);
	if (cad_buf_error(&b) != 0) {
		cad_error_set(err, "'%s' is larger than %u bytes", path,
		    TLS_FILE_MAX);
		r = -EFBIG;
	}
	if (r == 0 && ferror(fp)) {
		r = -EIO;
		cad_error_set(err, "cannot read '%s'", path);
	}
	fclose(fp);
	if (r == 0 && b.len == 0) {
		r = -EINVAL;
		cad_error_set(err, "'%s' is empty", path);
	}
	if (r != 0) {
		cad_buf_release(&b);
		return r;
	}
	*out = cad_buf_steal(&b);
	return 0;
}

/* GnuTLS's own check that the key and the certificate are a pair */
static int
check_pair(const struct cad_config *cfg, const struct tls_pair *p,
    struct cad_error *err)
{
	gnutls_certificate_credentials_t cred;
	gnutls_datum_t cert = { (unsigned char *)p->cert_pem,
		(unsigned)strlen(p->cert_pem) };
	gnutls_datum_t key = { (unsigned char *)p->key_pem,
		(unsigned)strlen(p->key_pem) };
	int rc;

	if (gnutls_certificate_allocate_credentials(&cred) < 0) {
		cad_error_set(err, "out of memory");
		return -ENOMEM;
	}
	rc = gnutls_certificate_set_x509_key_mem(cred, &cert, &key,
	    GNUTLS_X509_FMT_PEM);
	gnutls_certificate_free_credentials(cred);
	if (rc < 0) {
		cad_error_set(err, "http: tls_cert '%s' and tls_key '%s': %s",
		    cfg->tls_cert, cfg->tls_key, gnutls_strerror(rc));
		return -EINVAL;
	}
	return 0;
}

int
tls_load(const struct cad_config *cfg, struct tls_pair *out,
    struct cad_error *err)
{
	int r;

	memset(out, 0, sizeof *out);
	if (cfg->tls_cert == NULL)
		return 0;
	if ((r = read_pem(cfg->tls_cert, &out->cert_pem, err)) != 0 ||
	    (r = read_pem(cfg->tls_key, &out->key_pem, err)) != 0 ||
	    (r = check_pair(cfg, out, err)) != 0) {
		tls_release(out);
		return r;
	}
	return 0;
}

void
tls_release(struct tls_pair *p)
{
	if (p->key_pem != NULL)
		explicit_bzero(p->key_pem, strlen(p->key_pem));
	free(p->cert_pem);
	free(p->key_pem);
	p->cert_pem = NULL;
	p->key_pem = NULL;
}

static bool
same(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

bool
tls_equal(const struct tls_pair *a, const struct tls_pair *b)
{
	return same(a->cert_pem, b->cert_pem) && same(a->key_pem, b->key_pem);
}

int
tls_serve(const char *listen, const struct tls_pair *p, struct http **out,
    struct cad_error *err)
{
	struct http_tls t = { p->cert_pem, p->key_pem };

	return http_start(listen, p->cert_pem != NULL ? &t : NULL, out, err);
}

int
tls_reload_check(const struct cad_config *cfg, const struct tls_pair *cur,
    struct tls_pair *np, bool *changed, struct cad_error *err)
{
	int r;

	*changed = false;
	if ((r = tls_load(cfg, np, err)) != 0)
		return r;
	*changed = !tls_equal(np, cur);
	if (!*changed)
		tls_release(np);
	return 0;
}

void
tls_swap(struct http **h, struct tls_pair *cur, struct tls_pair *np)
{
	struct cad_error err = { "" };
	char *listen = cad_strdup(http_listen(*h));

	http_stop(*h);
	*h = NULL;
	if (tls_serve(listen, np, h, &err) == 0) {
		tls_release(cur);
		*cur = *np;
		memset(np, 0, sizeof *np);
		log_info("http: serving %s with the new certificate",
		    cur->cert_pem != NULL ? "HTTPS" : "plain HTTP");
	} else {
		log_err("http: %s; the old certificate is served again",
		    err.msg);
		tls_release(np);
		if (tls_serve(listen, cur, h, &err) != 0)
			fatalx("http: %s", err.msg);
	}
	free(listen);
}
