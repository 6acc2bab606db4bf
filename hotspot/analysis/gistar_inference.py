"""The Getis-Ord Gi* statistic and its inference.

:func:`gi_star_z` gives the z-scores (the ones esda's ``G_Local(star=True, transform="B").Zs``
reports) on any weights; :func:`infer_gi_star` adds analytical or permutation p-values
(:mod:`hotspot.analysis.permutation`), the false-discovery-rate correction and the confidence
bins (:mod:`hotspot.analysis.p_values`), labelled by :data:`BIN_LABELS`. Shared by Gi* on a grid
and on areas (:mod:`hotspot.analysis.gistar`); :func:`with_seed` also by emerging hot spots.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp

from hotspot.analysis import p_values, permutation, permutation_power
from hotspot.analysis.errors import warn
from hotspot.core.progress import Progress

if TYPE_CHECKING:  # pragma: no cover
    from hotspot.analysis.gistar import GiStarParams


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
    w_i = np.asarray(w.sum(axis=1)).ravel()
    w2 = w.copy()
    w2.data **= 2
    w2_i = np.asarray(w2.sum(axis=1)).ravel()
    return gi_star_from_sums(y, w @ y, w_i, w2_i)


def gi_star_from_sums(
    y: np.ndarray, lag: np.ndarray, w_i: np.ndarray, w2_i: np.ndarray
) -> np.ndarray:
    """Gi* z-scores from each observation's lag and weight sums (the formula of the module).

    Shared by :func:`gi_star_z` and the space-time Gi*
    (:func:`hotspot.analysis.spacetime_gistar.spacetime_gi_star`), which gets the sums
    without building its weights matrix.

    Parameters
    ----------
    y : numpy.ndarray
        Every observation (any shape): ``n``, the mean and ``S`` are taken over all of them.
    lag, w_i, w2_i : numpy.ndarray
        ``sum_j w_ij y_j``, ``sum_j w_ij`` and ``sum_j w_ij²`` per observation (same shape).

    Returns
    -------
    numpy.ndarray
        z-scores, shaped like ``lag``; NaN where undefined (every value equal, or a
        neighbourhood that is the whole study area).
    """
    n = y.size
    mean = y.mean()
    s = math.sqrt(max(float((y * y).mean() - mean * mean), 0.0))
    spread = (n * w2_i - w_i**2) / (n - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        den = s * np.sqrt(np.maximum(spread, 0.0))
        z = (lag - mean * w_i) / den
    z[~(den > 1e-12 * max(abs(mean), 1.0))] = np.nan
    return z


def analytical_p(z: np.ndarray, alternative: str) -> np.ndarray:
    """Normal p-values of z-scores for ``alternative`` ("two-sided", "greater", "lesser").

    Parameters
    ----------
    z : numpy.ndarray
        z-scores (NaN stays NaN).
    alternative : str
        "two-sided": ``2 * P(Z > |z|)``; "greater": ``P(Z > z)``; "lesser": ``P(Z < z)``.

    Returns
    -------
    numpy.ndarray
    """
    from scipy import special

    if alternative == "two-sided":
        return p_values.two_sided_p(z)
    tail = z if alternative == "greater" else -z
    return 0.5 * special.erfc(tail / math.sqrt(2.0))


def infer_gi_star(
    y: np.ndarray,
    w: sp.csr_matrix,
    params: GiStarParams,
    progress: Progress,
    messages: list[str],
    unit: str,
    undefined: np.ndarray | None = None,
) -> tuple[dict[str, np.ndarray], permutation_power.Power]:
    """Gi* z-scores and their inference, as ``params`` asks.

    Parameters
    ----------
    y : numpy.ndarray
        Counts or values per cell or area.
    w : scipy.sparse.csr_matrix
        Weights with the self weight on the diagonal.
    params : GiStarParams
        The test: ``alternative``, ``permutations`` (0 = analytical), ``seed``, ``fdr``.
    progress : Progress
        Progress and cancellation of the permutations.
    messages : list of str
        Warnings for the user are appended here (the power advice, said before it runs).
    unit : str
        What is tested, plural ("cells", "areas"), for the advice.
    undefined : numpy.ndarray of bool, optional
        Observations whose z-score is to be NaN (e.g. islands).

    Returns
    -------
    stats : dict of str to numpy.ndarray
        ``gi_z``, ``p_value`` (analytical), ``p_sim`` (with permutations), ``q_value`` (the
        p-values tested, FDR-adjusted when asked) and ``gi_bin`` (-3..3).
    power : Power
        What the test can find (:func:`hotspot.analysis.permutation_power.power`).
    """
    z = gi_star_z(y, w)
    if undefined is not None:
        z[undefined] = np.nan
    p = analytical_p(z, params.alternative)
    out: dict[str, np.ndarray] = {"gi_z": z, "p_value": p}
    test_p = p
    power = permutation_power.power(
        int(np.isfinite(z).sum()),
        params.permutations,
        max(p_values.CONFIDENCE_LEVELS),
        fdr=params.fdr,
        alternative=params.alternative,
        analytical=True,
    )
    if params.permutations:
        advice = power.advice(unit)
        if advice:  # said before the permutations run, and on every output of the result
            warn(messages, advice[0].upper() + advice[1:])
        counts = permutation.permutation_test(
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
    q = p_values.fdr_bh(test_p) if params.fdr else test_p.copy()
    out["q_value"] = q
    bins = p_values.confidence_bin(z, q)
    if params.alternative == "greater":
        bins = np.where(bins > 0, bins, 0).astype(np.int8)
    elif params.alternative == "lesser":
        bins = np.where(bins < 0, bins, 0).astype(np.int8)
    out["gi_bin"] = bins
    return out, power


def bin_labels(bins: np.ndarray) -> np.ndarray:
    """The label of each ``gi_bin``, as :data:`BIN_LABELS` says it.

    Parameters
    ----------
    bins : numpy.ndarray of int
        Confidence bins -3..3.

    Returns
    -------
    numpy.ndarray of str (object)
    """
    table = np.array([BIN_LABELS[b] for b in range(-3, 4)], dtype=object)
    return table[bins.astype(int) + 3]


def with_seed(params: Any) -> Any:
    """Permutations without a seed get a fresh one, recorded so the run can be repeated.

    ``params`` is any params dataclass with ``permutations`` and ``seed`` (Gi*, emerging
    hot spots)."""
    if params.permutations and params.seed is None:
        return replace(params, seed=int(np.random.SeedSequence().entropy % 2**31))
    return params


__all__ = [
    "BIN_LABELS",
    "analytical_p",
    "bin_labels",
    "gi_star_from_sums",
    "gi_star_z",
    "infer_gi_star",
    "with_seed",
]
