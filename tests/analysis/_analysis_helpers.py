"""Helpers shared by the analysis tests: a place in British National Grid, quiet runs, and
progress objects that cancel a job part-way through."""

from __future__ import annotations

import warnings

from hotspot.analysis.errors import AnalysisWarning
from hotspot.core.progress import AnalysisCancelled

X0, Y0 = 530_000.0, 170_000.0
"""A corner in south London (BNG metres): synthetic data are placed east and north of it."""


def quiet(func, *args, **kwargs):
    """Call ``func`` with its :class:`AnalysisWarning` s silenced (tests that check the result,
    not the warnings)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnalysisWarning)
        return func(*args, **kwargs)


class Probe:
    """A progress that records what a job tells it and asks of it, and can cancel.

    ``events`` holds ("update", message) and ("check", "") in order; with ``cancel_at``,
    cancellation is requested at the first update whose message contains that text.
    """

    def __init__(self, cancel_at: str | None = None) -> None:
        self.events: list[tuple[str, str]] = []
        self.cancel_at = cancel_at
        self.requested_at: int | None = None

    def update(self, fraction: float, message: str = "") -> None:
        self.events.append(("update", message))
        if self.cancel_at is not None and self.requested_at is None and self.cancel_at in message:
            self.requested_at = len(self.events)
        self.check_cancelled()

    def check_cancelled(self) -> None:
        self.events.append(("check", ""))
        if self.requested_at is not None:
            raise AnalysisCancelled("cancelled by the test")


def stops_during(func, *args, phase: str, **kwargs) -> int:
    """Cancel ``func`` as it starts the phase whose messages contain ``phase``.

    Checks by behaviour, through the progress protocol only: the cancelled run raises
    :class:`AnalysisCancelled` before any message of a later phase. Returns how many
    times a complete run checks for cancellation during that phase (more than one means
    it checks between its chunks, so Cancel stops it part-way).
    """
    full = Probe()
    quiet(func, *args, progress=full, **kwargs)
    checks, inside = 0, False
    for kind, message in full.events:
        if kind == "update":
            if phase in message:
                inside = True
            elif inside:
                break
        elif inside:
            checks += 1
    assert inside, f"no progress message mentions {phase!r}"
    probe = Probe(cancel_at=phase)
    try:
        quiet(func, *args, progress=probe, **kwargs)
    except AnalysisCancelled:
        later = [m for k, m in probe.events[probe.requested_at :] if k == "update"]
        assert all(phase in m for m in later), later
        return checks
    raise AssertionError(f"{getattr(func, '__name__', func)} finished although it was cancelled")
