"""User folders per platform, overridable; the versions support asks for; the crash log."""

from __future__ import annotations

import platform
import sys

import pyogrio
import pyproj
import pytest
import rasterio
import shapely

import hotspot
from hotspot.core import paths, versions
from hotspot.core.crashlog import write_crash_log

FOLDERS = {
    "data": (paths.data_dir, paths.ENV_DATA_DIR),
    "settings": (paths.settings_dir, paths.ENV_SETTINGS_DIR),
    "logs": (paths.log_dir, paths.ENV_LOG_DIR),
}


@pytest.mark.parametrize("kind", sorted(FOLDERS))
def test_an_environment_variable_moves_each_folder(kind, tmp_path, monkeypatch):
    folder, variable = FOLDERS[kind]
    monkeypatch.setenv(variable, str(tmp_path / kind))
    assert folder() == tmp_path / kind


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG folders are Linux's")
def test_on_linux_the_folders_follow_the_xdg_variables(tmp_path, monkeypatch):
    for variable in (paths.ENV_DATA_DIR, paths.ENV_SETTINGS_DIR, paths.ENV_LOG_DIR):
        monkeypatch.delenv(variable, raising=False)
    for xdg in ("DATA", "CONFIG", "STATE", "CACHE"):
        monkeypatch.setenv(f"XDG_{xdg}_HOME", str(tmp_path / xdg.lower()))
    assert paths.data_dir() == tmp_path / "data" / "hotspot"
    assert paths.settings_dir() == tmp_path / "config" / "hotspot"
    assert paths.log_dir() == tmp_path / "state" / "hotspot" / "log"
    assert paths.cache_dir() == tmp_path / "cache" / "hotspot"


def test_the_folder_name_follows_each_platforms_custom():
    assert paths.app_folder_name("win32") == "Hotspot"
    assert paths.app_folder_name("darwin") == "Hotspot"
    assert paths.app_folder_name("linux") == "hotspot"


def test_versions_name_hotspot_python_gdal_proj_and_geos():
    found = dict(versions.versions())
    assert list(found)[:2] == ["Hotspot", "Python"]
    assert found["Hotspot"] == hotspot.__version__
    assert found["Python"] == platform.python_version()
    assert f"{pyogrio.__gdal_version_string__} (pyogrio" in found["GDAL"]
    assert rasterio.__gdal_version__ in found["GDAL"] and "rasterio" in found["GDAL"]
    assert f"{pyproj.proj_version_str} (pyproj" in found["PROJ"]
    assert shapely.geos_version_string in found["GEOS"]


def test_the_front_ends_versions_come_after_python():
    names = [name for name, _ in versions.versions([("Qt", "6.9.9")])]
    assert names[:3] == ["Hotspot", "Python", "Qt"]
    text = versions.versions_text([("Qt", "6.9.9")]).splitlines()
    assert text[2] == "Qt 6.9.9"


def test_a_broken_library_does_not_hide_the_others(monkeypatch):
    real = versions.importlib.import_module

    def broken(name, *args):
        if name == "rasterio":
            raise OSError("libgdal.so: cannot open shared object file")
        return real(name, *args)

    monkeypatch.setattr(versions.importlib, "import_module", broken)
    found = dict(versions.versions())
    assert "rasterio" not in found["GDAL"] and "pyogrio" in found["GDAL"]
    assert found["PROJ"] == f"{pyproj.proj_version_str} (pyproj)"


def test_the_crash_log_starts_with_the_versions(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.ENV_LOG_DIR, str(tmp_path / "logs"))
    try:
        raise ValueError("simulated")
    except ValueError as exc:
        log = write_crash_log(exc, ["run", "x.toml"], extra=[("Qt", "6.9.9")])
    assert log.parent == tmp_path / "logs"
    text = log.read_text(encoding="utf-8")
    head = [line.split(" ", 1)[0] for line in text.splitlines()[:6]]
    assert head == ["Hotspot", "Python", "Qt", "GDAL", "PROJ", "GEOS"]
    assert "command: hotspot run x.toml" in text
    assert "ValueError: simulated" in text


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG folders are Linux's")
def test_the_crash_log_goes_to_the_platforms_log_folder(tmp_path, monkeypatch):
    monkeypatch.delenv(paths.ENV_LOG_DIR, raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    try:
        raise RuntimeError("simulated")
    except RuntimeError as exc:
        log = write_crash_log(exc, [])
    assert log.parent == tmp_path / "state" / "hotspot" / "log"
