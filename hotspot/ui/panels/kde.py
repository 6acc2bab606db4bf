"""Kernel density panel: where offences concentrate."""

from __future__ import annotations

from typing import Any

from hotspot.ui.panels.analysis import AnalysisPanel
from hotspot.ui.widgets.param_editors import format_value


class KdePanel(AnalysisPanel):
    section = "kde"
    title = "Kernel density"
    name = "kernel density"
    intro = (
        "Smooths the selected offences into a surface showing where they concentrate. "
        "Hotspots are where the surface is above 1, 2 and 3 times its mean. Leave bandwidth "
        "and cell size on auto to use the standard rules; the values used appear after a run."
    )
    choice_labels = {
        "kernel": {"quartic": "Quartic (the usual choice)"},
        "output": {"density": "Offences per km²", "count": "Expected offences per cell"},
        "method": {"fft": "Fast (FFT)", "exact": "Exact sum (slow)"},
        "hotspot_rule": {
            "k_mean": "Multiples of the mean",
            "top_percent": "Top percentage of cells",
        },
    }
    applies = {
        "hotspot_k": (
            lambda v: v["hotspot_rule"] == "k_mean",
            "with the hotspot rule 'Multiples of the mean'",
        ),
        "top_percent": (
            lambda v: v["hotspot_rule"] == "top_percent",
            "with the hotspot rule 'Top percentage of cells'",
        ),
    }

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
            lines.append("Hotspot classes start at:")
            lines += [f"  {k}: {v:,.3g} {result.units}" for k, v in thresholds.items()]
        return "\n".join(lines)
