"""A Qt-free progress and cancellation protocol for long jobs.

Analyses, readers and exports accept ``progress=`` and call
``progress.update(fraction, message)`` and ``progress.check_cancelled()``. The
window adapts it to Qt signals in one worker class; the command line adapts it to
a terminal progress bar; tests use :class:`RecordingProgress`.
"""

from __future__ import annotations

import threading
from typing import Protocol, runtime_checkable


class AnalysisCancelled(Exception):  # noqa: N818 - the name reads as an event
    """Raised by ``check_cancelled`` when the user cancelled the job."""


@runtime_checkable
class Progress(Protocol):
    """What a long job may report to, and ask, its caller."""

    def update(self, fraction: float, message: str = "") -> None:
        """Report progress in ``[0, 1]`` with a short message."""

    def check_cancelled(self) -> None:
        """Raise :class:`AnalysisCancelled` if the job should stop."""


class _NoProgress:
    def update(self, fraction: float, message: str = "") -> None:
        return None

    def check_cancelled(self) -> None:
        return None

    def __repr__(self) -> str:
        return "NO_PROGRESS"


NO_PROGRESS: Progress = _NoProgress()
"""A progress sink that ignores updates and is never cancelled."""


class CancelToken:
    """A thread-safe flag a front end sets to cancel a running job."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        """Ask the job to stop at its next ``check_cancelled``."""
        self._event.set()

    @property
    def cancelled(self) -> bool:
        """Whether cancellation was requested."""
        return self._event.is_set()


class CallbackProgress:
    """Progress that forwards updates to a callable and polls a cancel token.

    Parameters
    ----------
    callback : callable, optional
        ``callback(fraction, message)``, called on every update.
    token : CancelToken, optional
        When set, ``check_cancelled`` raises :class:`AnalysisCancelled`.
    """

    def __init__(self, callback=None, token: CancelToken | None = None) -> None:
        self._callback = callback
        self.token = token or CancelToken()

    def update(self, fraction: float, message: str = "") -> None:
        self.check_cancelled()
        if self._callback is not None:
            self._callback(min(max(float(fraction), 0.0), 1.0), message)

    def check_cancelled(self) -> None:
        if self.token.cancelled:
            raise AnalysisCancelled("cancelled by the user")


class RecordingProgress(CallbackProgress):
    """Progress that records every update (for tests and diagnostics)."""

    def __init__(self, token: CancelToken | None = None) -> None:
        self.updates: list[tuple[float, str]] = []
        super().__init__(lambda f, m: self.updates.append((f, m)), token)


class SubProgress:
    """Map a child job's ``[0, 1]`` onto ``[start, end]`` of a parent's progress.

    Parameters
    ----------
    parent : Progress
        The progress to forward to.
    start, end : float
        The part of the parent's range this child covers.
    """

    def __init__(self, parent: Progress, start: float, end: float) -> None:
        self.parent = parent
        self.start = float(start)
        self.end = float(end)

    def update(self, fraction: float, message: str = "") -> None:
        f = min(max(float(fraction), 0.0), 1.0)
        self.parent.update(self.start + (self.end - self.start) * f, message)

    def check_cancelled(self) -> None:
        self.parent.check_cancelled()


__all__ = [
    "NO_PROGRESS",
    "AnalysisCancelled",
    "CallbackProgress",
    "CancelToken",
    "Progress",
    "RecordingProgress",
    "SubProgress",
]
