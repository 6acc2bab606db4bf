"""The analysis panels available: one per analysis module that is installed."""

from __future__ import annotations

from typing import Any

from hotspot.ui.panels.analysis import AnalysisPanel
from hotspot.ui.panels.correlation import CorrelationPanel
from hotspot.ui.panels.gistar import GiStarPanel
from hotspot.ui.panels.kde import KdePanel
from hotspot.ui.panels.rates import RatesPanel

PANELS: dict[str, type[AnalysisPanel]] = {
    "kde": KdePanel,
    "gistar": GiStarPanel,
    "rates": RatesPanel,
    "bivariate": CorrelationPanel,
}


def analysis_panels(session: Any) -> list[AnalysisPanel]:
    """A panel for every analysis whose module is present, in menu order."""
    from hotspot.analysis import params_classes

    classes = params_classes()
    return [panel(session, classes[s]) for s, panel in PANELS.items() if s in classes]
