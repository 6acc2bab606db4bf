"""Read LSOA context tables: IMD 2019, SAMHI, population (and any LSOA-keyed numbers).

Each becomes an :class:`~hotspot.model.Indicators` table with a column ``lsoa_code`` and
one column per measure under a readable name (``imd_score``, ``income_decile``,
``samhi_index``, ``population`` ...), with the LSOA vintage of its codes.
"""

from __future__ import annotations

import re
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from hotspot.core.errors import InputError
from hotspot.io._columns import list_columns, norm
from hotspot.io._lsoa import codes_text, looks_like_lsoa, lsoa_columns, vintage_from_codes
from hotspot.io._sources import Member, guard
from hotspot.io._table import columns_of, read_text_table
from hotspot.model import INDICATOR_KINDS, Indicators

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")

#: IMD domains: normalised column-name prefix -> readable name (most specific first).
IMD_DOMAINS = (
    ("indexofmultipledeprivation", "imd"),
    ("incomedeprivationaffectingchildren", "idaci"),
    ("incomedeprivationaffectingolderpeople", "idaopi"),
    ("income", "income"),
    ("employment", "employment"),
    ("childrenandyoungpeople", "children_young_people"),
    ("adultskills", "adult_skills"),
    ("educationskillsandtraining", "education"),
    ("education", "education"),
    ("healthdeprivationanddisability", "health"),
    ("health", "health"),
    ("crime", "crime"),
    ("geographicalbarriers", "geographical_barriers"),
    ("widerbarriers", "wider_barriers"),
    ("barrierstohousingandservices", "housing"),
    ("housing", "housing"),
    ("indoors", "indoors"),
    ("outdoors", "outdoors"),
    ("livingenvironment", "living_environment"),
    ("imd", "imd"),
)
POPULATION_NAMES = ("personsallages", "allages", "population", "totalpopulation", "pop")
POPULATION_PREFIXES = ("totalpopulation", "personsallages", "population")
_YEARED = re.compile(r"^(?P<base>.+?)[._](?P<year>(19|20)\d{2})$")


def snake(name: str) -> str:
    """A readable snake_case column name."""
    s = re.sub(r"[^0-9a-zA-Z]+", "_", str(name)).strip("_").lower()
    return s or "value"


def detect_indicator_kind(columns) -> str | None:
    """ "samhi", "imd" or "population" from a table's column names (None if none fits)."""
    names = [norm(c) for c in columns]
    if any(n.startswith("samhiindex") for n in names):
        return "samhi"
    if any(n.startswith("indexofmultipledeprivation") for n in names) or any(
        n.startswith("imd") and any(m in n for m in ("score", "rank", "decile")) for n in names
    ):
        return "imd"
    if any(n in POPULATION_NAMES or n.startswith(POPULATION_PREFIXES) for n in names):
        return "population"
    return None


def _imd_measure(column: str) -> str | None:
    n = norm(column)
    if "decile" in n:
        what = "decile"
    elif "rank" in n:
        what = "rank"
    elif "score" in n:
        what = "score"
    else:
        return None
    for prefix, name in IMD_DOMAINS:
        if n.startswith(prefix):
            return f"{name}_{what}"
    return None


#: How spreadsheet files start: xlsx/xlsm/ods are zip archives, xls an OLE2 compound file.
_WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")


def _check_workbook(path: Path) -> None:
    """Refuse a file that does not start like a workbook, saying what it may be instead."""
    with guard(path.name, "a spreadsheet"), open(path, "rb") as fh:
        magic = fh.read(4)
    if not magic.startswith(_WORKBOOK_MAGIC):
        raise InputError(
            f"{path.name}: is not a spreadsheet, although its name ends {path.suffix}; if it "
            "is a CSV table, rename it to .csv; otherwise open it in Excel and save it as .xlsx"
        )


def _pick_sheet(book: pd.ExcelFile, path: Path, kind: str | None) -> str:
    sheets = {
        str(s): [str(c) for c in pd.read_excel(book, sheet_name=s, nrows=0).columns]
        for s in book.sheet_names
    }
    usable = {s: cols for s, cols in sheets.items() if lsoa_columns(cols)}
    for s, cols in usable.items():
        if kind in (None, "other") or detect_indicator_kind(cols) == kind:
            if kind is None and detect_indicator_kind(cols) is None:
                continue
            return s
    if usable and kind in (None, "other"):
        return next(iter(usable))
    raise InputError(
        f"{path.name}: no sheet holds {kind or 'IMD, SAMHI or population'} figures keyed by "
        f"LSOA code; sheets are: {', '.join(sheets)}. Save the sheet you need as CSV, or pass "
        "kind="
    )


def _check_engine(path: Path) -> None:
    """Refuse, with what to do, a spreadsheet format whose reader is not installed."""
    engine = {".xls": "xlrd", ".ods": "odf"}.get(path.suffix.lower())
    if engine is None:
        return
    try:
        __import__(engine)
    except ImportError:
        raise InputError(
            f"{path.name}: Hotspot reads .xlsx workbooks and CSV tables, not "
            f"{path.suffix} files; open it in Excel or LibreOffice and save it as .xlsx or CSV"
        ) from None


