"""The print map of each analysis (Qt-free): A4 pages ready to paste into a briefing.

Every page has a title, a subtitle (offence group, period, data source), the map
(borough outline and ward boundaries with ward names over the result layer), a scale
bar, a north arrow, a legend with class labels and units, a methods box and the
attributions the data require. :class:`MapContext` carries what surrounds every map of
one analysis; the map types (:func:`kde_map`, :func:`gistar_map`, :func:`rates_map`,
:func:`change_map`, :func:`clusters_map`, :func:`bivariate_map`, :func:`layer_map`) put
a result on such a page.

Usage (``hotspot run``, the Export dialog and the briefing pack)::

    from hotspot.maps import static
    from hotspot.maps.print_save import save_figure
    ctx = static.MapContext(offence_group="Serious violence", period=period,
                            wards=wards, outline=borough)
    fig = static.kde_map(kde_result, ctx)            # or gistar_map, rates_map,
    save_figure(fig, "kde.png")                      # change_map, clusters_map,
    save_figure(fig, "kde.pdf", overwrite=True)      # bivariate_map

The page itself is drawn by :mod:`hotspot.maps.print_page` (layout, map frame, methods
box, attributions), with :mod:`hotspot.maps.print_layers` (layers in matplotlib),
:mod:`hotspot.maps.print_legend`, :mod:`hotspot.maps.print_furniture` (scale bar, north
arrow, labels), :mod:`hotspot.maps.print_basemap` (OpenStreetMap tiles) and
:mod:`hotspot.maps.print_save` (PNG, PDF, SVG written atomically).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from matplotlib.figure import Figure

from hotspot.core.errors import HotspotError
from hotspot.maps import class_breaks, style, wording
from hotspot.maps import layers as L
from hotspot.maps.attributions import attribution_lines, join_nonempty
from hotspot.maps.print_page import padded_bounds, print_map

# --------------------------------------------------------------------------- context


@dataclass
class MapContext:
    """What surrounds every map of one analysis: subtitle parts, boundaries, page.

    Attributes
    ----------
    offence_group : str
        E.g. "Serious violence".
    period : Period or str
        The period mapped (a :class:`hotspot.model.Period` or its label).
    data_source : str
        Where the offences came from, e.g. "police.uk".
    wards : AreaLayer or GeoDataFrame, optional
        Ward boundaries, drawn with their names on every map.
    outline : AreaLayer or GeoDataFrame, optional
        The borough outline (study area), drawn thicker.
    boundary_year : int, optional
        Year of the OS copyright line (default this year).
    page : {"A4-landscape", "A4-portrait"}
        Page layout.
    basemap : {"none", "osm"}
        "osm" draws OpenStreetMap tiles under the map when they can be fetched.
    basemap_timeout : float
        Seconds to wait for basemap tiles before giving up.
    ward_labels : bool
        Label wards with their names.
    reference : sequence
        Reference layers (roads, places, town centres: :class:`hotspot.model.ReferenceLayer`
        or map layers) drawn beneath the results.
    notes : sequence of str
        Lines added to every methods box (e.g. the map points left out of the analyses).
    suppress_below : int
        For publication: areas with counts 1 .. N-1 (or figures that would reveal
        one) are left uncoloured on rate and change maps, as in the tables
        (:func:`hotspot.export.publishable`); 0 = off.
    frame : tuple, optional
        (xmin, ymin, xmax, ymax) the maps are framed on instead of the boundaries (set when
        the boundaries reach far beyond the offences).
    footer : float
        Room kept under the attributions for a document's footer (a briefing's page
        numbers), as a fraction of the page height.
    """

    offence_group: str = ""
    period: Any = None
    data_source: str = "police.uk"
    wards: Any = None
    outline: Any = None
    boundary_year: int | None = None
    page: str = "A4-landscape"
    basemap: str = "none"
    basemap_timeout: float = 8.0
    ward_labels: bool = True
    reference: Sequence[Any] = ()
    notes: Sequence[str] = ()
    suppress_below: int = 0
    frame: tuple[float, float, float, float] | None = None
    footer: float = 0.0

    @property
    def period_label(self) -> str:
        if self.period is None:
            return ""
        return str(getattr(self.period, "label", self.period))

    def subtitle(self, extra: str = "") -> str:
        """ "Serious violence · 12 months to October 2024 · Data: police.uk"."""
        source = f"Data: {self.data_source}" if self.data_source else ""
        return join_nonempty([self.offence_group, self.period_label, extra, source])

    def reference_layers(self) -> list[L.MapLayer]:
        """The reference layers as map layers, to draw beneath the results."""
        from hotspot.maps.reference import reference_map_layer

        return [reference_map_layer(r) for r in self.reference]

    def boundary_layers(self) -> list[L.MapLayer]:
        """Ward boundaries (with names) and the borough outline, as layers."""
        out: list[L.MapLayer] = []
        if self.wards is not None:
            out.append(L.AreaBoundaries(self.wards, name="Wards", show_labels=self.ward_labels))
        if self.outline is not None:
            out.append(
                L.AreaBoundaries(
                    self.outline,
                    name="Borough",
                    show_labels=False,
                    colour=style.OUTLINE_COLOUR,
                    width=1.8,
                )
            )
        return out


# --------------------------------------------------------------------------- map types


def one_layer_map(
    layer: L.MapLayer,
    ctx: MapContext,
    *,
    title: str,
    methods: Sequence[str],
    extent=None,
    subtitle_extra: str = "",
    imd: bool = False,
    samhi: bool = False,
    over: Sequence[L.MapLayer] = (),
) -> Figure:
    """A page with one result layer (and ``over`` it, e.g. numbered zones) between the
    context's reference layers and its boundaries (the map helpers)."""
    if extent is None and ctx.frame is not None:
        extent = padded_bounds(ctx.frame, 0.08)
    if extent is None and ctx.outline is not None:
        extent = padded_bounds(L.AreaBoundaries(ctx.outline).bounds())
    elif extent is None and ctx.wards is not None:
        extent = padded_bounds(L.AreaBoundaries(ctx.wards).bounds())
    return print_map(
        [*ctx.reference_layers(), layer, *over, *ctx.boundary_layers()],
        title=title,
        subtitle=ctx.subtitle(subtitle_extra),
        methods=[*methods, *ctx.notes],
        attributions=attribution_lines(year=ctx.boundary_year, imd=imd, samhi=samhi),
        page=ctx.page,
        extent=extent,
        basemap=ctx.basemap,
        basemap_timeout=ctx.basemap_timeout,
        footer=ctx.footer,
    )


