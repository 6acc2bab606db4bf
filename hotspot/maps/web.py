"""Interactive maps (folium/Leaflet) that work with no network.

Usage (the window's map view, ``hotspot run`` and the Export dialog)::

    from hotspot.maps import layers as L, web
    m = web.build_map(
        [L.DensitySurface(kde), L.GiStarCells(gistar, visible=False), L.AreaBoundaries(wards)],
        basemap="none",                       # or "osm" (tiles fetched from OpenStreetMap)
        title="Serious violence, 12 months to October 2024",
    )
    html = web.render_html(m)                 # one self-contained HTML page
    web.write_html(m, "map.html", overwrite=False)   # atomic; ExportError if it exists

Layers are drawn in the order given (the first at the bottom); put boundaries last so
they stay on top. Every layer appears in the layer control under its ``name``, shown
when ``visible`` is true; its legend is drawn in the lower right corner and follows
the layer's visibility. Hovering a feature shows its tooltip fields.

Offline: :func:`render_html` replaces folium's CDN links (Leaflet, jQuery, Bootstrap,
Font Awesome, awesome-markers, markercluster) by the copies of Leaflet and
leaflet.markercluster kept in ``resources/web`` (their CSS images inlined as data
URIs); jQuery, Bootstrap and the icon fonts are not needed by Hotspot's maps and are
dropped. With ``inline=True`` (default) the page contains everything; with
``inline=False`` it refers to the files in ``resources/web`` by ``file://`` URL (a
smaller page for the window, which loads it from a temporary file). The only
network address left in a page is the OpenStreetMap tile URL when ``basemap="osm"``.
A folium element that needs any other remote script raises :class:`ExportError`.
"""

from __future__ import annotations

import base64
import html as _html
import io
import json
import os
import re
from collections.abc import Sequence
from importlib import resources as _resources
from pathlib import Path

import folium
import numpy as np
from branca.element import Element, Figure, MacroElement
from jinja2 import Template

from hotspot.core.atomic import atomic_write_text
from hotspot.core.errors import ExportError, HotspotError
from hotspot.maps import style
from hotspot.maps.layers import MapLayer, layers_bounds
from hotspot.maps.style import Legend

BASEMAPS = ("none", "osm")
ASSET_VERSIONS = {"leaflet": "1.9.4", "leaflet.markercluster": "1.5.3"}
BACKGROUND = "#f4f3ef"
OSM_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)

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


# --------------------------------------------------------------------------- building


def _to_lonlat(gdf):
    import shapely

    out = gdf.to_crs(4326)
    out["geometry"] = shapely.set_precision(out.geometry.values, 1e-6)
    return out


def _geojson(gdf, keep: Sequence[str]) -> dict:
    cols = [c for c in keep if c in gdf.columns]
    data = json.loads(gdf[[*cols, "geometry"]].to_json(drop_id=True))
    return data


def _style_function(opacity: float):
    def fn(feature):
        p = feature["properties"]
        fill = p.get("_fill")
        return {
            "fillColor": fill or "#000000",
            "fillOpacity": float(p.get("_fill_opacity", 0.0)) if fill else 0.0,
            "color": p.get("_stroke") or "#000000",
            "weight": float(p.get("_stroke_width", 0.0)) if p.get("_stroke") else 0.0,
            "opacity": opacity if p.get("_stroke") else 0.0,
        }

    return fn


def _add_vector(group: folium.FeatureGroup, layer: MapLayer) -> None:
    gdf = layer.features()
    if gdf.empty:
        return
    fields = layer.tooltip()
    keep = ["_fill", "_fill_opacity", "_stroke", "_stroke_width", *[f for f, _ in fields]]
    data = _geojson(_to_lonlat(gdf), keep)
    tooltip = (
        folium.GeoJsonTooltip(
            fields=[f for f, _ in fields], aliases=[a for _, a in fields], sticky=True
        )
        if fields
        else None
    )
    folium.GeoJson(
        data,
        name=layer.name,
        style_function=_style_function(float(layer.opacity)),
        highlight_function=lambda f: {"weight": 3, "color": "#000000", "opacity": 1.0},
        tooltip=tooltip,
        control=False,
    ).add_to(group)
    labels = layer.labels()
    if labels:
        from pyproj import Transformer

        to_ll = Transformer.from_crs(27700, 4326, always_xy=True)
        css = getattr(layer, "label_class", "hotspot-label")
        for x, y, text in labels:
            lon, lat = to_ll.transform(x, y)
            folium.Marker(
                [lat, lon],
                icon=folium.DivIcon(
                    html=f'<div class="{css}">{_html.escape(text)}</div>',
                    icon_size=(0, 0),
                    icon_anchor=(0, 0),
                    class_name="hotspot-label-icon",
                ),
                interactive=False,
            ).add_to(group)


