"""The one pipeline both front ends use: load a project's sources, select, run, write.

The window and ``hotspot run`` call the same functions, so they produce the same
results:

* :func:`load_workspace` reads every source of a project into a :class:`Workspace`
  (offences, areas by role, context tables, lookups, and what each reader reported);
* :func:`select` applies the project's selection (offence group and period, and
  the comparison period of equal length);
* :func:`run_project` loads, selects and runs the output :data:`STEPS` in order,
  writing into an output folder; an existing file is replaced only with ``force``.

The package's modules: :mod:`~hotspot.pipeline.registry` (the analyses, declared once in
:mod:`hotspot.pipeline.specs`), :mod:`~hotspot.pipeline.workspace` (loading),
:mod:`~hotspot.pipeline.selection`, :mod:`~hotspot.pipeline.inputs` (what the analyses
are given), :mod:`~hotspot.pipeline.context` (what a step sees),
:mod:`~hotspot.pipeline.load_report`, :mod:`~hotspot.pipeline.outputs` (the analysis
and export steps) and :mod:`~hotspot.pipeline.run`. This package is Qt-free.
"""

from hotspot.pipeline.context import RunContext, Step
from hotspot.pipeline.inputs import LsoaContext, lsoa_context, rates_for
from hotspot.pipeline.load_report import (
    LOAD_REPORT_FILE,
    OFFENCES_FILE,
    OFFENCES_LAYER,
    load_report_text,
    offences_for_export,
)
from hotspot.pipeline.output_maps import boundary_year, map_attributions, web_layers
from hotspot.pipeline.registry import (
    analyses,
    check_project,
    load_project,
    missing_inputs,
    params,
    run_analysis,
    spec,
)
from hotspot.pipeline.run import STEPS, run_outputs, run_project
from hotspot.pipeline.selection import (
    Selection,
    comparison_offences,
    select,
    select_offences,
    selected_group,
    selected_period,
)
from hotspot.pipeline.workspace import SourceLoad, Workspace, load_workspace

__all__ = [
    "LOAD_REPORT_FILE",
    "OFFENCES_FILE",
    "OFFENCES_LAYER",
    "STEPS",
    "analyses",
    "boundary_year",
    "check_project",
    "load_project",
    "params",
    "spec",
    "LsoaContext",
    "RunContext",
    "Selection",
    "SourceLoad",
    "Step",
    "Workspace",
    "comparison_offences",
    "load_report_text",
    "load_workspace",
    "lsoa_context",
    "map_attributions",
    "missing_inputs",
    "offences_for_export",
    "rates_for",
    "run_analysis",
    "run_outputs",
    "run_project",
    "select",
    "select_offences",
    "selected_group",
    "selected_period",
    "web_layers",
]
