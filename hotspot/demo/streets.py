"""Streets, town centres and facility map points of the demo borough.

Everything here is invented and deterministic for a given random generator:

* major roads ("A" roads) run between the town centres and out to the borough edge; the
  stretch through each town centre is its high street;
* each ward has a gently curving grid of local streets at its own angle, each with a name;
* each town centre is a polygon around its high street (the "town centres" layer an
  analyst gets from their council or the GLA);
* every map point is renamed "On or near <the nearest street>", so offence locations agree
  with the street layer; map points named after a kind of place (supermarket, nightclub)
  keep their name, except hospitals and police stations: the borough has one hospital and
  two police stations, each a single map point where extra offences are recorded (as real
  police.uk data shows on points "On or near Hospital" and "On or near Police Station").

The roads are written with the field names of OS Open Roads (``name1``, ``roadNumber``,
``roadClassification``), so the demo exercises the same reader as the real product.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import shapely

from hotspot.demo.geography import PLACE_KINDS, STREET_FIRST_WORDS, STREET_TYPES, Geography

STREET_SPACING = 190.0  # metres between parallel local streets
HIGH_STREETS = {
    "Wrenmoor Town Centre": "Wrenmoor High Street",
    "Hallowmere Parade": "Hallowmere Parade",
    "Stannet Cross": "Stannet Cross Broadway",
    "Corrow Street": "Corrow Street",
}
FACILITY_NAMES = ("Hospital", "Police Station")
#: Offences a month recorded at each facility point: (category, mean per month).
FACILITY_OFFENCES = {
    "Hospital": (("Violence and sexual offences", 24.0), ("Public order", 2.0)),
    "Police Station": (("Violence and sexual offences", 4.0), ("Drugs", 1.0)),
}


@dataclass(frozen=True)
class Streets:
    """The demo's street layer, town centres and facility points.

    Attributes
    ----------
    roads : numpy.ndarray of LineString
        Road centrelines (EPSG:27700).
    names, numbers, classes : list of str
        Per road: its name, its number ("A412" or ""), its OS Open Roads class ("A Road",
        "Unclassified").
    centres : numpy.ndarray of Polygon
        Town-centre boundaries.
    centre_names : list of str
    point_names : list of str
        "On or near ..." for every map point of the geography, agreeing with the roads.
    facilities : dict
        "Hospital", "Police Station" -> indices of their map points.
    """

    roads: np.ndarray
    names: list[str]
    numbers: list[str]
    classes: list[str]
    centres: np.ndarray
    centre_names: list[str]
    point_names: list[str]
    facilities: dict[str, tuple[int, ...]]


def _wavy(a: np.ndarray, b: np.ndarray, amp: float, phase: float, step: float = 40.0):
    """A gently curving line from ``a`` to ``b``."""
    length = float(np.hypot(*(b - a)))
    n = max(int(length / step), 2)
    t = np.linspace(0.0, 1.0, n + 1)
    normal = np.array([-(b - a)[1], (b - a)[0]]) / max(length, 1e-9)
    offset = amp * np.sin(np.pi * t) * np.sin(2 * np.pi * t + phase)
    xy = a + np.outer(t, b - a) + np.outer(offset, normal)
    return shapely.LineString(np.round(xy, 2))


def _major_roads(rng: np.random.Generator, geo: Geography):
    """A roads: a chain through the town centres and a spoke from each to the edge."""
    c = np.array([[t.x, t.y] for t in geo.centres])
    order = np.argsort(c[:, 0])
    roads, names, numbers = [], [], []
    short = [t.name.split()[0] for t in geo.centres]
    for k, (i, j) in enumerate(zip(order[:-1], order[1:], strict=True)):
        roads.append(_wavy(c[i], c[j], rng.uniform(80, 200), rng.uniform(0, 6.28)))
        names.append(f"{short[j]} Road")
        numbers.append(f"A4{10 + k}")
    box = geo.outline.bounds
    reach = max(box[2] - box[0], box[3] - box[1])
    for k, i in enumerate(range(len(c))):
        angle = np.arctan2(c[i, 1] - (box[1] + box[3]) / 2, c[i, 0] - (box[0] + box[2]) / 2)
        angle += rng.uniform(-0.5, 0.5)
        end = c[i] + reach * np.array([np.cos(angle), np.sin(angle)])
        roads.append(_wavy(c[i], end, rng.uniform(100, 250), rng.uniform(0, 6.28), step=60.0))
        names.append(f"{short[i]} Way")
        numbers.append(f"A4{20 + k}")
    return roads, names, numbers


def _local_streets(rng: np.random.Generator, geo: Geography, taken: set[str]):
    """A curving grid of named streets in each ward, at the ward's own angle."""
    combos = [f"{a} {b}" for a in STREET_FIRST_WORDS for b in STREET_TYPES]
    combos = [n for n in combos if n not in taken]
    order = rng.permutation(len(combos))
    roads, names = [], []
    used = 0
    for ward in geo.wards:
        cx, cy = shapely.get_coordinates(shapely.centroid(ward))[0]
        x0, y0, x1, y1 = ward.bounds
        half = 0.75 * max(x1 - x0, y1 - y0)
        theta = rng.uniform(0, np.pi / 2)
        u = np.array([np.cos(theta), np.sin(theta)])
        v = np.array([-u[1], u[0]])
        for direction, across in ((u, v), (v, u)):
            offsets = np.arange(-half, half, STREET_SPACING) + rng.uniform(0, STREET_SPACING)
            for off in offsets:
                centre = np.array([cx, cy]) + off * across
                line = _wavy(
                    centre - half * direction,
                    centre + half * direction,
                    rng.uniform(10, 40),
                    rng.uniform(0, 6.28),
                )
                piece = shapely.intersection(line, ward)
                parts = [
                    p
                    for p in shapely.get_parts(piece)
                    if p.geom_type == "LineString" and p.length > 60
                ]
                if not parts:
                    continue
                name = combos[order[used % len(order)]]
                if used >= len(order):
                    name = f"{name} {'North' if used // len(order) == 1 else 'South'}"
                used += 1
                roads.extend(parts)
                names.extend([name] * len(parts))
    return roads, names


