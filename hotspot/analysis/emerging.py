"""Emerging hot spots: where hot spots are new, growing, persistent, fading or sporadic.

The method of ArcGIS's Emerging Hot Spot Analysis (and of R's sfdep):

1. A space-time cube: offences counted per location (Gi* grid cell, LSOA or ward) and time
   step (:mod:`hotspot.analysis.spacetime_cube`).
2. Gi* for every bin with space-time neighbours: the location and its spatial neighbours
   (the 8 surrounding cells, or the areas sharing a border or corner) in the same step and
   the previous ``time_lags`` steps, binary weights, compared with the whole cube. The
   z-score is the one esda's ``G_Local(star=True, transform="B")`` gives on that space-time
   weights matrix (tested to 1e-8); it is computed without building the matrix
   (:mod:`hotspot.analysis.spacetime_gistar`: time sums first, then one sparse product),
   which is what makes it fast. Inference is
   analytical (normal) by default or by conditional permutation
   (:mod:`hotspot.analysis.permutation`), with Benjamini-Hochberg FDR correction over all
   bins on by default; a bin is a hot (cold) spot when its z is positive (negative) and
   significant at the chosen level (90% confidence by default, as ArcGIS).
3. A Mann-Kendall trend test of each location's series of z-scores
   (:mod:`hotspot.analysis.mann_kendall`), over the steps whose time window is whole (the
   first ``time_lags`` steps, and those just after a missing step, have fewer bins in
   their neighbourhood and so z-scores nearer zero: left in, they would make every
   persistent hot spot look intensifying).
4. One of the 17 categories per location (:mod:`hotspot.analysis.emerging_categories`).

Missing months are never zeros: a step the data do not wholly hold has no count and no
Gi*, and is left out of its neighbours' neighbourhoods, of the trend and of the categories.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from hotspot.analysis import p_values, permutation
from hotspot.analysis.emerging_categories import CATEGORIES, category_name, classify
from hotspot.analysis.errors import TooFewPointsError, warn
from hotspot.analysis.gistar_inference import with_seed
from hotspot.analysis.mann_kendall import mann_kendall
from hotspot.analysis.spacetime_cube import TimeSteps, cube_counts, step_name, time_steps
from hotspot.analysis.spacetime_gistar import spacetime_gi_star, spacetime_weights, whole_windows
from hotspot.core.errors import AnalysisError
from hotspot.core.params import param, permutations_param, seed_param, validate
from hotspot.core.progress import NO_PROGRESS, Progress, SubProgress

MIN_POINTS = 30
"""Fewer offences than this in the cube are refused."""

CATEGORY_NAMES = tuple(category_name(c) for c in range(-8, 9))
"""Category names by code + 8 (codes run from -8 to 8)."""


@dataclass(frozen=True)
class EmergingParams:
    """Parameters of an emerging hot spot analysis."""

    months: int | None = param(
        None,
        label="Months analysed",
        unit="months",
        help="The time window, ending with the project's period: emerging hot spots need "
        "several years of months (the 12-month period of the other analyses is too short).",
        minimum=2,
        maximum=240,
        computed="every month in the offence data",
    )
    step_months: int | None = param(
        None,
        label="Time step",
        unit="months",
        help="Months per time step: 1 = monthly, 3 = quarterly. At least 10 steps are needed.",
        minimum=1,
        maximum=60,
        computed="from the window, as R's sfhotspot: months up to 2 years, quarters up to 10",
    )
    units: str = param(
        "grid",
        label="Locations",
        help="Grid cells (the Gi* grid), or the LSOAs or wards loaded.",
        choices=("grid", "lsoa", "ward"),
    )
    cell_size: float | None = param(
        None,
        label="Cell size",
        unit="m",
        help="Side of the grid cells.",
        minimum=1.0,
        maximum=20_000.0,
        computed="shorter side of the study area / 50, rounded down to a multiple of 100 m",
    )
    time_lags: int = param(
        1,
        label="Previous steps in the neighbourhood",
        help="How many previous time steps count as neighbours (1, as ArcGIS and sfdep).",
        minimum=0,
        maximum=12,
    )
    permutations: int = permutations_param(
        "0 = analytical z-test (fast, usual). Otherwise conditional permutations for "
        "pseudo p-values (199 or 999).",
        maximum=9_999,
    )
    seed: int | None = seed_param("Seed of the permutations: the same seed gives the same result.")
    fdr: bool = param(
        True,
        label="False discovery rate correction",
        help="Correct for testing every bin of the cube (Benjamini-Hochberg).",
    )
    alpha: float = param(
        0.10,
        label="Significance level of hot and cold spots",
        help="A bin is a hot or cold spot at this level (0.10 = 90% confidence, as ArcGIS).",
        minimum=0.001,
        maximum=0.2,
        advanced=True,
    )
    trend_alpha: float = param(
        0.05,
        label="Significance level of trends",
        help="A location's hot spots intensify or diminish when the Mann-Kendall trend of "
        "its z-scores is significant at this level (0.05 = 95% confidence).",
        minimum=0.001,
        maximum=0.2,
        advanced=True,
    )

    def __post_init__(self) -> None:
        validate(self, where="emerging")


@dataclass(frozen=True, eq=False)
class EmergingResult:
    """Emerging hot spot categories and the space-time cube behind them.

    Attributes
    ----------
    locations : geopandas.GeoDataFrame
        One row per location: ``cell_id``/``row``/``col`` (grid) or ``code``/``name``
        (areas), ``n`` (offences in the window), ``n_hot``/``n_cold`` (hot / cold steps),
        ``trend_s``, ``trend_tau``, ``trend_z``, ``trend_p`` (Mann-Kendall of the z-scores
        of the steps with a whole time window, :func:`whole_windows`),
        ``category`` (code, see :mod:`hotspot.analysis.emerging_categories`), ``pattern``
        (its name), geometry.
    counts : numpy.ndarray
        ``(locations, steps)`` offences per bin, NaN in missing steps.
    stats : dict of numpy.ndarray
        ``(locations, steps)`` arrays: ``gi_z``, ``p_value``, ``p_sim`` (permutations),
        ``q_value``, ``gi_bin``; see :meth:`cube` for them in long format.
    steps : TimeSteps
        The time steps and the months left out or missing.
    params : EmergingParams
        Every parameter used (step and cell size filled in).
    n_points : int
        Offences counted in the cube.
    n_outside : int
        Offences outside the locations or the steps.
    kind : str
        "grid" or "areas".
    warnings : tuple of str
    """

    locations: Any
    counts: np.ndarray
    stats: dict[str, np.ndarray]
    steps: TimeSteps
    params: EmergingParams
    n_points: int
    n_outside: int
    kind: str
    warnings: tuple[str, ...] = ()

    @property
    def seed(self) -> int | None:
        return self.params.seed if self.params.permutations else None

    @property
    def z(self) -> np.ndarray:
        """``(locations, steps)`` Gi* z-scores (NaN in missing steps)."""
        return self.stats["gi_z"]

    def z_series(self) -> list[tuple[float, ...]]:
        """Each location's z-scores, step by step (rounded to 4 decimals), as tuples."""
        return [tuple(row) for row in np.round(self.z, 4).tolist()]

    def cube(self) -> pd.DataFrame:
        """The space-time cube in long format, one row per location and step.

        Columns ``location`` (position in ``locations``), ``step``, ``start``, ``end``
        ("YYYY-MM"), ``n`` (NaN where missing), then the :attr:`stats` columns.
        """
        m, n = self.counts.shape
        starts = pd.Categorical([str(s.start) for s in self.steps.steps])
        ends = pd.Categorical([str(s.end) for s in self.steps.steps])
        step = np.tile(np.arange(n), m)
        frame = pd.DataFrame(
            {
                "location": np.repeat(np.arange(m), n),
                "step": step,
                "start": starts.take(step),
                "end": ends.take(step),
                "n": self.counts.ravel(),
            }
        )
        for name, values in self.stats.items():
            frame[name] = values.ravel()
        return frame

    def counts_by_category(self) -> dict[str, int]:
        """Locations per category, in :data:`CATEGORIES` order (zeros included)."""
        names = self.locations["pattern"].value_counts()
        return {c: int(names.get(c, 0)) for c in CATEGORIES}

    def months_used(self) -> str:
        """ "30 months, 2016-01 to 2018-06, in 30 monthly steps" (and what was left out)."""
        s = self.steps
        n_months = len(s.steps) * s.step_months
        unit = "monthly steps" if s.step_months == 1 else step_name(s.step_months, True)
        text = f"{n_months} months, {s.span}, in {len(s.steps)} {unit}"
        missing = int((~s.present).sum())
        if missing:
            text += f" ({missing} missing from the data)"
        return text


