"""Kernel density panel: where offences concentrate."""

from __future__ import annotations

from typing import Any

from hotspot.ui.panels.analysis import AnalysisPanel
from hotspot.ui.widgets.param_editors import format_value


class KdePanel(AnalysisPanel):
    section = "kde"
    title = "Kernel density"
    intro = (
        "Smooths the selected offences into a surface showing where they concentrate. "
        "Hotspots are where the surface is above 1, 2 and 3 times its mean. Leave bandwidth "
        "and cell size on auto to use the standard rules; the values used appear after a run."
    )

    def computed_notes(self, result: Any) -> dict[str, str]:
        note = getattr(result, "bandwidth_note", "")
        return {"bandwidth": note} if note else {}

    def describe(self, result: Any) -> str:
        p = result.params
        lines = [
            f"{result.n_points:,} offences; surface in {result.units}.",
            f"Bandwidth {format_value(p.bandwidth)} m, cell size {format_value(p.cell_size)} m, "
            f"{p.kernel} kernel.",
        ]
        thresholds = result.hotspot_thresholds()
        if thresholds:
            lines.append(
                "Hotspot thresholds: " + "; ".join(f"{k}: {v:,.3g}" for k, v in thresholds.items())
            )
        return "\n".join(lines)
