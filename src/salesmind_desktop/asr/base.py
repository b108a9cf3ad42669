"""The contract between the pipeline and a speech recogniser."""

from __future__ import annotations

from typing import Protocol

from salesmind_desktop.events import Transcript, Utterance


class Transcriber(Protocol):
    """Turns one VAD utterance into text with word times in call audio time."""

    def transcribe(self, utterance: Utterance) -> Transcript: ...
