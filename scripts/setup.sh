#!/bin/sh
# Installs what `make dev`, `make test` and CI need on a Debian machine
# with Go, when it is missing: the Postgres server programs, Chromium for the
# browser tests, make for CI. As root it installs them with apt-get; as
# anyone else it stops and prints the one command to run.
#
#   scripts/setup.sh dev    Postgres
#   scripts/setup.sh test   Postgres and Chromium (not with SKIP_BROWSER=1)
#   scripts/setup.sh ci     as test, and make
set -eu

what=${1:-test}
case $what in
dev | test | ci) ;;
*)
	echo "usage: scripts/setup.sh dev|test|ci" >&2
	exit 2
	;;
esac

need=""

# The Postgres server programs, found as the service finds them
# (internal/pgserver BinDir): pg_config --bindir, then Debian's layout.
have_postgres() {
	if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
		return 0
	fi
	for dir in /usr/lib/postgresql/*/bin; do
		[ -x "$dir/initdb" ] && return 0
	done
	return 1
}
# Not needed when the database is elsewhere: DATABASE_URL for dev,
# TEST_DATABASE_URL for the tests.
case $what in
dev) [ -n "${DATABASE_URL:-}" ] || have_postgres || need="$need postgresql" ;;
test) [ -n "${TEST_DATABASE_URL:-}" ] || have_postgres || need="$need postgresql" ;;
ci) have_postgres || need="$need postgresql" ;;
esac

# Chromium, found as the browser tests find it (internal/web/webtest):
# $CHROMIUM_BIN, /usr/bin/chromium, or chromium on the PATH.
have_chromium() {
	[ -n "${CHROMIUM_BIN:-}" ] && [ -x "$CHROMIUM_BIN" ] && return 0
	[ -x /usr/bin/chromium ] && return 0
	command -v chromium >/dev/null 2>&1
}
if [ "$what" != dev ] && [ "${SKIP_BROWSER:-}" != 1 ]; then
	have_chromium || need="$need chromium"
fi

if [ "$what" = ci ]; then
	command -v make >/dev/null 2>&1 || need="$need make"
fi

[ -z "$need" ] && exit 0
need=${need# }

if ! command -v apt-get >/dev/null 2>&1; then
	echo "setup: missing: $need. Install them with your system's package manager (the names are Debian's)." >&2
	exit 1
fi
if [ "$(id -u)" != 0 ]; then
	echo "setup: missing: $need. Install, then run this again:" >&2
	echo >&2
	echo "    sudo apt-get install -y $need" >&2
	echo >&2
	exit 1
fi
echo "setup: installing $need"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086 # one word per package
apt-get install -y -qq $need >/dev/null
echo "setup: installed $need"
