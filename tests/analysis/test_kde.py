"""Kernel density: kernels integrate to 1, Silverman's rule on hand-computed cases, the FFT
surface against the exact sum of kernels (real Lewisham points), units, masking, warnings,
errors and hotspot classes (the hot spot areas: tests/analysis/test_zones.py)."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
import shapely
from _analysis_helpers import X0, Y0, quiet
from scipy import integrate

from hotspot.analysis.errors import (
    AnalysisWarning,
    GeographicCrsError,
    GridTooLargeError,
    NoPointsError,
)
from hotspot.analysis.kde import KdeParams, run_kde
from hotspot.analysis.kde_bandwidth import silverman_bandwidth
from hotspot.analysis.kernel_sum import KERNELS, kernel_radius, kernel_value
from hotspot.core.errors import AnalysisError, ProjectError
from hotspot.core.params import from_dict, specs, to_dict
from hotspot.core.progress import AnalysisCancelled, CallbackProgress, RecordingProgress

BOX = shapely.box(X0, Y0, X0 + 4000, Y0 + 3000)


def _quiet_kde(*args, **kwargs):
    return quiet(run_kde, *args, **kwargs)


def _brute_force(xy, w, kernel, h, result) -> np.ndarray:
    """Sum of kernels at every cell centre by broadcasting over all pairs (density per m²)."""
    nrows, ncols = result.values.shape
    t = result.transform
    cx = t.c + (np.arange(ncols) + 0.5) * t.a
    cy = t.f + (np.arange(nrows) + 0.5) * t.e
    gx, gy = np.meshgrid(cx, cy)
    d = np.hypot(gx[..., None] - xy[:, 0], gy[..., None] - xy[:, 1])
    return (kernel_value(kernel, d, h) * w).sum(axis=-1)


# --------------------------------------------------------------------------- kernels


@pytest.mark.parametrize("kernel", KERNELS)
def test_every_kernel_integrates_to_one_over_the_plane(kernel):
    h = 250.0
    total, _ = integrate.quad(
        lambda r: 2 * math.pi * r * kernel_value(kernel, np.array([r]), h)[0],
        0,
        kernel_radius(kernel, h),
        points=[h],
        limit=200,
    )
    tolerance = 1e-5 if kernel == "gaussian" else 1e-9  # gaussian is cut at 5 sd
    assert total == pytest.approx(1.0, abs=tolerance)


def test_quartic_is_the_arcgis_kernel():
    h = 300.0
    d = np.array([0.0, 150.0, 299.0, 300.0, 450.0])
    expected = 3 / (math.pi * h**2) * np.clip(1 - (d / h) ** 2, 0, None) ** 2
    np.testing.assert_allclose(kernel_value("quartic", d, h), expected, rtol=1e-14)
    assert kernel_value("quartic", d, h)[0] == pytest.approx(1.0610329539459689e-05)


# --------------------------------------------------------------------------- bandwidth


def test_silverman_rule_on_a_hand_computed_square():
    # corners of a 2 m square: mean centre (1, 1); SD = sqrt(2); every distance sqrt(2)
    xy = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0], [2.0, 2.0]])
    h, note = silverman_bandwidth(xy)
    assert h == pytest.approx(0.9 * math.sqrt(2) * 4**-0.2, rel=1e-12)
    assert "Silverman" in note
    # repeated locations (police.uk map points) are fine: only n changes
    h40, _ = silverman_bandwidth(np.repeat(xy, 10, axis=0))
    assert h40 == pytest.approx(0.9 * math.sqrt(2) * 40**-0.2, rel=1e-12)


def test_silverman_uses_the_median_distance_when_it_is_smaller():
    # 9 points at the origin's neighbourhood and one far away: Dm small, SD large
    xy = np.array([[0, 0], [1, 0], [0, 1], [-1, 0], [0, -1], [1, 1], [-1, -1], [1, -1], [-1, 1]])
    xy = np.vstack([xy, [[1000, 0]]]).astype(float)
    centre = xy.mean(axis=0)
    dist = np.hypot(*(xy - centre).T)
    sd = math.sqrt(((xy - centre) ** 2).sum(axis=1).mean())
    dm = np.median(dist)
    assert math.sqrt(1 / math.log(2)) * dm < sd
    h, _ = silverman_bandwidth(xy)
    assert h == pytest.approx(0.9 * math.sqrt(1 / math.log(2)) * dm * 10**-0.2, rel=1e-12)


def test_weighted_silverman_equals_repeating_points():
    xy = np.array([[0.0, 0.0], [300.0, 0.0], [0.0, 500.0], [250.0, 260.0]])
    h_w, _ = silverman_bandwidth(xy, np.array([3.0, 1.0, 2.0, 4.0]))
    h_r, _ = silverman_bandwidth(np.repeat(xy, [3, 1, 2, 4], axis=0))
    assert h_w == pytest.approx(h_r, rel=1e-12)


def test_identical_points_fall_back_with_a_warning():
    xy = np.full((40, 2), [X0 + 2000, Y0 + 1500])
    with pytest.warns(AnalysisWarning, match="no spread to measure"):
        res = run_kde(xy, KdeParams(cell_size=50), study_area=BOX)
    assert res.params.bandwidth == 250.0  # 5 cells of 50 m
    assert any("5 cells (at least 100 m) = 250 m" in w for w in res.warnings)
    assert "= 250 m" in res.bandwidth_note
    assert np.nanmax(res.values) > 0


@pytest.mark.parametrize("jitter", [1e-9, 1e-4, 3.0])
def test_near_identical_points_fall_back_instead_of_a_noise_bandwidth(jitter):
    """Points a few nanometres to metres apart (lon/lat rounding noise after reprojection):
    Silverman's rule gives a bandwidth of the size of the noise, which used to stop the run
    on "kde.bandwidth ... below the minimum"; the fallback is 5 cells, said on the result."""
    rng = np.random.default_rng(3)
    xy = np.full((60, 2), [X0 + 2000.0, Y0 + 1500.0]) + rng.normal(0, jitter, (60, 2))
    h, _ = silverman_bandwidth(xy)
    assert h < 50  # the rule measures only the noise
    with pytest.warns(AnalysisWarning, match="no spread to measure"):
        res = run_kde(xy, KdeParams(cell_size=50), study_area=BOX)
    assert res.params.bandwidth == 250.0
    total = np.nansum(res.values) * (50 / 1000) ** 2  # offences per km² x km² per cell
    assert total == pytest.approx(60, rel=0.02)  # the surface still holds every offence


# --------------------------------------------------------------------------- accuracy


def test_exact_method_equals_a_brute_force_sum():
    rng = np.random.default_rng(1)
    xy = rng.normal([X0 + 2000, Y0 + 1500], 400, size=(300, 2))
    xy = np.vstack([xy, xy[:50]])  # repeated locations
    w = rng.uniform(0.5, 2.0, len(xy))
    for kernel in ("quartic", "gaussian", "uniform"):
        res = _quiet_kde(
            xy,
            KdeParams(kernel=kernel, bandwidth=220, cell_size=100, method="exact"),
            study_area=BOX,
            weights=w,
        )
        expected = _brute_force(xy, w, kernel, 220.0, res) * 1e6
        inside = np.isfinite(res.values)
        np.testing.assert_allclose(res.values[inside], expected[inside], rtol=1e-9, atol=1e-12)


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("kernel", "bandwidth"),
    [
        ("quartic", None),
        ("quartic", 300.0),
        ("quartic", 60.0),  # two cells: binned on a finer grid
        ("gaussian", 150.0),
        ("triweight", 300.0),
    ],
)
def test_fft_agrees_with_exact_on_lewisham_to_half_a_percent_of_the_peak(
    lewisham_violence, lewisham_outline, kernel, bandwidth
):
    params = KdeParams(kernel=kernel, bandwidth=bandwidth)
    fft = _quiet_kde(lewisham_violence, params, study_area=lewisham_outline)
    exact = _quiet_kde(
        lewisham_violence,
        KdeParams(kernel=kernel, bandwidth=bandwidth, method="exact"),
        study_area=lewisham_outline,
    )
    assert fft.params.method == "fft"
    assert fft.values.shape == exact.values.shape
    peak = np.nanmax(exact.values)
    assert np.nanmax(np.abs(fft.values - exact.values)) <= 0.005 * peak
    np.testing.assert_array_equal(np.isnan(fft.values), np.isnan(exact.values))


@pytest.mark.realdata
def test_lewisham_surface_has_the_expected_frame_and_bandwidth(lewisham_violence, lewisham_outline):
    res = _quiet_kde(lewisham_violence, KdeParams(), study_area=lewisham_outline)
    area = shapely.union_all(lewisham_outline.geometry.values)
    xmin, ymin, xmax, ymax = area.bounds
    ex = res.extent
    assert ex[0] <= xmin and ex[1] <= ymin and ex[2] >= xmax and ex[3] >= ymax
    assert res.params.cell_size == 30.0  # shorter side ~7.9 km / 250 = 31.8 -> 30
    inside = shapely.contains_xy(area, *lewisham_violence.T)
    expected_h, _ = silverman_bandwidth(lewisham_violence[inside])
    assert res.params.bandwidth == pytest.approx(expected_h)
    assert 100 < res.params.bandwidth < 1000
    assert res.n_points == int(inside.sum())
    assert res.n_outside == int((~inside).sum())


def test_edge_kernels_use_the_exact_sum_when_it_is_cheap():
    rng = np.random.default_rng(3)
    xy = np.repeat(rng.normal([X0 + 2000, Y0 + 1500], 300, size=(60, 2)), 20, axis=0)
    res = _quiet_kde(xy, KdeParams(kernel="uniform", bandwidth=200, cell_size=50), study_area=BOX)
    assert res.params.method == "exact"
    exact = _quiet_kde(
        xy,
        KdeParams(kernel="uniform", bandwidth=200, cell_size=50, method="exact"),
        study_area=BOX,
    )
    np.testing.assert_array_equal(res.values, exact.values)


# --------------------------------------------------------------------------- units and frame


def test_one_point_gives_the_kernel_peak_in_both_units():
    xy = np.array([[X0 + 2025.0, Y0 + 1525.0]])  # a cell centre for 50 m cells
    dens = _quiet_kde(xy, KdeParams(bandwidth=300, cell_size=50), study_area=BOX)
    assert dens.units == "offences per km²"
    assert np.nanmax(dens.values) == pytest.approx(3 / (math.pi * 300**2) * 1e6, rel=1e-6)
    count = _quiet_kde(xy, KdeParams(bandwidth=300, cell_size=50, output="count"), study_area=BOX)
    assert count.units == "offences per cell"
    assert np.nanmax(count.values) == pytest.approx(3 / (math.pi * 300**2) * 2500, rel=1e-6)
    row, col = np.unravel_index(np.nanargmax(dens.values), dens.values.shape)
    x, y = dens.transform @ (col + 0.5, row + 0.5)
    assert (x, y) == pytest.approx((X0 + 2025.0, Y0 + 1525.0))


def test_expected_counts_add_up_to_the_number_of_points():
    rng = np.random.default_rng(2)
    xy = rng.normal([X0 + 2000, Y0 + 1500], 250, size=(5000, 2))
    res = _quiet_kde(xy, KdeParams(bandwidth=200, cell_size=40, output="count"), study_area=BOX)
    inside = shapely.contains_xy(BOX, *xy.T).sum()
    assert np.nansum(res.values) == pytest.approx(inside, rel=0.01)


def test_row_zero_is_north_and_cells_outside_the_area_are_nan():
    circle = shapely.Point(X0 + 2000, Y0 + 2000).buffer(1500)
    rng = np.random.default_rng(5)
    north = rng.normal([X0 + 2000, Y0 + 3000], 100, size=(200, 2))
    res = _quiet_kde(north, KdeParams(bandwidth=300, cell_size=50), study_area=circle)
    nrows, ncols = res.values.shape
    t = res.transform
    cx, cy = np.meshgrid(t.c + (np.arange(ncols) + 0.5) * 50, t.f - (np.arange(nrows) + 0.5) * 50)
    inside = shapely.contains_xy(circle, cx, cy)
    np.testing.assert_array_equal(np.isfinite(res.values), inside)
    peak_row = np.unravel_index(np.nanargmax(res.values), res.values.shape)[0]
    assert peak_row < nrows / 2
    assert res.crs == "EPSG:27700"


def test_weights_scale_the_surface():
    rng = np.random.default_rng(6)
    xy = rng.normal([X0 + 2000, Y0 + 1500], 300, size=(200, 2))
    base = _quiet_kde(xy, KdeParams(bandwidth=250, cell_size=50), study_area=BOX)
    double = _quiet_kde(
        xy, KdeParams(bandwidth=250, cell_size=50), study_area=BOX, weights=np.full(200, 2.0)
    )
    np.testing.assert_allclose(double.values, 2 * base.values, rtol=1e-10, atol=1e-12)


# --------------------------------------------------------------------------- warnings, errors


def test_stray_point_at_the_origin_does_not_blow_up_the_grid():
    rng = np.random.default_rng(7)
    xy = rng.uniform([X0, Y0], [X0 + 4000, Y0 + 3000], size=(400, 2))
    clean = _quiet_kde(xy, KdeParams())
    with pytest.warns(AnalysisWarning, match="1 offence"):
        res = run_kde(np.vstack([xy, [[0.0, 0.0]]]), KdeParams())
    assert res.n_outside == 1
    assert res.values.shape == clean.values.shape
    assert res.params.cell_size == clean.params.cell_size


def test_a_stray_point_among_few_points_does_not_stretch_the_raster():
    xy = np.random.default_rng(17).uniform([X0, Y0], [X0 + 4000, Y0 + 3000], size=(25, 2))
    clean = _quiet_kde(xy, KdeParams(bandwidth=400))
    with pytest.warns(AnalysisWarning) as record:
        res = run_kde(np.vstack([xy, [[0.0, 0.0]]]), KdeParams(bandwidth=400))
    assert res.values.shape == clean.values.shape and res.extent == clean.extent
    assert res.params.cell_size == clean.params.cell_size
    assert res.n_outside == 1 and res.n_points == 25
    text = " ".join(str(r.message) for r in record)
    assert "1 offence(s) lie outside" in text and "only 25 point(s)" in text


def test_weights_follow_their_rows_when_some_rows_have_no_location():
    rng = np.random.default_rng(18)
    xy = rng.normal([X0 + 2000, Y0 + 1500], 300, size=(60, 2))
    geoms = list(gpd.points_from_xy(*xy.T))
    geoms[3] = None  # no location: its weight must not shift onto the next point
    gdf = gpd.GeoDataFrame(geometry=geoms, crs=27700)
    weights = np.arange(1.0, 61.0)
    with pytest.warns(AnalysisWarning, match="1 offence.* no location"):
        res = run_kde(gdf, KdeParams(bandwidth=250, cell_size=50), study_area=BOX, weights=weights)
    keep = np.arange(60) != 3
    expected = _quiet_kde(
        xy[keep], KdeParams(bandwidth=250, cell_size=50), study_area=BOX, weights=weights[keep]
    )
    np.testing.assert_array_equal(res.values, expected.values)
    with pytest.raises(AnalysisError, match="59 weights for 60 points"):
        _quiet_kde(gdf, KdeParams(bandwidth=250), study_area=BOX, weights=weights[:59])


def test_points_outside_the_study_area_are_counted_and_reported():
    rng = np.random.default_rng(8)
    xy = rng.uniform([X0, Y0], [X0 + 8000, Y0 + 3000], size=(600, 2))
    outside = int((~shapely.contains_xy(BOX, *xy.T)).sum())
    with pytest.warns(AnalysisWarning, match="outside the study area"):
        res = run_kde(xy, KdeParams(bandwidth=300), study_area=BOX)
    assert res.n_outside == outside
    assert res.n_points == 600 - outside


def test_small_bandwidth_and_few_points_are_warned_about():
    xy = np.random.default_rng(9).uniform([X0, Y0], [X0 + 4000, Y0 + 3000], size=(20, 2))
    with pytest.warns(AnalysisWarning) as record:
        res = run_kde(xy, KdeParams(bandwidth=40, cell_size=50), study_area=BOX)
    text = " ".join(str(r.message) for r in record)
    assert "smaller than the cell size" in text
    assert "only 20 point(s)" in text
    assert len(res.warnings) == 2


def test_errors_say_what_is_wrong():
    with pytest.raises(NoPointsError, match="no offence points"):
        run_kde(np.empty((0, 2)), KdeParams(), study_area=BOX)
    far = np.array([[X0 + 50_000, Y0], [X0 + 50_100, Y0]])
    with pytest.raises(NoPointsError, match="all 2 points lie outside"):
        run_kde(far, KdeParams(), study_area=BOX)
    lonlat = gpd.GeoDataFrame(geometry=gpd.points_from_xy([-0.02, -0.03], [51.4, 51.5]), crs=4326)
    with pytest.raises(GeographicCrsError, match="longitude/latitude"):
        run_kde(lonlat, KdeParams())
    outline = gpd.GeoDataFrame(geometry=[BOX], crs=27700).to_crs(4326)
    with pytest.raises(GeographicCrsError, match="study area.*to_crs"):
        run_kde(np.array([[X0 + 10, Y0 + 10]]), KdeParams(), study_area=outline)
    big = shapely.box(X0, Y0, X0 + 60_000, Y0 + 60_000)
    with pytest.raises(GridTooLargeError, match="cell size of at least"):
        _quiet_kde(
            np.array([[X0 + 10, Y0 + 10]]), KdeParams(cell_size=5, bandwidth=100), study_area=big
        )


def test_the_suggested_cell_size_makes_a_raster_that_fits(monkeypatch):
    import hotspot.analysis.cell_size as cell_size_module

    monkeypatch.setattr(cell_size_module, "MAX_CELLS", 10_000)
    xy = np.random.default_rng(20).uniform([X0, Y0], [X0 + 4000, Y0 + 3000], size=(100, 2))
    with pytest.raises(GridTooLargeError, match="density raster of 20 m") as err:
        _quiet_kde(xy, KdeParams(cell_size=20, bandwidth=300), study_area=BOX)
    suggested = float(str(err.value).split("at least ")[1].split(" m")[0])
    res = _quiet_kde(xy, KdeParams(cell_size=suggested, bandwidth=300), study_area=BOX)
    assert res.values.size <= 10_000 and res.params.cell_size == suggested


def test_cancel_stops_the_job_and_progress_is_reported():
    xy = np.random.default_rng(1).uniform([X0, Y0], [X0 + 4000, Y0 + 3000], size=(100, 2))
    rec = RecordingProgress()
    _quiet_kde(xy, KdeParams(bandwidth=300), study_area=BOX, progress=rec)
    fractions = [f for f, _ in rec.updates]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert fractions == sorted(fractions)
    cancelled = CallbackProgress()
    cancelled.token.cancel()
    with pytest.raises(AnalysisCancelled):
        _quiet_kde(xy, KdeParams(bandwidth=300), study_area=BOX, progress=cancelled)


# --------------------------------------------------------------------------- params


def test_params_declare_every_field_and_round_trip_through_a_project_file():
    names = [s.name for s in specs(KdeParams)]
    assert names == [
        "kernel",
        "bandwidth",
        "cell_size",
        "output",
        "method",
        "hotspot_rule",
        "hotspot_k",
        "top_percent",
    ]
    assert all(s.help and s.label for s in specs(KdeParams))
    p = from_dict(KdeParams, {"kernel": "gaussian", "bandwidth": 250, "hotspot_k": [1, 3]})
    assert p.hotspot_k == (1.0, 3.0)
    assert from_dict(KdeParams, to_dict(p)) == p
    with pytest.raises(ProjectError, match="kernel"):
        KdeParams(kernel="box")
    with pytest.raises(ProjectError, match="hotspot_k"):
        KdeParams(hotspot_k=(1.0, -2.0))
    with pytest.raises(ProjectError, match="bandwidth"):
        from_dict(KdeParams, {"bandwidth": 0}, where="kde")


# --------------------------------------------------------------------------- hotspots


def _two_clusters():
    rng = np.random.default_rng(11)
    west = rng.normal([X0 + 1000, Y0 + 1500], 120, size=(300, 2))
    east = rng.normal([X0 + 3000, Y0 + 1500], 120, size=(150, 2))
    background = rng.uniform([X0, Y0], [X0 + 4000, Y0 + 3000], size=(150, 2))
    return np.vstack([west, east, background])


def test_hotspot_thresholds_follow_the_home_office_convention():
    res = _quiet_kde(_two_clusters(), KdeParams(bandwidth=250, cell_size=50), study_area=BOX)
    v = res.values[np.isfinite(res.values)]
    mean_nonzero = v[v > 0].mean()
    thresholds = res.hotspot_thresholds()
    assert list(thresholds.values()) == pytest.approx(
        [mean_nonzero, 2 * mean_nonzero, 3 * mean_nonzero]
    )
    classes = res.classes()
    assert classes.shape == res.values.shape
    assert set(np.unique(classes)) <= {-1, 0, 1, 2, 3}
    np.testing.assert_array_equal(
        classes == 3, np.isfinite(res.values) & (res.values >= 3 * mean_nonzero)
    )


def test_top_percent_rule_marks_that_share_of_cells():
    params = KdeParams(bandwidth=250, cell_size=50, hotspot_rule="top_percent", top_percent=5)
    res = _quiet_kde(_two_clusters(), params, study_area=BOX)
    share = (res.classes() == 1).sum() / np.isfinite(res.values).sum()
    assert share == pytest.approx(0.05, abs=0.005)


def test_bandwidth_wider_than_the_study_area_matches_exact():
    rng = np.random.default_rng(13)
    xy = rng.uniform([X0, Y0], [X0 + 4000, Y0 + 3000], size=(400, 2))
    params = {"kernel": "quartic", "bandwidth": 20_000, "cell_size": 100}
    fft = _quiet_kde(xy, KdeParams(**params), study_area=BOX)
    exact = _quiet_kde(xy, KdeParams(**params, method="exact"), study_area=BOX)
    np.testing.assert_allclose(fft.values, exact.values, rtol=1e-4)
