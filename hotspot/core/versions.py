"""The versions that matter when someone reports a problem: Hotspot, Python, GDAL, PROJ ...

One Qt-free function gathers them for ``hotspot --version``, the crash log, the crash
dialog and Help > About; the front ends add Qt's version (``extra``), since only they
may import Qt. GDAL and PROJ are reported per library that carries its own copy
(pyogrio reads vector files, rasterio writes the GeoTIFF, pyproj transforms
coordinates): a difference between them is what support needs to see.
"""

from __future__ import annotations

import importlib
import platform
from collections.abc import Iterable

# (what, the library that carries its own copy, the attribute holding the version)
_SHARED_LIBRARIES = (
    ("GDAL", "pyogrio", "__gdal_version_string__"),
    ("GDAL", "rasterio", "__gdal_version__"),
    ("PROJ", "pyproj", "proj_version_str"),
    ("PROJ", "rasterio", "__proj_version__"),
    ("GEOS", "shapely", "geos_version_string"),
)


def _shared_library_versions() -> dict[str, str]:
    """GDAL, PROJ and GEOS versions, each naming the libraries that carry that copy."""
    found: dict[str, dict[str, list[str]]] = {"GDAL": {}, "PROJ": {}, "GEOS": {}}
    for what, module, attribute in _SHARED_LIBRARIES:
        try:
            value = str(getattr(importlib.import_module(module), attribute))
        except Exception:  # noqa: BLE001 - a broken library must not hide the others
            continue
        found[what].setdefault(value, []).append(module)
    return {
        what: ", ".join(f"{v} ({', '.join(libs)})" for v, libs in by_version.items()) or "?"
        for what, by_version in found.items()
    }


def versions(extra: Iterable[tuple[str, str]] = ()) -> list[tuple[str, str]]:
    """Name and version of Hotspot and the software under it, most important first.

    Parameters
    ----------
    extra : iterable of (name, version)
        Added after Python (the window adds Qt and its web engine).

    Returns
    -------
    list of (str, str)
        Hotspot, Python, ``extra``, GDAL, PROJ, GEOS and the operating system.
    """
    from hotspot import __version__

    return [
        ("Hotspot", __version__),
        ("Python", platform.python_version()),
        *extra,
        *_shared_library_versions().items(),
        ("System", platform.platform()),
    ]


def versions_text(extra: Iterable[tuple[str, str]] = ()) -> str:
    """:func:`versions` as lines of ``name version`` (for logs and ``--version``)."""
    return "\n".join(f"{name} {value}" for name, value in versions(extra))


__all__ = ["versions", "versions_text"]
