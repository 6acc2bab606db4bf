"""Significance for local spatial statistics: FDR, conditional permutations, confidence bins.

Shared by Getis-Ord Gi* (:mod:`hotspot.analysis.gistar`) and the local (bivariate) Moran
(:mod:`hotspot.analysis.correlation`). Pure numpy/scipy: no compiler, so the first call in a
fresh process is as fast as the next one.

Public API (stable; other analyses import these names)
-------------------------------------------------------
``fdr_bh(p) -> q``
    Benjamini-Hochberg adjusted p-values (q-values); NaN stays NaN and is not counted.
``two_sided_p(z) -> p``
    Two-sided p-values of standard-normal z-scores, ``2 * P(Z > |z|)``.
``confidence_bin(z_or_sign, p_or_q, *, levels=(0.01, 0.05, 0.10)) -> int8 array``
    -3..3: +3/+2/+1 for positive z significant at 99/95/90 % confidence (``p <= 0.01 / 0.05 /
    0.10``), negative for negative z, 0 otherwise (the ArcGIS ``Gi_Bin`` convention).
``iter_permuted_lags(weights, values, *, permutations, seed, chunk_size=None, progress=...)``
    Yields ``(rows, lags)`` with ``lags[r, k]`` the spatial lag of observation ``rows[r]`` in
    permutation ``k`` under conditional randomisation (see below), chunk by chunk.
``permuted_lags(weights, values, *, permutations, seed, chunk_size=None) -> ndarray``
    The whole ``(n, permutations)`` matrix at once (small problems and tests).
``permutation_test(weights, values, *, permutations=999, seed=None, statistic=None,
chunk_size=None, moments=True, progress=...) -> PermutationCounts``
    Counts, per observation, how many permuted statistics are ``>=`` / ``<=`` the observed one
    (plus, unless ``moments=False``, the folded count and the mean and standard deviation of
    the reference distribution) without ever holding more than one chunk of ``n x permutations`` in memory.
``PermutationCounts.p_values(alternative="two-sided") -> ndarray``
    Pseudo p-values; ``pseudo_p_values(counts, alternative)`` is the same as a function.
``power(tests, permutations, level, *, fdr, alternative) -> Power``
    Before a permutation test: whether its result can ever be significant (the smallest
    pseudo p-value is ``tails / (P + 1)``; Benjamini-Hochberg over ``m`` tests calls the
    ``k`` smallest only when ``p_(k) <= level * k / m``), and how many permutations a single
    observation needs to reach ``level`` on its own (:func:`permutations_needed`).

Conditional randomisation
-------------------------
``weights`` is an ``(n, n)`` scipy.sparse matrix (CSR preferred), binary or row-standardised;
``values`` is the ``(n,)`` variable whose neighbours are permuted (Gi*: the counts; bivariate
local Moran: the standardised second variable). For observation ``i`` and every permutation the
off-diagonal neighbour slots of row ``i`` receive values drawn *without replacement* from the
other ``n - 1`` observations (never ``i`` itself); the diagonal term ``w_ii * values[i]`` is kept
fixed. So the "star" statistics (Gi*: self weight 1 on the diagonal) hold the focal value in
and fixed, and statistics with a zero diagonal (local Moran) leave it out, exactly as esda's
``crand`` does. The caller's matrix is never modified.

The permuted lag is ``lag_i = w_ii * values[i] + sum_m w_i,m * values[draw_m]``. Within a chunk
of observations all rows share one set of random draws (as in esda), which makes the work one
dense matrix product per chunk; draws are fresh for every chunk. Results depend on ``seed`` and
``chunk_size`` only (both fixed by default), never on the machine.

Pseudo p-values (``alternative``)
---------------------------------
With ``P`` permutations, ``ge`` = number of permuted statistics ``>=`` observed, ``le`` = number
``<=`` observed (ties within a relative 1e-9 count for both):

``"two-sided"`` (default)
    ``min(1, 2 * (min(ge, le) + 1) / (P + 1))``.
``"greater"`` / ``"lesser"``
    ``(ge + 1) / (P + 1)`` / ``(le + 1) / (P + 1)``.
``"directed"``
    ``(min(ge, P - ge) + 1) / (P + 1)``: the one-tailed value in the direction of the
    observation, which is what esda's ``G_Local.p_sim`` and ``Moran_Local.p_sim`` report by
    default. Use it only to compare with esda: it is half the two-sided value.
``"folded"``
    ``(#{|r - mean| >= |obs - mean|} + 1) / (P + 1)`` with ``mean`` the mean of the permuted
    statistics of that observation (esda's ``alternative="folded"``).

Examples
--------
>>> import numpy as np, scipy.sparse as sp
>>> w = sp.csr_matrix(np.array([[1, 1, 0], [1, 1, 1], [0, 1, 1]], dtype=float))
>>> counts = permutation_test(w, np.array([5.0, 1.0, 0.0]), permutations=99, seed=1)
>>> counts.p_values("two-sided").shape
(3,)
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy import special

from hotspot.core.progress import NO_PROGRESS, Progress

ALTERNATIVES = ("two-sided", "greater", "lesser", "directed", "folded")
"""Accepted values of ``alternative`` for pseudo p-values."""

CONFIDENCE_LEVELS = (0.01, 0.05, 0.10)
"""p (or q) thresholds of the bins ±3, ±2, ±1 (99, 95 and 90 % confidence)."""

# Observations per chunk are chosen so that a chunk of lags holds about this many numbers
# (8 bytes each): the working memory of a permutation test stays near 100 MB.
_CHUNK_ELEMENTS = 2_000_000
# Up to this many observations, samples too large for rejection sampling are drawn by
# sorting random keys (exact and cheap for small n).
_SMALL_N = 4096
_TIE_RTOL = 1e-9


# --------------------------------------------------------------------------- multiple testing


def fdr_bh(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values).

    ``q_(i) = min_{j >= i} min(1, m * p_(j) / j)`` over the ``m`` finite p-values sorted
    ascending; rejecting where ``q <= alpha`` controls the false discovery rate at ``alpha``
    for independent or positively dependent tests. The same numbers as
    ``scipy.stats.false_discovery_control(p, method="bh")`` (tested to 1e-14), in numpy: no
    ``scipy.stats`` import (seconds in a fresh process) before the first result.

    Parameters
    ----------
    p : array_like
        p-values in ``[0, 1]``, any shape. NaN entries (no test) stay NaN and do not count
        towards ``m``.

    Returns
    -------
    numpy.ndarray
        q-values, same shape as ``p``, float64, each ``>=`` its p-value.

    Raises
    ------
    ValueError
        When a p-value lies outside ``[0, 1]``.
    """
    p = np.asarray(p, dtype=float)
    q = np.full(p.shape, np.nan)
    flat = p.ravel()
    ok = np.isfinite(flat)
    pv = flat[ok]
    if pv.size and (pv.min() < 0 or pv.max() > 1):
        raise ValueError("fdr_bh: p-values must lie between 0 and 1")
    if pv.size:
        m = pv.size
        order = np.argsort(pv, kind="stable")
        scaled = pv[order] * m / np.arange(1, m + 1)
        adjusted = np.minimum.accumulate(scaled[::-1])[::-1]
        out = np.empty(m)
        out[order] = np.minimum(adjusted, 1.0)
        qf = q.ravel()
        qf[ok] = out
        q = qf.reshape(p.shape)
    return q


