"""Turn parsed offence tables into one :class:`~hotspot.model.OffenceData` with its report.

Every reader (police.uk CSV, API JSON, other CSVs, vector points) produces
:class:`Part` objects: the original columns plus which of them hold the canonical
fields. :func:`assemble` does the rest for all of them alike, on whole columns:

1. coordinates to British National Grid; rows without coordinates, then rows at 0,0 or
   outside Great Britain, are set aside;
2. months parsed to the first day of the month; unreadable months set aside;
3. among the remaining rows, a record whose identifier (police.uk Crime ID, API ``id``)
   was already seen is a duplicate and set aside (empty identifiers, as on every
   anti-social behaviour row, are never duplicates);
4. categories normalised to police.uk's CSV names (API slugs mapped); unknown
   categories are kept as written and mentioned in the report.

Each row is counted under the first reason that applies, so the report balances.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pandas.api.types import union_categoricals

from hotspot.io._columns import CANONICAL
from hotspot.io._coords import BNG, Placed, to_bng
from hotspot.io._months import month_codes
from hotspot.model import (
    DROP_BAD_MONTH,
    DROP_DUPLICATE,
    DROP_NO_COORDINATES,
    DROP_OUTSIDE_GB,
    LoadReport,
    OffenceData,
    month_str,
)
from hotspot.model.taxonomy import category_label, category_name

try:  # pragma: no cover - depends on the environment
    import pyarrow as pa
    import pyarrow.compute as pc
except ImportError:  # pragma: no cover
    pa = pc = None

KEEP, NO_COORDS, OUTSIDE, BAD_MONTH, DUPLICATE = 0, 1, 2, 3, 4
_REASONS = {
    NO_COORDS: DROP_NO_COORDINATES,
    OUTSIDE: DROP_OUTSIDE_GB,
    BAD_MONTH: DROP_BAD_MONTH,
    DUPLICATE: DROP_DUPLICATE,
}
_TEXT_FIELDS = ("crime_id", "location", "lsoa_code", "lsoa_name", "outcome")


@dataclass
class Part:
    """One parsed file.

    Attributes
    ----------
    frame : DataFrame
        The file's own columns, as read.
    fields : dict
        Canonical field -> column of ``frame`` holding it (or None).
    x, y : ndarray
        Raw coordinates (NaN when absent) in ``crs``.
    crs : str
        "EPSG:4326", "EPSG:27700" or another system pyproj understands.
    key : str or None
        Column whose repeats are duplicate records (None: no duplicate check).
    label : str
        The file, as shown in ``source_file``.
    bad_coords : int
        Non-empty coordinate values that are not numbers (reported as no coordinates).
    notes : list of str
        Anything the parser noticed.
    """

    frame: pd.DataFrame
    fields: dict[str, str | None]
    x: np.ndarray
    y: np.ndarray
    crs: str
    key: str | None
    label: str
    bad_coords: int = 0
    notes: list[str] = field(default_factory=list)


def _arrow_text(s: pd.Series):
    """The Arrow array under a text column (no copy), or None when it is not Arrow text."""
    if pa is not None and isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow":
        return s.array.__arrow_array__()
    return None


def _blank(s: pd.Series) -> np.ndarray | None:
    """Where a text column holds an empty or blank value (None when nowhere; missing
    values are not counted, being missing already), without copying it."""
    arr = _arrow_text(s)
    if arr is not None:
        # a scan that stops at the first character that is not a space: cheap on IDs
        blank = pc.or_(pc.utf8_is_space(arr), pc.equal(pc.utf8_length(arr), 0))
        mask = pc.fill_null(blank, False).to_numpy(zero_copy_only=False)  # missing already
    else:
        mask = (s.notna() & (s.astype(str).str.strip() == "")).to_numpy()
    return mask if mask.any() else None


def _text(s: pd.Series) -> pd.Series:
    """Text with empty (or blank) values as missing; other values as written."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype(str).where(s.notna())
    if s.dtype != "str":
        s = s.astype(object).where(s.notna(), "").astype("str").str.strip()
    blank = _blank(s)
    return s if blank is None else s.mask(blank)


