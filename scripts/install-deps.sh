#!/usr/bin/env bash
# Installs everything Rapportino needs on a fresh Debian 12 / Ubuntu 22.04+ machine:
# system libraries for the Tauri web view, the test tools (Xvfb, WebKitWebDriver, poppler),
# Node packages for the UI and tauri-driver. PostgreSQL: the hub's tests start a throwaway
# server from Debian's binaries (crates/hub/tests/common). python3-aiosmtpd: the real SMTP
# server of crates/mail's tests (crates/mail/tests/smtp_server.py). dovecot-imapd: the real IMAP
# server the intake's tests start on their own (rapportino_intake::testing), never the system
# service, which is stopped and disabled when the package starts one. libdbus-1-dev: the keyring
# crate's Secret Service client (the standalone device's mail password); gnome-keyring,
# appstream and desktop-file-utils: the package check validates the metainfo and menu entry.
# libsecret-tools and dbus-bin: the private Secret Service of crates/core/tests/mail_keyring.rs
# and of the end-to-end run. chromium and chromium-driver: the hub's web request form opened in
# a real headless browser (crates/hub/tests/webform_browser.rs). dunst: a real notification server
# under Xvfb for src-tauri/tests/notification_shown.rs. Idempotent: a second run is quick.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

APT_PACKAGES=(
  build-essential curl pkg-config file
  libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev libssl-dev libxdo-dev
  xvfb webkit2gtk-driver xauth imagemagick poppler-utils x11-utils dbus-daemon
  postgresql
  python3-aiosmtpd
  dovecot-imapd
  libdbus-1-dev dbus-bin gnome-keyring libsecret-tools
  appstream desktop-file-utils
  chromium chromium-driver
  dunst
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> apt: installing ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The package may start the system's Dovecot: the tests run their own on a free loopback port.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet dovecot 2>/dev/null; then
  $SUDO systemctl disable --now dovecot >/dev/null 2>&1 || true
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "==> installing the Rust toolchain (rustup)"
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal -c rustfmt,clippy
  # shellcheck disable=SC1091
  . "$HOME/.cargo/env"
fi
rustup component add rustfmt clippy >/dev/null 2>&1 || true

if ! command -v node >/dev/null 2>&1; then
  echo "==> apt: installing Node.js"
  $SUDO apt-get install -y -q nodejs npm
fi

if ! command -v tauri-driver >/dev/null 2>&1; then
  echo "==> cargo: installing tauri-driver"
  cargo install tauri-driver --version '^2' --locked
fi

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
echo "==> Node packages (ui/)"
# `npm ci` is the strict path. npm 11 writes lock files without the entries of optional packages
# for other platforms (rollup's native builds) and then refuses them in `npm ci`; in that case
# `npm install --no-save` installs the same locked versions without touching the lock file.
(cd "$ROOT/ui" && { npm ci --no-audit --no-fund 2>/dev/null || npm install --no-save --no-audit --no-fund; })
