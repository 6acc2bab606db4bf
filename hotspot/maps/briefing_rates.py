"""The rates section of the briefing pack: ward maps, the ward table, the borough's figures.

Its summary points give the offences and rate, the change on the previous period and
whether it is unlikely to be chance (the exact test on the borough's total), the wards
with the highest rates and how their neighbourhoods sit in the IMD and SAMHI deciles;
its ward lines and profiles fill the ward pages.
"""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from hotspot.core.formats import count_text, display, p_value_text
from hotspot.maps import static, wording
from hotspot.maps.attributions import join_nonempty
from hotspot.maps.briefing_types import (
    BriefingPage,
    BriefingSection,
    DecileProfile,
    KeyFigure,
    PageMaker,
    SummaryPoint,
    and_list,
    map_page,
    result_warnings,
)
from hotspot.maps.pages import is_landscape, mark_page, page_figure

RATES_TITLE = "Offences per 1,000 residents by ward"
CHANGE_TITLE = "Change since the previous period"


def ward_table(rates: Any, *, top: int | None = 10, suppress_below: int = 0) -> pd.DataFrame:
    """The wards by rank, formatted for a page (all text), indexed by ward code.

    Columns: Rank, Ward, Offences, Rate per 1,000, Previous period, Change, Change %
    (the last three when the rates have a comparison), and the change test's label
    when present. Figures are shown as everywhere else (:mod:`hotspot.core.formats`).
    With ``suppress_below``, small counts are hidden as in the CSV tables
    (:func:`hotspot.export.suppression_plan`, worked out on every ward, not just
    those shown) and the figures derived from them are left blank.
    """
    from hotspot.export import suppression_plan

    t = pd.DataFrame(rates.table if hasattr(rates, "table") else rates)
    t = t.drop(columns=[c for c in ("geometry",) if c in t.columns]).reset_index(drop=True)
    plan = suppression_plan(t, suppress_below)
    if "rank" in t.columns:
        t = t.sort_values("rank", kind="stable")
    elif "rate" in t.columns:
        t = t.sort_values("rate", ascending=False, kind="stable")
    shown = t.head(top) if top else t

    def num(col: str) -> list[str]:
        marks = plan.marks.get(col)
        blank = col in plan.derived
        out = []
        for i, v in shown[col].items():
            if marks is not None and isinstance(marks[i], str):
                out.append(marks[i])
            elif blank and plan.hidden[i]:
                out.append("")
            elif v is None or pd.isna(v):
                out.append("–")
            else:
                out.append(display(col, v))
        return out

    cols: dict[str, list[str]] = {}
    if "rank" in shown.columns:
        cols["Rank"] = num("rank")
    cols["Ward"] = shown["name"].astype(str).tolist()
    cols["Offences"] = num("count")
    for col, title in (
        ("rate", "Rate per 1,000"),
        ("count_prev", "Previous period"),
        ("change", "Change"),
        ("pct_change", "Change %"),
    ):
        if col in shown.columns:
            cols[title] = num(col)
    if "change_label" in shown.columns:
        cols["Change test"] = ["" if v == "–" else v for v in num("change_label")]
    index = shown["code"].astype(str) if "code" in shown.columns else None
    return pd.DataFrame(cols, index=index)


def suppression_note(threshold: int) -> str:
    from hotspot.export import WITHHELD

    return (
        f"Publication setting: counts from 1 to {threshold - 1} are shown as <{threshold}; where "
        f"they could be worked out from the total, another count is withheld ({WITHHELD}); the "
        "rate, change and rank of those wards are left blank."
    )


