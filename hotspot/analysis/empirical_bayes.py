"""Empirical Bayes smoothing of area rates (global, as GeoDa).

Marshall's global estimator: with the overall rate ``m = sum(count) / sum(pop)`` and the
population-weighted variance of the raw rates ``s2 = sum(pop * (r - m)^2) / sum(pop)``, the
prior variance is ``v = s2 - m / mean(pop)`` and each raw rate ``r_i`` is shrunk towards
``m`` with weight ``w_i = v / (v + m / pop_i)``: ``eb_i = w_i r_i + (1 - w_i) m``. Areas with
small populations move most. When ``v`` comes out negative (rates vary less than chance alone
would make them) it is set to 0, so every smoothed rate is the overall rate; the caller warns.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def empirical_bayes(counts: Any, population: Any) -> tuple[np.ndarray, bool]:
    """Global Empirical Bayes (Marshall) smoothed rates, per resident.

    Parameters
    ----------
    counts, population : array-like
        Events and population at risk per area. Areas whose population is missing
        or not positive are left out of the estimate and get NaN.

    Returns
    -------
    rates : numpy.ndarray
        Smoothed rates (events per resident).
    clipped : bool
        Whether the prior variance came out negative and was set to 0.
    """
    e = np.asarray(counts, dtype=float)
    b = np.asarray(population, dtype=float)
    ok = np.isfinite(e) & np.isfinite(b) & (b > 0)
    out = np.full(e.shape, np.nan)
    if not ok.any():
        return out, False
    e_ok, b_ok = e[ok], b[ok]
    m = e_ok.sum() / b_ok.sum()
    r = e_ok / b_ok
    s2 = (b_ok * (r - m) ** 2).sum() / b_ok.sum()
    v = s2 - m / b_ok.mean()
    clipped = bool(v < 0)
    v = max(v, 0.0)
    if v + m == 0:  # no events at all: every rate is 0
        out[ok] = 0.0
        return out, clipped
    w = v / (v + m / b_ok)
    out[ok] = w * r + (1.0 - w) * m
    return out, clipped


__all__ = [
    "empirical_bayes",
]
