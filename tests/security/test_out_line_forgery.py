"""Names never forge lines: control characters in data stay visible escapes on one line.

``load_report.txt``, ``summary.txt``, the command line's warnings and errors, and the
log all go through :func:`hotspot.core.text.one_line`: a project title, a source
label, a category or a ward name holding a newline, a carriage return, an escape
sequence or a right-to-left override cannot add a line of its own or hide one.
"""

from __future__ import annotations

import io
import logging
from dataclasses import replace

import pytest
from _outsec_corpus import CONTROL_NAMES, HOSTILE_TITLE, hostile_demo

from hotspot.core.text import install_log_filter, one_line, one_line_lines
from hotspot.model.report import LoadReport

FORGED = ("Rows kept: 0", "Warning: forged", "hotspot: wrote", "Live")


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("Market Ward", "Market Ward"),
        ("Line\nRows kept: 0", "Line\\nRows kept: 0"),
        ("Back\rWarning: forged", "Back\\rWarning: forged"),
        ("Bell\x07\x1b[31mRed", "Bell\\x07\\x1b[31mRed"),
        ("\u202eLive", "\\u202eLive"),
        ("Tab\there", "Tab\\there"),
        ("Sep\u2028Line\x85Next\x00", "Sep\\u2028Line\\x85Next\\x00"),
        ("Café Ñ £ – ²", "Café Ñ £ – ²"),  # ordinary text is left alone
        (None, ""),
    ],
)
def test_one_line_shows_every_line_breaking_character_as_an_escape(raw, shown):
    assert one_line(raw) == shown
    assert one_line(one_line(raw)) == shown  # escaping twice changes nothing more
    if "\n" not in (raw or ""):  # a block keeps its own lines, each made safe
        assert one_line_lines(f"first\n{raw or ''}\nlast") == f"first\n{shown}\nlast"


def test_load_report_summary_keeps_each_category_on_its_line():
    report = LoadReport(
        source="police\nSource: forged",
        rows_read=5,
        rows_kept=5,
        categories={"Robbery\nRows kept: 0": 3, "Drugs\rWarning: forged": 2},
        notes=("a note\nNote: forged",),
    )
    lines = report.summary().split("\n")
    assert len(lines) == 8  # source, read, kept, not used, the header, two categories, the note
    assert lines[0] == "Source: police\\nSource: forged"
    assert "  - Robbery\\nRows kept: 0: 3" in lines
    assert not [ln for ln in lines if ln.startswith(FORGED)]


def test_load_report_and_summary_of_a_run_keep_one_value_per_line(tmp_path):
    from hotspot import pipeline
    from hotspot.model import Project

    path = hostile_demo(tmp_path / "demo", everything=False, weapons=False)
    project = Project.load(path)
    project.sources[1].options["label"] = "Wards\r\nWarning: forged"
    project.outputs = replace(project.outputs, analyses=("rates",), geotiff=False, gpkg=False)
    heard: list[str] = []
    pipeline.run_project(project, tmp_path / "out", log=heard.append)
    for name in ("load_report.txt", "summary.txt"):
        text = (tmp_path / "out" / name).read_text(encoding="utf-8")
        lines = text.split("\n")
        assert not [ln for ln in lines if ln.startswith(FORGED)], name
        assert "\r" not in text and "\x1b" not in text and "\u202e" not in text, name
        assert sum("<b>Title</b>" in ln for ln in lines) == 1, name
        assert one_line(HOSTILE_TITLE) in text, name
    report = (tmp_path / "out" / "load_report.txt").read_text(encoding="utf-8")
    assert "Wards\\r\\nWarning: forged: " in report
    summary = (tmp_path / "out" / "summary.txt").read_text(encoding="utf-8")
    block = summary.split("Rates by ward", 1)[1].split("Rates by LSOA", 1)[0].split("\n")[1:]
    wards = [line for line in block if line.endswith("per 1,000 residents")]
    assert len(wards) == 5 and all(w.startswith("    ") for w in wards)  # five wards, five lines


def test_command_line_warnings_and_errors_are_one_line(tmp_path, capsys):
    from hotspot.cli.main import _warner, main
    from hotspot.core.progress import NO_PROGRESS
    from hotspot.model import Project

    _warner(NO_PROGRESS, quiet=False)(f"ward {CONTROL_NAMES[0]} has no residents")
    assert (
        capsys.readouterr().err == "hotspot: warning: ward Line\\nRows kept: 0 has no residents\n"
    )
    project = Project(path=tmp_path / "p.toml")
    project.add_source("areas", "gone\nhotspot: wrote 30 files.geojson")
    project.save()
    assert main(["run", str(tmp_path / "p.toml"), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "gone\\nhotspot: wrote 30 files.geojson" in err


def test_log_messages_are_one_line():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        install_log_filter()
        logging.getLogger("hotspot.test").warning("no context for %s", CONTROL_NAMES[2])
    finally:
        root.removeHandler(handler)
    assert stream.getvalue() == "no context for Back\\rWarning: forged\n"
