/*
 * later.c - commands whose modules are still being built.
 */
#include "cli.h"

static int
not_yet(struct cli *c)
{
	cli_warnx("%s: not available in this build yet", c->argv[0]);
	return 1;
}

int cmd_outbox(struct cli *c) { return not_yet(c); }

