"""Benchmark: the full briefing pack for the demo borough (target: 15 s or less).

Run: ``python benchmarks/bench_export.py`` (after ``pip install -e .``).

Builds the demo borough with :mod:`hotspot.demo`, reads it and runs KDE, Gi*, ward
rates with the previous period and the bivariate Moran of LSOA rate against IMD with
the calls ``hotspot run`` makes (:mod:`hotspot.pipeline`, the demo project's
parameters), then times, in the same process:

* ``hotspot``: :func:`hotspot.maps.briefing.write_briefing` with a page for every ward
  (about 20-25 pages), and the other exports (GeoPackage, GeoTIFF, CSV, offline HTML);
* ``peer``: the same number of A4 pages drawn the plain way, ``GeoDataFrame.plot`` of
  the ward rates and ``PdfPages.savefig`` (no legend, scale bar, methods or tables):
  the floor any matplotlib briefing pays.

Prints the times and the ratios hotspot / peer and hotspot / target.
"""

from __future__ import annotations

import sys
import tempfile
import time
import warnings
from pathlib import Path

TARGET_S = 15.0


def _prepare(folder: Path):
    """The demo borough, read and analysed by the calls ``hotspot run`` makes."""
    from hotspot import demo
    from hotspot.model import Project
    from hotspot.pipeline import load_workspace, rates_for, run_analysis, select

    files = demo.write_demo(folder)
    project = Project.load(files.project)
    ws = load_workspace(project)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = {name: run_analysis(name, project, ws) for name in ("kde", "gistar", "bivariate")}
        results["rates"] = rates_for("ward", project, ws)
    return {
        "selection": select(project, ws),
        "wards": ws.wards,
        "outline": ws.outline,
        "imd": ws.indicator("imd") is not None,
        "samhi": ws.indicator("samhi") is not None,
        "load_report": ws.offences.report.summary() if ws.offences is not None else "",
        **results,
    }


def _hotspot_pack(data, out: Path) -> tuple[float, int]:
    from pypdf import PdfReader

    from hotspot.maps.briefing import Briefing, write_briefing

    sel = data["selection"]
    pack = Briefing(
        title=f"{sel.group.name} in the demo borough",
        offence_group=sel.group.name,
        period=sel.period,
        wards=data["wards"],
        outline=data["outline"],
        kde=data["kde"],
        gistar=data["gistar"],
        rates=data["rates"],
        bivariate=data["bivariate"],
        ward_pages=list(data["wards"].gdf["name"]),
        imd=data["imd"],
        samhi=data["samhi"],
        load_report=data["load_report"],
        marking="OFFICIAL",
    )
    t = time.perf_counter()
    path = write_briefing(out / "briefing.pdf", pack)
    elapsed = time.perf_counter() - t
    return elapsed, len(PdfReader(path).pages)


def _peer_pack(data, out: Path, n_pages: int) -> float:
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    table = data["rates"].table
    t = time.perf_counter()
    with PdfPages(out / "peer.pdf") as pdf:
        for _ in range(n_pages):
            fig = Figure(figsize=(11.69, 8.27))
            ax = fig.add_subplot()
            table.plot(column="count", ax=ax, cmap="YlOrRd", edgecolor="white")
            ax.set_title("Offences by ward")
            pdf.savefig(fig)
    return time.perf_counter() - t


def _other_exports(data, out: Path) -> dict[str, float]:
    from hotspot import export
    from hotspot.maps import layers as L
    from hotspot.maps import web, web_html

    times = {}
    t = time.perf_counter()
    export.export_geopackage(
        out / "results.gpkg",
        kde=data["kde"],
        gistar=data["gistar"],
        rates=data["rates"],
        bivariate=data["bivariate"],
        extra={"wards": data["wards"].gdf},
    )
    times["GeoPackage"] = time.perf_counter() - t
    t = time.perf_counter()
    export.write_geotiff(data["kde"], out / "kde.tif")
    times["GeoTIFF"] = time.perf_counter() - t
    t = time.perf_counter()
    export.write_csv(data["rates"].table, out / "wards.csv", suppress_below=5)
    times["CSV"] = time.perf_counter() - t
    t = time.perf_counter()
    layers = [
        L.DensitySurface(data["kde"]),
        L.GiStarCells(data["gistar"], visible=False),
        L.AreaChoropleth(data["rates"], visible=False),
        L.AreaBoundaries(data["wards"], name="Wards"),
    ]
    web_html.write_html(web.build_map(layers, title="Demo borough"), out / "map.html")
    times["offline HTML"] = time.perf_counter() - t
    return times


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="copy the outputs into this folder")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        t = time.perf_counter()
        data = _prepare(tmp_path / "demo")
        print(f"demo borough loaded and analysed in {time.perf_counter() - t:.1f} s")
        out = tmp_path / "out"
        out.mkdir()
        hot, pages = _hotspot_pack(data, out)
        peer = _peer_pack(data, out, pages)
        print(f"briefing pack: {pages} pages in {hot:.2f} s ({hot / pages:.2f} s a page)")
        print(f"peer (plain GeoDataFrame.plot pages): {peer:.2f} s")
        print(f"ratio hotspot / peer: {hot / peer:.2f}")
        print(f"ratio hotspot / target ({TARGET_S:.0f} s): {hot / TARGET_S:.2f}")
        for name, secs in _other_exports(data, out).items():
            print(f"{name}: {secs:.2f} s")
        size = (out / "map.html").stat().st_size / 1e6
        print(f"offline HTML size: {size:.1f} MB")
        if args.keep:
            import shutil

            shutil.copytree(out, args.keep, dirs_exist_ok=True)
            print(f"outputs copied to {args.keep}")
    return 0 if hot <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
