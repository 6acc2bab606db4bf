"""Small synthetic data sets for the honest-results tests (``hotspot run`` and the window)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from hotspot.model import Project, SelectionParams


def two_authorities_project(folder: Path) -> Path:
    """A project file: LSOAs of two authorities (LAD fields), wards without them, offences in one only."""
    import geopandas as gpd
    from shapely.geometry import box

    rng = np.random.default_rng(4)
    rows = []
    for i in range(50):  # 10 columns of 5: the first column is Alpha, the rest Beta
        col, row = divmod(i, 5)
        lad = ("E09000101", "Alpha") if col < 1 else ("E09000102", "Beta")
        x0, y0 = 530000 + col * 500, 180000 + row * 500
        rows.append(
            {
                "LSOA21CD": f"E0100{i:04d}",
                "LSOA21NM": f"{lad[1]} {i:03d}A",
                "LAD22CD": lad[0],
                "LAD22NM": lad[1],
                "geometry": box(x0, y0, x0 + 500, y0 + 500),
            }
        )
    lsoas = gpd.GeoDataFrame(rows, crs=27700)
    lsoas.to_file(folder / "lsoas.geojson")
    wards = gpd.GeoDataFrame(
        {
            "WD22CD": ["E05000901", "E05000902"],
            "WD22NM": ["Alpha Ward", "Beta Ward"],
            "geometry": [box(530000, 180000, 530500, 182500), box(530500, 180000, 535000, 182500)],
        },
        crs=27700,
    )
    wards.to_file(folder / "wards.geojson")
    xy = rng.uniform([530050, 180050], [530450, 182450], size=(400, 2))
    lonlat = gpd.GeoSeries(gpd.points_from_xy(*xy.T), crs=27700).to_crs(4326)
    pd.DataFrame(
        {
            "Month": rng.choice(["2024-01", "2024-02", "2024-03"], len(xy)),
            "Longitude": lonlat.x,
            "Latitude": lonlat.y,
            "Crime type": "Robbery",
        }
    ).to_csv(folder / "offences.csv", index=False)
    p = Project(name="Two boroughs", path=folder / "project.toml")
    p.add_source("offences", str(folder / "offences.csv"))
    p.add_source("areas", str(folder / "lsoas.geojson"), role="lsoas")
    p.add_source("areas", str(folder / "wards.geojson"), role="wards")
    p.selection = SelectionParams(group="All crime", months=3, compare=False)
    return p.save()


def points_csv(folder: Path, lon, lat, *, cat="Robbery", months=("2024-01",)) -> Path:
    """A reduced offence table (Month, Longitude, Latitude, Crime type) of the given points."""
    n = len(lon)
    path = folder / "points.csv"
    pd.DataFrame(
        {
            "Month": [months[i % len(months)] for i in range(n)],
            "Longitude": lon,
            "Latitude": lat,
            "Crime type": cat,
        }
    ).to_csv(path, index=False)
    return path


def identical_points_project(folder: Path) -> Path:
    """A project file: 60 offences at one map point (lon/lat rounding makes them differ by
    nanometres once in British National Grid)."""
    csv = points_csv(folder, [-0.0215] * 60, [51.4452] * 60)
    p = Project(name="One point", path=folder / "project.toml")
    p.add_source("offences", str(csv))
    p.selection = SelectionParams(group="All crime", months=1, compare=False)
    return p.save()
