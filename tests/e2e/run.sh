#!/usr/bin/env bash
# End-to-end test of the real Rapportino binary: builds the UI and the app, starts Xvfb (when no
# DISPLAY is set) and tauri-driver (+ WebKitWebDriver), runs each scenario of e2e.py against a
# fresh temporary database, and stops everything it started. Screenshots: tests/e2e/artifacts/.
# Works headless, as root, with CI=true and no stdin. Exit status: non-zero on any failure.
#
# Environment: SKIP_BUILD=1 reuses the built UI and binary (RAPPORTINO_BIN names another one);
# E2E_SCRIPT / E2E_TIMEOUT run another driver script (the app benchmark); E2E_SCENARIOS="main bad-db demo services reports" picks scenarios.
# The sync-hub and join-hub scenarios also run the office hub and a second device (the CLI): RAPPORTINO_HUB_BIN
# and RAPPORTINO_CLI_BIN name other binaries; they are built when missing. The intake scenario reads mail from a
# real Dovecot (the intake crate's test server, through the example e2e_imap), started once for the suite.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
ARTIFACTS="$HERE/artifacts"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
BIN="${RAPPORTINO_BIN:-$TARGET_DIR/debug/rapportino}"
NATIVE_DRIVER="${NATIVE_DRIVER:-$(command -v WebKitWebDriver || echo /usr/bin/WebKitWebDriver)}"
TAURI_DRIVER="${TAURI_DRIVER:-$(command -v tauri-driver || echo "$HOME/.cargo/bin/tauri-driver")}"
HUB_BIN="${RAPPORTINO_HUB_BIN:-$TARGET_DIR/debug/rapportino-hub}"
CLI_BIN="${RAPPORTINO_CLI_BIN:-$TARGET_DIR/debug/rapportino-cli}"
SCENARIOS="${E2E_SCENARIOS:-main bad-db demo services reports restart day field desk mail intake quotes sync sync-hub join-hub intake-hub}"
IMAP_BIN="${RAPPORTINO_IMAP_BIN:-$TARGET_DIR/debug/examples/e2e_imap}"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/rapportino-e2e.XXXXXX")"
STARTED=() # process-group leaders we started

log() { printf '==> %s\n' "$*"; }

stop_group() {
  local pid="$1"
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
}

cleanup() {
  local pid
  for pid in "${STARTED[@]}"; do stop_group "$pid"; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
  [ -z "${IMAP_TMP:-}" ] || rm -rf "$IMAP_TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Starts "$@" in its own process group (so stopping it also stops its children); prints its pid.
spawn() {
  local logfile="$1"
  shift
  setsid "$@" </dev/null >"$logfile" 2>&1 &
  echo $!
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

wait_port() {
  local port="$1" what="$2"
  for _ in $(seq 1 150); do
    if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $port), 0.5)" 2>/dev/null; then
      return 0
    fi
    sleep 0.2
  done
  echo "$what did not open port $port" >&2
  return 1
}

needs_hub=0
case " $SCENARIOS " in *" sync-hub "* | *" join-hub "* | *" intake-hub "*) needs_hub=1 ;; esac
needs_imap=0
case " $SCENARIOS " in *" intake "* | *" intake-hub "*) needs_imap=1 ;; esac

TOOLS=(python3 "$NATIVE_DRIVER" "$TAURI_DRIVER")
[ "$needs_hub" = 0 ] || TOOLS+=(openssl)
for tool in "${TOOLS[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || { echo "missing: $tool (see scripts/install-deps.sh)" >&2; exit 2; }
done

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  log "building the UI"
  cd "$ROOT/ui"
  [ -d node_modules ] || npm ci --no-audit --no-fund 2>/dev/null || npm install --no-save --no-audit --no-fund
  npm run build
  log "building the app"
  cd "$ROOT"
  cargo build -p rapportino-app
fi
if [ "$needs_hub" = 1 ] && { [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -x "$HUB_BIN" ] || [ ! -x "$CLI_BIN" ]; }; then
  log "building the hub and the CLI"
  (cd "$ROOT" && cargo build -p rapportino-hub -p rapportino-cli)
fi
if [ "$needs_imap" = 1 ] && { [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -x "$IMAP_BIN" ]; }; then
  log "building the test IMAP server (e2e_imap)"
  (cd "$ROOT" && cargo build -p rapportino-app --example e2e_imap)
fi
[ -x "$BIN" ] || { echo "no binary at $BIN" >&2; exit 2; }
if [ "$needs_hub" = 1 ]; then
  for b in "$HUB_BIN" "$CLI_BIN"; do [ -x "$b" ] || { echo "no binary at $b" >&2; exit 2; }; done