def _infer(
    counts: np.ndarray,
    present: np.ndarray,
    spatial: sp.spmatrix,
    params: EmergingParams,
    progress: Progress,
) -> dict[str, np.ndarray]:
    """z, p (analytical), p_sim (permutations), q and hot/cold bins of every bin."""
    z = spacetime_gi_star(counts, present, spatial, params.time_lags)
    p = p_values.two_sided_p(z)
    out = {"gi_z": z, "p_value": p}
    test_p = p
    if params.permutations:
        w = spacetime_weights(spatial, present, params.time_lags)
        y = counts[:, present].ravel()
        perm = permutation.permutation_test(
            w,
            y,
            permutations=params.permutations,
            seed=params.seed,
            moments=False,
            progress=progress,
        )
        p_sim = np.full(counts.shape, np.nan)
        p_sim[:, present] = perm.p_values("two-sided").reshape(counts.shape[0], -1)
        p_sim[np.isnan(z)] = np.nan
        out["p_sim"] = p_sim
        test_p = p_sim
    q = p_values.fdr_bh(test_p) if params.fdr else test_p.copy()
    out["q_value"] = q
    out["gi_bin"] = p_values.confidence_bin(z, q)
    return out


def _check_power(stats: dict[str, np.ndarray], params: EmergingParams, messages: list[str]):
    """Warn when too few permutations leave the FDR correction unable to call anything."""
    if not (params.permutations and params.fdr):
        return
    raw = int((stats["p_sim"] <= params.alpha).sum())
    called = int((np.nan_to_num(stats["q_value"], nan=1.0) <= params.alpha).sum())
    if raw and called < raw / 2:
        n = int(np.isfinite(stats["p_sim"]).sum())
        warn(
            messages,
            f"with {params.permutations:,} permutations the smallest possible p-value is "
            f"{2 / (params.permutations + 1):.4f}, too coarse for the false-discovery-rate "
            f"correction over {n:,} bins: {called:,} bins are significant after it against "
            f"{raw:,} before. Use more permutations (e.g. 9,999) or the analytical test "
            "(permutations = 0)",
        )


