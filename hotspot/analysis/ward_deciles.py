"""The IMD and SAMHI deciles of a ward's neighbourhoods, counted and said in words.

IMD deciles: 1 = most deprived; SAMHI deciles: 10 = poorest mental health
(:data:`DECILE_SCALES`). Deciles that are not whole numbers (an LSOA split between
vintages in some published tables) are rounded to the nearest whole decile, halves up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from hotspot.analysis.errors import AnalysisError


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


def indicator_frame(indicators: Any) -> pd.DataFrame:
    """One table per LSOA (``lsoa_code`` column) from Indicators or DataFrames.

    Tables are joined on ``lsoa_code``; a column repeated in a later table is dropped.
    None gives an empty table.

    Raises
    ------
    AnalysisError
        When an item is neither Indicators nor a DataFrame with an ``lsoa_code`` column.
    """
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
    ind = indicator_frame(indicators)
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


def decile_distribution_text(counts: pd.Series) -> str:
    """Counts per decile as text ("1: 3, 4: 1"), deciles with none left out."""
    known = counts.reindex(range(1, 11), fill_value=0).astype(int)
    return ", ".join(f"{d}: {int(n)}" for d, n in known.items() if n) or "none known"


__all__ = [
    "DECILE_SCALES",
    "DecileScale",
    "decile_scale",
    "decile_sentence",
    "profile_sentence",
    "ward_decile_table",
    "whole_deciles",
    "decile_distribution_text",
    "indicator_frame",
]
