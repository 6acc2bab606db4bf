"""The briefing's methods and data pages.

How each result was made, the sources by file name and publisher, the load report (its
counts published as the tables are), what to know, and the attributions.
"""

from __future__ import annotations

import re
from pathlib import PureWindowsPath
from typing import TYPE_CHECKING

import pandas as pd
from matplotlib.figure import Figure

from hotspot.maps.attributions import attribution_lines
from hotspot.maps.briefing_rates import suppression_note
from hotspot.maps.pages import (
    draw_lines,
    file_names_only,
    flow,
    is_landscape,
    mark_page,
    page_figure,
)

if TYPE_CHECKING:
    from hotspot.maps.briefing import Briefing


def _methods_blocks(b: Briefing) -> list[tuple[str, list[str]]]:
    blocks: list[tuple[str, list[str]]] = []
    for s in b.sections:
        blocks += [(heading, list(lines)) for heading, lines in s.methods]
    if b.checks is not None:
        heading, lines = b.checks
        blocks.append((heading, list(lines)))
    data = [f"Offences: {b.data_source}; {b.offence_group}; {b.period_label}."]
    if b.selection_note:
        data.append(f"The offence group {b.selection_note}.")
    if b.sources:
        blocks.append(("Sources", list(b.sources)))
    data += list(b.data_notes)
    if b.suppress_below and b.suppress_below > 1:
        data.append(suppression_note(b.suppress_below))
    blocks.append(("Data", data))
    warnings = [str(w) for w in b.notices]
    if not warnings:
        for s in b.sections:
            warnings += [str(w) for w in s.warnings]
    if warnings:
        blocks.append(("Things to know", list(dict.fromkeys(warnings))))
    if b.load_report:
        blocks.append(
            ("How the offence data were read", _report_lines(b.load_report, b.suppress_below))
        )
    blocks.append(
        (
            "Attributions",
            attribution_lines(year=b.boundary_year, imd=b.imd, samhi=b.samhi),
        )
    )
    # a document names its sources, never the folders of the analyst's computer
    return [
        (h, [file_names_only(" ".join(part.split())) for line in lines for part in _parts(line)])
        for h, lines in blocks
    ]


def _parts(text: str) -> list[str]:
    """A note's lines (notes may hold several, and runs of spaces)."""
    return [p for p in str(text).splitlines() if p.strip()] or [""]


_COUNT_LINE = re.compile(r"^(  - .+: )(\d[\d,]*)$")


def _report_lines(report: str, suppress_below: int = 0) -> list[str]:
    """The load report's lines, with file names instead of full paths (which name users).

    With ``suppress_below``, each list of counts ("  - robbery: 3", the rows by
    category or by reason not used) is suppressed as one column of a table.
    """
    from hotspot.export import publishable

    out = []
    for line in report.splitlines():
        if line.startswith("Source: "):
            source = line.removeprefix("Source: ").strip()
            # PureWindowsPath splits on both "/" and "\\"
            line = f"Source: {PureWindowsPath(source).name or source}"
        out.append(line)
    if not suppress_below or suppress_below <= 1:
        return out
    runs: list[list[int]] = []
    for i, line in enumerate(out):
        if _COUNT_LINE.match(line):
            if runs and runs[-1][-1] == i - 1:
                runs[-1].append(i)
            else:
                runs.append([i])
    for run in runs:
        found = [_COUNT_LINE.match(out[i]) for i in run]
        counts = pd.DataFrame({"count": [int(m.group(2).replace(",", "")) for m in found]})
        shown = publishable(counts, suppress_below)["count"].tolist()
        for i, m, text in zip(run, found, shown, strict=True):
            out[i] = m.group(1) + (f"{int(text):,}" if text.isdigit() else text)
    return out


_METHODS_TOP = 0.885


def methods_flow(b: Briefing):
    """The briefing's methods text laid out in the pack's orientation.

    Two columns on landscape pages, one on portrait; the result tells how many pages
    the methods take.
    """
    wide = is_landscape(b)
    return flow(
        _methods_blocks(b),
        doc=b,
        top=_METHODS_TOP,
        bottom=0.05,
        columns=2 if wide else 1,
        left=0.05 if wide else 0.07,
        right=0.95 if wide else 0.93,
        fontsize=7.6 if wide else 8.0,
        spacing=1.4,
        indent="  ",
        hang_labels=True,
    )


def methods_pages(b: Briefing, number: int) -> list[Figure]:
    """How each result was made, the data used and what the reader should know.

    In the pack's orientation (two columns on landscape pages); text that does not fit
    continues on another page.
    """
    laid = methods_flow(b)
    pages = []
    for i in range(laid.pages):
        fig = page_figure(b)
        title = "Methods and data" if i == 0 else "Methods and data (continued)"
        fig.text(0.05, 0.95, title, fontsize=18, fontweight="bold", va="top", gid="title")
        draw_lines(fig, laid.page_lines(i), gid="methods-text")
        mark_page(fig, b, number + i)
        pages.append(fig)
    return pages
