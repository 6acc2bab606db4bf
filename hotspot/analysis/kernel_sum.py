"""Sums of kernels at the cell centres of a raster: the engine under :func:`~hotspot.analysis.kde.run_kde`.

Two ways to the same quantity, the sum over points of ``kernel_value(kernel, d, h)`` at every
cell centre (density per m²):

``kde_exact``
    Every point's kernel evaluated at every cell centre it reaches. No approximation; the cost
    grows with points x cells per kernel.
``kde_fft``
    The points are *binned*: each point's weight is shared among the nodes of a grid around it
    so that the nodes' kernels, summed, interpolate the point's own kernel. The binned grid is
    then convolved with the kernel sampled at the node offsets, by FFT (float32, all cores).
    The cost is that of a few FFTs of the raster, whatever the number of points.

    Smooth kernels (quartic, triweight, Gaussian) are binned with cubic-convolution weights
    (Keys, a = -1/2: 4 x 4 nodes a point, exact for quadratic surfaces); kernels with an edge
    (Epanechnikov, uniform) with linear weights (2 x 2 nodes, never negative). The binning
    grid is ``f`` times finer than the raster (``f`` odd, so raster cell centres are nodes),
    with ``f`` the smallest that puts enough nodes across a bandwidth for the binned sum to
    stay within 0.5 % of the peak of the exact one even when all the weight sits at one map
    point (:data:`NODES_PER_BANDWIDTH`, measured in ``tests/analysis/test_kernel_sum.py``).
    Cubic binning needs far fewer nodes than linear: at 25 m cells and a 300 m bandwidth
    (London at city scale) it bins on the raster itself, where linear binning needs a grid 3
    times finer in each direction (9 FFTs instead of 1).

The mask of cells inside the study area is rasterised (GDAL's rule: a cell is inside when its
centre is), which is what keeps a 5-million-cell raster over a city quick.
"""

from __future__ import annotations

import math

import numpy as np
import shapely

from hotspot.analysis.study_points import unique_points
from hotspot.core.errors import AnalysisError
from hotspot.core.progress import Progress

KERNELS = ("quartic", "gaussian", "epanechnikov", "triweight", "uniform")
GAUSS_CUT = 5.0  # gaussian support, in bandwidths

#: Binning nodes a bandwidth must span (per kernel) for the binned sum to stay within 0.5 % of
#: the exact sum's peak, with one heavily repeated map point as the worst case: cubic weights
#: for the smooth kernels, linear ones for the kernels with an edge.
NODES_PER_BANDWIDTH = {
    "quartic": 10,
    "triweight": 6,
    "gaussian": 3,
    "epanechnikov": 20,
    "uniform": 20,
}
_CUBIC = ("quartic", "triweight", "gaussian")
FINE_MAX = 15  # the finest binning grid, relative to the raster
_PAD = 2  # raster cells around the raster, so binning nodes never fall off the edge


# --------------------------------------------------------------------------- kernels


def kernel_value(kernel: str, d: np.ndarray, h: float) -> np.ndarray:
    """Value of a kernel (normalised to integrate to 1 over the plane) at distances ``d``.

    Parameters
    ----------
    kernel : str
        One of :data:`KERNELS`.
    d : array_like
        Distances in metres.
    h : float
        Bandwidth in metres (Gaussian: standard deviation).

    Returns
    -------
    numpy.ndarray
        Density per m² contributed by one point of weight 1.
    """
    d = np.asarray(d, dtype=float)
    u2 = (d / h) ** 2
    inside = u2 < 1.0
    if kernel == "quartic":
        return np.where(inside, 3.0 / (math.pi * h * h) * (1.0 - u2) ** 2, 0.0)
    if kernel == "epanechnikov":
        return np.where(inside, 2.0 / (math.pi * h * h) * (1.0 - u2), 0.0)
    if kernel == "triweight":
        return np.where(inside, 4.0 / (math.pi * h * h) * (1.0 - u2) ** 3, 0.0)
    if kernel == "uniform":
        return np.where(u2 <= 1.0, 1.0 / (math.pi * h * h), 0.0)
    if kernel == "gaussian":
        return np.where(u2 <= GAUSS_CUT**2, np.exp(-0.5 * u2) / (2.0 * math.pi * h * h), 0.0)
    raise AnalysisError(f"kernel={kernel!r}: use one of {', '.join(KERNELS)}")


def kernel_radius(kernel: str, h: float) -> float:
    """Distance beyond which a kernel is zero (Gaussian: its 5-sd cut)."""
    return h * (GAUSS_CUT if kernel == "gaussian" else 1.0)


# --------------------------------------------------------------------------- binning


