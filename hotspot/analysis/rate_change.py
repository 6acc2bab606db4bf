"""Whether an area's change between two periods is unlikely to be chance.

``change = count - count_prev``; ``pct_change = 100 * change / count_prev``, undefined (NaN,
with ``pct_change_undefined`` set) when ``count_prev`` is 0. Whether a change is unlikely
under chance is an exact conditional test: if the two counts are Poisson with the same
underlying rate, then given their sum ``n`` the current count is binomial(``n``, ``p``) with
``p = months / (months + months_prev)`` (0.5 for periods of equal length). The two-sided exact
binomial p-value (as :func:`scipy.stats.binomtest`) is ``change_p``; ``change_flag`` is
``change_p < alpha`` (or the Benjamini-Hochberg adjusted value when ``change_fdr`` is on).
"""

from __future__ import annotations

from typing import Any

import numpy as np


def change_test(count: Any, count_prev: Any, p: float = 0.5) -> np.ndarray:
    """Exact two-sided p-values for a change between two counts.

    Under "no change in the underlying rate", ``count`` given ``count +
    count_prev`` is binomial with probability ``p`` (the current period's share of
    the combined length: 0.5 for periods of equal length). Equals
    ``scipy.stats.binomtest(count, count + count_prev, p).pvalue``; 1 when both
    counts are 0.

    Parameters
    ----------
    count, count_prev : array-like of int
    p : float
        The current period's share of the total time, in (0, 1).

    Returns
    -------
    numpy.ndarray
    """
    from scipy import stats

    k = np.asarray(count, dtype=np.int64)
    n = k + np.asarray(count_prev, dtype=np.int64)
    out = np.ones(k.shape, dtype=float)
    nz = n > 0
    if p == 0.5:
        # Symmetric null: the two-sided p-value doubles the smaller tail.
        kk, nn = k[nz], n[nz]
        lo = stats.binom.cdf(kk, nn, 0.5)
        hi = stats.binom.sf(kk - 1, nn, 0.5)
        out[nz] = np.minimum(1.0, 2.0 * np.minimum(lo, hi))
    else:
        for i in np.flatnonzero(nz):
            out[i] = stats.binomtest(int(k[i]), int(n[i]), p).pvalue
    return out


def fdr_adjust(p: Any) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (NaN stays NaN and is not counted)."""
    from hotspot.analysis.p_values import fdr_bh

    return fdr_bh(np.asarray(p, dtype=float))


def change_label(change: np.ndarray, flag: np.ndarray) -> np.ndarray:
    """The words for a change: a rise or fall unlikely to be chance (``flag``), else normal.

    Parameters
    ----------
    change : numpy.ndarray
        ``count - count_prev`` per area.
    flag : numpy.ndarray of bool
        Whether the change test called the change.

    Returns
    -------
    numpy.ndarray of str
    """
    return np.where(
        ~flag,
        "Within normal variation",
        np.where(change > 0, "Rise unlikely to be chance", "Fall unlikely to be chance"),
    )


__all__ = [
    "change_test",
    "fdr_adjust",
]
