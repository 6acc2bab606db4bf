"""Typed errors and warnings of the analyses; messages say how to fix the problem."""

from __future__ import annotations

import warnings

from hotspot.core.errors import AnalysisError


class GeographicCrsError(AnalysisError):
    """Coordinates are in degrees (lon/lat) where metres are needed."""


class NoPointsError(AnalysisError):
    """No points to analyse, or none inside the study area."""


class TooFewPointsError(AnalysisError):
    """Fewer points than the method needs to be meaningful."""


class GridTooLargeError(AnalysisError):
    """The requested grid has too many cells."""


class WeightsError(AnalysisError):
    """Spatial weights cannot be built (no neighbours, bad geometry ...)."""


class VintageMismatchError(AnalysisError):
    """Tables keyed by LSOA codes of different vintages were joined without a lookup."""


class AnalysisWarning(UserWarning):
    """Something the user should know about a result (also listed in ``result.warnings``)."""


def warn(messages: list[str], text: str) -> None:
    """Record ``text`` for ``result.warnings`` and raise it as an :class:`AnalysisWarning`."""
    messages.append(text)
    warnings.warn(text, AnalysisWarning, stacklevel=3)


__all__ = [
    "warn",
    "AnalysisError",
    "AnalysisWarning",
    "GeographicCrsError",
    "GridTooLargeError",
    "NoPointsError",
    "TooFewPointsError",
    "VintageMismatchError",
    "WeightsError",
]