def _centre_polygons(geo: Geography, high: dict[str, shapely.LineString]):
    polys = []
    for t in geo.centres:
        core = shapely.Point(t.x, t.y).buffer(t.radius * 0.55, quad_segs=16)
        along = shapely.intersection(high[t.name], shapely.Point(t.x, t.y).buffer(t.radius * 1.2))
        shape = shapely.union(core, shapely.buffer(along, 120.0, quad_segs=8))
        shape = shapely.intersection(shape.simplify(5.0), geo.outline)
        polys.append(shapely.set_precision(shape, 0.01))
    return np.asarray(polys, dtype=object)


def make_streets(rng: np.random.Generator, geo: Geography) -> Streets:
    """Roads, town centres and street names of map points for the demo geography."""
    major, major_names, numbers = _major_roads(rng, geo)
    major = [shapely.intersection(r, geo.outline) for r in major]
    # the stretch of an A road within a town centre is its high street
    roads: list = []
    names: list[str] = []
    nums: list[str] = []
    classes: list[str] = []
    high_lines: dict[str, list] = {t.name: [] for t in geo.centres}
    for road, name, number in zip(major, major_names, numbers, strict=True):
        rest = road
        for t in geo.centres:
            zone = shapely.Point(t.x, t.y).buffer(t.radius * 0.9)
            inside = shapely.intersection(rest, zone)
            if inside.length > 50:
                high_lines[t.name].append(inside)
                rest = shapely.difference(rest, zone)
        for part in shapely.get_parts(rest):
            if part.geom_type == "LineString" and part.length > 30:
                roads.append(part)
                names.append(name)
                nums.append(number)
                classes.append("A Road")
    high: dict[str, shapely.LineString] = {}
    for t in geo.centres:
        merged = shapely.line_merge(shapely.union_all(high_lines[t.name]))
        high[t.name] = merged
        for part in shapely.get_parts(merged):
            if part.geom_type == "LineString":
                roads.append(part)
                names.append(HIGH_STREETS.get(t.name, f"{t.name} High Street"))
                nums.append("")
                classes.append("A Road")
    local, local_names = _local_streets(rng, geo, set(names))
    roads += local
    names += local_names
    nums += [""] * len(local)
    classes += ["Unclassified"] * len(local)
    roads_arr = np.asarray([shapely.set_precision(r, 0.01) for r in roads], dtype=object)
    point_names, facilities = _name_points(rng, geo, roads_arr, names)
    return Streets(
        roads=roads_arr,
        names=names,
        numbers=nums,
        classes=classes,
        centres=_centre_polygons(geo, high),
        centre_names=[t.name for t in geo.centres],
        point_names=point_names,
        facilities=facilities,
    )


