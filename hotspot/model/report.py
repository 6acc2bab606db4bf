"""The load report: an honest account of every row a reader saw."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hotspot.core.errors import printable_bytes
from hotspot.core.text import one_line


def printable(text: object) -> str:
    """``text`` on one line and printable in any encoding: :func:`~hotspot.core.text.one_line`,
    with undecodable bytes of a file name (lone surrogates) shown as ``\\xNN``.

    >>> printable("caf\\udce9\\nRows kept: 0")
    'caf\\\\xe9\\\\nRows kept: 0'
    """
    return one_line(printable_bytes(str(text)))


if TYPE_CHECKING:  # pragma: no cover
    pass

# --------------------------------------------------------------------------- load report

DROP_NO_COORDINATES = "no coordinates"
DROP_OUTSIDE_GB = "coordinates at 0,0 or outside Great Britain"
DROP_BAD_MONTH = "unreadable month"
DROP_DUPLICATE = "duplicate record"
DROP_REASONS = (DROP_NO_COORDINATES, DROP_OUTSIDE_GB, DROP_BAD_MONTH, DROP_DUPLICATE)


@dataclass(frozen=True)
class LoadReport:
    """An honest account of every row a reader saw.

    ``rows_kept + sum(dropped.values()) == rows_read`` always holds.

    Attributes
    ----------
    source : str
        What was read (a file, folder or zip), for messages.
    rows_read, rows_kept : int
        Rows seen and rows kept.
    dropped : mapping
        Reason -> number of rows dropped for it (reasons in ``DROP_REASONS``, or others).
    months : tuple of str
        Months present in the kept rows ("YYYY-MM"), sorted.
    missing_months : tuple of str
        Months inside the covered range with no rows at all.
    categories : mapping
        Category -> number of kept rows.
    shared_locations : int
        Kept rows whose coordinates are identical to at least one other kept row
        (police.uk snaps offences to anonymised map points).
    files : tuple of str
        The files read.
    notes : tuple of str
        Anything else the user should know (repaired values ...).
    unknown_categories : mapping
        Labels that are not police.uk categories, kept as written -> rows.
    relabelled : tuple of (label, category, rows, by)
        Labels read as a police.uk category although not police.uk's own wording, with the
        rows concerned and what read them ("Hotspot's table" or "the project's
        [categories]").
    """

    source: str
    rows_read: int
    rows_kept: int
    dropped: Mapping[str, int] = field(default_factory=dict)
    months: tuple[str, ...] = ()
    missing_months: tuple[str, ...] = ()
    categories: Mapping[str, int] = field(default_factory=dict)
    shared_locations: int = 0
    files: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    unknown_categories: Mapping[str, int] = field(default_factory=dict)
    relabelled: tuple[tuple[str, str, int, str], ...] = ()

    def __post_init__(self) -> None:
        total = self.rows_kept + sum(self.dropped.values())
        if total != self.rows_read:
            raise AssertionError(
                f"load report does not balance: kept {self.rows_kept} + dropped "
                f"{sum(self.dropped.values())} != read {self.rows_read}"
            )

    @property
    def rows_dropped(self) -> int:
        """Total rows dropped, for any reason."""
        return sum(self.dropped.values())

    def summary(self) -> str:
        """A human-readable report, as shown in the Data panel and ``load_report.txt``."""
        lines = [f"Source: {self.source}"]
        if self.files:
            lines.append(f"Files read: {len(self.files)}")
        lines.append(f"Rows read: {self.rows_read:,}")
        lines.append(f"Rows kept: {self.rows_kept:,}")
        if self.rows_dropped:
            lines.append(f"Rows not used: {self.rows_dropped:,}")
            for reason, n in sorted(self.dropped.items(), key=lambda kv: -kv[1]):
                if n:
                    lines.append(f"  - {reason}: {n:,}")
        else:
            lines.append("Rows not used: none")
        if self.months:
            lines.append(
                f"Months covered: {self.months[0]} to {self.months[-1]} ({len(self.months)} months)"
            )
        if self.missing_months:
            lines.append("Months missing inside that range: " + ", ".join(self.missing_months))
        if self.shared_locations:
            share = self.shared_locations / max(self.rows_kept, 1)
            lines.append(
                f"Rows sharing a map point with another row: {self.shared_locations:,} "
                f"({share:.0%}; police.uk snaps locations to anonymised points)"
            )
        if self.categories:
            lines.append("Rows by category:")
            for cat, n in sorted(self.categories.items(), key=lambda kv: (-kv[1], kv[0])):
                lines.append(f"  - {cat}: {n:,}")
        lines += self.category_lines()
        lines.extend(f"Note: {n}" for n in self.notes)
        # names, categories and notes come from the files: each stays on its line
        return "\n".join(one_line(line) for line in lines)

    def category_lines(self) -> list[str]:
        """How category labels were read: labels mapped to police.uk categories, unknown ones."""
        lines = []
        if self.relabelled:
            lines.append(
                "Category labels read as police.uk categories (change or add labels under "
                "[categories] in the project file):"
            )
            for label, category, n, by in self.relabelled:
                lines.append(f"  - {label!r} -> {category}: {n:,} rows ({by})")
        if self.unknown_categories:
            listed = ", ".join(
                f"{k!r} ({v:,} rows)"
                for k, v in sorted(self.unknown_categories.items(), key=lambda kv: -kv[1])[:10]
            )
            example = next(iter(self.unknown_categories))
            lines.append(
                f"Categories that are not police.uk categories, kept as written: {listed}. "
                "'All crime' includes them; the other groups leave them out. To count them in "
                "a police.uk category, name it in the project file, e.g. [categories] "
                f'"{example}" = "Other crime"'
            )
        return lines
