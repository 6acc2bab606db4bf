"""Progress protocol for analyses (re-exported from :mod:`hotspot.progress`)."""

from hotspot.progress import (
    NO_PROGRESS,
    AnalysisCancelled,
    CallbackProgress,
    CancelToken,
    Progress,
    RecordingProgress,
    SubProgress,
)

__all__ = [
    "NO_PROGRESS",
    "AnalysisCancelled",
    "CallbackProgress",
    "CancelToken",
    "Progress",
    "RecordingProgress",
    "SubProgress",
]
