"""Offence counts, rates, ranks and change for areas (wards, LSOAs ...).

:func:`area_rates` counts the offences in each area, turns the counts into rates
per 1,000 residents, ranks the areas, smooths small-area rates by Empirical Bayes
and, given a comparison period, says how much each area changed and whether the
change is unlikely to be chance.

Methods
-------
Counting
    By location (each offence point is assigned to the area that contains it; a
    point on a shared boundary goes to the first area in the layer's order) or by
    the offences' own LSOA code (police.uk records it) when the areas are LSOAs of
    the same vintage. ``count_by="auto"`` uses the codes when the areas are LSOAs
    and the codes agree with the locations for at least 90% of the offences whose
    code is an area's code; an offence whose code is not one of the areas' codes
    (a code of the other vintage: ONS never reuses a code for a changed boundary)
    is then placed by its map point. Otherwise it counts by location. The result
    says which was used and how well codes and locations agreed. Offences outside
    every area, and offences with no location, are counted and reported, never
    dropped silently.
Rank
    1 = the highest rate (or count, when no population is given). Ties share the
    best rank and the next rank is skipped (1, 2, 2, 4: "competition" ranking).
    Areas without a rate have no rank.
Empirical Bayes (global, as GeoDa)
    Marshall's global estimator: with the overall rate ``m = sum(count) /
    sum(pop)`` and the population-weighted variance of the raw rates
    ``s2 = sum(pop * (r - m)^2) / sum(pop)``, the prior variance is ``v = s2 -
    m / mean(pop)`` and each raw rate ``r_i`` is shrunk towards ``m`` with weight
    ``w_i = v / (v + m / pop_i)``: ``eb_i = w_i r_i + (1 - w_i) m``. Areas with
    small populations move most. When ``v`` comes out negative (rates vary less
    than chance alone would make them) it is set to 0, so every smoothed rate is
    the overall rate; a warning says so.
Change
    ``change = count - count_prev``; ``pct_change = 100 * change / count_prev``,
    undefined (NaN, with ``pct_change_undefined`` set) when ``count_prev`` is 0.
    Whether a change is unlikely under chance is an exact conditional test: if the
    two counts are Poisson with the same underlying rate, then given their sum
    ``n`` the current count is binomial(``n``, ``p``) with ``p = months /
    (months + months_prev)`` (0.5 for periods of equal length). The two-sided exact
    binomial p-value (as :func:`scipy.stats.binomtest`) is ``change_p``;
    ``change_flag`` is ``change_p < alpha`` (or the Benjamini-Hochberg adjusted
    value when ``change_fdr`` is on).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from hotspot.analysis._area_inputs import (
    LSOA_CODE_RE,
    area_input,
    list_codes,
    offence_frame,
    population_series,
)
from hotspot.analysis.errors import AnalysisError
from hotspot.core.params import param, validate
from hotspot.core.progress import NO_PROGRESS, Progress
from hotspot.model import Period

AGREEMENT_FOR_CODES = 0.9
"""Share of offences whose LSOA code must match their location for "auto" to use codes."""


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


# --------------------------------------------------------------------------- counting


def assign_by_location(points: Any, areas: Any) -> np.ndarray:
    """Index (0-based, into ``areas``) of the area containing each point.

    Parameters
    ----------
    points : geopandas.GeoSeries or array of shapely points
    areas : geopandas.GeoSeries or array of shapely polygons

    Returns
    -------
    numpy.ndarray of int
        -1 for points outside every area, -2 for missing or empty points. A point
        on a boundary shared by several areas goes to the first of them.
    """
    import shapely

    pts = np.asarray(getattr(points, "values", points), dtype=object)
    polys = np.asarray(getattr(areas, "values", areas), dtype=object)
    out = np.full(len(pts), -1, dtype=np.int64)
    missing = shapely.is_missing(pts) | shapely.is_empty(pts)
    out[missing] = -2
    if len(pts) == 0 or len(polys) == 0:
        return out
    tree = shapely.STRtree(polys)
    idx = np.flatnonzero(~missing)
    # police.uk offences share anonymised map points: place each distinct point once
    query, back = pts[idx], None
    xy = shapely.get_coordinates(query)
    if len(xy) == len(idx) and (shapely.get_type_id(query) == 0).all():
        back, uniq = pd.factorize(xy[:, 0] + 1j * xy[:, 1])
        query = shapely.points(uniq.real, uniq.imag)
    pi, ai = tree.query(query, predicate="intersects")
    placed = np.full(len(query), -1, dtype=np.int64)
    if len(pi):
        order = np.lexsort((ai, pi))
        pi, ai = pi[order], ai[order]
        first = np.r_[True, pi[1:] != pi[:-1]]
        placed[pi[first]] = ai[first]
    out[idx] = placed if back is None else placed[back]
    return out


def assign_by_code(lsoa_codes: pd.Series, area_codes: pd.Series) -> np.ndarray:
    """Index of the area whose code equals each offence's LSOA code (-1: none, -2: missing)."""
    lookup = pd.Index(area_codes.astype(str))
    codes = lsoa_codes.astype("string")
    out = lookup.get_indexer(codes.fillna("").to_numpy(object)).astype(np.int64)
    out[codes.isna().to_numpy() | (codes.fillna("").str.strip() == "").to_numpy()] = -2
    return out


