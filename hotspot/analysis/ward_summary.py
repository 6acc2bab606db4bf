"""Ward summaries built from LSOAs: counts, rates and the deprivation and
mental-health profile of each ward's neighbourhoods, as a table for a report.

A needs assessment says things like "Bellingham has the highest rate of violence;
4 of its 11 LSOAs are in SAMHI deciles 6-7 and 1 is in the most deprived IMD
decile". :func:`ward_summary` builds that table from LSOA-level counts
(:func:`~hotspot.analysis.rates.area_rates` on LSOAs) and LSOA indicators
(IMD deciles: 1 = most deprived; SAMHI deciles: 10 = poorest mental health),
assigning LSOAs to wards through a lookup or by location.

Assigning LSOAs to wards
------------------------
"lookup"
    A ward lookup (``lsoa_code``, ``ward_code``, ``ward_name``), e.g. the ONS LSOA
    (2021) to ward lookup; LSOAs it does not list are placed by overlap when ward
    boundaries are given, else reported as without a ward.
"overlap" (default without a lookup)
    Each LSOA goes to the ward that covers the largest part of its area.
"centroid"
    Each LSOA goes to the ward containing a point inside it
    (``representative_point``, which always lies inside the LSOA).

Deciles that are not whole numbers (an LSOA split between vintages in some
published tables) are rounded to the nearest whole decile, halves up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from hotspot.analysis._area_inputs import area_input, list_codes
from hotspot.analysis.errors import AnalysisError
from hotspot.analysis.rate_table import competition_rank


@dataclass(frozen=True)
class DecileScale:
    """How to read one kind of decile in sentences and headings.

    The two scales run in opposite directions: IMD decile 1 is the most deprived
    tenth of neighbourhoods in England, SAMHI decile 10 the tenth with the poorest
    mental health (SAMHI decile 1 the best). Sentences therefore never name a decile
    without saying what it means (:meth:`band_text`).
    """

    column: str
    label: str  # "IMD"
    worst: int  # the decile that is worst (1 for IMD, 10 for SAMHI)
    worst_text: str  # "most deprived"
    scale_note: str  # "1 = most deprived"
    worse: str = ""  # deciles on the worse side: "the {pct} most deprived neighbourhoods ..."
    better: str = ""  # deciles on the better side: "the {pct} least deprived ..."

    def band_text(self, first: int, last: int | None = None) -> str:
        """What deciles ``first``..``last`` mean in England, e.g. "the 10-30% most deprived
        neighbourhoods in England" (IMD 2-3) or "the 20% of neighbourhoods in England with
        the best mental health" (SAMHI 1-2)."""
        last = first if last is None else last
        # tenths counted from the worse end of the scale
        lo, hi = (first - 1, last) if self.worst == 1 else (10 - last, 11 - first)
        if hi <= 5:
            phrase, a, b = self.worse, lo, hi
        elif lo >= 5:
            phrase, a, b = self.better, 10 - hi, 10 - lo
        else:
            return "around the middle for England"
        pct = f"{b * 10}%" if a == 0 else f"{a * 10}-{b * 10}%"
        return phrase.format(pct=pct)

    def deciles_text(self, first: int, last: int | None = None) -> str:
        """ "IMD deciles 2-3 (the 10-30% most deprived neighbourhoods in England)"."""
        last = first if last is None else last
        which = f"decile {first}" if first == last else f"deciles {first}-{last}"
        return f"{self.label} {which} ({self.band_text(first, last)})"


DECILE_SCALES = (
    DecileScale(
        "imd_decile",
        "IMD",
        1,
        "most deprived",
        "1 = most deprived",
        worse="the {pct} most deprived neighbourhoods in England",
        better="the {pct} least deprived neighbourhoods in England",
    ),
    DecileScale(
        "samhi_decile",
        "SAMHI",
        10,
        "poorest mental health",
        "10 = poorest mental health",
        worse="the {pct} of neighbourhoods in England with the poorest mental health",
        better="the {pct} of neighbourhoods in England with the best mental health",
    ),
)
"""The decile columns the summary knows, with the direction of each scale."""

ASSIGN_METHODS = ("auto", "lookup", "overlap", "centroid")


# --------------------------------------------------------------------------- assignment


