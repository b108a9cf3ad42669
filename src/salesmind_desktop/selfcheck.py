"""Verifies the result of analysing the bundled self-test clip (`salesmind-desktop selftest`).

Pure functions over a summary dict (`CallSummary.to_dict()`) and the events the pipeline emitted,
checked against `assets/selftest/<clip>.expected.json`. Every check returns a `Check` that says
what was expected, what was found and, on failure, what to do about it, so IT can read the report
on a PC they have never seen.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from salesmind_desktop import paths
from salesmind_desktop.errors import ConfigError

CHANNELS = ("rep", "customer")
_WORD = re.compile(r"[a-z0-9']+")


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""

    def line(self) -> str:
        text = f"{'ok  ' if self.ok else 'FAIL'}  {self.name}: {self.detail}"
        return text if self.ok or not self.fix else f"{text}\n      fix: {self.fix}"


def selftest_dir() -> Path:
    return paths.assets_dir() / "selftest"


def default_expected_file() -> Path:
    return selftest_dir() / "selftest_call.expected.json"


def load_expected(path: Path) -> dict[str, Any]:
    """Read an expectations file; the clip it names is resolved next to it."""
    fix = "reinstall SalesMind (the bundled self-test files are damaged) or pass --expected FILE"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"self-test expectations {path} not found", fix) from None
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read self-test expectations {path}: {exc}", fix) from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a JSON object", fix)
    words = data.get("words")
    if not isinstance(words, dict) or set(words) - set(CHANNELS) or not all(
            isinstance(v, list) and all(isinstance(w, str) for w in v) for v in words.values()):
        raise ConfigError(f"{path}: \"words\" must map rep/customer to lists of words", fix)
    ess = data.get("ess_overall", [0.0, 10.0])
    if not (isinstance(ess, list) and len(ess) == 2 and all(isinstance(x, (int, float)) for x in ess)):
        raise ConfigError(f"{path}: \"ess_overall\" must be [low, high]", fix)
    data["clip_path"] = str(path.parent / str(data.get("clip", "")))
    return data


def words_of(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("’", "'"))


def transcripts(summary: dict[str, Any]) -> dict[str, str]:
    """The whole transcript of each channel, in time order."""
    out = {ch: [] for ch in CHANNELS}
    for utt in sorted(summary.get("utterances", []), key=lambda u: u.get("start", 0.0)):
        if utt.get("channel") in out:
            out[utt["channel"]].append(str(utt.get("text", "")))
    return {ch: " ".join(parts).strip() for ch, parts in out.items()}


def _has(words: list[str], expected: str) -> bool:
    return any(w.startswith(expected.lower()) for w in words)


def check_words(summary: dict[str, Any], expected: dict[str, Any]) -> list[Check]:
    """Each channel's transcript holds its expected words and none of the other side's."""
    text = transcripts(summary)
    tokens = {ch: words_of(text[ch]) for ch in CHANNELS}
    wanted = {ch: [w.lower() for w in expected["words"].get(ch, [])] for ch in CHANNELS}
    allowed = int(expected.get("max_missing_words", 0))
    checks = []
    for ch in CHANNELS:
        missing = [w for w in wanted[ch] if not _has(tokens[ch], w)]
        found = text[ch] or "(nothing)"
        ok = len(missing) <= allowed
        checks.append(Check(
            f"transcript {ch}", ok,
            f"heard {found!r}" + (f"; missing {', '.join(missing)} ({len(missing)} of {len(wanted[ch])}, "
                                  f"{allowed} allowed)" if missing else ""),
            "" if ok else "speech recognition is not working as shipped: run "
            "`salesmind-desktop doctor` and check the ASR model line"))
    other = {"rep": "customer", "customer": "rep"}
    leaks = {ch: [w for w in wanted[other[ch]] if w not in wanted[ch] and _has(tokens[ch], w)]
             for ch in CHANNELS}
    swapped = bool(leaks["rep"]) and bool(leaks["customer"])
    bad = [f"{ch} channel has the {other[ch]}'s words ({', '.join(ws)})" for ch, ws in leaks.items() if ws]
    checks.append(Check(
        "channels", not bad,
        "rep = left/microphone, customer = right/loopback" if not bad else "; ".join(bad),
        "" if not bad else ("the channels are swapped: check audio.swap_channels in the settings "
                            "and the IT policy" if swapped else
                            "one channel's speech reached the other: the channel split is broken")))
    return checks


def check_counts(summary: dict[str, Any], expected: dict[str, Any]) -> Check:
    minimum = expected.get("min_utterances", {})
    counts = {ch: sum(1 for u in summary.get("utterances", []) if u.get("channel") == ch) for ch in CHANNELS}
    short = [f"{ch} {counts[ch]} < {minimum[ch]}" for ch in CHANNELS if counts[ch] < int(minimum.get(ch, 0))]
    return Check("utterances", not short,
                 ", ".join(f"{ch} {counts[ch]}" for ch in CHANNELS) + (f" (too few: {'; '.join(short)})" if short else ""),
                 "" if not short else "voice activity detection missed speech: check vad.* in the settings/policy")


def check_ess(summary: dict[str, Any], expected: dict[str, Any]) -> list[Check]:
    """Call ESS within the expected range; every scored utterance within 0..10."""
    low, high = (float(x) for x in expected.get("ess_overall", [0.0, 10.0]))
    ess = summary.get("ess") or {}
    overall = ess.get("overall")
    checks = []
    if not isinstance(overall, (int, float)):
        checks.append(Check("ESS", False, f"no overall ESS in the summary ({overall!r})",
                            "no customer utterance was scored: run `salesmind-desktop doctor`"))
    else:
        ok = low <= float(overall) <= high
        checks.append(Check("ESS", ok, f"overall {overall:.1f} (expected {low:g}..{high:g} for this friendly call), "
                                       f"min {ess.get('min', float('nan')):.1f}, final {ess.get('final', float('nan')):.1f}",
                            "" if ok else "the emotion models score differently from the shipped ones: "
                                          "run `salesmind-desktop doctor` (model sha256) and check emotion.* settings"))
    out_of_range = [u.get("id") for u in summary.get("utterances", [])
                    if isinstance(u.get("ess"), (int, float)) and not 0.0 <= u["ess"] <= 10.0]
    checks.append(Check("ESS per utterance", not out_of_range,
                        "all within 0..10" if not out_of_range else f"utterances {out_of_range} outside 0..10",
                        "" if not out_of_range else "report this build: fusion produced an invalid score"))
    wanted_badge = expected.get("badge_final")
    if wanted_badge:
        badge = summary.get("badge") or []
        final = badge[-1].get("state") if badge and isinstance(badge[-1], dict) else None
        ok = final in wanted_badge
        checks.append(Check("badge", ok, f"final badge {final or '(none)'} (expected {'/'.join(wanted_badge)})",
                            "" if ok else "coaching thresholds differ: check coaching.* in the settings/policy"))
    return checks


def check_schema(summary: dict[str, Any]) -> Check:
    """The summary validates against the shipped JSON schema and reads back unchanged."""
    from salesmind_desktop.insight import summary as summary_mod

    try:
        back = summary_mod.CallSummary.from_dict(json.loads(json.dumps(summary))).to_dict()
    except (ValueError, TypeError, ConfigError) as exc:
        return Check("summary schema", False, f"summary does not read back: {exc}", "report this build")
    if back != summary:
        return Check("summary schema", False, "summary changes when written and read back", "report this build")
    try:
        import jsonschema  # noqa: F401  (bundled in the installer; optional in a dev checkout)
    except ImportError:
        schema = summary_mod.load_schema()
        missing = [k for k in schema.get("required", []) if k not in summary]
        return Check("summary schema", not missing,
                     f"version {summary.get('schema_version')}, required fields "
                     + ("present (jsonschema not installed: full validation skipped)" if not missing
                        else f"missing: {', '.join(missing)}"),
                     "" if not missing else "report this build")
    try:
        summary_mod.validate(summary)
    except Exception as exc:  # jsonschema.ValidationError, SchemaError
        first = str(exc).splitlines()[0]
        return Check("summary schema", False, f"does not validate: {first}", "report this build")
    return Check("summary schema", True, f"version {summary.get('schema_version')}, validates and round-trips")


def check_events(counts: dict[str, int]) -> Check:
    """The live path was exercised: scored utterances and badge updates reached the listener."""
    need = ("ScoredUtterance", "EssUpdate", "CallEnded")
    missing = [n for n in need if not counts.get(n)]
    detail = ", ".join(f"{n} {counts.get(n, 0)}" for n in need)
    return Check("live events", not missing, detail + (f" (none: {', '.join(missing)})" if missing else ""),
                 "" if not missing else "the pipeline did not deliver live events: report this build")


def verify(summary: dict[str, Any], expected: dict[str, Any], event_counts: dict[str, int] | None = None,
           elapsed_s: float | None = None) -> list[Check]:
    checks = check_words(summary, expected)
    checks.append(check_counts(summary, expected))
    checks += check_ess(summary, expected)
    checks.append(check_schema(summary))
    if event_counts is not None:
        checks.append(check_events(event_counts))
    if elapsed_s is not None:
        limit = float(expected.get("max_seconds", 300))
        audio = summary.get("duration_s", 0.0)
        ok = elapsed_s <= limit
        checks.append(Check("speed", ok, f"{audio:.1f} s of audio analysed in {elapsed_s:.1f} s (limit {limit:g} s)",
                            "" if ok else "this PC is far too slow for live analysis: check CPU load "
                                          "and asr.cpu_threads / asr.model in the settings/policy"))
    return checks
