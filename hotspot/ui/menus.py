"""Menus and toolbar of the main window (actions call the window's methods).

Icons: Qt's standard ones for the file actions, Hotspot's own (``resources/icons``)
for adding data, export and the basemap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QApplication, QStyle

if TYPE_CHECKING:  # pragma: no cover
    from hotspot.ui.main_window import MainWindow

SP = QStyle.StandardPixmap
STANDARD_ICONS = {
    "new": SP.SP_FileIcon,
    "open": SP.SP_DialogOpenButton,
    "save": SP.SP_DialogSaveButton,
    "add_offences_folder": SP.SP_DirOpenIcon,
    "quit": SP.SP_DialogCloseButton,
    "methods": SP.SP_DialogHelpButton,
    "about": SP.SP_MessageBoxInformation,
    "map_only": SP.SP_TitleBarMaxButton,
}
OWN_ICONS = {
    "add_offences": "offences.svg",
    "add_areas": "boundaries.svg",
    "add_context": "context.svg",
    "export": "export.svg",
    "osm": "basemap.svg",
}


def icon(key: str) -> QIcon:
    """The icon of an action (an empty icon when none is known or the file is missing)."""
    if key in STANDARD_ICONS:
        return QApplication.style().standardIcon(STANDARD_ICONS[key])
    if key in OWN_ICONS:
        from importlib import resources

        try:
            path = resources.files("hotspot.resources").joinpath("icons", OWN_ICONS[key])
            if path.is_file():
                return QIcon(str(path))
        except (FileNotFoundError, ModuleNotFoundError):  # pragma: no cover - broken install
            pass
    return QIcon()


def _action(window, text, slot, *, shortcut=None, tip=""):
    act = QAction(text, window)
    if shortcut is not None:
        act.setShortcut(shortcut)
    if tip:
        act.setStatusTip(tip)
        act.setToolTip(tip)
    act.triggered.connect(lambda _checked=False: slot())
    return act


def build(window: MainWindow) -> dict[str, QAction]:
    """Create the menus and toolbar; return the actions by name."""
    std = QKeySequence.StandardKey
    acts = {
        "new": _action(window, "&New project", window.new_project, shortcut=std.New),
        "open": _action(window, "&Open project…", window.open_project_dialog, shortcut=std.Open),
        "save": _action(window, "&Save project", window.save_project, shortcut=std.Save),
        "save_as": _action(
            window, "Save project &as…", window.save_project_as, shortcut=std.SaveAs
        ),
        "add_offences": _action(
            window,
            "Add &offence data…",
            lambda: window.add_file_dialog("offences"),
            tip="police.uk CSVs (a file, folder or the archive zip), API JSON, or any points",
        ),
        "add_offences_folder": _action(
            window,
            "Add offence data &folder…",
            window.add_folder_dialog,
            tip="A folder of police.uk monthly CSVs (the archive layout)",
        ),
        "add_areas": _action(
            window,
            "Add &boundaries…",
            lambda: window.add_file_dialog("areas"),
            tip="Ward or LSOA boundaries, or a borough outline (GeoJSON, GeoPackage, Shapefile)",
        ),
        "add_context": _action(
            window,
            "Add &context table…",
            lambda: window.add_file_dialog("indicators"),
            tip="IMD, SAMHI or population by LSOA, or a code lookup",
        ),
        "add_reference": _action(
            window,
            "Add &reference layer…",
            lambda: window.add_file_dialog("reference"),
            tip="Roads (OS Open Roads, OpenStreetMap), places or town-centre boundaries, drawn "
            "beneath the results (GeoPackage, Shapefile, GeoJSON)",
        ),
        "export": _action(window, "&Export…", window.export_dialog, shortcut="Ctrl+E"),
        "quit": _action(window, "&Quit", window.close, shortcut=std.Quit),
        "methods": _action(
            window,
            "&Methods",
            window.show_methods,
            shortcut=std.HelpContents,
            tip="What each analysis does and what its defaults mean",
        ),
        "demo": _action(
            window,
            "Open the &demo project",
            window.open_demo,
            tip="A fictional borough with offences, boundaries and context tables to try",
        ),
        "about": _action(window, "&About Hotspot", window.show_about),
        "verify": _action(
            window,
            "&Verify with PySAL",
            window.verify_with_pysal,
            tip="Recompute the Gi* and correlation results with PySAL (esda) and show the "
            "largest difference; esda compiles on first use (about 15 s)",
        ),
    }
    acts["map_only"] = QAction("&Map only", window, checkable=True)
    acts["map_only"].setShortcut(QKeySequence("F11"))
    acts["map_only"].setIconText("Map only")
    tip = "Hide the panels to give the map the whole window (F11 brings them back)"
    acts["map_only"].setStatusTip(tip)
    acts["map_only"].setToolTip(f"{tip} [F11]")
    acts["map_only"].toggled.connect(window.set_map_only)
    acts["all_panels"] = _action(
        window,
        "Show &all panels",
        window.show_all_panels,
        tip="Bring back every panel at its usual place",
    )
    acts["osm"] = QAction("&OpenStreetMap basemap", window, checkable=True)
    acts["osm"].setObjectName("osm")
    tip = "Show OpenStreetMap under the layers (needs the internet)"
    acts["osm"].setStatusTip(tip)
    acts["osm"].setToolTip(tip)
    acts["osm"].setIconText("Basemap")
    acts["osm"].toggled.connect(window.set_osm_basemap)
    for key, act in acts.items():
        act.setObjectName(key)  # for tests and automation: the key of ``acts``
        act.setIcon(icon(key))
    for key, short in (
        ("new", "New"),
        ("open", "Open"),
        ("save", "Save"),
        ("add_offences", "Offences"),
        ("add_areas", "Boundaries"),
        ("add_context", "Context"),
        ("export", "Export"),
    ):
        acts[key].setIconText(short)  # the toolbar's text; menus keep the full text

    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    for key in ("new", "open"):
        file_menu.addAction(acts[key])
    window.recent_menu = file_menu.addMenu("Open &recent")
    window.recent_menu.aboutToShow.connect(window.fill_recent_menu)
    for key in ("save", "save_as"):
        file_menu.addAction(acts[key])
    file_menu.addSeparator()
    for key in ("add_offences", "add_offences_folder", "add_areas", "add_context", "add_reference"):
        file_menu.addAction(acts[key])
    file_menu.addSeparator()
    file_menu.addAction(acts["export"])
    file_menu.addSeparator()
    file_menu.addAction(acts["quit"])

    analysis_menu = bar.addMenu("&Analysis")
    analysis_menu.addAction(acts["verify"])

    view_menu = bar.addMenu("&View")
    view_menu.addAction(acts["osm"])
    view_menu.addSeparator()
    view_menu.addAction(acts["map_only"])
    for dock in window.docks.values():
        view_menu.addAction(dock.toggleViewAction())  # a closed panel comes back from here
    view_menu.addAction(acts["all_panels"])

    help_menu = bar.addMenu("&Help")
    help_menu.addAction(acts["methods"])
    help_menu.addAction(acts["demo"])
    help_menu.addSeparator()
    help_menu.addAction(acts["about"])

    tools = window.addToolBar("Main")
    tools.setObjectName("mainToolbar")
    tools.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    tools.setIconSize(QSize(18, 18))  # one slim row: the height goes to the map
    for key in ("new", "open", "save", None, "add_offences", "add_areas", "add_context", None):
        if key is None:
            tools.addSeparator()
        else:
            tools.addAction(acts[key])
    tools.addAction(acts["export"])
    tools.addAction(acts["osm"])
    tools.addAction(acts["map_only"])
    return acts