def _looks_like_lsoas(codes: pd.Series) -> bool:
    return bool(codes.astype(str).str.match(LSOA_CODE_RE).mean() > 0.9)


def _has_codes(gdf: Any) -> bool:
    return "lsoa_code" in gdf.columns and gdf["lsoa_code"].notna().any()


def _assign(gdf: Any, areas: Any, count_by: str) -> tuple[np.ndarray, str, str, list[str]]:
    """Assign offences to areas; return (index, method used, explanation, warnings)."""
    warnings: list[str] = []
    has_geom = getattr(gdf, "geometry", None) is not None and hasattr(gdf, "crs")
    if count_by == "lsoa_code":
        if not _has_codes(gdf):
            raise AnalysisError(
                "count_by='lsoa_code': the offences have no 'lsoa_code' values; count by "
                "location instead (count_by='location')"
            )
        return (
            assign_by_code(gdf["lsoa_code"], areas["code"]),
            "lsoa_code",
            "Counted by the LSOA code police.uk gives each offence.",
            warnings,
        )
    if not has_geom:
        if count_by == "location":
            raise AnalysisError("count_by='location': the offences have no point geometry")
        if _has_codes(gdf):
            return (
                assign_by_code(gdf["lsoa_code"], areas["code"]),
                "lsoa_code",
                "Counted by the offences' LSOA codes (the offences have no locations).",
                warnings,
            )
        raise AnalysisError("offences: no point geometry and no 'lsoa_code' column to count by")
    by_loc = assign_by_location(gdf.geometry, areas.geometry)
    if count_by == "location" or not _has_codes(gdf) or not _looks_like_lsoas(areas["code"]):
        return by_loc, "location", "Counted by location (the area containing each offence).", []
    by_code = assign_by_code(gdf["lsoa_code"], areas["code"])
    matched = by_code >= 0
    check = matched & (by_loc != -2)
    agreement = float((by_loc[check] == by_code[check]).mean()) if check.any() else 0.0
    if not matched.any():
        warnings.append(
            "None of the offences' LSOA codes is one of the areas' codes, so offences were "
            "counted by location; the codes are probably of another LSOA vintage (2011 vs "
            "2021) than the boundaries."
        )
        return (
            by_loc,
            "location",
            "Counted by location (the area containing each offence).",
            warnings,
        )
    if agreement < AGREEMENT_FOR_CODES:
        warnings.append(
            f"The offences' LSOA codes match the areas containing their map points for only "
            f"{agreement:.0%} of offences, so offences were counted by location. Check that the "
            "boundaries are the LSOAs the codes refer to (2011 vs 2021 vintage)."
        )
        return (
            by_loc,
            "location",
            "Counted by location (the area containing each offence).",
            warnings,
        )
    # Codes never survive a boundary change (ONS gives changed LSOAs new codes), so a code
    # that is an area's code means exactly that area; an offence whose code is not one of
    # the areas' codes (another vintage, or outside the areas) is placed by its map point.
    no_loc_unmatched = (by_loc == -2) & (by_code == -1)
    index = np.where(matched, by_code, np.where(no_loc_unmatched, -1, by_loc))
    by_point = int((~matched & (by_loc >= 0)).sum())
    text = (
        f"Counted by the LSOA code police.uk gives each offence (the code agrees with the "
        f"offence's map point for {agreement:.0%} of offences)."
    )
    if by_point:
        text += (
            f" {by_point:,} offences whose code is not one of these areas' codes (a code of "
            "another LSOA vintage, for example) were placed by their map point."
        )
    return index, "lsoa_code", text, warnings


def _count(index: np.ndarray, n_areas: int) -> tuple[np.ndarray, int, int]:
    inside = index >= 0
    counts = np.bincount(index[inside], minlength=n_areas).astype(np.int64)
    return counts, int((index == -1).sum()), int((index == -2).sum())


def _in_period(gdf: Any, period: Period | None) -> np.ndarray:
    if period is None:
        return np.ones(len(gdf), dtype=bool)
    if "month" not in gdf.columns:
        raise AnalysisError(
            "offences: no 'month' column, so the offences cannot be split into periods; read "
            "them with hotspot.io.read_offences or leave period and comparison empty"
        )
    return period.contains(pd.to_datetime(gdf["month"])).to_numpy(bool)


# --------------------------------------------------------------------------- statistics