fi

if [ -z "${DISPLAY:-}" ]; then
  n=99
  while [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ]; do n=$((n + 1)); done
  log "starting Xvfb on :$n"
  STARTED+=("$(spawn "$WORK/xvfb.log" Xvfb ":$n" -screen 0 1280x860x24 -nolisten tcp)")
  for _ in $(seq 1 100); do [ -e "/tmp/.X11-unix/X$n" ] && break; sleep 0.1; done
  [ -e "/tmp/.X11-unix/X$n" ] || { cat "$WORK/xvfb.log" >&2; echo "Xvfb did not start" >&2; exit 1; }
  export DISPLAY=":$n"
fi

export NO_AT_BRIDGE=1 WEBKIT_DISABLE_COMPOSITING_MODE=1

rm -rf "$ARTIFACTS"
mkdir -p "$ARTIFACTS"

# The test Dovecot for the intake scenario, once for the suite. Its folders go under a folder of
# their own that Dovecot's unprivileged processes may enter ($WORK is owner-only).
if [ "$needs_imap" = 1 ]; then
  command -v /usr/sbin/dovecot >/dev/null 2>&1 || { echo "missing: dovecot (see scripts/install-deps.sh)" >&2; exit 2; }
  IMAP_TMP="$(mktemp -d "${TMPDIR:-/tmp}/rapportino-e2e-imap.XXXXXX")"
  chmod 755 "$IMAP_TMP"
  STARTED+=("$(TMPDIR="$IMAP_TMP" spawn "$WORK/imap.log" "$IMAP_BIN")")
  for _ in $(seq 1 300); do grep -q '^READY ' "$WORK/imap.log" 2>/dev/null && break; sleep 0.1; done
  grep -q '^READY ' "$WORK/imap.log" || { cat "$WORK/imap.log" >&2; echo "the test IMAP server did not start" >&2; exit 1; }
  read -r _ IMAP_PORT IMAP_CA IMAP_USER IMAP_PASSWORD < <(grep '^READY ' "$WORK/imap.log")
  export IMAP_PORT IMAP_CA IMAP_USER IMAP_PASSWORD
  log "test IMAP server on :$IMAP_PORT"
fi

