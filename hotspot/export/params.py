"""The parameters of a result as plain JSON-friendly values, for every file that records them."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

import numpy as np

PARAMS_TABLE = "hotspot_params"

# --------------------------------------------------------------------------- parameters


def plain_value(value: Any) -> Any:
    """A JSON-friendly copy of a parameter value."""
    if hasattr(value, "label") and hasattr(value, "span"):  # a Period
        return str(value.label)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain_value(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, SimpleNamespace):
        return {k: plain_value(v) for k, v in vars(value).items()}
    if isinstance(value, Mapping):
        return {str(k): plain_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [plain_value(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    label = getattr(value, "label", None)  # Period and friends
    return label if isinstance(label, str) else str(value)


def result_params(result: Any) -> dict[str, Any]:
    """Everything worth storing about how a result was made.

    The result's ``params`` (every field, computed defaults included), then its
    ``seed``, ``n_points``, ``n_outside``, ``units``, ``bandwidth_note``, ``kind``,
    ``level``, ``period`` and ``comparison`` (labels), ``moran_i``, ``p_value``,
    ``caveat`` and ``warnings`` when it has them.
    """
    out: dict[str, Any] = {}
    params = getattr(result, "params", None)
    if params is not None:
        plain = plain_value(params)
        out.update(plain if isinstance(plain, dict) else {"params": plain})
    for name in (
        "seed",
        "n_points",
        "n_outside",
        "units",
        "bandwidth_note",
        "kind",
        "level",
        "period",
        "comparison",
        "moran_i",
        "p_value",
        "caveat",
        "warnings",
    ):
        if hasattr(result, name) and getattr(result, name) is not None:
            value = plain_value(getattr(result, name))
            if value not in ((), [], ""):
                out[name] = value
            span = getattr(getattr(result, name), "span", None)
            if isinstance(span, str):  # a Period: also its months, e.g. "2023-11 to 2024-10"
                out[f"{name}_months"] = span
    return out
