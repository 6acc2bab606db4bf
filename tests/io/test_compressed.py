"""Compressed inputs read as their uncompressed forms, as streams, with the same account of
every row: ``.csv.gz``, ``.csv.bz2``, ``.csv.xz``, zips of CSVs (and of compressed CSVs),
generated here and made from the real City of London folder."""

from __future__ import annotations

import bz2
import gzip
import lzma
import tracemalloc
import zipfile

import numpy as np
import pandas as pd
import pytest

from hotspot.io import read_offences

HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
    "LSOA name,Crime type,Last outcome category,Context"
)
FORCE = "Metropolitan Police Service,Metropolitan Police Service"
COMPRESS = {".gz": gzip.compress, ".bz2": bz2.compress, ".xz": lzma.compress}


def _rows(n: int, seed: int = 3) -> list[str]:
    """police.uk rows with every kind of row the report counts: no coordinates, a bad month,
    repeated Crime IDs, anti-social behaviour without an ID, shared map points."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        cid = "" if i % 7 == 0 else f"{rng.integers(0, n // 2):064x}"
        month = "2024-13" if i % 97 == 0 else f"2024-{1 + i % 12:02d}"
        lon, lat = ("", "") if i % 23 == 0 else (f"{-0.1 + (i % 50) * 1e-3:.6f}", "51.450000")
        cat = "Anti-social behaviour" if cid == "" else ("Burglary", "Drugs", "Robbery")[i % 3]
        out.append(
            f"{cid},{month},{FORCE},{lon},{lat},On or near Street {i % 40},E01003189,"
            f"Lewisham 034A,{cat},Under investigation,"
        )
    return out


def _same(a, b) -> None:
    """Identical row accounting and rows; only the file labels differ (their suffix)."""
    ra, rb = a.report, b.report
    assert (ra.rows_read, ra.rows_kept, dict(ra.dropped)) == (
        rb.rows_read,
        rb.rows_kept,
        dict(rb.dropped),
    )
    assert (ra.months, ra.categories, ra.shared_locations) == (
        rb.months,
        rb.categories,
        rb.shared_locations,
    )
    cols = [c for c in a.gdf.columns if c != "source_file"]
    pd.testing.assert_frame_equal(
        pd.DataFrame(a.gdf[cols]).reset_index(drop=True),
        pd.DataFrame(b.gdf[cols]).reset_index(drop=True),
    )


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz"])
def test_a_compressed_csv_reads_as_its_uncompressed_form(tmp_path, suffix):
    text = ("\n".join([HEADER, *_rows(3000)]) + "\n").encode()
    plain = tmp_path / "2024-12-metropolitan-street.csv"
    plain.write_bytes(text)
    packed = tmp_path / "packed" / f"2024-12-metropolitan-street.csv{suffix}"
    packed.parent.mkdir()
    packed.write_bytes(COMPRESS[suffix](text))
    want = read_offences(plain)
    assert want.report.dropped  # the file exercises every reason
    for source in (packed, packed.parent):  # the file itself, and a folder holding it
        got = read_offences(source)
        _same(got, want)
        assert got.report.files[-1].endswith(f"-street.csv{suffix}")


def test_a_zip_of_compressed_csvs_reads_like_the_plain_files(tmp_path):
    months = {m: _rows(400, seed=m) for m in (1, 2, 3)}
    folder = tmp_path / "plain"
    archive = tmp_path / "force.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for m, rows in months.items():
            name = f"2024-{m:02d}/2024-{m:02d}-metropolitan-street.csv"
            text = ("\n".join([HEADER, *rows]) + "\n").encode()
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(text)
            z.writestr(name + ".xz", lzma.compress(text))
    _same(read_offences(archive), read_offences(folder))


def test_a_file_named_gz_that_is_not_gzip_is_named_in_the_error(tmp_path):
    bad = tmp_path / "2024-01-metropolitan-street.csv.gz"
    bad.write_bytes(b"Crime ID,Month\n")
    with pytest.raises(Exception, match=r"2024-01-metropolitan-street\.csv\.gz") as info:
        read_offences(bad)
    assert type(info.value).__name__ == "InputError"


@pytest.mark.realdata
def test_the_real_city_of_london_folder_gzipped_and_zipped(col_folder, col_offences, tmp_path):
    gz = tmp_path / "gz" / "city-of-london-street-csv"
    archive = tmp_path / "city-of-london.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(col_folder.rglob("*.csv")):
            rel = f.relative_to(col_folder).as_posix()
            target = gz / (rel + ".gz")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(gzip.compress(f.read_bytes()))
            z.write(f, rel)
    for source in (gz, archive):
        got = read_offences(source)
        _same(got, col_offences)
        assert len(got.report.files) == 36


def test_a_zip_member_is_streamed_not_read_whole(tmp_path):
    """Python-side memory while reading a zipped CSV stays within 1.5 times that of the
    same CSV unzipped (the member is never held whole in memory)."""
    rows = _rows(60_000)
    text = ("\n".join([HEADER, *rows]) + "\n").encode()
    plain = tmp_path / "2024-12-metropolitan-street.csv"
    plain.write_bytes(text)
    archive = tmp_path / "archive.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(plain, "2024-12/2024-12-metropolitan-street.csv")
    peaks = {}
    for name, source in (("plain", plain), ("zip", archive)):
        read_offences(source)  # warm up imports and caches
        tracemalloc.start()
        data = read_offences(source)
        peaks[name] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert data.report.rows_read == len(rows)
    assert peaks["zip"] <= 1.5 * peaks["plain"] + 2_000_000, peaks
    assert peaks["zip"] < len(text)  # never the member whole
