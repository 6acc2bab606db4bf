"""Reference layers on maps: roads, places and named areas beneath the results, fully offline.

:class:`ReferenceMap` draws a :class:`~hotspot.model.reference.ReferenceLayer`:

* roads: major roads wider and darker than local streets (by ``rank``); on print maps their
  names run along them at scales where they fit (``annotate_static``: the longest named
  roads first, major roads before minor ones, never overlapping);
* polygons (town centres, beats): a pale fill, a blue outline and their names;
* points (places of interest): small squares.

The web map and the window get a lighter copy (:meth:`ReferenceMap.for_web`): when a layer
holds more vertices than ``WEB_VERTICES`` the least prominent roads are left out and the rest
simplified, and the legend says so, so a national road file never freezes the page.
"""

from __future__ import annotations

import math
import weakref
from dataclasses import KW_ONLY, dataclass, field, replace
from typing import Any

import numpy as np
import shapely

from hotspot.maps.layers.base import MapLayer, as_bng_gdf, label_point
from hotspot.maps.style import Legend, LegendEntry
from hotspot.model.reference import RANKS, ReferenceLayer

ROAD_COLOURS = ("#9a6a2f", "#a8814a", "#8f8f8f", "#a3a3a3", "#bababa", "#cfcfcf")
"""Per rank (motorway .. path): major roads in a muted amber, the rest in greys."""
ROAD_WIDTHS = (2.4, 1.8, 1.2, 0.85, 0.55, 0.35)
AREA_COLOUR = "#2c7fb8"
POINT_COLOUR = "#636363"
WEB_VERTICES = 60_000
"""Vertices a reference layer may send to the web map; beyond, minor roads are left out."""
WEB_SIMPLIFY_M = 4.0
"""Tolerance of the web map's copy of a large layer (a few metres: invisible on screen)."""
LABEL_SIZE = 5.6
OUTLINE_ABOVE = 45
"""How far above its own layer an area's outline is drawn on print maps: over the result and
boundary layers above it (10 apart), under the labels (50 above their layer)."""
MAX_ROAD_LABELS = 40


def reference_map_layer(ref: Any) -> MapLayer:
    """A map layer for a reference layer (a map layer is returned as it is)."""
    return ref if isinstance(ref, MapLayer) else ReferenceMap(ref)


def _compound_path(geoms: np.ndarray) -> Any:
    """Every line of ``geoms`` as one matplotlib path (a MOVETO at the start of each line)."""
    from matplotlib.path import Path as MplPath

    coords, index = shapely.get_coordinates(shapely.get_parts(geoms), return_index=True)
    if not len(coords):
        return None
    codes = np.full(len(coords), MplPath.LINETO, dtype=MplPath.code_type)
    codes[0] = MplPath.MOVETO
    codes[1:][np.diff(index) != 0] = MplPath.MOVETO
    return MplPath(coords, codes)


