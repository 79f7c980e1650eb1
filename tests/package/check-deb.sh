#!/usr/bin/env bash
# Builds the Debian package with the Tauri bundler (a debug build, to stay quick in the test
# command; `scripts/package.sh` alone makes the release one) and checks what it installs and
# depends on. Exit status non-zero on any missing piece.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
rm -rf "$TARGET/debug/bundle/deb"
PROFILE=debug "$ROOT/scripts/package.sh" >/dev/null
deb="$(ls "$TARGET"/debug/bundle/deb/*.deb)"
info="$(dpkg-deb -I "$deb")"
files="$(dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./||')"
fail() { echo "package check: $*" >&2; exit 1; }
grep -q '^ Package: rapportino$' <<<"$info" || fail "package name"
for dep in libwebkit2gtk-4.1-0 libgtk-3-0 libayatana-appindicator3-1; do
  grep -q "Depends:.*$dep" <<<"$info" || fail "missing dependency $dep"
done
# Printing goes through CUPS's lp when it is there (issue 20: desktop conventions).
grep -q '^ Recommends:.*cups-client' <<<"$info" || fail "Recommends: cups-client"
grep -q '^ Homepage: https://' <<<"$info" || fail "Homepage"
for f in usr/bin/rapportino usr/share/applications/Rapportino.desktop \
  usr/share/metainfo/it.rapportino.desktop.metainfo.xml usr/share/doc/rapportino/copyright \
  usr/share/icons/hicolor/32x32/apps/rapportino.png \
  usr/share/icons/hicolor/64x64/apps/rapportino.png \
  usr/share/icons/hicolor/128x128/apps/rapportino.png \
  usr/share/icons/hicolor/256x256@2/apps/rapportino.png \
  usr/share/icons/hicolor/512x512/apps/rapportino.png; do
  grep -qx "$f" <<<"$files" || fail "missing $f"
done
# The menu entry starts the installed binary.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$deb" "$tmp"
desktop="$tmp/usr/share/applications/Rapportino.desktop"
grep -q '^Exec=rapportino' "$desktop" || fail "desktop entry Exec"
grep -q '^Keywords=.*assistenza' "$desktop" || fail "desktop entry Keywords"
desktop-file-validate "$desktop" || fail "desktop entry does not validate"
# AppStream: valid, and naming the menu entry the package installs.
appstreamcli validate --no-net "$tmp/usr/share/metainfo/it.rapportino.desktop.metainfo.xml" >/dev/null ||
  fail "AppStream metainfo does not validate"
grep -q '<launchable type="desktop-id">Rapportino.desktop</launchable>' \
  "$tmp/usr/share/metainfo/it.rapportino.desktop.metainfo.xml" || fail "metainfo launchable"
[ -x "$tmp/usr/bin/rapportino" ] || fail "binary not executable"
echo "package check: $(basename "$deb") ok ($(du -h "$deb" | cut -f1))"
