"""p-values of local statistics: normal tails, false-discovery-rate correction, confidence bins.

Shared by Gi*, emerging hot spots, the local (bivariate) Moran, the change test and the
Mann-Kendall trend test.

Public API
----------
``fdr_bh(p) -> q``
    Benjamini-Hochberg adjusted p-values (q-values); NaN stays NaN and is not counted.
``two_sided_p(z) -> p``
    Two-sided p-values of standard-normal z-scores, ``2 * P(Z > |z|)``.
``confidence_bin(z_or_sign, p_or_q, *, levels=(0.01, 0.05, 0.10)) -> int8 array``
    -3..3: +3/+2/+1 for positive z significant at 99/95/90 % confidence (``p <= 0.01 / 0.05 /
    0.10``), negative for negative z, 0 otherwise (the ArcGIS ``Gi_Bin`` convention).
"""

from __future__ import annotations

import numpy as np
from scipy import special

CONFIDENCE_LEVELS = (0.01, 0.05, 0.10)
"""p (or q) thresholds of the bins ±3, ±2, ±1 (99, 95 and 90 % confidence)."""


def fdr_bh(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values).

    ``q_(i) = min_{j >= i} min(1, m * p_(j) / j)`` over the ``m`` finite p-values sorted
    ascending; rejecting where ``q <= alpha`` controls the false discovery rate at ``alpha``
    for independent or positively dependent tests. The same numbers as
    ``scipy.stats.false_discovery_control(p, method="bh")`` (tested to 1e-14), in numpy: no
    ``scipy.stats`` import (seconds in a fresh process) before the first result.

    Parameters
    ----------
    p : array_like
        p-values in ``[0, 1]``, any shape. NaN entries (no test) stay NaN and do not count
        towards ``m``.

    Returns
    -------
    numpy.ndarray
        q-values, same shape as ``p``, float64, each ``>=`` its p-value.

    Raises
    ------
    ValueError
        When a p-value lies outside ``[0, 1]``.
    """
    p = np.asarray(p, dtype=float)
    q = np.full(p.shape, np.nan)
    flat = p.ravel()
    ok = np.isfinite(flat)
    pv = flat[ok]
    if pv.size and (pv.min() < 0 or pv.max() > 1):
        raise ValueError("fdr_bh: p-values must lie between 0 and 1")
    if pv.size:
        m = pv.size
        order = np.argsort(pv, kind="stable")
        scaled = pv[order] * m / np.arange(1, m + 1)
        adjusted = np.minimum.accumulate(scaled[::-1])[::-1]
        out = np.empty(m)
        out[order] = np.minimum(adjusted, 1.0)
        qf = q.ravel()
        qf[ok] = out
        q = qf.reshape(p.shape)
    return q


def two_sided_p(z: np.ndarray) -> np.ndarray:
    """Two-sided p-values of standard-normal z-scores: ``2 * P(Z > |z|)``.

    Accurate far into the tails (uses ``erfc``); NaN stays NaN.
    """
    z = np.asarray(z, dtype=float)
    return special.erfc(np.abs(z) / np.sqrt(2.0))


def confidence_bin(
    z_or_sign: np.ndarray,
    p_or_q: np.ndarray,
    *,
    levels: tuple[float, float, float] = CONFIDENCE_LEVELS,
) -> np.ndarray:
    """Classify local statistics into confidence bins -3..3 (ArcGIS ``Gi_Bin`` convention).

    Parameters
    ----------
    z_or_sign : array_like
        z-scores, or anything whose sign gives the direction (positive = hot / high).
    p_or_q : array_like
        p-values, or FDR q-values when the correction is on.
    levels : tuple of three floats, optional
        Thresholds for 99, 95 and 90 % confidence (default 0.01, 0.05, 0.10). A value is
        significant at a level when ``p <= level`` (valid for permutation pseudo p-values).

    Returns
    -------
    numpy.ndarray of int8
        ``+3`` / ``+2`` / ``+1``: positive and significant at 99 / 95 / 90 % confidence;
        negative values likewise for negative signs; ``0``: not significant, zero sign or NaN.
    """
    sign = np.sign(np.nan_to_num(np.asarray(z_or_sign, dtype=float), nan=0.0))
    p = np.asarray(p_or_q, dtype=float)
    p = np.where(np.isnan(p), np.inf, p)
    l99, l95, l90 = sorted(levels)
    level = np.where(p <= l99, 3, np.where(p <= l95, 2, np.where(p <= l90, 1, 0)))
    return (sign * level).astype(np.int8)


__all__ = [
    "CONFIDENCE_LEVELS",
    "confidence_bin",
    "fdr_bh",
    "two_sided_p",
]
