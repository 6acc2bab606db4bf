"""Emerging hot spots: space-time Gi* against esda, trends, categories, real data, bad input."""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from hotspot.analysis.emerging import EmergingParams, run_emerging
from hotspot.core.errors import AnalysisError

BOX = shapely.box(530_000, 170_000, 533_000, 173_000)


def _points(per_month, months, rng, extra=()):
    """Uniform points over BOX each month, plus ``extra`` (x, y, month) clusters."""
    rows = []
    for m, n in zip(months, per_month, strict=True):
        xy = rng.uniform([530_000, 170_000], [533_000, 173_000], size=(n, 2))
        rows += [(x, y, m) for x, y in xy]
    rows += list(extra)
    x, y, month = zip(*rows, strict=True)
    return gpd.GeoDataFrame(
        {"month": pd.to_datetime(list(month))},
        geometry=gpd.points_from_xy(x, y),
        crs=27700,
    )


def _months(n, first="2021-01"):
    return list(pd.period_range(first, periods=n, freq="M").to_timestamp())


def _run(points, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return run_emerging(points, kw.pop("params", EmergingParams()), study_area=BOX, **kw)


def test_spacetime_gi_star_equals_esda_on_explicit_spacetime_weights():
    esda = pytest.importorskip("esda")
    libpysal = pytest.importorskip("libpysal")
    rng = np.random.default_rng(5)
    months = _months(12)
    pts = _points([60] * 12, months, rng, extra=[(531_200, 171_300, months[-1])] * 25)
    covered = [m for i, m in enumerate(months) if i != 4]  # the 5th month is missing
    res = _run(pts, params=EmergingParams(cell_size=300.0), months_covered=covered)
    cube, cells = res.cube(), res.locations
    assert cube.loc[cube["step"] == 4, ["n", "gi_z"]].isna().all().all()
    # neighbour lists built independently: cells whose geometries touch (queen), the same
    # step and the step before it when the data hold it (a missing step is nobody's
    # neighbour), the bin itself left out (esda adds it: star=True)
    present = sorted(set(cube.loc[cube["n"].notna(), "step"]))
    ids = {(loc, s): k for k, (loc, s) in enumerate((l_, s) for l_ in cells.index for s in present)}
    geoms = cells.geometry.values
    queen = {
        i: [j for j in range(len(geoms)) if shapely.intersects(geoms[i], geoms[j])]
        for i in range(len(geoms))
    }
    neighbours = {}
    for (i, s), k in ids.items():
        before = [s - 1] if s - 1 in present else []
        neighbours[k] = [ids[(j, t)] for j in queen[i] for t in [s, *before] if (j, t) != (i, s)]
    w = libpysal.weights.W(neighbours, silence_warnings=True)
    by_bin = cube.set_index(["location", "step"])
    y = np.array([by_bin.loc[(i, s), "n"] for (i, s) in ids])
    ref = esda.G_Local(y, w, transform="B", star=True, permutations=0).Zs
    ours = np.array([by_bin.loc[(i, s), "gi_z"] for (i, s) in ids])
    np.testing.assert_allclose(ours, ref, atol=1e-8)


def test_trend_is_mann_kendall_of_each_z_series():
    pymannkendall = pytest.importorskip("pymannkendall")
    rng = np.random.default_rng(9)
    months = _months(14)
    growth = [(531_350, 171_350, m) for i, m in enumerate(months) for _ in range(2 * i)]
    res = _run(
        _points([80] * 14, months, rng, extra=growth), params=EmergingParams(cell_size=300.0)
    )
    # the trend is tested over the steps whose time window is whole: all but the first
    z = res.z[:, 1:]
    for i in np.flatnonzero(np.isfinite(z).all(axis=1))[:40]:
        ref = pymannkendall.original_test(z[i])
        row = res.locations.iloc[i]
        assert row["trend_s"] == pytest.approx(ref.s, abs=1e-12)
        assert row["trend_tau"] == pytest.approx(ref.Tau, abs=1e-12)
        assert row["trend_z"] == pytest.approx(ref.z, abs=1e-12)
        assert row["trend_p"] == pytest.approx(ref.p, abs=1e-12)
    centre = res.locations.geometry.contains(shapely.Point(531_350, 171_350)).to_numpy()
    assert res.locations.loc[centre, "trend_tau"].iloc[0] > 0.5  # the growing place


def test_planted_patterns_are_classified():
    rng = np.random.default_rng(11)
    months = _months(24)
    sites = {  # cell centres of 100 m cells, and offences per month
        "new": ((530_650, 170_650), [0] * 23 + [20]),
        "intensifying": ((532_350, 170_650), [int(10 + 0.8 * i) for i in range(24)]),
        "diminishing": ((530_650, 172_350), [int(28 - 0.8 * i) for i in range(24)]),
        "persistent": ((532_350, 172_350), [18] * 24),
        "sporadic": ((531_550, 171_550), [20 if i in (3, 9, 15, 23) else 0 for i in range(24)]),
        "consecutive": ((531_550, 172_650), [0] * 21 + [18] * 3),
    }
    extra = [
        (x + rng.normal(0, 15), y + rng.normal(0, 15), months[i])
        for (x, y), counts in sites.values()
        for i, n in enumerate(counts)
        for _ in range(n)
    ]
    res = _run(
        _points([300] * 24, months, rng, extra=extra), params=EmergingParams(cell_size=100.0)
    )
    loc = res.locations
    for name, ((x, y), _) in sites.items():
        cell = loc[loc.geometry.contains(shapely.Point(x, y))].iloc[0]
        assert cell["pattern"] == f"{name} hot spot", name
    assert res.params.step_months == 1 and len(res.steps.steps) == 24


def test_random_points_are_rarely_given_a_hot_or_cold_category():
    rng = np.random.default_rng(21)
    months = _months(36)
    res = _run(_points([500] * 36, months, rng), params=EmergingParams(cell_size=100.0))
    patterned = (res.locations["category"] != 0).mean()
    assert len(res.locations) == 900
    assert patterned <= 0.02


def test_permutations_are_seeded_and_agree_with_the_analytical_test():
    rng = np.random.default_rng(3)
    months = _months(12)
    # a hot area of about 3 x 3 cells (no single bin dominates the cube)
    hot = [
        (rng.uniform(530_900, 531_800), rng.uniform(170_900, 171_800), m)
        for m in months
        for _ in range(45)
    ]
    pts = _points([60] * 12, months, rng, extra=hot)
    # 199 permutations cannot give a p-value below 0.01: too coarse for the FDR correction
    # over 1,200 bins, so this compares uncorrected tests
    p = EmergingParams(cell_size=300.0, permutations=199, seed=4, fdr=False)
    a, b = _run(pts, params=p), _run(pts, params=p)
    np.testing.assert_array_equal(a.stats["p_sim"], b.stats["p_sim"])
    assert a.seed == 4
    assert np.nanmin(a.stats["p_sim"]) == pytest.approx(2 / 200)  # two-sided, 199 draws
    analytical = _run(pts, params=EmergingParams(cell_size=300.0, fdr=False))
    centre = a.locations.geometry.contains(shapely.Point(531_350, 171_350)).to_numpy()
    assert a.locations.loc[centre, "pattern"].iloc[0] == "persistent hot spot"
    assert analytical.locations.loc[centre, "pattern"].iloc[0] == "persistent hot spot"
    cube = a.cube()
    both = cube["p_sim"].notna()
    same = (cube.loc[both, "p_sim"] <= 0.1) == (cube.loc[both, "p_value"] <= 0.1)
    assert same.mean() > 0.85


def test_areas_as_locations():
    rng = np.random.default_rng(8)
    months = _months(12)
    squares = gpd.GeoDataFrame(
        {"code": [f"A{i:02d}" for i in range(25)], "name": [f"Area {i}" for i in range(25)]},
        geometry=[
            shapely.box(530_000 + 600 * c, 170_000 + 600 * r, 530_600 + 600 * c, 170_600 + 600 * r)
            for r in range(5)
            for c in range(5)
        ],
        crs=27700,
    )
    hot = [(530_300, 170_300, m) for m in months for _ in range(80)]
    pts = _points([200] * 12, months, rng, extra=hot)
    res = _run(pts, params=EmergingParams(units="lsoa", fdr=False), areas=squares)
    assert res.kind == "areas" and list(res.locations["code"]) == list(squares["code"])
    assert res.locations["n"].sum() == len(pts)
    assert res.locations.set_index("code").loc["A00", "n_hot"] == 12


# --------------------------------------------------------------------------- bad input


def test_fewer_than_ten_steps_are_refused():
    rng = np.random.default_rng(1)
    months = _months(9)
    with pytest.raises(AnalysisError, match="at least 10"):
        _run(_points([100] * 9, months, rng))
    # quarters over 24 months give 8 steps: refused, naming the fix
    months = _months(24)
    with pytest.raises(AnalysisError, match="step_months = 1"):
        _run(_points([50] * 24, months, rng), params=EmergingParams(step_months=3))


def test_window_shorter_than_a_step_is_refused_with_the_fix():
    rng = np.random.default_rng(1)
    months = _months(24)
    with pytest.raises(AnalysisError, match=r"shorter than one time step.*step_months = 1"):
        _run(_points([50] * 24, months, rng), params=EmergingParams(months=2, step_months=3))


def test_missing_months_are_reported_and_never_zeros():
    rng = np.random.default_rng(2)
    months = _months(14)
    pts = _points([100] * 14, months, rng)
    pts = pts[pts["month"] != months[6]]  # the data hold no offence in the 7th month
    covered = [m for m in months if m != months[6]]
    with pytest.warns(UserWarning, match=r"miss 1 month\(s\).*2021-07.*never as zero"):
        res = run_emerging(pts, EmergingParams(), months_covered=covered, study_area=BOX)
    cube = res.cube()
    step = cube[cube["start"] == "2021-07"]
    assert step["n"].isna().all() and step["gi_z"].isna().all()
    assert "1 missing from the data" in res.months_used()
    # the same data with the month counted as covered: it becomes a step of zeros
    zeros = _run(pts, months_covered=months)
    zero_cube = zeros.cube()
    assert (zero_cube.loc[zero_cube["start"] == "2021-07", "n"] == 0).all()


def test_default_step_follows_the_span_and_the_partial_start_is_left_out():
    rng = np.random.default_rng(4)
    months = _months(40)
    res = _run(_points([40] * 40, months, rng))
    # 40 months: quarters (13 whole ones ending with the last month); 1 month left over
    assert res.params.step_months == 3 and len(res.steps.steps) == 13
    assert res.steps.steps[-1].end == pd.Period(months[-1], freq="M")
    assert res.steps.left_out == ("2021-01",)
    assert any("2021-01 left out" in w for w in res.warnings)
    res = _run(_points([40] * 40, months, rng), params=EmergingParams(months=24))
    assert res.params.step_months == 1 and res.steps.span == "2022-05 to 2024-04"


# --------------------------------------------------------------------------- real data


@pytest.mark.realdata
def test_lewisham_violence_town_centres_are_persistent_or_intensifying(
    lewisham_offences, lewisham_outline
):
    import pyproj

    sel = lewisham_offences["category"] == "violent-crime"
    xy = lewisham_offences["xy"][sel]
    pts = gpd.GeoDataFrame(
        {"month": pd.to_datetime(lewisham_offences["month"][sel])},
        geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]),
        crs=27700,
    )
    covered = sorted(set(lewisham_offences["month"]))
    assert len(covered) == 29 and "2016-03" not in covered
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = run_emerging(
            pts, EmergingParams(), months_covered=covered, study_area=lewisham_outline
        )
    # 30 months: quarters would leave 9 whole ones, so monthly steps; 2016-03 missing
    assert res.params.step_months == 1 and res.steps.span == "2016-01 to 2018-06"
    assert any("2016-03" in w for w in res.warnings)
    loc = res.locations
    good = {"persistent hot spot", "intensifying hot spot"}
    top = loc.sort_values("n", ascending=False).head(2)
    assert set(top["pattern"]) <= good
    to_bng = pyproj.Transformer.from_crs(4326, 27700, always_xy=True)
    for lon, lat in ((-0.0117, 51.4615), (-0.0209, 51.4452), (-0.0255, 51.4780)):  # town centres
        x, y = to_bng.transform(lon, lat)
        near = loc[loc.geometry.centroid.distance(shapely.Point(x, y)) < 300]
        assert near["pattern"].isin(good).any()
    assert (loc["category"] < 0).sum() == 0  # violence is not "cold" anywhere in a borough