def _name_points(rng: np.random.Generator, geo: Geography, roads: np.ndarray, names: list[str]):
    """Every map point named after its nearest street; one hospital, two police stations."""
    nearest = shapely.STRtree(roads).query_nearest(shapely.points(geo.points), all_matches=False)[1]
    kinds = set(PLACE_KINDS) - set(FACILITY_NAMES)
    out = []
    for i, old in enumerate(geo.point_names):
        # kinds of place keep their name; every other point takes its nearest street's
        place = old.removeprefix("On or near ")
        out.append(old if place in kinds else f"On or near {names[nearest[i]]}")
    c = np.array([[t.x, t.y] for t in geo.centres])
    xy = geo.points
    # the hospital: well away from every town centre, in a residential area
    d_centres = np.min(np.hypot(xy[:, None, 0] - c[:, 0], xy[:, None, 1] - c[:, 1]), axis=1)
    d_middle = np.hypot(*(xy - xy.mean(axis=0)).T)
    hospital = int(np.argmin(np.where((d_centres > 900) & (d_centres < 1600), d_middle, np.inf)))
    # police stations: beside the two busiest town centres
    stations = []
    for k in (0, 1):
        target = c[k] + rng.uniform(-1, 1, 2) * 150.0
        stations.append(int(np.argmin(np.hypot(*(xy - target).T))))
    out[hospital] = "On or near Hospital"
    for s in stations:
        out[s] = "On or near Police Station"
    return out, {"Hospital": (hospital,), "Police Station": tuple(stations)}


def facility_rows(
    rng: np.random.Generator,
    geo: Geography,
    streets: Streets,
    months: list[str],
    seed: int,
    force: str,
) -> dict[str, list[list[str]]]:
    """Extra offences recorded at the facility points, month by month (police.uk layout)."""
    from pyproj import Transformer

    to_wgs84 = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    rows: dict[str, list[list[str]]] = {m: [] for m in months}
    for facility, points in streets.facilities.items():
        for p in points:
            lon, lat = to_wgs84.transform(geo.points[p, 0], geo.points[p, 1])
            lsoa = int(geo.point_lsoa[p])
            where = [
                f"{lon:.6f}",
                f"{lat:.6f}",
                streets.point_names[p],
                geo.lsoa_codes[lsoa],
                geo.lsoa_names[lsoa],
            ]
            for month in months:
                for category, mean in FACILITY_OFFENCES[facility]:
                    for j in range(int(rng.poisson(mean / len(points)))):
                        key = f"{seed}:{month}:{facility}:{p}:{category}:{j}".encode()
                        crime_id = hashlib.sha256(key).hexdigest()
                        outcome = (
                            "Unable to prosecute suspect"
                            if rng.random() < 0.5
                            else "Investigation complete; no suspect identified"
                        )
                        rows[month].append(
                            [crime_id, month, force, force, *where, category, outcome, ""]
                        )
    return rows


__all__ = ["HIGH_STREETS", "Streets", "facility_rows", "make_streets"]
