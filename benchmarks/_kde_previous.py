"""The previous density engine, kept as the in-run baseline of ``bench_kde_city.py``.

Linear binning on a grid at least 3 times finer than the raster (20 fine cells per
bandwidth), one double-precision FFT pair per phase of the fine grid, and the study-area
mask by testing every cell centre against the polygon. Same quantity as
``hotspot.analysis.kernel_sum.kde_fft``.
"""

from __future__ import annotations

import math

import numpy as np
import shapely

from hotspot.analysis.kernel_sum import kernel_radius, kernel_value


def fine_factor(h: float, cell: float) -> int:
    """Odd, 3 to 15: 20 fine cells per bandwidth."""
    f = math.ceil(20 * cell / h)
    f += 1 - f % 2
    return int(min(max(f, 3), 15))


def kde_fft(xy, w, kernel, h, x0, y0, cell, nrows, ncols, progress) -> np.ndarray:
    """Density per m² at cell centres (the previous binned FFT)."""
    from scipy import fft

    f = fine_factor(h, cell)
    fine = cell / f
    centre = (f - 1) // 2
    pad = 1
    big_r, big_c = nrows + 2 * pad, ncols + 2 * pad
    u = (xy[:, 0] - (x0 - pad * cell)) / fine - 0.5
    v = ((y0 + pad * cell) - xy[:, 1]) / fine - 0.5
    j0, i0 = np.floor(u), np.floor(v)
    fu, fv = u - j0, v - i0
    j0, i0 = j0.astype(np.int64), i0.astype(np.int64)
    corners = (
        (0, 0, (1 - fv) * (1 - fu) * w),
        (0, 1, (1 - fv) * fu * w),
        (1, 0, fv * (1 - fu) * w),
        (1, 1, fv * fu * w),
    )
    plane = big_r * big_c
    index = np.concatenate([((i0 + di) // f) * big_c + (j0 + dj) // f for di, dj, _ in corners])
    phase = np.concatenate([((i0 + di) % f) * f + (j0 + dj) % f for di, dj, _ in corners])
    weight = np.concatenate([wt for _, _, wt in corners])
    order = np.argsort(phase, kind="stable")
    bounds = np.searchsorted(phase[order], np.arange(f * f + 1))
    reach = int(math.ceil((kernel_radius(kernel, h) + cell) / cell)) + 1
    reach_r, reach_c = min(reach, big_r), min(reach, big_c)
    shape = (fft.next_fast_len(big_r + 2 * reach_r), fft.next_fast_len(big_c + 2 * reach_c, True))
    du_r, du_c = np.arange(-reach_r, reach_r + 1), np.arange(-reach_c, reach_c + 1)
    acc = None
    for k in range(f * f):
        p, q = divmod(k, f)
        sel = order[bounds[k] : bounds[k + 1]]
        grid_k = np.bincount(index[sel], weights=weight[sel], minlength=plane).reshape(big_r, big_c)
        dy = (f * du_r + centre - p) * fine
        dx = (f * du_c + centre - q) * fine
        kern = kernel_value(kernel, np.hypot(dy[:, None], dx[None, :]), h)
        term = fft.rfft2(grid_k, shape) * fft.rfft2(kern, shape)
        acc = term if acc is None else acc + term
    full = fft.irfft2(acc, shape)
    out = full[reach_r + pad : reach_r + pad + nrows, reach_c + pad : reach_c + pad + ncols]
    out[out < 1e-12 * out.max()] = 0.0
    return np.ascontiguousarray(out)


def inside_mask(area, x0, y0, cell, shape, progress) -> np.ndarray:
    """Cell centres inside the study area, by testing each against the polygon."""
    nrows, ncols = shape
    cx = x0 + (np.arange(ncols) + 0.5) * cell
    shapely.prepare(area)
    out = np.empty(shape, dtype=bool)
    block = max(1, 1_000_000 // ncols)
    for r0 in range(0, nrows, block):
        r1 = min(r0 + block, nrows)
        cy = y0 - (np.arange(r0, r1) + 0.5) * cell
        gx, gy = np.meshgrid(cx, cy)
        out[r0:r1] = shapely.contains_xy(area, gx, gy)
    return out
