"""The project's selection applied to the loaded offences: offence group, period, comparison.

The map points the project excludes are left out by :mod:`hotspot.pipeline.exclusions`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hotspot.core.errors import ProjectError
from hotspot.model import OffenceData, Period, Project, month_str
from hotspot.model.taxonomy import OffenceGroup, all_groups, left_out_text
from hotspot.pipeline.exclusions import Exclusions, apply_exclusions
from hotspot.pipeline.workspace import Workspace


def selected_group(project: Project) -> OffenceGroup:
    """The offence group the project selects (a preset or one of its own groups).

    Raises
    ------
    ProjectError
        When the group is neither a preset nor one of the project's groups.
    """
    groups = all_groups(project.groups)
    name = project.selection.group
    if name not in groups:
        raise ProjectError(
            f"selection.group: {name!r} is not a preset or a group defined under [groups]; "
            f"known groups: {', '.join(groups)}"
        )
    return groups[name]


def selected_period(project: Project, offences: OffenceData | None) -> Period | None:
    """The selected period; a computed end is the latest month in ``offences``."""
    last = offences.last_month if offences is not None else None
    return project.selection.period(last)


def select_offences(project: Project, offences: OffenceData) -> OffenceData:
    """The offences of the selected group within the selected period (exclusions left out)."""
    chosen = offences.select(selected_group(project), selected_period(project, offences))
    return apply_exclusions(project, chosen)[0]


def group_offences(project: Project, offences: OffenceData) -> OffenceData:
    """The selected group in every month, the project's excluded map points left out."""
    kept, _, _ = apply_exclusions(project, offences.select(selected_group(project)))
    return kept


def comparison_offences(project: Project, offences: OffenceData) -> OffenceData | None:
    """The selected group in the previous period of equal length (None when not compared)."""
    period = selected_period(project, offences)
    if period is None or not project.selection.compare:
        return None
    return apply_exclusions(project, offences.select(selected_group(project), period.previous()))[0]


@dataclass(frozen=True)
class Selection:
    """The project's selection applied to the loaded offences.

    Attributes
    ----------
    group : OffenceGroup
        The selected offence group.
    period : Period or None
        The selected period (None when there are no offences to take an end from).
    comparison_period : Period or None
        The previous period of equal length, when the project compares and the data
        cover at least half of it (else None, with a warning).
    offences : OffenceData or None
        The selected offences.
    comparison : OffenceData or None
        The same group in the comparison period.
    warnings : tuple of str
        Plain-English warnings (selected months the data do not cover ...).
    excluded : Exclusions
        The map points the project leaves out (already left out of ``offences`` and
        ``comparison``).
    left_out : dict
        Rows of the period the group leaves out, by category (most first).
    """

    group: OffenceGroup
    period: Period | None
    comparison_period: Period | None
    offences: OffenceData | None
    comparison: OffenceData | None
    warnings: tuple[str, ...] = ()
    excluded: Exclusions = Exclusions()
    left_out: dict[str, int] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """E.g. "Serious violence (police.uk), 12 months to September 2025" (and what the
        project's exclusions left out, e.g. "; 242 offences at 2 map points left out")."""
        base = f"{self.group.name}, {self.period.label}" if self.period else self.group.name
        return f"{base}; {self.excluded.short()}" if self.excluded else base

    @property
    def left_out_text(self) -> str:
        """ "leaves out 1,234 rows of other categories: ..." or "" (every row selected)."""
        return left_out_text(self.group, self.left_out)


def months_available(months: tuple[str, ...] | list[str]) -> str:
    """ "the offence data cover 2016-01 to 2018-06 (29 months; 2016-03 missing)"."""
    if not months:
        return "the offence data hold no month"
    months = sorted(months)
    every = Period(months[0], months[-1]).months()
    missing = [month_str(m) for m in every if month_str(m) not in set(months)]
    gap = ""
    if missing:
        listed = ", ".join(missing[:6]) + (" ..." if len(missing) > 6 else "")
        gap = f"; {len(missing)} missing: {listed}"
    n = len(months)
    return (
        f"the offence data cover {months[0]} to {months[-1]} ({n} month{'s' if n != 1 else ''}"
        f"{gap})"
    )


def covered_months(period: Period, months: set[str] | tuple[str, ...]) -> list[str]:
    """The months of ``period`` present in ``months`` ("YYYY-MM")."""
    have = set(months)
    return [m for m in (month_str(t) for t in period.months()) if m in have]


def too_sparse(period: Period, months: set[str] | tuple[str, ...]) -> bool:
    """Whether the data cover fewer than half of the period's months (or none)."""
    return 2 * len(covered_months(period, months)) < period.n_months


def _coverage_warning(what: str, period: Period, covered: set[str]) -> str | None:
    missing = [m for m in (month_str(t) for t in period.months()) if m not in covered]
    if not missing:
        return None
    listed = ", ".join(missing[:6]) + (" ..." if len(missing) > 6 else "")
    return (
        f"the offence data miss {len(missing)} of the {period.n_months} months of the {what} "
        f"({listed}); its counts are incomplete"
    )


def _no_comparison(period: Period, covered: set[str]) -> str:
    n = len(covered_months(period, covered))
    return (
        f"no change figures: the offence data hold {n} of the {period.n_months} months of the "
        f"comparison period ({period.span}), too few to compare with ({months_available(covered)}). "
        "Choose a later end month, or turn the comparison off (selection.compare = false; "
        "'Compare with previous period' in the Data panel)"
    )


def select(project: Project, workspace: Workspace) -> Selection:
    """Apply the project's selection to the workspace's offences.

    A comparison period the data cover less than half of is dropped with a warning (change
    figures from it would mean nothing); a selected period with missing months is kept
    with a warning (:mod:`hotspot.pipeline.validate` refuses one with less than half).
    """
    group = selected_group(project)
    offences = workspace.offences
    period = selected_period(project, offences)
    comparison_period = period.previous() if period and project.selection.compare else None
    if offences is None:
        return Selection(group, period, comparison_period, None, None)
    covered = set(offences.report.months)
    warnings = []
    w = _coverage_warning("selected period", period, covered) if period is not None else None
    if w and not too_sparse(period, covered):
        warnings.append(w)
    if comparison_period is not None:
        if too_sparse(comparison_period, covered):
            warnings.append(_no_comparison(comparison_period, covered))
            comparison_period = None
        else:
            w = _coverage_warning("comparison period", comparison_period, covered)
            if w:
                warnings.append(w)
    current, previous, excluded = apply_exclusions(
        project,
        offences.select(group, period),
        offences.select(group, comparison_period) if comparison_period else None,
    )
    warnings += [
        f"the exclusion {e.text!r} matched no offence of the selected group in either period; "
        "check its spelling against the Map points table"
        for e in excluded.unmatched
    ]
    return Selection(
        group,
        period,
        comparison_period,
        current,
        previous,
        tuple(warnings),
        excluded=excluded,
        left_out=group.left_out(offences.category_counts(period)),
    )
