"""Running the analyses on a loaded workspace: the one place results are computed.

The window (one analysis at a time, as the user clicks Run) and ``hotspot run``
(every analysis the project asks for) both call :func:`run_analysis`, so the
numbers a user sees on screen are the numbers the command line writes.

What each analysis is given:

* ``kde`` and ``gistar``: the selected offences and the study area (the borough
  outline, else the union of the wards, else of the LSOAs);
* ``rates``: the selected offences, the comparison period's offences, the areas of
  ``RatesParams.level`` and their residents (LSOA populations, summed into wards);
* ``bivariate``: the LSOA rates and the LSOA measure ``BivariateParams.context``
  (IMD score or SAMHI index), carried onto the LSOA boundaries' vintage through
  the ONS lookup when needed.

This module is Qt-free.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import pandas as pd

from hotspot.core.errors import AnalysisError
from hotspot.core.progress import NO_PROGRESS, Progress, SubProgress
from hotspot.model import AreaLayer, Project
from hotspot.pipeline.workspace import Workspace

ANALYSES = ("kde", "gistar", "rates", "bivariate")
_KIND_LABELS = {"imd": "IMD", "samhi": "SAMHI", "population": "Population", "other": "Table"}

#: Context measures the pipeline carries onto the LSOA boundaries.
CONTEXT_COLUMNS = ("imd_score", "imd_decile", "samhi_index", "samhi_decile", "population")


@dataclass(frozen=True)
class LsoaContext:
    """LSOA measures (population, IMD, SAMHI) on the codes of the LSOA boundaries.

    Attributes
    ----------
    table : pandas.DataFrame
        Indexed by LSOA code, in the boundaries' order; a column per measure found.
    vintage : int or None
        The LSOA vintage of the codes.
    notes : tuple of str
        How each table was joined (directly, or through the ONS lookup, with counts).
    sources : tuple of str
        The kinds of table used ("imd", "samhi", "population").
    """

    table: pd.DataFrame
    vintage: int | None
    notes: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    def column(self, name: str) -> pd.Series | None:
        """One measure by LSOA code, or None when no table holds it."""
        return self.table[name] if name in self.table.columns else None


def lsoa_context(workspace: Workspace) -> LsoaContext | None:
    """The context tables joined onto the workspace's LSOA boundaries (computed once).

    Returns None when the workspace has no LSOA boundaries.

    Raises
    ------
    VintageMismatchError
        When a table is on other LSOA codes than the boundaries and no ONS lookup is
        loaded (the message names the lookup to add).
    """
    if "lsoa_context" in workspace.cache:
        return workspace.cache["lsoa_context"]
    lsoas = workspace.lsoas
    if lsoas is None:
        return None
    from hotspot.analysis.vintage import join_indicators

    codes = lsoas.gdf["code"].astype(str)
    table = pd.DataFrame(index=pd.Index(codes.values, name="code"))
    notes: list[str] = []
    used: list[str] = []
    population = workspace.indicator("population")
    for ind in workspace.indicators:
        wanted = [c for c in CONTEXT_COLUMNS if c in ind.table.columns and c not in table]
        if not wanted:
            continue
        joined = ind
        if lsoas.vintage and ind.vintage and ind.vintage != lsoas.vintage:
            weights = population if population is not None and population is not ind else None
            if weights is not None and weights.vintage != ind.vintage:
                weights = None
            joined, report = join_indicators(
                ind,
                lsoas.vintage,
                workspace.lookup("lsoa11_lsoa21"),
                population=weights,
                targets=codes,
            )
            notes.append(f"{_KIND_LABELS[ind.kind]} ({ind.source}): {report.summary()}")
        values = joined.table.drop_duplicates("lsoa_code").set_index("lsoa_code")
        missing = int((~codes.isin(values.index)).sum())
        if ind is joined:
            notes.append(
                f"{_KIND_LABELS[ind.kind]} joined directly on LSOA codes"
                + (f"; {missing:,} LSOAs have no value" if missing else "")
            )
        for c in wanted:
            table[c] = values[c].reindex(table.index).to_numpy()
        used.append(ind.kind)
    ctx = LsoaContext(table, lsoas.vintage, tuple(notes), tuple(used))
    workspace.cache["lsoa_context"] = ctx
    return ctx


def ward_population(workspace: Workspace) -> tuple[pd.Series | None, str]:
    """Residents per ward, summed from LSOA populations, and how the LSOAs were placed.

    LSOAs are placed with the LSOA-to-ward lookup when it is on the same codes as
    both boundary layers, else by largest overlap with the ward polygons (2021
    LSOAs do not nest exactly in 2022 wards everywhere).
    """
    wards, lsoas = workspace.wards, workspace.lsoas
    ctx = lsoa_context(workspace)
    if wards is None or lsoas is None or ctx is None or ctx.column("population") is None:
        return None, ""
    from hotspot.analysis.ward_summary import assign_to_wards

    lookup = workspace.lookup("lsoa_ward")
    if lookup is not None:
        ward_codes = set(wards.gdf["code"].astype(str))
        lsoa_codes = set(lsoas.gdf["code"].astype(str))
        table = lookup.table
        if not (
            set(table["ward_code"].astype(str)) & ward_codes
            and set(table["lsoa_code"].astype(str)) & lsoa_codes
        ):
            lookup = None
    placed = assign_to_wards(lsoas, wards, lookup=lookup)
    pop = ctx.column("population").reindex(placed["lsoa_code"].astype(str)).to_numpy()
    by_ward = pd.Series(pop, index=placed["ward_code"].to_numpy()).groupby(level=0).sum(min_count=1)
    how = placed["how"].value_counts()
    note = "ward residents summed from LSOA populations (LSOAs placed " + ", ".join(
        f"{int(n):,} by {h}" for h, n in how.items()
    )
    return by_ward.reindex(wards.gdf["code"].astype(str)), note + ")"


def _with_warnings(result: Any, extra: list[str]) -> Any:
    if not extra:
        return result
    return dataclasses.replace(result, warnings=tuple(result.warnings) + tuple(extra))


def _selected_points(project: Project, workspace: Workspace):
    from hotspot.pipeline.selection import select

    selection = select(project, workspace)
    if selection.offences is None:
        raise AnalysisError("Add offence data first: the project has no offence source.")
    return selection


def _run_on_points(section: str, project: Project, workspace: Workspace, progress: Progress) -> Any:
    """KDE or grid Gi*: the selected offences over the study area."""
    if section == "kde":
        from hotspot.analysis.kde import run_kde as run
    else:
        from hotspot.analysis.gistar import run_gistar_grid as run

    sel = _selected_points(project, workspace)
    result = run(
        sel.offences.gdf,
        project.params(section),
        study_area=workspace.study_area(),
        progress=progress,
    )
    return _with_warnings(result, list(sel.warnings))


def rates_for(
    level: str, project: Project, workspace: Workspace, *, progress: Progress = NO_PROGRESS
) -> Any:
    """Rates and change for the ward or LSOA boundaries (``level`` "ward" or "lsoa")."""
    from hotspot.analysis.rates import area_rates

    layer: AreaLayer | None = workspace.wards if level == "ward" else workspace.lsoas
    if layer is None:
        raise AnalysisError(
            f"rates: no {'ward' if level == 'ward' else 'LSOA'} boundaries are loaded; add them "
            "(File > Add boundaries) or choose the other level of areas"
        )
    sel = _selected_points(project, workspace)
    extra = list(sel.warnings)
    if level == "lsoa":
        ctx = lsoa_context(workspace)
        population = ctx.column("population") if ctx is not None else None
    else:
        population, note = ward_population(workspace)
        if note and "overlap" in note:  # an approximation the user should know about
            extra.append(note[0].upper() + note[1:] + ".")
    params = dataclasses.replace(project.params("rates"), level=level)
    result = area_rates(
        workspace.offences.select(sel.group),  # both periods: area_rates splits them
        layer,
        population=population,
        period=sel.period,
        comparison=sel.comparison_period,
        params=params,
        progress=progress,
    )
    return _with_warnings(result, extra)


def _run_rates(project: Project, workspace: Workspace, progress: Progress) -> Any:
    level = project.params("rates").level
    other = "lsoa" if level == "ward" else "ward"
    available = {"ward": workspace.wards, "lsoa": workspace.lsoas}
    if available[level] is None and available[other] is not None:
        result = rates_for(other, project, workspace, progress=progress)
        return _with_warnings(
            result,
            [f"No {level} boundaries are loaded, so rates are given for {other}s instead."],
        )
    return rates_for(level, project, workspace, progress=progress)


CONTEXT_LABELS = {
    "imd_score": ("IMD 2019 score", "imd", "deprivation"),
    "samhi_index": ("SAMHI index", "samhi", "mental health (SAMHI)"),
}


def _run_bivariate(project: Project, workspace: Workspace, progress: Progress) -> Any:
    from hotspot.analysis.correlation import run_bivariate

    params = project.params("bivariate")
    label, kind, _short = CONTEXT_LABELS[params.context]
    if workspace.lsoas is None:
        raise AnalysisError(
            "correlation: add LSOA boundaries (File > Add boundaries); the comparison with "
            f"{label} is made LSOA by LSOA"
        )
    ctx = lsoa_context(workspace)
    values = ctx.column(params.context) if ctx is not None else None
    if values is None or values.notna().sum() == 0:
        raise AnalysisError(
            f"correlation: no {label} is loaded for the LSOAs; add the {kind.upper()} table "
            "(File > Add context table) or choose another measure under 'Compare with'"
        )
    stats = rates_for("lsoa", project, workspace, progress=SubProgress(progress, 0.0, 0.2))
    if params.measure != "count" and stats.table[params.measure].notna().sum() == 0:
        raise AnalysisError(
            "correlation: the LSOAs have no rates because no population table is loaded; add "
            "one (File > Add context table) or choose 'count' as the offence measure"
        )
    gdf = stats.table[["code", "name", params.measure, "geometry"]].copy()
    gdf[params.context] = gdf["code"].astype(str).map(values).to_numpy()
    result = run_bivariate(
        gdf,
        params.measure,
        params.context,
        params,
        progress=SubProgress(progress, 0.2, 1.0),
    )
    return _with_warnings(result, [w for w in stats.warnings if w not in result.warnings])


_RUNNERS = {
    "kde": lambda p, w, pr: _run_on_points("kde", p, w, pr),
    "gistar": lambda p, w, pr: _run_on_points("gistar", p, w, pr),
    "rates": _run_rates,
    "bivariate": _run_bivariate,
}


def missing_inputs(section: str, workspace: Workspace | None) -> str | None:
    """Why ``section`` cannot run on ``workspace`` (None when it can), in plain English."""
    if workspace is None or workspace.offences is None:
        return "Add offence data first (File > Add offence data)."
    if section == "rates" and workspace.wards is None and workspace.lsoas is None:
        return "Add ward or LSOA boundaries first (File > Add boundaries)."
    if section == "bivariate":
        if workspace.lsoas is None:
            return "Add LSOA boundaries first (File > Add boundaries)."
        if workspace.indicator("imd") is None and workspace.indicator("samhi") is None:
            return "Add an IMD or SAMHI table first (File > Add context table)."
    return None


def run_analysis(
    section: str,
    project: Project,
    workspace: Workspace,
    *,
    progress: Progress = NO_PROGRESS,
) -> Any:
    """Run one analysis of ``project`` on ``workspace`` and return its result.

    Parameters
    ----------
    section : {"kde", "gistar", "rates", "bivariate"}
        The analysis (its parameters are ``project.params(section)``).
    project : Project
        Selection and parameters.
    workspace : Workspace
        The loaded sources (:func:`hotspot.pipeline.load_workspace`).
    progress : Progress, optional
        Progress and cancellation.

    Returns
    -------
    DensityResult, GiStarResult, AreaStats or BivariateResult

    Raises
    ------
    AnalysisError
        When an input the analysis needs is not loaded (the message says which), or
        the analysis refuses the data (too few points ...).
    """
    if section not in _RUNNERS:
        raise AnalysisError(f"{section}: unknown analysis; known: {', '.join(_RUNNERS)}")
    return _RUNNERS[section](project, workspace, progress)


__all__ = [
    "ANALYSES",
    "CONTEXT_LABELS",
    "LsoaContext",
    "lsoa_context",
    "missing_inputs",
    "rates_for",
    "run_analysis",
    "ward_population",
]
