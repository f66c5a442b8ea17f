#!/bin/sh
# The Debian packages on the machine the tests run on (issue 20): built with cpack from the
# build tree, checked by lintian (no errors), installed with dpkg -i as root; the unit checked
# by systemd-analyze (verify, and an exposure score under 3); the installed hub, run as the
# pathhub user from the installed files and configuration, takes a message over MLLP into its
# journal under /var/lib/pathhub; a backup taken while messages flow is restored; a journal of
# the release before schema versions is migrated; installing again keeps the configuration and
# the admin token; dpkg -r keeps the state, dpkg -P leaves nothing behind.
#   package_test.sh BUILD_DIR SOURCE_DIR
# Needs root and dpkg (exit 77, skipped by ctest, otherwise). It will not touch a pathhub it
# did not install: a package installed by someone else makes it skip.
set -eu
build=$1 source=$2
skip() { echo "SKIPPED: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "installing packages needs root"
command -v dpkg >/dev/null || skip "no dpkg here"
command -v cpack >/dev/null || skip "no cpack here"
marker=/var/lib/pathhub/.installed-by-package-test
if dpkg -s pathhub >/dev/null 2>&1 || dpkg -s pathhub-dev >/dev/null 2>&1; then
  [ -e "$marker" ] || skip "a pathhub package is installed here and this test did not install it"
  dpkg -P pathhub pathhub-dev >/dev/null
fi

scratch=$(mktemp -d)
hub_pid=
cleanup() {
  [ -n "$hub_pid" ] && kill "$hub_pid" 2>/dev/null && wait "$hub_pid" 2>/dev/null || true
  dpkg -P pathhub pathhub-dev >/dev/null 2>&1 || true
  rm -rf "$scratch"
}
trap cleanup EXIT
check() { printf 'ok: %s\n' "$*"; }
fail() { printf 'FAILED: %s\n' "$*"; exit 1; }

# Build and lint.
(cd "$build" && cpack -G DEB -B "$scratch/packages" >"$scratch/cpack.log") ||
  { cat "$scratch/cpack.log"; fail "cpack"; }
hub_deb=$(ls "$scratch"/packages/pathhub_*.deb)
dev_deb=$(ls "$scratch"/packages/pathhub-dev_*.deb)
if command -v lintian >/dev/null; then
  lintian --fail-on error --tag-display-limit 0 "$hub_deb" "$dev_deb" 2>&1 |
    grep -v 'running with root privileges' || true
  lintian --fail-on error "$hub_deb" "$dev_deb" >/dev/null 2>&1 || fail "lintian finds errors"
  check "lintian: no errors in either package"
else
  echo "SKIPPED (part): lintian is not installed here"
fi

# Install.
dpkg -i "$hub_deb" "$dev_deb" >"$scratch/dpkg.log" 2>&1 || { cat "$scratch/dpkg.log"; fail "dpkg -i"; }
touch "$marker"
for f in /usr/bin/pathhub /usr/bin/pathhubctl /usr/bin/pathhub-map /usr/bin/hl7inspect \
         /usr/bin/hl7send /usr/bin/hl7load /usr/bin/hl7sink /usr/libexec/pathhub/pathhub-mapworker \
         /usr/share/pathhub/scripts/demo.lua /usr/share/pathhub/console/index.html \
         /usr/share/man/man1/pathhub.1.gz /usr/include/pathhub/plugin.h \
         /usr/share/cmake/pathhub/pathhubConfig.cmake /lib/systemd/system/pathhub.service; do
  [ -e "$f" ] || fail "$f is not installed"
done
ls /usr/lib/*/pathhub/plugins/transport_mllp.so >/dev/null || fail "no plugins installed"
check "programs, helper, plugins, Lua library, console, man pages and SDK installed"
getent passwd pathhub >/dev/null || fail "no pathhub user"
[ "$(stat -c %U:%a /var/lib/pathhub)" = "pathhub:750" ] || fail "/var/lib/pathhub: $(stat -c %U:%a /var/lib/pathhub)"
[ "$(stat -c %U:%G:%a /etc/pathhub/admin.token)" = "root:root:600" ] || fail "admin.token is not root's alone"
[ "$(stat -c %U:%G:%a /etc/pathhub/api-tokens)" = "root:pathhub:640" ] || fail "api-tokens: $(stat -c %U:%G:%a /etc/pathhub/api-tokens)"
token=$(cat /etc/pathhub/admin.token)
grep -q "^admin admin $(printf '%s' "$token" | sha256sum | cut -d' ' -f1)$" /etc/pathhub/api-tokens ||
  fail "api-tokens does not hold the admin token's hash"
check "the pathhub user, its state folder, and a random admin token readable by root alone"
grep -qx /etc/pathhub/pathhub.xml /var/lib/dpkg/info/pathhub.conffiles || fail "pathhub.xml is not a conffile"
if grep -n 'path="[^/]' /etc/pathhub/pathhub.xml; then fail "a relative path in pathhub.xml"; fi
check "/etc/pathhub/pathhub.xml is a conffile with absolute paths only"

# The unit.
if command -v systemd-analyze >/dev/null; then
  systemd-analyze verify /lib/systemd/system/pathhub.service >"$scratch/verify.log" 2>&1 ||
    { cat "$scratch/verify.log"; fail "systemd-analyze verify"; }
  check "systemd-analyze verify: the unit is valid"
  systemd-analyze security --offline=true --no-pager /lib/systemd/system/pathhub.service \
    >"$scratch/security.log" 2>&1 || true
  score=$(sed -n 's/.*Overall exposure level for pathhub.service: \([0-9.]*\).*/\1/p' "$scratch/security.log")
  [ -n "$score" ] || { cat "$scratch/security.log"; fail "no exposure score"; }
  awk -v s="$score" 'BEGIN { exit !(s < 3.0) }' || { cat "$scratch/security.log"; fail "exposure $score, not under 3"; }
  check "systemd-analyze security: exposure $score (under 3)"
else
  echo "SKIPPED (part): systemd-analyze is not installed here"
fi

# The installed hub as the pathhub user, from the installed files only.
runuser -u pathhub -- /usr/bin/pathhub --config /etc/pathhub/pathhub.xml --check-config ||
  fail "--check-config on the installed configuration"
check "the installed configuration passes --check-config"
export PATHHUB_TOKEN_FILE=/etc/pathhub/admin.token
start_hub() {
  cd /
  # setpriv execs the hub as the user (runuser would stay between, as its parent): the pid is
  # the hub's, and SIGTERM reaches it, as systemd's would.
  setpriv --reuid=pathhub --regid=pathhub --init-groups /usr/bin/pathhub \
    --config /etc/pathhub/pathhub.xml 2>>"$scratch/hub.log" &
  hub_pid=$!
  for _ in $(seq 1 150); do
    pathhubctl status >/dev/null 2>&1 && return 0
    kill -0 "$hub_pid" 2>/dev/null || { cat "$scratch/hub.log"; fail "the hub did not start"; }
    sleep 0.2
  done
  cat "$scratch/hub.log"
  fail "the hub's API did not answer"
}
stop_hub() {
  kill -TERM "$hub_pid"
  wait "$hub_pid" || fail "the hub did not stop cleanly"
  hub_pid=
}
start_hub
printf 'MSH|^~\\&|LIMS|LAB1|GP|A81001|20261202100000||ORU^R01|PKG-1|P|2.4\rPID|||9434765919^^^NHS^NH||TESTPATIENT^ALEX\rOBR|1|P1|F1|K^Potassium^L\rOBX|1|NM|K^Potassium^L||4.2|mmol/L|3.5-5.3|N|||F\r' \
  >"$scratch/one.hl7"
/usr/bin/hl7send 127.0.0.1:2575 "$scratch/one.hl7" | grep -q ' AA' || fail "the message was not accepted"
pathhubctl --json messages --control-id PKG-1 | grep -q '"PKG-1"' ||
  fail "PKG-1 is not in the journal"
[ -s /var/lib/pathhub/pathhub.db ] || fail "no journal under /var/lib/pathhub"
[ "$(stat -c %U /var/lib/pathhub/pathhub.db)" = pathhub ] || fail "the journal is not the pathhub user's"
check "the installed hub, as the pathhub user, took a message over MLLP into /var/lib/pathhub/pathhub.db"

# A backup while messages flow, restored into the stopped hub.
/usr/bin/hl7load 127.0.0.1:2575 "$scratch/one.hl7" -n 3000 -c 4 >"$scratch/load.json" &
load_pid=$!
sleep 0.5
pathhubctl backup "$scratch/backup.db" || fail "pathhubctl backup"
wait "$load_pid" || fail "hl7load: $(cat "$scratch/load.json")"
stop_hub
chown pathhub "$scratch/backup.db"
chmod 755 "$scratch"
runuser -u pathhub -- /usr/bin/pathhub --config /etc/pathhub/pathhub.xml --restore "$scratch/backup.db" ||
  fail "pathhub --restore"
ls /var/lib/pathhub/pathhub.db.before-restore-* >/dev/null || fail "the replaced journal was not kept"
start_hub
pathhubctl --json messages --control-id PKG-1 | grep -q '"PKG-1"' ||
  fail "PKG-1 is not in the restored journal"
check "a backup taken while messages flowed restores into the stopped hub"
stop_hub

# A journal of the release before schema versions, migrated by the installed hub.
if command -v sqlite3 >/dev/null; then
  rm -f /var/lib/pathhub/pathhub.db /var/lib/pathhub/pathhub.db-wal /var/lib/pathhub/pathhub.db-shm
  sqlite3 /var/lib/pathhub/pathhub.db <"$source/tests/data/journals/schema-1.sql"
  chown pathhub:pathhub /var/lib/pathhub/pathhub.db
  start_hub
  # This program's schema version: there is a fixture journal of every version (schema_test.cc).
  current=$(ls "$source"/tests/data/journals/schema-*.sql | sed 's/.*schema-\([0-9]*\)\.sql/\1/' |
    sort -n | tail -1)
  pathhubctl --json status | grep -Eq "\"schemaVersion\" ?: ?$current" ||
    fail "status does not say schema version $current"
  pathhubctl --json messages --control-id RES-F1 | grep -q '"RES-F1"' ||
    fail "the old journal's messages are not there"
  grep -q "schema version 0 -> $current" "$scratch/hub.log" || fail "the migration was not logged"
  check "a journal of the previous release is migrated by the installed hub"
  stop_hub
else
  echo "SKIPPED (part): no sqlite3 to load the previous release's journal"
fi

# Installing again (the upgrade path of the maintainer scripts) keeps configuration and token.
echo "<!-- changed by the site -->" >>/etc/pathhub/pathhub.xml
dpkg -i --force-confold "$hub_deb" >"$scratch/dpkg2.log" 2>&1 || { cat "$scratch/dpkg2.log"; fail "dpkg -i again"; }
grep -q "changed by the site" /etc/pathhub/pathhub.xml || fail "the site's configuration was replaced"
[ "$(cat /etc/pathhub/admin.token)" = "$token" ] || fail "the admin token changed on reinstall"
check "installing again keeps the site's configuration and the admin token"

# Remove, then purge.
dpkg -r pathhub pathhub-dev >/dev/null
[ ! -e /usr/bin/pathhub ] || fail "/usr/bin/pathhub is still there after dpkg -r"
[ -e /etc/pathhub/pathhub.xml ] && [ -e /var/lib/pathhub ] || fail "dpkg -r removed the configuration or the state"
check "dpkg -r removes the programs and keeps configuration and journal"
dpkg -P pathhub >/dev/null
for f in /etc/pathhub /var/lib/pathhub /usr/lib/x86_64-linux-gnu/pathhub /usr/share/pathhub \
         /usr/libexec/pathhub /lib/systemd/system/pathhub.service /usr/include/pathhub; do
  [ ! -e "$f" ] || fail "$f is still there after dpkg -P"
done
! getent passwd pathhub >/dev/null || fail "the pathhub user is still there after dpkg -P"
dpkg -s pathhub >/dev/null 2>&1 && fail "dpkg still knows pathhub"
check "dpkg -P leaves nothing behind"
