"""Map-point names, the facility list and the project's exclusions and reference layers."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest

from hotspot.core.errors import ProjectError
from hotspot.model import Project, SelectionParams
from hotspot.model.places import (
    exclusion_masks,
    parse_exclusion,
    place_name,
    place_rules,
    point_key,
    read_place_rules,
)


@pytest.mark.parametrize(
    ("location", "name"),
    [
        ("On or near Lewisham High Street", "Lewisham High Street"),
        ("on or near  Supermarket", "Supermarket"),
        ("Lewisham (station)", "Lewisham (station)"),
        ("No Location", ""),
        ("", ""),
        (None, ""),
        (float("nan"), ""),
    ],
)
def test_place_names(location, name):
    assert place_name(location) == name


def test_the_facility_list_is_data_and_flags_facilities_not_streets():
    rules = place_rules()
    assert rules.facility("On or near Hospital") == "Hospital"
    assert rules.facility("On or near Police Station") == "Police station"
    assert rules.facility("On or near Shopping Area") == "Shopping area"
    assert rules.facility("Lewisham (station)") == "Transport hub"
    assert rules.facility("On or near Bromley Magistrates Court") == "Courts"
    assert rules.facility("On or near Deans Court") == ""  # a street called Court
    assert rules.facility("On or near Station Road") == ""
    assert rules.is_generic("On or near Sports/recreation Area")  # police.uk's own spelling
    assert not rules.is_generic("On or near Hospital Road")
    edited = read_place_rules('[facilities]\n"Clinic" = ["*Clinic"]\n[places]\nnames = []\n')
    assert edited.facility("On or near Walk-in Clinic") == "Clinic"
    assert edited.facility("On or near Hospital") == ""
    with pytest.raises(ProjectError, match="facilities.Clinic"):
        read_place_rules('[facilities]\n"Clinic" = "Clinic"\n')


def test_exclusions_name_points_or_names_and_bad_ones_are_refused_naming_the_key():
    e = parse_exclusion("On or near Hospital @ 537878 174605")
    assert (e.name, e.x, e.y, e.is_point) == ("Hospital", 537878.0, 174605.0, True)
    assert parse_exclusion("Police Station").name == "Police Station"
    assert parse_exclusion("@ 537878,174605").name == ""
    assert point_key("On or near Hospital", 537878.4, 174604.6) == (
        "On or near Hospital @ 537878 174605"
    )
    with pytest.raises(ProjectError, match=r"selection.exclude_locations\[1\]"):
        SelectionParams(exclude_locations=("Hospital", "Hospital @ 51.45 -0.02"))
    with pytest.raises(ProjectError, match="easting northing"):
        parse_exclusion("Hospital @ here")
    with pytest.raises(ProjectError, match="empty"):
        parse_exclusion("  ")


def test_exclusions_match_names_and_points():
    gdf = gpd.GeoDataFrame(
        {"location": ["On or near Hospital", "On or near Hospital", "On or near Mill Lane", None]},
        geometry=gpd.points_from_xy([100, 500, 100, 100], [100, 500, 100, 100]),
        crs=27700,
    )
    masks = exclusion_masks(
        gdf,
        [
            parse_exclusion("hospital"),
            parse_exclusion("Hospital @ 102 101"),
            parse_exclusion("@ 100 100"),
        ],
    )
    assert [m.tolist() for m in masks] == [
        [True, True, False, False],
        [True, False, False, False],  # within 5 m of the point
        [True, False, True, True],
    ]
    assert np.logical_or.reduce(masks).sum() == 4


def test_a_project_keeps_its_reference_layers_and_exclusions(tmp_path):
    roads = tmp_path / "roads.gpkg"
    roads.write_bytes(b"")
    p = Project(selection=SelectionParams(exclude_locations=("On or near Hospital @ 1 2",)))
    p.add_source("reference", roads, label="Roads", name_field="name1")
    saved = p.save(tmp_path / "p.toml")
    text = saved.read_text(encoding="utf-8")
    assert 'kind = "reference"' in text and "exclude_locations" in text
    again = Project.load(saved)
    assert again.selection.exclude_locations == ("On or near Hospital @ 1 2",)
    assert again.sources[0].kind == "reference" and again.sources[0].options["label"] == "Roads"
    with pytest.raises(ProjectError, match="sources\\[0\\].colour: unknown key"):
        Project.from_toml({"sources": [{"kind": "reference", "path": "r.gpkg", "colour": "red"}]})
