"""Neighbours between polygons as sparse matrices, without libpysal.

Queen and rook contiguity follow libpysal's ``Graph.build_contiguity(...,
strict=False)`` (vertex-set intersection): two polygons are queen neighbours when
they share at least one vertex, rook neighbours when they share at least one edge
(two consecutive vertices of a ring, in either direction). Coordinates are
compared exactly, as libpysal does, so boundaries must come from one coverage
(ONS boundary files do). k nearest neighbours use the polygons' centroids.

Building the matrices here (shapely + numpy + scipy.sparse) keeps the first
analysis in a fresh process free of libpysal's ~1 s import; the results equal
libpysal's (see tests/analysis/test_correlation.py).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from hotspot.analysis.errors import WeightsError

WEIGHT_KINDS = ("queen", "rook", "knn")


def _geometry_array(geoms: Any) -> np.ndarray:
    return np.asarray(getattr(geoms, "values", geoms), dtype=object)


def _ring_coordinates(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Coordinates of every ring, with the owning polygon and the ring number."""
    import shapely

    parts, owner_of_part = shapely.get_parts(geoms, return_index=True)
    rings, part_of_ring = shapely.get_rings(parts, return_index=True)
    xy, ring_of_xy = shapely.get_coordinates(rings, return_index=True)
    owner = owner_of_part[part_of_ring[ring_of_xy]]
    return xy, owner, ring_of_xy


def _group_ids(keys: np.ndarray) -> np.ndarray:
    """Integer id of each row of ``keys`` such that equal rows share an id."""
    order = np.lexsort(keys.T[::-1])
    sorted_keys = keys[order]
    new = np.r_[True, np.any(sorted_keys[1:] != sorted_keys[:-1], axis=1)]
    ids = np.empty(len(keys), dtype=np.int64)
    ids[order] = np.cumsum(new) - 1
    return ids


def _adjacency_from_incidence(owner: np.ndarray, key_id: np.ndarray, n: int) -> sp.csr_matrix:
    """Polygons sharing any key are neighbours (binary, symmetric, zero diagonal)."""
    if owner.size == 0:
        return sp.csr_matrix((n, n))
    # Distinct (key, polygon) pairs; keep the keys touched by at least two polygons.
    combined = np.unique(key_id.astype(np.int64) * n + owner.astype(np.int64))
    keys, polys = np.divmod(combined, n)
    counts = np.bincount(keys)
    shared = counts[keys] >= 2
    keys, polys = keys[shared], polys[shared]
    if keys.size == 0:
        return sp.csr_matrix((n, n))
    _, col = np.unique(keys, return_inverse=True)
    inc = sp.csr_matrix((np.ones(keys.size), (polys, col.ravel())), shape=(n, int(col.max()) + 1))
    adj = (inc @ inc.T).tocsr()
    adj.setdiag(0)
    adj.eliminate_zeros()
    adj.data[:] = 1.0
    adj.sort_indices()
    return adj


def contiguity_weights(geoms: Any, *, rook: bool = False) -> sp.csr_matrix:
    """Binary queen (shared vertex) or rook (shared edge) contiguity.

    Parameters
    ----------
    geoms : GeoSeries or array of shapely (Multi)Polygons
    rook : bool, optional
        Shared edges only (default: queen, any shared vertex).

    Returns
    -------
    scipy.sparse.csr_matrix
        ``(n, n)``, 1 where two polygons are neighbours, zero diagonal; rows of
        islands are empty.
    """
    g = _geometry_array(geoms)
    n = len(g)
    xy, owner, ring = _ring_coordinates(g)
    if not rook:
        return _adjacency_from_incidence(owner, _group_ids(xy), n)
    same_ring = ring[1:] == ring[:-1]
    a, b = xy[:-1][same_ring], xy[1:][same_ring]
    swap = (a[:, 0] > b[:, 0]) | ((a[:, 0] == b[:, 0]) & (a[:, 1] > b[:, 1]))
    lo = np.where(swap[:, None], b, a)
    hi = np.where(swap[:, None], a, b)
    edges = np.column_stack([lo, hi])
    return _adjacency_from_incidence(owner[:-1][same_ring], _group_ids(edges), n)


def knn_weights(points_xy: np.ndarray, k: int) -> sp.csr_matrix:
    """Binary weights to the ``k`` nearest other points (not symmetric).

    Parameters
    ----------
    points_xy : numpy.ndarray, shape (n, 2)
    k : int
        Between 1 and n - 1.

    Returns
    -------
    scipy.sparse.csr_matrix
    """
    from scipy.spatial import cKDTree

    xy = np.asarray(points_xy, dtype=float)
    n = len(xy)
    if not 1 <= k < n:
        raise WeightsError(
            f"k={k}: the number of nearest neighbours must be between 1 and {n - 1} (the "
            "number of areas minus one)"
        )
    _, idx = cKDTree(xy).query(xy, k=k + 1)
    idx = np.asarray(idx).reshape(n, k + 1)
    is_self = idx == np.arange(n)[:, None]
    # Drop self; when self is not among the k + 1 (coincident points), drop the last.
    drop = np.where(is_self.any(axis=1), is_self.argmax(axis=1), k)
    keep = np.ones_like(idx, dtype=bool)
    keep[np.arange(n), drop] = False
    cols = idx[keep].reshape(n, k)
    rows = np.repeat(np.arange(n), k)
    w = sp.csr_matrix((np.ones(n * k), (rows, cols.ravel())), shape=(n, n))
    w.sort_indices()
    return w


def row_standardise(w: sp.spmatrix) -> sp.csr_matrix:
    """Divide each row by its sum; empty rows (islands) stay empty (a zero lag)."""
    w = sp.csr_matrix(w, dtype=float, copy=True)
    sums = np.asarray(w.sum(axis=1)).ravel()
    scale = np.divide(1.0, sums, out=np.zeros_like(sums), where=sums != 0)
    w.data *= np.repeat(scale, np.diff(w.indptr))
    return w


def build_weights(geoms: Any, kind: str = "queen", *, k: int = 6) -> sp.csr_matrix:
    """Binary spatial weights between polygons: "queen", "rook" or "knn" (centroids).

    Raises
    ------
    WeightsError
        On an unknown kind or an impossible ``k``.
    """
    if kind == "queen":
        return contiguity_weights(geoms, rook=False)
    if kind == "rook":
        return contiguity_weights(geoms, rook=True)
    if kind == "knn":
        import shapely

        c = shapely.centroid(_geometry_array(geoms))
        return knn_weights(shapely.get_coordinates(c), int(k))
    raise WeightsError(f"weights={kind!r}: use one of {', '.join(WEIGHT_KINDS)}")


__all__ = [
    "WEIGHT_KINDS",
    "build_weights",
    "contiguity_weights",
    "knn_weights",
    "row_standardise",
]
