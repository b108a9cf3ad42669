"""Vocal emotion from an utterance's audio, relative to the speaker's running baseline (ONNX).

`OnnxVoiceEngine` extracts `voice_features` from the utterance, builds the model input
`[absolute, relative-to-this-channel's-baseline, warmth]`, runs the ONNX model once (session
created once per engine, one thread) and returns a `VoiceEmotion` with a confidence that grows
with the model's margin, the baseline's warmth and the amount of speech, plus short cues
("louder", "higher pitch", "rising pitch") read from the relative features. It needs no text,
so a sharply said "I'm fine." with an empty or unreliable transcript still gets a reading.

The default model is `models/voice_emotion/` (synthetic-prosody, see docs/voice-emotion.md);
`SALESMIND_MODEL_VOICE_EMOTION` points at a folder written by `salesmind-desktop train-voice`.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence

import numpy as np

from salesmind_desktop.emotion import voice_features as vf
from salesmind_desktop.emotion.fusion import EMOTION_VALENCE
from salesmind_desktop.errors import ModelError
from salesmind_desktop.events import EMOTIONS, SAMPLE_RATE, Channel, VoiceEmotion, Word

MIN_AUDIO_S = 0.25
MIN_SPEECH_S = 0.15
MAX_CONFIDENCE = 0.9  # a prosody-only reading is never fully certain
VOICE_VALENCE_SCALE = 0.6  # voice carries valence weakly

# (feature, threshold, cue when above +threshold, cue when below -threshold); relative to baseline
RELATIVE_CUES = (
    ("energy_p90", 3.0, "louder", "quieter"),
    ("pitch_median", 1.5, "higher pitch", "lower pitch"),
    ("pitch_range", 2.0, "wider pitch range", "flatter pitch"),
    ("rate", 1.0, "faster speech", "slower speech"),
    ("tilt", 2.5, "tenser voice", "softer voice"),
    ("pause_ratio", 0.12, "more pauses", ""),
)
RISING_END_ST = 2.0  # semitones of final rise that read as "rising pitch" on their own
MIN_RATE_SPEECH_S = 1.0  # speaking rate of shorter utterances is too noisy to mention


class OnnxVoiceEngine:
    """`VoiceEmotionEngine` backed by the voice-emotion ONNX model."""

    def __init__(self, model=None, threads: int = 1) -> None:
        """`model` is a `modelstore.ModelInfo`; default: the verified project model `voice_emotion`."""
        from salesmind_desktop import modelstore

        self.model = model or modelstore.project_model("voice_emotion")
        self._session = _open_session(self.model, threads)
        self._classes = _classes(self._session, self.model)
        self._baselines: dict[str, vf.SpeakerBaseline] = {}
        self._lock = threading.Lock()

    def reset(self) -> None:
        """Forget every speaker's baseline (a new call starts)."""
        with self._lock:
            self._baselines.clear()

    def score(self, channel: Channel, pcm: np.ndarray, words: Sequence[Word] = ()) -> VoiceEmotion | None:
        """Reading for one utterance, or None when there is too little voiced speech to judge."""
        pcm = np.asarray(pcm, dtype=np.float32).reshape(-1)
        if len(pcm) < MIN_AUDIO_S * SAMPLE_RATE or not np.isfinite(pcm).all():
            return None
        feats = vf.extract(pcm, tuple(words))
        if feats.voiced_frames < vf.MIN_VOICED_FRAMES or feats.speech_s < MIN_SPEECH_S:
            return None
        with self._lock:
            baseline = self._baselines.setdefault(channel, vf.SpeakerBaseline())
            row, warmth = vf.model_input(feats, baseline)
        probs, arousal = self._session.run(["probs", "arousal"], {"features": row[None, :]})
        return self._reading(probs[0], float(arousal[0, 0]), row, warmth, feats)

    def _reading(self, probs: np.ndarray, arousal: float, row: np.ndarray, warmth: float,
                 feats: vf.Features) -> VoiceEmotion:
        scores = {c: float(p) for c, p in zip(self._classes, probs)}
        scores = {e: scores.get(e, 0.0) for e in EMOTIONS}
        emotion = max(scores, key=scores.__getitem__)
        k = len(EMOTIONS)
        margin = (scores[emotion] - 1.0 / k) / (1.0 - 1.0 / k)
        amount = min(1.0, max(0.4, feats.speech_s / 1.0))
        confidence = MAX_CONFIDENCE * (0.35 + 0.65 * margin) * (0.6 + 0.4 * warmth) * amount
        valence = VOICE_VALENCE_SCALE * sum(scores[e] * EMOTION_VALENCE[e] for e in EMOTIONS)
        return VoiceEmotion(emotion=emotion, emotion_scores=scores, arousal=float(np.clip(arousal, 0, 1)),
                            valence=float(valence), confidence=float(np.clip(confidence, 0, 1)),
                            cues=cues(row, warmth, feats.speech_s))


