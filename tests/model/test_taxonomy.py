"""police.uk categories, API slugs and offence-group presets."""

from __future__ import annotations

import pytest

from hotspot.core.errors import ProjectError
from hotspot.model.taxonomy import (
    CATEGORIES,
    all_groups,
    category_label,
    category_name,
    check_labels,
    left_out_text,
    make_group,
    presets,
)


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
        # wordings that differ from police.uk's only in case, punctuation or wording
        ("violent or sexual", "Violence and sexual offences"),
        ("theft from person", "Theft from the person"),
        ("Criminal Damage & Arson", "Criminal damage and arson"),
        ("anti social behaviour", "Anti-social behaviour"),
        ("Public-Disorder", "Public order"),
    ],
)
def test_category_name_accepts_names_and_slugs(value, expected):
    assert category_name(value) == expected


def test_every_label_of_the_table_names_a_police_uk_category():
    import tomllib
    from importlib import resources

    text = resources.files("hotspot.resources").joinpath("category_labels.toml").read_text()
    labels = tomllib.loads(text)["labels"]
    assert len(labels) >= 30
    for label, name in labels.items():
        assert name in CATEGORIES
        assert category_label(label) == name  # what the load report will say it read


def test_project_labels_add_to_the_table_and_may_not_contradict_it():
    assert category_label("knife crime") is None
    assert category_label("Knife-Crime", {"knife crime": "Possession of weapons"}) == (
        "Possession of weapons"
    )
    assert check_labels({"knife crime": "possession-of-weapons"}) == {
        "knife crime": "Possession of weapons"
    }
    with pytest.raises(ProjectError, match="categories.knife crime: 'Knives' is not a police"):
        check_labels({"knife crime": "Knives"})
    with pytest.raises(ProjectError, match="already reads 'violent or sexual' as 'Violence"):
        check_labels({"violent or sexual": "Public order"})


def test_a_group_says_what_it_leaves_out():
    groups = all_groups()
    counts = {"Robbery": 10, "Anti-social behaviour": 7, "knife crime": 2}
    sv = groups["Serious violence (police.uk)"]
    assert sv.left_out(counts) == {"Anti-social behaviour": 7, "knife crime": 2}
    text = left_out_text(sv, counts)
    assert text == (
        "leaves out 9 rows of other categories: Anti-social behaviour 7; "
        "'knife crime' 2 (not a police.uk category)"
    )
    assert left_out_text(groups["All crime"], counts) == ""


def test_presets_are_the_documented_groups():
    groups = {g.name: g for g in presets()}
    sv = groups["Serious violence (police.uk)"]
    assert set(sv.categories) == {
        "Violence and sexual offences",
        "Robbery",
        "Possession of weapons",
    }
    # "All crime" means every row, as police.uk's own all-crime (anti-social behaviour
    # included); the former meaning has a name of its own
    assert groups["All crime"].every_row
    assert set(groups["All crime"].categories) == set(CATEGORIES)
    assert groups["All crime"].includes("a label no table knows")
    old = groups["All crime except anti-social behaviour"]
    assert "Anti-social behaviour" not in old.categories and len(old.categories) == 13
    assert not old.every_row
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
