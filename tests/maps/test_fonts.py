"""Print maps and the briefing pack are set in Hotspot's own DejaVu Sans on every machine.

matplotlib carries an older DejaVu Sans (2.35) of its own; Hotspot ships 2.37 under
``resources/fonts``. The version inside the font files embedded in a PDF tells which
copy was used, so these tests can fail when the shipped files are not the ones drawn.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import matplotlib
import pytest
from fontTools.ttLib import TTFont
from matplotlib import font_manager
from matplotlib.text import Text
from pypdf import PdfReader

from hotspot.maps import fonts, print_save, static
from hotspot.maps.briefing import write_briefing

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = {"DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf"}


def _version(font: TTFont) -> str:
    return font["name"].getDebugName(5)  # "Version 2.37"


@pytest.fixture(scope="module")
def shipped_version() -> str:
    versions = {_version(TTFont(p)) for p in fonts.font_files()}
    assert len(versions) == 1
    return versions.pop()


def pdf_fonts(path: Path) -> dict[str, str]:
    """Embedded font name (without the subset prefix) -> version inside the font file."""
    out: dict[str, str] = {}
    for page in PdfReader(path).pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            font = ref.get_object()
            desc = font.get("/FontDescriptor")
            if desc is None:
                desc = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            data = desc.get_object()["/FontFile2"].get_object().get_data()
            name = re.sub(r"^/?[A-Z]{6}\+", "", str(font["/BaseFont"]))
            out[name] = _version(TTFont(io.BytesIO(data)))
    return out


def drawn_files(fig) -> set[Path]:
    """The font file of every non-empty text of a figure, as matplotlib resolves it now."""
    return {
        Path(font_manager.findfont(t.get_fontproperties(), fallback_to_default=False))
        for t in fig.findobj(Text)
        if t.get_text().strip() and t.get_visible()
    }


def test_the_shipped_fonts_are_dejavu_sans_with_their_licence(shipped_version):
    files = fonts.font_files()
    assert {p.name for p in files} == SHIPPED
    assert all(p.parent == ROOT / "resources" / "fonts" for p in files)
    assert {TTFont(p)["name"].getDebugName(1) for p in files} == {fonts.FAMILY}
    licence = (ROOT / "resources" / "fonts" / "LICENSE.txt").read_text(encoding="utf-8")
    assert "Bitstream Vera" in licence and "Arev" in licence
    # matplotlib's own copy differs, so the tests below can tell which one was drawn
    own = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    assert _version(TTFont(own)) != shipped_version


def test_every_text_of_a_print_map_is_drawn_with_a_shipped_file(density, gistar, ctx, tmp_path):
    for fig in (static.kde_map(density, ctx), static.gistar_map(gistar, ctx)):
        print_save.save_figure(fig, tmp_path / f"{id(fig)}.png")  # draws: every text exists
        assert drawn_files(fig) <= set(fonts.font_files())
        assert len(drawn_files(fig)) >= 2  # regular and bold at least


def test_the_pdf_map_embeds_only_the_shipped_font(density, ctx, tmp_path, shipped_version):
    path = print_save.save_figure(static.kde_map(density, ctx), tmp_path / "kde.pdf")
    embedded = pdf_fonts(path)
    assert {"DejaVuSans", "DejaVuSans-Bold"} <= set(embedded)
    assert set(embedded.values()) == {shipped_version}


def test_a_users_matplotlib_settings_do_not_change_the_print_font(
    density, ctx, tmp_path, shipped_version
):
    with matplotlib.rc_context({"font.family": "serif", "font.serif": ["DejaVu Serif"]}):
        fig = static.kde_map(density, ctx)
        path = print_save.save_figure(fig, tmp_path / "kde.pdf")
    embedded = pdf_fonts(path)
    assert all(name.startswith("DejaVuSans") for name in embedded), embedded
    assert set(embedded.values()) == {shipped_version}


def test_the_svg_map_names_the_shipped_family(density, ctx, tmp_path):
    with matplotlib.rc_context({"font.family": "serif"}):  # a user's matplotlibrc
        path = print_save.save_figure(static.kde_map(density, ctx), tmp_path / "kde.svg")
    svg = path.read_text(encoding="utf-8")
    families = set(re.findall(r"font-family[:=]\s*['\"]?([^;'\"]+)", svg))
    assert families == {fonts.FAMILY}


def test_the_briefing_pack_embeds_only_the_shipped_font(pack, tmp_path, shipped_version):
    embedded = pdf_fonts(write_briefing(tmp_path / "briefing.pdf", pack))
    assert {"DejaVuSans", "DejaVuSans-Bold"} <= set(embedded)
    assert set(embedded.values()) == {shipped_version}
