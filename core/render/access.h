/*
 * access.h - the audit trail and the tokens as JSON (cadencectl audit
 * --json, token list --json and GET /api/v1/audit give the same).
 */
#ifndef CAD_ACCESS_H
#define CAD_ACCESS_H

#include <stdint.h>

#include "base/util.h"
#include "store/audit.h"
#include "store/token.h"

/* "2026-12-03T08:00:00Z" */
void cad_format_utc(int64_t t, char out[static 32]);
int cad_json_audit(struct cad_buf *b, const struct cad_audit_entry *v,
    size_t n);
int cad_json_tokens(struct cad_buf *b, const struct cad_token *v,
    size_t n);

#endif
