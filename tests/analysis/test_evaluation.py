"""Hotspot-map evaluation: PAI, PPAI, RRI, capture and stability, checked independently."""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from hotspot.analysis.evaluation import (
    EvaluationParams,
    capture_curve,
    pai,
    run_evaluation,
)
from hotspot.analysis.gistar import GiStarParams, run_gistar_grid
from hotspot.analysis.kde import KdeParams, run_kde
from hotspot.core.errors import AnalysisError
from hotspot.model import Period

BOX = shapely.box(530_000, 170_000, 534_000, 174_000)
HOT = [(531_000, 171_000), (533_000, 173_200)]


def _points(seed=0, months=24):
    rng = np.random.default_rng(seed)
    rows = []
    for m in pd.period_range("2023-10", periods=months, freq="M").to_timestamp():
        xy = rng.uniform([530_000, 170_000], [534_000, 174_000], size=(150, 2))
        for cx, cy in HOT:
            xy = np.vstack([xy, rng.normal([cx, cy], 120, size=(25, 2))])
        rows.append(pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1], "month": m}))
    df = pd.concat(rows, ignore_index=True)
    return gpd.GeoDataFrame(df[["month"]], geometry=gpd.points_from_xy(df.x, df.y), crs=27700)


@pytest.fixture(scope="module")
def points():
    return _points()


@pytest.fixture(scope="module")
def result(points):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return run_evaluation(
            points,
            EvaluationParams(factors=(0.5, 1.0, 2.0)),
            period=Period.months_to("2025-09", 12),
            study_area=BOX,
            kde_params=KdeParams(cell_size=50.0),
            gistar_params=GiStarParams(cell_size=200.0),
        )


def test_pai_and_capture_curve_by_hand():
    assert pai(30, 100, 2.0, 20.0) == pytest.approx(3.0)
    assert np.isnan(pai(0, 0, 1.0, 10.0))
    rank = np.array([4.0, 3.0, 2.0, 1.0])
    counts = np.array([5.0, 3.0, 2.0, 0.0])
    area = np.ones(4)
    got = capture_curve(rank, counts, area, np.array([0.0, 0.125, 0.25, 0.5, 1.0]))
    np.testing.assert_allclose(got, [0.0, 0.25, 0.5, 0.8, 1.0])


def test_gi_star_scores_match_an_independent_count(points, result):
    t1 = points[(points["month"] >= "2023-10-01") & (points["month"] <= "2024-09-01")]
    t2 = points[points["month"] >= "2024-10-01"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gi = run_gistar_grid(t1, GiStarParams(cell_size=200.0), study_area=BOX)
    hot = shapely.union_all(gi.cells.loc[gi.cells["gi_bin"] > 0].geometry.values)
    inside_t1 = shapely.contains_xy(hot, t1.geometry.x, t1.geometry.y).sum()
    inside_t2 = shapely.contains_xy(hot, t2.geometry.x, t2.geometry.y).sum()
    share = hot.area / BOX.area
    row = result.scores.set_index("method").loc["Gi*"]
    assert row["area_share"] == pytest.approx(share)
    assert row["hit_rate"] == pytest.approx(inside_t2 / len(t2))
    assert row["pai"] == pytest.approx((inside_t2 / len(t2)) / share)
    assert row["pai_t1"] == pytest.approx((inside_t1 / len(t1)) / share)
    assert row["rri"] == pytest.approx(row["pai"] / row["pai_t1"])
    assert row["ppai"] >= row["pai"] and 0 < row["pei"] <= 1
    assert result.n_train == len(t1) and result.n_test == len(t2)


def test_kde_scores_match_an_independent_count(points, result):
    from rasterio.transform import rowcol

    t1 = points[points["month"] <= "2024-09-01"]
    t2 = points[points["month"] >= "2024-10-01"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kde = run_kde(t1, KdeParams(cell_size=50.0), study_area=BOX)
    hot = kde.classes() >= 1
    r, c = rowcol(kde.transform, t2.geometry.x.to_numpy(), t2.geometry.y.to_numpy())
    hits = hot[np.asarray(r), np.asarray(c)].sum()
    share = hot.sum() / np.isfinite(kde.values).sum()
    row = result.scores.set_index("method").loc["Kernel density"]
    # every hotspot class the map draws: from the lowest threshold, 1x the mean by default
    assert row["hot_spots"] == "cells above 1x the mean of non-zero cells"
    assert (
        result.scores.set_index("method").loc["Gi*", "hot_spots"].endswith("90% confidence or more")
    )
    assert row["area_share"] == pytest.approx(share)
    assert row["pai"] == pytest.approx((hits / len(t2)) / share)


def test_planted_hot_spots_are_predicted_and_stable(result):
    scores = result.scores.set_index("method")
    assert (scores["pai"] > 2).all() and (scores["rri"].between(0.7, 1.3)).all()
    assert (scores["capture_10"] > scores["capture_1"]).all()
    curve = result.capture
    assert set(curve["method"]) == {"Kernel density", "Gi*", "Best possible"}
    best = curve[curve["method"] == "Best possible"].set_index("area_share")["captured"]
    kde = curve[curve["method"] == "Kernel density"].set_index("area_share")["captured"]
    assert (best >= kde - 1e-12).all()  # nothing beats the best possible ranking
    stab = result.stability
    assert list(stab["factor"]) == [0.5, 1.0, 2.0, 0.5, 1.0, 2.0]
    assert (stab.loc[stab["factor"] == 1.0, "jaccard"] == 1.0).all()
    assert (stab["jaccard"].between(0, 1)).all()
    cells = result.stability_cells
    for x, y in HOT:
        near = cells[cells.geometry.centroid.distance(shapely.Point(x, y)) < 200]
        assert (near["hot_share"] >= 5 / 6).all() and near["agreement"].eq("most").all()
    # 400 m cells are too coarse for Gi* to call anything here: said by an overlap of 0
    coarse = stab[(stab["method"] == "Gi*") & (stab["factor"] == 2.0)].iloc[0]
    assert coarse["hot_area_km2"] == 0 and coarse["jaccard"] == 0
    assert set(cells["agreement"]) <= {"all", "most", "few", "none"}


def test_a_period_before_the_data_is_refused_with_the_fix(points):
    months = sorted(points["month"].unique())
    with pytest.raises(AnalysisError, match="train_months"):
        run_evaluation(
            points,
            EvaluationParams(stability=False),
            period=Period.months_to("2024-09", 12),
            study_area=BOX,
            months_covered=months[-12:],
        )
