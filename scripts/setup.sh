#!/usr/bin/env bash
# Set up everything on a fresh Debian 12 / Python 3.11 machine: system packages (when root),
# a virtual environment in .venv and the project with its dev tools. Safe to rerun.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  libportaudio2 libsndfile1                       # sounddevice / soundfile
  flite sox espeak-ng                             # rendering test calls
  pulseaudio pulseaudio-utils                     # virtual mic + loopback in tests
  libasound2-plugins                              # PortAudio (ALSA) -> PulseAudio sources
  gnome-keyring dbus-x11 libsecret-tools          # a real keyring backend in tests
  xvfb xauth x11-utils imagemagick                # real windows + screenshots
  libegl1 libgl1 libfontconfig1 libdbus-1-3 libxkbcommon-x11-0
  libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-xinerama0
  libxcb-xkb1 libxcb-cursor0 libxcb-shape0 libxcb-randr0
)
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  missing=()
  for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
else
  echo "setup: not root or no apt-get; install these system packages yourself if missing: ${APT_PACKAGES[*]}" >&2
fi

PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
stamp=.venv/.installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[dev,packaging]"  # packaging: tests/test_packaging.py builds the bundle
  touch "$stamp"
fi
echo "setup: ready (.venv)"
