#!/usr/bin/env bash
# The app benchmark (issue 5): cold start, idle memory and the main flows of Rapportino beside a
# bare Tauri 2 window built the same way (release), side by side in one run through WebDriver.
#   scripts/bench-app.sh /path/to/demo-1000000.db [ROUNDS]
# The 1M database is copied first (the flows write to it); make it with
#   rapportino-cli --db demo-1000000.db demo --seed 42 --clients 5000 --interventions 1000000 --years 4
# Prints a Markdown table (for docs/BENCHMARKS.md); raw runs in $BENCH_WORK/bench-app.json.
# BENCH_SKIP_BUILD=1 uses the release binaries already in $CARGO_TARGET_DIR.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DB_1M="${1:?usage: scripts/bench-app.sh DEMO_1M_DB [ROUNDS]}"
ROUNDS="${2:-5}"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
WORK="${BENCH_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/rapportino-bench-app.XXXXXX")}"
mkdir -p "$WORK"
cd "$ROOT"

if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  echo "==> building the UI and, in release, the app, the bare window and the CLI" >&2
  (cd ui && npm run build >/dev/null)
  cargo build --release -p rapportino-app -p bare-window -p rapportino-cli
fi
CLI="$TARGET/release/rapportino-cli"

echo "==> databases in $WORK" >&2
rm -f "$WORK"/empty.db*
"$CLI" --db "$WORK/empty.db" onboard --shop "Assistenza Informatica Rossi" --name "Mario Rossi" --code MR >/dev/null
CLIENT="$("$CLI" --db "$WORK/empty.db" --json client add --name "Ferramenta Bianchi Srl" \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')"
if [ ! -f "$WORK/1m.db" ] || [ "$DB_1M" -nt "$WORK/1m.db" ]; then
  cp "$DB_1M" "$WORK/1m.db"
fi
# Opening migrates an older demo database once; not part of what is measured.
"$CLI" --db "$WORK/1m.db" status >/dev/null

echo "==> $ROUNDS rounds: bare window, empty database, 1M database" >&2
SKIP_BUILD=1 RAPPORTINO_BIN="$TARGET/release/rapportino" BARE_BIN="$TARGET/release/bare-window" \
  BENCH_EMPTY_DB="$WORK/empty.db" BENCH_1M_DB="$WORK/1m.db" BENCH_CLIENT="$CLIENT" \
  BENCH_ROUNDS="$ROUNDS" BENCH_OUT="$WORK/bench-app.json" \
  E2E_SCRIPT="$ROOT/tests/e2e/bench_app.py" E2E_TIMEOUT=3600 E2E_SCENARIOS=bench \
  tests/e2e/run.sh >&2
python3 tests/e2e/bench_table.py "$WORK/bench-app.json"
