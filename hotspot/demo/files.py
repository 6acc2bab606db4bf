"""The demo's files, in the formats an analyst downloads for a real borough.

Where each file goes (``OUTLINE_FILE`` ... ``PROJECT_FILE``, :func:`planned_files`),
and how each is written: GeoJSON boundaries and reference layers (coordinates rounded
to the centimetre), the IMD-, SAMHI-, population- and lookup-like CSVs keyed by LSOA
code, the planted hotspots (``ground_truth.json``) and the README.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shapely

from hotspot.demo.context import AGE_BANDS, Context
from hotspot.demo.geography import BOROUGH_CODE, BOROUGH_NAME, Geography
from hotspot.demo.offences import FORCE_SLUG
from hotspot.demo.temporal import ground_truth as temporal_truth

if TYPE_CHECKING:
    from hotspot.demo import DemoData


PROJECT_NAME = f"{BOROUGH_NAME} (fictional demo borough)"

# File names, relative to the demo folder.
OUTLINE_FILE = "boundaries/wrenmoor_outline.geojson"
WARDS_FILE = "boundaries/wrenmoor_wards_2024.geojson"
LSOAS_FILE = "boundaries/wrenmoor_lsoa_2021.geojson"
IMD_FILE = "context/wrenmoor_deprivation_lsoa21.csv"
SAMHI_FILE = "context/wrenmoor_samhi_lsoa21.csv"
POPULATION_FILE = "context/wrenmoor_population_lsoa21.csv"
LOOKUP_FILE = "context/wrenmoor_lookup_lsoa21_ward24.csv"
OFFENCES_FOLDER = "police-uk"
ROADS_FILE = "reference/wrenmoor_roads.geojson"
TOWN_CENTRES_FILE = "reference/wrenmoor_town_centres.geojson"
GROUND_TRUTH_FILE = "ground_truth.json"
README_FILE = "README.txt"
PROJECT_FILE = "project.toml"

WARD_CODE_FIELD, WARD_NAME_FIELD = "WD24CD", "WD24NM"
LAD_CODE_FIELD, LAD_NAME_FIELD = "LAD24CD", "LAD24NM"
LSOA_CODE_FIELD, LSOA_NAME_FIELD = "LSOA21CD", "LSOA21NM"
IMD_COLUMNS = (
    "Index of Multiple Deprivation (IMD) Score",
    "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)",
    "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)",
)
SAMHI_YEAR = 2022
POPULATION_YEAR = 2022


def planned_files(folder: str | os.PathLike) -> list[Path]:
    """Every file ``write_demo`` writes into ``folder``."""
    base = Path(folder)
    names = [
        OUTLINE_FILE,
        WARDS_FILE,
        LSOAS_FILE,
        IMD_FILE,
        SAMHI_FILE,
        POPULATION_FILE,
        LOOKUP_FILE,
        GROUND_TRUTH_FILE,
        README_FILE,
        PROJECT_FILE,
        ROADS_FILE,
        TOWN_CENTRES_FILE,
    ]
    from hotspot.demo.offences import month_range

    names += [f"{OFFENCES_FOLDER}/{m}/{m}-{FORCE_SLUG}-street.csv" for m in month_range()]
    return [base / n for n in names]


def _round_coords(obj: Any) -> Any:
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], float):
            return [round(v, 2) for v in obj]
        return [_round_coords(o) for o in obj]
    return obj


def geojson_text(name: str, geoms: list, props: list[dict[str, Any]]) -> str:
    """A GeoJSON FeatureCollection in EPSG:27700 (named CRS, as GDAL and QGIS write it)."""
    features = []
    for geom, p in zip(geoms, props, strict=True):
        g = shapely.geometry.mapping(shapely.normalize(geom))
        features.append(
            {
                "type": "Feature",
                "properties": p,
                "geometry": {"type": g["type"], "coordinates": _round_coords(g["coordinates"])},
            }
        )
    doc = {
        "type": "FeatureCollection",
        "name": name,
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}},
        "features": features,
    }
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n"


def csv_bytes(rows: list[list[Any]]) -> bytes:
    """CSV with CRLF line ends (as police.uk and ONS publish them), UTF-8."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def imd_csv(geo: Geography, ctx: Context) -> bytes:
    """The demo borough's deprivation CSV per LSOA, in the layout of the published IMD file."""
    header = [
        "LSOA code (2021)",
        "LSOA name (2021)",
        "Local Authority District code (2024)",
        "Local Authority District name (2024)",
        *IMD_COLUMNS,
    ]
    rows = [
        [code, name, BOROUGH_CODE, BOROUGH_NAME, f"{score:.3f}", int(rank), int(decile)]
        for code, name, score, rank, decile in zip(
            geo.lsoa_codes, geo.lsoa_names, ctx.imd_score, ctx.imd_rank, ctx.imd_decile, strict=True
        )
    ]
    return csv_bytes([header, *rows])


def samhi_csv(geo: Geography, ctx: Context) -> bytes:
    """The demo borough's mental health CSV per LSOA, in the layout of the published SAMHI file."""
    header = [
        LSOA_CODE_FIELD,
        LSOA_NAME_FIELD,
        "LAD_NAME",
        f"samhi_index.{SAMHI_YEAR}",
        f"samhi_dec.{SAMHI_YEAR}",
    ]
    rows = [
        [code, name, BOROUGH_NAME, f"{index:.4f}", int(decile)]
        for code, name, index, decile in zip(
            geo.lsoa_codes, geo.lsoa_names, ctx.samhi_index, ctx.samhi_decile, strict=True
        )
    ]
    return csv_bytes([header, *rows])


