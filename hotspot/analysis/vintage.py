"""Carry LSOA indicators between the 2011 and 2021 LSOA boundaries.

IMD 2019 and the ONS population estimates before 2021 are published on 2011
LSOA codes; SAMHI (here), the 2021 Census and recent police.uk data use 2021
codes. Joining them by code silently drops every area whose code changed.
:func:`join_indicators` carries the values across through the ONS lookup
("LSOA (2011) to LSOA (2021) to Local Authority District (2022) Lookup for England
and Wales") and accounts for every area in a :class:`JoinReport`.

How values are carried (the same rules both ways, 2011 -> 2021 and 2021 -> 2011)
-------------------------------------------------------------------------------
For each target area, its *parts* are the source areas the lookup links it to.

direct
    One part, linked only to this target, with the same code (change "U"): the
    value is copied.
inherited
    One part that was split into several targets (change "S" going forward, or a
    merged area going back): each target inherits the part's value. Also a single
    part whose code changed without a split.
merged
    Several parts, each linked only to this target (change "M" going forward):
    the population-weighted mean of the parts' values (the plain mean when no
    population is known for every part).
approximated
    Irregular changes (change "X", or a target whose parts are also split
    between other targets): the mean of the parts' values weighted by each part's
    population divided by the number of targets it is split between (so a part
    shared by two targets counts half); also a merged area some of whose parts
    have no value (the mean of the parts that have one). Flagged in the report.
missing
    No part has a value, or the target is not in the lookup: the value is left
    empty and the code is listed in the report.

Kinds of measure
----------------
Scores, indices, ranks and rates are averaged as above. Deciles (columns whose
name contains "decile" or ends with "_dec"): a merged or approximated area gets
the weighted mean of its parts' deciles rounded to the nearest whole decile
(halves round up); deciles are national rankings, so they cannot be recomputed
from a merged score, and the parts of a merged area are almost always in the same
or adjacent deciles. Counts (columns named "population" or starting
"population_"/"persons"): merged areas get the sum of their parts; inherited
(split) areas get an equal share of the parent's count, which is an approximation
noted in the report. Text columns are copied when there is one part and joined
("a; b") when there are several.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from hotspot.analysis._area_inputs import list_codes
from hotspot.analysis.errors import AnalysisError, VintageMismatchError

VINTAGES = (2011, 2021)
LOOKUP_NAME = (
    "LSOA (2011) to LSOA (2021) to Local Authority District (2022) Lookup for England and Wales"
)
LOOKUP_FILE = "lookup_lsoa11_lsoa21_lad22_ew.csv"
METHODS = ("direct", "inherited", "merged", "approximated", "missing")

_RAW_COLUMNS = {
    "LSOA11CD": "lsoa11_code",
    "LSOA21CD": "lsoa21_code",
    "CHGIND": "change",
    "LSOA11NM": "lsoa11_name",
    "LSOA21NM": "lsoa21_name",
}


def lookup_hint(source_vintage: int | None, target_vintage: int | None) -> str:
    """The sentence telling the user which lookup to add."""
    return (
        f"add the ONS '{LOOKUP_NAME}' (a CSV such as {LOOKUP_FILE}, from the ONS Open "
        "Geography Portal) to the project as a lookup, so values can be carried from "
        f"{source_vintage or 'one'} to {target_vintage or 'the other'} LSOA boundaries"
    )


def require_same_vintage(
    left: int | None, right: int | None, *, left_what: str, right_what: str
) -> None:
    """Raise :class:`VintageMismatchError` when two LSOA vintages are known and differ."""
    if left is not None and right is not None and left != right:
        raise VintageMismatchError(
            f"{left_what} uses {left} LSOA codes but {right_what} uses {right} codes; joining "
            f"them by code would silently drop every area whose code changed. Carry the values "
            f"across with join_indicators: {lookup_hint(left, right)}"
        )


@dataclass(frozen=True)
class JoinReport:
    """How every target area got its value (or did not).

    Attributes
    ----------
    source_vintage, target_vintage : int or None
        The LSOA vintages joined.
    methods : pandas.DataFrame
        One row per target area: ``code``, ``method`` (one of "direct",
        "inherited", "merged", "approximated", "missing"), ``parts`` (the source
        codes, "; "-separated), ``reason`` (for approximated and missing areas).
    not_in_lookup : tuple of str
        Source codes that the lookup does not know (their values could not be
        carried anywhere).
    notes : tuple of str
        How deciles and counts were handled, and anything else worth knowing.
    """

    source_vintage: int | None
    target_vintage: int | None
    methods: pd.DataFrame
    not_in_lookup: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    def codes(self, method: str) -> tuple[str, ...]:
        """Target codes that got their value by ``method``."""
        if method not in METHODS:
            raise ValueError(f"method must be one of {', '.join(METHODS)}")
        return tuple(self.methods.loc[self.methods["method"] == method, "code"])

    @property
    def matched(self) -> int:
        """Target areas whose code and boundary did not change (value copied)."""
        return len(self.codes("direct"))

    @property
    def carried(self) -> int:
        """Target areas valued exactly through the lookup (inherited or merged)."""
        return len(self.codes("inherited")) + len(self.codes("merged"))

    @property
    def approximated(self) -> int:
        """Target areas valued approximately (irregular changes, parts missing)."""
        return len(self.codes("approximated"))

    @property
    def missing(self) -> int:
        """Target areas left without a value."""
        return len(self.codes("missing"))

    def summary(self) -> str:
        """A plain-English account, e.g. for the Data panel."""
        if self.source_vintage == self.target_vintage:
            head = f"Joined on {self.target_vintage or 'the same'} LSOA codes"
        else:
            head = f"Carried from {self.source_vintage} to {self.target_vintage} LSOAs"
        total = len(self.methods)
        lines = [
            f"{head}: {total:,} areas.",
            f"  Matched directly (same code and boundary): {self.matched:,}",
            f"  Carried through the lookup (split or merged areas): {self.carried:,}",
            f"  Approximated (irregular changes or parts without a value): {self.approximated:,}",
            f"  Left without a value: {self.missing:,}",
        ]
        if self.approximated:
            lines.append(f"  Approximated areas: {list_codes(self.codes('approximated'))}")
        if self.missing:
            lines.append(f"  Areas without a value: {list_codes(self.codes('missing'))}")
        if self.not_in_lookup:
            lines.append(
                f"  {len(self.not_in_lookup):,} codes of the table are not in the lookup: "
                f"{list_codes(self.not_in_lookup)}"
            )
        lines.extend(f"Note: {n}" for n in self.notes)
        return "\n".join(lines)


# --------------------------------------------------------------------------- helpers


def _lookup_table(lookup: Any) -> pd.DataFrame:
    table = lookup.table if hasattr(lookup, "table") else lookup
    if not isinstance(table, pd.DataFrame):
        raise AnalysisError(f"lookup: expected a Lookup or a DataFrame, got {type(table).__name__}")
    kind = getattr(lookup, "kind", None)
    if kind is not None and kind != "lsoa11_lsoa21":
        raise AnalysisError(
            f"lookup ({getattr(lookup, 'source', '') or kind}): this is a {kind!r} lookup, but "
            f"carrying values between LSOA vintages needs the {LOOKUP_NAME}"
        )
    table = table.rename(columns={k: v for k, v in _RAW_COLUMNS.items() if k in table.columns})
    missing = [c for c in ("lsoa11_code", "lsoa21_code") if c not in table.columns]
    if missing:
        raise AnalysisError(
            f"lookup: no {' or '.join(missing)} column; it must be the {LOOKUP_NAME} "
            f"(columns LSOA11CD, LSOA21CD, CHGIND)"
        )
    out = table[["lsoa11_code", "lsoa21_code"]].astype(str).copy()
    out["change"] = (
        table["change"].astype(str).str.strip().str.upper() if "change" in table.columns else ""
    )
    for c in ("lsoa11_name", "lsoa21_name"):
        if c in table.columns:
            out[c] = table[c]
    return out.drop_duplicates(["lsoa11_code", "lsoa21_code"])


def _infer_vintage(codes: pd.Series, lookup: pd.DataFrame) -> int | None:
    c = set(codes.astype(str))
    in11 = len(c & set(lookup["lsoa11_code"]))
    in21 = len(c & set(lookup["lsoa21_code"]))
    only11 = len(c & (set(lookup["lsoa11_code"]) - set(lookup["lsoa21_code"])))
    only21 = len(c & (set(lookup["lsoa21_code"]) - set(lookup["lsoa11_code"])))
    if only11 > only21:
        return 2011
    if only21 > only11:
        return 2021
    if in11 and in21:
        return None  # only unchanged codes: either vintage
    return None


def _population_weights(population: Any, codes: pd.Index, vintage: int | None) -> pd.Series:
    if population is None:
        return pd.Series(np.nan, index=codes)
    pop_vintage = getattr(population, "vintage", None)
    require_same_vintage(
        pop_vintage,
        vintage,
        left_what="the population used as weights",
        right_what="the indicator table being carried",
    )
    table = population.table if hasattr(population, "table") else population
    if isinstance(table, pd.Series):
        s = table
    else:
        key = next((k for k in ("lsoa_code", "code") if k in table.columns), None)
        if key is None or "population" not in table.columns:
            raise AnalysisError(
                "population: expected columns lsoa_code and population (residents per LSOA, on "
                "the same LSOA codes as the indicator table)"
            )
        s = pd.Series(table["population"].to_numpy(), index=table[key].astype(str))
    s = pd.to_numeric(s, errors="coerce")
    s = s[~s.index.duplicated()]
    return s.reindex(codes).where(lambda v: v > 0)


def _is_decile(name: str) -> bool:
    n = name.lower()
    return "decile" in n or n.endswith("_dec") or ".dec" in n or n.startswith("dec")


def _is_count(name: str) -> bool:
    n = name.lower()
    return n == "population" or n.startswith(("population_", "persons"))


def _classify(links: pd.DataFrame, valued: set[str], targets: pd.Index) -> pd.DataFrame:
    """Per target: method, parts, reason."""
    n_targets_of = links.groupby("src")["dst"].nunique()
    irregular_dst = set(links.loc[links["change"] == "X", "dst"])
    parts = links.groupby("dst")["src"].agg(list)
    rows = []
    for t in targets:
        srcs = parts.get(t)
        if srcs is None:
            rows.append((t, "missing", "", "not in the lookup"))
            continue
        srcs = sorted(set(srcs))
        have = [s for s in srcs if s in valued]
        part_text = "; ".join(srcs)
        if not have:
            rows.append((t, "missing", part_text, "no value for " + ", ".join(srcs)))
            continue
        shared = [s for s in srcs if n_targets_of.get(s, 1) > 1]
        if t in irregular_dst or (len(srcs) > 1 and shared):
            rows.append((t, "approximated", part_text, "irregular boundary change"))
        elif len(have) < len(srcs):
            lacking = ", ".join(s for s in srcs if s not in valued)
            rows.append((t, "approximated", part_text, f"no value for part {lacking}"))
        elif len(srcs) > 1:
            rows.append((t, "merged", part_text, ""))
        elif shared or srcs[0] != t:
            rows.append((t, "inherited", part_text, ""))
        else:
            rows.append((t, "direct", part_text, ""))
    return pd.DataFrame(rows, columns=["code", "method", "parts", "reason"])


def _carry(
    values: pd.DataFrame,
    links: pd.DataFrame,
    methods: pd.DataFrame,
    weights: pd.Series,
) -> tuple[pd.DataFrame, list[str]]:
    """Compute each target's measures from its parts."""
    notes: list[str] = []
    n_targets_of = links.groupby("src")["dst"].nunique()
    link = links[["src", "dst"]].drop_duplicates()
    link = link[link["dst"].isin(methods["code"])]
    method_of = methods.set_index("code")["method"]
    link = link.assign(method=link["dst"].map(method_of).to_numpy())
    link = link[link["method"] != "missing"]
    share = 1.0 / link["src"].map(n_targets_of).to_numpy(float)
    w_pop = link["src"].map(weights).to_numpy(float)
    # Weights: population (divided between the targets a part is split into); when any
    # part of a target lacks a population, plain (equal) weights for that target.
    w = w_pop * share
    frame = pd.DataFrame({"dst": link["dst"].to_numpy(), "w": w, "share": share})
    no_pop_dst = set(frame.loc[~np.isfinite(frame["w"]), "dst"])
    plain = frame["dst"].isin(no_pop_dst).to_numpy()
    frame.loc[plain, "w"] = frame.loc[plain, "share"]
    multi = methods.loc[methods["method"].isin(["merged", "approximated"]), "code"]
    n_parts = frame["dst"].value_counts()
    single = n_parts.index[n_parts == 1]
    if plain.any() and set(multi) & no_pop_dst:
        notes.append(
            f"{len(set(multi) & no_pop_dst):,} merged or approximated areas were given the plain "
            "mean of their parts (no population for every part to weight by)."
        )
    out = pd.DataFrame(index=pd.Index(methods["code"], name="lsoa_code"))
    src_vals = values.reindex(link["src"].to_numpy())
    for col in values.columns:
        col_vals = src_vals[col]
        if not pd.api.types.is_numeric_dtype(values[col]):
            joined = (
                pd.DataFrame({"dst": frame["dst"], "v": col_vals.to_numpy()})
                .dropna()
                .groupby("dst")["v"]
                .agg(lambda v: "; ".join(dict.fromkeys(map(str, v))))
            )
            out[col] = joined.reindex(out.index)
            continue
        v = col_vals.to_numpy(float)
        ok = np.isfinite(v)
        if _is_count(col):
            part = pd.Series(np.where(ok, v * frame["share"].to_numpy(), 0.0))
            part_ok = pd.Series(ok)
            total = part.groupby(frame["dst"].to_numpy()).sum()
            any_ok = part_ok.groupby(frame["dst"].to_numpy()).any()
            out[col] = total.where(any_ok).reindex(out.index)
            continue
        wv = np.where(ok, frame["w"].to_numpy() * np.nan_to_num(v), 0.0)
        ww = np.where(ok, frame["w"].to_numpy(), 0.0)
        g = pd.DataFrame({"dst": frame["dst"].to_numpy(), "wv": wv, "ww": ww}).groupby("dst")
        sums = g.sum()
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = (sums["wv"] / sums["ww"]).where(sums["ww"] > 0)
        mean = mean.reindex(out.index)
        # A single part passes its value through unchanged (no arithmetic rounding).
        copied = pd.Series(v, index=frame["dst"].to_numpy()).groupby(level=0).first()
        mean = mean.where(~out.index.isin(single), copied.reindex(out.index))
        if _is_decile(col):
            mean = mean.where(~out.index.isin(multi), np.floor(mean + 0.5))
        out[col] = mean
    split_counts = [c for c in values.columns if _is_count(c)]
    n_split = int((methods["method"] == "inherited").sum())
    if split_counts and n_split:
        notes.append(
            f"{', '.join(split_counts)}: the {n_split:,} areas that inherit from a split parent "
            "were given an equal share of the parent's count (an approximation; use population "
            "figures for the target boundaries where you have them)."
        )
    deciles = [c for c in values.columns if _is_decile(c)]
    n_multi = int(methods["method"].isin(["merged", "approximated"]).sum())
    if deciles and n_multi:
        notes.append(
            f"{', '.join(deciles)}: for {n_multi:,} merged or approximated areas the decile is "
            "the weighted mean of the parts' deciles, rounded to a whole decile (halves up)."
        )
    return out, notes


