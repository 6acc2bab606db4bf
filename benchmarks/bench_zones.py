"""Benchmark: hot spot zones named by their streets, for 100k offences (target <= 0.5 s).

The peer does the same work the way an analyst would in geopandas: the hot Gi* cells
dissolved into zones (buffered a hair so that cells meeting at a corner join), a spatial
join of the offences to the zones, and a groupby of their location names. Both get the same
Gi* result (not timed) and are checked to find the same zones with the same offences.

    python benchmarks/bench_zones.py [--offences 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from _timing import best

from hotspot.analysis.gistar import GiStarParams, run_gistar_grid
from hotspot.analysis.kde import KdeParams, run_kde
from hotspot.analysis.kde_areas import kde_zones
from hotspot.analysis.zones import gistar_zones

X0, Y0, W, H = 530_000.0, 170_000.0, 8_000.0, 10_000.0
STREETS = [f"{a} {b}" for a in ("Mill", "Church", "High", "Station", "Park", "Oak", "Elm", "Kiln")
           for b in ("Road", "Street", "Lane", "Close", "Way", "Grove")]  # fmt: skip


def offences(n: int, seed: int = 0) -> gpd.GeoDataFrame:
    """Offences snapped to ~6,000 named map points, a fifth of them in 12 town centres."""
    rng = np.random.default_rng(seed)
    points = rng.uniform([X0, Y0], [X0 + W, Y0 + H], (6_000, 2))
    names = np.array(
        [f"On or near {STREETS[i % len(STREETS)]}" for i in range(len(points))], dtype=object
    )
    names[rng.random(len(points)) < 0.05] = "On or near Supermarket"
    centres = rng.uniform([X0 + 800, Y0 + 800], [X0 + W - 800, Y0 + H - 800], (12, 2))
    near = np.argsort(np.hypot(*(points[:, None, :] - centres[None]).transpose(2, 0, 1)), axis=0)
    hot = near[:40].ravel()  # the 40 points nearest each centre
    pick = np.where(rng.random(n) < 0.2, rng.choice(hot, n), rng.integers(0, len(points), n))
    return gpd.GeoDataFrame(
        {"location": names[pick]},
        geometry=gpd.points_from_xy(points[pick, 0], points[pick, 1]),
        crs="EPSG:27700",
    )


def peer(result, pts: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Zones and names with geopandas: dissolve, explode, spatial join, groupby."""
    hot = result.cells[result.cells["gi_bin"] >= 2]
    merged = hot[["geometry"]].buffer(0.01).to_frame("geometry").dissolve()
    zones = merged.explode(index_parts=False).reset_index(drop=True)
    zones["zone_id"] = np.arange(len(zones))
    joined = gpd.sjoin(pts, zones, predicate="within")
    zones["offences"] = (
        joined.groupby("zone_id").size().reindex(zones["zone_id"], fill_value=0).values
    )
    names = joined["location"].str.replace("On or near ", "", regex=False)
    places = names.groupby(joined["zone_id"]).value_counts().rename("offences").reset_index()
    return zones.sort_values("offences", ascending=False), places


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--offences", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    warnings.simplefilter("ignore")

    pts = offences(args.offences)
    area = shapely.box(X0, Y0, X0 + W, Y0 + H)
    g = run_gistar_grid(pts, GiStarParams(), study_area=area)
    t_ours, z = best(lambda: gistar_zones(g, pts, min_bin=2), args.repeat)
    t_peer, (pz, _) = best(lambda: peer(g, pts), args.repeat)
    ours = sorted(z.zones["offences"].tolist())
    theirs = sorted(int(v) for v in pz["offences"] if v > 0)
    print(
        f"Gi* zones for {len(pts):,} offences on {len(g.cells):,} cells of {g.params.cell_size:g} m"
    )
    print(f"   {len(z.zones)} zones; same zones and offences as the peer: {ours == theirs}")
    print(f"   hotspot gistar_zones (zones, names, wards):   {t_ours:7.3f} s  (target <= 0.5 s)")
    print(f"   geopandas dissolve + sjoin + groupby:        {t_peer:7.3f} s")
    print(f"   ratio peer / hotspot: {t_peer / t_ours:5.1f}x")

    kde = run_kde(pts, KdeParams(), study_area=area)
    t_kde, kz = best(lambda: kde_zones(kde, pts), args.repeat)
    print(
        f"KDE hot spot zones on {kde.values.size:,} raster cells: {len(kz.zones)} zones, {t_kde:.3f} s"
    )


if __name__ == "__main__":
    main()
