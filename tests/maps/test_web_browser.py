"""The offline HTML map opened in a real headless Chromium with networking blocked."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from _chromium import dump_dom, needs_chromium

from hotspot.maps import layers as L
from hotspot.maps import web, web_html

pytestmark = [pytest.mark.browser, needs_chromium]


# Chromium's own background requests (clock, updates, accounts), not the page's
BROWSER_HOSTS = ("google.com", "googleapis.com", "gvt1.com", "gstatic.com")


def network_requests(net_log: Path) -> list[str]:
    """Every http(s) address the page asked for, from Chromium's network log."""
    text = net_log.read_text(encoding="utf-8", errors="replace") if net_log.exists() else ""
    urls = {json.loads(f'"{u}"') for u in re.findall(r'"url":"((?:[^"\\]|\\.)*)"', text)}
    return sorted(
        u
        for u in urls
        if u.startswith(("http://", "https://", "ws://", "wss://"))
        and not (urlsplit(u).hostname or "").endswith(BROWSER_HOSTS)
    )


def open_in_chromium(html: str, tmp_path: Path) -> tuple[str, str, list[str]]:
    """Load the page from a file with the network blocked.

    Returns the DOM after the scripts ran, the browser's log and the network
    addresses the page asked for (each refused: every request goes to a proxy on a
    closed port, and loopback is not exempt).
    """
    page = tmp_path / "map.html"
    page.write_text(html, encoding="utf-8")
    net_log = tmp_path / "net-log.json"
    done = dump_dom(page, tmp_path, f"--log-net-log={net_log}", "--enable-logging=stderr", "--v=0")
    return done.stdout, done.stderr, network_requests(net_log)


def console_errors(log: str) -> list[str]:
    return [line for line in log.splitlines() if "CONSOLE" in line and "Uncaught" in line]


@pytest.fixture(scope="module")
def map_layers(density, gistar, stats, bivariate, wards):
    return [
        L.DensitySurface(density),
        L.GiStarCells(gistar, visible=False),
        L.AreaChoropleth(stats, column="rate", visible=False),
        L.ClusterMap(bivariate, visible=False),
        L.AreaBoundaries(wards, name="Wards"),
    ]


@pytest.fixture(scope="module")
def rendered(map_layers, tmp_path_factory):
    html = web_html.render_html(web.build_map(map_layers, title="Serious violence"))
    return open_in_chromium(html, tmp_path_factory.mktemp("chromium"))


def test_the_check_would_catch_a_page_that_needs_the_network(tmp_path):
    """The same harness on a page that loads Leaflet from a CDN: it fails and is seen."""
    cdn = (
        '<html><head><script src="https://unpkg.com/leaflet@1.9.4/dist/leaflet.js"></script>'
        '</head><body><div id="m"></div><script>L.map("m");</script></body></html>'
    )
    dom, log, requests = open_in_chromium(cdn, tmp_path)
    assert requests == ["https://unpkg.com/leaflet@1.9.4/dist/leaflet.js"]
    assert any("L is not defined" in line for line in console_errors(log))
    assert "leaflet-container" not in dom


def test_map_renders_offline(rendered, wards):
    dom, log, requests = rendered
    assert requests == []  # the page asks the network for nothing
    assert console_errors(log) == []
    assert "leaflet-container" in dom
    # every ward is drawn as an interactive SVG path
    assert dom.count("leaflet-interactive") >= len(wards)
    # the density surface is drawn from an inlined image
    assert re.search(r'<img[^>]*hotspot-raster[^>]*src="data:image/png;base64,', dom)


def test_layer_control_lists_every_layer(rendered, map_layers):
    dom, _, _ = rendered
    names = re.findall(r'leaflet-control-layers-selector"[^>]*><span> ([^<]*)</span>', dom)
    assert names == [layer.name for layer in map_layers]
    boxes = re.findall(
        r'<input type="checkbox" class="leaflet-control-layers-selector"( checked="")?>', dom
    )
    assert [bool(b) for b in boxes] == [layer.visible for layer in map_layers]


def test_legends_follow_visible_layers(rendered):
    dom, _, _ = rendered
    assert "hotspot-legend" in dom
    assert "Kernel density: hotspot classes" in dom
    # the Gi* legend is there but hidden while its layer is off
    gi = re.search(
        r'<div class="lg-block" id="[^"]+"( style="display:\s*none;?")?><div class="lg-title">Getis-Ord Gi\*',
        dom,
    )
    assert gi and gi.group(1), "the hidden Gi* layer's legend should start hidden"


def test_ward_names_and_attribution_are_shown(rendered, wards):
    dom, _, _ = rendered
    for name in wards["name"]:
        assert f'class="hotspot-label">{name}<' in dom
    assert "Open Government Licence v3.0" in dom
    assert "Serious violence" in dom


def test_osm_basemap_page_still_renders_without_network(map_layers, tmp_path, wards):
    html = web_html.render_html(web.build_map(map_layers[-1:], basemap="osm"))
    dom, log, requests = open_in_chromium(html, tmp_path)
    assert requests, "Leaflet should have asked for tiles"
    assert {urlsplit(u).hostname for u in requests} == {"tile.openstreetmap.org"}
    assert console_errors(log) == []
    assert "leaflet-container" in dom
    assert dom.count("leaflet-interactive") >= len(wards)
    assert "OpenStreetMap" in dom


def test_offence_points_are_clustered(points, wards, tmp_path):
    layers = [L.AreaBoundaries(wards), L.OffencePoints(points, visible=True)]
    dom, log, requests = open_in_chromium(web_html.render_html(web.build_map(layers)), tmp_path)
    assert requests == []
    assert console_errors(log) == []
    clusters = re.findall(r'marker-cluster[^"]*"[^>]*><div><span>(\d+)</span>', dom)
    assert clusters, "no marker clusters drawn"
    assert sum(int(n) for n in clusters) <= len(points)
