"""Read a delimited text table with every column as text, fast, in any common encoding.

The fast path hands the bytes to pandas' pyarrow engine (multi-threaded, no Python per
row). Anything it refuses (another encoding, quoted line breaks, ragged rows) goes to
the slower C engine on the decoded text, whose error messages name the line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

import numpy as np
import pandas as pd

from hotspot.core.errors import InputError
from hotspot.io._encoding import bom_encoding, decode, decode_head
from hotspot.io._sources import Member

try:  # pragma: no cover - depends on the environment
    import pyarrow  # noqa: F401

    _HAVE_ARROW = True
except ImportError:  # pragma: no cover
    _HAVE_ARROW = False


def sniff_delimiter(first_line: str) -> str:
    """The delimiter of a header line: comma unless tabs or semicolons clearly win."""
    counts = {d: first_line.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def header_of(member: Member, n: int = 65536) -> list[str]:
    """The column names of a table, reading only its first bytes.

    Returns an empty list when the start of the file is not text.
    """
    text = decode_head(member.head(n))
    lines = text.splitlines()
    if not lines or "\x00" in lines[0]:
        return []
    try:
        row = next(csv.reader([lines[0]], delimiter=sniff_delimiter(lines[0])))
    except (csv.Error, StopIteration):
        return []
    return [c.strip().lstrip("\ufeff") for c in row]


def _check_columns(df: pd.DataFrame, label: str) -> pd.DataFrame:
    df.columns = [str(c).strip().lstrip("\ufeff") for c in df.columns]
    if len(df.columns) == 0:
        raise InputError(f"{label}: no columns found; the file should start with a header row")
    return df


def read_typed(
    member: Member, categorical: Sequence[str], floats: Sequence[str]
) -> pd.DataFrame | None:
    """Fast read of a comma-separated UTF-8 file with chosen column types.

    ``categorical`` columns (few distinct values: months, categories, force names) are
    read dictionary-encoded, ``floats`` as numbers (empty = missing), the rest as text.
    A police.uk file then takes a third of the memory of all-text columns. Returns
    None whenever the fast path cannot read the file exactly (another encoding, a
    coordinate that is not a plain number, quoted line breaks ...); the caller then
    uses :func:`read_text_table`.
    """
    if not _HAVE_ARROW:
        return None
    head = member.head(65536)
    if bom_encoding(head[:4]) not in (None, "utf-8-sig") or b"\x00" in head:
        return None
    lines = decode_head(head).splitlines()
    if not lines or sniff_delimiter(lines[0]) != ",":
        return None
    import pyarrow as pa
    import pyarrow.csv as pcsv

    header = header_of(member)
    if not header or len(set(header)) != len(header):
        return None
    dictionary = pa.dictionary(pa.int32(), pa.string())
    # every column typed: Arrow must not turn codes such as "0123" into numbers
    types = dict.fromkeys(header, pa.string())
    types |= dict.fromkeys(categorical, dictionary) | dict.fromkeys(floats, pa.float64())
    options = pcsv.ConvertOptions(
        column_types=types,
        null_values=[""],
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )
    try:
        if member.on_disk:  # a path lets Arrow read in parallel, without Python in the loop
            table = pcsv.read_csv(str(member.path), convert_options=options)
        else:
            with member.open() as fh:
                table = pcsv.read_csv(fh, convert_options=options)
        if table.column_names != header:
            return None  # names with spaces or quotes: leave it to the careful reader
        text = pd.StringDtype("pyarrow", na_value=np.nan)
        df = table.to_pandas(
            types_mapper=lambda t: text if t in (pa.string(), pa.large_string()) else None
        )
    except (pa.ArrowException, ValueError, TypeError, OSError, UnicodeDecodeError):
        return None
    return _check_columns(df, member.label)


def read_text_table(member: Member) -> pd.DataFrame:
    """Read a CSV (or tab/semicolon-separated) file with every value as text.

    Empty cells are empty strings; nothing is turned into a missing value, so the
    caller sees exactly what the file holds.

    Raises
    ------
    InputError
        When the file is empty, has no header or a row cannot be parsed (the
        message names the line).
    """
    head = member.head(65536)
    if not head.strip(b" \r\n\t\x00\xef\xbb\xbf"):
        raise InputError(f"{member.label}: the file is empty; download it again")
    enc = bom_encoding(head[:4])
    first = decode_head(head).splitlines()[0] if decode_head(head).splitlines() else ""
    sep = sniff_delimiter(first)
    if _HAVE_ARROW and enc in (None, "utf-8-sig") and b"\x00" not in head:
        try:
            src = str(member.path) if member.on_disk else member.open()
            df = pd.read_csv(src, engine="pyarrow", dtype=str, keep_default_na=False, sep=sep)
            return _check_columns(df, member.label)
        except InputError:
            raise
        except Exception:  # noqa: S110 - fall back to the forgiving parser below
            pass
    text, _ = decode(member.read_bytes())
    text = text.lstrip("\ufeff").replace("\x00", "")
    try:
        df = pd.read_csv(
            io.StringIO(text),
            dtype=str,
            keep_default_na=False,
            sep=sep,
            engine="c",
            skip_blank_lines=True,
        )
    except pd.errors.EmptyDataError as exc:
        raise InputError(
            f"{member.label}: no header row or data found; check the file is a CSV table"
        ) from exc
    except (pd.errors.ParserError, ValueError, csv.Error) as exc:
        msg = str(exc).strip().replace("\n", " ")
        raise InputError(
            f"{member.label}: not a readable CSV table ({msg[:200]}); open it in a text editor "
            "and check that every row has as many fields as the header"
        ) from exc
    return _check_columns(df.fillna(""), member.label)