def two_sided_p(z: np.ndarray) -> np.ndarray:
    """Two-sided p-values of standard-normal z-scores: ``2 * P(Z > |z|)``.

    Accurate far into the tails (uses ``erfc``); NaN stays NaN.
    """
    z = np.asarray(z, dtype=float)
    return special.erfc(np.abs(z) / np.sqrt(2.0))


def confidence_bin(
    z_or_sign: np.ndarray,
    p_or_q: np.ndarray,
    *,
    levels: tuple[float, float, float] = CONFIDENCE_LEVELS,
) -> np.ndarray:
    """Classify local statistics into confidence bins -3..3 (ArcGIS ``Gi_Bin`` convention).

    Parameters
    ----------
    z_or_sign : array_like
        z-scores, or anything whose sign gives the direction (positive = hot / high).
    p_or_q : array_like
        p-values, or FDR q-values when the correction is on.
    levels : tuple of three floats, optional
        Thresholds for 99, 95 and 90 % confidence (default 0.01, 0.05, 0.10). A value is
        significant at a level when ``p <= level`` (valid for permutation pseudo p-values).

    Returns
    -------
    numpy.ndarray of int8
        ``+3`` / ``+2`` / ``+1``: positive and significant at 99 / 95 / 90 % confidence;
        negative values likewise for negative signs; ``0``: not significant, zero sign or NaN.
    """
    sign = np.sign(np.nan_to_num(np.asarray(z_or_sign, dtype=float), nan=0.0))
    p = np.asarray(p_or_q, dtype=float)
    p = np.where(np.isnan(p), np.inf, p)
    l99, l95, l90 = sorted(levels)
    level = np.where(p <= l99, 3, np.where(p <= l95, 2, np.where(p <= l90, 1, 0)))
    return (sign * level).astype(np.int8)


