"""Small helpers shared by the analysis declarations."""

from __future__ import annotations

from typing import Any

from hotspot.pipeline.registry import Missing


def needs_offences(workspace: Any) -> Missing | None:
    """Offence data, the first input of every analysis."""
    if workspace is None or workspace.offences is None:
        return Missing("offence data", "offences")
    return None


def warning_lines(result: Any, known: tuple[str, ...] = ()) -> list[str]:
    """A result's warnings, except those already said (e.g. the selection's)."""
    return [w for w in (getattr(result, "warnings", ()) or ()) if w not in known]


def plain(table: Any) -> Any:
    """A table without its geometry column."""
    columns = getattr(table, "columns", ())
    return table.drop(columns="geometry") if "geometry" in columns else table
