"""Turn the inputs the area analyses accept into plain frames, checking them first.

The area analyses accept the model objects (:class:`~hotspot.model.AreaLayer`,
:class:`~hotspot.model.OffenceData`, :class:`~hotspot.model.Indicators`) or the
bare (Geo)DataFrames inside them. These helpers unwrap them, check the columns
the analyses need and say how to fix what is missing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from hotspot.analysis.errors import AnalysisError, VintageMismatchError
from hotspot.analysis.study_points import check_projected, to_bng

LSOA_CODE_RE = re.compile(r"^[EW]01\d{6}$")
WARD_CODE_RE = re.compile(r"^[EW]05\d{6}$")


@dataclass(frozen=True)
class AreaInput:
    """An area layer unwrapped: the frame and what is known about it."""

    gdf: Any  # geopandas.GeoDataFrame with code, name, geometry
    level: str
    vintage: int | None
    source: str


def guess_level(codes: pd.Series) -> str:
    """ "lsoa", "ward" or "other", from the shape of the area codes."""
    codes = codes.dropna().astype(str)
    if codes.empty:
        return "other"
    if codes.str.match(LSOA_CODE_RE).mean() > 0.9:
        return "lsoa"
    if codes.str.match(WARD_CODE_RE).mean() > 0.9:
        return "ward"
    return "other"


def geo_frame(areas: Any, what: str = "areas") -> Any:
    """The GeoDataFrame inside an AreaLayer or AreaStats (or a GeoDataFrame itself), in
    British National Grid.

    Raises
    ------
    AnalysisError
        When ``areas`` is not an area layer or a GeoDataFrame with geometry.
    GeographicCrsError
        When the geometry is in degrees.
    """
    gdf = areas
    if hasattr(areas, "gdf") and hasattr(areas, "level"):  # AreaLayer
        gdf = areas.gdf
    elif hasattr(areas, "table") and hasattr(areas, "rank_by"):  # AreaStats
        gdf = areas.table
    if not isinstance(gdf, pd.DataFrame) or getattr(gdf, "geometry", None) is None:
        raise AnalysisError(
            f"{what}: expected an area layer or a GeoDataFrame of polygons, got "
            f"{type(gdf).__name__}"
        )
    return to_bng(gdf, what)


def area_input(areas: Any, *, what: str = "areas", need_geometry: bool = True) -> AreaInput:
    """Unwrap an AreaLayer or a GeoDataFrame with ``code`` and ``name`` columns.

    Raises
    ------
    AnalysisError
        When ``code`` is missing or duplicated, or the frame has no geometry.
    GeographicCrsError
        When the geometry is in degrees.
    """
    level = None
    vintage = None
    source = ""
    gdf = areas
    if hasattr(areas, "gdf") and hasattr(areas, "level"):
        gdf, level, vintage, source = areas.gdf, areas.level, areas.vintage, areas.source
    if not isinstance(gdf, pd.DataFrame):
        raise AnalysisError(
            f"{what}: expected an area layer or a GeoDataFrame, got {type(gdf).__name__}"
        )
    if "code" not in gdf.columns:
        raise AnalysisError(
            f"{what}: no 'code' column (columns are {', '.join(map(str, gdf.columns))}); "
            "read the boundaries with hotspot.io.read_areas, or rename the area-code column to "
            "'code'"
        )
    codes = gdf["code"]
    if codes.isna().any():
        raise AnalysisError(
            f"{what}: {int(codes.isna().sum())} areas have no code; every area needs a code"
        )
    dup = codes[codes.duplicated()]
    if len(dup):
        raise AnalysisError(
            f"{what}: area codes must be unique, but {dup.iloc[0]!r} appears more than once "
            "(dissolve multi-part areas by code first: gdf.dissolve('code'))"
        )
    if need_geometry:
        if getattr(gdf, "geometry", None) is None or not hasattr(gdf, "crs"):
            raise AnalysisError(f"{what}: the table has no geometry (polygons) column")
        check_projected(gdf, what)
    gdf = gdf.copy()
    if "name" not in gdf.columns:
        gdf["name"] = gdf["code"].astype(str)
    if level is None:
        level = guess_level(gdf["code"])
    return AreaInput(gdf=gdf, level=level, vintage=vintage, source=source)


def offence_frame(offences: Any, *, what: str = "offences") -> Any:
    """Unwrap OffenceData (or take a GeoDataFrame of points), checking the CRS."""
    gdf = offences.gdf if hasattr(offences, "gdf") and hasattr(offences, "report") else offences
    if not isinstance(gdf, pd.DataFrame):
        raise AnalysisError(
            f"{what}: expected offence data or a GeoDataFrame of points, got {type(gdf).__name__}"
        )
    if hasattr(gdf, "crs"):
        check_projected(gdf, what)
    return gdf


def _population_from_frame(df: pd.DataFrame, what: str) -> pd.Series:
    key = next((c for c in ("code", "lsoa_code") if c in df.columns), None)
    if key is None:
        raise AnalysisError(
            f"{what}: no 'code' or 'lsoa_code' column to match the population to the areas"
        )
    col = "population" if "population" in df.columns else None
    if col is None:
        numeric = [c for c in df.columns if c != key and pd.api.types.is_numeric_dtype(df[c])]
        if len(numeric) != 1:
            raise AnalysisError(
                f"{what}: no 'population' column (columns are "
                f"{', '.join(map(str, df.columns))}); name the resident count 'population'"
            )
        col = numeric[0]
    dup = df[key][df[key].duplicated()]
    if len(dup):
        raise AnalysisError(
            f"{what}: the code {dup.iloc[0]!r} appears more than once in the population table"
        )
    return pd.Series(pd.to_numeric(df[col], errors="coerce").to_numpy(float), index=df[key])


def population_series(
    population: Any, codes: pd.Series, *, area_vintage: int | None, what: str = "population"
) -> tuple[pd.Series, int | None]:
    """Population per area code, aligned with ``codes`` (NaN where unknown).

    ``population`` may be Indicators, a DataFrame (``code``/``lsoa_code`` and
    ``population``), a Series indexed by code or a mapping code -> residents.

    Raises
    ------
    VintageMismatchError
        When the population and the areas declare different LSOA vintages.
    """
    vintage = None
    if hasattr(population, "table") and hasattr(population, "vintage"):
        vintage = population.vintage
        if vintage is not None and area_vintage is not None and vintage != area_vintage:
            raise VintageMismatchError(
                f"{what}: the population ({population.source or 'table'}) is on {vintage} LSOA "
                f"codes but the areas are {area_vintage} boundaries; carry the population "
                f"across with hotspot.analysis.vintage.join_indicators and the ONS "
                "'LSOA (2011) to LSOA (2021)' lookup, or use areas of the same vintage"
            )
        series = _population_from_frame(population.table, what)
    elif isinstance(population, pd.Series):
        if population.index.duplicated().any():
            raise AnalysisError(f"{what}: the population series has duplicate codes")
        series = pd.to_numeric(population, errors="coerce").astype(float)
    elif isinstance(population, pd.DataFrame):
        series = _population_from_frame(population, what)
    elif isinstance(population, Mapping):
        series = pd.Series({k: float(v) for k, v in population.items()}, dtype=float)
    else:
        raise AnalysisError(
            f"{what}: expected Indicators, a DataFrame, a Series or a mapping of code -> "
            f"residents, got {type(population).__name__}"
        )
    aligned = series.reindex(pd.Index(codes.astype(str))).to_numpy(float)
    aligned = np.where(aligned > 0, aligned, np.nan)
    return pd.Series(aligned, index=codes.index), vintage


def list_codes(codes: Any, limit: int = 10) -> str:
    """``"E01000001, E01000002 and 3 more"`` for messages."""
    codes = [str(c) for c in codes]
    if len(codes) <= limit:
        return ", ".join(codes)
    return ", ".join(codes[:limit]) + f" and {len(codes) - limit} more"


__all__ = [
    "LSOA_CODE_RE",
    "WARD_CODE_RE",
    "AreaInput",
    "area_input",
    "check_projected",
    "geo_frame",
    "guess_level",
    "list_codes",
    "offence_frame",
    "population_series",
]
