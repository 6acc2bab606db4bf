"""One module per analysis, each defining ``SPEC`` (:class:`~hotspot.pipeline.analysis_spec.AnalysisSpec`).

The registry (:func:`hotspot.pipeline.registry.analyses`) finds every module here;
nothing else lists the analyses.
"""
