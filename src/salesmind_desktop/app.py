"""Composition root: the only place that picks concrete classes and wires them together.

Each `build_*` function is owned by the feature it builds (see docs/contracts.md); callers
(CLI commands, the desktop app, tests) ask for a ready pipeline or engine through these.
Everything is built lazily; nothing here runs at import time.
"""

from __future__ import annotations

from salesmind_desktop.settings import Settings


def build_text_engine(settings: Settings):
    """Text emotion engine per `settings.emotion.text_engine` (hybrid | transformer | vader).

    hybrid/transformer load the bundled int8 model once (`ModelError` if missing or corrupt).
    """
    from salesmind_desktop.emotion.vader import VaderEngine

    choice = settings.emotion.text_engine
    if choice == "vader":
        return VaderEngine()
    if choice not in ("hybrid", "transformer"):
        from salesmind_desktop.errors import ConfigError

        raise ConfigError(f"unknown emotion.text_engine '{choice}'", "use hybrid, transformer or vader")
    from salesmind_desktop.emotion.text import TransformerTextEngine, load_text_model

    transformer = TransformerTextEngine(load_text_model())
    if choice == "transformer":
        return transformer
    from salesmind_desktop.emotion.hybrid import HybridTextEngine

    return HybridTextEngine(transformer, VaderEngine())


def build_voice_engine(settings: Settings):
    """Voice emotion engine (ONNX, `models/voice_emotion` or SALESMIND_MODEL_VOICE_EMOTION), or None
    when `settings.emotion.voice` is off. A missing/corrupt model raises `ModelError`."""
    if not settings.emotion.voice:
        return None
    from salesmind_desktop.emotion.voice import OnnxVoiceEngine

    return OnnxVoiceEngine()


def build_objection_tagger(settings: Settings):
    from salesmind_desktop.emotion.objections import build_default_tagger

    return build_default_tagger()


def build_fusion(settings: Settings):
    from salesmind_desktop.emotion.fusion import LateFusion

    return LateFusion()


# ------------------------------------------------------------------ streaming core (issue 2)


def build_vad(settings: Settings):
    """Silero VAD (one ONNX session shared by both channels)."""
    from salesmind_desktop import modelstore
    from salesmind_desktop.audio.vad import SileroVad

    return SileroVad(modelstore.vad_model().path)


def build_transcriber(settings: Settings):
    """faster-whisper per `settings.asr` (model tiny.en | base | folder; device auto | cpu | cuda)."""
    from salesmind_desktop import modelstore
    from salesmind_desktop.asr.whisper import WhisperTranscriber

    info = modelstore.asr_model(settings.asr.model)
    return WhisperTranscriber(info.path, device=settings.asr.device, compute_type=settings.asr.compute_type,
                              beam_size=settings.asr.beam_size, cpu_threads=settings.asr.cpu_threads,
                              window=settings.asr.window)


def build_pipeline(settings: Settings, *, transcriber=None, vad=None, context=None, frame_gate=None,
                   bleed_guard=None):
    """A ready `CallPipeline`; pass a loaded `transcriber`/`vad` to share them across calls, and
    `bleed_guard=build_bleed_guard(settings)` for live calls on speakers."""
    from salesmind_desktop.pipeline import CallPipeline, Engines

    engines = Engines(text=build_text_engine(settings), tagger=build_objection_tagger(settings),
                      fusion=build_fusion(settings), voice=build_voice_engine(settings))
    make_insight = globals().get("build_insight")

    def insight_factory():
        if make_insight is not None:
            return make_insight(settings, context=context)
        from salesmind_desktop.insight.call import CallInsight

        return CallInsight(settings.coaching, context=context)

    return CallPipeline(vad=vad or build_vad(settings), transcriber=transcriber or build_transcriber(settings),
                        engines=engines, insight_factory=insight_factory, vad_settings=settings.vad,
                        frame_gate=frame_gate, bleed_guard=bleed_guard)


# ------------------------------------------------------------------ live capture (issue 5)


