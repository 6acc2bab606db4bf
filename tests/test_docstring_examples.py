"""The examples in the package's docstrings run and print what they say."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import hotspot


def _modules_with_examples() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(hotspot.__path__, "hotspot."):
        if info.name.startswith(("hotspot.ui", "hotspot.__main__")):
            continue  # the window's modules hold no examples
        spec = importlib.util.find_spec(info.name)
        source = spec.loader.get_source(info.name) if spec and spec.loader else ""
        if source and ">>>" in source:
            names.append(info.name)
    return names


MODULES = _modules_with_examples()


def test_the_examples_are_found():
    assert {"hotspot.core.params", "hotspot.analysis.kde"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
