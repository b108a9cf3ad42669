"""`salesmind-desktop train-voice FOLDER`: train the voice-emotion model on a company's own calls.

FOLDER holds one sub-folder per label (`satisfied`, `neutral`, `stressed`, `irritated`; a few
synonyms such as `angry` or `happy` are accepted) with audio clips of single customer utterances.
The speaker of a clip is its sub-folder (`FOLDER/<label>/<speaker>/*.wav`) or, for files directly
in the label folder, the file-name prefix before the first `_` (`FOLDER/<label>/<speaker>_*.wav`).
Speakers matter: the evaluation holds whole speakers out, and each speaker's clips are replayed as
calls so the model learns change against that speaker's running baseline, as the app runs it.

Training runs in numpy (no torch) with the same features, model and ONNX export as the shipped
model; it prints a speaker-independent report (UAR, per-class recall, confusion) and writes
`model.onnx` + `manifest.json` to `--out`. Use it with `SALESMIND_MODEL_VOICE_EMOTION=<out>`.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

AUDIO_SUFFIXES = {".wav", ".flac", ".ogg", ".aiff", ".aif"}
SYNONYMS = {
    "satisfied": "satisfied", "happy": "satisfied", "pleased": "satisfied", "positive": "satisfied",
    "neutral": "neutral", "calm": "neutral",
    "stressed": "stressed", "anxious": "stressed", "worried": "stressed", "nervous": "stressed",
    "irritated": "irritated", "angry": "irritated", "annoyed": "irritated", "frustrated": "irritated",
}
MIN_CLIPS = 8


def register(subparsers) -> None:
    p = subparsers.add_parser("train-voice", help="train the voice-emotion model on your own labelled clips",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("folder", type=Path, help="FOLDER/<label>/*.wav (labels: satisfied, neutral, stressed, irritated)")
    p.add_argument("--out", type=Path, default=None,
                   help="output folder for model.onnx + manifest.json (default: <data dir>/models/voice_emotion)")
    p.add_argument("--folds", type=int, default=4, help="speaker-independent cross-validation folds (default 4)")
    p.add_argument("--epochs", type=int, default=80)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-eval", action="store_true", help="skip the cross-validation report")
    p.set_defaults(func=run)


def _speaker(label_dir: Path, clip: Path) -> tuple[str, bool]:
    rel = clip.relative_to(label_dir)
    if len(rel.parts) > 1:
        return rel.parts[0], True
    stem = clip.stem
    return (stem.split("_", 1)[0], True) if "_" in stem else (stem, False)


def find_clips(folder: Path) -> tuple[list[tuple[Path, str, str]], list[str]]:
    """[(path, label, speaker)] and notes; raises AudioInputError on a folder it cannot use."""
    from salesmind_desktop.errors import AudioInputError

    if not folder.is_dir():
        raise AudioInputError(f"{folder} is not a folder", "pass FOLDER with one sub-folder per label, "
                              "e.g. FOLDER/irritated/*.wav")
    clips, notes, unknown, anonymous = [], [], [], 0
    for label_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        label = SYNONYMS.get(label_dir.name.lower())
        if label is None:
            unknown.append(label_dir.name)
            continue
        for clip in sorted(label_dir.rglob("*")):
            if clip.is_file() and clip.suffix.lower() in AUDIO_SUFFIXES:
                speaker, known = _speaker(label_dir, clip)
                anonymous += not known
                clips.append((clip, label, speaker))
    if unknown:
        notes.append(f"ignored folders with unknown labels: {', '.join(unknown)} "
                     f"(use satisfied, neutral, stressed, irritated)")
    if anonymous:
        notes.append(f"{anonymous} clips have no speaker id (name them <speaker>_*.wav or put them in "
                     f"<label>/<speaker>/): each counts as its own speaker")
    labels = {c[1] for c in clips}
    if len(clips) < MIN_CLIPS or len(labels) < 2:
        raise AudioInputError(
            f"{folder} has {len(clips)} usable clips in {len(labels)} label folders; need at least "
            f"{MIN_CLIPS} clips in 2 or more of satisfied, neutral, stressed, irritated",
            "arrange clips as FOLDER/<label>/<speaker>_<n>.wav (wav, flac or ogg)")
    return clips, notes


def load_clip(path: Path):
    """16 kHz mono float32, or None (with the reason) when the file cannot be used."""
    import numpy as np
    import soundfile as sf
    from scipy.signal import resample_poly

    from salesmind_desktop.events import SAMPLE_RATE

    try:
        pcm, rate = sf.read(str(path), dtype="float32", always_2d=True)
    except (RuntimeError, OSError, ValueError) as exc:  # soundfile.LibsndfileError is a RuntimeError
        return None, f"unreadable ({str(exc).splitlines()[0][:80]})"
    pcm = pcm.mean(axis=1)
    if rate != SAMPLE_RATE:
        g = np.gcd(int(rate), SAMPLE_RATE)
        pcm = resample_poly(pcm, SAMPLE_RATE // g, int(rate) // g).astype(np.float32)
    if len(pcm) < 0.3 * SAMPLE_RATE:
        return None, "shorter than 0.3 s"
    return pcm.astype(np.float32), ""


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from salesmind_desktop import paths
    from salesmind_desktop.emotion import voice_features, voice_model
    from salesmind_desktop.errors import AudioInputError, ConfigError
    from salesmind_desktop.events import EMOTIONS

    out: Path = args.out or paths.data_dir() / "models" / "voice_emotion"
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / "manifest.json").is_file())):
        raise ConfigError(f"output {out} exists and is not a voice model folder", "choose another --out")
    clips, notes = find_clips(args.folder)
    print(f"reading {len(clips)} clips from {args.folder}")
    values, labels, speakers, skipped = [], [], [], []
    t0 = time.time()
    for path, label, speaker in clips:
        pcm, why = load_clip(path)
        if pcm is not None:
            feats = voice_features.extract(pcm)
            if feats.voiced_frames < voice_features.MIN_VOICED_FRAMES:
                why = "no voiced speech found"
            else:
                values.append(feats.values)
                labels.append(EMOTIONS.index(label))
                speakers.append(speaker)
                continue
        skipped.append(f"{path}: {why}")
    for line in skipped[:10]:
        print(f"skipped {line}")
    if len(skipped) > 10:
        print(f"... and {len(skipped) - 10} more skipped")
    if len(values) < MIN_CLIPS or len(set(labels)) < 2:
        raise AudioInputError(f"only {len(values)} of {len(clips)} clips were usable",
                              "check the skipped files above (format, length, silence)")
    x = np.stack(values)
    y = np.array(labels)
    arousal = np.array([voice_model.CLASS_AROUSAL[EMOTIONS[i]] for i in y], dtype=np.float32)
    spk = np.array(speakers)
    print(f"features for {len(y)} clips, {len(set(speakers))} speakers in {time.time() - t0:.1f} s")
    counts = ", ".join(f"{EMOTIONS[i]} {int((y == i).sum())}" for i in range(len(EMOTIONS)) if (y == i).any())
    print(f"clips per label: {counts}")
    config = voice_model.TrainConfig(epochs=args.epochs, seed=args.seed)

    metrics: dict = {}
    if args.no_eval:
        notes.append("evaluation skipped (--no-eval)")
    elif len(set(speakers)) < 2:
        notes.append("only one speaker: no speaker-independent evaluation possible")
    else:
        rep = voice_model.evaluate_by_speaker(x, y, arousal, spk, spk, args.folds, config)
        rep.notes.extend(notes)
        print(rep.to_text())
        metrics = {"speaker_independent": rep.to_dict()}
    for n in notes if not metrics else []:
        print(f"note: {n}")

    model = voice_model.fit_final(x, y, arousal, spk, config)
    out.mkdir(parents=True, exist_ok=True)
    version = time.strftime("%Y%m%d-%H%M%S")
    voice_model.to_onnx(model, out / "model.onnx", voice_features.FEATURE_NAMES,
                        {"version": version, "data": f"train-voice {args.folder.name}"})
    voice_model.write_manifest(
        out, ["model.onnx"], name="voice_emotion", version=version,
        source=f"salesmind-desktop train-voice {args.folder.resolve()}",
        licence="trained on your organisation's own labelled recordings; their licence applies",
        notes="company-trained voice-emotion model; arousal targets are per-class defaults "
              f"{voice_model.CLASS_AROUSAL}",
        classes=list(EMOTIONS), feature_names=list(voice_features.FEATURE_NAMES),
        input_dim=voice_features.INPUT_DIM,
        data={"clips": int(len(y)), "speakers": int(len(set(speakers))), "skipped": len(skipped), "synthetic": False},
        metrics=metrics)
    print(f"wrote {out / 'model.onnx'} and {out / 'manifest.json'}")
    print(f"use it: export SALESMIND_MODEL_VOICE_EMOTION={out}")
    return 0
