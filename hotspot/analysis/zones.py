"""Hot spot zones: contiguous hot cells merged into numbered zones named by streets and places.

A patrol briefing must say *where*. This module turns the hot cells of a Gi* grid (hot
spots at a chosen confidence, :func:`gistar_zones`) or of a kernel density surface (cells in
the top hotspot class: the KDE hot spot areas, :func:`hotspot.analysis.kde_areas.kde_zones`)
into numbered zones:

1. Cells are merged with their hot neighbours: the 8 surrounding cells of a square grid
   (diagonal neighbours join, as in the Gi* neighbourhood), the 6 of a hexagonal one.
   A zone may hold holes (cold cells inside a ring of hot ones stay out of it) and may be
   a single cell.
2. Each zone counts the offences in its cells, its area, its share of the offences and of
   the study area, and its PAI (predictive accuracy index: share of offences / share of
   area), and lists the wards it touches (most offences first).
3. Its offences are named by their police.uk locations ("On or near Lewisham High Street"
   -> "Lewisham High Street"); map points named after a kind of place ("Supermarket",
   "Petrol Station") are paired with the nearest named street: "Supermarket near Lee High
   Road". The names of a zone add up to its offences (``ZoneResult.places``).
4. Zones are numbered by offences, most first, and described in one plain-English line:
   "Zone 1, Lewisham Central: 412 offences (5% of the borough) in 0.40 km², mostly on or
   near Lewisham High Street (62), Molesworth Street (30), Shopping Area (12)."

Example
-------
>>> import numpy as np, geopandas as gpd
>>> from hotspot.analysis.gistar import GiStarParams, run_gistar_grid
>>> rng = np.random.default_rng(0)
>>> xy = np.vstack([rng.normal([531000, 181000], 60, (300, 2)),
...                 rng.uniform([530000, 180000], [532000, 182000], (700, 2))])
>>> pts = gpd.GeoDataFrame({"location": ["On or near High Street"] * 1000},
...                        geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=27700)
>>> zones = gistar_zones(run_gistar_grid(pts, GiStarParams(cell_size=100)), pts)
>>> int(zones.zones["zone"].iloc[0]), zones.zones["places"].iloc[0].startswith("High Street")
(1, True)
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
import shapely

from hotspot.analysis.cell_groups import connected_cells, grid_of_cells, locate_in_cells
from hotspot.analysis.grid import Grid
from hotspot.analysis.study_points import CRS
from hotspot.analysis.zone_names import (
    NO_NAME,
    listed_places,
    named,
    offence_points,
    top_places_text,
    ward_names,
    wards_of_zones,
    zone_sentence,
)
from hotspot.core.errors import AnalysisError
from hotspot.core.params import param, validate
from hotspot.core.progress import NO_PROGRESS, Progress
from hotspot.model.places import PlaceRules, place_rules

ZONE_COLUMNS = (
    "zone",
    "name",
    "offences",
    "share_offences",
    "area_km2",
    "share_area",
    "pai",
    "cells",
    "main_ward",
    "wards",
    "places",
)


@dataclass(frozen=True)
class ZoneParams:
    """How hot cells become named zones."""

    top_places: int = param(
        5,
        label="Places listed per zone",
        help="How many of a zone's streets and places are listed (most offences first).",
        minimum=1,
        maximum=50,
    )
    near_street_m: float = param(
        300.0,
        label="Nearest street within",
        unit="m",
        help="A map point named after a kind of place ('Supermarket') is paired with the "
        "nearest named street within this distance: 'Supermarket near Lee High Road'.",
        minimum=0.0,
        maximum=5_000.0,
    )
    min_offences: int = param(
        1,
        label="Fewest offences in a zone",
        help="Groups of hot cells holding fewer offences than this are not made zones (a "
        "Gi* cell can be hot because of its neighbours while holding no offence itself).",
        minimum=1,
    )
    whole: str = param(
        "the borough",
        label="Whole area called",
        help="How the one-line descriptions name the whole study area ('5% of the borough').",
    )

    def __post_init__(self) -> None:
        validate(self, where="zones")


@dataclass(frozen=True, eq=False)
class ZoneResult:
    """Numbered hot spot zones and the streets and places their offences are at.

    Attributes
    ----------
    zones : geopandas.GeoDataFrame
        One row per zone, most offences first: ``zone`` (1, 2 ...), ``name`` ("Zone 1,
        Lewisham Central"), ``offences``, ``share_offences`` (of every offence in the study
        area), ``area_km2``, ``share_area``, ``pai``, ``cells``, ``main_ward``, ``wards``
        (the wards it touches, most offences first), ``places`` (top streets and places
        with their counts), geometry (EPSG:27700).
    places : pandas.DataFrame
        Every street and place of every zone: ``zone``, ``place``, ``offences`` (most first);
        per zone the counts add up to its offences.
    cell_zone : numpy.ndarray
        Per input cell (Gi* cells in table order; density raster cells row by row), its zone
        (0 = none).
    source : str
        Which cells were merged, e.g. "Gi* hot spot cells at 95% confidence or more".
    n_offences : int
        Offences in the study area (the denominator of the shares).
    params : ZoneParams
    warnings : tuple of str
    suppress_below : int
        Counts from 1 to ``suppress_below - 1`` are written "<N" in the sentences and the
        ``places`` text (0: every count shown; set by :meth:`publishable`).
    """

    zones: Any
    places: pd.DataFrame
    cell_zone: np.ndarray
    source: str
    n_offences: int
    params: ZoneParams = field(default_factory=ZoneParams)
    warnings: tuple[str, ...] = ()
    suppress_below: int = 0

    def publishable(self, threshold: int | None) -> ZoneResult:
        """The zones as they may be published: the counts inside the ``places`` text and the
        sentences hide 1 .. ``threshold - 1`` (the tables' counts are suppressed by the
        writers, :func:`hotspot.export.publishable`)."""
        if not threshold or threshold <= 1:
            return self
        texts = top_places_text(self.places, self.params.top_places, threshold)
        zones = self.zones.copy()
        zones["places"] = [texts.get(int(z), "") for z in zones["zone"]]
        return replace(self, zones=zones, suppress_below=int(threshold))

    def lines_for_area(
        self, geom: Any, limit: int = 4, *, suppress_below: int | None = None
    ) -> list[str]:
        """The one-line descriptions of the zones that overlap ``geom`` (a ward, a town
        centre), most offences first, at most ``limit`` of them."""
        table = self.zones
        if not len(table):
            return []
        hits = table[shapely.area(shapely.intersection(table.geometry.values, geom)) > 1.0]
        lines = self.sentences_of(hits.head(limit), suppress_below=suppress_below)
        more = len(hits) - limit
        return lines + ([f"... and {more:,} more zone(s)"] if more > 0 else [])

    @property
    def rule(self) -> str:
        """What a zone is, in one line for captions and legends: the cells merged and how."""
        return f"{self.source}; cells touching at a side or a corner form one zone"

    def sentences_of(
        self, rows: Any, top: int = 3, *, suppress_below: int | None = None, pai: bool = False
    ) -> list[str]:
        """The one-line descriptions of some rows of ``zones`` (small counts as "<N" with
        ``suppress_below``, by default the result's own; with ``pai`` each zone's PAI)."""
        whole = self.params.whole
        if suppress_below is None:
            suppress_below = self.suppress_below
        return [
            zone_sentence(r, self.places, top, whole, suppress_below=suppress_below, pai=pai)
            for _, r in rows.iterrows()
        ]

    def sentences(
        self,
        top: int = 3,
        limit: int | None = None,
        *,
        suppress_below: int | None = None,
        pai: bool = False,
    ) -> list[str]:
        """One plain-English line per zone (the first ``limit`` zones)."""
        rows = self.zones.head(limit) if limit else self.zones
        return self.sentences_of(rows, top, suppress_below=suppress_below, pai=pai)


# --------------------------------------------------------------------------- zones


def zones_from_cells(
    grid: Grid,
    hot: np.ndarray,
    offences: Any,
    *,
    n_offences: int,
    total_area: float,
    source: str,
    wards: Any = None,
    named_points: tuple[np.ndarray, np.ndarray] | None = None,
    rules: PlaceRules | None = None,
    params: ZoneParams | None = None,
    progress: Progress = NO_PROGRESS,
) -> ZoneResult:
    """Merge the hot cells of a grid into numbered, named zones.

    Parameters
    ----------
    grid : Grid
        The cells (``grid.cells`` with ``row``, ``col`` and their clipped geometry).
    hot : array of bool
        Per cell, whether it is hot.
    offences : GeoDataFrame or (n, 2) array
        The offences (with a ``location`` column for names), EPSG:27700.
    n_offences : int
        Offences in the study area (the denominator of the shares).
    total_area : float
        Area of the study area, m² (the denominator of the area shares).
    source : str
        Which cells these are, for reports.
    wards : AreaLayer or GeoDataFrame, optional
        Wards whose names (``name``, else ``code``) are listed for the zones they touch.
    named_points : (xy, names), optional
        Named map points to pair kinds of place with (default: the offences' own points).
    rules : PlaceRules, optional
        Which names are kinds of place (default ``resources/snap_point_facilities.toml``).
    params : ZoneParams, optional
    progress : Progress, optional

    Returns
    -------
    ZoneResult
    """
    import geopandas as gpd

    params = params or ZoneParams()
    rules = rules or place_rules()
    hot = np.asarray(hot, dtype=bool)
    if hot.size != len(grid.cells):
        raise AnalysisError(f"{hot.size:,} hot flags for {len(grid.cells):,} cells")
    progress.update(0.0, "Merging hot cells into zones")
    group = connected_cells(grid, hot)
    n_groups = int(group.max()) if group.size else 0
    geoms = np.asarray(grid.cells.geometry.values)
    progress.check_cancelled()
    xy, codes, labels = offence_points(offences)
    pos = locate_in_cells(grid, xy, geoms)
    in_zone = np.where(pos >= 0, group[np.maximum(pos, 0)], 0) if group.size else pos * 0
    offences_per = np.bincount(in_zone, minlength=n_groups + 1)[1:]
    cell_area = shapely.area(geoms)
    area_per = np.bincount(group, weights=cell_area, minlength=n_groups + 1)[1:]
    cells_per = np.bincount(group, minlength=n_groups + 1)[1:]
    # rank: most offences first, then the larger, then the first found; too few: no zone
    warnings: list[str] = []
    small = offences_per < params.min_offences
    if small.any():
        warnings.append(
            f"{int(cells_per[small].sum()):,} hot cell(s) in {int(small.sum()):,} group(s) were "
            "not made zones: "
            + (
                "they hold no offence (hot because of their neighbours)"
                if params.min_offences == 1
                else f"they hold fewer offences than the minimum of {params.min_offences:,}"
            )
        )
    order = np.lexsort((np.arange(n_groups), -area_per, -offences_per))
    order = order[~small[order]]
    n_groups = order.size
    rank = np.zeros(small.size + 1, dtype=np.int64)
    rank[order + 1] = np.arange(1, n_groups + 1)
    cell_zone = rank[group]
    zone_of_offence = rank[in_zone]
    progress.update(0.3, "Outlining zones")
    zone_geoms = np.empty(n_groups, dtype=object)
    by_zone = pd.Series(np.flatnonzero(cell_zone)).groupby(cell_zone[cell_zone > 0])
    for i, (z, idx) in enumerate(by_zone):
        if i % 100 == 0:
            progress.check_cancelled()
        zone_geoms[z - 1] = shapely.union_all(geoms[idx.to_numpy()])
    progress.update(0.6, "Naming the streets and places of each zone")
    picked = np.flatnonzero(zone_of_offence > 0)
    reference = (xy, codes, labels) if named_points is None else named(*named_points)
    shown = listed_places(xy[picked], codes[picked], labels, reference, rules, params.near_street_m)
    places = (
        pd.DataFrame({"zone": zone_of_offence[picked], "place": shown})
        .groupby(["zone", "place"], sort=False)
        .size()
        .rename("offences")
        .reset_index()
    )
    places = places.sort_values(
        ["zone", "offences", "place"], ascending=[True, False, True], kind="stable"
    ).reset_index(drop=True)
    progress.update(0.8, "Naming the wards each zone touches")
    tiny = 1e-6 * grid.cell_size**2
    main, touched = wards_of_zones(zone_geoms, zone_of_offence, xy, ward_names(wards), tiny)
    offences_z = offences_per[order]
    area_z = area_per[order]
    share_off = offences_z / max(int(n_offences), 1)
    share_area = area_z / total_area if total_area > 0 else np.full(n_groups, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        pai = np.where(share_area > 0, share_off / share_area, np.nan)
    ids = np.arange(1, n_groups + 1)
    names_z = [f"Zone {z}, {m}" if m else f"Zone {z}" for z, m in zip(ids, main, strict=True)]
    texts = top_places_text(places, params.top_places)
    top = [texts.get(int(z), "") for z in ids]
    zones = gpd.GeoDataFrame(
        {
            "zone": ids,
            "name": names_z,
            "offences": offences_z.astype(np.int64),
            "share_offences": share_off,
            "area_km2": area_z / 1e6,
            "share_area": share_area,
            "pai": pai,
            "cells": cells_per[order].astype(np.int64),
            "main_ward": main,
            "wards": touched,
            "places": top,
        },
        geometry=list(zone_geoms),
        crs=CRS,
    )
    if n_groups == 0:
        warnings.append(f"no {source.lower()}: there are no hot spot zones to name")
    progress.update(1.0, "Zones ready")
    return ZoneResult(
        zones=zones,
        places=places,
        cell_zone=cell_zone,
        source=source,
        n_offences=int(n_offences),
        params=params,
        warnings=tuple(warnings),
    )


# --------------------------------------------------------------------------- Gi*


GISTAR_CONFIDENCE = {1: "90%", 2: "95%", 3: "99%"}


def gistar_zones(
    result: Any,
    offences: Any,
    *,
    min_bin: int = 2,
    wards: Any = None,
    named_points: tuple[np.ndarray, np.ndarray] | None = None,
    params: ZoneParams | None = None,
    progress: Progress = NO_PROGRESS,
) -> ZoneResult:
    """Zones of the hot spot cells of a Gi* grid (``gi_bin >= min_bin``).

    Parameters
    ----------
    result : GiStarResult
        From :func:`hotspot.analysis.gistar.run_gistar_grid`.
    offences : GeoDataFrame
        The offences it counted (with ``location`` for the names).
    min_bin : {1, 2, 3}
        Hot spots at 90, 95 (default) or 99% confidence or more.
    wards, named_points, params, progress
        As :func:`zones_from_cells`.
    """
    if getattr(result, "kind", "grid") != "grid":
        raise AnalysisError("hot spot zones need a Gi* grid, not Gi* of areas")
    if min_bin not in GISTAR_CONFIDENCE:
        raise AnalysisError(f"min_bin={min_bin}: use 1, 2 or 3 (90, 95 or 99% confidence)")
    cells = result.cells
    grid = grid_of_cells(cells, result.params.cell_size, result.params.shape)
    hot = cells["gi_bin"].to_numpy() >= min_bin
    return zones_from_cells(
        grid,
        hot,
        offences,
        n_offences=int(result.n_points),
        total_area=float(shapely.area(np.asarray(cells.geometry.values)).sum()),
        source=f"Gi* hot spot cells at {GISTAR_CONFIDENCE[min_bin]} confidence or more",
        wards=wards,
        named_points=named_points,
        params=params,
        progress=progress,
    )


__all__ = [
    "NO_NAME",
    "ZONE_COLUMNS",
    "ZoneParams",
    "ZoneResult",
    "connected_cells",
    "gistar_zones",
    "zone_sentence",
    "zones_from_cells",
]
