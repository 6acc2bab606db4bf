"""``summary.txt``: what was selected, what each analysis found, said as the window says it."""

from __future__ import annotations

from typing import Any

from hotspot.pipeline.context import RunContext
from hotspot.pipeline.output_analyses import VERIFY_KEY, analyses_run

SUMMARY_FILE = "summary.txt"


def selection_lines(selection: Any) -> list[str]:
    """The selection, with what its group leaves out (said wherever its count is shown)."""
    lines = [f"Selection: {selection.label}"]
    if selection.offences is not None:
        count = f"{len(selection.offences):,} offences selected"
        left = selection.left_out_text
        lines.append(f"  {count}; the group {left}" if left else f"  {count} (every row)")
    return lines


def summary_text(ctx: RunContext) -> str:
    """The headline figures of every result, and every warning of the run, in plain English.

    With ``[outputs] suppress_below`` the lines are made from the published tables
    (:func:`hotspot.export.publishable_results`): an area whose count is hidden is not
    listed. Names and messages stay on their lines (:func:`hotspot.core.text.one_line`).
    """
    from hotspot.core.text import one_line
    from hotspot.export import publishable_results

    shown = publishable_results(ctx.results, ctx.project.outputs.suppress_below)
    lines = [f"Hotspot results: {ctx.project.name}", *selection_lines(ctx.selection)]
    excluded = ctx.selection.excluded
    if excluded:
        lines.append("Left out of every analysis (selection.exclude_locations):")
        lines += [f"  - {line}" for line in excluded.lines()]
    lines.append("")
    for spec in analyses_run(ctx.results):
        lines.append(spec.title)
        lines += [f"  {line}" for line in spec.summary(shown)]
        lines.append("")
    check = ctx.results.get(VERIFY_KEY)
    if check is not None:
        lines.append(check.heading)
        lines += [f"  {line}" for line in check.lines()]
        lines.append("")
    if ctx.unmade:
        lines.append("Not produced")
        lines += [f"  - {w}" for w in ctx.unmade]
        lines.append("")
    if ctx.warnings:
        lines.append("Messages")
        lines += [f"  - {w}" for w in ctx.warnings if w not in ctx.unmade]
    return "\n".join(one_line(line) for line in lines).rstrip() + "\n"


def write_summary(ctx: RunContext) -> None:
    """``summary.txt`` (written last, so that it holds every warning of the run)."""
    if analyses_run(ctx.results):
        ctx.write_text(SUMMARY_FILE, summary_text(ctx))
