"""Reference layers, hot spot zones and named areas on the print maps and the web map."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from hotspot.maps import layers as L
from hotspot.maps import print_page, static, web, web_html
from hotspot.maps.reference import WEB_VERTICES, ReferenceMap, road_labels
from hotspot.model.reference import ReferenceLayer

X0, Y0 = 530_000.0, 170_000.0


def network(n_streets: int = 60, seed: int = 2) -> ReferenceLayer:
    """A 10 km square: one long A road across it and short named local streets."""
    rng = np.random.default_rng(seed)
    lines = [shapely.LineString([(X0, Y0 + 5_000), (X0 + 10_000, Y0 + 5_200)])]
    names, kinds = ["Main Road"], ["A Road"]
    for i in range(n_streets):
        x, y = rng.uniform(X0 + 500, X0 + 9_500), rng.uniform(Y0 + 500, Y0 + 9_500)
        lines.append(shapely.LineString([(x, y), (x + 250, y + 60)]))
        names.append(f"Sorrel Street {i}")
        kinds.append("Unclassified")
    lines.append(shapely.LineString([(X0 + 4_000, Y0 + 4_300), (X0 + 4_320, Y0 + 4_300)]))
    names.append("Near Lane")
    kinds.append("Unclassified")
    from hotspot.model.reference import road_rank

    gdf = gpd.GeoDataFrame(
        {"name": names, "kind": kinds, "rank": [road_rank(k) for k in kinds]},
        geometry=lines,
        crs="EPSG:27700",
    )
    return ReferenceLayer(gdf, "lines", label="Roads")


def _map(layers, extent):
    fig = print_page.print_map(layers, title="t", extent=extent)
    ax = next(a for a in fig.axes if a.get_gid() == "map")
    return fig, ax


def test_road_names_follow_the_scale():
    ref = ReferenceMap(network())
    fig, ax = _map([ref], (X0, Y0, X0 + 10_000, Y0 + 10_000))
    borough = {t.get_text() for t in ax.texts if t.get_gid() == "road-label"}
    assert borough == {"Main Road"}  # local streets are too short for their names here
    fig, ax = _map([ref], (X0 + 3_800, Y0 + 4_200, X0 + 4_800, Y0 + 5_200))
    ward = [t for t in ax.texts if t.get_gid() == "road-label"]
    assert "Near Lane" in {t.get_text() for t in ward}
    # names run along their road: the A road rises 200 m in 10 km
    main = next(t for t in ward if t.get_text() == "Main Road")
    assert main.get_rotation() == pytest.approx(np.degrees(np.arctan2(200, 10_000)), abs=0.5)
    # no two names overlap on the page
    r = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(r) for t in ward]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b)


def test_labels_for_a_map_of_a_few_streets_are_placed_inside_it():
    gdf = network().gdf
    box = (X0 + 3_800, Y0 + 3_900, X0 + 4_800, Y0 + 4_900)
    for x, y, angle, _ in road_labels(gdf, box, points_per_metre=0.4):
        assert box[0] <= x <= box[2] and box[1] <= y <= box[3]
        assert -90 < angle <= 90  # upright


def test_reference_layers_are_drawn_beneath_the_results_and_major_roads_emphasised(gistar):
    ref = ReferenceMap(network())
    view = (X0 + 4_000, Y0 + 2_000, X0 + 10_000, Y0 + 6_000)  # the A road and the cells
    fig, ax = _map([ref, L.GiStarCells(gistar, show_not_significant=False)], view)
    roads = {c.get_gid(): c for c in ax.collections if str(c.get_gid()).startswith("reference")}
    cells = [c for c in ax.collections if c.get_gid() is None]
    assert roads and cells
    assert max(c.get_zorder() for c in roads.values()) < min(c.get_zorder() for c in cells)
    major, local = roads["reference-roads-1"], roads["reference-roads-4"]
    assert major.get_linewidth()[0] > local.get_linewidth()[0]
    assert major.get_zorder() > local.get_zorder()


def test_a_large_layer_sends_the_web_map_only_what_it_can_draw():
    rng = np.random.default_rng(5)
    n = 40_000
    x, y = rng.uniform(X0, X0 + 9_000, n), rng.uniform(Y0, Y0 + 9_000, n)
    t = np.linspace(0, 1, 8)
    lines = shapely.linestrings(np.stack([x[:, None] + 80 * t, y[:, None] + 5 * np.sin(9 * t)], -1))
    rank = np.where(np.arange(n) < 500, 1, 4)
    gdf = gpd.GeoDataFrame({"name": "", "kind": "", "rank": rank}, geometry=lines, crs="EPSG:27700")
    ref = ReferenceMap(ReferenceLayer(gdf, "lines", label="Roads"))
    light = ref.for_web()
    kept = light._gdf
    assert shapely.get_num_coordinates(kept.geometry.values).sum() <= WEB_VERTICES
    assert set(kept["rank"]) == {1}  # local streets left out of the web map
    assert "print maps draw them all" in light.legend().note
    small = ReferenceMap(network())
    assert small.for_web() is small  # a small layer goes as it is


def test_zones_are_numbered_and_explained_on_the_web_map(gistar, wards):
    from hotspot.analysis.zones import gistar_zones
    from hotspot.maps.zone_layers import ZoneOutlines

    hot = gistar.cells[gistar.cells["gi_bin"].to_numpy() > 0]
    pts = gpd.GeoDataFrame(
        {"location": ["On or near Market Street"] * len(hot)},
        geometry=hot.geometry.centroid.values,
        crs="EPSG:27700",
    )
    zones = gistar_zones(gistar, pts, min_bin=1, wards=wards)
    assert len(zones.zones)
    layer = ZoneOutlines(zones)
    assert [text for *_, text in layer.labels()] == [str(z) for z in zones.zones["zone"]]
    html = web_html.render_html(web.build_map([L.GiStarCells(gistar), layer]))
    assert "hotspot-zone-label" in html and "Streets and places" in html
    assert "Market Street (" in html
    fig = static.gistar_map(gistar, static.MapContext(wards=wards), zones=zones)
    ax = next(a for a in fig.axes if a.get_gid() == "map")
    numbers = [
        t.get_text() for t in ax.texts if t.get_gid() == "zone-label" and t.get_text().isdigit()
    ]
    assert numbers == [str(z) for z in zones.zones["zone"]]


def test_a_town_centre_under_a_hot_spot_shows_its_outline_over_the_results(gistar):
    # a town centre exactly where the Gi* cells are: its fill lies beneath them, but its
    # dashed outline is drawn over the cells and the boundaries, and the legend says so
    cells = gistar.cells.geometry
    x0, y0, x1, y1 = cells.total_bounds
    centre = shapely.box(x0 + 0.3 * (x1 - x0), y0 + 0.3 * (y1 - y0), x0 + 0.6 * (x1 - x0), y1)
    areas = gpd.GeoDataFrame({"name": ["High Street"]}, geometry=[centre], crs="EPSG:27700")
    ref = ReferenceMap(ReferenceLayer(areas, "polygons", label="Town centres"))
    outline = gpd.GeoDataFrame({"code": ["B"], "name": ["Borough"]}, geometry=[cells.union_all()])
    outline = outline.set_crs(27700)
    layers = [ref, L.GiStarCells(gistar, show_not_significant=False), L.AreaBoundaries(outline)]
    fig, ax = _map(layers, (x0, y0, x1, y1))
    by_gid = {c.get_gid(): c for c in ax.collections}
    fill, edge = by_gid["reference-areas"], by_gid["reference-area-outlines"]
    others = [c for c in ax.collections if not str(c.get_gid()).startswith("reference")]
    assert others
    assert fill.get_zorder() < min(c.get_zorder() for c in others)
    assert edge.get_zorder() > max(c.get_zorder() for c in others)
    assert edge.get_facecolor().size == 0 or edge.get_facecolor()[0][3] == 0  # outline only
    labels = [t for t in ax.texts if t.get_zorder() > 0]
    assert all(edge.get_zorder() < t.get_zorder() for t in labels if t.get_gid() != "road-label")
    legend = ref.legend()
    assert [e.kind for e in legend.entries] == ["area"]
