"""The analysis and export steps of ``hotspot run``, each a loop over the registry.

After the load report and the selected offences, the run computes the analyses the
project asks for (``[outputs] analyses``, every analysis by default) through
:func:`hotspot.pipeline.registry.run_analysis`, the same call the window makes, then
writes what ``[outputs]`` asks for:

=====================  ========================================================
``summary.txt``        the headline lines of every analysis, in plain English
files of an analysis   e.g. ``kde.tif`` (the density surface as GeoTIFF)
``*.csv``              every table an analysis declares with a CSV name
``results.gpkg``       every table declared with a GeoPackage layer, with its
                       parameters (``hotspot_params``)
``map_<id>.<fmt>``     print maps (``outputs.maps`` x ``outputs.map_formats``)
``map.html``           the offline interactive map (``outputs.html``)
``briefing.pdf``       the briefing pack (``outputs.briefing``)
=====================  ========================================================

The steps live with their kind of output: :mod:`~hotspot.pipeline.output_analyses`
(analyses, PySAL checks), :mod:`~hotspot.pipeline.output_tables` (an analysis's own
files, CSVs, GeoPackage), :mod:`~hotspot.pipeline.output_maps` (print maps and
``map.html``), :mod:`~hotspot.pipeline.output_briefing` and
:mod:`~hotspot.pipeline.output_summary`; this module puts them in order
(``OUTPUT_STEPS``) with what decides whether each runs. Qt-free.
"""

from __future__ import annotations

from collections.abc import Callable

from hotspot.model import Project
from hotspot.pipeline import registry
from hotspot.pipeline.context import Step
from hotspot.pipeline.output_analyses import compute_analyses, verify_step
from hotspot.pipeline.output_briefing import BRIEFING_FILE, write_briefing_step
from hotspot.pipeline.output_maps import HTML_FILE, write_html_step, write_maps_step
from hotspot.pipeline.output_summary import SUMMARY_FILE, write_summary
from hotspot.pipeline.output_tables import (
    GPKG_FILE,
    write_csv_step,
    write_files_step,
    write_gpkg_step,
)


def _analyses_wanted(project: Project) -> bool:
    return bool(registry.wanted_analyses(project))


def _csv_files(project: Project) -> tuple[str, ...]:
    if not project.outputs.csv:
        return ()
    return tuple(n for s in registry.wanted_analyses(project) for n in s.csv_names)


def _own_files(project: Project) -> tuple[str, ...]:
    return tuple(
        f.name for s in registry.wanted_analyses(project) for f in s.files if f.wanted(project)
    )


def _map_files(project: Project) -> tuple[str, ...]:
    o = project.outputs
    return tuple(f"map_{k}.{f}" for k in o.maps for f in o.map_formats)


def _selector(name: str) -> Callable[[Project], bool]:
    return lambda p: getattr(p.outputs, name)


#: The analysis and export steps of ``hotspot run``, after the load report.
OUTPUT_STEPS: tuple[Step, ...] = (
    Step("analyses", compute_analyses, wanted=_analyses_wanted, weight=3),
    Step("verify", verify_step, wanted=lambda p: p.outputs.verify, weight=1),
    Step("files", write_files_step, wanted=_analyses_wanted, files=_own_files, weight=0.2),
    Step("csv", write_csv_step, wanted=_selector("csv"), files=_csv_files, weight=0.3),
    Step(
        "gpkg", write_gpkg_step, wanted=_selector("gpkg"), files=lambda p: (GPKG_FILE,), weight=0.5
    ),
    Step(
        "maps", write_maps_step, wanted=lambda p: bool(p.outputs.maps), files=_map_files, weight=2
    ),
    Step("html", write_html_step, wanted=_selector("html"), files=lambda p: (HTML_FILE,), weight=1),
    Step(
        "briefing",
        write_briefing_step,
        wanted=_selector("briefing"),
        files=lambda p: (BRIEFING_FILE,),
        weight=4,
    ),
    Step(
        "summary",
        write_summary,
        wanted=_analyses_wanted,
        files=lambda p: (SUMMARY_FILE,),
        weight=0.1,
    ),
)


__all__ = ["OUTPUT_STEPS"]
