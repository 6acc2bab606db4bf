"""Grids: default cell sizes, cell geometry and ids, point counting (against a geopandas
spatial join), neighbourhoods (against libpysal contiguity and a k-d tree) and the limits."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
import scipy.sparse as sp
import shapely
from _analysis_helpers import X0, Y0
from scipy.spatial import cKDTree

from hotspot.analysis._weights import grid_weights
from hotspot.analysis.cell_counts import count_points
from hotspot.analysis.cell_size import (
    MAX_CELLS,
    default_gistar_cell_size,
    default_kde_cell_size,
    suggest_cell_size,
)
from hotspot.analysis.errors import GeographicCrsError, GridTooLargeError
from hotspot.analysis.grid import make_grid
from hotspot.analysis.study_points import point_coordinates, study_area_from
from hotspot.model import AreaLayer


def _sjoin_counts(grid, xy: np.ndarray) -> np.ndarray:
    """Independent count: points inside the study area joined to the cells they fall in."""
    inside = shapely.contains_xy(grid.study_area, xy[:, 0], xy[:, 1])
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(*xy[inside].T), crs=27700)
    whole = grid.cells.copy()
    joined = gpd.sjoin(pts, whole, predicate="intersects")
    joined = joined[~joined.index.duplicated()]  # a point on a shared edge counts once
    return np.bincount(joined["index_right"].to_numpy(), minlength=len(grid.cells))


# --------------------------------------------------------------------------- cell sizes


@pytest.mark.parametrize(
    ("width", "height", "expected"),
    [
        (12_000, 8_000, 100.0),  # 8000 / 50 = 160 -> floored to 100
        (20_000, 12_345, 200.0),  # 246.9 -> 200
        (30_000, 60_000, 600.0),  # 600 exactly
        (4_000, 3_000, 60.0),  # 60 < 100: unrounded
        (4_000, 3_210, 64.2),
    ],
)
def test_default_gistar_cell_size_follows_the_sfhotspot_rule(width, height, expected):
    area = shapely.box(X0, Y0, X0 + width, Y0 + height)
    assert default_gistar_cell_size(area) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("short", "expected"), [(8_000, 30.0), (8_900, 35.0), (2_000, 8.0), (40_000, 160.0)]
)
def test_default_kde_cell_size_is_a_round_number_near_a_250th_of_the_short_side(short, expected):
    area = shapely.box(X0, Y0, X0 + 2 * short, Y0 + short)
    size = default_kde_cell_size(area)
    assert size == expected
    assert abs(size - short / 250) <= 0.1 * short / 250 + 1


# --------------------------------------------------------------------------- geometry


def test_square_grid_ids_are_row_major_from_the_north_west():
    grid = make_grid(shapely.box(X0, Y0, X0 + 1000, Y0 + 500), 100)
    cells = grid.cells
    assert (grid.nrows, grid.ncols, len(cells)) == (5, 10, 50)
    assert cells.crs.to_epsg() == 27700
    np.testing.assert_array_equal(cells["cell_id"], cells["row"] * grid.ncols + cells["col"])
    first = cells.geometry.iloc[0].bounds
    assert first == pytest.approx((X0, Y0 + 400, X0 + 100, Y0 + 500))
    north = cells.geometry.centroid.y.to_numpy()
    assert np.all(np.diff(north[cells["col"] == 0]) < 0), "row 0 must be the northernmost"
    again = make_grid(shapely.box(X0, Y0, X0 + 1000, Y0 + 500), 100)
    np.testing.assert_array_equal(again.cells["cell_id"], cells["cell_id"])


@pytest.mark.parametrize("shape", ["square", "hexagon"])
def test_clipped_cells_tile_the_study_area_exactly(shape):
    area = shapely.Point(X0, Y0).buffer(2_000)
    clipped = make_grid(area, 150, shape=shape, clip=True)
    whole = make_grid(area, 150, shape=shape, clip=False)
    assert clipped.cells.area.sum() == pytest.approx(area.area, rel=1e-9)
    assert shapely.union_all(clipped.cells.geometry.values).symmetric_difference(
        area
    ).area == pytest.approx(0, abs=1e-3)
    # whole cells cover the area and are all full size
    assert shapely.union_all(whole.cells.geometry.values).contains(area.buffer(-1e-6))
    np.testing.assert_allclose(whole.cells.area, whole.cell_area, rtol=1e-7)
    np.testing.assert_array_equal(clipped.cells["cell_id"], whole.cells["cell_id"])
    # interior cells are unchanged by clipping
    inner = clipped.interior
    np.testing.assert_allclose(clipped.cells.area[inner], whole.cell_area, rtol=1e-7)


def test_hexagons_have_the_right_size_and_do_not_overlap():
    grid = make_grid(shapely.box(X0, Y0, X0 + 2000, Y0 + 1500), 200, shape="hexagon", clip=False)
    geoms = grid.cells.geometry.values
    assert shapely.area(geoms) == pytest.approx(math.sqrt(3) / 2 * 200**2, rel=1e-7)
    assert shapely.union_all(geoms).area == pytest.approx(shapely.area(geoms).sum(), rel=1e-9)
    # adjacent centres are one cell size apart
    tree = cKDTree(grid.centres)
    d, _ = tree.query(grid.centres, k=2)
    assert d[:, 1] == pytest.approx(200.0)


def test_cells_that_only_touch_the_area_are_left_out():
    grid = make_grid(shapely.box(X0, Y0, X0 + 1000, Y0 + 1000), 100, clip=False)
    assert len(grid.cells) == 100
    assert grid.interior.all()


# --------------------------------------------------------------------------- counting


@pytest.mark.parametrize("shape", ["square", "hexagon"])
@pytest.mark.parametrize("clip", [True, False])
def test_counts_match_a_spatial_join(shape, clip):
    area = shapely.Polygon(
        [(X0, Y0), (X0 + 3000, Y0 + 400), (X0 + 2600, Y0 + 2500), (X0 + 300, Y0 + 1800)]
    )
    grid = make_grid(area, 170, shape=shape, clip=clip)
    rng = np.random.default_rng(4)
    xy = rng.uniform([X0 - 200, Y0 - 200], [X0 + 3200, Y0 + 2700], size=(20_000, 2))
    counts, n_outside = count_points(grid, xy)
    expected_outside = int((~shapely.contains_xy(area, xy[:, 0], xy[:, 1])).sum())
    assert n_outside == expected_outside
    np.testing.assert_array_equal(counts, _sjoin_counts(grid, xy))
    assert counts.sum() + n_outside == len(xy)


def test_weighted_counts_and_geodataframe_input():
    grid = make_grid(shapely.box(X0, Y0, X0 + 400, Y0 + 400), 200)
    xy = np.array([[X0 + 50, Y0 + 350], [X0 + 60, Y0 + 360], [X0 + 350, Y0 + 50]])
    gdf = gpd.GeoDataFrame(geometry=gpd.points_from_xy(*xy.T), crs=27700)
    counts, _ = count_points(grid, gdf, weights=np.array([1.0, 2.5, 4.0]))
    by_id = dict(zip(grid.cells["cell_id"], counts, strict=True))
    assert by_id[0] == pytest.approx(3.5)  # north-west cell
    assert by_id[3] == pytest.approx(4.0)  # south-east cell


def test_points_in_lon_lat_are_refused():
    gdf = gpd.GeoDataFrame(geometry=gpd.points_from_xy([-0.02], [51.45]), crs=4326)
    with pytest.raises(GeographicCrsError, match="27700"):
        point_coordinates(gdf)
    with pytest.raises(GeographicCrsError, match="degrees"):
        point_coordinates(np.array([[-0.02, 51.45], [-0.03, 51.46]]))


def test_points_in_another_projected_crs_are_reprojected():
    gdf = gpd.GeoDataFrame(geometry=gpd.points_from_xy([X0], [Y0]), crs=27700).to_crs(3857)
    np.testing.assert_allclose(point_coordinates(gdf), [[X0, Y0]], atol=1e-3)


# --------------------------------------------------------------------------- neighbours


def test_queen_neighbourhood_matches_libpysal_contiguity():
    from libpysal import graph

    area = shapely.Point(X0, Y0).buffer(1_000)
    grid = make_grid(area, 100, clip=False)
    ours = grid_weights(grid, include_self=False)
    ref = graph.Graph.build_contiguity(grid.cells, rook=False).sparse
    assert (abs(ours - sp.csr_matrix(ref)) > 0).nnz == 0
    with_self = grid_weights(grid)
    np.testing.assert_array_equal(with_self.diagonal(), 1.0)
    assert np.diff(with_self.indptr).max() == 9
    assert np.diff(with_self.indptr).min() < 9  # edge cells have fewer neighbours


@pytest.mark.parametrize("shape", ["square", "hexagon"])
def test_distance_neighbourhood_matches_a_kdtree(shape):
    grid = make_grid(shapely.box(X0, Y0, X0 + 2000, Y0 + 1500), 100, shape=shape)
    ours = grid_weights(grid, distance=275.0)
    pairs = cKDTree(grid.centres).query_pairs(275.0, output_type="ndarray")
    n = len(grid.cells)
    ref = sp.coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    ref = sp.csr_matrix(ref + ref.T + sp.identity(n))
    assert (abs(ours - ref) > 0).nnz == 0


def test_hexagon_queen_neighbours_are_the_six_touching_cells():
    grid = make_grid(shapely.box(X0, Y0, X0 + 1500, Y0 + 1500), 100, shape="hexagon", clip=False)
    ours = grid_weights(grid)
    geoms = grid.cells.geometry.values
    i, j = shapely.STRtree(geoms).query(geoms, predicate="dwithin", distance=1e-3)
    n = len(geoms)
    ref = sp.csr_matrix((np.ones(i.size), (i, j)), shape=(n, n))
    assert (abs(ours - ref) > 0).nnz == 0
    assert np.diff(ours.indptr).max() == 7


# --------------------------------------------------------------------------- limits, areas


@pytest.mark.parametrize("shape", ["square", "hexagon"])
def test_the_suggested_cell_size_makes_a_grid_that_fits(monkeypatch, shape):
    import hotspot.analysis.cell_size as cell_size_module

    monkeypatch.setattr(cell_size_module, "MAX_CELLS", 5_000)
    area = shapely.Point(X0, Y0).buffer(3_000)
    with pytest.raises(GridTooLargeError, match=r"at least \d+ m") as err:
        make_grid(area, 20, shape=shape)
    suggested = float(str(err.value).split("at least ")[1].split(" m")[0])
    grid = make_grid(area, suggested, shape=shape)  # no error: the advice works
    assert grid.nrows * grid.ncols <= 5_000
    # and it is the smallest round size that does
    smaller = suggested - (1.0 if suggested <= 10 else 5.0 if suggested <= 100 else 10.0)
    with pytest.raises(GridTooLargeError):
        make_grid(area, smaller, shape=shape)


def test_too_large_grid_is_refused_with_a_workable_suggestion():
    area = shapely.box(X0, Y0, X0 + 100_000, Y0 + 100_000)
    with pytest.raises(GridTooLargeError, match=r"at least \d+ m") as err:
        make_grid(area, 10)
    suggested = float(str(err.value).split("at least ")[1].split(" m")[0])
    assert suggested == suggest_cell_size(area)
    assert math.ceil(100_000 / suggested + 1) ** 2 <= MAX_CELLS


def test_study_area_from_points_ignores_a_stray_point_at_the_origin():
    rng = np.random.default_rng(0)
    xy = rng.uniform([X0, Y0], [X0 + 5000, Y0 + 4000], size=(500, 2))
    area = study_area_from(points=np.vstack([xy, [[1.0, 1.0]]]))
    xmin, ymin, xmax, ymax = area.bounds
    assert xmin > X0 - 500 and ymin > Y0 - 500
    assert xmax < X0 + 5500 and ymax < Y0 + 4500
    assert shapely.contains_xy(area, xy[:, 0], xy[:, 1]).all()


@pytest.mark.parametrize("n", [5, 12, 40, 150])
def test_a_stray_point_is_left_out_of_the_hull_even_among_few_points(n):
    rng = np.random.default_rng(n)
    xy = rng.uniform([X0, Y0], [X0 + 3000, Y0 + 2000], size=(n, 2))
    area = study_area_from(points=np.vstack([xy, [[0.0, 0.0]]]))
    assert area.bounds[0] > X0 - 1000 and area.bounds[1] > Y0 - 1000
    assert shapely.contains_xy(area, xy[:, 0], xy[:, 1]).all()


def test_repeated_map_points_do_not_squeeze_out_a_nearby_point():
    # police.uk snaps offences to map points: 200 offences at one point, one 400 m away
    xy = np.vstack([np.full((200, 2), [X0, Y0]), [[X0 + 400, Y0 + 300]]])
    area = study_area_from(points=xy)
    assert shapely.contains_xy(area, xy[:, 0], xy[:, 1]).all()


def test_rows_without_a_location_are_counted_and_lon_lat_without_a_crs_refused():
    from hotspot.analysis.study_points import points_in_study_area

    gdf = gpd.GeoDataFrame(
        geometry=[shapely.Point(X0 + 10, Y0 + 10), None, shapely.Point(), shapely.Point(X0, Y0)],
        crs=27700,
    )
    pts = points_in_study_area(gdf, shapely.box(X0 - 100, Y0 - 100, X0 + 100, Y0 + 100))
    assert (pts.n_missing, pts.n_outside, len(pts.xy)) == (2, 0, 2)
    np.testing.assert_array_equal(pts.used, [True, False, False, True])
    no_crs = gpd.GeoDataFrame(geometry=gpd.points_from_xy([-0.02, -0.03], [51.45, 51.46]))
    with pytest.raises(GeographicCrsError, match="degrees"):
        point_coordinates(no_crs)


def test_study_area_from_areas_is_their_union(lewisham_wards, lewisham_outline):
    area = study_area_from(areas=AreaLayer(lewisham_wards, level="ward"))
    assert area.area == pytest.approx(lewisham_wards.area.sum(), rel=1e-6)
    outline = study_area_from(outline=lewisham_outline)
    assert area.symmetric_difference(outline).area < 0.01 * outline.area


def test_lon_lat_study_area_is_refused(shared_data):
    wards = gpd.read_file(shared_data / "boundaries" / "lewisham_wards_2022.geojson")
    with pytest.raises(GeographicCrsError, match="to_crs"):
        make_grid(wards, 100)
    # a bare geometry (no CRS to tell) in degrees is recognised by its extent
    with pytest.raises(GeographicCrsError, match="degrees"):
        make_grid(shapely.union_all(wards.geometry.values), 0.001)


@pytest.mark.parametrize(("width", "height"), [(8_000, 10_400), (3_000, 2_000), (60_000, 45_000)])
def test_suggested_cell_size_always_fits_the_limit(width, height):
    """Borough-sized areas where rounding alone would stall (e.g. 10 m -> 11 m -> 10 m)."""
    area = shapely.box(X0, Y0, X0 + width, Y0 + height)
    size = suggest_cell_size(area)
    cells = math.ceil(width / size + 1) * math.ceil(height / size + 1)
    assert cells <= MAX_CELLS
    smaller = size - (1.0 if size <= 10 else 5.0 if size <= 100 else 10.0)
    assert math.ceil(width / smaller + 1) * math.ceil(height / smaller + 1) > MAX_CELLS * 0.8
    with pytest.raises(GridTooLargeError, match=f"at least {size:g} m"):
        make_grid(area, 1.0)
