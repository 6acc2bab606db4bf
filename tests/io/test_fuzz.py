"""Fuzzing the readers: any file content gives data or an InputError, nothing else."""

from __future__ import annotations

import io
import json
import tempfile
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, Polygon

from hotspot.core.errors import InputError
from hotspot.io import (
    FileKind,
    detect_kind,
    read_areas,
    read_indicators,
    read_lookup,
    read_offences,
)
from hotspot.model import AreaLayer, Indicators, Lookup, OffenceData
from hotspot.model.taxonomy import STREET_CSV_COLUMNS

HEADER = list(STREET_CSV_COLUMNS)
GOOD = [
    "abc123",
    "2024-01",
    "Met",
    "Met",
    "-0.020000",
    "51.450000",
    "On or near X",
    "E01003189",
    "Lewisham 034A",
    "Burglary",
    "Under investigation",
    "",
]

FUZZ = settings(
    max_examples=60,
    derandomize=True,  # the same examples on every CI run; explore more by hand with a seed
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _read(content: bytes, name: str, reader=read_offences):
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / name
        p.write_bytes(content)
        try:
            result = reader(p)
        except InputError as exc:
            assert name in str(exc) or "no offence files" in str(exc)
            return None
        assert p.read_bytes() == content  # never modified
        return result


def _check(data):
    if data is None:
        return
    assert isinstance(data, OffenceData)
    r = data.report
    assert r.rows_kept + sum(r.dropped.values()) == r.rows_read
    assert len(data.gdf) == r.rows_kept
    assert data.gdf.crs.to_epsg() == 27700


@FUZZ
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_as_csv(content):
    _check(_read(content, "2024-01-met-street.csv"))


@FUZZ
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_as_json(content):
    _check(_read(content, "api.json"))


@FUZZ
@given(st.binary(max_size=1000))
def test_arbitrary_bytes_as_indicators_and_lookups(content):
    _read(content, "table.csv", read_indicators)
    _read(content, "table.csv", read_lookup)
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "dropped.csv"
        p.write_bytes(content)
        detect_kind(p)  # never raises


field_text = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "0", "0.0", "nan", "inf", "-inf", "1e308", '"', '""', ",", "\n", "\x00"]),
    st.sampled_from(["2024-13", "2024-1", "0000-00", "9999-12", "24-01", "January 2024"]),
    st.sampled_from(["-0.02", "51.45", "537000", "  -0.02 ", "-0,02", "violent-crime"]),
)


@st.composite
def mangled_rows(draw):
    rows = []
    for _ in range(draw(st.integers(0, 8))):
        r = list(GOOD)
        for _ in range(draw(st.integers(0, 4))):
            i = draw(st.integers(0, len(r) - 1))
            r[i] = draw(field_text)
        if draw(st.booleans()):
            r = r[: draw(st.integers(0, len(r)))]
        if draw(st.integers(0, 5)) == 0:
            r.append(draw(field_text))
        rows.append(",".join(r))
    header = list(HEADER)
    if draw(st.integers(0, 4)) == 0:
        header[draw(st.integers(0, len(header) - 1))] = draw(st.text(max_size=8))
    return "\n".join([",".join(header), *rows])


