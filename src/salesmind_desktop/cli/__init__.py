"""Command-line entry point. Each subcommand lives in its own module under `cli/`.

A command module exposes `register(subparsers)`, which adds its parser and sets `func` to a
callable taking the parsed arguments and returning an exit code. Heavy imports stay inside `func`.
With no subcommand, the desktop app starts.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from salesmind_desktop.errors import SalesMindError

# Command modules, in the order they appear in --help.
COMMAND_MODULES = (
    "analyze",
    "score_text",
    "listen",
    "devices",
    "doctor",
    "train_voice",
    "demo",
    "crm",
    "sync",
    "selftest",
)


def build_parser() -> argparse.ArgumentParser:
    from salesmind_desktop import __version__

    parser = argparse.ArgumentParser(
        prog="salesmind-desktop",
        description="Local real-time emotion analysis and coaching for sales calls.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"salesmind_desktop.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"salesmind_desktop.cli.{name}":
                continue  # command not built yet in this checkout
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        try:
            from salesmind_desktop.cli import gui
        except ModuleNotFoundError:
            parser.print_help()
            return 0
        return gui.run(args)
    try:
        return int(args.func(args) or 0)
    except SalesMindError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        if exc.fix:
            print(f"fix: {exc.fix}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
