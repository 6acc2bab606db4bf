"""police.uk map points and their names: place names, snap-point facilities, exclusions.

police.uk publishes every offence at an anonymised map point named "On or near <street>" or,
for some points, after a place ("On or near Supermarket", "Lewisham (station)"). This module
turns those names into the place names Hotspot shows ("Lewisham High Street"), says which
points stand for a facility rather than a street (``resources/snap_point_facilities.toml``,
editable) and reads the project's exclusions (``[selection] exclude_locations``).

An exclusion is written as a location name, a map point, or both::

    "On or near Hospital"                  every map point of that name
    "Hospital"                             the same ("On or near " is optional)
    "On or near Hospital @ 537878 174605"  only the point of that name at those BNG metres
    "@ 537878 174605"                      whatever is at that point

Names match without regard to case; points match within ``POINT_TOLERANCE_M`` metres.

Examples
--------
>>> place_name("On or near Lewisham High Street")
'Lewisham High Street'
>>> place_rules().facility("On or near Hospital")
'Hospital'
>>> parse_exclusion("On or near Police Station @ 538348 175686").x
538348.0
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from hotspot.core.errors import ProjectError

FACILITIES_FILE = "snap_point_facilities.toml"
POINT_TOLERANCE_M = 5.0
"""Map points of an exclusion match within this distance (police.uk points are exact; the
coordinates move a little in the conversion to British National Grid)."""

_ON_OR_NEAR = re.compile(r"^\s*on\s+or\s+near\s+", re.IGNORECASE)
_NO_NAME = {"", "no location", "nan", "none"}
_POINT = re.compile(r"^(?P<name>.*?)\s*@\s*(?P<x>-?[\d.]+)\s*[ ,;]\s*(?P<y>-?[\d.]+)\s*$")


def place_name(location: object) -> str:
    """The place a police.uk location names: "On or near X" -> "X"; "" when none.

    >>> place_name("On or near Supermarket"), place_name("No Location"), place_name(None)
    ('Supermarket', '', '')
    """
    if location is None or (isinstance(location, float) and np.isnan(location)):
        return ""
    text = _ON_OR_NEAR.sub("", str(location)).strip()
    return "" if text.lower() in _NO_NAME else text


def text_codes(
    values: Iterable[object], clean: Callable[[object], str] = str
) -> tuple[np.ndarray, np.ndarray]:
    """``(codes, names)``: the distinct ``clean(value)`` of ``values`` and each one's code.

    ``names[codes]`` is the cleaned text of every value (a missing value is ""). Each
    distinct value is cleaned once, and a categorical column is read through its codes:
    a whole force's millions of rows at a few thousand map points cost a few thousand
    string operations, with no string made per row.
    """
    series = values if isinstance(values, pd.Series) else pd.Series(list(values))
    if isinstance(series.dtype, pd.CategoricalDtype):
        uniques = list(series.cat.categories)
        codes = series.cat.codes.to_numpy().astype(np.int64)
    else:
        codes, uniques = pd.factorize(series.astype("string").fillna(""), sort=False)
    cleaned = np.array([clean(u) for u in uniques] + [""], dtype=object)
    codes = np.where(codes < 0, len(cleaned) - 1, codes)  # missing: the trailing ""
    same, names = pd.factorize(cleaned)  # values that clean to one text are one name
    return same[codes].astype(np.int64), np.asarray(names, dtype=object)


def place_name_codes(locations: Iterable[object]) -> tuple[np.ndarray, np.ndarray]:
    """``(codes, names)``: the distinct :func:`place_name` of ``locations`` and each one's
    code (:func:`text_codes`)."""
    return text_codes(locations, place_name)


def place_names(locations: Iterable[object]) -> np.ndarray:
    """:func:`place_name` of many locations (object array; fast on repeated names)."""
    codes, names = place_name_codes(locations)
    return names[codes]


# --------------------------------------------------------------------------- facilities


@dataclass(frozen=True)
class PlaceRules:
    """Which map-point names stand for facilities, and which name places rather than streets.

    Attributes
    ----------
    facilities : mapping
        Facility kind ("Hospital", "Police station", "Transport hub" ...) -> name patterns
        (``fnmatch`` style, ``*`` for any text, matched in lower case).
    places : tuple of str
        Names of map points that are places, not streets ("Supermarket" ...).
    source : str
        Where the rules were read from.
    """

    facilities: Mapping[str, tuple[str, ...]]
    places: tuple[str, ...]
    source: str = ""

    def facility(self, location: object) -> str:
        """The facility kind a location name stands for, or "" for a street."""
        name = place_name(location).lower()
        if not name:
            return ""
        for kind, patterns in self.facilities.items():
            if any(fnmatch.fnmatchcase(name, p.lower()) for p in patterns):
                return kind
        return ""

    def is_generic(self, location: object) -> bool:
        """Whether a location names a kind of place ("Supermarket") rather than a street."""
        return place_name(location).lower() in self._places_lower

    @cached_property
    def _places_lower(self) -> frozenset[str]:
        return frozenset(p.lower() for p in self.places)


def read_place_rules(text: str, source: str = "") -> PlaceRules:
    """Place rules from the TOML text of ``snap_point_facilities.toml``.

    Raises
    ------
    ProjectError
        When a list is not a list of text (naming the key).
    """
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProjectError(f"{source or FACILITIES_FILE}: not valid TOML ({exc})") from None
    facilities: dict[str, tuple[str, ...]] = {}
    for kind, patterns in (doc.get("facilities") or {}).items():
        if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
            raise ProjectError(
                f"{source or FACILITIES_FILE}: facilities.{kind}: expected a list of names"
            )
        facilities[str(kind)] = tuple(patterns)
    places = (doc.get("places") or {}).get("names", [])
    if not isinstance(places, list) or not all(isinstance(p, str) for p in places):
        raise ProjectError(f"{source or FACILITIES_FILE}: places.names: expected a list of names")
    return PlaceRules(facilities, tuple(places), source)


@cache
def place_rules(path: str | None = None) -> PlaceRules:
    """The place rules: Hotspot's own ``resources/snap_point_facilities.toml``, or ``path``."""
    if path is None:
        res = resources.files("hotspot.resources").joinpath(FACILITIES_FILE)
        return read_place_rules(res.read_text("utf-8"), FACILITIES_FILE)
    p = Path(path)
    try:
        return read_place_rules(p.read_text("utf-8"), p.name)
    except OSError as exc:
        raise ProjectError(f"{p}: cannot read the facility list ({exc.strerror})") from None


