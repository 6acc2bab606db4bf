"""Pure, Qt-free analyses: params dataclass in, result dataclass out.

Each analysis is a function ``run_x(inputs, params, *, progress=NO_PROGRESS)``
whose params and result are frozen dataclasses; the result carries the params
actually used (computed defaults included) and any warnings for the user.
"""

from __future__ import annotations

import importlib

# Section name in the project file -> (module, params class). Modules are
# imported on demand so that a missing optional analysis never breaks start-up.
_REGISTRY: dict[str, tuple[str, str]] = {
    "kde": ("hotspot.analysis.kde", "KdeParams"),
    "gistar": ("hotspot.analysis.gistar", "GiStarParams"),
    "rates": ("hotspot.analysis.rates", "RatesParams"),
    "bivariate": ("hotspot.analysis.correlation", "BivariateParams"),
}


def params_classes() -> dict[str, type]:
    """Project-file section name -> params dataclass, for the analyses available."""
    out: dict[str, type] = {}
    for section, (module, name) in _REGISTRY.items():
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name == module:
                continue
            raise
        out[section] = getattr(mod, name)
    return out


__all__ = ["params_classes"]
