#!/bin/sh
# Runs every test given on the command line (cmocka binaries) and then
# every end-to-end script tests/e2e/*.sh, and prints one closing line:
# "N passed, N failed".  Exit status 1 when anything failed.
# $B is the build directory (build or build-san).
B=${B:-build}
export B
pass=0
fail=0
failed=""
for t in "$@"; do
	echo "== $t"
	if "$t"; then pass=$((pass + 1)); else
		fail=$((fail + 1)); failed="$failed $t"; fi
done
for t in tests/e2e/*.sh; do
	[ -f "$t" ] || continue
	echo "== $t"
	if sh "$t"; then pass=$((pass + 1)); else
		fail=$((fail + 1)); failed="$failed $t"; fi
done
[ -z "$failed" ] || echo "failed:$failed"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
