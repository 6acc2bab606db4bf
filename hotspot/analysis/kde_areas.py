"""KDE hotspot areas: contiguous hot cells of a density surface as polygons, with what they hold."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import shapely

from hotspot.analysis.kde import DensityResult
from hotspot.analysis.study_points import CRS, inside_mask, point_coordinates
from hotspot.core.progress import NO_PROGRESS, Progress


def area_names(wards: Any) -> tuple[np.ndarray, np.ndarray]:
    """The geometries (EPSG:27700) and names (``name``, else ``code``, else the index) of
    an area layer."""
    gdf = getattr(wards, "gdf", wards)
    if gdf.crs is not None and gdf.crs.to_epsg() != 27700:
        gdf = gdf.to_crs(27700)
    for col in ("name", "code"):
        if col in gdf.columns:
            names = gdf[col].astype(str).to_numpy()
            break
    else:
        names = gdf.index.astype(str).to_numpy()
    return np.asarray(gdf.geometry.values), names


def hotspot_areas(
    result: DensityResult,
    points: Any,
    *,
    wards: Any = None,
    k: float | None = None,
    progress: Progress = NO_PROGRESS,
):
    """Contiguous hot cells of a density surface as polygons, with what they hold.

    Parameters
    ----------
    result : DensityResult
        From :func:`run_kde`.
    points : GeoDataFrame or (n, 2) array
        The offences the surface was made from (counted inside each area).
    wards : AreaLayer or GeoDataFrame, optional
        Areas whose names (``name``, else ``code``) are listed for each hotspot it touches.
    k : float, optional
        With the ``k_mean`` rule: cells above ``k`` times the mean of the non-zero cells
        (default: the highest of ``params.hotspot_k``). Ignored with ``top_percent``.
    progress : Progress, optional
        Progress and cancellation.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per hotspot, largest offence count first: ``hotspot_id`` (1, 2, ...),
        ``threshold`` (in the surface's units), ``offences`` inside, ``area_km2``,
        ``share_offences`` (of the offences inside the study area), ``share_area`` (of the
        study area), ``pai`` (predictive accuracy index = share of offences / share of
        area), ``wards`` (names, comma-separated), geometry (EPSG:27700).
    """
    import geopandas as gpd
    from rasterio import features
    from scipy import ndimage

    params = result.params
    if params.hotspot_rule == "top_percent":
        threshold = next(iter(result.hotspot_thresholds().values()))
    else:
        mult = max(params.hotspot_k) if k is None else float(k)
        nonzero = result.values[np.isfinite(result.values) & (result.values > 0)]
        threshold = mult * float(nonzero.mean()) if nonzero.size else math.inf
    finite = np.isfinite(result.values)
    hot = finite & (np.nan_to_num(result.values, nan=-1.0) >= threshold) & (result.values > 0)
    labels, n_labels = ndimage.label(hot)  # 4-connectivity: each hotspot is one polygon
    columns = [
        "hotspot_id",
        "threshold",
        "offences",
        "area_km2",
        "share_offences",
        "share_area",
        "pai",
        "wards",
    ]
    if n_labels == 0:
        return gpd.GeoDataFrame({c: [] for c in columns}, geometry=[], crs=CRS)
    shapes = features.shapes(
        labels.astype(np.int32), mask=hot, connectivity=4, transform=result.transform
    )
    progress.update(0.0, "Outlining hotspots")
    polys: dict[int, list] = {}
    for i, (geom, value) in enumerate(shapes):
        if i % 200 == 0:
            progress.check_cancelled()
        polys.setdefault(int(value), []).append(shapely.geometry.shape(geom))
    geoms = np.empty(n_labels, dtype=object)
    for i in range(n_labels):
        if i % 200 == 0:
            progress.check_cancelled()
        geoms[i] = shapely.union_all(polys[i + 1])
    progress.update(0.4, "Clipping hotspots to the study area")
    area = result.study_area
    if area is not None:
        geoms = shapely.intersection(geoms, area)
    progress.update(0.6, "Counting offences in hotspots")
    # offences per hotspot: locate each point's cell
    xy = point_coordinates(points)
    if area is not None:
        xy = xy[inside_mask(area, xy)]
    size = result.cell_size
    col = np.floor((xy[:, 0] - result.transform.c) / size).astype(np.int64)
    row = np.floor((result.transform.f - xy[:, 1]) / size).astype(np.int64)
    nrows, ncols = result.values.shape
    on = (row >= 0) & (row < nrows) & (col >= 0) & (col < ncols)
    lab = labels[row[on], col[on]]
    offences = np.bincount(lab, minlength=n_labels + 1)[1:]
    total_offences = max(xy.shape[0], 1)
    total_area = area.area if area is not None else finite.sum() * size * size
    areas_m2 = shapely.area(geoms)
    share_off = offences / total_offences
    share_area = areas_m2 / total_area
    with np.errstate(divide="ignore", invalid="ignore"):
        pai = np.where(share_area > 0, share_off / share_area, np.nan)
    if wards is not None:
        progress.update(0.8, "Naming the wards hotspots touch")
        ward_geoms, ward_names = area_names(wards)
        tree = shapely.STRtree(ward_geoms)
        hs_idx, ward_idx = tree.query(geoms, predicate="intersects")
        overlap = shapely.area(shapely.intersection(geoms[hs_idx], ward_geoms[ward_idx]))
        keep = overlap > 1e-6 * size * size
        touched: dict[int, list[str]] = {}
        for h_i, w_i in zip(hs_idx[keep], ward_idx[keep], strict=True):
            touched.setdefault(int(h_i), []).append(ward_names[w_i])
        ward_text = [", ".join(sorted(set(touched.get(i, [])))) for i in range(n_labels)]
    else:
        ward_text = [""] * n_labels
    table = gpd.GeoDataFrame(
        {
            "threshold": np.full(n_labels, float(threshold)),
            "offences": offences.astype(np.int64),
            "area_km2": areas_m2 / 1e6,
            "share_offences": share_off,
            "share_area": share_area,
            "pai": pai,
            "wards": ward_text,
        },
        geometry=geoms,
        crs=CRS,
    )
    table = table.sort_values(["offences", "area_km2"], ascending=[False, False], kind="stable")
    table.insert(0, "hotspot_id", np.arange(1, n_labels + 1))
    progress.update(1.0, "Hotspot areas ready")
    return table.reset_index(drop=True)


__all__ = [
    "area_names",
    "hotspot_areas",
]
