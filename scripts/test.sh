#!/usr/bin/env bash
# Run the whole test suite against real components: a private D-Bus session with an unlocked
# gnome-keyring (keyring tests); PulseAudio, the MongoDB wire server and Xvfb are started by
# pytest fixtures. Extra arguments go to pytest (e.g. scripts/test.sh -m "not slow").
set -uo pipefail
cd "$(dirname "$0")/.."
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
export PYTHONUNBUFFERED=1
run_pytest() {
  .venv/bin/python -m pytest "$@"
}
if command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null; then
  export -f run_pytest
  dbus-run-session -- bash -c 'eval "$(printf salesmind-test | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)"; export GNOME_KEYRING_CONTROL; run_pytest "$@"' _ "$@"
else
  run_pytest "$@"
fi
rc=$?
if [ $rc -eq 5 ]; then
  echo "no tests were collected" >&2
fi
exit $rc
