/*
 * fuzz_api_change.c - the body of POST /api/v1/changes as a client
 * sends it: daemon/api_json.c's api_change_parse (jansson underneath).
 *
 * Promises checked: an accepted body gives an action of the API, a
 * forum, a date that formats back to itself, a new date exactly for a
 * move, a new time in 00:00-23:59 or -1, a reason only for a cancel; a
 * refused body gives a one-line reason in printable ASCII (so it goes
 * into a JSON answer and a log line as it is); a body over
 * API_CHANGE_BODY_MAX bytes is always refused.
 */
#include <stdlib.h>
#include <string.h>

#include "../../daemon/api_json.h"
#include "base/text.h"
#include "fuzz.h"

static void
check_accepted(const struct api_change *ac)
{
	const struct cad_change *ch = &ac->ch;
	enum cad_change_action a;
	char d[11];
	int day;

	if (ac->action == NULL || cad_change_action_parse(ac->action, &a) != 0
	    || a != ch->action || ch->forum == NULL)
		abort();
	cad_format_date(ch->day, d);
	if (cad_parse_date(d, &day) != 0 || day != ch->day)
		abort();
	if (ch->new_time < -1 || ch->new_time >= 24 * 60)
		abort();
	if (ch->action != CAD_CHANGE_MOVE && ch->new_time != -1)
		abort();
	if (ch->reason != NULL && ch->action != CAD_CHANGE_CANCEL)
		abort();
}

/* one line of valid UTF-8 (the reason's words are in the answer's
   language; the client's bytes in it are printable ASCII) */
static void
check_reason(const char *msg)
{
	char why[64];

	if (msg[0] == '\0' || cad_text_check(msg, CAD_TEXT_LINE, why) != 0)
		abort();
}

int
fuzz_api_change_one(const uint8_t *data, size_t size)
{
	struct cad_error err = { "" };
	struct api_change ac;

	if (api_change_parse((const char *)data, size, &ac, &err) == 0) {
		if (size > API_CHANGE_BODY_MAX)
			abort();
		check_accepted(&ac);
		api_change_release(&ac);
	} else
		check_reason(err.msg);
	return 0;
}

#ifdef CAD_FUZZ_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_api_change_one(data, size);
}
#endif
