"""The voice-emotion model: a small MLP trained with numpy, exported to ONNX, evaluated by speaker.

Shared by the project's recipe (`training/voice/build.py`) and `salesmind-desktop train-voice`, so
the installed app can train a company's own model without torch. Model: standardise ->
Dense(32) ReLU -> Dense(16) ReLU -> {softmax over EMOTIONS, sigmoid arousal}. Input rows are
`voice_features.model_input` vectors.

ONNX graph: input `features` float32 [N, INPUT_DIM]; outputs `probs` [N, 4] and `arousal` [N, 1].
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from salesmind_desktop.events import EMOTIONS

CLASS_AROUSAL = {"neutral": 0.2, "satisfied": 0.5, "stressed": 0.7, "irritated": 0.9}
"""Arousal target per class when no finer annotation exists (0 calm .. 1 agitated)."""


@dataclass
class TrainConfig:
    hidden: tuple[int, int] = (32, 16)
    epochs: int = 80
    batch: int = 64
    lr: float = 2e-3
    weight_decay: float = 1e-3
    input_noise: float = 0.3  # Gaussian noise on standardised inputs (augmentation)
    arousal_weight: float = 0.5
    seed: int = 0


@dataclass
class MLP:
    mean: np.ndarray
    std: np.ndarray
    weights: list[np.ndarray]  # W1, b1, W2, b2, Wc, bc, Wa, ba
    classes: tuple[str, ...] = EMOTIONS

    def forward(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        w1, b1, w2, b2, wc, bc, wa, ba = self.weights
        z = (x - self.mean) / self.std
        h1 = np.maximum(z @ w1 + b1, 0)
        h2 = np.maximum(h1 @ w2 + b2, 0)
        return _softmax(h2 @ wc + bc), _sigmoid(h2 @ wa + ba)


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def train(x: np.ndarray, y: np.ndarray, arousal: np.ndarray, config: TrainConfig = TrainConfig()) -> MLP:
    """Fit the MLP with Adam on cross-entropy (class-balanced) + arousal MSE."""
    rng = np.random.default_rng(config.seed)
    x = x.astype(np.float64)
    mean = x.mean(axis=0)
    std = x.std(axis=0)
    std[std < 1e-6] = 1.0
    z = (x - mean) / std
    n, d = z.shape
    k = len(EMOTIONS)
    h1, h2 = config.hidden

    def init(fan_in: int, fan_out: int) -> np.ndarray:
        return rng.normal(0, np.sqrt(2.0 / fan_in), (fan_in, fan_out))

    params = [init(d, h1), np.zeros(h1), init(h1, h2), np.zeros(h2),
              init(h2, k) * 0.5, np.zeros(k), init(h2, 1) * 0.5, np.zeros(1)]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    counts = np.bincount(y, minlength=k).astype(np.float64)
    class_w = np.where(counts > 0, n / (k * np.maximum(counts, 1)), 0.0)
    onehot = np.eye(k)[y]
    step = 0
    b1_, b2_, eps = 0.9, 0.999, 1e-8
    for epoch in range(config.epochs):
        lr = config.lr * 0.5 * (1 + np.cos(np.pi * epoch / config.epochs))
        order = rng.permutation(n)
        for start in range(0, n, config.batch):
            idx = order[start:start + config.batch]
            zb = z[idx] + rng.normal(0, config.input_noise, (len(idx), d))
            w1, bb1, w2, bb2, wc, bc, wa, ba = params
            a1 = zb @ w1 + bb1
            r1 = np.maximum(a1, 0)
            a2 = r1 @ w2 + bb2
            r2 = np.maximum(a2, 0)
            p = _softmax(r2 @ wc + bc)
            q = _sigmoid(r2 @ wa + ba)
            sw = class_w[y[idx]][:, None]
            norm = sw.sum()
            g_logits = sw * (p - onehot[idx]) / norm
            g_ar = config.arousal_weight * 2 * (q - arousal[idx, None]) * q * (1 - q) / len(idx)
            g_r2 = g_logits @ wc.T + g_ar @ wa.T
            g_a2 = g_r2 * (a2 > 0)
            g_r1 = g_a2 @ w2.T
            g_a1 = g_r1 * (a1 > 0)
            grads = [zb.T @ g_a1, g_a1.sum(0), r1.T @ g_a2, g_a2.sum(0),
                     r2.T @ g_logits, g_logits.sum(0), r2.T @ g_ar, g_ar.sum(0)]
            step += 1
            for i, g in enumerate(grads):
                if i % 2 == 0:
                    g = g + config.weight_decay * params[i]
                m[i] = b1_ * m[i] + (1 - b1_) * g
                v[i] = b2_ * v[i] + (1 - b2_) * g * g
                mh = m[i] / (1 - b1_ ** step)
                vh = v[i] / (1 - b2_ ** step)
                params[i] = params[i] - lr * mh / (np.sqrt(vh) + eps)
    return MLP(mean=mean.astype(np.float32), std=std.astype(np.float32),
               weights=[p.astype(np.float32) for p in params])


# ------------------------------------------------------------------------------- evaluation


@dataclass
class EvalReport:
    uar: float
    accuracy: float
    recall: dict[str, float]
    confusion: list[list[int]]  # rows = true class, columns = predicted, in EMOTIONS order
    folds: int
    groups: int
    n: int
    arousal_mae: float
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"uar": round(self.uar, 4), "accuracy": round(self.accuracy, 4),
                "recall": {k: round(v, 4) for k, v in self.recall.items()},
                "confusion": self.confusion, "classes": list(EMOTIONS), "folds": self.folds,
                "speaker_groups": self.groups, "n": self.n, "arousal_mae": round(self.arousal_mae, 4),
                "notes": self.notes}

    def to_text(self) -> str:
        lines = [f"speaker-independent evaluation: {self.folds} folds over {self.groups} speaker groups, "
                 f"{self.n} utterances",
                 f"UAR {self.uar:.3f}   accuracy {self.accuracy:.3f}   arousal MAE {self.arousal_mae:.3f}",
                 "recall: " + "  ".join(f"{k} {v:.3f}" for k, v in self.recall.items()),
                 "confusion (rows true, columns predicted):",
                 "            " + " ".join(f"{c[:9]:>9}" for c in EMOTIONS)]
        for c, row in zip(EMOTIONS, self.confusion):
            lines.append(f"{c[:11]:>11} " + " ".join(f"{v:>9d}" for v in row))
        lines.extend(f"note: {n}" for n in self.notes)
        return "\n".join(lines)


def report(y_true: np.ndarray, y_pred: np.ndarray, ar_true: np.ndarray, ar_pred: np.ndarray,
           folds: int, groups: int) -> EvalReport:
    k = len(EMOTIONS)
    conf = np.zeros((k, k), dtype=int)
    np.add.at(conf, (y_true, y_pred), 1)
    present = conf.sum(axis=1) > 0
    recall = {EMOTIONS[i]: float(conf[i, i] / conf[i].sum()) for i in range(k) if present[i]}
    uar = float(np.mean(list(recall.values()))) if recall else 0.0
    return EvalReport(uar=uar, accuracy=float(np.trace(conf) / max(conf.sum(), 1)), recall=recall,
                      confusion=conf.tolist(), folds=folds, groups=groups, n=int(len(y_true)),
                      arousal_mae=float(np.mean(np.abs(ar_true - ar_pred))) if len(ar_true) else 0.0)


def group_folds(groups: Sequence[str], n_folds: int, seed: int = 0) -> list[np.ndarray]:
    """Split row indices into folds with every group (speaker) wholly inside one fold."""
    groups = np.asarray(groups)
    uniq = np.unique(groups)
    rng = np.random.default_rng(seed)
    uniq = uniq[rng.permutation(len(uniq))]
    n_folds = max(2, min(n_folds, len(uniq)))
    sizes = {g: int(np.sum(groups == g)) for g in uniq}
    load = np.zeros(n_folds)
    assign: dict[str, int] = {}
    for g in sorted(uniq, key=lambda g: -sizes[g]):  # greedy balance by size
        f = int(np.argmin(load))
        assign[g] = f
        load[f] += sizes[g]
    fold_of = np.array([assign[g] for g in groups])
    return [np.flatnonzero(fold_of == f) for f in range(n_folds)]


# ----------------------------------------------------------------------------------- export


def to_onnx(model: MLP, path: Path, feature_names: Sequence[str], metadata: dict[str, str] | None = None) -> None:
    """Write the MLP as an ONNX graph (needs the `onnx` package, not torch)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    w1, b1, w2, b2, wc, bc, wa, ba = model.weights
    inits = [numpy_helper.from_array(a.astype(np.float32), name) for a, name in [
        (model.mean, "mean"), (model.std, "std"), (w1, "W1"), (b1, "b1"), (w2, "W2"), (b2, "b2"),
        (wc, "Wc"), (bc, "bc"), (wa, "Wa"), (ba, "ba")]]
    nodes = [
        helper.make_node("Sub", ["features", "mean"], ["centred"]),
        helper.make_node("Div", ["centred", "std"], ["z"]),
        helper.make_node("Gemm", ["z", "W1", "b1"], ["a1"]),
        helper.make_node("Relu", ["a1"], ["h1"]),
        helper.make_node("Gemm", ["h1", "W2", "b2"], ["a2"]),
        helper.make_node("Relu", ["a2"], ["h2"]),
        helper.make_node("Gemm", ["h2", "Wc", "bc"], ["logits"]),
        helper.make_node("Softmax", ["logits"], ["probs"], axis=1),
        helper.make_node("Gemm", ["h2", "Wa", "ba"], ["arousal_logit"]),
        helper.make_node("Sigmoid", ["arousal_logit"], ["arousal"]),
    ]
    dim = len(model.mean)
    graph = helper.make_graph(
        nodes, "voice_emotion",
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", dim])],
        [helper.make_tensor_value_info("probs", TensorProto.FLOAT, ["N", len(model.classes)]),
         helper.make_tensor_value_info("arousal", TensorProto.FLOAT, ["N", 1])],
        inits)
    onnx_model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                                   producer_name="salesmind-desktop")
    onnx_model.ir_version = 8
    meta = {"classes": json.dumps(list(model.classes)), "feature_names": json.dumps(list(feature_names)),
            **(metadata or {})}
    for key, value in meta.items():
        entry = onnx_model.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.checker.check_model(onnx_model)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(onnx_model.SerializeToString())


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_manifest(folder: Path, files: Sequence[str], **fields) -> Path:
    """manifest.json: {"name", "version", "files": {file: sha256}, "source", "licence", "notes", "metrics"}."""
    manifest = {"name": fields.pop("name", "voice_emotion"), "version": fields.pop("version", "1"),
                "files": {f: sha256(folder / f) for f in files}, **fields}
    out = folder / "manifest.json"
    out.write_text(json.dumps(manifest, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    return out


# ------------------------------------------------------------------------- call simulation


def simulate_calls(values: np.ndarray, speakers: Sequence[str], passes: int = 2, call_len: tuple[int, int] = (6, 10),
                   seed: int = 0, labels: np.ndarray | None = None, max_opening: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Model input rows for labelled clips, each seen inside simulated calls of its own speaker.

    Every speaker's clips are shuffled into pseudo-calls (`call_len` utterances); a fresh
    `SpeakerBaseline` runs through each call exactly as at run time, so the relative half of a
    row is what the engine would have seen at that point. Calls usually open calmly, so when
    `labels` are given each call starts with 0..`max_opening` neutral clips of that speaker (while
    they last) before the rest in random order. Each clip appears once per pass.
    Returns `(rows, source_index)` where `source_index[i]` is the clip behind row i.
    """
    from salesmind_desktop.emotion.voice_features import Features, SpeakerBaseline, model_input

    rng = np.random.default_rng(seed)
    speakers = np.asarray(speakers)
    neutral = EMOTIONS.index("neutral")
    rows, index = [], []
    for _ in range(passes):
        for spk in np.unique(speakers):
            clips = list(rng.permutation(np.flatnonzero(speakers == spk)))
            while clips:
                length = int(rng.integers(call_len[0], call_len[1] + 1))
                call: list[int] = []
                if labels is not None:
                    opening = int(rng.integers(0, max_opening + 1))
                    call.extend([i for i in clips if labels[i] == neutral][:opening])
                    rest = [i for i in clips if i not in set(call)]
                else:
                    rest = clips
                call.extend(rest[: max(0, length - len(call))])
                taken = set(call)
                clips = [i for i in clips if i not in taken]
                baseline = SpeakerBaseline()
                for i in call:
                    row, _ = model_input(Features(values[i], 1.0, 10), baseline)
                    rows.append(row)
                    index.append(i)
    return np.asarray(rows, dtype=np.float32), np.asarray(index, dtype=int)


def evaluate_by_speaker(values: np.ndarray, labels: np.ndarray, arousal: np.ndarray, speakers: Sequence[str],
                        groups: Sequence[str], n_folds: int = 4, config: TrainConfig = TrainConfig(),
                        passes: int = 2) -> EvalReport:
    """Leave-speaker-groups-out CV on clips: training rows come only from the training speakers'
    simulated calls, test rows from the held-out speakers' (one pass, so each clip is scored once)."""
    groups = np.asarray(groups)
    speakers = np.asarray(speakers)
    folds = group_folds(groups, n_folds, config.seed)
    y_true, y_pred, a_true, a_pred = [], [], [], []
    for test_idx in folds:
        train_idx = np.setdiff1d(np.arange(len(labels)), test_idx)
        x_tr, src_tr = simulate_calls(values[train_idx], speakers[train_idx], passes, seed=config.seed,
                                      labels=labels[train_idx])
        model = train(x_tr, labels[train_idx][src_tr], arousal[train_idx][src_tr], config)
        x_te, src_te = simulate_calls(values[test_idx], speakers[test_idx], 1, seed=config.seed + 1,
                                      labels=labels[test_idx])
        p, a = model.forward(x_te)
        y_true.append(labels[test_idx][src_te])
        y_pred.append(p.argmax(axis=1))
        a_true.append(arousal[test_idx][src_te])
        a_pred.append(a[:, 0])
    return report(np.concatenate(y_true), np.concatenate(y_pred), np.concatenate(a_true),
                  np.concatenate(a_pred), len(folds), len(np.unique(groups)))


def fit_final(values: np.ndarray, labels: np.ndarray, arousal: np.ndarray, speakers: Sequence[str],
              config: TrainConfig = TrainConfig(), passes: int = 2) -> MLP:
    x, src = simulate_calls(values, np.asarray(speakers), passes, seed=config.seed, labels=labels)
    return train(x, labels[src], arousal[src], config)
