#!/bin/sh
# bench/install-deps.sh - install what `make bench` needs from Debian.
# Run as root; as another user it only reports what is missing.
# wrk (HTTP load), curl (a separate client during the load),
# nginx-light (the static-file baseline), hyperfine
# (optional: repeated timing of cadencectl), libical-dev + pkg-config
# (bench/floor.c), python3-recurring-ical-events (the Python baseline).
set -eu

need=""
command -v wrk >/dev/null 2>&1 || need="$need wrk"
command -v curl >/dev/null 2>&1 || need="$need curl"
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need="$need nginx-light"
command -v hyperfine >/dev/null 2>&1 || need="$need hyperfine"
command -v pkg-config >/dev/null 2>&1 || need="$need pkg-config"
pkg-config --exists libical 2>/dev/null || need="$need libical-dev"
/usr/bin/python3 -c 'import recurring_ical_events' >/dev/null 2>&1 ||
	need="$need python3-recurring-ical-events"

[ -z "$need" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "bench: missing Debian packages:$need (run bench/install-deps.sh as root)" >&2
	exit 0
fi
echo "bench: installing$need" >&2
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086
apt-get install -y --no-install-recommends $need >/dev/null 2>&1 || {
	apt-get update >/dev/null 2>&1
	# hyperfine is optional: try without it if the full set fails.
	apt-get install -y --no-install-recommends $need >/dev/null 2>&1 ||
	    apt-get install -y --no-install-recommends \
		$(echo "$need" | sed 's/hyperfine//') >/dev/null
}
exit 0
