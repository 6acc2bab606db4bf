"""Safety of every file Hotspot exports: GeoPackage, GeoTIFF, CSV, PNG/PDF/SVG, HTML, briefing.

For each writer: an existing file is refused without ``overwrite``; a failure at any
point (here: while the file is being written, and at the final rename) leaves no file
and no temporary file behind, and leaves an existing file exactly as it was. What the
system refuses (a full disk, a locked file) comes back as an ExportError naming the file.
"""

from __future__ import annotations

import os

import pytest

from hotspot import export
from hotspot.core import atomic
from hotspot.core.errors import ExportError
from hotspot.maps import layers as L
from hotspot.maps import print_page, print_save, web, web_html
from hotspot.maps.briefing import Briefing, write_briefing

OLD = b"the analyst's previous file"


@pytest.fixture(scope="module")
def writers(density, gistar, stats, wards):
    """name -> write(path, overwrite)."""
    fig = print_page.print_map([L.AreaBoundaries(wards)], title="Safety")
    m = web.build_map([L.AreaBoundaries(wards)])
    pack = Briefing(title="Safety", wards=wards)  # cover and methods: quick to draw
    return {
        "results.gpkg": lambda p, o: export.export_geopackage(
            p, gistar=gistar, rates=stats, overwrite=o
        ),
        "kde.tif": lambda p, o: export.write_geotiff(density, p, overwrite=o),
        "rates.csv": lambda p, o: export.write_csv(stats.table, p, overwrite=o),
        "map.png": lambda p, o: print_save.save_figure(fig, p, overwrite=o, dpi=50),
        "map.pdf": lambda p, o: print_save.save_figure(fig, p, overwrite=o),
        "map.svg": lambda p, o: print_save.save_figure(fig, p, overwrite=o),
        "map.html": lambda p, o: web_html.write_html(m, p, overwrite=o),
        "briefing.pdf": lambda p, o: write_briefing(p, pack, overwrite=o),
    }


NAMES = [
    "results.gpkg",
    "kde.tif",
    "rates.csv",
    "map.png",
    "map.pdf",
    "map.svg",
    "map.html",
    "briefing.pdf",
]


@pytest.mark.parametrize("name", NAMES)
def test_existing_file_is_kept_without_overwrite(writers, tmp_path, name):
    target = tmp_path / name
    target.write_bytes(OLD)
    with pytest.raises(ExportError, match="already exists"):
        writers[name](target, False)
    assert target.read_bytes() == OLD
    assert [p.name for p in tmp_path.iterdir()] == [name]
    writers[name](target, True)  # replaced when the user confirms
    assert target.read_bytes() != OLD and target.stat().st_size > 100


@pytest.mark.parametrize("name", NAMES)
def test_failure_at_the_rename_leaves_nothing_new(writers, tmp_path, monkeypatch, name):
    """The temporary file is complete, then the rename fails (disk full, file locked)."""
    seen = []

    def refuse(src, dst):
        seen.append(os.path.getsize(src))
        raise OSError("the file is open in another program")

    monkeypatch.setattr(atomic.os, "replace", refuse)
    with pytest.raises(ExportError, match="another program"):
        writers[name](tmp_path / name, False)
    assert seen and seen[0] > 0  # something had really been written
    assert list(tmp_path.iterdir()) == []
    old = tmp_path / name
    old.write_bytes(OLD)
    with pytest.raises(ExportError, match="another program"):
        writers[name](old, True)
    assert old.read_bytes() == OLD
    assert [p.name for p in tmp_path.iterdir()] == [name]


@pytest.mark.parametrize("name", ["rates.csv", "map.html"])
def test_failure_half_way_through_writing_leaves_nothing(writers, tmp_path, monkeypatch, name):
    """Text files: the first bytes reach the disk, then the write fails."""
    from pathlib import Path

    real_bytes, real_text = Path.write_bytes, Path.write_text

    def half_bytes(self, data):
        real_bytes(self, data[: len(data) // 2])
        raise OSError("No space left on device")

    def half_text(self, text, *args, **kwargs):
        real_text(self, text[: len(text) // 2], *args, **kwargs)
        raise OSError("No space left on device")

    monkeypatch.setattr(Path, "write_bytes", half_bytes)
    monkeypatch.setattr(Path, "write_text", half_text)
    old = tmp_path / name
    real_bytes(old, OLD)
    with pytest.raises(ExportError, match="No space"):
        writers[name](old, True)
    assert old.read_bytes() == OLD
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_failed_geotiff_leaves_nothing(density, tmp_path, monkeypatch):
    import rasterio.io

    def fails(self, *args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(rasterio.io.DatasetWriter, "write", fails)
    with pytest.raises(ExportError, match="No space"):
        export.write_geotiff(density, tmp_path / "kde.tif")
    assert list(tmp_path.iterdir()) == []


def test_failed_print_map_leaves_nothing(wards, tmp_path, monkeypatch):
    """matplotlib has written part of the PNG when it fails."""
    fig = print_page.print_map([L.AreaBoundaries(wards)], title="Safety")

    def partial(path, **kwargs):
        with open(path, "wb") as fh:
            fh.write(b"\x89PNG\r\n")
        raise MemoryError("out of memory")

    monkeypatch.setattr(fig, "savefig", partial)
    with pytest.raises(MemoryError):
        print_save.save_figure(fig, tmp_path / "map.png")
    assert list(tmp_path.iterdir()) == []
