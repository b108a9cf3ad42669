"""Protocols that every emotion engine implements, so engines can be swapped and faked in tests."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from salesmind_desktop.events import (
    Channel,
    FusedEmotion,
    ObjectionResult,
    TextEmotion,
    VoiceEmotion,
    Word,
)


class TextEmotionEngine(Protocol):
    """Reads sentiment and emotion from a transcript line."""

    def score(self, text: str) -> TextEmotion: ...


class VoiceEmotionEngine(Protocol):
    """Reads vocal emotion from an utterance's audio, relative to the speaker's running baseline.

    Engines are stateful per channel (the baseline); `reset()` starts a new call.
    """

    def score(self, channel: Channel, pcm: np.ndarray, words: Sequence[Word]) -> VoiceEmotion | None: ...

    def reset(self) -> None: ...


class ObjectionTagger(Protocol):
    def tag(self, text: str) -> ObjectionResult: ...


class FusionEngine(Protocol):
    """Combines text and voice readings (either may be missing) into the score the product shows."""

    def fuse(
        self,
        text: TextEmotion | None,
        voice: VoiceEmotion | None,
        objection: ObjectionResult,
        asr_confidence: float,
    ) -> FusedEmotion: ...
