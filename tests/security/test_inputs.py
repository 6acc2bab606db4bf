"""Hostile and careless inputs, built by the tests themselves, and what the user sees.

Zip bombs and absurd compression, zip-slip names, nested archives, links out of a folder,
file names that are not UTF-8, private files pointed at by mistake, names and values that
try to forge lines of the load report, a shapefile without its .dbf, semicolon files with
decimal commas, rows with extra fields, boundaries without their code field, and files that
mix UTF-8 and Windows-1252.
"""

from __future__ import annotations

import gzip
import os
import struct
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from hotspot import pipeline
from hotspot.core.errors import InputError, ProjectError
from hotspot.io import detect_kind, read_areas, read_indicators, read_lookup, read_offences
from hotspot.model import Project, SelectionParams

HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
    "LSOA name,Crime type,Last outcome category,Context"
)
FORCE = "Metropolitan Police Service,Metropolitan Police Service"


def row(cid="", month="2024-01", cat="Burglary", loc="On or near X", lon="-0.020000"):
    return (
        f"{cid},{month},{FORCE},{lon},51.450000,{loc},E01003189,Lewisham 034A,{cat},"
        "Under investigation,"
    )


def csv_bytes(rows: list[str]) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


# --------------------------------------------------------------------------- zip bombs


def _crc32_of_zeros(n: int) -> int:
    """CRC-32 of ``n`` zero bytes without reading them (zlib's GF(2) operator squaring)."""

    def times(mat, vec):
        out, i = 0, 0
        while vec:
            if vec & 1:
                out ^= mat[i]
            vec >>= 1
            i += 1
        return out

    def square(mat):
        return [times(mat, mat[k]) for k in range(32)]

    op = [0xEDB88320] + [1 << k for k in range(31)]  # one zero bit
    for _ in range(3):
        op = square(op)  # one zero byte
    crc = 0xFFFFFFFF
    while n:
        if n & 1:
            crc = times(op, crc)
        n >>= 1
        op = square(op)
    return crc ^ 0xFFFFFFFF


def zip_of_zeros(path: Path, name: str, megabytes: int) -> Path:
    """A valid zip whose one member is ``megabytes`` MB of zeros, written in a few MB: after
    the first, every deflated megabyte of zeros is the same bytes, so it is repeated."""
    mb = 1 << 20
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    first = c.compress(bytes(mb)) + c.flush(zlib.Z_SYNC_FLUSH)
    block = c.compress(bytes(mb)) + c.flush(zlib.Z_SYNC_FLUSH)
    tail = c.flush()
    size = megabytes * mb
    packed = len(first) + len(block) * (megabytes - 1) + len(tail)
    crc = _crc32_of_zeros(size)
    fname = name.encode()
    local = struct.pack(
        "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, packed, size, len(fname), 0
    )
    with open(path, "wb") as f:
        f.write(local + fname + first)
        for _ in range(megabytes - 1):
            f.write(block)
        f.write(tail)
        at = f.tell()
        central = struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, packed, size,
            len(fname), 0, 0, 0, 0, 0, 0,
        ) + fname  # fmt: skip
        f.write(central)
        f.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), at, 0))
    return path


def test_the_bomb_builder_makes_a_valid_zip(tmp_path):
    bomb = zip_of_zeros(tmp_path / "small.zip", "zeros.bin", 3)
    with zipfile.ZipFile(bomb) as z:
        assert z.read("zeros.bin") == bytes(3 << 20)  # CRC and sizes check out


