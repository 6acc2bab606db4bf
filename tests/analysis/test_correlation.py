"""run_bivariate: agreement with esda (Moran_BV, Moran_Local_BV), libpysal and scipy."""

from __future__ import annotations

import subprocess
import sys
import warnings

import geopandas as gpd
import numpy as np
import pytest
import scipy.sparse as sp
from scipy import stats
from shapely.geometry import box

from hotspot.analysis.contiguity import build_weights, row_standardise
from hotspot.analysis.correlation import (
    CLUSTERS,
    BivariateParams,
    pearson,
    run_bivariate,
    spearman,
)
from hotspot.analysis.errors import AnalysisError, GeographicCrsError, WeightsError
from hotspot.core.errors import ProjectError
from hotspot.core.progress import (
    AnalysisCancelled,
    CallbackProgress,
    CancelToken,
    RecordingProgress,
)

SIDE = 9


def _lattice(seed: int = 3, island: bool = True) -> gpd.GeoDataFrame:
    """A 9 x 9 lattice of 100 m squares (plus one island far away) with two related measures."""
    rng = np.random.default_rng(seed)
    geoms = [
        box(100 * c, 100 * r, 100 * (c + 1), 100 * (r + 1))
        for r in range(SIDE)
        for c in range(SIDE)
    ]
    if island:
        geoms.append(box(5000, 5000, 5100, 5100))
    n = len(geoms)
    rows = np.array([r for r in range(SIDE) for _ in range(SIDE)] + ([4] if island else []))
    trend = rows / SIDE  # a north-south gradient shared by both measures
    x = trend + rng.normal(0, 0.3, n)
    y = trend + rng.normal(0, 0.3, n)
    return gpd.GeoDataFrame(
        {
            "code": [f"E01{i:06d}" for i in range(n)],
            "name": [f"Area {i}" for i in range(n)],
            "rate": x,
            "imd": y,
        },
        geometry=geoms,
        crs=27700,
    )


@pytest.fixture(scope="module")
def lattice() -> gpd.GeoDataFrame:
    return _lattice()


@pytest.fixture(scope="module")
def ours_directed(lattice):
    return run_bivariate(
        lattice, "rate", "imd", BivariateParams(alternative="directed", fdr=False, seed=11)
    )


@pytest.fixture(scope="module")
def esda_reference(lattice):
    """esda's statistics on the same (row-standardised queen) weights: compiled once."""
    import esda
    from libpysal import graph

    g = graph.Graph.build_contiguity(lattice, rook=False, strict=False).transform("r")
    x, y = lattice["rate"].to_numpy(), lattice["imd"].to_numpy()
    np.random.seed(5)  # noqa: NPY002 - esda.Moran_BV draws from the global generator
    glob = esda.Moran_BV(x, y, g, permutations=999)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # esda's z_sim of the island: 0 / 0
        loc = esda.Moran_Local_BV(x, y, g, permutations=999, seed=5)
    return glob, loc


def _mc_tolerance(p: np.ndarray, permutations: int = 999) -> np.ndarray:
    """Monte-Carlo error of a pseudo p-value (4 standard errors plus two steps)."""
    return 4 * np.sqrt(p * (1 - p) / permutations) + 2 / (permutations + 1)


# ----------------------------------------------------------------------------- weights


@pytest.mark.parametrize("kind", ["queen", "rook"])
def test_contiguity_equals_libpysal(lattice, kind):
    from libpysal import graph

    g = graph.Graph.build_contiguity(lattice, rook=(kind == "rook"), strict=False)
    ref = sp.csr_matrix(g.sparse)
    ref.eliminate_zeros()  # libpysal stores islands as zero-weight self links
    ours = build_weights(lattice.geometry, kind)
    assert (abs(ref - ours)).sum() == 0
    # A corner square has 3 queen neighbours and 2 rook neighbours; the island none.
    assert ours[0].nnz == (3 if kind == "queen" else 2)
    assert ours[len(lattice) - 1].nnz == 0


