"""Session factories for the call controller: live devices, or a recorded call replayed.

Each factory runs on the controller's worker thread: it builds the pipeline through the
composition root (`salesmind_desktop.app`, which loads the models — the slow part, reported as
progress) and the audio source, and returns both.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from salesmind_desktop.ui.controller import Progress, SessionFactory


class PacedSource:
    """Replays a fast file source at `speed` × real time (demo/screenshots at 2×, 4×, ...)."""

    def __init__(self, inner, speed: float) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.inner, self.speed = inner, speed
        self._stop = threading.Event()

    def stream(self) -> Iterator[object]:
        wall0 = time.monotonic()
        for item in self.inner.stream():
            end = getattr(item, "end", None)
            if end is not None:
                delay = wall0 + end / self.speed - time.monotonic()
                if delay > 0 and self._stop.wait(delay):
                    self.inner.stop()
            yield item

    def stop(self) -> None:
        self._stop.set()
        self.inner.stop()

    def __getattr__(self, name: str):
        return getattr(self.inner, name)


def new_call_id() -> str:
    """Unique, sortable and readable: 20261122-031502-5f3a."""
    import uuid

    return time.strftime("%Y%m%d-%H%M%S") + "-" + uuid.uuid4().hex[:4]


class LockedInsight:
    """Wraps the call's `CallInsight` so the rep's cue feedback (GUI thread) and the pipeline's
    consumer thread never use it at the same time."""

    def __init__(self, inner) -> None:
        self._inner = inner
        self._lock = threading.Lock()

    def __getattr__(self, name: str):
        attr = getattr(self._inner, name)
        if not callable(attr):
            return attr

        def locked(*args, **kwargs):
            with self._lock:
                return attr(*args, **kwargs)

        return locked


class SessionPipeline:
    """A `CallPipeline` plus a thread-safe `feedback()` into the insight of the running call."""

    def __init__(self, pipeline) -> None:
        self.pipeline = pipeline
        self.insight: LockedInsight | None = None
        self.partial = None
        self.audio_path: str = ""  # the recording this call can be played back from, if any
        make = pipeline.insight_factory

        def factory():
            self.insight = LockedInsight(make())
            return self.insight

        pipeline.insight_factory = factory

    def run(self, source, listener, call_id: str | None = None):
        """Run the call; if the analysis fails midway, keep what was understood so far in
        `self.partial` (a CallSummary of the call up to the failure) and re-raise."""
        call_id = call_id or new_call_id()
        self.partial = None
        try:
            return self.pipeline.run(source, listener, call_id=call_id)
        except BaseException:
            if self.insight is not None:
                try:
                    self.partial = self.insight.finish(call_id, 0.0)
                except Exception:  # the original failure is what the rep must see
                    self.partial = None
            raise

    def stop(self) -> None:
        self.pipeline.stop()

    def feedback(self, cue_id: int, action: str, t: float) -> None:
        if self.insight is not None:
            self.insight.feedback(cue_id, action, t)


class ModelCache:
    """The heavy models (Whisper, VAD), loaded once per app and shared by every call."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self.transcriber = None
        self.vad = None

    def get(self, settings, progress: Progress):
        from salesmind_desktop import app

        key = (settings.asr.model, settings.asr.device, settings.asr.compute_type, settings.asr.beam_size,
               settings.asr.cpu_threads)
        with self._lock:
            if self._key != key or self.transcriber is None:
                progress(f"Loading the speech model ({settings.asr.model}, {settings.asr.device})…")
                self.transcriber = app.build_transcriber(settings)
                self._key = key
            if self.vad is None:
                progress("Loading voice detection…")
                self.vad = app.build_vad(settings)
            return self.transcriber, self.vad


MODELS = ModelCache()


CustomerProvider = Callable[[], str]
"""Returns the customer (phone / email / CRM id) the rep picked for this call, or ""."""


def describe_context(ctx) -> str:
    """One line for the rep: who, how past calls went, what keeps coming up."""
    parts = [ctx.name or ctx.customer_id]
    if ctx.past_ess:
        parts.append(f"{len(ctx.past_ess)} past calls, ESS trend {ctx.ess_trend}")
    if ctx.recurring_objections or ctx.open_objections:
        parts.append("objections: " + ", ".join(dict.fromkeys(ctx.open_objections + ctx.recurring_objections)))
    if ctx.last_notes:
        parts.append(f"last note: {ctx.last_notes[:80]}")
    return "Customer: " + "; ".join(p for p in parts if p)


def _context(settings, customer: CustomerProvider | None, progress: Progress):
    who = (customer() if customer is not None else "").strip()
    if not who:
        return None
    from salesmind_desktop.crm.connection import fetch_context

    progress(f"Fetching the history of {who}…")
    ctx, note = fetch_context(settings, who)  # never raises: no CRM = no context, with a note
    progress(describe_context(ctx) if ctx is not None else f"Customer: {who} ({note})")
    return ctx


def _pipeline(settings, progress: Progress, models: ModelCache | None = None,
              customer: CustomerProvider | None = None) -> SessionPipeline:
    from salesmind_desktop import app

    context = _context(settings, customer, progress)
    transcriber, vad = (models or MODELS).get(settings, progress)
    progress("Loading emotion models…")
    return SessionPipeline(app.build_pipeline(settings, transcriber=transcriber, vad=vad, context=context))


def _file_source(settings, path: str | Path, realtime: bool):
    from salesmind_desktop import app

    build = getattr(app, "build_file_source", None)
    if build is not None:
        return build(settings, path, realtime=realtime)
    from salesmind_desktop.audio.sources import StereoFileSource  # as cli/analyze.py does

    return StereoFileSource(path, swap=settings.audio.swap_channels, realtime=realtime)


def _live_source(settings):
    from salesmind_desktop import app

    return app.build_live_source(settings)


def live_source_factory(settings):
    """For the auto-start monitor: opens the live devices when called (on its worker thread)."""
    return lambda: _live_source(settings)


def file_session(settings, path: str | Path, speed: float | None = 1.0,
                 customer: CustomerProvider | None = None) -> SessionFactory:
    """Replay a recorded call through the live UI at `speed` × real time (1.0 = like a call,
    the file source's own pacing; None = as fast as the analysis goes, for tests)."""

    def factory(progress: Progress):
        pipeline = _pipeline(settings, progress, customer=customer)
        pipeline.audio_path = str(Path(path).resolve())  # the rep's own file: key moments can play it
        progress(f"Opening {Path(path).name}…")
        source = _file_source(settings, path, realtime=speed == 1.0)
        return pipeline, (source if speed in (1.0, None) else PacedSource(source, speed))

    return factory


def live_session(settings, customer: CustomerProvider | None = None) -> SessionFactory:
    """The rep's microphone and the system loopback (with the bleed guard when it is on)."""

    def factory(progress: Progress):
        from salesmind_desktop import app

        context = _context(settings, customer, progress)
        transcriber, vad = MODELS.get(settings, progress)
        progress("Loading emotion models and opening the microphone and call audio…")
        record_to = None
        if settings.privacy.keep_audio:  # the rep opted in: key moments can play the call back
            from salesmind_desktop.audio.recorder import new_recording_path

            record_to = new_recording_path()
        pipeline, source = app.build_live_session(settings, transcriber=transcriber, vad=vad, context=context,
                                                  record_to=record_to)
        session = SessionPipeline(pipeline)
        session.audio_path = str(record_to or "")
        return session, source

    return factory