def table_page(b: Any, rates: Any, number: int) -> Figure:
    """Every ward (up to 20, else the top 20) by rank, with change and its test."""
    fig = page_figure(b)
    wide = is_landscape(b)
    top = 20
    n = len(rates.table)
    title = "Wards ranked by rate" if n <= top else f"The {top} wards with the highest rates"
    fig.text(0.05, 0.94, title, fontsize=18, fontweight="bold", va="top", gid="title")
    rank_by = getattr(rates, "rank_by", "rate")
    by = "rate per 1,000 residents" if rank_by == "rate" else "number of offences"
    sub = join_nonempty(
        [b.offence_group, b.period_label, f"ranked by {by}", f"Data: {b.data_source}"]
    )
    fig.text(
        0.05,
        0.90,
        textwrap.fill(sub, 120 if wide else 85),
        fontsize=10.5,
        color="#333333",
        va="top",
        gid="subtitle",
    )
    table = ward_table(rates, top=top, suppress_below=b.suppress_below)
    rows = len(table) + 1
    height = min(0.66 if wide else 0.72, 0.034 * rows * (1.0 if wide else 0.72))
    ax = fig.add_axes((0.05, 0.86 - height, 0.9, height))
    ax.set_axis_off()
    tab = ax.table(
        cellText=table.values.tolist(),
        colLabels=list(table.columns),
        loc="upper center",
        cellLoc="center",
        colLoc="center",
        bbox=(0, 0, 1, 1),
    )
    tab.auto_set_font_size(False)
    tab.set_fontsize(9.5 if wide else 8)
    tab.auto_set_column_width(list(range(len(table.columns))))
    for (row, col), cell in tab.get_celld().items():
        cell.set_edgecolor("#bbbbbb")
        if row == 0:
            cell.set_facecolor("#e8e8e4")
            cell.set_text_props(fontweight="bold")
        elif "unlikely" in str(table.iloc[row - 1].get("Change test", "")):
            cell.set_facecolor(
                "#f3ede4" if "Rise" in table.iloc[row - 1]["Change test"] else "#ebe8f2"
            )
        if table.columns[col] == "Ward":
            cell.set_text_props(ha="left")
            cell._loc = "left"
    tab.set_gid("ward-table")
    notes = []
    if b.suppress_below and b.suppress_below > 1:
        notes.append(suppression_note(b.suppress_below))
    if "Change test" in table.columns:
        notes.append(
            "Change compares with the period of equal length just before; the exact test says "
            "whether a change is larger than chance alone would often give (shaded rows)."
        )
    notes += list(getattr(rates, "warnings", ()) or ())[:3]
    if notes:
        fig.text(
            0.05,
            0.84 - height - 0.02,
            "\n".join(textwrap.fill(n, 150 if wide else 105) for n in notes),
            fontsize=8,
            va="top",
            color="#333333",
            gid="table-notes",
        )
    mark_page(fig, b, number)
    return fig


def _totals(rates: Any) -> dict[str, Any]:
    """Borough totals of a rates table: offences, residents, rate, change and its test."""
    from hotspot.analysis.rate_change import change_test

    t = rates.table
    total = float(pd.to_numeric(t["count"], errors="coerce").sum())
    out: dict[str, Any] = {"count": total, "n_areas": len(t)}
    pop = pd.to_numeric(t.get("population"), errors="coerce") if "population" in t else None
    per = getattr(getattr(rates, "params", None), "per", 1000)
    out["per"] = per
    if pop is not None and pop.notna().all() and pop.sum() > 0:
        out["rate"] = total / float(pop.sum()) * per
    if "count_prev" in t.columns:
        prev = float(pd.to_numeric(t["count_prev"], errors="coerce").sum())
        out["prev"] = prev
        now_months = getattr(getattr(rates, "period", None), "n_months", 1)
        then_months = getattr(getattr(rates, "comparison", None), "n_months", now_months)
        share = now_months / (now_months + then_months)
        p = float(change_test(np.array([total]), np.array([prev]), share)[0])
        alpha = getattr(getattr(rates, "params", None), "alpha", 0.05)
        out.update(change=total - prev, p=p, flagged=p < alpha)
        out["pct"] = (total - prev) / prev * 100 if prev > 0 else None
    return out


def _rates_key_figures(rates: Any) -> list[KeyFigure]:
    t = getattr(rates, "table", None)
    if t is None or "count" not in t.columns:
        return []
    tot = _totals(rates)
    out = [KeyFigure(count_text(tot["count"]), "offences recorded in the wards")]
    if "rate" in tot:
        out.append(KeyFigure(f"{tot['rate']:.1f}", f"per {tot['per']:,} residents"))
    if tot.get("pct") is not None:
        verdict = "a change unlikely to be chance" if tot["flagged"] else "within normal variation"
        comp = getattr(getattr(rates, "comparison", None), "label", "the previous period")
        out.append(KeyFigure(display("pct_change", tot["pct"]), f"on the {comp}: {verdict}"))
    return out


