"""The demo borough: deterministic, documented structure, realistic patterns, real readers."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from pyproj import Transformer
from scipy import stats

from hotspot.core.errors import ExportError
from hotspot.demo import DEFAULT_SEED, write_demo
from hotspot.demo.files import planned_files
from hotspot.model import Project
from hotspot.model.taxonomy import CATEGORIES, STREET_CSV_COLUMNS

POLICE_HEADER = list(STREET_CSV_COLUMNS)
SERIOUS = {"Violence and sexual offences", "Robbery"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "wrenmoor"
    write_demo(folder)
    return folder


@pytest.fixture(scope="module")
def rows(demo) -> list[dict[str, str]]:
    """Every offence row, read with the csv module (independently of hotspot.io)."""
    out = []
    for f in sorted((demo / "police-uk").glob("*/*-street.csv")):
        with f.open(newline="", encoding="utf-8") as fh:
            out.extend(csv.DictReader(fh))
    return out


@pytest.fixture(scope="module")
def lsoas(demo):
    return pyogrio.read_dataframe(demo / "boundaries" / "wrenmoor_lsoa_2021.geojson")


@pytest.fixture(scope="module")
def wards(demo):
    return pyogrio.read_dataframe(demo / "boundaries" / "wrenmoor_wards_2024.geojson")


@pytest.fixture(scope="module")
def outline(demo):
    gdf = pyogrio.read_dataframe(demo / "boundaries" / "wrenmoor_outline.geojson")
    return gdf.geometry.iloc[0]


@pytest.fixture(scope="module")
def located(rows):
    """Rows with coordinates, as BNG points (transformed with pyproj here)."""
    df = pd.DataFrame([r for r in rows if r["Longitude"]])
    to_bng = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    x, y = to_bng.transform(df["Longitude"].astype(float), df["Latitude"].astype(float))
    df["x"], df["y"] = x, y
    return df


@pytest.fixture(scope="module")
def context(demo):
    imd = pd.read_csv(demo / "context" / "wrenmoor_deprivation_lsoa21.csv")
    samhi = pd.read_csv(demo / "context" / "wrenmoor_samhi_lsoa21.csv")
    pop = pd.read_csv(demo / "context" / "wrenmoor_population_lsoa21.csv")
    t = imd.rename(
        columns={
            "LSOA code (2021)": "code",
            "Index of Multiple Deprivation (IMD) Score": "imd_score",
            "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)": (
                "imd_decile"
            ),
        }
    )[["code", "imd_score", "imd_decile"]]
    t = t.merge(
        samhi.rename(
            columns={
                "LSOA21CD": "code",
                "samhi_index.2022": "samhi_index",
                "samhi_dec.2022": "samhi_decile",
            }
        )[["code", "samhi_index", "samhi_decile"]],
        on="code",
        validate="1:1",
    )
    return t.merge(
        pop.rename(columns={"LSOA21CD": "code", "Persons_All-Ages": "population"})[
            ["code", "population"]
        ],
        on="code",
        validate="1:1",
    )


# --------------------------------------------------------------------------- determinism


def test_same_seed_gives_byte_identical_files(demo, tmp_path):
    again = write_demo(tmp_path / "again")
    ours = sorted(p.relative_to(demo) for p in demo.rglob("*") if p.is_file())
    theirs = sorted(p.relative_to(again.folder) for p in again.folder.rglob("*") if p.is_file())
    assert ours == theirs
    for rel in ours:
        assert (demo / rel).read_bytes() == (again.folder / rel).read_bytes(), rel


def test_another_seed_gives_another_borough(demo, tmp_path):
    other = write_demo(tmp_path / "other", seed=DEFAULT_SEED + 1)
    assert (
        other.lsoas.read_bytes()
        != (demo / "boundaries" / "wrenmoor_lsoa_2021.geojson").read_bytes()
    )
    month = sorted((demo / "police-uk").iterdir())[-1].name
    rel = Path("police-uk") / month / f"{month}-wrenmoor-street.csv"
    assert (other.folder / rel).read_bytes() != (demo / rel).read_bytes()


def test_existing_demo_is_not_overwritten_without_force(demo):
    before = (demo / "project.toml").read_bytes()
    with pytest.raises(ExportError, match="--force"):
        write_demo(demo)
    assert (demo / "project.toml").read_bytes() == before
    write_demo(demo, overwrite=True)  # same seed: same bytes again
    assert (demo / "project.toml").read_bytes() == before


def test_every_planned_file_is_written_and_nothing_else(demo):
    planned = {p.relative_to(demo) for p in planned_files(demo)}
    actual = {p.relative_to(demo) for p in demo.rglob("*") if p.is_file()}
    assert planned == actual


# --------------------------------------------------------------------------- boundaries


def test_wards_and_lsoas_have_the_documented_counts_and_fictional_codes(wards, lsoas):
    assert len(wards) == 18
    assert len(lsoas) == 170
    assert wards["WD24CD"].is_unique and lsoas["LSOA21CD"].is_unique
    # ONS layout, numbered from 900001: far beyond any real code, so never a clash
    assert all(re.fullmatch(r"E059\d{5}", c) for c in wards["WD24CD"])
    assert all(re.fullmatch(r"E019\d{5}", c) for c in lsoas["LSOA21CD"])
    assert all(re.fullmatch(r"Wrenmoor \d{3}[A-Z]", n) for n in lsoas["LSOA21NM"])
    assert wards["WD24NM"].is_unique


def test_borough_is_about_8_by_10_km_in_england_on_the_national_grid(demo, outline):
    crs = pyogrio.read_info(demo / "boundaries" / "wrenmoor_outline.geojson")["crs"]
    assert crs == "EPSG:27700"
    xmin, ymin, xmax, ymax = outline.bounds
    assert 7_000 <= xmax - xmin <= 9_000
    assert 9_000 <= ymax - ymin <= 11_000
    assert 50 <= outline.area / 1e6 <= 80
    # inland England, well away from the coast
    assert xmin >= 400_000 and xmax <= 480_000 and ymin >= 230_000 and ymax <= 300_000


def test_lsoas_nest_in_wards_and_tile_the_borough(demo, wards, lsoas, outline):
    lookup = pd.read_csv(demo / "context" / "wrenmoor_lookup_lsoa21_ward24.csv")
    assert len(lookup) == 170 and set(lookup["LSOA21CD"]) == set(lsoas["LSOA21CD"])
    ward_geom = dict(zip(wards["WD24CD"], wards.geometry, strict=True))
    lsoa_geom = dict(zip(lsoas["LSOA21CD"], lsoas.geometry, strict=True))
    for code, ward in zip(lookup["LSOA21CD"], lookup["WD24CD"], strict=True):
        inside = lsoa_geom[code].intersection(ward_geom[ward]).area / lsoa_geom[code].area
        assert inside == pytest.approx(1.0, abs=1e-4), code
    assert lookup.groupby("WD24CD").size().min() >= 5
    assert shapely.is_valid(lsoas.geometry.values).all()
    assert shapely.is_valid(wards.geometry.values).all()
    assert sum(lsoas.area) == pytest.approx(outline.area, rel=1e-6)
    assert sum(wards.area) == pytest.approx(outline.area, rel=1e-6)


# --------------------------------------------------------------------------- offences


def test_offences_follow_the_police_uk_archive_layout(demo):
    folders = sorted(p.name for p in (demo / "police-uk").iterdir())
    assert len(folders) == 24
    months = pd.PeriodIndex(folders, freq="M")
    assert list(months) == list(pd.period_range(months[0], months[-1], freq="M"))
    for m in folders:
        files = list((demo / "police-uk" / m).iterdir())
        assert [f.name for f in files] == [f"{m}-wrenmoor-street.csv"]
        with files[0].open(newline="", encoding="utf-8") as fh:
            reader = csv.reader(fh)
            assert next(reader) == POLICE_HEADER
            body = list(reader)
        assert all(len(r) == 12 for r in body)
        assert {r[1] for r in body} == {m}
        assert {r[9] for r in body} == set(CATEGORIES)  # all 14 categories every month
        assert files[0].read_bytes().count(b"\r\n") == len(body) + 1  # CRLF, as published


def test_identifiers_outcomes_and_missing_locations_look_like_police_uk(rows):
    asb = [r for r in rows if r["Crime type"] == "Anti-social behaviour"]
    crimes = [r for r in rows if r["Crime type"] != "Anti-social behaviour"]
    assert asb and all(r["Crime ID"] == "" and r["Last outcome category"] == "" for r in asb)
    assert all(re.fullmatch(r"[0-9a-f]{64}", r["Crime ID"]) for r in crimes)
    assert all(r["Last outcome category"] for r in crimes)
    no_coords = [r for r in rows if not r["Longitude"]]
    share = len(no_coords) / len(rows)
    assert 0.03 <= share <= 0.05
    assert all(
        r["Latitude"] == "" and r["Location"] == "No Location" and r["LSOA code"] == ""
        for r in no_coords
    )
    with_coords = [r for r in rows if r["Longitude"]]
    assert all(re.fullmatch(r"-?\d+\.\d{6}", r["Longitude"]) for r in with_coords)
    assert all(r["Location"].startswith("On or near ") for r in with_coords)


def test_duplicate_crime_ids_are_the_same_crime_with_two_outcomes(rows):
    by_id: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        if r["Crime ID"]:
            by_id.setdefault(r["Crime ID"], []).append(r)
    dups = {k: v for k, v in by_id.items() if len(v) > 1}
    assert 50 <= len(dups) <= 0.01 * len(rows)
    for listed in dups.values():
        assert len(listed) == 2
        a, b = listed
        assert {k: v for k, v in a.items() if k != "Last outcome category"} == {
            k: v for k, v in b.items() if k != "Last outcome category"
        }
        assert a["Last outcome category"] != b["Last outcome category"]


def test_offences_are_snapped_to_shared_map_points_inside_their_lsoa(located, lsoas, outline):
    distinct = located[["Longitude", "Latitude"]].drop_duplicates()
    assert len(distinct) < 0.25 * len(located)  # many offences share a map point
    pts = shapely.points(located["x"].to_numpy(), located["y"].to_numpy())
    assert shapely.contains(outline.buffer(5.0), pts).all()
    # The LSOA code of a row is the LSOA its point falls in (checked on a sample).
    sample = located.sample(2_000, random_state=1)
    geom = dict(zip(lsoas["LSOA21CD"], lsoas.geometry, strict=True))
    inside = [
        geom[c].buffer(2.0).contains(shapely.Point(x, y))
        for c, x, y in zip(sample["LSOA code"], sample["x"], sample["y"], strict=True)
    ]
    assert np.mean(inside) == 1.0
    names = dict(zip(lsoas["LSOA21CD"], lsoas["LSOA21NM"], strict=True))
    assert all(names[c] == n for c, n in zip(sample["LSOA code"], sample["LSOA name"], strict=True))


def test_planted_town_centres_hold_a_concentration_of_violence(demo, located, outline):
    truth = json.loads((demo / "ground_truth.json").read_text())
    assert truth["crs"] == "EPSG:27700" and 3 <= len(truth["hotspots"]) <= 4
    serious = located[located["Crime type"].isin(SERIOUS)]
    n = len(serious)
    for h in truth["hotspots"]:
        d = np.hypot(serious["x"] - h["x"], serious["y"] - h["y"])
        inside = int((d <= h["radius_m"]).sum())
        expected_uniform = n * np.pi * h["radius_m"] ** 2 / outline.area
        assert inside > 8 * expected_uniform, h["name"]
        # Planted offences lie within the radius (plus the snap to a map point).
        planted = sum(h["planted_offences"][c] for c in SERIOUS)
        assert int((d <= h["radius_m"] + 30).sum()) >= planted
        assert planted > 100


def test_residential_violence_rises_with_deprivation(demo, located, context):
    truth = json.loads((demo / "ground_truth.json").read_text())
    violence = located[located["Crime type"] == "Violence and sexual offences"]
    far = np.ones(len(violence), dtype=bool)
    for h in truth["hotspots"]:
        far &= np.hypot(violence["x"] - h["x"], violence["y"] - h["y"]) > h["radius_m"] + 300
    counts = violence[far].groupby("LSOA code").size()
    t = context.set_index("code")
    t["rate"] = counts.reindex(t.index, fill_value=0) / t["population"] * 1000
    rho, p = stats.spearmanr(t["imd_score"], t["rate"])
    assert rho > 0.3 and p < 0.001


# --------------------------------------------------------------------------- context


def test_deprivation_and_mental_health_are_correlated(context):
    assert len(context) == 170
    rho, p = stats.spearmanr(context["imd_score"], context["samhi_index"])
    assert rho > 0.5 and p < 1e-6
    assert context["imd_decile"].between(1, 10).all()
    assert context["samhi_decile"].between(1, 10).all()
    # Deciles follow the scores: IMD decile 1 = most deprived, SAMHI decile 10 = worst.
    by_imd = context.sort_values("imd_score")
    assert (np.diff(by_imd["imd_decile"].to_numpy()) <= 0).all()
    by_samhi = context.sort_values("samhi_index")
    assert (np.diff(by_samhi["samhi_decile"].to_numpy()) >= 0).all()
    assert context["imd_decile"].nunique() >= 5


def test_deprivation_and_mental_health_are_spatially_patterned(lsoas, context):
    esda = pytest.importorskip("esda")
    libpysal = pytest.importorskip("libpysal")
    gdf = lsoas.merge(context, left_on="LSOA21CD", right_on="code", validate="1:1")
    w = libpysal.weights.Queen.from_dataframe(gdf, use_index=False, silence_warnings=True)
    assert not w.islands
    w.transform = "r"
    for column in ("imd_score", "samhi_index"):
        mi = esda.Moran(gdf[column].to_numpy(), w, permutations=0)
        assert mi.I > 0.3, column
        assert mi.p_norm < 1e-6, column


def test_population_table_adds_up(demo):
    pop = pd.read_csv(demo / "context" / "wrenmoor_population_lsoa21.csv")
    bands = [c for c in pop.columns if c.startswith("Persons_") and c != "Persons_All-Ages"]
    assert len(bands) == 5
    assert (pop[bands].sum(axis=1) == pop["Persons_All-Ages"]).all()
    assert pop["Persons_All-Ages"].between(1_000, 3_200).all()
    assert 200_000 <= pop["Persons_All-Ages"].sum() <= 400_000


# --------------------------------------------------------------------------- project


def test_project_file_is_ready_to_use(demo):
    project = Project.load(demo / "project.toml")
    assert project.map.basemap == "none"
    assert project.selection.group == "Serious violence (police.uk)"
    assert project.selection.months == 12
    last = sorted(p.name for p in (demo / "police-uk").iterdir())[-1]
    assert project.selection.end == last
    kinds = Counter(s.kind for s in project.sources)
    assert kinds == {"offences": 1, "areas": 3, "indicators": 3, "lookup": 1, "reference": 2}
    for s in project.sources:
        assert not Path(s.path).is_absolute()
        assert s.resolve(project.folder).exists()
    roles = {s.options.get("role") for s in project.sources if s.kind == "areas"}
    assert roles == {"wards", "lsoas", "study_area"}


# --------------------------------------------------------------------------- streets


def test_offence_locations_name_the_streets_of_the_road_layer(demo, located):
    from hotspot.model.places import place_name, place_rules

    roads = pyogrio.read_dataframe(demo / "reference" / "wrenmoor_roads.geojson")
    assert {"name1", "roadNumber", "roadClassification"} <= set(roads.columns)  # OS Open Roads
    assert set(roads["roadClassification"]) == {"A Road", "Unclassified"}
    names = set(roads["name1"])
    places = {p.lower() for p in place_rules().places}
    on_streets = located[~located["Location"].map(place_name).str.lower().isin(places)]
    assert len(on_streets) > 0.8 * len(located)
    assert set(on_streets["Location"].map(place_name)) <= names
    # each offence is on or near its street: the street is within a short walk of its point
    sample = on_streets.sample(1_000, random_state=2)
    tree = shapely.STRtree(roads.geometry.values)
    idx = tree.query_nearest(shapely.points(sample["x"], sample["y"]), all_matches=False)[1]
    nearest = roads["name1"].to_numpy()[idx]
    assert (nearest == sample["Location"].map(place_name).to_numpy()).all()


def test_one_hospital_and_two_police_stations_record_extra_offences(demo, located):
    points = located.groupby(["Location", "x", "y"]).size()
    hospital = points.loc["On or near Hospital"]
    stations = points.loc["On or near Police Station"]
    assert len(hospital) == 1 and len(stations) == 2
    violence = located[located["Crime type"] == "Violence and sexual offences"]
    busiest = violence.groupby(["Location", "x", "y"]).size().sort_values(ascending=False)
    assert busiest.index[0][0] == "On or near Hospital"  # the busiest point for violence
    at_hospital = violence[violence["Location"] == "On or near Hospital"]
    assert 480 <= len(at_hospital) <= 680  # about 24 a month over 24 months


def test_town_centres_are_polygons_around_the_planted_hotspots(demo):
    truth = json.loads((demo / "ground_truth.json").read_text())
    centres = pyogrio.read_dataframe(demo / "reference" / "wrenmoor_town_centres.geojson")
    assert list(centres["tc_name"]) == [h["name"] for h in truth["hotspots"]]
    for geom, h in zip(centres.geometry, truth["hotspots"], strict=True):
        assert geom.contains(shapely.Point(h["x"], h["y"]))
        assert 0.05e6 < geom.area < 1.0e6
