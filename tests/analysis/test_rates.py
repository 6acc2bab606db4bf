"""area_rates: counts, rates, ranks, Empirical Bayes and change, on hand-made areas."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from shapely.geometry import Point, box

from hotspot.analysis.empirical_bayes import empirical_bayes
from hotspot.analysis.errors import GeographicCrsError, VintageMismatchError
from hotspot.analysis.rate_change import change_test
from hotspot.analysis.rate_table import competition_rank
from hotspot.analysis.rates import AreaStats, RatesParams, area_rates
from hotspot.core.errors import AnalysisError, ProjectError
from hotspot.core.params import from_dict
from hotspot.model import AreaLayer, Indicators, Period

CODES = ["E01000001", "E01000002", "E01000003", "E01000004"]


@pytest.fixture
def areas() -> gpd.GeoDataFrame:
    """Four 100 m squares in a row: x 0-100, 100-200, 200-300, 300-400."""
    return gpd.GeoDataFrame(
        {"code": CODES, "name": ["A", "B", "C", "D"]},
        geometry=[box(100 * i, 0, 100 * (i + 1), 100) for i in range(4)],
        crs=27700,
    )


def _offences(xs, months=None, codes=None) -> gpd.GeoDataFrame:
    n = len(xs)
    geoms = [None if x is None else Point(x, 50) for x in xs]
    df = {"month": pd.to_datetime(months or ["2024-10-01"] * n)}
    if codes is not None:
        df["lsoa_code"] = codes
    return gpd.GeoDataFrame(df, geometry=geoms, crs=27700)


# ----------------------------------------------------------------------------- counting


def test_counts_by_location_report_outside_and_missing(areas):
    # 3 in A, 1 in B, 0 in C, 2 in D, one east of every area, one with no location.
    xs = [10, 20, 30, 150, 350, 390, 900, None]
    res = area_rates(_offences(xs), areas, params=RatesParams(count_by="location"))
    assert isinstance(res, AreaStats)
    assert res.table["count"].tolist() == [3, 1, 0, 2]
    assert res.n_outside == 1
    assert res.n_no_location == 1
    assert res.n_offences == 8
    assert res.n_counted == 6
    assert any("outside every area" in w for w in res.warnings)
    assert any("no location" in w for w in res.warnings)
    assert res.params.count_by == "location"


def test_point_on_a_shared_boundary_is_counted_once(areas):
    res = area_rates(_offences([100.0, 200.0, 50]), areas, params=RatesParams(count_by="location"))
    assert res.table["count"].sum() == 3
    assert res.n_outside == 0


def test_offences_outside_the_period_are_not_counted(areas):
    off = _offences([10, 20, 150], months=["2024-10-01", "2024-09-01", "2024-10-01"])
    res = area_rates(off, areas, period=Period.months_to("2024-10", 1))
    assert res.table["count"].tolist() == [1, 1, 0, 0]
    assert res.n_offences == 2


def test_counts_by_lsoa_code_when_codes_agree_with_locations(areas):
    # Codes agree with locations except one offence whose map point is snapped
    # across the boundary: "auto" trusts the codes.
    xs = [10, 20, 30, 150, 250, 260, 270, 280, 290, 350, 105]
    codes = ["E01000001"] * 3 + ["E01000002"] + ["E01000003"] * 5 + ["E01000004", "E01000001"]
    res = area_rates(_offences(xs, codes=codes), areas)
    assert res.params.count_by == "lsoa_code"
    assert res.table["count"].tolist() == [4, 1, 5, 1]
    assert "LSOA code" in res.counted_by


def test_auto_falls_back_to_location_when_codes_are_another_vintage(areas):
    xs = [10, 20, 150, 250, 350]
    codes = ["E01099999"] * 5  # a code of another vintage, in none of the areas
    res = area_rates(_offences(xs, codes=codes), areas)
    assert res.params.count_by == "location"
    assert res.table["count"].tolist() == [2, 1, 1, 1]
    assert any("vintage" in w for w in res.warnings)


def test_lsoa_code_counting_reports_codes_not_among_areas(areas):
    off = _offences([10, 20, 30], codes=["E01000001", "E01000009", None])
    res = area_rates(off, areas, params=RatesParams(count_by="lsoa_code"))
    assert res.table["count"].tolist() == [1, 0, 0, 0]
    assert res.n_outside == 1
    assert res.n_no_location == 1


# ----------------------------------------------------------------------------- rates


def test_rates_per_1000_and_missing_population_kept_with_warning(areas):
    off = _offences([10, 20, 30, 150, 350, 390])
    pop = pd.DataFrame({"lsoa_code": CODES[:3], "population": [1500, 500, 2000]})
    res = area_rates(off, areas, population=pop, params=RatesParams(count_by="location"))
    t = res.table
    np.testing.assert_allclose(t["rate"].iloc[:3], [3 / 1500 * 1000, 1 / 500 * 1000, 0.0])
    assert np.isnan(t["rate"].iloc[3])
    assert t["count"].iloc[3] == 2  # still counted
    assert pd.isna(t["rank"].iloc[3])
    assert t["rank"].iloc[:3].tolist() == [1, 1, 3]  # 2.0, 2.0, 0.0 per 1,000: a tie
    assert any("E01000004" in w and "no population" in w for w in res.warnings)
    assert res.rank_by == "rate"


def test_population_from_indicators_series_and_mapping_agree(areas):
    off = _offences([10, 150, 250, 350])
    pops = [1000, 2000, 4000, 500]
    as_ind = Indicators(pd.DataFrame({"lsoa_code": CODES, "population": pops}), "population")
    as_series = pd.Series(pops, index=CODES)
    as_map = dict(zip(CODES, pops, strict=True))
    rates = [
        area_rates(off, areas, population=p).table["rate"].to_numpy()
        for p in (as_ind, as_series, as_map)
    ]
    np.testing.assert_allclose(rates[0], [1.0, 0.5, 0.25, 2.0])
    np.testing.assert_array_equal(rates[0], rates[1])
    np.testing.assert_array_equal(rates[0], rates[2])


def test_population_of_another_vintage_is_refused(areas):
    layer = AreaLayer(areas, level="lsoa", vintage=2021)
    pop = Indicators(pd.DataFrame({"lsoa_code": CODES, "population": [1] * 4}), vintage=2011)
    with pytest.raises(VintageMismatchError, match="join_indicators"):
        area_rates(_offences([10]), layer, population=pop)


def test_without_population_areas_are_ranked_by_count(areas):
    res = area_rates(_offences([10, 20, 150, 350, 360, 370]), areas)
    assert res.rank_by == "count"
    assert res.table["rank"].tolist() == [2, 3, 4, 1]
    np.testing.assert_allclose(res.table["share"], [2 / 6, 1 / 6, 0, 3 / 6])
    assert res.table["rate"].isna().all()


def test_competition_ranking_of_ties():
    assert competition_rank([5, 3, 3, 1, np.nan]).tolist() == [1, 2, 2, 4, pd.NA]


def test_inputs_are_not_modified(areas):
    off = _offences([10, 150], codes=["E01000001", "E01000002"])
    before_a, before_o = areas.copy(), off.copy()
    area_rates(off, areas, population=pd.Series([1, 2, 3, 4], index=CODES))
    pd.testing.assert_frame_equal(areas, before_a)
    pd.testing.assert_frame_equal(off, before_o)


# ----------------------------------------------------------------------------- Empirical Bayes


def test_empirical_bayes_equals_esda():
    from esda.smoothing import Empirical_Bayes

    rng = np.random.default_rng(7)
    pop = rng.integers(200, 5000, size=60).astype(float)
    true_rate = rng.gamma(4.0, 0.005, size=60)
    counts = rng.poisson(true_rate * pop).astype(float)
    ours, clipped = empirical_bayes(counts, pop)
    ref = Empirical_Bayes(counts, pop).r.ravel()
    assert not clipped
    np.testing.assert_allclose(ours, ref, rtol=1e-12, atol=0)
    # Shrinkage: the smallest area moves furthest towards the overall rate.
    overall = counts.sum() / pop.sum()
    moved = np.abs(ours - counts / pop) / np.maximum(np.abs(counts / pop - overall), 1e-12)
    assert moved[np.argmin(pop)] >= moved[np.argmax(pop)]


def test_empirical_bayes_in_area_rates_and_missing_population(areas):
    from esda.smoothing import Empirical_Bayes

    off = _offences([10] * 30 + [150] * 2 + [250] * 12)
    pop = pd.Series([1000.0, 900.0, 1200.0, np.nan], index=CODES)
    res = area_rates(off, areas, population=pop)
    ref = Empirical_Bayes(np.array([30, 2, 12.0]), np.array([1000, 900, 1200.0])).r.ravel()
    np.testing.assert_allclose(res.table["rate_eb"].iloc[:3], ref * 1000, rtol=1e-12)
    assert np.isnan(res.table["rate_eb"].iloc[3])


def test_empirical_bayes_clips_a_negative_prior_variance_with_warning(areas):
    # Identical rates: the between-area variance estimate is negative.
    off = _offences([10] * 10 + [150] * 10 + [250] * 10 + [350] * 10)
    res = area_rates(off, areas, population=pd.Series([1000.0] * 4, index=CODES))
    np.testing.assert_allclose(res.table["rate_eb"], 10.0)
    assert any("Smoothed rates" in w for w in res.warnings)


# ----------------------------------------------------------------------------- change


@pytest.mark.parametrize("p", [0.5, 12 / 18])
def test_change_test_equals_scipy_binomtest(p):
    pairs = [(0, 0), (0, 5), (5, 0), (10, 12), (30, 12), (3, 40), (100, 100), (57, 31)]
    ours = change_test([a for a, _ in pairs], [b for _, b in pairs], p)
    for (a, b), got in zip(pairs, ours, strict=True):
        expected = 1.0 if a + b == 0 else stats.binomtest(a, a + b, p).pvalue
        assert got == pytest.approx(expected, rel=1e-10, abs=1e-15)


def test_comparison_period_gives_change_and_flags(areas):
    cur, prev = "2024-10-01", "2023-10-01"
    xs = [10] * 60 + [10] * 20 + [150] * 11 + [150] * 10 + [250] * 4 + [350] * 3
    months = [cur] * 60 + [prev] * 20 + [cur] * 11 + [prev] * 10 + [cur] * 4 + [prev] * 3
    period = Period.months_to("2024-10", 12)
    res = area_rates(_offences(xs, months=months), areas, period=period, comparison=True)
    t = res.table
    assert res.comparison == period.previous()
    assert t["count"].tolist() == [60, 11, 4, 0]
    assert t["count_prev"].tolist() == [20, 10, 0, 3]
    assert t["change"].tolist() == [40, 1, 4, -3]
    np.testing.assert_allclose(t["pct_change"].iloc[[0, 1, 3]], [200.0, 10.0, -100.0])
    assert np.isnan(t["pct_change"].iloc[2])
    assert t["pct_change_undefined"].tolist() == [False, False, True, False]
    expected_p = [stats.binomtest(a, a + b, 0.5).pvalue for a, b in [(60, 20), (11, 10), (4, 0)]]
    np.testing.assert_allclose(t["change_p"].iloc[:3], expected_p, rtol=1e-10)
    assert t["change_flag"].tolist() == [True, False, False, False]
    assert t["change_label"].iloc[0] == "Rise unlikely to be chance"
    assert t["change_label"].iloc[1] == "Within normal variation"
    assert any("% change is undefined" in w for w in res.warnings)


def test_change_fdr_matches_scipy(areas):
    cur, prev = "2024-10-01", "2023-10-01"
    xs = [10] * 30 + [10] * 12 + [150] * 15 + [150] * 6 + [250] * 9 + [250] * 3
    months = [cur] * 30 + [prev] * 12 + [cur] * 15 + [prev] * 6 + [cur] * 9 + [prev] * 3
    period = Period.months_to("2024-10", 12)
    res = area_rates(
        _offences(xs, months=months),
        areas,
        period=period,
        comparison=True,
        params=RatesParams(change_fdr=True),
    )
    p = res.table["change_p"].to_numpy()
    np.testing.assert_allclose(
        res.table["change_q"], stats.false_discovery_control(p, method="bh"), rtol=1e-12
    )
    assert (res.table["change_flag"] == (res.table["change_q"] < 0.05)).all()


def test_comparison_without_a_period_is_an_error(areas):
    with pytest.raises(AnalysisError, match="period="):
        area_rates(_offences([10]), areas, comparison=Period.months_to("2024-01", 12))


# ----------------------------------------------------------------------------- inputs and params


def test_lon_lat_areas_are_refused(areas):
    with pytest.raises(GeographicCrsError, match="to_crs"):
        area_rates(_offences([10]), areas.to_crs(4326))


def test_duplicate_area_codes_are_refused(areas):
    dup = areas.assign(code=[CODES[0]] * 4)
    with pytest.raises(AnalysisError, match="unique"):
        area_rates(_offences([10]), dup)


def test_params_are_declared_and_checked():
    assert from_dict(RatesParams, {"per": 10000, "count_by": "location"}).per == 10000
    with pytest.raises(ProjectError, match="count_by"):
        RatesParams(count_by="postcode")
    with pytest.raises(ProjectError, match="unknown parameter"):
        from_dict(RatesParams, {"per_head": 1})


# ----------------------------------------------------------------------------- given counts


def test_rates_from_counts_keeps_areas_without_a_count(areas):
    from hotspot.analysis.rates import rates_from_counts

    counts = pd.Series({"E01000001": 30, "E01000002": 5, "E01000003": 12, "E09999999": 7})
    prev = pd.DataFrame({"code": CODES[:3], "count": [10, 5, 12]})
    pop = pd.Series([1000.0, 500.0, 3000.0, 800.0], index=CODES)
    res = rates_from_counts(counts, areas, population=pop, counts_prev=prev)
    t = res.table
    assert len(t) == 4  # the area without a count is kept
    assert pd.isna(t["count"].iloc[3]) and np.isnan(t["rate"].iloc[3])
    assert pd.isna(t["rank"].iloc[3])
    np.testing.assert_allclose(t["rate"].iloc[:3], [30.0, 10.0, 4.0])
    assert t["rank"].iloc[:3].tolist() == [1, 2, 3]
    np.testing.assert_allclose(t["share"].iloc[:3], np.array([30, 5, 12]) / 47)
    assert res.n_outside == 7
    assert any("E09999999" in w for w in res.warnings)
    assert any("E01000004" in w and "no count" in w for w in res.warnings)
    assert t["change_p"].iloc[0] == pytest.approx(stats.binomtest(30, 40, 0.5).pvalue, rel=1e-10)
    assert bool(t["change_flag"].iloc[0]) and not bool(t["change_flag"].iloc[3])
    assert t["change_label"].iloc[3] == "No comparison (count missing)"


def test_auto_places_offences_with_codes_of_another_vintage_by_location(areas):
    # Two offences carry a code that is not an area's code (as a 2011 code of an LSOA split
    # in 2021 would): they are placed by their map point; the rest follow their codes,
    # including one whose snapped map point lies across the boundary.
    xs = [10, 20, 30, 40, 50, 150, 250, 260, 270, 350, 105, 310, 320]
    codes = ["E01000001"] * 5 + ["E01000002", "E01000003", "E01000003", "E01000003"]
    codes += ["E01000004", "E01000001", "E01099999", "E01099999"]
    res = area_rates(_offences(xs, codes=codes), areas)
    assert res.params.count_by == "lsoa_code"
    assert res.table["count"].tolist() == [6, 1, 3, 3]
    assert res.n_outside == 0
    assert "2 offences whose code is not one of these areas' codes" in res.counted_by


# ----------------------------------------------------------------------------- invariants


@settings(max_examples=30, deadline=None, derandomize=True)
@given(
    xs=st.lists(
        st.one_of(st.none(), st.floats(min_value=-100, max_value=500, allow_nan=False)),
        max_size=40,
    )
)
def test_every_offence_is_counted_outside_or_without_location(xs):
    areas = gpd.GeoDataFrame(
        {"code": CODES, "name": list("ABCD")},
        geometry=[box(100 * i, 0, 100 * (i + 1), 100) for i in range(4)],
        crs=27700,
    )
    res = area_rates(_offences(xs), areas)
    assert res.n_counted + res.n_outside + res.n_no_location == len(xs)
    assert res.n_no_location == sum(x is None for x in xs)
    assert res.n_outside == sum(x is not None and not 0 <= x <= 400 for x in xs)


def test_registry_maps_sections_to_these_params():
    from hotspot.core.params import to_dict
    from hotspot.pipeline.registry import params_classes

    classes = params_classes()
    assert classes["rates"] is RatesParams
    assert from_dict(RatesParams, to_dict(RatesParams(per=100))) == RatesParams(per=100)
