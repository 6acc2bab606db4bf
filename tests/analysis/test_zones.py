"""Hot spot zones: hot cells merged (diagonals join, holes stay out, single cells count),
numbered by offences and named by the streets and places of their offences.

Merging is checked on hand-made grids and against an independent reference (cells that
touch, found with shapely's STRtree, grouped with scipy's connected components); names
are checked against pandas counts of the offences in each zone.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from hotspot.analysis.gistar import GiStarParams, GiStarResult, run_gistar_grid
from hotspot.analysis.grid import make_grid
from hotspot.analysis.kde import KdeParams, run_kde
from hotspot.analysis.kde_areas import kde_zones
from hotspot.analysis.zone_names import NO_NAME
from hotspot.analysis.zones import ZoneParams, gistar_zones

X0, Y0, S = 530_000.0, 180_000.0, 100.0


def grid_result(hot_rows: list[str], shape: str = "square") -> GiStarResult:
    """A Gi* result on a hand-made grid: "#" = hot at 99%, "+" = hot at 90%, "." = not."""
    nrows, ncols = len(hot_rows), len(hot_rows[0])
    area = shapely.box(X0, Y0 - nrows * S, X0 + ncols * S, Y0)
    grid = make_grid(area, S, shape=shape)
    cells = grid.cells.copy()
    marks = {"#": 3, "+": 1, ".": 0}
    bins = [
        marks[hot_rows[r][c]] if r < nrows and c < ncols else 0
        for r, c in zip(cells["row"], cells["col"], strict=True)
    ]
    cells.insert(3, "n", 0)
    cells["gi_bin"] = bins
    return GiStarResult(
        cells=cells,
        params=GiStarParams(cell_size=S, shape=shape),
        n_points=100,
        n_outside=0,
        kind="grid",
    )


def centre(r: int, c: int) -> tuple[float, float]:
    return X0 + (c + 0.5) * S, Y0 - (r + 0.5) * S


def offences(spec: list[tuple[int, int, str, int]]) -> gpd.GeoDataFrame:
    """Offences at cell centres: (row, col, location, how many)."""
    xs, ys, names = [], [], []
    for r, c, name, n in spec:
        x, y = centre(r, c)
        xs += [x] * n
        ys += [y] * n
        names += [name] * n
    return gpd.GeoDataFrame(
        {"location": names}, geometry=gpd.points_from_xy(xs, ys), crs="EPSG:27700"
    )


def groups(result, zones) -> list[set[tuple[int, int]]]:
    cells = result.cells
    out = []
    for z in sorted(set(zones.cell_zone) - {0}):
        picked = cells[zones.cell_zone == z]
        out.append(set(zip(picked["row"], picked["col"], strict=True)))
    return out


# --------------------------------------------------------------------------- merging


def test_diagonal_neighbours_join_and_a_gap_splits():
    g = grid_result(
        [
            "#....",
            ".#...",
            "..#..",
            ".....",
            "....#",
        ]
    )
    pts = offences(
        [(0, 0, "On or near A", 2), (1, 1, "On or near A", 2), (4, 4, "On or near B", 1)]
    )
    z = gistar_zones(g, pts, min_bin=1)
    assert groups(g, z) == [{(0, 0), (1, 1), (2, 2)}, {(4, 4)}]
    assert z.zones["offences"].tolist() == [4, 1]
    # diagonal cells meet at a corner only: the zone is one zone of three squares
    assert z.zones["cells"].tolist() == [3, 1]
    assert z.zones["area_km2"].iloc[0] == pytest.approx(3 * S * S / 1e6)


def test_a_ring_of_hot_cells_keeps_its_cold_middle_out():
    g = grid_result(
        [
            ".....",
            ".###.",
            ".#.#.",
            ".###.",
            ".....",
        ]
    )
    pts = offences([(1, 1, "On or near Ring Road", 5), (2, 2, "On or near Middle Lane", 7)])
    z = gistar_zones(g, pts, min_bin=1)
    assert len(z.zones) == 1
    geom = z.zones.geometry.iloc[0]
    assert geom.geom_type == "Polygon" and len(geom.interiors) == 1  # the hole
    assert geom.area == pytest.approx(8 * S * S)
    assert z.zones["offences"].iloc[0] == 5  # the middle's offences are not in the zone
    assert z.places["place"].tolist() == ["Ring Road"]


def test_single_cells_rank_by_offences_and_confidence_sets_which_cells_join():
    g = grid_result(
        [
            "#.+..",
            ".....",
            "..#..",
        ]
    )
    pts = offences(
        [(0, 0, "On or near A", 1), (0, 2, "On or near B", 3), (2, 2, "On or near C", 9)]
    )
    every = gistar_zones(g, pts, min_bin=1)
    assert every.zones["offences"].tolist() == [9, 3, 1]  # zone 1 = most offences
    assert every.zones["zone"].tolist() == [1, 2, 3]
    strict = gistar_zones(g, pts, min_bin=3)  # the 90% cell is left out
    assert strict.zones["offences"].tolist() == [9, 1]


def test_hot_cells_with_no_offence_make_no_zone():
    g = grid_result(["#..#"])
    z = gistar_zones(g, offences([(0, 0, "On or near A", 2)]), min_bin=1)
    assert z.zones["offences"].tolist() == [2]
    assert any("hold no offence" in w for w in z.warnings)
    assert set(z.cell_zone) == {0, 1}


def _touching_groups(cells: gpd.GeoDataFrame, hot: np.ndarray) -> list[set[int]]:
    """Independent reference: hot cells that touch (edge or corner) are one group."""
    geoms = np.asarray(cells.geometry.values)[hot]
    idx = np.flatnonzero(hot)
    a, b = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    graph = coo_matrix((np.ones(a.size), (a, b)), shape=(idx.size, idx.size))
    _, comp = connected_components(graph, directed=False)
    return sorted(({int(i) for i in idx[comp == k]} for k in range(comp.max() + 1)), key=min)


@pytest.mark.parametrize("shape", ["square", "hexagon"])
def test_zones_are_the_groups_of_touching_hot_cells(shape):
    rng = np.random.default_rng(3 if shape == "square" else 4)
    area = shapely.box(X0, Y0 - 2_000, X0 + 2_000, Y0)
    grid = make_grid(area, S, shape=shape)
    cells = grid.cells.copy()
    hot = rng.random(len(cells)) < 0.25
    cells.insert(3, "n", 0)
    cells["gi_bin"] = np.where(hot, 2, 0)
    result = GiStarResult(cells, GiStarParams(cell_size=S, shape=shape), 100, 0, "grid")
    centres = np.asarray(shapely.get_coordinates(shapely.centroid(cells.geometry.values)))
    pts = gpd.GeoDataFrame(
        {"location": ["On or near X"] * int(hot.sum())},
        geometry=gpd.points_from_xy(centres[hot, 0], centres[hot, 1]),
        crs="EPSG:27700",
    )
    z = gistar_zones(result, pts, min_bin=2)
    ours = sorted(
        ({int(i) for i in np.flatnonzero(z.cell_zone == k)} for k in range(1, len(z.zones) + 1)),
        key=min,
    )
    assert ours == _touching_groups(cells, hot)
    assert int(z.zones["offences"].sum()) == int(hot.sum())  # one offence per hot cell


# --------------------------------------------------------------------------- names


def test_names_tie_out_and_kinds_of_place_take_the_nearest_street():
    g = grid_result(["###", "...", "..."])
    pts = offences(
        [
            (0, 0, "On or near High Street", 6),
            (0, 1, "On or near Supermarket", 4),
            (0, 2, "No Location", 1),
            (2, 2, "On or near Far Lane", 1),
        ]
    )
    z = gistar_zones(g, pts, min_bin=1, params=ZoneParams(near_street_m=150))
    places = dict(zip(z.places["place"], z.places["offences"], strict=True))
    assert places == {"High Street": 6, "Supermarket near High Street": 4, NO_NAME: 1}
    assert sum(places.values()) == int(z.zones["offences"].iloc[0]) == 11
    assert z.zones["places"].iloc[0].startswith("High Street (6), Supermarket near High Street (4)")
    far = gistar_zones(g, pts, min_bin=1, params=ZoneParams(near_street_m=50))
    assert "Supermarket" in set(far.places["place"])  # no street near enough: name alone


def test_sentence_says_zone_ward_offences_share_area_and_streets():
    g = grid_result(["##.", "..."])
    pts = offences([(0, 0, "On or near High Street", 62), (0, 1, "On or near Mill Lane", 30)])
    ward = gpd.GeoDataFrame(
        {"code": ["E05000001"], "name": ["Central"]},
        geometry=[shapely.box(X0 - 10, Y0 - 1_000, X0 + 1_000, Y0 + 10)],
        crs="EPSG:27700",
    )
    z = gistar_zones(g, pts, min_bin=1, wards=ward)
    assert z.zones["name"].iloc[0] == "Zone 1, Central"
    assert z.sentences()[0] == (
        "Zone 1, Central: 92 offences (92% of the borough) in 0.02 km², mostly on or near "
        "High Street (62), Mill Lane (30)."
    )


def _two_town_centres() -> tuple[gpd.GeoDataFrame, shapely.Geometry, gpd.GeoDataFrame]:
    """Offences around two centres (400 west, 250 east) over a background, the study area
    (2 x 1 km) and two wards splitting it west / east."""
    rng = np.random.default_rng(8)
    west = rng.normal([X0 + 500, Y0 - 500], 60, (400, 2))
    east = rng.normal([X0 + 1_500, Y0 - 500], 60, (250, 2))
    spread = rng.uniform([X0, Y0 - 1_000], [X0 + 2_000, Y0], (600, 2))
    xy = np.vstack([west, east, spread])
    names = ["On or near Market Square"] * 400 + ["On or near Mill Lane"] * 250
    pts = gpd.GeoDataFrame(
        {"location": names + ["On or near Elsewhere"] * 600},
        geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]),
        crs="EPSG:27700",
    )
    wards = gpd.GeoDataFrame(
        {"code": ["W1", "W2"], "name": ["Westward", "Eastward"]},
        geometry=[
            shapely.box(X0, Y0 - 1_000, X0 + 1_000, Y0),
            shapely.box(X0 + 1_000, Y0 - 1_000, X0 + 2_000, Y0),
        ],
        crs="EPSG:27700",
    )
    return pts, shapely.box(X0, Y0 - 1_000, X0 + 2_000, Y0), wards


@pytest.mark.parametrize("rule", ["k_mean", "top_percent"])
def test_kde_hot_spot_areas_are_the_maps_hottest_class_counted_independently(rule):
    pts, area, wards = _two_town_centres()
    params = KdeParams(bandwidth=150, cell_size=25, hotspot_rule=rule, top_percent=2)
    kde = run_kde(pts, params, study_area=area)
    z = kde_zones(kde, pts, wards=wards)
    # the cells are the map's hottest class, worked out here with numpy alone
    v = kde.values
    if rule == "k_mean":
        level = 3 * np.nanmean(np.where(v > 0, v, np.nan))
    else:
        level = np.quantile(v[np.isfinite(v)], 0.98)
    hot = np.isfinite(v) & (v >= level) & (v > 0)
    assert (z.cell_zone.reshape(v.shape) > 0).sum() == hot.sum()
    assert f"{level:,.3g} offences per km² or more" in z.rule  # the caption says the rule
    assert list(z.zones["main_ward"]) == ["Westward", "Eastward"]  # the bigger centre first
    assert z.zones["wards"].tolist() == ["Westward", "Eastward"]
    assert z.zones.crs.to_epsg() == 27700
    # offences, share, area and PAI from a geopandas count and the polygons' own areas
    n_inside = int(pts.within(area).sum())
    for _, zone in z.zones.iterrows():
        inside = int(pts.within(zone.geometry).sum())
        assert int(zone["offences"]) == inside
        assert zone["share_offences"] == pytest.approx(inside / n_inside, rel=1e-12)
        assert zone["area_km2"] == pytest.approx(zone.geometry.area / 1e6, rel=1e-9)
        assert zone["share_area"] == pytest.approx(zone.geometry.area / area.area, rel=1e-9)
        pai = (inside / n_inside) / (zone.geometry.area / area.area)
        assert zone["pai"] == pytest.approx(pai, rel=1e-9) and zone["pai"] > 5
    # every hot cell centre lies in a zone, and the names tie out with the offences
    centres = np.array([kde.transform @ (c + 0.5, r + 0.5) for r, c in np.argwhere(hot)])
    assert shapely.contains_xy(shapely.union_all(z.zones.geometry.values), *centres.T).all()
    assert z.places[z.places["zone"] == 1]["place"].iloc[0] == "Market Square"
    assert z.places.groupby("zone")["offences"].sum().tolist() == z.zones["offences"].tolist()


def test_kde_hot_cells_touching_at_a_corner_form_one_area():
    """The KDE hot spot areas join cells as the Gi* zones do: a corner is enough."""
    from affine import Affine

    from hotspot.analysis.kde import DensityResult

    values = np.zeros((4, 4))
    values[0, 0] = values[1, 1] = 9.0  # touch at a corner
    values[3, 3] = 9.0  # apart
    kde = DensityResult(
        values=values,
        transform=Affine(S, 0.0, X0, 0.0, -S, Y0),
        crs="EPSG:27700",
        params=KdeParams(bandwidth=200, cell_size=S, hotspot_k=(1,)),
        n_points=3,
        units="offences per km²",
        bandwidth_note="",
    )
    pts = offences([(0, 0, "On or near A Road", 1), (1, 1, "On or near B Road", 1)])
    pts = pd.concat([pts, offences([(3, 3, "On or near C Road", 1)])], ignore_index=True)
    z = kde_zones(kde, pts)
    assert z.zones["cells"].tolist() == [2, 1] and z.zones["offences"].tolist() == [2, 1]


def test_no_hot_cell_gives_no_zone_and_says_why():
    z = gistar_zones(grid_result(["...", "..."]), offences([(0, 0, "On or near A Road", 3)]))
    assert len(z.zones) == 0 and z.places.empty and not z.sentences()
    assert any("no gi* hot spot cells" in w.lower() for w in z.warnings)
    from hotspot.pipeline.specs._zones import zone_tables

    table = zone_tables({"z": z}, "z", title="Zones", csv="z.csv", gpkg="z")[0]
    assert table.caption.startswith("No hot spot zones: there are no gi* hot spot cells")


def test_published_zones_hide_small_counts_in_their_text():
    g = grid_result(["##.", "..."])
    pts = offences([(0, 0, "On or near High Street", 62), (0, 1, "On or near Mill Lane", 3)])
    z = gistar_zones(g, pts, min_bin=1)
    assert "Mill Lane (3)" in z.zones["places"].iloc[0]
    shown = z.publishable(5)
    assert shown.zones["places"].iloc[0] == "High Street (62), Mill Lane (<5)"
    assert shown.sentences()[0].endswith("High Street (62), Mill Lane (<5).")
    assert z.zones["places"].iloc[0].endswith("Mill Lane (3)")  # the result is unchanged
    small = gistar_zones(grid_result(["#."]), offences([(0, 0, "On or near Lane", 2)]), min_bin=1)
    sentence = small.publishable(5).sentences()[0]
    assert sentence.startswith("Zone 1: <5 offences in") and "%" not in sentence


def test_each_cell_names_its_busiest_streets_as_pandas_counts_them():
    from hotspot.analysis.cell_groups import grid_of_cells
    from hotspot.analysis.zone_names import cell_streets

    g = grid_result(["...", "..."])
    pts = offences(
        [
            (0, 0, "On or near High Street", 5),
            (0, 0, "On or near Mill Lane", 2),
            (0, 0, "On or near Back Lane", 1),
            (1, 2, "On or near Supermarket", 1),
            (1, 1, "No Location", 4),
        ]
    )
    streets = cell_streets(grid_of_cells(g.cells, S, "square"), pts)
    joined = gpd.sjoin(pts, g.cells[["geometry"]], predicate="within")
    joined["place"] = joined["location"].str.replace("On or near ", "")
    joined = joined[joined["place"] != "No Location"]
    for i in range(len(g.cells)):
        mine = joined[joined["index_right"] == g.cells.index[i]]["place"].value_counts()
        expected = ", ".join(mine.index[:2]) if len(mine) else ""
        assert streets[i] == expected
    assert "High Street, Mill Lane" in streets and "Supermarket" in streets


def test_an_areas_gi_star_result_is_refused():
    g = grid_result(["#"])
    with pytest.raises(Exception, match="grid"):
        gistar_zones(GiStarResult(g.cells, g.params, 1, 0, "areas"), offences([]))


# --------------------------------------------------------------------------- real data

SERIOUS = {"violent-crime", "robbery", "possession-of-weapons"}


@pytest.fixture(scope="module")
def lewisham(shared_data):
    """Serious violence, 12 months to 2018-06, read plainly from the API JSON (with names)."""
    import json

    import pyproj

    rows = {}
    for path in sorted((shared_data / "police-uk" / "lewisham-api-json").glob("*/*.json")):
        month = path.parent.name[-7:].replace("_", "-")
        if not "2017-07" <= month <= "2018-06":
            continue
        for rec in json.loads(path.read_text(encoding="utf-8")):
            if rec["category"] in SERIOUS:
                loc = rec["location"]
                rows[rec["id"]] = (
                    float(loc["longitude"]),
                    float(loc["latitude"]),
                    loc["street"]["name"],
                )
    df = pd.DataFrame(list(rows.values()), columns=["lon", "lat", "location"])
    x, y = pyproj.Transformer.from_crs(4326, 27700, always_xy=True).transform(df.lon, df.lat)
    return gpd.GeoDataFrame(
        {"location": df["location"]}, geometry=gpd.points_from_xy(x, y), crs="EPSG:27700"
    )


@pytest.mark.realdata
def test_lewisham_zones_and_names_agree_with_an_independent_count(
    lewisham, lewisham_outline, lewisham_wards
):
    assert len(lewisham) == 8_840  # violent crime 7,583 + robbery 1,021 + weapons 236
    outline = shapely.union_all(lewisham_outline.geometry.values)
    g = run_gistar_grid(lewisham, GiStarParams(), study_area=outline)
    z = gistar_zones(g, lewisham, min_bin=2, wards=lewisham_wards)
    assert len(z.zones) >= 4
    assert z.zones["offences"].is_monotonic_decreasing
    # offences per zone = the Gi* counts of its cells, and = a geopandas spatial join
    n = g.cells["n"].to_numpy()
    joined = gpd.sjoin(lewisham, z.zones[["zone", "geometry"]], predicate="within")
    by_join = joined.groupby("zone").size()
    for _, zone in z.zones.iterrows():
        k = int(zone["zone"])
        assert int(zone["offences"]) == int(n[z.cell_zone == k].sum())
        assert int(zone["offences"]) == int(by_join.get(k, 0))
        # names: pandas counts of the locations of the zone's offences ("On or near " off)
        names = joined.loc[joined["zone"] == k, "location"].str.replace("On or near ", "")
        expected = names.replace("", NO_NAME).value_counts()
        ours = z.places[z.places["zone"] == k]
        assert int(ours["offences"].sum()) == int(zone["offences"])
        street = ours[~ours["place"].str.contains(" near ")]  # streets keep their own name
        for place, count in zip(street["place"], street["offences"], strict=True):
            assert int(expected[place]) == int(count), (k, place)
    # the Ladywell zone is the 184 offences recorded at the hospital
    hospital = z.zones[z.zones["places"].str.startswith("Hospital near")]
    assert len(hospital) == 1
    row = hospital.iloc[0]
    assert row["main_ward"] == "Ladywell" and int(row["offences"]) == 184
    assert lewisham[lewisham["location"] == "On or near Hospital"].within(row.geometry).sum() == 184
    # the busiest zones are the town centres: Catford (Rushey Green) and Lewisham
    assert {z.zones["main_ward"].iloc[0], z.zones["main_ward"].iloc[1]} == {
        "Rushey Green",
        "Lewisham Central",
    }
    assert (
        "Lewisham High Street"
        in z.zones.loc[z.zones["main_ward"] == "Lewisham Central", "places"].iloc[0]
    )


@pytest.mark.realdata
def test_lewisham_kde_hot_spot_areas_agree_with_an_independent_count(
    lewisham, lewisham_outline, lewisham_wards
):
    """The KDE hot spot areas with the defaults: every hot cell of the map's top class in a
    zone, offences and PAI as geopandas counts them, the town centres first."""
    from scipy import ndimage

    outline = shapely.union_all(lewisham_outline.geometry.values)
    kde = run_kde(lewisham, KdeParams(), study_area=outline)
    z = kde_zones(kde, lewisham, wards=lewisham_wards)
    assert len(z.zones) >= 3 and z.zones["offences"].is_monotonic_decreasing
    v = kde.values
    hot = np.isfinite(v) & (v >= 3 * v[np.isfinite(v) & (v > 0)].mean())
    labels, n_groups = ndimage.label(hot, structure=np.ones((3, 3)))  # corners join
    assert len(z.zones) <= n_groups
    assert not ((z.cell_zone.reshape(v.shape) > 0) & ~hot).any()
    # offences per zone by a spatial join; PAI from the zone's polygon and the outline
    n_inside = int(lewisham.within(outline).sum())
    joined = gpd.sjoin(lewisham, z.zones[["zone", "geometry"]], predicate="within")
    by_zone = joined.groupby("zone").size()
    for _, zone in z.zones.iterrows():
        k = int(zone["zone"])
        assert int(zone["offences"]) == int(by_zone.get(k, 0))
        pai = (by_zone.get(k, 0) / n_inside) / (zone.geometry.area / outline.area)
        assert zone["pai"] == pytest.approx(pai, rel=1e-3)  # n_inside: points on the edge
        names = joined.loc[joined["zone"] == k, "location"].str.replace("On or near ", "")
        assert int(z.places.loc[z.places["zone"] == k, "offences"].sum()) == len(names)
    # hot cells left out of every zone hold no offence (hot because of those around them)
    held = np.zeros(n_groups + 1, dtype=int)
    xy = np.column_stack([lewisham.geometry.x, lewisham.geometry.y])
    rc = np.floor((np.array([[kde.transform.c, kde.transform.f]]) - xy) * [-1, 1] / kde.cell_size)
    col, row = rc[:, 0].astype(int), rc[:, 1].astype(int)
    on = (row >= 0) & (row < v.shape[0]) & (col >= 0) & (col < v.shape[1])
    np.add.at(held, labels[row[on], col[on]], 1)
    assert (held[1:] > 0).sum() == len(z.zones)
    assert {z.zones["main_ward"].iloc[0], z.zones["main_ward"].iloc[1]} & {
        "Rushey Green",
        "Lewisham Central",
    }
    assert (z.zones["pai"] > 1).all()