def read_table(path: Path, kind: str | None) -> tuple[pd.DataFrame, str]:
    """Read a CSV or a spreadsheet's relevant sheet, every value as text."""
    if path.suffix.lower() in EXCEL_SUFFIXES:
        _check_engine(path)
        _check_workbook(path)
        with guard(path.name, "a spreadsheet"), pd.ExcelFile(path) as book:
            sheet = _pick_sheet(book, path, kind)
            label = f"{path.name} (sheet {sheet!r})"
            with guard(label, "a spreadsheet"):
                df = pd.read_excel(book, sheet_name=sheet, dtype=object)
        df.columns = [str(c).strip() for c in df.columns]
        return df, label
    with guard(path.name, "a CSV table"):
        return read_text_table(Member(path.name, path)), path.name


def numbers(values: pd.Series) -> tuple[pd.Series, int]:
    """Numbers from a column (thousands separators allowed); also how many were not numbers."""
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        return values.astype("float64"), 0
    text = values.astype(object).where(values.notna(), "").astype(str).str.strip()
    num = pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce")
    bad = int(((text != "") & num.isna()).sum())
    return num.astype("float64"), bad


def choose_key(df: pd.DataFrame, label: str) -> tuple[str, int | None]:
    """The LSOA code column (unique one preferred) and the vintage its name says.

    Raises
    ------
    InputError
        When no column holds LSOA codes.
    """
    named = lsoa_columns(list(df.columns))
    cands = [(c, v) for c, v in named if looks_like_lsoa(df[c])]
    if not cands and named:
        col = named[0][0]
        values = codes_text(df[col]).dropna()
        # public area codes (E05000001 ...) may be quoted; anything else is not
        gss = values[values.str.match(r"^[EWSNK]\d{8}$")].head(3)
        seen = (
            f"its first values are {', '.join(repr(v) for v in gss)}"
            if len(gss)
            else f"{len(values):,} values, none an LSOA code"
        )
        raise InputError(
            f"{label}: column {col!r} does not hold LSOA codes (E01 or W01 and six digits, "
            f"e.g. E01000001); {seen}. Check that the file is keyed by LSOA (not by ward or "
            "local authority)"
        )
    if not cands:
        raise InputError(
            f"{label}: no column looks like an LSOA code (expected LSOA11CD, LSOA21CD or "
            f"'LSOA code (2011)'); {list_columns(columns_of(df))}. "
            "Rename the code column to LSOA11CD or LSOA21CD"
        )
    for c, v in cands:
        if codes_text(df[c]).dropna().is_unique:
            return c, v
    return cands[0]


def _measures_imd(df: pd.DataFrame) -> dict[str, str]:
    out: dict[str, str] = {}
    for c in df.columns:
        name = _imd_measure(c)
        if name and name not in out.values():
            out[c] = name
    return out


def _measures_samhi(df: pd.DataFrame, year: int | None, label: str) -> tuple[dict, int]:
    by_year: dict[int, dict[str, str]] = {}
    for c in df.columns:
        m = _YEARED.match(str(c).strip())
        if m:
            by_year.setdefault(int(m.group("year")), {})[c] = m.group("base")
    index_years = sorted(
        y for y, cols in by_year.items() if any(norm(b) == "samhiindex" for b in cols.values())
    )
    if not index_years:
        raise InputError(
            f"{label}: no SAMHI index column found (expected samhi_index.YYYY, e.g. "
            "samhi_index.2022)"
        )
    if year is None:
        year = index_years[-1]
    elif year not in index_years:
        raise InputError(
            f"{label}: no SAMHI index for {year}; the file has "
            f"{', '.join(map(str, index_years))}: pass one of these as year="
        )
    names = {"samhiindex": "samhi_index", "samhidec": "samhi_decile", "samhidecile": "samhi_decile"}
    out: dict[str, str] = {}
    for c, b in by_year[year].items():
        name = names.get(norm(b), snake(b))
        if name not in out.values():  # the first column of a repeated measure wins
            out[c] = name
    return out, year


def _measures_population(df: pd.DataFrame, label: str) -> dict[str, str]:
    for c in df.columns:
        n = norm(c)
        if n in POPULATION_NAMES or n.startswith(POPULATION_PREFIXES):
            return {c: "population"}
    raise InputError(
        f"{label}: no population column found (expected Persons_All-Ages, All Ages or population)"
    )


