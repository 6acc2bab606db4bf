"""Points and the study area they are analysed in.

Offence points come in as GeoDataFrames or ``(n, 2)`` arrays; here they become British
National Grid metres (refusing longitude/latitude), the study area is chosen (an outline, the
union of areas, or the buffered hull of the points), and the points inside it are kept with a
count of those left out. The first step of the density surface, the Gi* grid and the
space-time cube.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely

from hotspot.analysis.errors import GeographicCrsError, NoPointsError, warn
from hotspot.core.errors import AnalysisError

CRS = "EPSG:27700"


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


def usable_coordinates(points: Any, what: str) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates of the rows with a location, and which rows have one.

    Parameters
    ----------
    points : GeoDataFrame, GeoSeries, or array_like of shape (n, 2)
        Point locations (reprojected to EPSG:27700 when in another projected CRS).
    what : str
        How to name the input in error messages.

    Returns
    -------
    xy : numpy.ndarray
        ``(m, 2)`` British National Grid metres of the usable rows.
    usable : numpy.ndarray of bool
        Per input row: whether it has a location (a geometry that is not missing or empty,
        finite coordinates).
    """
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
    return usable_coordinates(points, what)[0]


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
    xy, usable = usable_coordinates(points, what)
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


def union_geometry(obj: Any) -> shapely.Geometry:
    """Union of a GeoDataFrame / GeoSeries / AreaLayer / shapely geometry, in EPSG:27700.

    Parameters
    ----------
    obj : GeoDataFrame, GeoSeries, AreaLayer or shapely geometry
        The polygons (a geometry is taken to be in British National Grid metres already).

    Returns
    -------
    shapely.Geometry
        Their union, made valid.
    """
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


def unique_points(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct coordinate pairs of ``xy``, sorted, and for each row the index of its pair.

    The answer of ``np.unique(xy, axis=0, return_inverse=True)``, by hashing each
    coordinate rather than sorting the rows: a whole force's three million offences at a few
    tens of thousands of map points take a tenth of a second instead of three seconds (and
    a loading thread no longer holds the interpreter lock that long, freezing the window).

    Parameters
    ----------
    xy : ndarray of shape (n, 2)
        Coordinates (rows with the same NaN coordinate count as one pair).

    Returns
    -------
    uniq : ndarray of shape (m, 2)
        The distinct pairs, in lexicographic order (x, then y).
    inverse : ndarray of shape (n,)
        ``uniq[inverse]`` equals ``xy``.
    """
    import pandas as pd

    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    if not len(xy):
        return xy.copy(), np.zeros(0, dtype=np.intp)
    # +0.0 makes -0.0 and 0.0 one value, as np.unique's sort does
    xcode, xs = pd.factorize(xy[:, 0] + 0.0, use_na_sentinel=False)
    ycode, ys = pd.factorize(xy[:, 1] + 0.0, use_na_sentinel=False)
    pair, keys = pd.factorize(xcode.astype(np.int64) * len(ys) + ycode)
    uniq = np.column_stack([np.asarray(xs)[keys // len(ys)], np.asarray(ys)[keys % len(ys)]])
    order = np.lexsort((uniq[:, 1], uniq[:, 0]))
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    return uniq[order], rank[pair].astype(np.intp)


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
        return union_geometry(outline)
    if areas is not None:
        return union_geometry(areas)
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


__all__ = [
    "unique_points",
    "union_geometry",
    "usable_coordinates",
    "CRS",
    "StudyPoints",
    "check_projected",
    "inside_mask",
    "point_coordinates",
    "points_in_study_area",
    "robust_extent_mask",
    "study_area_from",
    "to_bng",
]
