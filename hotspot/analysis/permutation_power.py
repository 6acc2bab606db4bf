"""What a permutation test can find, worked out before it runs.

With ``P`` permutations the smallest pseudo p-value is ``tails / (P + 1)``; Benjamini-Hochberg
over ``m`` tests calls the ``k`` smallest only when ``p_(k) <= level * k / m``.
:func:`power` says whether a test's result can ever be significant and how many observations
must be for any to be called; :func:`permutations_needed` how many permutations a single
observation needs to reach ``level`` on its own.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

#: Permutation counts offered when more are needed (the usual "9s" of the literature).
ROUND_PERMUTATIONS = (999, 1999, 4999, 9999, 19999, 49999, 99999)
MAX_PERMUTATIONS = ROUND_PERMUTATIONS[-1]


def _tails(alternative: str) -> int:
    return 2 if alternative == "two-sided" else 1


def permutations_needed(
    tests: int, level: float, *, fdr: bool, alternative: str = "two-sided"
) -> int:
    """The fewest permutations with which one observation alone can be significant at ``level``.

    With ``P`` permutations the smallest pseudo p-value is ``tails / (P + 1)`` (``tails`` = 2
    for two-sided tests). Without FDR one observation needs it ``<= level``; with the
    Benjamini-Hochberg correction over ``tests`` observations the smallest p-value is
    called only when ``p <= level / tests``. The count is rounded up to one of
    :data:`ROUND_PERMUTATIONS` (999 at least) and may exceed :data:`MAX_PERMUTATIONS`.

    Examples
    --------
    >>> permutations_needed(175, 0.05, fdr=True)
    9999
    >>> permutations_needed(175, 0.05, fdr=False)
    999
    """
    m = max(int(tests), 1) if fdr else 1
    exact = math.ceil(_tails(alternative) * m / float(level) - 1e-9) - 1
    for p in ROUND_PERMUTATIONS:
        if p >= exact:
            return p
    return exact


@dataclass(frozen=True)
class Power:
    """What a permutation test over ``tests`` observations can find, worked out before it runs.

    Attributes
    ----------
    tests : int
        Observations tested (cells or areas, islands excluded).
    permutations : int
        Permutations (0 = analytical test: no limit from the permutations).
    level : float
        The most lenient level anything is called at (0.10 for Gi*'s 90% class).
    fdr : bool
        Benjamini-Hochberg correction over the ``tests``.
    alternative : str
        The test ("two-sided" halves the resolution of the p-values).
    analytical : bool
        Whether the statistic has an analytical test to suggest instead (Gi* has).
    """

    tests: int
    permutations: int
    level: float
    fdr: bool
    alternative: str = "two-sided"
    analytical: bool = False

    @property
    def smallest_p(self) -> float:
        """The smallest pseudo p-value the permutations can give (0 for analytical tests)."""
        if not self.permutations:
            return 0.0
        return min(1.0, _tails(self.alternative) / (self.permutations + 1))

    @property
    def needed(self) -> int:
        """How many observations must all reach :attr:`smallest_p` for any to be called.

        1 when one observation can be significant on its own; ``tests + 1`` when nothing
        can ever be.
        """
        p = self.smallest_p
        if p > self.level * (1 + 1e-9):
            return self.tests + 1
        if not self.fdr or p == 0.0:
            return 1
        return max(1, math.ceil(p * self.tests / self.level - 1e-9))

    @property
    def possible(self) -> bool:
        """Whether any observation can be significant at all."""
        return self.needed <= self.tests

    @property
    def alone(self) -> bool:
        """Whether one observation can be significant on its own evidence."""
        return self.needed <= 1

    def advice(self, unit: str = "areas") -> str:
        """What the test can find, and what would work, with the numbers ("" when it is fine).

        Parameters
        ----------
        unit : str
            What is tested, plural ("cells", "areas", "LSOAs").
        """
        if self.alone:
            return ""
        confidence = f"{(1 - self.level) * 100:g}% confidence"
        one = unit[:-1] if unit.endswith("s") else unit
        first = (
            f"with {self.permutations:,} permutations the smallest possible p-value is "
            f"{self.smallest_p:.4g}"
        )
        if not self.possible:
            claim = f"so no {one} can ever reach {confidence}"
        else:
            fdr = f"after the false-discovery-rate correction over {self.tests:,} {unit}, "
            claim = (
                f"{fdr}one is called significant at {confidence} only when at least "
                f"{self.needed:,} {unit} reach that smallest p-value together, so real clusters "
                "may go unreported"
            )
        more = permutations_needed(
            self.tests, self.level, fdr=self.fdr, alternative=self.alternative
        )
        options = ["the analytical test (permutations = 0)"] if self.analytical else []
        if more <= MAX_PERMUTATIONS:
            options.append(f"{more:,} permutations (enough for one {one} alone)")
        elif self.permutations < MAX_PERMUTATIONS:
            at_max = dataclasses.replace(self, permutations=MAX_PERMUTATIONS).needed
            options.append(
                f"{MAX_PERMUTATIONS:,} permutations, the most Hotspot runs ({at_max:,} {unit} "
                "must then reach the smallest p-value together)"
            )
        if self.fdr:
            plain = permutations_needed(1, self.level, fdr=False, alternative=self.alternative)
            options.append(
                f"no FDR correction (fdr = false; more false alarms; {plain:,} permutations "
                "are then enough)"
            )
        return f"{first}, {claim}. What would work: " + "; or ".join(options)


def power(
    tests: int,
    permutations: int,
    level: float,
    *,
    fdr: bool,
    alternative: str = "two-sided",
    analytical: bool = False,
) -> Power:
    """What a permutation test can find (see :class:`Power`).

    Parameters
    ----------
    tests : int
        Observations tested.
    permutations : int
        Permutations (0 = analytical).
    level : float
        The most lenient significance level used.
    fdr : bool
        Whether the Benjamini-Hochberg correction is applied.
    alternative : str, optional
        "two-sided" (two tails) or a one-tailed test.
    analytical : bool, optional
        The statistic has an analytical test to suggest instead.

    Examples
    --------
    >>> p = power(3760, 999, 0.10, fdr=True)
    >>> p.smallest_p, p.needed, p.alone
    (0.002, 76, False)
    """
    return Power(
        int(tests), int(permutations or 0), float(level), bool(fdr), alternative, analytical
    )


__all__ = [
    "MAX_PERMUTATIONS",
    "ROUND_PERMUTATIONS",
    "Power",
    "permutations_needed",
    "power",
]
