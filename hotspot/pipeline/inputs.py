"""What the analyses are given: the selected offences, LSOA context, ward populations.

* the selected offences of the project (group and period) and the study area;
* :func:`lsoa_context`: the context tables (IMD, SAMHI, population) joined onto the
  LSOA boundaries, carried across LSOA vintages through the ONS lookup when needed;
* :func:`ward_population`: residents per ward, summed from LSOA populations;
* :func:`rates_for`: rates and change for the ward or LSOA boundaries.

This module is Qt-free.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import pandas as pd

from hotspot.core.labels import SOURCE_LABELS, level_name
from hotspot.core.progress import NO_PROGRESS, Progress
from hotspot.model import AreaLayer, Project
from hotspot.pipeline import registry
from hotspot.pipeline.analysis_spec import Missing, MissingInput
from hotspot.pipeline.registry import with_warnings
from hotspot.pipeline.selection import Selection, group_offences, select
from hotspot.pipeline.workspace import Workspace

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
            notes.append(f"{SOURCE_LABELS[ind.kind]} ({ind.source}): {report.summary()}")
        values = joined.table.drop_duplicates("lsoa_code").set_index("lsoa_code")
        missing = int((~codes.isin(values.index)).sum())
        if ind is joined:
            notes.append(
                f"{SOURCE_LABELS[ind.kind]} joined directly on LSOA codes"
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
    from hotspot.analysis.ward_assignment import assign_to_wards

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


def selected_points(project: Project, workspace: Workspace) -> Selection:
    """The project's selection, refusing a workspace without offences."""
    selection = select(project, workspace)
    if selection.offences is None:
        raise MissingInput(Missing("offence data", "offences"))
    return selection


def rates_for(
    level: str, project: Project, workspace: Workspace, *, progress: Progress = NO_PROGRESS
) -> Any:
    """Rates and change for the ward or LSOA boundaries (``level`` "ward" or "lsoa")."""
    from hotspot.analysis.rates import area_rates

    layer: AreaLayer | None = workspace.wards if level == "ward" else workspace.lsoas
    if layer is None:
        raise MissingInput(Missing(f"{level_name(level, singular=True)} boundaries", "areas"))
    sel = selected_points(project, workspace)
    extra = list(sel.warnings)
    if level == "lsoa":
        ctx = lsoa_context(workspace)
        population = ctx.column("population") if ctx is not None else None
    else:
        population, note = ward_population(workspace)
        if note and "overlap" in note:  # an approximation the user should know about
            extra.append(note[0].upper() + note[1:] + ".")
    params = dataclasses.replace(registry.params(project, "rates"), level=level)
    result = area_rates(
        group_offences(project, workspace.offences),  # both periods: area_rates splits them
        layer,
        population=population,
        period=sel.period,
        comparison=sel.comparison_period,
        params=params,
        progress=progress,
    )
    return with_warnings(result, extra)


__all__ = [
    "CONTEXT_COLUMNS",
    "LsoaContext",
    "lsoa_context",
    "rates_for",
    "selected_points",
    "ward_population",
]
