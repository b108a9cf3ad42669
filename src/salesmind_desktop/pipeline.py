"""The call session: the only place in the core with threads and queues.

    reader thread    source.stream() -> per channel VAD + segmenter -> ASR queue (+ activity, meters)
    ASR worker       one thread, one model: customer first -> Transcript -> scoring -> ScoredUtterance
    run() thread     the single consumer: owns the insight (pure, not thread-safe), calls `listener`

All times are call audio time. The insight only hears `advance(t)` up to the *watermark*: the
earliest audio time whose speech might still be waiting in a segmenter or in the ASR queue, so a
slow ASR never makes it think the customer went quiet. File replay blocks on a full ASR queue
(nothing lost); a live source (`source.live = True`) drops the least useful waiting utterance and
reports it as `SourceStatus("overflow")`. Any error in a thread stops the call and is re-raised
by `run()`; `stop()` (any thread) ends the call cleanly and still returns the summary.

Speculative ASR (live customer speech): the segmenter sends a provisional copy of an utterance
once `vad.speculate_ms` of silence has passed; the worker transcribes it during the rest of the
end-of-speech wait and, when the final utterance arrives with the very same audio, reuses that
transcript, so the customer's words are scored as soon as the utterance closes. A copy made
stale by more speech costs one wasted pass; copies are the first thing dropped when ASR is behind.
"""

from __future__ import annotations

import itertools
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from salesmind_desktop.asr_queue import UtteranceQueue
from salesmind_desktop.audio.levels import SILENT_DB, rms_db
from salesmind_desktop.audio.segmenter import Segmenter
from salesmind_desktop.errors import SalesMindError
from salesmind_desktop.events import (
    CHANNELS,
    AudioChunk,
    CallEnded,
    Channel,
    LevelMeter,
    ObjectionResult,
    ScoredUtterance,
    SourceStatus,
    SpeechActivity,
    Transcript,
    Utterance,
)
from salesmind_desktop.settings import VadSettings

NO_OBJECTION = ObjectionResult("none", 1.0)
FrameGate = Callable[[Channel, np.ndarray, np.ndarray], np.ndarray]


class PipelineError(SalesMindError):
    """An unexpected failure inside a pipeline thread."""


@dataclass
class Engines:
    """The scoring engines (see emotion/base.py); `voice` may be None."""

    text: object
    tagger: object
    fusion: object
    voice: object | None = None


# Voice-only scoring of customer speech with no reliable words: long and loud enough to be speech
# the VAD and Whisper both heard (Whisper's no-speech probability stays below this).
VOICE_ONLY_MIN_S = 0.4
VOICE_ONLY_MIN_DB = -40.0
VOICE_ONLY_MAX_NO_SPEECH = 0.5


class ChannelFront:
    """VAD + segmenter for one channel. `gate(channel, frames, probs) -> probs` may veto speech
    (e.g. a bleed guard that knows the other channel); it runs on the reader thread."""

    def __init__(self, channel: Channel, vad, segmenter: Segmenter, gate: FrameGate | None = None) -> None:
        self.channel, self.vad, self.segmenter, self.gate = channel, vad, segmenter, gate
        self.started = False
        self.level_db = SILENT_DB

    def feed(self, chunk: AudioChunk) -> list[Utterance | SpeechActivity]:
        if not self.started:
            self.segmenter.t0 = chunk.start
            self.started = True
        self.level_db = rms_db(chunk.pcm)
        frames, probs = self.vad.frames(self.channel, chunk.pcm)
        if self.gate is not None and len(probs):
            probs = self.gate(self.channel, frames, probs)
        return self.segmenter.push(frames, probs)

    def open_since(self) -> float | None:
        """Start of the speech region still being collected, if any."""
        seg = self.segmenter
        return seg._time(seg._seg_k) if seg.speaking else None


