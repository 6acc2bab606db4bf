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

from hotspot.analysis.errors import GeographicCrsError, GridTooLargeError, NoPointsError, warn
from hotspot.core.errors import AnalysisError
from hotspot.core.progress import NO_PROGRESS, Progress

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

CRS = "EPSG:27700"
MAX_CELLS = 5_000_000
"""Grids with more cells than this are refused (:class:`GridTooLargeError`)."""

SHAPES = ("square", "hexagon")
_SQRT3 = math.sqrt(3.0)


# --------------------------------------------------------------------------- inputs


def check_projected(gdf: Any, what: str) -> None:
    """Refuse coordinates in longitude/latitude degrees, where the analyses work in metres.

    Raises
    ------
    GeographicCrsError
        When ``gdf.crs`` is geographic; the message says how to reproject.
    """
    crs = getattr(gdf, "crs", None)
    if crs is not None and crs.is_geographic:
        raise GeographicCrsError(
            f"{what}: the coordinates are longitude/latitude ({crs.to_string()}), but distances "
            "and areas need metres. Reproject to British National Grid first, e.g. "
            "gdf.to_crs(27700) (the Hotspot readers do this for you)"
        )


def to_bng(gdf: Any, what: str) -> Any:
    """``gdf`` in British National Grid (EPSG:27700): reprojected from another projected CRS,
    refused in longitude/latitude (:func:`check_projected`); a missing CRS is taken as BNG."""
    check_projected(gdf, what)
    crs = getattr(gdf, "crs", None)
    if crs is not None and crs.to_epsg() != 27700:
        return gdf.to_crs(27700)
    return gdf


def _coordinates(points: Any, what: str) -> tuple[np.ndarray, np.ndarray]:
    """``(xy, usable)``: coordinates of the rows with a location, and which rows have one."""
    geoms = getattr(points, "geometry", None)
    if geoms is not None:
        crs = getattr(points, "crs", None)
        geoms = to_bng(geoms, what)
        arr = np.asarray(geoms.values if hasattr(geoms, "values") else geoms)
        usable = ~(shapely.is_missing(arr) | shapely.is_empty(arr))
        xy = shapely.get_coordinates(arr[usable])
        if xy.shape[0] != int(usable.sum()):
            raise AnalysisError(f"{what} must be single points, not lines or polygons")
        finite = np.isfinite(xy).all(axis=1)
        if not finite.all():
            usable[np.flatnonzero(usable)[~finite]] = False
            xy = xy[finite]
        known_crs = crs is not None
    else:
        raw = np.asarray(points, dtype=float)
        if raw.ndim != 2 or raw.shape[1] != 2:
            raise AnalysisError(f"{what} must be a GeoDataFrame or an (n, 2) array of x, y metres")
        usable = np.isfinite(raw).all(axis=1)
        xy = raw[usable]
        known_crs = False
    if not known_crs and xy.shape[0] and _looks_like_degrees(xy):
        raise GeographicCrsError(
            f"{what} look like longitude/latitude degrees (every x within ±180 and y within "
            "±90); give British National Grid metres (EPSG:27700) instead"
        )
    return xy.astype(float), usable


def point_coordinates(points: Any, *, what: str = "points") -> np.ndarray:
    """Return an ``(n, 2)`` float array of British National Grid metres.

    Parameters
    ----------
    points : GeoDataFrame, GeoSeries, or array_like of shape (n, 2)
        Point locations. GeoDataFrames in another projected CRS are reprojected to
        EPSG:27700; rows with a missing or empty geometry (or non-finite coordinates)
        are left out (:func:`points_in_study_area` counts them).
    what : str, optional
        How to name the input in error messages.

    Raises
    ------
    GeographicCrsError
        When the points are in longitude/latitude degrees (a geographic CRS, or no CRS and
        every coordinate within ±180, ±90).
    """
    return _coordinates(points, what)[0]


