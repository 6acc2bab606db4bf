"""Map layers shared by the interactive map, the print maps and the window.

A layer wraps one analysis result (or the boundaries, or the offence points) and
knows how it looks: colours per feature, a legend, tooltip fields and its extent.
Renderers (:mod:`hotspot.maps.web` for folium/Leaflet, :mod:`hotspot.maps.static`
for matplotlib) draw any layer without knowing the analysis behind it.

The layers, one module per family (all data in British National Grid, EPSG:27700):

- :mod:`~hotspot.maps.layers.base` - :class:`MapLayer`, the base class, and what
  every layer shares (British National Grid frames, tooltip number formats, label
  points, extents).
- :mod:`~hotspot.maps.layers.points` - :class:`OffencePoints` (offence locations;
  clustered on the web map, single points at high zoom; sensitive, so added only when
  the user asks) and :class:`DensitySurface` (a KDE :class:`DensityResult` as k x mean
  hotspot classes or a continuous surface; reprojected to Web Mercator with
  ``rasterio.warp`` on the web map).
- :mod:`~hotspot.maps.layers.cells` - :class:`GiStarCells`, Gi* cells coloured by
  ``gi_bin`` (ArcGIS convention).
- :mod:`~hotspot.maps.layers.areas` - :class:`AreaBoundaries` (ward, LSOA or borough
  outlines with name labels), :class:`AreaChoropleth` (one column of an
  :class:`AreaStats` table classed with mapclassify's schemes) and
  :class:`ChangeSignificance` (change since the previous period, the rises and falls
  the exact test flags drawn apart from changes within normal variation).
- :mod:`~hotspot.maps.layers.clusters` - :class:`ClusterMap` (local bivariate Moran
  clusters of a :class:`BivariateResult`) and :class:`BivariateChoropleth` (a 3 x 3
  choropleth of two columns, rate vs IMD/SAMHI).

Vector layers implement :meth:`MapLayer.features`: a GeoDataFrame in EPSG:27700 with
the style columns ``_fill`` (hex or None), ``_fill_opacity``, ``_stroke`` and
``_stroke_width``, plus the tooltip columns named in :meth:`MapLayer.tooltip` (text,
formatted for display).

Example
-------
>>> layers = [DensitySurface(kde_result), GiStarCells(gistar_result, visible=False),
...           AreaBoundaries(wards)]                                    # doctest: +SKIP
>>> html = hotspot.maps.web_html.render_html(hotspot.maps.web.build_map(layers))  # doctest: +SKIP
"""

from hotspot.maps.layers.areas import (
    CHANGE_CLASSES,
    AreaBoundaries,
    AreaChoropleth,
    ChangeSignificance,
)
from hotspot.maps.layers.base import (
    TOOLTIP_FIELDS,
    MapLayer,
    as_bng_gdf,
    layers_bounds,
    union_bounds,
)
from hotspot.maps.layers.cells import GiStarCells
from hotspot.maps.layers.clusters import BivariateChoropleth, ClusterMap
from hotspot.maps.layers.points import DensitySurface, OffencePoints

__all__ = [
    "TOOLTIP_FIELDS",
    "AreaBoundaries",
    "AreaChoropleth",
    "BivariateChoropleth",
    "CHANGE_CLASSES",
    "ChangeSignificance",
    "ClusterMap",
    "DensitySurface",
    "GiStarCells",
    "MapLayer",
    "OffencePoints",
    "as_bng_gdf",
    "layers_bounds",
    "union_bounds",
]
