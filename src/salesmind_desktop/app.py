"""Composition root: the only place that picks concrete classes and wires them together.

Each `build_*` function is owned by the feature it builds (see docs/contracts.md); callers
(CLI commands, the desktop app, tests) ask for a ready pipeline or engine through these.
Everything is built lazily; nothing here runs at import time.
"""

from __future__ import annotations

from salesmind_desktop.settings import Settings


def build_text_engine(settings: Settings):
    """Text emotion engine per `settings.emotion.text_engine` (hybrid | transformer | vader)."""
    from salesmind_desktop.emotion.vader import VaderEngine

    return VaderEngine()


def build_voice_engine(settings: Settings):
    """Voice emotion engine, or None when disabled."""
    return None


def build_objection_tagger(settings: Settings):
    from salesmind_desktop.emotion.objections import build_default_tagger

    return build_default_tagger()


def build_fusion(settings: Settings):
    from salesmind_desktop.emotion.fusion import LateFusion

    return LateFusion()
