"""Seeded police.uk street-crime archives of a whole force, for the scale benchmarks.

The offences look like the Metropolitan Police's on police.uk: the 12-column download
layout, one file a month in ``YYYY-MM/YYYY-MM-<force>-street.csv``, about 60,000
anonymised map points over London (inside the real 2011 LSOAs from ``../shared/data`` when
present, with their codes and names; else a London-sized grid of made-up LSOAs), a few
busy map points holding many offences, anti-social behaviour without a Crime ID, about 4 %
of rows without a location and 0.5 % of Crime IDs listed twice.
"""

from __future__ import annotations

import argparse
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv
import shapely
from pyproj import Transformer

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
LSOA_2011 = SHARED / "boundaries" / "london_lsoa_2011_bng_shp" / "london-2011-lsoa-gen20.shp"
LONDON_BOX = (503_500.0, 155_800.0, 561_900.0, 200_900.0)
FORCE = "Metropolitan Police Service"
#: police.uk categories with their rough share of a year's Met offences.
CATEGORIES = {
    "Anti-social behaviour": 0.20,
    "Violence and sexual offences": 0.22,
    "Other theft": 0.10,
    "Vehicle crime": 0.08,
    "Theft from the person": 0.05,
    "Burglary": 0.06,
    "Criminal damage and arson": 0.05,
    "Shoplifting": 0.05,
    "Public order": 0.06,
    "Drugs": 0.04,
    "Robbery": 0.03,
    "Other crime": 0.02,
    "Bicycle theft": 0.02,
    "Possession of weapons": 0.02,
}
OUTCOMES = (
    "Investigation complete; no suspect identified",
    "Unable to prosecute suspect",
    "Under investigation",
    "Status update unavailable",
    "Local resolution",
    "Offender given a caution",
    "Awaiting court outcome",
)


@dataclass(frozen=True)
class MapPoints:
    """Anonymised map points: where offences are placed, with their LSOA."""

    xy: np.ndarray  # (n, 2) British National Grid
    lon: np.ndarray
    lat: np.ndarray
    lsoa_code: np.ndarray
    lsoa_name: np.ndarray
    street: np.ndarray


def lsoa_layer():
    """London's 2011 LSOAs (code, name, geometry), or a grid of made-up ones over a
    London-sized box when the shared data are absent."""
    import geopandas as gpd

    if LSOA_2011.exists():
        gdf = gpd.read_file(LSOA_2011)
        code = next(c for c in gdf.columns if c.upper() in ("LSOA11CD", "LSOA11CD "))
        name = next(c for c in gdf.columns if c.upper() in ("LSOA11NM",))
        return gpd.GeoDataFrame(
            {"LSOA11CD": gdf[code], "LSOA11NM": gdf[name]}, geometry=gdf.geometry, crs=27700
        )
    xmin, ymin, xmax, ymax = LONDON_BOX
    side = 700.0
    xs = np.arange(xmin, xmax, side)
    ys = np.arange(ymin, ymax, side)
    boxes = [shapely.box(x, y, x + side, y + side) for y in ys for x in xs]
    codes = [f"E01{100000 + i:06d}" for i in range(len(boxes))]
    return gpd.GeoDataFrame(
        {"LSOA11CD": codes, "LSOA11NM": [f"Grid {i:04d}A" for i in range(len(boxes))]},
        geometry=boxes,
        crs=27700,
    )