# --------------------------------------------------------------------------- power

#: Permutation counts offered when more are needed (the usual "9s" of the literature).
ROUND_PERMUTATIONS = (999, 1999, 4999, 9999, 19999, 49999, 99999)
MAX_PERMUTATIONS = ROUND_PERMUTATIONS[-1]


def _tails(alternative: str) -> int:
    return 2 if alternative == "two-sided" else 1


def permutations_needed(
    tests: int, level: float, *, fdr: bool, alternative: str = "two-sided"
) -> int:
    """The fewest permutations with which one observation alone can be significant at ``level``.

    With ``P`` permutations the smallest pseudo p-value is ``tails / (P + 1)`` (``tails`` = 2
    for two-sided tests). Without FDR one observation needs it ``<= level``; with the
    Benjamini-Hochberg correction over ``tests`` observations the smallest p-value is
    called only when ``p <= level / tests``. The count is rounded up to one of
    :data:`ROUND_PERMUTATIONS` (999 at least) and may exceed :data:`MAX_PERMUTATIONS`.

    Examples
    --------
    >>> permutations_needed(175, 0.05, fdr=True)
    9999
    >>> permutations_needed(175, 0.05, fdr=False)
    999
    """
    m = max(int(tests), 1) if fdr else 1
    exact = math.ceil(_tails(alternative) * m / float(level) - 1e-9) - 1
    for p in ROUND_PERMUTATIONS:
        if p >= exact:
            return p
    return exact


@dataclass(frozen=True)
class Power:
    """What a permutation test over ``tests`` observations can find, worked out before it runs.

    Attributes
    ----------
    tests : int
        Observations tested (cells or areas, islands excluded).
    permutations : int
        Permutations (0 = analytical test: no limit from the permutations).
    level : float
        The most lenient level anything is called at (0.10 for Gi*'s 90% class).
    fdr : bool
        Benjamini-Hochberg correction over the ``tests``.
    alternative : str
        The test ("two-sided" halves the resolution of the p-values).
    analytical : bool
        Whether the statistic has an analytical test to suggest instead (Gi* has).
    """

    tests: int
    permutations: int
    level: float
    fdr: bool
    alternative: str = "two-sided"
    analytical: bool = False

    @property
    def smallest_p(self) -> float:
        """The smallest pseudo p-value the permutations can give (0 for analytical tests)."""
        if not self.permutations:
            return 0.0
        return min(1.0, _tails(self.alternative) / (self.permutations + 1))

    @property
    def needed(self) -> int:
        """How many observations must all reach :attr:`smallest_p` for any to be called.

        1 when one observation can be significant on its own; ``tests + 1`` when nothing
        can ever be.
        """
        p = self.smallest_p
        if p > self.level * (1 + 1e-9):
            return self.tests + 1
        if not self.fdr or p == 0.0:
            return 1
        return max(1, math.ceil(p * self.tests / self.level - 1e-9))

    @property
    def possible(self) -> bool:
        """Whether any observation can be significant at all."""
        return self.needed <= self.tests

    @property
    def alone(self) -> bool:
        """Whether one observation can be significant on its own evidence."""
        return self.needed <= 1

    def advice(self, unit: str = "areas") -> str:
        """What the test can find, and what would work, with the numbers ("" when it is fine).

        Parameters
        ----------
        unit : str
            What is tested, plural ("cells", "areas", "LSOAs").
        """
        if self.alone:
            return ""
        confidence = f"{(1 - self.level) * 100:g}% confidence"
        one = unit[:-1] if unit.endswith("s") else unit
        first = (
            f"with {self.permutations:,} permutations the smallest possible p-value is "
            f"{self.smallest_p:.4g}"
        )
        if not self.possible:
            claim = f"so no {one} can ever reach {confidence}"
        else:
            fdr = f"after the false-discovery-rate correction over {self.tests:,} {unit}, "
            claim = (
                f"{fdr}one is called significant at {confidence} only when at least "
                f"{self.needed:,} {unit} reach that smallest p-value together, so real clusters "
                "may go unreported"
            )
        more = permutations_needed(
            self.tests, self.level, fdr=self.fdr, alternative=self.alternative
        )
        options = ["the analytical test (permutations = 0)"] if self.analytical else []
        if more <= MAX_PERMUTATIONS:
            options.append(f"{more:,} permutations (enough for one {one} alone)")
        elif self.permutations < MAX_PERMUTATIONS:
            at_max = dataclasses.replace(self, permutations=MAX_PERMUTATIONS).needed
            options.append(
                f"{MAX_PERMUTATIONS:,} permutations, the most Hotspot runs ({at_max:,} {unit} "
                "must then reach the smallest p-value together)"
            )
        if self.fdr:
            plain = permutations_needed(1, self.level, fdr=False, alternative=self.alternative)
            options.append(
                f"no FDR correction (fdr = false; more false alarms; {plain:,} permutations "
                "are then enough)"
            )
        return f"{first}, {claim}. What would work: " + "; or ".join(options)


