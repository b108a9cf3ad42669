#!/usr/bin/env python3
"""Rebuild models/voice_emotion/ from the synthetic-prosody recipe (see recipe.py, docs/voice-emotion.md).

    nice .venv/bin/python training/voice/build.py            # generate (cached) + evaluate + export
    nice .venv/bin/python training/voice/build.py --per-class 6 --out /tmp/vm   # a quick small run

Stages: (1) render every clip of the recipe with espeak-ng/flite + sox and extract features with
the app's own `voice_features.extract` (cached in training/voice/.cache/); (2) leave-speaker-groups-
out cross-validation -> UAR (synthetic!); (3) train on everything and export ONNX + manifest.
Needs only the runtime deps (numpy, scipy, python_speech_features, onnx) plus espeak-ng, flite, sox.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

import recipe  # noqa: E402

from salesmind_desktop.emotion import voice_features, voice_model  # noqa: E402
from salesmind_desktop.events import EMOTIONS  # noqa: E402

VERSION = "1.0.0"


def _features(spec: recipe.ClipSpec) -> np.ndarray:
    return voice_features.extract(recipe.render(spec)).values


def generate(per_class: int, seed: int, workers: int) -> dict[str, np.ndarray]:
    specs = recipe.clip_specs(per_class, seed)
    key = hashlib.sha256(json.dumps([repr(s) for s in specs]).encode()
                         + Path(voice_features.__file__).read_bytes()
                         + Path(recipe.__file__).read_bytes()).hexdigest()[:16]
    cache = HERE / ".cache" / f"clips-{key}.npz"
    if cache.is_file():
        print(f"using cached features {cache.name}")
        return dict(np.load(cache))
    t0 = time.time()
    with ProcessPoolExecutor(workers) as pool:
        values = list(pool.map(_features, specs, chunksize=8))
    print(f"rendered + extracted {len(specs)} clips in {time.time() - t0:.0f} s")
    data = {
        "values": np.stack(values).astype(np.float32),
        "labels": np.array([EMOTIONS.index(s.label) for s in specs]),
        "arousal": np.array([s.arousal for s in specs], dtype=np.float32),
        "speakers": np.array([s.speaker.id for s in specs]),
        "groups": np.array([s.speaker.group for s in specs]),
    }
    cache.parent.mkdir(exist_ok=True)
    np.savez_compressed(cache, **data)
    return data


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--per-class", type=int, default=16, help="lines per speaker per class")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--folds", type=int, default=4)
    ap.add_argument("--out", type=Path, default=ROOT / "models" / "voice_emotion")
    args = ap.parse_args(argv)

    data = generate(args.per_class, args.seed, args.workers)
    config = voice_model.TrainConfig(seed=args.seed)
    t0 = time.time()
    rep = voice_model.evaluate_by_speaker(data["values"], data["labels"], data["arousal"], data["speakers"],
                                          data["groups"], args.folds, config)
    print("SYNTHETIC data (TTS voices styled by prosody), not real emotional speech")
    print(rep.to_text())
    print(f"cross-validation took {time.time() - t0:.0f} s")

    model = voice_model.fit_final(data["values"], data["labels"], data["arousal"], data["speakers"], config)
    args.out.mkdir(parents=True, exist_ok=True)
    voice_model.to_onnx(model, args.out / "model.onnx", voice_features.FEATURE_NAMES,
                        {"version": VERSION, "data": "synthetic"})
    n_speakers = len(np.unique(data["speakers"]))
    voice_model.write_manifest(
        args.out, ["model.onnx"], name="voice_emotion", version=VERSION,
        source=("training/voice/build.py: synthetic-prosody recipe (training/voice/recipe.py), "
                f"seed {args.seed}, {args.per_class} lines per speaker per class"),
        licence="Proprietary (project-built). Training audio: espeak-ng (GPL-3.0) and flite (BSD-like) "
                "synthetic voices; no human recordings used.",
        notes=("SYNTHETIC: trained only on TTS voices whose pitch, tempo, range, level and spectral tilt "
               "were styled per class. It has never heard real emotional speech; treat it as a vocal "
               "arousal/prosody-change detector relative to the speaker's running baseline. Retrain on "
               "licensed labelled calls with `salesmind-desktop train-voice`."),
        classes=list(EMOTIONS),
        feature_names=list(voice_features.FEATURE_NAMES),
        input_dim=voice_features.INPUT_DIM,
        data={"clips": int(len(data["labels"])), "speakers": n_speakers,
              "speaker_groups": int(len(np.unique(data["groups"]))), "synthetic": True},
        metrics={"synthetic_speaker_independent": rep.to_dict()},
    )
    print(f"wrote {args.out}/model.onnx ({(args.out / 'model.onnx').stat().st_size} bytes) and manifest.json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
