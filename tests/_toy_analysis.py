"""A toy analysis added to the registry as one module, for the tests that show it is enough."""

from __future__ import annotations

import textwrap

SHIPPED_ANALYSES = (
    "kde",
    "gistar",
    "map_points",
    "rates",
    "named_areas",
    "bivariate",
    "emerging",
    "evaluation",
)
"""The analyses Hotspot ships, in the registry's order (the toy one comes after them)."""

# A whole new analysis, written as a user of the registry would: one module, nothing else.
MONTHLY = textwrap.dedent(
    '''
    """Offences per month: a toy analysis declared in one module."""

    from dataclasses import dataclass

    import pandas as pd

    from hotspot.core.params import param, validate
    from hotspot.pipeline.inputs import selected_points
    from hotspot.pipeline.analysis_spec import AnalysisSpec, ResultTable
    from hotspot.pipeline.specs._common import needs_offences


    @dataclass(frozen=True)
    class MonthlyParams:
        top: int = param(3, label="Busiest months", help="How many to name.", minimum=1)

        def __post_init__(self):
            validate(self, where="analysis.monthly")


    @dataclass(frozen=True)
    class MonthlyResult:
        table: pd.DataFrame
        params: MonthlyParams
        warnings: tuple = ()


    def run(project, workspace, params, progress):
        months = selected_points(project, workspace).offences.gdf["month"]
        table = months.dt.strftime("%Y-%m").value_counts().sort_index()
        frame = table.rename_axis("month").reset_index(name="count")
        return {"monthly": MonthlyResult(frame, params)}


    def tables(results):
        return [ResultTable("monthly", "Offences per month", results["monthly"].table,
                            csv="monthly.csv")]


    def summary(results):
        t = results["monthly"].table
        top = t.sort_values("count", ascending=False).head(results["monthly"].params.top)
        return [f"Busiest month: {top.iloc[0]['month']} ({int(top.iloc[0]['count']):,} offences)"]


    SPEC = AnalysisSpec(
        id="monthly", title="Months", name="offences per month", order=99,
        intro="Offences in each month.", methods="Counts the selected offences by month.",
        params=MonthlyParams, needs=needs_offences, run=run, keys=("monthly",),
        tables=tables, summary=summary, csv_names=("monthly.csv",),
    )
    '''
)