# --------------------------------------------------------------------------- exclusions


@dataclass(frozen=True)
class LocationExclusion:
    """One entry of ``[selection] exclude_locations``.

    Attributes
    ----------
    text : str
        As written in the project file.
    name : str
        The place name it matches ("Hospital"), "" for any name at the point.
    x, y : float or None
        The map point (BNG metres), None for every point of that name.
    """

    text: str
    name: str
    x: float | None = None
    y: float | None = None

    @property
    def is_point(self) -> bool:
        """Whether it names one map point (else every point of a name)."""
        return self.x is not None

    def describe(self) -> str:
        """E.g. 'the map point "Hospital" at 537878, 174605' or 'every map point "Hospital"'."""
        name = f'"{self.name}"' if self.name else "(any name)"
        if self.is_point:
            return f"the map point {name} at {self.x:,.0f}, {self.y:,.0f}"
        return f"every map point named {name}"

    def mask(self, names_lower: np.ndarray, xy: np.ndarray) -> np.ndarray:
        """Which offences it excludes, given their place names in lower case and coordinates."""
        hit = np.ones(len(names_lower), dtype=bool)
        if self.name:
            hit &= names_lower == self.name.lower()
        if self.is_point:
            d2 = (xy[:, 0] - self.x) ** 2 + (xy[:, 1] - self.y) ** 2
            hit &= np.nan_to_num(d2, nan=np.inf) <= POINT_TOLERANCE_M**2
        return hit


def parse_exclusion(text: str, key: str = "selection.exclude_locations") -> LocationExclusion:
    """Read one exclusion (see the module's description).

    Raises
    ------
    ProjectError
        When it is empty or its point is not "@ easting northing" in metres.
    """
    raw = str(text).strip()
    if not raw:
        raise ProjectError(f"{key}: an empty entry; give a location name or a map point")
    if "@" in raw:
        m = _POINT.match(raw)
        if m is None:
            raise ProjectError(
                f"{key}: {raw!r}: write a map point as 'name @ easting northing' in British "
                "National Grid metres, e.g. 'On or near Hospital @ 537878 174605'"
            )
        x, y = float(m["x"]), float(m["y"])
        if not (0 <= x <= 800_000 and 0 <= y <= 1_400_000):
            raise ProjectError(
                f"{key}: {raw!r}: {x:g}, {y:g} is not a point in Great Britain; give "
                "British National Grid metres (easting, northing)"
            )
        return LocationExclusion(raw, place_name(m["name"]), x, y)
    return LocationExclusion(raw, place_name(raw))


def point_key(location: object, x: float, y: float) -> str:
    """The exclusion that names one map point: "On or near Hospital @ 537878 174605"."""
    name = str(location).strip() if place_name(location) else ""
    return f"{name} @ {x:.0f} {y:.0f}".strip()


def exclusion_masks(gdf: pd.DataFrame, exclusions: Iterable[LocationExclusion]) -> list[np.ndarray]:
    """Per exclusion, which rows of an offence table it matches (rows without a location never).

    ``gdf`` needs a ``location`` column and point geometry (EPSG:27700).
    """
    exclusions = list(exclusions)
    if not exclusions:
        return []
    if "location" in gdf.columns:
        codes, names = place_name_codes(gdf["location"])
        names_lower = np.array([n.lower() for n in names], dtype=object)[codes]
    else:
        names_lower = np.full(len(gdf), "", dtype=object)
    geoms = gdf.geometry.values
    xy = np.full((len(gdf), 2), np.nan)
    ok = ~(geoms.isna() | geoms.is_empty) if len(gdf) else np.zeros(0, dtype=bool)
    if ok.any():
        xy[ok, 0] = geoms[ok].x
        xy[ok, 1] = geoms[ok].y
    return [e.mask(names_lower, xy) & ok for e in exclusions]


__all__ = [
    "FACILITIES_FILE",
    "POINT_TOLERANCE_M",
    "LocationExclusion",
    "PlaceRules",
    "exclusion_masks",
    "parse_exclusion",
    "place_name",
    "place_name_codes",
    "place_names",
    "place_rules",
    "point_key",
    "text_codes",
    "read_place_rules",
]
