"""Read a delimited text table with every column as text, fast, in any common encoding.

The fast path hands the bytes to pyarrow (multi-threaded for a plain file on disk, as a
stream for a compressed file or a zip member). Anything it refuses (another encoding,
quoted line breaks, ragged rows) goes to the slower C engine on the decoded text, whose
errors name the line. A row with more fields than the header is an error wherever it is
(never silently shifted into other columns), and messages never quote the file.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from hotspot.core.errors import InputError
from hotspot.io._encoding import bom_encoding, decode, decode_head
from hotspot.io._sources import Member

try:  # pragma: no cover - depends on the environment
    import pyarrow

    _HAVE_ARROW = True
except ImportError:  # pragma: no cover
    _HAVE_ARROW = False


def _use_returning_pool() -> None:
    """Arrow allocates from jemalloc, which gives freed memory back to the system, rather
    than from its default pool, which keeps it (a 3-million-row load peaks about a fifth
    lower). A pool the user chose with ``ARROW_DEFAULT_MEMORY_POOL`` is left alone."""
    if not _HAVE_ARROW or os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        return
    with contextlib.suppress(NotImplementedError, pyarrow.ArrowException):  # not built in
        pyarrow.set_memory_pool(pyarrow.jemalloc_memory_pool())


_use_returning_pool()

_SAMPLE_LINES = 50  # lines of the start of a file that tell whether it is a table
_MAX_NAME = 64  # characters: longer "column names" are sentences, not names


class Header(list):
    """Column names, and whether they may be quoted in messages.

    ``listable`` is False when the first line of the file is not a row of column names
    (a text file, a system file ...): a message then says so without quoting it, since
    that line may be private.
    """

    listable: bool = True

    @classmethod
    def of(cls, names: Sequence[object], listable: bool = True) -> Header:
        """Names with their listability."""
        out = cls(str(n) for n in names)
        out.listable = listable
        return out


def columns_of(df: pd.DataFrame) -> Header:
    """The columns of a table read by :func:`read_text_table` or :func:`read_typed`."""
    return Header.of(df.columns, df.attrs.get("listable", True))


def sniff_delimiter(first_line: str) -> str:
    """The delimiter of a header line: comma unless tabs or semicolons clearly win."""
    counts = {d: first_line.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def _tabular(lines: list[str], sep: str) -> bool:
    """Whether the sample looks like a table: a header of at least two short names, and
    data lines with as many fields."""
    try:
        rows = list(csv.reader(lines[:_SAMPLE_LINES], delimiter=sep))
    except csv.Error:
        return False
    if len(rows) < 2 or len(rows[0]) < 2:
        return False
    if any(len(c.strip()) > _MAX_NAME for c in rows[0]):
        return False
    body = [r for r in rows[1:] if r]
    return bool(body) and all(len(r) == len(rows[0]) for r in body)


def header_of(member: Member, n: int = 65536) -> Header:
    """The column names of a table, reading only its first bytes.

    Returns an empty list when the start of the file is not text.
    """
    text = decode_head(member.head(n))
    lines = text.splitlines()
    if not lines or "\x00" in lines[0]:
        return Header()
    if len(text) >= n // 2 and len(lines) > 1:
        lines = lines[:-1]  # the last line of the sample may be cut
    sep = sniff_delimiter(lines[0])
    try:
        row = next(csv.reader([lines[0]], delimiter=sep))
    except (csv.Error, StopIteration):
        return Header()
    return Header.of([c.strip().lstrip("\ufeff") for c in row], _tabular(lines, sep))


def _check_columns(df: pd.DataFrame, label: str, listable: bool) -> pd.DataFrame:
    df.columns = [str(c).strip().lstrip("\ufeff") for c in df.columns]
    if len(df.columns) == 0:
        raise InputError(f"{label}: no columns found; the file should start with a header row")
    df.attrs["listable"] = listable
    return df


def read_typed(
    member: Member,
    categorical: Sequence[str],
    floats: Sequence[str],
    header: Header | None = None,
) -> pd.DataFrame | None:
    """Fast read of a comma-separated UTF-8 file with chosen column types.

    ``categorical`` columns (few distinct values: months, categories, force names) are
    read dictionary-encoded, ``floats`` as numbers, the rest as text; empty cells are
    missing. A police.uk file then takes a fraction of the memory of all-text columns.
    Compressed files and zip members are read as streams. Returns None whenever the fast
    path cannot read the file exactly (another encoding, a coordinate that is not a plain
    number, quoted line breaks, a ragged row ...); the caller then uses
    :func:`read_text_table`. ``header`` is the file's :func:`header_of`, when known.

    Raises
    ------
    InputError
        When a compressed file or zip member expands beyond its limits.
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

    header = header_of(member) if header is None else header
    if not header or len(set(header)) != len(header):
        return None
    dictionary = pa.dictionary(pa.int32(), pa.string())
    # every column typed: Arrow must not turn codes such as "0123" into numbers
    types = dict.fromkeys(header, pa.string())
    types |= dict.fromkeys(categorical, dictionary) | dict.fromkeys(floats, pa.float64())
    options = pcsv.ConvertOptions(
        column_types=types,
        null_values=[""],
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
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
            types_mapper=lambda t: text if t in (pa.string(), pa.large_string()) else None,
            self_destruct=True,
        )
        del table
    except InputError:
        raise
    except (pa.ArrowException, ValueError, TypeError, OSError, EOFError, UnicodeDecodeError):
        return None
    return _check_columns(df, member.label, header.listable)


