#!/usr/bin/env python3
"""Score the customer turns of the scripted calls (tools/calls/*.json) with the voice engine.

    nice .venv/bin/python training/voice/eval_calls.py [--model FOLDER]

Each call is rendered with tools/render_call.py (flite + sox styles), the customer channel is cut
at the ground-truth turn times and fed to `OnnxVoiceEngine` in call order (one running baseline
per call, as in the app). Reports recall per style and UAR against the turns' `style`. These
calls are synthetic too (and their styles fall inside the training recipe's ranges): this checks
the engine end to end on call-shaped audio, it does not measure real-world accuracy.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from salesmind_desktop.emotion import voice_model  # noqa: E402
from salesmind_desktop.events import EMOTIONS  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, help="a model folder (default: models/voice_emotion)")
    args = ap.parse_args()
    if args.model:
        os.environ["SALESMIND_MODEL_VOICE_EMOTION"] = str(args.model)
    import soundfile as sf

    from salesmind_desktop.emotion.voice import OnnxVoiceEngine

    engine = OnnxVoiceEngine()
    y_true, y_pred, a_true, a_pred = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for script in sorted((ROOT / "tools" / "calls").glob("*.json")):
            wav = Path(tmp) / f"{script.stem}.wav"
            subprocess.run([sys.executable, str(ROOT / "tools" / "render_call.py"), str(script), str(wav)],
                           check=True, capture_output=True)
            truth = json.loads(wav.with_suffix(".truth.json").read_text())
            stereo, rate = sf.read(str(wav), dtype="float32")
            customer = stereo[:, 1]
            engine.reset()
            for turn in truth["turns"]:
                if turn["speaker"] != "customer":
                    continue
                a, b = int(max(0, turn["start"] - 0.1) * rate), int((turn["end"] + 0.1) * rate)
                reading = engine.score("customer", customer[a:b], ())
                pred = reading.emotion if reading else "neutral"
                print(f"{script.stem:18s} {turn['style']:9s} -> {pred:9s} "
                      f"arousal {reading.arousal if reading else float('nan'):.2f} "
                      f"conf {reading.confidence if reading else 0:.2f} {', '.join(reading.cues) if reading else ''}"
                      f"  | {turn['text']}")
                y_true.append(EMOTIONS.index(turn["style"]))
                y_pred.append(EMOTIONS.index(pred))
                a_true.append(voice_model.CLASS_AROUSAL[turn["style"]])
                a_pred.append(reading.arousal if reading else 0.5)
    rep = voice_model.report(np.array(y_true), np.array(y_pred), np.array(a_true), np.array(a_pred), 1, 0)
    print("SYNTHETIC scripted calls (flite + sox styles), voice only:")
    print(rep.to_text().split("\n", 1)[1])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
