"""Getis-Ord Gi* hot and cold spots, on grid cells of offence counts or on polygons.

Gi* compares the total of a cell and its neighbours with what the whole study area would
lead one to expect. With binary weights ``w_ij`` (1 for the cell itself and its neighbours),
values ``x``, ``n`` cells, mean ``xbar`` and ``S = sqrt(mean(x²) - xbar²)``:

``z_i = (sum_j w_ij x_j - xbar W_i) / (S sqrt((n W2_i - W_i²) / (n - 1)))``,
``W_i = sum_j w_ij``, ``W2_i = sum_j w_ij²``.

This is the z-score esda's ``G_Local(y, w, star=True, transform="B").Zs`` reports (same
moments; tested to 1e-8). Inference is two-sided by default, analytical (normal) or by
conditional permutation (:mod:`hotspot.analysis.significance`), with Benjamini-Hochberg
false-discovery-rate correction on by default. Classes follow the ArcGIS ``Gi_Bin``
convention: hot / cold spots at 99, 95 and 90 % confidence (±3, ±2, ±1), else 0.

Example
-------
>>> import numpy as np
>>> rng = np.random.default_rng(1)
>>> xy = rng.uniform([530000, 170000], [534000, 174000], size=(2000, 2))
>>> res = run_gistar_grid(xy, GiStarParams(cell_size=200))
>>> sorted(res.cells.columns)[:3]
['cell_id', 'col', 'geometry']
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import scipy.sparse as sp

from hotspot.analysis import significance
from hotspot.analysis.errors import (
    NoPointsError,
    TooFewPointsError,
    WeightsError,
    warn,
)
from hotspot.analysis.grid import (
    CRS,
    count_points,
    default_gistar_cell_size,
    make_grid,
    points_in_study_area,
)
from hotspot.core.errors import AnalysisError
from hotspot.core.params import param, validate
from hotspot.core.progress import NO_PROGRESS, Progress, SubProgress

MIN_POINTS = 30
"""Gi* on a grid refuses fewer offences than this."""

BIN_LABELS: dict[int, str] = {
    3: "Hot spot, 99% confidence",
    2: "Hot spot, 95% confidence",
    1: "Hot spot, 90% confidence",
    0: "Not significant",
    -1: "Cold spot, 90% confidence",
    -2: "Cold spot, 95% confidence",
    -3: "Cold spot, 99% confidence",
}
"""``gi_bin`` -> label shown on maps and in tables."""


# --------------------------------------------------------------------------- params


@dataclass(frozen=True)
class GiStarParams:
    """Parameters of a Getis-Ord Gi* hotspot analysis."""

    cell_size: float | None = param(
        None,
        label="Cell size",
        unit="m",
        help="Side of the grid cells in which offences are counted (for hexagons, the "
        "distance between neighbouring centres).",
        minimum=1.0,
        maximum=20_000.0,
        computed="shorter side of the study area / 50, rounded down to a multiple of 100 m "
        "when at least 100 m (the rule of R's sfhotspot)",
    )
    shape: str = param(
        "square",
        label="Cell shape",
        help="Square cells, or hexagons (every neighbour at the same distance).",
        choices=("square", "hexagon"),
    )
    clip: bool = param(
        True,
        label="Clip cells to the study area",
        help="Cut the cells at the edge of the study area, so edge cells only cover land "
        "inside it.",
    )
    neighbourhood: str = param(
        "queen",
        label="Grid neighbourhood",
        help="Which cells count as neighbours: the 8 surrounding cells (6 for hexagons) "
        "plus the cell itself, or every cell within a distance.",
        choices=("queen", "distance"),
    )
    distance: float | None = param(
        None,
        label="Neighbourhood distance",
        unit="m",
        help="With the distance neighbourhood (grid or areas): neighbours are cells or "
        "areas whose centres lie within this distance.",
        minimum=1.0,
        computed="cell size x 1.5 for grids",
        advanced=True,
    )
    area_weights: str = param(
        "queen",
        label="Area neighbours",
        help="For areas (wards, LSOAs): neighbours share a border or corner (queen), a "
        "border (rook), are the k nearest, or lie within a distance.",
        choices=("queen", "rook", "knn", "distance"),
        advanced=True,
    )
    k: int = param(
        6,
        label="Nearest neighbours",
        help="With nearest-neighbour weights for areas: how many neighbours each area has.",
        minimum=1,
        maximum=100,
        advanced=True,
    )
    permutations: int = param(
        0,
        label="Permutations",
        help="0 = analytical z-test (fast, usual). Otherwise the number of random "
        "rearrangements for pseudo p-values (999 is typical).",
        minimum=0,
        maximum=99_999,
    )
    seed: int | None = param(
        12345,
        label="Random seed",
        help="Seed of the random rearrangements: the same seed gives the same result.",
        minimum=0,
        computed="a fresh random seed, recorded with the result",
        advanced=True,
    )
    fdr: bool = param(
        True,
        label="False discovery rate correction",
        help="Correct for testing many cells at once (Benjamini-Hochberg), so that few of "
        "the cells called hot or cold are so by chance.",
    )
    alternative: str = param(
        "two-sided",
        label="Test",
        help="Two-sided finds hot and cold spots; 'greater' only hot spots; 'lesser' only "
        "cold spots.",
        choices=("two-sided", "greater", "lesser"),
        advanced=True,
    )

    def __post_init__(self) -> None:
        validate(self, where="gistar")


# --------------------------------------------------------------------------- result


@dataclass(frozen=True, eq=False)
class GiStarResult:
    """Gi* hot and cold spots.

    Attributes
    ----------
    cells : geopandas.GeoDataFrame
        One row per cell (``cell_id``, ``row``, ``col``, ``n``) or area (``code``, ``name``
        and the value column), with ``gi_z``, ``p_value`` (analytical), ``p_sim`` (when
        permutations were run), ``q_value`` (FDR-adjusted p of the test used; equal to it
        when FDR is off), ``gi_bin`` (-3..3), ``label``, geometry (EPSG:27700).
    params : GiStarParams
        Every parameter used (cell size and distance filled in).
    n_points : int
        Offences counted in the cells (grid), or the number of areas.
    n_outside : int
        Offences outside the study area (grid).
    kind : str
        "grid" or "areas".
    warnings : tuple of str
        What the user should know.
    value_column : str
        The column analysed ("n" for grids).
    power : Power or None
        What the test could find, worked out before it ran
        (:func:`hotspot.analysis.significance.power`).
    """

    cells: Any
    params: GiStarParams
    n_points: int
    n_outside: int
    kind: str
    warnings: tuple[str, ...] = ()
    value_column: str = "n"
    power: significance.Power | None = None

    @property
    def seed(self) -> int | None:
        """The seed of the permutations (None when none were run)."""
        return self.params.seed if self.params.permutations else None

    @property
    def n_significant(self) -> int:
        """Cells (or areas) called hot or cold spots at any confidence level."""
        return int((self.cells["gi_bin"].to_numpy() != 0).sum())

    @property
    def fdr_corrected(self) -> bool:
        """Whether classes are after false-discovery-rate correction (say so on legends)."""
        return bool(self.params.fdr)

    def counts_by_label(self) -> dict[str, int]:
        """Number of cells in each class, hot 99% first (zeros included)."""
        bins = self.cells["gi_bin"].to_numpy()
        return {BIN_LABELS[b]: int((bins == b).sum()) for b in range(3, -4, -1)}


# --------------------------------------------------------------------------- statistic


def gi_star_z(values: np.ndarray, weights: sp.spmatrix | sp.sparray) -> np.ndarray:
    """Gi* z-scores (analytical), vectorised.

    Parameters
    ----------
    values : array_like, shape (n,)
        Counts or values per cell/area.
    weights : scipy.sparse matrix, shape (n, n)
        Weights including the self weight on the diagonal (binary in the usual Gi*).

    Returns
    -------
    numpy.ndarray
        z-scores; NaN where undefined (every value equal, or a neighbourhood that is the
        whole study area).
    """
    y = np.asarray(values, dtype=float).ravel()
    w = sp.csr_matrix(weights, dtype=float)
    n = y.size
    if w.shape != (n, n):
        raise ValueError(f"weights are {w.shape} but there are {n} values")
    mean = y.mean()
    s = math.sqrt(max(float((y * y).mean() - mean * mean), 0.0))
    w_i = np.asarray(w.sum(axis=1)).ravel()
    w2 = w.copy()
    w2.data **= 2
    w2_i = np.asarray(w2.sum(axis=1)).ravel()
    lag = w @ y
    spread = (n * w2_i - w_i**2) / (n - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        den = s * np.sqrt(np.maximum(spread, 0.0))
        z = (lag - mean * w_i) / den
    z[~(den > 1e-12 * max(abs(mean), 1.0))] = np.nan
    return z


def _analytical_p(z: np.ndarray, alternative: str) -> np.ndarray:
    from scipy import special

    if alternative == "two-sided":
        return significance.two_sided_p(z)
    tail = z if alternative == "greater" else -z
    return 0.5 * special.erfc(tail / math.sqrt(2.0))


def _infer(
    y: np.ndarray,
    w: sp.csr_matrix,
    params: GiStarParams,
    progress: Progress,
    messages: list[str],
    unit: str,
    undefined: np.ndarray | None = None,
) -> tuple[dict[str, np.ndarray], significance.Power]:
    z = gi_star_z(y, w)
    if undefined is not None:
        z[undefined] = np.nan
    p = _analytical_p(z, params.alternative)
    out: dict[str, np.ndarray] = {"gi_z": z, "p_value": p}
    test_p = p
    power = significance.power(
        int(np.isfinite(z).sum()),
        params.permutations,
        max(significance.CONFIDENCE_LEVELS),
        fdr=params.fdr,
        alternative=params.alternative,
        analytical=True,
    )
    if params.permutations:
        advice = power.advice(unit)
        if advice:  # said before the permutations run, and on every output of the result
            warn(messages, advice[0].upper() + advice[1:])
        counts = significance.permutation_test(
            w,
            y,
            permutations=params.permutations,
            seed=params.seed,
            moments=False,
            progress=progress,
        )
        p_sim = counts.p_values(params.alternative)
        p_sim = np.where(np.isnan(z), np.nan, p_sim)
        out["p_sim"] = p_sim
        test_p = p_sim
    q = significance.fdr_bh(test_p) if params.fdr else test_p.copy()
    out["q_value"] = q
    bins = significance.confidence_bin(z, q)
    if params.alternative == "greater":
        bins = np.where(bins > 0, bins, 0).astype(np.int8)
    elif params.alternative == "lesser":
        bins = np.where(bins < 0, bins, 0).astype(np.int8)
    out["gi_bin"] = bins
    return out, power


def _labels(bins: np.ndarray) -> np.ndarray:
    table = np.array([BIN_LABELS[b] for b in range(-3, 4)], dtype=object)
    return table[bins.astype(int) + 3]


def with_seed(params: Any) -> Any:
    """Permutations without a seed get a fresh one, recorded so the run can be repeated.

    ``params`` is any params dataclass with ``permutations`` and ``seed`` (Gi*, emerging
    hot spots)."""
    if params.permutations and params.seed is None:
        return replace(params, seed=int(np.random.SeedSequence().entropy % 2**31))
    return params


# --------------------------------------------------------------------------- grid


def run_gistar_grid(
    points: Any,
    params: GiStarParams | None = None,
    *,
    study_area: Any = None,
    progress: Progress = NO_PROGRESS,
) -> GiStarResult:
    """Gi* hot and cold spots of offence counts in grid cells.

    Parameters
    ----------
    points : GeoDataFrame or (n, 2) array
        Offence locations in British National Grid metres.
    params : GiStarParams, optional
        Cell size and shape, neighbourhood, inference (defaults if omitted).
    study_area : shapely geometry, GeoDataFrame, GeoSeries or AreaLayer, optional
        The area to cover (e.g. the borough outline). Default: the buffered convex hull of
        the points (stray points far from the rest left out).
    progress : Progress, optional
        Progress and cancellation.

    Returns
    -------
    GiStarResult

    Raises
    ------
    GeographicCrsError
        Points or study area in longitude/latitude.
    NoPointsError
        No points, or none inside the study area.
    TooFewPointsError
        Fewer than 30 offences inside the study area.
    GridTooLargeError
        More than 5 million cells; the message suggests a cell size.
    """
    params = with_seed(params or GiStarParams())
    progress.update(0.0, "Counting offences in grid cells")
    pts = points_in_study_area(points, study_area)
    area = pts.area
    cell = params.cell_size if params.cell_size is not None else default_gistar_cell_size(area)
    grid = make_grid(area, cell, shape=params.shape, clip=params.clip, progress=progress)
    counts, n_lost = count_points(grid, pts.xy)
    n_in = int(counts.sum())
    if n_in == 0:
        raise NoPointsError(
            f"none of the {pts.xy.shape[0]:,} points inside the study area falls in a grid "
            "cell; check the study area's geometry"
        )
    if n_in < MIN_POINTS:
        raise TooFewPointsError(
            f"only {n_in} offences inside the study area: Gi* needs at least {MIN_POINTS} to "
            "say anything reliable. Widen the period or the offence group, or use the "
            "density map instead"
        )
    # a point on the very edge of the area can miss every kept cell: count it as outside
    pts = replace(pts, n_outside=pts.n_outside + int(n_lost))
    n_outside = pts.n_outside
    messages: list[str] = []
    pts.warn_left_out(messages, "the Gi* cell counts")
    from hotspot.analysis._weights import grid_weights

    if params.neighbourhood == "distance":
        distance = float(params.distance) if params.distance is not None else 1.5 * cell
        if distance < cell:
            warn(
                messages,
                f"the neighbourhood distance ({distance:,.0f} m) is smaller than the cell size "
                f"({cell:,.0f} m): cells have no neighbours, so Gi* only reflects each cell's "
                "own count; use a distance of at least the cell size",
            )
    else:
        distance = cell * math.sqrt(2.0)
    w = grid_weights(grid, distance=distance, progress=progress)
    progress.update(0.2, "Computing Gi*")
    stats, power = _infer(
        counts.astype(float), w, params, SubProgress(progress, 0.2, 0.95), messages, "cells"
    )
    if np.isnan(stats["gi_z"]).all():
        raise AnalysisError(
            "Gi* is undefined: every cell holds the same number of offences; use smaller "
            "cells or a larger study area"
        )
    cells = grid.cells.copy()
    cells.insert(3, "n", counts)
    for name, values in stats.items():
        cells[name] = values
    cells["label"] = _labels(stats["gi_bin"])
    cells = cells[[c for c in cells.columns if c != "geometry"] + ["geometry"]]
    used = replace(
        params,
        cell_size=float(cell),
        distance=float(distance) if params.neighbourhood == "distance" else params.distance,
    )
    progress.update(1.0, "Gi* ready")
    return GiStarResult(
        cells=cells,
        params=used,
        n_points=n_in,
        n_outside=int(n_outside),
        kind="grid",
        warnings=tuple(messages),
        value_column="n",
        power=power,
    )


# --------------------------------------------------------------------------- areas


def run_gistar_areas(
    areas_gdf: Any,
    value_column: str,
    params: GiStarParams | None = None,
    *,
    progress: Progress = NO_PROGRESS,
) -> GiStarResult:
    """Gi* hot and cold spots of a value per polygon (e.g. offences per ward or LSOA).

    Parameters
    ----------
    areas_gdf : GeoDataFrame, AreaLayer or AreaStats
        Polygons (or points, with knn or distance weights) in British National Grid
        (another projected CRS is reprojected; longitude/latitude is refused).
    value_column : str
        The numeric column to analyse.
    params : GiStarParams, optional
        ``area_weights`` ("queen", "rook", "knn" with ``k``, "distance" with ``distance``)
        and inference settings.
    progress : Progress, optional
        Progress and cancellation.

    Returns
    -------
    GiStarResult
        ``cells`` keeps the input columns and adds the Gi* columns.

    Raises
    ------
    WeightsError
        When the neighbours cannot be built (bad k, missing distance, no neighbours at all).
    AnalysisError
        When the column is missing or not numeric, or every value is equal.
    """
    from pandas.api.types import is_bool_dtype, is_numeric_dtype

    from hotspot.analysis._area_inputs import geo_frame
    from hotspot.analysis._weights import area_weights

    params = with_seed(params or GiStarParams())
    gdf = geo_frame(areas_gdf, "areas")
    if value_column not in gdf.columns:
        raise AnalysisError(
            f"value_column={value_column!r}: no such column; the columns are "
            f"{', '.join(map(str, gdf.columns))}"
        )
    column = gdf[value_column]
    if not is_numeric_dtype(column) or is_bool_dtype(column):
        raise AnalysisError(
            f"value_column={value_column!r}: the column is not numeric; pick a column of "
            "counts or rates"
        )
    y = column.to_numpy(dtype=float, na_value=np.nan)
    if not np.all(np.isfinite(y)):
        raise AnalysisError(
            f"value_column={value_column!r}: {int((~np.isfinite(y)).sum())} area(s) have no "
            "value; fill them (e.g. 0 offences) or leave those areas out"
        )
    messages: list[str] = []
    if y.size < MIN_POINTS:
        warn(
            messages,
            f"only {y.size} areas: with fewer than {MIN_POINTS} areas Gi* has little power "
            "and its normal approximation is rough",
        )
    progress.update(0.0, "Building area neighbours")
    w, islands = area_weights(
        gdf, params.area_weights, k=params.k, distance=params.distance, include_self=True
    )
    if len(islands) == y.size:
        raise WeightsError(
            f"no area has a neighbour with area_weights={params.area_weights!r}; use 'knn' or "
            "a larger distance"
        )
    undefined = np.zeros(y.size, dtype=bool)
    if islands:
        undefined[islands] = True
        warn(
            messages,
            f"{len(islands)} area(s) have no neighbour and are left unclassified; use 'knn' "
            "weights to give every area neighbours",
        )
    progress.update(0.1, "Computing Gi*")
    stats, power = _infer(
        y, w, params, SubProgress(progress, 0.1, 0.95), messages, "areas", undefined=undefined
    )
    if np.isnan(stats["gi_z"]).all():
        raise AnalysisError(f"Gi* is undefined: every area has the same {value_column!r} value")
    cells = gdf.copy()
    for name, values in stats.items():
        cells[name] = values
    cells["label"] = _labels(stats["gi_bin"])
    cells = cells[[c for c in cells.columns if c != cells.geometry.name] + [cells.geometry.name]]
    progress.update(1.0, "Gi* ready")
    return GiStarResult(
        cells=cells,
        params=params,
        n_points=int(y.size),
        n_outside=0,
        kind="areas",
        warnings=tuple(messages),
        value_column=value_column,
        power=power,
    )


__all__ = [
    "BIN_LABELS",
    "CRS",
    "MIN_POINTS",
    "GiStarParams",
    "GiStarResult",
    "gi_star_z",
    "run_gistar_areas",
    "run_gistar_grid",
]
