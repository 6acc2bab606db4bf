"""What the operating system refuses is the user's to fix: exit 2 with a plain message.

A full disk, a folder without write permission or on a read-only disk: ``hotspot
run`` exits 2 naming the folder and what to do (never "unexpected error ... this is
a bug"), leaves no hidden ``.part`` file, and marks the folder while a run is
incomplete (``RUN-INCOMPLETE.txt``). A run killed outright leaves its ``.part``
file and the marker; the next run into the folder removes both.

The failures are simulated (the tests run as root, whom permissions do not stop):
the write, the temporary file or the rename raises the ``OSError`` the system gives.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from hotspot.cli.main import main
from hotspot.core import atomic

MARKER = "RUN-INCOMPLETE.txt"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """The demo borough, asking for the load report, offences, rates tables and summary."""
    from hotspot.demo import write_demo
    from hotspot.model import Project

    files = write_demo(tmp_path_factory.mktemp("osfail") / "demo")
    p = Project.load(files.project)
    p.outputs = replace(p.outputs, analyses=("rates",), geotiff=False)
    p.save(files.project)
    return files.project


def _run(project: Path, out: Path, capsys, *more: str) -> tuple[int, str]:
    code = main(["run", str(project), "--out", str(out), "--quiet", *more])
    return code, capsys.readouterr().err


def _parts(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".part" in p.name)


def test_disk_full_half_way_is_exit_2_and_marks_the_folder(project, tmp_path, monkeypatch, capsys):
    real = Path.write_bytes

    def disk_full(self, data):
        if self.name.startswith(".rates_wards."):
            real(self, data[: len(data) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", disk_full)
    out = tmp_path / "out"
    code, err = _run(project, out, capsys)
    assert code == 2, err
    assert "bug" not in err and "unexpected" not in err
    assert f"rates_wards.csv: could not be written in {out}" in err
    assert "the disk is full; free some space or choose a folder on another disk" in err
    assert _parts(out) == []
    assert (out / "load_report.txt").exists() and not (out / "rates_wards.csv").exists()
    note = (out / MARKER).read_text(encoding="utf-8")
    assert "does not hold a complete set" in note and "No space left on device" in note


@pytest.mark.parametrize(
    ("code", "advice"),
    [
        (errno.EACCES, "you may not write there; choose a folder you can write to"),
        (errno.EROFS, "the disk is read-only; choose a folder on a disk you can write to"),
    ],
)
def test_an_unwritable_folder_is_exit_2_before_any_loading(
    project, tmp_path, monkeypatch, capsys, code, advice
):
    def refuse(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(atomic.tempfile, "mkstemp", refuse)
    out = tmp_path / "out"
    out.mkdir()
    loaded = []
    monkeypatch.setattr("hotspot.pipeline.run.load_workspace", lambda *a, **k: loaded.append(1))
    status, err = _run(project, out, capsys)
    assert status == 2
    assert err.startswith(f"hotspot: {out}: cannot write in this folder ({os.strerror(code)})")
    assert advice in err and "bug" not in err
    assert loaded == []  # refused before the sources were read
    assert list(out.iterdir()) == []


def test_a_read_only_disk_at_the_rename_is_exit_2(project, tmp_path, monkeypatch, capsys):
    real = os.replace

    def read_only(src, dst):
        if Path(dst).name == "summary.txt":
            raise OSError(errno.EROFS, "Read-only file system", str(dst))
        return real(src, dst)

    monkeypatch.setattr(atomic.os, "replace", read_only)
    out = tmp_path / "out"
    status, err = _run(project, out, capsys)
    assert status == 2 and "bug" not in err
    assert f"summary.txt: could not be written in {out} (Read-only file system)" in err
    assert _parts(out) == [] and (out / MARKER).exists()


def test_a_full_disk_reported_by_gdal_is_exit_2(project, tmp_path, monkeypatch, capsys):
    import pyogrio
    from pyogrio.errors import DataSourceError

    def full(*args, **kwargs):
        raise DataSourceError("sqlite3_exec(COMMIT) failed: database or disk is full")

    monkeypatch.setattr(pyogrio, "write_dataframe", full)
    out = tmp_path / "out"
    status, err = _run(project, out, capsys)
    assert status == 2 and "bug" not in err
    assert "offences.gpkg: could not be written" in err and "the disk is full" in err
    assert _parts(out) == []


def test_an_unexpected_oserror_is_still_reported_as_a_bug(project, tmp_path, monkeypatch, capsys):
    """Only the system's known refusals become input errors; anything else stays a bug."""
    monkeypatch.setenv("HOTSPOT_LOG_DIR", str(tmp_path / "logs"))

    def odd(*args, **kwargs):
        raise OSError(errno.EBADF, "Bad file descriptor")

    monkeypatch.setattr("hotspot.pipeline.run.load_workspace", odd)
    status, err = _run(project, tmp_path / "out", capsys)
    assert status == 1 and "this is a bug" in err


_KILLED_RUN = """
import os, signal, sys
from pathlib import Path
real = Path.write_bytes
def killed(self, data):
    if self.name.startswith(".rates_wards."):
        real(self, data[: len(data) // 2])
        os.kill(os.getpid(), signal.SIGKILL)
    return real(self, data)
Path.write_bytes = killed
from hotspot.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_killed_run_is_marked_and_the_next_run_cleans_up(project, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    mine = [out / "my.part.csv", out / ".notes.txt", out / ".x.part"]  # not Hotspot's
    for p in mine:
        p.write_text("keep", encoding="utf-8")
    killed = subprocess.run(
        [sys.executable, "-c", _KILLED_RUN, "run", str(project), "--out", str(out), "--quiet"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert killed.returncode == -signal.SIGKILL
    left = [p for p in _parts(out) if p.startswith(".rates_wards.")]
    assert len(left) == 1  # the half-written file a kill leaves
    assert "did not finish" in (out / MARKER).read_text(encoding="utf-8")
    code, err = _run(project, out, capsys, "--force")
    assert code == 0, err
    assert not [p for p in _parts(out) if p.startswith(".rates_wards.")]
    assert not (out / MARKER).exists()
    assert all(p.read_text(encoding="utf-8") == "keep" for p in mine)
    assert (out / "rates_wards.csv").stat().st_size > 100
