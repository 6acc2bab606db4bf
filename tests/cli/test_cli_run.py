"""``hotspot demo`` then ``hotspot run`` as a user runs them: a real process, real files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyogrio
import pytest
from _cli_counts import count_police_csv, last_months, report_numbers, selected_count

import hotspot


def _hotspot(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the installed ``hotspot`` command (the console script beside this Python)."""
    exe = Path(sys.executable).with_name("hotspot")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "hotspot"]
    env = {**os.environ, "HOTSPOT_LOG_DIR": str(cwd or Path.cwd())}
    return subprocess.run(
        [*cmd, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=300
    )


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("cli")
    demo = _hotspot("demo", str(base / "demo"), cwd=base)
    run = _hotspot("run", str(base / "demo" / "project.toml"), "--out", str(base / "out"), cwd=base)
    return base, demo, run


@pytest.mark.slow
def test_demo_then_run_succeed_quietly_without_a_terminal(demo_run):
    base, demo, run = demo_run
    assert demo.returncode == 0, demo.stderr
    assert run.returncode == 0, run.stderr
    # stderr is not a terminal here: no progress bar noise, no warnings
    assert demo.stderr == "" and run.stderr == ""
    assert "project.toml" in demo.stdout
    assert "load_report.txt" in run.stdout and "offences.gpkg" in run.stdout


def test_load_report_accounts_for_every_csv_row(demo_run):
    base, _, run = demo_run
    assert run.returncode == 0, run.stderr
    text = (base / "out" / "load_report.txt").read_text(encoding="utf-8")
    numbers = report_numbers(text)
    counts = count_police_csv(base / "demo" / "police-uk")
    dropped = sum(v for k, v in numbers.items() if k.startswith("dropped "))
    assert numbers["rows read"] == counts.rows
    assert numbers["rows kept"] + dropped == counts.rows
    assert numbers["dropped no coordinates"] == counts.no_coordinates
    assert numbers["dropped duplicate record"] == counts.duplicates
    assert counts.no_coordinates > 0 and counts.duplicates > 0
    # every other source is reported too
    for name in ("wrenmoor_wards_2024.geojson", "wrenmoor_lsoa_2021.geojson", "samhi", "lookup"):
        assert name in text


def test_geopackage_holds_the_selected_group_and_twelve_months(demo_run):
    base, _, run = demo_run
    assert run.returncode == 0, run.stderr
    path = base / "out" / "offences.gpkg"
    info = pyogrio.read_info(path)
    assert info["crs"] == "EPSG:27700"
    assert info["geometry_type"] == "Point"
    gdf = pyogrio.read_dataframe(path)
    folder = base / "demo" / "police-uk"
    months = last_months(folder, 12)
    expected = selected_count(count_police_csv(folder), months)
    assert len(gdf) == expected
    assert set(gdf["month"]) == set(months)
    assert set(gdf["category"]) == {
        "Violence and sexual offences",
        "Robbery",
        "Possession of weapons",
    }
    assert gdf["crime_id"].is_unique


@pytest.mark.slow
def test_second_run_refuses_to_overwrite_and_force_replaces(demo_run):
    base, _, first = demo_run
    assert first.returncode == 0, first.stderr
    report = base / "out" / "load_report.txt"
    before = report.stat().st_mtime_ns
    again = _hotspot(
        "run", str(base / "demo" / "project.toml"), "--out", str(base / "out"), cwd=base
    )
    assert again.returncode == 2
    assert "--force" in again.stderr and "Traceback" not in again.stderr
    assert report.stat().st_mtime_ns == before
    forced = _hotspot(
        "run", str(base / "demo" / "project.toml"), "--out", str(base / "out"), "--force", "--quiet",
        cwd=base,
    )  # fmt: skip
    assert forced.returncode == 0, forced.stderr
    assert forced.stdout == ""
    assert report.stat().st_mtime_ns != before


def test_broken_project_file_exits_2_with_a_clear_message(tmp_path):
    bad = tmp_path / "broken.toml"
    bad.write_text('[project\nname = "x"\n', encoding="utf-8")
    result = _hotspot("run", str(bad), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert result.returncode == 2
    assert "broken.toml" in result.stderr and "TOML" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out" / "load_report.txt").exists()


def test_version_names_hotspot_python_qt_gdal_and_proj():
    import platform

    import pyproj
    import rasterio
    from PySide6 import QtCore

    result = _hotspot("--version")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"hotspot {hotspot.__version__}"
    found = {line.split(" ", 1)[0]: line.split(" ", 1)[1] for line in lines[1:]}
    assert found["Python"] == platform.python_version()
    assert found["Qt"].startswith(f"{QtCore.qVersion()} (PySide6 ")
    assert f"{pyogrio.__gdal_version_string__} (pyogrio" in found["GDAL"]
    assert f"{rasterio.__gdal_version__} (" in found["GDAL"] and "rasterio)" in found["GDAL"]
    assert f"{pyproj.proj_version_str} (pyproj" in found["PROJ"]


def test_hotspot_run_never_loads_qt(demo_run):
    """``hotspot run`` works on servers without a display: Qt is never imported."""
    base, _, _ = demo_run
    code = (
        "import sys; from hotspot.cli import main; "
        f"rc = main(['run', {str(base / 'demo' / 'project.toml')!r}, '--out', "
        f"{str(base / 'out-noqt')!r}, '--quiet']); "
        "print(rc, sorted({m.split('.')[0] for m in sys.modules if m.startswith('PySide6')}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300
    )
    assert result.stdout.strip() == "0 []", result.stderr
