"""Declared parameters: one declaration serves the analysis, the project file,
the window and the command line.

An analysis declares its parameters as a frozen dataclass whose fields are made
with :func:`param`, which records a label, a help text, allowed choices, a range,
a unit and, for parameters computed from the data when left empty, how they are
computed. The window builds its forms from :func:`specs`; the project file reads
and writes sections with :func:`from_dict` and :func:`to_dict`, so panel, project
file and command line never disagree (the QGIS Processing approach).

Example
-------
>>> from dataclasses import dataclass
>>> @dataclass(frozen=True)
... class DemoParams:
...     cell_size: float | None = param(None, label="Cell size", unit="m",
...                                     help="Side of a grid cell.", minimum=1,
...                                     computed="shorter side of the study area / 250")
>>> to_dict(from_dict(DemoParams, {"cell_size": 50}))
{'cell_size': 50.0}
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from typing import Any

from hotspot.core.errors import ProjectError

_META_KEY = "hotspot"

#: How a project file writes an empty optional parameter whose default is not empty
#: (TOML has no null): "auto" when the value is then computed, else "none".
AUTO, NONE = "auto", "none"


@dataclasses.dataclass(frozen=True)
class ParamSpec:
    """The declaration of one parameter.

    Attributes
    ----------
    name : str
        Field name, also the key in the project file.
    type : type
        ``bool``, ``int``, ``float``, ``str`` or ``tuple`` (of ``item_type``).
    optional : bool
        Whether ``None`` is allowed (meaning "compute from the data" or "off").
    default : object
        The default value.
    label, help, unit : str
        Text for forms, tooltips and the Methods page.
    choices : tuple or None
        Allowed values, when the parameter is a choice.
    minimum, maximum : float or None
        Inclusive range for numbers.
    computed : str or None
        For optional parameters: how the value is computed when left empty.
    item_type : type or None
        The element type of tuple parameters.
    advanced : bool
        Whether forms tuck the parameter away under "Advanced".
    """

    name: str
    type: type
    optional: bool
    default: Any
    label: str
    help: str
    unit: str = ""
    choices: tuple | None = None
    minimum: float | None = None
    maximum: float | None = None
    computed: str | None = None
    item_type: type | None = None
    advanced: bool = False


def param(
    default: Any,
    *,
    label: str,
    help: str,  # noqa: A002 - the natural name for a help text
    unit: str = "",
    choices: tuple | None = None,
    minimum: float | None = None,
    maximum: float | None = None,
    computed: str | None = None,
    advanced: bool = False,
) -> Any:
    """Declare a dataclass field as a user-facing parameter.

    Parameters
    ----------
    default : object
        Default value (immutable: use tuples, not lists).
    label : str
        Short label shown in forms ("Bandwidth").
    help : str
        One or two plain-English sentences on what it does and what its default means.
    unit : str, optional
        Unit shown next to the value ("m", "%").
    choices : tuple, optional
        The allowed values.
    minimum, maximum : float, optional
        Inclusive range for numbers.
    computed : str, optional
        How an empty (``None``) value is computed from the data.
    advanced : bool, optional
        Whether forms place it under "Advanced".

    Returns
    -------
    dataclasses.Field
        A field carrying the declaration in its metadata.
    """
    meta = {
        "label": label,
        "help": help,
        "unit": unit,
        "choices": tuple(choices) if choices is not None else None,
        "minimum": minimum,
        "maximum": maximum,
        "computed": computed,
        "advanced": advanced,
    }
    return dataclasses.field(default=default, metadata={_META_KEY: meta})


def seed_param(help: str, *, fresh: bool = True) -> Any:  # noqa: A002 - as param()
    """The "Random seed" of an analysis with random rearrangements (default 12345, advanced).

    ``fresh``: an empty seed draws a fresh one, recorded with the result.
    """
    return param(
        12345,
        label="Random seed",
        help=help,
        minimum=0,
        computed="a fresh random seed, recorded with the result" if fresh else None,
        advanced=True,
    )


def permutations_param(help: str, *, maximum: int) -> Any:  # noqa: A002 - as param()
    """The "Permutations" of a z-test that can use permutations instead (default 0: none)."""
    return param(0, label="Permutations", help=help, minimum=0, maximum=maximum)


def _unwrap(tp: Any) -> tuple[type, bool, type | None]:
    """Return (base type, optional, item type) for an annotation."""
    optional = False
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        optional = len(args) < len(typing.get_args(tp))
        if len(args) != 1:
            raise TypeError(f"unsupported parameter annotation {tp!r}")
        tp = args[0]
        origin = typing.get_origin(tp)
    if origin is tuple:
        args = typing.get_args(tp)
        item = args[0] if args else str
        return tuple, optional, item
    if origin is typing.Literal:
        return type(typing.get_args(tp)[0]), optional, None
    if tp not in (bool, int, float, str):
        raise TypeError(f"unsupported parameter type {tp!r}")
    return tp, optional, None


def specs(cls_or_obj: Any) -> tuple[ParamSpec, ...]:
    """Return the declarations of a params dataclass, in field order.

    Parameters
    ----------
    cls_or_obj : type or dataclass instance
        A dataclass whose fields were made with :func:`param`.

    Returns
    -------
    tuple of ParamSpec
    """
    cls = cls_or_obj if isinstance(cls_or_obj, type) else type(cls_or_obj)
    hints = typing.get_type_hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        meta = f.metadata.get(_META_KEY)
        if meta is None:
            continue
        base, optional, item = _unwrap(hints[f.name])
        out.append(
            ParamSpec(
                name=f.name,
                type=base,
                optional=optional,
                default=f.default,
                item_type=item,
                **meta,
            )
        )
    return tuple(out)


def _empty_word(spec: ParamSpec, value: Any) -> bool:
    """Whether ``value`` is the project file's word for an empty optional parameter."""
    return (
        spec.optional
        and isinstance(value, str)
        and value.strip().lower() in (AUTO, NONE)
        and not (spec.choices and value in spec.choices)
    )


