"""Cells of a regular grid: the lattice a table of cells was cut from, hot cells merged.

Used by :mod:`hotspot.analysis.zones`: a Gi* grid or the hot cells of a density raster are
a :class:`~hotspot.analysis.grid.Grid`; contiguous hot cells are grouped (8 neighbours on a
square grid, diagonals included; 6 on a hexagonal one) and offences are placed in cells.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely

from hotspot.analysis.grid import Grid


def grid_of_cells(cells: Any, cell_size: float, shape: str) -> Grid:
    """The :class:`Grid` a table of cells (``row``, ``col``, clipped geometry) was cut from.

    The lattice origin is recovered exactly from the cells' bounds: clipping only shrinks
    a cell, so the smallest "west edge minus column offset" is the lattice's west edge.
    """
    rows = cells["row"].to_numpy(dtype=np.int64)
    cols = cells["col"].to_numpy(dtype=np.int64)
    geoms = np.asarray(cells.geometry.values)
    b = shapely.bounds(geoms)
    s = float(cell_size)
    if shape == "square":
        x0 = float(np.min(b[:, 0] - cols * s))
        y0 = float(np.max(b[:, 3] + rows * s))
        full_area = s * s
    else:
        radius = s / np.sqrt(3.0)
        x0 = float(np.min(b[:, 0] - (cols + 0.5 * (rows % 2)) * s))
        y0 = float(np.max(b[:, 3] + rows * 1.5 * radius))
        full_area = np.sqrt(3.0) / 2.0 * s * s
    full = np.abs(shapely.area(geoms) - full_area) <= 1e-6 * full_area
    return Grid(
        cell_size=s,
        shape=shape,
        origin=(x0, y0),
        nrows=int(rows.max()) + 1 if rows.size else 0,
        ncols=int(cols.max()) + 1 if cols.size else 0,
        cells=cells,
        study_area=None,
        clip=True,
        interior=full,
    )


_SQUARE_8 = np.ones((3, 3), dtype=bool)
_HEX_EVEN = ((0, -1), (0, 1), (-1, -1), (-1, 0), (1, -1), (1, 0))
_HEX_ODD = ((0, -1), (0, 1), (-1, 0), (-1, 1), (1, 0), (1, 1))


def connected_cells(grid: Grid, hot: np.ndarray) -> np.ndarray:
    """Label contiguous hot cells: per cell of ``grid.cells``, its group (1, 2 ...) or 0.

    Square cells join their 8 neighbours (diagonals included), hexagons their 6.
    Groups are numbered in the order of their first cell (north-west first).
    """
    from scipy import ndimage
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    hot = np.asarray(hot, dtype=bool)
    out = np.zeros(hot.size, dtype=np.int64)
    if not hot.any():
        return out
    rows, cols = grid.rows, grid.cols
    if grid.shape == "square":
        dense = np.zeros((grid.nrows, grid.ncols), dtype=bool)
        dense[rows[hot], cols[hot]] = True
        labels, _ = ndimage.label(dense, structure=_SQUARE_8)
        out[hot] = labels[rows[hot], cols[hot]]
    else:
        idx = np.flatnonzero(hot)
        lookup = np.full((grid.nrows + 2, grid.ncols + 2), -1, dtype=np.int64)
        lookup[rows[idx] + 1, cols[idx] + 1] = np.arange(idx.size)
        a, b = [], []
        r, c = rows[idx], cols[idx]
        odd = (r % 2).astype(bool)
        for (dre, dce), (dro, dco) in zip(_HEX_EVEN, _HEX_ODD, strict=True):
            dr = np.where(odd, dro, dre)
            dc = np.where(odd, dco, dce)
            other = lookup[r + dr + 1, c + dc + 1]
            ok = other >= 0
            a.append(np.flatnonzero(ok))
            b.append(other[ok])
        a_, b_ = np.concatenate(a), np.concatenate(b)
        graph = coo_matrix((np.ones(a_.size), (a_, b_)), shape=(idx.size, idx.size))
        _, comp = connected_components(graph, directed=False)
        out[idx] = comp + 1
    # number groups by their first cell, so the labels do not depend on the method
    order = np.unique(out[out > 0], return_index=True)
    first = {int(g): i for g, i in zip(order[0], order[1], strict=True)}
    ranked = sorted(first, key=lambda g: first[g])
    remap = np.zeros(int(out.max()) + 1, dtype=np.int64)
    remap[ranked] = np.arange(1, len(ranked) + 1)
    return remap[out]


def locate_in_cells(grid: Grid, xy: np.ndarray, geoms: np.ndarray) -> np.ndarray:
    """Position in ``grid.cells`` of the cell holding each point, or -1."""
    pos = np.full(xy.shape[0], -1, dtype=np.int64)
    if not len(grid.cells) or not xy.shape[0]:
        return pos
    rc = grid.locate(xy)
    on = (rc[:, 0] >= 0) & (rc[:, 0] < grid.nrows) & (rc[:, 1] >= 0) & (rc[:, 1] < grid.ncols)
    pos[on] = grid.lookup[rc[on, 0], rc[on, 1]]
    check = np.flatnonzero(pos >= 0)
    check = check[~grid.interior[pos[check]]]
    if check.size:  # cells cut by the study area's edge: the point must be in the piece kept
        inside = shapely.contains_xy(geoms[pos[check]], xy[check, 0], xy[check, 1])
        pos[check[~inside]] = -1
    return pos


__all__ = ["connected_cells", "grid_of_cells", "locate_in_cells"]
