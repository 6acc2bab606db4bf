"""The demo borough: a deterministic, fictional, synthetic data set and a ready project.

``write_demo(folder)`` writes everything an analyst would download for a real
borough, in the same file formats, so the demo goes through the same readers as
real data:

* ``boundaries/``: the borough outline, 18 wards and 170 LSOAs (GeoJSON, EPSG:27700,
  ONS-style fields ``LAD24CD``/``LAD24NM``, ``WD24CD``/``WD24NM`` and
  ``LSOA21CD``/``LSOA21NM``);
* ``context/``: IMD-like deprivation, SAMHI-like mental health, population and an
  LSOA -> ward lookup (CSV keyed by LSOA code);
* ``police-uk/YYYY-MM/YYYY-MM-wrenmoor-street.csv``: 24 months of offences in the
  police.uk download layout, each at a map point named after its nearest street ("On or
  near Maple Road"), a kind of place, or a facility (one hospital, two police stations
  where extra offences are recorded);
* ``reference/``: the street network (OS Open Roads fields ``name1``, ``roadNumber``,
  ``roadClassification``) and the town-centre boundaries (GeoJSON, EPSG:27700);
* ``ground_truth.json``: the planted town-centre hotspots (centres and radii, BNG);
* ``project.toml``: a project using all of the above.

Everything is generated from a seed: the same seed gives byte-identical files.
The borough, its names and its codes are invented (codes are numbered from 900001,
far beyond any ONS code); no third-party data is involved.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from hotspot.core.atomic import atomic_write_bytes, atomic_write_text
from hotspot.core.errors import ExportError
from hotspot.core.progress import NO_PROGRESS, Progress
from hotspot.demo.context import AGE_BANDS, Context, make_context
from hotspot.demo.geography import BOROUGH_CODE, BOROUGH_NAME, Geography, make_geography
from hotspot.demo.offences import FORCE, FORCE_SLUG, HEADER, OffenceSet, make_offences
from hotspot.demo.streets import Streets, facility_rows, make_streets
from hotspot.demo.temporal import TemporalSet, plant_temporal
from hotspot.demo.temporal import ground_truth as temporal_truth
from hotspot.model import MapParams, Project, SelectionParams
from hotspot.model.taxonomy import DEFAULT_GROUP

DEFAULT_SEED = 20_240_501
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


@dataclass(frozen=True)
class DemoData:
    """The generated borough, in memory (before anything is written).

    Attributes
    ----------
    seed : int
        The seed everything was generated from.
    geography : Geography
        Outline, wards, LSOAs, town centres and map points (EPSG:27700).
    context : Context
        Population and the IMD-like and SAMHI-like measures per LSOA.
    offences : OffenceSet
        police.uk-layout rows month by month (the temporal patterns and the facility map
        points included), and the planted counts.
    streets : Streets
        Roads, town centres and the facility map points.
    temporal : TemporalSet or None
        The hot spots that change over time (:mod:`hotspot.demo.temporal`).
    """

    seed: int
    geography: Geography
    context: Context
    offences: OffenceSet
    streets: Streets
    temporal: TemporalSet | None = None


@dataclass(frozen=True)
class DemoFiles:
    """Where ``write_demo`` put everything.

    Attributes
    ----------
    folder : Path
        The demo folder.
    project : Path
        The ready project file.
    offences : Path
        The folder of monthly police.uk CSVs.
    outline, wards, lsoas : Path
        Boundary files.
    imd, samhi, population, lookup : Path
        Context tables.
    ground_truth : Path
        The planted hotspots (JSON).
    roads, town_centres : Path
        Reference layers: the street network and the town-centre boundaries.
    files : tuple of Path
        Every file written.
    """

    folder: Path
    project: Path
    offences: Path
    outline: Path
    wards: Path
    lsoas: Path
    imd: Path
    samhi: Path
    population: Path
    lookup: Path
    ground_truth: Path
    roads: Path
    town_centres: Path
    files: tuple[Path, ...]


def generate(seed: int = DEFAULT_SEED) -> DemoData:
    """Generate the demo borough in memory.

    Parameters
    ----------
    seed : int, optional
        Random seed; the same seed always gives the same borough.

    Returns
    -------
    DemoData
    """
    # later children of a seed sequence leave the earlier ones unchanged: a fourth stream
    # for the temporal patterns, a fifth and sixth for the streets and facility points
    seeds = np.random.SeedSequence(seed).spawn(6)
    geo_seed, ctx_seed, off_seed, time_seed, street_seed, facility_seed = seeds
    geo = make_geography(np.random.default_rng(geo_seed))
    ctx = make_context(np.random.default_rng(ctx_seed), geo)
    streets = make_streets(np.random.default_rng(street_seed), geo)
    geo = dataclasses.replace(geo, point_names=streets.point_names)
    offences = make_offences(np.random.default_rng(off_seed), geo, ctx, seed)
    temporal = plant_temporal(
        np.random.default_rng(time_seed), geo, offences.months, seed, force=FORCE
    )
    extra = facility_rows(
        np.random.default_rng(facility_seed), geo, streets, offences.months, seed, FORCE
    )
    return DemoData(
        seed=seed,
        geography=geo,
        context=ctx,
        offences=_with_rows(_with_rows(offences, temporal.rows), extra),
        streets=streets,
        temporal=temporal,
    )


def _with_rows(offences: OffenceSet, extra: dict[str, list[list[str]]]) -> OffenceSet:
    """The offences with more rows appended to each month."""
    rows = {m: [*offences.rows[m], *extra.get(m, [])] for m in offences.months}
    return OffenceSet(months=offences.months, rows=rows, planted=offences.planted)


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


def write_demo(
    folder: str | os.PathLike,
    *,
    seed: int = DEFAULT_SEED,
    overwrite: bool = False,
    progress: Progress = NO_PROGRESS,
) -> DemoFiles:
    """Write the demo data set and its project file into ``folder``.

    Parameters
    ----------
    folder : path-like
        Created when missing. Other files in it are left alone.
    seed : int, optional
        Random seed; the same seed gives byte-identical files.
    overwrite : bool, optional
        Replace demo files that already exist (``hotspot demo --force``).
    progress : Progress, optional
        Receives progress updates; may cancel.

    Returns
    -------
    DemoFiles

    Raises
    ------
    ExportError
        When a demo file already exists and ``overwrite`` is false, or the folder
        cannot be created.
    """
    base = Path(folder)
    if base.exists() and not base.is_dir():
        raise ExportError(f"{base}: exists and is not a folder; choose a folder for the demo")
    targets = planned_files(base)
    if not overwrite:
        existing = [p for p in targets if p.exists()]
        if existing:
            raise ExportError(
                f"{existing[0]}: the demo is already there ({len(existing)} of its files exist); "
                "choose an empty folder, or pass --force to write it again"
            )
    try:
        for p in targets:
            p.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"{base}: cannot create the demo folder ({exc.strerror})") from None

    progress.update(0.0, "Generating the demo borough")
    data = generate(seed)
    progress.update(0.5, "Writing boundaries and context tables")
    geo, ctx = data.geography, data.context
    written: list[Path] = []

    def put_text(name: str, text: str) -> Path:
        path = base / name
        atomic_write_text(path, text, overwrite=True)
        written.append(path)
        return path

    def put_bytes(name: str, payload: bytes) -> Path:
        path = base / name
        atomic_write_bytes(path, payload, overwrite=True)
        written.append(path)
        return path

    outline = put_text(
        OUTLINE_FILE,
        _geojson(
            f"{BOROUGH_NAME.lower()}_outline",
            [geo.outline],
            [{LAD_CODE_FIELD: BOROUGH_CODE, LAD_NAME_FIELD: BOROUGH_NAME}],
        ),
    )
    wards = put_text(
        WARDS_FILE,
        _geojson(
            f"{BOROUGH_NAME.lower()}_wards_2024",
            list(geo.wards),
            [
                {
                    WARD_CODE_FIELD: code,
                    WARD_NAME_FIELD: name,
                    LAD_CODE_FIELD: BOROUGH_CODE,
                    LAD_NAME_FIELD: BOROUGH_NAME,
                }
                for code, name in zip(geo.ward_codes, geo.ward_names, strict=True)
            ],
        ),
    )
    lsoas = put_text(
        LSOAS_FILE,
        _geojson(
            f"{BOROUGH_NAME.lower()}_lsoa_2021",
            list(geo.lsoas),
            [
                {LSOA_CODE_FIELD: code, LSOA_NAME_FIELD: name}
                for code, name in zip(geo.lsoa_codes, geo.lsoa_names, strict=True)
            ],
        ),
    )
    imd = put_bytes(IMD_FILE, _imd_csv(geo, ctx))
    samhi = put_bytes(SAMHI_FILE, _samhi_csv(geo, ctx))
    population = put_bytes(POPULATION_FILE, _population_csv(geo, ctx))
    lookup = put_bytes(LOOKUP_FILE, _lookup_csv(geo))
    ground_truth = put_text(GROUND_TRUTH_FILE, _ground_truth(data))
    st = data.streets
    roads = put_text(
        ROADS_FILE,
        _geojson(
            f"{BOROUGH_NAME.lower()}_roads",
            list(st.roads),
            [
                {"name1": n, "roadNumber": num, "roadClassification": c}
                for n, num, c in zip(st.names, st.numbers, st.classes, strict=True)
            ],
        ),
    )
    town_centres = put_text(
        TOWN_CENTRES_FILE,
        _geojson(
            f"{BOROUGH_NAME.lower()}_town_centres",
            list(st.centres),
            [{"tc_name": n, "type": "Town centre"} for n in st.centre_names],
        ),
    )
    put_text(README_FILE, _readme(data))

    offences_dir = base / OFFENCES_FOLDER
    months = data.offences.months
    for i, month in enumerate(months):
        progress.update(0.6 + 0.35 * i / len(months), f"Writing offences for {month}")
        put_bytes(
            f"{OFFENCES_FOLDER}/{month}/{month}-{FORCE_SLUG}-street.csv",
            _csv_bytes([list(HEADER), *data.offences.rows[month]]),
        )

    project = demo_project(base, last_month=months[-1])
    project_path = base / PROJECT_FILE
    project.save(project_path)
    written.append(project_path)
    progress.update(1.0, "Demo written")
    return DemoFiles(
        folder=base,
        project=project_path,
        offences=offences_dir,
        outline=outline,
        wards=wards,
        lsoas=lsoas,
        imd=imd,
        samhi=samhi,
        population=population,
        lookup=lookup,
        ground_truth=ground_truth,
        roads=roads,
        town_centres=town_centres,
        files=tuple(written),
    )


def demo_project(folder: str | os.PathLike, *, last_month: str) -> Project:
    """The demo's project: every demo file as a source, serious violence, 12 months.

    Parameters
    ----------
    folder : path-like
        The demo folder (sources are stored relative to it).
    last_month : str
        The last month of the offence data ("YYYY-MM"): the period ends there.
    """
    base = Path(folder).resolve()
    project = Project(
        name=PROJECT_NAME,
        selection=SelectionParams(group=DEFAULT_GROUP, end=last_month, months=12, compare=True),
        map=MapParams(basemap="none"),
        path=base / PROJECT_FILE,
    )
    project.add_source("offences", OFFENCES_FOLDER, label="police.uk street crime (demo)")
    project.add_source("areas", WARDS_FILE, level="ward", role="wards", label="Wards")
    project.add_source("areas", LSOAS_FILE, level="lsoa", role="lsoas", label="LSOAs")
    project.add_source(
        "areas", OUTLINE_FILE, level="other", role="study_area", label="Borough outline"
    )
    project.add_source("indicators", IMD_FILE, indicator="imd", label="Deprivation (IMD-like)")
    project.add_source(
        "indicators",
        SAMHI_FILE,
        indicator="samhi",
        year=SAMHI_YEAR,
        label="Mental health (SAMHI-like)",
    )
    project.add_source("indicators", POPULATION_FILE, indicator="population", label="Population")
    project.add_source("lookup", LOOKUP_FILE, label="LSOA to ward lookup")
    project.add_source("reference", ROADS_FILE, label="Roads")
    project.add_source("reference", TOWN_CENTRES_FILE, label="Town centres")
    return project


# --------------------------------------------------------------------------- writers


def _round_coords(obj: Any) -> Any:
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], float):
            return [round(v, 2) for v in obj]
        return [_round_coords(o) for o in obj]
    return obj


def _geojson(name: str, geoms: list, props: list[dict[str, Any]]) -> str:
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


def _csv_bytes(rows: list[list[Any]]) -> bytes:
    """CSV with CRLF line ends (as police.uk and ONS publish them), UTF-8."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _imd_csv(geo: Geography, ctx: Context) -> bytes:
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
    return _csv_bytes([header, *rows])


def _samhi_csv(geo: Geography, ctx: Context) -> bytes:
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
    return _csv_bytes([header, *rows])


def _population_csv(geo: Geography, ctx: Context) -> bytes:
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
    return _csv_bytes([header, *rows])


def _lookup_csv(geo: Geography) -> bytes:
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
    return _csv_bytes([header, *rows])


def _ground_truth(data: DemoData) -> str:
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


def _readme(data: DemoData) -> str:
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
    "DEFAULT_SEED",
    "PROJECT_NAME",
    "DemoData",
    "DemoFiles",
    "demo_project",
    "generate",
    "planned_files",
    "write_demo",
]
