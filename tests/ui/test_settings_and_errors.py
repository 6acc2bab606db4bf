"""Settings persist (in an isolated place); errors take one path; help pages tell the truth."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from hotspot.core.errors import InputError
from hotspot.core.params import specs
from hotspot.ui import errors
from hotspot.ui.settings import MAX_RECENT, Settings


def test_settings_are_isolated_from_the_real_user(fresh_settings):
    fresh_settings.basemap = "osm"
    fresh_settings.sync()
    stored = Path(fresh_settings._qs.fileName())
    assert stored.is_relative_to(Path(os.environ["HOTSPOT_SETTINGS_DIR"]))


def test_recent_projects_newest_first_without_duplicates(fresh_settings, tmp_path):
    paths = []
    for i in range(MAX_RECENT + 2):
        p = tmp_path / f"p{i}.toml"
        p.write_text("")
        paths.append(p)
        fresh_settings.add_recent(p)
    fresh_settings.add_recent(paths[-3])
    recent = Settings().recent_projects()  # a new object reads what was stored
    assert recent[0] == paths[-3].resolve()
    assert len(recent) == MAX_RECENT
    assert len(set(recent)) == len(recent)
    assert Settings().last_project == paths[-3].resolve()


def test_missing_projects_are_forgotten(fresh_settings, tmp_path):
    p = tmp_path / "gone.toml"
    p.write_text("")
    fresh_settings.add_recent(p)
    p.unlink()
    assert Settings().recent_projects() == []
    assert Settings().last_project is None


def test_basemap_choice_persists_and_rejects_unknown_values(fresh_settings):
    fresh_settings.basemap = "osm"
    assert Settings().basemap == "osm"
    fresh_settings.basemap = "satellite"
    assert Settings().basemap == "none"


def test_unexpected_errors_reach_the_one_dialog(qtbot, unexpected_errors):
    import pyogrio
    import pyproj
    from PySide6 import QtCore

    try:
        raise RuntimeError("boom in a slot")
    except RuntimeError:
        errors._excepthook(*sys.exc_info())
    qtbot.waitUntil(lambda: bool(unexpected_errors), timeout=2000)
    summary, text = unexpected_errors.pop()
    assert summary == "RuntimeError: boom in a slot"
    assert "Traceback" in text and "test_unexpected_errors_reach_the_one_dialog" in text
    # the details start with the versions support asks for first
    assert text.splitlines()[0].startswith("Hotspot ")
    assert f"Qt {QtCore.qVersion()} (PySide6 " in text
    assert f"GDAL {pyogrio.__gdal_version_string__} (pyogrio" in text
    assert f"PROJ {pyproj.proj_version_str} (pyproj" in text
    log = Path(text.split("The details were saved to ", 1)[1].splitlines()[0])
    assert log.is_file() and "RuntimeError: boom in a slot" in log.read_text("utf-8")


def test_expected_errors_go_to_the_panel_not_the_dialog(qtbot, monkeypatch):
    rep = errors.reporter()
    shown, panel = [], []
    monkeypatch.setattr(rep, "show", lambda s, t: shown.append(s))
    errors.dispatch(InputError("x.csv: no Month column; add one"), panel.append)
    qtbot.wait(50)
    assert panel == ["x.csv: no Month column; add one"]
    assert shown == []


def test_error_dialog_copies_its_details(qtbot):
    from PySide6.QtGui import QGuiApplication

    dialog = errors.ErrorDialog("ValueError: bad", "Traceback ...\nValueError: bad")
    qtbot.addWidget(dialog)
    dialog.copy_details()
    assert QGuiApplication.clipboard().text() == "ValueError: bad\n\nTraceback ...\nValueError: bad"


def test_methods_page_lists_every_parameter_with_its_help():
    from hotspot.model import SelectionParams
    from hotspot.pipeline.registry import params_classes
    from hotspot.ui.help import methods_html

    page = methods_html()
    for cls in [SelectionParams, *params_classes().values()]:
        for s in specs(cls):
            assert f"<code>{s.name}</code>" in page
    assert "Which offences" in page


def test_methods_page_defines_each_emerging_hot_spot_category_in_a_paragraph():
    import html

    from hotspot.analysis.emerging_categories import DEFINITIONS, PATTERNS
    from hotspot.ui.help import methods_html

    page = html.unescape(methods_html())
    for p in PATTERNS:
        title = f"{p[:1].upper()}{p[1:]} hot spot"
        assert f"<p>{title}: {DEFINITIONS[p]}</p>" in page
    assert "<p>No pattern detected: none of these.</p>" in page
    assert "PPAI" in page and "Jaccard" in page


def test_about_page_has_versions_and_attributions():
    from hotspot import __version__
    from hotspot.ui.help import about_html

    page = about_html()
    assert __version__ in page
    assert "Open Government Licence v3.0" in page
    assert "Contains OS data © Crown copyright and database right" in page
    assert "Daras" in page and "Barr" in page and "2021" in page
    assert "PySide6" in page