def _grid_locations(points, params, study_area, progress):
    from hotspot.analysis._weights import grid_weights
    from hotspot.analysis.cell_counts import cell_positions
    from hotspot.analysis.cell_size import default_gistar_cell_size
    from hotspot.analysis.grid import make_grid
    from hotspot.analysis.study_points import points_in_study_area

    pts = points_in_study_area(points, study_area)
    cell = params.cell_size or default_gistar_cell_size(pts.area)
    grid = make_grid(pts.area, cell, progress=progress)
    position = np.full(pts.used.size, -1, dtype=np.int64)
    position[pts.used] = cell_positions(grid, pts.xy)
    spatial = grid_weights(grid, distance=cell * math.sqrt(2.0), progress=progress)
    return grid.cells.copy(), spatial, position, replace(params, cell_size=float(cell))


def _area_locations(points, areas):
    import shapely

    from hotspot.analysis._area_inputs import geo_frame
    from hotspot.analysis._weights import area_weights
    from hotspot.analysis.study_points import usable_coordinates

    gdf = geo_frame(areas, "areas")
    xy, usable = usable_coordinates(points, "offence points")
    tree = shapely.STRtree(np.asarray(gdf.geometry.values))
    hit_pt, hit_area = tree.query(shapely.points(xy), predicate="within")
    inside = np.full(xy.shape[0], -1, dtype=np.int64)
    inside[hit_pt[::-1]] = hit_area[::-1]  # the first area when a point is on a border
    position = np.full(usable.size, -1, dtype=np.int64)
    position[usable] = inside
    spatial, islands = area_weights(gdf, "queen", include_self=True)
    keep = [c for c in ("code", "name") if c in gdf.columns]
    return gdf[[*keep, gdf.geometry.name]].copy(), spatial, position, islands


