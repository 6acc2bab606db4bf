"""Recognise LSOA and ward code columns and tell their vintage (2011 or 2021 LSOAs).

A column named ``LSOA11CD`` / ``LSOA code (2011)`` holds 2011 codes, ``LSOA21CD``
2021 codes. When the name does not say, the codes can: LSOAs created in 2021 were
given codes beyond the last 2011 code (E01033768 in England, W01001958 in Wales).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from hotspot.io._columns import norm

LAST_2011 = {"E01": "E01033768", "W01": "W01001958"}

#: Normalised names of LSOA code columns -> vintage (None: the name does not say).
LSOA_CODE_COLUMNS: dict[str, int | None] = {
    "lsoa11": 2011,
    "lsoa11cd": 2011,
    "lsoa11code": 2011,
    "lsoacode2011": 2011,
    "lsoa2011code": 2011,
    "lsoa2011": 2011,
    "lsoa21cd": 2021,
    "lsoa21code": 2021,
    "lsoacode2021": 2021,
    "lsoa2021code": 2021,
    "lsoa21": 2021,
    "lsoa2021": 2021,
    "lsoacode": None,
    "lsoacd": None,
    "lsoa": None,
    "lsoaid": None,
    "geographycode": None,
    "areacode": None,
    "areacodes": None,
    "code": None,
}


def lsoa_columns(columns: Sequence[str]) -> list[tuple[str, int | None]]:
    """Columns that may hold LSOA codes, best first, each with the vintage its name says."""
    found = []
    by_norm = {norm(c): c for c in reversed(list(columns))}
    for key, vintage in LSOA_CODE_COLUMNS.items():
        if key in by_norm:
            found.append((by_norm[key], vintage))
    return found


def looks_like_lsoa(codes: pd.Series) -> bool:
    """Whether most values are LSOA codes (E01/W01 + 6 digits)."""
    s = codes.dropna().astype(str).str.strip()
    if s.empty:
        return False
    return bool(s.str.match(r"^[EW]01\d{6}$").mean() >= 0.9)


def vintage_from_codes(codes: pd.Series) -> int | None:
    """2021 when any code was created in 2021; None when the codes cannot tell."""
    s = codes.dropna().astype(str).str.strip()
    for prefix, last in LAST_2011.items():
        sub = s[s.str.startswith(prefix)]
        if (sub > last).any():
            return 2021
    return None


def ward_vintage(column: str) -> int | None:
    """The year in a ward code column name (``WD23CD`` -> 2023), if any."""
    m = re.match(r"^wd(\d{2})", norm(column))
    return 2000 + int(m.group(1)) if m else None


def codes_text(values: pd.Series) -> pd.Series:
    """Codes as stripped text (missing stays missing)."""
    s = values.astype(object).where(values.notna(), None)
    return s.map(lambda v: None if v is None else str(v).strip() or None).astype("str")
