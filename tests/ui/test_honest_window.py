"""Honest results in the window: the scenarios of ``hotspot run`` as an analyst meets them.

A period without data disables Run and Export and says why; the Data panel shows the
months with data, what the group leaves out and a study area to restrict the boundaries
to; a weak permutation test is said beside its result and on its layer; identical points
get a stated bandwidth; "Verify with PySAL" checks the results.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from _honest_data import identical_points_project, two_authorities_project
from _window import LOAD_TIMEOUT, wait_for_map

from hotspot.model import Project, SelectionParams
from hotspot.ui.main_window import MainWindow
from hotspot.ui.settings import Settings


@pytest.fixture(scope="module")
def demo_folder(demo_project) -> Path:
    return demo_project.parent


_idle = wait_for_map


@pytest.fixture
def open_window(qtbot, fresh_settings):
    made: list[MainWindow] = []

    def make(path: Path) -> MainWindow:
        w = MainWindow(Settings())
        qtbot.addWidget(w)
        w.show()
        assert w.open_project(path)
        _idle(qtbot, w)
        made.append(w)
        return w

    yield make
    for w in made:
        w.runner.cancel()
        w.runner.wait(5000)
        w.session.dirty = False


def _variant(demo_folder: Path, folder: Path, selection: SelectionParams) -> Path:
    p = Project.load(demo_folder / "project.toml")
    p.selection = selection
    return p.save(folder / "variant.toml")  # its sources still name the demo's files


def _run(qtbot, window: MainWindow, section: str) -> None:
    panel = window.analysis[section]
    assert panel.run_button.isEnabled(), panel.run_button.toolTip()
    with qtbot.waitSignal(window.session.result_changed, timeout=LOAD_TIMEOUT):
        panel.run_button.click()
    _idle(qtbot, window)


# --------------------------------------------------------------------------- 1. checks


def test_a_period_without_data_disables_run_and_export_saying_why(
    qtbot, open_window, demo_folder, tmp_path
):
    path = _variant(demo_folder, tmp_path, SelectionParams(end="2020-06"))
    window = open_window(path)
    why = "12 months to June 2020 (2019-07 to 2020-06) holds no month of offence data"
    for panel in window.analysis.values():
        assert not panel.run_button.isEnabled()
        assert why in panel.run_button.toolTip()
        assert "Run is disabled" in panel.message.text()
    assert "the offence data cover 2023-10 to 2025-09 (24 months)" in (
        window.analysis["gistar"].run_button.toolTip()
    )
    export = window.acts["export"]
    assert not export.isEnabled() and why in export.toolTip()
    assert why in window.data_panel.message.text()
    assert "Months with data: 0 of 12" in window.data_panel.period_label.text()
    # choosing a month the data cover puts everything right
    window.data_panel.end.setCurrentIndex(0)  # latest month in the data
    _idle(qtbot, window)
    assert window.analysis["gistar"].run_button.isEnabled()
    assert export.isEnabled()
    assert "Months with data: 12 of 12" in window.data_panel.period_label.text()


def test_the_data_panel_says_what_the_group_leaves_out(qtbot, open_window, demo_folder):
    window = open_window(demo_folder / "project.toml")
    text = window.data_panel.period_label.text()
    assert "the group leaves out" in text and "Anti-social behaviour" in text
    panel = window.data_panel
    panel.group.setCurrentIndex(panel.group.findData("All crime"))
    _idle(qtbot, window)
    assert "leaves out" not in panel.period_label.text()
    n = window.session.workspace.offences.report.rows_kept
    shown = panel.period_label.text().split("Offences selected: ")[1].split()[0]
    selected = int(shown.replace(",", ""))
    assert selected == len(window.session.selection().offences)
    assert selected < n  # 12 of the 24 months: every row of those months


# --------------------------------------------------------------------------- 2. study area


def test_the_study_area_restricts_every_layer_from_the_data_panel(qtbot, open_window, tmp_path):
    from hotspot.ui import map_layers

    window = open_window(two_authorities_project(tmp_path))
    warning = window.data_panel.message.text()
    assert "reach far beyond the offences" in warning
    assert "the Study area in the Data panel" in warning
    frame = map_layers.map_frame(window.session)
    assert frame is not None and frame[2] - frame[0] <= 600  # framed on Alpha, not 5 km
    combo = window.data_panel.study_area
    labels = [combo.itemText(i) for i in range(combo.count())]
    assert labels == ["Every area loaded", "Alpha (E09000101)", "Beta (E09000102)"]
    combo.setCurrentIndex(1)
    _idle(qtbot, window)
    ws = window.session.workspace
    assert len(ws.lsoas.gdf) == 5 and list(ws.wards.gdf["name"]) == ["Alpha Ward"]
    assert window.session.project.selection.local_authorities == ("Alpha",)
    lsoa_layer = window.session.layers.get("boundaries:lsoas").layer
    assert len(lsoa_layer.features()) == 5
    assert "reach far beyond" not in window.data_panel.message.text()
    combo.setCurrentIndex(0)  # back to every area
    _idle(qtbot, window)
    assert len(window.session.workspace.lsoas.gdf) == 50


# --------------------------------------------------------------------------- 3, 4. power, empty


def test_a_weak_permutation_test_is_said_beside_the_result_and_on_its_layer(
    qtbot, open_window, demo_folder
):
    from hotspot.analysis.gistar import GiStarParams

    window = open_window(demo_folder / "project.toml")
    panel = window.analysis["gistar"]
    panel.form.set_value(GiStarParams(permutations=99))
    _run(qtbot, window, "gistar")
    assert "With 99 permutations the smallest possible p-value is 0.02" in panel.message.text()
    empty = "No significant hot or cold spots at 90% confidence after FDR correction"
    assert empty in panel.summary.text()
    entry = window.session.layers.get("result:gistar")
    assert entry.layer.legend().note.startswith(empty)  # the map's legend says it
    from hotspot.ui.panels.results import window_tables

    captions = [t.caption for t in window_tables("gistar", window.session.results)]
    assert captions and captions[0].startswith(empty)  # and the table


# --------------------------------------------------------------------------- 5. degenerate


def test_identical_points_get_a_stated_bandwidth_in_the_window(qtbot, open_window, tmp_path):
    window = open_window(identical_points_project(tmp_path))
    _run(qtbot, window, "kde")
    panel = window.analysis["kde"]
    assert "Silverman's rule has no spread to measure; used 5 cells" in panel.message.text()
    assert window.session.results["kde"].params.bandwidth == 100.0


# --------------------------------------------------------------------------- 7. PySAL


@pytest.mark.slow
def test_verify_with_pysal_from_the_gistar_panel_and_the_analysis_menu(
    qtbot, open_window, demo_folder
):
    window = open_window(demo_folder / "project.toml")
    panel = window.analysis["gistar"]
    assert panel.verify_button is not None and not panel.verify_button.isEnabled()
    _run(qtbot, window, "gistar")
    assert panel.verify_button.isEnabled()
    with qtbot.waitSignal(window.session.verification_changed, timeout=LOAD_TIMEOUT):
        panel.verify_button.click()
    check = window.session.verification
    assert check is not None and check.largest < 1e-8
    text = panel.message.text()
    assert "Checked against PySAL (esda" in text and "largest difference in z" in text
    menus = {a.text(): a.menu() for a in window.menuBar().actions()}
    assert window.acts["verify"] in menus["&Analysis"].actions()
