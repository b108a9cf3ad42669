#!/usr/bin/env python3
"""Evaluate coaching and call-level ESS on the rendered dev calls, through the real pipeline.

    .venv/bin/python bench/eval_calls.py [--out results.json] [--keep DIR]

Renders `tools/calls/*.json` (designed satisfaction 2..8) and `bench/calls/*.json` (extra checks)
with `tools/render_call.py`, runs each WAV through `app.build_pipeline()` (VAD, Whisper, emotion
engines, fusion, `CallInsight`) exactly as `analyze` does, and reports:

* Spearman rank correlation between call-level ESS (`ess.overall`) and designed `satisfaction`
  over the dev calls (tools/calls);
* whether the price spike of d4_late_spike is found (a negative-spike or price-objection key
  moment within +-5 s of the scripted turn's start);
* that no cue fires on a single negative sentence inside an otherwise positive stretch
  (e1_positive_one_negative: no negative_trend cue and no cue within 10 s after that sentence;
  and no negative_trend cue in any call whose customer has fewer than two negative turns);
* cues per call.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def spearman(xs: list[float], ys: list[float]) -> float:
    def ranks(v: list[float]) -> list[float]:
        order = sorted(range(len(v)), key=lambda i: v[i])
        r = [0.0] * len(v)
        i = 0
        while i < len(order):
            j = i
            while j + 1 < len(order) and v[order[j + 1]] == v[order[i]]:
                j += 1
            for k in range(i, j + 1):
                r[order[k]] = (i + j) / 2 + 1
            i = j + 1
        return r

    rx, ry = ranks(xs), ranks(ys)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry))
    sx = sum((a - mx) ** 2 for a in rx) ** 0.5
    sy = sum((b - my) ** 2 for b in ry) ** 0.5
    return cov / (sx * sy) if sx and sy else float("nan")


def render(script: Path, out_dir: Path) -> tuple[Path, dict]:
    wav = out_dir / f"{script.stem}.wav"
    subprocess.run([sys.executable, str(ROOT / "tools" / "render_call.py"), str(script), str(wav)],
                   check=True, capture_output=True)
    return wav, json.loads(wav.with_suffix(".truth.json").read_text())


def analyse(pipeline, wav: Path, call_id: str):
    from salesmind_desktop.audio.sources import StereoFileSource

    events: list[object] = []
    t0 = time.perf_counter()
    summary = pipeline.run(StereoFileSource(wav), events.append, call_id=call_id)
    return summary, events, time.perf_counter() - t0


def check_call(summary, truth: dict) -> dict:
    turns = truth["turns"]
    customer = [t for t in turns if t["speaker"] == "customer"]
    negatives = [t for t in customer if t.get("sentiment") == "negative"]
    cues = summary.cues
    out: dict = {"call": truth["id"], "satisfaction": truth.get("satisfaction"),
                 "ess_overall": summary.ess.overall, "ess_min": summary.ess.min, "ess_final": summary.ess.final,
                 "trend": summary.ess.trend, "cues": len(cues), "cue_types": [c.type for c in cues],
                 "badge": [f"{b.state}@{b.t:.1f}" for b in summary.badge],
                 "objections": [f"{o.type}@{o.t:.1f}" for o in summary.objections],
                 "key_moments": [k.text for k in summary.key_moments]}
    if len(negatives) < 2:
        out["negative_trend_on_single_sentence"] = any(c.type == "negative_trend" for c in cues)
        out["badge_left_green"] = any(b.state != "green" for b in summary.badge)
    if truth["id"] == "d4_late_spike":
        spike = next(t for t in customer if t.get("objection") == "price")
        hits = [k for k in summary.key_moments if k.kind in ("negative_spike", "objection")
                and abs(k.t - spike["start"]) <= 5.0]
        out["price_spike_truth_t"] = spike["start"]
        out["price_spike_found_t"] = hits[0].t if hits else None
        out["price_spike_found"] = bool(hits)
        out["price_spike_kind"] = hits[0].kind if hits else None
    if truth["id"] == "e1_positive_one_negative":
        neg = negatives[0]
        # cues about the customer's mood right after it (rep-behaviour cues such as pace are not about it)
        near = [c for c in cues if neg["start"] <= c.t <= neg["end"] + 10.0]
        out["cues_after_single_negative"] = [c.type for c in near if c.type in ("negative_trend", "mixed_signal")]
        out["other_cues_after_single_negative"] = [c.type for c in near if c.type not in ("negative_trend", "mixed_signal")]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, help="write the results as JSON here")
    ap.add_argument("--keep", type=Path, help="keep rendered WAVs and summaries in this folder")
    ap.add_argument("--text-engine", choices=["hybrid", "transformer", "vader"], help="override emotion.text_engine")
    ap.add_argument("--voice", choices=["on", "off"], help="override emotion.voice")
    ap.add_argument("--only", nargs="*", help="call ids to run (default: all)")
    args = ap.parse_args()

    from salesmind_desktop import app, settings as settings_mod

    settings = settings_mod.load()
    if args.text_engine:
        settings.emotion.text_engine = args.text_engine
    if args.voice:
        settings.emotion.voice = args.voice == "on"
    config = {"text_engine": settings.emotion.text_engine, "voice": settings.emotion.voice,
              "asr_model": settings.asr.model}
    print(f"engines: text {config['text_engine']}, voice {'on' if config['voice'] else 'off'}, "
          f"ASR {config['asr_model']}", flush=True)
    pipeline = app.build_pipeline(settings)
    scripts = sorted((ROOT / "tools" / "calls").glob("*.json")) + sorted((ROOT / "bench" / "calls").glob("*.json"))
    if args.only:
        scripts = [p for p in scripts if p.stem in args.only]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        out_dir = args.keep or Path(tmp)
        out_dir.mkdir(parents=True, exist_ok=True)
        for script in scripts:
            wav, truth = render(script, out_dir)
            summary, _events, seconds = analyse(pipeline, wav, truth["id"])
            if args.keep:
                (out_dir / f"{truth['id']}.summary.json").write_text(summary.to_json())
            row = check_call(summary, truth)
            row["dev_set"] = script.parent.name == "calls" and script.parent.parent.name == "tools"
            row["seconds"] = round(seconds, 1)
            rows.append(row)
            print(f"{row['call']:<26} satisfaction {row['satisfaction']}  ESS {row['ess_overall']:.2f} "
                  f"(min {row['ess_min']:.1f}, final {row['ess_final']:.1f}, {row['trend']})  "
                  f"cues {row['cues']} {row['cue_types']}  badge {' '.join(row['badge'])}  [{seconds:.0f} s]",
                  flush=True)
    dev = [r for r in rows if r["dev_set"]]
    if len(dev) < 2:
        dev = rows
    rho = spearman([r["ess_overall"] for r in dev], [r["satisfaction"] for r in dev])
    rho_all = spearman([r["ess_overall"] for r in rows], [r["satisfaction"] for r in rows])
    d4 = next((r for r in rows if r["call"] == "d4_late_spike"), {})
    e1 = next((r for r in rows if r["call"] == "e1_positive_one_negative"), {})
    single = [r["call"] for r in rows if r.get("negative_trend_on_single_sentence")]
    flipped = [r["call"] for r in rows if r.get("badge_left_green")]
    result = {
        "config": config, "spearman_dev": round(rho, 3), "spearman_all": round(rho_all, 3),
        "d4_price_spike_found": d4.get("price_spike_found"), "d4_spike_truth_t": d4.get("price_spike_truth_t"),
        "d4_spike_found_t": d4.get("price_spike_found_t"),
        "e1_cues_after_single_negative": e1.get("cues_after_single_negative"),
        "negative_trend_on_single_sentence_calls": single, "badge_left_green_on_single_negative_calls": flipped,
        "cues_per_call": {r["call"]: r["cues"] for r in rows}, "calls": rows,
    }
    print(f"\nSpearman(ESS overall, satisfaction) over {len(dev)} dev calls: {rho:.3f} "
          f"(all {len(rows)} calls: {rho_all:.3f})")
    print(f"d4 price spike: truth {d4.get('price_spike_truth_t')} s, found {d4.get('price_spike_found_t')} "
          f"({d4.get('price_spike_kind')}) -> {'OK' if d4.get('price_spike_found') else 'MISSED'}")
    print(f"e1 single negative sentence: mood cues within 10 s after it: {e1.get('cues_after_single_negative')} "
          f"(other cues: {e1.get('other_cues_after_single_negative')}); "
          f"negative_trend on a single-negative call: {single or 'none'}; badge left green there: {flipped or 'never'}")
    print("cues per call: " + ", ".join(f"{k} {v}" for k, v in result["cues_per_call"].items()))
    if args.out:
        args.out.write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
