"""LSOA context for the demo borough: population, an IMD-like and a SAMHI-like measure.

The measures are synthetic. Deprivation follows a smooth field (higher in the
north-west and around the main town centre, lower in the leafy south-east) plus
LSOA-level noise, so it is spatially patterned; the mental-health index follows
deprivation plus an independent smooth field, so the two are correlated but not
identical. Deciles are taken against a fixed "national" distribution, as the real
deciles are national rather than local.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from hotspot.demo.geography import CENTRE, HALF_HEIGHT, HALF_WIDTH, Geography

#: Number of LSOAs in the imaginary nation the ranks and deciles refer to.
NATIONAL_LSOAS = 33_755
# The imaginary national distribution of deprivation scores: log-normal.
_NATIONAL_LOG_MEDIAN = math.log(17.0)
_NATIONAL_LOG_SD = 0.6
AGE_BANDS = ("0-15", "16-29", "30-44", "45-64", "65+")


@dataclass(frozen=True)
class Context:
    """Per-LSOA measures, aligned with ``Geography.lsoa_codes``.

    Attributes
    ----------
    deprivation : numpy.ndarray
        The latent standardised deprivation (mean 0, sd 1) that drives offending.
    imd_score, imd_rank, imd_decile : numpy.ndarray
        IMD-like score (higher = more deprived), national rank (1 = most deprived)
        and decile (1 = most deprived 10%).
    samhi_index, samhi_decile : numpy.ndarray
        SAMHI-like index (higher = worse mental health) and decile (10 = worst).
    population : numpy.ndarray of int
        Residents of all ages.
    age : numpy.ndarray of int, shape (n, 5)
        Residents by age band (``AGE_BANDS``), summing to ``population``.
    """

    deprivation: np.ndarray
    imd_score: np.ndarray
    imd_rank: np.ndarray
    imd_decile: np.ndarray
    samhi_index: np.ndarray
    samhi_decile: np.ndarray
    population: np.ndarray
    age: np.ndarray


def smooth_field(
    rng: np.random.Generator, x: np.ndarray, y: np.ndarray, n_waves: int = 6, scale: float = 3_000.0
) -> np.ndarray:
    """A smooth random field (sum of plane waves), standardised over the given points."""
    f = np.zeros_like(x, dtype=float)
    for _ in range(n_waves):
        k = 2 * np.pi / rng.uniform(scale, 2.5 * scale)
        a = rng.uniform(0, 2 * np.pi)
        f += np.cos(k * (np.cos(a) * x + np.sin(a) * y) + rng.uniform(0, 2 * np.pi))
    return (f - f.mean()) / f.std()


def _standardise(v: np.ndarray) -> np.ndarray:
    return (v - v.mean()) / v.std()


def _normal_cdf(z: np.ndarray) -> np.ndarray:
    from scipy.special import ndtr

    return ndtr(z)


def make_context(rng: np.random.Generator, geo: Geography) -> Context:
    """Population and the IMD-like and SAMHI-like measures for every LSOA."""
    x, y = geo.lsoa_xy[:, 0], geo.lsoa_xy[:, 1]
    ux = (x - CENTRE[0]) / HALF_WIDTH
    uy = (y - CENTRE[1]) / HALF_HEIGHT
    main = geo.centres[0]
    near_main = np.exp(-((x - main.x) ** 2 + (y - main.y) ** 2) / (2 * 1_600.0**2))
    second = geo.centres[1]
    near_second = np.exp(-((x - second.x) ** 2 + (y - second.y) ** 2) / (2 * 1_200.0**2))
    latent = (
        -0.8 * ux
        + 0.5 * uy
        + 1.3 * near_main
        + 0.7 * near_second
        + 0.45 * smooth_field(rng, x, y)
        + 0.35 * rng.standard_normal(len(x))
    )
    deprivation = _standardise(latent)

    imd_score = np.round(np.exp(math.log(21.0) + 0.5 * deprivation), 3)
    national_share_more_deprived = 1.0 - _normal_cdf(
        (np.log(imd_score) - _NATIONAL_LOG_MEDIAN) / _NATIONAL_LOG_SD
    )
    imd_rank = np.clip(np.round(national_share_more_deprived * NATIONAL_LSOAS), 1, NATIONAL_LSOAS)
    imd_rank = imd_rank.astype(int)
    imd_decile = np.clip(np.ceil(imd_rank / NATIONAL_LSOAS * 10), 1, 10).astype(int)

    mental = _standardise(
        0.75 * deprivation + 0.45 * smooth_field(rng, x, y) + 0.3 * rng.standard_normal(len(x))
    )
    samhi_index = np.round(0.35 + 0.9 * mental, 4)
    samhi_decile = np.clip(np.ceil(_normal_cdf(samhi_index) * 10), 1, 10).astype(int)

    population = np.clip(np.round(1_650 * rng.lognormal(0.0, 0.17, len(x))), 1_000, 3_200)
    population = population.astype(int)
    young = 0.19 + 0.03 * deprivation.clip(-2, 2)
    shares = np.column_stack(
        [young, np.full_like(young, 0.17), np.full_like(young, 0.23), 0.24 - 0.02 * deprivation]
    )
    shares = np.clip(shares, 0.05, None)
    shares = np.column_stack([shares, np.clip(1.0 - shares.sum(axis=1), 0.05, None)])
    shares /= shares.sum(axis=1, keepdims=True)
    age = np.vstack([rng.multinomial(n, p) for n, p in zip(population, shares, strict=True)])
    return Context(
        deprivation=deprivation,
        imd_score=imd_score,
        imd_rank=imd_rank,
        imd_decile=imd_decile,
        samhi_index=samhi_index,
        samhi_decile=samhi_decile,
        population=population,
        age=age,
    )
