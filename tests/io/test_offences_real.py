"""read_offences on the real police.uk files, checked against counts made with the csv
and json modules (independent of the reader)."""

from __future__ import annotations

import csv
import json
import zipfile
from collections import Counter

import geopandas as gpd
import numpy as np
import pytest

from hotspot.io import read_offences
from hotspot.model import DROP_DUPLICATE, DROP_NO_COORDINATES, Period

pytestmark = pytest.mark.realdata


def _raw_rows(folder):
    rows = []
    for f in sorted(folder.rglob("*-street.csv")):
        with open(f, newline="", encoding="utf-8") as fh:
            rows.extend(csv.DictReader(fh))
    return rows


@pytest.fixture(scope="module")
def col_raw(col_folder):
    return _raw_rows(col_folder)


def test_city_of_london_every_row_accounted_for(col_offences, col_raw):
    r = col_offences.report
    assert r.rows_read == len(col_raw) == 19_518
    assert r.rows_kept + sum(r.dropped.values()) == r.rows_read
    assert len(col_offences.gdf) == r.rows_kept
    assert len(r.files) == 36


def test_city_of_london_rows_without_coordinates(col_offences, col_raw):
    empty = sum(1 for row in col_raw if not row["Longitude"] or not row["Latitude"])
    assert empty == 914
    assert col_offences.report.dropped[DROP_NO_COORDINATES] == empty


def test_city_of_london_duplicate_crime_ids(col_offences, col_raw):
    # a Crime ID listed again (among rows that can be placed) is a duplicate;
    # anti-social behaviour rows have no Crime ID and are never duplicates
    ids = Counter(r["Crime ID"] for r in col_raw if r["Crime ID"] and r["Longitude"])
    extra = sum(n - 1 for n in ids.values() if n > 1)
    assert extra > 0
    assert col_offences.report.dropped[DROP_DUPLICATE] == extra
    kept_ids = col_offences.gdf["crime_id"].dropna()
    assert kept_ids.is_unique
    asb_raw = sum(
        1 for r in col_raw if r["Crime type"] == "Anti-social behaviour" and r["Longitude"]
    )
    assert col_offences.report.categories["Anti-social behaviour"] == asb_raw


def test_city_of_london_categories_counted(col_offences, col_raw):
    seen, expected = set(), Counter()
    for r in col_raw:
        if not r["Longitude"]:
            continue
        if r["Crime ID"]:
            if r["Crime ID"] in seen:
                continue
            seen.add(r["Crime ID"])
        expected[r["Crime type"]] += 1
    assert dict(col_offences.report.categories) == dict(expected)
    assert len(expected) == 14


def test_city_of_london_months(col_offences):
    r = col_offences.report
    assert r.months[0] == "2014-09" and r.months[-1] == "2017-08"
    assert len(r.months) == 36 and r.missing_months == ()
    months = col_offences.gdf["month"]
    assert (months.dt.day == 1).all()
    assert str(months.dtype).startswith("datetime64")


def test_city_of_london_points_match_plain_reprojection(col_offences, col_raw):
    gdf = col_offences.gdf
    assert gdf.crs.to_epsg() == 27700
    # reference: geopandas' own reprojection of the raw longitude/latitude of kept rows
    ref = gpd.GeoSeries(
        gpd.points_from_xy(gdf["Longitude"].astype(float), gdf["Latitude"].astype(float)),
        crs="EPSG:4326",
    ).to_crs(27700)
    assert np.allclose(gdf.geometry.x, ref.x, atol=1e-6)
    assert np.allclose(gdf.geometry.y, ref.y, atol=1e-6)
    # in metres: nearly all in the City (a few offences are recorded in Kent and Essex)
    x, y = gdf.geometry.x, gdf.geometry.y
    assert ((x > 530_000) & (x < 534_500) & (y > 180_000) & (y < 182_500)).mean() > 0.95
    assert x.between(500_000, 600_000).all() and y.between(150_000, 220_000).all()


def test_city_of_london_shared_locations(col_offences):
    xy = col_offences.gdf.geometry.get_coordinates()
    shared = int(xy.duplicated(keep=False).sum())
    assert col_offences.report.shared_locations == shared > 0


