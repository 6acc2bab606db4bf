"""The terminal progress bar: what it draws, how often, and that it cleans up."""

from __future__ import annotations

import io

import pytest

from hotspot.cli.terminal import TerminalProgress
from hotspot.core.progress import Progress, SubProgress


class _Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def test_is_a_progress():
    assert isinstance(TerminalProgress(io.StringIO(), width=60), Progress)


@pytest.mark.parametrize(
    ("fraction", "filled", "pct"), [(0.0, 0, "  0%"), (0.5, 12, " 50%"), (1.0, 24, "100%")]
)
def test_render_shows_bar_percentage_and_message(fraction, filled, pct):
    line = TerminalProgress(io.StringIO(), width=80).render(fraction, "Reading 2024-10")
    assert line.startswith("[" + "#" * filled + "." * (24 - filled) + "] " + pct)
    assert line.endswith("Reading 2024-10")


def test_long_messages_are_cut_to_the_width():
    line = TerminalProgress(io.StringIO(), width=50).render(0.3, "x" * 200)
    assert len(line) <= 50 and line.endswith("...")


def test_redraws_are_throttled_but_completion_always_shows():
    out, clock = io.StringIO(), _Clock()
    bar = TerminalProgress(out, width=60, interval=0.1, clock=clock)
    bar.update(0.1, "a")
    bar.update(0.2, "b")  # same instant: skipped
    clock.t = 0.05
    bar.update(0.3, "c")  # too soon: skipped
    clock.t = 0.2
    bar.update(0.4, "d")
    bar.update(1.0, "done")  # completion is drawn even without waiting
    frames = out.getvalue().split("\r")[1:]
    assert [f.split()[-1] for f in frames] == ["a", "d", "done"]


def test_close_clears_the_line_and_sub_progress_maps_fractions():
    out, clock = io.StringIO(), _Clock()
    with TerminalProgress(out, width=40, clock=clock) as bar:
        SubProgress(bar, 0.5, 1.0).update(0.5, "half of the second half")
    text = out.getvalue()
    assert " 75%" in text
    assert text.endswith("\r" + " " * 39 + "\r")


def test_nothing_is_written_when_never_updated():
    out = io.StringIO()
    TerminalProgress(out, width=40).close()
    assert out.getvalue() == ""


def test_text_written_during_a_run_appears_above_the_bar():
    out, clock = io.StringIO(), _Clock()
    bar = TerminalProgress(out, width=40, clock=clock)
    bar.update(0.5, "loading")
    bar.write("hotspot: warning: months missing")
    bar.update(0.6, "still loading")  # redrawn at once, not throttled
    text = out.getvalue()
    assert "\r" + " " * 39 + "\rhotspot: warning: months missing\n\r[" in text
    assert text.rstrip().endswith(" 60%  sti...")
