"""Cell sizes of grids and rasters, and the limit on their number of cells.

The default cell sizes (Gi*: the rule of R's sfhotspot; KDE: a round number of metres), the
lattice of cells a size gives over an area, and the check that refuses a grid of more than
:data:`MAX_CELLS` cells with a size that fits.
"""

from __future__ import annotations

import math

import shapely

from hotspot.analysis.errors import GridTooLargeError
from hotspot.core.errors import AnalysisError

_SQRT3 = math.sqrt(3.0)

MAX_CELLS = 5_000_000
"""Grids with more cells than this are refused (:class:`GridTooLargeError`)."""


def _short_side(study_area: shapely.Geometry) -> float:
    xmin, ymin, xmax, ymax = study_area.bounds
    side = min(xmax - xmin, ymax - ymin)
    if not side > 0:
        raise AnalysisError("the study area has no extent; give an area, not a point or a line")
    return float(side)


def default_gistar_cell_size(study_area: shapely.Geometry) -> float:
    """Default Gi* cell size (the rule of R's sfhotspot).

    The shorter side of the study area's bounding box divided by 50, floored to a multiple of
    100 m when that is at least 100 m, else the unrounded value.
    """
    size = _short_side(study_area) / 50.0
    if size >= 100.0:
        return float(math.floor(size / 100.0) * 100.0)
    return float(size)


def round_cell_size(size: float) -> float:
    """Round a cell size to a round number of metres.

    Nearest whole metre below 10 m, nearest 5 m below 100 m, nearest 10 m below 1 km, nearest
    50 m above (never below 1 m).
    """
    step = 1.0 if size < 10 else 5.0 if size < 100 else 10.0 if size < 1000 else 50.0
    return float(max(1.0, round(size / step) * step))


def default_kde_cell_size(study_area: shapely.Geometry) -> float:
    """Default KDE cell size: the shorter side of the study area's bounding box / 250,
    rounded to a round number of metres (see :func:`round_cell_size`)."""
    return round_cell_size(_short_side(study_area) / 250.0)


def lattice_frame(
    bounds: tuple[float, float, float, float], cell_size: float, shape: str = "square"
) -> tuple[float, float, int, int]:
    """``(x0, y0, nrows, ncols)`` of the lattice of cells covering ``bounds``.

    The top-left corner ``(x0, y0)`` is snapped to a multiple of the cell size, so the same
    area and cell size always give the same lattice (and the same cell ids). Hexagon rows
    are ``1.5 * cell_size / sqrt(3)`` apart and odd rows are shifted half a cell east.
    """
    xmin, ymin, xmax, ymax = bounds
    s = float(cell_size)
    x0 = math.floor(xmin / s) * s
    y0 = math.ceil(ymax / s) * s
    if shape == "square":
        ncols = max(1, math.ceil((xmax - x0) / s))
        nrows = max(1, math.ceil((y0 - ymin) / s))
    else:
        x0 -= s / 2.0  # odd rows start half a cell east: cover the west edge too
        ncols = max(1, math.ceil((xmax - x0) / s) + 1)
        nrows = max(1, math.ceil((y0 - ymin) / (1.5 * s / _SQRT3)) + 1)
    return float(x0), float(y0), int(nrows), int(ncols)


def _next_round(size: float) -> float:
    """The next round cell size above ``size`` (see :func:`round_cell_size`)."""
    for step in (1.0, 5.0, 10.0, 50.0):
        bigger = round_cell_size(size + step)
        if bigger > size:
            return bigger
    return size + 50.0  # pragma: no cover - a step of 50 m always reaches the next size


def suggest_cell_size(
    study_area: shapely.Geometry, max_cells: int | None = None, *, shape: str = "square"
) -> float:
    """The smallest round cell size (see :func:`round_cell_size`) whose lattice over the
    study area has at most ``max_cells`` cells (default :data:`MAX_CELLS`)."""
    limit = MAX_CELLS if max_cells is None else int(max_cells)
    bounds = study_area.bounds
    xmin, ymin, xmax, ymax = bounds
    per_cell = 1.0 if shape == "square" else _SQRT3 / 2.0  # area of a cell / size²
    size = round_cell_size(math.sqrt(max((xmax - xmin) * (ymax - ymin), 1.0) / per_cell / limit))
    while True:
        _, _, nrows, ncols = lattice_frame(bounds, size, shape)
        if nrows * ncols <= limit:
            return size
        size = _next_round(size)


def check_grid_size(
    nrows: int,
    ncols: int,
    cell_size: float,
    study_area: shapely.Geometry,
    what: str,
    *,
    shape: str = "square",
) -> None:
    """Raise :class:`GridTooLargeError` when ``nrows * ncols`` exceeds :data:`MAX_CELLS`;
    the message suggests a cell size that fits (:func:`suggest_cell_size`)."""
    if nrows * ncols > MAX_CELLS:
        raise GridTooLargeError(
            f"a {what} of {cell_size:g} m cells over this study area would have "
            f"{nrows * ncols:,} cells (limit {MAX_CELLS:,}); use a cell size of at least "
            f"{suggest_cell_size(study_area, shape=shape):g} m, or a smaller study area"
        )


__all__ = [
    "MAX_CELLS",
    "check_grid_size",
    "default_gistar_cell_size",
    "default_kde_cell_size",
    "lattice_frame",
    "round_cell_size",
    "suggest_cell_size",
]
