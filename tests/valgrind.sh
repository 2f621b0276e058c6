#!/bin/sh
# The CLI end-to-end tests again, with every cadencectl run under
# valgrind: any memory error or definite/indirect leak makes that run
# exit 99, which the test then reports as a wrong exit status.
# $B is the build whose cadencectl is checked; the wrapper lives in
# build-valgrind/ so that the scripts' "$B/cadencectl" finds it.
set -eu
B=${B:-build}
command -v valgrind >/dev/null 2>&1 || { echo "valgrind.sh: no valgrind"; exit 1; }
real="$PWD/$B/cadencectl"
[ -x "$real" ] || { echo "valgrind.sh: no $real"; exit 1; }
mkdir -p build-valgrind
cat >build-valgrind/cadencectl <<WRAP
#!/bin/sh
exec valgrind -q --error-exitcode=99 --leak-check=full \\
    --errors-for-leak-kinds=definite,indirect \\
    --show-leak-kinds=definite,indirect "$real" "\$@"
WRAP
chmod +x build-valgrind/cadencectl
fail=0
for t in tests/e2e/cli.sh tests/e2e/deadlines.sh tests/e2e/wheel.sh; do
	echo "== valgrind: $t"
	B=build-valgrind sh "$t" || fail=1
done
[ $fail = 0 ] && echo "valgrind.sh: ok" || echo "valgrind.sh: FAILED"
exit $fail