def _measures_other(df: pd.DataFrame, key: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for c in df.columns:
        if c == key or norm(c) in ("lsoaname", "lsoa11nm", "lsoa21nm"):
            continue
        num, _ = numbers(df[c])
        if num.notna().mean() > 0.5:
            out[c] = snake(c)
    return out


def _year_from(label: str, columns) -> int | None:
    text = " ".join([label, *map(str, columns)])
    m = re.search(r"mid[-_ ]?((?:19|20)\d{2})", text, re.IGNORECASE)
    return int(m.group(1)) if m else None


def read_indicators(
    path: str | PathLike, *, kind: str | None = None, year: int | None = None
) -> Indicators:
    """Read an LSOA context table: IMD 2019, SAMHI or population.

    Parameters
    ----------
    path : path
        CSV or spreadsheet. Recognised layouts: IMD 2019 with the official "File 7"
        column names (CSV, or the spreadsheet's "IMD 2019" sheet), IMD rank/decile
        extracts (``IMD_rank``, ``IMD_decile``); SAMHI in the official wide layout
        (``samhi_index.YYYY``, ``samhi_dec.YYYY``) with 2011 or 2021 LSOA codes; ONS
        mid-year population estimates (``Persons_All-Ages``) or a plain code/population
        table. Any other table of numbers keyed by LSOA code loads as kind "other".
    kind : {"imd", "samhi", "population", "other"}, optional
        What the table is; detected from the column names when omitted.
    year : int, optional
        For SAMHI, the year to use (default: the latest in the file). Otherwise the year
        the figures describe, when the file name or columns do not say (``mid2019``).

    Returns
    -------
    Indicators
        ``table`` with ``lsoa_code`` then the measures: for IMD ``imd_score``,
        ``imd_rank``, ``imd_decile`` and ``<domain>_score/_rank/_decile`` for the seven
        domains (income, employment, education, health, crime, housing,
        living_environment) and the supplementary indices; for SAMHI ``samhi_index``,
        ``samhi_decile`` and the other measures of that year (``antidep_rate``,
        ``est_qof_dep`` ...); for population ``population``. ``vintage`` is 2011 or 2021
        (from the code column's name, or the codes), ``kind`` and ``year`` are set.

    Raises
    ------
    InputError
        When the file cannot be read, has no LSOA code column, or lacks the measures of
        the requested kind.
    """
    p = Path(path).expanduser()
    if not p.exists():
        raise InputError(f"{p}: no such file; check the path")
    if kind is not None and kind not in INDICATOR_KINDS:
        raise InputError(f"kind: {kind!r} is not one of {', '.join(INDICATOR_KINDS)}")
    df, label = read_table(p, kind)
    with guard(label, "an LSOA table"):
        return _build(df, p, label, kind, year)


def _build(df, p, label, kind, year) -> Indicators:
    notes: list[str] = []
    detected = detect_indicator_kind(df.columns)
    if kind is None:
        kind = detected or "other"
    key, vintage = choose_key(df, label)
    if kind == "imd":
        measures = _measures_imd(df)
        if not measures:
            raise InputError(
                f"{label}: no IMD columns found (expected 'Index of Multiple Deprivation (IMD) "
                "Score', IMD_rank, IMD_decile ...)"
            )
        if year is None:
            year = 2019 if re.search(r"2019", " ".join([p.name, *map(str, df.columns)])) else None
    elif kind == "samhi":
        measures, year = _measures_samhi(df, year, label)
    elif kind == "population":
        measures = _measures_population(df, label)
        year = year or _year_from(p.name, df.columns)
    else:
        measures = _measures_other(df, key)
        if not measures:
            raise InputError(f"{label}: no numeric columns to use as measures besides {key}")
    table = pd.DataFrame({"lsoa_code": codes_text(df[key])})
    for col, name in measures.items():
        values, bad = numbers(df[col])
        table[name] = values.to_numpy()
        if bad:
            notes.append(f"{bad} values of {col!r} are not numbers and were left empty")
    missing = table["lsoa_code"].isna()
    if missing.any():
        notes.append(f"{int(missing.sum())} rows without an LSOA code were left out")
        table = table[~missing]
    dup = table["lsoa_code"].duplicated()
    if dup.any():
        notes.append(
            f"{int(dup.sum())} rows repeat an LSOA code ({key}); the first row of each code "
            "was kept"
        )
        table = table[~dup]
    if vintage is None:
        vintage = vintage_from_codes(table["lsoa_code"])
        if vintage is None:
            notes.append(
                f"could not tell whether {key} holds 2011 or 2021 LSOA codes; rename the "
                "column LSOA11CD or LSOA21CD"
            )
    if kind == "samhi" and "samhi_decile" in table:
        frac = table["samhi_decile"].dropna()
        n_frac = int((frac != np.round(frac)).sum())
        if n_frac:
            notes.append(
                f"{n_frac} SAMHI deciles are fractional (averaged where LSOAs were split "
                "between 2011 and 2021)"
            )
    notes.insert(0, f"LSOA codes from column {key!r}; {len(table):,} LSOAs")
    return Indicators(
        table=table.reset_index(drop=True),
        kind=kind,
        vintage=vintage,
        source=str(p),
        year=year,
        notes=tuple(notes),
    )
