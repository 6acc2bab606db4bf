"""Geography of the demo borough: outline, wards, LSOAs and anonymised map points.

Everything here is synthetic and deterministic for a given random generator.
Wards and LSOAs are Voronoi cells of seed points clipped to the borough outline;
the seeds are placed by a population-weighted k-means (Lloyd's algorithm) on a
50 m raster, so areas are smaller where more people live, as real LSOAs are.
LSOAs nest exactly inside wards. Map points play the part of police.uk's
anonymised "map points" (street segments, car parks, shopping areas ...): every
offence is snapped to one of them, so many offences share a point.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from scipy.spatial import cKDTree

#: Centre of the fictional borough in British National Grid (a rural stretch of
#: the English Midlands; the borough and every name in it are invented).
CENTRE = (444_000.0, 255_000.0)
HALF_WIDTH = 4_000.0  # east-west semi-axis, metres
HALF_HEIGHT = 5_000.0  # north-south semi-axis, metres
RASTER = 50.0  # metres, for population-weighted placement
PRECISION = 0.01  # metres, coordinates are snapped to this grid

BOROUGH_NAME = "Wrenmoor"
# Fictional codes in the ONS layout (prefix + 6 digits) but numbered from 900001: ONS
# numbers areas upwards from 000001 and is nowhere near 900000 (England has about
# 34,000 LSOAs and 9,000 wards), so these codes never clash with real ones, while the
# readers recognise them as LSOA (E01), ward (E05) and local-authority (E06) codes.
FICTIONAL_FROM = 900_000
BOROUGH_CODE = f"E06{FICTIONAL_FROM + 1}"

WARD_NAMES = (
    "Alderbrook",
    "Ashcombe Rise",
    "Brackenholt",
    "Callow End North",
    "Corrowfield",
    "Dunmere Park",
    "Elverton",
    "Fallowmead",
    "Gorsey Heath",
    "Hallowmere",
    "Kestrel Hill",
    "Larkspur Vale",
    "Marrowby",
    "Nettlecombe",
    "Orchard Leys",
    "Quillan Green",
    "Stannet Cross",
    "Wrenmoor Central",
)
N_WARDS = len(WARD_NAMES)
N_LSOAS = 170


@dataclass(frozen=True)
class TownCentre:
    """A planted town-centre hotspot (centre in BNG metres, radius in metres)."""

    name: str
    x: float
    y: float
    radius: float
    weight: float


CENTRE_NAMES = ("Wrenmoor Town Centre", "Hallowmere Parade", "Stannet Cross", "Corrow Street")
CENTRE_RADII = (450.0, 320.0, 300.0, 260.0)
CENTRE_WEIGHTS = (0.4, 0.22, 0.2, 0.18)


@dataclass(frozen=True)
class Geography:
    """The demo borough's geometry (all in EPSG:27700).

    Attributes
    ----------
    outline : shapely.Polygon
        The borough boundary.
    wards, lsoas : numpy.ndarray of shapely geometries
        Ward and LSOA polygons, in code order.
    ward_codes, ward_names, lsoa_codes, lsoa_names : list of str
        Fictional codes (``E05900001``, ``E01900001`` ...) and names.
    lsoa_ward : numpy.ndarray of int
        Index of the ward each LSOA lies in.
    lsoa_xy : numpy.ndarray, shape (n_lsoas, 2)
        A point inside each LSOA (for smooth fields).
    centres : tuple of TownCentre
        The planted town centres.
    points : numpy.ndarray, shape (n_points, 2)
        The anonymised map points.
    point_lsoa : numpy.ndarray of int
        The LSOA each map point lies in.
    point_names : list of str
        "On or near ..." label of each map point.
    point_background : numpy.ndarray of bool
        True for the evenly spread points (False for the extra town-centre points).
    """

    outline: shapely.Polygon
    wards: np.ndarray
    ward_codes: list[str]
    ward_names: list[str]
    lsoas: np.ndarray
    lsoa_codes: list[str]
    lsoa_names: list[str]
    lsoa_ward: np.ndarray
    lsoa_xy: np.ndarray
    centres: tuple[TownCentre, ...]
    points: np.ndarray
    point_lsoa: np.ndarray
    point_names: list[str]
    point_background: np.ndarray


# --------------------------------------------------------------------------- outline


def make_outline(rng: np.random.Generator) -> shapely.Polygon:
    """An irregular, roughly elliptical outline about 8 km wide and 10 km tall."""
    theta = np.linspace(0.0, 2.0 * np.pi, 360, endpoint=False)
    wobble = np.ones_like(theta)
    for k in range(2, 8):
        amp = rng.uniform(0.015, 0.05) / np.sqrt(k - 1)
        wobble += amp * np.cos(k * theta + rng.uniform(0, 2 * np.pi))
    x = CENTRE[0] + HALF_WIDTH * wobble * np.cos(theta)
    y = CENTRE[1] + HALF_HEIGHT * wobble * np.sin(theta)
    return shapely.set_precision(shapely.Polygon(np.column_stack([x, y])), PRECISION)


def place_centres(rng: np.random.Generator, outline: shapely.Polygon) -> tuple[TownCentre, ...]:
    """Place the planted town centres well inside the outline and well apart."""
    inner = outline.buffer(-1_200.0)
    xmin, ymin, xmax, ymax = inner.bounds
    placed: list[tuple[float, float]] = []
    while len(placed) < len(CENTRE_NAMES):
        x, y = rng.uniform(xmin, xmax), rng.uniform(ymin, ymax)
        if not shapely.contains_xy(inner, x, y):
            continue
        if any(np.hypot(x - px, y - py) < 2_600.0 for px, py in placed):
            continue
        placed.append((round(x), round(y)))
    return tuple(
        TownCentre(name, float(x), float(y), radius, weight)
        for name, (x, y), radius, weight in zip(
            CENTRE_NAMES, placed, CENTRE_RADII, CENTRE_WEIGHTS, strict=True
        )
    )


# --------------------------------------------------------------------------- population surface


def population_density(
    x: np.ndarray, y: np.ndarray, centres: tuple[TownCentre, ...], phases: np.ndarray
) -> np.ndarray:
    """Relative residential density: high around the town centres, thinner to the east."""
    d = np.zeros_like(x, dtype=float)
    for c in centres:
        d += 3.0 * c.weight / 0.25 * np.exp(-((x - c.x) ** 2 + (y - c.y) ** 2) / (2 * 1_400.0**2))
    east = (x - CENTRE[0]) / HALF_WIDTH
    d += 1.2 - 0.6 * east
    # gentle smooth variation (parks, industrial estates ...)
    for i in range(4):
        kx, ky, ph = phases[i]
        d *= 1.0 + 0.18 * np.sin(kx * (x - CENTRE[0]) + ky * (y - CENTRE[1]) + ph)
    return np.clip(d, 0.05, None)


def _raster(outline: shapely.Polygon) -> np.ndarray:
    xmin, ymin, xmax, ymax = outline.bounds
    xs = np.arange(xmin + RASTER / 2, xmax, RASTER)
    ys = np.arange(ymin + RASTER / 2, ymax, RASTER)
    gx, gy = np.meshgrid(xs, ys)
    gx, gy = gx.ravel(), gy.ravel()
    inside = shapely.contains_xy(outline, gx, gy)
    return np.column_stack([gx[inside], gy[inside]])


def weighted_kmeans(
    cells: np.ndarray, weights: np.ndarray, k: int, rng: np.random.Generator, iterations: int = 12
) -> np.ndarray:
    """Lloyd's algorithm on weighted raster cells: ``k`` well-spread seed points."""
    p = weights / weights.sum()
    seeds = cells[rng.choice(len(cells), size=k, replace=False, p=p)].astype(float)
    seeds += rng.uniform(-RASTER / 4, RASTER / 4, size=seeds.shape)
    for _ in range(iterations):
        _, nearest = cKDTree(seeds).query(cells)
        wsum = np.bincount(nearest, weights=weights, minlength=k)
        sx = np.bincount(nearest, weights=weights * cells[:, 0], minlength=k)
        sy = np.bincount(nearest, weights=weights * cells[:, 1], minlength=k)
        ok = wsum > 0
        seeds[ok, 0] = sx[ok] / wsum[ok]
        seeds[ok, 1] = sy[ok] / wsum[ok]
    return seeds


