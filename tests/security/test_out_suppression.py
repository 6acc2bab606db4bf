"""Suppression means suppressed everywhere: one disclosure function behind every writer.

:func:`hotspot.export.publishable` is checked against hand-worked tables; then each
writer that can publish a count is checked to use it: the map layers (tooltips and
colours of the HTML and print maps), the GeoPackage (with its separately named
exact-counts option), the briefing's load-report lines. The end-to-end scan of every
output file of ``hotspot run`` is in ``test_out_hostile_run.py``.
"""

from __future__ import annotations

import types
from dataclasses import replace

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import box

from hotspot.export import (
    SUPPRESSED_COLUMN,
    GpkgLayer,
    publishable,
    suppress_small_counts,
    write_geopackage,
)
from hotspot.maps import layers as L
from hotspot.maps import static, style

X0, Y0 = 530000.0, 180000.0


def _areas(counts, prev=None) -> gpd.GeoDataFrame:
    n = len(counts)
    prev = prev if prev is not None else [10] * n
    return gpd.GeoDataFrame(
        {
            "code": [f"E0590{i:04d}" for i in range(n)],
            "name": [f"Ward {i}" for i in range(n)],
            "count": counts,
            "population": [1000.0] * n,
            "rate": list(counts),  # per 1,000 residents: the count itself
            "share": [c / sum(counts) for c in counts],
            "count_prev": prev,
            "change": [c - p for c, p in zip(counts, prev, strict=True)],
            "change_flag": [False] * n,
        },
        geometry=[box(X0 + i * 500, Y0, X0 + i * 500 + 500, Y0 + 500) for i in range(n)],
        crs="EPSG:27700",
    )


# --------------------------------------------------------------------------- the function


def test_publishable_typed_hides_counts_and_what_recovers_them():
    t = _areas([3, 40, 12, 0, 25])  # one small count: the next smallest (12) is withheld
    out = publishable(t, 5, text=False)
    assert isinstance(out, gpd.GeoDataFrame) and t["count"].tolist() == [3, 40, 12, 0, 25]
    assert out["count"].tolist()[1::2] == [40.0, 0.0] and out["count"].isna().tolist() == [
        True,
        False,
        True,
        False,
        False,
    ]
    for col in ("rate", "share", "change"):
        assert out[col].isna().tolist() == [True, False, True, False, False], col
    assert out["count_prev"].tolist() == [10, 10, 10, 10, 10]  # not small: kept
    assert out[SUPPRESSED_COLUMN].tolist() == ["count <5", "", "count [c]", "", ""]
    assert out["count"].dtype == float and out["rate"].dtype == float


def test_publishable_text_is_the_csv_form_and_zero_turns_it_off():
    t = _areas([3, 40, 12, 0, 25], prev=[4, 10, 10, 10, 10])
    text = publishable(t, 5)
    pd.testing.assert_frame_equal(text, suppress_small_counts(t, 5))
    assert text["count"].tolist() == ["<5", "40", "[c]", "0", "25"]
    assert text["count_prev"].tolist() == ["<5", "[c]", "10", "10", "10"]  # first of the 10s
    pd.testing.assert_frame_equal(publishable(t, 0), t)
    pd.testing.assert_frame_equal(publishable(t, 1, text=False), t)


def test_rates_without_counts_are_hidden_through_the_counts_table():
    counts = _areas([3, 40, 2, 25])
    rates = pd.DataFrame({"code": counts["code"], "rate": [3.0, 40.0, 2.0, 25.0]})
    out = publishable(rates, 5, counts=counts, text=False)
    assert out["rate"].isna().tolist() == [True, False, True, False]
    assert out[SUPPRESSED_COLUMN].tolist()[0].startswith("figures of an area with fewer than 5")


# --------------------------------------------------------------------------- map layers


def test_gi_star_tooltips_show_marks_not_small_counts():
    cells = _areas([3, 40, 12, 0, 25])[["count", "geometry"]].rename(columns={"count": "n"})
    cells["gi_bin"] = [0, 3, 0, 0, 2]
    result = types.SimpleNamespace(cells=cells, params=None)
    shown = L.GiStarCells(result, suppress_below=5).features()["tt_count"].tolist()
    assert shown == ["<5", "40", "[c]", "0", "25"]
    assert L.GiStarCells(result).features()["tt_count"].tolist() == ["3", "40", "12", "0", "25"]
    # only significant cells drawn: the cells were suppressed as a whole column first
    hot = L.GiStarCells(result, suppress_below=5, show_not_significant=False)
    assert hot.features()["tt_count"].tolist() == ["40", "25"]
    assert "below 5 are shown as <5" in hot.legend().note


