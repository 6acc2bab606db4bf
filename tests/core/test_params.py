"""Declared parameters: validation, round trip, and the error messages users see."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from hotspot.core.errors import ProjectError
from hotspot.core.params import from_dict, param, specs, to_dict, validate


@dataclass(frozen=True)
class _Params:
    kernel: str = param("quartic", label="Kernel", help="Shape.", choices=("quartic", "gaussian"))
    bandwidth: float | None = param(
        None, label="Bandwidth", help="Radius.", unit="m", minimum=1, computed="Silverman"
    )
    permutations: int = param(0, label="Permutations", help="Count.", minimum=0, maximum=9999)
    fdr: bool = param(True, label="FDR", help="Correct.")
    levels: tuple[float, ...] = param((1.0, 2.0), label="Levels", help="k x mean.")

    def __post_init__(self):
        validate(self)


def test_specs_carry_the_declaration():
    s = {p.name: p for p in specs(_Params)}
    assert s["bandwidth"].optional and s["bandwidth"].type is float
    assert s["bandwidth"].computed == "Silverman" and s["bandwidth"].unit == "m"
    assert s["kernel"].choices == ("quartic", "gaussian")
    assert s["levels"].type is tuple and s["levels"].item_type is float
    assert not s["fdr"].optional


def test_round_trip_through_dict():
    p = from_dict(_Params, {"kernel": "gaussian", "bandwidth": 300, "levels": [1, 3]})
    assert p.bandwidth == 300.0 and isinstance(p.bandwidth, float)
    assert p.levels == (1.0, 3.0)
    d = to_dict(p)
    assert "bandwidth" in d and d["levels"] == [1.0, 3.0]
    assert from_dict(_Params, d) == p
    assert "bandwidth" not in to_dict(_Params())  # None (computed) is left out


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"kernal": "quartic"}, "analysis.kde.kernal: unknown parameter"),
        ({"kernel": "box"}, "analysis.kde.kernel: 'box' is not one of"),
        ({"bandwidth": "300"}, "analysis.kde.bandwidth: expected a number"),
        ({"bandwidth": 0}, "below the minimum"),
        ({"permutations": 2.5}, "expected a whole number"),
        ({"permutations": 10_000}, "above the maximum"),
        ({"fdr": "yes"}, "expected true or false"),
        ({"levels": 3}, "expected a list"),
    ],
)
def test_bad_values_name_the_key(data, fragment):
    with pytest.raises(ProjectError, match=None) as exc:
        from_dict(_Params, data, where="analysis.kde")
    assert fragment in str(exc.value)


def test_direct_construction_is_validated():
    with pytest.raises(ProjectError, match="kernel"):
        _Params(kernel="box")


@dataclass(frozen=True)
class _Seeded:
    seed: int | None = param(
        12345, label="Seed", help="Random seed.", minimum=0, computed="a fresh seed"
    )
    limit: float | None = param(5.0, label="Limit", help="Upper limit, or none.")

    def __post_init__(self):
        validate(self)


def test_empty_values_survive_the_project_file():
    empty = _Seeded(seed=None, limit=None)
    d = to_dict(empty)
    # TOML has no null: an empty value that is not the default is written as a word
    assert d == {"seed": "auto", "limit": "none"}
    assert from_dict(_Seeded, d) == empty
    assert from_dict(_Seeded, {"seed": "AUTO", "limit": " None "}) == empty
    assert to_dict(_Seeded()) == {"seed": 12345, "limit": 5.0}
    with pytest.raises(ProjectError, match="expected a whole number"):
        from_dict(_Seeded, {"seed": "random"})
    with pytest.raises(ProjectError, match="seed"):
        _Seeded(seed="auto")  # the word is for files; code passes None
