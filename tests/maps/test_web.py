"""The offline interactive map: HTML with no CDN, layers, legends, tooltips, alignment."""

from __future__ import annotations

import re

import folium
import numpy as np
import pytest
from pyproj import Transformer

from hotspot.core.errors import ExportError, HotspotError
from hotspot.maps import layers as L
from hotspot.maps import web, web_html

SRC_RE = re.compile(r"<(?:script|img|iframe)[^>]*\ssrc=[\"']([^\"']+)", re.IGNORECASE)
HREF_RE = re.compile(r"<link[^>]*\shref=[\"']([^\"']+)", re.IGNORECASE)


def remote_refs(html: str) -> list[str]:
    """Every script/img/iframe src and link href that points at the network."""
    refs = SRC_RE.findall(html) + HREF_RE.findall(html)
    return [r for r in refs if r.lower().startswith(("http://", "https://", "//"))]


@pytest.fixture(scope="module")
def all_layers(density, gistar, stats, bivariate, wards):
    return [
        L.DensitySurface(density),
        L.GiStarCells(gistar, visible=False),
        L.AreaChoropleth(stats, column="rate", visible=False),
        L.ClusterMap(bivariate, visible=False),
        L.AreaBoundaries(wards, name="Wards"),
    ]


@pytest.fixture(scope="module")
def html(all_layers):
    return web_html.render_html(web.build_map(all_layers, title="Serious violence"))


def test_page_has_no_remote_script_or_stylesheet(html):
    assert remote_refs(html) == []
    # folium's CDN defaults are gone, not just moved
    for cdn in ("cdn.jsdelivr.net", "code.jquery.com", "cdnjs.cloudflare.com", "bootstrapcdn"):
        assert cdn not in html


def test_leaflet_is_inlined_with_its_images(html):
    assert "Leaflet 1.9.4" in html  # the preserved header of leaflet.js
    assert ".leaflet-container" in html  # leaflet.css
    assert "url(images/" not in html  # CSS images became data URIs
    assert "sourceMappingURL" not in html
    assert "bootstrap" not in html.lower().split("<body")[0]


def test_every_layer_is_in_the_layer_control(html, all_layers):
    control = html[html.index("L.control.layers") - 2000 :]
    for layer in all_layers:
        assert f'"{layer.name}"' in control, layer.name


def test_legends_and_attributions_are_in_the_page(html):
    assert "Hot spot, 99% confidence" in html
    assert "FDR-corrected" in html
    assert "High-High" in html
    assert "Open Government Licence v3.0" in html
    assert "Crown copyright and database right" in html


def test_tooltips_carry_the_documented_fields(html):
    for alias in ("Offences", "Gi* z", "FDR-adjusted p", "Class", "Rate per 1,000", "Cluster"):
        assert alias in html, alias


def test_offence_points_only_when_asked(all_layers, points):
    html = web_html.render_html(web.build_map(all_layers))
    assert "markerClusterGroup" not in html
    with_points = web_html.render_html(web.build_map([*all_layers, L.OffencePoints(points)]))
    assert "markerClusterGroup" in with_points
    assert "leaflet.markercluster" in with_points.lower() or "MarkerClusterGroup" in with_points
    assert remote_refs(with_points) == []


def test_osm_basemap_is_the_only_network_address(all_layers):
    html = web_html.render_html(web.build_map(all_layers, basemap="osm"))
    assert remote_refs(html) == []  # tiles are requested by Leaflet, not by a tag
    assert web.OSM_URL in html
    assert "OpenStreetMap" in html
    none = web_html.render_html(web.build_map(all_layers, basemap="none"))
    assert "tile.openstreetmap.org" not in none


def test_unknown_basemap_is_refused(all_layers):
    with pytest.raises(HotspotError, match="basemap"):
        web.build_map(all_layers, basemap="satellite")


def test_element_needing_an_unbundled_cdn_script_is_refused(all_layers):
    from folium.plugins import Fullscreen

    m = web.build_map(all_layers[:1])
    Fullscreen().add_to(m)
    with pytest.raises(ExportError, match="no offline copy"):
        web_html.render_html(m)


def test_every_page_carries_leaflet_itself_and_links_no_file(all_layers):
    """The window's page as well as map.html: a page allowed to reach tile servers cannot
    load scripts from file:// URLs, so nothing may be linked, not even locally."""
    html = web_html.render_html(web.build_map(all_layers[:1]))
    refs = SRC_RE.findall(html) + HREF_RE.findall(html)
    assert [r for r in refs if r.startswith("file:")] == []
    assert "<script src=" not in html and '<link rel="stylesheet"' not in html
    assert "L.map" in html or "L.Map" in html  # Leaflet's own code is in the page
    assert remote_refs(html) == []


def test_render_twice_gives_one_copy_of_leaflet(all_layers):
    m = web.build_map(all_layers[:1])
    web_html.render_html(m)
    html = web_html.render_html(m)
    assert html.count("Leaflet 1.9.4") == 1


def test_opens_on_the_layers_extent(wards):
    m = web.build_map([L.AreaBoundaries(wards)])
    html = web_html.render_html(m)
    (south, west), (north, east) = _fit_bounds(html)
    to_ll = Transformer.from_crs(27700, 4326, always_xy=True)
    xmin, ymin, xmax, ymax = wards.total_bounds
    lon, lat = to_ll.transform((xmin + xmax) / 2, (ymin + ymax) / 2)
    assert south < lat < north and west < lon < east
    assert north - south < 0.05  # a 2 km block, not the whole of London


