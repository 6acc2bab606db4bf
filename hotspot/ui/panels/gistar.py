"""Gi* panel: statistically significant hot and cold spots on a grid."""

from __future__ import annotations

from typing import Any

from hotspot.ui.panels.analysis import AnalysisPanel
from hotspot.ui.widgets.param_editors import format_value


class GiStarPanel(AnalysisPanel):
    section = "gistar"
    title = "Gi* hot spots"
    intro = (
        "Counts the selected offences in grid cells and finds clusters of high counts (hot "
        "spots) and low counts (cold spots) unlikely to be chance, at 90, 95 and 99% "
        "confidence. P-values are corrected for testing many cells (FDR) by default."
    )

    def describe(self, result: Any) -> str:
        cells = result.cells
        bins = cells["gi_bin"].astype(int)
        p = result.params
        unit = "areas" if getattr(result, "kind", "grid") == "areas" else "cells"
        lines = [
            f"{result.n_points:,} offences in {len(cells):,} {unit} "
            f"of {format_value(p.cell_size)} m."
            if unit == "cells"
            else f"{result.n_points:,} offences in {len(cells):,} areas.",
            f"Hot spots: {(bins > 0).sum():,} {unit} ({(bins == 3).sum():,} at 99%); "
            f"cold spots: {(bins < 0).sum():,}.",
            "FDR-corrected (Benjamini-Hochberg)." if p.fdr else "Not corrected for FDR.",
        ]
        if getattr(result, "n_outside", 0):
            lines.append(f"{result.n_outside:,} offences fell outside the study area.")
        return "\n".join(lines)