def _order_north_west(xy: np.ndarray) -> np.ndarray:
    """Order points in bands of 1.5 km from north to south, west to east within a band."""
    band = np.floor((xy[:, 1].max() - xy[:, 1]) / 1_500.0)
    return np.lexsort((xy[:, 0], band))


def voronoi_cells(seeds: np.ndarray, clip: shapely.Geometry) -> np.ndarray:
    """Voronoi cells of ``seeds`` (in seed order) clipped to ``clip``."""
    extent = shapely.box(*clip.buffer(2_000.0).bounds)
    cells = shapely.voronoi_polygons(shapely.MultiPoint(seeds), extend_to=extent, ordered=True)
    parts = np.asarray(shapely.get_parts(cells))
    clipped = shapely.intersection(parts, clip)
    return shapely.set_precision(clipped, PRECISION)


def allocate(total: int, weights: np.ndarray, minimum: int) -> np.ndarray:
    """Split ``total`` into integers proportional to ``weights`` (largest remainder)."""
    n = len(weights)
    share = weights / weights.sum() * (total - minimum * n)
    base = np.floor(share).astype(int)
    remainder = total - minimum * n - base.sum()
    order = np.argsort(-(share - base), kind="stable")
    base[order[:remainder]] += 1
    return base + minimum


# --------------------------------------------------------------------------- map points