def _fit_bounds(html: str):
    page_script = html[html.rindex("<script>") :]  # the map's own script, after the libraries
    m = re.findall(
        r"\.fitBounds\(\s*\[\[([-\d.]+),\s*([-\d.]+)\],\s*\[([-\d.]+),\s*([-\d.]+)\]\]",
        page_script,
    )
    assert m, "the map does not open on the data"
    a, b, c, d = map(float, m[-1])
    return (a, b), (c, d)


def test_density_raster_is_reprojected_in_place(density):
    """The hottest pixel of the Web Mercator image sits where the hottest BNG cell is."""
    layer = L.DensitySurface(density, display="continuous")
    rgba, ((south, west), (north, east)) = layer.to_web_mercator()
    # reference: the BNG peak cell centre, transformed with pyproj
    v = density.values
    r, c = np.unravel_index(np.nanargmax(v), v.shape)
    t = density.transform
    x, y = t.c + (c + 0.5) * t.a, t.f + (r + 0.5) * t.e
    lon_ref, lat_ref = Transformer.from_crs(27700, 4326, always_xy=True).transform(x, y)
    # the darkest (highest) pixel of the warped image: lowest green channel where drawn
    drawn = rgba[..., 3] > 0
    g = np.where(drawn, rgba[..., 1].astype(int), 999)
    rows, cols = np.nonzero(g == g.min())
    merc = Transformer.from_crs(4326, 3857, always_xy=True)
    (x0, y0), (x1, y1) = merc.transform(west, south), merc.transform(east, north)
    h, w = drawn.shape
    mx = x0 + (cols.mean() + 0.5) * (x1 - x0) / w
    my = y1 - (rows.mean() + 0.5) * (y1 - y0) / h
    lon, lat = Transformer.from_crs(3857, 4326, always_xy=True).transform(mx, my)
    fwd = Transformer.from_crs(4326, 27700, always_xy=True)
    dx = np.subtract(fwd.transform(lon, lat), fwd.transform(lon_ref, lat_ref))
    assert np.hypot(*dx) < 3 * t.a  # within a few 50 m cells (the peak is a small plateau)
    # NaN cells outside the study area stay transparent: the north-west corner
    assert rgba[0, 0, 3] == 0


def test_density_bounds_cover_the_grid(density):
    layer = L.DensitySurface(density)
    _, ((south, west), (north, east)) = layer.to_web_mercator()
    to_ll = Transformer.from_crs(27700, 4326, always_xy=True)
    xmin, ymin, xmax, ymax = layer.bounds()
    tol = 5e-5  # degrees, about 4 m: a tenth of a cell (the warp rounds its pixel count)
    for x, y in ((xmin, ymin), (xmin, ymax), (xmax, ymin), (xmax, ymax)):
        lon, lat = to_ll.transform(x, y)
        assert south - tol <= lat <= north + tol
        assert west - tol <= lon <= east + tol


def test_write_html_is_atomic_and_refuses_to_overwrite(tmp_path, wards):
    m = web.build_map([L.AreaBoundaries(wards)])
    out = web_html.write_html(m, tmp_path / "map.html")
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    with pytest.raises(ExportError, match="already exists"):
        web_html.write_html(m, tmp_path / "map.html")
    web_html.write_html(m, tmp_path / "map.html", overwrite=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.html"]


def test_web_assets_are_shipped_with_licences():
    root = web_html.web_assets_dir()
    for rel in (
        "leaflet/leaflet.js",
        "leaflet/leaflet.css",
        "leaflet/LICENSE",
        "leaflet/images/layers.png",
        "leaflet.markercluster/leaflet.markercluster.js",
        "leaflet.markercluster/MIT-LICENCE.txt",
    ):
        assert (root / rel).is_file(), rel


def test_folium_class_defaults_are_left_alone(all_layers):
    web_html.render_html(web.build_map(all_layers[:1]))
    assert any(name == "leaflet" for name, _ in folium.Map.default_js)


def test_run_map_has_no_offence_points_unless_asked(
    density, gistar, stats, bivariate, wards, points
):
    """``hotspot run`` / Export: aggregated results only; one result shown on opening."""
    from types import SimpleNamespace

    from hotspot.pipeline import web_layers

    ws = SimpleNamespace(lsoas=None, wards=wards, outline=wards.dissolve())
    results = {"kde": density, "gistar": gistar, "rates": stats, "bivariate": bivariate}
    layers = web_layers(ws, results)
    assert not any(isinstance(layer, L.OffencePoints) for layer in layers)
    html = web_html.render_html(web.build_map(layers))
    assert "markerClusterGroup" not in html
    shown = [layer.name for layer in layers if layer.visible]
    assert shown == ["Kernel density hotspots", "Wards", "Borough outline"]
    clusters = next(layer for layer in layers if isinstance(layer, L.ClusterMap))
    assert "offence rate against neighbours' deprivation" in clusters.legend().note
    with_points = web_layers(ws, results, points=points)
    assert isinstance(with_points[0], L.OffencePoints) and not with_points[0].visible
