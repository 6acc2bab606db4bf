"""Print maps: checked on their artists, and on the PNG/PDF/SVG files they write."""

from __future__ import annotations

import time

import numpy as np
import pytest
from matplotlib.colors import to_hex
from matplotlib.image import AxesImage
from matplotlib.legend import Legend as MplLegend
from matplotlib_scalebar.scalebar import ScaleBar
from PIL import Image
from pypdf import PdfReader

from hotspot.core.errors import ExportError, HotspotError
from hotspot.maps import layers as L
from hotspot.maps import print_basemap, print_page, print_save, static, style


@pytest.fixture(scope="module")
def kde_fig(density, ctx):
    return static.kde_map(density, ctx)


@pytest.fixture(scope="module")
def gi_fig(gistar, ctx):
    return static.gistar_map(gistar, ctx)


def by_gid(fig, gid):
    return [a for a in fig.findobj() if getattr(a, "get_gid", lambda: None)() == gid]


def text_of(fig, gid) -> str:
    """The artist's text with wrapping undone (line breaks, no-break spaces -> spaces)."""
    found = by_gid(fig, gid)
    assert found, f"no artist with gid {gid!r}"
    return " ".join(found[0].get_text().replace("\u00a0", " ").split())


def map_axes(fig):
    return next(a for a in fig.axes if a.get_gid() == "map")


def legend_texts(fig) -> list[str]:
    out = []
    for leg in fig.findobj(MplLegend):
        out.append(leg.get_title().get_text())
        out += [t.get_text() for t in leg.get_texts()]
    return out


@pytest.fixture(scope="module")
def every_map(density, gistar, stats, bivariate, lsoa_stats, ctx):
    """One figure of each map type (as in ``outputs.maps``)."""
    _, lsoa_table = lsoa_stats
    return {
        "kde": static.kde_map(density, ctx),
        "gistar": static.gistar_map(gistar, ctx),
        "rates": static.rates_map(stats, ctx),
        "change": static.change_map(stats, ctx),
        "clusters": static.clusters_map(bivariate, ctx),
        "bivariate": static.bivariate_map(lsoa_table, ctx),
    }


@pytest.mark.parametrize("kind", sorted(static.MAP_TYPES))
def test_every_map_type_has_the_furniture_of_a_print_map(every_map, wards, kind):
    """Title, subtitle (group, period, source), legend with a title, scale bar, north
    arrow, ward names, borough outline, methods and attributions: on all six types."""
    fig = every_map[kind]
    assert text_of(fig, "title")
    sub = text_of(fig, "subtitle")
    assert "Serious violence" in sub and "12 months to October 2024" in sub
    assert "Data: police.uk" in sub
    ax = map_axes(fig)
    assert [a for a in ax.artists if isinstance(a, ScaleBar)]
    assert by_gid(fig, "north-arrow")
    shown = {a.get_text() for a in by_gid(fig, "area-label") if a.get_visible()}
    assert shown == set(wards["name"])
    texts = legend_texts(fig)
    assert "Borough boundary" in texts and "Wards boundary" in texts
    assert len(text_of(fig, "methods-box").split()) > 8
    attr = text_of(fig, "attribution")
    assert "Open Government Licence v3.0" in attr
    assert "Contains OS data © Crown copyright and database right 2024" in attr
    assert "police.uk" in attr
    # context data are cited where they are mapped, SAMHI only when it is used
    assert ("Indices of Deprivation" in attr) == (kind in ("clusters", "bivariate"))
    assert "SAMHI" not in attr


def test_kde_title_and_subtitle(kde_fig):
    assert text_of(kde_fig, "title") == "Where offences concentrate: kernel density hotspots"
    assert text_of(kde_fig, "subtitle") == (
        "Serious violence · 12 months to October 2024 · Data: police.uk"
    )


def test_scale_bar_is_in_metres_and_the_arrow_points_north(kde_fig):
    ax = map_axes(kde_fig)
    bars = [a for a in ax.artists if isinstance(a, ScaleBar)]
    assert len(bars) == 1 and bars[0].units == "m" and bars[0].dx == 1.0
    (arrow,) = by_gid(kde_fig, "north-arrow")
    assert arrow.get_text() == "N"
    (x_tip, y_tip), (x_tail, y_tail) = arrow.xy, arrow.xyann
    assert x_tip == x_tail and y_tip > y_tail  # straight up the page: BNG north


