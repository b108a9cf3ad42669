#!/usr/bin/env bash
# Install (or remove) the SalesMind one-folder bundle machine-wide on Linux. Run as root from the
# unpacked tarball (the folder holding this script):
#
#   sudo ./install.sh                              # -> /opt/salesmind, /usr/local/bin/salesmind-desktop
#   sudo ./install.sh --policy /path/policy.toml   # also installs the IT policy to /etc/salesmind/
#   sudo ./install.sh --prefix /srv/apps/salesmind
#   sudo ./install.sh --uninstall                  # removes the app; keeps /etc/salesmind and user data
#   sudo ./install.sh --uninstall --purge-policy   # also removes /etc/salesmind/policy.toml
#
# Per-user data (~/.local/share/SalesMind, ~/.config/SalesMind, ~/.cache/SalesMind) is never
# touched by this script: each rep removes theirs with `rm -rf` or keeps it for a reinstall.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
PREFIX=/opt/salesmind
POLICY=""
UNINSTALL=0
PURGE_POLICY=0
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) PREFIX=$2; shift 2 ;;
    --policy) POLICY=$2; shift 2 ;;
    --uninstall) UNINSTALL=1; shift ;;
    --purge-policy) PURGE_POLICY=1; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
BIN=/usr/local/bin/salesmind-desktop
DESKTOP=/usr/share/applications/salesmind.desktop
ICON=/usr/share/icons/hicolor/256x256/apps/salesmind.png

if [ "$UNINSTALL" = 1 ]; then
  rm -rf "$PREFIX" "$BIN" "$DESKTOP" "$ICON"
  [ "$PURGE_POLICY" = 1 ] && rm -f /etc/salesmind/policy.toml && rmdir /etc/salesmind 2>/dev/null || true
  echo "SalesMind removed from $PREFIX (per-user data left in place)"
  exit 0
fi

[ -x "$HERE/salesmind-desktop" ] || { echo "install.sh: run me from the unpacked SalesMind folder" >&2; exit 1; }
if [ -n "$POLICY" ]; then
  # Validate before installing anything: a broken policy would stop every rep's app.
  SALESMIND_POLICY_FILE="$POLICY" "$HERE/salesmind-desktop" --version >/dev/null
  python3 -c "import sys, tomllib; tomllib.load(open(sys.argv[1], 'rb'))" "$POLICY" 2>/dev/null \
    || { echo "install.sh: $POLICY is not valid TOML" >&2; exit 1; }
fi
rm -rf "$PREFIX.new"
mkdir -p "$(dirname "$PREFIX")"
cp -a "$HERE" "$PREFIX.new"
rm -rf "$PREFIX"
mv "$PREFIX.new" "$PREFIX"
ln -sf "$PREFIX/salesmind-desktop" "$BIN"
mkdir -p "$(dirname "$DESKTOP")"
sed "s#^Exec=.*#Exec=$PREFIX/salesmind-desktop#" "$HERE/salesmind.desktop" > "$DESKTOP"
if [ -f "$PREFIX/_internal/assets/icons/salesmind.png" ]; then
  mkdir -p "$(dirname "$ICON")" && cp "$PREFIX/_internal/assets/icons/salesmind.png" "$ICON"
fi
if [ -n "$POLICY" ]; then
  install -D -m 0644 "$POLICY" /etc/salesmind/policy.toml
  echo "policy installed to /etc/salesmind/policy.toml"
fi
echo "SalesMind installed to $PREFIX; run 'salesmind-desktop doctor' to check this machine"
