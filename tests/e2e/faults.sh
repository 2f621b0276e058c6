#!/bin/sh
# faults.sh - fault injection (issue 8): CalDAV that hangs, answers 503
# with Retry-After, 412, 507 or garbage; SMTP that says 421 at the
# greeting, 451 after DATA, 550 on RCPT or drops the connection in the
# middle of DATA; a full disk under the state directory (a small tmpfs,
# when root may mount one); sqlite contention; the root refusal.  The
# daemon keeps serving, nothing is lost, each change is delivered once
# when the fault goes.  The checks are in tests/e2e/faults_run.py, the
# fake servers in tests/e2e/faults_servers.py (127.0.0.1, free ports).
#
# Run from the repository root by tests/run.sh; $B is the build directory.
# FAULTS_NO_TMPFS=1 skips the full-disk part; FAULTS_TIMEOUT=1 adds a
# CalDAV server that hangs past the 60 s transfer timeout (slow);
# FAULTS_KEEP_LOG=FILE keeps a copy of the daemon's log.
B=${B:-build}
ME=faults.sh

. tests/e2e/lib/daemon.sh
need_programs "$B/cadenced" "$B/cadencectl"
exec /usr/bin/python3 tests/e2e/faults_run.py "$B/cadenced" "$B/cadencectl"
