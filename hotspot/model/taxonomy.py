"""police.uk crime categories and offence-group presets.

police.uk names the same 14 categories two ways: the "Crime type" column of the
download CSVs ("Violence and sexual offences") and the slugs of the API
(``violent-crime``). Inside Hotspot every offence carries the CSV name. The
presets ("Serious violence (police.uk)", "All crime", ...) are data, read from
``resources/offence_groups.toml``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from hotspot.core.errors import ProjectError

#: The 14 current police.uk categories: CSV name -> API slug.
CATEGORIES: dict[str, str] = {
    "Anti-social behaviour": "anti-social-behaviour",
    "Bicycle theft": "bicycle-theft",
    "Burglary": "burglary",
    "Criminal damage and arson": "criminal-damage-arson",
    "Drugs": "drugs",
    "Other crime": "other-crime",
    "Other theft": "other-theft",
    "Possession of weapons": "possession-of-weapons",
    "Public order": "public-order",
    "Robbery": "robbery",
    "Shoplifting": "shoplifting",
    "Theft from the person": "theft-from-the-person",
    "Vehicle crime": "vehicle-crime",
    "Violence and sexual offences": "violent-crime",
}

#: The 12 columns of a police.uk street-level crime CSV (the download archive), in order.
STREET_CSV_COLUMNS: tuple[str, ...] = (
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
)

#: Categories police.uk used before May 2013, kept so old downloads load.
LEGACY_CATEGORIES: dict[str, str] = {
    "Violent crime": "violent-crime",
    "Public disorder and weapons": "public-disorder-weapons",
}

_SLUG_TO_NAME = {slug: name for name, slug in CATEGORIES.items()}
_SLUG_TO_NAME["public-disorder-weapons"] = "Public disorder and weapons"
_CASEFOLD = {name.casefold(): name for name in (*CATEGORIES, *LEGACY_CATEGORIES)}
_LEGACY_TO_CURRENT = {"Violent crime": "Violence and sexual offences"}


def category_name(value: str) -> str | None:
    """Return police.uk's CSV name for a category given as a name or an API slug.

    Parameters
    ----------
    value : str
        ``"violent-crime"``, ``"Violence and sexual offences"``, ``"robbery"`` ...
        (case and surrounding spaces are ignored).

    Returns
    -------
    str or None
        The CSV name, or ``None`` when the value is not a police.uk category.
    """
    if not isinstance(value, str):
        return None
    v = value.strip()
    if v in _SLUG_TO_NAME:
        return _SLUG_TO_NAME[v]
    name = _CASEFOLD.get(v.casefold())
    if name is None:
        name = _SLUG_TO_NAME.get(v.casefold())
    return _LEGACY_TO_CURRENT.get(name, name) if name else None


@dataclass(frozen=True)
class OffenceGroup:
    """A named set of police.uk categories.

    Attributes
    ----------
    name : str
        Shown in menus, map subtitles and file names.
    categories : tuple of str
        police.uk CSV category names.
    description : str
        One sentence for tooltips and the methods page.
    preset : bool
        True for the built-in presets, False for user-defined groups.
    """

    name: str
    categories: tuple[str, ...]
    description: str = ""
    preset: bool = False


@cache
def presets() -> tuple[OffenceGroup, ...]:
    """Return the built-in offence-group presets, in menu order."""
    text = resources.files("hotspot.resources").joinpath("offence_groups.toml").read_text("utf-8")
    data = tomllib.loads(text)
    return tuple(
        OffenceGroup(
            name=g["name"],
            categories=tuple(g["categories"]),
            description=g.get("description", ""),
            preset=True,
        )
        for g in data["group"]
    )


def make_group(name: str, categories: Iterable[str], description: str = "") -> OffenceGroup:
    """Build a user-defined group, normalising category names and slugs.

    Raises
    ------
    ProjectError
        When a category is not a police.uk category, or the group is empty.
    """
    cats = []
    for c in categories:
        canon = category_name(c)
        if canon is None:
            raise ProjectError(
                f"group {name!r}: {c!r} is not a police.uk category; use one of "
                + ", ".join(CATEGORIES)
            )
        if canon not in cats:
            cats.append(canon)
    if not cats:
        raise ProjectError(f"group {name!r}: list at least one police.uk category")
    return OffenceGroup(name=name, categories=tuple(cats), description=description)


def all_groups(custom: Mapping[str, Iterable[str]] | None = None) -> dict[str, OffenceGroup]:
    """Return presets plus user-defined groups by name.

    Parameters
    ----------
    custom : mapping, optional
        Group name -> categories, as in a project file's ``[groups]`` section.

    Raises
    ------
    ProjectError
        When a custom group reuses a preset's name or names an unknown category.
    """
    groups = {g.name: g for g in presets()}
    for name, cats in (custom or {}).items():
        if name in groups and groups[name].preset:
            raise ProjectError(
                f"groups.{name}: this name belongs to a built-in preset; choose another name"
            )
        groups[name] = make_group(name, cats)
    return groups


DEFAULT_GROUP = "Serious violence (police.uk)"

__all__ = [
    "CATEGORIES",
    "DEFAULT_GROUP",
    "LEGACY_CATEGORIES",
    "STREET_CSV_COLUMNS",
    "OffenceGroup",
    "all_groups",
    "category_name",
    "make_group",
    "presets",
]
