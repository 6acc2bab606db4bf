"""Correlation panel: offence rates against deprivation (IMD) and mental health (SAMHI)."""

from __future__ import annotations

from typing import Any

from hotspot.ui.panels.analysis import AnalysisPanel


class CorrelationPanel(AnalysisPanel):
    section = "bivariate"
    title = "Correlation"
    intro = (
        "How the offence rate of an area relates to its deprivation (IMD) or mental health "
        "(SAMHI): Spearman's rank correlation and bivariate Moran's I, with a map of local "
        "clusters. Local bivariate clusters mix correlation and neighbourhood effects: read "
        "them with care."
    )

    def describe(self, result: Any) -> str:
        rho, p_rho = result.spearman
        lines = [
            f"Bivariate Moran's I = {result.moran_i:.3f} (p = {result.p_value:.3g}).",
            f"Spearman's rho = {rho:.3f} (p = {p_rho:.3g}).",
        ]
        if getattr(result, "caveat", ""):
            lines.append(result.caveat)
        return "\n".join(lines)
