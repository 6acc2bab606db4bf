"""How every figure is shown, said once: the number format of each column.

The window's tables, the CSV files, ``summary.txt`` and the briefing pack round a
figure to what its measure deserves, and put the columns a reader looks for first:

==================  ==============================  =================  ============
measure             columns                         shown              in a CSV
==================  ==============================  =================  ============
counts              count, n, offences, population  ``13,212``         ``13212``
change in counts    change                          ``+78``            ``78``
rates               rate, rate_eb, "Rate per ..."   ``59.3``           ``59.3``
change in percent   pct_change, "Change (%)"        ``+11.0%``         ``11.0``
shares              share, share_offences           ``9.0%``           ``9.0%``
p-values            p_value, q_value, change_p      ``< 0.001``        ``< 0.001``
z-scores            gi_z                            ``4.21``           ``4.21``
==================  ==============================  =================  ============

A column that is not listed gets a sensible rounding from its values (three
significant digits, whole numbers kept whole). A table an analysis adds later is
formatted by the same rules when its columns have these names: name a new column
``ward``, ``location`` or ``offences`` and it is placed and shown accordingly.

The functions here are pure Python; :func:`hotspot.export.tables.readable_table`
applies them to a whole table for a CSV, and the window's table model and the
briefing's tables call :func:`display` cell by cell.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Format:
    """How one column is shown.

    Attributes
    ----------
    kind : str
        "count" (whole numbers with thousands separators), "change" (a signed whole
        number), "id" (a whole number without separators), "rate", "percent" (a signed
        percentage already in percent), "share" (a fraction shown as a percentage),
        "p" (a p-value: "< 0.001"), "number" (a fixed number of decimals), "flag"
        (yes or no), "text", or "auto" (rounded from its size).
    decimals : int
        Decimals for "rate", "percent", "share", "p" and "number".
    """

    kind: str
    decimals: int = 0


COUNT = Format("count")
CHANGE = Format("change")
ID = Format("id")
RATE = Format("rate", 1)
PERCENT = Format("percent", 1)
SHARE = Format("share", 1)
P_VALUE = Format("p", 3)
FLAG = Format("flag")
TEXT = Format("text")
AUTO = Format("auto")

FORMATS: dict[str, Format] = {
    # counts and people
    "count": COUNT,
    "count_prev": COUNT,
    "n": COUNT,
    "offences": COUNT,
    "population": COUNT,
    "rank": COUNT,
    "LSOAs": COUNT,
    "Offences": COUNT,
    "Residents": COUNT,
    "Rank": COUNT,
    "Offences (previous period)": COUNT,
    # changes
    "change": CHANGE,
    "Change": CHANGE,
    "pct_change": PERCENT,
    "Change (%)": PERCENT,
    # rates and shares
    "rate": RATE,
    "rate_eb": RATE,
    "rate_prev": RATE,
    "share": SHARE,
    "share_offences": SHARE,
    "share_area": SHARE,
    # tests
    "p_value": P_VALUE,
    "p_sim": P_VALUE,
    "q_value": P_VALUE,
    "change_p": P_VALUE,
    "change_q": P_VALUE,
    "gi_z": Format("number", 2),
    "local_i": Format("number", 3),
    "lag": Format("number", 3),
    "change_flag": FLAG,
    "pct_change_undefined": FLAG,
    "island": FLAG,
    # classes and ids
    "gi_bin": ID,
    "quadrant": ID,
    "cell_id": ID,
    "row": ID,
    "col": ID,
    # hot spot zones and thresholds
    "threshold": Format("number", 1),
    "area_km2": Format("number", 2),
    "pai": Format("number", 1),
    "hot_area_km2": Format("number", 2),
    # how good a hotspot map is (evaluation) and trends (emerging hot spots)
    "area_share": SHARE,
    "captured": SHARE,
    "hit_rate": SHARE,
    "hit_rate_t1": SHARE,
    "capture_1": SHARE,
    "capture_5": SHARE,
    "capture_10": SHARE,
    "pai_t1": Format("number", 1),
    "ppai": Format("number", 1),
    "pei": Format("number", 2),
    "rri": Format("number", 2),
    "jaccard": Format("number", 2),
    "value_m": COUNT,
    "n_hot": COUNT,
    "n_cold": COUNT,
    "trend_s": CHANGE,
    "trend_tau": Format("number", 2),
    "trend_z": Format("number", 2),
    "trend_p": P_VALUE,
    "category": ID,
    "step": ID,
    # context
    "imd_score": Format("number", 2),
    "samhi_index": Format("number", 2),
}
"""Column -> its format (a column not listed is matched by :func:`column_format`)."""

LEAD_COLUMNS = (
    "name",
    "Ward",
    "ward",
    "zone",
    "zone_id",
    "location",
    "streets",
    "wards",
    "code",
    "Ward code",
    "count",
    "n",
    "offences",
    "Offences",
    "label",
    "cluster",
    "method",
    "pattern",
)
"""Columns a reader looks for first (areas and places, then offences, then the class)."""

TRAIL_COLUMNS = (
    "gi_bin",
    "quadrant",
    "island",
    "pct_change_undefined",
    "cell_id",
    "row",
    "col",
)
"""Technical columns, kept at the end (they join the table to the GIS layers)."""


def column_format(column: Any) -> Format:
    """The format of a column: listed in ``FORMATS``, else guessed from its name."""
    name = str(column)
    if name in FORMATS:
        return FORMATS[name]
    low = name.lower()
    if low.startswith("rate per"):
        return RATE
    if ": lsoas in" in low or low.endswith(" offences") or low.startswith("offences "):
        return COUNT
    if low.endswith("(%)"):
        return PERCENT
    if low.startswith("share"):
        return SHARE
    return AUTO


def column_order(columns: Iterable[Any]) -> list[Any]:
    """``columns`` with the lead columns first (in their order) and technical ones last."""
    cols = list(columns)
    lead = [c for c in LEAD_COLUMNS if c in cols]
    trail = [c for c in TRAIL_COLUMNS if c in cols]
    middle = [c for c in cols if c not in lead and c not in trail]
    return lead + middle + trail


# --------------------------------------------------------------------------- values


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, list | tuple) or getattr(value, "ndim", 0):
        return False  # a series of values (a sparkline's), not a missing one
    try:
        return bool(value != value)  # NaN, pandas NA raises
    except (TypeError, ValueError):
        return True


def _number(value: Any) -> float | None:
    """A real number from ``value``, or None for text, booleans and missing values."""
    if isinstance(value, bool) or _missing(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _minus(text: str) -> str:
    return text.replace("-", "\u2212") if text.startswith("-") else text


def auto_decimals(x: float) -> int:
    """Decimals giving about three significant digits (none for whole numbers, at most 4)."""
    if x == int(x) or not math.isfinite(x):
        return 0
    size = abs(x)
    if size >= 100:
        return 0
    if size >= 10:
        return 1
    if size >= 1:
        return 2
    return min(4, 2 - math.floor(math.log10(size))) if size > 0 else 0


def p_value_text(p: Any) -> str:
    """A p-value as people read it: "< 0.001", else three decimals ("0.042")."""
    v = _number(p)
    if v is None:
        return ""
    return "< 0.001" if v < 0.001 else f"{v:.3f}"


def count_text(n: Any) -> str:
    """A count with thousands separators and no decimals ("784", "13,212")."""
    v = _number(n)
    return "" if v is None else f"{v:,.0f}"


def published_count(n: Any, suppress_below: int = 0) -> str:
    """A count as it may be published: "<5" for 1 .. ``suppress_below`` - 1, else as
    :func:`count_text` (``suppress_below`` 0 or 1: every count shown)."""
    v = _number(n)
    if v is not None and suppress_below > 1 and 0 < v < suppress_below:
        return f"<{suppress_below}"
    return count_text(n)


def share_text(share: Any, decimals: int = 1) -> str:
    """A fraction as a percentage ("9.0%"; "< 0.1%" for a small non-zero share)."""
    v = _number(share)
    if v is None:
        return ""
    pct = 100 * v
    smallest = 10**-decimals
    if 0 < pct < smallest:
        return f"< {smallest:g}%"
    return f"{pct:.{decimals}f}%"


def display(column: Any, value: Any) -> str:
    """``value`` of ``column`` as a table in the window or a briefing page shows it.

    Text is returned as it is (a suppressed count stays "<5"); missing values are
    empty.
    """
    if _missing(value):
        return ""
    if isinstance(value, str):
        return value
    fmt = column_format(column)
    if isinstance(value, bool) or fmt.kind == "flag":
        return "Yes" if bool(value) else "No"
    v = _number(value)
    if v is None:
        return str(value)
    kind = fmt.kind
    if kind == "count":
        return _minus(f"{v:,.0f}")
    if kind == "change":
        return _minus(f"{v:+,.0f}") if v else "0"
    if kind == "id":
        return _minus(f"{v:.0f}")
    if kind in ("rate", "number"):
        return _minus(f"{v:,.{fmt.decimals}f}")
    if kind == "percent":
        return _minus(f"{v:+,.{fmt.decimals}f}%") if v else "0%"
    if kind == "share":
        return share_text(v, fmt.decimals)
    if kind == "p":
        return p_value_text(v)
    return _minus(f"{v:,.{auto_decimals(v)}f}")


def csv_value(column: Any, value: Any) -> Any:
    """``value`` of ``column`` for a CSV file: a rounded number, or text where it reads better.

    Counts become whole numbers, rates and scores are rounded, shares are written as
    percentages ("9.0%", which spreadsheets read as a number), p-values as "< 0.001"
    or three decimals. Text and missing values are returned unchanged.
    """
    if _missing(value) or isinstance(value, str | bool):
        return value
    v = _number(value)
    if v is None:
        return value
    fmt = column_format(column)
    kind = fmt.kind
    if kind in ("count", "change", "id"):
        return int(round(v))
    if kind in ("rate", "number", "percent"):
        return round(v, fmt.decimals)
    if kind == "share":
        return share_text(v, fmt.decimals)
    if kind == "p":
        return p_value_text(v)
    if kind == "flag":
        return bool(v)
    digits = auto_decimals(v)
    return int(round(v)) if digits == 0 else round(v, digits)


__all__ = [
    "FORMATS",
    "LEAD_COLUMNS",
    "TRAIL_COLUMNS",
    "Format",
    "auto_decimals",
    "column_format",
    "column_order",
    "count_text",
    "csv_value",
    "display",
    "p_value_text",
    "share_text",
]
