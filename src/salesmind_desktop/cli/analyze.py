"""`salesmind-desktop analyze CALL.wav`: run a recorded call through the live pipeline.

The file is replayed block by block exactly like a live call (fast by default, `--realtime` to
pace it to the wall clock), through the same VAD, Whisper, emotion, fusion and insight as the
desktop app. Prints the readable summary (ESS, key moments, objections, talk ratio, transcript
with per-utterance scores) and, with `--json OUT`, writes the versioned summary JSON
(`schema_version`; see docs/core.md).

A stereo file is left = rep mic, right = customer (`--swap-channels` flips it); two mono files
can be given with `--rep FILE --customer-audio FILE`. Ctrl-C stops early and still summarises.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("analyze", help="analyse a recorded call (stereo WAV/FLAC or two mono files)",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("call", nargs="?", type=Path, help="stereo call recording (left = rep, right = customer)")
    p.add_argument("--json", dest="json_out", type=Path, metavar="OUT", help="write the summary JSON here")
    p.add_argument("--realtime", action="store_true", help="pace the replay to the wall clock like a live call")
    p.add_argument("--swap-channels", action="store_true", help="left = customer, right = rep")
    p.add_argument("--rep", type=Path, metavar="FILE", help="mono recording of the rep (with --customer-audio)")
    p.add_argument("--customer-audio", type=Path, metavar="FILE", help="mono recording of the customer")
    p.add_argument("--model", help="speech model: tiny.en (default), base, or a CTranslate2 Whisper folder")
    p.add_argument("--device", choices=("auto", "cpu", "cuda"), help="where Whisper runs (default: auto)")
    p.add_argument("--no-voice", action="store_true", help="score words only (skip the voice emotion model)")
    p.add_argument("--call-id", help="id for the summary (default: the file name)")
    p.add_argument("--customer", metavar="ID", help="link the call to this CRM customer: store it locally "
                   "(PII-masked) and queue it for CRM sync (see docs/crm.md)")
    p.add_argument("-v", "--verbose", action="store_true", help="print each utterance to stderr as it is scored")
    p.set_defaults(func=run)


def _source(args: argparse.Namespace, settings):
    from salesmind_desktop.audio.sources import PairFileSource, StereoFileSource
    from salesmind_desktop.errors import AudioInputError

    if args.rep or args.customer_audio:
        if not (args.rep and args.customer_audio) or args.call:
            raise AudioInputError("give either one stereo CALL file or both --rep FILE and --customer-audio FILE",
                                  "e.g. salesmind-desktop analyze --rep rep.wav --customer-audio customer.wav")
        return PairFileSource(args.rep, args.customer_audio, realtime=args.realtime), args.customer_audio.stem
    if args.call is None:
        raise AudioInputError("no call recording given", "salesmind-desktop analyze CALL.wav")
    swap = bool(args.swap_channels or settings.audio.swap_channels)
    return StereoFileSource(args.call, swap=swap, realtime=args.realtime), args.call.stem


def _printer(verbose: bool, problems: list[str]):
    from salesmind_desktop.events import Cue, ScoredUtterance, SourceStatus

    def listener(event) -> None:
        if isinstance(event, SourceStatus) and event.state in ("error", "overflow"):
            problems.append(event.message)
            print(f"warning: {event.message}", file=sys.stderr)
        elif verbose and isinstance(event, ScoredUtterance):
            ess = f"{event.fused.ess:4.1f}" if event.fused else "    "
            mm, ss = divmod(int(event.start), 60)
            print(f"{mm:02d}:{ss:02d} {event.channel:<8} {ess}  {event.text}", file=sys.stderr)
        elif verbose and isinstance(event, Cue):
            print(f"      cue: {event.text}", file=sys.stderr)

    return listener


def run(args: argparse.Namespace) -> int:
    from salesmind_desktop import app
    from salesmind_desktop import settings as settings_mod

    settings = settings_mod.load()
    if args.model:
        settings.set("asr.model", args.model)
    if args.device:
        settings.set("asr.device", args.device)
    if args.no_voice:
        settings.set("emotion.voice", False)
    source, stem = _source(args, settings)  # bad audio fails here, before any model loads
    context = None
    if args.customer:  # past calls of this customer steer the coaching (best effort, never fails the run)
        from salesmind_desktop.crm.connection import fetch_context

        context, note = fetch_context(settings, args.customer)
        if note:
            print(note, file=sys.stderr)
    pipeline = app.build_pipeline(settings, context=context)
    problems: list[str] = []

    def on_sigint(signum, frame) -> None:
        print("stopping: summarising what was heard so far (Ctrl-C again to abort)", file=sys.stderr)
        signal.signal(signal.SIGINT, previous)
        pipeline.stop()

    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, on_sigint) if main_thread else None
    try:
        summary = pipeline.run(source, _printer(args.verbose, problems), call_id=args.call_id or stem)
    finally:
        if main_thread:
            signal.signal(signal.SIGINT, previous)
    print(summary.to_text())
    if args.customer:
        from salesmind_desktop.store.persist import persist_call

        call_id = persist_call(summary, customer_id=args.customer, settings=settings)
        print(f"stored call {call_id} for customer {args.customer}; queued for CRM sync "
              "(`salesmind-desktop sync`)", file=sys.stderr)
    if args.json_out:
        _write_json(args.json_out, summary.to_dict())
        print(f"\nsummary written to {args.json_out}", file=sys.stderr)
    errors = [p for p in problems if "behind" not in p]
    return 2 if errors else 0


def _write_json(path: Path, data: dict) -> None:
    from salesmind_desktop.errors import SalesMindError

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        raise SalesMindError(f"cannot write {path}: {exc}", "choose a writable --json path") from None
