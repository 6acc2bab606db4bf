"""Typed errors shared by the whole application.

Every error a user can cause by their input derives from :class:`HotspotError`
(itself a ``ValueError``). Its message says what is wrong and how to fix it; the
window shows it in the relevant panel and the command line prints it and exits
with status 2. Anything else is a bug and goes to the global error dialog.
"""

from __future__ import annotations

import re

_UNDECODABLE = re.compile("[\udc80-\udcff]")


def printable_bytes(text: str) -> str:
    """Undecodable bytes of a file name (lone surrogates) as ``\\xNN``, so that the
    message can be printed and written in any encoding."""
    return _UNDECODABLE.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}", text)


class HotspotError(ValueError):
    """An expected problem with the user's input, explained in the message."""

    def __init__(self, *args: object) -> None:
        super().__init__(*(printable_bytes(a) if isinstance(a, str) else a for a in args))


class InputError(HotspotError):
    """A file cannot be read as what it claims to be.

    The message names the file, the column or row, what is wrong and how to fix
    it, e.g. ``"lsoa.csv: no column looks like an LSOA code (expected LSOA11CD or
    LSOA21CD); pass code_field="``.
    """


class ProjectError(HotspotError):
    """A project file is malformed: an unknown key, a wrong type, a bad value."""


class AnalysisError(HotspotError):
    """An analysis cannot run on the given input (see ``hotspot.analysis.errors``)."""


class ExportError(HotspotError):
    """An export cannot be written (target exists, folder missing, ...)."""