def test_knn_equals_libpysal():
    from libpysal import graph

    rng = np.random.default_rng(2)
    pts = rng.uniform(0, 1000, size=(40, 2))
    geoms = gpd.GeoSeries(
        [box(x, y, x + 5, y + 5) for x, y in pts], crs=27700
    )  # distinct centroids, no ties
    ref = sp.csr_matrix(graph.Graph.build_knn(geoms.centroid, k=4).sparse)
    assert abs(ref - build_weights(geoms, "knn", k=4)).sum() == 0


def test_row_standardised_rows_sum_to_one_and_islands_stay_empty(lattice):
    w = row_standardise(build_weights(lattice.geometry, "queen"))
    sums = np.asarray(w.sum(axis=1)).ravel()
    np.testing.assert_allclose(sums[:-1], 1.0)
    assert sums[-1] == 0


# ----------------------------------------------------------------------------- agreement with esda


def test_global_and_local_statistics_equal_esda(ours_directed, esda_reference):
    glob, loc = esda_reference
    assert ours_directed.moran_i == pytest.approx(glob.I, abs=1e-10)
    np.testing.assert_allclose(ours_directed.local["local_i"], loc.Is, rtol=0, atol=1e-10)
    np.testing.assert_array_equal(ours_directed.local["quadrant"], loc.q)


def test_pseudo_p_values_within_monte_carlo_error_of_esda(ours_directed, esda_reference):
    glob, loc = esda_reference
    tested = ~ours_directed.local["island"].to_numpy()
    p_ref = loc.p_sim[tested]
    p_ours = ours_directed.local["p_value"].to_numpy()[tested]
    # Two independent Monte-Carlo estimates: the bound for one, widened by sqrt(2).
    assert np.all(np.abs(p_ours - p_ref) <= np.sqrt(2) * _mc_tolerance(p_ref))
    assert np.mean(np.abs(p_ours - p_ref) <= _mc_tolerance(p_ref)) >= 0.95
    assert abs(ours_directed.p_value - glob.p_sim) <= np.sqrt(2) * _mc_tolerance(glob.p_sim)


def test_two_sided_p_values_are_twice_the_directed_ones(lattice, ours_directed):
    two = run_bivariate(lattice, "rate", "imd", BivariateParams(fdr=False, seed=11))
    d = ours_directed.local["p_value"].to_numpy()
    t = two.local["p_value"].to_numpy()
    tested = np.isfinite(d)
    # Same draws: the two-sided value doubles the smaller tail (ties aside).
    np.testing.assert_allclose(t[tested], np.minimum(1.0, 2 * d[tested]), atol=2 / 1000)


def test_correlations_equal_scipy(lattice, ours_directed):
    x, y = lattice["rate"].to_numpy(), lattice["imd"].to_numpy()
    ref_s = stats.spearmanr(x, y)
    ref_p = stats.pearsonr(x, y)
    assert ours_directed.spearman[0] == pytest.approx(ref_s.statistic, rel=1e-12)
    assert ours_directed.spearman[1] == pytest.approx(ref_s.pvalue, rel=1e-9)
    assert ours_directed.pearson[0] == pytest.approx(ref_p.statistic, rel=1e-12)
    assert ours_directed.pearson[1] == pytest.approx(ref_p.pvalue, rel=1e-9)


def test_spearman_handles_ties_as_scipy():
    x = np.array([1, 2, 2, 3, 4, 4, 4, 5, 6, 7], dtype=float)
    y = np.array([2, 1, 3, 3, 5, 4, 6, 6, 8, 7], dtype=float)
    ref = stats.spearmanr(x, y)
    rho, p = spearman(x, y)
    assert rho == pytest.approx(ref.statistic, rel=1e-12)
    assert p == pytest.approx(ref.pvalue, rel=1e-9)
    r, pp = pearson(x, y)
    assert pp == pytest.approx(stats.pearsonr(x, y).pvalue, rel=1e-9)