def _category(s: pd.Series) -> pd.Series:
    """A repetitive text column (locations, LSOA codes, outcomes ...) as a categorical:
    blank values missing, the rest as written."""
    if not isinstance(s.dtype, pd.CategoricalDtype):
        s = _text(s).astype("category")
    cats = s.cat.categories
    blank = cats.astype(str).str.strip() == ""
    if blank.any():
        s = s.cat.remove_categories(cats[blank])
    if cats.dtype != "str":
        s = s.cat.rename_categories(pd.Index(s.cat.categories.astype(str), dtype="str"))
    return s


def _categories(s: pd.Series) -> tuple[pd.Series, Counter, Counter]:
    """police.uk CSV names for a category column (slugs and known wordings mapped, unknown
    kept), categorical; the unknown labels' rows, and the rows of labels read through the
    wording table."""
    s = _category(s)
    codes = s.cat.codes.to_numpy()
    names = [str(u).strip() for u in s.cat.categories]
    mapped = [category_name(u) or u for u in names]
    unknown: Counter = Counter()
    reworded: Counter = Counter()
    if names:
        counts = np.bincount(codes[codes >= 0], minlength=len(names))
        for u, n, m in zip(names, counts, mapped, strict=True):
            if category_name(u) is None and n:
                unknown[u] += int(n)
            elif n and category_label(u) is not None:
                reworded[(u, m)] += int(n)
    final, labels = pd.factorize(pd.Series(mapped, dtype=object))
    new_codes = np.where(codes >= 0, np.append(final, -1)[codes], -1)
    cat = pd.Categorical.from_codes(new_codes, categories=pd.Index(labels, dtype="str"))
    return pd.Series(cat, index=s.index), unknown, reworded


_POLICEUK_MONTH = re.compile(r"^\d{4}-\d{2}$")


def _month_is_plain(s: pd.Series) -> bool:
    """Whether a month column holds nothing but ``YYYY-MM`` (nothing the parsed month loses)."""
    values = s.cat.categories if isinstance(s.dtype, pd.CategoricalDtype) else s.dropna().unique()
    return all(_POLICEUK_MONTH.match(str(v).strip()) for v in values)


def _canonical(part: Part) -> tuple[pd.DataFrame, Counter, Counter]:
    """The canonical columns, then the file's other columns.

    A column a canonical field was taken from is not kept beside it (it would hold the same
    values twice), except a date column with days, which says more than the month.
    """
    f = part.frame
    n = len(f)
    cols: dict[str, object] = {}
    missing_text = pd.Series(np.nan, index=f.index, dtype="str")
    for name in _TEXT_FIELDS:
        col = part.fields.get(name)
        if col is None:
            cols[name] = missing_text if name == "crime_id" else missing_text.astype("category")
        else:
            cols[name] = _text(f[col]) if name == "crime_id" else _category(f[col])
    mcol = part.fields.get("month")
    if mcol is None:
        cols["month"] = np.full(n, np.datetime64("NaT", "ns"))
    else:
        cols["month"] = month_codes(f[mcol])
    ccol = part.fields.get("category")
    unknown: Counter = Counter()
    reworded: Counter = Counter()
    if ccol is None:
        cols["category"] = missing_text.astype("category")
    else:
        cols["category"], unknown, reworded = _categories(f[ccol])
    out = pd.DataFrame({k: cols[k] for k in CANONICAL if k != "source_file"}, index=f.index)
    used = {part.fields.get(k) for k in (*_TEXT_FIELDS, "category")} - {None}
    if mcol is not None and _month_is_plain(f[mcol]):
        used.add(mcol)
    originals = f.drop(columns=[c for c in f.columns if c in used])
    renamed = {
        c: f"{c}_original" for c in originals.columns if c in CANONICAL or c in ("geometry", "_key")
    }
    if renamed:
        originals = originals.rename(columns=renamed)
    out = pd.concat([out, originals], axis=1)
    if part.key is not None:
        out["_key"] = (
            out["crime_id"] if part.key == part.fields.get("crime_id") else _text(f[part.key])
        )
    return out, unknown, reworded


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