def _lookup_frame(lookup: Any) -> pd.DataFrame:
    table = lookup.table if hasattr(lookup, "table") else lookup
    kind = getattr(lookup, "kind", None)
    if kind is not None and kind != "lsoa_ward":
        raise AnalysisError(
            f"lookup ({getattr(lookup, 'source', '') or kind}): a {kind!r} lookup cannot place "
            "LSOAs in wards; give an LSOA to ward lookup (lsoa_code, ward_code, ward_name)"
        )
    if not isinstance(table, pd.DataFrame):
        raise AnalysisError(f"lookup: expected a Lookup or a DataFrame, got {type(table).__name__}")
    missing = [c for c in ("lsoa_code", "ward_code") if c not in table.columns]
    if missing:
        raise AnalysisError(
            f"lookup: no {', '.join(missing)} column (columns are "
            f"{', '.join(map(str, table.columns))}); an LSOA to ward lookup needs lsoa_code, "
            "ward_code and ward_name"
        )
    out = table[["lsoa_code", "ward_code"]].astype(str).copy()
    out["ward_name"] = table["ward_name"] if "ward_name" in table.columns else out["ward_code"]
    return out.drop_duplicates("lsoa_code")


def assign_to_wards(
    lsoas: Any,
    wards: Any = None,
    *,
    lookup: Any = None,
    method: str = "auto",
) -> pd.DataFrame:
    """Say which ward each LSOA belongs to.

    Parameters
    ----------
    lsoas : AreaLayer, GeoDataFrame or DataFrame
        LSOAs with ``code`` (and geometry, for "overlap" and "centroid").
    wards : AreaLayer or GeoDataFrame, optional
        Ward polygons with ``code`` and ``name`` (EPSG:27700).
    lookup : Lookup or DataFrame, optional
        LSOA to ward lookup (``lsoa_code``, ``ward_code``, ``ward_name``).
    method : {"auto", "lookup", "overlap", "centroid"}
        "auto" uses the lookup when given, else "overlap".

    Returns
    -------
    pandas.DataFrame
        ``lsoa_code``, ``ward_code``, ``ward_name``, ``how`` ("lookup", "overlap",
        "centroid" or "none"), in the order of ``lsoas``.
    """
    if method not in ASSIGN_METHODS:
        raise AnalysisError(f"method: {method!r} is not one of {', '.join(ASSIGN_METHODS)}")
    if method == "auto":
        method = "lookup" if lookup is not None else "overlap"
    if method == "lookup" and lookup is None:
        raise AnalysisError("method='lookup' needs lookup= (an LSOA to ward lookup)")
    if method != "lookup" and wards is None:
        raise AnalysisError(
            f"method={method!r} needs the ward boundaries (wards=), or give an LSOA to ward lookup"
        )
    table = lsoas.gdf if hasattr(lsoas, "gdf") else getattr(lsoas, "table", lsoas)
    if "code" not in table.columns:
        raise AnalysisError("lsoas: no 'code' column with the LSOA codes")
    codes = table["code"].astype(str).to_numpy()
    out = pd.DataFrame(
        {"lsoa_code": codes, "ward_code": pd.NA, "ward_name": pd.NA, "how": "none"},
        index=table.index,
    ).astype({"ward_code": object, "ward_name": object})
    todo = np.ones(len(out), dtype=bool)
    if method == "lookup":
        lk = _lookup_frame(lookup).set_index("lsoa_code")
        hit = out["lsoa_code"].isin(lk.index).to_numpy()
        out.loc[hit, "ward_code"] = lk.loc[out.loc[hit, "lsoa_code"], "ward_code"].to_numpy()
        out.loc[hit, "ward_name"] = lk.loc[out.loc[hit, "lsoa_code"], "ward_name"].to_numpy()
        out.loc[hit, "how"] = "lookup"
        todo = ~hit
        if wards is None or not todo.any():
            return out.reset_index(drop=True)
        method = "overlap"
    w = area_input(wards, what="wards")
    if getattr(table, "geometry", None) is None or not hasattr(table, "crs"):
        raise AnalysisError(f"lsoas: placing LSOAs in wards by {method} needs their boundaries")
    idx = _locate(table.geometry.to_numpy()[todo], w.gdf.geometry.to_numpy(), method)
    rows = np.flatnonzero(todo)
    ok = idx >= 0
    out.iloc[rows[ok], out.columns.get_loc("ward_code")] = w.gdf["code"].to_numpy()[idx[ok]]
    out.iloc[rows[ok], out.columns.get_loc("ward_name")] = w.gdf["name"].to_numpy()[idx[ok]]
    out.iloc[rows[ok], out.columns.get_loc("how")] = method
    return out.reset_index(drop=True)