@dataclass(frozen=True, eq=False)
class StudyPoints:
    """Offence points made ready for a grid or raster analysis.

    Attributes
    ----------
    xy : numpy.ndarray
        ``(m, 2)`` coordinates (BNG metres) of the points inside the study area.
    area : shapely.Geometry
        The study area.
    used : numpy.ndarray of bool
        Per input row: whether it is among ``xy`` (align per-point weights with it).
    n_outside : int
        Points with a location outside the study area.
    n_missing : int
        Rows without a usable location (missing or empty geometry, NaN coordinates).
    """

    xy: np.ndarray
    area: shapely.Geometry
    used: np.ndarray
    n_outside: int
    n_missing: int

    def warn_left_out(self, messages: list[str], purpose: str) -> None:
        """Tell the user (through ``messages`` and a warning) which points were left out."""
        if self.n_missing:
            warn(
                messages,
                f"{self.n_missing:,} offence(s) have no location (empty geometry or missing "
                f"coordinates) and were left out of {purpose}",
            )
        if self.n_outside:
            warn(
                messages,
                f"{self.n_outside:,} offence(s) lie outside the study area and were left out of "
                f"{purpose}",
            )


def points_in_study_area(
    points: Any, study_area: Any = None, *, what: str = "offence points"
) -> StudyPoints:
    """The points inside a study area, counting those left out: the common first step of the
    density surface and the Gi* grid.

    Parameters
    ----------
    points : GeoDataFrame or (n, 2) array
        Point locations in British National Grid metres (see :func:`point_coordinates`).
    study_area : shapely geometry, GeoDataFrame, GeoSeries or AreaLayer, optional
        Where to analyse (e.g. the borough outline). Default: the buffered convex hull of the
        points, leaving out stray points far from the rest (:func:`study_area_from`).
    what : str, optional
        How to name the points in messages.

    Raises
    ------
    GeographicCrsError
        When the points or the study area are in longitude/latitude.
    NoPointsError
        When no point has a location, or none lies inside the study area.
    """
    xy, usable = _coordinates(points, what)
    if xy.shape[0] == 0:
        raise NoPointsError(
            f"there are no {what} with coordinates to analyse"
            + (f" ({usable.size:,} rows, none with a location)" if usable.size else "")
            + "; check the offence group and period selected"
        )
    if study_area is None:
        area = study_area_from(points=xy)
    else:
        area = study_area_from(outline=study_area)
    inside = inside_mask(area, xy)
    n_outside = int((~inside).sum())
    if not inside.any():
        raise NoPointsError(
            f"all {n_outside:,} points lie outside the study area; check that the "
            "points and the boundary cover the same place and are both in British National "
            "Grid (EPSG:27700)"
        )
    used = usable.copy()
    used[np.flatnonzero(usable)[~inside]] = False
    return StudyPoints(
        xy=xy[inside],
        area=area,
        used=used,
        n_outside=n_outside,
        n_missing=int((~usable).sum()),
    )


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
        area = obj
        known_crs = False
    else:
        gdf = to_bng(getattr(obj, "gdf", obj), "the study area")  # AreaLayer or frame
        known_crs = getattr(gdf, "crs", None) is not None
        geoms = np.asarray(getattr(gdf, "geometry", gdf))
        geoms = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
        if geoms.size == 0:
            raise AnalysisError("the study area has no geometry")
        area = shapely.union_all(shapely.make_valid(geoms))
    in_degrees = not area.is_empty and _looks_like_degrees(np.reshape(area.bounds, (2, 2)))
    if in_degrees and not known_crs:
        raise GeographicCrsError(
            "the study area looks like longitude/latitude degrees (it lies within ±180, "
            "±90); give it in British National Grid metres, e.g. gdf.to_crs(27700)"
        )
    return area


_MIN_FENCE = 1000.0  # metres: the bulk of the data is never narrower than this


