"""Restricting boundaries to local authorities, and boundaries that reach beyond the offences."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from hotspot.core.errors import ProjectError
from hotspot.model import AreaLayer, Lookup, OffenceData
from hotspot.model.report import LoadReport
from hotspot.pipeline import study_area
from hotspot.pipeline.workspace import Workspace


def _layer(codes, names, boxes, level, **extra) -> AreaLayer:
    gdf = gpd.GeoDataFrame({"code": codes, "name": names, **extra}, geometry=boxes, crs=27700)
    return AreaLayer(gdf, level=level)


def _grid(n_cols: int, prefix_of) -> tuple[list, list, list]:
    codes, names, boxes = [], [], []
    for i in range(n_cols * 2):
        col, row = divmod(i, 2)
        codes.append(f"E0100{i:04d}")
        names.append(f"{prefix_of(col)} {i:03d}A")
        boxes.append(box(col * 100, row * 100, col * 100 + 100, row * 100 + 100))
    return codes, names, boxes


def _offences(xy: np.ndarray) -> OffenceData:
    n = len(xy)
    gdf = gpd.GeoDataFrame(
        {"category": ["Robbery"] * n, "month": [pd.Timestamp("2024-01-01")] * n},
        geometry=gpd.points_from_xy(*xy.T),
        crs=27700,
    )
    return OffenceData(gdf, LoadReport("x", len(gdf), len(gdf), months=("2024-01",)))


def test_lsoa_names_alone_say_the_authority_and_wards_follow_by_where_they_lie():
    codes, names, boxes = _grid(10, lambda c: "Alpha" if c < 2 else "Beta Vale")
    lsoas = _layer(codes, names, boxes, "lsoa")
    wards = _layer(
        ["W1", "W2"], ["West", "East"], [box(0, 0, 200, 200), box(200, 0, 1000, 200)], "ward"
    )
    ws = Workspace(areas={"lsoas": lsoas, "wards": wards})
    assert study_area.local_authorities(ws) == [("", "Alpha"), ("", "Beta Vale")]
    r = study_area.restrict(ws, ["beta  vale"])  # names compare without case or spacing
    assert len(r.lsoas.gdf) == 16 and r.lsoas.gdf["name"].str.startswith("Beta").all()
    assert list(r.wards.gdf["name"]) == ["East"]
    assert (
        r.notes[-1] == "Study area: Beta Vale; LSOA areas: 16 of 20 kept; ward areas: 1 of 2 kept"
    )
    back = study_area.restrict(r, [])  # the full layers again, from the restricted workspace
    assert len(back.lsoas.gdf) == 20 and back.unrestricted is None


def test_an_ons_lookup_gives_the_authority_of_lsoa_codes():
    codes, names, boxes = _grid(4, lambda c: "Area")
    lsoas = _layer(codes, [f"Area {i}" for i in range(8)], boxes, "lsoa")
    table = pd.DataFrame(
        {
            "lsoa_code": codes,
            "ward_code": "W",
            "ward_name": "w",
            "lad_code": ["E09000001"] * 4 + ["E09000002"] * 4,
            "lad_name": ["One"] * 4 + ["Two"] * 4,
        }
    )
    ws = Workspace(areas={"lsoas": lsoas}, lookups=[Lookup(table, "lsoa_ward")])
    assert study_area.local_authorities(ws) == [("E09000001", "One"), ("E09000002", "Two")]
    r = study_area.restrict(ws, ["E09000002"])
    assert list(r.lsoas.gdf["code"]) == codes[4:]


def test_a_borough_layer_restricts_layers_without_authority_fields_and_becomes_the_outline():
    boroughs = _layer(
        ["E09000010", "E09000020"],
        ["Left", "Right"],
        [box(0, 0, 500, 500), box(500, 0, 1000, 500)],
        "other",
    )
    wards = _layer(
        ["W1", "W2", "W3"],
        ["a", "b", "c"],
        [box(0, 0, 250, 500), box(250, 0, 500, 500), box(500, 0, 1000, 500)],
        "ward",
    )
    ws = Workspace(areas={"wards": wards}, other_areas=[boroughs])
    r = study_area.restrict(ws, ["Right"])
    assert list(r.wards.gdf["code"]) == ["W3"]
    assert r.outline is not None and list(r.outline.gdf["name"]) == ["Right"]


def test_unknown_or_unresolvable_authorities_are_refused_naming_what_there_is():
    codes, names, boxes = _grid(2, lambda c: "Alpha")
    ws = Workspace(areas={"lsoas": _layer(codes, names, boxes, "lsoa")})
    with pytest.raises(ProjectError, match="'Omega' is not a local authority.*they hold: Alpha"):
        study_area.restrict(ws, ["Omega"])
    bare = Workspace(areas={"wards": _layer(["W1"], ["West"], [box(0, 0, 1, 1)], "ward")})
    with pytest.raises(ProjectError, match="say nothing about local authorities"):
        study_area.restrict(bare, ["Alpha"])


def test_coverage_notices_boundaries_far_beyond_the_offences_and_frames_on_them():
    codes, names, boxes = _grid(20, lambda c: "Near" if c == 0 else "Far")
    lsoas = _layer(codes, names, boxes, "lsoa")
    rng = np.random.default_rng(0)
    xy = rng.uniform([5, 5], [95, 195], size=(200, 2))  # the first column only
    ws = Workspace(offences=_offences(xy), areas={"lsoas": lsoas})
    (c,) = study_area.coverage(ws)
    assert (c.areas, c.holding) == (40, 2) and c.overreaches
    assert c.by_authority == {"Near": 200}
    (text,) = study_area.overreach_warnings(ws)
    assert "only 2 of 40 LSOAs (5.0%) hold any offence" in text
    assert 'local_authorities = ["Near"]' in text
    frame = study_area.map_frame(ws)
    assert frame[0] >= 0 and frame[2] <= 100 and frame[3] <= 200
    spread = Workspace(
        offences=_offences(rng.uniform([0, 0], [2000, 200], (400, 2))), areas={"lsoas": lsoas}
    )
    assert not study_area.overreach_warnings(spread) and study_area.map_frame(spread) is None
