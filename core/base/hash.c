/*
 * hash.c - SHA-256 and constant-time comparison (nettle's), ETags
 * (libxxhash's XXH3) and FNV-1a.
 */
#include <errno.h>
#include <nettle/memops.h>
#include <stdio.h>
#include <string.h>
#include <xxhash.h>

#include "base/hash.h"

void
cad_sha256_init(struct cad_sha256 *h)
{
	sha256_init(&h->ctx);
}

void
cad_sha256_update(struct cad_sha256 *h, const void *data, size_t len)
{
	sha256_update(&h->ctx, len, data);
}

void
cad_sha256_update_field(struct cad_sha256 *h, const void *data, size_t n)
{
	uint64_t len = n;

	sha256_update(&h->ctx, sizeof len, (const uint8_t *)&len);
	if (n > 0)
		sha256_update(&h->ctx, n, data);
}

static void
to_hex(const uint8_t d[static CAD_SHA256_SIZE],
    char out[static CAD_SHA256_HEX])
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < CAD_SHA256_SIZE; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[2 * CAD_SHA256_SIZE] = '\0';
}

void
cad_sha256_final_hex(struct cad_sha256 *h, char out[static CAD_SHA256_HEX])
{
	uint8_t d[CAD_SHA256_SIZE];

	sha256_digest(&h->ctx, CAD_SHA256_SIZE, d);
	to_hex(d, out);
}

void
cad_sha256(const void *data, size_t len, uint8_t out[static CAD_SHA256_SIZE])
{
	struct sha256_ctx ctx;

	sha256_init(&ctx);
	sha256_update(&ctx, len, data);
	sha256_digest(&ctx, CAD_SHA256_SIZE, out);
}

void
cad_sha256_hex(const void *data, size_t len, char out[static CAD_SHA256_HEX])
{
	uint8_t d[CAD_SHA256_SIZE];

	cad_sha256(data, len, d);
	to_hex(d, out);
}

bool
cad_equal_secret(const void *a, const void *b, size_t n)
{
	return memeql_sec(a, b, n) != 0;
}

static void
etag_format(XXH128_hash_t h, size_t len, char out[static CAD_ETAG_SIZE])
{
	snprintf(out, CAD_ETAG_SIZE, "\"%016llx%016llx-%zx\"",
	    (unsigned long long)h.high64, (unsigned long long)h.low64, len);
}

void
cad_etag(const void *body, size_t len, char out[static CAD_ETAG_SIZE])
{
	etag_format(XXH3_128bits(body, len), len, out);
}

int
cad_etag_init(struct cad_etag *e)
{
	e->len = 0;
	e->st = XXH3_createState();
	if (e->st == NULL || XXH3_128bits_reset(e->st) != XXH_OK) {
		cad_etag_drop(e);
		return -ENOMEM;
	}
	return 0;
}

void
cad_etag_update(struct cad_etag *e, const void *data, size_t len)
{
	(void)XXH3_128bits_update(e->st, data, len);
	e->len += len;
}

void
cad_etag_final(struct cad_etag *e, char out[static CAD_ETAG_SIZE])
{
	etag_format(XXH3_128bits_digest(e->st), e->len, out);
	cad_etag_drop(e);
}

void
cad_etag_drop(struct cad_etag *e)
{
	XXH3_freeState(e->st);
	e->st = NULL;
}

#define FNV_PRIME	0x100000001b3ULL

uint64_t
cad_fnv_add(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++) {
		h ^= c[i];
		h *= FNV_PRIME;
	}
	return h;
}

uint64_t
cad_fnv_str(uint64_t h, const char *s)
{
	return s == NULL ? cad_fnv_add(h, "\xff", 1) :
	    cad_fnv_add(h, s, strlen(s) + 1);
}

uint64_t
cad_fnv_int(uint64_t h, long long v)
{
	return cad_fnv_add(h, &v, sizeof v);
}

void
cad_fingerprint_hex(const void *data, size_t n,
    char out[static CAD_FINGERPRINT_HEX])
{
	const unsigned char *s = data;
	uint64_t a = CAD_FNV_OFFSET, b = 0x84222325cbf29ce4ULL;

	for (size_t i = 0; i < n; i++) {
		a = (a ^ s[i]) * FNV_PRIME;
		b = (b ^ s[i]) * FNV_PRIME;
		b ^= b >> 29;
	}
	snprintf(out, CAD_FINGERPRINT_HEX, "%016llx%016llx",
	    (unsigned long long)a, (unsigned long long)b);
}