def robust_extent_mask(xy: np.ndarray) -> np.ndarray:
    """Which points lie in the bulk of the data (stray points such as 0,0 are excluded).

    Per coordinate, the bulk runs from the ``k``-th smallest to the ``k``-th largest value
    (``k`` = 1 % of the points, at least 2nd from each end: so a single stray point never
    sets it); a point is kept when it lies within one such span (at least 1 km) of the bulk.
    With fewer than 5 points every point is kept.
    """
    n = xy.shape[0]
    if n < 5:
        return np.ones(n, dtype=bool)
    k = max(1, int(0.01 * n))
    ordered = np.sort(xy, axis=0)
    lo, hi = ordered[k], ordered[n - 1 - k]
    fence = np.maximum(hi - lo, _MIN_FENCE)
    return np.all((xy >= lo - fence) & (xy <= hi + fence), axis=1)


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


_BLOCK_CELLS = 250_000  # lattice cells built at once (cancellation is checked between blocks)


def _block_cells(area, near, shape, origin, s, rows, cols, clip):
    """The cells of one block of the lattice that overlap ``area``."""
    cx, cy = _lattice_centres(shape, origin, s, rows, cols)
    cand = shapely.contains_xy(near, cx, cy)
    rows, cols, cx, cy = rows[cand], cols[cand], cx[cand], cy[cand]
    if shape == "square":
        geoms = shapely.box(cx - s / 2, cy - s / 2, cx + s / 2, cy + s / 2)
    else:
        geoms = _hexagons(cx, cy, s)
    keep = shapely.intersects(area, geoms)
    # a cell that only touches the edge has no area inside: drop it
    edge = keep & ~shapely.covers(area, geoms)
    interior = keep & ~edge
    pieces = shapely.intersection(geoms[edge], area)
    has_area = shapely.area(pieces) > 1e-6 * s * s
    keep[np.flatnonzero(edge)[~has_area]] = False
    if clip:
        geoms[np.flatnonzero(edge)[has_area]] = pieces[has_area]
    return rows[keep], cols[keep], geoms[keep], interior[keep]


def make_grid(
    study_area: Any,
    cell_size: float,
    *,
    shape: str = "square",
    clip: bool = True,
    progress: Progress = NO_PROGRESS,
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
    progress : Progress, optional
        Cancellation is checked between blocks of about 250,000 cells.

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
    s = cell_size
    x0, y0, nrows, ncols = lattice_frame(area.bounds, s, shape)
    check_grid_size(nrows, ncols, s, area, "grid", shape=shape)
    # only cells whose centre is within a circumradius of the area can overlap it
    reach = s / math.sqrt(2.0) if shape == "square" else s / _SQRT3
    near = shapely.buffer(area, reach * 1.05, quad_segs=4)
    shapely.prepare(near)
    shapely.prepare(area)
    block = max(1, _BLOCK_CELLS // ncols)
    parts = []
    for r0 in range(0, nrows, block):
        progress.check_cancelled()
        rows, cols = (a.ravel() for a in np.indices((min(block, nrows - r0), ncols)))
        parts.append(_block_cells(area, near, shape, (x0, y0), s, rows + r0, cols, clip))
    rows, cols, geoms, interior = (np.concatenate(a) for a in zip(*parts, strict=True))
    cells = gpd.GeoDataFrame(
        {"cell_id": rows * ncols + cols, "row": rows, "col": cols},
        geometry=geoms,
        crs=CRS,
    )
    return Grid(
        cell_size=s,
        shape=shape,
        origin=(x0, y0),
        nrows=nrows,
        ncols=ncols,
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
        Number of points outside the study area (rows without a location are not counted
        anywhere).
    """
    xy, usable = _coordinates(points, "points")
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
    "CRS",
    "MAX_CELLS",
    "Grid",
    "StudyPoints",
    "cell_positions",
    "check_grid_size",
    "count_points",
    "default_gistar_cell_size",
    "default_kde_cell_size",
    "check_projected",
    "inside_mask",
    "lattice_frame",
    "make_grid",
    "point_coordinates",
    "points_in_study_area",
    "robust_extent_mask",
    "round_cell_size",
    "study_area_from",
    "suggest_cell_size",
    "to_bng",
]
