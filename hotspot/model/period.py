"""Months and periods: "12 months to October 2024" and the period before it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from hotspot.core.errors import ProjectError

if TYPE_CHECKING:  # pragma: no cover
    pass

# --------------------------------------------------------------------------- months

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(value: Any, *, key: str = "month") -> pd.Timestamp:
    """Parse ``"YYYY-MM"`` (or a timestamp) to the first day of that month.

    Raises
    ------
    ProjectError
        When the value is not a month, naming ``key``.
    """
    if isinstance(value, pd.Timestamp):
        return value.to_period("M").to_timestamp()
    m = _MONTH_RE.match(str(value).strip()) if value is not None else None
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ProjectError(f"{key}: {value!r} is not a month; write it as YYYY-MM, e.g. 2024-10")
    return pd.Timestamp(int(m.group(1)), int(m.group(2)), 1)


def month_str(ts: pd.Timestamp) -> str:
    """Format a timestamp as ``"YYYY-MM"``."""
    return f"{ts.year:04d}-{ts.month:02d}"


def month_label(ts: pd.Timestamp) -> str:
    """Format a timestamp as ``"October 2024"``."""
    return f"{ts:%B %Y}"


@dataclass(frozen=True)
class Period:
    """An inclusive range of whole months.

    Attributes
    ----------
    start, end : pandas.Timestamp
        First day of the first and of the last month.
    """

    start: pd.Timestamp
    end: pd.Timestamp

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", parse_month(self.start, key="period start"))
        object.__setattr__(self, "end", parse_month(self.end, key="period end"))
        if self.end < self.start:
            raise ProjectError(
                f"period: ends ({month_str(self.end)}) before it starts ({month_str(self.start)})"
            )

    @classmethod
    def months_to(cls, end: Any, n: int = 12) -> Period:
        """The ``n`` months up to and including ``end`` ("12 months to October 2024")."""
        if n < 1:
            raise ProjectError(f"period: the number of months must be at least 1, got {n}")
        e = parse_month(end, key="period end")
        return cls(e - pd.DateOffset(months=n - 1), e)

    @property
    def n_months(self) -> int:
        """Number of months in the period."""
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    def previous(self) -> Period:
        """The period of equal length ending the month before this one starts."""
        end = self.start - pd.DateOffset(months=1)
        return Period.months_to(end, self.n_months)

    def months(self) -> list[pd.Timestamp]:
        """Every month in the period, in order."""
        return list(pd.date_range(self.start, self.end, freq="MS"))

    def contains(self, months: pd.Series) -> pd.Series:
        """Boolean mask: which of ``months`` (datetime64) fall in the period."""
        return (months >= self.start) & (months <= self.end)

    @property
    def label(self) -> str:
        """Plain-English label, e.g. "12 months to October 2024"."""
        if self.n_months == 1:
            return month_label(self.end)
        return f"{self.n_months} months to {month_label(self.end)}"

    @property
    def span(self) -> str:
        """Compact range, e.g. "2023-11 to 2024-10"."""
        return f"{month_str(self.start)} to {month_str(self.end)}"
