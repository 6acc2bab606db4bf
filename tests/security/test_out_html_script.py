"""No script from data in the HTML map: every name, label, layer name and title is text.

The page is opened in Debian's Chromium (network blocked) and in the window's
QtWebEngine map view; every layer is switched on and every feature hovered and
clicked. An injected handler would set ``window.__pwned``; an injected element
would appear in a tooltip, the layer control or a label.
"""

from __future__ import annotations

import json
import types

import geopandas as gpd
import pandas as pd
import pytest
from _chromium import needs_chromium
from _outsec_corpus import (
    HOSTILE_TITLE,
    HOVER_JS,
    MATH_NAMES,
    SCRIPT_NAMES,
    VERDICT_JS,
    hover_in_chromium,
)
from shapely.geometry import box

from hotspot.maps import layers as L
from hotspot.maps import web, web_html

X0, Y0 = 530000.0, 180000.0
NAMES = SCRIPT_NAMES + MATH_NAMES[:1]


def _areas() -> gpd.GeoDataFrame:
    n = len(NAMES)
    return gpd.GeoDataFrame(
        {
            "code": [f"E0590{i:04d}" for i in range(n)],
            "name": NAMES,
            "count": [3, 40, 12, 55, 8, 21][:n],
            "rate": [1.5, 20.0, 6.0, 27.5, 4.0, 10.5][:n],
            "change": [-2, 5, 0, 7, -1, 3][:n],
            "cluster": [
                "High-High",
                "Low-Low",
                "Not significant",
                "High-Low",
                "Low-High",
                "High-High",
            ][:n],
            "local_i": [0.5] * n,
            "p_value": [0.01] * n,
        },
        geometry=[box(X0 + i * 400, Y0, X0 + i * 400 + 400, Y0 + 400) for i in range(n)],
        crs="EPSG:27700",
    )


def _hostile_layers() -> list[L.MapLayer]:
    areas = _areas()
    cells = areas[["name", "count", "geometry"]].rename(columns={"count": "n"})
    cells["gi_bin"] = [3, 2, 0, -1, -3, 1][: len(cells)]
    cells["gi_z"] = 2.5
    cells["p_value"] = 0.01
    gistar = types.SimpleNamespace(cells=cells, params=None)
    bivariate = types.SimpleNamespace(local=areas, params=None, x="rate", y="imd_score")
    points = gpd.GeoDataFrame(
        {"category": NAMES, "month": pd.to_datetime(["2024-01-01"] * len(NAMES))},
        geometry=gpd.points_from_xy(X0 + 200 + 400 * pd.RangeIndex(len(NAMES)), [Y0 + 600.0] * 6),
        crs="EPSG:27700",
    )
    return [
        L.GiStarCells(gistar, name=SCRIPT_NAMES[1]),
        L.AreaChoropleth(areas, column="rate", name=SCRIPT_NAMES[0], visible=False),
        L.ClusterMap(bivariate, name="Clusters " + SCRIPT_NAMES[2], visible=False),
        L.OffencePoints(points, name=SCRIPT_NAMES[3], single_from_zoom=1, visible=False),
        L.AreaBoundaries(areas, name="Wards " + SCRIPT_NAMES[4]),
    ]


def _check(hover: dict, verdict: dict, layers: list[L.MapLayer], *, titled: bool = True) -> None:
    assert verdict["pwned"] == 0, "a name ran as script"
    assert verdict["handlers"] == [], "an element with an injected event handler exists"
    assert verdict["injected"] == 0, "a name became markup"
    assert hover["hovered"] >= 4 * len(NAMES)  # every shape of every layer, and the points
    shown = "\n".join(hover["tooltips"])
    for name in NAMES:  # each name shown as the characters it holds
        assert name in shown, name
    assert sorted(hover["controls"]) == sorted(f" {layer.name}" for layer in layers)
    assert sorted(hover["labels"]) == sorted(NAMES)
    if titled:
        assert HOSTILE_TITLE.split("\n")[0] in hover["title"]
    else:  # the window's map: no title box, the subtitle heads the legend
        assert hover["title"] == "" and SCRIPT_NAMES[0] in hover["legend"]
    assert f"Wards {SCRIPT_NAMES[4]} boundary" in hover["legend"]


@pytest.mark.browser
@needs_chromium
def test_hostile_names_are_shown_as_text_in_chromium(tmp_path):
    layers = _hostile_layers()
    m = web.build_map(layers, title=HOSTILE_TITLE, subtitle=SCRIPT_NAMES[0])
    report = hover_in_chromium(web_html.render_html(m), tmp_path)
    _check(report["hover"], report["verdict"], layers)


def test_the_window_map_page_shows_hostile_names_as_text(qtbot):
    """The window's map view renders the same layers through the same page builder."""
    pytest.importorskip("PySide6.QtWebEngineWidgets", reason="QtWebEngine is not installed")
    from hotspot.ui.map_view import MapView, build_page

    layers = _hostile_layers()
    view = MapView()
    qtbot.addWidget(view)
    view.resize(1200, 800)
    view.show()
    html = build_page(layers, "none", title=HOSTILE_TITLE, subtitle=SCRIPT_NAMES[0])
    with qtbot.waitSignal(view.page_loaded, timeout=30000) as blocker:
        view.show_html(html)
    assert blocker.args == [True]
    got: dict[str, str] = {}
    view.run_js(HOVER_JS, lambda r: got.setdefault("hover", r))
    qtbot.waitUntil(lambda: "hover" in got, timeout=20000)
    qtbot.wait(1500)  # image errors and SVG loads would fire meanwhile
    view.run_js(VERDICT_JS, lambda r: got.setdefault("verdict", r))
    qtbot.waitUntil(lambda: "verdict" in got, timeout=20000)
    _check(json.loads(got["hover"]), json.loads(got["verdict"]), layers, titled=False)
    view.dispose()
