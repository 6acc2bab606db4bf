"""The names of hot spot zones: police.uk locations as streets and places, wards, sentences.

police.uk names each map point "On or near <street>" or after a kind of place ("On or near
Supermarket"). A zone's offences are listed by place (:func:`listed_places`), kinds of
place paired with the nearest named street ("Supermarket near Lee High Road"); the wards
a zone touches are listed most offences first (:func:`wards_of_zones`); each zone gets one
plain-English line (:func:`zone_sentence`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import shapely

from hotspot.analysis.study_points import to_bng, unique_points
from hotspot.core.errors import AnalysisError
from hotspot.core.formats import published_count
from hotspot.model.places import PlaceRules, place_name_codes

NO_NAME = "(no location name)"
"""How offences whose map point has no name are listed."""


Named = tuple[np.ndarray, np.ndarray, np.ndarray]
"""Points and their names, as ``(xy, codes, labels)``: ``labels[codes[i]]`` names point ``i``
("" when it has no name). Names are handled as codes so that 100,000 offences at a few
thousand map points cost a few thousand string operations, not 100,000."""


def named(xy: np.ndarray, names: Any) -> Named:
    """``(xy, codes, labels)`` of points and their place names ("On or near " taken off)."""
    codes, labels = place_name_codes(names if isinstance(names, pd.Series) else list(names))
    return np.asarray(xy, dtype=float), codes, labels


def listed_places(
    xy: np.ndarray,
    codes: np.ndarray,
    labels: np.ndarray,
    reference: Named,
    rules: PlaceRules,
    near_m: float,
) -> np.ndarray:
    """The place each offence is listed under: its place name, or for a kind of place
    ("Supermarket") that name paired with the nearest street of ``reference`` within
    ``near_m`` metres ("Supermarket near Lee High Road")."""
    kinds = {n.lower() for n in rules.places}
    shown = np.array([lab if lab else NO_NAME for lab in labels], dtype=object)
    is_kind = np.array([lab.lower() in kinds for lab in labels], dtype=bool)
    out = shown[codes]
    generic = is_kind[codes]
    if not generic.any() or near_m <= 0:
        return out
    ref_xy, ref_codes, ref_labels = reference
    street = np.array([bool(lab) and lab.lower() not in kinds for lab in ref_labels], dtype=bool)
    ok = street[ref_codes] & np.isfinite(ref_xy).all(axis=1)
    if not ok.any():
        return out
    from scipy.spatial import cKDTree

    # one reference per distinct named point, one query per distinct kind-of-place point
    ref = pd.DataFrame({"x": ref_xy[ok, 0], "y": ref_xy[ok, 1], "n": ref_codes[ok]})
    ref = ref.drop_duplicates()
    gi = np.flatnonzero(generic)
    key = pd.DataFrame({"x": np.round(xy[gi, 0], 1), "y": np.round(xy[gi, 1], 1), "n": codes[gi]})
    group = key.groupby(["x", "y", "n"], sort=False).ngroup().to_numpy()
    first = np.unique(group, return_index=True)[1]
    dist, nearest = cKDTree(ref[["x", "y"]].to_numpy()).query(
        xy[gi[first]], distance_upper_bound=near_m
    )
    street_of = ref["n"].to_numpy()
    label = np.array(
        [
            f"{labels[codes[gi[f]]]} near {ref_labels[street_of[j]]}"
            if np.isfinite(d)
            else labels[codes[gi[f]]]
            for f, j, d in zip(first, nearest, dist, strict=True)
        ],
        dtype=object,
    )
    out[gi] = label[group]
    return out


def top_places(places: pd.DataFrame, zone: int, top: int) -> list[tuple[str, int]]:
    """The ``top`` places of one zone, most offences first, with their counts."""
    rows = places[places["zone"] == zone].head(top)
    return list(zip(rows["place"], rows["offences"].astype(int), strict=True))


def top_places_text(places: pd.DataFrame, top: int, suppress_below: int = 0) -> dict[int, str]:
    """Per zone, "High Street (62), Mill Lane (30), ..." of its ``top`` places (counts from 1
    to ``suppress_below - 1`` written "<N")."""
    head = places.groupby("zone", sort=False).head(top)
    out: dict[int, list[str]] = {}
    for zone, place, n in zip(head["zone"], head["place"], head["offences"], strict=True):
        out.setdefault(int(zone), []).append(f"{place} ({published_count(n, suppress_below)})")
    return {z: ", ".join(parts) for z, parts in out.items()}


def _km2(area: float) -> str:
    return f"{area:.2f}" if area < 10 else f"{area:,.1f}"


def _share(share: float) -> str:
    if share <= 0:
        return "0%"
    return "under 1%" if share < 0.005 else f"{share:.0%}"


def zone_sentence(
    row: Any,
    places: pd.DataFrame,
    top: int = 3,
    whole: str = "the borough",
    *,
    suppress_below: int = 0,
    pai: bool = False,
) -> str:
    """ "Zone 1, Lewisham Central: 412 offences (5% of the borough) in 0.40 km², mostly on or
    near Lewisham High Street (62), Molesworth Street (30), Shopping Area (12)".

    With ``suppress_below``, counts from 1 to ``suppress_below - 1`` are written "<N" and
    a zone that small gives no share (it would reveal the count). With ``pai`` the area is
    followed by the zone's PAI ("in 0.40 km² (PAI 12.5)"), left out beside a hidden count.
    """
    n = int(row["offences"])
    small = suppress_below > 1 and 0 < n < suppress_below
    share = "" if small else f" ({_share(row['share_offences'])} of {whole})"
    head = f"{row['name']}: {published_count(n, suppress_below)} offences{share} in {_km2(row['area_km2'])} km²"
    if pai and not small and np.isfinite(row["pai"]):
        head += f" (PAI {row['pai']:,.1f})"
    named = [(p, c) for p, c in top_places(places, int(row["zone"]), top + 1) if p != NO_NAME]
    if not named:
        return head + "."
    listed = ", ".join(f"{p} ({published_count(c, suppress_below)})" for p, c in named[:top])
    return f"{head}, mostly on or near {listed}."


def offence_points(offences: Any) -> Named:
    """``(xy, codes, labels)`` of the offences with a location (:func:`named`)."""
    if isinstance(offences, np.ndarray):
        xy = np.asarray(offences, dtype=float)
        ok = np.isfinite(xy).all(axis=1)
        return named(xy[ok], [""] * int(ok.sum()))
    gdf = getattr(offences, "gdf", offences)
    geoms = np.asarray(to_bng(gdf.geometry, "offences").values)
    ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    xy = shapely.get_coordinates(geoms[ok])
    if xy.shape[0] != int(ok.sum()):
        raise AnalysisError("offences must be single points, not lines or polygons")
    if "location" in gdf.columns:
        codes, labels = place_name_codes(gdf["location"])  # by category: no string per row
        return xy, codes[ok], labels
    return named(xy, [""] * int(ok.sum()))


def cell_streets(grid: Any, offences: Any, top: int = 2) -> list[str]:
    """Per cell of ``grid.cells``, its ``top`` streets and places by offences ("Lewisham High
    Street, Rushey Green"; "" for a cell without named offences). Names only, no counts, so
    the text needs no suppression.
    """
    from hotspot.analysis.cell_groups import locate_in_cells

    xy, codes, labels = offence_points(offences)
    pos = locate_in_cells(grid, xy, np.asarray(grid.cells.geometry.values))
    keep = (pos >= 0) & (labels[codes] != "")
    counts = (
        pd.DataFrame({"cell": pos[keep], "place": labels[codes[keep]]})
        .value_counts()
        .rename("n")
        .reset_index()
        .sort_values(["cell", "n", "place"], ascending=[True, False, True], kind="stable")
    )
    head = counts.groupby("cell", sort=False).head(top)
    joined = head.groupby("cell")["place"].agg(", ".join)
    out = [""] * len(grid.cells)
    for cell, text in joined.items():
        out[int(cell)] = text
    return out


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


def ward_names(wards: Any) -> tuple[np.ndarray, np.ndarray] | None:
    """Geometries and names of the wards (:func:`area_names`), or None without wards."""
    return None if wards is None else area_names(wards)


def wards_of_zones(
    zone_geoms: np.ndarray,
    zone_of_offence: np.ndarray,
    xy: np.ndarray,
    wards: tuple[np.ndarray, np.ndarray] | None,
    tiny: float,
) -> tuple[list[str], list[str]]:
    """Per zone: its main ward and the wards it touches (most offences first)."""
    n = len(zone_geoms)
    if wards is None or n == 0:
        return [""] * n, [""] * n
    geoms, names = wards
    tree = shapely.STRtree(geoms)
    z_idx, w_idx = tree.query(zone_geoms, predicate="intersects")
    overlap = shapely.area(shapely.intersection(zone_geoms[z_idx], geoms[w_idx]))
    keep = overlap > tiny
    z_idx, w_idx, overlap = z_idx[keep], w_idx[keep], overlap[keep]
    inside = np.flatnonzero(zone_of_offence > 0)
    # offences share map points: each distinct point is looked up once
    points, point_of = unique_points(xy[inside])
    p_idx, pw_idx = tree.query(shapely.points(points), predicate="within")
    per_point = (
        pd.DataFrame({"zone": zone_of_offence[inside] - 1, "point": point_of})
        .value_counts()
        .rename("n")
        .reset_index()
    )
    counts = (
        per_point.merge(pd.DataFrame({"point": p_idx, "ward": pw_idx}), on="point")
        .groupby(["zone", "ward"])["n"]
        .sum()
    )
    main, touched = [], []
    for z in range(n):
        mine = z_idx == z
        entries = [
            (-int(counts.get((z, int(w)), 0)), -float(a), names[w])
            for w, a in zip(w_idx[mine], overlap[mine], strict=True)
        ]
        ordered = [name for _, _, name in sorted(entries)]
        ordered = list(dict.fromkeys(ordered))
        main.append(ordered[0] if ordered else "")
        touched.append(", ".join(ordered))
    return main, touched


__all__ = [
    "NO_NAME",
    "area_names",
    "cell_streets",
    "listed_places",
    "named",
    "offence_points",
    "top_places",
    "top_places_text",
    "ward_names",
    "wards_of_zones",
    "zone_sentence",
]
