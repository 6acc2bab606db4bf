"""Gi* on a space-time cube: z-scores with space-time neighbours, and their weights.

A bin's neighbourhood is its location and the location's spatial neighbours (binary weights,
1 on the diagonal) in its own step and the ``time_lags`` previous steps with data; the cube's
bins with data are the observations. :func:`spacetime_gi_star` gives the z-score esda's
``G_Local(star=True, transform="B")`` gives on that space-time weights matrix (tested to
1e-8) without building the matrix (time sums first, then one sparse product);
:func:`spacetime_weights` builds it explicitly for the permutation test. Missing steps are
left out of every neighbourhood.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from hotspot.analysis.gistar_inference import gi_star_from_sums


def spacetime_lag_parts(
    counts: np.ndarray, present: np.ndarray, spatial: sp.spmatrix, time_lags: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Space-time lag and weight sums of every bin, without building the space-time matrix.

    Parameters
    ----------
    counts : (m, n) array
        Counts per location and step.
    present : (n,) bool
        Steps with data (missing steps are left out of every neighbourhood).
    spatial : (m, m) sparse
        Binary spatial weights with 1 on the diagonal (the location itself).
    time_lags : int
        Previous steps in the neighbourhood.

    Returns
    -------
    lag, w_sum, w2_sum : (m, n) arrays
        ``sum_j w_ij x_j``, ``sum_j w_ij`` and ``sum_j w_ij²`` over the space-time
        neighbourhood of each bin (the bin itself included).
    """
    x = np.where(present[None, :], counts, 0.0)
    window = np.zeros_like(x)
    steps_in = np.zeros(present.size)
    for d in range(time_lags + 1):
        window[:, d:] += x[:, : x.shape[1] - d]
        steps_in[d:] += present[: present.size - d]
    w = sp.csr_matrix(spatial, dtype=float)
    lag = np.asarray(w @ window)
    w_row = np.asarray(w.sum(axis=1)).ravel()
    w2 = w.copy()
    w2.data **= 2
    w2_row = np.asarray(w2.sum(axis=1)).ravel()
    return lag, np.outer(w_row, steps_in), np.outer(w2_row, steps_in)


def whole_windows(present: np.ndarray, time_lags: int) -> np.ndarray:
    """Steps whose time window is whole: the step and its ``time_lags`` previous steps all
    have data. The trend is tested on these only: a step with fewer bins in its
    neighbourhood (the first step, a step after a missing one) has a z-score pulled towards
    zero, which would make every persistent hot spot look intensifying."""
    present = np.asarray(present, dtype=bool)
    whole = present.copy()
    for d in range(1, time_lags + 1):
        whole[:d] = False
        whole[d:] &= present[:-d]
    return whole


def spacetime_gi_star(
    counts: np.ndarray, present: np.ndarray, spatial: sp.spmatrix, time_lags: int = 1
) -> np.ndarray:
    """Gi* z-score of every bin of a space-time cube (NaN in missing steps).

    The cube's bins with data are the observations (``n`` of them, mean and variance over
    all of them); a bin's neighbourhood is its location and the location's spatial
    neighbours in its own step and the ``time_lags`` previous steps with data.
    """
    present = np.asarray(present, dtype=bool)
    lag, w_i, w2_i = spacetime_lag_parts(counts, present, spatial, time_lags)
    z = gi_star_from_sums(counts[:, present], lag, w_i, w2_i)
    z[:, ~present] = np.nan
    return z


def spacetime_weights(
    spatial: sp.spmatrix, present: np.ndarray, time_lags: int = 1
) -> sp.csr_matrix:
    """The space-time weights between the bins with data, explicitly (for permutations).

    Rows and columns are the present bins in location-major order (location 0's steps
    first), matching ``counts[:, present].ravel()``; the diagonal is 1.
    """
    present = np.asarray(present, dtype=bool)
    idx = np.flatnonzero(present)
    t = idx.size
    pos = np.full(present.size, -1)
    pos[idx] = np.arange(t)
    rows, cols = [], []
    for d in range(time_lags + 1):
        for k, step in enumerate(idx):
            if step - d >= 0 and pos[step - d] >= 0:
                rows.append(k)
                cols.append(pos[step - d])
    temporal = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(t, t))
    w = sp.kron(sp.csr_matrix(spatial, dtype=float), temporal, format="csr")
    w.data[:] = 1.0
    return w


__all__ = [
    "spacetime_gi_star",
    "spacetime_lag_parts",
    "spacetime_weights",
    "whole_windows",
]
