"""Class breaks of choropleth maps: quantiles, natural breaks, equal interval, tertiles.

:func:`classify` computes mapclassify's schemes (quantiles, natural breaks =
Fisher-Jenks, equal interval) with plain numpy, tested against mapclassify (importing
mapclassify compiles numba kernels on first use), and returns class labels ready for
a legend. :func:`tertiles` gives the thirds of a bivariate choropleth.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from hotspot.core.errors import HotspotError
from hotspot.maps.style import DIVERGING, NO_DATA_COLOUR, SEQUENTIAL, ramp

SCHEMES: dict[str, tuple[str, str]] = {
    "quantiles": ("Quantiles", "quantiles"),
    "natural_breaks": ("FisherJenks", "natural breaks (Jenks)"),
    "equal_interval": ("EqualInterval", "equal intervals"),
}
"""Scheme -> (mapclassify class it reproduces, legend wording)."""

DEFAULT_SCHEME = "natural_breaks"
"""The classes of every rate and count map (print, interactive, window): natural breaks
keep wards with similar rates together and very different ones apart, where quantiles
would put a borough's few high-rate wards in one class with much lower ones."""


def quantile_breaks(values: np.ndarray, k: int) -> np.ndarray:
    """Upper bounds of ``k`` quantile classes (as mapclassify's ``Quantiles``).

    Repeated bounds (many ties) collapse, giving fewer classes.
    """
    pct = np.linspace(100.0 / k, 100.0, k)
    return np.unique(np.percentile(np.asarray(values, dtype=float), pct))


def equal_interval_breaks(values: np.ndarray, k: int) -> np.ndarray:
    """Upper bounds of ``k`` classes of equal width (as mapclassify's ``EqualInterval``)."""
    v = np.asarray(values, dtype=float)
    lo, hi = float(v.min()), float(v.max())
    cuts = lo + (hi - lo) / k * np.arange(1, k + 1)
    cuts[-1] = hi
    return cuts


JENKS_SAMPLE = 1000
"""Natural breaks of more values than this are found on a sample of this many."""


def fisher_jenks_breaks(values: np.ndarray, k: int) -> np.ndarray:
    """Upper bounds of ``k`` natural-breaks classes (Fisher's exact optimisation).

    Minimises the total within-class sum of squared deviations by dynamic
    programming, as mapclassify's ``FisherJenks`` does; plain numpy, so there is no
    compiler to wait for on first use. Above ``JENKS_SAMPLE`` values the breaks are
    found on that many values at evenly spaced ranks (as mapclassify's
    ``FisherJenksSampled``, without its randomness), so a map of thousands of areas
    is classed in a moment.
    """
    x = np.sort(np.asarray(values, dtype=float))
    if len(x) > JENKS_SAMPLE:
        x = x[np.round(np.linspace(0, len(x) - 1, JENKS_SAMPLE)).astype(int)]
    n = len(x)
    k = min(k, n)
    s1 = np.concatenate([[0.0], np.cumsum(x)])
    s2 = np.concatenate([[0.0], np.cumsum(x * x)])

    def ssd(j: np.ndarray, i: int) -> np.ndarray:  # classes x[j..i], j an array of starts
        cnt = i + 1 - j
        tot = s1[i + 1] - s1[j]
        return (s2[i + 1] - s2[j]) - tot * tot / cnt

    cost = np.full((k, n), np.inf)
    start = np.zeros((k, n), dtype=np.int64)
    cost[0] = s2[1:] - s1[1:] ** 2 / np.arange(1, n + 1)  # one class from x[0] to x[i]
    for m in range(1, k):
        for i in range(m, n):
            j = np.arange(m, i + 1)
            c = cost[m - 1, j - 1] + ssd(j, i)
            best = int(np.argmin(c))
            cost[m, i] = c[best]
            start[m, i] = j[best]
    ends = [n - 1]
    i = n - 1
    for m in range(k - 1, 0, -1):
        i = int(start[m, i]) - 1
        ends.append(i)
    return x[np.array(ends[::-1])]


