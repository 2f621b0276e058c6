#!/bin/sh
# Installs the Debian 12 packages cadenced needs to build and test.
# Idempotent; run as root (CI is).  Skips apt when everything is there.
set -e
PKGS="build-essential pkg-config libical-dev libcurl4-openssl-dev
libconfig-dev libsqlite3-dev libcmocka-dev libmicrohttpd-dev libsystemd-dev
sqlite3 mandoc curl libxml2-utils
python3 python3-holidays python3-icalendar python3-recurring-ical-events
python3-dateutil radicale python3-aiosmtpd python3-pil chromium valgrind"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing packages:$missing (run as root)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q $missing
