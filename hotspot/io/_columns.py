"""Recognise columns by name: coordinates, month, category and the other offence fields.

Names are compared after normalisation (lower case, letters and digits only), so
"Crime ID", "crime_id" and "CRIME-ID" are the same name. Each canonical field has a
list of names in order of preference; police.uk's own names come first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from hotspot.core.errors import InputError
from hotspot.model import OFFENCE_COLUMN_KEYS, OFFENCE_COLUMNS, printable

CANONICAL = OFFENCE_COLUMNS

#: Keys accepted in ``read_offences(columns=...)`` (and a project's offence sources).
OVERRIDE_KEYS = OFFENCE_COLUMN_KEYS

LONGITUDE = ("longitude", "lon", "long", "lng", "longitudewgs84", "locationlongitude", "longdd")
LATITUDE = ("latitude", "lat", "latitudewgs84", "locationlatitude", "latdd")
EASTING = ("easting", "eastings", "east", "bnge", "xcoord", "xcoordinate", "pointx", "gridx")
NORTHING = ("northing", "northings", "north", "bngn", "ycoord", "ycoordinate", "pointy", "gridy")
PLAIN_X = ("x",)
PLAIN_Y = ("y",)

FIELDS: dict[str, tuple[str, ...]] = {
    "crime_id": (
        "crimeid",
        "persistentid",
        "crimereference",
        "crimeref",
        "offenceid",
        "incidentid",
        "reference",
        "urn",
        "id",
    ),
    "month": (
        "month",
        "yearmonth",
        "monthyear",
        "date",
        "offencedate",
        "crimedate",
        "incidentdate",
        "dateofoffence",
        "committeddate",
        "occurreddate",
        "occurred",
        "datetime",
        "reporteddate",
        "period",
    ),
    "category": (
        "crimetype",
        "category",
        "crimecategory",
        "offencetype",
        "offencecategory",
        "offencegroup",
        "offence",
        "crime",
        "type",
    ),
    "location": ("location", "street", "streetname", "locationstreetname", "address"),
    "lsoa_code": ("lsoacode", "lsoa21cd", "lsoa11cd", "lsoa"),
    "lsoa_name": ("lsoaname", "lsoa21nm", "lsoa11nm"),
    "outcome": (
        "lastoutcomecategory",
        "outcome",
        "outcomecategory",
        "outcomestatuscategory",
        "outcomestatus",
    ),
}


def list_columns(columns: Sequence[object], limit: int = 15) -> str:
    """``"columns are: A, B, C"`` for a message, or, when the first line of the file is not
    a row of column names (``columns.listable`` is False: a text or system file), a
    description that does not quote it (the line may be private)."""
    if not getattr(columns, "listable", True):
        return (
            "its first line is not a row of column names (Hotspot does not quote it here); "
            "check that this is the data file, saved as CSV"
        )
    names = [printable(c) for c in columns]
    shown = ", ".join(names[:limit]) + (f" ... ({len(names)} in all)" if len(names) > limit else "")
    return f"columns are: {shown}"


def norm(name: object) -> str:
    """Normalise a column name for matching: lower case, letters and digits only."""
    return re.sub(r"[^0-9a-z]", "", str(name).lower())


def find(columns: Sequence[str], candidates: Iterable[str]) -> str | None:
    """The first column whose normalised name is in ``candidates`` (in their order)."""
    by_norm: dict[str, str] = {}
    for c in columns:
        by_norm.setdefault(norm(c), c)
    for cand in candidates:
        if cand in by_norm:
            return by_norm[cand]
    return None


@dataclass(frozen=True)
class Coordinates:
    """Which columns hold the coordinates, and in what system.

    ``crs`` is None when only the values can tell (plain x/y columns).
    """

    x: str
    y: str
    crs: str | None


def find_coordinates(
    columns: Sequence[str], label: str, overrides: Mapping[str, str] | None = None
) -> Coordinates:
    """Find the coordinate columns of a table.

    Raises
    ------
    InputError
        When no pair of coordinate columns is found, or an override names a missing column.
    """
    o = dict(overrides or {})
    if "x" in o or "y" in o:
        if "x" not in o or "y" not in o:
            raise InputError(f"{label}: columns= must name both 'x' and 'y' coordinate columns")
        for key in ("x", "y"):
            if o[key] not in columns:
                raise InputError(
                    f"{label}: columns['{key}'] = {o[key]!r} is not a column of the file; "
                    f"{list_columns(columns)}"
                )
        return Coordinates(o["x"], o["y"], o.get("crs"))
    for xs, ys, crs in (
        (LONGITUDE, LATITUDE, "EPSG:4326"),
        (EASTING, NORTHING, "EPSG:27700"),
        (PLAIN_X, PLAIN_Y, None),
    ):
        x, y = find(columns, xs), find(columns, ys)
        if x is not None and y is not None:
            return Coordinates(x, y, o.get("crs", crs))
    raise InputError(
        f"{label}: no coordinate columns found (expected Longitude/Latitude, lon/lat, "
        f"Easting/Northing or x/y); {list_columns(columns)}. "
        "Name them with columns={'x': ..., 'y': ..., 'crs': 'EPSG:4326'}"
    )


def map_fields(
    columns: Sequence[str], overrides: Mapping[str, str] | None, label: str
) -> dict[str, str | None]:
    """Canonical field -> the column that holds it (or None), honouring ``overrides``."""
    o = dict(overrides or {})
    out: dict[str, str | None] = {}
    for field, cands in FIELDS.items():
        if field in o:
            if o[field] not in columns:
                raise InputError(
                    f"{label}: columns['{field}'] = {o[field]!r} is not a column of the file; "
                    f"{list_columns(columns)}"
                )
            out[field] = o[field]
        else:
            out[field] = find(columns, cands)
    return out


def check_overrides(columns: Mapping[str, str] | None) -> dict[str, str]:
    """Validate the ``columns=`` argument of ``read_offences``."""
    if columns is None:
        return {}
    if not isinstance(columns, Mapping):
        raise InputError(
            "columns= must be a dict such as {'x': 'Easting', 'y': 'Northing', 'crs': 'EPSG:27700'}"
        )
    unknown = sorted(set(columns) - set(OVERRIDE_KEYS))
    if unknown:
        raise InputError(
            f"columns: {unknown[0]!r} is not a field Hotspot knows; use {', '.join(OVERRIDE_KEYS)}"
        )
    bad = [k for k, v in columns.items() if not isinstance(v, str) or not v]
    if bad:
        raise InputError(f"columns['{bad[0]}'] must be a column name (text)")
    return dict(columns)
