"""Synthetic-prosody recipe: which TTS voices say which lines in which acted style.

Nothing here is real emotional speech. Debian TTS voices (espeak-ng accent+variant pairs and
flite's kal16/slt/rms/awb) read emotionally neutral customer lines; each clip is then *styled*
towards a class by prosody known to move with emotion in the speech literature:

    class      tempo   pitch (cents)  pitch range  level (dB)  treble (dB, 3 kHz shelf)
    neutral    1.00    0              x1.0         0           0
    satisfied  1.08    +250           x1.6         +2          +1
    stressed   1.22    +350           x0.7         -2          +2   (+ slight tremolo)
    irritated  1.18    +150           x1.4         +6          +5

At intensity u (uniform 0.4..1.0) each value moves that fraction of the way from neutral. Each
styled clip uses a random subset of these dimensions (each kept with probability 0.65, at least two)
so no single cue defines a class; then per-clip jitter; every speaker also gets its own line level (-20..0 dB) and a noise floor, so
absolute loudness says little and the per-speaker baseline has to do the work.

Speakers are grouped for leave-speakers-out evaluation: every espeak-ng variant (the formant and
pitch settings) is one group across the accents it is used with; flite kal16 is its own group
(same speaker as kal), as are slt, rms and awb.
"""

from __future__ import annotations

import random
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

CLASSES = ("satisfied", "neutral", "stressed", "irritated")

# (tempo, cents, range multiplier, gain dB, treble dB, tremolo depth %)
EXTREMES = {
    "neutral": (1.00, 0.0, 1.0, 0.0, 0.0, 0.0),
    "satisfied": (1.08, 250.0, 1.6, 2.0, 1.0, 0.0),
    "stressed": (1.22, 350.0, 0.7, -2.0, 2.0, 12.0),
    "irritated": (1.18, 150.0, 1.4, 6.0, 5.0, 0.0),
}
CUE_KEEP = 0.65  # probability that a styled clip uses each style dimension ("cue dropout")
AROUSAL = {"neutral": 0.2, "satisfied": 0.5, "stressed": 0.7, "irritated": 0.9}

ESPEAK_VARIANTS = ("m1", "m2", "m3", "m4", "m5", "m6", "m7", "f1", "f2", "f3", "f4", "f5")
ESPEAK_ACCENTS = ("en-us", "en-gb", "en-gb-scotland", "en-029", "en-gb-x-rp", "en-us-nyc")
FLITE_VOICES = ("kal16", "slt", "rms", "awb")

SENTENCES = (
    "I wanted to ask about the invoice from last month.",
    "We looked at the proposal you sent on Tuesday.",
    "Can you tell me how the renewal works?",
    "The team has been using the new dashboard.",
    "My manager will join the call in a minute.",
    "We need the report before the end of the quarter.",
    "I saw the email about the upgrade this morning.",
    "How long does the installation usually take?",
    "We have about forty people on the account.",
    "The delivery arrived on Friday afternoon.",
    "Could you send me the updated price list?",
    "We are comparing a few options right now.",
    "The contract ends in March next year.",
    "I spoke to someone from support yesterday.",
    "Our office is closed on the public holiday.",
    "Let me check that with our finance department.",
    "We moved to the larger plan in the spring.",
    "Is the training included in the package?",
    "I will need to see the terms in writing.",
    "The second payment was taken twice.",
    "We usually order at the start of each month.",
    "Can we go through the numbers again?",
    "The software runs on every laptop we have.",
    "Please call me back on my mobile number.",
    "We expected the shipment two weeks ago.",
    "I have the account number right here.",
    "The new features look quite different.",
    "Who else will be working on our account?",
    "Tell me what happens after the trial ends.",
    "We had a meeting about this on Monday.",
    "So the price stays the same for a year?",
    "I need to talk to my partner about it.",
)


@dataclass(frozen=True)
class Speaker:
    id: str
    group: str
    engine: str  # "espeak" | "flite"
    voice: str
    level_db: float


@dataclass(frozen=True)
class ClipSpec:
    speaker: Speaker
    label: str
    sentence: str
    intensity: float
    tempo: float
    cents: float
    range_mult: float
    gain_db: float
    treble_db: float
    tremolo: float
    noise_db: float
    seed: int

    @property
    def arousal(self) -> float:
        base = AROUSAL["neutral"]
        return base + (AROUSAL[self.label] - base) * self.intensity