def number_word(n: int) -> str:
    """ "one" .. "nine", else the figure ("12")."""
    words = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
    return words[n - 1] if 1 <= n <= 9 else f"{n:,}"


def _change_phrase(row: Any) -> str:
    return f"{row['name']} {display('change', row['change'])}"


def _rates_summary(rates: Any, summary: Any, b: Any) -> list[SummaryPoint]:
    from hotspot.analysis.ward_deciles import decile_scale, profile_sentence

    t = rates.table
    tot = _totals(rates)
    period = f" in the {b.period_label}" if b.period_label else ""
    text = (
        f"{count_text(tot['count'])} offences were recorded in the {tot['n_areas']} wards{period}"
    )
    text += f": {tot['rate']:.1f} per {tot['per']:,} residents." if "rate" in tot else "."
    points = [SummaryPoint("offences", text)]
    if tot.get("change") is not None:
        comp = getattr(getattr(rates, "comparison", None), "label", "the previous period")
        change = tot["change"]
        more = "more" if change > 0 else "fewer"
        pct = f" ({display('pct_change', tot['pct'])})" if tot.get("pct") is not None else ""
        verdict = (
            "a change unlikely to be chance"
            if tot["flagged"]
            else "a change within normal variation: chance alone often gives one this size"
        )
        text = (
            f"That is {count_text(abs(change))} {more} than in the {comp}{pct}, {verdict} "
            f"(exact test, p {'< 0.001' if tot['p'] < 0.001 else '= ' + p_value_text(tot['p'])})."
        )
        if tot["change"] == 0:
            text = f"The same number as in the {comp}."
        if "change_flag" in t.columns:
            flagged = t[t["change_flag"].astype("boolean").fillna(False).astype(bool)]
            if b.suppress_below > 1:
                flagged = flagged[flagged["count"] >= b.suppress_below]
            ups = flagged[flagged["change"] > 0].sort_values("change", ascending=False)
            downs = flagged[flagged["change"] < 0].sort_values("change")
            parts = []
            if len(ups):
                parts.append(
                    f"{number_word(len(ups))} {'ward rose' if len(ups) == 1 else 'wards rose'} by "
                    "more than chance would explain "
                    f"({', '.join(_change_phrase(r) for _, r in ups.iterrows())})"
                )
            if len(downs):
                parts.append(
                    f"{number_word(len(downs))} fell "
                    f"({', '.join(_change_phrase(r) for _, r in downs.iterrows())})"
                )
            said = "; ".join(parts)
            text += (
                " " + said[:1].upper() + said[1:] + "."
                if parts
                else " No ward changed by more than chance would explain."
            )
        points.append(SummaryPoint("change", text))
    by = "rate" if "rate" in tot else "count"
    ranked = t.dropna(subset=[by]).sort_values(by, ascending=False)
    if b.suppress_below > 1:
        ranked = ranked[ranked["count"] >= b.suppress_below]
    top = ranked.head(3)
    if len(top):
        if by == "rate":
            shown = [f"{r['name']} ({r['rate']:.1f} per {tot['per']:,})" for _, r in top.iterrows()]
            ratio = float(top["rate"].iloc[0]) / tot["rate"] if tot.get("rate") else 0
            text = f"The highest rates are in {and_list(shown)}"
            text += (
                f"; the highest is {ratio:.1f} times the borough's {tot['rate']:.1f}."
                if ratio >= 1.2
                else "."
            )
        else:
            shown = [f"{r['name']} ({count_text(r['count'])})" for _, r in top.iterrows()]
            text = f"Most offences were recorded in {and_list(shown)}."
        points.append(SummaryPoint("wards", text))
        deciles = getattr(summary, "attrs", {}).get("deciles", {}) if summary is not None else {}
        codes = [str(c) for c in top["code"]]
        said = []
        for label, by_ward in deciles.items():
            counts = [sum(by_ward.get(c, [0] * 10)[d] for c in codes) for d in range(10)]
            sentence = profile_sentence(decile_scale(label), counts, "the")
            if sentence:
                said.append(sentence)
        if said:
            where = and_list([str(n) for n in top["name"]])
            text = f"In {where}, {said[0][:1].lower()}{said[0][1:]} " + " ".join(said[1:])
            points.append(SummaryPoint("context", text.strip(), rank=1))
    return points