# --------------------------------------------------------------------------- entry point


def join_indicators(
    indicators: Any,
    target_vintage: int,
    lookup: Any = None,
    population: Any = None,
    *,
    targets: Any = None,
) -> tuple[Any, JoinReport]:
    """Put an indicator table on the LSOA codes of ``target_vintage``.

    Parameters
    ----------
    indicators : Indicators
        The table (``lsoa_code`` and measures) with its ``vintage`` (2011 or 2021).
        A bare DataFrame is accepted when a lookup is given (the vintage is then
        inferred from the codes).
    target_vintage : int
        2011 or 2021.
    lookup : Lookup or DataFrame, optional
        The ONS LSOA 2011 -> 2021 lookup (``kind="lsoa11_lsoa21"``, or the raw
        columns LSOA11CD, LSOA21CD, CHGIND). Needed when the vintages differ.
    population : Indicators, DataFrame or Series, optional
        Residents per LSOA on the *source* codes, to weight merged areas. Without
        it, the indicator table's own ``population`` column is used if it has one;
        else merged areas take the plain mean of their parts.
    targets : iterable of str, optional
        The target areas wanted (e.g. the codes of the boundary layer). Targets
        with no value are listed in the report; without ``targets`` every target
        area the lookup links to the table is returned.

    Returns
    -------
    (Indicators, JoinReport)
        The table on target codes (one row per target area, values left empty
        where none could be given) and the account of how each area got its value.

    Raises
    ------
    VintageMismatchError
        When the vintages differ and no lookup was given; the message names the
        ONS lookup to add.
    AnalysisError
        When the table has no ``lsoa_code`` column or the vintage is not 2011/2021.
    """
    from hotspot.model import Indicators

    if target_vintage not in VINTAGES:
        raise AnalysisError(f"target_vintage: {target_vintage!r} is not one of 2011, 2021")
    if isinstance(indicators, pd.DataFrame):
        indicators = Indicators(indicators)
    table = indicators.table
    if "lsoa_code" not in table.columns:
        raise AnalysisError(
            f"{indicators.source or 'indicators'}: no 'lsoa_code' column to join on (columns "
            f"are {', '.join(map(str, table.columns))})"
        )
    label = indicators.source or f"the {indicators.kind} table"
    values = table.assign(lsoa_code=table["lsoa_code"].astype(str))
    dup = values["lsoa_code"][values["lsoa_code"].duplicated()]
    if len(dup):
        raise AnalysisError(f"{label}: the LSOA code {dup.iloc[0]!r} appears more than once")
    values = values.set_index("lsoa_code")
    source_vintage = indicators.vintage
    lk = _lookup_table(lookup) if lookup is not None else None
    if source_vintage is None and lk is not None:
        source_vintage = _infer_vintage(values.index.to_series(), lk)
    target_index = (
        pd.Index(pd.Series(list(targets), dtype=str).drop_duplicates())
        if targets is not None
        else None
    )

    if source_vintage == target_vintage or (source_vintage is None and lk is None):
        return _same_vintage(indicators, values, target_index, target_vintage)
    if lk is None:
        raise VintageMismatchError(
            f"{label} uses {source_vintage} LSOA codes but {target_vintage} codes are needed; "
            f"joining them by code would silently drop every area whose code changed. To fix "
            f"it, {lookup_hint(source_vintage, target_vintage)}."
        )
    if source_vintage is None:  # only unchanged codes: nothing to carry
        return _same_vintage(indicators, values, target_index, target_vintage)

    src_col, dst_col = (
        ("lsoa11_code", "lsoa21_code") if source_vintage == 2011 else ("lsoa21_code", "lsoa11_code")
    )
    links = lk.rename(columns={src_col: "src", dst_col: "dst"})[["src", "dst", "change"]]
    known_src = set(links["src"])
    not_in_lookup = tuple(sorted(set(values.index) - known_src))
    if target_index is None:
        target_index = pd.Index(
            sorted(set(links.loc[links["src"].isin(values.index), "dst"])), dtype=str
        )
    # Only the links that touch the wanted targets matter.
    links = links[links["dst"].isin(target_index)]
    measure_cols = list(values.columns)
    valued_mask = (
        values[measure_cols].notna().any(axis=1) if measure_cols else values.index.isin([])
    )
    valued = set(values.index[np.asarray(valued_mask, dtype=bool)])
    methods = _classify(links, valued, target_index)

    weights_src = population
    notes: list[str] = []
    if weights_src is None and "population" in values.columns:
        weights = pd.to_numeric(values["population"], errors="coerce").where(lambda v: v > 0)
        notes.append("Merged areas were weighted by the table's own population column.")
    else:
        weights = _population_weights(weights_src, pd.Index(sorted(known_src)), source_vintage)
    out, carry_notes = _carry(values[measure_cols], links, methods, weights)
    notes.extend(carry_notes)
    name_col = f"lsoa{str(target_vintage)[2:]}_name"
    if "lsoa_name" in out.columns and name_col in lk.columns:
        names = lk.drop_duplicates(dst_col).set_index(dst_col)[name_col]
        out["lsoa_name"] = names.reindex(out.index).fillna(out["lsoa_name"])
    result_table = out.reset_index()
    report = JoinReport(
        source_vintage=source_vintage,
        target_vintage=target_vintage,
        methods=methods,
        not_in_lookup=not_in_lookup,
        notes=tuple(notes),
    )
    lookup_src = getattr(lookup, "source", "") or "the ONS lookup"
    result = replace(
        indicators,
        table=result_table,
        vintage=target_vintage,
        notes=(
            *indicators.notes,
            f"Carried from {source_vintage} to {target_vintage} LSOAs through {lookup_src}: "
            f"{report.matched:,} matched directly, {report.carried:,} carried, "
            f"{report.approximated:,} approximated, {report.missing:,} without a value.",
        ),
    )
    return result, report


