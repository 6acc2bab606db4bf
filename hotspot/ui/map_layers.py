"""Which map layers the window shows for a workspace and for each result.

The layers themselves (colours, legends, tooltips) come from
:mod:`hotspot.maps.layers`, shared with the print and HTML maps; this module only
decides which to add, their names and whether they start visible.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from hotspot.core.errors import HotspotError
from hotspot.core.labels import MEASURES
from hotspot.model import Project
from hotspot.ui.layer_stack import LayerEntry

log = logging.getLogger(__name__)


def selection_label(session: Any) -> str:
    """E.g. "Serious violence (police.uk), 12 months to October 2024"."""

    if session.workspace is None:
        return ""
    try:
        return session.selection().label
    except HotspotError:
        return ""


STUDY_AREA_OPTION = "the Study area in the Data panel"
"""How a window user restricts the boundaries to local authorities."""


def local_authorities(ws: Any) -> list[tuple[str, str]]:
    """The local authorities the loaded boundaries can be restricted to (Data panel)."""
    if ws is None:
        return []
    from hotspot.pipeline.study_area import local_authorities as found

    return found(ws)


def selection_warnings(session: Any) -> list[str]:
    """What the Data panel warns about: the selection's own warnings, overreaching boundaries."""
    from hotspot.pipeline.study_area import overreach_warnings

    ws = session.workspace
    if ws is None or ws.offences is None:
        return []
    try:
        sel = session.selection()
    except HotspotError:
        return []
    return [*sel.warnings, *overreach_warnings(ws, how=STUDY_AREA_OPTION)]


def map_frame(session: Any) -> tuple[float, float, float, float] | None:
    """The extent the map is framed on when the boundaries reach far beyond the offences."""
    ws = session.workspace
    if ws is None:
        return None
    from hotspot.pipeline.study_area import map_frame as frame

    return frame(ws)


def source_labels(project: Project) -> list[str]:
    """One line per source: what it is and its file, e.g. "Boundaries (wards): wards.geojson"."""
    kinds = {
        "offences": "Offences",
        "areas": "Boundaries",
        "indicators": "Context",
        "lookup": "Lookup",
        "reference": "Reference",
    }
    out = []
    for s in project.sources:
        detail = s.options.get("role") or s.options.get("indicator") or ""
        name = s.options.get("label") or Path(s.path).name
        out.append(f"{kinds.get(s.kind, s.kind)}{f' ({detail})' if detail else ''}: {name}")
    return out


def workspace_layers(ws: Any, project: Project, selection: Any = None) -> list[LayerEntry]:
    """Boundaries, the selected offences (hidden: they are sensitive) and context layers."""
    if ws is None:
        return []
    from hotspot.maps import layers as ml

    out: list[LayerEntry] = []
    areas = getattr(ws, "areas", {}) or {}
    spec = {
        "wards": ("Wards", True, True),
        "lsoas": ("LSOAs", False, False),
        "study_area": ("Study area outline", True, False),
    }
    for role, (title, visible, labels) in spec.items():
        layer = areas.get(role)
        if layer is not None and len(layer.gdf):
            boundary = ml.AreaBoundaries(layer, name=title, show_labels=labels, visible=visible)
            out.append(LayerEntry(f"boundaries:{role}", title, "Boundaries", boundary, visible))
    for i, layer in enumerate(getattr(ws, "other_areas", []) or []):
        title = f"Areas: {layer.label}"
        boundary = ml.AreaBoundaries(layer, name=title, show_labels=False, visible=False)
        out.append(LayerEntry(f"boundaries:other{i}", title, "Boundaries", boundary, False))
    out.extend(offence_layers(ws, project, selection))
    out.extend(context_layers(ws))
    out.extend(reference_layers(ws))
    return out


def reference_layers(ws: Any) -> list[LayerEntry]:
    """Roads, places and named areas, beneath the results (a lighter copy goes to the map
    page when a layer is large: :meth:`hotspot.maps.reference.ReferenceMap.for_web`)."""
    from hotspot.maps.reference import ReferenceMap

    out = []
    for i, ref in enumerate(getattr(ws, "references", []) or []):
        layer = ReferenceMap(ref)
        out.append(LayerEntry(f"reference:{i}", layer.name, "Reference", layer, True))
    return out


def offence_layers(ws: Any, project: Project, selection: Any = None) -> list[LayerEntry]:
    """The selected offences as points (hidden at first: offence locations are sensitive).

    ``selection`` is :func:`hotspot.pipeline.select` of the two, when already made.
    """
    if ws is None or getattr(ws, "offences", None) is None:
        return []
    from hotspot import pipeline
    from hotspot.maps import layers as ml

    sel = selection if selection is not None else pipeline.select(project, ws)
    if sel.offences is None or not len(sel.offences):
        return []
    title = f"Offences: {sel.label} (approximate locations)"
    points = ml.OffencePoints(sel.offences, name=title, visible=False)
    return [LayerEntry("offences:selected", title, "Offences", points, False)]


def context_layers(ws: Any) -> list[LayerEntry]:
    """LSOA choropleths of deprivation and mental health (as the pipeline joins them)."""
    if getattr(ws, "lsoas", None) is None or not getattr(ws, "indicators", None):
        return []
    from hotspot import pipeline
    from hotspot.maps import layers as ml

    try:
        ctx = pipeline.lsoa_context(ws)
    except HotspotError as exc:
        log.info("no context layers: %s", exc)
        return []
    out = []
    for measure in MEASURES.values():
        kind, column, title = measure.source, measure.column, measure.choice
        values = ctx.column(column) if ctx is not None else None
        if values is None or not values.notna().any():
            continue
        gdf = ws.lsoas.gdf[["code", "name", "geometry"]].copy()
        gdf[column] = gdf["code"].astype(str).map(values).to_numpy()
        try:
            layer = ml.AreaChoropleth(gdf, column=column, name=title, title=title, visible=False)
        except HotspotError as exc:
            log.info("no %s context layer: %s", kind, exc)
            continue
        out.append(LayerEntry(f"context:{kind}", title, "Context", layer, False))
    return out


def result_layers(section: str, session: Any) -> list[LayerEntry]:
    """The map layers of one analysis's results, as its declaration gives them."""
    from hotspot.pipeline.registry import spec

    return [
        LayerEntry(e.key, e.title, "Results", e.layer, e.visible)
        for e in spec(section).layers(session.results)
    ]
