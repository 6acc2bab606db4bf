"""Turn parsed offence tables into one :class:`~hotspot.model.OffenceData` with its report.

Every reader (police.uk CSV, API JSON, other CSVs, vector points) produces
:class:`~hotspot.io._part.Part` objects: the original columns plus which of them hold the
canonical fields. :func:`assemble` does the rest for all of them alike, on whole columns:

1. coordinates to British National Grid; rows without coordinates, then rows at 0,0 or
   outside Great Britain, are set aside;
2. months parsed to the first day of the month; unreadable months set aside;
3. among the remaining rows, a record whose identifier (police.uk Crime ID, API ``id``)
   was already seen is a duplicate and set aside (empty identifiers, as on every
   anti-social behaviour row, are never duplicates);
4. categories normalised to police.uk's CSV names (API slugs mapped); unknown
   categories are kept as written and mentioned in the report.

Each row is counted under the first reason that applies, so the report balances. The column
work is in :mod:`._canonical`, the joining of files in :mod:`._stacking` and the search for
repeated identifiers in :mod:`._repeats`.
"""

from __future__ import annotations

from collections import Counter

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from hotspot.io._canonical import canonical_columns
from hotspot.io._columns import CANONICAL
from hotspot.io._coords import BNG, Placed, to_bng
from hotspot.io._part import Part
from hotspot.io._repeats import repeated_keys
from hotspot.io._stacking import concat_columns, merge_runs
from hotspot.model import (
    DROP_BAD_MONTH,
    DROP_DUPLICATE,
    DROP_NO_COORDINATES,
    DROP_OUTSIDE_GB,
    LoadReport,
    OffenceData,
    month_str,
)

KEEP, NO_COORDS, OUTSIDE, BAD_MONTH, DUPLICATE = 0, 1, 2, 3, 4
_REASONS = {
    NO_COORDS: DROP_NO_COORDINATES,
    OUTSIDE: DROP_OUTSIDE_GB,
    BAD_MONTH: DROP_BAD_MONTH,
    DUPLICATE: DROP_DUPLICATE,
}


def _reasons(placed: Placed, month: np.ndarray) -> np.ndarray:
    reason = np.zeros(len(month), dtype=np.int8)
    reason[np.isnat(month)] = BAD_MONTH
    reason[placed.outside] = OUTSIDE
    reason[placed.missing] = NO_COORDS
    return reason


def _missing_months(months: list[pd.Timestamp]) -> list[str]:
    if not months:
        return []
    have = {month_str(m) for m in months}
    every = pd.date_range(months[0], months[-1], freq="MS")
    return [month_str(m) for m in every if month_str(m) not in have]


def _points(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, int]:
    """Point geometries, one shapely object per distinct location shared by the rows
    there (police.uk snaps offences to map points, so a million rows hold a few tens of
    thousands of locations), and how many rows share their location with another."""
    if len(x) == 0:
        return np.empty(0, dtype=object), 0
    codes, uniq = pd.factorize(x + 1j * y)
    counts = np.bincount(codes, minlength=len(uniq))
    shared = int(counts[counts > 1].sum())
    points = shapely.points(uniq.real, uniq.imag)
    return points[codes], shared


def _filter(df: pd.DataFrame, keep: np.ndarray) -> pd.DataFrame:
    """``df[keep]`` one column at a time, releasing each source column as it goes, so a
    million-row load never holds two full copies of the table."""
    if keep.all():
        return df
    out = {}
    for name in list(df.columns):
        out[name] = df.pop(name)[keep].reset_index(drop=True)
    return pd.DataFrame(out)


def assemble(parts: list[Part], source: str, files: list[str], notes: list[str]) -> OffenceData:
    """Combine parsed files into offences in EPSG:27700 with a balanced load report.

    ``parts`` is emptied as it is consumed, so memory is released along the way.
    """
    frames, xs, ys, reasons, labels, lengths = [], [], [], [], [], []
    unknown: Counter = Counter()
    reworded: Counter = Counter()
    bad_coords = 0
    notes = list(notes)
    runs = merge_runs(parts)
    parts.clear()  # let go of the raw tables as soon as each is converted
    while runs:
        part, part_labels, part_lengths = runs.pop(0)
        placed = to_bng(part.x, part.y, part.crs)
        canon, unk, rew = canonical_columns(part)
        unknown.update(unk)
        reworded.update(rew)
        reasons.append(_reasons(placed, canon["month"].to_numpy()))
        frames.append(canon)
        xs.append(placed.x)
        ys.append(placed.y)
        labels.extend(part_labels)
        lengths.extend(part_lengths)
        bad_coords += part.bad_coords
        notes.extend(part.notes)
        del part, canon, placed
    if frames:
        df = concat_columns(frames)
    else:
        df = pd.DataFrame({c: [] for c in CANONICAL if c != "source_file"})
        df["month"] = df["month"].astype("datetime64[ns]")
    x = np.concatenate(xs) if xs else np.empty(0)
    y = np.concatenate(ys) if ys else np.empty(0)
    reason = np.concatenate(reasons) if reasons else np.empty(0, dtype=np.int8)

    src_codes = np.repeat(np.arange(len(labels)), lengths)
    uniq_labels, inverse = np.unique(np.asarray(labels, dtype=object), return_inverse=True)
    df.insert(
        len(CANONICAL) - 1,
        "source_file",
        pd.Categorical.from_codes(inverse[src_codes], categories=list(uniq_labels)),
    )

    if "_key" in df.columns:
        key = df.pop("_key")
        alive = np.flatnonzero(reason == KEEP)
        reason[alive[repeated_keys(key, alive)]] = DUPLICATE
        del key

    keep = reason == KEEP
    kept = _filter(df, keep)
    del df
    kx, ky = x[keep], y[keep]
    geoms, shared = _points(kx, ky)
    gdf = gpd.GeoDataFrame(kept, geometry=geoms, crs=BNG)

    counts = np.bincount(reason, minlength=5)
    dropped = {_REASONS[r]: int(counts[r]) for r in _REASONS if counts[r]}
    months = sorted(pd.Timestamp(m) for m in pd.unique(gdf["month"].to_numpy()))
    cats = gdf["category"].value_counts(dropna=False)
    categories = {("(no category)" if pd.isna(k) else str(k)): int(v) for k, v in cats.items() if v}
    if bad_coords:
        notes.append(
            f"{bad_coords:,} rows had coordinates that are not numbers; they are counted "
            "under 'no coordinates'"
        )
    if "(no category)" in categories:
        notes.append(
            f"{categories['(no category)']:,} kept rows have no category; name the category "
            "column with columns={'category': ...} if the file has one"
        )
    report = LoadReport(
        source=source,
        rows_read=int(len(reason)),
        rows_kept=int(keep.sum()),
        dropped=dropped,
        months=tuple(month_str(m) for m in months),
        missing_months=tuple(_missing_months(months)),
        categories=categories,
        shared_locations=shared,
        files=tuple(files),
        notes=tuple(notes),
        unknown_categories=dict(unknown.most_common()),
        relabelled=tuple(
            (label, cat, n, "Hotspot's table of wordings") for (label, cat), n in reworded.items()
        ),
    )
    return OffenceData(gdf, report)
