#!/usr/bin/env bash
# Builds the installable packages with the Tauri bundler (tauri-cli from ui/node_modules):
# a Debian package always, and an AppImage when asked (BUNDLES=deb,appimage) — the AppImage step
# downloads linuxdeploy from GitHub, so it needs a network that reaches it.
# Output: $CARGO_TARGET_DIR (default target/)/release/bundle/{deb,appimage}/ (debug/ with PROFILE=debug).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUNDLES="${BUNDLES:-deb}"
# PROFILE=debug bundles a debug build (the test command checks the package this way, quickly).
PROFILE="${PROFILE:-release}"
FLAGS=()
[ "$PROFILE" = debug ] && FLAGS+=(--debug)
cd "$ROOT/ui"
[ -x node_modules/.bin/tauri ] || npm ci --no-audit --no-fund
# From src-tauri/ so the CLI takes the app's tauri.conf.json (the benchmark has a bare window too).
cd "$ROOT/src-tauri"
../ui/node_modules/.bin/tauri build --ci "${FLAGS[@]}" --bundles "$BUNDLES"
ls -l "${CARGO_TARGET_DIR:-$ROOT/target}/$PROFILE"/bundle/*/ 2>/dev/null || true
