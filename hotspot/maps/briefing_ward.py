"""A ward's page of the briefing pack: two maps, its figures, neighbourhoods and streets.

The page shows, for one ward:

- the first two result maps the analyses offer for a ward (kernel density and Gi*
  hot spots), zoomed on the ward, each with its legend;
- the ward's figures from every analysis (offences, rate, rank, share, change and
  its test, hot spot cells, area in a density hotspot);
- how its neighbourhoods (LSOAs) sit in the IMD and SAMHI deciles, as bars and a
  sentence that says which end of each scale is worse;
- the streets and places with most offences (police.uk location names, counted).
"""

from __future__ import annotations

import textwrap
from typing import Any

from matplotlib.figure import Figure

from hotspot.core.errors import ExportError
from hotspot.maps import layers as L
from hotspot.maps import print_page
from hotspot.maps.attributions import attribution_lines
from hotspot.maps.briefing_types import by_order
from hotspot.maps.pages import TEXT_COLOUR, is_landscape, mark_page, page_figure

WARD_COLOUR = "#0b4f9c"

_LAYOUT = {
    True: {  # landscape
        "title": (0.03, 0.955),
        "maps": [(0.03, 0.50, 0.31, 0.37), (0.36, 0.50, 0.31, 0.37)],
        "legends": [(0.03, 0.335, 0.31, 0.145), (0.36, 0.335, 0.31, 0.145)],
        "figures": (0.70, 0.87, 0.27),
        "profiles": [(0.05, 0.19, 0.26, 0.065), (0.38, 0.19, 0.26, 0.065)],
    },
    False: {  # portrait
        "title": (0.05, 0.965),
        "maps": [(0.05, 0.60, 0.43, 0.29), (0.52, 0.60, 0.43, 0.29)],
        "legends": [(0.05, 0.47, 0.43, 0.11), (0.52, 0.47, 0.43, 0.11)],
        "figures": (0.05, 0.44, 0.43),
        "profiles": [(0.57, 0.37, 0.36, 0.055), (0.57, 0.20, 0.36, 0.055)],
    },
}


def find_ward(wards: Any, key: str):
    """The one-row table of the ward called or coded ``key`` (any case).

    Raises
    ------
    ExportError
        When no ward has that name or code (the message lists the wards).
    """
    k = str(key).strip().lower()
    for col in ("code", "name"):
        if col in wards.columns:
            hit = wards[wards[col].astype(str).str.strip().str.lower() == k]
            if len(hit):
                return hit.iloc[[0]]
    names = ", ".join(wards["name"].astype(str)) if "name" in wards.columns else ""
    raise ExportError(
        f"briefing ward page: no ward is called or coded {key!r}; choose one of: {names}"
    )


def _text_block(
    fig: Figure, x: float, y: float, width: float, heading: str, lines: list[str], size: float
) -> float:
    """A heading and wrapped lines from ``y`` down; returns the ``y`` below them."""
    h = fig.get_size_inches()[1]
    step = size * 1.38 / 72 / h
    wrap = max(24, int(width * fig.get_size_inches()[0] * 72 / (size * 0.55)))
    fig.text(x, y, heading, fontsize=size + 1.5, fontweight="bold", va="top", color=TEXT_COLOUR)
    y -= step * 1.45
    for line in lines:
        for part in textwrap.wrap(line, wrap, subsequent_indent="   ") or [""]:
            fig.text(x, y, part, fontsize=size, va="top", color=TEXT_COLOUR, gid="ward-text")
            y -= step
    return y - step * 0.8


def _decile_colours(scale: Any) -> list[str]:
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    cmap = colormaps["YlOrRd"]
    out = []
    for d in range(1, 11):
        badness = (10 - d) / 9 if scale.worst == 1 else (d - 1) / 9
        out.append(to_hex(cmap(0.12 + 0.78 * badness)))
    return out


def _profile_chart(fig: Figure, rect: tuple[float, float, float, float], profile: Any) -> None:
    """Bars of a ward's LSOAs per decile, the worse end darker, with the ends named."""
    scale = profile.scale
    ax = fig.add_axes(rect)
    ax.set_gid(f"deciles-{scale.label}")
    ax.bar(range(1, 11), profile.counts, color=_decile_colours(scale), edgecolor="#666666", lw=0.4)
    ax.set_xticks(range(1, 11))
    ax.tick_params(labelsize=6.5, length=2)
    top = max(profile.counts) if max(profile.counts) else 1
    ax.set_ylim(0, top * 1.15 + 0.5)
    ax.set_yticks(sorted({0, top}))
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    worst_end = "most deprived" if scale.worst == 1 else "poorest mental health"
    best_end = "least deprived" if scale.worst == 1 else "best mental health"
    left, right = (worst_end, best_end) if scale.worst == 1 else (best_end, worst_end)
    ax.set_xlabel(
        f"decile 1 = {left}   ·   decile 10 = {right}", fontsize=6.5, labelpad=2, color="#333333"
    )
    n = sum(profile.counts)
    name = "IMD 2019" if scale.label == "IMD" else scale.label
    ax.set_title(
        f"{name} deciles of its {n} LSOA{'s' if n != 1 else ''}",
        fontsize=8,
        loc="left",
        fontweight="bold",
        pad=3,
    )
    x0, y0, w, _ = rect
    wrap = max(30, int(w * fig.get_size_inches()[0] * 72 / (7.2 * 0.55)))
    fig.text(
        x0,
        y0 - 0.045,
        textwrap.fill(profile.sentence, wrap),
        fontsize=7.2,
        va="top",
        color=TEXT_COLOUR,
        gid="decile-sentence",
    )


