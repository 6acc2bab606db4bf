"""Readers and writers. Everything read is returned in British National Grid (EPSG:27700).

- :func:`read_offences`: police.uk CSVs, folders, archive zips, API JSON, any points file.
- :func:`read_areas`: ward, LSOA and other boundaries (GeoJSON, GeoPackage, Shapefile).
- :func:`read_indicators`: IMD 2019, SAMHI, population, keyed by LSOA code.
- :func:`read_lookup`: LSOA 2011 -> 2021 and LSOA -> ward lookups.
- :func:`read_reference`: roads, places and named areas drawn beneath the results.
- :func:`detect_kind`: what a dropped file is, from its headers only.

Bad input raises :class:`InputError` with a message that names the file and says how to
fix it; no other exception escapes a reader for any file content.
"""

from hotspot.core.errors import InputError
from hotspot.io.areas import read_areas
from hotspot.io.detect import FileKind, detect_kind
from hotspot.io.indicators import read_indicators
from hotspot.io.lookups import read_lookup
from hotspot.io.offences import read_offences
from hotspot.io.reference import read_reference

__all__ = [
    "FileKind",
    "InputError",
    "detect_kind",
    "read_areas",
    "read_indicators",
    "read_lookup",
    "read_offences",
    "read_reference",
]