def layer_map(
    layer: L.MapLayer,
    ctx: MapContext,
    *,
    title: str,
    methods: Sequence[str],
    extent=None,
    over: Sequence[L.MapLayer] = (),
) -> Figure:
    """A print map of any result layer in the context's frame (reference layers beneath,
    boundaries above), e.g. offences in named areas."""
    return one_layer_map(layer, ctx, title=title, methods=methods, extent=extent, over=over)


def zone_layers(zones: Any) -> list[L.MapLayer]:
    """Numbered zone outlines, when there are zones."""
    if zones is None or not len(getattr(zones, "zones", zones)):
        return []
    from hotspot.maps.zone_layers import ZoneOutlines

    return [ZoneOutlines(zones)]


def kde_map(
    result: Any,
    ctx: MapContext,
    *,
    title: str | None = None,
    display: str = "classes",
    extent=None,
    zones: Any = None,
) -> Figure:
    """KDE hotspot map: the density surface in k x mean classes (or continuous).

    Parameters
    ----------
    result : DensityResult
    ctx : MapContext
    title : str, optional
        Default "Where offences concentrate: kernel density hotspots".
    display : {"classes", "continuous"}
    extent : tuple, optional
        (xmin, ymin, xmax, ymax) in EPSG:27700 (default the borough).
    zones : ZoneResult, optional
        Hot spot zones, outlined and numbered over the surface.
    """
    return one_layer_map(
        L.DensitySurface(result, display=display, opacity=0.85),
        ctx,
        title=title or "Where offences concentrate: kernel density hotspots",
        methods=wording.kde_methods(result) + wording.zone_methods(zones),
        extent=extent,
        over=zone_layers(zones),
    )


def gistar_map(
    result: Any, ctx: MapContext, *, title: str | None = None, extent=None, zones: Any = None
) -> Figure:
    """Gi* hot and cold spot map (ArcGIS colours, three confidence levels), with the hot
    spot zones numbered when given. Over reference layers (roads, town centres) the cells
    that are not significant are left clear, so the streets show through."""
    return one_layer_map(
        L.GiStarCells(
            result,
            opacity=0.85,
            suppress_below=ctx.suppress_below,
            show_not_significant=not ctx.reference,
        ),
        ctx,
        title=title or "Statistically significant hot and cold spots (Getis-Ord Gi*)",
        methods=wording.gistar_methods(result) + wording.zone_methods(zones),
        extent=extent,
        over=zone_layers(zones),
    )


