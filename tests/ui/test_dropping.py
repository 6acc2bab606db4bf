"""Dropped files: the kind is detected, or the user is asked among the possible kinds."""

from __future__ import annotations

import pytest

from hotspot.ui import dropping


def test_a_recognised_file_is_not_asked_about(tmp_path, monkeypatch):
    path = tmp_path / "pop.csv"
    path.write_text("LSOA21CD,Persons_All-Ages\nE01000001,1500\n", encoding="utf-8")
    monkeypatch.setattr(dropping, "ask_kind", lambda *a: (_ for _ in ()).throw(AssertionError))
    kind, detail = dropping.classify(path)
    assert (kind, detail) == ("indicators", "population")
    assert dropping.source_options(kind, detail) == {"indicator": "population"}


def test_an_ambiguous_file_asks_among_the_possible_kinds(tmp_path, monkeypatch):
    path = tmp_path / "mystery.csv"
    path.write_text("LSOA21CD,value\nE01000001,3\n", encoding="utf-8")
    asked = {}

    def ask(p, candidates, parent=None):
        asked["candidates"] = candidates
        return "indicators"

    monkeypatch.setattr(dropping, "ask_kind", ask)
    assert dropping.classify(path) == ("indicators", None)
    assert set(asked["candidates"]) == {"indicators", "lookup"}


def test_declining_to_choose_adds_nothing(tmp_path, monkeypatch):
    path = tmp_path / "mystery.csv"
    path.write_text("LSOA21CD,value\nE01000001,3\n", encoding="utf-8")
    monkeypatch.setattr(dropping, "ask_kind", lambda *a, **k: None)
    assert dropping.classify(path) is None


def test_area_options_follow_the_detected_level():
    assert dropping.source_options("areas", "ward") == {"level": "ward", "role": "wards"}
    assert dropping.source_options("areas", "other") == {"level": "other"}
    assert dropping.source_options("lookup", "lsoa_ward") == {}


@pytest.mark.realdata
def test_every_kind_of_real_file_lands_in_its_role(shared_data, monkeypatch):
    """Each downloaded file the data README lists is recognised, without asking, as what it is."""
    expected = {
        "police-uk/city-of-london-street-csv": ("offences", {}),
        "police-uk/city-of-london-street-csv/2015-01/2015-01-city-of-london-street.csv": (
            "offences",
            {},
        ),
        "police-uk/lewisham-api-json": ("offences", {}),
        "boundaries/lewisham_wards_2022.geojson": ("areas", {"level": "ward", "role": "wards"}),
        "boundaries/lewisham_wards_2022_bng_shp/wards_2022.shp": (
            "areas",
            {"level": "ward", "role": "wards"},
        ),
        "boundaries/lewisham_wards_2022_bng.gpkg": ("areas", {"level": "ward", "role": "wards"}),
        "boundaries/lewisham_lsoa_2011.geojson": ("areas", {"level": "lsoa", "role": "lsoas"}),
        "boundaries/lewisham_lsoa_2021.geojson": ("areas", {"level": "lsoa", "role": "lsoas"}),
        "boundaries/lewisham_borough_bng.geojson": ("areas", {"level": "other"}),
        "context/imd2019_london_lsoa11.xlsx": ("indicators", {"indicator": "imd"}),
        "context/samhi_london_lsoa21.csv": ("indicators", {"indicator": "samhi"}),
        "context/population_london_lsoa11_mid2019.csv": (
            "indicators",
            {"indicator": "population"},
        ),
        "context/lookup_lsoa11_lsoa21_lad22_ew.csv": ("lookup", {}),
        "context/lookup_lsoa21_ward23_lad23_ew.csv": ("lookup", {}),
        "context/lookup_lewisham_lsoa11_ward22.csv": ("lookup", {}),
    }
    monkeypatch.setattr(dropping, "ask_kind", lambda *a, **k: pytest.fail("asked about a file"))
    for name, (kind, options) in expected.items():
        found_kind, detail = dropping.classify(shared_data / name)
        assert (found_kind, dropping.source_options(found_kind, detail)) == (kind, options), name
    # a table Hotspot cannot place is asked about, among every kind
    asked = []
    monkeypatch.setattr(dropping, "ask_kind", lambda p, c, parent=None: asked.append(c) or None)
    ward_names = shared_data / "police-uk" / "lewisham-api-json" / "ward_identities.csv"
    assert dropping.classify(ward_names) is None
    assert set(asked[0]) == set(dropping.KIND_LABELS)
