"""Disclosure control: small counts hidden for publication, with secondary suppression.

Counts below a threshold are shown as "<5"; when the small counts could be worked out
from a column total, the next smallest count is withheld too ("[c]"); and the figures
derived from a hidden count (rate, change, share, p-value, rank ...) are blanked on its
row, so the count cannot be worked back.

Every writer that can publish a count goes through :func:`publishable` (CSV tables,
the GeoPackage, the map layers behind the HTML and print maps, the briefing pack and
``summary.txt``), so one ``[outputs] suppress_below`` hides the same cells everywhere.
What it cannot reach (Gi* z-scores and p-values, local Moran's I, the KDE surface, the
offence points) is listed in SECURITY.md.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from hotspot.core.errors import ExportError

COUNT_COLUMNS = ("count", "count_prev", "n", "offences", "Offences (previous period)")
"""Columns holding offence counts (matched case-insensitively: ``Offences`` too)."""
DERIVED_COLUMNS = (
    "rate",
    "rate_eb",
    "rate_prev",
    "change",
    "pct_change",
    "Change (%)",
    "change_p",
    "change_q",
    "change_flag",
    "change_label",
    "share",
    "share_offences",
    "pai",
    "rank",
    "Summary",
)
"""Figures worked out from the counts (case-insensitive; any "Rate per ..." column too)."""
WITHHELD = "[c]"
"""Shown for a count withheld so that a suppressed small count cannot be worked out."""
SUPPRESSED_COLUMN = "suppressed"
"""Column :func:`publishable` adds in its typed form: why a row's figures are missing."""


# --------------------------------------------------------------------------- CSV


def _columns_like(table: pd.DataFrame, names: Sequence[str], prefix: str = "") -> list[str]:
    wanted = {n.lower() for n in names}
    return [
        c
        for c in table.columns
        if isinstance(c, str) and (c.lower() in wanted or (prefix and c.lower().startswith(prefix)))
    ]


@dataclass(frozen=True)
class SuppressionPlan:
    """Which cells of a table are hidden for publication.

    Attributes
    ----------
    marks : dict of str -> Series
        For each count column, the text shown instead of the count ("<5" for a
        small count, ``WITHHELD`` for a count withheld so that the small ones cannot
        be worked out from the column total), or None where the count is shown.
    hidden : Series of bool
        Rows whose derived figures (rate, change, share, rank ...) are blanked.
    derived : list of str
        The derived columns present.
    """

    marks: dict[str, pd.Series]
    hidden: pd.Series
    derived: list[str]


