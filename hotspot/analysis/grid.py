"""Square and hexagonal grids over a study area.

A :class:`Grid` covers a study area (a borough outline, the union of wards, or the buffered
convex hull of the points) with square cells (default) or pointy-topped hexagons. Its origin
is snapped to a multiple of the cell size, so the same study area and cell size always give
the same cells with the same ids (``cell_id = row * ncols + col``, row 0 in the north). Only
cells that overlap the study area are kept; with ``clip=True`` their geometry is cut to it.
Cell sizes and the size limit are in :mod:`hotspot.analysis.cell_size`; counting points per
cell is in :mod:`hotspot.analysis.cell_counts`.

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

from hotspot.analysis.cell_size import check_grid_size, lattice_frame
from hotspot.analysis.study_points import CRS, union_geometry
from hotspot.core.errors import AnalysisError
from hotspot.core.progress import NO_PROGRESS, Progress

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd


SHAPES = ("square", "hexagon")
_SQRT3 = math.sqrt(3.0)


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
    return lattice_centres(grid.shape, grid.origin, grid.cell_size, rows, cols)


def lattice_centres(shape, origin, s, rows, cols) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates of the centres of lattice cells ``(rows, cols)``.

    Parameters
    ----------
    shape : {"square", "hexagon"}
        Cell shape; hexagons are pointy-topped with odd rows shifted east.
    origin : tuple of float
        The lattice's top-left corner (x, y).
    s : float
        Cell size (side of a square, width of a hexagon) in metres.
    rows, cols : ndarray
        Lattice row and column of each cell.

    Returns
    -------
    tuple of ndarray
        x and y of each cell centre.
    """
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
    cx, cy = lattice_centres(shape, origin, s, rows, cols)
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
    area = union_geometry(study_area)
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


__all__ = [
    "Grid",
    "make_grid",
    "lattice_centres",
]