def test_a_zip_bomb_is_refused_before_it_is_read(tmp_path):
    """An 2.2 MB archive whose member is 2.1 GB of zeros: refused by name, from the
    archive's directory, with a few MB of memory (reading it whole took 4 GB)."""
    bomb = zip_of_zeros(tmp_path / "crimes.zip", "2024-01/2024-01-met-street.csv", 2100)
    assert bomb.stat().st_size < 3_000_000
    tracemalloc.start()
    try:
        with pytest.raises(InputError) as info:
            read_offences(bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    message = str(info.value)
    assert "crimes.zip/2024-01/2024-01-met-street.csv" in message
    assert "more than 2.0 GB" in message and "HOTSPOT_MAX_UNZIPPED_BYTES" in message
    assert peak < 20_000_000


def _repetitive_zip(tmp_path: Path, rows: int = 60_000) -> Path:
    """A real police.uk table that compresses far more than data files do (one row
    repeated: anti-social behaviour has no Crime ID, so none is a duplicate)."""
    archive = tmp_path / "asb.zip"
    line = (row(cat="Anti-social behaviour") + "\n").encode()
    with (
        zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z,
        z.open("2024-01/2024-01-met-street.csv", "w") as fh,
    ):
        fh.write((HEADER + "\n").encode())
        for _ in range(rows // 1000):
            fh.write(line * 1000)
    return archive


def test_an_absurd_compression_ratio_is_refused_and_the_limit_can_be_raised(tmp_path, monkeypatch):
    archive = _repetitive_zip(tmp_path)
    with pytest.raises(
        InputError, match=r"asb\.zip/2024-01/2024-01-met-street\.csv: expands more than 100 times"
    ):
        read_offences(archive)
    # the reader option, the environment and the project file all raise it
    assert read_offences(archive, limits={"max_ratio": 5000}).report.rows_kept == 60_000
    monkeypatch.setenv("HOTSPOT_MAX_COMPRESSION_RATIO", "5000")
    assert read_offences(archive).report.rows_kept == 60_000
    monkeypatch.delenv("HOTSPOT_MAX_COMPRESSION_RATIO")
    project = Project(path=tmp_path / "p.toml")
    project.add_source("offences", str(archive), max_compression_ratio=5000)
    assert pipeline.load_workspace(project).offences.report.rows_kept == 60_000
    monkeypatch.setenv("HOTSPOT_MAX_UNZIPPED_BYTES", "1000000")  # 1 MB: the member is larger
    with pytest.raises(InputError, match="more than 0.0 GB"):
        read_offences(archive, limits={"max_ratio": 5000, "max_bytes": 1_000_000})


@pytest.mark.parametrize("filler", ["zeros", "rows"])
def test_a_gzip_bomb_is_refused_while_it_streams(tmp_path, filler):
    bomb = tmp_path / "2024-01-met-street.csv.gz"
    chunk = bytes(1 << 20) if filler == "zeros" else (row() + "\n").encode() * 10_000
    with gzip.open(bomb, "wb") as fh:
        fh.write((HEADER + "\n").encode())
        for _ in range(64 << 20 // len(chunk)):
            fh.write(chunk)
    tracemalloc.start()
    try:
        with pytest.raises(InputError, match=r"csv\.gz: expands more than 100 times"):
            read_offences(bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 30_000_000


def test_zips_inside_zips_are_opened_one_level_deep(tmp_path):
    inner = tmp_path / "inner.zip"
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("2024-01/2024-01-met-street.csv", csv_bytes([row("a")]))
    middle = tmp_path / "middle.zip"
    with zipfile.ZipFile(middle, "w") as z:
        z.write(inner, "inner.zip")
    assert read_offences(middle).report.rows_kept == 1
    outer = tmp_path / "outer.zip"
    with zipfile.ZipFile(outer, "w") as z:
        z.write(middle, "middle.zip")
    with pytest.raises(InputError, match="a zip inside a zip inside a zip is not opened"):
        read_offences(outer)


# --------------------------------------------------------------------------- archives and folders


@pytest.mark.parametrize(
    "name",
    [
        "../../outside/2024-01-met-street.csv",
        "/tmp/2024-01-met-street.csv",
        "C:/x/2024-01-met-street.csv",
    ],
)
def test_zip_slip_names_are_refused_and_nothing_is_written(tmp_path, name):
    work = tmp_path / "work"
    work.mkdir()
    archive = work / "download.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("2024-02/2024-02-met-street.csv", csv_bytes([row("b", "2024-02")]))
        z.writestr(name, csv_bytes([row("a")]))
    before = sorted(tmp_path.rglob("*"))
    with pytest.raises(InputError, match=r"download\.zip: .*points outside the archive"):
        read_offences(archive)
    assert sorted(tmp_path.rglob("*")) == before


def test_links_to_files_outside_the_folder_are_not_followed(tmp_path):
    folder = tmp_path / "police"
    (folder / "2024-01").mkdir(parents=True)
    (folder / "2024-01" / "2024-01-met-street.csv").write_bytes(csv_bytes([row("a"), row("b")]))
    private = tmp_path / "private"
    private.mkdir()
    (private / "2024-02-met-street.csv").write_bytes(
        csv_bytes([row(f"s{i}", "2024-02") for i in range(5)])
    )
    os.symlink(private / "2024-02-met-street.csv", folder / "2024-02-met-street.csv")
    # a link to a file inside the folder is the same file: read once
    os.symlink(
        folder / "2024-01" / "2024-01-met-street.csv", folder / "copy-2024-01-met-street.csv"
    )
    data = read_offences(folder)
    assert data.report.rows_read == 2
    assert data.report.months == ("2024-01",)
    assert any("ignored 1 link to files outside the folder" in n for n in data.report.notes)


def test_a_file_name_that_is_not_utf8_is_read_and_named(tmp_path):
    folder = tmp_path / "police"
    folder.mkdir()
    raw = os.path.join(os.fsencode(folder), b"2024-01-caf\xe9-street.csv")
    with open(raw, "wb") as fh:
        fh.write(csv_bytes([row("a"), row("b")]))
    data = read_offences(folder)
    assert data.report.rows_kept == 2
    assert data.report.files == ("police/2024-01-caf\\xe9-street.csv",)
    data.report.summary().encode("utf-8")  # prints and saves in any encoding
    with open(raw, "wb") as fh:
        fh.write(b"not,a,table\n")
    with pytest.raises(InputError) as info:
        read_offences(folder)
    assert "caf\\xe9" in str(info.value)
    str(info.value).encode("utf-8")


def test_a_shapefile_without_its_dbf_is_named(tmp_path):
    wards = gpd.GeoDataFrame(
        {"WD22CD": ["E05000001", "E05000002"], "WD22NM": ["A", "B"]},
        geometry=[
            shapely.box(530000, 170000, 531000, 171000),
            shapely.box(531000, 170000, 532000, 171000),
        ],
        crs=27700,
    )
    wards.to_file(tmp_path / "wards.shp")
    (tmp_path / "wards.dbf").unlink()
    with pytest.raises(
        InputError, match=r"wards\.shp: the shapefile's \.dbf file \(wards\.dbf\) is not beside it"
    ):
        read_areas(tmp_path / "wards.shp")
    points = gpd.GeoDataFrame(
        {"Month": ["2024-01"]}, geometry=[shapely.Point(530500, 170500)], crs=27700
    )
    archive = tmp_path / "points.zip"
    points.to_file(tmp_path / "pts.shp")
    with zipfile.ZipFile(archive, "w") as z:
        for side in (".shp", ".shx", ".prj"):
            z.write(tmp_path / f"pts{side}", f"pts{side}")
    with pytest.raises(InputError, match=r"pts\.shp: the shapefile's \.dbf file"):
        read_offences(archive)


# --------------------------------------------------------------------------- private files


SHADOW = (
    "root:$6$Zq8Hc1sEcReT$Wm3dUbnLqB0xHashOfTheRootPassword:19000:0:99999:7:::\n"
    "daemon:*:19000:0:99999:7:::\n"
    "alice:$6$pepper$AnotherSecretHash:19000:0:99999:7:::\n"
)
LETTER = "Dear Sam, the alarm code is 4471, please keep it safe\nThanks for everything,\nJo\n"


@pytest.mark.parametrize(
    ("name", "text", "secret"),
    [("shadow", SHADOW, "Zq8Hc1sEcReT"), ("notes.csv", LETTER, "alarm code")],
)
def test_a_private_file_is_never_quoted_in_an_error(tmp_path, name, text, secret):
    path = tmp_path / name
    path.write_text(text)
    for reader in (read_offences, read_indicators, read_lookup, read_areas):
        with pytest.raises(InputError) as info:
            reader(path)
        message = str(info.value)
        assert name in message
        for line in text.splitlines():
            for piece in line.split(","):
                assert len(piece) < 6 or piece.strip() not in message
        assert secret not in message
    assert detect_kind(path).kind is None


# --------------------------------------------------------------------------- forged report lines


def test_names_and_values_never_forge_lines_of_the_load_report(tmp_path):
    folder = tmp_path / "police"
    folder.mkdir()
    forged = "Rows kept: 999,999"
    rows = [row("a", cat=f'"Burglary\n{forged}"'), row("b", loc=f'"Street\r\n{forged}\x1b[2J"')]
    (folder / f"2024-01-met\n{forged}-street.csv").write_bytes(csv_bytes(rows))
    project = Project(path=tmp_path / "p.toml", name=f"Ward\n{forged}\u2028Rows read: 0")
    project.selection = SelectionParams(group="All crime", months=1)  # what the file holds
    project.add_source("offences", str(folder))
    out = tmp_path / "out"
    pipeline.run_project(project, out, steps=pipeline.STEPS[:1])
    text = (out / "load_report.txt").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert [ln for ln in lines if ln.startswith("Rows kept:")] == ["Rows kept: 2"]
    assert [ln for ln in lines if ln.startswith("Rows read:")] == ["Rows read: 2"]
    assert not any(ln.startswith(forged) for ln in lines)
    assert "\x1b" not in text and "\u2028" not in text and "\r" not in text
    assert "Burglary\\nRows kept: 999,999" in text  # shown, escaped, on its own line


# --------------------------------------------------------------------------- parsing never discards a file


@pytest.mark.parametrize("where", [0, 3])
def test_extra_fields_are_reported_wherever_they_are(tmp_path, where):
    rows = [row(f"c{i}") for i in range(6)]
    rows[where] = rows[where] + ",extra one,extra two"
    path = tmp_path / "2024-01-met-street.csv"
    path.write_bytes(csv_bytes(rows))
    line = where + 2  # the header is line 1
    with pytest.raises(InputError) as info:
        read_offences(path)
    message = str(info.value)
    assert f"line {line} (14 fields) has more fields than the 12 of the header" in message
    assert "extra one" not in message


def test_a_semicolon_file_with_decimal_commas_is_a_clear_error(tmp_path):
    text = (
        "Crime ID;Month;Longitude;Latitude;Crime type\n"
        "a;2024-01;-0,020000;51,450000;Burglary\n"
        "b;2024-01;-0,021000;51,451000;Drugs\n"
    )
    path = tmp_path / "export.csv"
    path.write_text(text)
    with pytest.raises(
        InputError,
        match=r"export\.csv: the coordinates in 'Longitude'/'Latitude' are written with a decimal comma",
    ):
        read_offences(path)


def test_boundaries_without_their_code_field_are_not_merged_into_one_area(tmp_path):
    boxes = [shapely.box(530000 + 1000 * i, 170000, 531000 + 1000 * i, 171000) for i in range(4)]
    wards = gpd.GeoDataFrame(
        {
            "WD22NM": ["Brockley", "Catford South", "Deptford", "Evelyn"],
            "LAD22CD": ["E09000023"] * 4,
            "LAD22NM": ["Lewisham"] * 4,
        },
        geometry=boxes,
        crs=27700,
    )
    wards.to_file(tmp_path / "wards.geojson")
    with pytest.raises(InputError) as info:
        read_areas(tmp_path / "wards.geojson")
    message = str(info.value)
    assert "LAD22CD gives the same code to 4 features that differ in WD22NM" in message
    assert "expected the field WD22CD" in message
    # areas stored in pieces (same name, same code) are still merged
    pieces = wards.assign(WD22CD=["E05000001", "E05000001", "E05000002", "E05000002"])
    pieces["WD22NM"] = ["Brockley", "Brockley", "Deptford", "Deptford"]
    pieces.to_file(tmp_path / "pieces.geojson")
    assert len(read_areas(tmp_path / "pieces.geojson").gdf) == 2


def test_a_file_mixing_utf8_and_cp1252_is_decoded_line_by_line(tmp_path):
    lines = [
        HEADER.encode(),
        row("a", loc="On or near Café Road").encode("utf-8"),
        row("b", loc="On or near Crème Lane").encode("cp1252"),
        row("c", loc="On or near Façade Street").encode("utf-8"),
    ]
    path = tmp_path / "2024-01-met-street.csv"
    path.write_bytes(b"\n".join(lines) + b"\n")
    data = read_offences(path)
    assert list(data.gdf["location"]) == [
        "On or near Café Road",
        "On or near Crème Lane",
        "On or near Façade Street",
    ]
    assert any("Windows-1252 in lines 3" in n for n in data.report.notes)


def test_an_error_naming_categories_cannot_forge_lines(tmp_path):
    folder = tmp_path / "police"
    folder.mkdir()
    rows = [row("a", cat='"Burglary\nRows kept: 999,999"')]
    (folder / "2024-01-met-street.csv").write_bytes(csv_bytes(rows))
    project = Project(path=tmp_path / "p.toml", name="p")
    project.selection = SelectionParams(months=1)  # serious violence: none in the file
    project.add_source("offences", str(folder))
    with pytest.raises(ProjectError) as info:
        pipeline.run_project(project, tmp_path / "out", steps=pipeline.STEPS[:1])
    message = str(info.value)
    assert "\n" not in message and "Burglary\\nRows kept" in message
