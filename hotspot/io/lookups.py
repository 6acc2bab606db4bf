"""Read code lookups: ONS LSOA 2011 -> 2021 (with its change indicator) and LSOA -> ward.

Both ONS's published files (``LSOA11CD, LSOA21CD, CHGIND ...``; ``LSOA21CD, WD23CD,
WD23NM ...``, often UTF-8 with a byte-order mark) and councils' own lookups
(``LSOA11CD, WD22CD_proposed, WD22NM_proposed``) are recognised.
"""

from __future__ import annotations

import re
from os import PathLike
from pathlib import Path

import pandas as pd

from hotspot.core.errors import InputError
from hotspot.io._columns import find, list_columns, norm
from hotspot.io._lsoa import codes_text, lsoa_columns, vintage_from_codes, ward_vintage
from hotspot.io._sources import guard
from hotspot.io._table import columns_of
from hotspot.io.indicators import read_table
from hotspot.model import Lookup

CHANGE_CODES = {"U": "unchanged", "S": "split", "M": "merged", "X": "irregular"}


def ward_columns(columns) -> tuple[str | None, str | None]:
    """The ward code and ward name columns (``WD23CD``/``WD23NM``, ``WD22CD_proposed`` ...)."""
    code = name = None
    for c in columns:
        n = norm(c)
        if code is None and re.match(r"^wd\d{2}cd", n):
            code = c
        if name is None and re.match(r"^wd\d{2}nm(?!w)", n):
            name = c
    code = code or find(columns, ["wardcode", "wardcd"])
    name = name or find(columns, ["wardname", "wardnm", "ward"])
    return code, name


def _by_vintage(columns, vintage: int) -> str | None:
    for c, v in lsoa_columns(columns):
        if v == vintage:
            return c
    return None


def detect_lookup_kind(columns) -> str | None:
    """ "lsoa11_lsoa21", "lsoa_ward" or None, from a table's column names."""
    both = bool(_by_vintage(columns, 2011) and _by_vintage(columns, 2021))
    if both and find(columns, ["chgind"]) is not None:
        return "lsoa11_lsoa21"
    if lsoa_columns(columns) and ward_columns(columns)[0] is not None:
        return "lsoa_ward"
    return "lsoa11_lsoa21" if both else None


def read_lookup(path: str | PathLike) -> Lookup:
    """Read an LSOA 2011 -> 2021 lookup or an LSOA -> ward lookup.

    Parameters
    ----------
    path : path
        CSV (or spreadsheet). The ONS "LSOA (2011) to LSOA (2021) to Local Authority
        District (2022) Exact Fit Lookup", the ONS "LSOA (2021) to Ward (2023) to LAD
        (2023)" best-fit lookup, or a council lookup with LSOA and ward code columns.

    Returns
    -------
    Lookup
        ``kind="lsoa11_lsoa21"``: columns ``lsoa11_code``, ``lsoa21_code``, ``change``
        (U unchanged, S split, M merged, X irregular; missing when the file has no
        CHGIND column). ``kind="lsoa_ward"``: ``lsoa_code``, ``ward_code``,
        ``ward_name``, with ``lsoa_vintage`` and ``ward_vintage`` from the column names
        (or the codes). Names and local authority columns follow when present.

    Raises
    ------
    InputError
        When the table is neither kind of lookup.
    """
    p = Path(path).expanduser()
    if not p.exists():
        raise InputError(f"{p}: no such file; check the path")
    df, label = read_table(p, None)
    with guard(label, "a lookup"):
        return _build(df, p, label)


def _build(df: pd.DataFrame, p: Path, label: str) -> Lookup:
    columns = list(df.columns)
    kind = detect_lookup_kind(columns)
    notes: list[str] = []
    if kind == "lsoa11_lsoa21":
        c11, c21 = _by_vintage(columns, 2011), _by_vintage(columns, 2021)
        table = pd.DataFrame(
            {"lsoa11_code": codes_text(df[c11]), "lsoa21_code": codes_text(df[c21])}
        )
        chg = find(columns, ["chgind", "change", "changeindicator"])
        if chg is None:
            notes.append("no change indicator (CHGIND) column: change is left empty")
            table["change"] = pd.Series(pd.NA, index=table.index, dtype="str")
        else:
            change = codes_text(df[chg]).str.upper()
            odd = sorted(set(change.dropna()) - set(CHANGE_CODES))
            if odd:
                notes.append(f"unexpected change codes {odd[:5]} (expected U, S, M, X)")
            table["change"] = change
        extras = {"lsoa11nm": "lsoa11_name", "lsoa21nm": "lsoa21_name"}
        extras.update({f"lad{y}cd": "lad_code" for y in range(19, 30)})
        extras.update({f"lad{y}nm": "lad_name" for y in range(19, 30)})
        _add_extras(table, df, extras)
        bad = table["lsoa11_code"].isna() | table["lsoa21_code"].isna()
        lsoa_v = ward_v = None
    elif kind == "lsoa_ward":
        code, name = ward_columns(columns)
        lcol, lsoa_v = lsoa_columns(columns)[0]
        table = pd.DataFrame({"lsoa_code": codes_text(df[lcol]), "ward_code": codes_text(df[code])})
        if name is not None:
            table["ward_name"] = codes_text(df[name])
        else:
            notes.append("no ward name column: ward codes are used as names")
            table["ward_name"] = table["ward_code"]
        extras = {f"lsoa{y}nm": "lsoa_name" for y in (11, 21)}
        extras.update({f"lad{y}cd": "lad_code" for y in range(19, 30)})
        extras.update({f"lad{y}nm": "lad_name" for y in range(19, 30)})
        _add_extras(table, df, extras)
        lsoa_v = lsoa_v or vintage_from_codes(table["lsoa_code"])
        ward_v = ward_vintage(code)
        if lsoa_v is None:
            notes.append(f"could not tell whether {lcol} holds 2011 or 2021 LSOA codes")
        if ward_v is None:
            notes.append(f"could not tell the ward boundary year from the column {code!r}")
        bad = table["lsoa_code"].isna() | table["ward_code"].isna()
        many = table.loc[~bad, "lsoa_code"].duplicated().sum()
        if many:
            notes.append(
                f"{int(many)} LSOAs are listed against more than one ward; each row is kept"
            )
    else:
        raise InputError(
            f"{label}: not a lookup Hotspot knows: expected LSOA11CD and LSOA21CD (with "
            "CHGIND) for LSOA 2011 -> 2021, or an LSOA code column and a ward code column "
            f"(e.g. LSOA21CD, WD23CD, WD23NM); {list_columns(columns_of(df))}"
        )
    if bad.any():
        notes.append(f"{int(bad.sum())} rows with an empty code were left out")
        table = table[~bad]
    notes.insert(0, f"{len(table):,} rows read from {label}")
    return Lookup(
        table=table.reset_index(drop=True),
        kind=kind,
        source=str(p),
        lsoa_vintage=lsoa_v,
        ward_vintage=ward_v,
        notes=tuple(notes),
    )


def _add_extras(table: pd.DataFrame, df: pd.DataFrame, extras: dict[str, str]) -> None:
    for c in df.columns:
        target = extras.get(norm(c))
        if target and target not in table.columns:
            table[target] = codes_text(df[c]).to_numpy()
