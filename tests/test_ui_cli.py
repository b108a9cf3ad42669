"""`salesmind-desktop` (no arguments) starts the app; `demo` checks its arguments clearly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from fixtures_ui import xvfb_display  # noqa: F401
from salesmind_desktop.cli import main

pytestmark = pytest.mark.gui


def test_demo_rejects_a_missing_recording(tmp_path, capsys):
    assert main(["demo", str(tmp_path / "nope.wav")]) == 2
    err = capsys.readouterr().err
    assert "error: no such recording" in err and "fix:" in err and "Traceback" not in err


def test_demo_rejects_a_silly_speed(capsys):
    assert main(["demo", "--speed", "0"]) == 1
    assert "--speed must be between" in capsys.readouterr().err


def test_demo_defaults_to_the_bundled_call():
    from salesmind_desktop.cli.demo import check_args, default_call

    args = type("A", (), {"call": None, "speed": 1.0})()
    assert check_args(args) == default_call() and default_call().is_file()


def test_no_arguments_starts_the_app_and_keeps_running(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SALESMIND_HOME": str(tmp_path / "home")}
    proc = subprocess.Popen([sys.executable, "-m", "salesmind_desktop"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(4)
        assert proc.poll() is None, proc.communicate()[1]
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=10)
    assert "Traceback" not in err


def test_no_display_is_a_clear_error(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["SALESMIND_HOME"] = str(tmp_path / "home")
    out = subprocess.run([sys.executable, "-m", "salesmind_desktop"], env=env, capture_output=True, text=True,
                         timeout=30)
    assert out.returncode == 1
    assert "error: no graphical display" in out.stderr and "fix:" in out.stderr and "Traceback" not in out.stderr


def test_demo_runs_in_a_real_window_under_xvfb(tmp_path, xvfb_display):
    """`salesmind-desktop demo --speed 8` opens real windows on an X server and keeps running."""
    env = {**os.environ, "DISPLAY": xvfb_display, "QT_QPA_PLATFORM": "xcb",
           "SALESMIND_HOME": str(tmp_path / "home")}
    proc = subprocess.Popen([sys.executable, "-m", "salesmind_desktop", "demo", "--speed", "8"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(5)
        assert proc.poll() is None, proc.communicate()[1]
        tree = subprocess.run(["xwininfo", "-root", "-tree"], env=env, capture_output=True, text=True).stdout
        assert "SalesMind — badge" in tree
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=10)
    assert "Traceback" not in err
