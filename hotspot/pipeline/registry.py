"""The analysis registry: one declaration per analysis, read by every front end.

An analysis is declared once, by an :class:`AnalysisSpec` in a module of
:mod:`hotspot.pipeline.specs` (the spirit of a QGIS Processing algorithm): its id
and title, its params class, what inputs it needs (and the plain-English reason
when one is missing), its run function, its map layers, its tables, its print
maps, its summary lines and its briefing content. ``hotspot run``, the window's
panels, layer list, results tables and export dialog, ``summary.txt``, the
interactive map and the briefing pack all loop over :func:`analyses`.

Adding an analysis = one module in :mod:`hotspot.analysis` (the statistic) and one
module in :mod:`hotspot.pipeline.specs` defining ``SPEC``; nothing else lists it
(see ``docs/architecture.md``, "How to add an analysis").

Results of a run are a flat mapping of keys to results (``Results``): an analysis
puts its main result under its own id ("kde") and may add derived results under
keys of its own ("kde_zones"). Spec functions receive the whole mapping, so a
briefing page may combine several results.
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hotspot.core.errors import AnalysisError, ProjectError
from hotspot.core.params import from_dict
from hotspot.core.progress import NO_PROGRESS, Progress

if TYPE_CHECKING:  # pragma: no cover
    from hotspot.model import Project
    from hotspot.pipeline.workspace import Workspace
from hotspot.pipeline.analysis_spec import AnalysisSpec, MissingInput, PrintMap

# --------------------------------------------------------------------------- the registry


@cache
def analyses() -> tuple[AnalysisSpec, ...]:
    """Every analysis, in order: the ``SPEC`` of each module of :mod:`hotspot.pipeline.specs`."""
    from hotspot.pipeline import specs as package

    found = []
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        spec = getattr(module, "SPEC", None)
        if isinstance(spec, AnalysisSpec):
            found.append(spec)
    ids = [s.id for s in found]
    if len(set(ids)) != len(ids):  # pragma: no cover - a programming error
        raise RuntimeError(f"two analyses share an id: {sorted(ids)}")
    return tuple(sorted(found, key=lambda s: (s.order, s.id)))


def analysis_ids() -> tuple[str, ...]:
    """The ids of every analysis, in order."""
    return tuple(s.id for s in analyses())


def spec(analysis_id: str) -> AnalysisSpec:
    """The declaration of one analysis.

    Raises
    ------
    AnalysisError
        When no analysis has that id (the message lists them).
    """
    for s in analyses():
        if s.id == analysis_id:
            return s
    raise AnalysisError(f"{analysis_id}: unknown analysis; known: {', '.join(analysis_ids())}")


def params_classes() -> dict[str, type]:
    """Analysis id -> its params dataclass, in order."""
    return {s.id: s.params for s in analyses()}


def print_maps() -> tuple[PrintMap, ...]:
    """Every print map of every analysis, in order."""
    return tuple(m for s in analyses() for m in s.print_maps)


# --------------------------------------------------------------------------- project params


def params(project: Project, analysis_id: str) -> Any:
    """The params of an analysis in ``project`` (defaults when its section is absent).

    Raises
    ------
    ProjectError
        When the section names an unknown analysis or holds a bad value (naming the key).
    """
    try:
        cls = spec(analysis_id).params
    except AnalysisError as exc:
        raise ProjectError(f"analysis.{exc}") from None
    value = project.analysis.get(analysis_id)
    if value is None:
        return cls()
    if isinstance(value, cls):
        return value
    if isinstance(value, Mapping):
        return from_dict(cls, value, where=f"analysis.{analysis_id}")
    raise ProjectError(f"analysis.{analysis_id}: expected a table of parameters")


def check_project(project: Project) -> Project:
    """Check the project's analysis sections and outputs against the registry.

    Raw ``[analysis.<id>]`` tables become params dataclasses (in place), so a bad key
    is reported when the project is opened, not when an analysis runs.

    Raises
    ------
    ProjectError
        On an unknown analysis or print map, or a bad parameter (naming the key).
    """
    for analysis_id in list(project.analysis):
        project.analysis[analysis_id] = params(project, analysis_id)
    known = analysis_ids()
    for name in project.outputs.analyses or ():
        if name not in known:
            raise ProjectError(
                f"outputs.analyses: {name!r} is not an analysis; known: {', '.join(known)}"
            )
    maps = [m.id for m in print_maps()]
    for name in project.outputs.maps:
        if name not in maps:
            raise ProjectError(
                f"outputs.maps: {name!r} is not a print map; known: {', '.join(maps)}"
            )
    return project


def load_project(path: str | Path) -> Project:
    """Read a project file and check it against the registry.

    Raises
    ------
    ProjectError
        When the file is missing, not TOML, or has an unknown key or a bad value.
    """
    from hotspot.model import Project

    project = Project.load(path)
    try:
        return check_project(project)
    except ProjectError as exc:
        raise ProjectError(f"{Path(path).name}: {exc}") from None


def wanted_analyses(project: Project) -> tuple[AnalysisSpec, ...]:
    """The analyses ``hotspot run`` performs (every analysis when the project does not say)."""
    chosen = project.outputs.analyses
    return tuple(s for s in analyses() if chosen is None or s.id in chosen)


# --------------------------------------------------------------------------- running


def missing_inputs(
    analysis_id: str, workspace: Workspace | None, how: Callable[[str], str] | None = None
) -> str | None:
    """Why an analysis cannot run on ``workspace`` (None when it can), in plain English.

    ``how`` turns a source kind into the front end's way of adding one.
    """
    missing = spec(analysis_id).needs(workspace)
    return None if missing is None else missing.text(how)


def run_analysis(
    analysis_id: str,
    project: Project,
    workspace: Workspace,
    *,
    progress: Progress = NO_PROGRESS,
    how: Callable[[str], str] | None = None,
) -> dict[str, Any]:
    """Run one analysis of ``project`` on ``workspace``.

    Parameters
    ----------
    analysis_id : str
        The analysis (its parameters are :func:`params` of the project).
    project : Project
        Selection and parameters.
    workspace : Workspace
        The loaded sources (:func:`hotspot.pipeline.load_workspace`).
    progress : Progress, optional
        Progress and cancellation.
    how : callable, optional
        Turns a source kind into the front end's way of adding one (for messages).

    Returns
    -------
    dict
        Results by key: the main result under ``analysis_id``, derived results under
        the spec's other keys.

    Raises
    ------
    MissingInput
        When an input the analysis needs is not loaded.
    AnalysisError
        When the analysis refuses the data (too few points ...).
    """
    s = spec(analysis_id)
    missing = s.needs(workspace)
    if missing is not None:
        raise MissingInput(missing, how)
    return s.run(project, workspace, params(project, analysis_id), progress)


def with_warnings(result: Any, extra: Sequence[str]) -> Any:
    """``result`` with ``extra`` warnings added (results are frozen dataclasses)."""
    extra = [w for w in extra if w not in tuple(result.warnings)]
    if not extra:
        return result
    return dataclasses.replace(result, warnings=tuple(result.warnings) + tuple(extra))


__all__ = [
    "analyses",
    "analysis_ids",
    "check_project",
    "load_project",
    "missing_inputs",
    "params",
    "params_classes",
    "print_maps",
    "run_analysis",
    "spec",
    "wanted_analyses",
    "with_warnings",
]
