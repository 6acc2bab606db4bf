"""Fuzzing the readers: any file content gives data or an InputError, nothing else."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotspot.errors import InputError
from hotspot.io import detect_kind, read_indicators, read_lookup, read_offences
from hotspot.model import OffenceData
from hotspot.taxonomy import STREET_CSV_COLUMNS

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
