"""The project's ``[selection] exclude_locations`` applied to the selected offences.

:func:`apply_exclusions` leaves the excluded map points out of the selected (and
comparison) offences; :class:`Exclusions` says what each exclusion left out (an
exclusion that matches nothing is reported, not refused: it may match another
period), for the load report, the summary, map methods boxes and the briefing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hotspot.model import OffenceData, Project
from hotspot.model.places import LocationExclusion, exclusion_masks


@dataclass(frozen=True)
class ExcludedLocation:
    """What one exclusion left out.

    Attributes
    ----------
    exclusion : LocationExclusion
        The project's entry.
    offences : int
        Offences of the selected group and period it left out.
    comparison : int
        Offences of the comparison period it left out.
    points : int
        Distinct map points it matched (either period).
    """

    exclusion: LocationExclusion
    offences: int
    comparison: int
    points: int

    def line(self) -> str:
        """E.g. "On or near Hospital: 184 offences at 1 map point left out"."""
        if not self.offences and not self.comparison:
            return (
                f"{self.exclusion.text}: matched no offence of the selection; check the name "
                "(as in the Map points table) or the point's coordinates"
            )
        points = f"{self.points:,} map point{'s' if self.points != 1 else ''}"
        comp = f" (and {self.comparison:,} in the comparison period)" if self.comparison else ""
        return f"{self.exclusion.text}: {self.offences:,} offences at {points} left out{comp}"


@dataclass(frozen=True)
class Exclusions:
    """What the project's ``[selection] exclude_locations`` left out of every analysis.

    Attributes
    ----------
    entries : tuple of ExcludedLocation
        Per exclusion, what it matched.
    offences : int
        Offences of the selected period left out (each counted once).
    points : int
        Distinct map points left out (either period).
    """

    entries: tuple[ExcludedLocation, ...] = ()
    offences: int = 0
    points: int = 0

    def __bool__(self) -> bool:
        return bool(self.entries)

    @property
    def unmatched(self) -> tuple[LocationExclusion, ...]:
        """Exclusions that matched nothing (probably misspelt)."""
        return tuple(e.exclusion for e in self.entries if not e.offences and not e.comparison)

    def short(self) -> str:
        """E.g. "242 offences at 2 map points left out" ("" when nothing was)."""
        if not self.entries:
            return ""
        points = f"{self.points:,} map point{'s' if self.points != 1 else ''}"
        return f"{self.offences:,} offences at {points} left out"

    def lines(self) -> list[str]:
        """One line per exclusion, for reports and methods."""
        return [e.line() for e in self.entries]

    def sentence(self) -> str:
        """One sentence for map methods boxes and the briefing ("" when nothing is excluded)."""
        if not self.entries:
            return ""
        names = "; ".join(e.exclusion.text for e in self.entries)
        return (
            f"Left out of every analysis at the user's request: {self.short()} ({names}); "
            "a map point such as a hospital or a police station may be where offences were "
            "recorded rather than where they happened."
        )


def _point_ids(data: OffenceData, mask: np.ndarray) -> set[tuple[float, float]]:
    geoms = data.gdf.geometry.values[mask]
    return set(zip(np.round(geoms.x, 1), np.round(geoms.y, 1), strict=True))


def apply_exclusions(
    project: Project, current: OffenceData, previous: OffenceData | None = None
) -> tuple[OffenceData, OffenceData | None, Exclusions]:
    """Leave out the project's excluded map points from the selected (and comparison) offences.

    Returns the offences kept in each period and what was left out, per exclusion (an
    exclusion that matches nothing is reported, not refused: it may match another period).
    """
    found = project.selection.exclusions()
    if not found:
        return current, previous, Exclusions()
    masks = exclusion_masks(current.gdf, found)
    masks_prev = exclusion_masks(previous.gdf, found) if previous is not None else None
    entries = []
    for i, exclusion in enumerate(found):
        m = masks[i]
        mp = masks_prev[i] if masks_prev is not None else None
        points = _point_ids(current, m) | (_point_ids(previous, mp) if mp is not None else set())
        entries.append(
            ExcludedLocation(
                exclusion, int(m.sum()), int(mp.sum()) if mp is not None else 0, len(points)
            )
        )
    drop = np.logical_or.reduce(masks)
    all_points = _point_ids(current, drop)
    kept = OffenceData(current.gdf.loc[~drop].copy(), current.report)
    kept_prev = previous
    if previous is not None:
        drop_prev = np.logical_or.reduce(masks_prev)
        all_points |= _point_ids(previous, drop_prev)
        kept_prev = OffenceData(previous.gdf.loc[~drop_prev].copy(), previous.report)
    return kept, kept_prev, Exclusions(tuple(entries), int(drop.sum()), len(all_points))
