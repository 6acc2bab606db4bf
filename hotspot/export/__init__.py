"""GIS and data exports: GeoPackage, GeoTIFF and CSV files that QGIS, ArcGIS and Excel open.

* :mod:`~hotspot.export.geopackage`: result layers with their parameters;
* :mod:`~hotspot.export.geotiff`: the density surface;
* :mod:`~hotspot.export.tables`: CSV tables for reports;
* :mod:`~hotspot.export.disclosure`: small-count suppression for publication;
* :mod:`~hotspot.export.params`: the parameters of a result as plain values.

Every writer is atomic (temporary file, then rename) and raises
:class:`~hotspot.core.errors.ExportError` when the target exists without ``overwrite``.
"""

from hotspot.export.disclosure import (
    COUNT_COLUMNS,
    DERIVED_COLUMNS,
    SUPPRESSED_COLUMN,
    WITHHELD,
    SuppressionPlan,
    publishable,
    publishable_results,
    self_published,
    suppress_small_counts,
    suppression_plan,
)
from hotspot.export.geopackage import (
    GpkgLayer,
    density_class_polygons,
    export_geopackage,
    read_params,
    result_layers,
    write_geopackage,
)
from hotspot.export.geotiff import GEOTIFF_NODATA, write_geotiff
from hotspot.export.params import PARAMS_TABLE, result_params
from hotspot.export.tables import formula_safe, formula_safe_text, readable_table, write_csv

__all__ = [
    "COUNT_COLUMNS",
    "DERIVED_COLUMNS",
    "GEOTIFF_NODATA",
    "PARAMS_TABLE",
    "SUPPRESSED_COLUMN",
    "WITHHELD",
    "GpkgLayer",
    "SuppressionPlan",
    "density_class_polygons",
    "export_geopackage",
    "formula_safe",
    "formula_safe_text",
    "read_params",
    "readable_table",
    "result_layers",
    "publishable",
    "publishable_results",
    "self_published",
    "result_params",
    "suppress_small_counts",
    "suppression_plan",
    "write_csv",
    "write_geopackage",
    "write_geotiff",
]
