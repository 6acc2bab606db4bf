"""Gi* panel: statistically significant hot and cold spots on a grid."""

from __future__ import annotations

from typing import Any

from hotspot.ui.panels.analysis import AnalysisPanel
from hotspot.ui.widgets.param_editors import format_value

NEIGHBOURS = {
    "queen": "Border or corner (queen)",
    "rook": "Border only (rook)",
    "knn": "k nearest areas",
    "distance": "Within a distance",
}


class GiStarPanel(AnalysisPanel):
    section = "gistar"
    title = "Gi* hot spots"
    name = "Gi* hot spots"
    intro = (
        "Counts the selected offences in grid cells and finds clusters of high counts (hot "
        "spots) and low counts (cold spots) unlikely to be chance, at 90, 95 and 99% "
        "confidence. P-values are corrected for testing many cells (FDR) by default."
    )
    choice_labels = {
        "shape": {"square": "Squares", "hexagon": "Hexagons"},
        "neighbourhood": {
            "queen": "8 surrounding cells",
            "distance": "Cells within a distance",
        },
        "area_weights": NEIGHBOURS,
        "alternative": {
            "two-sided": "Hot and cold spots",
            "greater": "Hot spots only",
            "lesser": "Cold spots only",
        },
    }
    applies = {
        "distance": (
            lambda v: v["neighbourhood"] == "distance" or v["area_weights"] == "distance",
            "with a distance neighbourhood",
        ),
        "seed": (lambda v: (v["permutations"] or 0) > 0, "when Permutations is above 0"),
        "k": (lambda v: v["area_weights"] == "knn", "with 'k nearest areas'"),
    }
    captions = {
        "area_weights": (
            "For the hot and cold LSOAs that Export writes (the map here shows the grid):"
        ),
    }

    def describe(self, result: Any) -> str:
        cells = result.cells
        bins = cells["gi_bin"].astype(int)
        p = result.params
        unit = "areas" if getattr(result, "kind", "grid") == "areas" else "cells"
        size = f" of {format_value(p.cell_size)} m" if unit == "cells" else ""
        lines = [
            f"{result.n_points:,} offences in {len(cells):,} {unit}{size}.",
            f"Hot spots: {(bins > 0).sum():,} {unit} ({(bins == 3).sum():,} at 99% confidence); "
            f"cold spots: {(bins < 0).sum():,}.",
            "FDR-corrected (Benjamini-Hochberg)." if p.fdr else "Not corrected for FDR.",
        ]
        if getattr(result, "n_outside", 0):
            lines.append(f"{result.n_outside:,} offences fell outside the study area.")
        return "\n".join(lines)
