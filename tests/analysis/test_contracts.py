"""What every analysis promises its callers (DESIGN, "Rules that keep the rooms clean"):
the caller's data are never modified, the result's params hold every value actually used
(computed defaults filled, seeds recorded), and Cancel stops the long loops from inside."""

from __future__ import annotations

import copy

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from _analysis_helpers import X0, Y0, quiet, stops_during

from hotspot.analysis import correlation, grid, kde_bandwidth, kernel_sum, permutation
from hotspot.analysis.correlation import BivariateParams, run_bivariate
from hotspot.analysis.gistar import GiStarParams, run_gistar_areas, run_gistar_grid
from hotspot.analysis.kde import KdeParams, run_kde
from hotspot.analysis.kde_areas import kde_zones
from hotspot.analysis.rates import area_rates, rates_from_counts
from hotspot.analysis.vintage import join_indicators
from hotspot.analysis.ward_summary import ward_summary
from hotspot.model import Indicators

BOX = shapely.box(X0, Y0, X0 + 3000, Y0 + 2000)


def _points(n: int = 600, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    hot = rng.normal([X0 + 1000, Y0 + 1000], 150, size=(n // 2, 2))
    rest = rng.uniform([X0, Y0], [X0 + 3000, Y0 + 2000], size=(n - n // 2, 2))
    return np.vstack([hot, rest])


def _point_frame(xy: np.ndarray) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"month": pd.to_datetime(["2024-10-01"] * len(xy)), "category": "Robbery"},
        geometry=gpd.points_from_xy(*xy.T),
        crs=27700,
    )


def _squares(side: int = 6) -> gpd.GeoDataFrame:
    """A side x side lattice of 500 m squares with two related measures and a population."""
    rng = np.random.default_rng(1)
    n = side * side
    rows = np.repeat(np.arange(side), side)
    return gpd.GeoDataFrame(
        {
            "code": [f"E01{i:06d}" for i in range(n)],
            "name": [f"Area {i}" for i in range(n)],
            "count": rng.poisson(20 + 5 * rows),
            "imd": rows + rng.normal(0, 1, n),
            "population": rng.integers(1200, 2000, n).astype(float),
        },
        geometry=[
            shapely.box(X0 + 500 * c, Y0 + 500 * r, X0 + 500 * (c + 1), Y0 + 500 * (r + 1))
            for r in range(side)
            for c in range(side)
        ],
        crs=27700,
    )


def _assert_unchanged(before, after) -> None:
    if isinstance(before, pd.DataFrame):
        assert list(after.columns) == list(before.columns)
        pd.testing.assert_frame_equal(after, before)
    elif isinstance(before, pd.Series):
        pd.testing.assert_series_equal(after, before)
    else:
        np.testing.assert_array_equal(after, before)


# --------------------------------------------------------------------------- inputs untouched


def _run_kde(inputs):
    return run_kde(
        inputs["points"],
        KdeParams(bandwidth=300),
        study_area=inputs["outline"],
        weights=inputs["weights"],
    )


def _run_kde_zones(inputs):
    res = run_kde(inputs["points"], KdeParams(bandwidth=300), study_area=inputs["outline"])
    return kde_zones(res, inputs["points"], wards=inputs["areas"])


def _run_gistar_grid(inputs):
    return run_gistar_grid(
        inputs["points"], GiStarParams(cell_size=200), study_area=inputs["outline"]
    )


def _run_gistar_areas(inputs):
    return run_gistar_areas(inputs["areas"], "count", GiStarParams(permutations=99))


def _run_area_rates(inputs):
    return area_rates(inputs["points"], inputs["areas"], population=inputs["population"])


def _run_rates_from_counts(inputs):
    return rates_from_counts(inputs["counts"], inputs["areas"], population=inputs["population"])


def _run_bivariate(inputs):
    return run_bivariate(inputs["areas"], "count", "imd", BivariateParams(permutations=99))


def _run_join(inputs):
    return join_indicators(inputs["indicators"], 2011)


def _run_ward_summary(inputs):
    stats = area_rates(inputs["points"], inputs["areas"], population=inputs["population"])
    return ward_summary(stats, wards=inputs["wards"], indicators=inputs["indicators"])


@pytest.mark.parametrize(
    "run",
    [
        _run_kde,
        _run_kde_zones,
        _run_gistar_grid,
        _run_gistar_areas,
        _run_area_rates,
        _run_rates_from_counts,
        _run_bivariate,
        _run_join,
        _run_ward_summary,
    ],
)
def test_public_analyses_leave_their_inputs_untouched(run):
    areas = _squares()
    xy = _points()
    points = _point_frame(xy)
    points.loc[5, "geometry"] = None  # a row without a location
    inputs = {
        "points": points,
        "outline": gpd.GeoDataFrame({"name": ["Box"]}, geometry=[BOX], crs=27700),
        "weights": np.linspace(1.0, 2.0, len(points)),
        "areas": areas,
        "population": areas.set_index("code")["population"],
        "counts": areas.set_index("code")["count"],
        "indicators": Indicators(
            pd.DataFrame(
                {
                    "lsoa_code": areas["code"],
                    "imd_score": areas["imd"],
                    "imd_decile": np.arange(len(areas)) % 10 + 1,
                }
            ),
            kind="imd",
            vintage=2011,
        ),
        "wards": gpd.GeoDataFrame(
            {"code": ["E05000001", "E05000002"], "name": ["West", "East"]},
            geometry=[
                shapely.box(X0, Y0, X0 + 1500, Y0 + 3000),
                shapely.box(X0 + 1500, Y0, X0 + 3000, Y0 + 3000),
            ],
            crs=27700,
        ),
    }
    before = copy.deepcopy(inputs)
    quiet(run, inputs)
    for key, value in before.items():
        after = inputs[key]
        if isinstance(value, Indicators):
            _assert_unchanged(value.table, after.table)
        else:
            _assert_unchanged(value, after)


# --------------------------------------------------------------------------- params of results


def test_results_record_every_parameter_actually_used():
    xy = _points()
    dens = quiet(run_kde, xy, KdeParams(), study_area=BOX)
    assert dens.params.bandwidth > 0 and dens.params.cell_size == 8.0  # 2000 / 250
    assert dens.params.method == "fft"
    assert dens.params.bandwidth == pytest.approx(kde_bandwidth.silverman_bandwidth(xy)[0])
    again = run_kde(xy, dens.params, study_area=BOX)  # the stored params redo the surface
    np.testing.assert_array_equal(again.values, dens.values)

    gi = quiet(run_gistar_grid, xy, GiStarParams(neighbourhood="distance"), study_area=BOX)
    assert gi.params.cell_size == 40.0  # 2000 / 50, under 100 m: unrounded
    assert gi.params.distance == 60.0  # 1.5 cells
    assert gi.seed is None  # analytical: no random draws
    perm = quiet(run_gistar_grid, xy, GiStarParams(permutations=99, seed=None), study_area=BOX)
    assert isinstance(perm.seed, int) and perm.params.seed == perm.seed

    biv = run_bivariate(_squares(), "count", "imd", BivariateParams(permutations=99, seed=3))
    assert biv.seed == 3 and biv.params.permutations == 99 and biv.params.fdr

    stats = area_rates(_point_frame(xy), _squares())
    assert stats.params.count_by == "location"  # "auto" resolved


# --------------------------------------------------------------------------- cancellation


def test_cancel_stops_the_exact_density_sum_between_chunks(monkeypatch):
    monkeypatch.setattr(kernel_sum, "_EXACT_PAIRS", 5_000)
    assert (
        stops_during(
            run_kde,
            _points(),
            KdeParams(bandwidth=300, cell_size=50, method="exact"),
            study_area=BOX,
            phase="Summing kernels",
        )
        >= 2
    )


def test_cancel_stops_the_fft_between_binning_phases():
    assert (
        stops_during(
            run_kde,
            _points(),
            KdeParams(bandwidth=300, cell_size=50),
            study_area=BOX,
            phase="Convolving",
        )
        >= 2
    )


def test_cancel_stops_the_study_area_mask_and_the_grid_between_blocks(monkeypatch):
    monkeypatch.setattr(kernel_sum, "_MASK_BLOCK", 100)
    assert (
        stops_during(
            run_kde,
            _points(),
            KdeParams(bandwidth=300, cell_size=50),
            study_area=BOX,
            phase="Masking",
        )
        >= 2
    )
    monkeypatch.setattr(grid, "_BLOCK_CELLS", 100)
    assert (
        stops_during(
            run_gistar_grid,
            _points(),
            GiStarParams(cell_size=50),
            study_area=BOX,
            phase="Counting offences",
        )
        >= 2
    )


def test_cancel_stops_gistar_permutations_between_chunks(monkeypatch):
    monkeypatch.setattr(permutation, "_CHUNK_ELEMENTS", 1)  # 256 cells per chunk
    assert (
        stops_during(
            run_gistar_grid,
            _points(),
            GiStarParams(cell_size=50, permutations=99),
            study_area=BOX,
            phase="permutations",
        )
        >= 2
    )


def test_cancel_stops_bivariate_global_and_local_permutations(monkeypatch):
    areas = _squares(20)
    monkeypatch.setattr(correlation, "_GLOBAL_CHUNK_ELEMENTS", 4_000)  # 10 permutations
    assert (
        stops_during(
            run_bivariate,
            areas,
            "count",
            "imd",
            phase="permutations (global)",
        )
        >= 2
    )
    monkeypatch.setattr(permutation, "_CHUNK_ELEMENTS", 1)  # 256 areas per chunk
    assert (
        stops_during(
            run_bivariate,
            areas,
            "count",
            "imd",
            phase="Local statistics",
        )
        >= 2
    )


def test_cancel_stops_kde_zones():
    """150 separate town centres: outlining their zones checks for Cancel between chunks."""
    centres = np.array(
        [[X0 + 100 + 200 * i, Y0 + 100 + 200 * j] for i in range(15) for j in range(10)]
    )
    xy = np.repeat(centres, 3, axis=0)
    res = quiet(run_kde, xy, KdeParams(bandwidth=60, cell_size=20, hotspot_k=(2,)), study_area=BOX)
    assert stops_during(kde_zones, res, xy, phase="Outlining zones") >= 2
