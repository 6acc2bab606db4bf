"""Benchmark: a 200,000-segment road layer, read, drawn on a print map and sent to the window.

1. ``read_reference`` of a GeoPackage of 200k road segments (OS Open Roads fields), with the
   simplification a layer that size gets.
2. A print map of it over a borough, saved as a 300 dpi PNG (target <= 5 s), against the
   peer an analyst would use: ``GeoDataFrame.plot`` of the same lines on the same page.
3. The window: what the GUI thread does (make the layer entry) and what the worker does
   (the lighter copy and the Leaflet page); the page must stay small enough to draw.

    python benchmarks/bench_reference.py [--segments 200000] [--repeat 2]
"""

from __future__ import annotations

import argparse
import tempfile
import time
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely
from _timing import best

from hotspot.io import read_reference
from hotspot.maps import print_page, print_save
from hotspot.maps.reference import ReferenceMap

X0, Y0, SIDE = 530_000.0, 170_000.0, 20_000.0
CLASSES = ("A Road", "B Road", "Classified Unnumbered", "Unclassified", "Not Classified")


def network(n: int, seed: int = 0) -> gpd.GeoDataFrame:
    """``n`` road segments of 3-6 vertices, about 60 m each, with names and classes."""
    rng = np.random.default_rng(seed)
    start = rng.uniform([X0, Y0], [X0 + SIDE, Y0 + SIDE], (n, 2))
    angle = rng.uniform(0, np.pi, n)
    k = 5
    t = np.linspace(0, 60, k)
    xs = start[:, :1] + np.cos(angle)[:, None] * t + rng.normal(0, 1.5, (n, k))
    ys = start[:, 1:] + np.sin(angle)[:, None] * t + rng.normal(0, 1.5, (n, k))
    lines = shapely.linestrings(np.stack([xs, ys], axis=-1))
    cls = rng.choice(CLASSES, n, p=[0.05, 0.05, 0.1, 0.6, 0.2])
    names = np.array([f"Street {i % 9_000}" for i in range(n)], dtype=object)
    names[rng.random(n) < 0.15] = None
    return gpd.GeoDataFrame(
        {"name1": names, "roadClassification": cls}, geometry=lines, crs="EPSG:27700"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--segments", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    gdf = network(args.segments)
    borough = (X0 + 5_000, Y0 + 4_000, X0 + 13_000, Y0 + 14_000)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "roads.gpkg"
        pyogrio.write_dataframe(gdf, path, layer="road_link")
        t_read, ref = best(lambda: read_reference(path), 1)
        print(f"1. read_reference: {len(ref.gdf):,} segments in {t_read:.2f} s")
        print(f"   {ref.warnings[0] if ref.warnings else 'no warning'}")

        def ours() -> None:
            fig = print_page.print_map([ReferenceMap(ref)], title="Roads", extent=borough)
            print_save.save_figure(fig, Path(tmp) / "ours.png", overwrite=True)

        def peer() -> None:
            fig = print_page.print_map([], title="Roads", extent=borough)
            ax = next(a for a in fig.axes if a.get_gid() == "map")
            gdf.plot(ax=ax, linewidth=0.4, color="#999999", zorder=5)
            ax.set_xlim(borough[0], borough[2])
            ax.set_ylim(borough[1], borough[3])
            print_save.save_figure(fig, Path(tmp) / "peer.png", overwrite=True)

        t_ours, _ = best(ours, args.repeat)
        t_peer, _ = best(peer, args.repeat)
        print(f"2. print map, 300 dpi PNG (target <= 5 s):   {t_ours:6.2f} s")
        print(f"   GeoDataFrame.plot on the same page:        {t_peer:6.2f} s")
        print(f"   ratio peer / hotspot: {t_peer / t_ours:4.1f}x (ours also ranks, names roads)")

        from hotspot.maps.web import build_map
        from hotspot.maps.web_html import render_html

        t = time.perf_counter()
        ReferenceMap(ref)  # what the window's GUI thread makes (hotspot.ui.map_layers)
        t_gui = time.perf_counter() - t
        t = time.perf_counter()
        light = ReferenceMap(ref).for_web()
        t_light = time.perf_counter() - t
        t = time.perf_counter()
        html = render_html(build_map([ReferenceMap(ref)]))
        t_page = time.perf_counter() - t
        vertices = int(shapely.get_num_coordinates(light._gdf.geometry.values).sum())
        print(f"3. window: GUI thread {t_gui * 1000:.0f} ms (the layer entry);")
        print(f"   worker: lighter copy {t_light:.2f} s ({len(light._gdf):,} segments, "
              f"{vertices:,} vertices), Leaflet page {t_page:.2f} s, {len(html) / 1e6:.1f} MB")  # fmt: skip
        print(f"   {light.note}")


if __name__ == "__main__":
    main()