def rates_map(
    stats: Any,
    ctx: MapContext,
    *,
    column: str = "rate",
    scheme: str = class_breaks.DEFAULT_SCHEME,
    k: int = 5,
    title: str | None = None,
    extent=None,
) -> Figure:
    """Area rates (or any column of the area table) in classes (mapclassify's schemes)."""
    layer = L.AreaChoropleth(
        stats,
        column=column,
        scheme=scheme,
        k=k,
        opacity=0.9,
        suppress_below=ctx.suppress_below,
    )
    level = {"ward": "ward", "lsoa": "LSOA"}.get(getattr(stats, "level", ""), "area")
    return one_layer_map(
        layer,
        ctx,
        title=title or f"{layer.title} by {level}",
        methods=wording.rates_methods(stats),
        extent=extent,
    )


def change_map(
    stats: Any,
    ctx: MapContext,
    *,
    column: str = "change",
    scheme: str = class_breaks.DEFAULT_SCHEME,
    k: int = 5,
    title: str | None = None,
    extent=None,
) -> Figure:
    """Change since the previous period: rises and falls the exact test flags are drawn
    apart from changes within normal variation (:class:`~hotspot.maps.layers.ChangeSignificance`);
    without a test, diverging classes split at no change."""
    columns = stats.table.columns if hasattr(stats, "table") else stats.columns
    if column not in columns:
        raise HotspotError(
            f"change map: the area table has no {column!r} column; run the rates with a "
            "comparison period (selection.compare = true)"
        )
    comp = getattr(stats, "comparison", None)
    if column == "change" and "change_flag" in columns:
        layer: L.MapLayer = L.ChangeSignificance(stats, suppress_below=ctx.suppress_below)
    else:
        layer = L.AreaChoropleth(
            stats,
            column=column,
            scheme=scheme,
            k=k,
            opacity=0.9,
            diverging=True,
            suppress_below=ctx.suppress_below,
        )
    return one_layer_map(
        layer,
        ctx,
        title=title or "Change since the previous period",
        methods=wording.change_methods(stats),
        extent=extent,
        subtitle_extra=f"compared with {getattr(comp, 'label', comp)}" if comp is not None else "",
    )


def clusters_map(
    result: Any,
    ctx: MapContext,
    *,
    x_label: str = "offence rate",
    y_label: str = "deprivation",
    samhi: bool = False,
    title: str | None = None,
    extent=None,
) -> Figure:
    """Local bivariate Moran cluster map, with its caveat in the legend and methods."""
    return one_layer_map(
        L.ClusterMap(result, x_label=x_label, y_label=y_label, opacity=0.9),
        ctx,
        title=title or f"Where {x_label} and neighbouring {y_label} go together",
        methods=wording.bivariate_methods(result),
        extent=extent,
        imd=not samhi,
        samhi=samhi,
    )


def bivariate_map(
    table: Any,
    ctx: MapContext,
    *,
    x: str = "rate",
    y: str = "imd_score",
    x_label: str = "Offence rate",
    y_label: str = "IMD 2019 score",
    samhi: bool = False,
    title: str | None = None,
    methods: Sequence[str] = (),
    extent=None,
) -> Figure:
    """3 x 3 bivariate choropleth of two area columns (rate against IMD or SAMHI)."""
    layer = L.BivariateChoropleth(table, x=x, y=y, x_label=x_label, y_label=y_label, opacity=0.9)
    lines = list(methods) or [
        f"Areas split into thirds (tertiles) by {x_label.lower()} and by {y_label}; "
        "colour shows the combination.",
    ]
    return one_layer_map(
        layer,
        ctx,
        title=title or f"{x_label} and {y_label}",
        methods=lines,
        extent=extent,
        imd=not samhi,
        samhi=samhi,
    )


MAP_TYPES: dict[str, Callable[..., Figure]] = {
    "kde": kde_map,
    "gistar": gistar_map,
    "rates": rates_map,
    "change": change_map,
    "clusters": clusters_map,
    "bivariate": bivariate_map,
}
"""Map type name (as in the project's ``outputs.maps``) -> helper."""


__all__ = [
    "MAP_TYPES",
    "MapContext",
    "bivariate_map",
    "change_map",
    "clusters_map",
    "gistar_map",
    "kde_map",
    "layer_map",
    "zone_layers",
    "rates_map",
    "one_layer_map",
]
