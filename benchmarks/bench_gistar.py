"""Benchmark: Getis-Ord Gi* against esda, warm and from a cold start.

1. Analytical Gi* z-scores on a 100k-cell grid: ``gi_star_z`` vs
   ``esda.G_Local(permutations=0)`` (target: >= 20x faster), and on 1M cells (target <= 1 s).
2. 999 conditional permutations on 100k cells: ``permutation.permutation_test`` vs esda
   with its numba kernels already compiled (target: <= 5 s and faster than esda).
(The first result in a fresh process is timed by ``bench_first_result.py``.)

    python benchmarks/bench_gistar.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np
import shapely
from _timing import best

from hotspot.analysis import permutation
from hotspot.analysis._weights import grid_weights
from hotspot.analysis.gistar_inference import gi_star_z
from hotspot.analysis.grid import make_grid


def _grid(side_cells: int):
    return make_grid(shapely.box(0, 0, side_cells * 100.0, side_cells * 100.0), 100.0)


def _counts(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    y = rng.poisson(1.5, n).astype(float)
    y[rng.choice(n, n // 100, replace=False)] += rng.poisson(8, n // 100)
    return y


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    warnings.simplefilter("ignore")

    import esda
    from libpysal.weights import W

    # 1. analytical, 100k cells
    grid = _grid(316)
    n = len(grid.cells)
    y = _counts(n)
    t_weights, w = best(lambda: grid_weights(grid), args.repeat)
    t_ours, z = best(lambda: gi_star_z(y, w), args.repeat)
    w_lib = W.from_sparse(grid_weights(grid, include_self=False))
    t_esda, lg = best(
        lambda: esda.G_Local(y, w_lib, star=True, transform="B", permutations=0), args.repeat
    )
    agree = float(np.nanmax(np.abs(z - lg.Zs)))
    print(f"1. analytical Gi* on {n:,} cells (esda agreement: max |dz| = {agree:.1e})")
    print(f"   hotspot gi_star_z:             {t_ours:8.3f} s  (+ {t_weights:.3f} s for weights)")
    print(f"   esda G_Local(permutations=0):  {t_esda:8.3f} s")
    print(
        f"   speed-up: {t_esda / t_ours:.0f}x statistic alone, "
        f"{t_esda / (t_ours + t_weights):.0f}x with weights (target >= 20x)"
    )

    big = _grid(1000)
    y_big = _counts(len(big.cells), seed=1)
    t_wbig, w_big = best(lambda: grid_weights(big), 1)
    t_big, _ = best(lambda: gi_star_z(y_big, w_big), args.repeat)
    print(
        f"   on {len(big.cells):,} cells: {t_big:.3f} s (+ {t_wbig:.3f} s weights; target <= 1 s)"
    )

    # 2. 999 permutations, 100k cells, esda warm
    small = W.from_sparse(grid_weights(_grid(20), include_self=False))
    esda.G_Local(
        _counts(400), small, star=True, transform="B", permutations=99, n_jobs=1, seed=1
    )  # compile esda's kernels before timing
    t_perm, counts = best(
        lambda: permutation.permutation_test(w, y, permutations=999, seed=1, moments=False), 1
    )
    t_esda_perm, lg_perm = best(
        lambda: esda.G_Local(
            y,
            w_lib,
            star=True,
            transform="B",
            permutations=999,
            seed=1,
            n_jobs=1,
            keep_simulations=False,
        ),
        1,
    )
    diff = np.abs(counts.p_values("directed") - lg_perm.p_sim)
    print(f"2. 999 permutations on {n:,} cells (p vs esda: mean |dp| = {diff.mean():.4f})")
    print(f"   hotspot permutation_test:      {t_perm:8.3f} s  (target <= 5 s)")
    print(f"   esda G_Local, warm, n_jobs=1:  {t_esda_perm:8.3f} s")
    print(f"   speed-up: {t_esda_perm / t_perm:.1f}x")


if __name__ == "__main__":
    main()
