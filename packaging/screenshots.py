#!/usr/bin/env python3
"""Screenshots of the real app under Xvfb during `demo` replays (badge green and red, a cue, the
live view, the summary window), saved as PNGs to docs/screenshots/.

    .venv/bin/python packaging/screenshots.py [--out docs/screenshots] [--speed 6]

Starts its own Xvfb (1280x800) unless --display names a running X server; uses a throw-away
SALESMIND_HOME. Phase 1 replays the bundled demo call (positive, one price objection → green badge,
a cue, the summary). Phase 2 renders an angry-customer call (screenshots.call.json, next to this
script) with tools/render_call.py and replays it until the core turns the badge red. Pixels come from the
X server (QScreen.grabWindow), i.e. what a user would see. Exits non-zero if a shot was not taken.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ("badge_green", "cue", "live", "summary", "badge_red")


def start_xvfb() -> tuple[subprocess.Popen, str]:
    for n in range(90, 110):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            proc = subprocess.Popen(["Xvfb", f":{n}", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for _ in range(50):
                if Path(f"/tmp/.X11-unix/X{n}").exists():
                    return proc, f":{n}"
                time.sleep(0.1)
            proc.terminate()
    raise SystemExit("could not start Xvfb (apt-get install xvfb)")


def render_angry_call(workdir: Path) -> Path:
    wav = workdir / "angry_customer.wav"
    subprocess.run([sys.executable, str(ROOT / "tools" / "render_call.py"),
                    str(Path(__file__).with_name("screenshots.call.json")), str(wav)], check=True,
                   capture_output=True)
    return wav


class Director:
    """Drives the app through both replays and takes each shot at its moment."""

    def __init__(self, out: Path, speed: float, angry_wav: Path) -> None:
        from PySide6.QtCore import QTimer

        from salesmind_desktop import settings as settings_mod
        from salesmind_desktop.cli.gui import make_qt_app
        from salesmind_desktop.ui.desktop import DesktopApp
        from salesmind_desktop.ui.sessions import file_session

        self.qt = make_qt_app()
        self.QTimer = QTimer
        self.out, self.taken = out, {}
        settings = settings_mod.load()
        self.app = DesktopApp(settings, consent=lambda: True, crm=(None, None), save_settings=False)
        self.phase1 = file_session(settings, ROOT / "assets" / "examples" / "demo_call.wav", speed)
        self.phase2 = file_session(settings, angry_wav, speed)
        self.phase = 1
        self.green_updates = 0
        self.red_updates = 0
        self.app.bridge.ess.connect(self.on_ess)
        self.app.bridge.cue.connect(self.on_cue)
        self.app.controller.summary_ready.connect(self.on_summary)
        self.app.controller.error.connect(lambda m, f: self.fail(f"{m} (fix: {f})"))

    def run(self) -> int:
        self.app.show()
        self.app.toggle_transcript(True)
        self.app.controller.start(self.phase1)
        self.QTimer.singleShot(15 * 60 * 1000, lambda: self.fail("timed out"))
        self.qt.exec()
        missing = [s for s in SHOTS if s not in self.taken]
        for name, path in self.taken.items():
            print(f"{name}: {path}")
        if missing:
            print(f"missing shots: {', '.join(missing)}", file=sys.stderr)
            return 1
        return 0

    def fail(self, why: str) -> None:
        print(f"screenshots: {why}", file=sys.stderr)
        self.qt.exit(2)

    # -------------------------------------------------------------------------- moments

    def on_ess(self, update) -> None:
        if self.phase == 1 and update.badge == "green":
            self.green_updates += 1
            if self.green_updates == 3:
                self.later(300, "badge_green", [self.app.badge])
        if self.phase == 2 and update.badge == "red":
            self.red_updates += 1
            if self.red_updates == 2:  # a second red update: the sparkline shows the fall
                self.later(300, "badge_red", [self.app.badge])

    def on_cue(self, _cue) -> None:
        if self.phase == 1 and "cue" not in self.taken:
            self.later(600, "cue", lambda: [self.app.badge, *self.app.toasts.toasts()])
            self.later(700, "live", lambda: [self.app.badge, *self.app.toasts.toasts(), self.app.transcript])

    def on_summary(self, _summary) -> None:
        if self.phase == 1:
            self.QTimer.singleShot(200, self.show_summary)
        else:
            self.QTimer.singleShot(500, self.qt.quit)

    def show_summary(self) -> None:
        window = self.app.summary_windows[-1]
        window.move(16, 16)
        window.resize(1100, 740)
        moments = window.moments
        rows = [moments.item(row).text() for row in range(moments.count())]
        for kind in ("[objection]", "[negative]", "[cue]"):  # show a key moment opened in the transcript
            row = next((i for i, text in enumerate(rows) if kind in text), None)
            if row is not None:
                moments.setCurrentRow(row)
                # the transcript jump only: no audio output under Xvfb to play the moment on
                window.transcript.scroll_to_time(moments.item(row).data(0x0100))
                break
        self.later(900, "summary", [window], then=self.start_phase2, margin=0)

    def start_phase2(self) -> None:
        for window in list(self.app.summary_windows):
            window.close()
        self.phase = 2
        self.app.controller.start(self.phase2)

    # ---------------------------------------------------------------------------- shots

    def later(self, ms: int, name: str, widgets, then=None, margin: int = 8) -> None:
        def shoot() -> None:
            items = widgets() if callable(widgets) else widgets
            self.grab(name, [w for w in items if w.isVisible()], margin)
            if then is not None:
                then()

        self.QTimer.singleShot(ms, shoot)

    def grab(self, name: str, widgets, margin: int = 8) -> None:
        from PySide6.QtCore import QRect
        from PySide6.QtGui import QGuiApplication

        self.qt.processEvents()
        area = QRect()
        for w in widgets:
            area = area.united(w.frameGeometry())
        area = area.adjusted(-margin, -margin, margin, margin).intersected(QGuiApplication.primaryScreen().geometry())
        pixmap = QGuiApplication.primaryScreen().grabWindow(0, area.x(), area.y(), area.width(), area.height())
        path = self.out / f"{name}.png"
        pixmap.save(str(path))
        self.taken[name] = path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--speed", type=float, default=6.0, help="replay speed (1 = real time)")
    parser.add_argument("--display", help="use this running X display instead of starting Xvfb")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    xvfb = None
    if args.display:
        os.environ["DISPLAY"] = args.display
    else:
        if not shutil.which("Xvfb"):
            raise SystemExit("Xvfb is required: apt-get install xvfb")
        xvfb, os.environ["DISPLAY"] = start_xvfb()
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    home = tempfile.mkdtemp(prefix="salesmind-shots-")
    os.environ["SALESMIND_HOME"] = home
    try:
        angry = render_angry_call(Path(home))
        return Director(args.out, args.speed, angry).run()
    finally:
        shutil.rmtree(home, ignore_errors=True)
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait(5)


if __name__ == "__main__":
    sys.exit(main())