STREET_FIRST_WORDS = (
    "Alder", "Beacon", "Birch", "Bramble", "Cedar", "Chapel", "Church", "Clover", "Copper",
    "Cross", "Dale", "Elm", "Fern", "Forge", "Glebe", "Granary", "Hawthorn", "Heron", "Hollow",
    "Kiln", "Lark", "Linden", "Maple", "Meadow", "Mill", "Moor", "Oak", "Orchard", "Pond",
    "Quarry", "Rowan", "Sedge", "Sorrel", "Spring", "Tanner", "Thistle", "Vale", "Weaver",
    "Willow", "Wren",
)  # fmt: skip
"""First words of the demo's invented street names ("Alder" Road)."""
STREET_TYPES = (
    "Road", "Street", "Lane", "Close", "Avenue", "Way", "Grove", "Crescent", "Drive", "Gardens",
    "Place", "Walk",
)  # fmt: skip
"""Last words of the demo's invented street names (Alder "Road")."""
PLACE_KINDS = (
    "Supermarket",
    "Parking Area",
    "Shopping Area",
    "Petrol Station",
    "Sports/Recreation Area",
    "Nightclub",
    "Pedestrian Subway",
    "Bus/Coach Station",
    "Conference/Exhibition Centre",
    "Further/Higher Educational Building",
    "Hospital",
    "Police Station",
    "Theatre/Concert Hall",
    "Park/Open Space",
)
"""Kinds of place that police.uk map points are named after ("On or near Supermarket")."""


