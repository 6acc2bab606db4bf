"""The Mann-Kendall trend test, for many series at once (one per location).

For a series ``x_1 .. x_n`` (missing values left out, so ``n`` counts the values present):

``S = sum_{i<j} sign(x_j - x_i)``,
``Var(S) = (n (n-1) (2n+5) - sum_g t_g (t_g-1) (2 t_g+5)) / 18`` (``t_g`` the size of each
group of tied values), ``tau = S / (n (n-1) / 2)``, and the continuity-corrected
``z = (S - sign(S)) / sqrt(Var(S))`` (0 when ``S`` is 0), with the two-sided p-value
``2 P(Z > |z|)``. These are the quantities of ``pymannkendall.original_test`` (tested to
1e-12 on series with ties and missing values).

Example
-------
>>> import numpy as np
>>> mk = mann_kendall(np.array([[1.0, 2.0, 3.0, 4.0, 5.0], [5.0, 4.0, 4.0, 2.0, 1.0]]))
>>> mk.s.tolist(), mk.tau.round(2).tolist()
([10.0, -9.0], [1.0, -0.9])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hotspot.analysis.p_values import two_sided_p


@dataclass(frozen=True, eq=False)
class MannKendall:
    """Mann-Kendall statistics of each series (arrays aligned with the rows given).

    Attributes
    ----------
    s : numpy.ndarray
        Kendall's S.
    var_s : numpy.ndarray
        Variance of S under no trend, corrected for ties.
    tau : numpy.ndarray
        Kendall's tau (S over the number of pairs).
    z : numpy.ndarray
        Continuity-corrected z-score (0 when S is 0 or the series is too short or flat).
    p : numpy.ndarray
        Two-sided p-value (1 where the test is undefined).
    n : numpy.ndarray of int
        Values present in each series.
    """

    s: np.ndarray
    var_s: np.ndarray
    tau: np.ndarray
    z: np.ndarray
    p: np.ndarray
    n: np.ndarray

    def direction(self, alpha: float) -> np.ndarray:
        """+1 for a significant rising trend (``p <= alpha``), -1 falling, 0 none."""
        return np.where(self.p <= alpha, np.sign(self.s), 0).astype(np.int8)


def _tie_term(x: np.ndarray) -> np.ndarray:
    """``sum_g t_g (t_g - 1) (2 t_g + 5)`` over the groups of tied values of each row."""
    m, t = x.shape
    if t < 2:
        return np.zeros(m)
    ordered = np.sort(x, axis=1)  # NaN last, and NaN never equals NaN
    same = ordered[:, 1:] == ordered[:, :-1]
    starts = np.concatenate([np.ones((m, 1), dtype=bool), ~same], axis=1)
    group = np.cumsum(starts, axis=1) - 1 + (np.arange(m) * t)[:, None]
    sizes = np.bincount(group.ravel(), minlength=m * t).astype(float)
    per_group = sizes * (sizes - 1.0) * (2.0 * sizes + 5.0)
    return per_group.reshape(m, t).sum(axis=1)


def mann_kendall(series: np.ndarray) -> MannKendall:
    """Mann-Kendall trend test of every row of ``series``.

    Parameters
    ----------
    series : array_like, shape (m, n) or (n,)
        One series per row, oldest first. NaN marks a missing value: it is left out of
        the pairs and of ``n`` (as ``pymannkendall`` drops it).

    Returns
    -------
    MannKendall
        Arrays of length ``m`` (length 1 for a single series).
    """
    x = np.atleast_2d(np.asarray(series, dtype=float))
    m, t = x.shape
    present = np.isfinite(x)
    n = present.sum(axis=1)
    s = np.zeros(m)
    xt = np.ascontiguousarray(x.T)  # steps x series: each lag is one contiguous block
    gaps = not present.all()
    with np.errstate(invalid="ignore"):
        for lag in range(1, t):
            d = xt[lag:] - xt[:-lag]
            if gaps:  # NaN where either value is missing: neither > nor <
                s += np.count_nonzero(d > 0, axis=0)
                s -= np.count_nonzero(d < 0, axis=0)
            else:
                s += np.sign(d, out=d).sum(axis=0)
    tie_term = _tie_term(x)
    nf = n.astype(float)
    var_s = (nf * (nf - 1.0) * (2.0 * nf + 5.0) - tie_term) / 18.0
    pairs = nf * (nf - 1.0) / 2.0
    with np.errstate(divide="ignore", invalid="ignore"):
        tau = np.where(pairs > 0, s / pairs, 0.0)
        z = np.where(var_s > 0, (s - np.sign(s)) / np.sqrt(np.maximum(var_s, 1e-300)), 0.0)
    p = np.where(var_s > 0, two_sided_p(z), 1.0)
    return MannKendall(s=s, var_s=var_s, tau=tau, z=z, p=p, n=n)


__all__ = ["MannKendall", "mann_kendall"]