def test_extent_covers_the_borough_with_square_metres(kde_fig, wards):
    ax = map_axes(kde_fig)
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    xmin, ymin, xmax, ymax = wards.total_bounds
    assert x0 < xmin and x1 > xmax and y0 < ymin and y1 > ymax
    # not zoomed out absurdly: the borough fills most of the frame's width or height
    assert max((xmax - xmin) / (x1 - x0), (ymax - ymin) / (y1 - y0)) > 0.8
    # 1 m east = 1 m north on the page
    bbox = ax.get_position()
    fw, fh = kde_fig.get_size_inches()
    assert (x1 - x0) / (y1 - y0) == pytest.approx((bbox.width * fw) / (bbox.height * fh), rel=1e-6)


def test_kde_legend_has_classes_and_units(kde_fig, density):
    texts = legend_texts(kde_fig)
    thresholds = L.DensitySurface(density).thresholds()
    for label, value in thresholds.items():
        assert f"{label} (≥ {value:,.1f})" in texts
    notes = " ".join(a.get_text() for a in by_gid(kde_fig, "legend-note"))
    assert "offences per km²" in notes
    assert "Wards boundary" in texts and "Borough boundary" in texts


def test_kde_surface_is_drawn_where_the_grid_is(kde_fig, density):
    ax = map_axes(kde_fig)
    images = [a for a in ax.get_images() if isinstance(a, AxesImage)]
    assert len(images) == 1
    layer = L.DensitySurface(density)
    np.testing.assert_array_equal(images[0].get_array(), layer.rgba())
    xmin, xmax, ymin, ymax = images[0].get_extent()
    assert (xmin, ymax) == (density.transform.c, density.transform.f)


def test_methods_box_states_the_parameters(every_map, bivariate):
    kde = text_of(every_map["kde"], "methods-box")
    assert "quartic kernel" in kde and "bandwidth 300 m" in kde and "cell size 50 m" in kde
    assert "1, 2, 3 x the mean of the non-zero cells" in kde  # as the legend's classes
    gi = text_of(every_map["gistar"], "methods-box")
    assert "8 surrounding cells" in gi
    assert "999 conditional permutations (seed 2024)" in gi
    assert "Benjamini-Hochberg FDR correction" in gi
    change = text_of(every_map["change"], "methods-box")
    assert "exact binomial test" in change and "12 months to October 2023" in change
    clusters = text_of(every_map["clusters"], "methods-box")
    assert f"199 permutations (seed {bivariate.seed})" in clusters
    assert "p = 0.000" not in clusters  # tiny p-values read "p < 0.001"


def test_gistar_colours_on_the_map(gi_fig, gistar):
    ax = map_axes(gi_fig)
    faces = {to_hex(c) for coll in ax.collections for c in coll.get_facecolors()}
    present = set(gistar.cells["gi_bin"])
    for b in present:
        assert style.GI_BIN_COLOURS[b] in faces
    texts = legend_texts(gi_fig)
    assert "Getis-Ord Gi* hot and cold spots" in texts
    assert any(t.startswith("Hot spot, 99% confidence") for t in texts)


def test_rates_map_classes_in_legend(stats, ctx):
    fig = static.rates_map(stats, ctx, scheme="equal_interval", k=3)
    layer = L.AreaChoropleth(stats, scheme="equal_interval", k=3)
    texts = legend_texts(fig)
    for label in layer.classes.labels:
        assert label in texts
    assert "Offences per 1,000 residents" in texts
    assert text_of(fig, "title") == "Offences per 1,000 residents by ward"


def test_change_map_needs_a_comparison(stats, ctx):
    fig = static.change_map(stats, ctx)
    assert "compared with 12 months to October 2023" in text_of(fig, "subtitle")
    table = stats.table.drop(columns=["change"])
    with pytest.raises(HotspotError, match="comparison period"):
        static.change_map(table, ctx)


