"""Text encodings seen in files from the wild: UTF-8 (with or without BOM), UTF-16, cp1252.

police.uk and ONS publish UTF-8 (ONS often with a byte-order mark); files that have been
opened and re-saved in Excel on Windows come back as cp1252 or UTF-16. Hotspot reads
all of them without asking.
"""

from __future__ import annotations

import codecs
import re

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def bom_encoding(head: bytes) -> str | None:
    """The encoding announced by a byte-order mark at the start of ``head``, if any."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    return None


_UNDECODED = re.compile("[\udc80-\udcff]")  # bytes that were not UTF-8 (surrogateescape)
_NON_ASCII = re.compile("[^\x00-\x7f]")
_UTF8_TEXT = re.compile("[\x80-\udc7f\udd00-\U0010ffff]")  # non-ASCII that was valid UTF-8


def _cp1252(line: str) -> str:
    raw = line.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:  # the five bytes cp1252 leaves undefined
        return raw.decode("latin-1")


def _bad_lines(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each line holding bytes that were not UTF-8."""
    spans: list[tuple[int, int]] = []
    for m in _UNDECODED.finditer(text):
        at = m.start()
        if spans and at < spans[-1][1]:
            continue
        end = text.find("\n", at)
        spans.append((text.rfind("\n", 0, at) + 1, len(text) if end < 0 else end))
    return spans


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes to text, guessing the encoding line by line.

    The encoding named by a byte-order mark wins. Otherwise every line is read as UTF-8,
    and a line that is not valid UTF-8 as Windows-1252 (cp1252; latin-1 for the five bytes
    it leaves undefined): a file that was partly re-saved in Excel mixes the two, and
    decoding it whole in either would garble the other's lines.

    Returns
    -------
    text : str
    encoding : str
        "utf-8", "cp1252" (every line with accents was cp1252), "utf-16", "utf-8-sig", or
        "utf-8 and cp1252 (lines 3, 7)" for a mixture, naming the first cp1252 lines.
    """
    enc = bom_encoding(data[:4])
    if enc is not None:
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            data = data[len(codecs.BOM_UTF8) :] if enc == "utf-8-sig" else data
    text = data.decode("utf-8", errors="surrogateescape")
    if not _UNDECODED.search(text):
        return text, "utf-8"
    if not _UTF8_TEXT.search(text):  # no line is UTF-8 beyond ASCII: the whole file is cp1252
        return _cp1252(text), "cp1252"
    spans = _bad_lines(text)
    pieces, good, prev = [], [], 0
    for start, end in spans:
        good.append(text[prev:start])
        pieces += [good[-1], _cp1252(text[start:end])]
        prev = end
    good.append(text[prev:])
    pieces.append(good[-1])
    fixed = "".join(pieces)
    if not any(_NON_ASCII.search(g) for g in good):
        return fixed, "cp1252"
    lines = [text.count("\n", 0, start) + 1 for start, _ in spans[:5]]
    listed = ", ".join(map(str, lines)) + (" ..." if len(spans) > 5 else "")
    return fixed, f"utf-8 and cp1252 (lines {listed})"


def decode_head(head: bytes) -> str:
    """Decode the first bytes of a file for sniffing (a cut multi-byte character is ignored)."""
    enc = bom_encoding(head[:4])
    if enc is not None:
        return head.decode(enc, errors="ignore").lstrip("\ufeff")
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:  # a character cut at the end of the sample
            return head[: exc.start].decode("utf-8", errors="replace")
    return decode(head)[0]
