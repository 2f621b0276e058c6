/*
 * hash.h - the one hash module: SHA-256 from nettle, and a comparison
 * that takes the same time whatever the bytes (for secrets).
 */
#ifndef CAD_HASH_H
#define CAD_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nettle/sha2.h>

#define CAD_SHA256_SIZE	32
#define CAD_SHA256_HEX	(2 * CAD_SHA256_SIZE + 1)

void cad_sha256(const void *data, size_t len,
    uint8_t out[static CAD_SHA256_SIZE]);
/* lower-case hex with the NUL */
void cad_sha256_hex(const void *data, size_t len,
    char out[static CAD_SHA256_HEX]);
/* the same in pieces: init, update as often as needed, final */
struct cad_sha256 {
	struct sha256_ctx ctx;
};
void cad_sha256_init(struct cad_sha256 *h);
void cad_sha256_update(struct cad_sha256 *h, const void *data, size_t len);
/* n as 8 bytes, then the n bytes: a run of fields is told apart from
   any other ("ab","c" from "a","bc") */
void cad_sha256_update_field(struct cad_sha256 *h, const void *data,
    size_t n);
void cad_sha256_final_hex(struct cad_sha256 *h,
    char out[static CAD_SHA256_HEX]);
/* a == b over n bytes, in time that depends on n only */
bool cad_equal_secret(const void *a, const void *b, size_t n);

#endif