# ----------------------------------------------------------------------------- behaviour


def test_islands_are_reported_with_a_zero_lag_and_not_tested(ours_directed, lattice):
    assert ours_directed.islands == (lattice["code"].iloc[-1],)
    last = ours_directed.local.iloc[-1]
    assert last["island"] and last["lag"] == 0 and last["local_i"] == 0
    assert np.isnan(last["p_value"]) and last["cluster"] == "Not significant"
    assert any("Area 81" in w and "islands" in w for w in ours_directed.warnings)


def test_areas_with_missing_values_are_listed_not_silently_dropped(lattice):
    import esda
    from libpysal import graph

    gdf = lattice.copy()
    gdf.loc[[3, 40], "imd"] = np.nan
    res = run_bivariate(gdf, "rate", "imd", BivariateParams(permutations=99))
    assert res.dropped == (gdf["code"].iloc[3], gdf["code"].iloc[40])
    assert res.n == len(gdf) - 2 and len(res.local) == len(gdf) - 2
    assert any("left out" in w and gdf["code"].iloc[40] in w for w in res.warnings)
    # Same as esda on the remaining areas, with weights built on them.
    kept = gdf.drop(index=[3, 40]).reset_index(drop=True)
    g = graph.Graph.build_contiguity(kept, rook=False, strict=False).transform("r")
    ref = esda.Moran_BV(kept["rate"].to_numpy(), kept["imd"].to_numpy(), g, permutations=0)
    assert res.moran_i == pytest.approx(ref.I, abs=1e-10)


def test_clusters_fdr_and_alpha(lattice):
    res = run_bivariate(lattice, "rate", "imd", BivariateParams(seed=4))
    local = res.local
    assert set(local["cluster"]) <= set(CLUSTERS)
    p = local["p_value"].to_numpy()
    tested = np.isfinite(p)
    np.testing.assert_allclose(
        local["q_value"].to_numpy()[tested],
        stats.false_discovery_control(p[tested], method="bh"),
        rtol=1e-12,
    )
    sig = local["q_value"].fillna(np.inf) <= 0.05
    assert (local.loc[~sig, "cluster"] == "Not significant").all()
    labels = {1: "High-High", 2: "Low-High", 3: "Low-Low", 4: "High-Low"}
    assert (local.loc[sig, "cluster"] == local.loc[sig, "quadrant"].map(labels)).all()
    # The shared gradient makes High-High and Low-Low clusters.
    counts = res.cluster_counts()
    assert counts["High-High"] + counts["Low-Low"] > 0
    no_fdr = run_bivariate(lattice, "rate", "imd", BivariateParams(seed=4, fdr=False))
    np.testing.assert_array_equal(no_fdr.local["q_value"], no_fdr.local["p_value"])
    assert (no_fdr.local["cluster"] != "Not significant").sum() >= (
        local["cluster"] != "Not significant"
    ).sum()


def test_under_independence_few_areas_are_called_clusters():
    # 20 x 20 lattice, x and y independent noise: at alpha 0.05 without FDR about 5% are
    # called by chance; with FDR almost none.
    rng = np.random.default_rng(8)
    side = 20
    gdf = gpd.GeoDataFrame(
        {
            "code": [str(i) for i in range(side * side)],
            "a": rng.normal(size=side * side),
            "b": rng.normal(size=side * side),
        },
        geometry=[box(c, r, c + 1, r + 1) for r in range(side) for c in range(side)],
        crs=27700,
    )
    raw = run_bivariate(gdf, "a", "b", BivariateParams(fdr=False, seed=1))
    share = (raw.local["cluster"] != "Not significant").mean()
    assert share <= 0.09
    fdr = run_bivariate(gdf, "a", "b", BivariateParams(seed=1))
    assert (fdr.local["cluster"] != "Not significant").mean() <= 0.01
    assert raw.p_value > 0.01  # no global association either