def map_points(lsoas, n: int = 60_000, seed: int = 7) -> MapPoints:
    """``n`` map points inside the LSOAs, clustered around town centres."""
    rng = np.random.default_rng(seed)
    xmin, ymin, xmax, ymax = lsoas.total_bounds
    centres = rng.uniform([xmin, ymin], [xmax, ymax], (400, 2))
    cand = np.vstack(
        [
            centres[rng.integers(0, 400, 2 * n)] + rng.normal(0, 700, (2 * n, 2)),
            rng.uniform([xmin, ymin], [xmax, ymax], (2 * n, 2)),
        ]
    )
    rng.shuffle(cand)
    tree = shapely.STRtree(lsoas.geometry.values)
    pi, li = tree.query(shapely.points(cand), predicate="within")
    _, first = np.unique(pi, return_index=True)
    pi, li = pi[first][:n], li[first][:n]
    xy = cand[pi]
    lon, lat = Transformer.from_crs(27700, 4326, always_xy=True).transform(xy[:, 0], xy[:, 1])
    return MapPoints(
        xy=xy,
        lon=np.asarray(lon),
        lat=np.asarray(lat),
        lsoa_code=lsoas["LSOA11CD"].to_numpy(str)[li],
        lsoa_name=lsoas["LSOA11NM"].to_numpy(str)[li],
        street=np.char.add("On or near Street ", (np.arange(len(pi)) // 3).astype(str)),
    )


def _hex_ids(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` random 64-character hex Crime IDs, vectorised."""
    digits = np.frombuffer(b"0123456789abcdef", dtype="S1")
    raw = np.frombuffer(rng.bytes(32 * n), dtype=np.uint8).reshape(n, 32)
    chars = np.empty((n, 64), dtype="S1")
    chars[:, 0::2] = digits[raw >> 4]
    chars[:, 1::2] = digits[raw & 15]
    return chars.view("S64").ravel().astype(str)


def month_table(points: MapPoints, month: str, n: int, seed: int) -> pa.Table:
    """One month of offences in the police.uk download layout."""
    rng = np.random.default_rng(seed)
    weights = rng.pareto(1.1, len(points.xy)) + 1.0
    where = rng.choice(len(points.xy), n, p=weights / weights.sum())
    cats = np.array(list(CATEGORIES))
    share = np.array(list(CATEGORIES.values()))
    cat = cats[rng.choice(len(cats), n, p=share / share.sum())]
    asb = cat == "Anti-social behaviour"
    ids = _hex_ids(rng, n)
    dup = np.flatnonzero(rng.random(n) < 0.005)
    ids[dup] = ids[np.maximum(dup - 1, 0)]
    ids[asb] = ""
    none = rng.random(n) < 0.04
    lon = np.char.mod("%.6f", points.lon[where])
    lat = np.char.mod("%.6f", points.lat[where])
    blank = np.full(n, "")
    outcome = np.asarray(OUTCOMES)[rng.integers(0, len(OUTCOMES), n)]
    columns = {
        "Crime ID": ids,
        "Month": np.full(n, month),
        "Reported by": np.full(n, FORCE),
        "Falls within": np.full(n, FORCE),
        "Longitude": np.where(none, blank, lon),
        "Latitude": np.where(none, blank, lat),
        "Location": np.where(none, "No location", points.street[where]),
        "LSOA code": np.where(none, blank, points.lsoa_code[where]),
        "LSOA name": np.where(none, blank, points.lsoa_name[where]),
        "Crime type": cat,
        "Last outcome category": np.where(asb, blank, outcome),
        "Context": blank,
    }
    return pa.table({k: pa.array(v, pa.string()) for k, v in columns.items()})


def months(first_year: int, count: int) -> list[str]:
    """``count`` consecutive months from January of ``first_year``."""
    return [f"{first_year + m // 12}-{m % 12 + 1:02d}" for m in range(count)]


def write_force(
    folder: Path, rows: int, n_months: int = 36, *, lsoas=None, seed: int = 2024, zip_to=None
) -> tuple[Path, int]:
    """Write ``rows`` offences over ``n_months`` monthly files in the police.uk archive
    layout under ``folder`` (and into the zip ``zip_to`` when given); returns the folder
    (or zip) and the number of rows written."""
    lsoas = lsoa_layer() if lsoas is None else lsoas
    points = map_points(lsoas)
    per_month = rows // n_months
    options = pcsv.WriteOptions(quoting_style="needed")
    archive = (
        zipfile.ZipFile(zip_to, "w", zipfile.ZIP_DEFLATED, compresslevel=1) if zip_to else None
    )
    total = 0
    try:
        for i, month in enumerate(months(2022, n_months)):
            table = month_table(points, month, per_month, seed + i)
            name = f"{month}/{month}-metropolitan-street.csv"
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            pcsv.write_csv(table, path, write_options=options)
            if archive is not None:
                archive.write(path, name)
            total += table.num_rows
    finally:
        if archive is not None:
            archive.close()
    return (Path(zip_to) if zip_to else folder), total


def force_arguments(description: str) -> argparse.Namespace:
    """``--rows`` (default 3 million) and ``--months`` (36) of a force benchmark."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--rows", type=int, default=3_000_000)
    parser.add_argument("--months", type=int, default=36)
    return parser.parse_args()
