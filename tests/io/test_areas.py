"""read_areas on the real boundary files and on small hand-made layers."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Point, Polygon

from hotspot.core.errors import InputError
from hotspot.io import read_areas

WARDS_2022 = (
    "lewisham_wards_2022.geojson",
    "lewisham_wards_2022_bng.gpkg",
    "lewisham_wards_2022_bng_shp/wards_2022.shp",
)


@pytest.mark.realdata
def test_lewisham_wards_same_in_three_formats(boundaries):
    layers = [read_areas(boundaries / f) for f in WARDS_2022]
    ref = layers[2].gdf.set_index("code")  # the ONS shapefile in British National Grid
    assert len(ref) == 19 and ref.index.str.startswith("E05").all()
    assert "Bellingham" in set(ref["name"]) and "Lewisham Central" in set(ref["name"])
    for layer in layers:
        assert (layer.level, layer.vintage) == ("ward", 2022)
        assert layer.gdf.crs.to_epsg() == 27700
        assert list(layer.gdf.columns[:2]) == ["code", "name"]
        g = layer.gdf.set_index("code")
        assert sorted(g.index) == sorted(ref.index)
        assert (g.loc[ref.index, "name"] == ref["name"]).all()
        # same places: each ward covers (nearly all of) the ONS ward of the same code
        # (the council's own layer draws a few edges differently, e.g. along the river)
        overlap = g.loc[ref.index].intersection(ref.geometry, align=True).area / ref.area
        assert (overlap > 0.97).all()
    # the GeoJSON is the same product through longitude/latitude: areas agree to 0.01%
    ratio = layers[0].gdf.set_index("code").loc[ref.index].area / ref.area
    assert np.allclose(ratio, 1.0, atol=1e-4)


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("name", "vintage", "n"),
    [
        ("lewisham_lsoa_2011.geojson", 2011, 169),
        ("lewisham_lsoa_2021.geojson", 2021, 175),
        ("london_lsoa_2011_bng_shp/london-2011-lsoa-gen20.shp", 2011, 4_835),
        ("london_lsoa_2021_bng_shp/london-2021-lsoa-gen20.shp", 2021, 4_994),
    ],
)
def test_lsoas_detected_with_level_and_vintage(boundaries, name, vintage, n):
    layer = read_areas(boundaries / name)
    assert (layer.level, layer.vintage, len(layer.gdf)) == ("lsoa", vintage, n)
    assert layer.gdf["code"].str.match(r"^E01\d{6}$").all() and layer.gdf["code"].is_unique
    assert layer.gdf.geometry.is_valid.all()
    raw = gpd.read_file(boundaries / name)
    assert set(layer.gdf["code"]) == set(raw[f"LSOA{str(vintage)[2:]}CD"])


@pytest.mark.realdata
def test_boroughs_and_outline(boundaries):
    boroughs = read_areas(boundaries / "london_boroughs.gpkg")
    assert boroughs.level == "other" and len(boroughs.gdf) == 33
    assert boroughs.gdf["code"].str.startswith("E09").all()
    outline = read_areas(boundaries / "lewisham_borough_bng.geojson")
    assert outline.level == "other" and outline.gdf["name"].iloc[0] == "Lewisham"
    wards = read_areas(boundaries / WARDS_2022[0])
    # the outline covers the wards: union of wards ~ the outline
    assert wards.gdf.union_all().area == pytest.approx(outline.gdf.area.iloc[0], rel=5e-3)


@pytest.mark.realdata
def test_shapefile_folder(boundaries):
    layer = read_areas(boundaries / "lewisham_wards_2022_bng_shp")
    assert len(layer.gdf) == 19


def square(x, y, size=100.0):
    return Polygon([(x, y), (x + size, y), (x + size, y + size), (x, y + size)])


def test_generic_code_and_name_fields(tmp_path):
    gdf = gpd.GeoDataFrame(
        {"Code": ["E05000001", "E05000002"], "Name": ["North", "South"]},
        geometry=[square(530000, 180000), square(530100, 180000)],
        crs="EPSG:27700",
    )
    p = tmp_path / "wards.gpkg"
    gdf.to_file(p)
    layer = read_areas(p)
    assert layer.level == "ward" and layer.vintage is None  # told from the E05 codes
    assert list(layer.gdf["name"]) == ["North", "South"]


def test_explicit_fields_and_level(tmp_path):
    gdf = gpd.GeoDataFrame(
        {"beat_id": ["B1", "B2"], "beat": ["Town", "Park"]},
        geometry=[square(530000, 180000), square(530100, 180000)],
        crs="EPSG:27700",
    )
    p = tmp_path / "beats.gpkg"
    gdf.to_file(p)
    with pytest.raises(InputError, match=r"beats\.gpkg.*code_field="):
        read_areas(p)
    layer = read_areas(p, code_field="beat_id", name_field="beat", level="other")
    assert list(layer.gdf["code"]) == ["B1", "B2"] and layer.level == "other"
    with pytest.raises(InputError, match="'nope' is not a field"):
        read_areas(p, code_field="nope")


def test_invalid_geometry_repaired_and_noted(tmp_path):
    bowtie = Polygon([(530000, 180000), (530100, 180100), (530100, 180000), (530000, 180100)])
    gdf = gpd.GeoDataFrame(
        {"WD23CD": ["E05000001", "E05000002"], "WD23NM": ["Bow", "Square"]},
        geometry=[bowtie, square(531000, 180000)],
        crs="EPSG:27700",
    )
    p = tmp_path / "bad.gpkg"
    gdf.to_file(p)
    layer = read_areas(p)
    assert layer.gdf.geometry.is_valid.all()
    assert layer.gdf.geom_type.isin(["Polygon", "MultiPolygon"]).all()
    # the bow tie is two triangles of 2,500 m² each
    assert layer.gdf.area.iloc[0] == pytest.approx(5000.0)
    assert any("repaired 1 invalid" in n for n in layer.notes)
    assert (layer.level, layer.vintage) == ("ward", 2023)


def test_geojson_without_crs_is_lon_lat(tmp_path):
    p = tmp_path / "nocrs.geojson"
    p.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", '
        '"properties": {"LSOA21CD": "E01000001", "LSOA21NM": "City 001A"}, '
        '"geometry": {"type": "Polygon", "coordinates": [[[-0.1, 51.5], [-0.09, 51.5], '
        "[-0.09, 51.51], [-0.1, 51.51], [-0.1, 51.5]]]}}]}"
    )
    layer = read_areas(p)
    assert layer.gdf.crs.to_epsg() == 27700
    x, y = layer.gdf.geometry.iloc[0].centroid.coords[0]
    assert 531_000 < x < 533_000 and 180_000 < y < 182_000


def _shapefile_without_prj(tmp_path, poly):
    gdf = gpd.GeoDataFrame({"WD22CD": ["E05000001"], "WD22NM": ["A"]}, geometry=[poly])
    p = tmp_path / "noprj.shp"
    with pytest.warns(UserWarning, match="crs"):
        gdf.to_file(p)
    (tmp_path / "noprj.prj").unlink(missing_ok=True)
    return p


def test_shapefile_without_prj_in_bng_is_guessed(tmp_path):
    layer = read_areas(_shapefile_without_prj(tmp_path, square(530000, 180000)))
    assert layer.gdf.geometry.iloc[0].bounds == (530000, 180000, 530100, 180100)
    assert any("no coordinate system" in n for n in layer.notes)


def test_shapefile_without_prj_in_unknown_system_is_refused(tmp_path):
    p = _shapefile_without_prj(tmp_path, square(-9_000_000, 6_700_000, 1000))
    with pytest.raises(InputError, match=r"noprj\.shp.*coordinate reference system"):
        read_areas(p)


def test_points_are_not_areas(tmp_path):
    gdf = gpd.GeoDataFrame({"code": ["a"]}, geometry=[Point(530000, 180000)], crs=27700)
    p = tmp_path / "pts.gpkg"
    gdf.to_file(p)
    with pytest.raises(InputError, match="points, not areas"):
        read_areas(p)


def test_multilayer_geopackage(tmp_path):
    p = tmp_path / "multi.gpkg"
    polys = gpd.GeoDataFrame(
        {"WD22CD": ["E05000001"], "WD22NM": ["A"]}, geometry=[square(530000, 180000)], crs=27700
    )
    pts = gpd.GeoDataFrame({"x": [1]}, geometry=[Point(530000, 180000)], crs=27700)
    polys.to_file(p, layer="wards")
    pts.to_file(p, layer="offences")
    assert len(read_areas(p).gdf) == 1  # the one polygon layer is chosen
    polys.to_file(p, layer="wards_copy")
    with pytest.raises(InputError, match=r"3 layers.*wards.*wards_copy"):
        read_areas(p)


def test_repeated_codes_are_merged(tmp_path):
    gdf = gpd.GeoDataFrame(
        {"LSOA21CD": ["E01000001", "E01000001"], "LSOA21NM": ["A", "A"]},
        geometry=[square(530000, 180000), square(530500, 180000)],
        crs=27700,
    )
    p = tmp_path / "pieces.gpkg"
    gdf.to_file(p)
    layer = read_areas(p)
    assert len(layer.gdf) == 1 and layer.gdf.area.iloc[0] == pytest.approx(20_000)
    assert any("merged" in n for n in layer.notes)


def test_unreadable_file(tmp_path):
    p = tmp_path / "broken.gpkg"
    p.write_bytes(b"not a geopackage at all")
    with pytest.raises(InputError, match="broken.gpkg"):
        read_areas(p)
    with pytest.raises(InputError, match="no such file"):
        read_areas(tmp_path / "missing.shp")


def _feature_collection(ring, props=None):
    props = props or {"WD22CD": "E05000001", "WD22NM": "A"}
    return (
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
        + str(props).replace("'", '"')
        + ', "geometry": {"type": "Polygon", "coordinates": ['
        + str([list(p) for p in ring])
        + "]}}]}"
    )


def test_geojson_in_metres_without_a_crs_member_is_british_national_grid(tmp_path):
    # GDAL calls every GeoJSON without "crs" longitude/latitude; metres cannot be degrees
    p = tmp_path / "old_export.geojson"
    ring = [(530000, 180000), (530100, 180000), (530100, 180100), (530000, 180000)]
    p.write_text(_feature_collection(ring))
    layer = read_areas(p)
    assert layer.gdf.geometry.iloc[0].bounds == (530000, 180000, 530100, 180100)
    assert any("British National Grid metres" in n for n in layer.notes)


def test_areas_outside_great_britain_are_refused(tmp_path):
    # Web Mercator metres saved with a longitude/latitude label by mistake would land
    # anywhere; so would a layer of another country: neither is read as boundaries
    p = tmp_path / "elsewhere.gpkg"
    gpd.GeoDataFrame(
        {"WD22CD": ["E05000001"], "WD22NM": ["A"]}, geometry=[square(2.35, 48.85, 0.01)], crs=4326
    ).to_file(p)
    with pytest.raises(InputError, match=r"elsewhere\.gpkg: 1 of 1 areas do not lie in Great"):
        read_areas(p)


def test_a_layer_whose_areas_have_no_shape_is_refused(tmp_path):
    p = tmp_path / "shapeless.geojson"
    p.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
        '{"WD22CD": "E05000001", "WD22NM": "A"}, "geometry": null}]}'
    )
    with pytest.raises(InputError, match=r"shapeless\.geojson: no area has both a code"):
        read_areas(p)