@dataclass
class ReferenceMap(MapLayer):
    """A reference layer on a map (roads, places, named areas).

    Parameters
    ----------
    reference : ReferenceLayer
        From :func:`hotspot.io.reference.read_reference`.
    """

    reference: Any
    _: KW_ONLY
    name: str = ""
    opacity: float = 1.0
    note: str = ""
    _gdf: Any = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        self.name = self.name or f"Reference: {self.reference.label}"
        gdf = self.reference.gdf
        # the reader's layers are in British National Grid already (to_epsg is slow)
        self._gdf = (
            gdf if isinstance(self.reference, ReferenceLayer) else as_bng_gdf(gdf, self.name)
        )

    @property
    def geometry(self) -> str:
        return str(self.reference.geometry)

    # ---------------------------------------------------------------- shared description

    def features(self):
        gdf = self._gdf
        out = gdf[["geometry"]].copy()
        if self.geometry == "lines":
            rank = gdf["rank"].to_numpy(dtype=int).clip(0, 5)
            out["_fill"] = None
            out["_fill_opacity"] = 0.0
            out["_stroke"] = np.array(ROAD_COLOURS, dtype=object)[rank]
            out["_stroke_width"] = np.array(ROAD_WIDTHS)[rank]
        elif self.geometry == "polygons":
            out["_fill"] = AREA_COLOUR
            out["_fill_opacity"] = 0.08
            out["_stroke"] = AREA_COLOUR
            out["_stroke_width"] = 1.4
        else:
            out["geometry"] = gdf.geometry.buffer(6.0, cap_style="square").values
            out["_fill"] = POINT_COLOUR
            out["_fill_opacity"] = 0.8
            out["_stroke"] = "#ffffff"
            out["_stroke_width"] = 0.4
        out["tt_name"] = gdf["name"].astype(str)
        out["tt_class"] = gdf["kind"].astype(str)
        return out

    def tooltip(self) -> list[tuple[str, str]]:
        return [("tt_name", "Name"), ("tt_class", "Kind")]

    def labels(self) -> list[tuple[float, float, str]]:
        """Names of named areas (roads are named along their lines by the print maps)."""
        if self.geometry != "polygons":
            return []
        out = []
        for geom, name in zip(self._gdf.geometry, self._gdf["name"], strict=True):
            p = label_point(geom) if name else None
            if p is not None:
                out.append((float(p.x), float(p.y), str(name)))
        return out

    label_class = "hotspot-area-label"

    @property
    def label_style(self) -> dict[str, Any]:
        from matplotlib import patheffects

        return {
            "fontsize": 6.5,
            "color": AREA_COLOUR,
            "style": "italic",
            "path_effects": [patheffects.withStroke(linewidth=2.0, foreground="white")],
        }

    def legend(self) -> Legend | None:
        label = self.reference.label
        if self.geometry == "lines":
            ranks = sorted(set(self._gdf["rank"].astype(int).clip(0, 5)))
            entries = tuple(LegendEntry(RANKS[r], ROAD_COLOURS[r], "line") for r in ranks[:4])
        elif self.geometry == "polygons":
            entries = (LegendEntry(label, AREA_COLOUR, "area"),)
        else:
            entries = (LegendEntry(label, POINT_COLOUR, "point"),)
        notes = [self.note, *getattr(self.reference, "warnings", ())[:1]]
        return Legend(label, entries, note=" ".join(n for n in notes if n))

    # ---------------------------------------------------------------- print maps

    def bounds(self) -> tuple[float, float, float, float]:
        """Reference layers never set a map's extent (a national road file would)."""
        raise NotImplementedError("a reference layer does not set the map's extent")

    def _in_view(self, box: tuple[float, float, float, float] | None):
        gdf = self._gdf
        if box is None:
            return gdf
        b = shapely.bounds(np.asarray(gdf.geometry.values))
        xmin, ymin, xmax, ymax = box
        hit = (b[:, 2] >= xmin) & (b[:, 0] <= xmax) & (b[:, 3] >= ymin) & (b[:, 1] <= ymax)
        return gdf if hit.all() else gdf.loc[hit]

    def draw_static(self, ax, zorder: int, box=None) -> None:
        """Draw on a print map (only what lies in ``box``): roads by rank (minor first),
        areas, or points."""
        from matplotlib.collections import PathCollection

        gdf = self._in_view(box)
        if self.geometry == "points":
            ax.scatter(
                gdf.geometry.x, gdf.geometry.y, s=4, marker="s", c=POINT_COLOUR,
                linewidths=0, zorder=zorder, gid="reference-points",
            )  # fmt: skip
            return
        if self.geometry == "polygons":
            from hotspot.maps.print_layers import polygon_paths

            # the pale fill beneath the results; the outline over them (annotate_static)
            ax.add_collection(
                PathCollection(
                    polygon_paths(gdf.geometry.values),
                    facecolors=AREA_COLOUR,
                    edgecolors="none",
                    alpha=0.25,
                    zorder=zorder,
                    gid="reference-areas",
                ),
                autolim=False,
            )
            return
        geoms = np.asarray(gdf.geometry.values)
        rank = gdf["rank"].to_numpy(dtype=int).clip(0, 5)
        for r in sorted(set(rank), reverse=True):  # major roads on top
            path = _compound_path(geoms[rank == r])
            if path is None:
                continue
            # one path per class of road: Agg draws 200,000 segments as quickly as a few
            ax.add_collection(
                PathCollection(
                    [path],
                    facecolors="none",
                    edgecolors=ROAD_COLOURS[r],
                    linewidths=ROAD_WIDTHS[r] * 0.6,
                    capstyle="round",
                    joinstyle="round",
                    zorder=zorder + (5 - r) * 0.1,
                    gid=f"reference-roads-{r}",
                ),
                autolim=False,
            )

    def annotate_static(self, ax, box: tuple[float, float, float, float], zorder: int) -> None:
        """Name roads along their lines, where they fit at the map's scale; outline areas
        over everything drawn before (the results and boundaries)."""
        from matplotlib import patheffects
        from matplotlib.collections import PathCollection

        if self.geometry == "polygons":
            # over the results and boundaries (a town centre under a hot spot must still
            # show where it is), under the labels
            from hotspot.maps.print_layers import polygon_paths

            ax.add_collection(
                PathCollection(
                    polygon_paths(self._in_view(box).geometry.values),
                    facecolors="none",
                    edgecolors=AREA_COLOUR,
                    linewidths=1.3,
                    linestyles=[(0, (3, 1.5))],
                    zorder=zorder + OUTLINE_ABOVE,
                    gid="reference-area-outlines",
                ),
                autolim=False,
            )
        if self.geometry == "lines":
            for x, y, angle, text in road_labels(self._gdf, box, _points_per_metre(ax, box)):
                ax.text(
                    x, y, text, rotation=angle, rotation_mode="anchor", ha="center",
                    va="center", fontsize=LABEL_SIZE, color="#4d4d4d", style="italic",
                    zorder=zorder + 40, clip_on=True, gid="road-label",
                    path_effects=[patheffects.withStroke(linewidth=1.6, foreground="white")],
                )  # fmt: skip

    # ---------------------------------------------------------------- web map

    def for_web(self, max_vertices: int = WEB_VERTICES) -> ReferenceMap:
        """A copy light enough for the web map: roads of a name and class merged into one
        feature, simplified by a few metres, and, when that is still too much, the least
        prominent classes left out (the legend says so). Made once per layer: the window
        redraws its map often."""
        made = _LIGHT.get(self.reference, {}).get(max_vertices)
        if made is None:
            made = self._lighter(max_vertices)
            _LIGHT.setdefault(self.reference, {})[max_vertices] = made
        if made is self.reference:
            return self
        return replace(self, reference=made[0], note=made[1])

    def _lighter(self, max_vertices: int) -> Any:
        """``self.reference`` when it is light enough, else ``(lighter copy, note)``."""
        gdf = self._gdf
        geoms = np.asarray(gdf.geometry.values)
        if shapely.get_num_coordinates(geoms).sum() <= max_vertices:
            return self.reference
        if self.geometry != "lines":
            light = gdf.copy()
            light["geometry"] = shapely.simplify(geoms, WEB_SIMPLIFY_M)
            return replace(self.reference, gdf=light), ""
        simple = shapely.simplify(geoms, WEB_SIMPLIFY_M)
        rank = gdf["rank"].to_numpy(dtype=int)
        cost = shapely.get_num_coordinates(simple)
        per_rank = np.bincount(rank.clip(0, 5), weights=cost, minlength=6).cumsum()
        top = int(max([r for r in range(6) if per_rank[r] <= max_vertices] or [0]))
        keep = rank <= top
        # one feature per road name and class: far fewer features for the page to draw
        kept = gdf.loc[keep, ["name", "kind", "rank"]]
        group = kept.groupby(["name", "kind", "rank"], sort=False).ngroup().to_numpy()
        pieces, index = shapely.get_parts(simple[keep], return_index=True)
        order = np.argsort(group[index], kind="stable")
        merged = shapely.multilinestrings(pieces[order], indices=group[index][order])
        first_row = np.unique(group, return_index=True)[1]
        light = gdf.loc[keep].iloc[first_row].copy()
        light["geometry"] = merged
        note = f"Simplified by {WEB_SIMPLIFY_M:g} m for this map."
        if not keep.all():
            note = (
                f"Only {RANKS[top].lower()}s and more prominent roads are drawn here "
                f"({int(keep.sum()):,} of {len(gdf):,} segments); the print maps draw them "
                "all. " + note
            )
        return replace(self.reference, gdf=light), note


