"""Reference layers: OS Open Roads and OpenStreetMap fields recognised, any CRS reprojected,
files without names still drawn, huge layers simplified with a warning."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pyogrio
import pyproj
import pytest
import shapely

from hotspot.core.errors import InputError
from hotspot.io import detect_kind, read_reference
from hotspot.io.reference import HUGE_FEATURES, SIMPLIFY_M
from hotspot.model.reference import road_rank

X0, Y0 = 537_000.0, 174_000.0


def roads(n: int = 4, crs: str = "EPSG:27700", **fields) -> gpd.GeoDataFrame:
    lines = [shapely.LineString([(X0 + 100 * i, Y0), (X0 + 100 * i, Y0 + 500)]) for i in range(n)]
    gdf = gpd.GeoDataFrame(fields, geometry=lines, crs="EPSG:27700")
    return gdf.to_crs(crs)


def test_os_open_roads_fields_are_recognised(tmp_path):
    path = tmp_path / "oproad_gb.gpkg"
    gdf = roads(
        name1=["Lewisham High Street", None, "Lee High Road", None],
        roadNumber=["A21", "A20", None, None],
        roadClassification=["A Road", "A Road", "B Road", "Unclassified"],
    )
    pyogrio.write_dataframe(gdf, path, layer="road_link")
    pyogrio.write_dataframe(
        gpd.GeoDataFrame(geometry=[shapely.Point(X0, Y0)], crs=27700),
        path,
        layer="road_node",
        append=False,
    )
    ref = read_reference(path)
    assert ref.geometry == "lines" and ref.gdf.crs.to_epsg() == 27700
    # an unnamed road takes its number; a road with neither has no name and still draws
    assert ref.gdf["name"].tolist() == ["Lewisham High Street", "A20", "Lee High Road", ""]
    assert ref.gdf["rank"].tolist() == [1, 1, 2, 4]
    assert (
        "names from name1" in ref.notes[-1] and "classes from roadClassification" in ref.notes[-1]
    )
    assert detect_kind(path).kind == "reference"


def test_openstreetmap_fields_in_another_crs_are_reprojected(tmp_path):
    path = tmp_path / "osm_lines.geojson"
    gdf = roads(name=["Rushey Green", "Catford Broadway", None, "Footpath"],
                highway=["primary", "secondary", "residential", "footway"], crs="EPSG:4326")  # fmt: skip
    gdf.to_file(path, driver="GeoJSON")
    ref = read_reference(path, label="OSM roads")
    assert ref.label == "OSM roads"
    assert ref.gdf["rank"].tolist() == [1, 2, 4, 5]
    # coordinates are back where they were in British National Grid (pyproj, independently)
    lon, lat = shapely.get_coordinates(gdf.geometry.iloc[0])[0]
    x, y = pyproj.Transformer.from_crs(4326, 27700, always_xy=True).transform(lon, lat)
    np.testing.assert_allclose(
        shapely.get_coordinates(ref.gdf.geometry.iloc[0])[0], [x, y], atol=0.01
    )
    np.testing.assert_allclose([x, y], [X0, Y0], atol=0.5)


def test_a_layer_without_names_loads_and_says_so(tmp_path):
    path = tmp_path / "lines.shp"
    roads(other=[1, 2, 3, 4], crs="EPSG:3857").to_file(path)
    ref = read_reference(path)
    assert (ref.gdf["name"] == "").all() and not ref.named
    assert "no name field" in ref.notes[-1]
    from hotspot.maps import print_page
    from hotspot.maps.reference import ReferenceMap

    fig = print_page.print_map(
        [ReferenceMap(ref)], title="t", extent=(X0 - 100, Y0 - 100, X0 + 500, Y0 + 600)
    )
    ax = next(a for a in fig.axes if a.get_gid() == "map")
    drawn = [c for c in ax.collections if str(c.get_gid()).startswith("reference-roads")]
    from matplotlib.path import Path as MplPath

    starts = sum(int((p.codes == MplPath.MOVETO).sum()) for c in drawn for p in c.get_paths())
    assert starts == 4  # every road drawn, though none has a name
    assert not [t for t in ax.texts if t.get_gid() == "road-label"]  # nothing to name


def test_points_and_polygons_load_with_their_names(tmp_path):
    pts = gpd.GeoDataFrame(
        {"NAME": ["Lewisham Hospital", "Catford Police Station"]},
        geometry=[shapely.Point(X0, Y0), shapely.Point(X0 + 300, Y0)],
        crs=27700,
    )
    pts.to_file(tmp_path / "poi.gpkg")
    ref = read_reference(tmp_path / "poi.gpkg")
    assert ref.geometry == "points" and ref.gdf["name"].tolist() == list(pts["NAME"])
    centres = gpd.GeoDataFrame(
        {"tc_name": ["Lewisham"], "geometry": [shapely.box(X0, Y0, X0 + 500, Y0 + 500)]}, crs=27700
    )
    centres.to_file(tmp_path / "centres.geojson")
    areas = read_reference(tmp_path / "centres.geojson")
    assert areas.geometry == "polygons" and areas.gdf["name"].tolist() == ["Lewisham"]


def test_a_huge_layer_warns_and_is_simplified(tmp_path, monkeypatch):
    import hotspot.io.reference as reader

    assert HUGE_FEATURES >= 100_000  # a real threshold; lowered here to keep the test quick
    monkeypatch.setattr(reader, "HUGE_FEATURES", 2_000)
    n = 2_500
    rng = np.random.default_rng(1)
    x = X0 + rng.uniform(0, 5_000, n)
    y = Y0 + rng.uniform(0, 5_000, n)
    t = np.linspace(0, 1, 12)
    # wiggly lines whose wiggles are well under the simplification tolerance
    coords = np.stack([x[:, None] + 40 * t, y[:, None] + 0.3 * np.sin(t * 20)], axis=-1)
    lines = shapely.linestrings(coords)
    gdf = gpd.GeoDataFrame({"name1": ["Road"] * n}, geometry=lines, crs=27700)
    path = tmp_path / "big.gpkg"
    pyogrio.write_dataframe(gdf, path)
    ref = read_reference(path)
    assert len(ref.gdf) == n  # every feature kept
    assert any("large layer" in w and f"{SIMPLIFY_M:g} m" in w for w in ref.warnings)
    assert shapely.get_num_coordinates(ref.gdf.geometry.values).sum() < 0.5 * coords[..., 0].size
    # the simplified lines stay within the tolerance of the originals
    h = shapely.hausdorff_distance(ref.gdf.geometry.values[:200], lines[:200])
    assert (h <= SIMPLIFY_M + 1e-6).all()


def test_unreadable_and_empty_files_are_refused_with_the_file_named(tmp_path):
    bad = tmp_path / "roads.gpkg"
    bad.write_bytes(b"not a geopackage")
    with pytest.raises(InputError, match="roads.gpkg"):
        read_reference(bad)
    empty = tmp_path / "empty.geojson"
    empty.write_text('{"type":"FeatureCollection","features":[{"type":"Feature",'
                     '"properties":{"name":"x"},"geometry":null}]}')  # fmt: skip
    with pytest.raises(InputError, match="no feature has a shape"):
        read_reference(empty)
    with pytest.raises(InputError, match="name_field='street'"):
        read_reference(_one_road(tmp_path), name_field="street")


def _one_road(tmp_path):
    path = tmp_path / "one.geojson"
    roads(1, name=["A"]).to_file(path)
    return path


@pytest.mark.parametrize(
    ("kind", "rank"),
    [("Motorway", 0), ("A Road", 1), ("trunk", 1), ("B Road", 2), ("Classified Unnumbered", 3),
     ("residential", 4), ("Not Classified", 4), ("service", 5), ("", 4), (None, 4)],
)  # fmt: skip
def test_road_classes_of_both_products_have_a_rank(kind, rank):
    assert road_rank(kind) == rank