def power(
    tests: int,
    permutations: int,
    level: float,
    *,
    fdr: bool,
    alternative: str = "two-sided",
    analytical: bool = False,
) -> Power:
    """What a permutation test can find (see :class:`Power`).

    Parameters
    ----------
    tests : int
        Observations tested.
    permutations : int
        Permutations (0 = analytical).
    level : float
        The most lenient significance level used.
    fdr : bool
        Whether the Benjamini-Hochberg correction is applied.
    alternative : str, optional
        "two-sided" (two tails) or a one-tailed test.
    analytical : bool, optional
        The statistic has an analytical test to suggest instead.

    Examples
    --------
    >>> p = power(3760, 999, 0.10, fdr=True)
    >>> p.smallest_p, p.needed, p.alone
    (0.002, 76, False)
    """
    return Power(
        int(tests), int(permutations or 0), float(level), bool(fdr), alternative, analytical
    )


# --------------------------------------------------------------------------- permutations


@dataclass(frozen=True)
class _Neighbours:
    """Off-diagonal weights of each row, left-aligned and zero-padded, plus the diagonal."""

    padded: np.ndarray  # (n, K) float64
    cardinality: np.ndarray  # (n,) int64: off-diagonal non-zero weights per row
    self_weight: np.ndarray  # (n,) float64

    @property
    def n(self) -> int:
        return self.padded.shape[0]

    @property
    def max_card(self) -> int:
        return self.padded.shape[1]


def _neighbours(weights: sp.spmatrix | sp.sparray) -> _Neighbours:
    w = sp.csr_matrix(weights, dtype=float, copy=True)
    n, m = w.shape
    if n != m:
        raise ValueError(f"weights must be square, got shape {w.shape}")
    self_weight = w.diagonal().astype(float)
    w.setdiag(0.0)
    w.eliminate_zeros()
    w.sort_indices()
    card = np.diff(w.indptr).astype(np.int64)
    k = int(card.max()) if n else 0
    padded = np.zeros((n, max(k, 1)))
    rows = np.repeat(np.arange(n), card)
    slot = np.arange(w.nnz) - np.repeat(w.indptr[:-1], card)
    padded[rows, slot] = w.data
    return _Neighbours(padded=padded, cardinality=card, self_weight=self_weight)