def test_clusters_map_says_to_interpret_with_care(bivariate, ctx):
    fig = static.clusters_map(bivariate, ctx, x_label="violence rate", y_label="IMD score")
    assert " ".join(bivariate.caveat.split()) in text_of(fig, "methods-box")
    n_hh = int((bivariate.local["cluster"] == "High-High").sum())
    assert f"High-High ({n_hh} areas)" in legend_texts(fig)
    assert "Indices of Deprivation" in text_of(fig, "attribution")


def test_samhi_maps_cite_samhi(stats, ctx):
    table = stats.table.assign(samhi_index=[0.1, 1.2, -0.5, 0.8, 1.5, 0.0])
    fig = static.bivariate_map(table, ctx, y="samhi_index", y_label="SAMHI 2022", samhi=True)
    assert "Daras" in text_of(fig, "attribution")
    assert by_gid(fig, "bivariate-legend")


def test_names_cut_by_the_frame_of_a_zoomed_map_are_left_out(wards):
    """Zoomed on one ward, its neighbours' names would be cut at the edge: not drawn."""
    x0, y0 = wards.total_bounds[:2]
    fig = print_page.print_map(
        [L.AreaBoundaries(wards)], title="t", extent=(x0 + 50, y0 + 50, x0 + 1100, y0 + 1100)
    )
    fig.canvas.draw()
    frame = map_axes(fig).get_window_extent()
    labels = by_gid(fig, "area-label")
    shown = [t for t in labels if t.get_visible()]
    assert "Northfield" in {t.get_text() for t in shown}  # the ward in view keeps its name
    assert len(shown) < len(labels)
    for t in shown:
        box = t.get_window_extent()
        assert (
            frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 <= box.y1 <= frame.y1
        )


def test_hidden_layers_are_not_drawn(density, wards):
    fig = print_page.print_map(
        [L.DensitySurface(density, visible=False), L.AreaBoundaries(wards)], title="t"
    )
    assert map_axes(fig).get_images() == []
    assert "Kernel density: hotspot classes" not in legend_texts(fig)


def test_portrait_page(gistar, wards):
    ctx = static.MapContext(wards=wards, page="A4-portrait")
    fig = static.gistar_map(gistar, ctx)
    assert tuple(fig.get_size_inches()) == pytest.approx((8.27, 11.69))


def test_unknown_page_is_refused(wards):
    with pytest.raises(HotspotError, match="page"):
        print_page.print_map([L.AreaBoundaries(wards)], title="t", page="A3")


def test_png_is_a4_at_300_dpi(kde_fig, tmp_path):
    path = print_save.save_figure(kde_fig, tmp_path / "kde.png")
    with Image.open(path) as img:
        assert img.size == (round(11.69 * 300), round(8.27 * 300))
        assert img.info["dpi"] == pytest.approx((300, 300), abs=0.01)


def test_pdf_is_one_a4_page_with_searchable_text(gi_fig, tmp_path):
    path = print_save.save_figure(gi_fig, tmp_path / "gi.pdf")
    reader = PdfReader(path)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx((841.68, 595.44), abs=0.5)
    text = reader.pages[0].extract_text()
    assert "Getis-Ord Gi*" in text
    assert "Open Government Licence" in text
    assert "Hot spot, 99% confidence" in text


def test_svg_keeps_text_as_text(kde_fig, tmp_path):
    path = print_save.save_figure(kde_fig, tmp_path / "kde.svg")
    svg = path.read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml")
    assert "kernel density hotspots" in svg


def test_save_refuses_to_overwrite_and_leaves_no_temp_files(kde_fig, tmp_path):
    target = tmp_path / "map.png"
    target.write_bytes(b"keep me")
    with pytest.raises(ExportError, match="already exists"):
        print_save.save_figure(kde_fig, target)
    assert target.read_bytes() == b"keep me"
    with pytest.raises(ExportError, match="format"):
        print_save.save_figure(kde_fig, tmp_path / "map.tiff")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.png"]


