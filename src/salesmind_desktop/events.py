"""Typed events shared by every layer (audio, ASR, emotion, insight, store, UI).

Every time field is **audio time in seconds** from the start of the call (sample index / rate),
so a recorded file replays exactly like a live call. Wall-clock time appears only in latency
measurements (`wall_*` fields).

The classes are frozen dataclasses with no behaviour beyond small derived properties, so they can
cross threads and be serialised with :func:`dataclasses.asdict`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

Channel = Literal["rep", "customer"]
CHANNELS: tuple[Channel, Channel] = ("rep", "customer")

SAMPLE_RATE = 16_000
"""Every channel inside the pipeline is mono float32 at this rate."""

Sentiment = Literal["positive", "neutral", "negative"]
SENTIMENTS: tuple[str, ...] = ("positive", "neutral", "negative")

Emotion = Literal["satisfied", "neutral", "stressed", "irritated"]
EMOTIONS: tuple[str, ...] = ("satisfied", "neutral", "stressed", "irritated")

ObjectionType = Literal["price", "timing", "competitor", "authority", "need", "trust", "contract", "none"]
OBJECTIONS: tuple[str, ...] = ("price", "timing", "competitor", "authority", "need", "trust", "contract", "none")

BadgeState = Literal["green", "amber", "red"]


# --------------------------------------------------------------------------------------- audio


@dataclass(frozen=True)
class AudioChunk:
    """A block of one channel's audio, 16 kHz mono float32 in [-1, 1].

    `start` is the audio time of the first sample; `wall_time` is `time.monotonic()` when the
    block was received (live capture) or produced (file replay), for latency measurement.
    """

    channel: Channel
    start: float
    pcm: np.ndarray
    wall_time: float = 0.0

    @property
    def end(self) -> float:
        return self.start + len(self.pcm) / SAMPLE_RATE


@dataclass(frozen=True)
class SourceStatus:
    """A change in an audio source: device lost/recovered, overflow, mute, end of stream."""

    state: Literal["running", "paused", "recovered", "overflow", "muted", "ended", "error"]
    message: str
    channel: Channel | None = None
    t: float = 0.0


@dataclass(frozen=True)
class LevelMeter:
    """Latest RMS level per channel (dBFS) and who is speaking now, for the UI meters."""

    t: float
    rep_db: float
    customer_db: float
    rep_speaking: bool
    customer_speaking: bool


@dataclass(frozen=True)
class SpeechActivity:
    """A closed stretch of detected speech on one channel (from the VAD), for talk metrics.

    Emitted for every VAD speech region, including ones too short to be transcribed.
    """

    channel: Channel
    start: float
    end: float


@dataclass(frozen=True)
class Utterance:
    """A VAD-segmented stretch of speech waiting for ASR.

    `forced_cut` is True when the segmenter cut at the maximum utterance length (a monologue)
    rather than at a pause. `wall_end` is when the segmenter closed it (wall clock).
    `provisional` marks a speculative copy sent early, during the end-of-speech wait: the audio the
    utterance will have if the speaker stays quiet (id 0; see audio/segmenter.py, pipeline.py).
    """

    id: int
    channel: Channel
    start: float
    end: float
    pcm: np.ndarray = field(repr=False)
    forced_cut: bool = False
    wall_end: float = 0.0
    provisional: bool = False

    @property
    def duration(self) -> float:
        return self.end - self.start


# ----------------------------------------------------------------------------------------- ASR


@dataclass(frozen=True)
class Word:
    text: str
    start: float
    end: float
    probability: float


@dataclass(frozen=True)
class Transcript:
    """ASR output for one utterance; word times are call audio time."""

    utterance_id: int
    channel: Channel
    start: float
    end: float
    text: str
    words: tuple[Word, ...] = ()
    avg_logprob: float = 0.0
    no_speech_prob: float = 0.0
    rejected_reason: str | None = None  # set when a hallucination guard dropped the text

    @property
    def confidence(self) -> float:
        """Mean word probability (0 when there are no words)."""
        if not self.words:
            return 0.0
        return float(sum(w.probability for w in self.words) / len(self.words))


# ------------------------------------------------------------------------------------- emotion


@dataclass(frozen=True)
class TextEmotion:
    """Emotion read from words. Score dicts are probabilities keyed by SENTIMENTS / EMOTIONS.

    `valence` is in [-1, 1]; `confidence` in [0, 1] is how much fusion should trust it.
    `source` names the engine ("vader", "transformer", "hybrid").
    """

    sentiment: str
    sentiment_scores: dict[str, float]
    emotion: str
    emotion_scores: dict[str, float]
    valence: float
    confidence: float
    source: str


@dataclass(frozen=True)
class VoiceEmotion:
    """Emotion read from the voice (prosody relative to the speaker's running baseline)."""

    emotion: str
    emotion_scores: dict[str, float]
    arousal: float  # 0 calm .. 1 agitated, relative to this speaker's baseline
    valence: float  # [-1, 1]; voice carries valence weakly, confidence says how much
    confidence: float
    cues: tuple[str, ...] = ()  # short human-readable prosody notes, e.g. "rising pitch"


@dataclass(frozen=True)
class ObjectionResult:
    type: str  # one of OBJECTIONS
    confidence: float  # probability of this type
    evidence: str = ""  # the phrase that carried it, for the UI and summary
    # Probability that the utterance raises any objection (1 - P(none)) when the tagger knows it.
    # The coach gates cues and summary entries on it: "price or need?" can be a close call on an
    # utterance that is plainly an objection. None: use `confidence`.
    presence: float | None = None

    @property
    def strength(self) -> float:
        """How sure the tagger is that this is an objection at all (gates cues and summary entries)."""
        return self.confidence if self.presence is None else self.presence


@dataclass(frozen=True)
class FusedEmotion:
    """Late fusion of text and voice: the score the product shows."""

    emotion: str
    emotion_scores: dict[str, float]
    sentiment: str
    valence: float  # [-1, 1]
    ess: float  # 0..10, 5 neutral
    confidence: float
    mixed_signal: bool = False
    why: str = ""


@dataclass(frozen=True)
class ScoredUtterance:
    """One finalised, transcribed and scored utterance: what listeners receive."""

    id: int
    channel: Channel
    start: float
    end: float
    text: str
    words: tuple[Word, ...]
    asr_confidence: float
    text_emotion: TextEmotion | None
    voice_emotion: VoiceEmotion | None
    objection: ObjectionResult
    fused: FusedEmotion | None  # None for rep utterances that are not scored
    wall_end: float = 0.0  # when the segmenter closed the utterance (wall clock)
    wall_scored: float = 0.0  # when scoring finished (wall clock)


# ------------------------------------------------------------------------------------- insight


@dataclass(frozen=True)
class EssUpdate:
    """Rolling ESS after a customer utterance, and the badge state (with hysteresis)."""

    t: float
    rolling: float
    utterance_ess: float
    badge: BadgeState
    why: str = ""


@dataclass(frozen=True)
class Cue:
    """A coaching cue for the rep, with the reason and evidence that triggered it."""

    t: float
    type: str
    text: str
    reason: str
    suggestion: str = ""
    evidence: tuple[str, ...] = ()
    id: int = 0


@dataclass(frozen=True)
class CallEnded:
    """Last event of a call. `summary` is an `insight.summary.CallSummary`."""

    t: float
    summary: object
