"""A web map rendered to one HTML page that needs no network.

:func:`render_html` replaces folium's CDN links (Leaflet, jQuery, Bootstrap,
Font Awesome, awesome-markers, markercluster) by the copies of Leaflet and
leaflet.markercluster kept in ``resources/web`` (their CSS images inlined as data
URIs); jQuery, Bootstrap and the icon fonts are not needed by Hotspot's maps and are
dropped, and the rest is inlined: the page contains everything (the window loads it
from a temporary file too, as a page allowed to reach tile servers cannot load
scripts from other ``file://`` URLs). The only network address left in a page is the OpenStreetMap tile URL when ``basemap="osm"``;
:func:`content_policy` tells the browser to refuse every other. A folium element that
needs any other remote script raises :class:`ExportError`. :func:`write_html` writes
the page atomically.
"""

from __future__ import annotations

import base64
import html as _html
import os
import re
from importlib import resources as _resources
from pathlib import Path
from urllib.parse import urlsplit

import folium
from branca.element import Element, Figure

from hotspot.core.atomic import atomic_write_text
from hotspot.core.errors import ExportError

ASSET_VERSIONS = {"leaflet": "1.9.4", "leaflet.markercluster": "1.5.3"}

# folium asset name -> file under resources/web (None: not needed, dropped)
_JS_ASSETS: dict[str, str | None] = {
    "leaflet": "leaflet/leaflet.js",
    "markerclusterjs": "leaflet.markercluster/leaflet.markercluster.js",
    "jquery": None,
    "bootstrap": None,
    "awesome_markers": None,
}
_CSS_ASSETS: dict[str, str | None] = {
    "leaflet_css": "leaflet/leaflet.css",
    "markerclustercss": "leaflet.markercluster/MarkerCluster.css",
    "markerclusterdefaultcss": "leaflet.markercluster/MarkerCluster.Default.css",
    "bootstrap_css": None,
    "glyphicons_css": None,
    "awesome_markers_font_css": None,
    "awesome_markers_css": None,
    "awesome_rotate_css": None,
}
_ASSET_ORDER = ("leaflet_css", "markerclustercss", "markerclusterdefaultcss")
_JS_ORDER = ("leaflet", "markerclusterjs")


def web_assets_dir() -> Path:
    """The folder holding the offline Leaflet files (``resources/web``)."""
    return Path(str(_resources.files("hotspot.resources") / "web"))


def _read_asset(rel: str) -> str:
    path = web_assets_dir() / rel
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:  # pragma: no cover - a broken install
        raise ExportError(
            f"{path}: offline web-map file missing; reinstall Hotspot (resources/web)"
        ) from exc


_SOURCE_MAP = re.compile(r"^\s*//# sourceMappingURL=.*$", re.MULTILINE)
_CSS_URL = re.compile(r"url\((['\"]?)(images/[^)'\"]+)\1\)")


def _inline_css(rel: str) -> str:
    css = _read_asset(rel)
    folder = (web_assets_dir() / rel).parent

    def data_url(match: re.Match) -> str:
        img = folder / match.group(2)
        if not img.exists():
            return match.group(0)
        b64 = base64.b64encode(img.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{b64})"

    return _CSS_URL.sub(data_url, css)


def _walk(element):
    yield element
    for child in list(element._children.values()):
        yield from _walk(child)


def _collect_assets(m: folium.Map) -> tuple[list[str], list[str]]:
    """Strip every CDN link from the map's elements; return the local assets they need."""
    js, css = set(getattr(m, "_hotspot_js", ())), set(getattr(m, "_hotspot_css", ()))
    for el in _walk(m):
        for attr, table, found in (
            ("default_js", _JS_ASSETS, js),
            ("default_css", _CSS_ASSETS, css),
        ):
            links = getattr(el, attr, None)
            if not links:
                continue
            for name, url in links:
                if name not in table:
                    raise ExportError(
                        f"the map uses {name!r} ({url}), which has no offline copy in "
                        "resources/web; remove that map element or add the file there"
                    )
                if table[name] is not None:
                    found.add(name)
            setattr(el, attr, [])  # instance attribute: the class keeps its defaults
    m._hotspot_js, m._hotspot_css = js, css  # remembered for a second rendering
    return [n for n in _JS_ORDER if n in js], [n for n in _ASSET_ORDER if n in css]


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def content_policy(m: folium.Map) -> str:
    """The page's content security policy: its own code, and tiles of its basemap only.

    The browser (or the window's web view) then refuses every other request a page
    might make: no script, image, font or connection to any other address, so nothing
    on the page can send data anywhere, even if a name got past the escaping.

    Examples
    --------
    >>> from hotspot.maps.web import build_map
    >>> m = build_map([], basemap="osm")
    >>> content_policy(m).split("; ")[3]
    'img-src data: https://tile.openstreetmap.org'
    >>> content_policy(build_map([])).split("; ")[3]
    'img-src data:'
    """
    tiles = sorted({_origin(el.tiles) for el in _walk(m) if isinstance(el, folium.TileLayer)})
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'unsafe-inline'",
            "style-src 'unsafe-inline'",
            " ".join(["img-src data:", *tiles]),
            "font-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )


def render_html(m: folium.Map) -> str:
    """Render a map to one HTML page with no CDN reference.

    Parameters
    ----------
    m : folium.Map
        Usually from :func:`build_map`. Its elements' CDN links are removed (the
        map object is changed; render it again freely) and Leaflet's JavaScript and
        CSS (with its images) are inlined, so the page works anywhere with no network.

    Returns
    -------
    str
        The HTML page.

    Raises
    ------
    ExportError
        When an element of the map needs a remote script that Hotspot does not
        bundle.
    """
    js_names, css_names = _collect_assets(m)
    fig = m.get_root()
    if not isinstance(fig, Figure):  # pragma: no cover - folium always makes one
        raise ExportError("the map is not attached to a page")
    policy = _html.escape(content_policy(m), quote=True)
    parts = [f'<meta http-equiv="Content-Security-Policy" content="{policy}"/>']
    for name in css_names:
        parts.append(f"<style>{_inline_css(_CSS_ASSETS[name])}</style>")
    for name in js_names:
        code = _SOURCE_MAP.sub("", _read_asset(_JS_ASSETS[name])).replace("</script", "<\\/script")
        parts.append(f"<script>{code}</script>")
    # Insert at the top of the header so the map's own script runs after Leaflet loads.
    fig.header._children.pop("hotspot_assets", None)
    fig.header.add_child(Element("\n".join(parts)), name="hotspot_assets", index=0)
    return fig.render()


def write_html(m: folium.Map, path: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """Write the map as a self-contained HTML file, atomically.

    Raises
    ------
    ExportError
        When the file exists and ``overwrite`` is false, or the folder is missing.
    """
    text = render_html(m)
    return atomic_write_text(path, text, overwrite=overwrite)


__all__ = ["ASSET_VERSIONS", "content_policy", "render_html", "web_assets_dir", "write_html"]