def test_failed_save_leaves_nothing(kde_fig, tmp_path, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(kde_fig, "savefig", boom)
    with pytest.raises(RuntimeError):
        print_save.save_figure(kde_fig, tmp_path / "map.pdf")
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- basemap


def test_basemap_without_network_is_left_out_and_said(density, ctx, monkeypatch):
    def no_network(bounds, timeout):
        raise ConnectionError("Name or service not known")

    monkeypatch.setattr(print_basemap, "fetch_basemap", no_network)
    osm_ctx = static.MapContext(**{**ctx.__dict__, "basemap": "osm"})
    fig = static.kde_map(density, osm_ctx)
    attr = text_of(fig, "attribution")
    assert "Basemap not shown" in attr
    assert "OpenStreetMap contributors" not in attr
    assert len(map_axes(fig).get_images()) == 1  # just the density surface


def test_basemap_gives_up_after_its_timeout(wards, monkeypatch):
    def hangs(bounds, timeout):
        time.sleep(30)

    monkeypatch.setattr(print_basemap, "fetch_basemap", hangs)
    fig = print_page.print_map(
        [L.AreaBoundaries(wards)], title="t", basemap="osm", basemap_timeout=0.2
    )
    assert "could not be fetched (no answer from the tile server within 0.2 s)" in text_of(
        fig, "attribution"
    )


def test_after_a_failure_later_maps_do_not_wait_for_the_basemap(wards, monkeypatch):
    """A briefing pack with no network: the first map tries, the next ones say so at once."""
    calls = []

    def offline(bounds, timeout):
        calls.append(bounds)
        raise ConnectionError("Network is unreachable")

    monkeypatch.setattr(print_basemap, "fetch_basemap", offline)
    monkeypatch.setattr(print_basemap, "_basemap_down", {})
    for _ in range(3):
        fig = print_page.print_map([L.AreaBoundaries(wards)], title="t", basemap="osm")
        assert "Basemap not shown" in text_of(fig, "attribution")
        assert "Network is unreachable" in text_of(fig, "attribution")
    assert len(calls) == 1
    monkeypatch.setattr(print_basemap, "BASEMAP_RETRY_S", 0.0)
    print_page.print_map([L.AreaBoundaries(wards)], title="t", basemap="osm")
    assert len(calls) == 2  # tried again once the pause is over


def test_contextily_path_fails_cleanly_when_the_server_is_unreachable(wards, monkeypatch):
    """The real fetcher, pointed at a closed local port: refused at once, map still made."""
    import xyzservices

    closed = xyzservices.TileProvider(
        name="closed", url="http://127.0.0.1:9/{z}/{x}/{y}.png", attribution="none"
    )
    monkeypatch.setattr(
        print_basemap, "fetch_basemap", lambda b, t: print_basemap._fetch_osm(b, t, source=closed)
    )
    fig = print_page.print_map(
        [L.AreaBoundaries(wards)], title="t", basemap="osm", basemap_timeout=5
    )
    assert "Basemap not shown" in text_of(fig, "attribution")


def test_basemap_is_drawn_under_the_layers_with_its_attribution(wards, monkeypatch):
    from pyproj import Transformer

    def fake_tiles(bounds, timeout):
        w, s, e, n = bounds
        img = np.full((64, 64, 4), 200, dtype=np.uint8)
        return img, (w, e, s, n)

    monkeypatch.setattr(print_basemap, "fetch_basemap", fake_tiles)
    fig = print_page.print_map([L.AreaBoundaries(wards)], title="t", basemap="osm")
    images = map_axes(fig).get_images()
    assert len(images) == 1 and images[0].get_zorder() == 0
    assert "© OpenStreetMap contributors" in text_of(fig, "attribution")
    # the warped tiles cover the map frame (EPSG:27700)
    xmin, xmax, ymin, ymax = images[0].get_extent()
    x0, x1 = map_axes(fig).get_xlim()
    assert xmin <= x0 + 50 and xmax >= x1 - 50
    assert Transformer  # imported for clarity of the CRS story


def test_map_types_are_registered():
    assert set(static.MAP_TYPES) == {"kde", "gistar", "rates", "change", "clusters", "bivariate"}
