"""Points counted per cell of a grid.

:func:`cell_positions` finds the cell holding each point (checking the points in cells that
straddle the edge against the study area itself); :func:`count_points` counts, or sums
weights, per cell.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from hotspot.analysis.grid import Grid
from hotspot.analysis.study_points import inside_mask, usable_coordinates
from hotspot.core.errors import AnalysisError


def count_points(
    grid: Grid, points: Any, weights: np.ndarray | None = None
) -> tuple[np.ndarray, int]:
    """Count the points in each cell of a grid.

    Points outside the study area are not counted in any cell (whatever ``grid.clip``) and
    are returned as ``n_outside``.

    Parameters
    ----------
    grid : Grid
        From :func:`make_grid`.
    points : GeoDataFrame or (n, 2) array
        Point locations in British National Grid metres.
    weights : array_like, optional
        A weight per point (counts are then weighted sums).

    Returns
    -------
    counts : numpy.ndarray
        Aligned with ``grid.cells`` (int64, or float64 with weights).
    n_outside : int
        Number of points outside the study area (rows without a location are not counted
        anywhere).
    """
    xy, usable = usable_coordinates(points, "points")
    if weights is not None:
        weights = np.asarray(weights, dtype=float).ravel()
        if weights.size != usable.size:
            raise AnalysisError(
                f"weights: {weights.size:,} weights for {usable.size:,} points; give one weight "
                "per point, in the order of the points"
            )
        weights = weights[usable]
    pos = cell_positions(grid, xy)
    ok = pos >= 0
    n = len(grid.cells)
    if weights is None:
        counts = np.bincount(pos[ok], minlength=n)
    else:
        counts = np.bincount(pos[ok], weights=weights[ok], minlength=n)
    return counts, int((~ok).sum())


def cell_positions(grid: Grid, xy: np.ndarray) -> np.ndarray:
    """Position in ``grid.cells`` of the cell holding each point, or -1 outside the study area."""
    rc = grid.locate(xy)
    on = (rc[:, 0] >= 0) & (rc[:, 0] < grid.nrows) & (rc[:, 1] >= 0) & (rc[:, 1] < grid.ncols)
    pos = np.full(xy.shape[0], -1, dtype=np.int64)
    pos[on] = grid.lookup[rc[on, 0], rc[on, 1]]
    # points in cells that straddle the edge: check against the study area itself
    check = np.flatnonzero(pos >= 0)
    check = check[~grid.interior[pos[check]]]
    if check.size:
        pos[check[~inside_mask(grid.study_area, xy[check])]] = -1
    return pos


__all__ = [
    "cell_positions",
    "count_points",
]
