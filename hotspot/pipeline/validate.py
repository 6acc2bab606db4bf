"""Check a whole project before anything is computed or written.

``hotspot run`` and the window's Export call :func:`check` once the sources are loaded
and before any analysis runs or any file is written; the window's panels call
:func:`selection_problems` to explain why Run is disabled. Errors say what is wrong and
how to fix it, naming the key (and, for a period, the months the data hold):

* the selection: a period with no offences, or with data for fewer than half of its
  months; a group with no offence in the period; offences that lie outside every
  boundary loaded;
* the outputs: a briefing pack without ward boundaries, a ward page naming no ward (the
  message lists the ward names), a print map whose analysis is left out of the run or
  lacks its inputs.

Warnings (the run goes on) are boundaries that reach far beyond the offences
(:mod:`hotspot.pipeline.study_area`) and the selection's own warnings.

This module is Qt-free.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from hotspot.core.errors import ProjectError
from hotspot.core.text import one_line
from hotspot.model import Project
from hotspot.pipeline import analysis_spec, registry
from hotspot.pipeline.selection import Selection, months_available, select, too_sparse


@dataclass(frozen=True)
class Check:
    """What :func:`check` found.

    Attributes
    ----------
    errors : tuple of str
        Problems that stop the run (nothing is computed or written).
    warnings : tuple of str
        What the user should know; the run goes on.
    """

    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether the run may go ahead."""
        return not self.errors

    def raise_errors(self) -> None:
        """Raise the errors as one :class:`ProjectError` (nothing when there are none)."""
        if len(self.errors) == 1:
            raise ProjectError(self.errors[0])
        if self.errors:
            raise ProjectError(
                f"{len(self.errors)} problems must be fixed before the run: "
                + " ".join(f"({i}) {e}" for i, e in enumerate(self.errors, start=1))
            )


# --------------------------------------------------------------------------- selection


_CHUNK = 4096
"""Offences looked up at a time when checking that any lies inside the boundaries."""


def _offences_inside(selection: Selection, workspace: Any) -> str | None:
    """An error when no selected offence lies inside the ward or LSOA boundaries."""
    import shapely

    layers = [(r, workspace.areas.get(r)) for r in ("wards", "lsoas")]
    layers = [(r, layer) for r, layer in layers if layer is not None and len(layer.gdf)]
    sel = selection.offences
    if not layers or sel is None or not len(sel.gdf):
        return None
    xy = shapely.get_coordinates(sel.gdf.geometry.to_numpy())
    x, y = xy[:, 0], xy[:, 1]
    for _role, layer in layers:
        # one offence inside is enough: the offences inside the layer's extent, a few
        # thousand at a time, stopping at the first inside an area (a whole force's
        # million offences would otherwise each be looked up)
        xmin, ymin, xmax, ymax = layer.gdf.total_bounds
        near = np.flatnonzero((x >= xmin) & (x <= xmax) & (y >= ymin) & (y <= ymax))
        if not near.size:
            continue
        tree = shapely.STRtree(layer.gdf.geometry.to_numpy())
        for start in range(0, near.size, _CHUNK):
            chunk = near[start : start + _CHUNK]
            hit, _ = tree.query(shapely.points(x[chunk], y[chunk]), predicate="intersects")
            if hit.size:
                return None
    names = " and ".join("ward" if r == "wards" else "LSOA" for r, _ in layers)
    return (
        f"none of the {len(sel.gdf):,} selected offences lies inside the {names} boundaries: "
        "the boundaries are of another place than the offences. Load the boundaries of the "
        "offences' area (or the offences of the boundaries' area)"
    )