_BREAKS = {
    "quantiles": quantile_breaks,
    "natural_breaks": fisher_jenks_breaks,
    "equal_interval": equal_interval_breaks,
}


@dataclass(frozen=True)
class Classes:
    """Class breaks of a numeric column and their colours.

    Attributes
    ----------
    scheme : str
        "quantiles", "natural_breaks" or "equal_interval".
    bins : tuple of float
        Upper bound of each class (the last is the maximum).
    labels : tuple of str
        Legend label of each class, e.g. ``"12.5 - 20.1"``.
    colours : tuple of str
        Colour of each class.
    index : numpy.ndarray
        Class of each value (``-1`` for missing values).
    """

    scheme: str
    bins: tuple[float, ...]
    labels: tuple[str, ...]
    colours: tuple[str, ...]
    index: np.ndarray = field(repr=False)

    def colour_of(self, missing: str = NO_DATA_COLOUR) -> list[str]:
        """Colour of every value (``missing`` for missing values)."""
        return [self.colours[i] if i >= 0 else missing for i in self.index]

    def label_of(self, missing: str = "No data") -> list[str]:
        """Class label of every value."""
        return [self.labels[i] if i >= 0 else missing for i in self.index]


def _fmt_number(x: float, decimals: int) -> str:
    text = f"{x:,.{decimals}f}"
    if text.startswith("-"):
        text = "\u2212" + text[1:]  # a true minus sign
        if not text.strip("\u22120.,"):
            text = text[1:]  # "-0.0" -> "0.0"
    return text


def _decimals_for(values: np.ndarray) -> int:
    if values.size and np.all(values == np.round(values)):
        return 0  # whole numbers (counts, changes in counts)
    span = float(np.nanmax(values) - np.nanmin(values)) if values.size else 0.0
    if span >= 100:
        return 0
    if span >= 1:
        return 1
    return 2


