#!/usr/bin/env bash
# Install (or remove) the SalesMind one-folder bundle machine-wide on Linux. Run as root from the
# unpacked tarball (the folder holding this script):
#
#   sudo ./install.sh                              # -> /opt/salesmind, /usr/local/bin/salesmind-desktop
#   sudo ./install.sh --policy /path/policy.toml   # also installs the IT policy to /etc/salesmind/
#   sudo ./install.sh --prefix /srv/apps/salesmind
#   sudo ./install.sh --uninstall                  # removes the app; keeps /etc/salesmind and user data
#   sudo ./install.sh --uninstall --purge-policy   # also removes /etc/salesmind/policy.toml
#   ./install.sh --root /tmp/stage ...             # stage under another root (packaging, tests)
#
# Per-user data (~/.local/share/SalesMind, ~/.config/SalesMind, ~/.cache/SalesMind) is never
# touched by this script: each rep removes theirs with `rm -rf` or keeps it for a reinstall.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=""
PREFIX=/opt/salesmind
POLICY=""
UNINSTALL=0
PURGE_POLICY=0
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) PREFIX=$2; shift 2 ;;
    --root) ROOT=${2%/}; shift 2 ;;
    --policy) POLICY=$2; shift 2 ;;
    --uninstall) UNINSTALL=1; shift ;;
    --purge-policy) PURGE_POLICY=1; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
DEST=$ROOT$PREFIX                       # where files go; $PREFIX is the path at run time
BIN=$ROOT/usr/local/bin/salesmind-desktop
DESKTOP=$ROOT/usr/share/applications/salesmind.desktop
ICON=$ROOT/usr/share/icons/hicolor/scalable/apps/salesmind.svg
POLICY_DIR=$ROOT/etc/salesmind

if [ "$UNINSTALL" = 1 ]; then
  rm -rf "$DEST" "$BIN" "$DESKTOP" "$ICON"
  if [ "$PURGE_POLICY" = 1 ]; then
    rm -f "$POLICY_DIR/policy.toml"
    rmdir "$POLICY_DIR" 2>/dev/null || true
  fi
  echo "SalesMind removed from $DEST (per-user data left in place)"
  exit 0
fi

[ -x "$HERE/salesmind-desktop" ] || { echo "install.sh: run me from the unpacked SalesMind folder" >&2; exit 1; }
if [ -n "$POLICY" ]; then
  # Validate before installing anything: a broken policy would stop every rep's app.
  "$HERE/salesmind-desktop" selftest --check-policy "$POLICY" >/dev/null \
    || { echo "install.sh: $POLICY is not a valid SalesMind policy (see the error above)" >&2; exit 1; }
fi
rm -rf "$DEST.new"
mkdir -p "$(dirname "$DEST")"
cp -a "$HERE" "$DEST.new"
rm -rf "$DEST"
mv "$DEST.new" "$DEST"
mkdir -p "$(dirname "$BIN")" "$(dirname "$DESKTOP")"
ln -sf "$PREFIX/salesmind-desktop" "$BIN"
sed "s#^Exec=.*#Exec=$PREFIX/salesmind-desktop#" "$HERE/salesmind.desktop" > "$DESKTOP"
if [ -f "$DEST/_internal/assets/icons/salesmind.svg" ]; then
  mkdir -p "$(dirname "$ICON")" && cp "$DEST/_internal/assets/icons/salesmind.svg" "$ICON"
fi
if [ -n "$POLICY" ]; then
  install -D -m 0644 "$POLICY" "$POLICY_DIR/policy.toml"
  echo "policy installed to $POLICY_DIR/policy.toml"
fi
echo "SalesMind installed to $DEST; run 'salesmind-desktop doctor' to check this machine"
