"""Distinct map points by hashing (``unique_points``) and the map-point counts built on it,
checked against numpy's sort-based ``np.unique`` and a plain pandas groupby."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from hotspot.analysis.map_points import busiest_points
from hotspot.analysis.study_points import unique_points


def _snapped(n: int, points: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    grid = rng.integers(500_000, 560_000, (points, 2)).astype(float) + 0.5
    return grid[rng.zipf(1.5, n) % points]


@pytest.mark.parametrize("n, points", [(1, 1), (50, 3), (20_000, 900)])
def test_unique_points_is_numpys_unique(n, points):
    xy = _snapped(n, points, seed=n)
    uniq, inverse = unique_points(xy)
    want, want_inverse = np.unique(xy, axis=0, return_inverse=True)
    np.testing.assert_array_equal(uniq, want)
    np.testing.assert_array_equal(inverse, want_inverse.ravel())
    np.testing.assert_array_equal(uniq[inverse], xy)


def test_unique_points_edge_cases():
    uniq, inverse = unique_points(np.empty((0, 2)))
    assert uniq.shape == (0, 2) and inverse.shape == (0,)
    # -0.0 and 0.0 are one coordinate; a shared NaN coordinate is one pair
    xy = np.array([[0.0, 1.0], [-0.0, 1.0], [np.nan, 2.0], [np.nan, 2.0], [3.0, 1.0]])
    uniq, inverse = unique_points(xy)
    assert len(uniq) == 3
    assert inverse[0] == inverse[1] and inverse[2] == inverse[3] != inverse[4]
    np.testing.assert_array_equal(uniq[inverse], np.where(xy == 0, 0.0, xy))


def _offences(categorical: bool) -> gpd.GeoDataFrame:
    xy = _snapped(5_000, 60, seed=3)
    rng = np.random.default_rng(4)
    names = np.array(["On or near High Street", "On or near Hospital", None, ""], dtype=object)
    location = names[rng.integers(0, 4, len(xy))]
    frame = gpd.GeoDataFrame(
        {"location": location}, geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=27700
    )
    if categorical:
        frame["location"] = frame["location"].astype("category")
    return frame


@pytest.mark.parametrize("categorical", [False, True])
def test_busiest_points_count_as_a_groupby(categorical):
    offences = _offences(categorical)
    excluded = np.random.default_rng(5).random(len(offences)) < 0.05
    points = busiest_points(offences, excluded=excluded, top=0)
    # independent: pandas groupby on name ("" for missing) and coordinates
    ref = pd.DataFrame(
        {
            "location": offences["location"].astype(object).fillna("").to_numpy(),
            "x": offences.geometry.x.round(1),
            "y": offences.geometry.y.round(1),
            "ex": excluded,
        }
    )
    want = ref.groupby(["location", "x", "y"]).agg(offences=("ex", "size"), excluded=("ex", "any"))
    got = points.points.set_index(["location", "x", "y"])[["offences", "excluded"]]
    assert len(got) == len(want) == points.n_points
    pd.testing.assert_frame_equal(got.sort_index(), want.sort_index(), check_dtype=False)
    assert points.n_offences == len(offences)
    assert list(got["offences"]) == sorted(got["offences"], reverse=True)  # busiest first
    assert points.shared == int(want.loc[want["offences"] > 1, "offences"].sum())
