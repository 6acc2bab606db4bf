"""Layers panel edits the layer stack; the map view loads pages from hotspot.maps.web."""

from __future__ import annotations

import geopandas as gpd
import pytest
from PySide6.QtCore import Qt
from shapely.geometry import box

from hotspot.ui.layer_stack import LayerEntry, LayerStack
from hotspot.ui.panels.layers import LayersPanel


def _wards() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"code": ["W1", "W2"], "name": ["Northgate", "Southwark Fields"]},
        geometry=[box(530000, 180000, 531000, 181000), box(530000, 179000, 531000, 180000)],
        crs="EPSG:27700",
    )


class _Layer:
    def __init__(self, name):
        self.name, self.visible, self.opacity = name, True, 1.0


def _stack() -> LayerStack:
    s = LayerStack()
    s.put(LayerEntry("boundaries:wards", "Wards", "Boundaries", _Layer("w")))
    s.put(LayerEntry("offences", "Offences", "Offences", _Layer("o")))
    s.put(LayerEntry("result:gistar", "Gi*", "Results", _Layer("g")))
    return s


def test_new_layers_go_on_top_of_their_group_and_results_on_top():
    s = _stack()
    assert s.key_order() == ["result:gistar", "offences", "boundaries:wards"]
    # drawing order is bottom first
    assert [layer.name for layer in s.map_layers()] == ["Wards", "Offences", "Gi*"]


def test_replacing_a_layer_keeps_its_place_visibility_and_opacity():
    s = _stack()
    s.set_visible("offences", False)
    s.set_opacity("offences", 0.4)
    s.move("offences", 1)
    s.put(LayerEntry("offences", "Offences (new)", "Offences", _Layer("o2")))
    assert s.key_order() == ["result:gistar", "boundaries:wards", "offences"]
    e = s.get("offences")
    assert (e.title, e.visible, e.opacity) == ("Offences (new)", False, 0.4)


def test_map_layers_carry_user_state_without_changing_the_originals():
    s = _stack()
    s.set_opacity("result:gistar", 0.25)
    s.set_visible("boundaries:wards", False)
    drawn = {layer.name: layer for layer in s.map_layers()}
    assert drawn["Gi*"].opacity == 0.25 and not drawn["Wards"].visible
    assert s.get("result:gistar").layer.opacity == 1.0


def test_panel_checkbox_slider_and_buttons_edit_the_stack(qtbot):
    s = _stack()
    panel = LayersPanel(s)
    qtbot.addWidget(panel)
    assert panel.list.count() == 3
    item = panel.list.item(1)
    assert item.text().startswith("Offences")
    item.setCheckState(Qt.CheckState.Unchecked)
    assert s.get("offences").visible is False
    panel.list.setCurrentRow(0)
    panel.opacity.setValue(30)
    assert s.get("result:gistar").opacity == pytest.approx(0.3)
    panel.down.click()
    assert s.key_order()[1] == "result:gistar"
    panel.list.setCurrentRow(1)
    panel.remove.click()
    assert s.get("result:gistar") is None
    assert panel.list.count() == 2


def test_map_view_loads_an_offline_page_with_the_layers(qtbot):
    from hotspot.maps.layers import AreaBoundaries
    from hotspot.ui.map_view import MapView, build_page

    view = MapView()
    qtbot.addWidget(view)
    view.resize(600, 400)
    view.show()
    html = build_page([AreaBoundaries(_wards(), name="Wards")], "none")
    assert "https://unpkg" not in html and "cdn.jsdelivr" not in html
    with qtbot.waitSignal(view.page_loaded, timeout=20000) as blocker:
        view.show_html(html)
    assert blocker.args == [True]
    got = {}
    view.run_js(
        "(function(){let n=0; for (const k of Object.keys(window)) {"
        " if (k.startsWith('map_') && window[k] instanceof L.Map) {"
        "  window[k].eachLayer(l => { if (l.feature) n++; }); }} return n;})()",
        lambda r: got.setdefault("features", r),
    )
    qtbot.waitUntil(lambda: "features" in got, timeout=10000)
    assert got["features"] == 2  # both ward polygons are on the map
    names = {}
    view.run_js(
        "Array.from(document.querySelectorAll('.leaflet-control-layers-overlays span'))"
        ".map(s => s.textContent.trim()).join('|')",
        lambda r: names.setdefault("overlays", r),
    )
    qtbot.waitUntil(lambda: "overlays" in names, timeout=10000)
    assert "Wards" in names["overlays"].split("|")


def test_closing_while_a_map_refresh_is_pending_raises_nothing(qtbot, monkeypatch):
    """The page's answer to "which view should the next page keep?" can arrive after the
    window has let go of its web view (closing); it raised AttributeError: 'NoneType'
    object has no attribute 'load'."""
    from hotspot.maps.layers import AreaBoundaries
    from hotspot.ui.map_view import MapView, build_page

    view = MapView()
    qtbot.addWidget(view)
    view.resize(600, 400)
    view.show()
    html = build_page([AreaBoundaries(_wards(), name="Wards")], "none")
    with qtbot.waitSignal(view.page_loaded, timeout=20000):
        view.show_html(html)
    questions = []

    class Page:  # holds the question until the test answers it
        def runJavaScript(self, script, world, answer):  # noqa: N802 - Qt's name
            questions.append(answer)

    monkeypatch.setattr(view.web, "page", Page)
    view.show_html(html.replace("Wards", "Wards again"), keep_view=True)  # asks the page
    monkeypatch.undo()
    assert len(questions) == 1
    view.dispose()  # the window closes
    questions[0]([51.5, -0.1, 14.0])  # and then the answer comes
    assert view.web is None and view.loaded_html == html
