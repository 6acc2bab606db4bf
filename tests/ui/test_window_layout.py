"""Map first: the window on a council laptop (1366 x 768) and a desktop screen (1920 x 1080).

Measured on the real window with the demo project: the map's share of the window, where
the legend sits against the study area (DOM rectangles from the page), the one-line
attribution, panels that close and come back, "Map only", messages in the status bar.
"""

from __future__ import annotations

import json

import pytest
from _window import wait_for_map
from PySide6.QtCore import Qt
from test_main_window import js, run_panel

from hotspot.maps.attributions import os_copyright
from hotspot.ui.main_window import MainWindow
from hotspot.ui.settings import Settings

GEOMETRY = (
    "(function(){const m=%s; const a=window.hotspotBounds;"
    " const nw=m.latLngToContainerPoint(a.getNorthWest()),"
    " se=m.latLngToContainerPoint(a.getSouthEast());"
    " const c=m.getContainer().getBoundingClientRect();"
    " const r=e=>{const b=e.getBoundingClientRect();"
    " return [b.left-c.left,b.top-c.top,b.right-c.left,b.bottom-c.top];};"
    " const lg=document.querySelector('.hotspot-legend');"
    " const at=document.querySelector('.leaflet-control-attribution');"
    " return JSON.stringify({area:[nw.x,nw.y,se.x,se.y], size:[c.width,c.height],"
    " legend: lg ? r(lg) : null, attribution: r(at), attr_text: at.innerText});})()"
)


def find_map() -> str:
    from hotspot.ui.map_view import FIND_MAP_JS

    return FIND_MAP_JS


