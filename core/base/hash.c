/*
 * hash.c - SHA-256 and constant-time comparison, both nettle's.
 */
#include <nettle/memops.h>
#include <nettle/sha2.h>

#include "base/hash.h"

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
	static const char hex[] = "0123456789abcdef";
	uint8_t d[CAD_SHA256_SIZE];

	cad_sha256(data, len, d);
	for (size_t i = 0; i < CAD_SHA256_SIZE; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[2 * CAD_SHA256_SIZE] = '\0';
}

bool
cad_equal_secret(const void *a, const void *b, size_t n)
{
	return memeql_sec(a, b, n) != 0;
}
