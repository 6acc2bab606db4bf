"""Conditional permutation inference for local spatial statistics.

Shared by Getis-Ord Gi* (:mod:`hotspot.analysis.gistar`), emerging hot spots and the local
(bivariate) Moran (:mod:`hotspot.analysis.correlation`); the p-value corrections and
confidence bins are in :mod:`hotspot.analysis.p_values`, what a test of a given size can find
in :mod:`hotspot.analysis.permutation_power`. Pure numpy/scipy: no compiler, so the first call
in a fresh process is as fast as the next one.

Public API
----------
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

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from hotspot.core.progress import NO_PROGRESS, Progress

ALTERNATIVES = ("two-sided", "greater", "lesser", "directed", "folded")
"""Accepted values of ``alternative`` for pseudo p-values."""

# Observations per chunk are chosen so that a chunk of lags holds about this many numbers
# (8 bytes each): the working memory of a permutation test stays near 100 MB.
_CHUNK_ELEMENTS = 2_000_000
# Up to this many observations, samples too large for rejection sampling are drawn by
# sorting random keys (exact and cheap for small n).
_SMALL_N = 4096
_TIE_RTOL = 1e-9


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
    "PermutationCounts",
    "iter_permuted_lags",
    "permutation_test",
    "permuted_lags",
    "pseudo_p_values",
]
