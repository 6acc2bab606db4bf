"""The one hot-class rule of a density surface.

A cell's class is the number of thresholds its value reaches; the result, the maps and the
exports all draw the hot cells with it, so every output shows the same ones.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def hot_classes(values: np.ndarray, thresholds: Any) -> np.ndarray:
    """The one hotspot-class rule: the number of thresholds a cell's value reaches.

    A cell is in class ``i`` when its value is at least the ``i``-th lowest threshold
    (and above zero); 0 = not hot; -1 = outside the study area (NaN). Used by the
    result, the maps and the exports, so every output draws the same hot cells.

    Parameters
    ----------
    values : ndarray
        Density values (NaN outside the study area), any shape.
    thresholds : iterable of float
        The class thresholds (sorted here).

    Returns
    -------
    ndarray of int8, same shape as ``values``.

    Examples
    --------
    >>> hot_classes(np.array([0.0, 1.0, 2.5, np.nan]), [1.0, 2.0]).tolist()
    [0, 1, 2, -1]
    """
    v = np.asarray(values, dtype=float)
    th = np.sort(np.asarray(list(thresholds), dtype=float))
    out = np.zeros(v.shape, dtype=np.int8)
    finite = np.isfinite(v)
    if th.size:
        out[finite] = np.searchsorted(th, v[finite], side="right")
    out[finite & (v <= 0)] = 0
    out[~finite] = -1
    return out


__all__ = []
