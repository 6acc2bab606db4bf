"""Hot spot zones of the Gi* and density results: derived keys of those analyses.

The Gi* analysis adds "gistar_zones" (hot spot cells at 95% confidence or more merged into
zones) and the kernel density "kde_zones" (its hot spot areas: cells in the top hotspot
class the map draws, :mod:`hotspot.analysis.kde_areas`), each a
:class:`~hotspot.analysis.zones.ZoneResult` named by the streets and places of its
offences. This module makes them and declares their tables, map layer and summary lines;
captions, legends and summary say each zone set's rule (:attr:`ZoneResult.rule`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from hotspot.core.errors import AnalysisError
from hotspot.core.progress import NO_PROGRESS, Progress
from hotspot.pipeline.analysis_spec import ResultLayer, ResultTable
from hotspot.pipeline.registry import with_warnings

GISTAR_MIN_BIN = 2
"""Gi* cells at 95% confidence or more make zones (hot spots at 90% join no zone)."""

SUMMARY_ZONES = 10
"""Zones described one line each in the summary (the CSV lists every zone)."""


def named_points(workspace: Any) -> tuple[np.ndarray, np.ndarray]:
    """Every distinct named map point of the loaded offences (any group, any month), once.

    Kinds of place ("Supermarket") are paired with the nearest of these named after a street.
    """
    if "named_points" in workspace.cache:
        return workspace.cache["named_points"]
    import shapely

    from hotspot.analysis.study_points import unique_points
    from hotspot.model.places import place_name_codes

    gdf = workspace.offences.gdf
    geoms = gdf.geometry.to_numpy()
    ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    xy = shapely.get_coordinates(geoms[ok])
    if "location" in gdf.columns and len(xy):
        codes, labels = place_name_codes(gdf["location"])
        codes = codes[ok]
        # each (map point, name) once: hashed codes, no string per row
        _, point_of = unique_points(np.round(xy, 1))
        first = ~pd.Series(point_of.astype(np.int64) * len(labels) + codes).duplicated().to_numpy()
        xy, names = xy[first], labels[codes[first]]
    else:
        xy, names = np.zeros((0, 2)), np.array([], dtype=object)
    workspace.cache["named_points"] = (xy, names)
    return workspace.cache["named_points"]


def _params(workspace: Any):
    from hotspot.analysis.zones import ZoneParams

    whole = "the borough" if workspace.outline is not None else "the study area"
    return ZoneParams(whole=whole)


def make_zones(
    kind: str, result: Any, selection: Any, workspace: Any, progress: Progress = NO_PROGRESS
) -> tuple[Any, Any]:
    """``(result, zones)``: the zones of a Gi* ("gistar") or density ("kde") result.

    When the zones cannot be made the result gets a warning saying why and zones are None.
    """
    from hotspot.analysis.kde_areas import kde_zones
    from hotspot.analysis.zones import gistar_zones

    common = {
        "wards": workspace.wards,
        "named_points": named_points(workspace),
        "params": _params(workspace),
        "progress": progress,
    }
    try:
        if kind == "gistar":
            zones = gistar_zones(result, selection.offences.gdf, min_bin=GISTAR_MIN_BIN, **common)
        else:
            zones = kde_zones(result, selection.offences.gdf, **common)
    except AnalysisError as exc:
        return with_warnings(result, [f"The hot spot zones were not made: {exc}"]), None
    return result, zones


def zone_tables(results: Any, key: str, *, title: str, csv: str, gpkg: str) -> list[ResultTable]:
    """The zones table (window tab, CSV, GeoPackage) and every zone's streets and places."""
    zones = results.get(key)
    if zones is None:
        return []
    from hotspot.export import result_params

    params = {**result_params(zones), "cells": zones.source}
    stem = csv.removesuffix(".csv")
    return [
        ResultTable(
            key,
            title,
            zones.zones,
            description=f"Hot spot zones: {zones.rule}; named by the streets and places of "
            "their offences, with offences, share, area, PAI and wards",
            caption=f"{zones.rule}. Click a zone to zoom to it."
            if len(zones.zones)
            else f"No hot spot zones: there are no {zones.source[:1].lower()}{zones.source[1:]}.",
            csv=csv,
            gpkg=gpkg,
            params=params,
            sort=("zone", True),
            zoom=True,
        ),
        ResultTable(
            f"{key}_places",
            f"{title}: places",
            zones.places,
            description="The streets and places of each hot spot zone's offences",
            caption="Every street and place of each zone; per zone they add up to its offences.",
            csv=f"{stem}_places.csv",
            params=params,
        ),
    ]


def zone_layers(results: Any, key: str, title: str) -> list[ResultLayer]:
    """The zones' numbered outlines (over the analysis's own layer)."""
    zones = results.get(key)
    if zones is None or not len(zones.zones):
        return []
    from hotspot.maps.zone_layers import ZoneOutlines

    layer = ZoneOutlines(zones, name=title)
    return [ResultLayer(f"result:{key}", title, layer)]


def zone_summary(results: Any, key: str) -> list[str]:
    """How many zones, and one line for each of the first."""
    zones = results.get(key)
    if zones is None:
        return []
    n = len(zones.zones)
    if n == 0:
        return [f"Hot spot zones: none. {zones.source}: none."]
    lines = [f"Hot spot zones: {n:,}. {zones.rule}."]
    lines += zones.sentences(limit=SUMMARY_ZONES, pai=True)
    if n > SUMMARY_ZONES:
        lines.append(f"... and {n - SUMMARY_ZONES:,} smaller zones (see the zones table).")
    return lines


__all__ = [
    "GISTAR_MIN_BIN",
    "make_zones",
    "named_points",
    "zone_layers",
    "zone_summary",
    "zone_tables",
]
