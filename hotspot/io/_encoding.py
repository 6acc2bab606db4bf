"""Text encodings seen in files from the wild: UTF-8 (with or without BOM), UTF-16, cp1252.

police.uk and ONS publish UTF-8 (ONS often with a byte-order mark); files that have been
opened and re-saved in Excel on Windows come back as cp1252 or UTF-16. Hotspot reads
all of them without asking.
"""

from __future__ import annotations

import codecs

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


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes to text, guessing the encoding.

    Tries, in order: the encoding named by a byte-order mark, UTF-8, cp1252, and
    finally latin-1 (which accepts any byte, so this never fails).

    Returns
    -------
    text, encoding : str, str
    """
    enc = bom_encoding(data[:4])
    if enc is not None:
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            pass
    for enc in ("utf-8", "cp1252"):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


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
