"""The project's selection applied to the loaded offences: offence group, period, comparison."""

from __future__ import annotations

from dataclasses import dataclass

from hotspot.core.errors import ProjectError
from hotspot.model import OffenceData, Period, Project, month_str
from hotspot.model.taxonomy import OffenceGroup, all_groups
from hotspot.pipeline.workspace import Workspace

# --------------------------------------------------------------------------- selection


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
    """The offences of the selected group within the selected period."""
    return offences.select(selected_group(project), selected_period(project, offences))


def comparison_offences(project: Project, offences: OffenceData) -> OffenceData | None:
    """The selected group in the previous period of equal length (None when not compared)."""
    period = selected_period(project, offences)
    if period is None or not project.selection.compare:
        return None
    return offences.select(selected_group(project), period.previous())


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
        The previous period of equal length, when the project compares.
    offences : OffenceData or None
        The selected offences.
    comparison : OffenceData or None
        The same group in the comparison period.
    warnings : tuple of str
        Plain-English warnings (selected months the data do not cover ...).
    """

    group: OffenceGroup
    period: Period | None
    comparison_period: Period | None
    offences: OffenceData | None
    comparison: OffenceData | None
    warnings: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """E.g. "Serious violence (police.uk), 12 months to September 2025"."""
        return f"{self.group.name}, {self.period.label}" if self.period else self.group.name


def _coverage_warning(what: str, period: Period, covered: set[str]) -> str | None:
    missing = [m for m in (month_str(t) for t in period.months()) if m not in covered]
    if not missing:
        return None
    if len(missing) == period.n_months:
        return (
            f"the offence data hold no month of the {what} ({period.span}); the counts for it "
            "are zero. Change the period's end month, or add offence data for those months"
        )
    listed = ", ".join(missing[:6]) + (" ..." if len(missing) > 6 else "")
    return (
        f"the offence data miss {len(missing)} of the {period.n_months} months of the {what} "
        f"({listed}); its counts are incomplete"
    )


def select(project: Project, workspace: Workspace) -> Selection:
    """Apply the project's selection to the workspace's offences."""
    group = selected_group(project)
    offences = workspace.offences
    period = selected_period(project, offences)
    comparison_period = period.previous() if period and project.selection.compare else None
    if offences is None:
        return Selection(group, period, comparison_period, None, None)
    covered = set(offences.report.months)
    warnings = []
    for what, p in (("selected period", period), ("comparison period", comparison_period)):
        w = _coverage_warning(what, p, covered) if p is not None else None
        if w:
            warnings.append(w)
    return Selection(
        group,
        period,
        comparison_period,
        offences.select(group, period),
        offences.select(group, comparison_period) if comparison_period else None,
        tuple(warnings),
    )
