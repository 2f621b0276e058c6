#!/bin/sh
# layers.sh - the layers include only downwards (README: "How the code
# is laid out").  Run by the Makefile before it archives a layer; prints
# every FILE:LINE that includes a header of a layer above its own and
# exits 1 when there is one.
#	core/base	base
#	core/model	base model
#	core/render	base model render
#	core/store	base model render store
#	net		base model render store net
cd "$(dirname "$0")/.." || exit 2
bad=0
check() {
	dir=$1
	shift
	for f in "$dir"/*.[ch]; do
		[ -f "$f" ] || continue
		grep -n '^#include "' "$f" | while IFS= read -r line; do
			inc=${line#*\"}
			inc=${inc%%\"*}
			case $inc in */*) ;; *) continue ;; esac
			ok=0
			for l in "$@"; do
				case $inc in "$l"/*) ok=1 ;; esac
			done
			if [ $ok = 0 ]; then
				echo "$f:${line%%:*}: error: $dir may not" \
				    "include \"$inc\""
			fi
		done
	done
}
out=$(
	check core/base base
	check core/model base model
	check core/render base model render
	check core/store base model render store
	check net base model render store net
)
if [ -n "$out" ]; then
	echo "$out" >&2
	bad=1
fi
exit $bad