def _rates_ward_lines(b: Any, rates: Any, ward: Any) -> list[str]:
    lines: list[str] = []
    code = str(ward["code"].iloc[0]) if "code" in ward.columns else ""
    t = getattr(rates, "table", None)
    if t is None or not code or "code" not in t.columns:
        return lines
    table = ward_table(rates, top=None, suppress_below=b.suppress_below)
    if code not in table.index:
        return lines
    shown = table.loc[code].fillna("")
    if shown.ndim > 1:  # a code listed twice: the first row
        shown = shown.iloc[0]
    row = t[t["code"].astype(str) == code].iloc[0]

    def value(column: str) -> str:
        return shown[column] or "not shown (small numbers)"

    lines.append(f"Offences: {value('Offences')}")
    if "Rate per 1,000" in shown:
        lines.append(f"Rate per 1,000 residents: {value('Rate per 1,000')}")
    if "Rank" in shown:
        lines.append(
            f"Rank: {shown['Rank']} of {len(table)} wards"
            if shown["Rank"]
            else "Rank: not shown (small numbers)"
        )
    if "share" in row and shown.get("Offences", "") and not str(shown["Offences"]).startswith("<"):
        lines.append(f"Share of the borough's offences: {display('share', row['share'])}")
    if "Previous period" in shown:
        comp = getattr(getattr(rates, "comparison", None), "label", "previous period")
        lines.append(f"{comp[:1].upper() + comp[1:]}: {value('Previous period')}")
    if "Change" in shown:
        pct = shown.get("Change %", "")
        pct = f" ({pct})" if pct and pct != "–" else ""
        lines.append(f"Change: {value('Change')}{pct}")
    if shown.get("Change test"):
        p = row.get("change_p")
        p_text = (
            f" (exact test, p {'< 0.001' if p < 0.001 else '= ' + p_value_text(p)})"
            if (p is not None and not pd.isna(p))
            else ""
        )
        lines.append(f"Change test: {str(shown['Change test']).lower()}{p_text}")
    return lines


def _rates_ward_profile(summary: Any, ward: Any) -> list[DecileProfile]:
    from hotspot.analysis.ward_deciles import decile_scale, decile_sentence

    if summary is None or "code" not in ward.columns:
        return []
    code = str(ward["code"].iloc[0])
    name = str(ward["name"].iloc[0]) if "name" in ward.columns else code
    out = []
    for label, by_ward in summary.attrs.get("deciles", {}).items():
        counts = by_ward.get(code)
        if counts is None:
            continue
        scale = decile_scale(label)
        series = pd.Series(counts, index=range(1, 11))
        out.append(DecileProfile(scale, tuple(counts), decile_sentence(name, series, scale)))
    return out


def rates_section(rates: Any, summary: Any = None) -> BriefingSection:
    """Ward rate and change maps, the ward table, the summary's figures, the ward figures.

    ``summary`` is the ward summary (:func:`hotspot.analysis.ward_summary.ward_summary`):
    its IMD and SAMHI deciles give the ward pages' neighbourhood profiles and the
    summary page's sentence on the highest-rate wards.
    """
    pages: list[PageMaker | BriefingPage] = [
        map_page(lambda ctx: static.rates_map(rates, ctx, title=RATES_TITLE), RATES_TITLE)
    ]
    if "change" in rates.table.columns:
        pages.append(
            map_page(lambda ctx: static.change_map(rates, ctx, title=CHANGE_TITLE), CHANGE_TITLE)
        )
    pages.append(BriefingPage("Wards ranked by rate", lambda b, n: table_page(b, rates, n)))
    return BriefingSection(
        "Ward rates and change",
        key_figures=_rates_key_figures(rates),
        pages=pages,
        methods=[("Ward rates and change", wording.rates_methods(rates))],
        warnings=result_warnings(rates),
        ward_lines=lambda b, ward: _rates_ward_lines(b, rates, ward),
        summary=lambda b: _rates_summary(rates, summary, b),
        ward_profile=lambda b, ward: _rates_ward_profile(summary, ward),
        order=-10,
    )


__all__ = ["rates_section", "suppression_note", "table_page", "ward_table"]
