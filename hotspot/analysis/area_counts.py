"""Which area each offence falls in, and the offences counted per area.

Counting
--------
By location (each offence point is assigned to the area that contains it; a point on a
shared boundary goes to the first area in the layer's order) or by the offences' own LSOA
code (police.uk records it) when the areas are LSOAs of the same vintage. ``count_by="auto"``
uses the codes when the areas are LSOAs and the codes agree with the locations for at least
90% of the offences whose code is an area's code; an offence whose code is not one of the
areas' codes (a code of the other vintage: ONS never reuses a code for a changed boundary) is
then placed by its map point. Otherwise it counts by location. The result says which was used
and how well codes and locations agreed. Offences outside every area, and offences with no
location, are counted and reported, never dropped silently.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from hotspot.analysis._area_inputs import LSOA_CODE_RE
from hotspot.analysis.errors import AnalysisError
from hotspot.model import Period

AGREEMENT_FOR_CODES = 0.9
"""Share of offences whose LSOA code must match their location for "auto" to use codes."""


def assign_by_location(points: Any, areas: Any) -> np.ndarray:
    """Index (0-based, into ``areas``) of the area containing each point.

    Parameters
    ----------
    points : geopandas.GeoSeries or array of shapely points
    areas : geopandas.GeoSeries or array of shapely polygons

    Returns
    -------
    numpy.ndarray of int
        -1 for points outside every area, -2 for missing or empty points. A point
        on a boundary shared by several areas goes to the first of them.
    """
    import shapely

    pts = np.asarray(getattr(points, "values", points), dtype=object)
    polys = np.asarray(getattr(areas, "values", areas), dtype=object)
    out = np.full(len(pts), -1, dtype=np.int64)
    missing = shapely.is_missing(pts) | shapely.is_empty(pts)
    out[missing] = -2
    if len(pts) == 0 or len(polys) == 0:
        return out
    tree = shapely.STRtree(polys)
    idx = np.flatnonzero(~missing)
    # police.uk offences share anonymised map points: place each distinct point once
    query, back = pts[idx], None
    xy = shapely.get_coordinates(query)
    if len(xy) == len(idx) and (shapely.get_type_id(query) == 0).all():
        back, uniq = pd.factorize(xy[:, 0] + 1j * xy[:, 1])
        query = shapely.points(uniq.real, uniq.imag)
    pi, ai = tree.query(query, predicate="intersects")
    placed = np.full(len(query), -1, dtype=np.int64)
    if len(pi):
        order = np.lexsort((ai, pi))
        pi, ai = pi[order], ai[order]
        first = np.r_[True, pi[1:] != pi[:-1]]
        placed[pi[first]] = ai[first]
    out[idx] = placed if back is None else placed[back]
    return out


def assign_by_code(lsoa_codes: pd.Series, area_codes: pd.Series) -> np.ndarray:
    """Index of the area whose code equals each offence's LSOA code (-1: none, -2: missing)."""
    lookup = pd.Index(area_codes.astype(str))
    if isinstance(lsoa_codes.dtype, pd.CategoricalDtype):
        # each distinct code looked up once (a force's millions of rows hold a few thousand)
        per_code = assign_by_code(pd.Series(lsoa_codes.cat.categories), area_codes)
        codes = lsoa_codes.cat.codes.to_numpy()
        return np.where(codes < 0, -2, per_code[np.maximum(codes, 0)]).astype(np.int64)
    codes = lsoa_codes.astype("string")
    out = lookup.get_indexer(codes.fillna("").to_numpy(object)).astype(np.int64)
    out[codes.isna().to_numpy() | (codes.fillna("").str.strip() == "").to_numpy()] = -2
    return out


def _looks_like_lsoas(codes: pd.Series) -> bool:
    counts = codes.value_counts(dropna=False)  # each distinct code matched once
    matches = counts.index.astype(str).str.match(LSOA_CODE_RE)
    return bool(counts[matches].sum() > 0.9 * len(codes)) if len(codes) else False


def _has_codes(gdf: Any) -> bool:
    return "lsoa_code" in gdf.columns and gdf["lsoa_code"].notna().any()


