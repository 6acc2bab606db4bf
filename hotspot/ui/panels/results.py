"""Results panel: the charts and tables of the selection and of each analysis."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from hotspot.core.errors import HotspotError
from hotspot.core.labels import COLUMNS, axis_label, level_name
from hotspot.pipeline import registry
from hotspot.pipeline.specs.rates import rate_column
from hotspot.ui.widgets import charts
from hotspot.ui.widgets.results_table import ResultsTable


@dataclass(frozen=True)
class WindowTable:
    """A table as the window shows it: rows without geometry, and what rows can do.

    Attributes
    ----------
    key, title, caption : str
    frame : DataFrame
        The rows, in the table's default order.
    bounds : list or None
        Per row, ``(south, west, north, east)`` in degrees to zoom to (tables declared
        with ``zoom``).
    exclude : list or None
        Per row, the entry that leaves its map point out of the analyses.
    """

    key: str
    title: str
    frame: pd.DataFrame
    caption: str
    bounds: list | None = None
    exclude: list | None = None


def _lonlat_bounds(geoms: Any) -> list:
    import geopandas as gpd

    g = gpd.GeoSeries(geoms, crs="EPSG:27700")
    pad = g.buffer(60.0).to_crs(4326).bounds  # a point or a small zone: some room around it
    return [
        (r.miny, r.minx, r.maxy, r.maxx) if np.isfinite(r.minx) else None for r in pad.itertuples()
    ]


def window_tables(section: str, results: Any) -> list[WindowTable]:
    """Every table an analysis shows in the window, in its default order."""
    from hotspot.pipeline.registry import spec

    out = []
    for table in spec(section).tables(results):
        if not table.window:
            continue
        data = pd.DataFrame(table.data())
        if table.sort is not None and table.sort[0] in data.columns:
            data = data.sort_values(table.sort[0], ascending=table.sort[1], kind="stable")
        data = data.reset_index(drop=True)
        bounds = None
        if table.zoom and "geometry" in data.columns and len(data):
            bounds = _lonlat_bounds(data["geometry"].values)
        exclude = None
        if table.exclude_column and table.exclude_column in data.columns:
            exclude = data[table.exclude_column].astype(str).tolist()
        frame = data.drop(columns="geometry", errors="ignore")
        out.append(WindowTable(table.key, table.title, frame, table.caption, bounds, exclude))
    return out


class ResultsPanel(QWidget):
    """Tabs: monthly trend, areas ranked, rate against context, and one table per result.

    Signals
    -------
    zoom_requested(tuple)
        A row with an extent was clicked: ``(south, west, north, east)`` in degrees.
    exclude_requested(list)
        Map points to leave out of every analysis (``exclude_locations`` entries).
    """

    zoom_requested = Signal(object)
    exclude_requested = Signal(list)

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
        self.result_charts: dict[str, charts.ChartWidget] = {}  # declared by the analyses
        self._keys: dict[str, list[str]] = {}  # analysis -> the keys of its tables
        session.workspace_changed.connect(self.update_trend)
        session.selection_changed.connect(self.update_trend)
        session.result_changed.connect(self.update_result)

    def table_keys(self, section: str) -> list[str]:
        """The keys of the tables an analysis shows (its tabs), in order."""
        return list(self._keys.get(section, []))

    def update_trend(self) -> None:
        """Redraw the monthly counts of the selected offence group."""
        ws = self.session.workspace
        if ws is None or ws.offences is None or not len(ws.offences):
            self.trend.set_plot(None)
            return
        try:
            sel = self.session.selection()
        except HotspotError:
            self.trend.set_plot(None)
            return
        monthly = ws.offences.monthly_counts(sel.group)
        present = ws.offences.months()
        if not present:  # no row has a month
            self.trend.set_plot(None)
            return
        months = pd.date_range(present[0], present[-1], freq="MS")
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
        """Show an analysis's tables (and chart), or remove them when its result is gone."""
        for key in self._keys.pop(section, []):
            widget = self.tables.pop(key, None) or self.result_charts.pop(key, None)
            if widget is not None:
                self.tabs.removeTab(self.tabs.indexOf(widget))
                widget.deleteLater()
        result = self.session.results.get(section)
        if result is None:
            if section == "rates":
                self.ranking.set_plot(None)
            if section == "bivariate":
                self.scatter.set_plot(None)
            return
        keys = []
        for shown in window_tables(section, self.session.results):
            table = ResultsTable(shown.key, headers=COLUMNS)
            self.tables[shown.key] = table
            self.tabs.addTab(table, shown.title)
            table.set_frame(shown.frame, shown.caption)
            table.set_row_bounds(shown.bounds)
            table.set_exclusions(shown.exclude)
            table.zoom_requested.connect(self.zoom_requested)
            table.exclude_requested.connect(self.exclude_requested)
            if shown.key == "rates_ward":  # pick the briefing's ward pages where wards are ranked
                table.add_row_action("Give a page in the briefing pack", self._ward_pages(True))
                table.add_row_action("No page in the briefing pack", self._ward_pages(False))
            keys.append(shown.key)
        for chart in registry.spec(section).charts(self.session.results):
            widget = charts.ChartWidget(chart.title)
            self.result_charts[chart.key] = widget
            self.tabs.addTab(widget, chart.title)
            widget.set_plot(chart.draw)
            keys.append(chart.key)
        self._keys[section] = keys
        if section == "rates":
            self._rank(result)
        if section == "bivariate":
            self._scatter(result)

    def _ward_pages(self, on: bool):
        """Add (or take off) the selected wards to the project's briefing ward pages."""

        def act(rows: pd.DataFrame) -> None:
            import dataclasses

            project = self.session.project
            names = [str(n) for n in rows.get("name", ())]
            pages = list(project.outputs.briefing_wards)
            if on:
                pages += [n for n in names if n not in pages]
            else:
                pages = [p for p in pages if p not in names]
            if tuple(pages) != project.outputs.briefing_wards:
                project.outputs = dataclasses.replace(project.outputs, briefing_wards=tuple(pages))
                self.session.dirty = True

        return act

    def _rank(self, result: Any) -> None:
        table = result.table
        by = rate_column(table)
        label = axis_label(by, getattr(result.params, "per", 1000))
        level = level_name(result.level, title=True)
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

        per = getattr(registry.params(self.session.project, "rates"), "per", 1000)
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