def _coerce(spec: ParamSpec, value: Any, where: str) -> Any:
    key = f"{where}.{spec.name}" if where else spec.name
    if value is None or _empty_word(spec, value):
        if spec.optional:
            return None
        raise ProjectError(f"{key}: a value is required ({spec.help})")
    if spec.type is tuple:
        if not isinstance(value, list | tuple):
            raise ProjectError(f"{key}: expected a list, got {type(value).__name__} {value!r}")
        item_spec = dataclasses.replace(spec, type=spec.item_type or str, optional=False)
        items = tuple(_coerce_scalar(item_spec, v, key) for v in value)
        if spec.choices is not None:
            bad = [v for v in items if v not in spec.choices]
            if bad:
                raise ProjectError(
                    f"{key}: {bad[0]!r} is not one of {', '.join(map(repr, spec.choices))}"
                )
        return items
    return _check_range(spec, _coerce_scalar(spec, value, key), key)


def _coerce_scalar(spec: ParamSpec, value: Any, key: str) -> Any:
    tp = spec.type
    if tp is bool:
        if not isinstance(value, bool):
            raise ProjectError(f"{key}: expected true or false, got {value!r}")
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                return int(value)
            raise ProjectError(f"{key}: expected a whole number, got {value!r}")
        return value
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ProjectError(f"{key}: expected a number, got {value!r}")
        return float(value)
    if tp is str:
        if not isinstance(value, str):
            raise ProjectError(f"{key}: expected text, got {value!r}")
        if spec.choices is not None and value not in spec.choices:
            raise ProjectError(
                f"{key}: {value!r} is not one of {', '.join(map(repr, spec.choices))}"
            )
        return value
    raise ProjectError(f"{key}: unsupported type {tp!r}")  # pragma: no cover


def _check_range(spec: ParamSpec, value: Any, key: str) -> Any:
    if spec.type in (int, float):
        if spec.minimum is not None and value < spec.minimum:
            raise ProjectError(f"{key}: {value} is below the minimum {spec.minimum} {spec.unit}")
        if spec.maximum is not None and value > spec.maximum:
            raise ProjectError(f"{key}: {value} is above the maximum {spec.maximum} {spec.unit}")
    return value


def from_dict(cls: type, data: Mapping[str, Any] | None, *, where: str = "") -> Any:
    """Build a params dataclass from a mapping (a project-file section).

    Parameters
    ----------
    cls : type
        The params dataclass.
    data : mapping or None
        Key -> value; missing keys take their defaults. An optional parameter may be
        given as ``"auto"`` or ``"none"`` to leave it empty (computed from the data, or
        off), since TOML has no null.
    where : str, optional
        Where the section lives ("analysis.kde"), used in error messages.

    Returns
    -------
    object
        An instance of ``cls``.

    Raises
    ------
    ProjectError
        On an unknown key, a wrong type, a value out of range or not among the choices.
    """
    data = dict(data or {})
    by_name = {s.name: s for s in specs(cls)}
    unknown = sorted(set(data) - set(by_name))
    if unknown:
        known = ", ".join(by_name) or "(none)"
        prefix = f"{where}." if where else ""
        raise ProjectError(
            f"{prefix}{unknown[0]}: unknown parameter; the known parameters are {known}"
        )
    values = {name: _coerce(s, data[name], where) for name, s in by_name.items() if name in data}
    return cls(**values)


def validate(obj: Any, *, where: str = "") -> None:
    """Check every declared parameter of ``obj`` (types, choices, ranges).

    Call it from ``__post_init__`` of a params dataclass.

    Raises
    ------
    ProjectError
        On the first invalid value, naming the parameter.
    """
    for s in specs(obj):
        value = getattr(obj, s.name)
        coerced = _coerce(s, value, where)
        if coerced != value and not (s.type is float and isinstance(value, int)):
            key = f"{where}.{s.name}" if where else s.name
            raise ProjectError(f"{key}: invalid value {value!r} (expected {coerced!r})")


def to_dict(obj: Any) -> dict[str, Any]:
    """Return the declared parameters of ``obj`` as a TOML-ready mapping.

    TOML has no null: an empty (``None``) value is left out when that is the default,
    and written as ``"auto"`` (computed parameters) or ``"none"`` otherwise, so that
    :func:`from_dict` gives back the same object. Tuples become lists.
    """
    out: dict[str, Any] = {}
    for s in specs(obj):
        value = getattr(obj, s.name)
        if value is None:
            if s.default is not None:
                out[s.name] = AUTO if s.computed else NONE
            continue
        out[s.name] = list(value) if isinstance(value, tuple) else value
    return out


__all__ = [
    "ParamSpec",
    "from_dict",
    "param",
    "permutations_param",
    "seed_param",
    "specs",
    "to_dict",
    "validate",
]
