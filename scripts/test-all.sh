#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian/Ubuntu machine, then runs every check:
# lints (rustfmt, clippy -D warnings, TypeScript), unit and integration tests (core, CLI, app
# commands, UI), the TypeScript-bindings freshness test and the end-to-end test of the real app
# through tauri-driver + WebKitWebDriver under Xvfb, and the .deb package. Exits non-zero at the
# first failure.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export CARGO_TERM_COLOR=never
# A fresh clone builds once: incremental artefacts would only double the disk the build needs.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
step() { printf '\n==> %s\n' "$*"; }

step "installing dependencies"
scripts/install-deps.sh

step "building the UI (the app embeds ui/dist)"
(cd ui && npm run build)

step "rustfmt"
cargo fmt --all -- --check

step "clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets -- -D warnings

step "lean dependencies (one rand; no HTTP in core; no demo in the hub)"
scripts/check-lean-deps.sh

step "TypeScript and Svelte type check"
(cd ui && npm run check)

step "UI unit tests (vitest)"
(cd ui && npm test)

step "Rust tests: core, CLI, app commands, bindings freshness"
cargo test --workspace

step "end-to-end: the real app through WebDriver under Xvfb"
tests/e2e/run.sh

step "packaging: the Tauri bundler's .deb (a debug build) and what it installs"
tests/package/check-deb.sh

step "packaging: the hub's .deb installed, set up (init), started, health-checked, stopped, purged"
tests/package/check-hub-deb.sh

step "all checks passed"
