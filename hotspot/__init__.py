"""Hotspot: a desktop GIS for community-safety analysts.

The package is organised in rooms (see ``DESIGN.md`` in the shared folder):
``hotspot.io`` reads and writes files, ``hotspot.model`` holds the shared
dataclasses, ``hotspot.analysis`` holds pure, Qt-free analyses, ``hotspot.maps``
renders results, ``hotspot.ui`` is the PySide6 window and ``hotspot.cli`` the
command line.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("hotspot")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+source"

CRS_BNG = "EPSG:27700"
"""British National Grid: the one CRS used inside the model."""

__all__ = ["CRS_BNG", "__version__"]