_LIGHT: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
"""Reference layer -> {vertex budget: its lighter copy for the web map}."""


def _points_per_metre(ax, box: tuple[float, float, float, float]) -> float:
    width_pt = ax.get_window_extent().width * 72.0 / ax.figure.dpi
    return width_pt / max(box[2] - box[0], 1.0)


def _label_at(line: Any, half: float) -> tuple[float, float, float] | None:
    """Centre and angle (degrees, upright) of a label ``2 * half`` metres long on ``line``."""
    length = line.length
    if length < 2 * half:
        return None
    mid = length / 2.0
    a = line.interpolate(mid - half)
    b = line.interpolate(mid + half)
    c = line.interpolate(mid)
    angle = math.degrees(math.atan2(b.y - a.y, b.x - a.x))
    if angle > 90:
        angle -= 180
    elif angle <= -90:
        angle += 180
    return float(c.x), float(c.y), angle


def road_labels(
    gdf: Any, box: tuple[float, float, float, float], points_per_metre: float
) -> list[tuple[float, float, float, str]]:
    """Where road names go on a map of ``box``: ``(x, y, angle, name)``, none overlapping.

    A road is named when its longest stretch inside the map is long enough for its name;
    major roads first, then the longest. At borough scale that leaves the main roads; on a
    ward's map the streets get their names too.
    """
    xmin, ymin, xmax, ymax = box
    view = shapely.box(*box)
    named = gdf[(gdf["name"].astype(str) != "")]
    if named.empty:
        return []
    b = shapely.bounds(np.asarray(named.geometry.values))
    inside = (b[:, 2] >= xmin) & (b[:, 0] <= xmax) & (b[:, 3] >= ymin) & (b[:, 1] <= ymax)
    named = named.loc[inside]
    if named.empty:
        return []
    metres_per_char = LABEL_SIZE * 0.55 / points_per_metre
    lengths = shapely.length(np.asarray(named.geometry.values))
    totals = (
        named.assign(_len=lengths).groupby("name").agg(rank=("rank", "min"), length=("_len", "sum"))
    )
    need = totals.index.str.len().to_numpy() * metres_per_char * 1.3
    totals = totals[totals["length"].to_numpy() >= need]
    totals = totals.sort_values(["rank", "length"], ascending=[True, False]).head(
        MAX_ROAD_LABELS * 3
    )
    placed: list[tuple[float, float, float, str]] = []
    boxes: list[tuple[float, float, float, float]] = []
    groups = dict(tuple(named.groupby("name").geometry))
    for name in totals.index:
        merged = shapely.line_merge(
            shapely.intersection(shapely.union_all(groups[name].values), view)
        )
        parts = [g for g in shapely.get_parts(merged) if g.geom_type == "LineString"]
        if not parts:
            continue
        line = max(parts, key=lambda g: g.length)
        half = len(name) * metres_per_char / 2.0
        spot = _label_at(line, half * 1.15)
        if spot is None:
            continue
        x, y, angle = spot
        r = half * 1.1
        h = LABEL_SIZE / points_per_metre
        dx = abs(r * math.cos(math.radians(angle))) + h
        dy = abs(r * math.sin(math.radians(angle))) + h
        cand = (x - dx, y - dy, x + dx, y + dy)
        if any(
            cand[0] < o[2] and o[0] < cand[2] and cand[1] < o[3] and o[1] < cand[3] for o in boxes
        ):
            continue
        boxes.append(cand)
        placed.append((x, y, angle, str(name)))
        if len(placed) >= MAX_ROAD_LABELS:
            break
    return placed


__all__ = [
    "AREA_COLOUR",
    "ROAD_COLOURS",
    "ROAD_WIDTHS",
    "WEB_VERTICES",
    "ReferenceMap",
    "reference_map_layer",
    "road_labels",
]
