"""`salesmind-desktop selftest`: analyse the bundled test call end-to-end and verify the result.

For IT after an install (and for CI on the frozen build): the shipped models are located and
sha256-checked, the clip `assets/selftest/selftest_call.wav` (left = rep, right = customer) runs
through the same pipeline as a live call (built by `app`), and the summary is checked against
`selftest_call.expected.json`: words on the right channels, ESS in range, badge, summary schema.
Exit 0 when every check passes, 1 with a readable list of what failed otherwise.

`selftest --check-policy FILE` only validates an IT policy file and shows what it sets and locks.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "selftest", help="analyse the bundled test call and verify the result (for IT after install)",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--expected", type=Path, default=None,
                   help="expectations JSON (default: the bundled assets/selftest/selftest_call.expected.json; "
                        "its \"clip\" is read from the same folder)")
    p.add_argument("--json", dest="json_out", type=Path, default=None,
                   help="also write the report (checks + summary) to this JSON file")
    p.add_argument("--gui", action="store_true",
                   help="first start the desktop app (offscreen works), replay the clip through its badge "
                        "and report the start-up time to a ready badge")
    p.add_argument("--screenshot", type=Path, default=None, help="with --gui: save the badge as a PNG")
    p.add_argument("--check-policy", type=Path, default=None, metavar="FILE",
                   help="only validate an IT policy file and print what it sets and locks")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.check_policy is not None:
        return check_policy(args.check_policy)
    from salesmind_desktop import selfcheck, settings as settings_mod

    started = time.monotonic()
    settings = settings_mod.load()
    expected = selfcheck.load_expected(args.expected or selfcheck.default_expected_file())
    clip = Path(expected["clip_path"])
    if not clip.is_file():
        from salesmind_desktop.errors import ConfigError

        raise ConfigError(f"self-test clip {clip} is missing",
                          "reinstall SalesMind (the bundled self-test files are damaged)")
    print(f"selftest: {_describe_runtime()}", flush=True)
    checks, gui_times = [], {}
    if args.gui:  # first, so its timings are the app's real start-up
        from salesmind_desktop.cli.selftest_gui import run_gui

        gui_checks, gui_times = run_gui(settings, clip, screenshot=args.screenshot)
        checks += gui_checks
    models = _check_models(settings)
    checks += models
    summary, counts, elapsed = {}, {}, 0.0
    if all(c.ok for c in models):
        summary, counts, elapsed = _analyse(clip, settings)
        checks += selfcheck.verify(summary, expected, counts, elapsed)
    for check in checks:
        print(check.line())
    failed = [c for c in checks if not c.ok]
    total = time.monotonic() - started
    print(f"selftest: {'PASSED' if not failed else f'FAILED ({len(failed)} of {len(checks)} checks)'} "
          f"in {total:.1f} s")
    if args.json_out:
        report = {"passed": not failed, "seconds": round(total, 2), "analysis_seconds": round(elapsed, 2),
                  "checks": [c.__dict__ for c in checks], "event_counts": counts, "gui_times": gui_times,
                  "summary": summary}
        args.json_out.write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 0 if not failed else 1


def _describe_runtime() -> str:
    from salesmind_desktop import __version__, paths

    mode = f"frozen bundle at {paths.resource_root()}" if paths.is_frozen() else "Python install"
    return f"SalesMind {__version__}, {mode}, Python {sys.version.split()[0]} on {sys.platform}"


def _check_models(settings) -> list:
    """Every model the current settings need is present and matches its sha256 (doctor's checks)."""
    from salesmind_desktop.cli import doctor

    checks = [doctor._guard("speech model", lambda: doctor.asr_check(settings, load=False)),
              doctor._guard("voice activity model", lambda: doctor.vad_check(load=False))]
    try:
        checks += doctor.project_checks(settings)
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        from salesmind_desktop.selfcheck import Check

        checks.append(Check("project models", False, str(exc), "reinstall SalesMind"))
    return checks


def _analyse(clip: Path, settings) -> tuple[dict, dict[str, int], float]:
    """Run the clip through the real pipeline; returns (summary dict, event counts, seconds)."""
    from salesmind_desktop import app

    counts: Counter[str] = Counter()

    def listener(event: object) -> None:
        counts[type(event).__name__] += 1

    pipeline = app.build_pipeline(settings)
    build_source = getattr(app, "build_file_source", None)
    if build_source is not None:
        source = build_source(settings, clip, realtime=False)
    else:  # until the composition root has a file-source builder
        from salesmind_desktop.audio.sources import StereoFileSource

        source = StereoFileSource(clip, swap=settings.audio.swap_channels)
    started = time.monotonic()
    summary = pipeline.run(source, listener)
    elapsed = time.monotonic() - started
    return summary.to_dict(), dict(counts), elapsed


def check_policy(path: Path) -> int:
    """Load `path` as the machine policy (no user file, no environment) and show the result."""
    from salesmind_desktop import settings as settings_mod
    from salesmind_desktop.errors import ConfigError

    if not path.is_file():
        raise ConfigError(f"policy file {path} not found", "give the path of the policy.toml to check")
    raw = settings_mod._read_toml(path)
    loaded = settings_mod.load(user_file=path.with_name(".salesmind-no-user-file.toml"),
                               policy_file=path, environ={})
    print(f"policy {path}: valid")
    for section, values in raw.items():
        if section == "lock" or not isinstance(values, dict):
            continue
        for name in values:
            key = f"{section}.{name}"
            mark = "  (locked)" if key in loaded.locked else ""
            print(f"  {key} = {loaded.get(key)!r}{mark}")
    unset_locks = sorted(k for k in loaded.locked if k.partition(".")[2] not in raw.get(k.partition(".")[0], {}))
    for key in unset_locks:
        print(f"  {key} = {loaded.get(key)!r}  (locked at the built-in default)")
    print(f"  {len(loaded.locked)} locked key(s); reps can change everything else")
    return 0
