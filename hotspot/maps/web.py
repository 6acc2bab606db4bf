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

Text is text: every value that reaches the page from data or the user (names,
codes, categories, labels, legend entries, layer names, the title) is shown as the
characters it holds, never read as HTML: tooltips are built with ``textContent``,
the rest is HTML-escaped, and data embedded in scripts is JSON with ``<``, ``>``
and ``&`` escaped (so ``</script>`` in a name cannot end a script).

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
from urllib.parse import urlsplit

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
FOLD_LEGEND_BELOW = (560, 420)
"""A map narrower or lower than this (CSS pixels) opens with its legend folded."""
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
    shapes = folium.GeoJson(
        data,
        name=_html.escape(layer.name),
        style_function=_style_function(float(layer.opacity)),
        highlight_function=lambda f: {"weight": 3, "color": "#000000", "opacity": 1.0},
        control=False,
    )
    if fields:
        shapes.add_child(_TextTooltip(fields))
    shapes.add_to(group)
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


class _TextTooltip(MacroElement):
    """A feature's tooltip: a table of (alias, value) rows, every cell set as text.

    folium's GeoJsonTooltip writes the properties into the tooltip as HTML, so a
    ward called ``<img src=x onerror=...>`` would run its script on hover. Here
    each cell is filled with ``textContent``: whatever a name holds is shown as
    the characters it is.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.bindTooltip(function (layer) {
            var fields = {{ this.fields|tojson }};
            var aliases = {{ this.aliases|tojson }};
            var props = (layer.feature && layer.feature.properties) || {};
            var table = document.createElement("table");
            for (var i = 0; i < fields.length; i++) {
                var value = props[fields[i]];
                var row = table.insertRow();
                var th = document.createElement("th");
                th.textContent = aliases[i];
                var td = document.createElement("td");
                td.textContent = (value === null || value === undefined) ? "" : String(value);
                row.appendChild(th);
                row.appendChild(td);
            }
            var div = document.createElement("div");
            div.appendChild(table);
            return div;
        }, {sticky: true, className: "foliumtooltip"});
        {% endmacro %}
        """
    )

    def __init__(self, fields: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        self._name = "HotspotTooltip"
        self.fields = [str(f) for f, _ in fields]
        self.aliases = [str(a) for _, a in fields]


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
    if (row[2]) { var t = document.createElement("span"); t.textContent = row[2]; m.bindTooltip(t); }
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
          .hotspot-legend { background: rgba(255,255,255,0.92); padding: 5px 8px;
            font: 11px/1.3 sans-serif; border-radius: 4px; box-shadow: 0 1px 4px #0004;
            max-height: 55vh; overflow-y: auto; max-width: 240px; }
          .hotspot-legend .lg-toggle { font-weight: bold; cursor: pointer; user-select: none;
            display: block; color: #222; text-decoration: none; }
          .hotspot-legend .lg-toggle::after { content: " ▾"; }
          .hotspot-legend.collapsed .lg-toggle::after { content: " ▸"; }
          .hotspot-legend.collapsed .lg-body { display: none; }
          .hotspot-legend .lg-heading { color: #444; margin: 2px 0 4px 0; }
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
            div.innerHTML = '<a class="lg-toggle" href="#" title="Show or hide the legend">'
              + 'Legend</a><div class="lg-body">' + {{ this.html|tojson }} + '</div>';
            L.DomEvent.disableScrollPropagation(div);
            L.DomEvent.disableClickPropagation(div);
            div.querySelector(".lg-toggle").addEventListener("click", function (e) {
              e.preventDefault();
              div.classList.toggle("collapsed");
            });
            // a small map starts with the legend folded, so it never hides the area
            var size = map.getSize();
            if (size.y < {{ this.fold_below[1] }} || size.x < {{ this.fold_below[0] }}) {
              div.classList.add("collapsed");
            }
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

    def __init__(self, items: list[tuple[str, Legend, bool]], heading: str = "") -> None:
        super().__init__()
        self._name = "HotspotLegends"
        self.fold_below = FOLD_LEGEND_BELOW
        parts, self.blocks = [], {}
        if heading:
            parts.append(f'<div class="lg-heading">{_html.escape(heading)}</div>')
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
          .leaflet-control-attribution { max-width: 70vw; white-space: nowrap;
            overflow: hidden; text-overflow: ellipsis; }
          .leaflet-control-attribution.open { white-space: normal; }
          .hs-attr-full { display: none; }
          .leaflet-control-attribution.open .hs-attr-full { display: inline; }
          .leaflet-control-attribution.open .hs-attr-short { display: none; }
          .hs-attr-toggle { cursor: pointer; }
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
          // one short line; a click shows the full attributions (and folds them again)
          var box = map.attributionControl.getContainer();
          box.addEventListener("click", function (e) {
            if (!e.target.closest(".hs-attr-toggle")) { return; }
            e.preventDefault();
            box.classList.toggle("open");
          });
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
        short = style.attribution_short(attributions)
        self.attributions = (
            [
                f'<a class="hs-attr-toggle" href="#" title="Show the full attributions">'
                f'<span class="hs-attr-short">{e(short)} \u25b8</span>'
                f'<span class="hs-attr-full">{e(joined)} \u25c2</span></a>'
            ]
            if joined
            else []
        )


class _Fit(MacroElement):
    """Open on the study area, clear of the map's controls and legend.

    Of the ways to keep the controls' corners free (a strip on the right, or strips at
    the top and bottom) the page takes the one that shows the area largest, so the
    legend never covers it. ``window.hotspotBounds`` holds the area for checking,
    ``window.hotspotFit()`` fits it again and ``window.hotspotFitted`` is the view it
    chose (centre and zoom); ``window.hotspotMoved`` says whether the user has moved
    the map since. Until the user moves it, the page fits again whenever the map
    changes size (the window maximised, a panel closed) and once it has finished loading.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
          var map = {{ this._parent.get_name() }};
          var area = L.latLngBounds({{ this.bounds|tojson }});
          window.hotspotBounds = area;
          function corner(sel) {
            var el = map.getContainer().querySelector(sel), w = 0, h = 0;
            if (!el) { return {w: 0, h: 0}; }
            el.querySelectorAll(":scope > .leaflet-control").forEach(function (c) {
              var r = c.getBoundingClientRect();
              if (!r.width || !r.height) { return; }
              w = Math.max(w, r.width + 10);
              h += r.height + 10;
            });
            return {w: w, h: h};
          }
          function fit() {
            var tl = corner(".leaflet-top.leaflet-left"), tr = corner(".leaflet-top.leaflet-right");
            var bl = corner(".leaflet-bottom.leaflet-left");
            var br = corner(".leaflet-bottom.leaflet-right");
            var right = Math.max(tr.w, br.w), top = Math.max(tl.h, tr.h);
            var bottom = Math.max(bl.h, br.h), m = 6;
            var ways = [
              [[m, tl.h + m], [right + m, bl.h + m]],
              [[tl.w + m, m], [right + m, bl.h + m]],
              [[m, top + m], [m, bottom + m]]
            ];
            var best = null, zoom = -Infinity;
            ways.forEach(function (w) {
              var z = map.getBoundsZoom(area, false, L.point(w[0]).add(L.point(w[1])));
              if (z > zoom) { zoom = z; best = w; }
            });
            map.fitBounds(area, {paddingTopLeft: best[0], paddingBottomRight: best[1],
                                 animate: false});
            var c = map.getCenter();
            window.hotspotFitted = [c.lat, c.lng, map.getZoom()];
          }
          // the user's own moves (a drag, a zoom) start a move that no fit started
          var fitting = false;
          window.hotspotMoved = false;
          map.on("movestart zoomstart", function () {
            if (!fitting) { window.hotspotMoved = true; }
          });
          function refit() {
            if (window.hotspotMoved) { return; }
            fitting = true;
            try { fit(); } finally { fitting = false; }
          }
          window.hotspotFit = fit;
          refit();
          // the window or the browser changed size, or the page finished laying out
          // (fonts, legend): fit again unless the user has moved the map meanwhile
          map.on("resize", refit);
          window.addEventListener("load", refit);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, bounds: list[list[float]]) -> None:
        super().__init__()
        self._name = "HotspotFit"
        self.bounds = bounds


def build_map(
    layers: Sequence[MapLayer],
    *,
    basemap: str = "none",
    title: str | None = None,
    subtitle: str | None = None,
    attributions: Sequence[str] | None = None,
    bounds: tuple[float, float, float, float] | None = None,
    collapsed_control: bool = False,
    compact: bool = False,
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
    compact : bool
        For a map inside a window: no title box (the subtitle heads the legend
        instead), so the area has the room.

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
        # Leaflet's layer control shows names as HTML: give it the name as text
        label = _html.escape(layer.name)
        group = folium.FeatureGroup(name=label, show=layer.visible, overlay=True)
        if layer.kind == "points":
            _add_points(group, layer)
        elif layer.kind == "raster":
            _add_raster(group, layer)
        else:
            _add_vector(group, layer)
        group.add_to(m)
        lg = layer.legend()
        if lg is not None:
            legends.append((label, lg, layer.visible))
    if legends:
        m.add_child(_Legends(legends, heading=(subtitle or "") if compact else ""))
    attr = (
        list(attributions) if attributions is not None else style.attribution_lines(basemap="none")
    )
    if compact:
        title = subtitle = None
    m.add_child(_PageExtras(title, subtitle, attr, BACKGROUND))
    folium.LayerControl(collapsed=collapsed_control, position="topright").add_to(m)
    box = bounds or layers_bounds(list(layers))
    if box is not None:
        from pyproj import Transformer

        to_ll = Transformer.from_crs(27700, 4326, always_xy=True)
        lon0, lat0 = to_ll.transform(box[0], box[1])
        lon1, lat1 = to_ll.transform(box[2], box[3])
        m.fit_bounds([[lat0, lon0], [lat1, lon1]])  # at once; refined when the controls exist
        m.add_child(_Fit([[lat0, lon0], [lat1, lon1]]))
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


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def content_policy(m: folium.Map, *, inline: bool = True) -> str:
    """The page's content security policy: its own code, and tiles of its basemap only.

    The browser (or the window's web view) then refuses every other request a page
    might make: no script, image, font or connection to any other address, so nothing
    on the page can send data anywhere, even if a name got past the escaping.

    Examples
    --------
    >>> m = build_map([], basemap="osm")
    >>> content_policy(m).split("; ")[3]
    'img-src data: https://tile.openstreetmap.org'
    >>> content_policy(build_map([])).split("; ")[3]
    'img-src data:'
    """
    tiles = sorted({_origin(el.tiles) for el in _walk(m) if isinstance(el, folium.TileLayer)})
    local = "" if inline else " file:"
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src 'unsafe-inline'{local}",
            f"style-src 'unsafe-inline'{local}",
            " ".join(["img-src data:", *tiles]),
            "font-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )


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
    policy = _html.escape(content_policy(m, inline=inline), quote=True)
    parts = [f'<meta http-equiv="Content-Security-Policy" content="{policy}"/>']
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
