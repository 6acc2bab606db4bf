"""The analysis panels: one per analysis in the registry, in its order."""

from __future__ import annotations

from typing import Any

from hotspot.ui.panels.analysis import AnalysisPanel


def analysis_panels(session: Any) -> list[AnalysisPanel]:
    """A panel for every analysis the registry declares, in order."""
    from hotspot.pipeline.registry import analyses

    return [AnalysisPanel(session, spec) for spec in analyses()]
