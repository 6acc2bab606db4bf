"""Turn month or date values into the first day of their month, vectorised.

police.uk writes months as ``YYYY-MM``; other systems write ISO dates, date-times or
UK day-first dates (``15/01/2024``). Values are parsed once per distinct value, so a
million rows with a few dozen distinct months cost almost nothing.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

EARLIEST_YEAR = 1900
LATEST_YEAR = 2100


def _attempt(values: pd.Series, **kwargs) -> pd.Series:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = pd.to_datetime(values, errors="coerce", **kwargs)
    except (ValueError, TypeError, OverflowError):
        return pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    if getattr(out.dt, "tz", None) is not None:
        out = out.dt.tz_convert(None)
    return out.astype("datetime64[ns]")


def first_of_month(values) -> np.ndarray:
    """Parse values to ``datetime64[ns]`` at the first day of their month (NaT if unreadable).

    Accepted: ``YYYY-MM`` (police.uk), ISO dates and date-times, day-first dates, and
    datetime values. Years outside 1900-2100 count as unreadable.
    """
    s = pd.Series(values)
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        if getattr(s.dt, "tz", None) is not None:
            s = s.dt.tz_convert(None)
        parsed = s.astype("datetime64[ns]")
    else:
        text = s.astype(object).where(s.notna(), "").astype(str).str.strip()
        parsed = _attempt(text, format="%Y-%m")
        for kwargs in ({"format": "ISO8601"}, {"format": "mixed", "dayfirst": True}):
            todo = parsed.isna() & (text != "")
            if not todo.any():
                break
            parsed[todo] = _attempt(text[todo], **kwargs)
    years = parsed.dt.year
    parsed = parsed.where((years >= EARLIEST_YEAR) & (years <= LATEST_YEAR))
    month = parsed.dt.to_period("M").dt.to_timestamp()
    return month.astype("datetime64[ns]").to_numpy()


def month_codes(series: pd.Series) -> np.ndarray:
    """:func:`first_of_month` for a long column, parsing each distinct value once."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    parsed = first_of_month(pd.Series(uniques))
    lookup = np.append(parsed, np.datetime64("NaT", "ns"))  # code -1 picks the NaT
    return lookup[codes]
