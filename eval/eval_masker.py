"""Report the PII masker's precision/recall on tests/data/pii_cases*.tsv (dev + held-out + names).

    .venv/bin/python eval/eval_masker.py
"""

from __future__ import annotations

from pathlib import Path

from salesmind_desktop.privacy.evaluate import evaluate, load_cases

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"


def main() -> None:
    holdout = load_cases(DATA / "pii_cases_holdout.tsv")
    s = evaluate(holdout, strict=True)
    print(f"held-out (type-strict) cases={len(holdout)} tp={s.tp} fp={s.fp} fn={s.fn} "
          f"precision={s.precision:.3f} recall={s.recall:.3f}")
    names = load_cases(DATA / "pii_cases_names.tsv")
    s = evaluate(names, strict=True)
    print(f"names/addresses (type-strict) cases={len(names)} tp={s.tp} fp={s.fp} fn={s.fn} "
          f"precision={s.precision:.3f} recall={s.recall:.3f}")
    cases = load_cases(DATA / "pii_cases.tsv") + holdout + names
    spoken = [c for c in cases if any(w in c.text.lower() for w in (" one", " five", " oh ", " double", " dot "))]
    for name, subset in (("all", cases), ("spoken (ASR-style)", spoken)):
        for strict in (False, True):
            s = evaluate(subset, strict=strict)
            label = "type-strict" if strict else "span"
            print(f"{name:20s} {label:11s} cases={len(subset):3d} tp={s.tp:3d} fp={s.fp:2d} fn={s.fn:2d} "
                  f"precision={s.precision:.3f} recall={s.recall:.3f}")
    for err in evaluate(cases, strict=True).errors:
        print("  ", err)


if __name__ == "__main__":
    main()
