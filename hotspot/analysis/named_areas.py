"""Offences in named areas: town centres, patrol beats, estates.

With a polygon layer of named areas (a council's town-centre boundaries, police beats),
count the offences in each, their rate per km², their share of every offence, the change
since the comparison period, and which hot spot zones fall in each: the needs assessment's
"town centre hot spots" as numbers.

Example
-------
>>> import geopandas as gpd, shapely
>>> areas = gpd.GeoDataFrame({"name": ["Centre"]}, geometry=[shapely.box(0, 0, 1000, 1000)],
...                          crs=27700)
>>> pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy([500, 1500], [500, 500]), crs=27700)
>>> r = named_area_counts(areas, pts)
>>> r.table[["name", "count", "rate_km2", "share"]].values.tolist()
[['Centre', 1, 1.0, 0.5]]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import shapely

from hotspot.analysis.study_points import CRS, to_bng
from hotspot.core.errors import AnalysisError
from hotspot.core.params import param, validate
from hotspot.core.progress import NO_PROGRESS, Progress


@dataclass(frozen=True)
class NamedAreaParams:
    """Which named areas to count offences in."""

    layer: str | None = param(
        None,
        label="Area layer",
        help="The reference layer of named areas (its label in the project, e.g. 'Town "
        "centres'). Any polygon layer with names: town centres, patrol beats, estates.",
        computed="the first polygon reference layer with names",
    )
    change: bool = param(
        True,
        label="Change since the comparison period",
        help="Also count each area's offences in the comparison period, and the change "
        "(when the selection compares with the previous period).",
    )

    def __post_init__(self) -> None:
        validate(self, where="named_areas")


@dataclass(frozen=True, eq=False)
class NamedAreaResult:
    """Offences per named area.

    Attributes
    ----------
    table : geopandas.GeoDataFrame
        One row per area, most offences first: ``name``, ``area_km2``, ``count``,
        ``rate_km2`` (offences per km²), ``share`` (of every offence counted), and with a
        comparison ``count_prev``, ``change``, ``pct_change``; geometry (EPSG:27700).
    layer : str
        The layer the areas come from.
    n_offences : int
        Offences counted (with a location), the denominator of ``share``.
    outside : int
        Offences in none of the areas.
    params : NamedAreaParams
    warnings : tuple of str
    """

    table: Any
    layer: str
    n_offences: int
    outside: int
    params: NamedAreaParams = field(default_factory=NamedAreaParams)
    warnings: tuple[str, ...] = ()

    def lines(self, top: int = 5) -> list[str]:
        """Plain-English lines: the share in all the areas, then the busiest areas."""
        t = self.table
        inside = self.n_offences - self.outside
        area = float(t["area_km2"].sum()) if len(t) else 0.0
        out = [
            f"{self.layer}: {inside:,} of {self.n_offences:,} offences "
            f"({inside / max(self.n_offences, 1):.0%}) in {len(t):,} areas covering "
            f"{area:.2f} km²."
        ]
        for _, r in t.head(top).iterrows():
            change = ""
            if "change" in t.columns and pd.notna(r.get("change")):
                change = f", {int(r['change']):+,} on the previous period"
            out.append(
                f"{r['name']}: {int(r['count']):,} offences ({r['share']:.1%}), "
                f"{r['rate_km2']:,.0f} per km²{change}"
            )
        return out


def _points(offences: Any) -> np.ndarray:
    if offences is None:
        return np.zeros((0, 2))
    gdf = getattr(offences, "gdf", offences)
    geoms = np.asarray(to_bng(gdf.geometry, "offences").values)
    ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    return shapely.get_coordinates(geoms[ok])


def _count(geoms: np.ndarray, xy: np.ndarray) -> np.ndarray:
    if not len(xy):
        return np.zeros(len(geoms), dtype=np.int64)
    tree = shapely.STRtree(geoms)
    _, area_idx = tree.query(shapely.points(xy), predicate="within")
    return np.bincount(area_idx, minlength=len(geoms)).astype(np.int64)


def named_area_counts(
    areas: Any,
    offences: Any,
    comparison: Any = None,
    *,
    layer: str = "Named areas",
    params: NamedAreaParams | None = None,
    progress: Progress = NO_PROGRESS,
) -> NamedAreaResult:
    """Count offences in named areas, with rates per km², shares and change.

    Parameters
    ----------
    areas : GeoDataFrame
        Polygons with a ``name`` column (features sharing a name are merged; unnamed
        ones are called "Area 1", "Area 2" ...), EPSG:27700.
    offences : GeoDataFrame or OffenceData
        The offences of the period.
    comparison : GeoDataFrame or OffenceData, optional
        The offences of the comparison period (adds ``count_prev``, ``change``,
        ``pct_change``).
    layer : str
        What the areas are (for reports).
    params : NamedAreaParams, optional
    progress : Progress, optional

    Raises
    ------
    AnalysisError
        When the layer holds no polygons.
    """
    import geopandas as gpd

    params = params or NamedAreaParams()
    gdf = getattr(areas, "gdf", areas)
    gdf = to_bng(gdf, "named areas")
    geoms = np.asarray(gdf.geometry.values)
    poly = np.isin(shapely.get_type_id(geoms), (3, 6)) & ~shapely.is_empty(geoms)
    if not poly.any():
        raise AnalysisError(f"{layer}: holds no polygons; named areas must be areas")
    warnings = []
    if not poly.all():
        warnings.append(
            f"{layer}: {int((~poly).sum()):,} features that are not areas were left out"
        )
    names = (
        gdf["name"].astype(str).str.strip()
        if "name" in gdf.columns
        else pd.Series("", index=gdf.index)
    )
    names = names.to_numpy(dtype=object)[poly]
    unnamed = names == ""
    names[unnamed] = [f"Area {i + 1}" for i in range(int(unnamed.sum()))]
    merged = gpd.GeoDataFrame(
        {"name": names}, geometry=shapely.make_valid(geoms[poly]), crs=CRS
    ).dissolve(by="name", as_index=False, sort=False)
    geoms = np.asarray(merged.geometry.values)
    progress.update(0.2, f"Counting offences in {layer}")
    xy = _points(offences)
    counts = _count(geoms, xy)
    area_km2 = shapely.area(geoms) / 1e6
    inside = np.zeros(len(xy), dtype=bool)
    if len(xy):
        tree = shapely.STRtree(geoms)
        pt_idx, _ = tree.query(shapely.points(xy), predicate="within")
        inside[pt_idx] = True
    table = pd.DataFrame(
        {
            "name": merged["name"].to_numpy(dtype=object),
            "area_km2": area_km2,
            "count": counts,
            "rate_km2": np.where(
                area_km2 > 0, counts / np.where(area_km2 > 0, area_km2, 1), np.nan
            ),
            "share": counts / max(len(xy), 1),
        }
    )
    if comparison is not None:
        progress.update(0.6, "Counting the comparison period")
        before = _count(geoms, _points(comparison))
        table["count_prev"] = before
        table["change"] = counts - before
        with np.errstate(divide="ignore", invalid="ignore"):
            table["pct_change"] = np.where(before > 0, (counts - before) / before * 100, np.nan)
    out = gpd.GeoDataFrame(table, geometry=geoms, crs=CRS)
    out = out.sort_values(["count", "name"], ascending=[False, True], kind="stable")
    progress.update(1.0, f"{layer} counted")
    return NamedAreaResult(
        table=out.reset_index(drop=True),
        layer=layer,
        n_offences=len(xy),
        outside=int((~inside).sum()),
        params=params,
        warnings=tuple(warnings),
    )


def zones_in_areas(areas: Any, zones: Any, min_share: float = 0.0) -> list[str]:
    """Per named area, the hot spot zones that overlap it ("1, 4"; "" when none).

    Parameters
    ----------
    areas : GeoDataFrame
        The named areas (``NamedAreaResult.table``).
    zones : ZoneResult
        Hot spot zones.
    min_share : float
        Only zones with more than this share of their area inside the named area.
    """
    a = np.asarray(areas.geometry.values)
    z = zones.zones
    if not len(z) or not len(a):
        return [""] * len(a)
    zg = np.asarray(z.geometry.values)
    tree = shapely.STRtree(zg)
    a_idx, z_idx = tree.query(a, predicate="intersects")
    overlap = shapely.area(shapely.intersection(a[a_idx], zg[z_idx]))
    share = overlap / np.maximum(shapely.area(zg[z_idx]), 1e-9)
    keep = (overlap > 1.0) & (share > min_share)
    found: dict[int, list[int]] = {}
    for i, j in zip(a_idx[keep], z_idx[keep], strict=True):
        found.setdefault(int(i), []).append(int(z["zone"].iloc[j]))
    return [", ".join(str(v) for v in sorted(found.get(i, []))) for i in range(len(a))]


__all__ = ["NamedAreaParams", "NamedAreaResult", "named_area_counts", "zones_in_areas"]
