"""Talk metrics: shares, pace, monologues, interruptions, questions, silence gaps."""

from salesmind_desktop.insight.call import CallInsight
from salesmind_desktop.insight.scripted import Turn, replay
from salesmind_desktop.insight.talk import TalkTracker, count_questions


def test_shares_and_overlap_union():
    t = TalkTracker()
    t.add_region("rep", 0.0, 6.0)
    t.add_region("rep", 4.0, 8.0)  # overlapping regions count once
    t.add_region("customer", 9.0, 13.0)
    rep, cust = t.share()
    assert abs(rep - 8 / 12) < 1e-9 and abs(cust - 4 / 12) < 1e-9
    assert abs(t.speech_seconds("rep", 5.0, 7.0) - 2.0) < 1e-9


def test_interruptions_found_in_either_arrival_order():
    a = TalkTracker()
    a.add_region("customer", 0.0, 5.0)
    assert len(a.add_region("rep", 2.0, 3.0)) == 1
    b = TalkTracker()
    b.add_region("rep", 2.0, 3.0)
    assert len(b.add_region("customer", 0.0, 5.0)) == 1
    c = TalkTracker()
    c.add_region("customer", 0.0, 5.0)
    assert c.add_region("rep", 4.9, 6.0) == []  # a turn starting as the customer ends is no interruption


def test_monologue_breaks_on_pause_or_customer_turn():
    t = TalkTracker()
    for s in range(0, 50, 10):
        t.add_region("rep", s, s + 9.5)  # 0.5 s pauses
    t.add_region("customer", 50.2, 51.0)
    t.add_region("rep", 51.2, 60.0)
    assert t.monologues()[0] == (0, 49.5)
    assert t.metrics()["longest_rep_monologue_s"] == 49.5


def test_questions_and_wpm():
    assert count_questions("What do you think? And is Tuesday okay? Great.") == 2
    assert count_questions("how does that sound") == 1
    assert count_questions("We can do that") == 0
    t = TalkTracker()
    t.add_utterance("rep", 0.0, 10.0, " ".join(["word"] * 30))
    assert t.wpm("rep") == 180.0


def test_silence_gaps_between_speech():
    t = TalkTracker()
    t.add_region("rep", 0.0, 2.0)
    t.add_region("customer", 6.0, 8.0)
    t.add_region("rep", 8.5, 9.0)
    assert t.silence_gaps() == [(2.0, 6.0)]
    m = t.metrics()
    assert m["silence_gaps"] == 1 and m["longest_silence_s"] == 4.0


def test_summary_talk_from_utterances_when_no_vad_regions_are_forwarded():
    ins = CallInsight()
    replay(ins, [Turn("rep", 0.0, 3.0, "How are you?"), Turn("customer", 3.5, 9.5, "Fine, thanks, busy week.", 6.0)],
           activity=False)
    talk = ins.finish("x", 10.0).talk
    assert talk.rep_share == round(3 / 9, 3) and talk.rep_questions == 1 and talk.customer_wpm > 0


from hypothesis import given, settings as hsettings, strategies as st  # noqa: E402

region = st.tuples(st.sampled_from(["rep", "customer"]), st.floats(0.05, 8), st.floats(0.1, 15))


@hsettings(max_examples=80, deadline=None)
@given(st.lists(region, min_size=1, max_size=40))
def test_incremental_queries_match_brute_force(raw):
    """Each channel's VAD gives non-overlapping regions in order; the two channels interleave freely."""
    cursor = {"rep": 0.0, "customer": 0.0}
    spec = []
    for ch, gap, dur in raw:
        spec.append((ch, cursor[ch] + gap, dur))
        cursor[ch] += gap + dur
    t = TalkTracker()
    for ch, start, dur in spec:
        t.add_region(ch, start, start + dur)
    reps = [(s, s + d) for ch, s, d in spec if ch == "rep"]
    custs = [(s, s + d) for ch, s, d in spec if ch == "customer"]
    mono = t.monologues()
    if reps:
        last_end = max(e for _, e in reps)
        assert t.current_monologue()[1] == last_end
        assert t.current_monologue() == max(mono, key=lambda m: m[1])
    # interruptions: brute force over all pairs
    expected = {r for r, re_ in reps for c, ce in custs if c + 0.3 < r < ce - 0.3}
    assert {i.t for i in t.interruptions} == expected
    # windowed speech equals the brute-force union
    lo, hi = 50.0, 170.0
    for ch, spans in (("rep", reps), ("customer", custs)):
        pts = sorted((max(s, lo), min(e, hi)) for s, e in spans if e > lo and s < hi)
        total, cur = 0.0, None
        for s, e in pts:
            if cur is None or s > cur[1]:
                total += (cur[1] - cur[0]) if cur else 0.0
                cur = [s, e]
            else:
                cur[1] = max(cur[1], e)
        total += (cur[1] - cur[0]) if cur else 0.0
        assert abs(t.speech_seconds(ch, lo, hi) - total) < 1e-6
