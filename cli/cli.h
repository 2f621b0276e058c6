/*
 * cli.h - shared state and helpers of cadencectl's commands.
 */
#ifndef CAD_CLI_H
#define CAD_CLI_H

#include <stdbool.h>

#include "base/lang.h"
#include "model/config.h"
#include "model/plan.h"
#include "store/store.h"
#include "base/util.h"

struct cli {
	const char *config_path;
	const char *server;		/* --server: changes go to the API */
	const char *token_file;		/* --token-file */
	const char *cafile;		/* --cacert */
	int today;			/* CAD_NODAY until known */
	bool quiet_warnings;		/* config warnings not printed */
	int lang;			/* --lang, or -1 */
	int argc;			/* the command's own arguments, */
	char **argv;			/* argv[0] is the command name */
	struct cad_config *cfg;
	struct cad_store *store;
	struct cad_store_inputs in;	/* what the planner reads */
	struct cad_plan_ctx ctx;
};

struct cli_command {
	const char *name;
	int (*fn)(struct cli *c);
};

extern const char *cli_progname;

void cli_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* the OS user running cadencectl, for the audit */
const char *cli_user(void);
/* loads the config (and the store); 0 or an exit status */
int cli_open(struct cli *c, bool need_store);
void cli_close(struct cli *c);
int cli_plan(struct cli *c, int from, int to, struct cad_plan *plan);
int cli_arg_date(const char *what, const char *s, int *day);
/* --year of holidays and wheel: a year the holiday rules hold for
   (CAD_HOLIDAY_YEAR_MIN..MAX, SPEC § 4), the API's range; -1 + message */
int cli_arg_year(const char *s, int *year);
int cli_arg_forum(struct cli *c, const char *id);	/* -1 + message */
int cli_arg_party(struct cli *c, const char *id);
/* writes b to stdout and releases it; r < 0 or b failed (its error,
   util.h): a one-line error instead; returns the exit status */
int cli_print_buf(struct cad_buf *b, int r);
/* flushes stdout: 0, or 1 with a message when the output failed */
int cli_flush(void);

/* an option of a command: a switch sets *flag, one with a value (arg
   not NULL) stores it in *arg, one that may repeat (many) in many->v */
struct cli_strv {
	const char *v[32];
	int n;
};
struct cli_opt {
	const char *name;		/* without "--"; one letter: -x */
	bool *flag;
	const char **arg;
	struct cli_strv *many;		/* may be given again: appended */
};
#define CLI_MAXOPT 8
/*
 * Parses the command's own arguments against opts (ended by a NULL
 * name; at most CLI_MAXOPT).  GNU getopt permutes: options may stand
 * between the arguments.  The arguments go to pos[0..maxpos-1] and
 * their count to *npos.  0, or the usage exit status after "CMD: unknown
 * option '...'" or "CMD: unexpected argument '...'".
 */
int cli_options(struct cli *c, const struct cli_opt *opts, const char **pos,
    int maxpos, int *npos);

/* the arguments of a command that changes something: up to four
   positional ones, --party, --reason (when allowed) and --undo */
struct change_args {
	const char *party;
	const char *reason;
	bool undo;
	int npos;
	const char *pos[4];
};
int cli_change_args(struct cli *c, bool reason, struct change_args *a);
struct cad_change;
struct cad_change_result;
/* ch validated and stored as the OS user (core/store/change.h), or sent
   to the daemon of --server; res filled.  0, or the exit status after
   the one-line reason */
int cli_change_run(struct cli *c, const struct cad_change *ch,
    struct cad_change_result *res);

int cmd_check(struct cli *c);
int cmd_forums(struct cli *c);
int cmd_occurrences(struct cli *c);
int cmd_next(struct cli *c);
int cmd_holidays(struct cli *c);
int cmd_deadlines(struct cli *c);
int cmd_compliance(struct cli *c);
int cmd_cancel(struct cli *c);
int cmd_move(struct cli *c);
int cmd_terminate(struct cli *c);
int cmd_export(struct cli *c);
int cmd_outbox(struct cli *c);
int cmd_wheel(struct cli *c);
int cmd_done(struct cli *c);
int cmd_add(struct cli *c);
int cmd_token(struct cli *c);
int cmd_audit(struct cli *c);

#endif
