"""Results panel: the charts and tables of the selection and of each analysis."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from hotspot.core.errors import HotspotError
from hotspot.ui.map_layers import level_name, rate_column
from hotspot.ui.widgets import charts
from hotspot.ui.widgets.results_table import ResultsTable

AXIS_LABELS = {
    "rate": "Offences per {per} residents",
    "rate_eb": "Offences per {per} residents (smoothed)",
    "count": "Offences",
    "imd_score": "Deprivation (IMD score; higher = more deprived)",
    "samhi_index": "Mental health (SAMHI index; higher = poorer)",
}


def axis_label(column: str, per: int = 1000) -> str:
    """The axis label of a measure ("Offences per 1,000 residents")."""
    return AXIS_LABELS.get(column, column).format(per=f"{per:,}")


COLUMN_LABELS = {  # column -> (header shown, what it is)
    "code": ("Code", "ONS area code"),
    "name": ("Name", "Area name"),
    "count": ("Offences", "Selected offences in the area in the period"),
    "population": ("Residents", "Resident population (from the population table)"),
    "rate": ("Rate", "Offences per 1,000 residents (or the 'Rate per' chosen)"),
    "rate_eb": ("Smoothed rate", "Rate smoothed towards the borough's rate (Empirical Bayes)"),
    "rank": ("Rank", "1 = highest"),
    "share": ("Share", "Share of the borough's selected offences (0 to 1)"),
    "count_prev": ("Offences before", "Offences in the comparison period"),
    "change": ("Change", "Offences now minus offences in the comparison period"),
    "pct_change": ("Change %", "Change as a percentage of the comparison period"),
    "change_p": ("Change p", "p-value of the change (exact test)"),
    "change_q": ("Change q", "p-value of the change adjusted for testing every area (FDR)"),
    "change_flag": ("Change flagged", "Whether the change is unlikely to be chance"),
    "change_label": ("Change verdict", "What the change test says"),
    "n": ("Offences", "Selected offences in the cell"),
    "gi_z": ("Gi* z", "Gi* z-score: how far the cell and its neighbours are above the average"),
    "p_value": ("p", "p-value of the test"),
    "p_sim": ("p (permutations)", "Pseudo p-value from the random rearrangements"),
    "q_value": ("q (FDR)", "p-value adjusted for testing many cells or areas (FDR)"),
    "gi_bin": ("Confidence bin", "3 = hot spot at 99%, 2 = 95%, 1 = 90%, negative = cold spot"),
    "label": ("Class", "Hot spot, cold spot or not significant"),
    "imd_score": ("IMD score", "Index of Multiple Deprivation 2019 score; higher = more deprived"),
    "samhi_index": ("SAMHI index", "Small Area Mental Health Index; higher = poorer"),
    "lag": ("Neighbours' value", "Average of the second measure in the neighbouring LSOAs"),
    "local_i": ("Local I", "Local bivariate Moran's I"),
    "cluster": ("Cluster", "High-High, Low-Low, High-Low, Low-High or not significant"),
    "threshold": ("Threshold", "Value of the density surface where the class starts"),
    "class": ("Class", "Hotspot class"),
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
        by = "rate" if rate_column(result.table) == "rate" else "offence count"
        return table, f"{level_name(result, title=True)} ranked by {by} (1 = highest)"
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
            table = ResultsTable(section, headers=COLUMN_LABELS)
            self.tables[section] = table
            self.tabs.addTab(table, TABLE_TITLES.get(section, section))
        table.set_frame(frame, caption)
        if section == "rates":
            self._rank(result)
        if section == "bivariate":
            self._scatter(result)

    def _rank(self, result: Any) -> None:
        table = result.table
        by = rate_column(table)
        label = axis_label(by, getattr(result.params, "per", 1000))
        level = level_name(result, title=True)
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

        per = getattr(self.session.project.params("rates"), "per", 1000)
        x_label = axis_label(str(y_name), per)
        y_label = axis_label(str(x_name), per)

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
