"""police.uk crime categories and offence-group presets.

police.uk names the same 14 categories two ways: the "Crime type" column of the
download CSVs ("Violence and sexual offences") and the slugs of the API
(``violent-crime``). Inside Hotspot every offence carries the CSV name. Labels that
differ from those only in case, punctuation or wording ("violent or sexual", "theft
from person") are read through a table, ``resources/category_labels.toml``, which a
project extends under ``[categories]`` (:func:`category_label`); the load report
lists every label read that way. The presets ("Serious violence (police.uk)", "All
crime", ...) are data, read from ``resources/offence_groups.toml``; "All crime"
selects every row, whatever its category (:attr:`OffenceGroup.every_row`).
"""

from __future__ import annotations

import re
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


def label_key(value: str) -> str:
    """A category label compared without case, punctuation or "&"/"and" differences.

    Examples
    --------
    >>> label_key("Criminal damage & arson")
    'criminal damage and arson'
    >>> label_key(" Theft-from_person ")
    'theft from person'
    """
    text = str(value).casefold().replace("&", " and ")
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


@cache
def _label_table() -> dict[str, str]:
    """The built-in table of labels (keys by :func:`label_key`) -> police.uk CSV name."""
    path = resources.files("hotspot.resources").joinpath("category_labels.toml")
    data = tomllib.loads(path.read_text("utf-8"))
    table = {label_key(name): name for name in CATEGORIES}
    for label, name in data["labels"].items():
        if name not in CATEGORIES:  # pragma: no cover - a broken resource file
            raise RuntimeError(f"category_labels.toml: {name!r} is not a police.uk category")
        table[label_key(label)] = name
    return table


def category_label(value: str, extra: Mapping[str, str] | None = None) -> str | None:
    """The police.uk category a label that is not police.uk's own wording stands for.

    Parameters
    ----------
    value : str
        A label as written in an offence file ("violent or sexual", "Theft from person").
    extra : mapping, optional
        A project's own labels (``[categories]``): label -> police.uk category.

    Returns
    -------
    str or None
        The CSV name, or None when the label is unknown, or is police.uk's own name or
        slug (:func:`category_name` reads those).

    Examples
    --------
    >>> category_label("violent or sexual")
    'Violence and sexual offences'
    >>> category_label("Robbery") is None  # police.uk's own name
    True
    """
    if not isinstance(value, str) or _official(value) is not None:
        return None
    key = label_key(value)
    for label, name in (extra or {}).items():
        if label_key(label) == key:
            return category_name(name)
    return _label_table().get(key)


def _official(value: str) -> str | None:
    v = value.strip()
    if v in _SLUG_TO_NAME:
        return _SLUG_TO_NAME[v]
    name = _CASEFOLD.get(v.casefold())
    if name is None:
        name = _SLUG_TO_NAME.get(v.casefold())
    return _LEGACY_TO_CURRENT.get(name, name) if name else None


def check_labels(labels: Mapping[str, str], *, where: str = "categories") -> dict[str, str]:
    """Check a project's ``[categories]`` table: label -> police.uk category.

    Raises
    ------
    ProjectError
        When a target is not a police.uk category, or a label is police.uk's own name or a
        label the built-in table already reads as another category.
    """
    out = {}
    for label, name in labels.items():
        if not isinstance(name, str) or category_name(name) is None:
            raise ProjectError(
                f"{where}.{label}: {name!r} is not a police.uk category; use one of "
                + ", ".join(CATEGORIES)
            )
        target = category_name(name)
        known = _official(label) or _label_table().get(label_key(label))
        if known is not None and known != target:
            raise ProjectError(
                f"{where}.{label}: Hotspot already reads {label!r} as {known!r}; remove the "
                "entry (it is for labels Hotspot does not recognise)"
            )
        out[label] = target
    return out


def category_name(value: str) -> str | None:
    """Return police.uk's CSV name for a category given as a name or an API slug.

    Parameters
    ----------
    value : str
        ``"violent-crime"``, ``"Violence and sexual offences"``, ``"robbery"`` ...
        (case and surrounding spaces are ignored), or a label of the built-in table of
        wordings (``"violent or sexual"``, :func:`category_label`).

    Returns
    -------
    str or None
        The CSV name, or ``None`` when the value is not a police.uk category.
    """
    if not isinstance(value, str):
        return None
    return _official(value) or category_label(value)


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
    every_row : bool
        The group selects every row, whatever its category ("All crime").
    """

    name: str
    categories: tuple[str, ...]
    description: str = ""
    preset: bool = False
    every_row: bool = False

    def includes(self, category: str) -> bool:
        """Whether rows of ``category`` (as the offences carry it) belong to the group."""
        return self.every_row or category in self.categories

    def left_out(self, counts: Mapping[str, int]) -> dict[str, int]:
        """The categories of ``counts`` (category -> rows) the group leaves out, most first."""
        out = {c: int(n) for c, n in counts.items() if n and not self.includes(c)}
        return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))


def left_out_text(group: OffenceGroup, counts: Mapping[str, int]) -> str:
    """What a group leaves out of ``counts`` (category -> rows), or "" when nothing.

    Examples
    --------
    >>> g = OffenceGroup("Robbery only", ("Robbery",))
    >>> left_out_text(g, {"Robbery": 5, "Burglary": 3, "violent stuff": 2})
    "leaves out 5 rows of other categories: Burglary 3; 'violent stuff' 2 (not a police.uk category)"
    """
    out = group.left_out(counts)
    if not out:
        return ""
    parts = [
        f"{c} {n:,}" if c in CATEGORIES else f"{c!r} {n:,} (not a police.uk category)"
        for c, n in out.items()
    ]
    total = sum(out.values())
    return f"leaves out {total:,} row{'s' if total != 1 else ''} of other categories: " + (
        "; ".join(parts)
    )


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
            every_row=bool(g.get("every_row", False)),
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
    "category_label",
    "category_name",
    "check_labels",
    "label_key",
    "left_out_text",
    "make_group",
    "presets",
]
