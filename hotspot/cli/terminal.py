"""A terminal progress bar: the command line's adapter of :class:`hotspot.core.progress.Progress`."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from typing import TextIO


class TerminalProgress:
    """Draw ``[#####.....]  45%  Reading 2024-10 ...`` on one terminal line.

    Redraws at most every ``interval`` seconds (and always at 100%), and clears
    the line on :meth:`close`. Cancelling is done with Ctrl-C, which Python turns
    into ``KeyboardInterrupt``, so :meth:`check_cancelled` does nothing.

    Parameters
    ----------
    stream : text stream
        Where to draw (standard error).
    interval : float, optional
        Minimum seconds between redraws.
    width : int, optional
        Line width; defaults to the terminal's.
    clock : callable, optional
        Monotonic clock (for tests).
    """

    def __init__(
        self,
        stream: TextIO,
        *,
        interval: float = 0.1,
        width: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream
        self.interval = interval
        self.width = width or shutil.get_terminal_size((80, 24)).columns
        self.clock = clock
        self._last = -float("inf")
        self._drawn = False

    def render(self, fraction: float, message: str) -> str:
        """The line for ``fraction`` and ``message``, fitted to the width."""
        f = min(max(float(fraction), 0.0), 1.0)
        bar_width = 24
        filled = round(f * bar_width)
        head = f"[{'#' * filled}{'.' * (bar_width - filled)}] {f * 100:3.0f}%"
        room = self.width - len(head) - 3
        text = message if len(message) <= room else message[: max(room - 3, 0)] + "..."
        return f"{head}  {text}" if room > 0 else head[: self.width - 1]

    def update(self, fraction: float, message: str = "") -> None:
        """Redraw the bar (throttled)."""
        now = self.clock()
        if fraction < 1.0 and now - self._last < self.interval:
            return
        self._last = now
        line = self.render(fraction, message)
        self.stream.write("\r" + line.ljust(self.width - 1))
        self.stream.flush()
        self._drawn = True

    def write(self, text: str) -> None:
        """Print a line of text above the bar (the bar is redrawn on the next update)."""
        self.close()
        self.stream.write(text + "\n")
        self.stream.flush()
        self._last = -float("inf")

    def check_cancelled(self) -> None:
        """Nothing to check: Ctrl-C interrupts the process."""

    def close(self) -> None:
        """Clear the bar's line."""
        if self._drawn:
            self.stream.write("\r" + " " * (self.width - 1) + "\r")
            self.stream.flush()
            self._drawn = False

    def __enter__(self) -> TerminalProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
