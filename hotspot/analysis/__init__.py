"""Pure, Qt-free analyses: params dataclass in, result dataclass out.

Each analysis is a function ``run_x(inputs, params, *, progress=NO_PROGRESS)``
whose params and result are frozen dataclasses; the result carries the params
actually used (computed defaults included) and any warnings for the user. One
statistic per module; which analyses the application offers, and how, is declared
in :mod:`hotspot.pipeline.specs`.
"""