class CallPipeline:
    def __init__(self, *, vad, transcriber, engines: Engines, insight_factory: Callable[[], object],
                 vad_settings: VadSettings | None = None, queue_size: int = 32,
                 meter_interval_s: float = 0.1, frame_gate: FrameGate | None = None,
                 bleed_guard=None) -> None:
        self.vad = vad
        self.transcriber = transcriber
        self.engines = engines
        self.insight_factory = insight_factory
        self.vad_settings = vad_settings or VadSettings()
        self.queue_size = queue_size
        self.meter_interval_s = meter_interval_s
        self.frame_gate = frame_gate
        self.bleed_guard = bleed_guard  # push_loopback(start, pcm); check(start, end, pcm) -> verdict
        self._stop = threading.Event()
        self._abort = threading.Event()
        self._source = None
        self._error: BaseException | None = None
        self._lock = threading.Lock()

    # ------------------------------------------------------------------------------ control

    def stop(self) -> None:
        """End the call: stop reading, transcribe what is already segmented, finish the summary."""
        self._stop.set()
        if self._source is not None:
            self._source.stop()

    def _fail(self, exc: BaseException, where: str) -> None:
        with self._lock:
            if self._error is None:
                if not isinstance(exc, SalesMindError):
                    wrapped = PipelineError(f"{where} failed: {type(exc).__name__}: {exc}",
                                            "run `salesmind-desktop doctor`; if it persists, report it with this message")
                    wrapped.__cause__ = exc
                    exc = wrapped
                self._error = exc
        self._abort.set()
        if self._source is not None:
            self._source.stop()

    # ---------------------------------------------------------------------------------- run

    def run(self, source, listener: Callable[[object], None], call_id: str = "call"):
        """Analyse one call from `source` to its end (or `stop()`); returns the `CallSummary`."""
        self._stop.clear()
        self._abort.clear()
        self._error = None
        self._source = source
        if hasattr(self.vad, "reset"):
            self.vad.reset()
        voice = self.engines.voice
        if voice is not None and hasattr(voice, "reset"):
            voice.reset()
        insight = self.insight_factory()
        self._events: queue.Queue = queue.Queue(maxsize=2048)
        self._asr = UtteranceQueue(self.queue_size)
        self._speculative: dict[str, tuple[Utterance, Transcript]] = {}  # channel -> latest early ASR
        self.speculation = {"transcribed": 0, "reused": 0}
        live = bool(getattr(source, "live", False))
        if hasattr(self.transcriber, "live"):  # e.g. Whisper's encoder window: fitted on live calls
            self.transcriber.live = live
        reader = threading.Thread(target=self._reader, args=(source, live), name="salesmind-reader", daemon=True)
        worker = threading.Thread(target=self._worker, name="salesmind-asr", daemon=True)
        reader.start()
        worker.start()
        try:
            summary = self._consume(insight, listener, call_id, live)
        except BaseException as exc:
            self._fail(exc, "listener")
            raise
        finally:
            self._asr.close()
            reader.join(timeout=10)
            worker.join(timeout=60)
            self._source = None
        return summary

    def _put(self, item: tuple) -> None:
        while not self._abort.is_set():
            try:
                self._events.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    # ------------------------------------------------------------------------------- reader

    def _reader(self, source, live: bool) -> None:
        try:
            ids = itertools.count(1)
            fronts = {ch: ChannelFront(ch, self.vad, Segmenter(ch, self.vad_settings, ids), self.frame_gate)
                      for ch in CHANNELS}
            t_end, next_meter = 0.0, 0.0
            for ev in source.stream():
                if self._abort.is_set():
                    break
                if isinstance(ev, SourceStatus):
                    self._put(("event", ev))
                    continue
                if not isinstance(ev, AudioChunk):
                    continue
                if self.bleed_guard is not None and ev.channel == "customer":
                    self.bleed_guard.push_loopback(ev.start, ev.pcm)
                front = fronts[ev.channel]
                self._route(front.feed(ev), live)
                t_end = max(t_end, ev.end)
                if ev.end >= next_meter:
                    next_meter = ev.end + self.meter_interval_s
                    self._put(("event", LevelMeter(ev.end, fronts["rep"].level_db, fronts["customer"].level_db,
                                                   fronts["rep"].segmenter.speaking,
                                                   fronts["customer"].segmenter.speaking)))
                opens = [t for f in fronts.values() if (t := f.open_since()) is not None]
                self._put(("time", min([t_end, *opens])))
            for front in fronts.values():
                self._route(front.segmenter.flush(), live)
            self._put(("reader_done", t_end))
        except BaseException as exc:  # noqa: BLE001 - handed to run()
            self._fail(exc, "audio reader")
        finally:
            self._asr.close()

    def _route(self, items: list[Utterance | SpeechActivity], live: bool) -> None:
        for item in items:
            if isinstance(item, SpeechActivity):
                self._put(("activity", item))
                continue
            if item.provisional:
                # live customer speech only: its latency is what the rep waits for
                if live and item.channel == "customer":
                    self._asr.put(item, block=False)  # if the queue is full, it is the one dropped
                continue
            self._put(("queued", item.id, item.start))
            dropped = self._asr.put(item, block=not live, cancelled=self._abort.is_set)
            if dropped is not None and not dropped.provisional:
                self._put(("dropped", dropped.id))
                self._put(("event", SourceStatus(
                    "overflow", f"speech recognition is behind: skipped {dropped.channel} speech "
                                f"{dropped.start:.1f}-{dropped.end:.1f} s", dropped.channel, dropped.end)))

    # ------------------------------------------------------------------------------- worker

    def _worker(self) -> None:
        try:
            while not self._abort.is_set():
                utt = self._asr.get(timeout=0.1)
                if utt is None:
                    if self._asr.closed and len(self._asr) == 0:
                        break
                    continue
                if utt.provisional:  # sorts before its final utterance, which then reuses this
                    self._speculative[utt.channel] = (utt, self.transcriber.transcribe(utt))
                    self.speculation["transcribed"] += 1
                    continue
                transcript = self._bleed(utt) or self._reuse(utt) or self.transcriber.transcribe(utt)
                if transcript.text and not transcript.rejected_reason:
                    scored = self._score(utt, transcript)
                elif self._voice_only(utt, transcript):
                    scored = self._score(utt, transcript, use_text=False)
                else:
                    scored = None
                self._put(("done", utt.id, transcript, scored))
        except BaseException as exc:  # noqa: BLE001 - handed to run()
            self._fail(exc, "speech recognition")
        finally:
            self._put(("worker_done",))

    def _reuse(self, utt: Utterance) -> Transcript | None:
        """The transcript of this utterance's provisional copy, when its audio is exactly the same
        (the speaker stayed quiet through the end-of-speech wait)."""
        early, transcript = self._speculative.pop(utt.channel, (None, None))
        if early is None or early.start != utt.start or not np.array_equal(early.pcm, utt.pcm):
            return None
        self.speculation["reused"] += 1
        return replace(transcript, utterance_id=utt.id)

    def _bleed(self, utt: Utterance) -> Transcript | None:
        """A rejected transcript when a rep utterance is the customer's voice leaking into the mic."""
        if self.bleed_guard is None or utt.channel != "rep":
            return None
        verdict = self.bleed_guard.check(utt.start, utt.end, utt.pcm)
        if not verdict.bleed:
            return None
        return Transcript(utt.id, utt.channel, utt.start, utt.end, "",
                          rejected_reason=f"echo of the customer in the mic (share {verdict.share:.2f})")

    def _voice_only(self, utt: Utterance, tr: Transcript) -> bool:
        """Customer speech whose words ASR could not give reliably is still read from the voice
        (e.g. a sharp "I'm fine." lost to low confidence), but never silence, noise or echo."""
        return (utt.channel == "customer" and self.engines.voice is not None
                and utt.duration >= VOICE_ONLY_MIN_S and rms_db(utt.pcm) >= VOICE_ONLY_MIN_DB
                and tr.no_speech_prob < VOICE_ONLY_MAX_NO_SPEECH)

    def _score(self, utt: Utterance, tr: Transcript, use_text: bool = True) -> ScoredUtterance:
        e = self.engines
        text_emotion = e.text.score(tr.text) if use_text else None
        words = tr.words if use_text else ()
        confidence = tr.confidence if use_text else 0.0
        voice = objection = fused = None
        if utt.channel == "customer":
            voice = e.voice.score(utt.channel, utt.pcm, words) if e.voice is not None else None
            objection = e.tagger.tag(tr.text) if use_text else NO_OBJECTION
            fused = e.fusion.fuse(text_emotion, voice, objection, confidence)
        start = words[0].start if words else utt.start
        end = words[-1].end if words else utt.end
        return ScoredUtterance(
            id=utt.id, channel=utt.channel, start=max(utt.start, start), end=min(utt.end, max(end, start)),
            text=tr.text if use_text else "", words=words, asr_confidence=confidence, text_emotion=text_emotion,
            voice_emotion=voice, objection=objection or NO_OBJECTION, fused=fused,
            wall_end=utt.wall_end, wall_scored=time.monotonic())

    # ----------------------------------------------------------------------------- consumer

    def _consume(self, insight, listener: Callable[[object], None], call_id: str, live: bool):
        pending: dict[int, float] = {}
        reader_t, watermark, duration = 0.0, 0.0, 0.0
        reader_done = worker_done = False

        def emit(events) -> None:
            for event in events or ():
                listener(event)

        while not (reader_done and worker_done):
            if self._error is not None:
                raise self._error
            try:
                item = self._events.get(timeout=0.1)
            except queue.Empty:
                continue
            kind = item[0]
            if kind == "event":
                listener(item[1])
                if live and isinstance(item[1], LevelMeter) and hasattr(insight, "on_level"):
                    emit(insight.on_level(item[1]))  # live only: a replay's meters run ahead
            elif kind == "activity":
                listener(item[1])
                emit(insight.on_activity(item[1]))
            elif kind == "queued":
                pending[item[1]] = item[2]
            elif kind == "dropped":
                pending.pop(item[1], None)
            elif kind == "done":
                _, uid, transcript, scored = item
                pending.pop(uid, None)
                listener(transcript)
                if scored is not None:
                    listener(scored)
                    emit(insight.on_utterance(scored))
            elif kind == "time":
                reader_t = max(reader_t, item[1])
            elif kind == "reader_done":
                reader_done, duration = True, item[1]
                reader_t = max(reader_t, duration)
            elif kind == "worker_done":
                worker_done = True
            mark = min([reader_t, *pending.values()])
            if mark > watermark:
                watermark = mark
                emit(insight.advance(watermark))
        if self._error is not None:
            raise self._error
        if duration > watermark:
            emit(insight.advance(duration))
        summary = insight.finish(call_id, duration)
        listener(CallEnded(duration, summary))
        return summary
