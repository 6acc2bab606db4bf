"""Getis-Ord Gi*: z-scores against esda (the esda test fixture, grids, real LSOAs),
permutation p-values against esda's within Monte-Carlo error, and behaviour on data with
known answers (planted hotspots found; complete spatial randomness mostly left alone)."""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import shapely
from _analysis_helpers import X0, Y0, quiet

from hotspot.analysis import p_values, permutation
from hotspot.analysis._weights import grid_weights
from hotspot.analysis.cell_counts import cell_positions
from hotspot.analysis.errors import (
    AnalysisWarning,
    GeographicCrsError,
    NoPointsError,
    TooFewPointsError,
    WeightsError,
)
from hotspot.analysis.gistar import GiStarParams, run_gistar_areas, run_gistar_grid
from hotspot.analysis.gistar_inference import BIN_LABELS, gi_star_z
from hotspot.analysis.grid import make_grid
from hotspot.core.errors import AnalysisError, ProjectError
from hotspot.core.params import from_dict, specs, to_dict

BOX = shapely.box(X0, Y0, X0 + 8000, Y0 + 6000)

# The fixture of esda's own G_Local tests: six points, distance band 15, and the Gi* z-scores
# (binary weights) printed in esda's documentation.
ESDA_POINTS = np.array([(10, 10), (20, 10), (40, 10), (15, 20), (30, 20), (30, 30)], dtype=float)
ESDA_Y = np.array([2, 3, 3.2, 5, 8, 7])
ESDA_GSTAR_Z = np.array([-1.39727626, -0.28917762, 0.65064964, -0.28917762, 1.23452088, 2.02424331])


def _esda_zs(y, w):
    import esda

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return esda.G_Local(y, w, star=True, transform="B", permutations=0).Zs


def _planted(seed: int, n_centres: int = 10, per_centre: int = 40, background: int = 3000):
    rng = np.random.default_rng(seed)
    centres = rng.uniform([X0 + 500, Y0 + 500], [X0 + 7500, Y0 + 5500], size=(n_centres, 2))
    clusters = np.vstack([rng.normal(c, 80, size=(per_centre, 2)) for c in centres])
    noise = rng.uniform([X0, Y0], [X0 + 8000, Y0 + 6000], size=(background, 2))
    return centres, np.vstack([clusters, noise])


# --------------------------------------------------------------------------- z against esda


def test_six_point_fixture_matches_esda_documentation_and_esda():
    from libpysal.weights import DistanceBand

    gdf = gpd.GeoDataFrame({"y": ESDA_Y}, geometry=gpd.points_from_xy(*ESDA_POINTS.T), crs=27700)
    with pytest.warns(AnalysisWarning, match="only 6 areas"):
        res = run_gistar_areas(gdf, "y", GiStarParams(area_weights="distance", distance=15))
    np.testing.assert_allclose(res.cells["gi_z"], ESDA_GSTAR_Z, rtol=0, atol=1e-8)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = DistanceBand(ESDA_POINTS, threshold=15)
    np.testing.assert_allclose(res.cells["gi_z"], _esda_zs(ESDA_Y, w), rtol=0, atol=1e-8)
    assert res.kind == "areas"
    assert "y" in res.cells.columns


@pytest.mark.parametrize("shape", ["square", "hexagon"])
def test_grid_z_matches_esda_with_independently_built_neighbours(shape):
    from libpysal.weights import DistanceBand

    _, xy = _planted(1)
    area = shapely.Point(X0 + 4000, Y0 + 3000).buffer(2800)
    res = quiet(run_gistar_grid, xy, GiStarParams(cell_size=150, shape=shape), study_area=area)
    grid = make_grid(area, 150, shape=shape)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = DistanceBand(grid.centres, threshold=150 * 1.4143, silence_warnings=True)
    expected = _esda_zs(res.cells["n"].to_numpy(float), w)
    np.testing.assert_allclose(res.cells["gi_z"], expected, rtol=0, atol=1e-8)