def _png_data_url(rgba: np.ndarray) -> str:
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(rgba, mode="RGBA").save(buf, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _add_raster(group: folium.FeatureGroup, layer) -> None:
    rgba, ((south, west), (north, east)) = layer.to_web_mercator()
    folium.raster_layers.ImageOverlay(
        image=_png_data_url(rgba),
        bounds=[[south, west], [north, east]],
        opacity=float(layer.opacity),
        interactive=False,
        cross_origin=False,
        class_name="hotspot-raster",
    ).add_to(group)


_POINT_CALLBACK = """function (row) {
    var m = L.circleMarker(new L.LatLng(row[0], row[1]),
        {radius: 4, color: %(c)s, weight: 1, fillColor: %(c)s, fillOpacity: 0.8});
    if (row[2]) { m.bindTooltip(row[2]); }
    return m;
}"""


def _add_points(group: folium.FeatureGroup, layer) -> None:
    from folium.plugins import FastMarkerCluster

    gdf = _to_lonlat(layer.features())
    text = [
        " · ".join(v for v in (c, mo) if v)
        for c, mo in zip(gdf["tt_category"], gdf["tt_month"], strict=True)
    ]
    data = [[round(p.y, 6), round(p.x, 6), t] for p, t in zip(gdf.geometry, text, strict=True)]
    FastMarkerCluster(
        data,
        callback=_POINT_CALLBACK % {"c": json.dumps(layer.colour)},
        control=False,
        disableClusteringAtZoom=int(layer.single_from_zoom),
        spiderfyOnMaxZoom=False,
        chunkedLoading=True,
    ).add_to(group)


class _Legends(MacroElement):
    """Legends of every layer, bottom right; each follows its layer's visibility."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
          .hotspot-legend { background: rgba(255,255,255,0.92); padding: 6px 8px;
            font: 12px/1.35 sans-serif; border-radius: 4px; box-shadow: 0 1px 4px #0004;
            max-height: 60vh; overflow-y: auto; max-width: 300px; }
          .hotspot-legend .lg-block { margin: 2px 0 6px 0; }
          .hotspot-legend .lg-title { font-weight: bold; margin-bottom: 2px; }
          .hotspot-legend .lg-row { display: flex; align-items: center; gap: 6px; }
          .hotspot-legend .lg-sw { width: 14px; height: 12px; flex: none;
            border: 1px solid #0003; }
          .hotspot-legend .lg-line { width: 14px; height: 0; flex: none;
            border-top: 2px solid; }
          .hotspot-legend .lg-pt { width: 8px; height: 8px; border-radius: 50%; flex: none;
            margin: 0 3px; }
          .hotspot-legend .lg-note { color: #444; font-size: 11px; margin-top: 2px; }
          .hotspot-legend table.lg-grid { border-collapse: collapse; }
          .hotspot-legend table.lg-grid td { width: 16px; height: 16px; padding: 0; }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function() {
          var map = {{ this._parent.get_name() }};
          var legend = L.control({position: "bottomright"});
          legend.onAdd = function () {
            var div = L.DomUtil.create("div", "hotspot-legend");
            div.innerHTML = {{ this.html|tojson }};
            L.DomEvent.disableScrollPropagation(div);
            return div;
          };
          legend.addTo(map);
          var blocks = {{ this.blocks|tojson }};
          function show(name, on) {
            var id = blocks[name];
            if (id === undefined) { return; }
            var el = document.getElementById(id);
            if (el) { el.style.display = on ? "" : "none"; }
          }
          map.on("overlayadd", function (e) { show(e.name, true); });
          map.on("overlayremove", function (e) { show(e.name, false); });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, items: list[tuple[str, Legend, bool]]) -> None:
        super().__init__()
        self._name = "HotspotLegends"
        parts, self.blocks = [], {}
        for i, (layer_name, legend, visible) in enumerate(items):
            block_id = f"hotspot-legend-{i}"
            self.blocks[layer_name] = block_id
            parts.append(_legend_html(legend, block_id, visible))
        self.html = "".join(parts)


def _legend_html(legend: Legend, block_id: str, visible: bool) -> str:
    e = _html.escape
    out = [
        f'<div class="lg-block" id="{block_id}"'
        + ("" if visible else ' style="display:none"')
        + f'><div class="lg-title">{e(legend.title)}</div>'
    ]
    if legend.grid:
        n = legend.grid
        rows = []
        for j in range(n - 1, -1, -1):
            cells = "".join(
                f'<td style="background:{legend.entries[j * n + i].colour}"></td>' for i in range(n)
            )
            rows.append(f"<tr>{cells}</tr>")
        out.append(
            f'<div class="lg-row"><span>{e(legend.y_label)} &uarr;</span>'
            f'<table class="lg-grid">{"".join(rows)}</table></div>'
            f"<div>{e(legend.x_label)} &rarr;</div>"
        )
    else:
        for entry in legend.entries:
            if entry.kind == "line":
                sw = f'<span class="lg-line" style="border-color:{entry.colour}"></span>'
            elif entry.kind == "point":
                sw = f'<span class="lg-pt" style="background:{entry.colour}"></span>'
            else:
                sw = f'<span class="lg-sw" style="background:{entry.colour}"></span>'
            out.append(f'<div class="lg-row">{sw}<span>{e(entry.label)}</span></div>')
    if legend.note:
        out.append(f'<div class="lg-note">{e(legend.note)}</div>')
    out.append("</div>")
    return "".join(out)


class _PageExtras(MacroElement):
    """Title box, label style, plain background and the data attributions."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
          .leaflet-container { background: {{ this.background }}; }
          .leaflet-control-attribution { max-width: 60vw; white-space: normal; }
          .hotspot-label { transform: translate(-50%, -50%); white-space: nowrap;
            font: 600 11px sans-serif; color: #222; pointer-events: none;
            text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 2px #fff; }
          .hotspot-label-icon { background: none; border: none; }
          .hotspot-zone-label { transform: translate(-50%, -50%); font: 700 11px sans-serif;
            color: #111; background: #fff; border: 1.5px solid #111; border-radius: 50%;
            min-width: 16px; height: 16px; line-height: 16px; text-align: center;
            pointer-events: none; }
          .hotspot-area-label { transform: translate(-50%, -50%); white-space: nowrap;
            font: italic 600 11px sans-serif; color: #2c7fb8; pointer-events: none;
            text-shadow: 0 0 3px #fff, 0 0 3px #fff; }
          .hotspot-raster { image-rendering: pixelated; image-rendering: crisp-edges; }
          .hotspot-title { background: rgba(255,255,255,0.92); padding: 6px 10px;
            font: 14px/1.3 sans-serif; border-radius: 4px; box-shadow: 0 1px 4px #0004;
            max-width: 50vw; }
          .hotspot-title .sub { font-size: 12px; color: #444; }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function() {
          var map = {{ this._parent.get_name() }};
          {% if this.title_html %}
          var title = L.control({position: "topright"});
          title.onAdd = function () {
            var div = L.DomUtil.create("div", "hotspot-title");
            div.innerHTML = {{ this.title_html|tojson }};
            return div;
          };
          title.addTo(map);
          {% endif %}
          {% for text in this.attributions %}
          map.attributionControl.addAttribution({{ text|tojson }});
          {% endfor %}
        })();
        {% endmacro %}
        """
    )

    def __init__(self, title: str | None, subtitle: str | None, attributions, background):
        super().__init__()
        self._name = "HotspotPage"
        self.background = background
        e = _html.escape
        parts = []
        if title:
            parts.append(f"<b>{e(title)}</b>")
        if subtitle:
            parts.append(f'<div class="sub">{e(subtitle)}</div>')
        self.title_html = "".join(parts)
        # one entry: Leaflet would join several with commas after their full stops
        joined = " · ".join(a.strip().rstrip(".") for a in attributions if a.strip())
        self.attributions = [e(joined)] if joined else []


def build_map(
    layers: Sequence[MapLayer],
    *,
    basemap: str = "none",
    title: str | None = None,
    subtitle: str | None = None,
    attributions: Sequence[str] | None = None,
    bounds: tuple[float, float, float, float] | None = None,
    collapsed_control: bool = False,
) -> folium.Map:
    """Build an interactive map of ``layers``.

    Parameters
    ----------
    layers : sequence of MapLayer
        Drawn in order (first at the bottom). Each becomes an entry of the layer
        control, shown when ``layer.visible``.
    basemap : {"none", "osm"}
        "none" (default) draws on a plain background and needs no network;
        "osm" adds OpenStreetMap tiles (fetched from the internet when viewed) with
        their attribution.
    title, subtitle : str, optional
        Shown in a box at the top right.
    attributions : sequence of str, optional
        Data attributions for the attribution bar; default the Open Government
        Licence, OS copyright and police.uk lines of :func:`style.attribution_lines`.
    bounds : tuple, optional
        (xmin, ymin, xmax, ymax) in EPSG:27700 to open on; default all layers.
    collapsed_control : bool
        Collapse the layer control into an icon.

    Returns
    -------
    folium.Map
        Render it with :func:`render_html` (not ``Map.save``, which links CDNs).

    Raises
    ------
    HotspotError
        When ``basemap`` is unknown.
    """
    if basemap not in BASEMAPS:
        raise HotspotError(f"basemap {basemap!r} is not known; use one of {', '.join(BASEMAPS)}")
    m = folium.Map(
        location=[51.5, -0.1],
        zoom_start=12,
        tiles=None,
        control_scale=True,
        maxZoom=19,
        minZoom=5,
        zoomSnap=0.25,
    )
    if basemap == "osm":
        folium.TileLayer(
            tiles=OSM_URL,
            attr=OSM_ATTRIBUTION,
            name="OpenStreetMap",
            max_zoom=19,
            overlay=False,
            control=True,
        ).add_to(m)
    legends: list[tuple[str, Legend, bool]] = []
    for layer in layers:
        light = getattr(layer, "for_web", None)
        if light is not None:  # large reference layers send a lighter copy
            layer = light()
        group = folium.FeatureGroup(name=layer.name, show=layer.visible, overlay=True)
        if layer.kind == "points":
            _add_points(group, layer)
        elif layer.kind == "raster":
            _add_raster(group, layer)
        else:
            _add_vector(group, layer)
        group.add_to(m)
        lg = layer.legend()
        if lg is not None:
            legends.append((layer.name, lg, layer.visible))
    if legends:
        m.add_child(_Legends(legends))
    attr = (
        list(attributions) if attributions is not None else style.attribution_lines(basemap="none")
    )
    m.add_child(_PageExtras(title, subtitle, attr, BACKGROUND))
    folium.LayerControl(collapsed=collapsed_control, position="topright").add_to(m)
    box = bounds or layers_bounds(list(layers))
    if box is not None:
        from pyproj import Transformer

        to_ll = Transformer.from_crs(27700, 4326, always_xy=True)
        lon0, lat0 = to_ll.transform(box[0], box[1])
        lon1, lat1 = to_ll.transform(box[2], box[3])
        m.fit_bounds([[lat0, lon0], [lat1, lon1]])
    return m


# --------------------------------------------------------------------------- rendering


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


def render_html(m: folium.Map, *, inline: bool = True) -> str:
    """Render a map to one HTML page with no CDN reference.

    Parameters
    ----------
    m : folium.Map
        Usually from :func:`build_map`. Its elements' CDN links are removed (the
        map object is changed; render it again freely).
    inline : bool
        True (default): Leaflet's JavaScript and CSS (with its images) are inlined,
        so the page is a single file that works anywhere with no network.
        False: the page links the files in ``resources/web`` by ``file://`` URL.

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
    parts = []
    for name in css_names:
        rel = _CSS_ASSETS[name]
        if inline:
            parts.append(f"<style>{_inline_css(rel)}</style>")
        else:
            parts.append(f'<link rel="stylesheet" href="{(web_assets_dir() / rel).as_uri()}"/>')
    for name in js_names:
        rel = _JS_ASSETS[name]
        if inline:
            code = _SOURCE_MAP.sub("", _read_asset(rel)).replace("</script", "<\\/script")
            parts.append(f"<script>{code}</script>")
        else:
            parts.append(f'<script src="{(web_assets_dir() / rel).as_uri()}"></script>')
    # Insert at the top of the header so the map's own script runs after Leaflet loads.
    fig.header._children.pop("hotspot_assets", None)
    fig.header.add_child(Element("\n".join(parts)), name="hotspot_assets", index=0)
    return fig.render()


def write_html(
    m: folium.Map, path: str | os.PathLike, *, overwrite: bool = False, inline: bool = True
) -> Path:
    """Write the map as a self-contained HTML file, atomically.

    Raises
    ------
    ExportError
        When the file exists and ``overwrite`` is false, or the folder is missing.
    """
    text = render_html(m, inline=inline)
    return atomic_write_text(path, text, overwrite=overwrite)


__all__ = [
    "ASSET_VERSIONS",
    "BASEMAPS",
    "build_map",
    "render_html",
    "web_assets_dir",
    "write_html",
]
