"""Offences for the demo borough, as rows in police.uk's street-level CSV layout.

Each category mixes three spatial processes:

* town centres: offences within the planted radius of the four town centres
  (night-time economy violence, robbery, theft from the person, shoplifting ...);
* residential: offences spread over LSOAs in proportion to their population and
  rising with deprivation (domestic-type violence, criminal damage, burglary ...);
* background: offences anywhere in the borough.

Every offence is snapped to an anonymised map point, as police.uk does. A share
of crimes has no location, and a few crimes are listed twice with two outcomes,
as in the real downloads. Anti-social behaviour has no Crime ID and no outcome.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pyproj import Transformer
from scipy.spatial import cKDTree

from hotspot.demo.context import Context
from hotspot.demo.geography import Geography
from hotspot.model.taxonomy import STREET_CSV_COLUMNS

HEADER = STREET_CSV_COLUMNS
FORCE = "Wrenmoor Constabulary"
FORCE_SLUG = "wrenmoor"
N_MONTHS = 24
LAST_MONTH = "2025-09"
ASB = "Anti-social behaviour"

#: Per category: offences a year, mixture weights (town centres, residential,
#: background), how strongly the residential part rises with deprivation, and
#: the amplitude of the summer peak.
CATEGORY_SPECS: dict[str, tuple[int, tuple[float, float, float], float, float]] = {
    "Anti-social behaviour": (5_200, (0.35, 0.55, 0.10), 0.6, 0.15),
    "Bicycle theft": (420, (0.45, 0.35, 0.20), 0.0, 0.25),
    "Burglary": (1_500, (0.05, 0.85, 0.10), 0.3, -0.05),
    "Criminal damage and arson": (1_700, (0.15, 0.75, 0.10), 0.6, 0.05),
    "Drugs": (800, (0.45, 0.45, 0.10), 0.7, 0.0),
    "Other crime": (350, (0.20, 0.60, 0.20), 0.4, 0.0),
    "Other theft": (2_400, (0.35, 0.45, 0.20), 0.2, 0.05),
    "Possession of weapons": (220, (0.50, 0.45, 0.05), 0.7, 0.05),
    "Public order": (1_900, (0.45, 0.45, 0.10), 0.5, 0.10),
    "Robbery": (550, (0.65, 0.30, 0.05), 0.6, -0.05),
    "Shoplifting": (1_500, (0.75, 0.15, 0.10), 0.0, 0.0),
    "Theft from the person": (600, (0.70, 0.20, 0.10), 0.0, 0.05),
    "Vehicle crime": (2_000, (0.15, 0.70, 0.15), 0.2, -0.05),
    "Violence and sexual offences": (8_000, (0.40, 0.55, 0.05), 0.8, 0.12),
}

NO_LOCATION_SHARE = {"crime": 0.045, "asb": 0.015}
DUPLICATE_SHARE = 0.004

_OUTCOMES = (
    ("Investigation complete; no suspect identified", 42),
    ("Unable to prosecute suspect", 22),
    ("Status update unavailable", 5),
    ("Under investigation", 6),
    ("Court result unavailable", 4),
    ("Offender given a caution", 4),
    ("Local resolution", 4),
    ("Awaiting court outcome", 3),
    ("Offender sent to prison", 2),
    ("Offender fined", 2),
    ("Offender given community sentence", 1.5),
    ("Formal action is not in the public interest", 1.5),
    ("Further investigation is not in the public interest", 1),
    ("Action to be taken by another organisation", 1),
    ("Offender given suspended prison sentence", 1),
)
_DRUGS_EXTRA = (("Offender given a drugs possession warning", 25),)
_SECOND_OUTCOMES = ("Court result unavailable", "Awaiting court outcome", "Offender fined")


@dataclass(frozen=True)
class OffenceSet:
    """The generated rows, month by month, and what was planted.

    Attributes
    ----------
    months : list of str
        "YYYY-MM", oldest first.
    rows : dict
        Month -> list of rows (each a list of 12 strings in ``HEADER`` order).
    planted : dict
        Town-centre name -> category -> number of located offences planted there.
    """

    months: list[str]
    rows: dict[str, list[list[str]]]
    planted: dict[str, dict[str, int]]


def month_range(last: str = LAST_MONTH, n: int = N_MONTHS) -> list[str]:
    """The ``n`` months up to and including ``last``, as "YYYY-MM"."""
    end = pd.Period(last, freq="M")
    return [str(end - k) for k in range(n - 1, -1, -1)]


def _outcome_table(category: str, late: bool) -> tuple[list[str], np.ndarray]:
    items = list(_OUTCOMES) + (list(_DRUGS_EXTRA) if category == "Drugs" else [])
    names = [n for n, _ in items]
    w = np.array([w for _, w in items], dtype=float)
    if late:  # recent crimes are mostly still being investigated
        w[names.index("Under investigation")] += 60.0
    return names, w / w.sum()


class _Sampler:
    """Draws map points for each spatial process."""

    def __init__(self, geo: Geography, ctx: Context) -> None:
        self.geo = geo
        self.ctx = ctx
        self.tree = cKDTree(geo.points)
        order = np.argsort(geo.point_lsoa, kind="stable")
        self.by_lsoa = order
        counts = np.bincount(geo.point_lsoa, minlength=len(geo.lsoas))
        self.lsoa_count = counts
        self.lsoa_start = np.concatenate([[0], np.cumsum(counts)[:-1]])
        self.background = np.flatnonzero(geo.point_background)
        self.centre_w = np.array([c.weight for c in geo.centres])
        self.centre_w /= self.centre_w.sum()

    def centres(self, rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
        which = rng.choice(len(self.geo.centres), size=n, p=self.centre_w)
        radius = np.array([c.radius for c in self.geo.centres])[which]
        r = np.abs(rng.normal(0.0, 0.5, n))
        while (over := r > 1.0).any():
            r[over] = np.abs(rng.normal(0.0, 0.5, over.sum()))
        r *= radius
        theta = rng.uniform(0, 2 * np.pi, n)
        cx = np.array([c.x for c in self.geo.centres])[which]
        cy = np.array([c.y for c in self.geo.centres])[which]
        _, idx = self.tree.query(np.column_stack([cx + r * np.cos(theta), cy + r * np.sin(theta)]))
        return idx, which

    def residential(self, rng: np.random.Generator, n: int, beta: float) -> np.ndarray:
        w = self.ctx.population * np.exp(beta * self.ctx.deprivation)
        lsoa = rng.choice(len(w), size=n, p=w / w.sum())
        k = np.floor(rng.random(n) * self.lsoa_count[lsoa]).astype(int)
        return self.by_lsoa[self.lsoa_start[lsoa] + k]

    def anywhere(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self.background[rng.integers(0, len(self.background), n)]


def make_offences(rng: np.random.Generator, geo: Geography, ctx: Context, seed: int) -> OffenceSet:
    """Generate 24 months of police.uk-layout rows for the demo borough."""
    to_wgs84 = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    lon, lat = to_wgs84.transform(geo.points[:, 0], geo.points[:, 1])
    lon_s = [f"{v:.6f}" for v in lon]
    lat_s = [f"{v:.6f}" for v in lat]
    codes = [geo.lsoa_codes[i] for i in geo.point_lsoa]
    names = [geo.lsoa_names[i] for i in geo.point_lsoa]
    sampler = _Sampler(geo, ctx)
    months = month_range()
    planted = {c.name: dict.fromkeys(CATEGORY_SPECS, 0) for c in geo.centres}
    rows: dict[str, list[list[str]]] = {}
    for m, month in enumerate(months):
        month_of_year = int(month[5:])
        month_rows: list[list[str]] = []
        for category in sorted(CATEGORY_SPECS):
            annual, mix, beta, summer = CATEGORY_SPECS[category]
            season = 1.0 + summer * np.cos(2 * np.pi * (month_of_year - 7) / 12)
            trend = 1.0 + 0.004 * (m - N_MONTHS / 2)
            n = int(rng.poisson(annual / 12.0 * season * trend))
            process = rng.choice(3, size=n, p=np.asarray(mix) / sum(mix))
            point = np.empty(n, dtype=int)
            in_centre = process == 0
            point[in_centre], which = sampler.centres(rng, int(in_centre.sum()))
            res = process == 1
            point[res] = sampler.residential(rng, int(res.sum()), beta)
            bg = process == 2
            point[bg] = sampler.anywhere(rng, int(bg.sum()))

            is_asb = category == ASB
            share = NO_LOCATION_SHARE["asb" if is_asb else "crime"]
            located = rng.random(n) >= share
            for ci, centre in enumerate(geo.centres):
                planted[centre.name][category] += int((located[in_centre] & (which == ci)).sum())
            outcome_names, outcome_p = _outcome_table(category, late=m >= N_MONTHS - 2)
            outcome = rng.choice(len(outcome_names), size=n, p=outcome_p)
            duplicate = (rng.random(n) < DUPLICATE_SHARE) & (not is_asb)
            second = rng.integers(0, len(_SECOND_OUTCOMES), n)
            for j in range(n):
                if is_asb:
                    crime_id, last_outcome = "", ""
                else:
                    key = f"{seed}:{month}:{category}:{j}".encode()
                    crime_id = hashlib.sha256(key).hexdigest()
                    last_outcome = outcome_names[outcome[j]]
                if located[j]:
                    p = point[j]
                    where = [lon_s[p], lat_s[p], geo.point_names[p], codes[p], names[p]]
                else:
                    where = ["", "", "No Location", "", ""]
                row = [crime_id, month, FORCE, FORCE, *where, category, last_outcome, ""]
                month_rows.append(row)
                if duplicate[j]:
                    other = _SECOND_OUTCOMES[second[j]]
                    if other == last_outcome:
                        other = "Status update unavailable"
                    month_rows.append([*row[:10], other, ""])
        rows[month] = month_rows
    return OffenceSet(months=months, rows=rows, planted=planted)
