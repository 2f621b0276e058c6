#!/bin/sh
# Installs the Debian 12 packages cadenced needs to build and test.
# Idempotent; run as root (CI is).  Skips apt when everything is there.
set -e
PKGS="build-essential pkg-config libical-dev libcurl4-openssl-dev
libconfig-dev libsqlite3-dev libcmocka-dev libmicrohttpd-dev libsystemd-dev
libunistring-dev libidn2-dev nettle-dev libgnutls28-dev libjansson-dev openssl
libxxhash-dev
sqlite3 mandoc curl libxml2-utils
python3 python3-holidays python3-icalendar python3-recurring-ical-events
python3-dateutil radicale python3-aiosmtpd python3-pil chromium valgrind
gettext locales poppler-utils fonts-dejavu-core
python3-vobject khal calcurse xandikos"
# Swedish and English output need their locales (SPEC § 10.4); Finnish,
# the language of the message ids, needs none.
LOCALES="fi_FI.UTF-8 sv_FI.UTF-8 en_GB.UTF-8"
gen_locales() {
	have=$(locale -a 2>/dev/null | tr 'A-Z' 'a-z')
	need=""
	for l in $LOCALES; do
		n=$(echo "$l" | tr 'A-Z' 'a-z' | sed 's/utf-8/utf8/')
		echo "$have" | grep -qx "$n" || need="$need $l"
	done
	[ -z "$need" ] && return 0
	if [ "$(id -u)" != 0 ]; then
		echo "install-deps: missing locales:$need (run as root)" >&2
		return 1
	fi
	for l in $need; do
		grep -q "^$l UTF-8" /etc/locale.gen 2>/dev/null ||
		    echo "$l UTF-8" >> /etc/locale.gen
	done
	locale-gen
}
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && { gen_locales; exit 0; }
if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing packages:$missing (run as root)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q $missing
gen_locales