def fine_factor(h: float, cell: float, kernel: str = "quartic") -> int:
    """How many times finer than the raster the points are binned (odd, 1 to 15).

    The smallest odd factor that puts :data:`NODES_PER_BANDWIDTH` binning nodes across a
    bandwidth: 1 (the raster itself) for a quartic kernel whose bandwidth spans 10 cells,
    3 when it spans 4 to 10, finer for bandwidths of a few cells.
    """
    f = math.ceil(NODES_PER_BANDWIDTH.get(kernel, 20) * cell / h - 1e-9)
    f += 1 - f % 2
    return int(min(max(f, 1), FINE_MAX))


def _keys(t: np.ndarray) -> list[np.ndarray]:
    """Cubic-convolution weights (Keys, a = -1/2) of the nodes at offsets -1, 0, 1, 2 from a
    point a fraction ``t`` of the way from node 0 to node 1 (they add up to 1)."""
    t2 = t * t
    t3 = t2 * t
    return [
        -0.5 * t3 + t2 - 0.5 * t,
        1.5 * t3 - 2.5 * t2 + 1.0,
        -1.5 * t3 + 2.0 * t2 + 0.5 * t,
        0.5 * t3 - 0.5 * t2,
    ]


def _node_weights(t: np.ndarray, cubic: bool) -> tuple[tuple[int, ...], list[np.ndarray]]:
    """Node offsets along one axis and each node's share of a point at fraction ``t``."""
    if cubic:
        return (-1, 0, 1, 2), _keys(t)
    return (0, 1), [1.0 - t, t]


