"""Tell what a dropped file is (offences, areas, indicators, lookup) from its headers only.

Used by the window's drag and drop: it must answer at once, so it reads a table's first
line, a vector file's layer description or a zip's list of names, never the data.
"""

from __future__ import annotations

import contextlib
import zipfile
from dataclasses import dataclass
from os import PathLike
from pathlib import Path

import pandas as pd
import pyogrio

from hotspot.core.errors import InputError
from hotspot.io._catalogue import catalogue
from hotspot.io._columns import FIELDS, find, find_coordinates, norm
from hotspot.io._encoding import decode_head
from hotspot.io._lsoa import lsoa_columns
from hotspot.io._sources import STREET_CSV, TABLE_SUFFIXES, VECTOR_SUFFIXES, Member
from hotspot.io._table import header_of
from hotspot.io.indicators import EXCEL_SUFFIXES, detect_indicator_kind
from hotspot.io.lookups import detect_lookup_kind

KINDS = ("offences", "areas", "indicators", "lookup", "reference")


@dataclass(frozen=True)
class FileKind:
    """What a file looks like.

    Attributes
    ----------
    kind : str or None
        "offences", "areas", "indicators", "lookup" or "reference"; None when the file could be
        more than one of these (see ``candidates``) or none.
    detail : str or None
        More precisely: "policeuk_csv", "policeuk_api", "points" (offences);
        "ward", "lsoa", "other" (areas); "imd", "samhi", "population", "other"
        (indicators); "lsoa11_lsoa21", "lsoa_ward" (lookup).
    candidates : tuple of str
        Every kind the file could be loaded as, most likely first.
    """

    kind: str | None
    detail: str | None = None
    candidates: tuple[str, ...] = ()


UNKNOWN = FileKind(None, None, ())


def _table_kind(columns: list[str]) -> FileKind:
    found: list[tuple[str, str]] = []
    ind = detect_indicator_kind(columns)
    look = detect_lookup_kind(columns)
    if ind is not None and lsoa_columns(columns):
        found.append(("indicators", ind))
    if look is not None:
        found.append(("lookup", look))
    with contextlib.suppress(InputError):
        find_coordinates(columns, "")
        if find(columns, FIELDS["month"]) is not None:
            police = {"crimeid", "month", "longitude", "latitude", "crimetype"}
            detail = "policeuk_csv" if police <= {norm(c) for c in columns} else "points"
            found.insert(0, ("offences", detail))
    if not found:
        if lsoa_columns(columns):  # keyed by LSOA, but of no known layout
            return FileKind(None, None, ("indicators", "lookup"))
        return UNKNOWN
    kinds = tuple(k for k, _ in found)
    if len(found) == 1 or found[0][0] in ("offences", "indicators"):
        return FileKind(found[0][0], found[0][1], kinds)
    return FileKind(None, None, kinds)


def _vector_kind(path: str) -> FileKind:
    try:
        layers = pyogrio.list_layers(path)
        info = pyogrio.read_info(path, layer=str(layers[0][0])) if len(layers) else None
    except Exception:  # GDAL raises its own types; an unreadable file is "unknown"
        return UNKNOWN
    if info is None:
        return UNKNOWN
    gtypes = {str(g) for _, g in layers}
    fields = [str(f) for f in info["fields"]]
    if any("Line" in g for g in gtypes) and not any("Polygon" in g for g in gtypes):
        return FileKind("reference", "lines", ("reference",))
    if any("Point" in g for g in gtypes) and not any("Polygon" in g for g in gtypes):
        if find(fields, FIELDS["month"]) is None:  # places of interest, not offences
            return FileKind("reference", "points", ("reference", "offences"))
        return FileKind("offences", "points", ("offences", "reference"))
    if any("Polygon" in g for g in gtypes) or "Unknown" in gtypes:
        levels = [
            p.level for p in catalogue().products if find(fields, [norm(p.code_field)]) is not None
        ]
        if info.get("features") == 1:  # a single outline: the coarsest product, as read_areas
            levels.sort(key=lambda lv: {"other": 0, "ward": 1, "lsoa": 2}.get(lv, 0))
        return FileKind("areas", levels[0] if levels else "other", ("areas", "reference"))
    return UNKNOWN


def _excel_kind(path: Path) -> FileKind:
    try:
        with pd.ExcelFile(path) as book:
            for sheet in book.sheet_names:
                columns = [str(c) for c in pd.read_excel(book, sheet_name=sheet, nrows=0).columns]
                kind = _table_kind(columns)
                if kind.kind is not None or kind.candidates:
                    return kind
    except Exception:  # unreadable spreadsheet: nothing to say
        return UNKNOWN
    return UNKNOWN


def _folder_kind(path: Path) -> FileKind:
    for n, f in enumerate(path.rglob("*")):
        if n > 5000:
            break
        name = f.name.lower()
        if STREET_CSV.search(f.as_posix()) or name.endswith(".json"):
            return FileKind(
                "offences",
                "policeuk_csv" if name.endswith(".csv") else "policeuk_api",
                ("offences",),
            )
        if name.endswith(".zip"):
            return _zip_kind(f)
    vectors = [f for f in path.iterdir() if f.suffix.lower() in (".shp", ".gpkg", ".geojson")]
    if len(vectors) == 1:
        return _vector_kind(str(vectors[0]))
    return UNKNOWN


def _zip_kind(path: Path) -> FileKind:
    try:
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return UNKNOWN
    if any(STREET_CSV.search(n) for n in names):
        return FileKind("offences", "policeuk_csv", ("offences",))
    if any(n.lower().endswith(".shp") for n in names):
        return FileKind("areas", None, ("areas",))
    return UNKNOWN


def detect_kind(path: str | PathLike) -> FileKind:
    """Guess what a file is for, reading only its headers.

    Parameters
    ----------
    path : path
        A file, folder or zip dropped on the window.

    Returns
    -------
    FileKind
        ``kind`` is None when the file is ambiguous (``candidates`` then lists what it
        could be) or unrecognised (``candidates`` empty). Never raises for file content.
    """
    p = Path(path).expanduser()
    if not p.exists():
        return UNKNOWN
    if p.is_dir():
        return _folder_kind(p)
    suffix = p.suffix.lower()
    if suffix == ".zip":
        return _zip_kind(p)
    if suffix in EXCEL_SUFFIXES:
        return _excel_kind(p)
    if suffix == ".json":
        try:
            with p.open("rb") as fh:
                head = decode_head(fh.read(4096)).lstrip()
        except OSError:
            return UNKNOWN
        if head.startswith("["):
            return FileKind("offences", "policeuk_api", ("offences",))
        return _vector_kind(str(p))
    if suffix in VECTOR_SUFFIXES:
        return _vector_kind(str(p))
    if suffix in TABLE_SUFFIXES or suffix == "":
        try:
            columns = header_of(Member(p.name, p))
        except OSError:
            return UNKNOWN
        return _table_kind(columns) if columns else UNKNOWN
    return UNKNOWN
