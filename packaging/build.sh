#!/usr/bin/env bash
# Build the one-folder SalesMind bundle with PyInstaller: dist/SalesMind/ and a tarball
# dist/SalesMind-<version>-linux-<arch>.tar.gz (Linux). Run from anywhere:
#
#   bash packaging/build.sh            # uses .venv (created by scripts/setup.sh), installs .[packaging]
#   PYTHON=/path/to/python bash packaging/build.sh   # another interpreter/venv with the app installed
#   SKIP_CHECK=1 ...                   # skip the post-build doctor/selftest of the frozen app
#
# Windows (PowerShell, Python 3.11 x64, from the repo root):
#   py -3.11 -m venv .venv; .venv\Scripts\pip install -e ".[packaging,windows]"
#   .venv\Scripts\pyinstaller --noconfirm --clean --distpath dist --workpath build\pyinstaller packaging\salesmind.spec
#   & "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" /DAppVersion=<version> packaging\windows\salesmind.iss
#   -> dist\SalesMind-<version>-setup.exe
# macOS (Python 3.11 universal2 or the runner's arch):
#   python3.11 -m venv .venv && .venv/bin/pip install -e ".[packaging]"
#   .venv/bin/pyinstaller --noconfirm --clean --distpath dist --workpath build/pyinstaller packaging/salesmind.spec
#   -> dist/SalesMind.app (sign with `codesign --deep --options runtime`, then notarize)
# PyInstaller does not cross-compile: build each OS on that OS.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

PYTHON=${PYTHON:-}
if [ -z "$PYTHON" ]; then
  [ -x .venv/bin/python ] || bash scripts/setup.sh
  PYTHON=.venv/bin/python
fi
# PyInstaller is a build-time tool only: the `packaging` extra of pyproject.toml.
if ! "$PYTHON" -c "import PyInstaller" 2>/dev/null; then
  echo "build: installing the packaging extra (.[packaging])"
  "$PYTHON" -m pip install -q -e ".[packaging]"
fi

VERSION=$("$PYTHON" -c "import tomllib; print(tomllib.load(open('pyproject.toml','rb'))['project']['version'])")
ARCH=$(uname -m)
DIST=${DIST:-$ROOT/dist}
WORK=${WORK:-$ROOT/build/pyinstaller}

start=$(date +%s)
echo "build: SalesMind $VERSION -> $DIST/SalesMind"
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$DIST" --workpath "$WORK" packaging/salesmind.spec
end=$(date +%s)

BUNDLE="$DIST/SalesMind"
[ -x "$BUNDLE/salesmind-desktop" ] || { echo "build: $BUNDLE/salesmind-desktop was not produced" >&2; exit 1; }

# Linux extras next to the executable: desktop entry, icon, install helper, example policy.
if [ "$(uname -s)" = Linux ]; then
  cp packaging/linux/salesmind.desktop packaging/linux/install.sh packaging/policy.example.toml "$BUNDLE/"
  chmod +x "$BUNDLE/install.sh"
  TARBALL="$DIST/SalesMind-$VERSION-linux-$ARCH.tar.gz"
  tar -C "$DIST" -czf "$TARBALL" SalesMind
  echo "build: tarball $TARBALL ($(du -h "$TARBALL" | cut -f1))"
fi

echo "build: done in $((end - start)) s; bundle $(du -sh "$BUNDLE" | cut -f1)"
echo "build: largest parts:"
du -s "$BUNDLE"/_internal/* 2>/dev/null | sort -rn | awk 'NR <= 8 {printf "  %6.1f MB  %s\n", $1/1024, $2}'

if [ "${SKIP_CHECK:-0}" != 1 ]; then
  # The frozen app checks itself: bundled models (sha256), keyring, audio, CPU/GPU path.
  echo "build: frozen selftest"
  QT_QPA_PLATFORM=offscreen "$BUNDLE/salesmind-desktop" selftest
fi
