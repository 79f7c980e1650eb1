#!/usr/bin/env bash
# The office hub's Debian package (scripts/package-hub.sh, a debug build): installs it on this
# machine, checks its user, folders and unit, sets the hub up with `rapportino-hub init`, starts
# the service (systemctl where systemd runs, else the unit's own ExecStart as its User), checks
# /v1/health over TLS with the certificate init made, stops it, purges the package and checks
# what is left (the data, never deleted by the package manager). Needs root (CI runs as root);
# skipped with a note otherwise. Exit status non-zero on any missing piece.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
fail() { echo "hub package check: $*" >&2; exit 1; }
if [ "$(id -u)" -ne 0 ]; then
  echo "hub package check: skipped (needs root to install a package)"
  exit 0
fi
deb="$(PROFILE=debug "$ROOT/scripts/package-hub.sh")"
info="$(dpkg-deb -I "$deb")"
grep -q '^ Package: rapportino-hub$' <<<"$info" || fail "package name"
grep -q '^ Depends:.*libc6.*adduser' <<<"$info" || fail "Depends"
files="$(dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./||')"
for f in usr/bin/rapportino-hub lib/systemd/system/rapportino-hub.service etc/rapportino-hub/hub.toml \
  usr/share/doc/rapportino-hub/README.Debian usr/share/doc/rapportino-hub/copyright; do
  grep -qx "$f" <<<"$files" || fail "missing $f"
done
[ "$(dpkg-deb -f "$deb" Package)" = rapportino-hub ] || fail "control"
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles | grep -qx /etc/rapportino-hub/hub.toml || fail "conffiles"

PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
SERVICE_PID=""
cleanup() {
  [ -z "$SERVICE_PID" ] || kill -TERM "$SERVICE_PID" 2>/dev/null || true
  dpkg --purge rapportino-hub >/dev/null 2>&1 || true
  rm -rf /var/lib/rapportino-hub
  getent passwd rapportino-hub >/dev/null && deluser --system --quiet rapportino-hub >/dev/null 2>&1 || true
  getent group rapportino-hub >/dev/null && delgroup --system --quiet rapportino-hub >/dev/null 2>&1 || true
}
trap cleanup EXIT
cleanup # a leftover of an interrupted run

DEBIAN_FRONTEND=noninteractive dpkg -i "$deb" >/dev/null || fail "dpkg -i"
getent passwd rapportino-hub >/dev/null || fail "no user rapportino-hub"
[ "$(stat -c %U:%a /var/lib/rapportino-hub)" = rapportino-hub:750 ] || fail "/var/lib/rapportino-hub owner/mode"
[ "$(stat -c %G:%a /etc/rapportino-hub/hub.toml)" = rapportino-hub:640 ] || fail "hub.toml group/mode"
if command -v systemd-analyze >/dev/null; then
  # The unit file itself (its dependencies on units this machine may not have aside).
  out="$(systemd-analyze verify /lib/systemd/system/rapportino-hub.service 2>&1 || true)"
  if grep -v -e 'network-online.target' -e 'postgresql.service' -e 'Failed to ' -e '^$' <<<"$out" |
    grep -qi 'rapportino-hub.service'; then
    fail "systemd-analyze verify: $out"
  fi
fi

# The admin's first steps (README.Debian): the address, then init.
sed -i "s|^listen = .*|listen = \"127.0.0.1:$PORT\"|" /etc/rapportino-hub/hub.toml
init="$(rapportino-hub init --name localhost --name 127.0.0.1 --json)" || fail "init"
grep -q '"role": "admin"' <<<"$init" || fail "init made no admin code: $init"
[ "$(stat -c %U:%a /etc/rapportino-hub/tls/hub.key)" = rapportino-hub:600 ] || fail "key owner/mode"
[ "$(stat -c %U /var/lib/rapportino-hub/hub.db)" = rapportino-hub ] || fail "database owner"

if [ -d /run/systemd/system ]; then
  systemctl start rapportino-hub || fail "systemctl start"
  how="systemctl"
else
  # No systemd here (a container): the unit's ExecStart, as its User, with its Environment.
  exec_start="$(sed -n 's/^ExecStart=//p' /lib/systemd/system/rapportino-hub.service)"
  user="$(sed -n 's/^User=//p' /lib/systemd/system/rapportino-hub.service)"
  env="$(sed -n 's/^Environment=//p' /lib/systemd/system/rapportino-hub.service)"
  # shellcheck disable=SC2086
  # setpriv executes the hub itself (runuser would stay its parent and take the signal).
  setpriv --reuid="$user" --regid="$user" --init-groups env $env $exec_start \
    </dev/null >/tmp/rapportino-hub-check.log 2>&1 &
  SERVICE_PID=$!
  how="ExecStart as $user (no systemd)"
fi
ok=""
for _ in $(seq 1 100); do
  if curl -sf --cacert /etc/rapportino-hub/tls/hub.crt "https://localhost:$PORT/v1/health" >/dev/null; then
    ok=1
    break
  fi
  sleep 0.2
done
[ -n "$ok" ] || { cat /tmp/rapportino-hub-check.log 2>/dev/null >&2 || true; fail "no health answer on :$PORT"; }
if [ "$how" = systemctl ]; then
  systemctl stop rapportino-hub || fail "systemctl stop"
else
  kill -TERM "$SERVICE_PID"
  wait "$SERVICE_PID" || fail "the hub did not stop cleanly on SIGTERM"
  SERVICE_PID=""
fi

if [ "$how" != systemctl ]; then
  # Plain text for the journal: no terminal colour codes.
  ! grep -q $'\e\[' /tmp/rapportino-hub-check.log || fail "colour codes in the log"
  grep -q 'hub stopped' /tmp/rapportino-hub-check.log || fail "no 'hub stopped' in the log"
fi

dpkg --purge rapportino-hub >/dev/null || fail "dpkg --purge"
[ ! -e /usr/bin/rapportino-hub ] || fail "binary left after purge"
[ ! -e /lib/systemd/system/rapportino-hub.service ] || fail "unit left after purge"
[ ! -e /etc/rapportino-hub ] || fail "/etc/rapportino-hub left after purge"
[ -f /var/lib/rapportino-hub/hub.db ] || fail "purge deleted the hub's data"
echo "hub package check: $(basename "$deb") ok (install, init, start via $how, health, stop, purge)"
