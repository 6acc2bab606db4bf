"""Interactive maps (folium/Leaflet) that work with no network: building the map.

Usage (the window's map view, ``hotspot run`` and the Export dialog)::

    from hotspot.maps import layers as L, web, web_html
    m = web.build_map(
        [L.DensitySurface(kde), L.GiStarCells(gistar, visible=False), L.AreaBoundaries(wards)],
        basemap="none",                       # or "osm" (tiles fetched from OpenStreetMap)
        title="Serious violence, 12 months to October 2024",
    )
    html = web_html.render_html(m)            # one self-contained HTML page
    web_html.write_html(m, "map.html", overwrite=False)   # atomic; ExportError if it exists

Layers are drawn in the order given (the first at the bottom); put boundaries last so
they stay on top. Every layer appears in the layer control under its ``name``, shown
when ``visible`` is true; its legend is drawn in the lower right corner and follows
the layer's visibility (:mod:`hotspot.maps.web_controls`). Hovering a feature shows
its tooltip fields.

Text is text: every value that reaches the page from data or the user (names,
codes, categories, labels, legend entries, layer names, the title) is shown as the
characters it holds, never read as HTML: tooltips are built with ``textContent``,
the rest is HTML-escaped, and data embedded in scripts is JSON with ``<``, ``>``
and ``&`` escaped (so ``</script>`` in a name cannot end a script).

The page is rendered offline by :mod:`hotspot.maps.web_html` (Leaflet from
``resources/web``, no CDN, and a content security policy).
"""

from __future__ import annotations

import base64
import html as _html
import io
import json
from collections.abc import Sequence

import folium
import numpy as np
from branca.element import MacroElement
from jinja2 import Template

from hotspot.core.errors import HotspotError
from hotspot.maps.attributions import attribution_lines
from hotspot.maps.layers import MapLayer, layers_bounds
from hotspot.maps.style import Legend
from hotspot.maps.web_controls import FitStudyArea, LegendsControl, PageExtras

BASEMAPS = ("none", "osm")
BACKGROUND = "#f4f3ef"
OSM_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)


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
        Licence, OS copyright and police.uk lines of :func:`~hotspot.maps.attributions.attribution_lines`.
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
        m.add_child(LegendsControl(legends, heading=(subtitle or "") if compact else ""))
    attr = list(attributions) if attributions is not None else attribution_lines(basemap="none")
    if compact:
        title = subtitle = None
    m.add_child(PageExtras(title, subtitle, attr, BACKGROUND))
    folium.LayerControl(collapsed=collapsed_control, position="topright").add_to(m)
    box = bounds or layers_bounds(list(layers))
    if box is not None:
        from pyproj import Transformer

        to_ll = Transformer.from_crs(27700, 4326, always_xy=True)
        lon0, lat0 = to_ll.transform(box[0], box[1])
        lon1, lat1 = to_ll.transform(box[2], box[3])
        m.fit_bounds([[lat0, lon0], [lat1, lon1]])  # at once; refined when the controls exist
        m.add_child(FitStudyArea([[lat0, lon0], [lat1, lon1]]))
    return m


__all__ = ["BASEMAPS", "OSM_ATTRIBUTION", "OSM_URL", "build_map"]
