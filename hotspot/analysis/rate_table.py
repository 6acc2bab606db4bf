"""The table of counts, rates, ranks, shares and change per area.

Rank
----
1 = the highest rate (or count, when no population is given). Ties share the best rank and
the next rank is skipped (1, 2, 2, 4: "competition" ranking). Areas without a rate have no
rank.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from hotspot.analysis._area_inputs import list_codes, population_series
from hotspot.analysis.empirical_bayes import empirical_bayes
from hotspot.analysis.rate_change import change_label, change_test, fdr_adjust
from hotspot.model import Period

if TYPE_CHECKING:  # pragma: no cover
    from hotspot.analysis.rates import RatesParams


def competition_rank(values: Any) -> pd.Series:
    """Rank 1 = highest; ties share the best rank (1, 2, 2, 4); NaN gets no rank."""
    s = pd.Series(np.asarray(values, dtype=float))
    return s.rank(method="min", ascending=False, na_option="keep").astype("Int64")


def rate_table(
    area: Any,
    counts: np.ndarray,
    prev: np.ndarray | None,
    population: Any,
    params: RatesParams,
    period: Period | None,
    comparison: Period | None,
) -> tuple[Any, str, list[str]]:
    """The table of :class:`~hotspot.analysis.rates.AreaStats` from counts per area.

    Parameters
    ----------
    area : AreaInput
        The areas (``gdf`` with ``code``, ``name``, maybe ``population``; ``vintage``).
    counts, prev : numpy.ndarray
        Offences per area in the period and (or None) the comparison period; NaN = unknown.
    population : Series, mapping or None
        Residents per area code (else the areas' ``population`` column, if any).
    params : RatesParams
    period, comparison : Period or None
        For the change test's share of time.

    Returns
    -------
    table : GeoDataFrame
        Counts, rates, smoothed rates, ranks, shares and (with ``prev``) change.
    rank_by : str
        "rate", or "count" when no population was given.
    warnings : list of str
    """
    import geopandas as gpd

    gdf_areas = area.gdf
    n = len(gdf_areas)
    warnings: list[str] = []
    counts = np.asarray(counts, dtype=float)
    known = np.isfinite(counts)
    table = gdf_areas[["code", "name"]].copy()
    table["count"] = pd.array(np.where(known, counts, 0).astype(np.int64), dtype="Int64")
    table.loc[~known, "count"] = pd.NA
    if known.all():
        table["count"] = counts.astype(np.int64)
    else:
        warnings.append(
            f"{int((~known).sum())} of {n} areas have no count, so they have no rate or rank: "
            f"{list_codes(table.loc[~known, 'code'])}."
        )

    pop_given = population is not None or "population" in gdf_areas.columns
    if population is None and "population" in gdf_areas.columns:
        population = pd.Series(gdf_areas["population"].to_numpy(), index=gdf_areas["code"])
    if pop_given:
        pop, _ = population_series(population, gdf_areas["code"], area_vintage=area.vintage)
        pop_values = pop.to_numpy(float)
    else:
        pop_values = np.full(n, np.nan)
    table["population"] = pop_values
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = counts / pop_values * params.per
    table["rate"] = rate
    if params.eb:
        eb, clipped = empirical_bayes(counts, pop_values)
        table["rate_eb"] = eb * params.per
        if clipped:
            warnings.append(
                "Smoothed rates: the rates vary no more than chance alone would make them, so "
                "every smoothed rate equals the overall rate."
            )
    rank_by = "rate" if pop_given else "count"
    table["rank"] = competition_rank(rate if pop_given else counts).to_numpy()
    total = np.nansum(counts)
    table["share"] = (
        np.where(known, counts / total, np.nan) if total else np.where(known, 0.0, np.nan)
    )

    if pop_given:
        no_pop = np.isnan(pop_values)
        if no_pop.any():
            warnings.append(
                f"{int(no_pop.sum())} of {n} areas have no population figure, so they have no "
                f"rate or rank (their offences are still counted): "
                f"{list_codes(table.loc[no_pop, 'code'])}."
            )
    else:
        warnings.append(
            "No population was given, so there are no rates; areas are ranked by count."
        )

    if prev is not None:
        prev = np.asarray(prev, dtype=float)
        both = known & np.isfinite(prev)
        change = counts - prev
        with np.errstate(divide="ignore", invalid="ignore"):
            pct = np.where(both & (prev > 0), 100.0 * change / np.where(prev > 0, prev, 1), np.nan)
        share_time = 0.5
        if period is not None and comparison is not None:
            share_time = period.n_months / (period.n_months + comparison.n_months)
        p = np.full(n, np.nan)
        p[both] = change_test(
            counts[both].astype(np.int64), prev[both].astype(np.int64), share_time
        )
        table["count_prev"] = (
            prev.astype(np.int64)
            if np.isfinite(prev).all()
            else pd.array(np.where(np.isfinite(prev), prev, np.nan), dtype="Int64")
        )
        table["change"] = change.astype(np.int64) if both.all() else change
        table["pct_change"] = pct
        table["pct_change_undefined"] = both & (prev == 0)
        table["change_p"] = p
        decide = p
        if params.change_fdr:
            decide = fdr_adjust(p)
            table["change_q"] = decide
        flag = np.nan_to_num(decide, nan=np.inf) < params.alpha
        table["change_flag"] = flag
        table["change_label"] = np.where(
            both, change_label(np.nan_to_num(change), flag), "No comparison (count missing)"
        )
        if period is not None and comparison is not None and period.n_months != comparison.n_months:
            warnings.append(
                f"The periods differ in length ({period.n_months} and {comparison.n_months} "
                "months): the change test allows for it, but raw changes and % changes do not."
            )
        undefined = int((both & (prev == 0)).sum())
        if undefined:
            warnings.append(
                f"{undefined} areas had no offences in the comparison period, so their % "
                "change is undefined (left empty)."
            )
    table["geometry"] = gdf_areas.geometry.to_numpy()
    table = gpd.GeoDataFrame(table, geometry="geometry", crs=gdf_areas.crs)
    return table, rank_by, warnings


__all__ = [
    "competition_rank",
]
