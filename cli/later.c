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

int cmd_deadlines(struct cli *c) { return not_yet(c); }
int cmd_terminate(struct cli *c) { return not_yet(c); }
int cmd_export(struct cli *c) { return not_yet(c); }
int cmd_outbox(struct cli *c) { return not_yet(c); }
int cmd_wheel(struct cli *c) { return not_yet(c); }