def _signature(part: Part) -> tuple:
    return (tuple(part.frame.columns), tuple(part.fields.items()), part.crs, part.key)


def _stack(pieces: list[pd.Series]) -> pd.Series:
    """One column from its pieces, categorical when every piece is (pandas would turn
    categoricals with different categories into Python objects)."""
    if all(isinstance(p.dtype, pd.CategoricalDtype) for p in pieces):
        return pd.Series(union_categoricals(pieces, ignore_order=True))
    pieces = [
        p.astype(p.cat.categories.dtype) if isinstance(p.dtype, pd.CategoricalDtype) else p
        for p in pieces
    ]
    return pd.concat(pieces, ignore_index=True)


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate tables column by column, emptying ``frames`` as it goes (so that the
    pieces of a column are released once it is built); a column missing from some
    tables is missing in their rows."""
    if len(frames) == 1:
        return frames.pop().reset_index(drop=True)
    names = list(dict.fromkeys(c for f in frames for c in f.columns))
    lengths = [len(f) for f in frames]
    columns = [{c: f[c] for c in f.columns} for f in frames]
    frames.clear()  # the columns are now held by ``columns`` alone
    out = {}
    for col in names:
        pieces = [
            cols.pop(col).reset_index(drop=True)
            if col in cols
            else pd.Series(np.nan, index=range(n), dtype="str")
            for cols, n in zip(columns, lengths, strict=True)
        ]
        out[col] = _stack(pieces)
        del pieces
    return pd.DataFrame(out)


def _fixed_width_words(arr) -> tuple[np.ndarray, list[np.ndarray]] | None:
    """``(present, words)`` for Arrow text whose present values all have the same length,
    a multiple of 8 bytes (police.uk's 64-character Crime IDs): which rows hold a value,
    and, per chunk, its values as rows of 64-bit words viewed in place (no copy). None
    otherwise."""
    present_parts, word_parts, width = [], [], None
    for chunk in arr.chunks:
        if chunk.type not in (pa.string(), pa.large_string()):
            return None
        _, offsets_buf, data_buf = chunk.buffers()
        kind = np.int64 if chunk.type == pa.large_string() else np.int32
        offsets = np.frombuffer(offsets_buf, dtype=kind)[
            chunk.offset : chunk.offset + len(chunk) + 1
        ]
        lengths = np.diff(offsets)
        valid = chunk.is_valid().to_numpy(zero_copy_only=False)
        if (lengths[~valid] != 0).any():
            return None
        widths = np.unique(lengths[valid])
        if len(widths) > 1 or (len(widths) == 1 and (widths[0] == 0 or widths[0] % 8)):
            return None
        if len(widths) == 1:
            if width not in (None, int(widths[0])):
                return None
            width = int(widths[0])
            data = np.frombuffer(data_buf, dtype=np.uint8)[offsets[0] : offsets[-1]]
            word_parts.append(data.view(np.uint64).reshape(-1, width // 8))
        present_parts.append(valid)
    if width is None:
        return None
    return np.concatenate(present_parts), word_parts


def _hash_words(words: np.ndarray) -> np.ndarray:
    """A 64-bit hash of each row of ``words`` (FNV-style multiply and xor)."""
    h = words[:, 0].copy()
    for k in range(1, words.shape[1]):
        h *= np.uint64(0x100000001B3)
        h ^= words[:, k]
    return h


def _repeated_fixed(arr, rows: np.ndarray) -> np.ndarray | None:
    """Repeats among fixed-width keys, by a 64-bit hash of each, checked word by word
    against the first key with the same hash (None when two keys share a hash)."""
    fixed = _fixed_width_words(arr)
    if fixed is None:
        return None
    present, chunks = fixed
    starts = np.cumsum([0] + [len(c) for c in chunks])

    def words_at(i: np.ndarray) -> np.ndarray:  # rows of words by their overall position
        which = np.searchsorted(starts, i, side="right") - 1
        out = np.empty((len(i), chunks[0].shape[1]), dtype=np.uint64)
        for k in np.unique(which):
            sel = which == k
            out[sel] = chunks[k][i[sel] - starts[k]]
        return out

    hashes = np.concatenate([_hash_words(c) for c in chunks])
    at = np.cumsum(present) - 1  # row -> its position among the present values
    use = rows[present[rows]]
    h = hashes[at[use]]
    del hashes
    _, first, inverse = np.unique(h, return_index=True, return_inverse=True)
    first = first[inverse]
    del inverse
    dup_here = np.flatnonzero(first != np.arange(len(h)))
    if not (words_at(at[use[dup_here]]) == words_at(at[use[first[dup_here]]])).all():
        return None  # a hash shared by different keys: let the exact method decide
    dup = np.zeros(len(rows), dtype=bool)
    dup[np.flatnonzero(present[rows])[dup_here]] = True
    return dup


def _repeated(key: pd.Series, rows: np.ndarray) -> np.ndarray:
    """Which of ``key[rows]`` repeat an earlier non-missing value (the first one is kept).

    Arrow text is hashed without a Python string per row: fixed-width keys (police.uk
    Crime IDs) by a 64-bit hash of their bytes, checked exactly; others by Arrow's
    dictionary encoding."""
    arr = _arrow_text(key)
    if arr is None:
        values = key.iloc[rows]
        return (values.duplicated() & values.notna()).to_numpy()
    with np.errstate(over="ignore"):
        fixed = _repeated_fixed(arr, rows)
    if fixed is not None:
        return fixed
    encoded = pc.dictionary_encode(arr)
    codes = np.concatenate(
        [c.indices.fill_null(-1).to_numpy(zero_copy_only=False) for c in encoded.chunks]
        or [np.empty(0, dtype=np.int32)]
    )[rows]
    del encoded
    dup = np.ones(len(codes), dtype=bool)
    _, first = np.unique(codes, return_index=True)
    dup[first] = False
    return dup & (codes >= 0)


def _merge_runs(parts: list[Part]) -> list[tuple[Part, list[str], list[int]]]:
    """Concatenate consecutive parts with the same layout, so the column work is done
    once for a folder of a thousand monthly files rather than once per file."""
    runs: list[list[Part]] = []
    for part in parts:
        if runs and _signature(runs[-1][0]) == _signature(part):
            runs[-1].append(part)
        else:
            runs.append([part])
    merged = []
    for run in runs:
        labels = [p.label for p in run]
        lengths = [len(p.frame) for p in run]
        if len(run) == 1:
            merged.append((run[0], labels, lengths))
            continue
        first = run[0]
        frames, xs, ys = [], [], []
        for p in run:  # the parts let go of their tables, so that columns free as they join
            frames.append(p.frame)
            xs.append(p.x)
            ys.append(p.y)
            p.frame, p.x, p.y = None, None, None
        merged.append(
            (
                Part(
                    frame=_concat(frames),
                    fields=first.fields,
                    x=np.concatenate(xs),
                    y=np.concatenate(ys),
                    crs=first.crs,
                    key=first.key,
                    label=first.label,
                    bad_coords=sum(p.bad_coords for p in run),
                    notes=[n for p in run for n in p.notes],
                ),
                labels,
                lengths,
            )
        )
    return merged


def assemble(parts: list[Part], source: str, files: list[str], notes: list[str]) -> OffenceData:
    """Combine parsed files into offences in EPSG:27700 with a balanced load report.

    ``parts`` is emptied as it is consumed, so memory is released along the way.
    """
    frames, xs, ys, reasons, labels, lengths = [], [], [], [], [], []
    unknown: Counter = Counter()
    reworded: Counter = Counter()
    bad_coords = 0
    notes = list(notes)
    runs = _merge_runs(parts)
    parts.clear()  # let go of the raw tables as soon as each is converted
    while runs:
        part, part_labels, part_lengths = runs.pop(0)
        placed = to_bng(part.x, part.y, part.crs)
        canon, unk, rew = _canonical(part)
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
        df = _concat(frames)
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
        reason[alive[_repeated(key, alive)]] = DUPLICATE
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
