#!/bin/sh
# Bootstrap the build. As root on Debian it first installs every package the
# build, the stack and the test suites need (idempotent: apt-get skips what is
# already there), so a fresh Debian 12 machine needs nothing else.
set -e
cd "$(dirname "$0")"
PKGS="build-essential autoconf automake libtool pkg-config
 libfcgi-dev libxml2-dev libxml2-utils libxslt1-dev libmariadb-dev libsodium-dev
 libcurl4-openssl-dev liboath-dev libqrencode-dev libinih-dev
 mariadb-server mariadb-client galera-4 mariadb-backup socat nginx-light python3 python3-aiosmtpd oathtool
 chromium wrk curl openssl clang clang-format libclang-rt-14-dev valgrind procps groff-base"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	missing=
	# Node.js may come from elsewhere (its own npm); use Debian's only if absent.
	command -v node >/dev/null 2>&1 || PKGS="$PKGS nodejs"
	command -v npm >/dev/null 2>&1 || PKGS="$PKGS npm"
	for p in $PKGS; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		echo "autogen: installing:$missing"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq
		# shellcheck disable=SC2086
		apt-get install -y -qq --no-install-recommends $missing
	fi
fi
mkdir -p m4 build-aux
# The build's list of page files, from the responders' page lists.
sh scripts/gen-pages-am .
autoreconf -fi
