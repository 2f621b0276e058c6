/*
 * hash.c - SHA-256 and constant-time comparison, both nettle's.
 */
#include <nettle/memops.h>

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
