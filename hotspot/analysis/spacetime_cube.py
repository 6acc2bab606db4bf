"""A space-time cube of offence counts: locations (grid cells or areas) x time steps.

police.uk data are monthly, so a time step is a whole number of months: 1 (monthly),
3 (quarters) or any N. By default the step follows the span of the window, as R's
sfhotspot chooses its period: up to 2 years, months; up to 10 years, quarters; beyond,
years; a step is made smaller when the larger one would leave fewer than 10 steps with data
(the minimum of ArcGIS's Emerging Hot Spot Analysis).

Steps are laid backwards from the last month of the window, so the most recent step (the
one the categories "new" and "consecutive" are about) is always whole; months at the
start of the window that do not fill a step are left out, and the result says so. A month
the data do not hold is missing, not zero: its step has no count and no Gi* (it is left out
of every neighbourhood), and the result names it.

Example
-------
>>> months = [f"{y}-{m:02d}" for y in (2022, 2023, 2024) for m in range(1, 13)]
>>> steps = time_steps(months[1:])  # 35 months: quarters, ending with the last month
>>> steps.step_months, len(steps.steps), steps.left_out
(3, 11, ('2022-02', '2022-03'))
>>> steps.steps[-1].label
'2024-10 to 2024-12'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from hotspot.core.errors import AnalysisError

MIN_STEPS = 10
"""Fewer time steps with data than this are refused (as ArcGIS's Emerging Hot Spot Analysis)."""

STEP_NAMES = {1: "month", 3: "quarter", 6: "half-year", 12: "year"}


def _month(value: object) -> pd.Period:
    return pd.Period(pd.Timestamp(value), freq="M") if not isinstance(value, pd.Period) else value


def step_name(step_months: int, plural: bool = False) -> str:
    """ "month", "quarter", "3 months" ... (``plural`` for "months", "quarters")."""
    name = STEP_NAMES.get(step_months)
    if name is None:
        return f"{step_months}-month step" + ("s" if plural else "")
    return name + ("s" if plural else "")


@dataclass(frozen=True)
class TimeStep:
    """One time step: its first and last month and whether the data hold every month."""

    start: pd.Period
    end: pd.Period
    complete: bool

    @property
    def label(self) -> str:
        """ "2023-01" (one month) or "2023-01 to 2023-03"."""
        return str(self.start) if self.start == self.end else f"{self.start} to {self.end}"


@dataclass(frozen=True)
class TimeSteps:
    """The time steps of a window and what was left out.

    Attributes
    ----------
    steps : tuple of TimeStep
        Oldest first; the last ends at the window's last month.
    step_months : int
        Months per step.
    left_out : tuple of str
        Months at the start of the window that do not fill a whole step ("YYYY-MM").
    missing : tuple of str
        Months inside the steps that the data do not hold ("YYYY-MM").
    auto : str
        How the step was chosen when it was computed ("" when given).
    """

    steps: tuple[TimeStep, ...]
    step_months: int
    left_out: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    auto: str = ""

    @property
    def present(self) -> np.ndarray:
        """Per step: whether the data hold every month of it."""
        return np.array([s.complete for s in self.steps], dtype=bool)

    @property
    def labels(self) -> list[str]:
        return [s.label for s in self.steps]

    @property
    def span(self) -> str:
        """ "2016-01 to 2018-06"."""
        return f"{self.steps[0].start} to {self.steps[-1].end}"

    def index_of(self, months: pd.Series) -> np.ndarray:
        """Step index of each month (datetime64 or "YYYY-MM"); -1 outside the steps."""
        periods = pd.PeriodIndex(pd.to_datetime(months), freq="M")
        first = self.steps[0].start
        offset = (periods.year - first.year) * 12 + (periods.month - first.month)
        idx = np.asarray(offset, dtype=np.int64) // self.step_months
        idx[(np.asarray(offset) < 0) | (idx >= len(self.steps))] = -1
        return idx


def _auto_step(n_months: int) -> tuple[int, ...]:
    """Candidate steps for a window of ``n_months``, the preferred first (sfhotspot's rule)."""
    if n_months <= 24:
        return (1,)
    if n_months <= 120:
        return (3, 1)
    return (12, 3, 1)


def _lay_steps(months: list[pd.Period], step: int, covered: set[pd.Period]) -> TimeSteps:
    n_steps = len(months) // step
    cut = len(months) - n_steps * step
    steps = []
    for i in range(n_steps):
        chunk = months[cut + i * step : cut + (i + 1) * step]
        steps.append(TimeStep(chunk[0], chunk[-1], all(m in covered for m in chunk)))
    missing = tuple(str(m) for m in months[cut:] if m not in covered)
    return TimeSteps(tuple(steps), step, tuple(str(m) for m in months[:cut]), missing)


def time_steps(
    covered: Sequence[object],
    *,
    step_months: int | None = None,
    months: int | None = None,
    end: object = None,
) -> TimeSteps:
    """The time steps of a window of months.

    Parameters
    ----------
    covered : sequence of month-likes
        The months the data hold ("YYYY-MM", timestamps or periods).
    step_months : int, optional
        Months per step (default: from the span, see the module docstring).
    months : int, optional
        Length of the window in months, ending at ``end`` (default: from the first month
        the data hold).
    end : month-like, optional
        The window's last month (default: the last month the data hold).

    Raises
    ------
    AnalysisError
        When the window is shorter than one step, or leaves fewer than 10 steps with data
        (the message says which parameter to change).
    """
    have = sorted({_month(m) for m in covered})
    if not have:
        raise AnalysisError("the offence data hold no month to analyse over time")
    last = _month(end) if end is not None else have[-1]
    first = last - (int(months) - 1) if months else have[0]
    if first > last:
        raise AnalysisError(
            f"the window ends ({last}) before the data start ({have[0]}); set its end later"
        )
    window = list(pd.period_range(first, last, freq="M"))
    known = set(have)
    if step_months is not None:
        candidates, auto = (int(step_months),), ""
    else:
        candidates = _auto_step(len(window))
        auto = f"a window of {len(window)} months"
    if len(window) < candidates[-1]:
        raise AnalysisError(
            f"the window ({len(window)} month{'s' * (len(window) != 1)}, {first} to {last}) is "
            f"shorter than one time step ({step_name(candidates[-1], plural=False)}): use a "
            "shorter step (step_months = 1) or a longer window (months)"
        )
    for step in candidates:
        laid = _lay_steps(window, step, known)
        if int(laid.present.sum()) >= MIN_STEPS:
            break
    n_ok = int(laid.present.sum())
    if n_ok < MIN_STEPS:
        hint = (
            "use a shorter step (step_months = 1) or a longer window"
            if laid.step_months > 1
            else "use a longer window (more months of data)"
        )
        raise AnalysisError(
            f"only {n_ok} time step{'s' * (n_ok != 1)} with data ({step_name(laid.step_months, True)} "
            f"in {first} to {last}): emerging hot spot analysis needs at least {MIN_STEPS} "
            f"(as ArcGIS does); {hint}"
        )
    if auto:
        why = f"{auto}"
        if laid.step_months != candidates[0]:
            why += (
                f" ({step_name(candidates[0], True)} would leave fewer than {MIN_STEPS} steps "
                "with data)"
            )
        return TimeSteps(laid.steps, laid.step_months, laid.left_out, laid.missing, why)
    return laid


def cube_counts(
    location: np.ndarray, step: np.ndarray, n_locations: int, n_steps: int
) -> np.ndarray:
    """Counts per (location, step) from each point's location and step (-1 = none).

    Returns
    -------
    numpy.ndarray
        ``(n_locations, n_steps)`` float64.
    """
    ok = (location >= 0) & (step >= 0)
    flat = location[ok] * n_steps + step[ok]
    counts = np.bincount(flat, minlength=n_locations * n_steps)
    return counts.reshape(n_locations, n_steps).astype(float)


__all__ = [
    "MIN_STEPS",
    "TimeStep",
    "TimeSteps",
    "cube_counts",
    "step_name",
    "time_steps",
]