def _ward_map(fig: Figure, b: Any, i: int, section: Any, ward: Any, extent: Any) -> None:
    lay = _LAYOUT[is_landscape(b)]
    rect, legend_rect = lay["maps"][i], lay["legends"][i]
    ctx = b.context()
    made = section.ward_layer() if section is not None else None
    made = made if isinstance(made, list) else [] if made is None else [made]
    layer = made[0] if made else None  # the result; the rest (numbered zones) go over it
    layers: list[L.MapLayer] = [*ctx.reference_layers(), *made]
    layers += ctx.boundary_layers()
    selected = L.AreaBoundaries(
        ward, name="Ward on this page", show_labels=False, colour=WARD_COLOUR, width=2.4
    )
    layers.append(selected)
    ax, _ = print_page.draw_map(
        fig, rect, layers, extent=extent, basemap=b.basemap, basemap_timeout=ctx.basemap_timeout
    )
    heading = getattr(layer, "name", "") or (section.title if section is not None else "Map")
    top = rect[1] + rect[3] + 0.008
    shown = fig.text(rect[0], top, heading, fontsize=10, fontweight="bold", gid="map-heading")
    width = shown.get_window_extent(fig.canvas.get_renderer()).width / fig.bbox.width
    fig.text(rect[0] + width + 0.01, top, "(ward outlined in blue)", fontsize=8, color="#555555")
    if layer is not None and layer.kind == "vector" and layer.features().empty:
        ax.text(
            0.5,
            0.5,
            f"No {heading.lower()} in this view",
            transform=ax.transAxes,
            ha="center",
            va="center",
            fontsize=9,
            color="#333333",
            bbox={"facecolor": "white", "edgecolor": "#999999", "boxstyle": "round"},
            zorder=2000,
            gid="empty-note",
        )
    if layer is not None and layer.legend() is not None:
        print_page.draw_legend_panel(fig, legend_rect, [layer.legend()], wrap=48)


def _streets(b: Any, ward: Any, n: int = 6) -> list[str]:
    from hotspot.analysis.locations import top_locations

    offences = getattr(b, "offences", None)
    if offences is None or "location" not in getattr(offences, "columns", ()):
        return ["The offence data name no streets or places."]
    top = top_locations(offences, ward.geometry.iloc[0], n=n)
    if top.empty:
        return ["No offence in the ward has a location name."]
    out = []
    for place, count in top.itertuples(index=False, name=None):
        shown = f"<{b.suppress_below}" if 0 < count < b.suppress_below else f"{count:,}"
        out.append(f"{place}: {shown}")
    out.append("police.uk names the map point each offence is snapped to ('On or near ...').")
    return out


def ward_page(b: Any, key: str, number: int) -> Figure:
    """One ward: two maps (density and Gi*), its figures, neighbourhoods and streets."""
    wards = L.as_bng_gdf(b.wards, "wards")
    ward = find_ward(wards, key)
    name = str(ward["name"].iloc[0]) if "name" in ward.columns else str(key)
    wide = is_landscape(b)
    lay = _LAYOUT[wide]
    fig = page_figure(b)
    x, y = lay["title"]
    fig.text(x, y, name, fontsize=17, fontweight="bold", va="top", gid="title")
    fig.text(x, y - 0.035, b.context().subtitle(), fontsize=9.5, color="#333333", va="top")

    xmin, ymin, xmax, ymax = ward.total_bounds
    pad = 0.18 * max(xmax - xmin, ymax - ymin)
    extent = (xmin - pad, ymin - pad, xmax + pad, ymax + pad)
    mapped = [s for s in b.sections if s.ward_layer is not None][:2]
    for i in range(2):
        _ward_map(fig, b, i, mapped[i] if i < len(mapped) else None, ward, extent)

    figures = []
    for s in by_order(b.sections):
        if s.ward_lines is not None:
            figures += s.ward_lines(b, ward)
    figures.append(f"Area: {ward.geometry.iloc[0].area / 1e6:,.2f} km²")
    figures += list(getattr(b, "map_notes", ()))
    fx, fy, fw = lay["figures"]
    below = _text_block(fig, fx, fy, fw, "Ward figures", figures, 8.3)
    _text_block(fig, fx, below, fw, "Streets and places with most offences", _streets(b, ward), 8.3)

    profiles = [
        p for s in b.sections if s.ward_profile is not None for p in s.ward_profile(b, ward)
    ]
    for rect, profile in zip(lay["profiles"], profiles, strict=False):
        _profile_chart(fig, rect, profile)
    if not profiles:
        rx, ry, _, rh = lay["profiles"][0]
        fig.text(
            rx,
            ry + rh,
            "Neighbourhood deprivation and mental health: add IMD and SAMHI tables and LSOA "
            "boundaries to see how this ward's LSOAs compare with England.",
            fontsize=8,
            va="top",
            wrap=True,
            color="#333333",
        )
    fig.text(
        0.03 if wide else 0.05,
        0.026,
        " ".join(attribution_lines(year=b.boundary_year, imd=b.imd, samhi=b.samhi)),
        fontsize=5.5,
        color="#555555",
        va="bottom",
        wrap=True,
        gid="attribution",
    )
    mark_page(fig, b, number)
    return fig


__all__ = ["find_ward", "ward_page"]