def test_canonical_and_original_columns(col_offences, col_raw):
    gdf = col_offences.gdf
    canonical = ["crime_id", "month", "category", "location", "lsoa_code", "lsoa_name"]
    assert list(gdf.columns[:8]) == [*canonical, "outcome", "source_file"]
    # the file's other columns follow; those a canonical column holds are not repeated
    held = {"Crime ID", "Month", "Location", "LSOA code", "LSOA name", "Crime type"}
    held.add("Last outcome category")
    for original in col_raw[0]:
        assert (original in gdf.columns) == (original not in held)
    assert gdf["crime_id"].iloc[0] == col_raw[0]["Crime ID"]
    assert gdf["source_file"].astype(str).str.endswith("-street.csv").all()
    # anti-social behaviour: no Crime ID, kept as missing
    asb = gdf[gdf["category"] == "Anti-social behaviour"]
    assert asb["crime_id"].isna().all()


def test_zipped_folder_gives_the_same_result(col_folder, col_offences, tmp_path):
    archive = tmp_path / "police-archive.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(col_folder.rglob("*.csv")):
            z.write(f, f.relative_to(col_folder).as_posix())
        # the real archive also carries outcomes files: they must be ignored
        z.writestr("2014-09/2014-09-city-of-london-outcomes.csv", "Crime ID,Month\n")
    zipped = read_offences(archive)
    a, b = zipped.report, col_offences.report
    assert (a.rows_read, a.rows_kept, dict(a.dropped)) == (
        b.rows_read,
        b.rows_kept,
        dict(b.dropped),
    )
    assert dict(a.categories) == dict(b.categories)
    assert a.months == b.months
    assert any("outcomes" in n for n in a.notes)
    assert np.allclose(zipped.gdf.geometry.x, col_offences.gdf.geometry.x)
    assert list(zipped.gdf["crime_id"].fillna("")) == list(col_offences.gdf["crime_id"].fillna(""))
    assert not (tmp_path / "2014-09").exists()  # read in place, nothing unpacked


def test_single_month_file(col_folder):
    f = col_folder / "2016-01" / "2016-01-city-of-london-street.csv"
    with open(f, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    data = read_offences(f)
    assert data.report.rows_read == len(rows)
    assert data.report.months == ("2016-01",)


@pytest.fixture(scope="module")
def lewisham_raw(lewisham_json):
    records = []
    for f in sorted(lewisham_json.rglob("*.json")):
        records.extend(json.loads(f.read_text()))
    return records


def test_lewisham_json_repeats_counted_once(lewisham_offences, lewisham_raw):
    r = lewisham_offences.report
    unique = {rec["id"] for rec in lewisham_raw}
    assert r.rows_read == len(lewisham_raw) == 76_760
    assert r.rows_kept == len(unique) == 73_260
    assert r.dropped == {DROP_DUPLICATE: 76_760 - 73_260}
    assert len(r.files) == 522
    assert lewisham_offences.gdf["id"].is_unique


def test_lewisham_json_twelve_months(lewisham_offences):
    period = Period.months_to("2018-06", 12)
    assert len(lewisham_offences.select(period=period)) == 30_553


def test_lewisham_json_slugs_mapped(lewisham_offences, lewisham_raw):
    first = {}
    for rec in lewisham_raw:
        first.setdefault(rec["id"], rec["category"])
    slugs = Counter(first.values())
    cats = lewisham_offences.report.categories
    assert cats["Violence and sexual offences"] == slugs["violent-crime"]
    assert cats["Anti-social behaviour"] == slugs["anti-social-behaviour"]
    assert cats["Possession of weapons"] == slugs["possession-of-weapons"]
    assert sum(cats.values()) == 73_260
    assert not lewisham_offences.report.unknown_categories
    assert not lewisham_offences.report.relabelled  # the API slugs are police.uk's own


def test_lewisham_json_missing_month_reported(lewisham_offences):
    r = lewisham_offences.report
    assert r.missing_months == ("2016-03",)
    assert len(r.months) == 29
    assert any("CSV" in n for n in r.notes)  # ward_identities.csv beside the JSON is ignored