def speakers(seed: int = 0) -> list[Speaker]:
    rng = random.Random(seed)
    out = []
    for i, variant in enumerate(ESPEAK_VARIANTS):
        for accent in (ESPEAK_ACCENTS[i % len(ESPEAK_ACCENTS)], ESPEAK_ACCENTS[(i + 3) % len(ESPEAK_ACCENTS)]):
            out.append(Speaker(f"espeak-{accent}+{variant}", f"espeak-{variant}", "espeak",
                               f"{accent}+{variant}", rng.uniform(-20, 0)))
    for voice in FLITE_VOICES:
        out.append(Speaker(f"flite-{voice}", f"flite-{voice}", "flite", voice, rng.uniform(-20, 0)))
    return out


def clip_specs(per_class: int, seed: int = 0) -> list[ClipSpec]:
    """Every speaker says `per_class` lines in each class (same sentence pool for all classes)."""
    rng = random.Random(seed)
    specs = []
    for spk in speakers(seed):
        for label in CLASSES:
            for sentence in rng.sample(SENTENCES, per_class):
                u = 1.0 if label == "neutral" else rng.uniform(0.4, 1.0)
                keep = _cue_subset(rng)
                tempo, cents, rmult, gain, treble, trem = (
                    (1 + (e - 1) * u if k in (0, 2) else e * u) if keep[k] else (1.0 if k in (0, 2) else 0.0)
                    for k, e in enumerate(EXTREMES[label]))
                specs.append(ClipSpec(
                    speaker=spk, label=label, sentence=sentence, intensity=u if label != "neutral" else 0.0,
                    tempo=tempo * rng.gauss(1, 0.03), cents=cents + rng.gauss(0, 40),
                    range_mult=rmult * rng.uniform(0.85, 1.15), gain_db=gain + rng.gauss(0, 1.0),
                    treble_db=treble + rng.gauss(0, 0.7), tremolo=trem, noise_db=rng.uniform(-65, -48),
                    seed=rng.randrange(1 << 30)))
    return specs


def _cue_subset(rng: random.Random, p_keep: float = CUE_KEEP) -> list[bool]:
    """Which of the six style dimensions a clip uses: each kept with `p_keep`, at least two of
    the first five (people show an emotion through some cues, not always all of them)."""
    keep = [rng.random() < p_keep for _ in range(6)]
    while sum(keep[:5]) < 2:
        keep[rng.randrange(5)] = True
    return keep


def _range_word(mult: float) -> str:
    return "x-low" if mult < 0.6 else "low" if mult < 0.85 else "medium" if mult < 1.2 else "high" if mult < 1.5 else "x-high"


def render(spec: ClipSpec, workdir: Path | None = None) -> np.ndarray:
    """Synthesise and style one clip -> 16 kHz mono float32."""
    import soundfile as sf

    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        raw, styled = Path(tmp) / "raw.wav", Path(tmp) / "styled.wav"
        spk = spec.speaker
        if spk.engine == "espeak":
            ssml = f'<speak><prosody range="{_range_word(spec.range_mult)}">{spec.sentence}</prosody></speak>'
            subprocess.run(["espeak-ng", "-v", spk.voice, "-m", "-w", str(raw), ssml], check=True, capture_output=True)
        else:
            subprocess.run(["flite", "-voice", spk.voice, "--setf", f"int_f0_target_stddev={18 * spec.range_mult:.1f}",
                            "-t", spec.sentence, "-o", str(raw)], check=True, capture_output=True)
        effects = ["gain", "-n", "-8", "tempo", "-s", f"{spec.tempo:.3f}", "pitch", f"{spec.cents:.0f}",
                   "treble", f"{spec.treble_db:.2f}", "3000"]
        if spec.tremolo > 0:
            effects += ["tremolo", "5.5", f"{spec.tremolo:.1f}"]
        effects += ["gain", f"{spec.gain_db + spk.level_db:.2f}"]
        subprocess.run(["sox", "-R", str(raw), "-r", "16000", "-c", "1", "-b", "16", str(styled), *effects],
                       check=True, capture_output=True)
        pcm, _ = sf.read(str(styled), dtype="float32")
    rng = np.random.default_rng(spec.seed)
    pad = np.zeros(int(0.15 * 16000), dtype=np.float32)
    pcm = np.concatenate([pad, pcm, pad])
    pcm = pcm + rng.normal(0, 10 ** (spec.noise_db / 20), len(pcm)).astype(np.float32)
    return np.clip(pcm, -1, 1).astype(np.float32)
