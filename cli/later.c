/*
 * later.c - commands whose modules are still being built: none left
 * (cmd_outbox lives in outbox.c).  Add a stub here as
 *	int cmd_x(struct cli *c) { cli_warnx("%s: not available in this
 *	    build yet", c->argv[0]); return 1; }
 */
#include "cli.h"
