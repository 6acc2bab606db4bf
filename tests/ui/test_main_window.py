"""The real main window on the demo project, offscreen: load, select, run, cancel, save."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from _toy_analysis import SHIPPED_ANALYSES
from _window import LOAD_TIMEOUT, wait_for_map

from hotspot.model import Project, SelectionParams
from hotspot.pipeline import registry
from hotspot.pipeline.registry import load_project
from hotspot.ui import dropping
from hotspot.ui.main_window import MainWindow
from hotspot.ui.settings import Settings
from hotspot.ui.widgets.param_editors import display_number
from hotspot.ui.widgets.sparkline import SERIES_ROLE, SparklineDelegate

ROOT = Path(__file__).resolve().parents[2]


def js(qtbot, window: MainWindow, script: str):
    """Run JavaScript in the map page and return its value."""
    box = {}
    window.map.run_js(script, lambda value: box.setdefault("value", value))
    qtbot.waitUntil(lambda: "value" in box, timeout=10_000)
    return box["value"]


OVERLAYS = (
    "Array.from(document.querySelectorAll('.leaflet-control-layers-overlays span'))"
    ".map(s => s.textContent.trim()).join('|')"
)


@pytest.fixture
def window(qtbot, demo_project, fresh_settings):
    w = MainWindow(Settings())
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    assert w.open_project(demo_project)
    wait_for_map(qtbot, w)
    yield w
    w.runner.cancel()
    w.runner.wait(5000)
    w.session.dirty = False  # no "save changes?" question when the test closes it


def select_serious_violence_12_months(window: MainWindow) -> None:
    panel = window.data_panel
    panel.group.setCurrentIndex(panel.group.findData("Serious violence (police.uk)"))
    panel.months.setValue(12)


def test_opens_the_demo_project_with_its_data_and_map(qtbot, window):
    project = window.session.project
    assert project.name in window.windowTitle()
    assert "Rows read:" in window.data_panel.report.toPlainText()
    assert window.data_panel.end.count() > 12  # months of the demo, newest first
    keys = window.session.layers.key_order()
    assert {"boundaries:wards", "boundaries:study_area"} <= set(keys)
    overlays = js(qtbot, window, OVERLAYS).split("|")
    assert "Wards" in overlays
    assert "https://unpkg.com" not in window.map.html  # offline Leaflet, no CDN


def test_selection_changes_reach_the_project_and_the_map(qtbot, window):
    panel = window.data_panel
    panel.group.setCurrentIndex(panel.group.findData("All crime"))
    panel.months.setValue(6)
    assert window.session.project.selection.group == "All crime"
    assert window.session.project.selection.months == 6
    select_serious_violence_12_months(window)
    sel = window.session.project.selection
    assert (sel.group, sel.months) == ("Serious violence (police.uk)", 12)
    assert "12 months to" in panel.period_label.text()
    wait_for_map(qtbot, window)
    assert "Serious violence" in window.map.html  # the subtitle names the selection


def test_layers_panel_visibility_reaches_the_map(qtbot, window):
    window.session.layers.set_visible("boundaries:lsoas", True)
    wait_for_map(qtbot, window)
    shown = js(
        qtbot,
        window,
        "Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label'))"
        ".filter(l => l.querySelector('input').checked)"
        ".map(l => l.textContent.trim()).join('|')",
    )
    assert "LSOAs" in shown.split("|")


def test_a_broken_file_is_explained_and_the_window_keeps_working(
    qtbot, window, tmp_path, monkeypatch
):
    broken = tmp_path / "garbled.csv"
    broken.write_bytes(b"\x00\x01this is not,a police.uk file\n\xff\xfe,,,\n")
    asked = []

    def ask(path, candidates, parent=None):
        asked.append(path.name)
        return "offences"

    monkeypatch.setattr(dropping, "ask_kind", ask)
    before = [s.path for s in window.session.project.sources]
    window.add_files([str(broken)])
    wait_for_map(qtbot, window)
    assert asked == ["garbled.csv"]  # it could not tell, so it asked
    assert "garbled.csv" in window.message.text()
    assert [s.path for s in window.session.project.sources] == before
    assert window.session.workspace is not None  # the loaded data are still there
    # and the window still works: a selection change still updates the map
    window.data_panel.months.setValue(3)
    wait_for_map(qtbot, window)
    assert "3 months to" in window.map.html
    # dropped with a good file, the broken one stops both and the message says so
    good = tmp_path / "wards_again.geojson"
    good.write_bytes(
        (window.session.project.folder / "boundaries" / "wrenmoor_wards_2024.geojson").read_bytes()
    )
    window.add_files([str(good), str(broken)])
    wait_for_map(qtbot, window)
    assert "None of the 2 files was added" in window.message.text()
    assert "garbled.csv" in window.message.text()
    assert [s.path for s in window.session.project.sources] == before


def test_a_dropped_boundary_file_is_detected_and_added(qtbot, window, demo_project):
    wards = demo_project.parent / "boundaries" / "wrenmoor_wards_2024.geojson"
    copy = wards.with_name("council_wards.geojson")
    copy.write_bytes(wards.read_bytes())
    n = len(window.session.project.sources)
    window.add_files([str(copy)])
    wait_for_map(qtbot, window)
    added = window.session.project.sources[n:]
    assert [(s.kind, Path(s.path).name) for s in added] == [("areas", "council_wards.geojson")]
    assert window.isWindowModified()


def test_saved_project_reopens_with_identical_parameters(qtbot, window, tmp_path):
    from dataclasses import replace

    project = window.session.project
    panel = window.data_panel
    panel.add_group("Robbery and weapons", ["Robbery", "Possession of weapons"])
    panel.months.setValue(6)
    for section, form_panel in window.analysis.items():
        cls = form_panel.form.cls
        changed = _non_default(cls)
        assert changed != cls(), section  # the round trip below must be of real changes
        form_panel.form.set_value(changed)
        assert form_panel.form.value() == changed, section
    target = tmp_path / "saved" / "my project.toml"
    target.parent.mkdir()
    assert window.save_project_as(target)
    assert not window.isWindowModified()
    reopened = load_project(target)
    assert reopened.selection == replace(project.selection, group="Robbery and weapons", months=6)
    assert reopened.groups == {"Robbery and weapons": ["Robbery", "Possession of weapons"]}
    for section, form_panel in window.analysis.items():
        assert registry.params(reopened, section) == form_panel.form.value(), section
    # a second window opening the file shows the same values
    other = MainWindow(Settings())
    qtbot.addWidget(other)
    assert other.open_project(target)
    wait_for_map(qtbot, other)
    assert other.data_panel.selection() == reopened.selection
    for section, form_panel in other.analysis.items():
        assert form_panel.form.value() == registry.params(reopened, section), section
    other.session.dirty = False


def _non_default(cls):
    """An instance of ``cls`` with its first few editable values changed from the defaults."""
    from hotspot.core.params import specs

    values = {}
    for s in specs(cls):
        if s.type is bool:
            values[s.name] = not s.default
        elif s.choices and s.type is str and len(s.choices) > 1:
            values[s.name] = next(c for c in s.choices if c != s.default)
        elif s.type in (int, float) and s.default is None and s.minimum is not None:
            values[s.name] = s.type(max(s.minimum, 1) * 50)
        elif s.type is int and s.default is not None:
            bump = s.default + 1
            if s.maximum is None or bump <= s.maximum:
                values[s.name] = bump
    try:
        return cls(**values)
    except ValueError:
        return cls()


def test_basemap_switch_is_remembered(qtbot, window):
    window.acts["osm"].setChecked(True)
    assert Settings().basemap == "osm"
    assert window.session.project.map.basemap == "osm"
    wait_for_map(qtbot, window)
    assert "tile.openstreetmap.org" in window.map.html
    window.session.dirty = False
    window.new_project()  # a new project starts with the basemap chosen last
    assert window.session.project.map.basemap == "osm" and window.acts["osm"].isChecked()
    assert window.open_project(window.settings.recent_projects()[0])
    wait_for_map(qtbot, window)
    # an opened project shows the basemap saved in it (the demo's: none)
    assert not window.acts["osm"].isChecked()
    window.acts["osm"].setChecked(True)
    window.acts["osm"].setChecked(False)
    assert Settings().basemap == "none"
    wait_for_map(qtbot, window)
    assert "tile.openstreetmap.org" not in window.map.html


def test_new_project_empties_the_window_and_the_demo_comes_back(
    qtbot, window, demo_project, monkeypatch
):
    run_panel(qtbot, window, "gistar")
    window.message.show_message("an old problem", "error")
    window.session.dirty = False
    window.new_project()
    assert window.session.workspace is None
    assert len(window.session.layers) == 0
    assert window.data_panel.report.toPlainText() == ""
    assert window.data_panel.selection() == SelectionParams()
    # nothing of the previous project is left on screen
    assert window.results_panel.tables == {}
    assert not window.analysis["gistar"].summary.text()
    assert not window.message.text()
    assert "Add offence data" in window.map.placeholder.text()  # what to do next
    assert not window.analysis["gistar"].run_button.isEnabled()
    # Help > Open the demo project
    monkeypatch.setattr("hotspot.ui.app.demo_project_path", lambda: demo_project)
    window.acts["demo"].trigger()
    wait_for_map(qtbot, window)
    assert window.session.project.path == demo_project.resolve()
    assert window.analysis["gistar"].run_button.isEnabled()


def test_menus_and_toolbar_offer_every_action(window):
    from PySide6.QtWidgets import QToolBar

    def texts(menu):
        return [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]

    menus = {a.text().replace("&", ""): a.menu() for a in window.menuBar().actions()}
    assert texts(menus["File"]) == [
        "New project",
        "Open project…",
        "Open recent",
        "Save project",
        "Save project as…",
        "Add offence data…",
        "Add offence data folder…",
        "Add boundaries…",
        "Add context table…",
        "Add reference layer…",
        "Export…",
        "Quit",
    ]
    assert texts(menus["Help"]) == ["Methods", "Open the demo project", "About Hotspot"]
    tools = window.findChild(QToolBar, "mainToolbar")
    shown = [a for a in tools.actions() if not a.isSeparator()]
    assert [a.objectName() for a in shown] == [
        "new",
        "open",
        "save",
        "add_offences",
        "add_areas",
        "add_context",
        "export",
        "osm",
        "map_only",
    ]
    assert all(not a.icon().isNull() for a in shown)  # every toolbar button has an icon
    assert texts(menus["View"]) == [
        "OpenStreetMap basemap",
        "Map only",
        "Data",
        "Layers",
        "Analysis",
        "Results",
        "Show all panels",
    ]


def test_methods_and_about_open(qtbot, window, monkeypatch):
    from hotspot.ui import help as help_module

    shown = []
    monkeypatch.setattr(help_module.HelpDialog, "exec", lambda self: shown.append(self))
    monkeypatch.setattr(
        "hotspot.ui.project_actions.HelpDialog.exec", lambda self: shown.append(self)
    )
    window.show_methods()
    window.show_about()
    assert [d.windowTitle() for d in shown] == ["Methods", "About Hotspot"]
    assert "Kernel density" in shown[0].browser.toPlainText()


def test_recent_projects_list_the_opened_project(window, demo_project):
    assert demo_project.resolve() in Settings().recent_projects()
    window.fill_recent_menu()
    texts = [a.text() for a in window.recent_menu.actions()]
    assert str(demo_project.resolve()) in texts


def test_the_window_stays_responsive_while_loading(qtbot, window, demo_project):
    """The GUI thread keeps processing events while the demo loads on a worker.

    Measured as the CPU time the GUI thread itself spends between two ticks of a 20 ms
    timer: work done on the GUI thread freezes the window however idle the machine is,
    and unlike wall-clock gaps this does not grow when a shared CI machine is busy.
    """
    ticks = []
    from PySide6.QtCore import QTimer

    timer = QTimer(interval=20)
    timer.timeout.connect(lambda: ticks.append((time.perf_counter(), time.thread_time())))
    timer.start()
    window.session.load(window.session.project.copy())
    qtbot.waitUntil(lambda: not window.runner.is_running("load"), timeout=LOAD_TIMEOUT)
    qtbot.wait(200)  # and the window's own work once the data arrive
    timer.stop()
    assert len(ticks) > 5
    busy = [b[1] - a[1] for a, b in zip(ticks, ticks[1:], strict=False)]
    assert max(busy) < 0.5, f"the window's own thread worked {max(busy):.2f} s without a break"


# --------------------------------------------------------------------------- analyses


def run_panel(qtbot, window: MainWindow, section: str) -> None:
    """Click Run on a panel and wait for its result and the map."""
    panel = window.analysis[section]
    assert panel.run_button.isEnabled(), panel.run_button.toolTip()
    with qtbot.waitSignal(
        window.session.result_changed, timeout=LOAD_TIMEOUT, check_params_cb=lambda s: s == section
    ):
        panel.run_button.click()
    wait_for_map(qtbot, window)


def result_entries(window: MainWindow, section: str):
    return [e for e in window.session.layers.entries if e.key.startswith(f"result:{section}")]


def test_each_analysis_runs_and_its_layers_reach_the_map(qtbot, window):
    select_serious_violence_12_months(window)
    sections = list(window.analysis)
    assert sections == list(SHIPPED_ANALYSES)
    for section in sections:
        run_panel(qtbot, window, section)
        assert section in window.session.results
        assert result_entries(window, section), section
        assert window.analysis[section].summary.text()  # what came out, in words
        overlays = js(qtbot, window, OVERLAYS).split("|")
        for entry in result_entries(window, section):
            # shown layers are on the page; hidden ones wait in the Layers panel
            assert (entry.title in overlays) == entry.visible, (entry.title, overlays)
        if section == "map_points":  # where offences are: hidden until the user ticks it
            assert not any(e.visible for e in result_entries(window, section))
            continue
        assert any(e.visible for e in result_entries(window, section))  # the newest shows
        earlier = [
            e for s in sections[: sections.index(section)] for e in result_entries(window, s)
        ]
        assert not any(e.visible for e in earlier)  # earlier results are unticked
    window.session.layers.set_visible("result:gistar", True)  # the user ticks one again
    wait_for_map(qtbot, window)
    overlays = js(qtbot, window, OVERLAYS).split("|")
    assert "Gi* hot and cold spots" in overlays
    # the tables and the computed defaults
    shown = {s: window.results_panel.table_keys(s) for s in sections}
    assert all(shown.values()), shown  # every analysis has its tables
    assert shown["rates"] == ["rates_ward", "rates_lsoa", "ward_summary"]
    gistar = window.session.results["gistar"]
    table = window.results_panel.tables["gistar"]
    assert table.model.rowCount() == len(gistar.cells)
    kde = window.session.results["kde"]
    note = window.analysis["kde"].form.editors["bandwidth"].computed_text()
    assert note.startswith(f"{display_number(kde.params.bandwidth)} m")
    assert kde.bandwidth_note in note  # how it was computed
    # the charts have their data
    window.results_panel.tabs.setCurrentWidget(window.results_panel.ranking)
    qtbot.waitUntil(lambda: window.results_panel.ranking.axes is not None, timeout=10_000)
    ward_names = set(window.session.results["rates"].table["name"])
    bars = {t.get_text() for t in window.results_panel.ranking.axes.get_yticklabels()}
    assert bars and bars <= ward_names
    window.results_panel.tabs.setCurrentWidget(window.results_panel.scatter)
    qtbot.waitUntil(lambda: window.results_panel.scatter.axes is not None, timeout=10_000)
    biv = window.session.results["bivariate"]
    ax = window.results_panel.scatter.axes
    assert len(ax.collections[0].get_offsets()) == len(biv.local)
    assert biv.y == "imd_score" and ax.get_xlabel().startswith("Deprivation (IMD")
    assert biv.x == "rate"
    assert ax.get_ylabel().replace("\n", " ") == "Offences per 1,000 residents"
    # emerging hot spots: each location's z-scores drawn as a line in the table
    emerging = window.session.results["emerging"]
    table = window.results_panel.tables["emerging"]
    column = list(table.model.frame.columns).index("z_series")
    assert table.model.series_columns == [column]
    assert isinstance(table.view.itemDelegateForColumn(column), SparklineDelegate)
    index = table.model.index(0, column)
    assert len(index.data(SERIES_ROLE)) == len(emerging.steps.steps)
    assert index.data() == ""  # drawn, not written
    # the evaluation's capture curve is a tab of its own
    chart = window.results_panel.result_charts["evaluation_capture_chart"]
    window.results_panel.tabs.setCurrentWidget(chart)
    qtbot.waitUntil(lambda: chart.axes is not None, timeout=10_000)
    assert {line.get_label() for line in chart.axes.get_lines()} >= {"Kernel density", "Gi*"}


def test_window_results_equal_what_hotspot_run_writes(qtbot, window, tmp_path):
    """Save the project, run the pipeline on the file, compare with what the window shows."""
    import dataclasses

    import numpy as np
    import pandas as pd
    import rasterio

    from hotspot import pipeline

    select_serious_violence_12_months(window)
    window.analysis["gistar"].form.editors["permutations"].set(999)  # seeded: reproducible
    window.analysis["kde"].form.editors["bandwidth"].set(350.0)
    for section in window.analysis:
        run_panel(qtbot, window, section)
    path = tmp_path / "run" / "project.toml"
    path.parent.mkdir()
    assert window.save_project_as(path)
    project = Project.load(path)
    project.outputs = dataclasses.replace(
        project.outputs, gpkg=False, offences_gpkg=False, maps=(), html=False, briefing=False
    )
    out = tmp_path / "out"
    pipeline.run_project(project, out)
    shown = window.session.results

    # CSVs are rounded for reading (z to 2 decimals, rates to 1, p to 3 or "< 0.001")
    gi = pd.read_csv(out / "gistar_cells.csv", encoding="utf-8-sig").set_index("cell_id")
    cells = shown["gistar"].cells.set_index("cell_id")
    assert sorted(gi.index) == sorted(cells.index)
    assert gi["gi_z"].is_monotonic_decreasing  # hot spots first
    gi = gi.loc[cells.index]
    np.testing.assert_allclose(gi["gi_z"], cells["gi_z"], atol=0.005 + 1e-12)
    assert (gi["gi_bin"].to_numpy() == cells["gi_bin"].to_numpy()).all()
    assert list(gi["ward"].fillna("")) == list(cells["ward"].fillna(""))
    small = cells["p_sim"] < 0.001
    assert (gi.loc[small, "p_sim"] == "< 0.001").all()  # same seed, same draws
    np.testing.assert_allclose(
        gi.loc[~small, "p_sim"].astype(float), cells.loc[~small, "p_sim"], atol=0.0005
    )

    rates = shown["rates"]
    written = pd.read_csv(out / f"rates_{rates.level}s.csv", encoding="utf-8-sig")
    written = written.set_index("code").loc[rates.table["code"]]
    np.testing.assert_array_equal(written["count"], rates.table["count"])
    np.testing.assert_allclose(written["rate"], rates.table["rate"], atol=0.05 + 1e-9)

    biv = pd.read_csv(out / "bivariate_lsoas.csv", encoding="utf-8-sig").set_index("code")
    local = shown["bivariate"].local.set_index("code")
    np.testing.assert_allclose(biv.loc[local.index, "local_i"], local["local_i"], atol=5e-4)
    assert list(biv.loc[local.index, "cluster"]) == list(local["cluster"])

    with rasterio.open(out / "kde.tif") as src:
        surface = src.read(1, masked=True).filled(np.nan)
    np.testing.assert_allclose(surface, shown["kde"].values, rtol=1e-6, equal_nan=True)


def test_cancel_stops_a_long_run_and_leaves_nothing(qtbot, window):
    import numpy as np
    from PySide6.QtCore import Qt

    select_serious_violence_12_months(window)
    panel = window.analysis["gistar"]
    panel.form.editors["cell_size"].set(100.0)
    panel.form.editors["permutations"].set(99999)  # several seconds of work
    panel.run_button.click()
    qtbot.waitUntil(lambda: window.job_status.bar.value() > 0, timeout=20_000)
    assert panel.cancel_button.isEnabled()
    job = window.runner._active["gistar"].job
    reports: list[tuple[float, str]] = []  # recorded on the job's thread, as they are made
    job.signals.progress.connect(
        lambda _id, f, m: reports.append((f, m)), Qt.ConnectionType.DirectConnection
    )
    permuting = lambda: [f for f, m in reports if "permutation" in m.lower()]  # noqa: E731
    qtbot.waitUntil(lambda: len(permuting()) >= 3, timeout=20_000)
    panel.cancel_button.click()
    assert job.finished.wait(60), "the analysis did not stop"  # a guard against a hang
    # promptness in work, not in seconds: the run looks for a cancel at every report, the
    # reports come at most 5% of its work apart, and it stopped far from the end
    done = permuting()
    assert max(np.diff(done)) <= 0.05, np.diff(done)
    assert done[-1] < 0.9
    qtbot.wait(200)  # let late signals arrive: they must be ignored
    assert "gistar" not in window.session.results
    assert not result_entries(window, "gistar")
    assert "gistar" not in window.results_panel.tables
    assert window.job_status.label.text() == "Cancelled"
    wait_for_map(qtbot, window)
    assert "Gi* hot and cold spots" not in window.map.html
    # the panel still works
    panel.form.editors["permutations"].set(0)
    run_panel(qtbot, window, "gistar")
    assert result_entries(window, "gistar")


def test_running_again_replaces_the_previous_run(qtbot, window):
    panel = window.analysis["kde"]
    panel.form.editors["bandwidth"].set(800.0)
    panel.run_button.click()
    panel.form.editors["bandwidth"].set(300.0)
    run_panel(qtbot, window, "kde")
    qtbot.wait(200)
    assert window.session.results["kde"].params.bandwidth == 300.0
    # the surface and its numbered zones, once each
    assert [e.key for e in result_entries(window, "kde")] == ["result:kde_zones", "result:kde"]


def test_an_analysis_error_shows_in_its_panel(qtbot, window):
    # a period with no offences at all: KDE refuses, saying why, in its own panel
    window.data_panel.set_selection(SelectionParams(end="2001-01"), {})
    window.session.set_selection(SelectionParams(end="2001-01"), {})
    panel = window.analysis["kde"]
    panel.run_button.click()
    qtbot.waitUntil(lambda: bool(panel.message.text()), timeout=LOAD_TIMEOUT)
    assert panel.message.level == "error"
    assert "offence" in panel.message.text().lower()
    assert "kde" not in window.session.results
    assert not window.message.text()  # not in the window's bar, and no error dialog


def test_an_unexpected_error_shows_the_dialog_and_the_window_keeps_working(
    qtbot, window, monkeypatch, unexpected_errors
):
    from hotspot import pipeline

    real = pipeline.run_analysis

    def buggy(section, *args, **kwargs):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(pipeline, "run_analysis", buggy)
    panel = window.analysis["gistar"]
    panel.run_button.click()
    qtbot.waitUntil(lambda: bool(unexpected_errors), timeout=LOAD_TIMEOUT)
    summary, text = unexpected_errors.pop()  # one dialog, with details to copy
    assert summary == "RuntimeError: simulated bug"
    lines = text.splitlines()  # the versions first, then where the log is
    assert lines[0].startswith("Hotspot ") and "Traceback" in text
    saved = next(line for line in lines if line.startswith("The details were saved to "))
    log = Path(saved.removeprefix("The details were saved to "))
    assert log.is_file() and "simulated bug" in log.read_text(encoding="utf-8")
    assert not panel.message.text()  # not dressed up as an input problem
    assert "gistar" not in window.session.results and not window.runner.busy
    monkeypatch.setattr(pipeline, "run_analysis", real)
    run_panel(qtbot, window, "gistar")  # and the window still works
    assert result_entries(window, "gistar")


def test_screenshot_of_the_window_after_analysis(qtbot, window, tmp_path):
    """The README's picture, at a council laptop's 1366 x 768: written to a temporary
    folder, or to ``HOTSPOT_SCREENSHOT_DIR`` when set
    (``HOTSPOT_SCREENSHOT_DIR=docs pytest -k screenshot``), for a person to look at."""
    window.resize(1366, 768)
    window.show_all_panels()  # the default layout for that size
    select_serious_violence_12_months(window)
    for section in ("rates", "gistar"):
        run_panel(qtbot, window, section)
    window.session.layers.set_visible("result:rates:change", False)
    window.session.layers.set_visible("result:rates:rate", False)
    window.analysis_tabs.setCurrentWidget(window.analysis["gistar"])
    window.results_panel.tabs.setCurrentWidget(window.results_panel.ranking)
    wait_for_map(qtbot, window)
    qtbot.wait(1500)  # let the page paint its tiles and legend
    folder = Path(os.environ.get("HOTSPOT_SCREENSHOT_DIR") or tmp_path)
    target = folder / "screenshot-window.png"
    tmp = target.with_name(".screenshot-window.part.png")
    image = window.grab().toImage()
    assert (image.width(), image.height()) == (1366, 768)
    assert image.save(str(tmp))
    tmp.replace(target)
    assert target.stat().st_size > 10_000
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 23) for y in range(0, image.height(), 23)
    }
    assert len(colours) > 50  # a painted window with a map, not a blank frame
    # the map's part of the picture is painted (cells, wards, legend) and is most of it
    origin = window.map.mapTo(window, window.map.rect().topLeft())
    inside = {
        image.pixel(origin.x() + x, origin.y() + y)
        for x in range(0, window.map.width(), 17)
        for y in range(0, window.map.height(), 17)
    }
    assert len(inside) > 20
    assert window.map.width() * window.map.height() > 0.5 * 1366 * 768


def test_export_writes_what_hotspot_run_writes_and_asks_before_replacing(
    qtbot, window, tmp_path, monkeypatch
):
    from hotspot.model import OutputParams
    from hotspot.ui import export_dialog

    out = tmp_path / "exported"
    outputs = OutputParams(
        analyses=("gistar", "rates"),
        offences_gpkg=False,
        geotiff=False,
        gpkg=False,
        csv=True,
        html=True,
    )
    monkeypatch.setattr(export_dialog, "choose_outputs", lambda w, o, f: (outputs, out))
    answers = []

    def ask(parent, message):
        answers.append(message)
        return len(answers) == 1  # yes the first time, no the second

    monkeypatch.setattr(export_dialog, "ask_replace", ask)
    window.export_dialog()
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=LOAD_TIMEOUT)
    names = {p.name for p in window.last_export}
    assert {"load_report.txt", "gistar_cells.csv", "rates_wards.csv", "map.html"} <= names
    assert window.session.project.outputs == outputs  # remembered for hotspot run
    html = (out / "map.html").read_text(encoding="utf-8")
    assert "Gi* hot and cold spots" in html and "unpkg.com" not in html
    # again: the files exist, so the window asks; yes replaces them
    stamp = (out / "map.html").stat().st_mtime_ns
    window.export_dialog()
    qtbot.waitUntil(lambda: len(answers) == 1 and not window.runner.busy, timeout=LOAD_TIMEOUT)
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=LOAD_TIMEOUT)
    assert "already exists" in answers[0]
    assert (out / "map.html").stat().st_mtime_ns != stamp
    # and no leaves them alone
    stamp = (out / "map.html").stat().st_mtime_ns
    window.export_dialog()
    qtbot.waitUntil(lambda: len(answers) == 2, timeout=LOAD_TIMEOUT)
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=LOAD_TIMEOUT)
    assert (out / "map.html").stat().st_mtime_ns == stamp


def _drag_event(cls, window: MainWindow, paths: list[Path]):
    """A drag-enter or drop event (``cls``) carrying ``paths``, at the window's centre."""
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = cls(
        QPointF(window.rect().center()),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    event._mime = mime  # the event does not own its data: keep it alive with the event
    return event


def test_files_dropped_on_the_window_are_added(qtbot, window, demo_project, tmp_path):
    from PySide6.QtGui import QDragEnterEvent, QDropEvent

    samhi = demo_project.parent / "context" / "wrenmoor_samhi_lsoa21.csv"
    copy = tmp_path / "samhi_dropped.csv"
    copy.write_bytes(samhi.read_bytes())
    enter = _drag_event(QDragEnterEvent, window, [copy])
    window.dragEnterEvent(enter)
    assert enter.isAccepted()
    n = len(window.session.project.sources)
    window.dropEvent(_drag_event(QDropEvent, window, [copy]))
    wait_for_map(qtbot, window)
    added = window.session.project.sources[n:]
    assert [(s.kind, s.options.get("indicator")) for s in added] == [("indicators", "samhi")]


@pytest.mark.realdata
@pytest.mark.slow
def test_an_analyst_does_the_whole_job_on_the_real_lewisham_files(
    qtbot, shared_data, tmp_path, fresh_settings, monkeypatch
):
    """New project, drop the downloaded files, choose the period, run everything, export."""
    from hotspot.model import OutputParams
    from hotspot.ui import export_dialog

    d = shared_data
    files = [
        d / "police-uk" / "lewisham-api-json",
        d / "boundaries" / "lewisham_wards_2022.geojson",
        d / "boundaries" / "lewisham_lsoa_2021.geojson",
        d / "boundaries" / "lewisham_borough_bng.geojson",
        d / "context" / "imd2019_london_lsoa11.xlsx",
        d / "context" / "samhi_london_lsoa21.csv",
        d / "context" / "population_london_lsoa11_mid2019.csv",
        d / "context" / "lookup_lsoa11_lsoa21_lad22_ew.csv",
    ]
    w = MainWindow(Settings())
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    w.new_project()
    w.add_files([str(f) for f in files])  # what dropping them on the window does
    wait_for_map(qtbot, w)
    ws = w.session.workspace
    assert ws is not None and len(w.session.project.sources) == len(files)
    assert (ws.wards.vintage, ws.lsoas.vintage, ws.outline.level) == (2022, 2021, "other")
    assert {i.kind for i in ws.indicators} == {"imd", "samhi", "population"}
    report = w.data_panel.report.toPlainText()
    # the data README: 76,760 records, 73,260 unique ids (repeats across ward files)
    assert "Rows read: 76,760" in report and "Rows kept: 73,260" in report
    assert "duplicate record: 3,500" in report
    panel = w.data_panel
    panel.end.setCurrentIndex(panel.end.findData("2018-06"))
    panel.months.setValue(12)
    assert "2017-07 to 2018-06" in panel.period_label.text()
    for section in ("kde", "gistar", "rates", "bivariate"):
        run_panel(qtbot, w, section)
        assert result_entries(w, section), section
        overlays = js(qtbot, w, OVERLAYS).split("|")
        assert any(e.title in overlays for e in result_entries(w, section)), section
    results = w.session.results
    ward_names = set(results["rates"].table["name"])
    assert {"Deptford", "Rushey Green", "Lewisham Central"} <= ward_names
    assert results["rates"].table["population"].notna().all()  # LSOA residents summed
    assert results["bivariate"].n == 175  # IMD carried onto every 2021 LSOA
    assert results["bivariate"].spearman[0] > 0.2  # violence goes with deprivation
    out = tmp_path / "briefing"
    outputs = OutputParams(maps=("gistar",), briefing=True, briefing_wards=("Rushey Green",))
    monkeypatch.setattr(export_dialog, "choose_outputs", lambda win, o, f: (outputs, out))
    w.export_dialog()
    qtbot.waitUntil(lambda: not w.runner.busy, timeout=LOAD_TIMEOUT)
    names = {p.name for p in w.last_export}
    assert {"briefing.pdf", "map_gistar.png", "results.gpkg", "kde.tif"} <= names
    w.session.dirty = False


def test_load_report_and_sources_can_be_read_and_a_source_removed(qtbot, window):
    panel = window.data_panel
    report = panel.report.toPlainText()
    assert report.startswith("Hotspot load report")
    assert "== Selection ==" in report and "Offence group: Serious violence" in report
    labels = [panel.sources.item(i).text() for i in range(panel.sources.count())]
    assert len(labels) == len(window.session.project.sources)
    row = next(i for i, t in enumerate(labels) if t.startswith("Boundaries (lsoas)"))
    panel.sources.setCurrentRow(row)
    panel.remove_source.click()
    wait_for_map(qtbot, window)
    assert all(s.options.get("role") != "lsoas" for s in window.session.project.sources)
    assert window.session.layers.get("boundaries:lsoas") is None
    assert panel.sources.count() == len(labels) - 1


def test_window_layout_and_last_project_are_remembered(qtbot, window, demo_project):
    window.docks["results"].hide()  # the user closed the Results panel
    window.close()
    geometry, state = Settings().geometry()
    assert geometry is not None and state is not None
    assert Settings().last_project == demo_project.resolve()
    again = MainWindow(Settings())
    qtbot.addWidget(again)
    again.show()
    assert again.docks["results"].isHidden()
    assert not again.docks["analysis"].isHidden()


def test_changing_the_selection_stops_a_running_analysis(qtbot, window):
    panel = window.analysis["gistar"]
    panel.form.editors["cell_size"].set(100.0)
    panel.form.editors["permutations"].set(99999)
    panel.run_button.click()
    qtbot.waitUntil(lambda: window.runner.is_running("gistar"), timeout=5000)
    window.data_panel.months.setValue(6)  # the running result would be for the old period
    assert not window.runner.is_running("gistar")
    qtbot.wait(300)
    assert "gistar" not in window.session.results


def test_an_analysis_added_as_one_module_gets_its_panel_and_tables(
    qtbot, with_monthly, demo_project, fresh_settings
):
    w = MainWindow(Settings())
    qtbot.addWidget(w)
    assert list(w.analysis) == [*SHIPPED_ANALYSES, "monthly"]
    tab = w.analysis_tabs.indexOf(w.analysis["monthly"])
    assert w.analysis_tabs.tabText(tab) == "Months"
    assert w.open_project(demo_project)
    wait_for_map(qtbot, w)
    run_panel(qtbot, w, "monthly")
    assert w.results_panel.table_keys("monthly") == ["monthly"]
    table = w.results_panel.tables["monthly"]
    months = w.session.results["monthly"].table
    assert table.model.rowCount() == len(months)
    assert w.analysis["monthly"].summary.text().startswith("Busiest month: ")
    w.session.dirty = False
