#!/usr/bin/env bash
# Installs what Rapportino needs on a fresh Debian/Ubuntu machine, builds the UI and starts the app.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
scripts/install-deps.sh
echo "==> building the UI"
(cd ui && npm run build)
echo "==> starting Rapportino (database: ${RAPPORTINO_DB:-the app-data folder})"
exec cargo run -p rapportino-app --bin rapportino
