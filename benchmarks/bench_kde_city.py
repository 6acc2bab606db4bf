"""Benchmark: kernel density over all of London, 1 million offences on over 4 million cells.

Target: at least 3 times faster than QGIS's Heatmap (``qgis:heatmapkerneldensityestimation``
through ``qgis_process``) on the same points, radius and pixel size, and within 1 % of the
exact kernel sum's peak.

The offences are generated (seeded) the way police.uk publishes them: snapped to about
60,000 anonymised map points over London (the real borough outlines from ``../shared/data``
when present, else a London-sized rectangle), a few map points holding many offences. Peers
in the same run:

- QGIS's Heatmap, quartic kernel, raw values, in its own process (skipped, saying so, when
  ``qgis_process`` is not installed: ``apt-get install qgis``). Its time is shown whole and
  without its start-up (a run on 10 points);
- the previous Hotspot engine (linear binning on a 3x finer grid, double-precision FFTs,
  the study-area mask tested cell centre by cell centre), from ``_kde_previous.py``;
- the exact sum of every offence's kernel at every cell centre (scipy cKDTree on the map
  points, weighted by their offence counts), for the accuracy of both engines.

    python benchmarks/bench_kde_city.py [--points 1000000] [--cell 25] [--bandwidth 300]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import shapely
from _kde_previous import inside_mask as previous_mask
from _kde_previous import kde_fft as previous_fft
from _timing import best
from scipy.spatial import cKDTree

from hotspot.analysis import kde
from hotspot.analysis.kde import KdeParams, run_kde
from hotspot.analysis.kernel_sum import kernel_value

TARGET_RATIO = 3.0
TARGET_ERROR = 0.01
LONDON = (
    Path(__file__).resolve().parents[2] / "shared" / "data" / "boundaries" / "london_boroughs.gpkg"
)


def study_area() -> tuple[shapely.Geometry, str]:
    """All of London's boroughs, or a rectangle of London's extent."""
    if LONDON.exists():
        import pyogrio

        gdf = pyogrio.read_dataframe(LONDON)
        return shapely.union_all(gdf.geometry.values), "the 33 London boroughs"
    return shapely.box(503_500, 155_800, 561_900, 200_900), "a London-sized rectangle"


def offences(area: shapely.Geometry, n: int, seed: int = 2024) -> tuple[np.ndarray, np.ndarray]:
    """``(map_points, counts)``: about 60,000 map points inside ``area`` and the number of
    offences at each (``counts.sum() == n``), busy town centres and a long tail."""
    rng = np.random.default_rng(seed)
    xmin, ymin, xmax, ymax = area.bounds
    centres = rng.uniform([xmin, ymin], [xmax, ymax], (400, 2))
    pts = np.vstack(
        [
            centres[rng.integers(0, 400, 60_000)] + rng.normal(0, 600, (60_000, 2)),
            rng.uniform([xmin, ymin], [xmax, ymax], (60_000, 2)),
        ]
    )
    pts = pts[shapely.contains_xy(area, pts[:, 0], pts[:, 1])][:60_000]
    pull = rng.pareto(1.2, len(pts)) + 1.0
    counts = rng.multinomial(n, pull / pull.sum())
    return pts, counts


def exact_surface(pts, counts, result, bandwidth) -> np.ndarray:
    """The exact quartic sum at every cell centre of ``result`` (density per km²)."""
    nrows, ncols = result.values.shape
    t = result.transform
    cx = t.c + (np.arange(ncols) + 0.5) * t.a
    cy = t.f + (np.arange(nrows) + 0.5) * t.e
    gx, gy = np.meshgrid(cx, cy)
    centres = cKDTree(np.column_stack([gx.ravel(), gy.ravel()]))
    dens = np.zeros(gx.size)
    for s in range(0, len(pts), 5_000):
        tree = cKDTree(pts[s : s + 5_000])
        pairs = tree.sparse_distance_matrix(centres, bandwidth, output_type="ndarray")
        k = kernel_value("quartic", pairs["v"], bandwidth) * counts[s : s + 5_000][pairs["i"]]
        dens += np.bincount(pairs["j"], weights=k, minlength=gx.size)
    return dens.reshape(nrows, ncols) * 1e6


def qgis_command() -> list[str] | None:
    """``qgis_process`` (Debian's wrapper passes an option the program refuses: use the
    program itself), or None when QGIS is not installed."""
    found = shutil.which("qgis_process")
    if found is None:
        return None
    program = Path(found).with_name("qgis_process.bin")
    return [str(program if program.exists() else found)]


def qgis_heatmap(cmd, xy, bandwidth, cell, folder: Path, tag: str) -> float:
    """Seconds for QGIS's Heatmap on ``xy`` (written to a GeoPackage first, not timed)."""
    import geopandas as gpd

    src = folder / f"{tag}.gpkg"
    gpd.GeoDataFrame(geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=27700).to_file(src)
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": os.environ.get("HOME", "/tmp"),
        "QT_QPA_PLATFORM": "offscreen",
    }
    args = [
        *cmd,
        "run",
        "qgis:heatmapkerneldensityestimation",
        "--",
        f"INPUT={src}",
        f"RADIUS={bandwidth}",
        f"PIXEL_SIZE={cell}",
        "KERNEL=0",
        "OUTPUT_VALUE=0",
        f"OUTPUT={folder / f'{tag}.tif'}",
    ]
    t = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True, env=env)
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--cell", type=float, default=25.0)
    parser.add_argument("--bandwidth", type=float, default=300.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    warnings.simplefilter("ignore")

    area, what = study_area()
    pts, counts = offences(area, args.points)
    xy = np.repeat(pts, counts, axis=0)
    params = KdeParams(kernel="quartic", bandwidth=args.bandwidth, cell_size=args.cell)

    ours, result = best(lambda: run_kde(xy, params, study_area=area), args.repeat)
    engine, mask = kde.kde_fft, kde.cells_inside_mask
    kde.kde_fft, kde.cells_inside_mask = previous_fft, previous_mask
    try:
        before, old = best(lambda: run_kde(xy, params, study_area=area), args.repeat)
    finally:
        kde.kde_fft, kde.cells_inside_mask = engine, mask

    t = time.perf_counter()
    exact = exact_surface(pts, counts, result, args.bandwidth)
    exact[np.isnan(result.values)] = np.nan
    exact_s = time.perf_counter() - t
    peak = np.nanmax(exact)
    err_new = np.nanmax(np.abs(result.values - exact)) / peak
    err_old = np.nanmax(np.abs(old.values - exact)) / peak

    nrows, ncols = result.values.shape
    print(
        f"{args.points:,} offences at {len(pts):,} map points over {what}; raster {nrows:,} x "
        f"{ncols:,} = {nrows * ncols:,} cells at {args.cell:g} m; quartic, radius {args.bandwidth:g} m"
    )
    print(f"hotspot run_kde:                {ours:7.2f} s   error {100 * err_new:.3f} % of peak")
    print(
        f"previous engine:                {before:7.2f} s   error {100 * err_old:.3f} % of peak"
        f"   -> {before / ours:.1f}x faster now"
    )
    print(f"exact sum (cKDTree, map points): {exact_s:6.2f} s")
    cmd = qgis_command()
    ok = err_new <= TARGET_ERROR
    if cmd is None:
        print("QGIS Heatmap: skipped, qgis_process is not installed (apt-get install qgis)")
    else:
        with tempfile.TemporaryDirectory() as tmp:
            startup = qgis_heatmap(cmd, xy[:10], args.bandwidth, args.cell, Path(tmp), "ten")
            full = qgis_heatmap(cmd, xy, args.bandwidth, args.cell, Path(tmp), "all")
        ratio = (full - startup) / ours
        print(
            f"QGIS Heatmap (qgis_process):    {full:7.2f} s   ({full - startup:.2f} s without its "
            f"{startup:.2f} s start-up)"
        )
        print(
            f"QGIS / hotspot:                 {ratio:7.1f}x  (whole run: {full / ours:.1f}x; "
            f"target >= {TARGET_RATIO:g}x)"
        )
        ok = ok and ratio >= TARGET_RATIO
    print("PASS" if ok else "MISSED TARGET")


if __name__ == "__main__":
    main()
