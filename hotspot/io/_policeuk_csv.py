"""Offence tables in CSV: police.uk street files and any CSV with coordinate columns.

police.uk's download layout (Crime ID, Month, Longitude, Latitude, Crime type ...) is
simply the first choice of every column-name list in :mod:`hotspot.io._columns`, so a
police.uk file and a council's own extract go through the same code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from hotspot.core.errors import InputError
from hotspot.io._columns import find_coordinates, list_columns, map_fields, norm
from hotspot.io._coords import canonical_crs, guess_crs, to_float
from hotspot.io._part import Part
from hotspot.io._sources import Member
from hotspot.io._table import columns_of, header_of, read_text_table, read_typed


def offence_part(
    frame: pd.DataFrame,
    x: np.ndarray,
    y: np.ndarray,
    *,
    crs: object | None,
    axes: tuple[str, str],
    overrides: Mapping[str, str],
    label: str,
    bad_coords: int = 0,
) -> Part:
    """A :class:`Part` for a table of offences whose coordinates are already extracted.

    The canonical fields are matched to ``frame``'s columns by name (``overrides``
    first); ``crs`` is the coordinate system the file or the user states, else it is
    told from the values of ``x`` and ``y`` (whose names, ``axes``, go in messages).

    Raises
    ------
    InputError
        When the table has no month column, or its coordinate system cannot be told.
    """
    columns = columns_of(frame)
    fields = map_fields(columns, overrides, label)
    if fields["month"] is None:
        raise InputError(
            f"{label}: no month or date column found (expected Month, Date, offence_date ...); "
            f"{list_columns(columns)}. Name it with columns={{'month': ...}}"
        )
    if crs is not None:
        crs = canonical_crs(crs, label)
    else:
        crs = guess_crs(x, y, label, *axes)
    return Part(
        frame=frame,
        fields=fields,
        x=x,
        y=y,
        crs=str(crs),
        key=fields["crime_id"],
        label=label,
        bad_coords=bad_coords,
    )


#: police.uk columns with few distinct values, besides the canonical text fields.
_REPETITIVE = ("reportedby", "fallswithin", "context")


def _read_fast(member: Member, overrides: Mapping[str, str]):
    """Typed fast read when the header names the coordinate columns (else None)."""
    header = header_of(member)
    if not header or len(set(header)) != len(header):
        return None
    try:
        coords = find_coordinates(header, member.label, overrides)
        fields = map_fields(header, overrides, member.label)
    except InputError:
        return None
    repetitive = [fields[f] for f in ("month", "category", "location", "outcome")]
    repetitive += [fields["lsoa_code"], fields["lsoa_name"]]
    repetitive += [c for c in header if norm(c) in _REPETITIVE]
    categorical = [c for c in dict.fromkeys(repetitive) if c and c not in (coords.x, coords.y)]
    return read_typed(member, categorical, [coords.x, coords.y], header)


_DECIMAL_COMMA = re.compile(r"^\s*[-+]?\d+,\d+\s*$")


def _check_some_coordinates(frame: pd.DataFrame, coords, bad: np.ndarray, label: str) -> None:
    """Refuse a file in which no coordinate is a number (rather than dropping every row),
    saying why when the values use a decimal comma. Values are never quoted."""
    if not bad.any():
        return
    given = np.zeros(len(frame), dtype=bool)
    for col in (coords.x, coords.y):
        values = frame[col]
        given |= (values.notna() & (values.astype(str).str.strip() != "")).to_numpy()
    if bad[given].all():
        sample = frame.loc[bad, coords.x].astype(str).head(200)
        if sample.str.match(_DECIMAL_COMMA).mean() > 0.5:
            raise InputError(
                f"{label}: the coordinates in {coords.x!r}/{coords.y!r} are written with a "
                "decimal comma (51,5 rather than 51.5), so none of them is a number Hotspot "
                "can read; save the file with a decimal point (in Excel: File > Options > "
                "Advanced > uncheck 'Use system separators', decimal separator '.') and load "
                "it again"
            )
        raise InputError(
            f"{label}: no value in the coordinate columns {coords.x!r}/{coords.y!r} is a "
            "number, so no row could be placed; check that these are the coordinate columns "
            "(name them with columns={'x': ..., 'y': ...})"
        )


def csv_part(member: Member, overrides: Mapping[str, str]) -> Part:
    """Parse one CSV of offences into a :class:`Part`.

    Raises
    ------
    InputError
        When the file is not a table, or has no coordinate or month columns.
    """
    frame = _read_fast(member, overrides)
    if frame is None:
        frame = read_text_table(member)
    coords = find_coordinates(columns_of(frame), member.label, overrides)
    x, bad_x = to_float(frame[coords.x])
    y, bad_y = to_float(frame[coords.y])
    _check_some_coordinates(frame, coords, bad_x | bad_y, member.label)
    part = offence_part(
        frame,
        x,
        y,
        crs=coords.crs,
        axes=(coords.x, coords.y),
        overrides=overrides,
        label=member.label,
        bad_coords=int(np.count_nonzero(bad_x | bad_y)),
    )
    encoding = frame.attrs.get("encoding", "")
    if encoding.startswith("utf-8 and cp1252"):
        part.notes.append(
            f"{member.label}: mixes UTF-8 and Windows-1252 text (Windows-1252 in "
            f"{encoding.split('(', 1)[1].rstrip(')')}); each line was read in its own encoding"
        )
    return part
