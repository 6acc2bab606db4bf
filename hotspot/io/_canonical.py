"""The canonical columns of one parsed file: text fields, categories and months.

Text fields with blank values made missing, repetitive ones as categoricals, categories
normalised to police.uk's CSV names (API slugs and known wordings mapped; unknown ones kept
as written and counted), months parsed; the file's other columns kept after them.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pandas as pd

from hotspot.io._columns import CANONICAL
from hotspot.io._months import month_codes
from hotspot.io._part import Part
from hotspot.model.taxonomy import category_label, category_name

try:  # pragma: no cover - depends on the environment
    import pyarrow as pa
    import pyarrow.compute as pc
except ImportError:  # pragma: no cover
    pa = pc = None


_TEXT_FIELDS = ("crime_id", "location", "lsoa_code", "lsoa_name", "outcome")


def arrow_text(s: pd.Series):
    """The Arrow array under a text column (no copy), or None when it is not Arrow text.

    Parameters
    ----------
    s : pandas.Series
        A column.

    Returns
    -------
    pyarrow.ChunkedArray or None
    """
    if pa is not None and isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow":
        return s.array.__arrow_array__()
    return None


def _blank(s: pd.Series) -> np.ndarray | None:
    """Where a text column holds an empty or blank value (None when nowhere; missing
    values are not counted, being missing already), without copying it."""
    arr = arrow_text(s)
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


def canonical_columns(part: Part) -> tuple[pd.DataFrame, Counter, Counter]:
    """The canonical columns, then the file's other columns.

    A column a canonical field was taken from is not kept beside it (it would hold the same
    values twice), except a date column with days, which says more than the month.

    Parameters
    ----------
    part : Part
        One parsed file.

    Returns
    -------
    frame : DataFrame
        The canonical columns (``_key`` added when the part has a duplicate key), then the
        file's other columns (renamed ``<name>_original`` when a name is taken).
    unknown : Counter
        Rows per category label that is not police.uk's.
    reworded : Counter
        Rows per ``(label, police.uk name)`` read through the wording table.
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
