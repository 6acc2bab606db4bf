"""The 17 categories of emerging hot spot analysis, on hand-made series (ArcGIS's definitions)."""

from __future__ import annotations

import numpy as np
import pytest

from hotspot.analysis.emerging_categories import (
    CATEGORIES,
    category_code,
    category_name,
    classify,
)

H, C, _ = "H", "C", "."


def _one(series: str, trend: int = 0, present: str | None = None) -> str:
    hot = np.array([[s == H for s in series]])
    cold = np.array([[s == C for s in series]])
    mask = None if present is None else np.array([p == "1" for p in present])
    return category_name(int(classify(hot, cold, [trend], mask)[0]))


CASES = [
    # series (oldest first), Mann-Kendall trend of the z-scores, expected category
    (". . . . . . . . . H", 0, "new hot spot"),
    (". . . . . . . H H H", 0, "consecutive hot spot"),
    (". H H H H H H H H H", 1, "intensifying hot spot"),
    ("H H H H H H H H H H", 0, "persistent hot spot"),
    ("H H H H H H H H H H", -1, "diminishing hot spot"),
    ("H . . H . . . . . H", 0, "sporadic hot spot"),
    ("C . . . . . . . . H", 0, "oscillating hot spot"),
    ("H H H H H H H H H .", 0, "historical hot spot"),
    (". . . . . . . . . C", 0, "new cold spot"),
    (". . . . . . . C C C", 0, "consecutive cold spot"),
    (". C C C C C C C C C", -1, "intensifying cold spot"),
    ("C C C C C C C C C C", 0, "persistent cold spot"),
    ("C C C C C C C C C C", 1, "diminishing cold spot"),
    ("C . . C . . . . . C", 0, "sporadic cold spot"),
    ("H . . . . . . . . C", 0, "oscillating cold spot"),
    ("C C C C C C C C C .", 0, "historical cold spot"),
    (". . . . . . . . . .", 0, "no pattern detected"),
]


@pytest.mark.parametrize(("series", "trend", "expected"), CASES)
def test_each_definition(series, trend, expected):
    assert _one(series.replace(" ", ""), trend) == expected


def test_every_category_is_tested_once():
    assert sorted(e for _, _, e in CASES) == sorted(CATEGORIES)
    assert len(CATEGORIES) == 17
    for name in CATEGORIES:
        assert category_name(category_code(name)) == name


@pytest.mark.parametrize(
    ("series", "trend", "expected"),
    [
        # exactly 90% hot (9 of 10) with the final step hot: persistent, not consecutive
        (". H H H H H H H H H", 0, "persistent hot spot"),
        # 80% hot in one final run: consecutive (less than 90%)
        (". . H H H H H H H H", 0, "consecutive hot spot"),
        # exactly 90% hot and the final step not hot: historical
        ("H H H H H H H H H .", 1, "historical hot spot"),
        # 18 of 20 is exactly 90% too
        (". H H H H H H H H H . H H H H H H H H H", 0, "persistent hot spot"),
        # 16 of 20 (80%): on and off before the final step, never cold: sporadic
        (". H H H . H H H H H . H H H H H H H . H", 0, "sporadic hot spot"),
        # the final step only, after a cold history: oscillating, not new
        (". C . . . . . . . H", 0, "oscillating hot spot"),
        # the final step only, after nothing: new
        (". . . . . . . . . H", 1, "new hot spot"),
        # a trend does not make a short run intensifying
        (". . . . . . . H H H", 1, "consecutive hot spot"),
        # hot in the past, not at the end, less than 90%: no pattern
        ("H H H H H . . . . .", 0, "no pattern detected"),
        # a cold final step after a hot history of 90%: the most recent step decides
        ("H H H H H H H H H C", 0, "oscillating cold spot"),
    ],
)
def test_edge_cases(series, trend, expected):
    assert _one(series.replace(" ", ""), trend) == expected


def test_missing_steps_are_left_out_of_the_counts_and_the_final_step():
    # 9 hot steps and a missing last step: the final step with data is hot, 100% hot
    assert _one("HHHHHHHHHH", 0, present="1111111110") == "persistent hot spot"
    # a missing step does not break a final run
    assert _one("......HHHH", 0, present="1111111011") == "consecutive hot spot"
    assert _one("........H.", 0, present="1111111110") == "new hot spot"


def test_classify_is_vectorised_over_locations():
    hot = np.array([[s == H for s in series.replace(" ", "")] for series, _, _ in CASES])
    cold = np.array([[s == C for s in series.replace(" ", "")] for series, _, _ in CASES])
    codes = classify(hot, cold, [t for _, t, _ in CASES])
    assert [category_name(int(c)) for c in codes] == [e for _, _, e in CASES]
