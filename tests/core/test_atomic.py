"""Atomic writes: a file is either the old one or the complete new one, never half."""

from __future__ import annotations

import pytest

from hotspot.core.atomic import atomic_path, atomic_write_bytes, atomic_write_text
from hotspot.core.errors import ExportError
from hotspot.core.progress import AnalysisCancelled


def test_existing_file_is_kept_unless_overwrite(tmp_path):
    target = tmp_path / "report.txt"
    atomic_write_text(target, "first", overwrite=False)
    with pytest.raises(ExportError, match=r"report\.txt: the file already exists"):
        atomic_write_text(target, "second", overwrite=False)
    assert target.read_text(encoding="utf-8") == "first"
    atomic_write_bytes(target, b"third")
    assert target.read_bytes() == b"third"


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path):
    target = tmp_path / "map.png"
    target.write_bytes(b"old")
    with pytest.raises(AnalysisCancelled), atomic_path(target) as tmp:
        tmp.write_bytes(b"half")
        raise AnalysisCancelled("stopped")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.png"]


def test_a_writer_that_writes_nothing_is_an_error(tmp_path):
    with pytest.raises(ExportError, match="nothing was written"), atomic_path(tmp_path / "x.gpkg"):
        pass
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("where", ["missing_folder", "folder_as_target", "file_as_folder"])
def test_impossible_targets_are_export_errors(tmp_path, where):
    (tmp_path / "a_file").write_text("x", encoding="utf-8")
    (tmp_path / "a_folder").mkdir()
    target = {
        "missing_folder": tmp_path / "nope" / "out.txt",
        "folder_as_target": tmp_path / "a_folder",
        "file_as_folder": tmp_path / "a_file" / "out.txt",
    }[where]
    with pytest.raises(ExportError, match=str(target.name)):
        atomic_write_text(target, "text", overwrite=True)