def population_csv(geo: Geography, ctx: Context) -> bytes:
    """The demo's population CSV per LSOA, all ages and by age band."""
    header = [
        LSOA_CODE_FIELD,
        LSOA_NAME_FIELD,
        LAD_CODE_FIELD,
        LAD_NAME_FIELD,
        "Persons_All-Ages",
        *(f"Persons_{band}" for band in AGE_BANDS),
    ]
    rows = [
        [code, name, BOROUGH_CODE, BOROUGH_NAME, int(total), *(int(a) for a in ages)]
        for code, name, total, ages in zip(
            geo.lsoa_codes, geo.lsoa_names, ctx.population, ctx.age, strict=True
        )
    ]
    return csv_bytes([header, *rows])


def lookup_csv(geo: Geography) -> bytes:
    """The demo's LSOA to ward to local authority lookup CSV."""
    header = [
        LSOA_CODE_FIELD,
        LSOA_NAME_FIELD,
        WARD_CODE_FIELD,
        WARD_NAME_FIELD,
        LAD_CODE_FIELD,
        LAD_NAME_FIELD,
    ]
    rows = [
        [code, name, geo.ward_codes[w], geo.ward_names[w], BOROUGH_CODE, BOROUGH_NAME]
        for code, name, w in zip(geo.lsoa_codes, geo.lsoa_names, geo.lsoa_ward, strict=True)
    ]
    return csv_bytes([header, *rows])


def ground_truth_json(data: DemoData) -> str:
    """The demo's ground truth as JSON text: planted hot spots and month patterns."""
    geo = data.geography
    from pyproj import Transformer

    to_wgs84 = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    hotspots = []
    for c in geo.centres:
        lon, lat = to_wgs84.transform(c.x, c.y)
        hotspots.append(
            {
                "name": c.name,
                "x": c.x,
                "y": c.y,
                "radius_m": c.radius,
                "longitude": round(float(lon), 6),
                "latitude": round(float(lat), 6),
                "weight": c.weight,
                "planted_offences": data.offences.planted[c.name],
            }
        )
    xmin, ymin, xmax, ymax = geo.outline.bounds
    doc = {
        "description": (
            "Ground truth of the fictional demo borough: the planted town-centre hotspots, "
            "and (temporal_hotspots) places whose offences change month by month in the "
            "patterns of emerging hot spot analysis, with the category expected. "
            "Within each radius lie the offences planted there (violence, robbery, theft from "
            "the person, shoplifting ... concentrate in these centres); domestic-type violence "
            "spreads through residential LSOAs in proportion to population and rises with "
            "deprivation."
        ),
        "seed": data.seed,
        "crs": "EPSG:27700",
        "borough": {
            "code": BOROUGH_CODE,
            "name": BOROUGH_NAME,
            "area_km2": round(geo.outline.area / 1e6, 3),
            "bounds": [round(v, 2) for v in (xmin, ymin, xmax, ymax)],
            "wards": len(geo.wards),
            "lsoas": len(geo.lsoas),
            "population": int(data.context.population.sum()),
        },
        "months": {"first": data.offences.months[0], "last": data.offences.months[-1]},
        "hotspots": hotspots,
        "temporal_hotspots": (
            temporal_truth(data.temporal, data.offences.months) if data.temporal else []
        ),
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def readme_text(data: DemoData) -> str:
    """The README of the demo folder: what the data are, their seed, extent and files."""
    geo = data.geography
    return (
        f"{PROJECT_NAME}\n"
        f"{'=' * len(PROJECT_NAME)}\n\n"
        "A synthetic data set generated by Hotspot (hotspot demo) for trying the application.\n"
        "The borough, its wards, LSOAs, streets, codes and every offence are invented; any\n"
        "resemblance to a real place is accidental. Area codes are numbered from 900001,\n"
        "far beyond any real ONS code (E01900001 is fictional LSOA number 1).\n\n"
        f"Seed: {data.seed}\n"
        f"Wards: {len(geo.wards)}, LSOAs: {len(geo.lsoas)}, "
        f"area: {geo.outline.area / 1e6:.1f} km2 (British National Grid, EPSG:27700)\n"
        f"Offences: {data.offences.months[0]} to {data.offences.months[-1]}, police.uk "
        "download layout, one CSV per month\n\n"
        f"{PROJECT_FILE}        the project (open it in Hotspot, or: hotspot run {PROJECT_FILE} "
        "--out out)\n"
        f"{OFFENCES_FOLDER}/          offences, as unzipped from the police.uk archive\n"
        "boundaries/         borough outline, wards (2024 fields), LSOAs (2021 fields)\n"
        "context/            deprivation (IMD-like), mental health (SAMHI-like), population,\n"
        "                    LSOA to ward lookup\n"
        "reference/          roads (OS Open Roads fields) and town-centre boundaries\n"
        f"{GROUND_TRUTH_FILE}   where the town-centre hotspots and the hot spots that change\n"
        "                    over time (new, intensifying, persistent ...) were planted\n"
    )


__all__ = [
    "PROJECT_NAME",
    "planned_files",
    "csv_bytes",
    "geojson_text",
    "ground_truth_json",
    "imd_csv",
    "lookup_csv",
    "population_csv",
    "readme_text",
    "samhi_csv",
]
