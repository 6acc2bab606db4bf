"""Offence counts, rates, ranks and change for areas (wards, LSOAs ...).

:func:`area_rates` counts the offences in each area (:mod:`hotspot.analysis.area_counts`),
turns the counts into rates per 1,000 residents, ranks the areas, smooths small-area rates by
Empirical Bayes (:mod:`hotspot.analysis.empirical_bayes`) and, given a comparison period, says
how much each area changed and whether the change is unlikely to be chance
(:mod:`hotspot.analysis.rate_change`); the table itself is built by
:mod:`hotspot.analysis.rate_table`. :func:`rates_from_counts` does the same from counts
already made per area.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from hotspot.analysis._area_inputs import area_input, list_codes, offence_frame
from hotspot.analysis.area_counts import assign_offences, count_per_area, in_period
from hotspot.analysis.errors import AnalysisError
from hotspot.analysis.rate_table import rate_table
from hotspot.core.params import param, validate
from hotspot.core.progress import NO_PROGRESS, Progress
from hotspot.model import Period


@dataclass(frozen=True)
class RatesParams:
    """Parameters of :func:`area_rates`."""

    per: int = param(
        1000,
        label="Rate per",
        help="Rates are offences per this many residents; 1,000 is the usual choice.",
        unit="residents",
        minimum=1,
    )
    eb: bool = param(
        True,
        label="Smoothed rates (Empirical Bayes)",
        help="Also give rates smoothed towards the overall rate, as GeoDa does, so that areas "
        "with few residents do not top the table by chance.",
    )
    alpha: float = param(
        0.05,
        label="Significance level for change",
        help="A change is flagged as unlikely to be chance when its p-value is below this "
        "(0.05 means a 1 in 20 chance of flagging an area whose rate did not really change).",
        minimum=0.0001,
        maximum=0.5,
    )
    count_by: str = param(
        "auto",
        label="Count offences by",
        help="'location' puts each offence in the area containing its map point; 'lsoa_code' "
        "uses the LSOA code police.uk gives each offence (LSOAs of the same vintage only); "
        "'auto' uses the codes where they are the areas' codes and the locations for the rest.",
        choices=("auto", "location", "lsoa_code"),
    )
    level: str = param(
        "ward",
        label="Areas",
        help="Which areas the window maps and ranks: 'ward' or 'lsoa' (neighbourhoods of about "
        "1,500 residents). hotspot run writes tables for both when both are loaded.",
        choices=("ward", "lsoa"),
    )
    change_fdr: bool = param(
        False,
        label="Correct change tests for many areas (FDR)",
        help="Adjust the change p-values for testing every area at once (Benjamini-Hochberg), "
        "so fewer areas are flagged by chance.",
        advanced=True,
    )

    def __post_init__(self) -> None:
        validate(self)


@dataclass(frozen=True)
class AreaStats:
    """Counts, rates, ranks and change per area.

    Attributes
    ----------
    table : geopandas.GeoDataFrame
        One row per area, in the layer's order: ``code``, ``name``, ``count``,
        ``population``, ``rate`` (per ``params.per`` residents), ``rate_eb`` (when
        ``params.eb``), ``rank`` (1 = highest), ``share`` (of all offences counted in
        the areas, 0-1); with a comparison: ``count_prev``, ``change``,
        ``pct_change``, ``pct_change_undefined``, ``change_p``, ``change_q`` (when
        ``change_fdr``), ``change_flag``, ``change_label``; then ``geometry``.
    params : RatesParams
        The parameters used (``count_by`` resolved to "location" or "lsoa_code").
    period, comparison : Period or None
        The periods counted.
    level : str
        "ward", "lsoa" or "other".
    n_offences : int
        Offences in the period.
    n_outside : int
        Offences in the period outside every area (or whose code is not an area's).
    n_no_location : int
        Offences in the period with no location (and no usable code).
    counted_by : str
        How offences were assigned to areas, in plain English.
    rank_by : str
        "rate" or "count".
    warnings : tuple of str
        What the user should know (missing populations, offences outside ...).
    vintage : int or None
        Boundary year of the areas, when known (from the AreaLayer).
    """

    table: Any
    params: RatesParams
    period: Period | None
    comparison: Period | None
    level: str
    n_offences: int
    n_outside: int
    n_no_location: int
    counted_by: str
    rank_by: str
    warnings: tuple[str, ...] = ()
    vintage: int | None = None

    @property
    def n_counted(self) -> int:
        """Offences in the period counted in some area."""
        return int(self.table["count"].sum())


def area_rates(
    offences: Any,
    areas: Any,
    *,
    population: Any = None,
    period: Period | None = None,
    comparison: Period | bool | None = None,
    params: RatesParams | None = None,
    progress: Progress = NO_PROGRESS,
) -> AreaStats:
    """Count offences per area and give rates, ranks, smoothed rates and change.

    Parameters
    ----------
    offences : OffenceData or geopandas.GeoDataFrame
        Offence points in EPSG:27700, with ``month`` (for periods) and optionally
        ``lsoa_code``.
    areas : AreaLayer or geopandas.GeoDataFrame
        Polygons with ``code`` and ``name`` (EPSG:27700).
    population : Indicators, DataFrame, Series or mapping, optional
        Residents per area code (same vintage as the areas). When omitted, a
        ``population`` column of the areas is used if present; else there are no
        rates and areas are ranked by count.
    period : Period, optional
        The months counted; all offences when omitted.
    comparison : Period or True, optional
        The period to compare with; ``True`` means the period of equal length just
        before ``period``.
    params : RatesParams, optional
    progress : Progress, optional

    Returns
    -------
    AreaStats

    Raises
    ------
    AnalysisError
        On missing columns, or a comparison without a period.
    VintageMismatchError
        When the population is on a different LSOA vintage than the areas.
    """
    params = params or RatesParams()
    area = area_input(areas)
    gdf_areas = area.gdf
    off = offence_frame(offences)
    warnings: list[str] = []
    if comparison is True:
        if period is None:
            raise AnalysisError("comparison=True needs a period to compare with; give period=")
        comparison = period.previous()
    elif comparison is False:
        comparison = None
    if comparison is not None and period is None:
        raise AnalysisError(
            "a comparison period was given without the period it is compared with; give period="
        )

    progress.update(0.0, "Assigning offences to areas")
    in_cur = in_period(off, period)
    in_prev = in_period(off, comparison) if comparison is not None else None
    use = in_cur | in_prev if in_prev is not None else in_cur
    index, method, counted_by, notes = assign_offences(off.loc[use], gdf_areas, params.count_by)
    warnings.extend(notes)
    progress.check_cancelled()
    full_index = np.full(len(off), -3, dtype=np.int64)
    full_index[use] = index
    n = len(gdf_areas)
    counts, n_outside, n_noloc = count_per_area(full_index[in_cur], n)
    if period is None and "month" in off.columns and len(off):
        months = pd.to_datetime(off["month"]).dropna()
        if len(months):
            period = Period(months.min(), months.max())

    progress.update(0.5, "Computing rates")
    prev = None
    if comparison is not None:
        prev, prev_outside, prev_noloc = count_per_area(full_index[in_prev], n)
        if prev_outside or prev_noloc:
            warnings.append(
                f"Comparison period: {prev_outside:,} offences outside every area and "
                f"{prev_noloc:,} with no location are not in the counts."
            )
    table, rank_by, table_warnings = rate_table(
        area, counts, prev, population, params, period, comparison
    )
    warnings[:0] = table_warnings

    n_offences = int(in_cur.sum())
    if n_outside:
        share = f"{n_outside:,} of {n_offences:,} offences ({n_outside / max(n_offences, 1):.1%})"
        if method == "location":
            warnings.append(f"{share} lie outside every area and are not in any area's count.")
        else:
            warnings.append(
                f"{share} have an LSOA code that is not one of the areas' codes and are not in "
                "any area's count."
            )
    if n_noloc:
        warnings.append(
            f"{n_noloc:,} offences have no location"
            + (" or LSOA code" if method == "lsoa_code" else "")
            + " and are not in any area's count."
        )
    progress.update(1.0, "Rates done")
    return AreaStats(
        table=table,
        params=replace(params, count_by=method),
        period=period,
        comparison=comparison,
        level=area.level,
        n_offences=n_offences,
        n_outside=n_outside,
        n_no_location=n_noloc,
        counted_by=counted_by,
        rank_by=rank_by,
        warnings=tuple(warnings),
        vintage=area.vintage,
    )


def _count_series(values: Any, what: str) -> pd.Series:
    if isinstance(values, pd.DataFrame):
        key = next((c for c in ("code", "lsoa_code") if c in values.columns), None)
        if key is None or "count" not in values.columns:
            raise AnalysisError(f"{what}: expected columns code (or lsoa_code) and count")
        values = pd.Series(values["count"].to_numpy(), index=values[key].astype(str))
    elif not isinstance(values, pd.Series):
        values = pd.Series(dict(values))
    values.index = values.index.astype(str)
    dup = values.index[values.index.duplicated()]
    if len(dup):
        raise AnalysisError(f"{what}: the code {dup[0]!r} appears more than once")
    v = pd.to_numeric(values, errors="coerce").astype(float)
    if (v < 0).any():
        raise AnalysisError(f"{what}: counts cannot be negative")
    return v


def rates_from_counts(
    counts: Any,
    areas: Any,
    *,
    population: Any = None,
    counts_prev: Any = None,
    period: Period | None = None,
    comparison: Period | None = None,
    params: RatesParams | None = None,
) -> AreaStats:
    """Rates, ranks, smoothed rates and change from counts already made per area.

    For recorded-crime tables (counts per LSOA per year, as forces publish them)
    rather than offence points. Areas the counts do not list get no count (and no
    rate); they are kept and listed in the warnings.

    Parameters
    ----------
    counts : Series, DataFrame (``code``/``lsoa_code`` and ``count``) or mapping
        Offences per area code.
    areas : AreaLayer or geopandas.GeoDataFrame
        Polygons with ``code`` and ``name``.
    population : optional
        As for :func:`area_rates`.
    counts_prev : optional
        Counts for the comparison period, in the same form as ``counts``.
    period, comparison : Period, optional
        What the counts describe (for labels and the change test's period lengths;
        periods of equal length are assumed when omitted).
    params : RatesParams, optional
        ``count_by`` is ignored.

    Returns
    -------
    AreaStats
        ``counted_by`` says the counts were given; ``n_outside`` counts offences
        of codes that are not among the areas.
    """
    params = params or RatesParams()
    area = area_input(areas)
    codes = area.gdf["code"]
    given = _count_series(counts, "counts")
    cur = given.reindex(pd.Index(codes.astype(str))).to_numpy(float)
    prev = None
    if counts_prev is not None:
        prev = _count_series(counts_prev, "counts_prev").reindex(pd.Index(codes.astype(str)))
        prev = prev.to_numpy(float)
    table, rank_by, warnings = rate_table(area, cur, prev, population, params, period, comparison)
    outside = ~given.index.isin(codes.astype(str))
    n_outside = int(given[outside].fillna(0).sum())
    if n_outside:
        warnings.append(
            f"{n_outside:,} offences are counted against {int(outside.sum()):,} codes that are "
            f"not among the areas: {list_codes(given.index[outside])}."
        )
    return AreaStats(
        table=table,
        params=params,
        period=period,
        comparison=comparison,
        level=area.level,
        n_offences=int(np.nansum(cur)) + n_outside,
        n_outside=n_outside,
        n_no_location=0,
        counted_by="Counts per area were given (not counted from offence points).",
        rank_by=rank_by,
        warnings=tuple(warnings),
        vintage=area.vintage,
    )


__all__ = [
    "AreaStats",
    "RatesParams",
    "area_rates",
    "rates_from_counts",
]
