"""Rates panel: offences per 1,000 residents by ward and LSOA, ranks and change."""

from __future__ import annotations

from typing import Any

from hotspot.ui.panels.analysis import AnalysisPanel


class RatesPanel(AnalysisPanel):
    section = "rates"
    title = "Rates and change"
    intro = (
        "Counts the selected offences in each ward (or LSOA), gives the rate per 1,000 "
        "residents when a population table is loaded, ranks the areas and compares with "
        "the previous period of equal length."
    )

    def describe(self, result: Any) -> str:
        table = result.table
        by = "rate" if table["rate"].notna().any() else "count"
        top = table.sort_values(by, ascending=False).head(3)
        unit = "per 1,000" if by == "rate" else "offences"
        lines = [f"{len(table):,} areas; {int(table['count'].sum()):,} offences counted."]
        lines.append(
            "Highest: " + "; ".join(f"{r['name']} ({r[by]:,.1f} {unit})" for _, r in top.iterrows())
        )
        return "\n".join(lines)
