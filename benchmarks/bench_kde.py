"""Benchmark: kernel density of 1 million points on a ~400 x 400 grid (target: <= 0.5 s).

Times ``run_kde`` (quartic, 300 m bandwidth, binned FFT) on clustered synthetic points over a
12 km square at 30 m cells. Peer in the same run: the exact sum of kernels at every cell
centre with a scipy cKDTree (neighbourhood sums) on a subsample, scaled to the full count.
Also prints how far the FFT surface is from that exact sum on the subsample.

    python benchmarks/bench_kde.py [--points 1000000] [--subsample 20000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np
import shapely
from _timing import best
from scipy.spatial import cKDTree

from hotspot.analysis.kde import KdeParams, run_kde
from hotspot.analysis.kernel_sum import kernel_value

TARGET_SECONDS = 0.5
X0, Y0, SIDE, CELL, BANDWIDTH = 530_000.0, 170_000.0, 12_000.0, 30.0, 300.0


def _points(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.uniform([X0 + 1000, Y0 + 1000], [X0 + SIDE - 1000, Y0 + SIDE - 1000], (40, 2))
    n_clustered = n // 2
    which = rng.integers(0, len(centres), n_clustered)
    clustered = centres[which] + rng.normal(0, 250, (n_clustered, 2))
    spread = rng.uniform([X0, Y0], [X0 + SIDE, Y0 + SIDE], (n - n_clustered, 2))
    xy = np.vstack([clustered, spread])
    return np.clip(xy, [X0 + 1, Y0 + 1], [X0 + SIDE - 1, Y0 + SIDE - 1])


def _peer_exact(xy: np.ndarray, result) -> np.ndarray:
    """Exact quartic sum at every cell centre of ``result``'s raster (density per km²)."""
    nrows, ncols = result.values.shape
    t = result.transform
    cx = t.c + (np.arange(ncols) + 0.5) * t.a
    cy = t.f + (np.arange(nrows) + 0.5) * t.e
    gx, gy = np.meshgrid(cx, cy)
    centres = cKDTree(np.column_stack([gx.ravel(), gy.ravel()]))
    pairs = cKDTree(xy).sparse_distance_matrix(centres, BANDWIDTH, output_type="ndarray")
    dens = np.bincount(
        pairs["j"], weights=kernel_value("quartic", pairs["v"], BANDWIDTH), minlength=gx.size
    )
    return dens.reshape(nrows, ncols) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--subsample", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    area = shapely.box(X0, Y0, X0 + SIDE, Y0 + SIDE)
    params = KdeParams(kernel="quartic", bandwidth=BANDWIDTH, cell_size=CELL)
    xy = _points(args.points)
    warnings.simplefilter("ignore")
    ours, result = best(lambda: run_kde(xy, params, study_area=area), args.repeat)

    sub = xy[: args.subsample // 2].copy()
    sub = np.vstack([sub, xy[args.points // 2 : args.points // 2 + args.subsample // 2]])
    peer_sub, exact = best(lambda: _peer_exact(sub, result), 1)
    peer = peer_sub * args.points / len(sub)
    fft_sub = run_kde(sub, params, study_area=area)
    error = np.nanmax(np.abs(fft_sub.values - exact)) / np.nanmax(exact)

    shape = result.values.shape
    print(
        f"points: {args.points:,}; grid {shape[0]} x {shape[1]} at {CELL:g} m; quartic, h = {BANDWIDTH:g} m"
    )
    print(f"hotspot run_kde (binned FFT):       {ours:8.3f} s   (target <= {TARGET_SECONDS} s)")
    print(
        f"peer cKDTree exact sum:             {peer:8.3f} s   "
        f"({peer_sub:.3f} s on {len(sub):,} points, scaled x{args.points / len(sub):.0f})"
    )
    print(f"speed-up vs peer:                   {peer / ours:8.1f}x")
    print(f"FFT vs exact on the subsample:      {100 * error:8.3f} % of the peak (limit 0.5 %)")
    print("PASS" if ours <= TARGET_SECONDS and error <= 0.005 else "MISSED TARGET")


if __name__ == "__main__":
    main()
