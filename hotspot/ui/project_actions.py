"""File-menu behaviour of the main window: projects, adding files, export, help.

The dialogs are module-level functions (``ask_open_path`` ...) so tests can replace
them with ``monkeypatch``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from hotspot.core.errors import HotspotError
from hotspot.model import MapParams, Project
from hotspot.pipeline.registry import load_project
from hotspot.ui import dropping, menus
from hotspot.ui.help import HelpDialog, about_html, methods_html

PROJECT_FILTER = "Hotspot project (*.toml)"
FILTERS = {
    "offences": "Offence data (*.csv *.zip *.json *.geojson *.gpkg *.shp);;All files (*)",
    "areas": "Boundaries (*.geojson *.json *.gpkg *.shp *.zip);;All files (*)",
    "indicators": "Tables (*.csv *.xlsx *.xls);;All files (*)",
    "reference": "Reference layers (*.gpkg *.shp *.geojson *.json *.fgb);;All files (*)",
}


def ask_open_path(parent: QWidget, title: str, filters: str) -> str:
    """Ask for a file to open; empty when cancelled."""
    return QFileDialog.getOpenFileName(parent, title, "", filters)[0]


def ask_open_paths(parent: QWidget, title: str, filters: str) -> list[str]:
    """Ask for files to open; empty when cancelled."""
    return QFileDialog.getOpenFileNames(parent, title, "", filters)[0]


def ask_folder(parent: QWidget, title: str) -> str:
    """Ask for a folder; empty when cancelled."""
    return QFileDialog.getExistingDirectory(parent, title)


def ask_save_path(parent: QWidget, title: str, filters: str, suggested: str = "") -> str:
    """Ask where to save; empty when cancelled (the dialog confirms overwriting)."""
    return QFileDialog.getSaveFileName(parent, title, suggested, filters)[0]


def ask_discard(parent: QWidget) -> str:
    """Ask about unsaved changes: "save", "discard" or "cancel"."""
    buttons = QMessageBox.StandardButton
    answer = QMessageBox.question(
        parent,
        "Unsaved changes",
        "The project has changes that are not saved. Save them first?",
        buttons.Save | buttons.Discard | buttons.Cancel,
    )
    return {buttons.Save: "save", buttons.Discard: "discard"}.get(answer, "cancel")


class ProjectActions:
    """Mixed into :class:`~hotspot.ui.main_window.MainWindow`."""

    def build_menus(self) -> None:
        """Create menus and toolbar (needs ``self.docks``)."""
        self.acts = menus.build(self)

    # ---------------------------------------------------------------- projects

    def confirm_discard(self) -> bool:
        """True when the current project may be replaced (saved or discarded)."""
        if not self.session.dirty:
            return True
        answer = ask_discard(self)
        if answer == "save":
            return self.save_project()
        return answer == "discard"

    def new_project(self) -> None:
        """Start an empty project."""
        if self.confirm_discard():
            self.message.clear()
            self.session.set_project(Project(map=MapParams(basemap=self.settings.basemap)))

    def open_demo(self) -> bool:
        """Help > Open the demo project (generated into the user's data folder if missing)."""
        if not self.confirm_discard():
            return False
        from hotspot.ui.app import demo_project_path

        try:
            path = demo_project_path()
        except (HotspotError, OSError) as exc:
            self.message.show_message(f"The demo project could not be prepared: {exc}", "error")
            return False
        return self.open_project(path)

    def open_project_dialog(self) -> None:
        """Ask for a project file and open it."""
        if not self.confirm_discard():
            return
        path = ask_open_path(self, "Open project", PROJECT_FILTER)
        if path:
            self.open_project(path)

    def open_project(self, path: str | Path) -> bool:
        """Open a project file; a bad file is explained in the message bar."""
        try:
            project = load_project(path)
        except HotspotError as exc:
            self.message.show_message(str(exc), "error")
            return False
        self.message.clear()
        self.session.set_project(project)
        self.settings.add_recent(project.path)
        return True

    def save_project(self) -> bool:
        """Save to the project's file (asks for a name the first time)."""
        if self.session.project.path is None:
            return self.save_project_as()
        return self._save(self.session.project.path)

    def save_project_as(self, path: str | Path | None = None) -> bool:
        """Save under a new name."""
        if path is None:
            suggested = f"{self.session.project.name}.toml"
            path = ask_save_path(self, "Save project as", PROJECT_FILTER, suggested)
            if not path:
                return False
        return self._save(Path(path))

    def _save(self, path: Path) -> bool:
        self.collect_params()
        try:
            saved = self.session.project.save(path)
        except HotspotError as exc:
            self.message.show_message(str(exc), "error")
            return False
        self.session.dirty = False
        self.settings.add_recent(saved)
        self.update_title()
        self.statusBar().showMessage(f"Saved {saved}", 5000)
        return True

    def collect_params(self) -> None:
        """Copy the parameters shown in the analysis panels into the project."""
        for panel in self.analysis.values():
            params = panel.params_or_none()
            if params is not None:
                self.session.set_params(panel.section, params)

    def fill_recent_menu(self) -> None:
        """List the recent projects in File > Open recent."""
        self.recent_menu.clear()
        recent = self.settings.recent_projects()
        for path in recent:
            act = self.recent_menu.addAction(str(path))
            act.triggered.connect(
                lambda _c=False, p=path: self.confirm_discard() and self.open_project(p)
            )
        if not recent:
            self.recent_menu.addAction("(none)").setEnabled(False)

    # ---------------------------------------------------------------- adding files

    def add_file_dialog(self, kind: str) -> None:
        """Ask for files of a kind and add them."""
        paths = ask_open_paths(self, "Add files", FILTERS.get(kind, "All files (*)"))
        if paths:
            self.add_files(paths, kind=kind)

    def add_folder_dialog(self) -> None:
        """Ask for a folder of police.uk CSVs and add it."""
        path = ask_folder(self, "Add a folder of police.uk CSVs")
        if path:
            self.session.add_source("offences", path)

    def add_files(self, paths: list[str], *, kind: str | None = None) -> None:
        """Add files (dropped or chosen), detecting each file's kind; one reload for all."""
        items, failures = [], []
        for raw in paths:
            path = Path(raw)
            try:
                found = dropping.classify(path, self)
            except HotspotError as exc:
                failures.append(dropping.describe_failure(path, exc))
                continue
            if found is None:  # the user declined to say what it is
                continue
            detected, detail = found
            if kind == "indicators" and detected == "lookup":
                kind_used = "lookup"
            else:
                kind_used = detected if kind is None or detected == kind else kind
            options = dropping.source_options(kind_used, detail)
            items.append((kind_used, str(path.resolve()), options))
        if failures:
            self.message.show_message(" ".join(failures), "error")
        else:
            self.message.clear()
        if items:
            self.session.add_sources(items)

    # ---------------------------------------------------------------- export and help

    def export_dialog(self) -> None:
        """Export maps, tables and GIS files (see ``hotspot.ui.export_dialog``)."""
        from hotspot.ui.export_dialog import run_export_dialog

        run_export_dialog(self)

    def show_methods(self) -> None:
        """Help > Methods."""
        HelpDialog("Methods", methods_html(), self).exec()

    def show_about(self) -> None:
        """Help > About."""
        HelpDialog("About Hotspot", about_html(), self).exec()
