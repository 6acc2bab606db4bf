"""Benchmark: ``hotspot run`` with every analysis on 3 million offences over London.

Target: at most 60 s and 4 GB peak memory for the whole run (load, select, KDE, Gi*, rates,
correlation with deprivation, GeoTIFF, GeoPackages, CSVs, print maps, the offline HTML map
and the briefing pack), with the map layers aggregated (no layer with a marker per offence).

The offences are a generated (seeded) police.uk archive of the Metropolitan Police over 36
months (``_policeuk.py``), placed in London's real 2011 LSOAs with their codes; the other
sources are the real London LSOAs, borough outlines, IMD 2019 and mid-2019 population from
``../shared/data`` (a made-up LSOA grid and tables of the same shape when absent). The run
is ``hotspot run`` in a fresh process; its peak memory is the process's resident-set
high-water mark. Peer in the same run: the plain read of the same archive (pandas) the run
has to beat by doing everything else too.

    python benchmarks/bench_run_city.py [--rows 3000000] [--months 36]
"""

from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _policeuk import SHARED, force_arguments, lsoa_layer, write_force
from _timing import fresh_process

TARGET_SECONDS = 60.0
TARGET_GB = 4.0

_CHILD = r"""
import json, sys, time, resource
from hotspot.cli import main
t = time.perf_counter()
code = main(["run", sys.argv[1], "--out", sys.argv[2], "--force"])
seconds = time.perf_counter() - t
with open("/proc/self/status") as fh:
    peak = next(int(l.split()[1]) * 1024 for l in fh if l.startswith("VmHWM:"))
r = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"code": code, "seconds": seconds, "peak": peak, "cpu": r.ru_utime + r.ru_stime}))
"""

_PLAIN = r"""
import json, sys, time, zipfile
import pandas as pd
t = time.perf_counter()
with zipfile.ZipFile(sys.argv[1]) as z:
    frames = [pd.read_csv(z.open(n)) for n in sorted(z.namelist()) if n.endswith(".csv")]
df = pd.concat(frames, ignore_index=True)
print(json.dumps({"seconds": time.perf_counter() - t, "rows": len(df)}))
"""


def context_sources(root: Path, lsoas) -> list[dict]:
    """The project's boundary and context sources: the real London files, or made-up ones
    of the same shape on the LSOA grid."""
    real = {
        "lsoas": SHARED / "boundaries" / "london_lsoa_2011_bng_shp" / "london-2011-lsoa-gen20.shp",
        "outline": SHARED / "boundaries" / "london_boroughs.gpkg",
        "imd": SHARED / "context" / "imd2019_london_lsoa11.xlsx",
        "population": SHARED / "context" / "population_london_lsoa11_mid2019.csv",
    }
    if not all(p.exists() for p in real.values()):
        rng = np.random.default_rng(5)
        real["lsoas"] = root / "lsoas.geojson"
        lsoas.to_file(real["lsoas"])
        real["outline"] = root / "outline.geojson"
        lsoas.dissolve().assign(name="London")[["name", "geometry"]].to_file(real["outline"])
        codes = lsoas["LSOA11CD"]
        real["imd"] = root / "imd.csv"
        pd.DataFrame(
            {
                "LSOA code (2011)": codes,
                "Index of Multiple Deprivation (IMD) Score": rng.gamma(4, 6, len(codes)),
            }
        ).to_csv(real["imd"], index=False)
        real["population"] = root / "population.csv"
        pd.DataFrame({"LSOA Code": codes, "All Ages": rng.integers(1200, 2200, len(codes))}).to_csv(
            real["population"], index=False
        )
    # London has no ward file in the shared data: the 33 boroughs stand in for the wards
    # the briefing pack ranks (the synthetic case: the outline cut into 33 strips)
    wards = {"kind": "areas", "path": str(real["outline"]), "level": "ward"}
    if real["outline"].suffix == ".gpkg":
        wards.update(code_field="gss_code", name_field="name")
    else:
        wards["path"] = str(root / "wards.geojson")
        xmin, _, xmax, _ = lsoas.total_bounds
        strip = np.minimum(((lsoas.centroid.x - xmin) / (xmax - xmin) * 33).astype(int), 32)
        lsoas.assign(code=[f"E050{i:05d}" for i in strip], name=[f"Strip {i}" for i in strip])[
            ["code", "name", "geometry"]
        ].dissolve("code", as_index=False).to_file(wards["path"])
    return [
        {"kind": "areas", "path": str(real["lsoas"]), "level": "lsoa", "role": "lsoas"},
        {"kind": "areas", "path": str(real["outline"]), "level": "other", "role": "study_area"},
        wards,
        {"kind": "indicators", "path": str(real["imd"]), "indicator": "imd"},
        {"kind": "indicators", "path": str(real["population"]), "indicator": "population"},
    ]


