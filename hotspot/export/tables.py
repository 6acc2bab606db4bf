"""CSV tables for reports: UTF-8 with a byte-order mark (for Excel), written atomically.

No cell is a formula: a spreadsheet runs text that starts with ``=``, ``+``, ``-``
or ``@`` (and, in some, a tab or carriage return) as a formula, so a ward called
``=HYPERLINK("http://...")`` would become a link, or worse, when the table is
opened. :func:`formula_safe` prefixes such text with a single quote (OWASP's rule
for CSV injection), which spreadsheets show as the text itself; numbers, including
negative ones, are left as numbers.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from hotspot.core.atomic import atomic_path
from hotspot.core.errors import ExportError
from hotspot.export.disclosure import publishable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a text cell as a formula."""
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d[\d,]*(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?$")


def formula_safe_text(value: Any) -> Any:
    """``value`` with a leading single quote when it is text a spreadsheet would run.

    Text that is just a number ("-12", "+3.5%") is left alone: it cannot be a
    formula and should stay a number. Anything that is not text is returned as is.
    """
    runs = isinstance(value, str) and value.startswith(FORMULA_STARTS)
    return "'" + value if runs and not _PLAIN_NUMBER.match(value) else value


def formula_safe(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``table`` whose text cells and column names cannot run as formulas.

    Only text is changed (see :func:`formula_safe_text`); numeric columns, and
    numbers held in text columns, keep their values and signs.
    """
    out = table.copy()
    for col in out.columns:
        s = out[col]
        if not (pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype)):
            # kept as objects: a column of whole numbers and blanks must not turn float
            out[col] = pd.Series([formula_safe_text(v) for v in s], index=s.index, dtype=object)
    out.columns = [formula_safe_text(c) for c in out.columns]
    return out


def write_csv(
    table: pd.DataFrame,
    path: str | os.PathLike,
    *,
    suppress_below: int = 0,
    columns: Sequence[str] | None = None,
    overwrite: bool = False,
    counts: Any = None,
) -> Path:
    """Write a table as CSV (UTF-8 with BOM, for Excel), atomically, with no formula in it.

    Parameters
    ----------
    table : DataFrame or GeoDataFrame
        The geometry column is left out.
    path : path-like
        The ``.csv`` file.
    suppress_below : int
        For publication: counts 1 .. N-1 shown as "<N" (see
        :func:`suppress_small_counts`); 0 = off.
    columns : sequence of str, optional
        Columns to write, in order (default all but geometry). Suppression looks at
        the whole table first, so leaving the counts out does not reveal them.
    overwrite : bool
        Replace an existing file.
    counts : DataFrame or AreaStats, optional
        The counts behind a table that shows rates without counts (see
        :func:`suppression_plan`), matched on ``code``.

    Raises
    ------
    ExportError
        When the file exists (and ``overwrite`` is false), the folder is missing or a
        requested column is missing.
    """
    df = pd.DataFrame(table).copy()
    geom = getattr(table, "_geometry_column_name", None)
    df = df.drop(columns=[c for c in df.columns if c == geom or c == "geometry"], errors="ignore")
    df = publishable(df, suppress_below, counts=counts)
    if columns is not None:
        missing = [c for c in columns if c not in df.columns]
        if missing:
            raise ExportError(
                f"{path}: the table has no column {missing[0]!r}; available: "
                f"{', '.join(map(str, df.columns))}"
            )
        df = df[list(columns)]
    text = formula_safe(df).to_csv(index=False, lineterminator="\r\n")
    with atomic_path(path, overwrite=overwrite) as tmp:
        tmp.write_bytes(text.encode("utf-8-sig"))
    return Path(path)


def readable_table(table: Any, *, sort: tuple[str, bool] | None = None) -> pd.DataFrame:
    """A table as a report shows it: columns a reader looks for first, figures rounded.

    Formatting only: the rules are :mod:`hotspot.core.formats` (rates to one
    decimal, counts and populations as whole numbers, shares as percentages,
    p-values as "< 0.001"), the same the window and the briefing use. Text cells (a
    suppressed "<5") are left as they are.

    Parameters
    ----------
    table : DataFrame or GeoDataFrame
        Not changed; the geometry column is left out.
    sort : (column, ascending), optional
        Row order (on the unrounded values), e.g. ``("gi_z", False)``; missing values
        last.

    Returns
    -------
    pandas.DataFrame
        Cells of object type, ready for :func:`write_csv`.
    """
    from hotspot.core.formats import column_order, csv_value

    df = pd.DataFrame(table)
    df = df.drop(columns=[c for c in df.columns if c == "geometry"], errors="ignore")
    if sort is not None and sort[0] in df.columns:
        df = df.sort_values(sort[0], ascending=sort[1], kind="stable", na_position="last")
    df = df[column_order(df.columns)].reset_index(drop=True)
    return pd.DataFrame(
        {c: pd.Series([csv_value(c, v) for v in df[c].tolist()], dtype=object) for c in df.columns}
    )