def classify(
    values: Sequence[float] | np.ndarray,
    *,
    scheme: str = DEFAULT_SCHEME,
    k: int = 5,
    palette: str | None = None,
    diverging: bool = False,
    decimals: int | None = None,
) -> Classes:
    """Class breaks (mapclassify's schemes), colours and legend labels.

    Parameters
    ----------
    values : array-like of float
        The values to classify; NaN means missing (drawn in the no-data colour).
    scheme : {"natural_breaks", "quantiles", "equal_interval"}
        The breaks of mapclassify's FisherJenks (default), Quantiles or EqualInterval
        (computed here with numpy: importing mapclassify compiles numba kernels
        for several seconds when numba is installed).
    k : int
        Number of classes wanted (fewer when there are fewer distinct values).
    palette : str, optional
        A matplotlib colormap name; default YlOrRd, or PuOr_r when ``diverging``.
    diverging : bool
        Colour classes on a ramp centred on zero (for change): negative classes
        purple, positive classes orange, the darkest at the largest magnitude. Falls
        and rises are classed separately (no class holds both) and zero, when
        present, is a class of its own.
    decimals : int, optional
        Decimals in the labels; chosen from the range of the values by default.

    Returns
    -------
    Classes

    Raises
    ------
    HotspotError
        When ``scheme`` is unknown or ``k`` is less than 1.
    """
    if scheme not in SCHEMES:
        raise HotspotError(
            f"classification scheme {scheme!r} is not known; use one of {', '.join(SCHEMES)}"
        )
    if k < 1:
        raise HotspotError(f"number of classes: {k} is too small; use at least 1")
    v = np.asarray(values, dtype=float)
    ok = np.isfinite(v)
    index = np.full(v.shape, -1, dtype=int)
    if not ok.any():
        return Classes(scheme, (), (), (), index)
    finite = v[ok]
    dec = _decimals_for(finite) if decimals is None else decimals
    neg, pos = finite[finite < 0], finite[finite > 0]
    if diverging and neg.size and pos.size:
        # no class straddles zero: falls and rises are classed apart (each side gets a
        # share of the k classes), and no change (0) is a class of its own
        has_zero = bool((finite == 0).any())
        k_sides = max(2, k - int(has_zero))
        k_neg = min(k_sides - 1, max(1, round(k_sides * neg.size / (neg.size + pos.size))))
        bounds = _class_bounds(neg, scheme, k_neg)
        if has_zero:
            bounds.append((0.0, 0.0))
        bounds += _class_bounds(pos, scheme, k_sides - k_neg)
    else:
        bounds = _class_bounds(finite, scheme, k)
    bins = np.array([hi for _, hi in bounds])
    yb = np.searchsorted(bins, finite, side="left")
    index[ok] = np.minimum(yb, len(bins) - 1)
    labels = tuple(
        _fmt_number(lo, dec)
        if _fmt_number(lo, dec) == _fmt_number(hi, dec)
        else f"{_fmt_number(lo, dec)} – {_fmt_number(hi, dec)}"
        for lo, hi in bounds
    )
    if diverging:
        from matplotlib import colormaps
        from matplotlib.colors import to_hex

        # shade by the class's place from zero on its side (falls purple, rises orange),
        # with the same steps on both sides, so a small side still reads as a side
        cmap = colormaps[palette or DIVERGING]
        sides = [-1 if hi < 0 else (1 if lo > 0 else 0) for lo, hi in bounds]
        n_side = max(sides.count(-1), sides.count(1), 1)
        falls = sides.count(-1)
        steps = [
            0 if side == 0 else (falls - i if side < 0 else i - (len(sides) - sides.count(1)) + 1)
            for i, side in enumerate(sides)
        ]
        colours = tuple(
            to_hex(cmap(0.5 + side * (0.15 + 0.3 * step / n_side)))
            for side, step in zip(sides, steps, strict=True)
        )
    else:
        colours = tuple(ramp(palette or SEQUENTIAL, len(bins)))
    return Classes(scheme, tuple(bins.tolist()), labels, colours, index)


def _class_bounds(values: np.ndarray, scheme: str, k: int) -> list[tuple[float, float]]:
    """(lowest, highest) value of each class; a class holds the values above the previous
    upper bound. Labels from these never overlap ("24.2 – 29.6", then "37.5")."""
    k_eff = max(1, min(k, len(np.unique(values))))
    if k_eff == 1:
        bins = np.array([values.max()])
    else:
        bins = np.unique(_BREAKS[scheme](values, k_eff))
    which = np.minimum(np.searchsorted(bins, values, side="left"), len(bins) - 1)
    lows = []
    for i, hi in enumerate(bins.tolist()):
        members = values[which == i]
        lows.append(float(members.min()) if members.size else (lows[-1] if lows else hi))
    return list(zip(lows, bins.tolist(), strict=True))


def tertile_breaks(values: Sequence[float] | np.ndarray) -> tuple[float, float] | None:
    """The two cut points of the thirds (upper bounds of low and middle); None if no values."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if not v.size:
        return None
    q = np.quantile(v, [1 / 3, 2 / 3])
    return float(q[0]), float(q[1])


def tertiles(values: Sequence[float] | np.ndarray) -> np.ndarray:
    """Tertile class (0 low, 1 middle, 2 high) of every value; -1 for missing values."""
    v = np.asarray(values, dtype=float)
    out = np.full(v.shape, -1, dtype=int)
    ok = np.isfinite(v)
    cuts = tertile_breaks(v)
    if cuts is None:
        return out
    out[ok] = np.searchsorted(np.array(cuts), v[ok], side="left")
    return out


__all__ = [
    "DEFAULT_SCHEME",
    "SCHEMES",
    "Classes",
    "classify",
    "equal_interval_breaks",
    "fisher_jenks_breaks",
    "quantile_breaks",
    "tertile_breaks",
    "tertiles",
]
