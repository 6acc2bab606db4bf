"""The busiest police.uk map points, and which of them stand for a facility rather than a street.

police.uk publishes every offence at one of a fixed set of anonymised map points, so
offences pile up on points. Some points stand for a facility: offences recorded "On or near
Hospital" are often offences reported at the emergency department, those "On or near Police
Station" offences dealt with at the front counter or in custody. A hot spot on such a point
is a recording artefact rather than a place to patrol. This module counts offences per map
point, flags facility points (``resources/snap_point_facilities.toml``) and says what leaving
some points out changes in the hot spot zones.

Example
-------
>>> import geopandas as gpd
>>> pts = gpd.GeoDataFrame({"location": ["On or near Hospital"] * 3 + ["On or near Mill Lane"]},
...     geometry=gpd.points_from_xy([1e5] * 3 + [1.001e5], [2e5] * 4), crs=27700)
>>> table = busiest_points(pts).points
>>> table[["place", "offences", "facility"]].values.tolist()
[['Hospital', 3, 'Hospital'], ['Mill Lane', 1, '']]
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
import shapely

from hotspot.analysis.study_points import CRS, to_bng, unique_points
from hotspot.analysis.zone_names import ward_names
from hotspot.core.formats import published_count
from hotspot.core.params import param, validate
from hotspot.core.progress import NO_PROGRESS, Progress
from hotspot.model.places import PlaceRules, place_names, place_rules, point_key, text_codes

POINT_COLUMNS = (
    "rank",
    "place",
    "location",
    "offences",
    "share",
    "ward",
    "facility",
    "excluded",
    "exclude",
    "x",
    "y",
)


@dataclass(frozen=True)
class MapPointsParams:
    """How many map points the table lists."""

    top: int = param(
        200,
        label="Map points listed",
        help="The busiest map points listed in the table (the load report names the first 15).",
        minimum=1,
        maximum=100_000,
    )

    def __post_init__(self) -> None:
        validate(self, where="map_points")


@dataclass(frozen=True, eq=False)
class MapPoints:
    """Offences per map point, busiest first.

    Attributes
    ----------
    points : geopandas.GeoDataFrame
        The busiest points: ``rank``, ``place`` ("Hospital"), ``location`` (as police.uk
        gives it), ``offences``, ``share`` (of every offence counted), ``ward``, ``facility``
        (the kind, "" for a street), ``excluded`` (left out of the analyses), ``exclude``
        (the entry that leaves this point out: "On or near Hospital @ 537878 174605"),
        ``x``, ``y`` (BNG metres), point geometry.
    n_offences : int
        Offences counted (with a location).
    n_points : int
        Distinct map points they are at.
    shared : int
        Offences at a point holding at least one other offence.
    params : MapPointsParams
    changes : pandas.DataFrame or None
        When points are left out: how the hot spot zones change (:func:`zone_changes`).
    excluded : tuple of str
        What the project leaves out, one line per exclusion.
    warnings : tuple of str
    """

    points: Any
    n_offences: int
    n_points: int
    shared: int
    params: MapPointsParams = field(default_factory=MapPointsParams)
    changes: Any = None
    excluded: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    suppress_below: int = 0

    def publishable(self, threshold: int | None) -> MapPoints:
        """The result whose lines hide counts from 1 to ``threshold - 1`` ("<5")."""
        if not threshold or threshold <= 1:
            return self
        return replace(self, suppress_below=int(threshold))

    @property
    def facilities(self) -> Any:
        """The facility points among the busiest, busiest first."""
        return self.points[self.points["facility"] != ""]

    def lines(self, top: int = 10) -> list[str]:
        """Plain-English lines: the busiest points, facilities flagged."""
        out = [
            f"{self.n_offences:,} offences at {self.n_points:,} map points; {self.shared:,} "
            f"({self.shared / max(self.n_offences, 1):.0%}) share their point with another."
        ]
        for _, r in self.points.head(top).iterrows():
            flag = f" [facility: {r['facility']}]" if r["facility"] else ""
            gone = " (left out of the analyses)" if r["excluded"] else ""
            ward = f", {r['ward']}" if r["ward"] else ""
            shown = published_count(r["offences"], self.suppress_below)
            share = "" if shown.startswith("<") else f" ({r['share']:.1%})"
            out.append(
                f"{int(r['rank'])}. {r['place'] or '(no name)'}{ward}: {shown} offences"
                f"{share}{flag}{gone}"
            )
        return out


def busiest_points(
    offences: Any,
    *,
    wards: Any = None,
    excluded: np.ndarray | None = None,
    rules: PlaceRules | None = None,
    params: MapPointsParams | None = None,
    top: int | None = None,
    progress: Progress = NO_PROGRESS,
) -> MapPoints:
    """Count offences per map point (same coordinates and name), busiest first.

    Parameters
    ----------
    offences : GeoDataFrame
        Offences with a ``location`` column and point geometry (EPSG:27700).
    wards : AreaLayer or GeoDataFrame, optional
        Wards to name for each point (``name``, else ``code``).
    excluded : array of bool, optional
        Per offence, whether the project leaves it out (the point is then flagged).
    rules : PlaceRules, optional
        Which names stand for facilities (default ``resources/snap_point_facilities.toml``).
    params : MapPointsParams, optional
        How many points to list (``top``).
    top : int, optional
        Overrides ``params.top``; 0 lists every point.
    progress : Progress, optional

    Returns
    -------
    MapPoints
    """
    import geopandas as gpd

    rules = rules or place_rules()
    params = params or MapPointsParams()
    top = params.top if top is None else top
    gdf = getattr(offences, "gdf", offences)
    geoms = np.asarray(to_bng(gdf.geometry, "offences").values)
    ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    progress.update(0.0, "Counting offences per map point")
    xy = shapely.get_coordinates(geoms[ok])
    if "location" in gdf.columns:
        codes, names = text_codes(gdf["location"])
        codes = codes[ok]
    else:
        codes, names = np.zeros(int(ok.sum()), dtype=np.int64), np.array([""], dtype=object)
    flag = np.zeros(int(ok.sum()), dtype=bool) if excluded is None else np.asarray(excluded)[ok]
    # one group per (point, name): hashed, not sorted, so a force's millions take a blink
    uniq, at_point = unique_points(np.round(xy, 1))
    n_names = max(len(names), 1)
    group, keys = pd.factorize(at_point.astype(np.int64) * n_names + codes)
    grouped = pd.DataFrame(
        {
            "x": uniq[keys // n_names, 0],
            "y": uniq[keys // n_names, 1],
            "location": names[keys % n_names],
            "offences": np.bincount(group, minlength=len(keys)),
            "excluded": np.bincount(group, weights=flag, minlength=len(keys)) > 0,
        }
    )
    grouped = grouped.sort_values(
        ["offences", "location", "x", "y"], ascending=[False, True, True, True], kind="stable"
    )
    n_points = len(grouped)
    shared = int(grouped.loc[grouped["offences"] > 1, "offences"].sum())
    listed = grouped.head(top) if top else grouped
    listed = listed.reset_index(drop=True)
    places = place_names(listed["location"])
    points = gpd.GeoDataFrame(
        {
            "rank": np.arange(1, len(listed) + 1),
            "place": places,
            "location": listed["location"].to_numpy(dtype=object),
            "offences": listed["offences"].to_numpy(dtype=np.int64),
            "share": listed["offences"].to_numpy(dtype=float) / max(len(flag), 1),
            "ward": _ward_of(listed[["x", "y"]].to_numpy(dtype=float), wards),
            "facility": [rules.facility(p) for p in places],
            "excluded": listed["excluded"].to_numpy(dtype=bool),
            "exclude": [
                point_key(loc, x, y)
                for loc, x, y in zip(listed["location"], listed["x"], listed["y"], strict=True)
            ],
            "x": listed["x"].to_numpy(dtype=float),
            "y": listed["y"].to_numpy(dtype=float),
        },
        geometry=gpd.points_from_xy(listed["x"], listed["y"]),
        crs=CRS,
    )
    progress.update(1.0, "Map points counted")
    return MapPoints(
        points=points, n_offences=len(flag), n_points=n_points, shared=shared, params=params
    )


def _ward_of(xy: np.ndarray, wards: Any) -> list[str]:
    found = ward_names(wards)
    if found is None or not len(xy):
        return [""] * len(xy)
    geoms, names = found
    p_idx, w_idx = shapely.STRtree(geoms).query(shapely.points(xy), predicate="intersects")
    out = np.full(len(xy), "", dtype=object)
    first = np.unique(p_idx, return_index=True)[1]
    out[p_idx[first]] = names[w_idx[first]]
    return list(out)


# --------------------------------------------------------------------------- exclusion effect


def zone_changes(before: Any, after: Any) -> pd.DataFrame:
    """How hot spot zones change when map points are left out.

    Parameters
    ----------
    before, after : ZoneResult
        Zones of the same analysis with every offence, and with the points left out.

    Returns
    -------
    pandas.DataFrame
        One row per zone before (and per new zone after): ``zone_before``, ``name_before``,
        ``offences_before``, ``zone_after`` (the zones after that overlap it, "" when none),
        ``name_after``, ``offences_after``, ``change`` ("no longer a zone", "smaller",
        "larger", "unchanged", "new zone").
    """
    b, a = before.zones, after.zones
    rows = []
    seen_after: set[int] = set()
    a_geoms = np.asarray(a.geometry.values)
    tree = shapely.STRtree(a_geoms) if len(a) else None
    for _, zb in b.iterrows():
        hits: list[int] = []
        if tree is not None:
            idx = tree.query(zb.geometry, predicate="intersects")
            overlap = shapely.area(shapely.intersection(a_geoms[idx], zb.geometry))
            hits = sorted(
                int(a["zone"].iloc[i]) for i, o in zip(idx, overlap, strict=True) if o > 1
            )
        seen_after.update(hits)
        matched = a[a["zone"].isin(hits)]
        off_after = int(matched["offences"].sum())
        if not hits:
            change = "no longer a zone"
        elif off_after < int(zb["offences"]):
            change = "smaller"
        elif off_after > int(zb["offences"]):
            change = "larger"
        else:
            change = "unchanged"
        rows.append(
            {
                "zone_before": int(zb["zone"]),
                "name_before": zb["name"],
                "offences_before": int(zb["offences"]),
                "zone_after": ", ".join(str(z) for z in hits),
                "name_after": "; ".join(matched["name"].astype(str)),
                "offences_after": off_after,
                "change": change,
            }
        )
    for _, za in a[~a["zone"].isin(seen_after)].iterrows():
        rows.append(
            {
                "zone_before": 0,
                "name_before": "",
                "offences_before": 0,
                "zone_after": str(int(za["zone"])),
                "name_after": za["name"],
                "offences_after": int(za["offences"]),
                "change": "new zone",
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "zone_before",
            "name_before",
            "offences_before",
            "zone_after",
            "name_after",
            "offences_after",
            "change",
        ],
    )


def change_lines(changes: pd.DataFrame, suppress_below: int = 0) -> list[str]:
    """One line per zone that changed ("Zone 4, Ladywell (184 offences): no longer a zone");
    counts from 1 to ``suppress_below - 1`` as "<N"."""
    out = []

    def n(v: Any) -> str:
        return published_count(v, suppress_below)

    for _, r in changes.iterrows():
        if r["change"] == "unchanged":
            continue
        if r["change"] == "new zone":
            out.append(f"New: {r['name_after']} ({n(r['offences_after'])} offences)")
        elif r["change"] == "no longer a zone":
            out.append(
                f"{r['name_before']} ({n(r['offences_before'])} offences): no longer a hot "
                "spot zone"
            )
        else:
            out.append(
                f"{r['name_before']}: {n(r['offences_before'])} offences before, "
                f"{n(r['offences_after'])} after ({r['change']})"
            )
    return out or ["No hot spot zone changes."]


__all__ = [
    "POINT_COLUMNS",
    "MapPoints",
    "MapPointsParams",
    "busiest_points",
    "change_lines",
    "zone_changes",
]
