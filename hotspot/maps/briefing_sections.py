"""What each analysis contributes to the briefing pack: its pages, figures and words.

The sections of Hotspot's analyses (kernel density, Gi*, rates, correlation), made by
each analysis's declaration (:mod:`hotspot.pipeline.specs`); the parts they are made
of are declared in :mod:`hotspot.maps.briefing_types`, the rates section lives in
:mod:`hotspot.maps.briefing_rates` (both sections and parts are importable from here).
"""

from __future__ import annotations

from typing import Any

from hotspot.maps import layers as L
from hotspot.maps import static, wording
from hotspot.maps.briefing_rates import rates_section, suppression_note, table_page, ward_table
from hotspot.maps.briefing_types import (
    BriefingSection,
    KeyFigure,
    SummaryPoint,
    map_page,
    names_and_counts,
    result_warnings,
)

KDE_TITLE = "Where offences concentrate: kernel density hotspots"
GISTAR_TITLE = "Hot and cold spots (Getis-Ord Gi*)"

# --------------------------------------------------------------------------- KDE


def _kde_share_line(kde: Any, geom) -> str:
    from rasterio import features

    cls = kde.classes()
    h, w = cls.shape
    mask = features.geometry_mask([geom], out_shape=(h, w), transform=kde.transform, invert=True)
    n = int(mask.sum())
    if n == 0:
        return "Density hotspot cells: none"
    hot = int(((cls > 0) & mask).sum())
    return f"Ward area in a density hotspot class: {hot / n:.0%}"


def _zone_figures(zones: Any, what: str) -> list[KeyFigure]:
    """A key figure on the hot spot zones (none when there are none)."""
    if zones is None or not len(zones.zones):
        return []
    return [KeyFigure(f"{len(zones.zones):,}", what)]


def _zone_ward_lines(zones: Any, ward: Any, b: Any) -> list[str]:
    if zones is None:
        return []
    lines = zones.lines_for_area(ward.geometry.iloc[0], suppress_below=b.suppress_below)
    return lines or ["Hot spot zones: none in this ward"]


def _zones_summary(zones: Any, b: Any, what: str, rank: int) -> list[SummaryPoint]:
    """Where the hot spots are, by name: the largest zones in one line each."""
    if zones is None or not len(zones.zones):
        return []
    n = len(zones.zones)
    lines = zones.sentences(limit=3, suppress_below=b.suppress_below)
    head = f"{what} form {n:,} hot spot zone{'s' if n != 1 else ''}"
    text = head + (": " if n > 1 else ". ") + " ".join(lines)
    return [SummaryPoint("where", text, rank=rank)]


def _with_zones(layer: Any, zones: Any) -> list[Any]:
    """A ward page's layers: the result and the numbered zones over it."""
    return [layer, *static.zone_layers(zones)]


def kde_section(kde: Any, zones: Any = None) -> BriefingSection:
    """The kernel density map (zones numbered), the share of each ward in a hotspot class
    and the zones it touches, methods.

    ``zones`` are the KDE hot spot areas (:func:`hotspot.analysis.kde_areas.kde_zones`):
    the summary page names them.
    """
    return BriefingSection(
        "Kernel density",
        key_figures=_zone_figures(zones, "KDE hot spot zones"),
        pages=[
            map_page(lambda ctx: static.kde_map(kde, ctx, title=KDE_TITLE, zones=zones), KDE_TITLE)
        ],
        methods=[("Kernel density", wording.kde_methods(kde) + wording.zone_methods(zones))],
        warnings=result_warnings(kde),
        ward_lines=lambda b, ward: [
            _kde_share_line(kde, ward.geometry.iloc[0]),
            *_zone_ward_lines(zones, ward, b),
        ],
        ward_layer=lambda: _with_zones(
            L.DensitySurface(kde, name="Kernel density", opacity=0.85), zones
        ),
        summary=lambda b: _zones_summary(
            zones, b, "The densest concentrations (kernel density)", 1
        ),
    )


# --------------------------------------------------------------------------- Gi*


def _gistar_ward_lines(gistar: Any, ward: Any) -> list[str]:
    cells = gistar.cells
    inside = cells[cells.geometry.representative_point().within(ward.geometry.iloc[0])]
    hot = int((inside["gi_bin"] > 0).sum())
    top = int((inside["gi_bin"] == 3).sum())
    cold = int((inside["gi_bin"] < 0).sum())
    unit = "areas" if getattr(gistar, "kind", "grid") == "areas" else "cells"
    line = f"Gi* hot spot {unit}: {hot:,} of {len(inside):,}"
    line += f" ({top:,} at 99% confidence)" if hot else ""
    return [line + (f"; cold spot {unit}: {cold:,}" if cold else "")]