def test_same_seed_same_result_and_seed_is_stored(lattice):
    a = run_bivariate(lattice, "rate", "imd", BivariateParams(seed=7, permutations=199))
    b = run_bivariate(lattice, "rate", "imd", BivariateParams(seed=7, permutations=199))
    c = run_bivariate(lattice, "rate", "imd", BivariateParams(seed=8, permutations=199))
    np.testing.assert_array_equal(a.local["p_value"], b.local["p_value"])
    assert a.p_value == b.p_value
    assert not np.array_equal(a.local["p_value"], c.local["p_value"])
    assert a.seed == 7 and a.params.seed == 7 and a.params.permutations == 199


def test_params_name_the_columns_actually_compared(lattice):
    gdf = lattice.rename(columns={"rate": "count", "imd": "samhi_index"})
    res = run_bivariate(gdf, "count", "samhi_index", BivariateParams(permutations=99))
    assert (res.params.measure, res.params.context) == ("count", "samhi_index")
    assert (res.x, res.y) == ("count", "samhi_index")


def test_result_says_how_to_read_the_clusters(ours_directed):
    caveat = ours_directed.caveat.lower()
    assert "neighbouring areas" in caveat and "care" in caveat
    assert ours_directed.x == "rate" and ours_directed.y == "imd"


def test_inputs_are_not_modified(lattice):
    before = lattice.copy()
    run_bivariate(lattice, "rate", "imd", BivariateParams(permutations=99))
    assert lattice.equals(before)


def test_rook_and_knn_weights_run(lattice):
    rook = run_bivariate(lattice, "rate", "imd", BivariateParams(weights="rook", permutations=99))
    knn = run_bivariate(
        lattice, "rate", "imd", BivariateParams(weights="knn", k=4, permutations=99)
    )
    assert rook.islands == (lattice["code"].iloc[-1],)
    assert knn.islands == ()  # the island has nearest neighbours


def test_bad_inputs_say_what_to_fix(lattice):
    with pytest.raises(AnalysisError, match="no column 'crime'"):
        run_bivariate(lattice, "crime", "imd")
    with pytest.raises(AnalysisError, match="same value"):
        run_bivariate(lattice.assign(imd=1.0), "rate", "imd")
    with pytest.raises(GeographicCrsError):
        run_bivariate(lattice.to_crs(4326), "rate", "imd")
    far = lattice.assign(
        geometry=[box(i * 1000, 0, i * 1000 + 10, 10) for i in range(len(lattice))]
    )
    with pytest.raises(WeightsError, match="knn"):
        run_bivariate(far, "rate", "imd")
    with pytest.raises(ProjectError, match="weights"):
        BivariateParams(weights="distance")
    with pytest.raises(ProjectError, match="permutations"):
        BivariateParams(permutations=10)


def test_progress_and_cancel(lattice):
    rec = RecordingProgress()
    run_bivariate(lattice, "rate", "imd", BivariateParams(permutations=99), progress=rec)
    fractions = [f for f, _ in rec.updates]
    assert fractions[-1] == 1.0 and fractions == sorted(fractions)
    token = CancelToken()
    token.cancel()
    with pytest.raises(AnalysisCancelled):
        run_bivariate(lattice, "rate", "imd", progress=CallbackProgress(token=token))


def test_importing_the_module_does_not_load_esda_libpysal_or_numba():
    code = (
        "import sys, hotspot.analysis.correlation;"
        "bad=[m for m in ('esda','libpysal','numba') if m in sys.modules];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_registry_maps_bivariate_to_these_params():
    from hotspot.core.params import from_dict, to_dict
    from hotspot.pipeline.registry import params_classes

    assert params_classes()["bivariate"] is BivariateParams
    p = BivariateParams(weights="knn", k=5, fdr=False)
    assert from_dict(BivariateParams, to_dict(p)) == p