def _draw_distinct(rng: np.random.Generator, n: int, size: int, reps: int) -> np.ndarray:
    """``reps`` ordered samples of ``size`` distinct integers from ``range(n)``.

    Draws with replacement and redraws samples with a repeat (exactly uniform) when repeats
    are rare; otherwise sorts random keys (small ``n``) or draws sample by sample.
    """
    if 4 * size * size <= n:
        ids = rng.integers(0, n, size=(reps, size))
        while True:
            srt = np.sort(ids, axis=1)
            bad = np.flatnonzero((srt[:, 1:] == srt[:, :-1]).any(axis=1))
            if bad.size == 0:
                return ids
            ids[bad] = rng.integers(0, n, size=(bad.size, size))
    if n <= _SMALL_N:
        keys = rng.random((reps, n))
        return np.argsort(keys, axis=1)[:, :size]
    return np.stack([rng.choice(n, size=size, replace=False) for _ in range(reps)])


def _chunk_rows(n: int, permutations: int, chunk_size: int | None) -> int:
    if chunk_size is None:
        chunk_size = max(256, _CHUNK_ELEMENTS // max(permutations, 1))
    return max(1, min(int(chunk_size), n))


def _iter_lags(
    nb: _Neighbours,
    y: np.ndarray,
    permutations: int,
    seed: int | None,
    chunk_size: int | None,
    progress: Progress,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    n, k = nb.n, nb.max_card
    rng = np.random.default_rng(seed)
    step = _chunk_rows(n, permutations, chunk_size)
    fixed = nb.self_weight * y
    if n < 2 or int(nb.cardinality.max(initial=0)) == 0:
        for start in range(0, n, step):
            rows = np.arange(start, min(start + step, n))
            yield rows, np.repeat(fixed[rows, None], permutations, axis=1)
        return
    # Draw k + 1 distinct observations from all n; a row whose own index appears among its
    # first card_i slots takes the draw just after them in that slot instead: an exact uniform
    # ordered sample from the other n - 1 observations, and it lets every row of a chunk
    # share one draw matrix, so the lags are a single dense matrix product.
    draw = k + 1  # <= n, checked by _check_inputs
    for start in range(0, n, step):
        progress.check_cancelled()
        stop = min(start + step, n)
        rows = np.arange(start, stop)
        ids = _draw_distinct(rng, n, draw, permutations)  # (P, draw)
        vals = y[ids]  # (P, draw)
        wpad = nb.padded[start:stop]  # (c, K)
        lags = wpad @ vals[:, :k].T  # (c, P)
        lags += fixed[rows, None]
        # Collisions: observation j drawn in slot m < card[j] of permutation p.
        perm_idx, slot = np.nonzero((ids[:, :k] >= start) & (ids[:, :k] < stop))
        if perm_idx.size:
            obs = ids[perm_idx, slot]
            card = nb.cardinality[obs]
            hit = slot < card
            perm_idx, slot, obs, card = perm_idx[hit], slot[hit], obs[hit], card[hit]
            spare = y[ids[perm_idx, card]]
            np.add.at(
                lags,
                (obs - start, perm_idx),
                nb.padded[obs, slot] * (spare - vals[perm_idx, slot]),
            )
        yield rows, lags
        progress.update(stop / n, "permutations")


def _check_inputs(weights, values, permutations) -> tuple[_Neighbours, np.ndarray]:
    y = np.asarray(values, dtype=float).ravel()
    nb = _neighbours(weights)
    if nb.n != y.size:
        raise ValueError(f"weights are {nb.n} x {nb.n} but there are {y.size} values")
    if not np.all(np.isfinite(y)):
        raise ValueError("values contain NaN or infinite entries")
    if int(permutations) < 1:
        raise ValueError("permutations must be at least 1")
    if nb.n and int(nb.cardinality.max()) > nb.n - 1:
        raise ValueError("a row has more neighbours than there are other observations")
    return nb, y


def iter_permuted_lags(
    weights: sp.spmatrix | sp.sparray,
    values: np.ndarray,
    *,
    permutations: int,
    seed: int | None,
    chunk_size: int | None = None,
    progress: Progress = NO_PROGRESS,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Spatial lags under conditional randomisation, one chunk of observations at a time.

    Parameters
    ----------
    weights : scipy.sparse matrix, shape (n, n)
        Spatial weights (binary or row-standardised). Diagonal entries are the fixed self
        weights (Gi*: 1; local Moran: 0). Not modified.
    values : array_like, shape (n,)
        The variable whose neighbour values are permuted.
    permutations : int
        Number of permutations ``P``.
    seed : int or None
        Seed of the random generator (``numpy.random.default_rng``).
    chunk_size : int, optional
        Observations per chunk; default keeps a chunk near 2 million numbers.
    progress : Progress, optional
        Receives the fraction of observations done; cancellation is checked per chunk.

    Yields
    ------
    rows : numpy.ndarray of int
        Consecutive observation indices of the chunk.
    lags : numpy.ndarray, shape (len(rows), P)
        ``lags[r, k] = w_ii * values[i] + sum_j w_ij * values[perm_k(j)]`` for ``i = rows[r]``.
    """
    nb, y = _check_inputs(weights, values, permutations)
    yield from _iter_lags(nb, y, int(permutations), seed, chunk_size, progress)


def permuted_lags(
    weights: sp.spmatrix | sp.sparray,
    values: np.ndarray,
    *,
    permutations: int,
    seed: int | None,
    chunk_size: int | None = None,
) -> np.ndarray:
    """All permuted lags as one ``(n, permutations)`` array (see :func:`iter_permuted_lags`).

    Use it for small problems; :func:`permutation_test` keeps memory bounded for large ones.
    """
    nb, y = _check_inputs(weights, values, permutations)
    out = np.empty((nb.n, int(permutations)))
    for rows, lags in _iter_lags(nb, y, int(permutations), seed, chunk_size, NO_PROGRESS):
        out[rows] = lags
    return out


@dataclass(frozen=True)
class PermutationCounts:
    """Where each observed statistic falls in its conditional-permutation distribution.

    Attributes
    ----------
    observed : numpy.ndarray
        The observed statistic of each observation.
    greater_equal, less_equal : numpy.ndarray of int
        Number of permuted statistics ``>=`` / ``<=`` the observed one (near-ties count for
        both).
    folded : numpy.ndarray of int or None
        Number of permuted statistics at least as far from their mean as the observed one.
    mean, std : numpy.ndarray or None
        Mean and standard deviation of each observation's permuted statistics (None when
        computed with ``moments=False``).
    permutations : int
        Number of permutations.
    seed : int or None
        The seed used.
    """

    observed: np.ndarray
    greater_equal: np.ndarray
    less_equal: np.ndarray
    folded: np.ndarray | None
    mean: np.ndarray | None
    std: np.ndarray | None
    permutations: int
    seed: int | None

    def p_values(self, alternative: str = "two-sided") -> np.ndarray:
        """Pseudo p-values; see :func:`pseudo_p_values`."""
        return pseudo_p_values(self, alternative)

    @property
    def z_sim(self) -> np.ndarray:
        """``(observed - mean) / std`` of the permutation distribution (NaN when std is 0)."""
        if self.mean is None or self.std is None:
            raise ValueError("z_sim needs permutation_test(..., moments=True)")
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.std > 0, (self.observed - self.mean) / self.std, np.nan)


def pseudo_p_values(counts: PermutationCounts, alternative: str = "two-sided") -> np.ndarray:
    """Pseudo p-values from permutation counts.

    Parameters
    ----------
    counts : PermutationCounts
        From :func:`permutation_test`.
    alternative : str, optional
        ``"two-sided"`` (default), ``"greater"``, ``"lesser"``, ``"directed"`` (esda's default
        ``p_sim``) or ``"folded"``; the formulas are in the module docstring.

    Returns
    -------
    numpy.ndarray
        Values in ``(0, 1]``.
    """
    big = counts.permutations
    ge, le = counts.greater_equal, counts.less_equal
    if alternative == "two-sided":
        return np.minimum(1.0, 2.0 * (np.minimum(ge, le) + 1) / (big + 1))
    if alternative == "greater":
        return (ge + 1) / (big + 1)
    if alternative == "lesser":
        return (le + 1) / (big + 1)
    if alternative == "directed":
        return (np.minimum(ge, big - ge) + 1) / (big + 1)
    if alternative == "folded":
        if counts.folded is None:
            raise ValueError("folded p-values need permutation_test(..., moments=True)")
        return (counts.folded + 1) / (big + 1)
    raise ValueError(f"alternative={alternative!r} is not one of {', '.join(ALTERNATIVES)}")


def permutation_test(
    weights: sp.spmatrix | sp.sparray,
    values: np.ndarray,
    *,
    permutations: int = 999,
    seed: int | None = None,
    statistic: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
    chunk_size: int | None = None,
    moments: bool = True,
    progress: Progress = NO_PROGRESS,
) -> PermutationCounts:
    """Conditional-permutation test of a local statistic that is a function of the lag.

    Parameters
    ----------
    weights : scipy.sparse matrix, shape (n, n)
        Spatial weights; the diagonal holds fixed self weights (see module docstring).
    values : array_like, shape (n,)
        The variable whose neighbour values are permuted.
    permutations : int, optional
        Number of permutations (default 999).
    seed : int or None, optional
        Seed of the random generator; store it with the result for reproducibility.
    statistic : callable, optional
        ``statistic(lags, rows) -> stats``: maps lags of shape ``(c, P)`` (or ``(n, 1)`` for
        the observed lags) for observations ``rows`` to the statistic, same shape. Default:
        the lag itself (right for Gi*, whose statistic is an increasing function of the lag).
        Local Moran: ``lambda lag, rows: (x[rows, None] * lag) * scale``.
    chunk_size : int, optional
        Observations per chunk (bounds memory; results depend on it, so keep the default for
        reproducible results).
    moments : bool, optional
        Also compute each reference distribution's mean, standard deviation and folded count
        (default). ``False`` is about twice as fast when only ``"two-sided"``,
        ``"greater"``, ``"lesser"`` or ``"directed"`` p-values are needed; ``folded``,
        ``mean`` and ``std`` are then None.
    progress : Progress, optional
        Progress and cancellation, checked once per chunk.

    Returns
    -------
    PermutationCounts
    """
    nb, y = _check_inputs(weights, values, permutations)
    permutations = int(permutations)
    stat = statistic if statistic is not None else (lambda lag, rows: lag)
    w = sp.csr_matrix(weights, dtype=float)
    observed_lag = w @ y
    observed = np.asarray(stat(observed_lag[:, None], np.arange(nb.n)), dtype=float)[:, 0]
    n = nb.n
    ge = np.zeros(n, dtype=np.int64)
    le = np.zeros(n, dtype=np.int64)
    folded = np.zeros(n, dtype=np.int64)
    mean = np.zeros(n)
    std = np.zeros(n)
    for rows, lags in _iter_lags(nb, y, permutations, seed, chunk_size, progress):
        sims = lags if statistic is None else np.asarray(stat(lags, rows), dtype=float)
        obs = observed[rows, None]
        tol = _TIE_RTOL * np.maximum(1.0, np.abs(obs))
        ge[rows] = np.count_nonzero(sims >= obs - tol, axis=1)
        le[rows] = np.count_nonzero(sims <= obs + tol, axis=1)
        if not moments:
            continue
        mu = sims.mean(axis=1, keepdims=True)
        # |sim - mu| >= |obs - mu| - tol, without a temporary array of distances
        reach = np.abs(obs - mu) - tol
        far = np.count_nonzero(sims >= mu + reach, axis=1)
        far += np.count_nonzero(sims <= mu - reach, axis=1)
        folded[rows] = np.where(reach[:, 0] > 0, far, permutations)
        mean[rows] = mu[:, 0]
        std[rows] = sims.std(axis=1)
    if not moments:
        folded = mean = std = None
    return PermutationCounts(
        observed=observed,
        greater_equal=ge,
        less_equal=le,
        folded=folded,
        mean=mean,
        std=std,
        permutations=permutations,
        seed=seed,
    )


__all__ = [
    "ALTERNATIVES",
    "CONFIDENCE_LEVELS",
    "MAX_PERMUTATIONS",
    "ROUND_PERMUTATIONS",
    "PermutationCounts",
    "Power",
    "permutations_needed",
    "power",
    "confidence_bin",
    "fdr_bh",
    "iter_permuted_lags",
    "permutation_test",
    "permuted_lags",
    "pseudo_p_values",
    "two_sided_p",
]