def assign_offences(gdf: Any, areas: Any, count_by: str) -> tuple[np.ndarray, str, str, list[str]]:
    """Assign offences to areas, by their LSOA codes or by location (``count_by``).

    Parameters
    ----------
    gdf : GeoDataFrame or DataFrame
        The offences (points, and ``lsoa_code`` when police.uk recorded it).
    areas : GeoDataFrame
        The areas, with ``code``.
    count_by : {"auto", "location", "lsoa_code"}
        How to assign (see the module's notes on counting).

    Returns
    -------
    index : numpy.ndarray of int
        Per offence: the position of its area, -1 outside every area, -2 without a location.
    method : str
        The method used ("location" or "lsoa_code").
    explanation : str
        What was counted how, in plain English.
    warnings : list of str
    """
    warnings: list[str] = []
    has_geom = getattr(gdf, "geometry", None) is not None and hasattr(gdf, "crs")
    if count_by == "lsoa_code":
        if not _has_codes(gdf):
            raise AnalysisError(
                "count_by='lsoa_code': the offences have no 'lsoa_code' values; count by "
                "location instead (count_by='location')"
            )
        return (
            assign_by_code(gdf["lsoa_code"], areas["code"]),
            "lsoa_code",
            "Counted by the LSOA code police.uk gives each offence.",
            warnings,
        )
    if not has_geom:
        if count_by == "location":
            raise AnalysisError("count_by='location': the offences have no point geometry")
        if _has_codes(gdf):
            return (
                assign_by_code(gdf["lsoa_code"], areas["code"]),
                "lsoa_code",
                "Counted by the offences' LSOA codes (the offences have no locations).",
                warnings,
            )
        raise AnalysisError("offences: no point geometry and no 'lsoa_code' column to count by")
    by_loc = assign_by_location(gdf.geometry, areas.geometry)
    if count_by == "location" or not _has_codes(gdf) or not _looks_like_lsoas(areas["code"]):
        return by_loc, "location", "Counted by location (the area containing each offence).", []
    by_code = assign_by_code(gdf["lsoa_code"], areas["code"])
    matched = by_code >= 0
    check = matched & (by_loc != -2)
    agreement = float((by_loc[check] == by_code[check]).mean()) if check.any() else 0.0
    if not matched.any():
        warnings.append(
            "None of the offences' LSOA codes is one of the areas' codes, so offences were "
            "counted by location; the codes are probably of another LSOA vintage (2011 vs "
            "2021) than the boundaries."
        )
        return (
            by_loc,
            "location",
            "Counted by location (the area containing each offence).",
            warnings,
        )
    if agreement < AGREEMENT_FOR_CODES:
        warnings.append(
            f"The offences' LSOA codes match the areas containing their map points for only "
            f"{agreement:.0%} of offences, so offences were counted by location. Check that the "
            "boundaries are the LSOAs the codes refer to (2011 vs 2021 vintage)."
        )
        return (
            by_loc,
            "location",
            "Counted by location (the area containing each offence).",
            warnings,
        )
    # Codes never survive a boundary change (ONS gives changed LSOAs new codes), so a code
    # that is an area's code means exactly that area; an offence whose code is not one of
    # the areas' codes (another vintage, or outside the areas) is placed by its map point.
    no_loc_unmatched = (by_loc == -2) & (by_code == -1)
    index = np.where(matched, by_code, np.where(no_loc_unmatched, -1, by_loc))
    by_point = int((~matched & (by_loc >= 0)).sum())
    text = (
        f"Counted by the LSOA code police.uk gives each offence (the code agrees with the "
        f"offence's map point for {agreement:.0%} of offences)."
    )
    if by_point:
        text += (
            f" {by_point:,} offences whose code is not one of these areas' codes (a code of "
            "another LSOA vintage, for example) were placed by their map point."
        )
    return index, "lsoa_code", text, warnings


def count_per_area(index: np.ndarray, n_areas: int) -> tuple[np.ndarray, int, int]:
    """Offences per area from :func:`assign_offences`' index.

    Returns
    -------
    counts : numpy.ndarray of int64
        Per area.
    n_outside, n_no_location : int
        Offences outside every area, and without a location.
    """
    inside = index >= 0
    counts = np.bincount(index[inside], minlength=n_areas).astype(np.int64)
    return counts, int((index == -1).sum()), int((index == -2).sum())


def in_period(gdf: Any, period: Period | None) -> np.ndarray:
    """Which offences (rows of ``gdf``, by their ``month``) fall in ``period``; all when None.

    Parameters
    ----------
    gdf : DataFrame
        The offences.
    period : Period or None

    Returns
    -------
    numpy.ndarray of bool

    Raises
    ------
    AnalysisError
        When a period is given and the offences have no ``month`` column.
    """
    if period is None:
        return np.ones(len(gdf), dtype=bool)
    if "month" not in gdf.columns:
        raise AnalysisError(
            "offences: no 'month' column, so the offences cannot be split into periods; read "
            "them with hotspot.io.read_offences or leave period and comparison empty"
        )
    return period.contains(pd.to_datetime(gdf["month"])).to_numpy(bool)


__all__ = [
    "assign_by_code",
    "assign_by_location",
]
