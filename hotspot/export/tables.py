"""CSV tables for reports: UTF-8 with a byte-order mark (for Excel), written atomically."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from hotspot.core.atomic import atomic_path
from hotspot.core.errors import ExportError
from hotspot.export.disclosure import suppress_small_counts


def write_csv(
    table: pd.DataFrame,
    path: str | os.PathLike,
    *,
    suppress_below: int = 0,
    columns: Sequence[str] | None = None,
    overwrite: bool = False,
    counts: Any = None,
) -> Path:
    """Write a table as CSV (UTF-8 with BOM, for Excel), atomically.

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
    if suppress_below:
        df = suppress_small_counts(df, suppress_below, counts=counts)
    if columns is not None:
        missing = [c for c in columns if c not in df.columns]
        if missing:
            raise ExportError(
                f"{path}: the table has no column {missing[0]!r}; available: "
                f"{', '.join(map(str, df.columns))}"
            )
        df = df[list(columns)]
    text = df.to_csv(index=False, lineterminator="\r\n")
    with atomic_path(path, overwrite=overwrite) as tmp:
        tmp.write_bytes(text.encode("utf-8-sig"))
    return Path(path)
