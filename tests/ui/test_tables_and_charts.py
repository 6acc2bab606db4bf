"""Results tables (sort, copy, save CSV) and charts (checked on their artists)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from scipy import stats

from hotspot.ui.widgets import charts
from hotspot.ui.widgets.results_table import ResultsTable


@pytest.fixture
def table(qtbot):
    t = ResultsTable("wards")
    qtbot.addWidget(t)
    frame = pd.DataFrame(
        {"name": ["Ashby", "Brook", "Crest"], "count": [5, 40, 12], "rate": [1.5, np.nan, 9.25]}
    )
    t.set_frame(frame, "Wards")
    return t


def test_table_sorts_numerically_with_missing_values_last(table):
    table.view.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    assert list(table.visible_frame()["name"]) == ["Brook", "Crest", "Ashby"]
    table.view.sortByColumn(2, Qt.SortOrder.DescendingOrder)
    assert list(table.visible_frame()["name"]) == ["Crest", "Ashby", "Brook"]


def test_copy_puts_tab_separated_rows_on_the_clipboard(table):
    table.view.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    table.copy()
    lines = QGuiApplication.clipboard().text().splitlines()
    assert lines[0].split("\t") == ["name", "count", "rate"]
    assert [ln.split("\t")[0] for ln in lines[1:]] == ["Ashby", "Crest", "Brook"]
    table.view.selectRow(2)
    table.copy()
    assert QGuiApplication.clipboard().text().splitlines()[1].startswith("Brook\t40")


def test_save_csv_writes_the_whole_table_and_refuses_a_missing_folder(table, tmp_path):
    path = table.save_csv(str(tmp_path / "wards.csv"))
    back = pd.read_csv(path)
    assert list(back["name"]) == ["Ashby", "Brook", "Crest"]
    assert back["rate"].isna().tolist() == [False, True, False]
    assert table.save_csv(str(tmp_path / "missing" / "x.csv")) is None
    assert "does not exist" in table.caption.text()


def test_fitted_line_and_r_match_scipy():
    rng = np.random.default_rng(3)
    x = rng.normal(size=60)
    y = 2.0 * x + rng.normal(scale=0.5, size=60)
    x[5] = np.nan  # missing pairs are left out
    slope, intercept, r = charts.fitted_line(x, y)
    ok = ~np.isnan(x)
    ref = stats.linregress(x[ok], y[ok])
    assert slope == pytest.approx(ref.slope, rel=1e-10)
    assert intercept == pytest.approx(ref.intercept, rel=1e-10, abs=1e-12)
    assert r == pytest.approx(ref.rvalue, rel=1e-10)


def test_scatter_draws_every_area_the_line_and_r_in_the_legend():
    ax = Figure().add_subplot()
    x = np.arange(10.0)
    y = 3 * x + 1
    r = charts.plot_scatter(ax, x, y, xlabel="IMD score", ylabel="rate")
    assert r == pytest.approx(1.0)
    assert len(ax.collections[0].get_offsets()) == 10
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Fitted line, Pearson's r = 1.00" in labels
    assert ax.get_xlabel() == "IMD score" and ax.get_ylabel() == "rate"


def test_trend_has_one_point_per_month_and_shades_the_periods():
    ax = Figure().add_subplot()
    months = pd.date_range("2024-01-01", periods=24, freq="MS")
    counts = np.arange(24)
    charts.plot_trend(
        ax,
        months,
        counts,
        period=(months[12], months[23]),
        comparison=(months[0], months[11]),
    )
    (line,) = ax.get_lines()
    assert len(line.get_xdata()) == 24
    assert list(line.get_ydata()) == list(counts)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["Offences per month", "Selected period", "Comparison period"]


def test_a_month_missing_from_the_data_is_a_gap_not_a_zero():
    ax = Figure().add_subplot()
    months = pd.date_range("2016-01-01", periods=6, freq="MS")
    counts = np.array([5.0, 6.0, np.nan, 7.0, 0.0, 4.0])  # 2016-03 absent, 2016-05 truly zero
    charts.plot_trend(ax, months, counts)
    (line,) = ax.get_lines()
    y = np.asarray(line.get_ydata(), dtype=float)
    assert np.isnan(y[2]) and y[4] == 0.0
    notes = [t.get_text() for t in ax.texts]
    assert any("No data for 2016-03" in n for n in notes)


def test_ranking_shows_the_top_areas_highest_first():
    ax = Figure().add_subplot()
    names = [f"Ward {i}" for i in range(15)]
    charts.plot_ranking(ax, names, np.arange(15.0), xlabel="rate")  # top 10 by default
    bars = ax.patches
    assert len(bars) == 10
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert ticks[-1] == "Ward 14" and ticks[0] == "Ward 5"  # barh draws bottom-up


def test_headers_read_plainly_while_copies_keep_the_column_names(qtbot):
    t = ResultsTable("gistar", headers={"gi_z": ("Gi* z", "Gi* z-score")})
    qtbot.addWidget(t)
    t.set_frame(pd.DataFrame({"cell_id": [1, 2], "gi_z": [2.5, -0.3]}), "cells")
    header = t.model.headerData
    assert header(0, Qt.Orientation.Horizontal) == "Gi* z"  # grid numbers go last
    assert "gi_z" in header(0, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert header(1, Qt.Orientation.Horizontal) == "cell_id"  # no label: the name itself
    t.copy()
    assert QGuiApplication.clipboard().text().splitlines()[0] == "gi_z\tcell_id"


def test_cells_show_what_each_measure_deserves(qtbot):
    """The Gi* cells table read "4.639e-25", "13212.0" and its first rows had 0 offences."""
    t = ResultsTable("gistar")
    qtbot.addWidget(t)
    cells = pd.DataFrame(
        {
            "cell_id": [7, 8],
            "row": [0, 0],
            "col": [7, 8],
            "n": [0.0, 31.0],
            "gi_z": [-0.5552823866733555, 10.3],
            "p_value": [0.5787015243515683, 4.639e-25],
            "share": [0.0, 0.0897],
            "population": [np.nan, 13212.0],
            "ward": ["Ladywell", "Lewisham Central"],
        }
    )
    t.set_frame(cells.sort_values("gi_z", ascending=False), "cells")
    model = t.model
    shown = {
        str(model.frame.columns[c]): model.data(model.index(0, c))
        for c in range(model.columnCount())
    }
    assert list(model.frame.columns[:2]) == ["ward", "n"]  # places and offences first
    assert list(model.frame.columns[-3:]) == ["cell_id", "row", "col"]
    assert shown["ward"] == "Lewisham Central" and shown["n"] == "31"
    assert shown["p_value"] == "< 0.001" and shown["gi_z"] == "10.30"
    assert shown["share"] == "9.0%" and shown["population"] == "13,212"
    t.copy()
    copied = QGuiApplication.clipboard().text()
    assert "13212.0" not in copied and "4.639e-25" not in copied and "< 0.001" in copied


def test_ranking_labels_every_bar_with_its_value():
    ax = Figure().add_subplot()
    charts.plot_ranking(ax, ["A", "B", "C"], [2.0, 10.5, 4.25], xlabel="Rate")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A", "C", "B"]  # highest on top
    assert sorted(t.get_text() for t in ax.texts) == ["10.5", "2.0", "4.2"]
