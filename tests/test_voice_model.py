"""voice_model: speaker-grouped folds, call simulation, the numpy trainer and its ONNX export."""

from __future__ import annotations

import numpy as np

from salesmind_desktop.emotion import voice_features as vf
from salesmind_desktop.emotion import voice_model as vm
from salesmind_desktop.events import EMOTIONS


def toy_data(n_speakers=8, per_class=10, seed=0):
    """Feature vectors where the class shifts a few features relative to a per-speaker offset."""
    rng = np.random.default_rng(seed)
    values, labels, speakers = [], [], []
    for s in range(n_speakers):
        offset = rng.normal(0, 3, vf.N_FEATURES)
        for c in range(len(EMOTIONS)):
            for _ in range(per_class):
                x = offset + rng.normal(0, 0.3, vf.N_FEATURES)
                x[vf.INDEX["pitch_median"]] += 2.0 * c
                x[vf.INDEX["energy_p90"]] += 3.0 * (c == 3)
                x[vf.INDEX["rate"]] += 1.5 * (c == 2)
                values.append(x)
                labels.append(c)
                speakers.append(f"spk{s}")
    return (np.asarray(values, np.float32), np.asarray(labels),
            np.array([vm.CLASS_AROUSAL[EMOTIONS[c]] for c in labels], np.float32), np.asarray(speakers))


def test_group_folds_never_split_a_speaker():
    groups = np.repeat([f"g{i}" for i in range(7)], [5, 9, 3, 12, 4, 4, 8])
    folds = vm.group_folds(groups, 3)
    assert sorted(np.concatenate(folds).tolist()) == list(range(len(groups)))
    owner = {}
    for f, idx in enumerate(folds):
        for g in set(groups[idx]):
            assert owner.setdefault(g, f) == f


def test_simulated_calls_cover_each_clip_once_per_pass_and_open_calm():
    values, labels, _, speakers = toy_data(n_speakers=3, per_class=6)
    rows, src = vm.simulate_calls(values, speakers, passes=2, labels=labels, seed=1)
    assert rows.shape == (2 * len(values), vf.INPUT_DIM)
    assert np.bincount(src, minlength=len(values)).tolist() == [2] * len(values)
    # every row's speaker baseline only ever saw the same speaker
    warm = rows[:, -1]
    assert (warm == 0).sum() > 0 and warm.max() == 1.0
    first_rows = np.flatnonzero(warm == 0)
    assert np.mean(labels[src[first_rows]] == EMOTIONS.index("neutral")) > 0.4  # calls tend to open calm


def test_trainer_learns_relative_cues_for_unseen_speakers():
    values, labels, arousal, speakers = toy_data()
    rep = vm.evaluate_by_speaker(values, labels, arousal, speakers, speakers, n_folds=4,
                                 config=vm.TrainConfig(epochs=40))
    assert rep.uar > 0.55  # chance is 0.25; held-out speakers have their own random offsets
    assert rep.n == len(labels) and sum(map(sum, rep.confusion)) == rep.n
    assert "UAR" in rep.to_text()


def test_onnx_export_matches_numpy_forward(tmp_path):
    import onnxruntime as ort

    values, labels, arousal, speakers = toy_data(n_speakers=3, per_class=4)
    model = vm.fit_final(values, labels, arousal, speakers, vm.TrainConfig(epochs=5))
    path = tmp_path / "m.onnx"
    vm.to_onnx(model, path, vf.FEATURE_NAMES, {"version": "t"})
    rows, _ = vm.simulate_calls(values, speakers, 1, labels=labels)
    probs, ar = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(
        ["probs", "arousal"], {"features": rows})
    p_np, a_np = model.forward(rows)
    assert np.allclose(probs, p_np, atol=1e-4) and np.allclose(ar, a_np, atol=1e-4)
    manifest = vm.write_manifest(tmp_path, ["m.onnx"], name="voice_emotion", version="t")
    assert vm.sha256(path) in manifest.read_text()
