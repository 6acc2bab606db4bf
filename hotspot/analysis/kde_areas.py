"""The KDE hot spot areas: the hottest class of a density surface, as numbered named zones.

One rule, the one the kernel density map draws as its hottest class
(:func:`hotspot.analysis.hot_classes.hot_classes` with the result's thresholds): a cell is
in a KDE hot spot area when its density reaches the highest threshold (``k_mean``: the
highest multiple of the mean of the non-zero cells, 3x by default; ``top_percent``: the
top percentage of cells). Those cells, cut to the study area, are joined with every
touching hot cell (the 8 around each, corners included, as for the Gi* hot spot zones)
into zones numbered by offences, named by their streets and wards, with their offences,
share, area and PAI (:func:`hotspot.analysis.zones.zones_from_cells`). A group of hot cells
holding no offence is not a zone (its density comes from offences around it).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import shapely

from hotspot.analysis.grid import Grid
from hotspot.analysis.study_points import CRS
from hotspot.analysis.zones import ZoneParams, ZoneResult, zones_from_cells
from hotspot.core.progress import NO_PROGRESS, Progress


def top_class(result: Any) -> np.ndarray:
    """Per raster cell (the shape of ``result.values``), whether it is in the hottest class
    the map draws (:meth:`~hotspot.analysis.kde.DensityResult.classes`)."""
    return result.classes() >= max(len(result.hotspot_thresholds()), 1)


def hot_area_rule(result: Any) -> str:
    """The rule in words, with the threshold: "Kernel density cells in the top hotspot class
    (above 3x the mean of non-zero cells, 41.2 offences per km² or more)"."""
    thresholds = result.hotspot_thresholds()
    if not thresholds:
        return "Kernel density cells in the top hotspot class"
    label, value = max(thresholds.items(), key=lambda kv: kv[1])
    what = label[:1].lower() + label[1:]
    if np.isfinite(value):
        what += f", {value:,.3g} {result.units} or more"
    return f"Kernel density cells in the top hotspot class ({what})"


def kde_zones(
    result: Any,
    offences: Any,
    *,
    wards: Any = None,
    named_points: tuple[np.ndarray, np.ndarray] | None = None,
    params: ZoneParams | None = None,
    progress: Progress = NO_PROGRESS,
) -> ZoneResult:
    """The KDE hot spot areas: zones of the cells in the top hotspot class of a surface.

    Parameters
    ----------
    result : DensityResult
        From :func:`hotspot.analysis.kde.run_kde`.
    offences : GeoDataFrame or (n, 2) array
        The offences the surface was made from (with ``location`` for the names).
    wards, named_points, params, progress
        As :func:`hotspot.analysis.zones.zones_from_cells`.

    Returns
    -------
    ZoneResult
        ``cell_zone`` per raster cell, row by row as ``result.values``; ``source`` says the
        rule and its threshold (:func:`hot_area_rule`).
    """
    import geopandas as gpd

    hot = top_class(result)
    rows, cols = np.nonzero(hot)
    s = result.cell_size
    x0, y0 = result.transform.c, result.transform.f
    boxes = shapely.box(x0 + cols * s, y0 - (rows + 1) * s, x0 + (cols + 1) * s, y0 - rows * s)
    area = result.study_area
    if area is not None and boxes.size:
        shapely.prepare(area)
        whole = shapely.covers(area, boxes)
        boxes[~whole] = shapely.intersection(boxes[~whole], area)
        keep = shapely.area(boxes) > 1e-6 * s * s
        rows, cols, boxes = rows[keep], cols[keep], boxes[keep]
    cells = gpd.GeoDataFrame({"row": rows, "col": cols}, geometry=boxes, crs=CRS)
    nrows, ncols = hot.shape
    full = np.abs(shapely.area(boxes) - s * s) <= 1e-6 * s * s
    grid = Grid(
        cell_size=float(s),
        shape="square",
        origin=(float(x0), float(y0)),
        nrows=nrows,
        ncols=ncols,
        cells=cells,
        study_area=None,
        clip=True,
        interior=full,
    )
    total = area.area if area is not None else float(np.isfinite(result.values).sum()) * s * s
    found = zones_from_cells(
        grid,
        np.ones(len(cells), dtype=bool),
        offences,
        n_offences=int(result.n_points),
        total_area=float(total),
        source=hot_area_rule(result),
        wards=wards,
        named_points=named_points,
        params=params,
        progress=progress,
    )
    # per raster cell, row by row, as the result's values
    cell_zone = np.zeros(hot.size, dtype=np.int64)
    cell_zone[rows * ncols + cols] = found.cell_zone
    return replace(found, cell_zone=cell_zone)


__all__ = ["hot_area_rule", "kde_zones", "top_class"]
