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

Everything is generated from a seed: the same seed gives byte-identical files
(where each file goes and how it is written: :mod:`hotspot.demo.files`).
The borough, its names and its codes are invented (codes are numbered from 900001,
far beyond any ONS code); no third-party data is involved.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hotspot.core.atomic import atomic_write_bytes, atomic_write_text
from hotspot.core.errors import ExportError
from hotspot.core.progress import NO_PROGRESS, Progress
from hotspot.demo.context import Context, make_context
from hotspot.demo.files import (
    GROUND_TRUTH_FILE,
    IMD_FILE,
    LAD_CODE_FIELD,
    LAD_NAME_FIELD,
    LOOKUP_FILE,
    LSOA_CODE_FIELD,
    LSOA_NAME_FIELD,
    LSOAS_FILE,
    OFFENCES_FOLDER,
    OUTLINE_FILE,
    POPULATION_FILE,
    PROJECT_FILE,
    PROJECT_NAME,
    README_FILE,
    ROADS_FILE,
    SAMHI_FILE,
    SAMHI_YEAR,
    TOWN_CENTRES_FILE,
    WARD_CODE_FIELD,
    WARD_NAME_FIELD,
    WARDS_FILE,
    csv_bytes,
    geojson_text,
    ground_truth_json,
    imd_csv,
    lookup_csv,
    planned_files,
    population_csv,
    readme_text,
    samhi_csv,
)
from hotspot.demo.geography import BOROUGH_CODE, BOROUGH_NAME, Geography, make_geography
from hotspot.demo.offences import FORCE, FORCE_SLUG, HEADER, OffenceSet, make_offences
from hotspot.demo.streets import Streets, facility_rows, make_streets
from hotspot.demo.temporal import TemporalSet, plant_temporal
from hotspot.model import MapParams, Project, SelectionParams
from hotspot.model.taxonomy import DEFAULT_GROUP

DEFAULT_SEED = 20_240_501


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
        geojson_text(
            f"{BOROUGH_NAME.lower()}_outline",
            [geo.outline],
            [{LAD_CODE_FIELD: BOROUGH_CODE, LAD_NAME_FIELD: BOROUGH_NAME}],
        ),
    )
    wards = put_text(
        WARDS_FILE,
        geojson_text(
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
        geojson_text(
            f"{BOROUGH_NAME.lower()}_lsoa_2021",
            list(geo.lsoas),
            [
                {LSOA_CODE_FIELD: code, LSOA_NAME_FIELD: name}
                for code, name in zip(geo.lsoa_codes, geo.lsoa_names, strict=True)
            ],
        ),
    )
    imd = put_bytes(IMD_FILE, imd_csv(geo, ctx))
    samhi = put_bytes(SAMHI_FILE, samhi_csv(geo, ctx))
    population = put_bytes(POPULATION_FILE, population_csv(geo, ctx))
    lookup = put_bytes(LOOKUP_FILE, lookup_csv(geo))
    ground_truth = put_text(GROUND_TRUTH_FILE, ground_truth_json(data))
    st = data.streets
    roads = put_text(
        ROADS_FILE,
        geojson_text(
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
        geojson_text(
            f"{BOROUGH_NAME.lower()}_town_centres",
            list(st.centres),
            [{"tc_name": n, "type": "Town centre"} for n in st.centre_names],
        ),
    )
    put_text(README_FILE, readme_text(data))

    offences_dir = base / OFFENCES_FOLDER
    months = data.offences.months
    for i, month in enumerate(months):
        progress.update(0.6 + 0.35 * i / len(months), f"Writing offences for {month}")
        put_bytes(
            f"{OFFENCES_FOLDER}/{month}/{month}-{FORCE_SLUG}-street.csv",
            csv_bytes([list(HEADER), *data.offences.rows[month]]),
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


__all__ = [
    "DEFAULT_SEED",
    "DemoData",
    "DemoFiles",
    "demo_project",
    "generate",
    "write_demo",
]