def selection_problems(
    project: Project, workspace: Any, selection: Selection | None = None
) -> list[str]:
    """Why the selection gives nothing meaningful to analyse ([] when it is fine).

    A period with no offence data, or with data for fewer than half of its months; no
    offence of the group in the period; offences outside every boundary. ``selection`` is
    :func:`hotspot.pipeline.select` of the two, when already made.
    """
    offences = getattr(workspace, "offences", None)
    if offences is None:
        return []
    selection = selection if selection is not None else select(project, workspace)
    period = selection.period
    months = tuple(offences.report.months)
    if period is None:
        return [f"selection: the offence data hold no month; {months_available(months)}"]
    fix = (
        "Choose an end month the data cover (selection.end; 'Period ends' in the Data panel), "
        "or leave it empty for the latest month"
    )
    if too_sparse(period, months):
        from hotspot.pipeline.selection import covered_months

        n = len(covered_months(period, months))
        what = "no month" if n == 0 else f"only {n} of the {period.n_months} months"
        return [
            f"selection: the period {period.label} ({period.span}) holds {what} of offence "
            f"data; {months_available(months)}. {fix}"
        ]
    if selection.offences is not None and not len(selection.offences):
        counts = offences.category_counts(period)
        listed = ", ".join(f"{one_line(c)} ({n:,})" for c, n in list(counts.items())[:8])
        return [
            f"selection: no offence of the group {selection.group.name!r} falls in "
            f"{period.label} ({period.span}); the period holds {sum(counts.values()):,} rows "
            f"of other categories: {listed}. Choose another group or period"
        ]
    inside = _offences_inside(selection, workspace)
    return [f"selection: {inside}"] if inside else []


# --------------------------------------------------------------------------- outputs


def _ward_names(wards: Any) -> list[str]:
    return [str(n) for n in wards.gdf["name"]] if wards is not None else []


def output_problems(
    project: Project, workspace: Any, how: Callable[[str], str] | None = None
) -> list[str]:
    """Problems with the ``[outputs]`` section on this workspace ([] when none)."""
    out = []
    o = project.outputs
    wards = getattr(workspace, "wards", None)
    if o.briefing and wards is None:
        hint = f" ({how('areas')})" if how else ""
        out.append(
            "outputs.briefing: the briefing pack needs ward boundaries; add a ward layer"
            f"{hint}, or set briefing = false"
        )
    if o.briefing and wards is not None:
        names = _ward_names(wards)
        codes = [str(c) for c in wards.gdf["code"]]
        known = {n.strip().casefold() for n in names + codes}
        for key in o.briefing_wards:
            if str(key).strip().casefold() not in known:
                out.append(
                    f"outputs.briefing_wards: no ward is called or coded {key!r}; the wards "
                    f"are: {', '.join(sorted(names))}"
                )
    if o.html and o.html_points and o.suppressing:
        out.append(
            f"outputs.html_points: each offence point in map.html is a single record, which "
            f"suppress_below = {o.suppress_below} cannot hide; set html_points = false for "
            "a map to publish, or write the points in a separate internal run with "
            "suppress_below = 0"
        )
    wanted = {s.id for s in registry.wanted_analyses(project)}
    for map_id in o.maps:
        spec = next(s for s in registry.analyses() if map_id in {m.id for m in s.print_maps})
        if spec.id not in wanted:
            out.append(
                f"outputs.maps: the {map_id!r} map comes from the {spec.name} analysis, which "
                f"outputs.analyses leaves out; add {spec.id!r} to it or remove the map"
            )
            continue
        missing = spec.needs(workspace)
        if missing is not None:
            out.append(f"outputs.maps: the {map_id!r} map cannot be drawn: {missing.text(how)}")
    return out


def check(
    project: Project,
    workspace: Any,
    *,
    how: Callable[[str], str] | None = analysis_spec.command_line_hint,
    outputs: bool = True,
) -> Check:
    """Everything wrong with running ``project`` on ``workspace``, before anything runs.

    Parameters
    ----------
    project : Project
    workspace : Workspace
    how : callable, optional
        Turns a source kind into the front end's way of adding one.
    outputs : bool, optional
        Also check the ``[outputs]`` section (``hotspot run`` and Export do; a panel's Run
        does not).
    """
    from hotspot.pipeline.study_area import overreach_warnings

    errors = selection_problems(project, workspace)
    if outputs:
        errors += output_problems(project, workspace, how)
    warnings = overreach_warnings(workspace) if not errors else []
    if outputs and not errors:
        warnings += record_level_warnings(project)
    return Check(tuple(errors), tuple(warnings))


def record_level_warnings(project: Project) -> list[str]:
    """What suppression leaves out: files of single offence records are not written."""
    o = project.outputs
    if o.offences_gpkg and o.suppressing:
        return [
            f"outputs.offences_gpkg: offences.gpkg is not written: it holds every selected "
            f"offence, one record each, which suppress_below = {o.suppress_below} cannot "
            "hide; write it in a separate internal run with suppress_below = 0"
        ]
    return []


__all__ = [
    "Check",
    "check",
    "output_problems",
    "record_level_warnings",
    "selection_problems",
]