def make_map_points(
    rng: np.random.Generator, outline: shapely.Polygon, centres: tuple[TownCentre, ...]
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Jittered 110 m grid of map points, denser (35 m) inside the town centres.

    Returns the points, a mask of the evenly spread ones and their location labels.
    """
    xmin, ymin, xmax, ymax = outline.bounds
    spacing = 110.0
    xs = np.arange(xmin + spacing / 2, xmax, spacing)
    ys = np.arange(ymin + spacing / 2, ymax, spacing)
    gx, gy = (a.ravel() for a in np.meshgrid(xs, ys))
    gx = gx + rng.uniform(-spacing * 0.35, spacing * 0.35, gx.shape)
    gy = gy + rng.uniform(-spacing * 0.35, spacing * 0.35, gy.shape)
    keep = shapely.contains_xy(outline, gx, gy)
    even = np.column_stack([gx[keep], gy[keep]])
    dense = []
    for c in centres:
        r = c.radius + 80.0
        cx = np.arange(c.x - r, c.x + r, 35.0)
        cy = np.arange(c.y - r, c.y + r, 35.0)
        hx, hy = (a.ravel() for a in np.meshgrid(cx, cy))
        hx = hx + rng.uniform(-10, 10, hx.shape)
        hy = hy + rng.uniform(-10, 10, hy.shape)
        inside = np.hypot(hx - c.x, hy - c.y) <= r
        dense.append(np.column_stack([hx[inside], hy[inside]]))
    points = np.round(np.vstack([even, *dense]), 2)
    background = np.zeros(len(points), dtype=bool)
    background[: len(even)] = True

    # Street names: points near the same "street seed" share a name.
    n_streets = max(len(points) // 8, 1)
    street_seeds = points[rng.choice(len(points), size=n_streets, replace=False)]
    _, street = cKDTree(street_seeds).query(points)
    combos = [f"{a} {b}" for a in STREET_FIRST_WORDS for b in STREET_TYPES]
    street_names = rng.choice(len(combos), size=n_streets, replace=len(combos) < n_streets)
    names = [f"On or near {combos[street_names[s]]}" for s in street]
    # Some points are places rather than streets, more of them in the town centres.
    in_centre = np.zeros(len(points), dtype=bool)
    for c in centres:
        in_centre |= np.hypot(points[:, 0] - c.x, points[:, 1] - c.y) <= c.radius
    is_place = rng.random(len(points)) < np.where(in_centre, 0.3, 0.06)
    place = rng.integers(0, len(PLACE_KINDS), len(points))
    for i in np.flatnonzero(is_place):
        names[i] = f"On or near {PLACE_KINDS[place[i]]}"
    return points, background, names


# --------------------------------------------------------------------------- assembly


def make_geography(rng: np.random.Generator) -> Geography:
    """Build the whole demo geography from one random generator."""
    outline = make_outline(rng)
    centres = place_centres(rng, outline)
    phases = np.column_stack(
        [
            rng.uniform(-1, 1, 4) * 2 * np.pi / 4_000.0,
            rng.uniform(-1, 1, 4) * 2 * np.pi / 4_000.0,
            rng.uniform(0, 2 * np.pi, 4),
        ]
    )
    cells = _raster(outline)
    density = population_density(cells[:, 0], cells[:, 1], centres, phases)

    # Wards: seeds weighted by sqrt(density) so ward areas vary less than LSOA areas.
    ward_seeds = weighted_kmeans(cells, np.sqrt(density), N_WARDS, rng)
    ward_seeds = ward_seeds[_order_north_west(ward_seeds)]
    wards = voronoi_cells(ward_seeds, outline)
    _, cell_ward = cKDTree(ward_seeds).query(cells)
    ward_pop = np.bincount(cell_ward, weights=density, minlength=N_WARDS)
    per_ward = allocate(N_LSOAS, ward_pop, minimum=5)

    lsoa_polys, lsoa_ward, lsoa_names = [], [], []
    for w in range(N_WARDS):
        mine = cell_ward == w
        seeds = weighted_kmeans(cells[mine], density[mine], int(per_ward[w]), rng)
        seeds = seeds[_order_north_west(seeds)]
        polys = voronoi_cells(seeds, wards[w])
        for j, poly in enumerate(polys):
            lsoa_polys.append(poly)
            lsoa_ward.append(w)
            lsoa_names.append(f"{BOROUGH_NAME} {w + 1:03d}{_letters(j)}")
    lsoas = np.asarray(lsoa_polys, dtype=object)
    lsoa_xy_arr = shapely.get_coordinates(shapely.point_on_surface(lsoas))

    points, background, names = make_map_points(rng, outline, centres)
    # Every LSOA gets at least its reference point as a map point.
    points = np.vstack([points, np.round(lsoa_xy_arr, 2)])
    background = np.concatenate([background, np.ones(len(lsoa_xy_arr), dtype=bool)])
    names = names + [f"On or near {n.split()[0]} Road" for n in lsoa_names]
    point_lsoa = _locate(points, lsoas)
    keep = point_lsoa >= 0  # points on the outline edge itself are dropped
    return Geography(
        outline=outline,
        wards=wards,
        ward_codes=[f"E05{FICTIONAL_FROM + i + 1}" for i in range(N_WARDS)],
        ward_names=list(WARD_NAMES),
        lsoas=lsoas,
        lsoa_codes=[f"E01{FICTIONAL_FROM + i + 1}" for i in range(len(lsoas))],
        lsoa_names=lsoa_names,
        lsoa_ward=np.asarray(lsoa_ward),
        lsoa_xy=lsoa_xy_arr,
        centres=centres,
        points=points[keep],
        point_lsoa=point_lsoa[keep],
        point_names=[n for n, k in zip(names, keep, strict=True) if k],
        point_background=background[keep],
    )


def _letters(j: int) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return letters[j] if j < 26 else letters[j // 26 - 1] + letters[j % 26]


def _locate(points: np.ndarray, polygons: np.ndarray) -> np.ndarray:
    """Index of the polygon containing each point (-1 when none)."""
    tree = shapely.STRtree(polygons)
    pts = shapely.points(points)
    idx_pt, idx_poly = tree.query(pts, predicate="intersects")
    out = np.full(len(points), -1, dtype=int)
    # first match wins for points exactly on a shared edge
    order = np.lexsort((idx_poly, idx_pt))
    idx_pt, idx_poly = idx_pt[order], idx_poly[order]
    first = np.ones(len(idx_pt), dtype=bool)
    first[1:] = idx_pt[1:] != idx_pt[:-1]
    out[idx_pt[first]] = idx_poly[first]
    return out
