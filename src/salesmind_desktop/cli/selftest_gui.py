"""`selftest --gui`: start the real desktop app (badge, tray, controller), replay the self-test
clip through it, and quit once the badge has shown a score and the summary window opened.

Works offscreen (`QT_QPA_PLATFORM=offscreen`), so CI and IT can check the GUI of a frozen build
on a machine without a display. Nothing it does reaches the rep's data: summaries go to a
temporary archive, the CRM is not contacted and window settings are not saved. Prints the
start-up times it measured (process start → badge shown, → first score on the badge).
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from salesmind_desktop.selfcheck import Check


def process_age_s() -> float | None:
    """Seconds since this process started (bootloader included), where the OS tells us."""
    try:
        stat = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return uptime - int(stat[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def run_gui(settings, clip: Path, speed: float = 8.0, timeout_s: float = 180.0,
            screenshot: Path | None = None) -> tuple[list[Check], dict[str, float]]:
    from PySide6.QtCore import QTimer

    from salesmind_desktop.cli.gui import make_qt_app
    from salesmind_desktop.ui.archive import JsonArchive
    from salesmind_desktop.ui.desktop import DesktopApp
    from salesmind_desktop.ui.sessions import file_session

    started = time.monotonic()
    age0 = process_age_s()
    offset = age0 if age0 is not None else 0.0

    def now() -> float:
        return round(offset + time.monotonic() - started, 3)

    times: dict[str, float] = {}
    result: dict[str, object] = {}
    qt_app = make_qt_app()
    with tempfile.TemporaryDirectory(prefix="salesmind-selftest-") as tmp:
        desktop = DesktopApp(settings, session_factory=file_session(settings, clip, speed=speed),
                             consent=lambda: True, archive=JsonArchive(Path(tmp)), crm=(None, None),
                             save_settings=False)

        def finish(reason: str) -> None:
            result.setdefault("end", reason)
            QTimer.singleShot(0, qt_app.quit)

        def on_shown() -> None:
            times["badge_shown_s"] = now()
            result["badge_visible"] = desktop.badge.isVisible()
            print(f"gui: badge shown {times['badge_shown_s']:.2f} s after process start", flush=True)
            desktop.controller.request_start()

        def on_state(state: str) -> None:
            if state == "listening" and "listening_s" not in times:  # capture running, badge live
                times["listening_s"] = now()
                print(f"gui: badge listening {times['listening_s']:.2f} s after process start",
                      flush=True)

        def on_ess(update) -> None:
            if "first_score_s" not in times:
                times["first_score_s"] = now()
                print(f"gui: first score on the badge ({update.rolling:.1f}, {update.badge}) "
                      f"{times['first_score_s']:.2f} s after process start", flush=True)

        def on_summary(_summary) -> None:
            times["summary_s"] = now()
            result["badge_state"] = desktop.badge.badge_state
            result["windows"] = len(desktop.summary_windows)
            if screenshot is not None:
                desktop.badge.grab().save(str(screenshot))
            QTimer.singleShot(200, lambda: finish("summary"))

        def on_error(message: str, fix: str) -> None:
            result["error"] = f"{message} (fix: {fix})" if fix else message
            finish("error")

        desktop.controller.state_changed.connect(on_state)
        desktop.bridge.ess.connect(on_ess)
        desktop.controller.summary_ready.connect(on_summary)
        desktop.controller.error.connect(on_error)
        QTimer.singleShot(int(timeout_s * 1000), lambda: finish("timeout"))
        desktop.show()
        QTimer.singleShot(0, on_shown)
        qt_app.exec()
        if desktop.controller.is_active():
            desktop.controller.stop()
            desktop.controller.wait(15_000)
        for window in list(desktop.summary_windows):
            window.close()
        desktop.badge.close()
        desktop.tray.icon.hide()
    return _checks(result, times, timeout_s), times


def _checks(result: dict, times: dict[str, float], timeout_s: float) -> list[Check]:
    platform = os.environ.get("QT_QPA_PLATFORM") or "native"
    checks = [Check("GUI badge", bool(result.get("badge_visible")),
                    f"badge window shown ({platform} platform) after {times.get('badge_shown_s', float('nan')):.2f} s",
                    "" if result.get("badge_visible") else "the desktop app could not show its window: "
                    "run `salesmind-desktop doctor` (Qt plugins)")]
    end = result.get("end")
    if end == "error":
        checks.append(Check("GUI call", False, str(result.get("error")), "run `salesmind-desktop doctor`"))
    elif end == "timeout":
        checks.append(Check("GUI call", False, f"no summary within {timeout_s:g} s",
                            "this PC is too slow or the analysis hung: run `salesmind-desktop selftest`"))
    else:
        scored = "first_score_s" in times
        ok = scored and bool(result.get("windows"))
        checks.append(Check("GUI call", ok,
                            f"listening after {times.get('listening_s', float('nan')):.2f} s, "
                            f"score on the badge after {times.get('first_score_s', float('nan')):.2f} s, "
                            f"final badge {result.get('badge_state')}, summary window opened after "
                            f"{times.get('summary_s', float('nan')):.2f} s",
                            "" if ok else "the badge never showed a score: report this build"))
    return checks