def _locate(polys: np.ndarray, wards: np.ndarray, method: str) -> np.ndarray:
    import shapely

    out = np.full(len(polys), -1, dtype=np.int64)
    if not len(polys):
        return out
    tree = shapely.STRtree(wards)
    if method == "centroid":
        pts = shapely.point_on_surface(polys)
        pi, wi = tree.query(pts, predicate="intersects")
        order = np.lexsort((wi, pi))
        pi, wi = pi[order], wi[order]
        first = np.r_[True, pi[1:] != pi[:-1]] if len(pi) else np.zeros(0, bool)
        out[pi[first]] = wi[first]
        return out
    pi, wi = tree.query(polys, predicate="intersects")
    if not len(pi):
        return out
    area = shapely.area(shapely.intersection(polys[pi], wards[wi]))
    frame = pd.DataFrame({"p": pi, "w": wi, "a": area})
    best = frame.sort_values(["p", "a", "w"], ascending=[True, False, True]).drop_duplicates("p")
    best = best[best["a"] > 0]
    out[best["p"].to_numpy()] = best["w"].to_numpy()
    return out


# --------------------------------------------------------------------------- deciles


def _indicator_frame(indicators: Any) -> pd.DataFrame:
    if indicators is None:
        return pd.DataFrame(columns=["lsoa_code"])
    items = indicators if isinstance(indicators, Sequence) else [indicators]
    frames = []
    for item in items:
        table = item.table if hasattr(item, "table") else item
        if not isinstance(table, pd.DataFrame) or "lsoa_code" not in table.columns:
            raise AnalysisError(
                "indicators: expected Indicators or DataFrames with an 'lsoa_code' column"
            )
        t = table.assign(lsoa_code=table["lsoa_code"].astype(str)).drop_duplicates("lsoa_code")
        frames.append(t.set_index("lsoa_code"))
    merged = pd.concat(frames, axis=1, join="outer") if frames else pd.DataFrame()
    merged = merged.loc[:, ~merged.columns.duplicated()]
    return merged.reset_index().rename(columns={"index": "lsoa_code"})


def decile_scale(label: str) -> DecileScale:
    """The scale called ``label`` ("IMD", "SAMHI")."""
    for scale in DECILE_SCALES:
        if scale.label == label:
            return scale
    raise AnalysisError(f"decile scale {label!r} is not known; known: IMD, SAMHI")


def whole_deciles(values: Any) -> pd.Series:
    """Deciles as whole numbers 1-10 (halves round up); anything else becomes missing."""
    v = pd.to_numeric(pd.Series(values), errors="coerce")
    d = np.floor(v + 0.5)
    return d.where((d >= 1) & (d <= 10)).astype("Int64")


def ward_decile_table(assignment: pd.DataFrame, indicators: Any, column: str) -> pd.DataFrame:
    """Number of each ward's LSOAs in each decile (1-10) of ``column``.

    Parameters
    ----------
    assignment : DataFrame
        From :func:`assign_to_wards` (``lsoa_code``, ``ward_code``).
    indicators : Indicators, DataFrame or a list of them
        With ``lsoa_code`` and ``column``.
    column : str
        A decile column, e.g. "imd_decile".

    Returns
    -------
    pandas.DataFrame
        Index ``ward_code``; columns 1..10 and "unknown" (LSOAs without a decile).
    """
    ind = _indicator_frame(indicators)
    if column not in ind.columns:
        raise AnalysisError(f"indicators: no {column!r} column")
    dec = assignment[["lsoa_code", "ward_code"]].merge(
        ind[["lsoa_code", column]], on="lsoa_code", how="left"
    )
    dec = dec[dec["ward_code"].notna()]
    d = whole_deciles(dec[column]).astype(object).where(lambda s: s.notna(), "unknown")
    table = pd.crosstab(dec["ward_code"].to_numpy(), d.to_numpy())
    cols = [*range(1, 11), "unknown"]
    table = table.reindex(columns=cols, fill_value=0)
    table.index.name = "ward_code"
    return table


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _is_are(n: int) -> str:
    return "is" if n == 1 else "are"


