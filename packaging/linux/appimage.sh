#!/usr/bin/env bash
# Recipe: wrap the one-folder bundle (dist/SalesMind, from packaging/build.sh) into an AppImage.
#
#   bash packaging/linux/appimage.sh            # -> dist/SalesMind-<version>-<arch>.AppImage
#
# Needs `appimagetool` (https://github.com/AppImage/appimagetool, not on PyPI/Debian: download it
# on a machine with internet access and put it on PATH or in APPIMAGETOOL). Without it the script
# stops after preparing dist/SalesMind.AppDir, which is a valid AppDir you can inspect or run
# (`dist/SalesMind.AppDir/AppRun doctor`). An AppImage is per-user and cannot carry a machine
# policy: IT installs /etc/salesmind/policy.toml separately (see docs/packaging.md).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
BUNDLE=dist/SalesMind
[ -x "$BUNDLE/salesmind-desktop" ] || { echo "appimage: build first: bash packaging/build.sh" >&2; exit 1; }
VERSION=$(python3 -c "import tomllib; print(tomllib.load(open('pyproject.toml','rb'))['project']['version'])")
ARCH=$(uname -m)
APPDIR=dist/SalesMind.AppDir

rm -rf "$APPDIR"
mkdir -p "$APPDIR/usr/lib"
cp -a "$BUNDLE" "$APPDIR/usr/lib/salesmind"
cp packaging/linux/salesmind.desktop "$APPDIR/salesmind.desktop"
# appimagetool requires an icon named after the desktop file's Icon= key, next to AppRun.
cp assets/icons/salesmind.svg "$APPDIR/salesmind.svg"
ln -sf salesmind.svg "$APPDIR/.DirIcon"
cat > "$APPDIR/AppRun" <<'RUN'
#!/bin/sh
HERE=$(dirname "$(readlink -f "$0")")
exec "$HERE/usr/lib/salesmind/salesmind-desktop" "$@"
RUN
chmod +x "$APPDIR/AppRun"

TOOL=${APPIMAGETOOL:-$(command -v appimagetool || true)}
if [ -z "$TOOL" ]; then
  echo "appimage: $APPDIR prepared; install appimagetool to produce the .AppImage" >&2
  exit 0
fi
ARCH=$ARCH "$TOOL" --no-appstream "$APPDIR" "dist/SalesMind-$VERSION-$ARCH.AppImage"
echo "appimage: dist/SalesMind-$VERSION-$ARCH.AppImage"
