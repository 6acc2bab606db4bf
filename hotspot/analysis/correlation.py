"""Spatial correlation between two area measures (e.g. violence rate and deprivation).

:func:`run_bivariate` answers "does violence go with deprivation, and where?":

- global bivariate Moran's I: does an area's ``x`` go with the ``y`` of its
  neighbours across the whole map, with a permutation test;
- Spearman and Pearson correlation of ``x`` and ``y`` in the same areas, with
  their p-values;
- local bivariate Moran: for each area, ``x`` here against ``y`` around here, with
  conditional-permutation pseudo p-values, FDR-adjusted q-values and a cluster
  label (High-High, Low-Low, High-Low, Low-High, Not significant).

Definitions (equal to esda's ``Moran_BV`` and ``Moran_Local_BV``)
-----------------------------------------------------------------
``W`` is row-standardised (an area without neighbours, an *island*, has an empty
row: its lag is 0, as in esda). Global: with ``zx``, ``zy`` standardised with the
sample standard deviation (ddof=1), ``I = sum_i zx_i (W zy)_i / (n - 1)``; the
reference distribution permutes ``y`` over all areas. Local: with ``zx``, ``zy``
standardised with ddof=0, ``I_i = (n - 1) / sum(zx^2) * zx_i (W zy)_i``; the
conditional permutation holds ``x_i`` fixed and gives ``i``'s neighbours ``y``
values drawn from the other areas (never ``i`` itself), through
:func:`hotspot.analysis.permutation.permutation_test`.

Pseudo p-values: ``alternative="two-sided"`` (default) doubles the smaller tail,
``min(1, 2 (min(#>=, #<=) + 1) / (P + 1))``; ``"directed"`` is esda's ``p_sim``
(the tail on the side of the observation, half the two-sided value: use it only
to compare with esda or GeoDa); ``"folded"`` counts permuted values at least as
far from their mean as the observed one. Islands are not tested (p-value empty,
"Not significant").

Clusters: the quadrant is esda's ``q`` (1 High-High: ``zx > 0`` and lag ``> 0``;
2 Low-High; 3 Low-Low; 4 High-Low); an area is in its cluster when its p-value
(q-value when ``fdr``) is at most ``alpha``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from hotspot.analysis._area_inputs import geo_frame, list_codes
from hotspot.analysis.errors import AnalysisError, WeightsError
from hotspot.core.params import param, seed_param, validate
from hotspot.core.progress import NO_PROGRESS, Progress, SubProgress

_GLOBAL_CHUNK_ELEMENTS = 2_000_000  # permuted values drawn at once for the global test

CLUSTER_LABELS = {1: "High-High", 2: "Low-High", 3: "Low-Low", 4: "High-Low"}
NOT_SIGNIFICANT = "Not significant"
CLUSTERS = ("High-High", "Low-Low", "High-Low", "Low-High", NOT_SIGNIFICANT)

CAVEAT = (
    "Read the local bivariate clusters with care: each compares the first measure in an area "
    "with the second measure in the neighbouring areas, so it mixes how the two measures go "
    "together with how the second measure clusters in space. A High-High area has a high "
    "value of the first measure surrounded by areas with high values of the second; it does "
    "not show that one causes the other. Look at the Spearman correlation and the two maps "
    "side by side before drawing conclusions."
)


@dataclass(frozen=True)
class BivariateParams:
    """Parameters of :func:`run_bivariate`."""

    measure: str = param(
        "rate",
        label="Offence measure",
        help="The offence figure of each LSOA: 'rate' per 1,000 residents, 'rate_eb' (the rate "
        "smoothed towards the borough's rate, steadier for small populations) or 'count'.",
        choices=("rate", "rate_eb", "count"),
    )
    context: str = param(
        "imd_score",
        label="Compare with",
        help="The LSOA measure the offence figure is compared with: 'imd_score' (deprivation, "
        "higher = more deprived) or 'samhi_index' (mental health, higher = poorer).",
        choices=("imd_score", "samhi_index"),
    )
    weights: str = param(
        "queen",
        label="Neighbours",
        help="Which areas count as neighbours: 'queen' (sharing a boundary or a corner, the "
        "usual choice), 'rook' (sharing a boundary) or 'knn' (the k nearest areas).",
        choices=("queen", "rook", "knn"),
    )
    k: int = param(
        6,
        label="Nearest neighbours (k)",
        help="How many nearest areas are neighbours, when Neighbours is 'knn'.",
        minimum=1,
        maximum=100,
        advanced=True,
    )
    permutations: int | None = param(
        None,
        label="Permutations",
        help="Random rearrangements used to judge significance. More give finer p-values and "
        "take longer; too few make the local clusters impossible to find after the FDR "
        "correction (the smallest p-value is 2 / (permutations + 1)).",
        minimum=99,
        maximum=99999,
        computed="enough for one area alone to be significant after the FDR correction: "
        "2 x areas / significance level, rounded up to 999, 1,999, 4,999, 9,999, 19,999, "
        "49,999 or 99,999 (999 without FDR), and at most 200 million area-permutations",
    )
    seed: int = seed_param(
        "Fixes the random rearrangements so the same data give the same result; change it "
        "to check that conclusions do not depend on the particular draws.",
        fresh=False,
    )
    alpha: float = param(
        0.05,
        label="Significance level",
        help="Areas with a p-value (or FDR-adjusted value) at or below this are shown as clusters.",
        minimum=0.0001,
        maximum=0.5,
    )
    fdr: bool = param(
        True,
        label="Correct for many tests (FDR)",
        help="Adjust the local p-values for testing every area at once (Benjamini-Hochberg), "
        "so that few clusters appear by chance.",
    )
    alternative: str = param(
        "two-sided",
        label="Test",
        help="'two-sided' (recommended) counts unusually high and unusually low values alike; "
        "'directed' reproduces esda's and GeoDa's one-sided p_sim (half as large); 'folded' "
        "measures distance from the permutation mean.",
        choices=("two-sided", "directed", "folded"),
        advanced=True,
    )

    def __post_init__(self) -> None:
        validate(self)


@dataclass(frozen=True)
class BivariateResult:
    """Global and local bivariate spatial correlation.

    Attributes
    ----------
    moran_i : float
        Global bivariate Moran's I.
    p_value : float
        Its permutation pseudo p-value (``params.alternative``).
    spearman, pearson : tuple of (float, float)
        Correlation coefficient and two-sided p-value.
    local : geopandas.GeoDataFrame
        One row per area analysed: ``code``, ``name``, the two measures (under
        their column names), ``lag`` (mean ``y`` of the neighbours, standardised),
        ``local_i``, ``quadrant`` (esda's q: 1 HH, 2 LH, 3 LL, 4 HL), ``p_value``,
        ``q_value`` (FDR-adjusted; equal to ``p_value`` when ``fdr`` is off),
        ``cluster``, ``island``, geometry.
    islands : tuple of str
        Codes of areas without neighbours (lag 0, not tested).
    dropped : tuple of str
        Codes of areas left out because a measure was missing.
    x, y : str
        Names of the two measures (``y`` is the one lagged).
    caveat : str
        How to read local bivariate clusters, in plain English.
    params : BivariateParams
        The parameters used.
    seed : int
        The seed used.
    n : int
        Areas analysed.
    expected_i, z_sim : float
        Mean of the permuted global I and the observed I's z-score in that distribution.
    warnings : tuple of str
    power : Power or None
        What the local test could find, worked out before it ran
        (:func:`hotspot.analysis.permutation_power.power`).
    """

    moran_i: float
    p_value: float
    spearman: tuple[float, float]
    pearson: tuple[float, float]
    local: Any
    islands: tuple[str, ...]
    dropped: tuple[str, ...]
    x: str
    y: str
    caveat: str
    params: BivariateParams
    seed: int
    n: int
    expected_i: float
    z_sim: float
    warnings: tuple[str, ...] = ()
    power: Any = None

    @property
    def n_significant(self) -> int:
        """Areas in a significant local cluster."""
        return int((self.local["cluster"] != NOT_SIGNIFICANT).sum())

    def cluster_counts(self) -> dict[str, int]:
        """Number of areas in each cluster, in the order of ``CLUSTERS``."""
        counts = self.local["cluster"].value_counts()
        return {c: int(counts.get(c, 0)) for c in CLUSTERS}


# --------------------------------------------------------------------------- statistics


AUTO_WORK = 200_000_000
"""Automatic permutations stop at this many area-permutations (a few seconds of work)."""


def auto_permutations(
    areas: int, alpha: float, *, fdr: bool, alternative: str = "two-sided"
) -> int:
    """The permutations used when the project leaves them to Hotspot.

    Enough for one area alone to reach ``alpha`` after the FDR correction
    (:func:`hotspot.analysis.permutation_power.permutations_needed`), capped at 99,999 and at
    :data:`AUTO_WORK` area-permutations (rounded down to 999, 1,999, 4,999 ...).

    Examples
    --------
    >>> auto_permutations(175, 0.05, fdr=True)
    9999
    >>> auto_permutations(4835, 0.05, fdr=True)
    19999
    """
    from hotspot.analysis.permutation_power import ROUND_PERMUTATIONS, permutations_needed

    wanted = permutations_needed(areas, alpha, fdr=fdr, alternative=alternative)
    affordable = [p for p in ROUND_PERMUTATIONS if p * max(areas, 1) <= AUTO_WORK]
    return min(wanted, affordable[-1] if affordable else ROUND_PERMUTATIONS[0])


def _standardise(v: np.ndarray, ddof: int, name: str = "a measure") -> np.ndarray:
    sd = v.std(ddof=ddof)
    if not sd > 0:
        raise AnalysisError(
            f"{name} has the same value ({float(v[0]):,.4g}) in all {v.size:,} areas, so nothing "
            "can be correlated with it; check the table it comes from, or choose another measure"
        )
    return (v - v.mean()) / sd


def pearson(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Pearson's r and its two-sided p-value (``scipy.stats.pearsonr``).

    ``x`` and ``y`` hold no missing values (the caller drops those areas first).
    """
    from scipy import stats

    if len(x) < 3:
        return float(np.corrcoef(x, y)[0, 1]), np.nan
    res = stats.pearsonr(x, y)
    return float(res.statistic), float(res.pvalue)


def spearman(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Spearman's rho and its two-sided p-value (``scipy.stats.spearmanr``; ties averaged)."""
    from scipy import stats

    if len(x) < 3:
        return float(stats.spearmanr(x, y).statistic), np.nan
    res = stats.spearmanr(x, y)
    return float(res.statistic), float(res.pvalue)


def _global_test(
    zx: np.ndarray,
    zy: np.ndarray,
    w: Any,
    permutations: int,
    rng: np.random.Generator,
    alternative: str,
    progress: Progress = NO_PROGRESS,
) -> tuple[float, float, float, float]:
    """Observed global I, pseudo p-value, mean and z of the permuted I.

    Cancellation is checked once per chunk of about 2 million permuted values.
    """
    n = len(zx)
    observed = float(zx @ (w @ zy)) / (n - 1)
    # Permuted I = zx' W zy_perm / (n - 1) = (W' zx)' zy_perm / (n - 1): one vector.
    a = (w.T @ zx) / (n - 1)
    sims = np.empty(permutations)
    chunk = max(1, _GLOBAL_CHUNK_ELEMENTS // max(n, 1))
    done = 0
    while done < permutations:
        progress.check_cancelled()
        progress.update(done / permutations, "permutations (global)")
        m = min(chunk, permutations - done)
        perm = rng.permuted(np.broadcast_to(zy, (m, n)), axis=1)
        sims[done : done + m] = perm @ a
        done += m
    tol = 1e-9 * max(1.0, abs(observed))
    ge = int((sims >= observed - tol).sum())
    le = int((sims <= observed + tol).sum())
    mean, sd = float(sims.mean()), float(sims.std())
    if alternative == "two-sided":
        p = min(1.0, 2.0 * (min(ge, le) + 1) / (permutations + 1))
    elif alternative == "directed":
        p = (min(ge, permutations - ge) + 1) / (permutations + 1)
    else:  # folded
        far = int((np.abs(sims - mean) >= abs(observed - mean) - tol).sum())
        p = (far + 1) / (permutations + 1)
    z = (observed - mean) / sd if sd > 0 else np.nan
    return observed, p, mean, z


# --------------------------------------------------------------------------- inputs


def _measure(gdf: Any, value: Any, default_name: str) -> tuple[str, np.ndarray]:
    if isinstance(value, str):
        if value not in gdf.columns:
            raise AnalysisError(
                f"no column {value!r} in the areas (columns are "
                f"{', '.join(map(str, gdf.columns))}); join the measure to the areas first"
            )
        s = gdf[value]
        name = value
    elif isinstance(value, pd.Series):
        s = value.reindex(gdf.index)
        name = str(value.name) if value.name is not None else default_name
    else:
        arr = np.asarray(value)
        if arr.shape != (len(gdf),):
            raise AnalysisError(
                f"{default_name}: {arr.shape[0] if arr.ndim else 1} values for {len(gdf)} areas"
            )
        s = pd.Series(arr, index=gdf.index)
        name = default_name
    return name, pd.to_numeric(s, errors="coerce").to_numpy(float)


def _as_used(params: BivariateParams, x: str, y: str) -> BivariateParams:
    """``params`` with ``measure`` and ``context`` set to the columns actually compared, when
    they are among the choices (so the stored params never name other columns)."""
    from hotspot.core.params import specs

    choices = {s.name: s.choices or () for s in specs(BivariateParams)}
    changes = {}
    if x in choices["measure"]:
        changes["measure"] = x
    if y in choices["context"]:
        changes["context"] = y
    return replace(params, **changes)


def run_bivariate(
    areas_gdf: Any,
    x: Any,
    y: Any,
    params: BivariateParams | None = None,
    *,
    progress: Progress = NO_PROGRESS,
) -> BivariateResult:
    """Global and local bivariate Moran's I, with Spearman and Pearson correlation.

    Parameters
    ----------
    areas_gdf : AreaLayer, AreaStats or geopandas.GeoDataFrame
        Polygons (EPSG:27700) with ``code`` (and ``name``) and the two measures.
    x : str, Series or array
        The measure in each area (a column name, a Series aligned on the index,
        or values in row order), e.g. the violence rate.
    y : str, Series or array
        The measure whose neighbourhood average (spatial lag) ``x`` is compared
        with, e.g. the IMD score.
    params : BivariateParams, optional
    progress : Progress, optional
        Fractions for the permutations; cancellation is honoured.

    Returns
    -------
    BivariateResult

    Raises
    ------
    AnalysisError
        When a measure is missing or constant, or fewer than 3 areas have both.
    WeightsError
        When no area has a neighbour.
    """
    from hotspot.analysis.contiguity import build_weights, row_standardise
    from hotspot.analysis.p_values import fdr_bh
    from hotspot.analysis.permutation import permutation_test
    from hotspot.analysis.permutation_power import power as significance_power

    params = params or BivariateParams()
    gdf = geo_frame(areas_gdf, "areas")
    x_name, xv = _measure(gdf, x, "x")
    y_name, yv = _measure(gdf, y, "y")
    if x_name == y_name:
        y_name = f"{y_name}_lagged"
    codes = (
        gdf["code"].astype(str).to_numpy()
        if "code" in gdf.columns
        else gdf.index.astype(str).to_numpy()
    )
    names = gdf["name"].astype(str).to_numpy() if "name" in gdf.columns else codes
    warnings: list[str] = []
    keep = np.isfinite(xv) & np.isfinite(yv)
    dropped = tuple(codes[~keep])
    if dropped:
        warnings.append(
            f"{len(dropped)} areas were left out because {x_name} or {y_name} is missing: "
            f"{list_codes(dropped)}."
        )
    n = int(keep.sum())
    if n < 3:
        raise AnalysisError(
            f"only {n} areas have both {x_name} and {y_name}; at least 3 are needed"
        )
    xk, yk = xv[keep], yv[keep]
    progress.update(0.0, "Building neighbours")
    binary = build_weights(gdf.geometry.to_numpy()[keep], params.weights, k=params.k)
    w = row_standardise(binary)
    card = np.diff(binary.indptr)
    island_mask = card == 0
    islands = tuple(codes[keep][island_mask])
    if island_mask.all():
        raise WeightsError(
            f"no area has a {params.weights} neighbour; use weights='knn' for areas that do not "
            "touch"
        )
    if islands:
        island_names = [
            f"{nm} ({c})" for nm, c in zip(names[keep][island_mask], islands, strict=True)
        ]
        warnings.append(
            f"{len(islands)} areas have no neighbours (islands): {list_codes(island_names)}. "
            "Their neighbourhood value is taken as 0 (as esda and GeoDa do) and they are not "
            "tested; use weights='knn' to give them neighbours."
        )
    progress.check_cancelled()

    zx1, zy1 = _standardise(xk, 1, x_name), _standardise(yk, 1, y_name)
    tested = int((~island_mask).sum())
    one_tail = "greater" if params.alternative != "two-sided" else "two-sided"
    permutations = params.permutations
    if permutations is None:
        permutations = auto_permutations(tested, params.alpha, fdr=params.fdr, alternative=one_tail)
    power = significance_power(
        tested, permutations, params.alpha, fdr=params.fdr, alternative=one_tail
    )
    advice = power.advice("areas")
    if advice:  # said before the permutations run, and on every output of the result
        warnings.append(advice[0].upper() + advice[1:] + ".")
    params = replace(params, permutations=permutations)
    seq = np.random.SeedSequence(params.seed)
    global_seed, local_seed = seq.spawn(2)
    moran_i, p_global, e_i, z_i = _global_test(
        zx1,
        zy1,
        w,
        params.permutations,
        np.random.default_rng(global_seed),
        params.alternative,
        SubProgress(progress, 0.02, 0.1),
    )
    progress.update(0.1, "Local statistics")

    zx0, zy0 = _standardise(xk, 0, x_name), _standardise(yk, 0, y_name)
    lag = w @ zy0
    scale = (n - 1) / float(zx0 @ zx0)
    local_i = scale * zx0 * lag

    def statistic(lags: np.ndarray, rows: np.ndarray) -> np.ndarray:
        return scale * zx0[rows, None] * lags

    counts = permutation_test(
        w,
        zy0,
        permutations=params.permutations,
        seed=local_seed,
        statistic=statistic,
        progress=SubProgress(progress, 0.1, 0.95),
    )
    p_local = counts.p_values(params.alternative)
    p_local = np.where(island_mask, np.nan, p_local)
    q_local = fdr_bh(p_local) if params.fdr else p_local.copy()
    quadrant = np.where(zx0 > 0, np.where(lag > 0, 1, 4), np.where(lag > 0, 2, 3))
    decide = q_local if params.fdr else p_local
    significant = np.nan_to_num(decide, nan=np.inf) <= params.alpha
    cluster = np.where(
        significant, pd.Series(quadrant).map(CLUSTER_LABELS).to_numpy(), NOT_SIGNIFICANT
    )

    import geopandas as gpd

    local = gpd.GeoDataFrame(
        {
            "code": codes[keep],
            "name": names[keep],
            x_name: xk,
            y_name: yk,
            "lag": lag,
            "local_i": local_i,
            "quadrant": quadrant.astype(np.int8),
            "p_value": p_local,
            "q_value": q_local,
            "cluster": cluster,
            "island": island_mask,
        },
        geometry=gdf.geometry.to_numpy()[keep],
        crs=gdf.crs,
        index=gdf.index[keep],
    )
    progress.update(1.0, "Bivariate correlation done")
    return BivariateResult(
        moran_i=moran_i,
        p_value=p_global,
        spearman=spearman(xk, yk),
        pearson=pearson(xk, yk),
        local=local,
        islands=islands,
        dropped=dropped,
        x=x_name,
        y=y_name,
        caveat=CAVEAT,
        params=_as_used(params, x_name, y_name),
        seed=params.seed,
        n=n,
        expected_i=e_i,
        z_sim=z_i,
        warnings=tuple(warnings),
        power=power,
    )


__all__ = [
    "AUTO_WORK",
    "CAVEAT",
    "CLUSTERS",
    "BivariateParams",
    "BivariateResult",
    "auto_permutations",
    "pearson",
    "run_bivariate",
    "spearman",
]
