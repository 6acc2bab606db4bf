"""Getis-Ord Gi* hot and cold spots, on grid cells of offence counts or on polygons.

Gi* compares the total of a cell and its neighbours with what the whole study area would
lead one to expect. With binary weights ``w_ij`` (1 for the cell itself and its neighbours),
values ``x``, ``n`` cells, mean ``xbar`` and ``S = sqrt(mean(x²) - xbar²)``:

``z_i = (sum_j w_ij x_j - xbar W_i) / (S sqrt((n W2_i - W_i²) / (n - 1)))``,
``W_i = sum_j w_ij``, ``W2_i = sum_j w_ij²``.

This is the z-score esda's ``G_Local(y, w, star=True, transform="B").Zs`` reports (same
moments; tested to 1e-8). Inference is two-sided by default, analytical (normal) or by
conditional permutation (:mod:`hotspot.analysis.permutation`), with Benjamini-Hochberg
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

from hotspot.analysis import permutation_power
from hotspot.analysis.cell_counts import count_points
from hotspot.analysis.cell_size import default_gistar_cell_size
from hotspot.analysis.errors import NoPointsError, TooFewPointsError, WeightsError, warn
from hotspot.analysis.gistar_inference import BIN_LABELS, bin_labels, infer_gi_star, with_seed
from hotspot.analysis.grid import make_grid
from hotspot.analysis.study_points import points_in_study_area
from hotspot.core.errors import AnalysisError
from hotspot.core.params import param, permutations_param, seed_param, validate
from hotspot.core.progress import NO_PROGRESS, Progress, SubProgress

MIN_POINTS = 30
"""Gi* on a grid refuses fewer offences than this."""


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
    permutations: int = permutations_param(
        "0 = analytical z-test (fast, usual). Otherwise the number of random "
        "rearrangements for pseudo p-values (999 is typical).",
        maximum=99_999,
    )
    seed: int | None = seed_param(
        "Seed of the random rearrangements: the same seed gives the same result."
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
        (:func:`hotspot.analysis.permutation_power.power`).
    """

    cells: Any
    params: GiStarParams
    n_points: int
    n_outside: int
    kind: str
    warnings: tuple[str, ...] = ()
    value_column: str = "n"
    power: permutation_power.Power | None = None

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
    stats, power = infer_gi_star(
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
    cells["label"] = bin_labels(stats["gi_bin"])
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
    stats, power = infer_gi_star(
        y, w, params, SubProgress(progress, 0.1, 0.95), messages, "areas", undefined=undefined
    )
    if np.isnan(stats["gi_z"]).all():
        raise AnalysisError(f"Gi* is undefined: every area has the same {value_column!r} value")
    cells = gdf.copy()
    for name, values in stats.items():
        cells[name] = values
    cells["label"] = bin_labels(stats["gi_bin"])
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
    "MIN_POINTS",
    "GiStarParams",
    "GiStarResult",
    "run_gistar_areas",
    "run_gistar_grid",
]
