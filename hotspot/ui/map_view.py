"""The map: a QWebEngineView showing the Leaflet page built by :mod:`hotspot.maps.web`.

The page is built off the GUI thread (:func:`build_page`) and loaded from a
temporary file (``setHtml`` refuses pages over 2 MB). Leaflet comes from the
project's own files, inlined in the page, so the map works with no network; the OpenStreetMap basemap
is a switch, and the page may fetch nothing but its tiles (its content security policy,
:func:`hotspot.maps.web_html.content_policy`).
When a new page replaces the old one the view (centre and zoom) is kept if the user
moved the map; otherwise the new page fits the area again, clear of its legend.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTemporaryDir, QUrl, Signal
from PySide6.QtWidgets import QLabel, QStackedLayout, QWidget

from hotspot import __version__
from hotspot.core.progress import NO_PROGRESS, Progress

log = logging.getLogger(__name__)
ZOOM = 0.8  # the page's controls and legends at the size of the window's own text
USER_AGENT = f"Hotspot/{__version__} (desktop GIS for community safety; QtWebEngine)"
"""How the window names itself to a tile server (OpenStreetMap's tile policy asks for it)."""

FIND_MAP_JS = (
    "(function(){for (const k of Object.keys(window)) {"
    "if (k.startsWith('map_') && window.L && window[k] instanceof L.Map) return window[k];}"
    "return null;})()"
)
"""JavaScript giving the page's Leaflet map (folium names it ``map_<id>``), or null."""
# the view to keep: null when the user has not moved since the page fitted the area (the
# next page then fits again, clear of its own, perhaps larger, legend)
GET_VIEW = (
    f"(function(){{const m={FIND_MAP_JS}; if(!m || window.hotspotMoved === false) return null;"
)
GET_VIEW += " const c=m.getCenter(), f=window.hotspotFitted;"
GET_VIEW += " if(f && Math.abs(f[0]-c.lat)<1e-9 && Math.abs(f[1]-c.lng)<1e-9 && f[2]===m.getZoom())"
GET_VIEW += " return null; return [c.lat, c.lng, m.getZoom()];})()"


def build_page(
    layers: Sequence[Any],
    basemap: str = "none",
    *,
    title: str | None = None,
    subtitle: str | None = None,
    bounds: tuple[float, float, float, float] | None = None,
    attributions: Sequence[str] | None = None,
    progress: Progress = NO_PROGRESS,
) -> str:
    """Render the map page for ``layers`` (bottom first). Runs on a worker thread.

    Parameters
    ----------
    layers : sequence of hotspot.maps.layers.MapLayer
        Drawn in order, the first at the bottom.
    basemap : {"none", "osm"}
        OpenStreetMap tiles need the network; "none" keeps everything local.
    title, subtitle : str, optional
        The window's map has no title box (the window's title says it): the subtitle
        heads the legend.
    bounds : tuple, optional
        (xmin, ymin, xmax, ymax) in EPSG:27700 to frame instead of every layer (boundaries
        that reach far beyond the offences).
    attributions : sequence of str, optional
        The data attributions (:func:`hotspot.pipeline.map_attributions`, the same
        lines as the print maps), shown as one short line that opens on a click.

    Returns
    -------
    str
        The HTML of a Leaflet page that refers to Hotspot's local copy of Leaflet.
    """
    from hotspot.maps import web, web_html

    progress.update(0.1, "Drawing the map")
    m = web.build_map(
        list(layers),
        basemap=basemap,
        title=title,
        subtitle=subtitle,
        attributions=attributions,
        collapsed_control=True,
        bounds=bounds,
        compact=True,
    )
    progress.update(0.7, "Drawing the map")
    # Leaflet inlined (render_html always does): a local page allowed to reach tile
    # servers (see MapView) cannot load scripts from other file:// URLs
    return web_html.render_html(m)


class MapView(QWidget):
    """Shows map pages; ``html`` holds the page last loaded (for tests and exports).

    Signals
    -------
    page_loaded(bool)
        Emitted when a page finished loading (True on success); ``loaded_html`` is then
        the HTML of the page on screen.
    """

    page_loaded = Signal(bool)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.html = ""
        self.loaded_html = ""
        self._loading_html = ""
        self.page_path: Path | None = None
        self._counter = itertools.count(1)
        self._tmp = QTemporaryDir()
        self._restore: list | None = None
        self._stack = QStackedLayout(self)
        self.placeholder = QLabel("Add offence data or boundaries to see the map.")
        self.placeholder.setObjectName("mapPlaceholder")
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setMargin(24)
        self._stack.addWidget(self.placeholder)
        self.web = None
        try:
            from PySide6.QtWebEngineWidgets import QWebEngineView
        except ImportError as exc:  # pragma: no cover - QtWebEngine missing
            self.placeholder.setText(f"The map needs QtWebEngine, which is not available: {exc}")
            return
        from PySide6.QtWebEngineCore import QWebEngineSettings

        self.web = QWebEngineView(self)
        self.web.setZoomFactor(ZOOM)
        # a local page may fetch basemap tiles; the page's own content security policy
        # (hotspot.maps.web_html.content_policy) allows the tile server and nothing else
        remote = QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls
        self.web.page().settings().setAttribute(remote, True)
        self.web.page().profile().setHttpUserAgent(USER_AGENT)  # tile servers ask for it
        self.web.loadFinished.connect(self._loaded)
        self._stack.addWidget(self.web)

    def show_html(self, html: str, *, keep_view: bool = True) -> None:
        """Load a page, keeping the current centre and zoom when asked and there is a map."""
        self.html = html
        if self.web is None:
            return
        path = Path(self._tmp.path()) / f"map-{next(self._counter)}.html"
        path.write_text(html, encoding="utf-8")
        old, self.page_path = self.page_path, path
        self._stack.setCurrentWidget(self.web)

        def load(view: Any) -> None:
            if self.web is None:  # the view went (window closing) before the answer came
                return
            self._restore = view if isinstance(view, list) and len(view) == 3 else None
            self._loading_html = html
            self.web.load(QUrl.fromLocalFile(str(path)))
            if old is not None and old != path:
                old.unlink(missing_ok=True)

        if old is None or not keep_view:
            load(None)
        else:
            self._ask_view(load)

    def _ask_view(self, answer: Callable[[Any], None]) -> None:
        """Ask the page which view to keep: ``answer`` gets [lat, lng, zoom] or None."""
        self.web.page().runJavaScript(GET_VIEW, 0, answer)

    def zoom_to(self, bounds: Any) -> None:
        """Fit the map to ``(south, west, north, east)`` in degrees (a zone, a map point)."""
        s, w, n, e = (float(v) for v in bounds)
        self.run_js(
            f"(function(){{const m={FIND_MAP_JS}; if(m) m.fitBounds([[{s},{w}],[{n},{e}]],"
            "{maxZoom: 17});})()"
        )

    def clear(self, message: str = "") -> None:
        """Show the placeholder instead of a map."""
        if message:
            self.placeholder.setText(message)
        self.html = ""
        self.loaded_html = ""
        self._stack.setCurrentWidget(self.placeholder)

    def run_js(self, script: str, callback: Callable[[Any], None] | None = None) -> None:
        """Run JavaScript in the page; ``callback(result)`` gets the value."""
        if self.web is None:
            return
        if callback is None:
            self.web.page().runJavaScript(script, 0)
        else:
            self.web.page().runJavaScript(script, 0, callback)

    def dispose(self) -> None:
        """Delete the web view now (QtWebEngine pages must go before the application)."""
        if self.web is None:
            return
        import shiboken6

        web, self.web = self.web, None
        web.loadFinished.disconnect(self._loaded)
        self._stack.removeWidget(web)
        web.stop()
        shiboken6.delete(web.page())
        shiboken6.delete(web)
        self._stack.setCurrentWidget(self.placeholder)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.dispose()
        super().closeEvent(event)

    def _loaded(self, ok: bool) -> None:
        if ok:
            self.loaded_html = self._loading_html
        if ok and self._restore is not None:
            lat, lng, zoom = self._restore
            self.run_js(
                f"(function(){{const m={FIND_MAP_JS}; if(m) m.setView([{lat},{lng}],{zoom});}})()"
            )
        self._restore = None
        self.page_loaded.emit(ok)
