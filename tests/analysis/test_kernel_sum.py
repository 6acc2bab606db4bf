"""The binned FFT kernel sum against the exact sum, in its worst case: most of the weight at
one map point (police.uk snaps offences to shared points), at every bandwidth-to-cell ratio
from one cell to city scale."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import shapely

from hotspot.analysis import kernel_sum
from hotspot.analysis.kde import KdeParams, run_kde
from hotspot.analysis.kernel_sum import NODES_PER_BANDWIDTH, fine_factor

X0, Y0 = 530_000.0, 180_000.0


def _heavy_point_and_scatter(seed: int, spread: float, side: float) -> np.ndarray:
    """200 offences at one map point at a random place inside a cell, plus 60 scattered."""
    rng = np.random.default_rng(seed)
    point = np.array([X0 + side / 2, Y0 + side / 2]) + rng.uniform(0, 97.3, 2)
    heavy = np.repeat(point[None, :], 200, axis=0)
    scatter = point + rng.uniform(-spread, spread, (60, 2))
    return np.vstack([heavy, scatter])


def _both(xy, params, side):
    box = shapely.box(X0, Y0, X0 + side, Y0 + side)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fft = run_kde(xy, params, study_area=box)
        exact = run_kde(xy, KdeParams(**{**params.__dict__, "method": "exact"}), study_area=box)
    return fft, exact


@pytest.mark.parametrize("kernel", ["quartic", "triweight", "gaussian"])
@pytest.mark.parametrize("cells_per_bandwidth", [1.0, 2.0, 3.5, 6.0, 10.0, 12.0, 25.0])
def test_binned_sum_is_within_half_a_percent_of_the_exact_peak(kernel, cells_per_bandwidth):
    cell = 40.0
    h = cell * cells_per_bandwidth
    reach = h * (5 if kernel == "gaussian" else 1)
    side = float(np.ceil((2 * reach + 30 * cell) / cell) * cell)
    worst = 0.0
    for seed in range(4):
        xy = _heavy_point_and_scatter(seed, reach, side)
        params = KdeParams(kernel=kernel, bandwidth=h, cell_size=cell)
        fft, exact = _both(xy, params, side)
        assert fft.params.method == "fft"
        peak = np.nanmax(exact.values)
        worst = max(worst, np.nanmax(np.abs(fft.values - exact.values)) / peak)
    assert worst <= 0.005


def test_city_scale_bins_on_the_raster_itself_and_stays_within_half_a_percent():
    """25 m cells and a 300 m quartic bandwidth (all of London in 4 million cells): one FFT
    of the raster, no finer grid, and still within 0.5 % of the exact sum."""
    assert fine_factor(300.0, 25.0, "quartic") == 1
    rng = np.random.default_rng(7)
    side = 6000.0
    map_points = rng.uniform([X0, Y0], [X0 + side, Y0 + side], (400, 2))
    counts = rng.zipf(1.6, 400).clip(1, 3000)  # a few map points hold most offences
    xy = np.repeat(map_points, counts, axis=0)
    fft, exact = _both(xy, KdeParams(bandwidth=300.0, cell_size=25.0), side)
    peak = np.nanmax(exact.values)
    assert np.nanmax(np.abs(fft.values - exact.values)) <= 0.005 * peak
    assert fft.values.dtype == np.float64
    assert np.nanmin(fft.values) >= 0.0
    # the surface holds every offence: expected counts add up as the exact sum's do
    inside = np.isfinite(exact.values)
    assert np.nansum(fft.values[inside]) == pytest.approx(np.nansum(exact.values), rel=1e-3)


def test_fine_factor_puts_enough_nodes_across_a_bandwidth():
    for kernel, nodes in NODES_PER_BANDWIDTH.items():
        for ratio in (0.5, 1.0, 2.0, 3.0, 7.0, 10.0, 30.0):
            f = fine_factor(ratio * 10.0, 10.0, kernel)
            assert f % 2 == 1 and 1 <= f <= kernel_sum.FINE_MAX
            assert f * ratio >= nodes or f == kernel_sum.FINE_MAX
            assert f == 1 or (f - 2) * ratio < nodes  # the smallest that does
