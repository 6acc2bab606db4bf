"""Rates panel: offences per 1,000 residents by ward and LSOA, ranks and change."""

from __future__ import annotations

from typing import Any

from hotspot.ui.map_layers import level_name, rate_column
from hotspot.ui.panels.analysis import AnalysisPanel


class RatesPanel(AnalysisPanel):
    section = "rates"
    title = "Rates"
    name = "rates and change"
    intro = (
        "Counts the selected offences in each ward (or LSOA), gives the rate per 1,000 "
        "residents when a population table is loaded, ranks the areas and compares with "
        "the previous period of equal length."
    )
    choice_labels = {
        "count_by": {
            "auto": "Automatic",
            "location": "Map location of each offence",
            "lsoa_code": "LSOA code given by police.uk",
        },
        "level": {"ward": "Wards", "lsoa": "LSOAs"},
    }

    def describe(self, result: Any) -> str:
        table = result.table
        by = rate_column(table)
        level = level_name(result)
        per = getattr(result.params, "per", 1000)
        unit = f"per {per:,} residents" if by == "rate" else "offences"
        lines = [f"{len(table):,} {level}; {int(table['count'].sum()):,} offences counted."]
        if by == "count":
            lines.append("No population table is loaded, so areas are ranked by count.")
        top = table.sort_values(by, ascending=False).head(3)
        lines.append(
            "Highest: " + "; ".join(f"{r['name']} ({r[by]:,.1f} {unit})" for _, r in top.iterrows())
        )
        if "change_flag" in table.columns:
            flagged = table[table["change_flag"].fillna(False).astype(bool)]
            up = int((flagged["change"] > 0).sum())
            down = int((flagged["change"] < 0).sum())

            def areas(n: int) -> str:
                return f"{n:,} {level if n != 1 else level[:-1]}"

            lines.append(
                "Change against the previous period beyond normal variation: "
                f"{areas(up)} up, {areas(down)} down."
            )
        return "\n".join(lines)
