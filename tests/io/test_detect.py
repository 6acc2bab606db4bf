"""detect_kind: what a dropped file is, from its headers."""

from __future__ import annotations

import json

import pytest

from hotspot.io import FileKind, detect_kind


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("relpath", "kind", "detail"),
    [
        ("police-uk/city-of-london-street-csv", "offences", "policeuk_csv"),
        (
            "police-uk/city-of-london-street-csv/2015-01/2015-01-city-of-london-street.csv",
            "offences",
            "policeuk_csv",
        ),
        ("police-uk/lewisham-api-json", "offences", "policeuk_api"),
        ("boundaries/lewisham_wards_2022.geojson", "areas", "ward"),
        ("boundaries/lewisham_wards_2022_bng.gpkg", "areas", "ward"),
        ("boundaries/lewisham_lsoa_2021.geojson", "areas", "lsoa"),
        ("boundaries/london_lsoa_2011_bng_shp/london-2011-lsoa-gen20.shp", "areas", "lsoa"),
        ("boundaries/london_boroughs.gpkg", "areas", "other"),
        ("boundaries/lewisham_borough_bng.geojson", "areas", "other"),  # one polygon, ward fields
        ("context/imd2019_london_lsoa11.xlsx", "indicators", "imd"),
        ("context/imd2019_lewisham_lsoa11_ranks.csv", "indicators", "imd"),
        ("context/samhi_london_lsoa21.csv", "indicators", "samhi"),
        ("context/samhi_lincolnshire_lsoa_official_wide_layout.csv", "indicators", "samhi"),
        ("context/population_london_lsoa11_mid2019.csv", "indicators", "population"),
        ("context/lookup_lsoa11_lsoa21_lad22_ew.csv", "lookup", "lsoa11_lsoa21"),
        ("context/lookup_lsoa21_ward23_lad23_ew.csv", "lookup", "lsoa_ward"),
        ("context/lookup_lewisham_lsoa11_ward22.csv", "lookup", "lsoa_ward"),
    ],
)
def test_real_files(shared_data, relpath, kind, detail):
    k = detect_kind(shared_data / relpath)
    assert (k.kind, k.detail) == (kind, detail)
    assert k.candidates[0] == kind


@pytest.mark.realdata
def test_ranks_file_could_also_be_a_lookup(context):
    k = detect_kind(context / "imd2019_lewisham_lsoa11_ranks.csv")
    assert k.candidates == ("indicators", "lookup")


def test_ambiguous_and_unknown(tmp_path):
    p = tmp_path / "mystery.csv"
    p.write_text("LSOA11CD,value\nE01000001,3\n")
    assert detect_kind(p) == FileKind(None, None, ("indicators", "lookup"))
    q = tmp_path / "notes.txt"
    q.write_bytes(b"\x00\x01binary")
    assert detect_kind(q) == FileKind(None, None, ())
    assert detect_kind(tmp_path / "missing.csv").kind is None


def test_points_csv_and_api_json(tmp_path):
    p = tmp_path / "mine.csv"
    p.write_text("Easting,Northing,Date,Offence\n537000,172000,2024-01-01,Drugs\n")
    assert detect_kind(p) == FileKind("offences", "points", ("offences",))
    j = tmp_path / "crimes.json"
    j.write_text(json.dumps([{"id": 1}]))
    assert detect_kind(j).detail == "policeuk_api"


def test_reads_only_the_header(tmp_path):
    # a huge file whose first line says what it is answers at once: only the head is read
    p = tmp_path / "2024-01-met-street.csv"
    with open(p, "w") as fh:
        fh.write("Crime ID,Month,Longitude,Latitude,Crime type\n")
        fh.write("x,2024-01,-0.02,51.45,Robbery\n" * 200_000)
    assert detect_kind(p).kind == "offences"


def test_police_archive_zip(tmp_path):
    import zipfile

    p = tmp_path / "2024-01.zip"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("2024-01/2024-01-metropolitan-street.csv", "Crime ID,Month\n")
    assert detect_kind(p) == FileKind("offences", "policeuk_csv", ("offences",))
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"PK not really")
    assert detect_kind(bad).kind is None
