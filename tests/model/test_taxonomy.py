"""police.uk categories, API slugs and offence-group presets."""

from __future__ import annotations

import pytest

from hotspot.core.errors import ProjectError
from hotspot.model.taxonomy import CATEGORIES, all_groups, category_name, make_group, presets


def test_fourteen_categories_with_unique_slugs():
    assert len(CATEGORIES) == 14
    assert len(set(CATEGORIES.values())) == 14


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("violent-crime", "Violence and sexual offences"),
        ("Violence and sexual offences", "Violence and sexual offences"),
        ("  robbery ", "Robbery"),
        ("ANTI-SOCIAL BEHAVIOUR", "Anti-social behaviour"),
        ("criminal-damage-arson", "Criminal damage and arson"),
        ("Violent crime", "Violence and sexual offences"),  # pre-2013 name
        ("not-a-crime", None),
        ("", None),
    ],
)
def test_category_name_accepts_names_and_slugs(value, expected):
    assert category_name(value) == expected


def test_presets_are_the_documented_groups():
    groups = {g.name: g for g in presets()}
    sv = groups["Serious violence (police.uk)"]
    assert set(sv.categories) == {
        "Violence and sexual offences",
        "Robbery",
        "Possession of weapons",
    }
    assert "Anti-social behaviour" not in groups["All crime"].categories
    assert len(groups["All crime"].categories) == 13
    assert groups["Anti-social behaviour"].categories == ("Anti-social behaviour",)
    for g in presets():
        assert all(c in CATEGORIES for c in g.categories), g.name


def test_custom_groups_normalise_and_validate():
    g = make_group("Night-time economy", ["violent-crime", "Public order", "public-order"])
    assert g.categories == ("Violence and sexual offences", "Public order")
    with pytest.raises(ProjectError, match="'Knife crime' is not a police.uk category"):
        make_group("Bad", ["Knife crime"])
    with pytest.raises(ProjectError, match="belongs to a built-in preset"):
        all_groups({"All crime": ["Robbery"]})
