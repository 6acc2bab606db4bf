"""Sparklines in the results tables: a series of numbers drawn as a small line."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from PySide6.QtCore import Qt

from hotspot.ui.widgets.results_table import ResultsTable
from hotspot.ui.widgets.sparkline import SERIES_ROLE, SparklineDelegate, series_points, zero_y


def test_points_fill_the_cell_and_a_missing_step_breaks_the_line():
    runs = series_points([0.0, 2.0, math.nan, -2.0, 4.0], width=106, height=26, margin=3)
    assert [len(r) for r in runs] == [2, 2]
    (x0, y0), (x1, y1) = runs[0]
    assert (x0, x1) == (3.0, 28.0)  # 25 px per step
    assert y1 < y0  # higher values are drawn higher
    top, bottom = runs[1][1][1], runs[1][0][1]
    assert top == pytest.approx(3.0) and bottom == pytest.approx(
        23.0
    )  # 4 at the top, -2 at the bottom
    assert zero_y([0.0, 2.0, -2.0, 4.0], 26, 3) == pytest.approx(3 + 4 / 6 * 20)
    assert series_points([math.nan, math.nan], 100, 20) == []


@pytest.fixture
def table(qtbot):
    t = ResultsTable("emerging")
    qtbot.addWidget(t)
    frame = pd.DataFrame(
        {
            "cell_id": [1, 2, 3],
            "z_series": [(0.5, 1.0, 3.0), (2.0, math.nan, -1.0), (0.0, 0.5, 1.5)],
            "n": [10, 4, 7],
        }
    )
    t.set_frame(frame, "cells")
    return t


def test_series_columns_get_the_sparkline_and_sort_by_the_last_step(table):
    assert table.model.series_columns == [1]
    assert isinstance(table.view.itemDelegateForColumn(1), SparklineDelegate)
    assert table.view.itemDelegateForColumn(2) is None
    assert table.model.index(1, 1).data(SERIES_ROLE)[2] == -1.0
    assert table.model.index(0, 1).data() == ""
    table.view.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    assert list(table.visible_frame()["cell_id"]) == [1, 3, 2]
    # the numbers of a copied or saved table are kept
    assert table.visible_frame()["z_series"].iloc[0] == (0.5, 1.0, 3.0)


def test_the_delegate_paints_the_line_and_the_last_step(table, qtbot):
    table.resize(500, 200)
    table.show()
    qtbot.waitExposed(table)
    rect = table.view.visualRect(table.proxy.index(0, 1))
    image = table.view.viewport().grab().toImage()
    colours = {
        image.pixelColor(x, y).name()
        for x in range(rect.left(), rect.right())
        for y in range(rect.top(), rect.bottom())
    }
    assert "#bd0026" in colours  # the last step is above zero: a red dot
    assert len(colours) > 3  # a line was drawn, not an empty cell
