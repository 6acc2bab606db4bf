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


#: A UTC offset or "Z" at the end of a date-time: offences happen at local clock time,
#: so the offset is dropped (a mixture of offsets, as over summer time, parses alike).
_OFFSET = r"(\d:\d{2}(?::\d{2}(?:\.\d*)?)?)\s*(?:[zZ]|(?:UTC|GMT)?\s*[+-]\d{2}:?\d{2})$"


def _attempt(values: pd.Series, **kwargs) -> pd.Series:
    """``to_datetime`` that never lets one odd value spoil the rest.

    When pandas refuses a batch outright (mixed time zones, a date out of range ...)
    rather than coercing the bad values, the batch is split in two and each half tried
    again, so only the values pandas cannot read become NaT.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = pd.to_datetime(values, errors="coerce", **kwargs)
        if getattr(out.dt, "tz", None) is not None:
            out = out.dt.tz_localize(None)  # local clock time
        return out.astype("datetime64[ns]")
    except (ValueError, TypeError, OverflowError, AttributeError):
        if len(values) <= 1:
            return pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
        mid = len(values) // 2
        return pd.concat(
            [_attempt(values.iloc[:mid], **kwargs), _attempt(values.iloc[mid:], **kwargs)]
        )


def first_of_month(values) -> np.ndarray:
    """Parse values to ``datetime64[ns]`` at the first day of their month (NaT if unreadable).

    Accepted: ``YYYY-MM`` (police.uk), ISO dates and date-times, other year-first dates
    (``2024/03/04`` is 4 March), day-first dates (``04/03/2024`` is 4 March, as in the
    UK), and datetime values. Years outside 1900-2100 and impossible dates
    (``2024-13-01``) count as unreadable.
    """
    s = pd.Series(values)
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        if getattr(s.dt, "tz", None) is not None:
            s = s.dt.tz_localize(None)  # local clock time
        parsed = s.astype("datetime64[ns]")
    else:
        text = s.astype(object).where(s.notna(), "").astype(str).str.strip()
        parsed = _attempt(text, format="%Y-%m")
        todo = parsed.isna() & (text != "")
        if todo.any():
            sub = text[todo]
            offset = sub.str.slice(-6).str.contains(r"[zZ+]|-\d\d:?\d\d$", regex=True)
            if offset.any():
                sub = sub.copy()
                sub[offset] = sub[offset].str.replace(_OFFSET, r"\1", regex=True)
                text = text.copy()
                text[todo] = sub
            parsed[todo] = _attempt(sub, format="ISO8601")
        todo = parsed.isna() & (text != "")
        if todo.any():
            # a year-first value that is not ISO is never day-first ("2024-13-01" is no date)
            year_first = text[todo].str.match(r"^\d{4}\D")
            for kwargs, which in (
                ({"format": "mixed", "yearfirst": True, "dayfirst": False}, year_first),
                ({"format": "mixed", "dayfirst": True}, ~year_first),
            ):
                idx = year_first.index[which.to_numpy()]
                if len(idx):
                    parsed[idx] = _attempt(text[idx], **kwargs)
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
