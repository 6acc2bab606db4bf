"""Ward summaries built from LSOAs: counts, rates and the deprivation and
mental-health profile of each ward's neighbourhoods, as a table for a report.

A needs assessment says things like "Bellingham has the highest rate of violence;
4 of its 11 LSOAs are in SAMHI deciles 6-7 and 1 is in the most deprived IMD
decile". :func:`ward_summary` builds that table from LSOA-level counts
(:func:`~hotspot.analysis.rates.area_rates` on LSOAs) and LSOA indicators
(IMD deciles: 1 = most deprived; SAMHI deciles: 10 = poorest mental health),
assigning LSOAs to wards through a lookup or by location.

How LSOAs are assigned to wards (lookup, overlap, centroid) is in
:mod:`hotspot.analysis.ward_assignment`; the deciles counted and said in words in
:mod:`hotspot.analysis.ward_deciles`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from hotspot.analysis._area_inputs import area_input, list_codes
from hotspot.analysis.errors import AnalysisError
from hotspot.analysis.rate_table import competition_rank
from hotspot.analysis.ward_assignment import assign_to_wards
from hotspot.analysis.ward_deciles import (
    DECILE_SCALES,
    decile_distribution_text,
    decile_sentence,
    indicator_frame,
    ward_decile_table,
)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _rank_text(rank: Any, n_wards: int) -> str:
    if pd.isna(rank):
        return ""
    r = int(rank)
    return f"the highest of {n_wards} wards" if r == 1 else f"{_ordinal(r)} highest of {n_wards}"


def _unwrap_table(obj: Any, what: str) -> pd.DataFrame:
    table = obj.table if hasattr(obj, "table") else obj.gdf if hasattr(obj, "gdf") else obj
    if not isinstance(table, pd.DataFrame) or "code" not in table.columns:
        raise AnalysisError(f"{what}: expected area statistics or a table with a 'code' column")
    return table


def _figures_from_lsoas(
    table: pd.DataFrame, assignment: pd.DataFrame
) -> tuple[pd.DataFrame, bool, bool]:
    if "count" not in table.columns:
        raise AnalysisError(
            "lsoa_stats: no 'count' column; give LSOA counts (area_rates on the LSOAs) or the "
            "ward counts as ward_stats="
        )
    data = pd.DataFrame(
        {
            "code": assignment["ward_code"].to_numpy(),
            "name": assignment["ward_name"].to_numpy(),
            "count": table["count"].to_numpy(),
        }
    )
    has_pop = "population" in table.columns and table["population"].notna().any()
    has_prev = "count_prev" in table.columns
    data["population"] = table["population"].to_numpy(float) if has_pop else np.nan
    if has_prev:
        data["count_prev"] = table["count_prev"].to_numpy()
    data = data[data["code"].notna()]
    g = data.groupby("code", sort=False)
    out = pd.DataFrame({"name": g["name"].first(), "count": g["count"].sum()})
    if has_pop:
        incomplete = g["population"].apply(lambda v: v.isna().any())
        out["population"] = g["population"].sum(min_count=1).where(~incomplete)
    if has_prev:
        out["count_prev"] = g["count_prev"].sum()
    return out, has_pop, has_prev


def _figures_from_wards(ward_stats: Any) -> tuple[pd.DataFrame, bool, bool]:
    table = _unwrap_table(ward_stats, "ward_stats")
    if "count" not in table.columns:
        raise AnalysisError("ward_stats: no 'count' column (use area_rates on the wards)")
    cols = [c for c in ("name", "count", "population", "count_prev") if c in table.columns]
    out = pd.DataFrame(table[cols].to_numpy(), columns=cols, index=table["code"].astype(str))
    out = out.infer_objects()
    if "name" not in out.columns:
        out["name"] = out.index
    has_pop = "population" in out.columns and out["population"].notna().any()
    return out, has_pop, "count_prev" in out.columns


def _whole(values: pd.Series) -> pd.Series:
    """Whole numbers as int, or as nullable Int64 when some are missing."""
    return values.astype("Int64") if values.isna().any() else values.astype(np.int64)


def _with_wards_without_lsoas(figures: pd.DataFrame, wards: Any, notes: list[str]) -> pd.DataFrame:
    """Keep the wards that no LSOA was placed in (no figures), and say so."""
    w = area_input(wards, what="wards").gdf
    codes = w["code"].astype(str)
    empty = ~codes.isin(figures.index)
    if not empty.any():
        return figures
    names = w.loc[empty.to_numpy(), "name"].astype(str)
    notes.append(
        f"{int(empty.sum())} wards have no LSOA placed in them, so the sums of LSOAs give them "
        f"no figures (their offences are counted in neighbouring wards' LSOAs): "
        f"{list_codes(names)}; give ward_stats= to count offences in the ward boundaries."
    )
    extra = pd.DataFrame({"name": names.to_numpy()}, index=codes[empty].to_numpy())
    return pd.concat([figures, extra.reindex(columns=figures.columns)])


def _check_vintages(lsoa_stats: Any, lookup: Any, indicators: Any) -> None:
    """Refuse indicators on another LSOA vintage than the LSOAs (codes would not match)."""
    from hotspot.analysis.vintage import require_same_vintage

    vintage = getattr(lsoa_stats, "vintage", None) or getattr(lookup, "lsoa_vintage", None)
    if indicators is None or vintage is None:
        return
    items = indicators if isinstance(indicators, Sequence) else [indicators]
    for item in items:
        require_same_vintage(
            getattr(item, "vintage", None),
            vintage,
            left_what=getattr(item, "source", "") or f"the {getattr(item, 'kind', '')} table",
            right_what="the LSOAs of the ward summary",
        )


def ward_summary(
    lsoa_stats: Any,
    *,
    wards: Any = None,
    lookup: Any = None,
    indicators: Any = None,
    ward_stats: Any = None,
    assign: str = "auto",
    per: int | None = None,
) -> pd.DataFrame:
    """A report-ready table of wards with the profile of their LSOAs.

    Parameters
    ----------
    lsoa_stats : AreaStats, AreaLayer or (Geo)DataFrame
        The LSOAs (``code``, geometry for placing them by location). Their counts
        (``count``, optionally ``population`` and ``count_prev``, as from
        :func:`~hotspot.analysis.rates.area_rates`) give the ward figures unless
        ``ward_stats`` is given.
    wards : AreaLayer or GeoDataFrame, optional
        Ward boundaries, to place LSOAs by location.
    lookup : Lookup or DataFrame, optional
        LSOA to ward lookup (``lsoa_code``, ``ward_code``, ``ward_name``) on the
        LSOA codes of ``lsoa_stats``.
    indicators : Indicators, DataFrame or a list of them, optional
        LSOA measures on the same LSOA codes, with ``imd_decile`` and/or
        ``samhi_decile`` (carry them across vintages with
        :func:`~hotspot.analysis.vintage.join_indicators` first).
    ward_stats : AreaStats or DataFrame, optional
        Counts made in the ward boundaries themselves (``area_rates`` on the
        wards). Preferred where LSOAs do not nest in wards (2021 LSOAs and 2022
        wards do not everywhere): the ward figures then come from it and the LSOAs
        only give the decile profile.
    assign : {"auto", "lookup", "overlap", "centroid"}
        How LSOAs are placed in wards (see the module docstring).
    per : int, optional
        Rates per this many residents (default: the statistics' own, else 1,000).

    Returns
    -------
    pandas.DataFrame
        One row per ward, highest rate (or count) first: "Ward", "Ward code",
        "LSOAs", "Offences", "Residents", "Rate per 1,000 residents", "Rank"; with a
        comparison "Offences (previous period)", "Change", "Change (%)"; per decile
        scale e.g. "IMD: LSOAs in the most deprived decile", "IMD: LSOAs in deciles
        1-2 (most deprived 20%)", "IMD deciles (decile: LSOAs; 1 = most deprived)";
        and "Summary" (plain sentences). ``df.attrs["notes"]`` says where the
        figures come from, how LSOAs were placed and what is missing;
        ``df.attrs["deciles"]`` holds each ward's LSOAs per decile, by scale
        ("IMD", "SAMHI") and ward code: ten counts, decile 1 first.
    """
    table = _unwrap_table(lsoa_stats, "lsoa_stats")
    _check_vintages(lsoa_stats, lookup, indicators)
    source = ward_stats if ward_stats is not None else lsoa_stats
    if per is None:
        per = getattr(getattr(source, "params", None), "per", 1000)
    assignment = assign_to_wards(table, wards, lookup=lookup, method=assign)
    notes: list[str] = []
    how = assignment["how"].value_counts()
    notes.append(
        "LSOAs placed in wards: "
        + ", ".join(f"{int(n):,} by {h}" for h, n in how.items() if h != "none")
        + "."
    )
    unplaced = assignment.loc[assignment["how"] == "none", "lsoa_code"]
    if len(unplaced):
        notes.append(
            f"{len(unplaced):,} LSOAs could not be placed in a ward and are left out: "
            f"{list_codes(unplaced)}."
        )
    if ward_stats is not None:
        figures, has_pop, has_prev = _figures_from_wards(ward_stats)
        notes.append("Offences were counted in the ward boundaries themselves.")
    else:
        figures, has_pop, has_prev = _figures_from_lsoas(table, assignment)
        notes.append(
            "Ward figures are the sums of their LSOAs (an LSOA that straddles a ward boundary "
            "counts wholly in one ward); give ward_stats= for counts in the ward boundaries."
        )
        if wards is not None:
            figures = _with_wards_without_lsoas(figures, wards, notes)
    n_lsoas = assignment.dropna(subset=["ward_code"]).groupby("ward_code").size()
    rate_col = f"Rate per {per:,} residents"
    out = pd.DataFrame(index=figures.index)
    out["Ward"] = figures["name"]
    out["LSOAs"] = n_lsoas.reindex(figures.index, fill_value=0).astype(int)
    count = pd.to_numeric(figures["count"], errors="coerce").astype(float)
    out["Offences"] = _whole(count)
    if has_pop:
        pop = pd.to_numeric(figures["population"], errors="coerce")
        out["Residents"] = _whole(pop.round())  # people are counted in whole numbers
        out[rate_col] = count / pop * per
        no_rate = pop.isna() & count.notna()
        if no_rate.any():
            notes.append(
                f"{int(no_rate.sum())} wards have no complete population, so no rate: "
                f"{list_codes(out.index[no_rate])}."
            )
        rank_on = out[rate_col]
    else:
        rank_on = count
        notes.append("No populations: wards are ranked by number of offences.")
    out["Rank"] = competition_rank(rank_on.to_numpy()).to_numpy()
    if has_prev:
        prev = pd.to_numeric(figures["count_prev"], errors="coerce").astype(float)
        change = count - prev
        out["Offences (previous period)"] = _whole(prev)
        out["Change"] = _whole(change)
        out["Change (%)"] = np.where(prev > 0, 100.0 * change / prev.where(prev > 0, 1), np.nan)

    n_wards = len(out)
    sentences: dict[str, list[str]] = {}
    for code in out.index:
        if pd.isna(out.at[code, "Offences"]):
            sentences[code] = [f"{out.at[code, 'Ward']}: no offence figures."]
            continue
        text = f"{out.at[code, 'Ward']}: {int(out.at[code, 'Offences']):,} offences"
        rank_text = _rank_text(out.at[code, "Rank"], n_wards)
        if has_pop and pd.notna(out.at[code, rate_col]):
            text += f" ({out.at[code, rate_col]:.1f} per {per:,} residents"
            text += f", {rank_text})" if rank_text else ")"
        elif rank_text:
            text += f" ({rank_text})"
        sentences[code] = [text + "."]

    ind = indicator_frame(indicators)
    profiles: dict[str, dict[str, list[int]]] = {}
    for scale in DECILE_SCALES:
        if scale.column not in ind.columns:
            continue
        dist = ward_decile_table(assignment, ind, scale.column).reindex(out.index, fill_value=0)
        profiles[scale.label] = {
            str(code): [int(dist.at[code, d]) for d in range(1, 11)] for code in out.index
        }
        pair = (1, 2) if scale.worst == 1 else (9, 10)
        out[f"{scale.label}: LSOAs in the {scale.worst_text} decile"] = dist[scale.worst].astype(
            int
        )
        out[f"{scale.label}: LSOAs in deciles {pair[0]}-{pair[1]} ({scale.worst_text} 20%)"] = (
            dist[pair[0]] + dist[pair[1]]
        ).astype(int)
        out[f"{scale.label} deciles (decile: LSOAs; {scale.scale_note})"] = [
            decile_distribution_text(dist.loc[c]) for c in out.index
        ]
        unknown = int(dist["unknown"].sum())
        if unknown:
            notes.append(f"{unknown} LSOAs have no {scale.label} decile.")
        for code in out.index:
            sentences[code].append(decile_sentence(out.at[code, "Ward"], dist.loc[code], scale))
    out["Summary"] = [" ".join(sentences[c]) for c in out.index]
    out.insert(1, "Ward code", out.index.to_numpy())
    order = out["Rank"].astype(float).fillna(np.inf)
    out = (
        out.assign(_order=order.to_numpy())
        .sort_values(["_order", "Ward"])
        .drop(columns="_order")
        .reset_index(drop=True)
    )
    out.attrs["notes"] = tuple(notes)
    out.attrs["deciles"] = profiles
    return out


__all__ = ["ward_summary"]
