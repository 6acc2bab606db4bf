"""Time steps of the space-time cube: the step from the span, the partial start, missing months."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hotspot.analysis.spacetime_cube import cube_counts, time_steps
from hotspot.core.errors import AnalysisError


def _months(first, n):
    return [str(p) for p in pd.period_range(first, periods=n, freq="M")]


@pytest.mark.parametrize(
    ("n", "step", "steps"),
    [(12, 1, 12), (24, 1, 24), (36, 3, 12), (30, 3, 10), (120, 3, 40), (132, 12, 11)],
)
def test_default_step_follows_the_span_as_sfhotspot(n, step, steps):
    laid = time_steps(_months("2015-01", n))
    assert laid.step_months == step and len(laid.steps) == steps
    assert laid.auto.startswith(f"a window of {n} months")


def test_quarters_give_way_to_months_when_too_few_would_be_whole():
    # 30 months with one missing: 10 quarters, one incomplete, leave 9: months instead
    months = [m for m in _months("2016-01", 30) if m != "2016-03"]
    laid = time_steps(months)
    assert laid.step_months == 1 and len(laid.steps) == 30
    assert laid.missing == ("2016-03",) and not laid.present[2] and laid.present.sum() == 29
    assert "would leave fewer than 10" in laid.auto


def test_steps_end_with_the_last_month_and_the_partial_start_is_left_out():
    laid = time_steps(_months("2020-01", 35), step_months=3)
    assert laid.left_out == ("2020-01", "2020-02")
    assert laid.steps[0].label == "2020-03 to 2020-05"
    assert laid.steps[-1].label == "2022-09 to 2022-11"
    assert laid.index_of(
        pd.Series(pd.to_datetime(["2020-01-01", "2020-04-01", "2022-11-01"]))
    ).tolist() == [-1, 0, 10]


def test_window_and_end():
    laid = time_steps(_months("2020-01", 36), months=12, end="2021-12")
    assert laid.span == "2021-01 to 2021-12" and len(laid.steps) == 12


def test_refusals_name_the_fix():
    with pytest.raises(AnalysisError, match=r"only 9 time steps.*at least 10"):
        time_steps(_months("2020-01", 9))
    with pytest.raises(AnalysisError, match=r"shorter than one time step.*step_months = 1"):
        time_steps(_months("2020-01", 24), months=2, step_months=3)
    with pytest.raises(AnalysisError, match="no month"):
        time_steps([])


def test_cube_counts_by_location_and_step():
    counts = cube_counts(np.array([0, 1, 1, -1, 2]), np.array([0, 1, 1, 0, -1]), 3, 2)
    np.testing.assert_array_equal(counts, [[1, 0], [0, 2], [0, 0]])