def run_emerging(
    points: Any,
    params: EmergingParams | None = None,
    *,
    months_covered: Any = None,
    end: Any = None,
    study_area: Any = None,
    areas: Any = None,
    progress: Progress = NO_PROGRESS,
) -> EmergingResult:
    """Emerging hot spot analysis of offence points with a ``month`` column.

    Parameters
    ----------
    points : GeoDataFrame
        Offences in British National Grid with ``month`` (datetime64, first of the month).
    params : EmergingParams, optional
        Window, step, locations, neighbourhood and inference (defaults if omitted).
    months_covered : sequence of month-likes, optional
        The months the data hold (the load report's months). A month outside it is
        missing, not zero. Default: the months present among the points.
    end : month-like, optional
        The window's last month (default the last month covered).
    study_area : geometry or frame, optional
        The grid's study area (grid locations).
    areas : GeoDataFrame or AreaLayer, optional
        The areas when ``params.units`` is "lsoa" or "ward".
    progress : Progress, optional

    Raises
    ------
    AnalysisError
        Fewer than 10 time steps with data, a window shorter than a step, too few
        offences, areas missing (messages name the parameter to change).
    """
    params = with_seed(params or EmergingParams())
    if "month" not in getattr(points, "columns", ()):
        raise AnalysisError("emerging hot spots need the month of each offence (a month column)")
    months = pd.to_datetime(points["month"])
    covered = months_covered if months_covered is not None else months.dropna().unique()
    steps = time_steps(covered, step_months=params.step_months, months=params.months, end=end)
    params = replace(params, step_months=steps.step_months)
    messages: list[str] = []
    if steps.left_out:
        warn(
            messages,
            f"{', '.join(steps.left_out)} left out: the steps end with the last month, and "
            f"these months do not fill a whole {step_name(steps.step_months)}",
        )
    if steps.missing:
        listed = ", ".join(steps.missing[:6]) + (" ..." if len(steps.missing) > 6 else "")
        n_missing = int((~steps.present).sum())
        warn(
            messages,
            f"the offence data miss {len(steps.missing)} month(s) of the window ({listed}): "
            f"{n_missing} time step(s) are treated as missing (no Gi*, left out of the "
            "neighbourhoods and the trend), never as zero offences",
        )
    progress.update(0.0, "Building the space-time cube")
    if params.units == "grid":
        locations, spatial, position, params = _grid_locations(points, params, study_area, progress)
        kind, islands = "grid", []
    else:
        if areas is None:
            raise AnalysisError(
                f"units={params.units!r}: no {params.units.upper() if params.units == 'lsoa' else params.units} "
                "boundaries given; add them, or use units = 'grid'"
            )
        locations, spatial, position, islands = _area_locations(points, areas)
        kind = "areas"
    step_of = steps.index_of(months)
    counts = cube_counts(position, step_of, len(locations), len(steps.steps))
    present = steps.present
    counts[:, ~present] = np.nan
    n_in = int(np.nansum(counts))
    if n_in < MIN_POINTS:
        raise TooFewPointsError(
            f"only {n_in} offences fall in the locations and time steps: emerging hot spots "
            f"need at least {MIN_POINTS}. Widen the window or the offence group"
        )
    progress.update(0.2, "Computing space-time Gi*")
    stats = _infer(np.nan_to_num(counts), present, spatial, params, SubProgress(progress, 0.2, 0.9))
    if islands:
        for v in stats.values():
            v[islands] = np.nan if v.dtype.kind == "f" else 0
        warn(messages, f"{len(islands)} area(s) have no neighbour and are left unclassified")
    _check_power(stats, params, messages)
    progress.update(0.9, "Trends and categories")
    z = stats["gi_z"]
    mk = mann_kendall(np.where(whole_windows(present, params.time_lags)[None, :], z, np.nan))
    significant = np.nan_to_num(stats["q_value"], nan=1.0) <= params.alpha
    hot = significant & (np.nan_to_num(z) > 0)
    cold = significant & (np.nan_to_num(z) < 0)
    codes = classify(hot, cold, mk.direction(params.trend_alpha), present)
    locations.insert(len(locations.columns) - 1, "n", np.nansum(counts, axis=1).astype(int))
    extra = {
        "n_hot": hot[:, present].sum(axis=1),
        "n_cold": cold[:, present].sum(axis=1),
        "trend_s": mk.s,
        "trend_tau": mk.tau,
        "trend_z": mk.z,
        "trend_p": mk.p,
        "category": codes,
        "pattern": np.array(CATEGORY_NAMES, dtype=object)[codes.astype(int) + 8],
    }
    geom = locations.geometry.name
    for name, values in extra.items():
        locations[name] = values
    locations = locations[[c for c in locations.columns if c != geom] + [geom]]
    in_window = (step_of >= 0) & present[np.maximum(step_of, 0)]
    progress.update(1.0, "Emerging hot spots ready")
    return EmergingResult(
        locations=locations,
        counts=counts,
        stats=stats,
        steps=steps,
        params=params,
        n_points=n_in,
        n_outside=max(int(in_window.sum()) - n_in, 0),
        kind=kind,
        warnings=tuple(messages),
    )


__all__ = [
    "MIN_POINTS",
    "EmergingParams",
    "EmergingResult",
    "run_emerging",
]
