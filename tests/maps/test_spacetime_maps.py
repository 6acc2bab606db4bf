"""Emerging hot spot and evaluation maps, charts and briefing pages (checked on artists)."""

from __future__ import annotations

import warnings

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import pytest
import shapely

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402

from hotspot.analysis.emerging import EmergingParams, run_emerging  # noqa: E402
from hotspot.analysis.evaluation import EvaluationParams, run_evaluation  # noqa: E402
from hotspot.maps import static, web, web_html  # noqa: E402
from hotspot.maps.spacetime_layers import (  # noqa: E402
    EMERGING_COLOURS,
    EmergingCells,
    StabilityCells,
)
from hotspot.maps.spacetime_pages import (  # noqa: E402
    category_sentences,
    emerging_map,
    emerging_section,
    evaluation_section,
    plot_capture,
    stability_map,
)
from hotspot.model import Period  # noqa: E402

BOX = shapely.box(530_000, 170_000, 533_000, 173_000)


def _points():
    rng = np.random.default_rng(2)
    frames = []
    months = pd.period_range("2023-10", periods=24, freq="M").to_timestamp()
    for i, m in enumerate(months):
        xy = rng.uniform([530_000, 170_000], [533_000, 173_000], size=(250, 2))
        xy = np.vstack([xy, rng.normal([531_050, 171_050], 30, size=(18, 2))])  # persistent
        xy = np.vstack([xy, rng.normal([532_350, 172_350], 30, size=(i, 2))])  # growing
        frames.append(pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1], "month": m}))
    df = pd.concat(frames, ignore_index=True)
    return gpd.GeoDataFrame(df[["month"]], geometry=gpd.points_from_xy(df.x, df.y), crs=27700)


@pytest.fixture(scope="module")
def results():
    pts = _points()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        em = run_emerging(pts, EmergingParams(cell_size=100.0), study_area=BOX)
        ev = run_evaluation(
            pts,
            EvaluationParams(factors=(0.5, 1.0, 2.0)),
            period=Period.months_to("2025-09", 12),
            study_area=BOX,
        )
    return em, ev


@pytest.fixture
def ctx():
    outline = gpd.GeoDataFrame({"name": ["Box"]}, geometry=[BOX], crs=27700)
    return static.MapContext(offence_group="Violence", period="12 months", outline=outline)


def test_emerging_layer_colours_each_pattern_and_leaves_no_pattern_out(results):
    em, _ = results
    layer = EmergingCells(em)
    f = layer.features()
    shown = em.locations[em.locations["pattern"] != "no pattern detected"]
    assert len(f) == len(shown) > 0
    assert list(f["_fill"]) == [EMERGING_COLOURS[p] for p in shown["pattern"]]
    legend = layer.legend()
    labels = [e.label for e in legend.entries]
    assert any(label.startswith("Persistent hot spot (") for label in labels)
    assert "24 months, 2023-10 to 2025-09" in legend.note and "FDR-corrected" in legend.note
    assert ("tt_class", "Pattern") in layer.tooltip()


def test_emerging_print_map_and_web_map(results, ctx):
    em, _ = results
    fig = emerging_map(em, ctx)
    assert isinstance(fig, Figure)
    title = next(t.get_text() for t in fig.texts if t.get_gid() == "title")
    assert title.startswith("Emerging hot spots")
    subtitle = next(t.get_text() for t in fig.texts if t.get_gid() == "subtitle")
    assert "24 months, 2023-10 to 2025-09" in subtitle and "12 months" not in subtitle
    html = web_html.render_html(web.build_map([EmergingCells(em)]))
    assert "Persistent hot spot" in html


def test_capture_chart_draws_each_method_and_the_best_possible(results):
    _, ev = results
    fig = Figure()
    ax = fig.add_subplot()
    plot_capture(ax, ev)
    labels = [line.get_label() for line in ax.get_lines() if not line.get_label().startswith("_")]
    assert labels == ["Kernel density", "Best possible", "Gi*"]
    kde = ax.get_lines()[0]
    np.testing.assert_allclose(
        kde.get_ydata(), ev.capture.loc[ev.capture["method"] == "Kernel density", "captured"] * 100
    )
    assert ax.get_xlim() == (0.0, 25.0)


def test_stability_layer_and_map(results, ctx):
    _, ev = results
    layer = StabilityCells(ev)
    f = layer.features()
    assert set(f["tt_class"]) <= {
        "Hot under every setting",
        "Hot under most settings",
        "Hot under few settings",
    }
    assert len(f) == int((ev.stability_cells["agreement"] != "none").sum())
    assert "× 0.5, 1, 2" in layer.legend().note
    assert isinstance(stability_map(ev, ctx), Figure)


def test_briefing_sections_carry_pages_key_figures_and_every_category(results):
    em, ev = results
    s = emerging_section(em)
    assert len(s.pages) == 1 and s.key_figures[0].startswith("Emerging hot spots (2023-10")
    blocks = dict(s.methods)
    assert blocks["Emerging hot spot categories"] == category_sentences()
    assert len(category_sentences()) == 10  # 8 hot patterns, the cold ones, no pattern
    e = evaluation_section(ev)
    assert len(e.pages) == 2 and "PAI" in e.key_figures[0]
    lines = dict(e.methods)["How good the hotspot maps are"]
    # each method says which cells it scored as hot spots, beside what they cover
    assert any(
        line.startswith("Gi*: hot spots (cells hot at 90% confidence or more) cover")
        for line in lines
    )
    assert any(
        line.startswith("Kernel density: hot spots (cells above 1x the mean") for line in lines
    )
    assert any("numbered hot spot zones are stricter" in line for line in lines)


def test_emerging_tooltips_hide_small_counts_for_publication(results):
    em, _ = results
    exact = EmergingCells(em, show_no_pattern=True).features()
    published = EmergingCells(em, show_no_pattern=True, suppress_below=5).features()
    small = exact["tt_count"].isin(["1", "2", "3", "4"])
    assert small.any()
    assert set(published.loc[small, "tt_count"]) <= {"<5", "[c]"}
    assert "shown as <5" in EmergingCells(em, suppress_below=5).legend().note
