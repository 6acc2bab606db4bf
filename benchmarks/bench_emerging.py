"""Benchmark: emerging hot spots on 36 months x 20,000 cells, against esda in the same run.

1. The whole analytical analysis (``run_emerging``: grid, cube, space-time Gi*, FDR,
   Mann-Kendall, categories) on 36 monthly steps x 20,000 cells, timed in a fresh process
   (target: <= 1.5 s, imports reported apart).
2. The space-time Gi* z-scores of that cube: ``spacetime_gi_star`` against esda
   ``G_Local(star=True, transform="B")`` called once per time step on the spatial weights
   (the way an analyst would script it; target: >= 20x faster). The z-scores are checked
   against esda on the explicit space-time weights for the last two steps.
3. 199 conditional permutations of the whole cube (target: <= 15 s).

    python benchmarks/bench_emerging.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import textwrap
import time
import warnings

import numpy as np
from _timing import best

SIDE_M = 14_150.0  # 100 m cells: 141 x 141 = about 20,000
MONTHS = 36
PER_MONTH = 3_000

SETUP = textwrap.dedent(
    f"""
    import numpy as np, pandas as pd, geopandas as gpd, shapely
    rng = np.random.default_rng(0)
    months = pd.period_range("2021-01", periods={MONTHS}, freq="M").to_timestamp()
    xy = rng.uniform(0, {SIDE_M}, size=({MONTHS} * {PER_MONTH}, 2)) + [530_000, 170_000]
    hot = rng.normal([537_000, 177_000], 150, size=({MONTHS} * 60, 2))
    xy = np.vstack([xy, hot])
    month = np.concatenate([np.repeat(months, {PER_MONTH}), np.repeat(months, 60)])
    points = gpd.GeoDataFrame(
        {{"month": month}}, geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=27700
    )
    area = shapely.box(530_000, 170_000, 530_000 + {SIDE_M}, 170_000 + {SIDE_M})
    """
)

FRESH = (
    "import time\n"
    "t0 = time.perf_counter()\n"
    "from hotspot.analysis.emerging import EmergingParams, run_emerging\n"
    "t1 = time.perf_counter()\n" + SETUP + "import warnings; warnings.simplefilter('ignore')\n"
    "t2 = time.perf_counter()\n"
    "res = run_emerging(points, EmergingParams(step_months=1, cell_size=100.0), study_area=area)\n"
    "t3 = time.perf_counter()\n"
    "print(t1 - t0, t3 - t2, len(res.locations), len(res.steps.steps))\n"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    warnings.simplefilter("ignore")

    # 1. fresh process
    out = subprocess.run(
        [sys.executable, "-c", FRESH], capture_output=True, text=True, check=True
    ).stdout.split()
    t_import, t_run, n_cells, n_steps = float(out[0]), float(out[1]), int(out[2]), int(out[3])
    print(f"1. run_emerging, {n_steps} months x {n_cells:,} cells, analytical, fresh process")
    print(f"   analysis: {t_run:6.2f} s (target <= 1.5 s; imports {t_import:.2f} s apart)")

    # 2. space-time Gi* against esda per time step
    import esda
    from libpysal.weights import W

    from hotspot.analysis._weights import grid_weights
    from hotspot.analysis.cell_counts import count_points
    from hotspot.analysis.grid import make_grid
    from hotspot.analysis.spacetime_gistar import spacetime_gi_star, spacetime_weights

    namespace: dict = {}
    exec(SETUP, namespace)
    grid = make_grid(namespace["area"], 100.0)
    spatial = grid_weights(grid)
    pts = namespace["points"]
    steps = namespace["months"]
    counts = np.column_stack([count_points(grid, pts[pts["month"] == m])[0] for m in steps]).astype(
        float
    )
    present = np.ones(len(steps), dtype=bool)
    t_ours, z = best(lambda: spacetime_gi_star(counts, present, spatial, 1), args.repeat)
    w_spatial = W.from_sparse(grid_weights(grid, include_self=False))

    def esda_per_step():
        return [
            esda.G_Local(counts[:, t], w_spatial, star=True, transform="B", permutations=0).Zs
            for t in range(counts.shape[1])
        ]

    t_esda, _ = best(esda_per_step, 1)
    # agreement on the last two steps, with esda on the explicit space-time weights
    sub = counts[:, -2:]
    w_st = spacetime_weights(spatial, np.ones(2, dtype=bool), 1)
    w_st.setdiag(0.0)
    w_st.eliminate_zeros()
    ref = esda.G_Local(sub.ravel(), W.from_sparse(w_st), star=True, transform="B", permutations=0)
    mine = spacetime_gi_star(sub, np.ones(2, dtype=bool), spatial, 1).ravel()
    agree = float(np.nanmax(np.abs(mine - ref.Zs)))
    print(f"2. space-time Gi* z of {counts.size:,} bins (esda agreement: max |dz| = {agree:.1e})")
    print(f"   hotspot spacetime_gi_star:        {t_ours:8.3f} s")
    print(f"   esda G_Local x {counts.shape[1]} time steps:     {t_esda:8.3f} s")
    print(f"   ratio: {t_esda / t_ours:,.0f}x faster (target >= 20x)")
    print(
        f"   the whole analysis of 1. against esda's z-scores alone: {t_esda / t_run:,.0f}x faster"
    )

    # 3. permutations
    from hotspot.analysis.emerging import EmergingParams, run_emerging

    t = time.perf_counter()
    res = run_emerging(
        pts,
        EmergingParams(step_months=1, cell_size=100.0, permutations=199, seed=1),
        study_area=namespace["area"],
    )
    t_perm = time.perf_counter() - t
    print(
        f"3. 199 conditional permutations of {res.counts.size:,} bins: {t_perm:6.2f} s "
        "(target <= 15 s)"
    )


if __name__ == "__main__":
    main()