def overlap(a, b) -> float:
    """Area shared by two rectangles (left, top, right, bottom)."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return max(w, 0) * max(h, 0)


@pytest.fixture
def sized(qtbot, demo_project, fresh_settings, request):
    width, height = request.param
    w = MainWindow(Settings())
    qtbot.addWidget(w)
    w.resize(width, height)
    w.show()
    qtbot.waitExposed(w)
    assert w.open_project(demo_project)
    wait_for_map(qtbot, w)
    yield w
    w.runner.cancel()
    w.runner.wait(5000)
    w.session.dirty = False


@pytest.mark.parametrize("sized", [(1366, 768), (1920, 1080)], indirect=True)
def test_the_map_has_most_of_the_window_and_the_legend_leaves_the_area_clear(qtbot, sized):
    w = sized
    run_panel(qtbot, w, "rates")  # a map with a choropleth legend and the boundaries'
    qtbot.wait(300)
    share = w.map.width() * w.map.height() / (w.width() * w.height())
    assert share >= 0.5, f"the map has {share:.0%} of the window"
    assert w.map.height() >= 0.75 * w.height()  # no bar above it, a slim toolbar
    g = json.loads(js(qtbot, w, GEOMETRY % find_map()))
    width, height = g["size"]
    area, legend = g["area"], g["legend"]
    assert legend is not None
    assert overlap(area, legend) == 0, (area, legend)  # the legend covers none of the area
    assert area[0] >= -1 and area[1] >= -1 and area[2] <= width + 1 and area[3] <= height + 1
    # and the area is shown large: it fills the map one way or the other
    assert max((area[2] - area[0]) / width, (area[3] - area[1]) / height) > 0.6
    # the attribution is one short line (the full text a click away)
    top, bottom = g["attribution"][1], g["attribution"][3]
    assert bottom - top < 30, g["attribution"]  # one line (two would be over 34)
    assert "Crown copyright" in g["attr_text"] and "Open Government" not in g["attr_text"]
    js(qtbot, w, "document.querySelector('.hs-attr-toggle').click(), 1")
    assert "Open Government Licence v3.0" in js(
        qtbot, w, "document.querySelector('.leaflet-control-attribution').innerText"
    )


@pytest.mark.parametrize("sized", [(1366, 768)], indirect=True)
def test_panels_close_come_back_and_make_way_for_the_map(qtbot, sized):
    w = sized
    # messages go to the status bar and never squeeze the map
    height = w.map.height()
    w.message.show_message("The file wards.csv has no geometry column; " * 8, "error")
    qtbot.wait(100)
    assert w.statusBar().isAncestorOf(w.message)
    assert w.map.height() == height
    assert w.message.text().startswith("Problem: The file wards.csv")
    assert w.message.details.isVisible()  # too long for one line: the whole of it a click away
    # "Map only" hides every panel and brings back those that were open
    w.docks["layers"].close()  # the user closed one panel before
    before = w.map.width() * w.map.height()
    w.acts["map_only"].trigger()  # F11, or the toolbar button
    assert w.acts["map_only"].shortcut().toString() == "F11"
    qtbot.waitUntil(lambda: all(not d.isVisible() for d in w.docks.values()), timeout=3000)
    qtbot.waitUntil(lambda: w.map.width() * w.map.height() > 1.5 * before, timeout=3000)
    assert w.map.width() * w.map.height() / (w.width() * w.height()) > 0.85
    w.acts["map_only"].trigger()
    qtbot.waitUntil(lambda: w.docks["data"].isVisible(), timeout=3000)
    assert w.docks["analysis"].isVisible() or w.docks["results"].isVisible()
    assert not w.docks["layers"].isVisible()  # closed before: stays closed
    w.docks["layers"].toggleViewAction().trigger()  # and comes back from the View menu
    assert w.docks["layers"].isVisible()
    # the map's attribution has the boundaries' year, as the print maps (not this year)
    vintage = w.session.workspace.wards.vintage
    assert f"database right {vintage}" in w.map.html
    assert os_copyright(vintage).endswith(f"{vintage}.")


@pytest.mark.parametrize("sized", [(1366, 768)], indirect=True)
def test_results_read_like_a_report_in_the_window(qtbot, sized):
    w = sized
    run_panel(qtbot, w, "gistar")
    table = w.results_panel.tables["gistar"]
    model = table.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers[:3] == ["Ward", "Streets and places", "Offences"]
    assert headers[-3:] == ["cell_id", "row", "col"]
    first = {headers[c]: model.data(model.index(0, c)) for c in range(model.columnCount())}
    assert int(first["Offences"]) > 0 and first["Class"].startswith("Hot spot")
    assert "e-" not in first["p"] and first["Ward"] and first["Streets and places"]
    rows_shown = table.view.height() // table.view.verticalHeader().defaultSectionSize()
    assert rows_shown >= 12  # a screenful of rows, not six


def _fill(qtbot, w) -> float:
    """How much of the map the study area spans, the larger of width and height."""
    g = json.loads(js(qtbot, w, GEOMETRY % find_map()))
    a, (width, height) = g["area"], g["size"]
    return max((a[2] - a[0]) / width, (a[3] - a[1]) / height)


VIEW = "(function(){const m=%s; const c=m.getCenter(); return JSON.stringify([c.lat,c.lng,m.getZoom()]);})()"


@pytest.mark.parametrize("sized", [(1366, 768)], indirect=True)
def test_the_area_fits_again_when_the_window_grows_until_the_user_moves_the_map(qtbot, sized):
    w = sized
    run_panel(qtbot, w, "rates")
    small = _fill(qtbot, w)
    assert small > 0.6
    w.resize(1920, 1080)  # maximised: the area fills the larger map again
    qtbot.waitUntil(lambda: _fill(qtbot, w) > 0.6, timeout=10_000)
    # the user pans: from then on the view is theirs, whatever the window does
    pan = "m.panBy([150, 40], {animate: false}); return 1;"
    js(qtbot, w, "(function(){const m=" + find_map() + "; " + pan + "})()")
    qtbot.waitUntil(lambda: js(qtbot, w, "window.hotspotMoved") is True, timeout=5_000)
    lat, lng, zoom = json.loads(js(qtbot, w, VIEW % find_map()))
    w.resize(1366, 768)
    qtbot.wait(800)
    lat2, lng2, zoom2 = json.loads(js(qtbot, w, VIEW % find_map()))
    assert zoom2 == zoom and abs(lat2 - lat) < 1e-3 and abs(lng2 - lng) < 1e-3
