"""Offences in named areas (town centres, beats): counts, rates per km², shares, change and
the hot spot zones in each, checked against geopandas spatial joins."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from hotspot.analysis.gistar import GiStarParams, run_gistar_grid
from hotspot.analysis.named_areas import named_area_counts, zones_in_areas
from hotspot.analysis.zones import gistar_zones
from hotspot.core.errors import AnalysisError

X0, Y0 = 530_000.0, 180_000.0


@pytest.fixture(scope="module")
def areas() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"name": ["Market", "Market", "Station", ""]},
        geometry=[
            shapely.box(X0 + 900, Y0 + 900, X0 + 1_100, Y0 + 1_100),
            shapely.box(X0 + 1_100, Y0 + 900, X0 + 1_300, Y0 + 1_100),  # same name: merged
            shapely.box(X0 + 200, Y0 + 200, X0 + 600, Y0 + 500),
            shapely.box(X0 + 1_700, Y0 + 1_700, X0 + 1_900, Y0 + 1_900),
        ],
        crs="EPSG:27700",
    )


def points(seed: int, n_hot: int) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    xy = np.vstack(
        [
            rng.normal([X0 + 1_100, Y0 + 1_000], 60, (n_hot, 2)),
            rng.uniform([X0, Y0], [X0 + 2_000, Y0 + 2_000], (800, 2)),
        ]
    )
    return gpd.GeoDataFrame(
        {"location": ["On or near Market Street"] * len(xy)},
        geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]),
        crs="EPSG:27700",
    )


def test_counts_rates_shares_and_change_agree_with_spatial_joins(areas):
    now, before = points(1, 400), points(2, 250)
    r = named_area_counts(areas, now, before, layer="Town centres")
    t = r.table.set_index("name")
    assert list(r.table["name"]) == ["Market", "Station", "Area 1"]  # most offences first
    merged = areas.dissolve(by=areas["name"].replace("", "Area 1"))
    for name, geom in merged.geometry.items():
        n_now = int(now.within(geom).sum())
        n_before = int(before.within(geom).sum())
        assert t.loc[name, "count"] == n_now
        assert t.loc[name, "count_prev"] == n_before
        assert t.loc[name, "change"] == n_now - n_before
        assert t.loc[name, "area_km2"] == pytest.approx(geom.area / 1e6)
        assert t.loc[name, "rate_km2"] == pytest.approx(n_now / (geom.area / 1e6))
        assert t.loc[name, "share"] == pytest.approx(n_now / len(now))
    assert r.outside == len(now) - int(t["count"].sum())
    assert r.lines()[0].startswith("Town centres: ")


def test_zones_in_each_area_are_the_zones_that_overlap_it(areas):
    pts = points(3, 600)
    g = run_gistar_grid(
        pts, GiStarParams(cell_size=100), study_area=shapely.box(X0, Y0, X0 + 2_000, Y0 + 2_000)
    )
    zones = gistar_zones(g, pts, min_bin=2)
    assert len(zones.zones) >= 1
    r = named_area_counts(areas, pts)
    found = dict(zip(r.table["name"], zones_in_areas(r.table, zones), strict=True))
    assert "1" in found["Market"].split(", ")  # the planted cluster is zone 1, in the market
    for name, listed in found.items():
        geom = r.table.set_index("name").geometry[name]
        expected = [
            str(z)
            for z, zg in zip(zones.zones["zone"], zones.zones.geometry, strict=True)
            if zg.intersection(geom).area > 1.0
        ]
        assert listed == ", ".join(expected), name


def test_a_layer_without_areas_is_refused():
    lines = gpd.GeoDataFrame(
        {"name": ["Road"]}, geometry=[shapely.LineString([(X0, Y0), (X0 + 10, Y0)])], crs=27700
    )
    with pytest.raises(AnalysisError, match="no polygons"):
        named_area_counts(lines, points(1, 10))
    empty = named_area_counts(
        gpd.GeoDataFrame({"name": ["A"]}, geometry=[shapely.box(0, 0, 1, 1)], crs=27700),
        pd.DataFrame({"geometry": []}).pipe(gpd.GeoDataFrame, crs=27700),
    )
    assert empty.table["count"].tolist() == [0] and empty.n_offences == 0
