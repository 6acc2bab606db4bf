"""The first steps of a run: the analyses the project asks for, then their check with PySAL."""

from __future__ import annotations

from hotspot.core.errors import AnalysisError
from hotspot.core.progress import SubProgress
from hotspot.pipeline import analysis_spec, registry
from hotspot.pipeline.context import RunContext

# --------------------------------------------------------------------------- analyses


def compute_analyses(ctx: RunContext) -> None:
    """Run every analysis the project asks for.

    An analysis lacking inputs is skipped with a note (an output not produced when the
    project names it in ``[outputs] analyses``); one that refuses the data is an output
    not produced. A warning two analyses share (their common inputs') is said once.
    """
    chosen = registry.wanted_analyses(ctx.project)
    named = ctx.project.outputs.analyses is not None
    how = analysis_spec.command_line_hint
    said = set(ctx.warnings)
    for i, spec in enumerate(chosen):
        ctx.progress.check_cancelled()
        sub = SubProgress(ctx.progress, i / len(chosen), (i + 1) / len(chosen))
        why = registry.missing_inputs(spec.id, ctx.workspace, how)
        if why is not None:
            (ctx.unmade_output if named else ctx.warn)(f"{spec.id}: skipped. {why}")
            continue
        try:
            found = registry.run_analysis(
                spec.id, ctx.project, ctx.workspace, progress=sub, how=how
            )
        except AnalysisError as exc:
            ctx.unmade_output(f"{spec.id}: not run. {exc}")
            continue
        ctx.results.update(found)
        for key in spec.result_keys():
            for w in getattr(found.get(key), "warnings", ()) or ():
                if w not in said:
                    said.add(w)
                    ctx.warn(f"{spec.id}: {w}")


def analyses_run(results: analysis_spec.Results) -> list[analysis_spec.AnalysisSpec]:
    """The registered analyses that have a result in ``results``, in registry order."""
    return [s for s in registry.analyses() if s.has_result(results)]


# --------------------------------------------------------------------------- verification

VERIFY_KEY = "verify"
"""Key of the PySAL check (:class:`hotspot.pipeline.verify.Verification`) in the results."""


def verify_step(ctx: RunContext) -> None:
    """Recompute the results with PySAL (esda, libpysal weights) and record the differences."""
    from hotspot.pipeline.verify import verify_results

    check = verify_results(ctx.results, progress=ctx.progress)
    if check is None:
        ctx.warn("verify: nothing to check; no Gi* or correlation result in this run")
        return
    ctx.results[VERIFY_KEY] = check
    for w in check.warnings:
        ctx.warn(f"verify: {w}")
