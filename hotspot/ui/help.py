"""Help pages: Methods (generated from the parameter declarations) and About.

The Methods page pairs a short plain-English description of each analysis with
a table of its parameters built from :func:`hotspot.core.params.specs`, so what the
page says about defaults is always what the code does.
"""

from __future__ import annotations

import html

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from hotspot.core.params import specs
from hotspot.model import SelectionParams
from hotspot.ui.widgets.param_editors import format_value

INTRO = {
    "selection": (
        "Which offences",
        "Every analysis uses the same selection: an offence group (a preset such as Serious "
        "violence, or a group defined in the project) and a period of whole months, by default "
        "the 12 months up to the latest month in the data. The comparison period is the period "
        "of equal length just before it.",
    ),
}

NOTES = [
    (
        "The data and their limits",
        "police.uk publishes each offence at an anonymised map point near where it happened, "
        "not at its exact address, and some rows have no location at all: Hotspot counts both "
        "in the load report and never drops a row without saying so. Many offences share one "
        "map point, so a single busy point (a shopping centre, a station) can make a hot spot "
        "on its own. IMD 2019 and the population estimates use 2011 LSOA codes, SAMHI and "
        "recent boundaries 2021 codes: add the ONS LSOA 2011 to 2021 lookup and Hotspot "
        "carries the values across, reporting every area it had to split or merge.",
    ),
    (
        "Reading the results",
        "Kernel density shows where offences concentrate; Gi* shows where the concentration "
        "is unlikely to be chance. Both count offences, not people at risk: a town centre "
        "with many visitors and few residents has a high count and a very high rate per "
        "resident. Rates per resident suit residential areas; compare several periods before "
        "calling a change real (the change test flags rises and falls unlikely to be chance "
        "at the significance level chosen). A correlation with deprivation describes areas, "
        "not individuals, and does not show that one causes the other.",
    ),
    (
        "Reproducing a result",
        "Save the project: the file records the files, the selection and every parameter, "
        "including the random seed. Export (or 'hotspot run' on the project file) writes the "
        "same numbers the window shows, with the parameters actually used (computed "
        "bandwidth and cell size included) in the GeoPackage and the summary.",
    ),
]

ATTRIBUTIONS = [
    "Offence data: police.uk, Open Government Licence v3.0 (Contains public sector "
    "information licensed under the Open Government Licence v3.0).",
    "Boundaries and lookups: Office for National Statistics, Open Government Licence v3.0. "
    "Contains OS data © Crown copyright and database right.",
    "English Indices of Deprivation 2019: Ministry of Housing, Communities and Local "
    "Government, Open Government Licence v3.0.",
    "Population estimates: Office for National Statistics, Open Government Licence v3.0.",
    "SAMHI: Daras, K. and Barr, B. (2021) Small Area Mental Health Index (SAMHI), "
    "doi:10.17638/datacat.liverpool.ac.uk/1188.",
    "OpenStreetMap basemap (when switched on): © OpenStreetMap contributors.",
    "The demo borough is fictional: its names, boundaries and offences are made up.",
]


def _params_table(cls: type) -> str:
    rows = []
    for s in specs(cls):
        default = format_value(s.default)
        if s.default is None and s.computed:
            default = f"computed: {s.computed}"
        unit = f" ({s.unit})" if s.unit else ""
        rows.append(
            f"<tr><td><b>{html.escape(s.label)}</b>{html.escape(unit)}<br><code>{s.name}</code>"
            f"</td><td>{html.escape(default)}</td><td>{html.escape(s.help)}</td></tr>"
        )
    return (
        "<table border='1' cellspacing='0' cellpadding='4'>"
        "<tr><th>Parameter</th><th>Default</th><th>What it does</th></tr>"
        + "".join(rows)
        + "</table>"
    )


def methods_html() -> str:
    """The Methods page: each analysis in plain English with its parameters and defaults."""
    from hotspot.pipeline.registry import analyses

    title, prose = INTRO["selection"]
    sections = [(title, prose, SelectionParams)]
    sections += [(s.title, s.methods, s.params) for s in analyses()]
    parts = ["<h1>Methods</h1>"]
    for title, prose, cls in sections:
        paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in prose.split("\n") if p)
        parts.append(f"<h2>{html.escape(title)}</h2>{paragraphs}")
        parts.append(_params_table(cls))
    for title, prose in NOTES:
        parts.append(f"<h2>{html.escape(title)}</h2><p>{html.escape(prose)}</p>")
    return "\n".join(parts)


LIBRARIES = ("numpy", "pandas", "scipy", "geopandas", "shapely", "pyproj", "matplotlib", "folium")


def _library_version(name: str) -> str:
    import importlib

    try:
        return str(importlib.import_module(name).__version__)
    except (ImportError, AttributeError):
        return "not installed"


def about_html() -> str:
    """The About page: versions (Hotspot, Qt, GDAL, PROJ ...) and data attributions."""
    from hotspot.core.versions import versions
    from hotspot.ui.qt_versions import qt_versions

    rows = [*versions(qt_versions(web_engine=True)), *((n, _library_version(n)) for n in LIBRARIES)]
    items = "".join(f"<li>{html.escape(n)} {html.escape(v)}</li>" for n, v in rows)
    attributions = "".join(f"<li>{html.escape(a)}</li>" for a in ATTRIBUTIONS)
    return (
        f"<h1>Hotspot {html.escape(rows[0][1])}</h1>"
        "<p>A desktop GIS for community-safety analysts: police.uk offences, hotspots "
        "(kernel density, Getis-Ord Gi*), deprivation and mental-health context, briefing "
        "maps.</p>"
        f"<h3>Versions</h3><ul>{items}</ul>"
        f"<h3>Data attributions</h3><ul>{attributions}</ul>"
    )


class HelpDialog(QDialog):
    """A scrollable page of help text."""

    def __init__(self, title: str, page: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(760, 640)
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        self.browser.setHtml(page)
        layout.addWidget(self.browser)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
