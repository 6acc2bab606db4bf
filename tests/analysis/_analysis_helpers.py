"""Helpers shared by the analysis tests: a place in British National Grid, quiet runs, and
progress objects that cancel a job part-way through."""

from __future__ import annotations

import traceback
import warnings

from hotspot.analysis.errors import AnalysisWarning
from hotspot.core.progress import AnalysisCancelled, CallbackProgress

X0, Y0 = 530_000.0, 170_000.0
"""A corner in south London (BNG metres): synthetic data are placed east and north of it."""


def quiet(func, *args, **kwargs):
    """Call ``func`` with its :class:`AnalysisWarning` s silenced (tests that check the result,
    not the warnings)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnalysisWarning)
        return func(*args, **kwargs)


def cancel_when(text: str) -> CallbackProgress:
    """A progress that asks to cancel as soon as an update's message contains ``text``: the
    job must then stop at its next ``check_cancelled``."""
    progress = CallbackProgress(lambda fraction, message: None)

    def callback(fraction: float, message: str) -> None:
        if text in message:
            progress.token.cancel()

    progress._callback = callback
    return progress


def cancelled_in(func, *args, **kwargs) -> list[str]:
    """Run ``func`` expecting :class:`AnalysisCancelled`; return the names of the functions the
    cancellation was raised through (innermost last)."""
    try:
        quiet(func, *args, **kwargs)
    except AnalysisCancelled as exc:
        return [frame.name for frame in traceback.extract_tb(exc.__traceback__)]
    raise AssertionError(f"{getattr(func, '__name__', func)} finished although it was cancelled")