def build_capture_backend(settings: Settings):
    """The capture backend for this OS (PulseAudio/PipeWire, WASAPI loopback, macOS virtual device)."""
    from salesmind_desktop.audio.loopback import select_backend

    return select_backend()


def build_live_source(settings: Settings, *, mic: str | None = None, loopback: str | None = None,
                      duration_s: float | None = None, backend=None):
    """Mic (rep) + loopback (customer) `DeviceSource`; `mic`/`loopback` override the settings."""
    from salesmind_desktop.audio.devices import choose_pair
    from salesmind_desktop.audio.live import DeviceSource

    backend = backend or build_capture_backend(settings)
    a = settings.audio
    rep, customer = choose_pair(a.mic_device if mic is None else mic,
                                a.loopback_device if loopback is None else loopback, backend)
    return DeviceSource(rep, customer, backend, block_ms=a.block_ms, fallback_after_s=a.device_fallback_s,
                        mute_after_s=a.mute_after_s, duration_s=duration_s)


def build_bleed_guard(settings: Settings):
    """The echo/bleed guard for live calls, or None when `audio.bleed_guard` is off."""
    if not settings.audio.bleed_guard:
        return None
    from salesmind_desktop.audio.bleed import BleedGuard

    return BleedGuard(threshold=settings.audio.bleed_threshold)


def build_live_session(settings: Settings, *, mic: str | None = None, loopback: str | None = None,
                       duration_s: float | None = None, transcriber=None, vad=None, context=None, backend=None,
                       record_to=None):
    """(pipeline, source) for a live call, with the bleed guard wired in when enabled: the pipeline
    feeds it the customer channel and skips rep utterances that are mostly the customer's audio
    (`bleed_guard`), and its VAD gate keeps that leak out of the rep's talk time (`frame_gate`).
    `record_to` (a .wav path) also records the call there, as a stereo file `analyze` reads."""
    from salesmind_desktop.audio.bleed import BleedGate

    source = build_live_source(settings, mic=mic, loopback=loopback, duration_s=duration_s, backend=backend)
    if record_to is not None:
        from salesmind_desktop.audio.recorder import CallRecorder, RecordingSource

        source = RecordingSource(source, CallRecorder(record_to))
    guard = build_bleed_guard(settings)
    gate = BleedGate(guard, lambda: source.origin("rep")) if guard is not None else None
    pipeline = build_pipeline(settings, transcriber=transcriber, vad=vad, context=context, frame_gate=gate,
                              bleed_guard=guard)
    return pipeline, source


# ------------------------------------------------------------------ coaching (issue 4)

RECENT_CALLS_FOR_FEEDBACK = 10


def build_insight(settings: Settings, *, context=None):
    """The call's `CallInsight`: playbook per `coaching.playbook` (shipped + IT override), CRM
    context, and the rep's cue feedback from recent calls in the local store (if there is one)."""
    from salesmind_desktop.insight.call import CallInsight
    from salesmind_desktop.insight.fatigue import prior_dismissals
    from salesmind_desktop.insight.playbook import Playbook

    prior = prior_dismissals(_recent_summaries(RECENT_CALLS_FOR_FEEDBACK), settings.coaching.mute_after_dismissals)
    return CallInsight(settings.coaching, playbook=Playbook.load(settings.coaching.playbook or None),
                       context=context, prior_dismissals=prior)


def _recent_summaries(limit: int) -> list[dict]:
    """Summaries of the last `limit` stored calls; none when the store is absent or unreadable."""
    import sqlite3

    from salesmind_desktop.errors import SalesMindError
    from salesmind_desktop.store.local import LocalStore, default_path

    if not default_path().exists():
        return []
    try:
        store = LocalStore()
    except SalesMindError:
        return []
    try:
        return [s for s in (store.summary(cid) for cid in store.call_ids()[-limit:]) if s]
    except (SalesMindError, sqlite3.Error, ValueError):  # a damaged store must not stop a call starting
        return []
    finally:
        store.close()
