"""Text is text in print maps and the briefing: "$...$" is never read as mathematics.

Checked on the artists (every Text draws its string as given, ``parse_math`` off)
and by saving: a name matplotlib cannot parse as mathtext must not stop the map, and
the SVG (text kept as text) holds the names as typed.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import geopandas as gpd
import pytest
from _outsec_corpus import CONTROL_NAMES, MATH_NAMES
from matplotlib.table import Table
from matplotlib.text import Text
from shapely.geometry import box

from hotspot.maps import layers as L
from hotspot.maps import print_page, print_save
from hotspot.maps.briefing import Briefing, build_pages
from hotspot.maps.briefing_sections import rates_section

X0, Y0 = 530000.0, 180000.0
TITLE = r"Knife crime in $\alpha$ borough: $\frac$ $5"


def _wards() -> gpd.GeoDataFrame:
    n = len(MATH_NAMES)
    return gpd.GeoDataFrame(
        {
            "code": [f"E0590{i:04d}" for i in range(n)],
            "name": MATH_NAMES,
            "count": [12, 40, 25, 8, 60],
            "population": [5000.0] * n,
            "rate": [2.4, 8.0, 5.0, 1.6, 12.0],
            "rank": [3, 2, 4, 5, 1],
        },
        geometry=[box(X0 + i * 2000, Y0, X0 + i * 2000 + 2000, Y0 + 2000) for i in range(n)],
        crs="EPSG:27700",
    )


def _texts(fig) -> list[Text]:
    texts = list(fig.findobj(Text))
    for table in fig.findobj(Table):
        texts += [c.get_text() for c in table.get_celld().values()]
    return texts


def _strings(fig) -> list[str]:
    return [t.get_text() for t in _texts(fig)]


def _svg_strings(path) -> str:
    root = ET.parse(path).getroot()
    return "\n".join("".join(e.itertext()) for e in root.iter("{http://www.w3.org/2000/svg}text"))


@pytest.mark.parametrize("fmt", ["png", "pdf", "svg"])
def test_print_map_draws_dollar_names_literally_and_saves(tmp_path, fmt):
    wards = _wards()
    choropleth = L.AreaChoropleth(wards, column="rate", name=MATH_NAMES[1])
    fig = print_page.print_map(
        [choropleth, L.AreaBoundaries(wards, name=MATH_NAMES[0])],
        title=TITLE,
        subtitle=MATH_NAMES[2],
        methods=[f"Ward {MATH_NAMES[3]} was merged."],
    )
    strings = _strings(fig)
    assert TITLE in strings and MATH_NAMES[2] in strings
    for name in MATH_NAMES:  # ward labels, exactly as in the file
        assert name in strings, name
    assert f"{MATH_NAMES[0]} boundary" in strings  # a legend entry
    assert all(not t.get_parse_math() and not t.get_usetex() for t in _texts(fig))
    path = print_save.save_figure(fig, tmp_path / f"map.{fmt}")  # "$\frac$" does not stop it
    assert path.stat().st_size > 1000
    if fmt == "svg":
        drawn = _svg_strings(path)
        assert TITLE in drawn and MATH_NAMES[2] in drawn


def test_control_characters_are_shown_as_escapes_not_missing_glyphs(recwarn):
    wards = _wards().assign(name=[*CONTROL_NAMES, "Plain"])
    fig = print_page.print_map([L.AreaBoundaries(wards)], title="Bell\x07 title")
    strings = _strings(fig)
    assert "Bell\\x07 title" in strings
    assert "Bell\\x07\\x1b[31mRed" in strings and "\\u202eLive" in strings
    assert "Line\nRows kept: 0" in strings  # a line break in a label is just two lines
    fig.savefig(__import__("io").BytesIO(), format="png")
    assert not [w for w in recwarn if "missing from font" in str(w.message)]


def test_briefing_pages_draw_titles_names_and_table_cells_literally(tmp_path):
    wards = _wards()
    stats = type("Stats", (), {"table": wards, "level": "ward", "warnings": ()})()
    pack = Briefing(
        title=TITLE,
        offence_group=MATH_NAMES[4],
        period="12 months to $x$",
        wards=wards,
        sections=[rates_section(stats)],
        ward_pages=[MATH_NAMES[3]],
        suppress_below=0,
        produced=dt.date(2025, 1, 1),
    )
    pages = list(build_pages(pack))
    strings = [s for fig in pages for s in _strings(fig)]
    flat = [" ".join(s.split()) for s in strings]  # the cover wraps a long title
    assert " ".join(TITLE.split()) in flat
    for name in MATH_NAMES:  # the ward table's cells
        assert name in strings, name
    assert all(not t.get_parse_math() for fig in pages for t in _texts(fig))
    from matplotlib.backends.backend_pdf import PdfPages

    with PdfPages(tmp_path / "pack.pdf") as pdf:  # drawing every page does not fail
        for fig in pages:
            pdf.savefig(fig)
    assert (tmp_path / "pack.pdf").stat().st_size > 1000