def empirical_bayes(counts: Any, population: Any) -> tuple[np.ndarray, bool]:
    """Global Empirical Bayes (Marshall) smoothed rates, per resident.

    Parameters
    ----------
    counts, population : array-like
        Events and population at risk per area. Areas whose population is missing
        or not positive are left out of the estimate and get NaN.

    Returns
    -------
    rates : numpy.ndarray
        Smoothed rates (events per resident).
    clipped : bool
        Whether the prior variance came out negative and was set to 0.
    """
    e = np.asarray(counts, dtype=float)
    b = np.asarray(population, dtype=float)
    ok = np.isfinite(e) & np.isfinite(b) & (b > 0)
    out = np.full(e.shape, np.nan)
    if not ok.any():
        return out, False
    e_ok, b_ok = e[ok], b[ok]
    m = e_ok.sum() / b_ok.sum()
    r = e_ok / b_ok
    s2 = (b_ok * (r - m) ** 2).sum() / b_ok.sum()
    v = s2 - m / b_ok.mean()
    clipped = bool(v < 0)
    v = max(v, 0.0)
    if v + m == 0:  # no events at all: every rate is 0
        out[ok] = 0.0
        return out, clipped
    w = v / (v + m / b_ok)
    out[ok] = w * r + (1.0 - w) * m
    return out, clipped


def change_test(count: Any, count_prev: Any, p: float = 0.5) -> np.ndarray:
    """Exact two-sided p-values for a change between two counts.

    Under "no change in the underlying rate", ``count`` given ``count +
    count_prev`` is binomial with probability ``p`` (the current period's share of
    the combined length: 0.5 for periods of equal length). Equals
    ``scipy.stats.binomtest(count, count + count_prev, p).pvalue``; 1 when both
    counts are 0.

    Parameters
    ----------
    count, count_prev : array-like of int
    p : float
        The current period's share of the total time, in (0, 1).

    Returns
    -------
    numpy.ndarray
    """
    from scipy import stats

    k = np.asarray(count, dtype=np.int64)
    n = k + np.asarray(count_prev, dtype=np.int64)
    out = np.ones(k.shape, dtype=float)
    nz = n > 0
    if p == 0.5:
        # Symmetric null: the two-sided p-value doubles the smaller tail.
        kk, nn = k[nz], n[nz]
        lo = stats.binom.cdf(kk, nn, 0.5)
        hi = stats.binom.sf(kk - 1, nn, 0.5)
        out[nz] = np.minimum(1.0, 2.0 * np.minimum(lo, hi))
    else:
        for i in np.flatnonzero(nz):
            out[i] = stats.binomtest(int(k[i]), int(n[i]), p).pvalue
    return out


def fdr_adjust(p: Any) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (NaN stays NaN and is not counted)."""
    from hotspot.analysis.significance import fdr_bh

    return fdr_bh(np.asarray(p, dtype=float))


def competition_rank(values: Any) -> pd.Series:
    """Rank 1 = highest; ties share the best rank (1, 2, 2, 4); NaN gets no rank."""
    s = pd.Series(np.asarray(values, dtype=float))
    return s.rank(method="min", ascending=False, na_option="keep").astype("Int64")


def _change_label(change: np.ndarray, flag: np.ndarray) -> np.ndarray:
    return np.where(
        ~flag,
        "Within normal variation",
        np.where(change > 0, "Rise unlikely to be chance", "Fall unlikely to be chance"),
    )


# --------------------------------------------------------------------------- main entry


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
    in_cur = _in_period(off, period)
    in_prev = _in_period(off, comparison) if comparison is not None else None
    use = in_cur | in_prev if in_prev is not None else in_cur
    index, method, counted_by, notes = _assign(off.loc[use], gdf_areas, params.count_by)
    warnings.extend(notes)
    progress.check_cancelled()
    full_index = np.full(len(off), -3, dtype=np.int64)
    full_index[use] = index
    n = len(gdf_areas)
    counts, n_outside, n_noloc = _count(full_index[in_cur], n)
    if period is None and "month" in off.columns and len(off):
        months = pd.to_datetime(off["month"]).dropna()
        if len(months):
            period = Period(months.min(), months.max())

    progress.update(0.5, "Computing rates")
    prev = None
    if comparison is not None:
        prev, prev_outside, prev_noloc = _count(full_index[in_prev], n)
        if prev_outside or prev_noloc:
            warnings.append(
                f"Comparison period: {prev_outside:,} offences outside every area and "
                f"{prev_noloc:,} with no location are not in the counts."
            )
    table, rank_by, table_warnings = _rate_table(
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


def _rate_table(
    area: Any,
    counts: np.ndarray,
    prev: np.ndarray | None,
    population: Any,
    params: RatesParams,
    period: Period | None,
    comparison: Period | None,
) -> tuple[Any, str, list[str]]:
    """The table of :class:`AreaStats` from counts (NaN = count unknown) per area."""
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
            both, _change_label(np.nan_to_num(change), flag), "No comparison (count missing)"
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
    table, rank_by, warnings = _rate_table(area, cur, prev, population, params, period, comparison)
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
    "assign_by_code",
    "assign_by_location",
    "change_test",
    "competition_rank",
    "empirical_bayes",
    "fdr_adjust",
    "rates_from_counts",
]


def __getattr__(name: str) -> Any:
    # ``ward_summary`` lives in its own module; reachable from here as the
    # architecture page lists it with the rates.
    if name == "ward_summary":
        from hotspot.analysis.ward_summary import ward_summary

        return ward_summary
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
