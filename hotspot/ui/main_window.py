"""The main window: the map takes the middle, data and layers on the left, analyses and
results (tabbed) on the right, messages and progress in the status bar.

Map first: on a council laptop's 1366 x 768 screen the map keeps most of the window.
Every panel closes and comes back from the View menu, and "Map only" (F11, or the
toolbar) hides them all and brings them back as they were.

A thin front end: the project, its workspace and the results live in a
:class:`~hotspot.ui.session.Session` that goes through :mod:`hotspot.pipeline`;
project files, adding files and help pages are handled by :class:`ProjectActions`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QScrollArea,
    QTabWidget,
    QWidget,
)

from hotspot import pipeline
from hotspot.ui import errors, map_layers
from hotspot.ui.map_view import MapView, build_page
from hotspot.ui.panels.analyses import analysis_panels
from hotspot.ui.panels.data import DataPanel
from hotspot.ui.panels.layers import LayersPanel
from hotspot.ui.panels.results import ResultsPanel
from hotspot.ui.project_actions import ProjectActions
from hotspot.ui.session import Session
from hotspot.ui.settings import Settings
from hotspot.ui.widgets.job_status import JobStatus
from hotspot.ui.widgets.message_bar import StatusMessage
from hotspot.ui.workers import JobRunner

MAP_DELAY_MS = 150  # gather quick successive layer edits into one map update
GETTING_STARTED = (
    "<h3>No data yet</h3>"
    "<p>Drop files on the window, or use the File menu:</p>"
    "<ol>"
    "<li><b>Add offence data</b>: police.uk CSVs (a month's file, a folder of months or the "
    "downloaded zip) or police.uk API JSON</li>"
    "<li><b>Add boundaries</b>: ward and LSOA boundaries, and the borough outline</li>"
    "<li><b>Add context table</b>: IMD, SAMHI and population tables by LSOA, and the ONS "
    "lookups</li>"
    "</ol>"
    "<p>To look around first: Help &gt; Open the demo project.</p>"
)
ALL_HIDDEN = "Every layer is switched off: tick one in the Layers panel to see the map."
EXPORT_TIP = "Export maps, tables, GIS files and the briefing pack"


class MainWindow(ProjectActions, QMainWindow):
    """The Hotspot window."""

    def __init__(self, settings: Settings | None = None):
        super().__init__()
        self.settings = settings or Settings()
        self.runner = JobRunner(self)
        self.session = Session(self.runner, self)
        self.last_export: list = []
        self.setWindowTitle("Hotspot")
        self.setObjectName("mainWindow")
        self.setAcceptDrops(True)
        self.resize(1366, 768)  # a council laptop's screen; the last size is remembered

        self.message = StatusMessage()
        self.map = MapView()
        self.setCentralWidget(self.map)

        self.data_panel = DataPanel()
        self.layers_panel = LayersPanel(self.session.layers)
        self.analysis_tabs = QTabWidget()
        self.analysis = {}
        for panel in analysis_panels(self.session):
            self.analysis[panel.section] = panel
            self.analysis_tabs.addTab(panel, panel.title)
        self.results_panel = ResultsPanel(self.session)
        self.docks = {
            "data": self._dock("Data", self.data_panel, Qt.DockWidgetArea.LeftDockWidgetArea),
            "layers": self._dock("Layers", self.layers_panel, Qt.DockWidgetArea.LeftDockWidgetArea),
            "analysis": self._dock(
                "Analysis", self.analysis_tabs, Qt.DockWidgetArea.RightDockWidgetArea
            ),
            "results": self._dock(
                "Results", self.results_panel, Qt.DockWidgetArea.BottomDockWidgetArea
            ),
        }
        self._arrange_docks()
        self._hidden_for_map: list[str] | None = None
        self.job_status = JobStatus(self.runner)
        self.selection_label = QLabel()
        self.selection_label.setObjectName("selectionLabel")
        self.statusBar().addWidget(self.message, 1)
        self.statusBar().addPermanentWidget(self.selection_label)
        self.statusBar().addPermanentWidget(self.job_status)
        self.build_menus()

        self._map_timer = QTimer(self, singleShot=True, interval=MAP_DELAY_MS)
        self._map_timer.timeout.connect(self.refresh_map)
        self._fit_next = True
        self.session.layers.changed.connect(self._map_timer.start)
        self.session.workspace_changed.connect(self._workspace_changed)
        self.session.project_changed.connect(self._project_changed)
        self.session.result_changed.connect(self._result_changed)
        self.session.selection_changed.connect(self._selection_changed)
        self.session.verification_changed.connect(self._verified)
        self.session.problem.connect(self.show_problem)
        self.data_panel.selection_changed.connect(self.session.set_selection)
        self.data_panel.remove_source_requested.connect(self.session.remove_source)
        self.results_panel.zoom_requested.connect(self.map.zoom_to)
        self.results_panel.exclude_requested.connect(self.session.exclude_locations)
        errors.reporter().parent_widget = self
        self.restore_geometry()

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock_{title.lower()}")
        if title == "Data":  # tall content: scroll rather than squeeze the map
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            scroll.setWidget(widget)
            widget = scroll
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _arrange_docks(self) -> None:
        # Data and Layers share the left side; Analysis and Results are tabs on the right,
        # at the full height (a table shows a screenful of rows), so the map keeps the rest.
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.TopLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.setCorner(Qt.Corner.TopRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.tabifyDockWidget(self.docks["analysis"], self.docks["results"])
        self.docks["analysis"].raise_()

    # ---------------------------------------------------------------- map only

    def set_map_only(self, on: bool) -> None:
        """Hide every panel to give the map the window (F11), or bring them back as they were."""
        if on and self._hidden_for_map is None:
            self._hidden_for_map = [k for k, d in self.docks.items() if d.isVisible()]
            for dock in self.docks.values():
                dock.hide()
        elif not on and self._hidden_for_map is not None:
            for key in self._hidden_for_map:
                self.docks[key].show()
            self._hidden_for_map = None
        act = getattr(self, "acts", {}).get("map_only")
        if act is not None and act.isChecked() != on:
            act.blockSignals(True)
            act.setChecked(on)
            act.blockSignals(False)

    def show_all_panels(self) -> None:
        """Every panel back, at its default place and size."""
        self.set_map_only(False)
        for dock in self.docks.values():
            dock.show()
        self._default_dock_sizes()

    # ---------------------------------------------------------------- session -> view

    def _project_changed(self) -> None:
        project = self.session.project
        self.data_panel.set_offences(None)
        self.data_panel.set_selection(project.selection, project.groups)
        self.data_panel.set_sources(map_layers.source_labels(project))
        for panel in self.analysis.values():
            panel.set_project(project)
        self.acts["osm"].blockSignals(True)
        self.acts["osm"].setChecked(project.map.basemap == "osm")
        self.acts["osm"].blockSignals(False)
        self._fit_next = True
        self.update_title()
        if not project.sources:
            self.map.clear(GETTING_STARTED)

    def _workspace_changed(self) -> None:
        ws = self.session.workspace
        project = self.session.project
        offences = getattr(ws, "offences", None) if ws is not None else None
        self.data_panel.set_offences(offences)
        self.data_panel.set_authorities(map_layers.local_authorities(ws))
        self.data_panel.set_selection(project.selection, project.groups)
        self.data_panel.set_sources(map_layers.source_labels(project))
        self.session.layers.remove_prefix("result:")
        entries = map_layers.workspace_layers(ws, project, self.session.selection())
        self._show_load_report()  # after the selection is made: a report job reads it
        keep = {e.key for e in entries}
        for key in self.session.layers.key_order():
            if key not in keep:  # a source that was removed, or data that no longer apply
                self.session.layers.remove(key)
        for entry in entries:
            self.session.layers.put(entry)
        for panel in self.analysis.values():
            panel.set_workspace(ws)
        self._fit_next = True  # new data or a new study area: frame them
        self._show_checks()
        self.update_title()

    def _show_checks(self) -> None:
        """Say in the Data panel what stops the selection, and disable Export with the reason."""
        problems = self.session.selection_problems()
        warnings = map_layers.selection_warnings(self.session)
        self.data_panel.set_checks(problems, warnings)
        export = self.acts["export"]
        if self.session.workspace is None:
            why = "Load some data before exporting (File > Add offence data)."
        else:
            why = problems[0] if problems else ""
        text = f"Export is disabled: {why}" if why else EXPORT_TIP
        export.setEnabled(not why)
        export.setToolTip(text)
        export.setStatusTip(text)

    def _show_load_report(self) -> None:
        """The load report in the Data panel: at once after a load (worked out by the
        loading thread), in the background after a new selection (its map points take a
        moment on a whole force)."""
        view = self.session.selection_view()
        if view is None:
            return
        if view.report_ready:
            self.data_panel.set_report(view.report())
            return

        def show(text: str) -> None:
            if self.session.selection_view() is view and text:
                self.data_panel.set_report(text)

        self.runner.submit(
            "report",
            lambda progress: view.report(),
            on_success=show,
            on_error=lambda exc: errors.dispatch(
                exc, lambda m: self.message.show_message(m, "error")
            ),
            message="Writing the load report",
        )

    def _selection_changed(self) -> None:
        """New offence group, period or exclusions: redraw the selected offences and the title."""
        project = self.session.project
        self.data_panel.set_selection(project.selection, project.groups)
        entries = map_layers.offence_layers(
            self.session.workspace, self.session.project, self.session.selection()
        )
        if not entries:
            self.session.layers.remove_prefix("offences:")
        for entry in entries:
            self.session.layers.put(entry)
        self._show_load_report()  # after the selection is made: the job reads it
        self._map_timer.start()
        self._show_checks()
        self.update_title()

    def _result_changed(self, section: str) -> None:
        result = self.session.results.get(section)
        self.session.layers.remove_prefix(f"result:{section}")
        if result is not None:
            # the newest result is what the map shows; earlier ones wait, unticked, in the
            # Layers panel (several filled layers on top of each other hide one another)
            entries = map_layers.result_layers(section, self.session)
            if any(e.visible for e in entries):
                for entry in self.session.layers.entries:
                    if entry.key.startswith("result:"):
                        self.session.layers.set_visible(entry.key, False)
            for entry in entries:
                self.session.layers.put(entry)
        self.update_title()

    def verify_with_pysal(self) -> None:
        """Analysis > Verify with PySAL: recompute the Gi* and correlation results with esda."""
        if not self.session.verify(
            on_error=lambda exc: errors.dispatch(
                exc, lambda m: self.message.show_message(m, "error")
            )
        ):
            self.message.show_message(
                "Run Gi* hot spots, Rates or Correlation first: there is nothing to check yet.",
                "info",
            )

    def _verified(self) -> None:
        check = self.session.verification
        if check is None:
            return
        text = f"{check.heading}: " + " ".join(check.lines())
        self.message.show_message(text, "warning" if check.warnings else "info")

    def show_problem(self, where: str, message: str) -> None:
        """Show an expected problem in the panel it belongs to, else in the message bar."""
        panel = self.analysis.get(where)
        if panel is not None:
            panel.message.show_message(message, "error")
        else:
            self.message.show_message(message, "error")

    def update_title(self) -> None:
        """Window title: project name and file, with [*] when there are unsaved changes."""
        p = self.session.project
        where = f" ({p.path})" if p.path else ""
        self.setWindowTitle(f"{p.name}{where}[*] - Hotspot")
        self.setWindowModified(self.session.dirty)

    # ---------------------------------------------------------------- map

    def refresh_map(self) -> None:
        """Rebuild the map page from the layer stack (in the background)."""
        if self.session.selecting:  # the new selection redraws the map when it is made
            return
        layers = self.session.layers.map_layers(visible_only=True)
        # the selection mapped, in the status bar (the map itself has no title box)
        self.selection_label.setText(map_layers.selection_label(self.session))
        if not layers:
            self.map.clear(ALL_HIDDEN if len(self.session.layers) else GETTING_STARTED)
            return
        keep_view = not self._fit_next
        self._fit_next = False
        shown = {e.key.removeprefix("context:") for e in self.session.layers.entries if e.visible}
        self.runner.submit(
            "map",
            build_page,
            layers,
            self.session.project.map.basemap,
            title=self.session.project.name,
            subtitle=self.selection_label.text(),
            bounds=map_layers.map_frame(self.session) if not keep_view else None,
            attributions=pipeline.map_attributions(
                self.session.workspace, self.session.results, context=shown & {"imd", "samhi"}
            ),
            on_success=lambda html: self.map.show_html(html, keep_view=keep_view),
            on_error=lambda exc: errors.dispatch(
                exc, lambda m: self.message.show_message(m, "error")
            ),
            message="Drawing the map",
        )

    def set_osm_basemap(self, on: bool) -> None:
        """Switch the OpenStreetMap basemap (remembered in settings and the project)."""
        from dataclasses import replace

        basemap = "osm" if on else "none"
        self.settings.basemap = basemap
        if self.session.project.map.basemap != basemap:
            self.session.project.map = replace(self.session.project.map, basemap=basemap)
            self.session.dirty = True
            self.update_title()
        self._map_timer.start()

    # ---------------------------------------------------------------- drag and drop

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt API
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt API
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        event.acceptProposedAction()
        self.add_files(paths)

    # ---------------------------------------------------------------- closing

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        if not self.confirm_discard():
            event.ignore()
            return
        self._map_timer.stop()
        self.runner.cancel()
        self.settings.set_geometry(self.saveGeometry(), self.saveState())
        if self.session.project.path is not None:
            self.settings.last_project = self.session.project.path
        self.settings.sync()
        self.runner.wait(3000)
        self.runner.shutdown()
        self.map.dispose()
        event.accept()

    def restore_geometry(self) -> None:
        """Put the window and docks where they were last time (a roomy map by default)."""
        geometry, state = self.settings.geometry()
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None and self.restoreState(state):
            return
        QTimer.singleShot(0, self._default_dock_sizes)

    def _default_dock_sizes(self) -> None:
        """Side panels sized to the window, so the map has most of it on any screen."""
        horizontal, vertical = Qt.Orientation.Horizontal, Qt.Orientation.Vertical
        width, height = self.width(), self.height()
        left = round(min(max(0.17 * width, 230), 320))
        right = round(min(max(0.245 * width, 320), 460))
        self.resizeDocks([self.docks["data"], self.docks["analysis"]], [left, right], horizontal)
        self.resizeDocks(
            [self.docks["data"], self.docks["layers"]],
            [round(0.62 * height), round(0.38 * height)],
            vertical,
        )
