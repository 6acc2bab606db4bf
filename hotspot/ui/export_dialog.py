"""File > Export...: write maps, tables, GIS files and the briefing pack.

The dialog edits the project's ``[outputs]`` section (a form generated from
:class:`hotspot.model.OutputParams`) and a folder, then runs
:func:`hotspot.pipeline.run_outputs` on the loaded workspace in the background: the
files are exactly those ``hotspot run`` writes for the saved project. Existing
files are replaced only after the user confirms.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from hotspot.core.errors import ExportError, HotspotError
from hotspot.model import OutputParams
from hotspot.ui import errors
from hotspot.ui.widgets.message_bar import MessageBar
from hotspot.ui.widgets.params_form import ParamsForm


def ask_replace(parent: QWidget, message: str) -> bool:
    """Ask whether existing files may be replaced. Tests replace this."""
    buttons = QMessageBox.StandardButton
    answer = QMessageBox.question(
        parent,
        "Replace files?",
        f"{message}\n\nReplace the existing files?",
        buttons.Yes | buttons.No,
    )
    return answer == buttons.Yes


FORMAT_LABELS = {
    "map_formats": {"png": "PNG (300 dpi)", "pdf": "PDF", "svg": "SVG"},
    "page": {"A4-landscape": "A4 landscape", "A4-portrait": "A4 portrait"},
}


def registry_choices() -> tuple[dict[str, tuple], dict[str, dict[str, str]]]:
    """The analyses and print maps the registry offers: (choices, their labels)."""
    from hotspot.pipeline.registry import analyses, print_maps

    specs, maps = analyses(), print_maps()
    choices = {"analyses": tuple(s.id for s in specs), "maps": tuple(m.id for m in maps)}
    labels = {
        "analyses": {s.id: s.title for s in specs},
        "maps": {m.id: m.title for m in maps},
        **FORMAT_LABELS,
    }
    return choices, labels


APPLIES = {
    "page": (
        lambda v: bool(v["maps"]) or v["briefing"],
        "with print maps or the briefing pack",
    ),
    "map_formats": (lambda v: bool(v["maps"]), "with print maps"),
    "html_points": (lambda v: v["html"], "with the interactive map"),
    "briefing_wards": (lambda v: v["briefing"], "with the briefing pack"),
    "gpkg_exact_counts": (
        lambda v: (
            bool(v["gpkg"]) and isinstance(v["suppress_below"], int) and v["suppress_below"] > 1
        ),
        "with the results GeoPackage and small counts suppressed",
    ),
}


def ward_choices(wards: Any, chosen: tuple[str, ...]) -> tuple[tuple[str, ...], tuple, list]:
    """The wards to pick from (by name), the project's choice as names, and what is unknown.

    A ward page given by code ("E05013727") is shown ticked under its name; an entry
    that names no loaded ward is returned apart, to be reported.
    """
    gdf = getattr(wards, "gdf", wards)
    names = [str(n) for n in gdf["name"]]
    by_key = {n.strip().lower(): n for n in names}
    if "code" in gdf.columns:
        by_key.update(
            {str(c).strip().lower(): str(n) for c, n in zip(gdf["code"], gdf["name"], strict=True)}
        )
    picked, unknown = [], []
    for key in chosen:
        name = by_key.get(str(key).strip().lower())
        (picked if name is not None else unknown).append(name or key)
    return tuple(sorted(set(names))), tuple(dict.fromkeys(picked)), unknown


class ExportDialog(QDialog):
    """Choose what to write (the project's outputs) and where.

    With ``wards`` (the loaded ward boundaries) the briefing's ward pages are a list of
    the wards to tick, so a ward cannot be misspelt; a ward the project names that is
    not loaded is reported at the top of the dialog.
    """

    def __init__(
        self,
        outputs: OutputParams,
        folder: str,
        parent: QWidget | None = None,
        *,
        wards: Any = None,
    ):
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.resize(700, 660)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Writes maps, tables and GIS files for this project into a folder: the same files "
            "the command line (hotspot run) writes for the saved project. Offence locations "
            "are left out of the interactive map unless you tick them."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.message = MessageBar()
        layout.addWidget(self.message)
        row = QHBoxLayout()
        row.addWidget(QLabel("Folder"))
        self.folder = QLineEdit(folder)
        row.addWidget(self.folder, 1)
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row.addWidget(browse)
        layout.addLayout(row)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        choices, labels = registry_choices()
        self.unknown_wards: list[str] = []
        if wards is not None and len(getattr(wards, "gdf", wards)):
            names, picked, self.unknown_wards = ward_choices(wards, outputs.briefing_wards)
            choices["briefing_wards"] = names
            outputs = dataclasses.replace(outputs, briefing_wards=picked)
        self.form = ParamsForm(
            OutputParams,
            outputs,
            section="outputs",
            choice_labels=labels,
            applies=APPLIES,
            choices=choices,
        )
        scroll.setWidget(self.form)
        layout.addWidget(scroll, 1)
        if self.unknown_wards:
            self.message.show_message(
                "The project asks for ward pages of "
                + ", ".join(repr(w) for w in self.unknown_wards)
                + ", which the loaded ward boundaries do not have: tick the wards wanted "
                "under Ward pages.",
                "error",
            )
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export to folder", self.folder.text())
        if folder:
            self.folder.setText(folder)

    def accept(self) -> None:
        try:
            self.form.value()
        except HotspotError as exc:
            self.message.show_message(str(exc), "error")
            return
        if not self.folder.text().strip():
            self.message.show_message("Choose a folder to export to.", "error")
            return
        super().accept()


def choose_outputs(window: Any, outputs: OutputParams, folder: str) -> tuple[Any, Path] | None:
    """Show the dialog; (outputs, folder) or None when cancelled. Tests replace this."""
    workspace = window.session.workspace
    dialog = ExportDialog(outputs, folder, window, wards=getattr(workspace, "wards", None))
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.form.value(), Path(dialog.folder.text().strip())


def default_folder(window: Any) -> str:
    """``<project folder>/outputs``, or the home folder for an unsaved project."""
    project = window.session.project
    base = project.folder if project.folder is not None else Path.home()
    return str(base / "outputs")


def run_export_dialog(window: Any) -> None:
    """Ask what to export and where, then export in the background."""
    session = window.session
    if session.workspace is None:
        window.message.show_message("Load some data before exporting.", "error")
        return
    window.collect_params()
    chosen = choose_outputs(window, session.project.outputs, default_folder(window))
    if chosen is None:
        return
    outputs, folder = chosen
    from hotspot.pipeline.validate import output_problems
    from hotspot.ui.session import ADD_SOURCE_MENU

    candidate = session.project.copy()
    candidate.outputs = outputs
    problems = output_problems(candidate, session.workspace, ADD_SOURCE_MENU.get)
    if problems:  # a misspelt ward page ...: said before anything runs or is written
        window.message.show_message(" ".join(problems), "error")
        return
    if outputs != session.project.outputs:
        session.project.outputs = outputs
        session.dirty = True
        window.update_title()
    export(window, folder, force=False)


def export(window: Any, folder: Path, *, force: bool) -> None:
    """Write the project's outputs into ``folder`` (asks before replacing files)."""
    from hotspot import pipeline

    session = window.session
    project = session.project.copy()

    def done(files: list[Path]) -> None:
        names = ", ".join(p.name for p in files[:8]) + (" …" if len(files) > 8 else "")
        text = f"Exported {len(files)} files to {folder}: {names}"
        unmade = list(getattr(files, "unmade", ()))
        if unmade:  # said, not hidden behind a finished-looking folder
            text += ". Not produced: " + "; ".join(unmade)
        window.message.show_message(text, "warning" if unmade else "info")
        window.last_export = files

    def failed(exc: BaseException) -> None:
        if isinstance(exc, ExportError) and "already exists" in str(exc) and not force:
            if ask_replace(window, str(exc)):
                export(window, folder, force=True)
            return
        errors.dispatch(exc, lambda msg: window.message.show_message(msg, "error"))

    session.runner.submit(
        "export",
        pipeline.run_outputs,
        project,
        session.workspace,
        folder,
        force=force,
        on_success=done,
        on_error=failed,
        message="Exporting",
    )
