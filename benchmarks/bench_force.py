"""Benchmark: a whole force over three years, 36 monthly police.uk files, about 3 million rows.

Targets: ``read_offences`` on the police.uk archive (a zip of the 36 monthly files) in at
most 15 s, with progress and cancel, and at most 400 MB of peak memory per million
offences loaded; a window stays responsive while it loads in a worker thread (no pause of
the main thread over 0.5 s).

The archive is generated (seeded, ``_policeuk.py``). Each run is a fresh process, so its
peak memory (resident-set high-water mark above what the process held after its imports)
is its own. Peers in the same run: the plain path an analyst would write (``pandas.read_csv``
of every file, ``geopandas.points_from_xy``, ``to_crs(27700)``), and the same 36 files as a
folder and as ``.csv.gz`` files.

    python benchmarks/bench_force.py [--rows 3000000] [--months 36]
"""

from __future__ import annotations

import gzip
import os
import shutil
import tempfile
import time
from pathlib import Path

from _policeuk import force_arguments, write_force
from _timing import fresh_process

TARGET_SECONDS = 15.0
TARGET_MB_PER_MILLION = 400.0
TARGET_PAUSE = 0.5

_CHILD = r"""
import json, sys, threading, time
path, which = sys.argv[1], sys.argv[2]

def status(key):
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(key):
                return int(line.split()[1]) * 1024
import geopandas as gpd, pandas as pd, pyarrow, shapely, pyproj
from hotspot.core.progress import AnalysisCancelled, CallbackProgress, CancelToken, RecordingProgress
from hotspot.io import read_offences
base = status("VmRSS:")
with open("/proc/self/clear_refs", "w") as fh:
    fh.write("5")  # the high-water mark restarts here
out = {}
t = time.perf_counter()
if which == "plain":
    import zipfile
    frames = []
    with zipfile.ZipFile(path) as z:
        for name in sorted(n for n in z.namelist() if n.endswith(".csv")):
            with z.open(name) as fh:
                frames.append(pd.read_csv(fh))
    df = pd.concat(frames, ignore_index=True)
    gdf = gpd.GeoDataFrame(
        df, geometry=gpd.points_from_xy(df["Longitude"], df["Latitude"]), crs="EPSG:4326"
    ).to_crs(27700)
    out["rows"] = len(gdf)
elif which == "cancel":
    token = CancelToken()
    asked = []
    def watch(f, m):
        if f >= 0.5 and not asked:
            asked.append(time.perf_counter())
            token.cancel()
    progress = CallbackProgress(watch, token)
    try:
        read_offences(path, progress=progress)
        out["cancelled"] = False
    except AnalysisCancelled:
        out["cancelled"] = True
        out["latency"] = time.perf_counter() - asked[0]
else:
    ticks = [time.perf_counter()]
    done = threading.Event()
    result = {}
    progress = RecordingProgress()
    def work():
        result["data"] = read_offences(path, progress=progress)
        done.set()
    worker = threading.Thread(target=work)
    worker.start()
    while not done.is_set():  # the "window": a 20 ms timer on the main thread
        time.sleep(0.02)
        ticks.append(time.perf_counter())
    worker.join()
    data = result["data"]
    out["rows"] = data.report.rows_read
    out["kept"] = data.report.rows_kept
    out["updates"] = len(progress.updates)
    out["pause"] = max(b - a for a, b in zip(ticks, ticks[1:])) - 0.02
out["seconds"] = time.perf_counter() - t
out["peak"] = status("VmHWM:") - base
import resource
usage = resource.getrusage(resource.RUSAGE_SELF)
out["cpu"] = usage.ru_utime + usage.ru_stime
print(json.dumps(out))
"""


def run(path: Path, which: str) -> dict:
    """One measurement in a fresh process."""
    return fresh_process(_CHILD, str(path), which)


def main() -> None:
    args = force_arguments(__doc__)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        t = time.perf_counter()
        archive, rows = write_force(
            root / "folder", args.rows, args.months, zip_to=root / "metropolitan.zip"
        )
        gz = root / "gz"
        for f in sorted((root / "folder").rglob("*.csv")):
            target = gz / f.relative_to(root / "folder")
            target.parent.mkdir(parents=True, exist_ok=True)
            with f.open("rb") as src, gzip.open(f"{target}.gz", "wb", compresslevel=1) as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
        size = archive.stat().st_size / 1e6
        print(
            f"generated {rows:,} offences in {args.months} monthly files: archive {size:,.0f} MB "
            f"({time.perf_counter() - t:.0f} s)"
        )
        zipped = run(archive, "read")
        folder = run(root / "folder", "read")
        gzipped = run(gz, "read")
        plain = run(archive, "plain")
        cancel = run(archive, "cancel")
    per_million = zipped["peak"] / 1e6 / (zipped["kept"] / 1e6)
    print(
        f"read_offences, police.uk archive (zip): {zipped['seconds']:6.1f} s (CPU "
        f"{zipped['cpu']:.1f} s), peak "
        f"{zipped['peak'] / 1e9:.2f} GB = {per_million:,.0f} MB per million offences "
        f"({zipped['kept']:,} kept of {zipped['rows']:,}); {zipped['updates']} progress updates"
    )
    print(
        f"read_offences, folder of CSVs:         {folder['seconds']:6.1f} s (CPU "
        f"{folder['cpu']:.1f} s), peak "
        f"{folder['peak'] / 1e9:.2f} GB"
    )
    print(
        f"read_offences, folder of .csv.gz:      {gzipped['seconds']:6.1f} s (CPU "
        f"{gzipped['cpu']:.1f} s), peak "
        f"{gzipped['peak'] / 1e9:.2f} GB"
    )
    print(
        f"peer: pandas.read_csv + points_from_xy + to_crs: {plain['seconds']:6.1f} s (CPU "
        f"{plain['cpu']:.1f} s), peak "
        f"{plain['peak'] / 1e9:.2f} GB -> read_offences is {plain['seconds'] / zipped['seconds']:.1f}x "
        f"as fast with {plain['peak'] / zipped['peak']:.1f}x less memory"
    )
    pause = max(zipped["pause"], folder["pause"], gzipped["pause"])
    print(f"longest pause of the main thread while a worker loads: {pause:.2f} s")
    print(
        f"cancel at 50 %: {'stopped' if cancel['cancelled'] else 'NOT stopped'}"
        + (f" {cancel['latency']:.2f} s after the request" if cancel["cancelled"] else "")
    )
    ok = (
        zipped["seconds"] <= TARGET_SECONDS
        and per_million <= TARGET_MB_PER_MILLION
        and pause <= TARGET_PAUSE
        and cancel["cancelled"]
    )
    print(f"(load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print("PASS" if ok else "MISSED TARGET")


if __name__ == "__main__":
    main()
