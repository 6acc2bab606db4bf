"""Text from data on one line: what every line-based file and log goes through.

A ward name, a category, a file name or a project title can hold anything the
file that carried it held: newlines, carriage returns, escape sequences, the
Unicode line separators or the bidirectional controls that make text read
differently from how it is stored. Written as they are into ``load_report.txt``,
``summary.txt`` or a log, they would forge lines ("Rows kept: 0", a fake
warning) or hide text. :func:`one_line` shows each of them as a visible escape
(``\\n``, ``\\x1b``, ``\\u202e``) so that one value always stays one line and
reads as stored.

Usage::

    from hotspot.core.text import one_line
    lines.append(f"Project: {one_line(project.name)}")

:func:`one_line_lines` does the same to every line of a block built line by line,
and :class:`OneLineFilter` to every log message.
"""

from __future__ import annotations

import logging
import re

_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# controls (C0, DEL, C1), line and paragraph separators, bidirectional controls and
# the byte-order mark / zero-width no-break space, which Excel shows as nothing
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def _escape(match: re.Match) -> str:
    ch = match.group(0)
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def one_line(value: object) -> str:
    """``str(value)`` with every character that could break or disguise a line escaped.

    Parameters
    ----------
    value : object
        A name, label, path or message (``None`` gives ``""``).

    Returns
    -------
    str
        The same text on one line: newlines, carriage returns, tabs, other control
        characters, Unicode line/paragraph separators and bidirectional controls
        are shown as ``\\n``, ``\\r``, ``\\t``, ``\\xNN`` or ``\\uNNNN``. Text
        without them is returned unchanged.

    Examples
    --------
    >>> one_line("Market Ward\\nRows kept: 0")
    'Market Ward\\\\nRows kept: 0'
    """
    text = "" if value is None else str(value)
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text


def one_line_lines(block: str) -> str:
    """A block of text whose lines are kept, each made safe with :func:`one_line`.

    For multi-line texts built from separate lines ("\\n"-joined) whose parts came
    from data that were not escaped when the block was made.
    """
    return "\n".join(one_line(line) for line in block.split("\n"))


class OneLineFilter(logging.Filter):
    """A logging filter that puts every message on one line (see :func:`one_line`).

    The traceback of an exception (``exc_info``) is left as it is: it is written by
    Python, not taken from data.
    """

    def filter(self, record: logging.LogRecord) -> bool:  # noqa: A003 - logging API
        message = record.getMessage()
        safe = one_line(message)
        if safe != message or record.args:
            record.msg, record.args = safe, None
        return True


def install_log_filter() -> None:
    """Add :class:`OneLineFilter` to the root logger's handlers and to the last-resort one."""
    handlers = [*logging.getLogger().handlers, logging.lastResort]
    for handler in handlers:
        if handler is not None and not any(isinstance(f, OneLineFilter) for f in handler.filters):
            handler.addFilter(OneLineFilter())


__all__ = ["OneLineFilter", "install_log_filter", "one_line", "one_line_lines"]
