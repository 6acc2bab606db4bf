"""Guards against a known defect of the Qt binding, checked once when the window starts.

PySide6 6.12.0 drops one reference to Python's ``True`` on every ``Signal.emit()``
called from Python. On Python 3.11, where ``True`` is an ordinary counted object, a
window that reports progress some thousands of times then dies with "Fatal Python
error: bool_dealloc". Python 3.12 and later make ``True`` immortal, so the defect is
harmless there, as it is with PySide6 releases that do not have it.

:func:`keep_true_alive` looks for the defect with a handful of emits and, only when it
is there, gives ``True`` the immortality that Python 3.12 gives it: a reference count
so large that no session can use it up. ``True`` is never freed in a correct program,
so nothing else changes.
"""

from __future__ import annotations

import ctypes
import sys

IMMORTAL = 1 << 48
"""References added to ``True`` when the binding loses them (about 2.8e14 emits)."""


def emit_loses_true(emits: int = 16) -> bool:
    """Whether ``Signal.emit()`` loses a reference to ``True`` (PySide6 6.12.0 does).

    Parameters
    ----------
    emits : int
        How many emits to count over; the binding loses one per emit.
    """
    from PySide6.QtCore import QObject, Signal

    class _Probe(QObject):
        ping = Signal()

    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(emits):
        probe.ping.emit()
    return before - sys.getrefcount(True) >= emits // 2


def keep_true_alive() -> bool:
    """Make ``True`` immortal if the binding loses references to it; True if it did.

    Only on CPython before 3.12 (later versions make ``True`` immortal themselves)
    and only when :func:`emit_loses_true` finds the defect.
    """
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    if not emit_loses_true():
        return False
    count = ctypes.c_ssize_t.from_address(id(True))  # ob_refcnt, the object's first field
    count.value += IMMORTAL
    return True


__all__ = ["IMMORTAL", "emit_loses_true", "keep_true_alive"]