def _binned_phases(rows, cols, wrows, wcols, offsets, big_r, big_c, f):
    """The binned grid, yielded as its ``f`` x ``f`` phases on the raster lattice.

    Phase ``(p, q)`` holds the binning nodes ``(f * I + p, f * J + q)`` as a ``(big_r, big_c)``
    array. One row phase is built at a time (``f`` raster-sized planes), so memory stays a
    few times the raster's whatever ``f``.
    """
    plane = big_r * big_c
    col_parts = [((cols + dj) // f, (cols + dj) % f) for dj in offsets]
    for p in range(f):
        acc = np.zeros(f * plane)
        for di, wr in zip(offsets, wrows, strict=True):
            r = rows + di
            sel = np.flatnonzero(r % f == p) if f > 1 else slice(None)
            base = (r[sel] // f) * big_c
            index = np.concatenate([cq[sel] * plane + base + cc[sel] for cc, cq in col_parts])
            weight = np.concatenate([wr[sel] * wc[sel] for wc in wcols])
            acc += np.bincount(index, weights=weight, minlength=f * plane)
            del index, weight
        for q in range(f):
            yield p, q, acc[q * plane : (q + 1) * plane].reshape(big_r, big_c)


def kde_fft(xy, w, kernel, h, x0, y0, cell, nrows, ncols, progress) -> np.ndarray:
    """Density per m² at cell centres: binning + FFT convolution (see the module docstring).

    ``progress`` gets fractions in [0, 1]; cancellation is checked once per binning phase.
    """
    from scipy import fft

    f = fine_factor(h, cell, kernel)
    fine = cell / f
    centre = (f - 1) // 2
    big_r, big_c = nrows + 2 * _PAD, ncols + 2 * _PAD
    # fractional node index of each point (node centres at integer positions)
    u = (xy[:, 0] - (x0 - _PAD * cell)) / fine - 0.5
    v = ((y0 + _PAD * cell) - xy[:, 1]) / fine - 0.5
    cols = np.floor(u)
    rows = np.floor(v)
    cubic = kernel in _CUBIC
    offsets, wcols = _node_weights(u - cols, cubic)
    _, wrows = _node_weights(v - rows, cubic)
    wrows = [wr * w for wr in wrows]
    del u, v
    cols = cols.astype(np.int64)
    rows = rows.astype(np.int64)
    # kernel phases: offsets (f * du + centre - p) nodes, du in [-reach, reach]
    # (offsets beyond the raster itself never matter, whatever the bandwidth)
    reach = int(math.ceil((kernel_radius(kernel, h) + 2 * cell) / cell)) + 1
    reach_r, reach_c = min(reach, big_r), min(reach, big_c)
    shape = (
        fft.next_fast_len(big_r + 2 * reach_r, True),
        fft.next_fast_len(big_c + 2 * reach_c, True),
    )
    du_r = np.arange(-reach_r, reach_r + 1)
    du_c = np.arange(-reach_c, reach_c + 1)
    acc = None
    phases = _binned_phases(rows, cols, wrows, wcols, offsets, big_r, big_c, f)
    for p, q, grid_k in phases:
        progress.check_cancelled()
        progress.update((p * f + q) / (f * f), "Convolving the kernel (FFT)")
        if not grid_k.any():
            continue
        dy = (f * du_r + centre - p) * fine
        dx = (f * du_c + centre - q) * fine
        kern = kernel_value(kernel, np.hypot(dy[:, None], dx[None, :]), h)
        term = fft.rfft2(grid_k.astype(np.float32), shape, workers=-1)
        term *= fft.rfft2(kern.astype(np.float32), shape, workers=-1)
        if acc is None:
            acc = term
        else:
            acc += term
    if acc is None:
        return np.zeros((nrows, ncols))
    full = fft.irfft2(acc, shape, workers=-1)
    del acc
    top, left = reach_r + _PAD, reach_c + _PAD
    out = full[top : top + nrows, left : left + ncols].astype(np.float64)
    peak = float(out.max()) if out.size else 0.0
    # single-precision round-off around zero, and the small negative lobes of cubic binning
    out[out < 1e-6 * peak] = 0.0
    return out


# --------------------------------------------------------------------------- exact sum

_EXACT_PAIRS = 2_000_000  # point-cell pairs summed at once by the exact method


def kde_exact(xy, w, kernel, h, x0, y0, cell, nrows, ncols, progress) -> np.ndarray:
    """Density per m² at cell centres: the sum of every point's kernel.

    Each point adds its kernel to the cells of the window around it that the kernel
    reaches, chunk by chunk of about 2 million point-cell pairs; ``progress`` gets fractions
    in [0, 1] and cancellation is checked once per chunk.
    """
    # repeated locations (police.uk map points) are merged with summed weights
    uniq, inverse = unique_points(xy)
    wsum = np.bincount(inverse.ravel(), weights=w, minlength=uniq.shape[0])
    radius = kernel_radius(kernel, h)
    # the cell holding each point, and the window of cell offsets the kernel can reach
    col0 = np.floor((uniq[:, 0] - x0) / cell).astype(np.int64)
    row0 = np.floor((y0 - uniq[:, 1]) / cell).astype(np.int64)
    reach = int(math.ceil(radius / cell)) + 1
    dr, dc = np.mgrid[
        -min(reach, nrows) : min(reach, nrows) + 1, -min(reach, ncols) : min(reach, ncols) + 1
    ]
    near = np.hypot(np.maximum(np.abs(dr) - 1, 0), np.maximum(np.abs(dc) - 1, 0)) * cell <= radius
    dr, dc = dr[near], dc[near]
    out = np.zeros(nrows * ncols)
    points_per_chunk = max(1, _EXACT_PAIRS // dr.size)
    offsets_per_chunk = min(dr.size, _EXACT_PAIRS)
    chunks = [
        (p0, o0)
        for p0 in range(0, uniq.shape[0], points_per_chunk)
        for o0 in range(0, dr.size, offsets_per_chunk)
    ]
    for done, (p0, o0) in enumerate(chunks):
        progress.check_cancelled()
        progress.update(done / len(chunks), "Summing kernels at cell centres")
        p1, o1 = p0 + points_per_chunk, o0 + offsets_per_chunk
        rows = row0[p0:p1, None] + dr[None, o0:o1]
        cols = col0[p0:p1, None] + dc[None, o0:o1]
        on = (rows >= 0) & (rows < nrows) & (cols >= 0) & (cols < ncols)
        rows, cols = rows[on], cols[on]
        pts = np.broadcast_to(np.arange(p0, min(p1, uniq.shape[0]))[:, None], on.shape)[on]
        dx = (x0 + (cols + 0.5) * cell) - uniq[pts, 0]
        dy = (y0 - (rows + 0.5) * cell) - uniq[pts, 1]
        vals = kernel_value(kernel, np.hypot(dx, dy), h) * wsum[pts]
        out += np.bincount(rows * ncols + cols, weights=vals, minlength=out.size)
    return out.reshape(nrows, ncols)


# --------------------------------------------------------------------------- study area mask

_MASK_BLOCK = 4_000_000  # cells rasterised at once


def cells_inside_mask(
    area: shapely.Geometry, x0: float, y0: float, cell: float, shape, progress: Progress
) -> np.ndarray:
    """Which cell centres lie inside the study area, rasterised row block by row block."""
    from affine import Affine
    from rasterio import features

    nrows, ncols = shape
    out = np.empty(shape, dtype=bool)
    if area.is_empty or nrows * ncols == 0:
        out[:] = False
        return out
    block = max(1, _MASK_BLOCK // max(ncols, 1))
    for r0 in range(0, nrows, block):
        progress.check_cancelled()
        r1 = min(r0 + block, nrows)
        transform = Affine(cell, 0.0, x0, 0.0, -cell, y0 - r0 * cell)
        out[r0:r1] = features.geometry_mask(
            [area], out_shape=(r1 - r0, ncols), transform=transform, invert=True
        )
    return out
