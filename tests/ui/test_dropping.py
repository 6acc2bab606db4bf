"""Dropped files: the kind is detected, or the user is asked among the possible kinds."""

from __future__ import annotations

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
