"""read_lookup on the ONS and council lookups."""

from __future__ import annotations

import csv
from collections import Counter

import pytest

from hotspot.core.errors import InputError
from hotspot.io import read_lookup


def _rows(path):
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.realdata
def test_lsoa11_to_lsoa21(context):
    path = context / "lookup_lsoa11_lsoa21_lad22_ew.csv"
    assert path.read_bytes()[:3] == b"\xef\xbb\xbf"  # the real file starts with a BOM
    lk = read_lookup(path)
    raw = _rows(path)
    assert lk.kind == "lsoa11_lsoa21" and len(lk.table) == len(raw)
    assert list(lk.table.columns[:3]) == ["lsoa11_code", "lsoa21_code", "change"]
    assert dict(Counter(lk.table["change"])) == dict(Counter(r["CHGIND"] for r in raw))
    assert set(lk.table["change"]) == {"U", "S", "M", "X"}
    split = lk.table[lk.table["change"] == "S"]
    assert split["lsoa11_code"].duplicated().any()  # a split 2011 LSOA has several rows


@pytest.mark.realdata
def test_lsoa21_to_ward23(context):
    path = context / "lookup_lsoa21_ward23_lad23_ew.csv"
    lk = read_lookup(path)
    raw = _rows(path)
    assert (lk.kind, lk.lsoa_vintage, lk.ward_vintage) == ("lsoa_ward", 2021, 2023)
    assert len(lk.table) == len(raw)
    first = lk.table.iloc[0]
    assert (first["lsoa_code"], first["ward_code"], first["ward_name"]) == (
        raw[0]["LSOA21CD"],
        raw[0]["WD23CD"],
        raw[0]["WD23NM"],
    )


@pytest.mark.realdata
def test_council_lsoa11_to_ward22(context):
    path = context / "lookup_lewisham_lsoa11_ward22.csv"
    lk = read_lookup(path)
    raw = _rows(path)
    assert (lk.kind, lk.lsoa_vintage, lk.ward_vintage) == ("lsoa_ward", 2011, 2022)
    assert len(lk.table) == len(raw) == 169
    assert lk.table["ward_code"].nunique() == 19
    expected = {r["LSOA11CD"]: r["WD22NM_proposed"] for r in raw}
    assert dict(zip(lk.table["lsoa_code"], lk.table["ward_name"], strict=True)) == expected


def test_not_a_lookup(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("a,b\n1,2\n")
    with pytest.raises(InputError, match=r"x\.csv: not a lookup"):
        read_lookup(p)


def test_small_lookup_without_names(tmp_path):
    p = tmp_path / "lk.csv"
    p.write_text("LSOA11CD,WD19CD\nE01000001,E05000001\nE01000002,\n")
    lk = read_lookup(p)
    assert (lk.lsoa_vintage, lk.ward_vintage) == (2011, 2019)
    assert list(lk.table["ward_name"]) == ["E05000001"]
    assert any("empty code" in n for n in lk.notes)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_lookup_encodings_seen_in_the_wild(tmp_path, encoding):
    # Welsh and accented names survive whatever Excel saved the file as
    p = tmp_path / "lookup.csv"
    text = (
        "LSOA21CD,LSOA21NM,WD23CD,WD23NM\r\n"
        "W01000001,Ynys Môn 001A,W05000001,Aberffraw\r\n"
        "E01000001,City of London 001A,E05009288,Café Quarter\r\n"
    )
    p.write_bytes(text.encode(encoding))
    lk = read_lookup(p)
    assert (lk.kind, lk.lsoa_vintage, lk.ward_vintage) == ("lsoa_ward", 2021, 2023)
    assert list(lk.table["lsoa_code"]) == ["W01000001", "E01000001"]
    assert list(lk.table["ward_name"]) == ["Aberffraw", "Café Quarter"]
    assert list(lk.table["lsoa_name"]) == ["Ynys Môn 001A", "City of London 001A"]