def cues(row: np.ndarray, warmth: float, speech_s: float = 10.0, limit: int = 3) -> tuple[str, ...]:
    """Short prosody notes from a model input row, strongest first."""
    absolute, relative = row[: vf.N_FEATURES], row[vf.N_FEATURES: 2 * vf.N_FEATURES]
    found: list[tuple[float, str]] = []
    if warmth > 0:
        for name, threshold, up, down in RELATIVE_CUES:
            if name == "rate" and speech_s < MIN_RATE_SPEECH_S:
                continue
            delta = float(relative[vf.INDEX[name]])
            if delta >= threshold and up:
                found.append((delta / threshold, up))
            elif delta <= -threshold and down:
                found.append((-delta / threshold, down))
    rise = float(absolute[vf.INDEX["pitch_end_rise"]])
    if rise >= RISING_END_ST:
        found.append((rise / RISING_END_ST, "rising pitch"))
    found.sort(reverse=True)
    return tuple(text for _, text in found[:limit])


def _open_session(model, threads: int):
    path = model.path / "model.onnx" if model.path.is_dir() else model.path
    try:
        import onnxruntime as ort
    except ImportError as exc:  # pragma: no cover - runtime dep
        raise ModelError(f"onnxruntime is not installed ({exc})", "reinstall SalesMind: pip install -e .") from None
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    try:
        session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises several private exception types
        raise ModelError(f"voice-emotion model {path} cannot be loaded: {str(exc).splitlines()[0][:200]}",
                         "restore models/voice_emotion/ (git checkout models/voice_emotion), rebuild it with "
                         "training/voice/build.py, or point SALESMIND_MODEL_VOICE_EMOTION at a train-voice "
                         "output folder") from None
    inputs = session.get_inputs()
    if len(inputs) != 1 or inputs[0].shape[-1] != vf.INPUT_DIM:
        raise ModelError(f"voice-emotion model {path} expects input {inputs[0].shape if inputs else None}, "
                         f"this version computes {vf.INPUT_DIM} features",
                         "retrain it with this version's `salesmind-desktop train-voice` or build.py")
    outputs = {o.name for o in session.get_outputs()}
    if not {"probs", "arousal"} <= outputs:
        raise ModelError(f"voice-emotion model {path} lacks the outputs 'probs' and 'arousal'",
                         "use a model written by training/voice/build.py or train-voice")
    return session


def _classes(session, model) -> tuple[str, ...]:
    meta = session.get_modelmeta().custom_metadata_map
    try:
        classes = tuple(json.loads(meta.get("classes", "null")) or model.manifest.get("classes") or EMOTIONS)
    except ValueError:
        classes = EMOTIONS
    if not set(classes) <= set(EMOTIONS):
        raise ModelError(f"voice-emotion model {model.path} has unknown classes {classes}",
                         f"classes must be among {', '.join(EMOTIONS)}")
    return classes