@pytest.mark.realdata
def test_lewisham_grid_z_matches_esda(lewisham_violence, lewisham_outline):
    from libpysal.weights import W

    res = quiet(run_gistar_grid, lewisham_violence, GiStarParams(), study_area=lewisham_outline)
    assert res.params.cell_size == 100.0
    grid = make_grid(lewisham_outline, 100.0)
    np.testing.assert_array_equal(res.cells["cell_id"], grid.cells["cell_id"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = W.from_sparse(grid_weights(grid, include_self=False))
    expected = _esda_zs(res.cells["n"].to_numpy(float), w)
    np.testing.assert_allclose(res.cells["gi_z"], expected, rtol=0, atol=1e-8)
    assert res.n_points + res.n_outside == len(lewisham_violence)
    assert (res.cells["gi_bin"] == 3).sum() > 10


@pytest.mark.realdata
@pytest.mark.parametrize("kind", ["queen", "rook", "knn", "distance"])
def test_lewisham_lsoa_z_matches_esda(lewisham_lsoas, lewisham_violence, kind):
    from libpysal import weights

    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(*lewisham_violence.T), crs=27700)
    joined = gpd.sjoin(pts, lewisham_lsoas[["geometry"]], predicate="within")
    lsoas = lewisham_lsoas.copy()
    lsoas["violence"] = np.bincount(joined["index_right"], minlength=len(lsoas))
    params = GiStarParams(area_weights=kind, k=6, distance=800.0)
    res = quiet(run_gistar_areas, lsoas, "violence", params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if kind == "distance":  # centroids within 800 m
            w = weights.DistanceBand.from_dataframe(lsoas, threshold=800.0, binary=True)
        elif kind == "knn":
            w = weights.KNN.from_dataframe(lsoas, k=6)
        elif kind == "rook":
            w = weights.Rook.from_dataframe(lsoas, use_index=False)
        else:
            w = weights.Queen.from_dataframe(lsoas, use_index=False)
    expected = _esda_zs(lsoas["violence"].to_numpy(float), w)
    np.testing.assert_allclose(res.cells["gi_z"], expected, rtol=0, atol=1e-8)
    assert len(res.cells) == 169
    assert "LSOA11CD" in res.cells.columns  # input columns are kept


def test_gi_star_z_handles_constant_values():
    w = sp.csr_matrix(np.ones((4, 4)) - np.diag([0, 0, 0, 1]))
    assert np.isnan(gi_star_z(np.full(4, 3.0), w)).all()


# --------------------------------------------------------------------------- permutations


@pytest.fixture(scope="module")
def esda_permutation_run():
    """One esda permutation run (esda compiles for ~15 s per process: done once here)."""
    import esda
    from libpysal.weights import lat2W

    rng = np.random.default_rng(21)
    nrows, ncols = 30, 40
    y = rng.gamma(2.0, 1.5, nrows * ncols)
    y.reshape(nrows, ncols)[10:14, 20:25] += 4.0  # a hot block
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = lat2W(nrows, ncols, rook=False)
        lg = esda.G_Local(
            y,
            w,
            star=True,
            transform="B",
            permutations=999,
            seed=5,
            keep_simulations=True,
            n_jobs=1,
        )
    # esda's "folded" convention applied to esda's own simulated statistics
    centre = lg.rGs.mean(axis=1, keepdims=True)
    extreme = np.abs(lg.rGs - centre) >= np.abs(lg.Gs[:, None] - centre)
    folded = (extreme.sum(axis=1) + 1) / 1000
    area = shapely.box(X0, Y0, X0 + ncols * 100, Y0 + nrows * 100)
    grid = make_grid(area, 100)
    return {"y": y, "w": grid_weights(grid), "lg": lg, "folded": folded}


def _within_monte_carlo_error(ours, theirs, permutations):
    p = np.clip((ours + theirs) / 2, 1 / (permutations + 1), 1)
    sd = np.sqrt(2 * p * (1 - p) / permutations)
    return np.abs(ours - theirs) <= 5 * sd + 2 / (permutations + 1)


def test_permutation_p_values_match_esda_within_monte_carlo_error(esda_permutation_run):
    run = esda_permutation_run
    np.testing.assert_allclose(gi_star_z(run["y"], run["w"]), run["lg"].Zs, rtol=0, atol=1e-8)
    counts = permutation.permutation_test(run["w"], run["y"], permutations=999, seed=8)
    directed = counts.p_values("directed")  # esda's default p_sim convention
    assert _within_monte_carlo_error(directed, run["lg"].p_sim, 999).all()
    assert np.corrcoef(directed, run["lg"].p_sim)[0, 1] > 0.97
    # folded values near 1 also move with each run's estimate of the distribution's centre,
    # which all cells of a run share: compare where inference happens (p <= 0.2)
    folded = counts.p_values("folded")
    tail = np.minimum(folded, run["folded"]) <= 0.2
    assert tail.sum() > 50
    assert _within_monte_carlo_error(folded[tail], run["folded"][tail], 999).all()
    assert np.corrcoef(folded, run["folded"])[0, 1] > 0.97
    # the two-sided value is twice the directed one when there are no ties
    np.testing.assert_allclose(counts.p_values(), np.minimum(1, 2 * directed), atol=1e-12)


def test_permutation_reference_distribution_matches_esda(esda_permutation_run):
    run = esda_permutation_run
    lg = run["lg"]
    counts = permutation.permutation_test(run["w"], run["y"], permutations=999, seed=9)
    # esda's simulated Gs are lags divided by the total: compare mean and spread per cell
    scale = run["y"].sum()
    mean_theirs = lg.rGs.mean(axis=1) * scale
    sd_theirs = lg.rGs.std(axis=1) * scale
    se = sd_theirs / np.sqrt(999)
    assert (np.abs(counts.mean - mean_theirs) <= 5 * np.sqrt(2) * se).all()
    np.testing.assert_allclose(counts.std, sd_theirs, rtol=0.15)


def test_grid_permutations_are_reproducible_and_recorded():
    _, xy = _planted(3, background=1500)
    params = GiStarParams(cell_size=250, permutations=199, seed=42)
    a = quiet(run_gistar_grid, xy, params, study_area=BOX)
    b = quiet(run_gistar_grid, xy, params, study_area=BOX)
    np.testing.assert_array_equal(a.cells["p_sim"], b.cells["p_sim"])
    assert a.seed == 42 and a.params.permutations == 199
    np.testing.assert_allclose(a.cells["q_value"], p_values.fdr_bh(a.cells["p_sim"]))
    assert (a.cells["p_sim"] >= 2 / 200 - 1e-12).all()


def test_too_few_permutations_for_fdr_are_warned_about_before_the_test():
    _, xy = _planted(4)
    with pytest.warns(AnalysisWarning, match="smallest possible p-value is 0.1,") as caught:
        res = run_gistar_grid(xy, GiStarParams(cell_size=100, permutations=19), study_area=BOX)
    text = str(caught[0].message)
    n = int(np.isfinite(res.cells["gi_z"]).sum())
    # BH over n cells at 90%: all n cells would have to reach p = 2/20 together
    assert f"at least {n:,} cells" in text
    assert "analytical test (permutations = 0)" in text and "99,999 permutations" in text
    assert res.power.needed == n and not res.power.alone
    assert res.n_significant == 0  # and indeed none is called


def test_enough_permutations_raise_no_power_warning_and_find_the_planted_hotspots():
    centres, xy = _planted(4)
    params = GiStarParams(cell_size=250, permutations=19999, fdr=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error", AnalysisWarning)
        res = run_gistar_grid(xy, params, study_area=BOX)
    assert res.power.alone and res.power.tests == len(res.cells)
    assert res.n_significant > 0


# --------------------------------------------------------------------------- behaviour


def test_planted_hotspots_are_found():
    found = []
    for seed in range(3):
        centres, xy = _planted(seed)
        res = run_gistar_grid(xy, GiStarParams(), study_area=BOX)
        grid = make_grid(BOX, res.params.cell_size)
        pos = cell_positions(grid, centres)
        found.append(res.cells["gi_bin"].to_numpy()[pos] >= 2)
    assert np.mean(found) >= 0.9


def test_complete_spatial_randomness_is_rarely_called_hot_or_cold():
    shares = []
    for seed in range(5):
        rng = np.random.default_rng(100 + seed)
        xy = rng.uniform([X0, Y0], [X0 + 8000, Y0 + 6000], size=(3000, 2))
        res = run_gistar_grid(xy, GiStarParams(), study_area=BOX)
        assert res.params.fdr
        shares.append((np.abs(res.cells["gi_bin"]) >= 2).mean())
    assert max(shares) <= 0.05


def test_fdr_off_leaves_p_values_unadjusted_and_calls_more_cells():
    _, xy = _planted(5)
    on = run_gistar_grid(xy, GiStarParams(), study_area=BOX)
    off = run_gistar_grid(xy, GiStarParams(fdr=False), study_area=BOX)
    np.testing.assert_array_equal(off.cells["q_value"], off.cells["p_value"])
    assert (on.cells["q_value"] >= on.cells["p_value"] - 1e-15).all()
    assert (off.cells["gi_bin"] != 0).sum() >= (on.cells["gi_bin"] != 0).sum()
    assert on.fdr_corrected and not off.fdr_corrected


def test_classes_and_labels_follow_the_arcgis_convention():
    _, xy = _planted(6)
    res = run_gistar_grid(xy, GiStarParams(fdr=False), study_area=BOX)
    cells = res.cells
    expected = p_values.confidence_bin(cells["gi_z"], cells["p_value"])
    np.testing.assert_array_equal(cells["gi_bin"], expected)
    assert set(cells["label"]) <= set(BIN_LABELS.values())
    for b, label in BIN_LABELS.items():
        assert (cells.loc[cells["gi_bin"] == b, "label"] == label).all()
    assert BIN_LABELS[3] == "Hot spot, 99% confidence"
    assert BIN_LABELS[-1] == "Cold spot, 90% confidence"
    hot99 = cells[cells["gi_bin"] == 3]
    assert (hot99["gi_z"] >= 2.5758).all()
    assert sum(res.counts_by_label().values()) == len(cells)


def test_one_sided_test_only_finds_hot_spots():
    _, xy = _planted(7)
    res = run_gistar_grid(xy, GiStarParams(alternative="greater", fdr=False), study_area=BOX)
    assert (res.cells["gi_bin"] >= 0).all()
    assert (res.cells["gi_bin"] > 0).any()


def test_result_columns_and_params():
    _, xy = _planted(8, background=500)
    res = quiet(run_gistar_grid, xy, GiStarParams(shape="hexagon"), study_area=BOX)
    cols = list(res.cells.columns)
    assert cols[:4] == ["cell_id", "row", "col", "n"]
    assert cols[-1] == "geometry"
    for c in ("gi_z", "p_value", "q_value", "gi_bin", "label"):
        assert c in cols
    assert "p_sim" not in cols
    assert res.cells.crs.to_epsg() == 27700
    assert res.params.cell_size == 100.0 and res.params.shape == "hexagon"
    assert res.kind == "grid" and res.seed is None
    assert res.cells["n"].sum() == res.n_points == len(xy) - res.n_outside


def test_distance_neighbourhood_is_recorded():
    _, xy = _planted(9, background=800)
    res = run_gistar_grid(xy, GiStarParams(cell_size=200, neighbourhood="distance"), study_area=BOX)
    assert res.params.distance == 300.0
    with pytest.warns(AnalysisWarning, match="smaller than the cell size"):
        run_gistar_grid(
            xy,
            GiStarParams(cell_size=200, neighbourhood="distance", distance=150),
            study_area=BOX,
        )


# --------------------------------------------------------------------------- errors


def test_fewer_than_30_points_are_refused():
    xy = np.random.default_rng(0).uniform([X0, Y0], [X0 + 8000, Y0 + 6000], size=(29, 2))
    with pytest.raises(TooFewPointsError, match="at least 30"):
        run_gistar_grid(xy, GiStarParams(), study_area=BOX)


def test_no_points_and_points_elsewhere_are_refused():
    with pytest.raises(NoPointsError):
        run_gistar_grid(np.empty((0, 2)), GiStarParams(), study_area=BOX)
    far = np.random.default_rng(0).uniform([0, 0], [1000, 1000], size=(50, 2)) + 400_000
    with pytest.raises(NoPointsError, match="outside the study area"):
        run_gistar_grid(far, GiStarParams(), study_area=BOX)
    lonlat = gpd.GeoDataFrame(geometry=gpd.points_from_xy([-0.02] * 40, [51.4] * 40), crs=4326)
    with pytest.raises(GeographicCrsError):
        run_gistar_grid(lonlat, GiStarParams())


def test_stray_point_does_not_blow_up_the_grid():
    _, xy = _planted(10, background=1000)
    clean = run_gistar_grid(xy, GiStarParams())
    with pytest.warns(AnalysisWarning, match="1 offence"):
        res = run_gistar_grid(np.vstack([xy, [[0.0, 0.0]]]), GiStarParams())
    assert res.n_outside == 1
    assert len(res.cells) == len(clean.cells)


def test_a_stray_point_among_few_offences_does_not_stretch_the_grid():
    xy = np.random.default_rng(19).uniform([X0, Y0], [X0 + 8000, Y0 + 6000], size=(40, 2))
    clean = quiet(run_gistar_grid, xy, GiStarParams())
    res = quiet(run_gistar_grid, np.vstack([xy, [[0.0, 0.0]]]), GiStarParams())
    assert res.n_outside == 1 and res.n_points == 40
    assert res.params.cell_size == clean.params.cell_size
    np.testing.assert_array_equal(res.cells["cell_id"], clean.cells["cell_id"])


def test_lon_lat_study_area_is_refused():
    _, xy = _planted(14, background=500)
    outline = gpd.GeoDataFrame(geometry=[BOX], crs=27700).to_crs(4326)
    with pytest.raises(GeographicCrsError, match="study area"):
        run_gistar_grid(xy, GiStarParams(), study_area=outline)


def test_area_input_errors_name_the_problem():
    gdf = gpd.GeoDataFrame(
        {"y": ESDA_Y, "name": list("abcdef")},
        geometry=gpd.points_from_xy(*ESDA_POINTS.T),
        crs=27700,
    )
    with pytest.raises(AnalysisError, match="no such column"):
        quiet(run_gistar_areas, gdf, "count", GiStarParams())
    with pytest.raises(AnalysisError, match="not numeric"):
        quiet(run_gistar_areas, gdf, "name", GiStarParams())
    # counts with gaps (an nullable integer column) are named as such, not as "not numeric"
    gaps = gdf.assign(count=pd.array([1, 2, None, 4, 5, 6], dtype="Int64"))
    with pytest.raises(AnalysisError, match="1 area\\(s\\) have no value"):
        quiet(run_gistar_areas, gaps, "count", GiStarParams(area_weights="knn", k=2))
    with pytest.raises(WeightsError, match="distance"):
        quiet(run_gistar_areas, gdf, "y", GiStarParams(area_weights="distance"))
    with pytest.raises(WeightsError, match="between 1 and 5"):
        quiet(run_gistar_areas, gdf, "y", GiStarParams(area_weights="knn", k=6))


def test_islands_are_left_unclassified():
    squares = [shapely.box(i * 100, 0, i * 100 + 100, 100) for i in range(8)]
    squares.append(shapely.box(5000, 5000, 5100, 5100))  # an island
    gdf = gpd.GeoDataFrame({"v": [1, 2, 9, 8, 2, 1, 0, 3, 50]}, geometry=squares, crs=27700)
    with pytest.warns(AnalysisWarning) as record:
        res = run_gistar_areas(gdf, "v", GiStarParams())
    assert any("no neighbour" in str(r.message) for r in record)
    assert np.isnan(res.cells["gi_z"].iloc[-1])
    assert res.cells["gi_bin"].iloc[-1] == 0


def test_params_declare_every_field_and_round_trip():
    assert all(s.help and s.label for s in specs(GiStarParams))
    p = from_dict(GiStarParams, {"cell_size": 150, "permutations": 999, "seed": 7})
    assert from_dict(GiStarParams, to_dict(p)) == p
    with pytest.raises(ProjectError, match="shape"):
        GiStarParams(shape="triangle")
    with pytest.raises(ProjectError, match="permutations"):
        from_dict(GiStarParams, {"permutations": -1}, where="gistar")


# --------------------------------------------------------------------------- demo borough


@pytest.fixture(scope="module")
def demo_violence():
    """The demo borough's located violence, last 12 months (BNG), and its planted centres."""
    import pyproj

    from hotspot import demo

    data = demo.generate()
    header = list(demo.HEADER)
    ilon, ilat, icat = (header.index(c) for c in ("Longitude", "Latitude", "Crime type"))
    rows = [
        r
        for month in data.offences.months[-12:]
        for r in data.offences.rows[month]
        if r[ilon] and r[icat] == "Violence and sexual offences"
    ]
    lon = np.array([float(r[ilon]) for r in rows])
    lat = np.array([float(r[ilat]) for r in rows])
    x, y = pyproj.Transformer.from_crs(4326, 27700, always_xy=True).transform(lon, lat)
    centres = np.array([[c.x, c.y] for c in data.geography.centres])
    return np.column_stack([x, y]), centres, data.geography.outline


def test_demo_town_centres_are_found(demo_violence):
    xy, centres, outline = demo_violence
    res = quiet(run_gistar_grid, xy, GiStarParams(), study_area=outline)
    grid = make_grid(outline, res.params.cell_size)
    found = res.cells["gi_bin"].to_numpy()[cell_positions(grid, centres)] >= 2
    assert found.mean() >= 0.9


def test_permutation_runs_report_progress_and_can_be_cancelled():
    from hotspot.core.progress import AnalysisCancelled, CallbackProgress, RecordingProgress

    _, xy = _planted(11, background=1500)
    params = GiStarParams(cell_size=100, permutations=99)
    rec = RecordingProgress()
    quiet(run_gistar_grid, xy, params, study_area=BOX, progress=rec)
    fractions = [f for f, _ in rec.updates]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert fractions == sorted(fractions)
    assert any("permutation" in m for _, m in rec.updates)

    calls = []

    def cancel_midway(fraction, message):
        calls.append(fraction)
        if fraction > 0.3:
            progress.token.cancel()

    progress = CallbackProgress(cancel_midway)
    with pytest.raises(AnalysisCancelled):
        quiet(
            run_gistar_grid,
            xy,
            GiStarParams(cell_size=50, permutations=999),
            study_area=BOX,
            progress=progress,
        )


def test_geodataframe_points_and_area_layer_study_area():
    from hotspot.model import AreaLayer

    _, xy = _planted(12, background=1000)
    gdf = gpd.GeoDataFrame(
        {"month": ["2024-01"] * len(xy)}, geometry=gpd.points_from_xy(*xy.T), crs=27700
    )
    layer = AreaLayer(gpd.GeoDataFrame({"code": ["B"], "name": ["Box"]}, geometry=[BOX], crs=27700))
    from_gdf = quiet(run_gistar_grid, gdf, GiStarParams(), study_area=layer)
    from_array = quiet(run_gistar_grid, xy, GiStarParams(), study_area=BOX)
    np.testing.assert_array_equal(from_gdf.cells["gi_z"], from_array.cells["gi_z"])


def test_a_missing_seed_is_drawn_and_recorded():
    _, xy = _planted(13, background=1000)
    params = GiStarParams(cell_size=250, permutations=99, seed=None)
    res = quiet(run_gistar_grid, xy, params, study_area=BOX)
    assert isinstance(res.seed, int)
    again = quiet(run_gistar_grid, xy, res.params, study_area=BOX)
    np.testing.assert_array_equal(again.cells["p_sim"], res.cells["p_sim"])