def _gistar_summary(gistar: Any, b: Any) -> list[SummaryPoint]:
    cells = gistar.cells
    hot = cells[cells["gi_bin"] > 0]
    fdr = " after correcting for testing many cells" if gistar.fdr_corrected else ""
    size = getattr(gistar.params, "cell_size", None)
    unit = f"{size:,.0f} m" if size else "the grid"
    if hot.empty:
        said = wording.gistar_empty(gistar)  # what the Gi* map says on itself, and why
        return [
            SummaryPoint(
                "where",
                f"Gi* finds {said[:1].lower()}{said[1:]}"
                if said
                else f"Gi* finds no hot spot at 90% confidence or more{fdr}: the offences are "
                "not clustered beyond what chance would give.",
            )
        ]
    n99 = int((hot["gi_bin"] == 3).sum())
    text = f"Gi* finds {len(hot):,} hot spot cells of {unit}, {n99:,} of them at 99% confidence"
    text += f" ({fdr.strip()})" if fdr else ""
    if "ward" in hot.columns and hot["ward"].notna().any():
        by_ward = hot["ward"].dropna().value_counts().head(3)
        text += f", most in {names_and_counts(list(by_ward.items()))}"
    text += "."
    offences = getattr(b, "offences", None)
    if offences is not None and len(offences):
        from hotspot.analysis.locations import top_locations

        core = hot[hot["gi_bin"] == hot["gi_bin"].max()]
        places = top_locations(offences, core.geometry.union_all(), n=3)
        places = places[places["offences"] >= max(b.suppress_below, 1)]
        if len(places):
            text += (
                f" Offences in the {'99%' if core['gi_bin'].iloc[0] == 3 else 'strongest'} "
                "hot spot cells are most often recorded on or near "
                f"{names_and_counts(list(places.itertuples(index=False, name=None)))}."
            )
    return [SummaryPoint("where", text)]


def gistar_section(gistar: Any, zones: Any = None) -> BriefingSection:
    """The Gi* map (zones numbered), hot and cold cells and hot spot zones per ward, where
    the hot spots are (by name, from the zones where there are any), methods."""
    bins = gistar.cells["gi_bin"].astype(int)
    unit = "areas" if getattr(gistar, "kind", "grid") == "areas" else "cells"
    return BriefingSection(
        "Gi* hot spots",
        key_figures=[
            KeyFigure(
                f"{(bins > 0).sum():,}",
                f"Gi* hot spot {unit} ({(bins == 3).sum():,} at 99% confidence)",
            ),
            *_zone_figures(zones, "Gi* hot spot zones"),
        ],
        pages=[
            map_page(
                lambda ctx: static.gistar_map(gistar, ctx, title=GISTAR_TITLE, zones=zones),
                GISTAR_TITLE,
            )
        ],
        methods=[
            (
                "Getis-Ord Gi* hot and cold spots",
                wording.gistar_methods(gistar) + wording.zone_methods(zones),
            )
        ],
        warnings=result_warnings(gistar),
        ward_lines=lambda b, ward: [
            *_gistar_ward_lines(gistar, ward),
            *_zone_ward_lines(zones, ward, b),
        ],
        ward_layer=lambda: _with_zones(
            L.GiStarCells(
                gistar,
                name="Gi* hot spots",
                opacity=0.85,
                show_not_significant=False,
                legend_counts=False,  # the borough's counts would mislead on a ward's page
            ),
            zones,
        ),
        summary=lambda b: [
            *_gistar_summary(gistar, b),
            *_zones_summary(zones, b, "The Gi* hot spot cells", 2),
        ],
    )


# --------------------------------------------------------------------------- correlation


def bivariate_section(
    bivariate: Any,
    *,
    labels: tuple[str, str] = ("offence rate", "deprivation"),
    samhi: bool = False,
) -> BriefingSection:
    """The local bivariate cluster map (citing IMD or SAMHI), its finding and methods."""
    x_label, y_label = labels
    empty = wording.clusters_empty(bivariate)  # said on the summary page too
    title = f"Where {x_label} and neighbouring {y_label} go together"
    # "A moderate link: LSOAs that ... (Spearman's rho = ...)." -> what it says, then how strong
    head, _, tail = wording.correlation_sentences(bivariate)[0].partition(": ")
    main, _, paren = tail.rpartition(" (")
    finding = f"{main}: {head.lower()} ({paren}" if main else f"{head}{tail}"
    first = finding.split(" ", 1)[0]
    finding = "Across the borough, " + (
        finding[:1].lower() + finding[1:] if first[1:].islower() else finding  # not "lSOAs"
    )
    return BriefingSection(
        "Offending and context",
        pages=[
            map_page(
                lambda ctx: static.clusters_map(
                    bivariate, ctx, x_label=x_label, y_label=y_label, samhi=samhi, title=title
                ),
                title,
            )
        ],
        methods=[("Offending and context (bivariate Moran)", wording.bivariate_methods(bivariate))],
        warnings=result_warnings(bivariate),
        imd=not samhi,
        samhi=samhi,
        summary=lambda b: [
            SummaryPoint("context", finding, rank=-1),
            *(
                [SummaryPoint("context", f"Local clusters: {empty[:1].lower()}{empty[1:]}", -2)]
                if empty
                else []
            ),
        ],
    )


__all__ = [
    "BriefingSection",
    "bivariate_section",
    "gistar_section",
    "kde_section",
    "map_page",
    "rates_section",
    "suppression_note",
    "table_page",
    "ward_table",
]
