"""The default KDE bandwidth: Silverman's rule for points in the plane, as ArcGIS applies it."""

from __future__ import annotations

import math

import numpy as np


def standard_distance(xy: np.ndarray, weights: np.ndarray | None = None) -> float:
    """The standard distance of points: the root mean square distance to their mean centre.

    Examples
    --------
    >>> standard_distance(np.array([[0.0, 0.0], [6.0, 8.0]]))
    5.0
    """
    w = np.ones(xy.shape[0]) if weights is None else np.asarray(weights, dtype=float)
    total = float(w.sum())
    centre = (xy * w[:, None]).sum(axis=0) / total
    diff = xy - centre
    return math.sqrt(float((w * (diff**2).sum(axis=1)).sum()) / total)


def silverman_bandwidth(xy: np.ndarray, weights: np.ndarray | None = None) -> tuple[float, str]:
    """Silverman's rule of thumb for points in the plane, as ArcGIS applies it.

    ``h = 0.9 * min(SD, sqrt(1 / ln 2) * Dm) * n ** -0.2``, with ``SD`` the standard
    distance, ``Dm`` the median distance to the mean centre (both weighted when weights are
    given; ``n`` is then the sum of the weights). Repeated locations are fine. When ``Dm`` is
    0 (over half the points at the mean centre) ``SD`` alone is used.

    Returns
    -------
    bandwidth : float
        In metres; 0 when every point is at the same place.
    note : str
        How it was computed, in plain English.
    """
    w = np.ones(xy.shape[0]) if weights is None else np.asarray(weights, dtype=float)
    total = float(w.sum())
    centre = (xy * w[:, None]).sum(axis=0) / total
    diff = xy - centre
    sd = standard_distance(xy, weights)
    dist = np.hypot(diff[:, 0], diff[:, 1])
    order = np.argsort(dist, kind="mergesort")
    cum = np.cumsum(w[order])
    dm = float(dist[order][np.searchsorted(cum, 0.5 * total)])
    robust = math.sqrt(1.0 / math.log(2.0)) * dm
    spread = min(sd, robust) if robust > 0 else sd
    h = 0.9 * spread * total**-0.2
    n_text = f"{total:,.0f}" if weights is None else f"total weight {total:,.1f}"
    note = (
        f"Silverman's rule for points (as ArcGIS): 0.9 x min(standard distance {sd:,.0f} m, "
        f"sqrt(1/ln 2) x median distance to the mean centre {robust:,.0f} m) x n^-0.2 "
        f"(n = {n_text}) = {h:,.0f} m"
    )
    return h, note


__all__ = [
    "silverman_bandwidth",
    "standard_distance",
]
