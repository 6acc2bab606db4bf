"""Hot spots that change over time, planted in the demo borough (with their ground truth).

Six places, each one map point away from the town centres and from each other, receive
violence month by month (Poisson counts around these means) in a pattern an emerging hot spot analysis should recognise
(ArcGIS's categories, monthly steps over the demo's 24 months):

=============  ==========================================================
new            offences in the final month only
consecutive    offences in the last three months only
intensifying   every month, rising from 10 to 28 a month
persistent     18 a month, every month
diminishing    every month, falling from 28 to 10 a month
sporadic       20 offences in four months, the final one included
=============  ==========================================================

Their rows are added to the monthly police.uk files (category "Violence and sexual
offences", so the demo's serious-violence selection holds them), and ``ground_truth.json``
records each place, its monthly counts and the category expected.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from hotspot.demo.geography import Geography

CATEGORY = "Violence and sexual offences"
MIN_FROM_CENTRES = 900.0  # metres beyond a town centre's radius
MIN_APART = 900.0
MIN_FROM_EDGE = 600.0
_OUTCOMES = (
    "Investigation complete; no suspect identified",
    "Unable to prosecute suspect",
    "Under investigation",
)


def monthly_counts(pattern: str, n_months: int) -> list[int]:
    """Mean offences per month of each planted pattern (oldest month first)."""
    last = n_months - 1
    if pattern == "new":
        return [0] * last + [20]
    if pattern == "consecutive":
        return [0] * (n_months - 3) + [18] * 3
    if pattern == "intensifying":
        return [int(10 + 18 * i / last) for i in range(n_months)]
    if pattern == "persistent":
        return [18] * n_months
    if pattern == "diminishing":
        return [int(28 - 18 * i / last) for i in range(n_months)]
    if pattern == "sporadic":
        bursts = {last - 20, last - 14, last - 8, last}
        return [20 if i in bursts else 0 for i in range(n_months)]
    raise ValueError(f"unknown pattern {pattern!r}")


PATTERNS = ("new", "consecutive", "intensifying", "persistent", "diminishing", "sporadic")


@dataclass(frozen=True)
class TemporalSite:
    """One planted place: its map point, pattern, expected category and monthly counts."""

    pattern: str
    point: int
    x: float
    y: float
    counts: tuple[int, ...]

    @property
    def expected(self) -> str:
        """The emerging hot spot category an analysis should give it."""
        return f"{self.pattern} hot spot"


@dataclass(frozen=True)
class TemporalSet:
    """The planted places and their rows, month by month."""

    sites: tuple[TemporalSite, ...]
    rows: dict[str, list[list[str]]]


def _choose_points(rng: np.random.Generator, geo: Geography, k: int) -> list[int]:
    """``k`` map points far from the town centres, the edge and each other."""
    import shapely

    pts = geo.points
    ok = shapely.contains_xy(geo.outline.buffer(-MIN_FROM_EDGE), pts[:, 0], pts[:, 1])
    for c in geo.centres:
        ok &= np.hypot(pts[:, 0] - c.x, pts[:, 1] - c.y) > c.radius + MIN_FROM_CENTRES
    chosen: list[int] = []
    for i in rng.permutation(np.flatnonzero(ok)):
        if all(np.hypot(*(pts[i] - pts[j])) > MIN_APART for j in chosen):
            chosen.append(int(i))
            if len(chosen) == k:
                return chosen
    raise RuntimeError("the demo borough has no room for the temporal hot spots")


def plant_temporal(
    rng: np.random.Generator,
    geo: Geography,
    months: list[str],
    seed: int,
    *,
    force: str,
) -> TemporalSet:
    """Plant the six temporal patterns: police.uk rows per month and the ground truth.

    Parameters
    ----------
    rng : numpy.random.Generator
        Its own stream, so the other offences are unchanged.
    geo : Geography
        The borough (map points, LSOAs, town centres).
    months : list of str
        The demo's months, oldest first.
    seed : int
        The demo's seed (in the Crime IDs).
    force : str
        "Reported by" / "Falls within".
    """
    from pyproj import Transformer

    points = _choose_points(rng, geo, len(PATTERNS))
    to_wgs84 = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    sites = []
    rows: dict[str, list[list[str]]] = {m: [] for m in months}
    for pattern, p in zip(PATTERNS, points, strict=True):
        # the pattern's mean each month, with Poisson noise as real counts have
        counts = tuple(int(rng.poisson(m)) for m in monthly_counts(pattern, len(months)))
        sites.append(
            TemporalSite(pattern, p, float(geo.points[p, 0]), float(geo.points[p, 1]), counts)
        )
        lsoa = geo.point_lsoa[p]
        lon, lat = to_wgs84.transform(geo.points[p, 0], geo.points[p, 1])
        where = [f"{lon:.6f}", f"{lat:.6f}", geo.point_names[p], geo.lsoa_codes[lsoa]]
        where.append(geo.lsoa_names[lsoa])
        for month, n in zip(months, counts, strict=True):
            outcomes = rng.integers(0, len(_OUTCOMES), n)
            for j in range(n):
                key = f"{seed}:temporal:{pattern}:{month}:{j}".encode()
                crime_id = hashlib.sha256(key).hexdigest()
                rows[month].append(
                    [crime_id, month, force, force, *where, CATEGORY, _OUTCOMES[outcomes[j]], ""]
                )
    return TemporalSet(tuple(sites), rows)


def ground_truth(temporal: TemporalSet, months: list[str]) -> list[dict]:
    """The planted places for ``ground_truth.json``."""
    return [
        {
            "pattern": s.pattern,
            "expected_category": s.expected,
            "x": s.x,
            "y": s.y,
            "category": CATEGORY,
            "offences_per_month": dict(zip(months, s.counts, strict=True)),
        }
        for s in temporal.sites
    ]


__all__ = [
    "PATTERNS",
    "TemporalSet",
    "TemporalSite",
    "ground_truth",
    "monthly_counts",
    "plant_temporal",
]
