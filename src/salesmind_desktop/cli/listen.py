"""`salesmind-desktop listen`: a headless live session on the mic and the system loopback.

Prints each utterance as it is finalised, source status changes (device lost/back, overflow,
mute), and at the end the call summary; `--json OUT` writes the same summary JSON as `analyze`.
Ctrl+C (or `--duration`) ends the call cleanly.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("listen", help="analyse a live call from the mic and the system output (headless)",
                       description="Capture the rep's microphone and the system output (customer) and analyse "
                                   "the call live. `salesmind-desktop devices` lists the inputs.")
    p.add_argument("--mic", default=None, metavar="DEV", help="microphone id or name (default: settings, else "
                                                                "the system default microphone)")
    p.add_argument("--loopback", default=None, metavar="DEV",
                   help="loopback id or name (default: settings, else the monitor of the default output)")
    p.add_argument("--duration", type=float, default=None, metavar="S", help="stop after S seconds of audio")
    p.add_argument("--json", type=Path, default=None, metavar="OUT", help="write the call summary JSON here")
    p.add_argument("--record", type=Path, default=None, metavar="WAV",
                   help="also record the call to this stereo WAV (rep left, customer right) for `analyze`")
    p.add_argument("--call-id", default=None, help="id for the summary (default: live-<time>)")
    p.add_argument("--model", default=None, help="ASR model (tiny.en | base | a folder); default: settings")
    p.add_argument("--no-voice", action="store_true", help="score the customer from words only")
    p.set_defaults(func=run)


def format_event(event) -> str | None:
    from salesmind_desktop.events import CallEnded, ScoredUtterance, SourceStatus, Transcript
    from salesmind_desktop.insight.coach import counts_as_objection

    if isinstance(event, ScoredUtterance):
        ess = f"  [ESS {event.fused.ess:.1f} {event.fused.emotion}]" if event.fused is not None else ""
        objection = f"  [objection: {event.objection.type}]" if counts_as_objection(event) else ""
        return f"{event.start:7.1f}s {event.channel:>8}: {event.text}{ess}{objection}"
    if isinstance(event, Transcript) and event.rejected_reason:
        return f"{event.start:7.1f}s {event.channel:>8}: (not attributed: {event.rejected_reason})"
    if isinstance(event, SourceStatus):
        where = f" {event.channel}" if event.channel else ""
        return f"{event.t:7.1f}s   status{where}: {event.state} - {event.message}"
    if isinstance(event, CallEnded):
        return f"{event.t:7.1f}s call ended"
    return None


def run(args: argparse.Namespace) -> int:
    import time

    from salesmind_desktop import app, settings as settings_mod
    from salesmind_desktop.errors import ConfigError

    if args.duration is not None and args.duration <= 0:
        raise ConfigError(f"--duration must be positive, got {args.duration}", "give the seconds to listen, e.g. 60")
    settings = settings_mod.load()
    if args.model:
        settings.set("asr.model", args.model)
    if args.no_voice:
        settings.set("emotion.voice", False)
    pipeline, source = app.build_live_session(settings, mic=args.mic, loopback=args.loopback,
                                              duration_s=args.duration, record_to=args.record)

    def listener(event) -> None:
        line = format_event(event)
        if line:
            print(line, flush=True)

    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGINT, lambda *_: pipeline.stop())
    print(f"listening: rep = {source.devices['rep']}, customer = {source.devices['customer']}"
          + (f" for {args.duration:g} s" if args.duration else " (Ctrl+C to end the call)"), file=sys.stderr)
    try:
        summary = pipeline.run(source, listener, call_id=args.call_id or f"live-{int(time.time())}")
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    text = summary.to_text() if hasattr(summary, "to_text") else str(summary)
    print(text)
    if args.json is not None:
        from salesmind_desktop.cli.analyze import _write_json  # the same JSON as `analyze --json`

        _write_json(args.json, summary.to_dict())
        print(f"summary written to {args.json}", file=sys.stderr)
    if args.record is not None:
        print(f"call recorded to {args.record}", file=sys.stderr)
    return 0