def suppression_plan(
    table: pd.DataFrame,
    threshold: int = 5,
    *,
    count_columns: Sequence[str] | None = None,
    derived_columns: Sequence[str] | None = None,
    counts: Any = None,
    key: str = "code",
) -> SuppressionPlan:
    """Work out which counts to hide and which rows lose their derived figures.

    Primary suppression: counts 1 .. ``threshold``-1 are shown as "<threshold"
    (zero stays: it discloses nobody). Secondary suppression: when the suppressed
    counts of a column could be worked out from the column total (which the rest of
    a report gives away: a total line, or any row's count divided by its share) -
    that is, when only one count is suppressed, or all of them must be 1 or all
    ``threshold``-1 given their sum - the smallest count still shown is withheld
    too (``WITHHELD``). Every row with a hidden count loses its derived figures, so
    a count cannot be worked back from a rate and the population, a share, a
    change, a p-value or a rank.

    Parameters
    ----------
    table : DataFrame
        Not changed.
    threshold : int
        5 is usual; 0 or 1 turns suppression off.
    count_columns, derived_columns : sequence of str, optional
        Defaults ``COUNT_COLUMNS`` / ``DERIVED_COLUMNS`` (case-insensitive; any
        column starting "rate per" is derived too).
    counts : DataFrame or AreaStats, optional
        A table with the counts behind ``table``'s figures, for tables that show
        rates without counts (the bivariate and Gi* LSOA tables): rows whose
        ``key`` is hidden there are hidden here.
    key : str
        The column joining ``table`` and ``counts``.
    """
    index = table.index
    hidden = pd.Series(False, index=index)
    marks: dict[str, pd.Series] = {}
    derived = (
        [c for c in derived_columns if c in table.columns]
        if derived_columns is not None
        else _columns_like(table, DERIVED_COLUMNS, prefix="rate per ")
    )
    if threshold is None or threshold <= 1:
        return SuppressionPlan(marks, hidden, derived)
    cols = (
        [c for c in count_columns if c in table.columns]
        if count_columns is not None
        else _columns_like(table, COUNT_COLUMNS)
    )
    for col in cols:
        v = pd.to_numeric(table[col], errors="coerce").to_numpy(dtype=float)
        small = (v > 0) & (v < threshold)
        text = np.full(len(v), None, dtype=object)
        text[small] = f"<{threshold}"
        k, total = int(small.sum()), float(v[small].sum())
        if k and (k == 1 or total in (k, k * (threshold - 1))):
            rest = np.flatnonzero(v >= threshold)
            if rest.size:
                text[rest[np.argmin(v[rest])]] = WITHHELD
        mark = pd.Series(text, index=index, dtype=object)
        marks[col] = mark
        hidden |= mark.notna().to_numpy()
    if counts is not None:
        ref = pd.DataFrame(getattr(counts, "table", counts))
        if key not in ref.columns or key not in table.columns:
            raise ExportError(
                f"small-count suppression: both tables need a {key!r} column to be matched"
            )
        ref_plan = suppression_plan(ref, threshold, count_columns=count_columns)
        secret = set(ref.loc[ref_plan.hidden.to_numpy(), key].astype(str))
        hidden |= table[key].astype(str).isin(secret).to_numpy()
    return SuppressionPlan(marks, hidden, derived)


def _count_text(x: Any) -> str:
    if pd.isna(x):
        return ""
    return f"{x:.0f}" if float(x).is_integer() else f"{x}"


def suppress_small_counts(
    table: pd.DataFrame,
    threshold: int = 5,
    *,
    count_columns: Sequence[str] | None = None,
    derived_columns: Sequence[str] | None = None,
    counts: Any = None,
    key: str = "code",
) -> pd.DataFrame:
    """Hide small counts for publication: 1 .. threshold-1 become "<threshold".

    See :func:`suppression_plan` for what is hidden: small counts, a second count
    when the small ones could be worked out from the column total (shown as
    ``WITHHELD``), and on every row with a hidden count the figures derived from it
    (rate, change, share, p-value, rank ...), blanked.

    Parameters
    ----------
    table : DataFrame
        Not changed; a copy is returned (count columns become text).
    threshold : int
        5 is usual; 0 or 1 turns suppression off.
    count_columns, derived_columns, counts, key
        As for :func:`suppression_plan`.
    """
    out = table.copy()
    if threshold is None or threshold <= 1:
        return out
    plan = suppression_plan(
        table,
        threshold,
        count_columns=count_columns,
        derived_columns=derived_columns,
        counts=counts,
        key=key,
    )
    for col, mark in plan.marks.items():
        text = pd.to_numeric(out[col], errors="coerce").map(_count_text)
        out[col] = text.where(mark.isna(), mark)
    for col in plan.derived:
        out[col] = out[col].astype(object).where(~plan.hidden, "")
    return out


