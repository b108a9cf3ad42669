"""`salesmind-desktop demo [CALL.wav] [--speed X]`: replay a recorded call through the live UI.

The call goes through the same pipeline as a live call (file source paced to real time), so the
badge, cues, transcript and summary window behave exactly as they would on a call. For first
runs, training and screenshots. No consent prompt: nobody is on the line.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from salesmind_desktop.errors import AudioInputError, SalesMindError


def default_call() -> Path:
    from salesmind_desktop import paths

    return paths.assets_dir() / "examples" / "demo_call.wav"


def register(subparsers) -> None:
    parser = subparsers.add_parser("demo", help="replay a recorded call through the live UI at real-time speed")
    parser.add_argument("call", nargs="?", type=Path, default=None,
                        help="stereo WAV, left = rep, right = customer (default: the bundled demo call)")
    parser.add_argument("--speed", type=float, default=1.0,
                        help="replay speed, 1 = real time (default); 2 = twice as fast")
    parser.set_defaults(func=run)


def check_args(args: argparse.Namespace) -> Path:
    path = args.call or default_call()
    if not path.is_file():
        raise AudioInputError(f"no such recording: {path}",
                              "pass a stereo WAV file (left = rep, right = customer), or omit it for the demo call")
    if not 0.1 <= args.speed <= 50:
        raise SalesMindError(f"--speed must be between 0.1 and 50, got {args.speed}", "e.g. --speed 1 or --speed 4")
    return path


def run(args: argparse.Namespace) -> int:
    path = check_args(args)
    from salesmind_desktop import settings as settings_mod
    from salesmind_desktop.cli import gui
    from salesmind_desktop.ui.sessions import file_session

    factory = file_session(settings_mod.load(), path, speed=args.speed)
    return gui.run(args, session_factory=factory, start=True, consent=lambda: True)
