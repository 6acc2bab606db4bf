"""Fixtures for the analysis tests: real Lewisham offences and boundaries (read plainly with
json and pyproj, independently of the readers under test elsewhere), and synthetic points."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest


@pytest.fixture(scope="session")
def lewisham_offences(shared_data: Path) -> dict[str, np.ndarray]:
    """Unique police.uk API records for Lewisham: ``xy`` (BNG metres), ``category``, ``month``."""
    import pyproj

    records: dict[int, tuple[float, float, str, str]] = {}
    folder = shared_data / "police-uk" / "lewisham-api-json"
    for path in sorted(folder.glob("*/*.json")):
        for rec in json.loads(path.read_text(encoding="utf-8")):
            loc = rec["location"]
            records[rec["id"]] = (
                float(loc["longitude"]),
                float(loc["latitude"]),
                rec["category"],
                rec["month"],
            )
    lon, lat, cat, month = (np.array(v) for v in zip(*records.values(), strict=True))
    to_bng = pyproj.Transformer.from_crs(4326, 27700, always_xy=True)
    x, y = to_bng.transform(lon.astype(float), lat.astype(float))
    return {"xy": np.column_stack([x, y]), "category": cat, "month": month}


@pytest.fixture(scope="session")
def lewisham_violence(lewisham_offences) -> np.ndarray:
    """Violent-crime points (BNG metres), 2017-07 .. 2018-06."""
    sel = (lewisham_offences["category"] == "violent-crime") & (
        lewisham_offences["month"] >= "2017-07"
    )
    return lewisham_offences["xy"][sel]


@pytest.fixture(scope="session")
def lewisham_outline(shared_data: Path):
    """The borough outline (GeoDataFrame, EPSG:27700)."""
    import geopandas as gpd

    return gpd.read_file(shared_data / "boundaries" / "lewisham_borough_bng.geojson")


@pytest.fixture(scope="session")
def lewisham_wards(shared_data: Path):
    """The 19 wards of 2022 with ``code`` and ``name`` columns (EPSG:27700)."""
    import geopandas as gpd

    wards = gpd.read_file(shared_data / "boundaries" / "lewisham_wards_2022.geojson")
    wards = wards.rename(columns={"WD22CD": "code", "WD22NM": "name"})
    return wards[["code", "name", "geometry"]].to_crs(27700)


@pytest.fixture(scope="session")
def lewisham_lsoas(shared_data: Path):
    """The 169 LSOAs of 2011 (EPSG:27700)."""
    import geopandas as gpd

    lsoas = gpd.read_file(shared_data / "boundaries" / "lewisham_lsoa_2011.geojson")
    return lsoas.to_crs(27700)