# Its own D-Bus session: the single-instance plugin must not find a Rapportino the user has open.
DBUS=()
command -v dbus-run-session >/dev/null 2>&1 && DBUS=(dbus-run-session --)
# In that session, a Secret Service of its own (GNOME Keyring, unlocked, its files under the
# scenario's XDG_DATA_HOME): the mail password goes to it, and no dialog asking to create or
# unlock a keyring can stop the app under Xvfb. E2E_KEYRING tells e2e.py which store to expect.
KEYRING=()
export E2E_KEYRING=0
if [ ${#DBUS[@]} -gt 0 ] && command -v gnome-keyring-daemon >/dev/null 2>&1; then
  KEYRING=(sh -c 'printf e2e | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$@"' keyring)
  E2E_KEYRING=1
fi

# The office hub for the sync-hub, join-hub and intake-hub scenarios, in $1 (log $2; with $3 = intake, it
# also collects the suite's Dovecot mailbox): a self-signed certificate for 127.0.0.1 (the
# devices are given it, as a shop's would be), a SQLite storage, a free loopback port over TLS.
# Exports HUB_URL, HUB_STORAGE, HUB_CERT, HUB_BIN, CLI_BIN for e2e.py; sets HUB_PID.
start_hub() {
  local dir="$1" port
  mkdir -p "$dir"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj /CN=127.0.0.1 -addext "subjectAltName=IP:127.0.0.1" \
    -keyout "$dir/hub.key" -out "$dir/hub.crt" 2>"$dir/openssl.log"
  port="$(free_port)"
  export HUB_URL="https://127.0.0.1:$port" HUB_STORAGE="sqlite:$dir/hub.db" HUB_CERT="$dir/hub.crt"
  export HUB_BIN CLI_BIN
  local intake=()
  if [ "${3:-}" = intake ]; then
    # The suite's Dovecot mailbox, collected by the hub (polled every 2 s; IDLE where offered).
    cat >"$dir/intake.json" <<JSON
{"mailboxes": [{"name": "assistenza", "host": "localhost", "port": $IMAP_PORT, "tls": "implicit",
  "user": "$IMAP_USER", "password_env": "E2E_HUB_IMAP_PASSWORD", "ca_file": "$IMAP_CA",
  "poll_secs": 2}]}
JSON
    intake=(--intake-config "$dir/intake.json")
  fi
  HUB_PID="$(E2E_HUB_IMAP_PASSWORD="${IMAP_PASSWORD:-}" spawn "$2" "$HUB_BIN" serve --storage "$HUB_STORAGE" \
    --listen "127.0.0.1:$port" --tls-cert "$dir/hub.crt" --tls-key "$dir/hub.key" --shutdown-grace-secs 2 \
    "${intake[@]}")"
  STARTED+=("$HUB_PID")
}

# One attempt of a scenario with a fresh database, home folders and driver. Returns e2e.py's
# status (75: the WebDriver connection was lost, worth one retry).
run_scenario() {
  local scenario="$1" attempt="$2" dir port native_port pid rc hub_pid=""
  dir="$WORK/$scenario-$attempt"
  mkdir -p "$dir"
  # The app, WebKit (localStorage: language) and the window-state plugin write under these: a
  # fresh set per scenario, every one a first start, and never the real home.
  export XDG_CONFIG_HOME="$dir/config" XDG_DATA_HOME="$dir/data" XDG_CACHE_HOME="$dir/cache"
  export XDG_RUNTIME_DIR="$dir/runtime"
  mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
  chmod 700 "$XDG_RUNTIME_DIR"
  export RAPPORTINO_DB="$dir/rapportino.db"
  # "Print" copies the PDF here instead of calling CUPS lp (no printer under CI).
  export PRINTED_DIR="$dir/printed"
  mkdir -p "$PRINTED_DIR"
  export RAPPORTINO_PRINT_COMMAND="cp -t $PRINTED_DIR"
  # The front desk's scenario checks the copies chosen in the print dialog reach the command.
  [ "$scenario" != desk ] || export RAPPORTINO_PRINT_COMMAND="cp {file} $PRINTED_DIR/copie-{copies}.pdf"
  if [ "$scenario" = bad-db ]; then
    printf 'Appunti del cliente, non un database.\n%.0s' $(seq 1 200) >"$RAPPORTINO_DB"
  fi
  if [ "$scenario" = sync-hub ] || [ "$scenario" = join-hub ] || [ "$scenario" = intake-hub ]; then
    start_hub "$dir/hub" "$ARTIFACTS/hub-$scenario-$attempt.log" "$([ "$scenario" = intake-hub ] && echo intake)"
    hub_pid="$HUB_PID"
    log "hub at $HUB_URL (storage $HUB_STORAGE)"
    wait_port "${HUB_URL##*:}" rapportino-hub || { stop_group "$hub_pid"; return 1; }
  fi
  port="$(free_port)"
  native_port="$(free_port)"
  while [ "$native_port" = "$port" ]; do native_port="$(free_port)"; done
  log "scenario $scenario, attempt $attempt (tauri-driver on :$port, database $RAPPORTINO_DB)"
  local driver_log="$ARTIFACTS/tauri-driver-$scenario.log"
  pid="$(spawn "$driver_log" "${DBUS[@]}" "${KEYRING[@]}" "$TAURI_DRIVER" \
    --port "$port" --native-port "$native_port" --native-driver "$NATIVE_DRIVER")"
  STARTED+=("$pid")
  rc=0
  if wait_port "$port" tauri-driver; then
    TAURI_DRIVER_URL="http://127.0.0.1:$port" RAPPORTINO_BIN="$BIN" ARTIFACTS_DIR="$ARTIFACTS" \
      timeout "${E2E_TIMEOUT:-300}" python3 "${E2E_SCRIPT:-$HERE/e2e.py}" "$scenario" </dev/null || rc=$?
  else
    rc=1
  fi
  if [ "$rc" != 0 ]; then
    echo "scenario $scenario, attempt $attempt: FAILED ($rc); driver log:" >&2
    tail -n 40 "$driver_log" >&2 || true
  fi
  stop_group "$pid"
  [ -z "$hub_pid" ] || stop_group "$hub_pid"
  return "$rc"
}

status=0
for scenario in $SCENARIOS; do
  rc=0
  run_scenario "$scenario" 1 || rc=$?
  if [ "$rc" = 75 ]; then
    log "scenario $scenario: the WebDriver connection dropped; retrying once"
    rc=0
    run_scenario "$scenario" 2 || rc=$?
  fi
  [ "$rc" = 0 ] || status=1
done

if [ "$status" = 0 ]; then log "e2e: all scenarios passed (screenshots in $ARTIFACTS)"; else log "e2e: FAILED"; fi
exit "$status"