@FUZZ
@given(mangled_rows(), st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
def test_mangled_policeuk_rows(text, encoding):
    content = text.encode(encoding, errors="replace")
    _check(_read(content, "2024-01-met-street.csv"))


# --------------------------------------------------------------------------- every reader

READERS = {
    "offences": read_offences,
    "areas": read_areas,
    "indicators": read_indicators,
    "lookup": read_lookup,
}
RESULT_TYPES = {
    "offences": OffenceData,
    "areas": AreaLayer,
    "indicators": Indicators,
    "lookup": Lookup,
}


def _valid_files() -> dict[str, bytes]:
    """One small valid file of each binary format the readers open."""
    out: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory() as d:
        ward = Polygon([(530000, 180000), (530100, 180000), (530100, 180100), (530000, 180100)])
        wards = gpd.GeoDataFrame(
            {"WD22CD": ["E05000001"], "WD22NM": ["A"]}, geometry=[ward], crs=27700
        )
        points = gpd.GeoDataFrame(
            {"Month": ["2024-01"], "Crime type": ["Robbery"]},
            geometry=[Point(-0.02, 51.45)],
            crs=4326,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wards.to_file(Path(d) / "w.gpkg", driver="GPKG")
            points.to_file(Path(d) / "p.geojson", driver="GeoJSON")
        out["wards.gpkg"] = (Path(d) / "w.gpkg").read_bytes()
        out["points.geojson"] = (Path(d) / "p.geojson").read_bytes()
    book = openpyxl.Workbook()
    book.active.append(["LSOA11CD", "population"])
    book.active.append(["E01000001", 1500])
    buf = io.BytesIO()
    book.save(buf)
    out["pop.xlsx"] = buf.getvalue()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("2024-01/2024-01-met-street.csv", ",".join(HEADER) + "\n" + ",".join(GOOD))
    out["archive.zip"] = buf.getvalue()
    record = {"id": 1, "month": "2024-01", "category": "robbery"}
    record["location"] = {"latitude": "51.45", "longitude": "-0.02", "street": {"name": "X"}}
    out["api.json"] = json.dumps([record]).encode()
    return out


VALID = _valid_files()
POLYGON = '{"type":"Polygon","coordinates":[[[0,0],[1e300,0],[1e300,1e300],[0,0]]]}'
CORRUPT: dict[str, bytes] = {
    **{f"half_{k}": v[: len(v) // 2] for k, v in VALID.items()},
    **{f"head_{k}": v[:100] for k, v in VALID.items()},
    "not_a_zip.zip": b"PK\x03\x04 this is not an archive",
    "empty.zip": b"PK\x05\x06" + b"\x00" * 18,
    "nested.zip": VALID["archive.zip"],  # rewritten below as a zip holding only a zip
    "object.json": b'{"message": "Too many requests"}',
    "number.json": b"42",
    "strings.json": b'["a", "b"]',
    "deep.json": b"[" * 50_000,
    "typed.json": json.dumps(
        [{"id": [1], "month": {"m": 1}, "category": 3, "location": {"latitude": True}}]
    ).encode(),
    "no_features.geojson": b'{"type":"FeatureCollection","features":[]}',
    "no_shapes.geojson": b'{"type":"FeatureCollection","features":[{"type":"Feature",'
    b'"properties":{"WD22CD":"E05000001"},"geometry":null}]}',
    "far_away.geojson": (
        '{"type":"FeatureCollection","features":[{"type":"Feature",'
        f'"properties":{{"WD22CD":"E05000001","Month":"2024-01"}},"geometry":{POLYGON}}}]}}'
    ).encode(),
    "text.xlsx": b"LSOA11CD,population\nE01000001,1500\n",
    "empty.xlsx": b"",
    "old.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
    "junk.gpkg": bytes(range(256)) * 4,
    "junk.shp": b"\x00\x00\x27\x0a" + b"\x00" * 96,
    "junk.fgb": b"fgb\x03" + b"\xff" * 60,
}
_nested = io.BytesIO()
with zipfile.ZipFile(_nested, "w") as _z:
    _z.writestr("inner/2024-01.zip", VALID["archive.zip"])
CORRUPT["nested.zip"] = _nested.getvalue()


def _read_any(content: bytes, name: str) -> None:
    """Every reader gives its result or an InputError naming the file; detect_kind answers."""
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / name
        p.write_bytes(content)
        for kind, reader in READERS.items():
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # GDAL's warnings are not errors
                    result = reader(p)
            except InputError as exc:
                assert p.name in str(exc), (kind, str(exc))
            else:
                assert isinstance(result, RESULT_TYPES[kind])
                if kind == "offences":
                    _check(result)
                if kind == "areas":  # usable shapes in Great Britain, never an empty layer
                    assert result.gdf.crs.to_epsg() == 27700 and len(result.gdf) > 0
                    xmin, ymin, xmax, ymax = result.gdf.total_bounds
                    assert 0 <= xmin <= xmax <= 700_000 and 0 <= ymin <= ymax <= 1_300_000
        assert isinstance(detect_kind(p), FileKind)
        assert p.read_bytes() == content  # never modified


@pytest.mark.parametrize("name", sorted(CORRUPT))
def test_damaged_files_give_data_or_an_input_error_naming_them(name):
    _read_any(CORRUPT[name], name.split("_", 1)[1] if name.startswith(("half_", "head_")) else name)


@pytest.mark.parametrize("name", sorted(VALID))
def test_the_valid_samples_load(name):
    kind = {"gpkg": read_areas, "xlsx": read_indicators}.get(name.rsplit(".", 1)[1], read_offences)
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / name
        p.write_bytes(VALID[name])
        assert kind(p) is not None


@FUZZ
@given(
    st.sampled_from(sorted(VALID)),
    st.integers(0, 10_000),
    st.binary(min_size=1, max_size=16),
    st.booleans(),
)
def test_mutated_binary_files(name, at, junk, truncate):
    data = VALID[name]
    at %= len(data)
    mutated = data[:at] if truncate else data[:at] + junk + data[at + len(junk) :]
    _read_any(mutated, name)
