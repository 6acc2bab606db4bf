"""Parsed files of one layout joined into one table, column by column.

A folder of a thousand monthly files is read as a few runs of files with the same layout;
each run is concatenated once, releasing each source column as its joined column is built,
so a large load never holds two full copies of the table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from hotspot.io._part import Part


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


def concat_columns(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate tables column by column, emptying ``frames`` as it goes (so that the
    pieces of a column are released once it is built); a column missing from some
    tables is missing in their rows.

    Parameters
    ----------
    frames : list of DataFrame
        The tables, in order (emptied).

    Returns
    -------
    DataFrame
        One table with a fresh index.
    """
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


def merge_runs(parts: list[Part]) -> list[tuple[Part, list[str], list[int]]]:
    """Concatenate consecutive parts with the same layout, so the column work is done
    once for a folder of a thousand monthly files rather than once per file.

    Parameters
    ----------
    parts : list of Part
        The parsed files, in order (each merged part lets go of its tables).

    Returns
    -------
    list of (Part, list of str, list of int)
        Per run: the merged part, the labels of its files and their row counts.
    """
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
                    frame=concat_columns(frames),
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
