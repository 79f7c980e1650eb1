#!/usr/bin/env bash
# Builds the office hub's Debian package with dpkg-deb: /usr/bin/rapportino-hub, the systemd unit
# (user rapportino-hub, hardened), /etc/rapportino-hub/hub.toml (a conffile), README.Debian and
# the maintainer scripts of crates/hub/debian/; dependencies computed by dpkg-shlibdeps.
# Output: $CARGO_TARGET_DIR (default target/)/$PROFILE/bundle/hub/rapportino-hub_VERSION_ARCH.deb
# PROFILE=debug packages a debug build (the test command's check, quickly); default release.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PROFILE="${PROFILE:-release}"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
DEB_SRC="$ROOT/crates/hub/debian"
cd "$ROOT"
if [ "$PROFILE" = release ]; then
  cargo build -q --release -p rapportino-hub
else
  cargo build -q -p rapportino-hub
fi
VERSION="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)"
ARCH="$(dpkg --print-architecture)"
OUT="$TARGET/$PROFILE/bundle/hub"
STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
chmod 0755 "$STAGE"
mkdir -p "$OUT" "$STAGE/DEBIAN"

install -D -m 0755 "$TARGET/$PROFILE/rapportino-hub" "$STAGE/usr/bin/rapportino-hub"
[ "$PROFILE" = release ] && strip --strip-unneeded "$STAGE/usr/bin/rapportino-hub"
install -D -m 0644 "$DEB_SRC/rapportino-hub.service" "$STAGE/lib/systemd/system/rapportino-hub.service"
install -D -m 0640 "$DEB_SRC/hub.toml" "$STAGE/etc/rapportino-hub/hub.toml"
install -D -m 0644 "$DEB_SRC/README.Debian" "$STAGE/usr/share/doc/rapportino-hub/README.Debian"
install -D -m 0644 "$ROOT/src-tauri/packaging/copyright" "$STAGE/usr/share/doc/rapportino-hub/copyright"
for script in postinst prerm postrm; do
  install -m 0755 "$DEB_SRC/$script" "$STAGE/DEBIAN/$script"
done
echo /etc/rapportino-hub/hub.toml >"$STAGE/DEBIAN/conffiles"

# The shared libraries the binary links (libc, libgcc), as Debian's tools name them.
shlibs="$(cd "$STAGE" && mkdir -p debian && printf 'Source: rapportino-hub\n\nPackage: rapportino-hub\nArchitecture: any\n' >debian/control &&
  dpkg-shlibdeps -O -e usr/bin/rapportino-hub 2>/dev/null | sed -n 's/^shlibs:Depends=//p'; rm -rf debian)"
[ -n "$shlibs" ] || { echo "package-hub: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
size="$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)"
cat >"$STAGE/DEBIAN/control" <<CONTROL
Package: rapportino-hub
Version: $VERSION
Architecture: $ARCH
Maintainer: Rapportino <hub@rapportino.it>
Installed-Size: $size
Depends: $shlibs, adduser
Suggests: postgresql
Section: net
Priority: optional
Homepage: https://rapportino.it
Description: Rapportino office hub: sync, customer mail and request intake
 The office server of Rapportino, the support-business desktop app for small IT
 shops: the shop's laptops sync through it; it sends the customers' e-mail and
 turns the support mailbox, the request form and monitoring alerts into tickets.
 SQLite by default, PostgreSQL optional. Runs as the systemd service
 rapportino-hub; set up with "rapportino-hub init".
CONTROL
(cd "$STAGE" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | xargs -0 md5sum >DEBIAN/md5sums)
deb="$OUT/rapportino-hub_${VERSION}_${ARCH}.deb"
dpkg-deb --root-owner-group -Zxz --build "$STAGE" "$deb" >/dev/null
echo "$deb"
