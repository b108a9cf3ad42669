"""fit_hybrid's residual softmax: a left-out feature keeps exactly zero weight, a strong penalty keeps the transformer."""

from __future__ import annotations

import numpy as np
from fixtures_core import load_script


def _fit_hybrid():
    return load_script("training/text/fit_hybrid.py")


def test_masked_feature_gets_zero_weight_and_the_other_learns() -> None:
    fh = _fit_hybrid()
    rng = np.random.default_rng(0)
    n = 400
    signal = rng.normal(size=n)
    y = (signal > 0).astype(int)
    x = np.column_stack([signal, rng.normal(size=n)])
    offset = np.zeros((n, 2))  # a transformer that knows nothing
    masked = x * np.array([1.0, 0.0])  # second feature left out, as FEATURE_SETS does it
    weights, bias = fh.fit_softmax(masked, y, np.ones(n), 2, 0.01, offset)
    assert np.abs(weights[:, 1]).max() < 1e-9
    assert weights[1, 0] - weights[0, 0] > 1.0
    assert (fh.predict(masked, weights, bias, offset) == y).mean() > 0.95


def test_strong_penalty_leaves_the_transformer_as_it_is() -> None:
    fh = _fit_hybrid()
    rng = np.random.default_rng(1)
    n = 200
    x = rng.normal(size=(n, 3))
    offset = np.log(rng.dirichlet(np.ones(3), size=n))
    y = rng.integers(0, 3, n)
    weights, bias = fh.fit_softmax(x, y, np.ones(n), 3, 1e6, offset)
    assert np.abs(weights).max() < 1e-4 and np.abs(bias).max() < 1e-4
    assert (fh.predict(x, weights, bias, offset) == offset.argmax(1)).all()


def test_every_feature_set_names_real_features() -> None:
    fh = _fit_hybrid()
    from salesmind_desktop.emotion.hybrid import FEATURES

    for names in fh.FEATURE_SETS.values():
        assert names is None or set(names) <= set(FEATURES)
