"""Benchmark: the first result in a fresh process (target: <= 1.5 s, imports included).

Runs, in a new Python process each time, KDE + analytical Gi* for 50,000 clustered points
(``run_kde`` and ``run_gistar_grid`` with default parameters), and the same with 999
permutations. Peer in the same run: esda's first ``G_Local`` call in a fresh process
(default 999 permutations; its numba kernels compile before the first result), on the
counts of the same points in a 50 x 50 grid. Wall-clock times include interpreter start.

    python benchmarks/bench_first_result.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import textwrap
import time

TARGET_SECONDS = 1.5


def _wall(code: str) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    return time.perf_counter() - t


OURS_COLD = textwrap.dedent(
    """
    import numpy as np
    from hotspot.analysis.kde import KdeParams, run_kde
    from hotspot.analysis.gistar import GiStarParams, run_gistar_grid
    rng = np.random.default_rng(0)
    c = rng.uniform([531000, 171000], [539000, 179000], (40, 2))
    xy = np.vstack([c[rng.integers(0, 40, 25000)] + rng.normal(0, 200, (25000, 2)),
                    rng.uniform([530000, 170000], [540000, 180000], (25000, 2))])
    xy = np.clip(xy, [530001, 170001], [539999, 179999])
    kde = run_kde(xy, KdeParams())
    gi = run_gistar_grid(xy, GiStarParams({perms}))
    assert gi.cells["gi_bin"].max() >= 1
    """
)

ESDA_COLD = textwrap.dedent(
    """
    import warnings; warnings.simplefilter("ignore")
    import numpy as np
    import esda
    from libpysal.weights import lat2W
    rng = np.random.default_rng(0)
    c = rng.uniform([531000, 171000], [539000, 179000], (40, 2))
    xy = np.vstack([c[rng.integers(0, 40, 25000)] + rng.normal(0, 200, (25000, 2)),
                    rng.uniform([530000, 170000], [540000, 180000], (25000, 2))])
    counts, _, _ = np.histogram2d(xy[:, 1], xy[:, 0], bins=50,
                                  range=[[170000, 180000], [530000, 540000]])
    w = lat2W(50, 50, rook=False)
    g = esda.G_Local(counts[::-1].ravel(), w, star=True, transform="B", n_jobs=1)
    """
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    t_cold = min(_wall(OURS_COLD.format(perms="")) for _ in range(args.repeat))
    t_cold_perm = _wall(OURS_COLD.format(perms="permutations=999"))
    t_esda_cold = _wall(ESDA_COLD)
    print("fresh process, 50k points, imports included")
    print(f"   hotspot KDE + analytical Gi*:  {t_cold:8.3f} s  (target <= 1.5 s)")
    print(f"   hotspot KDE + Gi* 999 perms:   {t_cold_perm:8.3f} s")
    print(f"   esda G_Local first call:       {t_esda_cold:8.3f} s  (2,500 cells, 999 perms)")
    print(
        f"   speed-up: {t_esda_cold / t_cold:.1f}x (analytical), {t_esda_cold / t_cold_perm:.1f}x (perms)"
    )
    print("PASS" if t_cold <= TARGET_SECONDS else "MISSED TARGET")


if __name__ == "__main__":
    main()
