"""Mann-Kendall trend test: equal to pymannkendall's original_test, ties and gaps included."""

from __future__ import annotations

import numpy as np
import pytest

from hotspot.analysis.mann_kendall import mann_kendall

pmk = pytest.importorskip("pymannkendall")


def _reference(row: np.ndarray):
    return pmk.original_test(row[np.isfinite(row)])


@pytest.mark.parametrize("kind", ["continuous", "ties", "gaps"])
def test_matches_pymannkendall(kind):
    rng = np.random.default_rng(7)
    if kind == "continuous":
        x = rng.normal(size=(40, 36)) + np.linspace(0, 1, 36) * rng.normal(size=(40, 1))
    else:
        x = rng.integers(0, 4, size=(40, 24)).astype(float)  # many ties
    if kind == "gaps":
        x[rng.random(x.shape) < 0.15] = np.nan
    mk = mann_kendall(x)
    for i, row in enumerate(x):
        ref = _reference(row)
        assert mk.s[i] == pytest.approx(ref.s, abs=1e-12)
        assert mk.var_s[i] == pytest.approx(ref.var_s, rel=1e-12)
        assert mk.tau[i] == pytest.approx(ref.Tau, abs=1e-12)
        assert mk.z[i] == pytest.approx(ref.z, abs=1e-12)
        assert mk.p[i] == pytest.approx(ref.p, abs=1e-12)
        assert mk.n[i] == np.isfinite(row).sum()


def test_trend_direction_and_flat_series():
    up = np.arange(12, dtype=float)
    mk = mann_kendall(np.vstack([up, -up, np.ones(12), np.full(12, np.nan)]))
    assert mk.direction(0.05).tolist() == [1, -1, 0, 0]
    assert mk.tau[0] == 1.0 and mk.tau[1] == -1.0
    # a flat series (every value tied) and an empty one have no trend and p = 1
    assert mk.s[2] == 0 and mk.p[2] == 1.0 and mk.p[3] == 1.0
