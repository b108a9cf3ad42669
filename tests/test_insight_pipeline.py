"""Coaching and summary through the real pipeline (Silero VAD, Whisper tiny.en, emotion engines)."""

import pytest
from fixtures_core import shared_transcriber, voice_model_present

from salesmind_desktop.events import Cue, EssUpdate, ScoredUtterance, SpeechActivity
from salesmind_desktop.insight.summary import validate
from salesmind_desktop.settings import Settings


def _text_model_present() -> bool:
    from salesmind_desktop import modelstore
    from salesmind_desktop.errors import ModelError

    try:
        modelstore.project_model("text_emotion")
    except ModelError:
        return False
    return True


@pytest.mark.slow
def test_late_spike_call_end_to_end(render_call):
    from salesmind_desktop import app
    from salesmind_desktop.audio.sources import StereoFileSource

    settings = Settings()
    settings.emotion.voice = voice_model_present()
    if not _text_model_present():  # the text model is built by the emotion issue; its own tests require it
        settings.emotion.text_engine = "vader"
    wav, truth = render_call("d4_late_spike")
    events = []
    summary = app.build_pipeline(settings, transcriber=shared_transcriber()).run(
        StereoFileSource(wav), events.append, call_id="d4")
    validate(summary.to_dict())

    scored = [e for e in events if isinstance(e, ScoredUtterance) and e.channel == "customer"]
    updates = [e for e in events if isinstance(e, EssUpdate)]
    assert len(updates) == len([s for s in scored if s.fused is not None]) == len(summary.ess_timeline)
    assert summary.badge[0].state == "green" and all(u.badge in ("green", "amber", "red") for u in updates)

    # talk metrics agree with the scripted timeline
    truth_s = {ch: sum(t["end"] - t["start"] for t in truth["turns"] if t["speaker"] == ch) for ch in ("rep", "customer")}
    assert summary.talk.rep_talk_s == pytest.approx(truth_s["rep"], rel=0.25)
    assert summary.talk.customer_talk_s == pytest.approx(truth_s["customer"], rel=0.25)
    assert summary.talk.rep_share + summary.talk.customer_share == pytest.approx(1.0, abs=0.01)
    assert summary.talk.interruptions == 0 and summary.talk.rep_questions >= 2
    assert any(isinstance(e, SpeechActivity) for e in events)

    cues = [e for e in events if isinstance(e, Cue)]
    assert len(cues) <= settings.coaching.max_cues_per_call == 8
    assert all(c.reason and c.evidence and c.text for c in cues)
    assert [c.id for c in summary.cues] == [c.id for c in cues]
    assert "negative_trend" not in [c.type for c in cues]  # one bad sentence in a good call

    text = summary.to_text()
    assert "ESS overall" in text and "Transcript" in text and "00:" in text