_EXPECTED = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def _extra_fields_error(label: str, text: str, sep: str) -> InputError:
    """The rows with more fields than the header, by line number."""
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    width, lines, total = None, [], 0
    for row in reader:
        if width is None:
            width = len(row)
            continue
        if len(row) > width:
            total += 1
            if len(lines) < 5:
                lines.append(f"{reader.line_num} ({len(row)} fields)")
    more = f" and {total - len(lines):,} more" if total > len(lines) else ""
    return InputError(
        f"{label}: {'line' if total == 1 else 'lines'} {', '.join(lines)}{more} "
        f"{'has' if total == 1 else 'have'} more fields than the {width} of the header "
        "(a separator inside a value that is not in quotes?). Hotspot does not guess which "
        "value belongs to which column: correct or remove those lines"
    )


def read_text_table(member: Member) -> pd.DataFrame:
    """Read a CSV (or tab/semicolon-separated) file with every value as text.

    Empty cells are empty strings; nothing is turned into a missing value, so the
    caller sees exactly what the file holds. Lines in UTF-8 and in Windows-1252 may be
    mixed (see :func:`~hotspot.io._encoding.decode`); ``df.attrs["encoding"]`` says which
    encoding was used.

    Raises
    ------
    InputError
        When the file is empty, has no header, or a row cannot be parsed or has more
        fields than the header (the message names the lines).
    """
    head = member.head(65536)
    if not head.strip(b" \r\n\t\x00\xef\xbb\xbf"):
        raise InputError(f"{member.label}: the file is empty; download it again")
    header = header_of(member)
    enc = bom_encoding(head[:4])
    lines = decode_head(head).splitlines()
    sep = sniff_delimiter(lines[0] if lines else "")
    if _HAVE_ARROW and enc in (None, "utf-8-sig") and b"\x00" not in head:
        try:
            with member.open() as src:
                df = pd.read_csv(src, engine="pyarrow", dtype=str, keep_default_na=False, sep=sep)
            df.attrs["encoding"] = "utf-8"
            return _check_columns(df, member.label, header.listable)
        except InputError:
            raise
        except Exception:  # noqa: S110 - fall back to the forgiving parser below
            pass
    text, encoding = decode(member.read_bytes())
    text = text.lstrip("\ufeff").replace("\x00", "")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            df = pd.read_csv(
                io.StringIO(text),
                dtype=str,
                keep_default_na=False,
                sep=sep,
                engine="c",
                skip_blank_lines=True,
                index_col=False,
            )
    except pd.errors.EmptyDataError as exc:
        raise InputError(
            f"{member.label}: no header row or data found; check the file is a CSV table"
        ) from exc
    except pd.errors.ParserWarning:  # the first data row is longer than the header
        raise _extra_fields_error(member.label, text, sep) from None
    except (pd.errors.ParserError, ValueError, csv.Error) as exc:
        if _EXPECTED.search(str(exc)):
            raise _extra_fields_error(member.label, text, sep) from None
        msg = str(exc).strip().replace("\n", " ")
        raise InputError(
            f"{member.label}: not a readable CSV table ({msg[:200]}); open it in a text editor "
            "and check that every row has as many fields as the header"
        ) from exc
    df.attrs["encoding"] = encoding
    return _check_columns(df.fillna(""), member.label, header.listable)