@pytest.mark.parametrize("column", ["rate", "count", "change"])
def test_choropleth_leaves_hidden_areas_uncoloured_and_blank(column):
    t = _areas([3, 40, 12, 30, 25, 60])
    layer = L.AreaChoropleth(t, column=column, suppress_below=5)
    f = layer.features()
    assert f["_fill"].tolist()[0] == style.NO_DATA_COLOUR
    assert f["_fill"].tolist()[2] == style.NO_DATA_COLOUR  # withheld: 12 is the next smallest
    assert style.NO_DATA_COLOUR not in f["_fill"].tolist()[3:]
    assert f["tt_count"].tolist()[:3] == ["<5", "40", "[c]"]
    assert f["tt_rate"].tolist()[0] == "" and f["tt_change"].tolist()[0] == ""
    # the classes are those of the published values only
    assert layer.classes.bins[-1] == pytest.approx(60.0 if column != "change" else 50.0)
    legend = layer.legend()
    assert legend.entries[-1].label == "No data, or fewer than 5 offences"
    assert "fewer than 5 offences" in legend.note
    plain = L.AreaChoropleth(t, column=column)
    assert style.NO_DATA_COLOUR not in plain.features()["_fill"].tolist()


def test_print_maps_and_briefing_take_the_threshold_from_their_context():
    t = _areas([3, 40, 12, 30, 25, 60])
    stats = types.SimpleNamespace(table=t, level="ward", params=None, comparison="before")
    ctx = static.MapContext(suppress_below=5)
    for draw in (static.rates_map, static.change_map):
        fig = draw(stats, ctx)
        labels = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
        assert "No data, or fewer than 5 offences" in labels, draw.__name__
    from hotspot.maps.briefing import Briefing

    assert Briefing(title="x", suppress_below=5).context().suppress_below == 5


def test_briefing_load_report_lists_small_counts_as_marks():
    from hotspot.maps.briefing_methods import _report_lines

    report = "\n".join(
        [
            "Source: /home/analyst/private/police.zip",
            "Rows read: 1,234",
            "Rows not used: 3",
            "  - no coordinates: 3",
            "Rows by category:",
            "  - Violence and sexual offences: 1,200",
            "  - Robbery: 29",
            "  - Possession of weapons: 2",
        ]
    )
    lines = _report_lines(report, suppress_below=5)
    assert lines[0] == "Source: police.zip"
    assert "  - no coordinates: <5" in lines  # alone in its list: nothing to work it out from
    # one small count in a list: the next smallest is withheld as well
    assert lines[-3:] == [
        "  - Violence and sexual offences: 1,200",
        "  - Robbery: [c]",
        "  - Possession of weapons: <5",
    ]
    assert _report_lines(report)[-1] == "  - Possession of weapons: 2"


# --------------------------------------------------------------------------- GeoPackage


def test_geopackage_suppresses_unless_exact_counts_are_asked_for(tmp_path):
    t = _areas([3, 40, 12, 0, 25])
    layer = GpkgLayer("rates_wards", t, {"per": 1000}, "Offence counts and rates")
    write_geopackage(tmp_path / "pub.gpkg", [layer], suppress_below=5)
    pub = pyogrio.read_dataframe(tmp_path / "pub.gpkg", layer="rates_wards")
    assert pub["count"].isna().tolist() == [True, False, True, False, False]
    assert pub["rate"].isna().sum() == 2 and pub["suppressed"].tolist()[0] == "count <5"
    info = pyogrio.read_info(tmp_path / "pub.gpkg", layer="rates_wards")["layer_metadata"]
    assert "Small counts suppressed: counts from 1 to 4" in info["DESCRIPTION"]

    write_geopackage(tmp_path / "exact.gpkg", [layer], suppress_below=5, exact_counts=True)
    exact = pyogrio.read_dataframe(tmp_path / "exact.gpkg", layer="rates_wards")
    assert exact["count"].tolist() == [3, 40, 12, 0, 25]
    info = pyogrio.read_info(tmp_path / "exact.gpkg", layer="rates_wards")["layer_metadata"]
    assert "EXACT COUNTS" in info["DESCRIPTION"] and "do not publish" in info["DESCRIPTION"]


def test_the_exact_counts_option_is_named_separately_and_off_by_default(tmp_path):
    from _outsec_corpus import hostile_demo

    from hotspot import pipeline
    from hotspot.model import OutputParams, Project

    assert OutputParams().gpkg_exact_counts is False
    path = hostile_demo(tmp_path / "demo", everything=False, suppress_below=5)
    project = Project.load(path)
    project.outputs = replace(
        project.outputs, analyses=("rates",), csv=False, geotiff=False, gpkg_exact_counts=True
    )
    project.save(path)
    assert Project.load(path).outputs.gpkg_exact_counts is True  # saved and read back
    pipeline.run_project(project, tmp_path / "out")
    gpkg = tmp_path / "out" / "results.gpkg"
    wards = pyogrio.read_dataframe(gpkg, layer="rates_wards")
    counts = wards["count"].to_numpy(dtype=float)
    assert ((counts >= 1) & (counts < 5)).any()  # kept, as asked
    info = pyogrio.read_info(gpkg, layer="rates_wards")["layer_metadata"]["DESCRIPTION"]
    assert "EXACT COUNTS" in info and "counts from 1 to 4" in info
    assert np.isfinite(counts).all()
