"""What IT and support rely on: the sandbox only where needed, settings in one INI file,
versions in Help > About and in the crash details, and ``hotspot --smoke-test``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyogrio
import pyproj
import pytest
from PySide6 import QtCore

from hotspot.ui import sandbox
from hotspot.ui.settings import SETTINGS_FILE, Settings


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ({"platform": "linux", "euid": 0, "frozen": False}, "running as root"),
        ({"platform": "linux", "euid": 0, "frozen": True, "userns": True}, "running as root"),
        ({"platform": "linux", "euid": 1000, "frozen": False, "userns": False}, None),
        ({"platform": "linux", "euid": 1000, "frozen": True, "userns": True}, None),
        ({"platform": "linux", "euid": 1000, "frozen": True, "userns": False}, "user namespaces"),
        ({"platform": "darwin", "euid": 0, "frozen": False}, None),
        ({"platform": "darwin", "euid": 501, "frozen": True, "macos_helper": True}, None),
        (
            {"platform": "darwin", "euid": 501, "frozen": True, "macos_helper": False},
            "QtWebEngineProcess",
        ),
        ({"platform": "win32", "frozen": True}, None),
    ],
)
def test_the_sandbox_is_switched_off_only_where_it_cannot_run(case, expected):
    reason = sandbox.no_sandbox_reason(**case)
    if expected is None:
        assert reason is None
    else:
        assert reason is not None and expected in reason


def test_user_namespaces_are_read_from_the_kernels_switches(tmp_path):
    on, off = tmp_path / "on", tmp_path / "off"
    on.write_text("1\n")
    off.write_text("0\n")
    assert sandbox.user_namespaces_available([(str(on), "0")])
    assert not sandbox.user_namespaces_available([(str(on), "0"), (str(off), "0")])
    assert sandbox.user_namespaces_available([(str(tmp_path / "absent"), "0")])


def test_the_flag_is_added_once_and_only_with_a_reason():
    assert sandbox.chromium_flags("--disable-gpu", None) == "--disable-gpu"
    assert sandbox.chromium_flags("--disable-gpu", "root") == "--disable-gpu --no-sandbox"
    assert sandbox.chromium_flags("--no-sandbox", "root") == "--no-sandbox"
    assert sandbox.chromium_flags("", "root") == "--no-sandbox"


def test_settings_are_one_ini_file_in_the_settings_folder(fresh_settings):
    fresh_settings.basemap = "osm"
    fresh_settings.sync()
    path = Path(fresh_settings._qs.fileName())
    assert path == Path(os.environ["HOTSPOT_SETTINGS_DIR"]) / SETTINGS_FILE
    assert "basemap=osm" in path.read_text(encoding="utf-8")
    assert Settings().basemap == "osm"


def test_about_names_hotspot_qt_gdal_and_proj_versions():
    from hotspot import __version__
    from hotspot.ui.help import about_html

    page = about_html()
    assert f"Hotspot {__version__}" in page
    assert f"Qt {QtCore.qVersion()}" in page
    assert "Chromium " in page
    assert pyogrio.__gdal_version_string__ in page
    assert pyproj.proj_version_str in page


# --------------------------------------------------------------------------- smoke test


def _smoke(tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "HOTSPOT_DATA_DIR": str(tmp_path / "data"),
        "HOTSPOT_SETTINGS_DIR": str(tmp_path / "settings"),
        "HOTSPOT_LOG_DIR": str(tmp_path / "logs"),
        "HOTSPOT_SMOKE_TIMEOUT": "90",
        "QT_QPA_PLATFORM": "offscreen",
    }
    return subprocess.run(
        [sys.executable, "-m", "hotspot", *extra, "--smoke-test"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


@pytest.mark.slow
def test_smoke_test_opens_the_demo_map_and_leaves_the_settings_alone(tmp_path):
    done = _smoke(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    line = done.stdout.strip().splitlines()[-1]
    assert line.startswith("smoke test: ok: Wrenmoor (fictional demo borough): map with ")
    assert (tmp_path / "data" / "demo" / "project.toml").is_file()  # first run: demo made
    assert not (tmp_path / "settings" / SETTINGS_FILE).exists()


def test_the_smoke_tests_request_log_blocks_and_names_outside_requests(qtbot, tmp_path):
    """A page that asks for a remote file: the request is named and never sent."""
    import shiboken6
    from PySide6.QtCore import QUrl
    from PySide6.QtWebEngineCore import QWebEngineProfile, QWebEngineSettings
    from PySide6.QtWebEngineWidgets import QWebEngineView

    from hotspot.ui.smoke import RequestLog

    page = tmp_path / "page.html"
    page.write_text(
        "<html><body><img id='t' src='https://tile.openstreetmap.org/1/0/0.png'></body></html>",
        encoding="utf-8",
    )
    log = RequestLog()
    profile = QWebEngineProfile()  # a profile of its own: nothing else is affected
    profile.setUrlRequestInterceptor(log)
    view = QWebEngineView(profile)
    view.settings().setAttribute(
        QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls, True
    )
    with qtbot.waitSignal(view.loadFinished, timeout=30_000):
        view.load(QUrl.fromLocalFile(str(page)))
    assert log.outside == ["https://tile.openstreetmap.org/1/0/0.png"]
    loaded = []
    view.page().runJavaScript("document.getElementById('t').naturalWidth", 0, loaded.append)
    qtbot.waitUntil(lambda: bool(loaded), timeout=5000)
    assert loaded == [0]  # blocked: no image arrived
    shiboken6.delete(view.page())  # pages go before their profile
    shiboken6.delete(view)


@pytest.mark.slow
def test_smoke_test_fails_when_the_project_cannot_load(tmp_path):
    from hotspot.demo import write_demo

    project = write_demo(tmp_path / "broken").project
    for f in (tmp_path / "broken" / "police-uk").rglob("*.csv"):
        f.unlink()
    done = _smoke(tmp_path, str(project))
    assert done.returncode == 1
    assert "smoke test: FAILED:" in done.stdout