def publishable(
    table: pd.DataFrame,
    threshold: int | None,
    *,
    counts: Any = None,
    key: str = "code",
    text: bool = True,
) -> pd.DataFrame:
    """A copy of ``table`` that may be published: small counts and what recovers them hidden.

    The one entry point every writer uses (see the module docstring). The cells
    hidden are those of :func:`suppression_plan`.

    Parameters
    ----------
    table : DataFrame or GeoDataFrame
        Not changed.
    threshold : int or None
        Counts 1 .. threshold-1 are hidden; 0, 1 or None: nothing is (a plain copy).
    counts : DataFrame or AreaStats, optional
        The counts behind a table that shows rates without counts (matched on ``key``).
    key : str
        The column joining ``table`` and ``counts``.
    text : bool
        True (for tables people read: CSV, briefing, summary): count columns become
        text, "<5" or ``WITHHELD`` where hidden, and the derived figures of hidden
        rows are blank (""), as :func:`suppress_small_counts`. False (for GIS files
        and anything that computes with the columns): column types are kept, hidden
        counts and derived figures are missing (NaN/None), and a text column
        ``suppressed`` says on each row what was hidden and why
        (e.g. "count <5; count_prev [c]"), empty elsewhere.

    Returns
    -------
    DataFrame
        Of the same class as ``table`` (a GeoDataFrame stays one).
    """
    if threshold is None or threshold <= 1:
        return table.copy()
    if text:
        return suppress_small_counts(table, threshold, counts=counts, key=key)
    plan = suppression_plan(table, threshold, counts=counts, key=key)
    out = table.copy()
    hidden = plan.hidden.to_numpy()
    for col, mark in plan.marks.items():
        gone = mark.notna().to_numpy()
        out[col] = pd.to_numeric(out[col], errors="coerce").astype(float).where(~gone)
    for col in plan.derived:
        s = out[col]
        if pd.api.types.is_bool_dtype(s.dtype):
            s = s.astype("boolean")
        elif pd.api.types.is_numeric_dtype(s.dtype):
            s = s.astype(float)
        else:
            s = s.astype(object)
        out[col] = s.where(~hidden, None if s.dtype == object else np.nan)
    marks = {col: mark.tolist() for col, mark in plan.marks.items()}
    notes = []
    for i, gone in enumerate(hidden):
        parts = [f"{col} {m[i]}" for col, m in marks.items() if m[i] is not None]
        if gone and not parts:
            parts = [f"figures of an area with fewer than {threshold} offences"]
        notes.append("; ".join(parts))
    out[SUPPRESSED_COLUMN] = notes
    return out


_TABLE_FIELDS = ("table", "cells")


def self_published(results: Mapping[str, Any], threshold: int | None) -> dict[str, Any]:
    """The results, those that hold counts in their text (hot spot zones naming their
    streets "High Street (3)", map points) replaced by their own ``publishable(threshold)``
    copy; the others as they are. The writers suppress the tables' count columns."""
    out = dict(results)
    if threshold is None or threshold <= 1:
        return out
    for key, value in results.items():
        own = getattr(value, "publishable", None)
        if callable(own) and not isinstance(value, type):
            out[key] = own(threshold)
    return out


def publishable_results(results: Mapping[str, Any], threshold: int | None) -> dict[str, Any]:
    """The results of a run as they may be published, for text made from them (the summary).

    Every table among the results (a DataFrame, or a result's ``table`` or ``cells``)
    is replaced by its :func:`publishable` typed copy: hidden counts and the figures
    derived from them are missing (NaN). Other results are passed on as they are.

    Parameters
    ----------
    results : mapping
        Key -> result, as a run holds them ("rates_ward" -> AreaStats ...).
    threshold : int or None
        As for :func:`publishable`; 0, 1 or None returns the results unchanged.
    """
    out = self_published(results, threshold)
    if threshold is None or threshold <= 1:
        return out
    for key, value in results.items():
        if out[key] is not value:  # published by itself
            continue
        if isinstance(value, pd.DataFrame):
            out[key] = publishable(value, threshold, text=False)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            names = {f.name for f in dataclasses.fields(value)}
            change = {
                name: publishable(getattr(value, name), threshold, text=False)
                for name in _TABLE_FIELDS
                if name in names and isinstance(getattr(value, name), pd.DataFrame)
            }
            if change:
                out[key] = dataclasses.replace(value, **change)
    return out
