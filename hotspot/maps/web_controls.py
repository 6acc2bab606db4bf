"""What sits over the web map: legends, the title box, attributions and the opening view.

Legends (bottom right) follow their layer's visibility and fold on a small map; the
title box, label style, plain background and the data attributions are one element;
the map opens on the study area, clear of its controls and legend.
"""

from __future__ import annotations

import html as _html

from branca.element import MacroElement
from jinja2 import Template

from hotspot.maps.attributions import attribution_short
from hotspot.maps.style import Legend

FOLD_LEGEND_BELOW = (560, 420)
"""A map narrower or lower than this (CSS pixels) opens with its legend folded."""


class LegendsControl(MacroElement):
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
            elif entry.kind == "area":  # a pale fill in a dashed outline
                sw = (
                    f'<span class="lg-sw" style="background:{entry.colour}33;'
                    f'border:1px dashed {entry.colour};box-sizing:border-box"></span>'
                )
            else:
                sw = f'<span class="lg-sw" style="background:{entry.colour}"></span>'
            out.append(f'<div class="lg-row">{sw}<span>{e(entry.label)}</span></div>')
    if legend.note:
        out.append(f'<div class="lg-note">{e(legend.note)}</div>')
    out.append("</div>")
    return "".join(out)


class PageExtras(MacroElement):
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
        short = attribution_short(attributions)
        self.attributions = (
            [
                f'<a class="hs-attr-toggle" href="#" title="Show the full attributions">'
                f'<span class="hs-attr-short">{e(short)} \u25b8</span>'
                f'<span class="hs-attr-full">{e(joined)} \u25c2</span></a>'
            ]
            if joined
            else []
        )


class FitStudyArea(MacroElement):
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
