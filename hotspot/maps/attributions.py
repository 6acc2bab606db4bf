"""The attributions a map of these data must carry, in full and in one short line.

Open Government Licence, OS copyright, police.uk, the IMD and the SAMHI citation, and
the basemap's; :func:`join_nonempty` joins the parts of a subtitle the same way.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Sequence

OGL_TEXT = "Contains public sector information licensed under the Open Government Licence v3.0."
POLICE_UK_TEXT = "Offences: police.uk (locations are approximate, snapped to anonymised points)."
IMD_TEXT = "English Indices of Deprivation 2019 (MHCLG)."
SAMHI_TEXT = (
    "SAMHI: Daras K. & Barr B. (2021) Small Area Mental Health Index, "
    "doi:10.17638/datacat.liverpool.ac.uk/1188."
)
OSM_TEXT = "Basemap © OpenStreetMap contributors (ODbL)."


def os_copyright(year: int | None = None) -> str:
    """ "Contains OS data © Crown copyright and database right <year>"."""
    y = year or _dt.date.today().year
    return f"Contains OS data © Crown copyright and database right {y}."


def attribution_lines(
    *,
    year: int | None = None,
    police: bool = True,
    imd: bool = False,
    samhi: bool = False,
    basemap: str = "none",
    basemap_note: str = "",
) -> list[str]:
    """The attributions a map of these data must carry.

    Parameters
    ----------
    year : int, optional
        Year for the OS copyright line (default: this year).
    police : bool
        The map shows police.uk data.
    imd, samhi : bool
        The map uses IMD 2019 / SAMHI (SAMHI needs its citation).
    basemap : {"none", "osm"}
        The basemap drawn (OpenStreetMap needs its attribution).
    basemap_note : str
        Said instead when a basemap was asked for but could not be drawn
        (e.g. "Basemap not shown: no network").
    """
    lines = [OGL_TEXT, os_copyright(year)]
    if police:
        lines.append(POLICE_UK_TEXT)
    if imd:
        lines.append(IMD_TEXT)
    if samhi:
        lines.append(SAMHI_TEXT)
    if basemap_note:
        lines.append(basemap_note)
    elif basemap == "osm":
        lines.append(OSM_TEXT)
    return lines


def attribution_short(lines: Sequence[str]) -> str:
    """The attributions of ``lines`` in one short line for a map's corner.

    E.g. "© Crown copyright 2022 · OGL v3.0 · police.uk · IMD 2019"; the full lines
    are shown on request (the interactive map shows them on a click).
    """
    import re

    parts = []
    for line in lines:
        if line.startswith("Contains OS data"):
            year = re.search(r"(\d{4})", line)
            parts.append(f"© Crown copyright {year.group(1)}" if year else "© Crown copyright")
        elif line == OGL_TEXT:
            parts.append("OGL v3.0")
        elif line == POLICE_UK_TEXT:
            parts.append("police.uk")
        elif line == IMD_TEXT:
            parts.append("IMD 2019")
        elif line == SAMHI_TEXT:
            parts.append("SAMHI")
        elif line == OSM_TEXT:
            parts.append("© OpenStreetMap")
    return " · ".join(dict.fromkeys(parts))


def join_nonempty(parts: Iterable[str | None], sep: str = " · ") -> str:
    """Join the non-empty parts with ``sep``."""
    return sep.join(p for p in parts if p)


__all__ = [
    "OGL_TEXT",
    "OSM_TEXT",
    "SAMHI_TEXT",
    "attribution_lines",
    "attribution_short",
    "os_copyright",
    "join_nonempty",
]
