"""What ``pip install .`` puts in place: every subpackage, and the data files beside them."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]


def _folder(package: str) -> Path:
    """The source folder of a package, honouring ``package-dir``."""
    mapped = SETUPTOOLS.get("package-dir", {})
    if package in mapped:
        return ROOT / mapped[package]
    return ROOT / package.replace(".", "/")


def test_every_subpackage_is_installed():
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "hotspot").rglob("__init__.py")
        if "__pycache__" not in p.parts
    }
    declared = set(SETUPTOOLS["packages"])
    assert found <= declared, f"add to [tool.setuptools] packages: {sorted(found - declared)}"
    for package in declared:
        assert (_folder(package) / "__init__.py").is_file(), package


def test_every_data_file_is_package_data():
    """The boundary catalogue, the offence-group presets, the offline web assets ..."""
    data = SETUPTOOLS["package-data"]
    for package in ("hotspot.resources", "hotspot.boundaries"):
        folder = _folder(package)
        patterns = data[package]
        files = [
            p.relative_to(folder).as_posix()
            for p in folder.rglob("*")
            if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts
        ]
        assert files, package
        # the patterns are globs relative to the package folder, as setuptools reads them
        shipped = {q.relative_to(folder).as_posix() for pat in patterns for q in folder.glob(pat)}
        missing = sorted(set(files) - shipped)
        assert not missing, f"{package}: not shipped by package-data {patterns}: {missing}"
    assert (ROOT / "boundaries" / "catalogue.toml").is_file()
    assert (ROOT / "resources" / "offence_groups.toml").is_file()


def test_entry_point_and_python_version():
    project = PYPROJECT["project"]
    assert project["scripts"] == {"hotspot": "hotspot.cli:main"}
    assert project["requires-python"] == ">=3.11"
    test_extra = " ".join(project["optional-dependencies"]["test"])
    for tool in ("pytest", "pytest-qt", "hypothesis", "ruff", "import-linter"):
        assert tool in test_extra, tool
