"""Streets and places in the window: reference layers under the results, the zones table
zooms the map, and a map point is left out of every analysis with one click."""

from __future__ import annotations

import re

import test_main_window as main_tests
from PySide6.QtCore import Qt
from test_main_window import LOAD_TIMEOUT, OVERLAYS, js, run_panel, wait_for_map

window = main_tests.window  # the same window fixture: the demo project, opened


def test_zones_zoom_the_map_and_a_facility_point_is_left_out_in_one_click(
    qtbot, window, monkeypatch
):
    # the demo's roads and town centres are drawn, beneath the results
    keys = window.session.layers.key_order()
    assert {"reference:0", "reference:1"} <= set(keys)
    overlays = js(qtbot, window, OVERLAYS).split("|")
    assert {"Reference: Roads", "Reference: Town centres"} <= set(overlays)

    run_panel(qtbot, window, "gistar")
    assert window.results_panel.table_keys("gistar") == [
        "gistar",
        "gistar_zones",
        "gistar_zones_places",
    ]
    zones = window.session.results["gistar_zones"]
    assert any("Hospital" in p for p in zones.zones["places"])  # the demo's hospital artefact
    table = window.results_panel.tables["gistar_zones"]
    tabs = window.results_panel.tabs
    tabs.setCurrentWidget(table)
    # clicking zone 2 fits the map to it
    sent = []
    monkeypatch.setattr(window.map, "run_js", lambda script, cb=None: sent.append(script))
    zone = next(
        c for c in range(table.model.columnCount()) if table.model.frame.columns[c] == "zone"
    )
    row = next(r for r in range(table.proxy.rowCount()) if table.proxy.index(r, zone).data() == "2")
    rect = table.view.visualRect(table.proxy.index(row, 1))
    qtbot.mouseClick(table.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert len(sent) == 1 and "fitBounds" in sent[0]
    west, south, east, north = zones.zones[zones.zones["zone"] == 2].to_crs(4326).total_bounds
    s_, w_, n_, e_ = (float(v) for v in re.findall(r"-?\d+\.\d+", sent[0])[:4])
    assert s_ < south < north < n_ and w_ < west < east < e_  # the zone, with a margin
    assert n_ - s_ < 2 * (north - south) + 0.01
    monkeypatch.undo()

    # the Map points table flags the hospital; "Leave out" runs Gi* again without it
    run_panel(qtbot, window, "map_points")
    points = window.results_panel.tables["map_points"]
    tabs.setCurrentWidget(points)
    assert points.exclude_button.isVisible()
    frame = points.model.frame
    hospital = int(frame.index[frame["place"] == "Hospital"][0])
    assert frame.loc[hospital, "facility"] == "Hospital"
    view_row = points.proxy.mapFromSource(points.model.index(hospital, 0)).row()
    points.view.selectRow(view_row)
    with qtbot.waitSignal(
        window.session.result_changed,
        timeout=LOAD_TIMEOUT,
        check_params_cb=lambda s: s == "gistar" and "gistar" in window.session.results,
    ):
        points.exclude_button.click()
    wait_for_map(qtbot, window)
    chosen = window.session.project.selection.exclude_locations
    assert chosen == (frame.loc[hospital, "exclude"],) and chosen[0].startswith(
        "On or near Hospital @ "
    )
    after = window.session.results["gistar_zones"]
    assert not any("Hospital" in p for p in after.zones["places"])
    assert window.session.dirty
    # every view says what was left out
    assert chosen[0] in window.data_panel.excluded_label.text()
    assert "Left out of every analysis" in window.data_panel.report.toPlainText()
    assert "left out" in window.map.html  # the map's subtitle
    # and it can be undone
    window.data_panel.include_all.click()
    assert window.session.project.selection.exclude_locations == ()
    wait_for_map(qtbot, window)
    window.session.dirty = False  # no "save changes?" question when the test closes it
