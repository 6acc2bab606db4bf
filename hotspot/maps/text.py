"""Text in print maps and the briefing is drawn as given, never as mathtext or TeX.

matplotlib reads text between two ``$`` as mathematics: a ward called
``Pay $5 and $10 Street`` would be drawn in italics with the words run together,
``$\\alpha$`` in a project name as a Greek letter, and ``$\\frac$`` stops the whole
map with a parse error. Names, titles and labels come from the user's files, so
every text artist of a figure is made literal (``parse_math=False``, no TeX)
before it is drawn. Control characters (a bell, an escape sequence, a
right-to-left override) have no glyph: they are shown as visible escapes
(``\x07``), as in the text files (:func:`hotspot.core.text.one_line`); line
breaks are kept.

Usage::

    from hotspot.maps.text import literal_text
    literal_text(fig)          # after the figure is built, before it is measured or saved
"""

from __future__ import annotations

from typing import TypeVar

from matplotlib import cbook
from matplotlib.artist import Artist
from matplotlib.table import Table
from matplotlib.text import Text

from hotspot.core.text import one_line_lines

A = TypeVar("A", bound=Artist)


def literal_text(artist: A) -> A:
    """Make every text of ``artist`` (a figure, a legend ...) draw literally; return it.

    Covers figure and axes texts, titles, axis labels, legend titles and entries,
    annotations and table cells (which :meth:`Artist.findobj` does not reach).
    Control characters other than line breaks become visible escapes.
    Call it again after adding text: it only changes the artists that exist.
    """
    texts = list(artist.findobj(Text))
    for table in artist.findobj(Table):
        texts += [cell.get_text() for cell in table.get_celld().values()]
    for text in texts:
        text.set_parse_math(False)
        text.set_usetex(False)
        if text.get_wrap() and cbook.is_math_text(text.get_text()):
            # matplotlib measures wrapped lines as mathtext whatever parse_math says
            text.set_wrap(False)
        shown = text.get_text()
        safe = one_line_lines(shown)
        if safe != shown:
            text.set_text(safe)
    return artist


__all__ = ["literal_text"]
