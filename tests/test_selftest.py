"""`selftest` verification rules, the doctor's CRM/bundle checks, and the real self-test run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from salesmind_desktop import doctor_checks, selfcheck
from salesmind_desktop.cli import main
from salesmind_desktop.insight.summary import CallSummary, EssSummary, UtteranceRecord
from salesmind_desktop.settings import Settings


pytest_plugins = ["fixtures_mongo", "fixtures_pulse"]  # nx-27017, private PulseAudio (session-wide)

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = ROOT / "assets" / "selftest" / "selftest_call.expected.json"
REP = ("Hello Maria, this is Sam. How is the new software working for your team?",
       "Wonderful. I will send the renewal papers today.")
CUSTOMER = ("It works great, thank you. The whole team loves the reports.", "Perfect, thanks a lot.")


def summary(rep=REP, customer=CUSTOMER, overall=7.6, badge="green") -> dict:
    utts, t = [], 1.0
    for i, (ch, text) in enumerate([("rep", rep[0]), ("customer", customer[0]),
                                    ("rep", rep[1]), ("customer", customer[1])]):
        utts.append(UtteranceRecord(id=i, channel=ch, start=t, end=t + 3, text=text,
                                    sentiment="positive" if ch == "customer" else None,
                                    emotion="satisfied" if ch == "customer" else None,
                                    ess=overall if ch == "customer" else None))
        t += 4
    from salesmind_desktop.insight.summary import BadgePoint

    return CallSummary(call_id="selftest", duration_s=18.2, ess=EssSummary(overall, overall - 0.5, overall, "steady"),
                       utterances=tuple(utts), badge=(BadgePoint(0.0, badge),)).to_dict()


@pytest.fixture
def expected():
    return selfcheck.load_expected(EXPECTED)


def _failed(checks):
    return {c.name: c for c in checks if not c.ok}


def test_correct_result_passes_every_check(expected):
    checks = selfcheck.verify(summary(), expected, {"ScoredUtterance": 4, "EssUpdate": 2, "CallEnded": 1}, 3.0)
    assert not _failed(checks), [c.line() for c in checks]
    assert Path(expected["clip_path"]).is_file()


def test_swapped_channels_are_named(expected):
    failed = _failed(selfcheck.verify(summary(rep=CUSTOMER, customer=REP), expected))
    assert "channels" in failed and "swapped" in failed["channels"].fix
    assert "transcript rep" in failed and "missing" in failed["transcript rep"].detail


def test_missing_words_ess_out_of_range_and_red_badge_fail(expected):
    failed = _failed(selfcheck.verify(summary(customer=("Hmm.", "Okay."), overall=2.0, badge="red"), expected))
    assert {"transcript customer", "ESS", "badge"} <= set(failed)
    assert "great" in failed["transcript customer"].detail
    assert "2.0" in failed["ESS"].detail and failed["ESS"].fix


def test_broken_summary_and_missing_events_fail(expected):
    data = summary()
    del data["ess"]["trend"]
    data["utterances"][1]["ess"] = 12.0
    failed = _failed(selfcheck.verify(data, expected, {"ScoredUtterance": 4}, 999.0))
    assert {"summary schema", "ESS per utterance", "live events", "speed"} <= set(failed)


def test_bad_expectations_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "e.json"
    bad.write_text(json.dumps({"words": {"agent": ["x"]}}))
    assert main(["selftest", "--expected", str(bad)]) == 4


def test_doctor_crm_not_configured_passes_with_note(monkeypatch):
    import keyring
    from keyring.backends import null

    monkeypatch.setattr(keyring, "get_keyring", lambda: null.Keyring())  # a keychain holding nothing
    check = doctor_checks.crm_check(Settings())
    assert check.ok and "not configured" in check.detail


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_doctor_crm_unreachable_fails_readably(monkeypatch):
    monkeypatch.setenv("SALESMIND_MONGODB_URI", f"mongodb://sam:s3cret@127.0.0.1:{free_port()}/?directConnection=true")
    check = doctor_checks.crm_check(Settings(), timeout_ms=500)
    assert not check.ok and "unreachable" in check.detail
    assert "s3cret" not in check.detail and "firewall" in check.fix


@pytest.mark.crm
def test_doctor_crm_reachable(mongo_uri, monkeypatch):
    monkeypatch.setenv("SALESMIND_MONGODB_URI", mongo_uri)
    check = doctor_checks.crm_check(Settings())
    assert check.ok and "reachable" in check.detail, check.line()


@pytest.mark.audio
def test_doctor_live_capture_on_real_pulseaudio(pulse_server):
    check = doctor_checks.loopback_check(Settings())
    assert check.ok, check.line()
    assert "virtual_mic" in check.detail and "speakers.monitor" in check.detail and "pulse" in check.detail


def test_doctor_live_capture_without_sound_server_fails_readably(monkeypatch, tmp_path):
    monkeypatch.setenv("PULSE_SERVER", f"unix:{tmp_path / 'no-such-socket'}")
    check = doctor_checks.loopback_check(Settings())
    assert not check.ok and check.fix, check.line()


def test_doctor_bundle_and_qt_checks_in_checkout(monkeypatch, tmp_path):
    assert doctor_checks.bundle_check().ok
    assert doctor_checks.qt_check().ok
    monkeypatch.setenv("SALESMIND_RESOURCES", str(tmp_path))  # a bundle without its assets
    check = doctor_checks.bundle_check()
    assert not check.ok and "selftest_call.wav" in check.detail


@pytest.mark.slow
def test_selftest_runs_the_real_pipeline(tmp_path, capsys):
    """The shipped clip through the real models and pipeline, as IT would run it."""
    report = tmp_path / "report.json"
    code = main(["selftest", "--json", str(report)])
    out = capsys.readouterr().out
    assert code == 0, out
    data = json.loads(report.read_text())
    assert data["passed"] and data["event_counts"]["EssUpdate"] >= 1
    assert "PASSED" in out and "FAIL" not in out