def write_project(root: Path, offences: Path, lsoas) -> Path:
    """A project with every analysis (none listed: all of them) and every output but
    offence points on the web map."""
    import tomli_w

    doc = {
        "project": {"name": "London, 3 years (benchmark)", "format": 1},
        "sources": [{"kind": "offences", "path": str(offences)}, *context_sources(root, lsoas)],
        "selection": {"group": "All crime", "months": 12, "compare": True},
        "analysis": {"rates": {"level": "lsoa"}},
        "outputs": {
            "maps": ["kde", "gistar", "rates", "bivariate"],
            "map_formats": ["png"],
            "html": True,
            "html_points": False,
            "briefing": True,
        },
        "map": {"basemap": "none"},
    }
    path = root / "london.toml"
    path.write_text(tomli_w.dumps(doc), encoding="utf-8")
    return path


def run_child(code: str, *args: str) -> dict:
    out = fresh_process(code, *args)
    if out.get("code", 0) != 0:
        raise SystemExit(f"hotspot run exited {out['code']}:\n{out['stderr']}")
    return out


def main() -> None:
    args = force_arguments(__doc__)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        t = time.perf_counter()
        lsoas = lsoa_layer()
        archive, rows = write_force(
            root / "folder", args.rows, args.months, lsoas=lsoas, zip_to=root / "met.zip"
        )
        project = write_project(root, archive, lsoas)
        print(
            f"generated {rows:,} offences over {len(lsoas):,} LSOAs in {args.months} months "
            f"({time.perf_counter() - t:.0f} s)"
        )
        run = run_child(_CHILD, str(project), str(root / "out"))
        plain = run_child(_PLAIN, str(archive))
        out = root / "out"
        files = sorted(p.name for p in out.iterdir())
        html = out / "map.html"
        page = html.read_text(encoding="utf-8") if html.exists() else ""
        features = len(re.findall(r'"type":\s*"Feature"', page))
        markers = len(re.findall(r"L\.(?:circleMarker|marker)\(", page))
        report = (out / "load_report.txt").read_text(encoding="utf-8")
        kept = re.search(r"Rows kept: ([\d,]+)", report)
    print(
        f"hotspot run: exit {run['code']}, {run['seconds']:.1f} s (CPU {run['cpu']:.1f} s), peak {run['peak'] / 1e9:.2f} GB"
    )
    print(
        f"  offences kept: {kept.group(1) if kept else '?'}; files written: {len(files)} ({', '.join(files)})"
    )
    print(
        f"  map.html: {len(page) / 1e6:.1f} MB, {features:,} GeoJSON features, {markers} markers "
        "(aggregated layers only)"
    )
    print(
        f"peer: pandas reading the same archive alone: {plain['seconds']:.1f} s "
        f"-> the whole run takes {run['seconds'] / plain['seconds']:.1f}x a plain read"
    )
    ok = (
        run["code"] == 0
        and run["seconds"] <= TARGET_SECONDS
        and run["peak"] / 1e9 <= TARGET_GB
        and markers < 1000
        and features < 100_000
    )
    print(
        f"targets: <= {TARGET_SECONDS:.0f} s, <= {TARGET_GB:.0f} GB, aggregated map layers: "
        + ("PASS" if ok else "MISSED TARGET")
    )


if __name__ == "__main__":
    main()