def _same_vintage(
    indicators: Any, values: pd.DataFrame, target_index: pd.Index | None, vintage: int
) -> tuple[Any, JoinReport]:
    if target_index is None:
        target_index = pd.Index(values.index, dtype=str)
    present = target_index.isin(values.index)
    valued = present.copy()
    if len(values.columns):  # a row whose every measure is empty gives no value either
        has_value = values.notna().any(axis=1)
        valued &= has_value.reindex(target_index, fill_value=False).to_numpy(bool)
    methods = pd.DataFrame(
        {
            "code": target_index.to_numpy(),
            "method": np.where(valued, "direct", "missing"),
            "parts": np.where(present, target_index.to_numpy(), ""),
            "reason": np.select(
                [valued, present], ["", "no value in the table"], "code not in the table"
            ),
        }
    )
    out = values.reindex(target_index)
    out.index.name = "lsoa_code"
    notes: tuple[str, ...] = ()
    if not present.all() and indicators.vintage is None:
        notes = (
            "The table's LSOA vintage is unknown; if the missing areas are 2011/2021 code "
            f"changes, {lookup_hint(None, vintage)}.",
        )
    report = JoinReport(
        source_vintage=indicators.vintage or vintage,
        target_vintage=vintage,
        methods=methods,
        notes=notes,
    )
    result = replace(indicators, table=out.reset_index(), vintage=indicators.vintage or vintage)
    return result, report


__all__ = [
    "LOOKUP_FILE",
    "LOOKUP_NAME",
    "METHODS",
    "JoinReport",
    "join_indicators",
    "lookup_hint",
    "require_same_vintage",
]
