/*
 * hash.h - the one hash module: SHA-256 from nettle (tokens, invitation
 * content), XXH3 from libxxhash (the served documents' ETags), FNV-1a
 * (keys and fingerprints that are compared, never trusted), and a
 * comparison that takes the same time whatever the bytes (for secrets).
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

/*
 * A strong ETag (RFC 9110 8.8.3), quotes included: XXH3's 128 bits of
 * the body and its length.  Every byte of every served body is hashed at
 * each build (166 MB at national scale): XXH3 does that some 20 times
 * faster than the FNV-1a used before.  The same in pieces: init (0 or
 * -ENOMEM), update as often as needed, final (which also frees), or
 * cad_etag_drop() to give up.
 */
#define CAD_ETAG_SIZE	48
void cad_etag(const void *body, size_t len, char out[static CAD_ETAG_SIZE]);
struct cad_etag {
	void *st;		/* XXH3_state_t */
	size_t len;
};
int cad_etag_init(struct cad_etag *e);
void cad_etag_update(struct cad_etag *e, const void *data, size_t len);
void cad_etag_final(struct cad_etag *e, char out[static CAD_ETAG_SIZE]);
void cad_etag_drop(struct cad_etag *e);

/* FNV-1a, 64 bits, fed field by field: a string with its NUL (NULL as
   one 0xff byte), so that ("ab","c") and ("a","bc") differ */
#define CAD_FNV_OFFSET	0xcbf29ce484222325ULL
uint64_t cad_fnv_add(uint64_t h, const void *p, size_t n);
uint64_t cad_fnv_str(uint64_t h, const char *s);
uint64_t cad_fnv_int(uint64_t h, long long v);
/* 128 bits of two FNV-1a runs with different bases, as 32 hex digits:
   kept in the store (an e-mail peer's hash), so never to change */
#define CAD_FINGERPRINT_HEX	33
void cad_fingerprint_hex(const void *data, size_t n,
    char out[static CAD_FINGERPRINT_HEX]);

#endif