def decile_sentence(ward: str, counts: pd.Series, scale: DecileScale) -> str:
    """One sentence on a ward's LSOAs over the deciles of ``scale``, saying what they mean.

    ``counts`` is indexed 1..10 (and possibly "unknown"). Every decile named is
    followed by its meaning, so a reader cannot take the best mental health for the
    worst: "7 of Deptford's 8 LSOAs are in SAMHI deciles 1-2 (the 20% of
    neighbourhoods in England with the best mental health)."; "1 of Bellingham's 11
    LSOAs is in IMD decile 1 (the 10% most deprived neighbourhoods in England); 6 are
    in IMD deciles 2-3 (the 10-30% most deprived ...)."
    """
    known = counts.reindex(range(1, 11), fill_value=0).astype(int)
    total = int(known.sum())
    if total == 0:
        return f"{ward}: no {scale.label} deciles are known for its LSOAs."
    parts = []
    worst = int(known[scale.worst])
    if worst == total:
        text = (
            f"all {total} of {ward}'s LSOAs are in {scale.deciles_text(scale.worst)}"
            if total > 1
            else f"{ward}'s one LSOA is in {scale.deciles_text(scale.worst)}"
        )
        return text[:1].upper() + text[1:] + "."
    if worst:
        parts.append(
            f"{worst} of {ward}'s {_plural(total, 'LSOA')} {_is_are(worst)} in "
            f"{scale.deciles_text(scale.worst)}"
        )
    nonzero = known[known > 0]
    if len(nonzero) == 1:
        d = int(nonzero.index[0])
        if d != scale.worst:  # (all in the worst decile is said above)
            parts.append(
                f"all {_plural(total, 'LSOA')} of {ward} are in {scale.deciles_text(d)}"
                if total > 1
                else f"{ward}'s one LSOA is in {scale.deciles_text(d)}"
            )
    else:
        # The band of two adjacent deciles holding most LSOAs (the worse band on a tie).
        bands = [(int(known[a] + known[a + 1]), a) for a in range(1, 10)]
        key = (lambda b: (b[0], -b[1])) if scale.worst == 1 else (lambda b: (b[0], b[1]))
        n_band, a = max(bands, key=key)
        band_text = scale.deciles_text(a, a + 1)
        if n_band == total:
            whose = "" if worst else f" of {ward}'s LSOAs"
            parts.append(f"all {total}{whose} are in {band_text}")
        elif worst:
            parts.append(f"{n_band} {_is_are(n_band)} in {band_text}")
        else:
            parts.append(
                f"{n_band} of {ward}'s {_plural(total, 'LSOA')} {_is_are(n_band)} in {band_text}"
            )
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "."


def profile_sentence(scale: DecileScale, counts: Sequence[int], whose: str) -> str:
    """Where a group of LSOAs sits on a decile scale, in one sentence.

    ``counts`` are the LSOAs in deciles 1..10. Example: "18 of their 20 LSOAs are in
    IMD deciles 1-3 (the 30% most deprived neighbourhoods in England)." ``whose`` is
    the possessive of the group ("their", "Deptford's").
    """
    known = [int(c) for c in counts]
    total = sum(known)
    if total == 0:
        return ""
    worse_band = (1, 3) if scale.worst == 1 else (8, 10)
    better_band = (8, 10) if scale.worst == 1 else (1, 3)
    worse = sum(known[worse_band[0] - 1 : worse_band[1]])
    better = sum(known[better_band[0] - 1 : better_band[1]])
    if worse * 2 >= total and worse >= better:
        return f"{worse} of {whose} {total} LSOAs are in {scale.deciles_text(*worse_band)}."
    if better * 2 >= total:
        return f"{better} of {whose} {total} LSOAs are in {scale.deciles_text(*better_band)}."
    return (
        f"{whose[:1].upper() + whose[1:]} {total} LSOAs spread across the {scale.label} scale: "
        f"{worse} in {scale.deciles_text(*worse_band)}, {better} in "
        f"{scale.deciles_text(*better_band)}."
    )


def _distribution_text(counts: pd.Series) -> str:
    known = counts.reindex(range(1, 11), fill_value=0).astype(int)
    return ", ".join(f"{d}: {int(n)}" for d, n in known.items() if n) or "none known"


# --------------------------------------------------------------------------- summary


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

    ind = _indicator_frame(indicators)
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
            _distribution_text(dist.loc[c]) for c in out.index
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


__all__ = [
    "DECILE_SCALES",
    "decile_scale",
    "DecileScale",
    "assign_to_wards",
    "decile_sentence",
    "profile_sentence",
    "ward_decile_table",
    "ward_summary",
    "whole_deciles",
]
