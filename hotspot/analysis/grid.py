"""Square and hexagonal grids over a study area, and fast point counting per cell.

A :class:`Grid` covers a study area (a borough outline, the union of wards, or the buffered
convex hull of the points) with square cells (default) or pointy-topped hexagons. Its origin
is snapped to a multiple of the cell size, so the same study area and cell size always give
the same cells with the same ids (``cell_id = row * ncols + col``, row 0 in the north). Only
cells that overlap the study area are kept; with ``clip=True`` their geometry is cut to it.

Example
-------
>>> import shapely
>>> grid = make_grid(shapely.box(0, 0, 1000, 500), 100)
>>> len(grid.cells), grid.nrows, grid.ncols
(50, 5, 10)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from hotspot.analysis.errors import GeographicCrsError, GridTooLargeError, NoPointsError
from hotspot.errors import AnalysisError

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

CRS = "EPSG:27700"
MAX_CELLS = 5_000_000
"""Grids with more cells than this are refused (:class:`GridTooLargeError`)."""

SHAPES = ("square", "hexagon")
_SQRT3 = math.sqrt(3.0)


# --------------------------------------------------------------------------- inputs


def point_coordinates(points: Any, *, what: str = "points") -> np.ndarray:
    """Return an ``(n, 2)`` float array of British National Grid metres.

    Parameters
    ----------
    points : GeoDataFrame, GeoSeries, or array_like of shape (n, 2)
        Point locations. GeoDataFrames in another projected CRS are reprojected to
        EPSG:27700; empty or missing geometries are dropped.
    what : str, optional
        How to name the input in error messages.

    Raises
    ------
    GeographicCrsError
        When the points are in longitude/latitude degrees.
    """
    geoms = getattr(points, "geometry", None)
    if geoms is not None:
        crs = getattr(points, "crs", None)
        if crs is not None and crs.is_geographic:
            raise GeographicCrsError(
                f"{what} are in longitude/latitude ({crs.to_string()}); distances need metres. "
                "Reproject them to British National Grid first, e.g. gdf.to_crs(27700) "
                "(the Hotspot readers do this for you)"
            )
        if crs is not None and crs.to_epsg() != 27700:
            geoms = geoms.to_crs(27700)
        arr = np.asarray(geoms.values if hasattr(geoms, "values") else geoms)
        ok = ~(shapely.is_missing(arr) | shapely.is_empty(arr))
        xy = shapely.get_coordinates(arr[ok])
        if xy.shape[0] != int(ok.sum()):
            raise AnalysisError(f"{what} must be single points")
        return xy.astype(float)
    xy = np.asarray(points, dtype=float)
    if xy.ndim != 2 or xy.shape[1] != 2:
        raise AnalysisError(f"{what} must be a GeoDataFrame or an (n, 2) array of x, y metres")
    finite = np.isfinite(xy).all(axis=1)
    if not finite.all():
        xy = xy[finite]
    if xy.shape[0] and _looks_like_degrees(xy):
        raise GeographicCrsError(
            f"{what} look like longitude/latitude degrees (every x within ±180 and y within "
            "±90); give British National Grid metres (EPSG:27700) instead"
        )
    return xy


def _looks_like_degrees(xy: np.ndarray) -> bool:
    lo = xy.min(axis=0)
    hi = xy.max(axis=0)
    return bool(lo[0] >= -180 and hi[0] <= 180 and lo[1] >= -90 and hi[1] <= 90)


def inside_mask(area: shapely.Geometry, xy: np.ndarray) -> np.ndarray:
    """Which points lie inside the study area (fast for rectangles and far-away points)."""
    xmin, ymin, xmax, ymax = area.bounds
    x, y = xy[:, 0], xy[:, 1]
    in_box = (x > xmin) & (x < xmax) & (y > ymin) & (y < ymax)
    if area.equals(shapely.box(xmin, ymin, xmax, ymax)):
        return in_box
    out = np.zeros(xy.shape[0], dtype=bool)
    idx = np.flatnonzero(in_box)
    shapely.prepare(area)
    out[idx] = shapely.contains_xy(area, x[idx], y[idx])
    return out


def _geometry_of(obj: Any) -> shapely.Geometry:
    """Union of a GeoDataFrame / GeoSeries / AreaLayer / shapely geometry, in EPSG:27700."""
    if obj is None:
        raise AnalysisError("no geometry given")
    if isinstance(obj, shapely.Geometry):
        return obj
    gdf = getattr(obj, "gdf", obj)  # AreaLayer
    crs = getattr(gdf, "crs", None)
    if crs is not None and crs.is_geographic:
        raise GeographicCrsError(
            f"the study area is in longitude/latitude ({crs.to_string()}); reproject it to "
            "British National Grid first, e.g. gdf.to_crs(27700)"
        )
    if crs is not None and crs.to_epsg() != 27700:
        gdf = gdf.to_crs(27700)
    geoms = np.asarray(getattr(gdf, "geometry", gdf))
    geoms = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
    if geoms.size == 0:
        raise AnalysisError("the study area has no geometry")
    geoms = shapely.make_valid(geoms)
    return shapely.union_all(geoms)


def robust_extent_mask(xy: np.ndarray) -> np.ndarray:
    """Which points lie in the bulk of the data (stray points such as 0,0 are excluded).

    A point is kept when each coordinate lies within one inter-percentile span (1st to 99th
    percentile) of that span, so a few stray points far away cannot stretch a grid.
    """
    if xy.shape[0] < 20:
        return np.ones(xy.shape[0], dtype=bool)
    lo = np.percentile(xy, 1, axis=0)
    hi = np.percentile(xy, 99, axis=0)
    span = np.maximum(hi - lo, 1.0)
    return np.all((xy >= lo - span) & (xy <= hi + span), axis=1)


def study_area_from(
    areas: Any = None,
    outline: Any = None,
    points: Any = None,
    *,
    buffer: float | None = None,
) -> shapely.Geometry:
    """The study area: an outline, the union of areas, or the buffered hull of the points.

    The first one given of ``outline``, ``areas`` and ``points`` is used.

    Parameters
    ----------
    areas : AreaLayer or GeoDataFrame, optional
        Polygons whose union is the study area (e.g. the wards of a borough).
    outline : GeoDataFrame, GeoSeries or shapely geometry, optional
        A boundary such as a borough outline.
    points : GeoDataFrame or (n, 2) array, optional
        Offence points: their convex hull, buffered by ``buffer`` metres (default 2% of the
        longer side of their extent, at least 100 m). Stray points far from the bulk of the
        data (see :func:`robust_extent_mask`) are left out of the hull.
    buffer : float, optional
        Buffer around the convex hull of ``points``, in metres.

    Returns
    -------
    shapely.Geometry
        A (multi)polygon in British National Grid metres.

    Raises
    ------
    NoPointsError
        When only ``points`` is given and there are none.
    """
    if outline is not None:
        return _geometry_of(outline)
    if areas is not None:
        return _geometry_of(areas)
    if points is None:
        raise AnalysisError("give areas, an outline or points to define the study area")
    xy = point_coordinates(points)
    if xy.shape[0] == 0:
        raise NoPointsError("there are no points with coordinates to define a study area")
    xy = xy[robust_extent_mask(xy)]
    if buffer is None:
        side = float(np.max(xy.max(axis=0) - xy.min(axis=0)))
        buffer = max(100.0, 0.02 * side)
    hull = shapely.convex_hull(shapely.multipoints(xy))
    return shapely.buffer(hull, buffer)


# --------------------------------------------------------------------------- cell sizes


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


def suggest_cell_size(study_area: shapely.Geometry, max_cells: int = MAX_CELLS) -> float:
    """The smallest round cell size whose square grid over the study area's bounding box
    stays under ``max_cells`` cells."""
    xmin, ymin, xmax, ymax = study_area.bounds
    size = math.sqrt(max((xmax - xmin) * (ymax - ymin), 1.0) / max_cells)
    out = round_cell_size(size)
    while math.ceil((xmax - xmin) / out + 1) * math.ceil((ymax - ymin) / out + 1) > max_cells:
        step = 1.0 if out < 10 else 5.0 if out < 100 else 10.0 if out < 1000 else 50.0
        out = max(round_cell_size(out * 1.1), out + step)  # always grows: rounding may not
    return out


def check_grid_size(
    nrows: int, ncols: int, cell_size: float, study_area: shapely.Geometry, what: str
) -> None:
    """Raise :class:`GridTooLargeError` when ``nrows * ncols`` exceeds :data:`MAX_CELLS`."""
    if nrows * ncols > MAX_CELLS:
        raise GridTooLargeError(
            f"a {what} of {cell_size:g} m cells over this study area would have "
            f"{nrows * ncols:,} cells (limit {MAX_CELLS:,}); use a cell size of at least "
            f"{suggest_cell_size(study_area):g} m, or a smaller study area"
        )


# --------------------------------------------------------------------------- the grid


@dataclass(frozen=True, eq=False)
class Grid:
    """A grid of cells over a study area.

    Attributes
    ----------
    cell_size : float
        Square: side of a cell, in metres. Hexagon: distance between the centres of adjacent
        cells (the width across flats); a hexagon's area is ``sqrt(3) / 2 * cell_size**2``.
    shape : str
        "square" or "hexagon" (pointy-topped; odd rows shifted half a cell east).
    origin : tuple of float
        ``(x, y)`` of the top-left corner of the full rectangular lattice.
    nrows, ncols : int
        Size of the full lattice (row 0 in the north).
    cells : geopandas.GeoDataFrame
        The cells that overlap the study area: ``cell_id`` (``row * ncols + col``), ``row``,
        ``col``, geometry (clipped to the study area when ``clip``), in EPSG:27700.
    study_area : shapely.Geometry
        The study area.
    clip : bool
        Whether cell geometries are cut to the study area.
    interior : numpy.ndarray of bool
        Per cell: whether the whole cell lies inside the study area.
    """

    cell_size: float
    shape: str
    origin: tuple[float, float]
    nrows: int
    ncols: int
    cells: gpd.GeoDataFrame
    study_area: shapely.Geometry
    clip: bool
    interior: np.ndarray

    @property
    def rows(self) -> np.ndarray:
        """Row of each cell (aligned with ``cells``)."""
        return self.cells["row"].to_numpy()

    @property
    def cols(self) -> np.ndarray:
        """Column of each cell (aligned with ``cells``)."""
        return self.cells["col"].to_numpy()

    @cached_property
    def lookup(self) -> np.ndarray:
        """``(nrows, ncols)`` int array: position of each lattice cell in ``cells``, or -1."""
        out = np.full((self.nrows, self.ncols), -1, dtype=np.int64)
        out[self.rows, self.cols] = np.arange(len(self.cells))
        return out

    @property
    def centres(self) -> np.ndarray:
        """``(n, 2)`` centres of the (unclipped) cells."""
        return np.column_stack(_centres(self, self.rows, self.cols))

    @property
    def cell_area(self) -> float:
        """Area of a whole cell in m²."""
        if self.shape == "square":
            return self.cell_size**2
        return _SQRT3 / 2.0 * self.cell_size**2

    def locate(self, xy: np.ndarray) -> np.ndarray:
        """Lattice ``(row, col)`` of each point, as an ``(n, 2)`` int array (may be off-grid)."""
        x = xy[:, 0] - self.origin[0]
        y = self.origin[1] - xy[:, 1]
        s = self.cell_size
        if self.shape == "square":
            return np.column_stack([np.floor(y / s), np.floor(x / s)]).astype(np.int64)
        return _hex_locate(x, y, s)


def _centres(grid: Grid, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return _lattice_centres(grid.shape, grid.origin, grid.cell_size, rows, cols)


def _lattice_centres(shape, origin, s, rows, cols) -> tuple[np.ndarray, np.ndarray]:
    x0, y0 = origin
    if shape == "square":
        return x0 + (cols + 0.5) * s, y0 - (rows + 0.5) * s
    radius = s / _SQRT3
    return x0 + (cols + 0.5 + 0.5 * (rows % 2)) * s, y0 - radius - rows * 1.5 * radius


def _hex_locate(x: np.ndarray, y: np.ndarray, s: float) -> np.ndarray:
    """Offset (odd-r) coordinates of the pointy-topped hexagon containing each point.

    ``x`` east and ``y`` south of the lattice origin; the centre of (0, 0) is at
    ``(s / 2, radius)``.
    """
    radius = s / _SQRT3
    px = x - s / 2.0
    py = y - radius
    # axial coordinates (fractional), then cube rounding
    q = (_SQRT3 / 3.0 * px - py / 3.0) / radius
    r = (2.0 / 3.0 * py) / radius
    cx, cz = q, r
    cy = -cx - cz
    rx, ry, rz = np.round(cx), np.round(cy), np.round(cz)
    dx, dy, dz = np.abs(rx - cx), np.abs(ry - cy), np.abs(rz - cz)
    fix_x = (dx > dy) & (dx > dz)
    fix_y = ~fix_x & (dy > dz)
    rx = np.where(fix_x, -ry - rz, rx)
    ry = np.where(fix_y, -rx - rz, ry)
    rz = np.where(~fix_x & ~fix_y, -rx - ry, rz)
    row = rz.astype(np.int64)
    col = (rx + (rz - (row & 1)) / 2).astype(np.int64)
    return np.column_stack([row, col])


def _hexagons(cx: np.ndarray, cy: np.ndarray, s: float) -> np.ndarray:
    radius = s / _SQRT3
    angles = np.deg2rad(np.arange(90, 450, 60))[::-1]  # pointy top, counter-clockwise
    ring = np.stack(
        [cx[:, None] + radius * np.cos(angles), cy[:, None] + radius * np.sin(angles)], axis=-1
    )
    ring = np.concatenate([ring, ring[:, :1]], axis=1)
    # round to the micrometre so that neighbouring hexagons share vertices exactly
    return shapely.polygons(np.round(ring, 6))


def make_grid(
    study_area: Any,
    cell_size: float,
    *,
    shape: str = "square",
    clip: bool = True,
) -> Grid:
    """Cover a study area with square or hexagonal cells.

    Parameters
    ----------
    study_area : shapely geometry, GeoDataFrame, GeoSeries or AreaLayer
        The area to cover (a GeoDataFrame's polygons are unioned).
    cell_size : float
        Square: side in metres. Hexagon: distance between adjacent centres in metres.
    shape : {"square", "hexagon"}, optional
        Cell shape (default square).
    clip : bool, optional
        Cut cells at the study area's edge (default) or keep them whole.

    Returns
    -------
    Grid

    Raises
    ------
    GridTooLargeError
        When the grid would have more than 5 million cells; the message suggests a cell size.
    """
    import geopandas as gpd

    if shape not in SHAPES:
        raise AnalysisError(f"shape={shape!r}: use 'square' or 'hexagon'")
    cell_size = float(cell_size)
    if not cell_size > 0:
        raise AnalysisError(f"cell_size={cell_size}: the cell size must be a positive number of m")
    area = _geometry_of(study_area)
    xmin, ymin, xmax, ymax = area.bounds
    s = cell_size
    x0 = math.floor(xmin / s) * s
    y0 = math.ceil(ymax / s) * s
    if shape == "square":
        ncols = max(1, math.ceil((xmax - x0) / s))
        nrows = max(1, math.ceil((y0 - ymin) / s))
    else:
        radius = s / _SQRT3
        x0 -= s / 2.0  # odd rows start half a cell east: cover the west edge too
        ncols = max(1, math.ceil((xmax - x0) / s) + 1)
        nrows = max(1, math.ceil((y0 - ymin) / (1.5 * radius)) + 1)
    check_grid_size(nrows, ncols, s, area, "grid")
    rows, cols = (a.ravel() for a in np.indices((nrows, ncols)))
    cx, cy = _lattice_centres(shape, (x0, y0), s, rows, cols)
    # only cells whose centre is within a circumradius of the area can overlap it
    reach = s / math.sqrt(2.0) if shape == "square" else s / _SQRT3
    near = shapely.buffer(area, reach * 1.05, quad_segs=4)
    shapely.prepare(near)
    cand = shapely.contains_xy(near, cx, cy)
    rows, cols, cx, cy = rows[cand], cols[cand], cx[cand], cy[cand]
    if shape == "square":
        geoms = shapely.box(cx - s / 2, cy - s / 2, cx + s / 2, cy + s / 2)
    else:
        geoms = _hexagons(cx, cy, s)
    shapely.prepare(area)
    keep = shapely.intersects(area, geoms)
    # a cell that only touches the edge has no area inside: drop it
    edge = keep & ~shapely.covers(area, geoms)
    interior = keep & ~edge
    pieces = shapely.intersection(geoms[edge], area)
    has_area = shapely.area(pieces) > 1e-6 * s * s
    keep[np.flatnonzero(edge)[~has_area]] = False
    if clip:
        geoms = geoms.copy()
        geoms[np.flatnonzero(edge)[has_area]] = pieces[has_area]
    rows, cols, geoms, interior = rows[keep], cols[keep], geoms[keep], interior[keep]
    cells = gpd.GeoDataFrame(
        {"cell_id": rows * ncols + cols, "row": rows, "col": cols},
        geometry=geoms,
        crs=CRS,
    )
    return Grid(
        cell_size=s,
        shape=shape,
        origin=(float(x0), float(y0)),
        nrows=int(nrows),
        ncols=int(ncols),
        cells=cells,
        study_area=area,
        clip=bool(clip),
        interior=interior,
    )


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
        Number of points outside the study area.
    """
    xy = point_coordinates(points)
    if weights is not None:
        weights = np.asarray(weights, dtype=float).ravel()
        if weights.size != xy.shape[0]:
            raise AnalysisError(f"{weights.size} weights for {xy.shape[0]} points")
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
    "CRS",
    "MAX_CELLS",
    "Grid",
    "cell_positions",
    "check_grid_size",
    "count_points",
    "default_gistar_cell_size",
    "default_kde_cell_size",
    "make_grid",
    "inside_mask",
    "point_coordinates",
    "robust_extent_mask",
    "round_cell_size",
    "study_area_from",
    "suggest_cell_size",
]
