"""Offence tables in CSV: police.uk street files and any CSV with coordinate columns.

police.uk's download layout (Crime ID, Month, Longitude, Latitude, Crime type ...) is
simply the first choice of every column-name list in :mod:`hotspot.io._columns`, so a
police.uk file and a council's own extract go through the same code.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from hotspot.errors import InputError
from hotspot.io._assemble import Part
from hotspot.io._columns import find_coordinates, map_fields, norm
from hotspot.io._coords import canonical_crs, guess_crs, to_float
from hotspot.io._sources import Member
from hotspot.io._table import header_of, read_text_table, read_typed


def no_month_error(label: str, columns) -> InputError:
    """The error for a table without a month or date column."""
    return InputError(
        f"{label}: no month or date column found (expected Month, Date, offence_date ...); "
        f"columns are: {', '.join(map(str, columns))}. Name it with columns={{'month': ...}}"
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
    return read_typed(member, categorical, [coords.x, coords.y])


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
    columns = list(frame.columns)
    coords = find_coordinates(columns, member.label, overrides)
    fields = map_fields(columns, overrides, member.label)
    if fields["month"] is None:
        raise no_month_error(member.label, columns)
    x, bad_x = to_float(frame[coords.x])
    y, bad_y = to_float(frame[coords.y])
    if coords.crs is not None:
        crs = canonical_crs(coords.crs, member.label)
    else:
        crs = guess_crs(x, y, member.label, coords.x, coords.y)
    return Part(
        frame=frame,
        fields=fields,
        x=x,
        y=y,
        crs=crs,
        key=fields["crime_id"],
        label=member.label,
        bad_coords=int(np.count_nonzero(bad_x | bad_y)),
    )
