"""Benchmark: load a 1,000,000-row police.uk CSV with read_offences and with the plain path.

The plain path is what an analyst would write by hand: ``pandas.read_csv``,
``geopandas.points_from_xy`` and ``to_crs(27700)``. It does less than
``read_offences`` (no month parsing, no duplicate or coordinate checks, no report), so
being faster than it is the bar.

Each loader runs in a fresh Python process so that its peak memory (the process's
resident-set high-water mark, interpreter and imports included) is its own. Run::

    python benchmarks/bench_load.py [--rows 1000000] [--repeat 2]

Targets on a 2-core machine: read_offences <= 3 s and <= 1.5 GB for 1M rows, and
faster than the plain path.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _timing import fresh_process

TARGET_SECONDS = 3.0
TARGET_GB = 1.5

_CHILD = r"""
import json, resource, sys, time
path, which = sys.argv[1], sys.argv[2]
import geopandas as gpd
import pandas as pd
from hotspot.io import read_offences

t = time.perf_counter()
if which == "read_offences":
    data = read_offences(path)
    n = len(data.gdf)
else:
    df = pd.read_csv(path)
    gdf = gpd.GeoDataFrame(
        df, geometry=gpd.points_from_xy(df["Longitude"], df["Latitude"]), crs="EPSG:4326"
    ).to_crs(27700)
    n = len(gdf)
seconds = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
try:  # Linux: the high-water mark of this program alone (ru_maxrss can carry the parent's)
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                peak = int(line.split()[1]) * 1024
except OSError:
    pass
print(json.dumps({"seconds": seconds, "peak_bytes": peak, "rows": n}))
"""


def generate(path: Path, n: int, seed: int = 20240101) -> None:
    """Write a police.uk street CSV of ``n`` rows (12 columns, realistic values).

    About 4% of rows have no coordinates, about 1 in 15 rows is anti-social
    behaviour with an empty Crime ID, 0.5% of Crime IDs are listed twice, and points
    are snapped to 20,000 shared map points, as police.uk's are.
    """
    from hotspot.model.taxonomy import CATEGORIES

    rng = np.random.default_rng(seed)
    cats = np.array(list(CATEGORIES))
    cat = cats[rng.integers(0, len(cats), n)]
    asb = cat == "Anti-social behaviour"
    ids = np.char.add(np.char.mod("%064x", rng.integers(0, 2**62, n)), "")
    dup = rng.random(n) < 0.005
    ids[dup] = ids[np.maximum(np.flatnonzero(dup) - 1, 0)]
    ids = np.where(asb, "", ids)
    months = np.array([f"2023-{m:02d}" for m in range(1, 13)])[rng.integers(0, 12, n)]
    point = rng.integers(0, 20_000, n)
    lon = np.char.mod("%.6f", -0.1 + (point % 141) * 0.001)
    lat = np.char.mod("%.6f", 51.40 + (point // 141) * 0.001)
    none = rng.random(n) < 0.04
    lon = np.where(none, "", lon)
    lat = np.where(none, "", lat)
    lsoa = np.char.mod("E0100%04d", point % 4000)
    df = pd.DataFrame(
        {
            "Crime ID": ids,
            "Month": months,
            "Reported by": "Metropolitan Police Service",
            "Falls within": "Metropolitan Police Service",
            "Longitude": lon,
            "Latitude": lat,
            "Location": np.char.mod("On or near Street %d", point % 500),
            "LSOA code": np.where(none, "", lsoa),
            "LSOA name": np.where(none, "", np.char.mod("Lewisham %03dA", point % 400)),
            "Crime type": cat,
            "Last outcome category": np.where(asb, "", "Under investigation"),
            "Context": "",
        }
    )
    df.to_csv(path, index=False)


def run(path: Path, which: str) -> dict:
    """Time one loader in a fresh process."""
    return fresh_process(_CHILD, str(path), which)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=2, help="runs per loader; best is kept")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "2023-12-metropolitan-street.csv"
        t = time.perf_counter()
        generate(path, args.rows)
        size = path.stat().st_size / 1e6
        print(f"generated {args.rows:,} rows ({size:.0f} MB) in {time.perf_counter() - t:.1f} s")
        results = {}
        for which in ("read_offences", "plain"):
            runs = [run(path, which) for _ in range(args.repeat)]
            best = min(runs, key=lambda r: r["seconds"])
            best["peak_bytes"] = max(r["peak_bytes"] for r in runs)
            results[which] = best
            print(
                f"{which:>14}: {best['seconds']:.2f} s, peak {best['peak_bytes'] / 1e9:.2f} GB, "
                f"{best['rows']:,} rows out"
            )
    ours, plain = results["read_offences"], results["plain"]
    ratio = plain["seconds"] / ours["seconds"]
    print(f"plain path / read_offences time ratio: {ratio:.2f}x (above 1 = read_offences faster)")
    print(f"memory ratio (plain / read_offences): {plain['peak_bytes'] / ours['peak_bytes']:.2f}x")
    ok_time = ours["seconds"] <= TARGET_SECONDS * args.rows / 1_000_000
    ok_mem = ours["peak_bytes"] / 1e9 <= TARGET_GB
    print(
        f"targets: <= {TARGET_SECONDS:.0f} s per 1M rows {'met' if ok_time else 'MISSED'}; "
        f"<= {TARGET_GB} GB {'met' if ok_mem else 'MISSED'}; faster than plain "
        f"{'met' if ratio > 1 else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
