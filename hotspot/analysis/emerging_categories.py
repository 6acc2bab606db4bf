"""The 17 categories of emerging hot spot analysis (ArcGIS's definitions), vectorised.

Each location has a series of time steps, each a significant hot spot, a significant cold
spot or neither, and a Mann-Kendall trend of its Gi* z-scores. "90%" means at least 90% of
the time steps with data (exactly 90% counts); "the final step" is the last step with data.
The definitions are ArcGIS Pro's ("How Emerging Hot Spot Analysis works"); where two could
apply, the most recent step decides first (a location hot in the final step is never
historical), and a history of the opposite kind makes a location oscillating.

======================  ==============================================================
New hot spot            hot in the final step and never hot before
Consecutive hot spot    one uninterrupted run of at least two hot steps at the end, never
                        hot before the run, less than 90% of steps hot
Intensifying hot spot   hot in at least 90% of steps including the final one, and the
                        clustering of high counts rises significantly (Mann-Kendall)
Persistent hot spot     hot in at least 90% of steps including the final one, no
                        significant trend
Diminishing hot spot    hot in at least 90% of steps including the final one, and the
                        clustering falls significantly
Sporadic hot spot       hot in the final step, on-again off-again hot before, less than
                        90% of steps hot, never a cold spot
Oscillating hot spot    hot in the final step, a cold spot in some earlier step, less
                        than 90% of steps hot
Historical hot spot     not hot in the final step, but hot in at least 90% of steps
(cold spots)            the same with hot and cold swapped (intensifying: falling z)
No pattern detected     none of the above
======================  ==============================================================
"""

from __future__ import annotations

import numpy as np

PATTERNS = (
    "new",
    "consecutive",
    "intensifying",
    "persistent",
    "diminishing",
    "sporadic",
    "oscillating",
    "historical",
)

CATEGORIES: tuple[str, ...] = (
    *(f"{p} hot spot" for p in PATTERNS),
    *(f"{p} cold spot" for p in PATTERNS),
    "no pattern detected",
)
"""The 17 categories, hot spots first; codes are positions (hot 1..8, cold -1..-8, 0)."""

DEFINITIONS: dict[str, str] = {
    "new": "hot in the final time step and never a significant hot spot before.",
    "consecutive": (
        "a single uninterrupted run of at least two hot time steps ending with the final "
        "one, never hot before the run, and hot in less than 90% of the steps."
    ),
    "intensifying": (
        "hot in at least 90% of the time steps, including the final one, and the clustering "
        "of high counts rises significantly over time (Mann-Kendall trend test)."
    ),
    "persistent": (
        "hot in at least 90% of the time steps, including the final one, with no significant "
        "rise or fall in the clustering over time."
    ),
    "diminishing": (
        "hot in at least 90% of the time steps, including the final one, and the clustering "
        "of high counts falls significantly over time."
    ),
    "sporadic": (
        "hot in the final time step, on-again off-again hot before, hot in less than 90% of "
        "the steps and never a significant cold spot."
    ),
    "oscillating": (
        "hot in the final time step, a significant cold spot in some earlier step, and hot in "
        "less than 90% of the steps."
    ),
    "historical": "not hot in the final time step, but hot in at least 90% of the steps.",
}
"""One sentence per hot-spot pattern (cold spots: the same with hot and cold swapped)."""


def category_code(name: str) -> int:
    """1..8 for hot-spot patterns, -1..-8 for cold, 0 for no pattern."""
    if name == "no pattern detected":
        return 0
    pattern, kind = name.split(" ", 1)
    return (PATTERNS.index(pattern) + 1) * (1 if kind == "hot spot" else -1)


def category_name(code: int) -> str:
    """The category of a code (see :func:`category_code`)."""
    if code == 0:
        return "no pattern detected"
    return f"{PATTERNS[abs(code) - 1]} {'hot' if code > 0 else 'cold'} spot"


def _one_side(hot: np.ndarray, other: np.ndarray, rising: np.ndarray) -> np.ndarray:
    """Pattern index (1..8) of each row for one side (hot, or cold with ``hot`` = cold), 0 none.

    ``hot``/``other``: (m, n) bool over the steps with data; ``rising``: (m,) int8 trend in the
    direction of this side (+1 intensifying, -1 diminishing, 0 none).
    """
    m, n = hot.shape
    out = np.zeros(m, dtype=np.int8)
    n_hot = hot.sum(axis=1)
    most = n_hot * 10 >= 9 * n  # at least 90% of the steps, in integers
    final = hot[:, -1]
    # length of the run of hot steps ending with the final one
    not_hot = ~hot[:, ::-1]
    run = np.where(not_hot.any(axis=1), not_hot.argmax(axis=1), n)
    before = n_hot - run > 0
    other_ever = other.any(axis=1)
    code = {p: i + 1 for i, p in enumerate(PATTERNS)}
    rules = [
        (final & most & (rising > 0), "intensifying"),
        (final & most & (rising < 0), "diminishing"),
        (final & most & (rising == 0), "persistent"),
        (final & ~most & other_ever, "oscillating"),
        (final & ~most & ~before & (run == 1), "new"),
        (final & ~most & ~before & (run >= 2), "consecutive"),
        (final & ~most & before, "sporadic"),
        (~final & most, "historical"),
    ]
    for mask, name in rules:
        out[(out == 0) & mask] = code[name]
    return out


def classify(
    hot: np.ndarray, cold: np.ndarray, trend: np.ndarray, present: np.ndarray | None = None
) -> np.ndarray:
    """The category code of each location (see :func:`category_name`).

    Parameters
    ----------
    hot, cold : array_like of bool, shape (m, n)
        Per location and time step: a significant hot / cold spot.
    trend : array_like of int, shape (m,)
        Significant Mann-Kendall trend of each location's z-scores: +1 rising, -1 falling,
        0 none.
    present : array_like of bool, shape (n,), optional
        Steps with data (others are left out of every count); default all.

    Returns
    -------
    numpy.ndarray of int8
        1..8 hot patterns, -1..-8 cold patterns, 0 no pattern.
    """
    hot = np.atleast_2d(np.asarray(hot, dtype=bool))
    cold = np.atleast_2d(np.asarray(cold, dtype=bool))
    trend = np.asarray(trend, dtype=np.int8).ravel()
    if present is not None:
        keep = np.asarray(present, dtype=bool)
        hot, cold = hot[:, keep], cold[:, keep]
    if hot.shape[1] == 0:
        return np.zeros(hot.shape[0], dtype=np.int8)
    hot_side = _one_side(hot, cold, trend)
    cold_side = _one_side(cold, hot, -trend)
    # the final step decides which side a location is on; otherwise the side with a pattern
    final_cold = cold[:, -1]
    return np.where(
        final_cold | (hot_side == 0), -cold_side.astype(np.int16), hot_side.astype(np.int16)
    ).astype(np.int8)


__all__ = [
    "CATEGORIES",
    "DEFINITIONS",
    "PATTERNS",
    "category_code",
    "category_name",
    "classify",
]
