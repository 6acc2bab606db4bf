"""Results panel: the charts and tables of the selection and of each analysis."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from hotspot.errors import HotspotError
from hotspot.ui.widgets import charts
from hotspot.ui.widgets.results_table import ResultsTable

AXIS_LABELS = {
    "rate": "Offences per 1,000 residents",
    "rate_eb": "Offences per 1,000 residents (smoothed)",
    "count": "Offences",
    "imd_score": "Deprivation (IMD score; higher = more deprived)",
    "samhi_index": "Mental health (SAMHI index; higher = poorer)",
}
TABLE_TITLES = {
    "kde": "KDE thresholds",
    "gistar": "Gi* cells",
    "rates": "Area rates",
    "bivariate": "Local correlation",
}


def result_table(section: str, result: Any) -> tuple[pd.DataFrame, str]:
    """The table to show for a result, and its caption."""
    if section == "kde":
        rows = [{"class": k, "threshold": v} for k, v in result.hotspot_thresholds().items()]
        return pd.DataFrame(rows), f"Hotspot thresholds ({result.units})"
    if section == "gistar":
        cells = pd.DataFrame(result.cells.drop(columns="geometry", errors="ignore"))
        cells = cells.sort_values("gi_z", ascending=False)
        return cells, "Every cell, highest Gi* z first"
    if section == "rates":
        table = pd.DataFrame(result.table.drop(columns="geometry", errors="ignore"))
        if "rank" in table.columns:
            table = table.sort_values("rank")
        return table, "Areas ranked by rate (1 = highest)"
    if section == "bivariate":
        local = pd.DataFrame(result.local.drop(columns="geometry", errors="ignore"))
        return local, getattr(result, "caveat", "")
    return pd.DataFrame(), ""


class ResultsPanel(QWidget):
    """Tabs: monthly trend, areas ranked, rate against context, and one table per result."""

    def __init__(self, session: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs)
        self.trend = charts.ChartWidget("The monthly trend appears when offence data is loaded.")
        self.ranking = charts.ChartWidget("Run Rates and change to rank the areas.")
        self.scatter = charts.ChartWidget("Run Correlation to plot rates against IMD / SAMHI.")
        self.tabs.addTab(self.trend, "Monthly trend")
        self.tabs.addTab(self.ranking, "Areas ranked")
        self.tabs.addTab(self.scatter, "Rate vs context")
        self.tables: dict[str, ResultsTable] = {}
        session.workspace_changed.connect(self.update_trend)
        session.selection_changed.connect(self.update_trend)
        session.result_changed.connect(self.update_result)

    def update_trend(self) -> None:
        """Redraw the monthly counts of the selected offence group."""
        from hotspot import pipeline

        ws = self.session.workspace
        if ws is None or ws.offences is None or not len(ws.offences):
            self.trend.set_plot(None)
            return
        try:
            sel = pipeline.select(self.session.project, ws)
        except HotspotError:
            self.trend.set_plot(None)
            return
        monthly = ws.offences.select(sel.group).gdf.groupby("month").size()
        months = pd.date_range(min(ws.offences.months()), max(ws.offences.months()), freq="MS")
        monthly = monthly.reindex(months, fill_value=0).astype(float)
        # a month absent from the data is unknown, not zero: leave a gap in the line
        absent = pd.to_datetime([f"{m}-01" for m in ws.offences.report.missing_months])
        monthly[monthly.index.isin(absent)] = np.nan
        period = (sel.period.start, sel.period.end) if sel.period else None
        comp = sel.comparison_period
        comparison = (comp.start, comp.end) if comp else None

        def draw(ax):
            charts.plot_trend(
                ax,
                monthly.index,
                monthly.values,
                title=sel.group.name,
                period=period,
                comparison=comparison,
            )

        self.trend.set_plot(draw)

    def update_result(self, section: str) -> None:
        """Show a result's table (and chart) or remove it when the result is gone."""
        result = self.session.results.get(section)
        if result is None:
            table = self.tables.pop(section, None)
            if table is not None:
                self.tabs.removeTab(self.tabs.indexOf(table))
                table.deleteLater()
            if section == "rates":
                self.ranking.set_plot(None)
            if section == "bivariate":
                self.scatter.set_plot(None)
            return
        frame, caption = result_table(section, result)
        table = self.tables.get(section)
        if table is None:
            table = ResultsTable(section)
            self.tables[section] = table
            self.tabs.addTab(table, TABLE_TITLES.get(section, section))
        table.set_frame(frame, caption)
        if section == "rates":
            self._rank(result)
        if section == "bivariate":
            self._scatter(result)

    def _rank(self, result: Any) -> None:
        table = result.table
        by = "rate" if table["rate"].notna().any() else "count"
        label = "Offences per 1,000 residents" if by == "rate" else "Offences"
        level = {"ward": "Wards", "lsoa": "LSOAs"}.get(getattr(result, "level", ""), "Areas")
        ok = table[by].notna()

        def draw(ax):
            charts.plot_ranking(
                ax,
                list(table.loc[ok, "name"]),
                table.loc[ok, by].to_numpy(),
                xlabel=label,
                title=f"{level} with the highest {label.lower()} (top 10)",
            )

        self.ranking.set_plot(draw)

    def _scatter(self, result: Any) -> None:
        local = result.local
        x_name = getattr(result, "x", None) or "x"
        y_name = getattr(result, "y", None) or "y"
        if x_name not in local.columns or y_name not in local.columns:
            self.scatter.set_plot(None, "This result has no values to plot.")
            return

        x_label = AXIS_LABELS.get(str(y_name), str(y_name))
        y_label = AXIS_LABELS.get(str(x_name), str(x_name))

        def draw(ax):
            charts.plot_scatter(
                ax,
                local[y_name],
                local[x_name],
                xlabel=x_label,
                ylabel=y_label,
                title="LSOAs: offences against context",
            )

        self.scatter.set_plot(draw)
