"""``hotspot run`` on the demo with hostile names, small-count suppression and every output.

One run (module fixture) of the demo borough whose ward and LSOA names, offence group
and project title hold HTML, script, spreadsheet formulas, mathtext and control
characters, selecting possession of weapons (few offences: small counts in most
areas) with ``suppress_below = 5``. It must exit 0 with every output written, and:

- no output that can leave the machine holds a count from 1 to 4, or a figure that
  recovers one (every CSV, every GeoPackage layer, the HTML map's data, the text of
  the summary, the print maps (SVG, PDF) and the briefing pack);
- the HTML map runs nothing when every feature is hovered (Chromium, no network);
- no CSV cell is a formula; text files keep one value per line; print maps draw the
  names literally.

A second run of the same borough without suppression shows that the scan finds the
small counts when they are there.
"""

from __future__ import annotations

import csv
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pyogrio
import pytest
from _chromium import CHROMIUM
from _outsec_corpus import (
    FORMULA_NAMES,
    HOSTILE_GROUP,
    HOSTILE_WARD_NAMES,
    MATH_NAMES,
    hostile_demo,
    hover_in_chromium,
    run_hotspot,
)

N = 5  # suppress_below
COUNTS = {"count", "count_prev", "n", "offences", "offences (previous period)"}
# figures that give a hidden count back (with the population, the total, the other period)
DERIVED = {"rate", "rate_eb", "rate_prev", "change", "pct_change", "change (%)", "change_p",
           "change_q", "change_flag", "change_label", "share", "share_offences", "pai", "rank",
           "summary", "rate per 1,000 residents"}  # fmt: skip
MARKS = {f"<{N}", "[c]"}
LSOA_RATE_TABLES = {"bivariate_lsoas", "gistar_lsoas", "bivariate_local"}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    project = hostile_demo(base / "demo", suppress_below=N)
    done = run_hotspot("run", str(project), "--out", str(base / "out"), cwd=base)
    return base / "out", done


@pytest.fixture(scope="module")
def open_run(tmp_path_factory):
    """The same borough and selection without suppression (CSV, GeoPackage, HTML)."""
    base = tmp_path_factory.mktemp("open")
    project = hostile_demo(base / "demo", suppress_below=0, everything=False, html=True)
    done = run_hotspot("run", str(project), "--out", str(base / "out"), cwd=base)
    assert done.returncode == 0, done.stderr
    return base / "out"


# --------------------------------------------------------------------------- scanners


def _small(value) -> bool:
    try:
        x = float(str(value).replace(",", ""))
    except ValueError:
        return False
    return 1 <= x < N


def _blank(value) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value)) or str(value) == ""


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _hidden_lsoas(rows: list[dict[str, str]]) -> set[str]:
    return {r["code"] for r in rows if {r["count"], r["count_prev"]} & MARKS}


def csv_leaks(folder: Path) -> list[str]:
    """Count cells 1..N-1, and derived figures shown beside a hidden count."""
    leaks = []
    hidden_lsoas = _hidden_lsoas(_csv_rows(folder / "rates_lsoas.csv"))
    for path in sorted(folder.glob("*.csv")):
        for i, row in enumerate(_csv_rows(path)):
            cols = {c.lower(): c for c in row}
            counts = [row[c] for k, c in cols.items() if k in COUNTS]
            leaks += [f"{path.name}:{i}: count {v}" for v in counts if _small(v)]
            hidden = any(v in MARKS for v in counts) or (
                path.stem in LSOA_RATE_TABLES and row.get("code") in hidden_lsoas
            )
            if hidden:
                shown = [c for k, c in cols.items() if k in DERIVED and not _blank(row[c])]
                leaks += [f"{path.name}:{i}: {c}={row[c]} beside a hidden count" for c in shown]
    return leaks


def gpkg_leaks(path: Path, hidden_lsoas: set[str]) -> list[str]:
    leaks = []
    for name, _ in pyogrio.list_layers(path):
        if name == "hotspot_params":
            continue
        df = pyogrio.read_dataframe(path, layer=name, read_geometry=False)
        cols = {c.lower(): c for c in df.columns}
        for i, row in df.iterrows():
            counts = [row[c] for k, c in cols.items() if k in COUNTS]
            leaks += [f"{name}:{i}: count {v}" for v in counts if _small(v)]
            hidden = bool(str(row.get("suppressed") or "")) or (
                name in LSOA_RATE_TABLES and row.get("code") in hidden_lsoas
            )
            if hidden:
                shown = [c for k, c in cols.items() if k in DERIVED and not _blank(row[c])]
                leaks += [f"{name}:{i}: {c}={row[c]} beside a hidden count" for c in shown]
    return leaks


def html_leaks(path: Path) -> list[str]:
    """Tooltip data of every feature in the page."""
    html = path.read_text(encoding="utf-8")
    leaks = []
    for blob in re.findall(r'\{"_fill"[^{}]*\}', html):
        props = json.loads(blob)
        count = props.get("tt_count", "")
        if _small(count):
            leaks.append(f"tooltip count {count}")
        if count in MARKS:
            leaks += [f"tooltip {k}={props[k]}" for k in ("tt_rate", "tt_change") if props.get(k)]
    return leaks


_WORDS = re.compile(r"(?<![\d.,])(\d+) offences?\b|Offences: (\d+)\b")


def text_leaks(name: str, text: str) -> list[str]:
    """Counts stated in words ("3 offences", "Offences: 3")."""
    return [
        f"{name}: {m.group(0)!r}" for m in _WORDS.finditer(text) if _small(m.group(1) or m.group(2))
    ]


def pdf_text(path: Path) -> str:
    import pypdf

    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def svg_text(path: Path) -> str:
    root = ET.parse(path).getroot()
    return "\n".join("".join(el.itertext()) for el in root.iter("{http://www.w3.org/2000/svg}text"))


def table_leaks(text: str) -> list[str]:
    """The briefing's ward table: a bare whole number 1..N-1 after the rank is a count."""
    block = text.split("Change test\n", 1)[-1].split("Wards ranked by rate", 1)[0]
    return [
        f"ward table: {line!r}"
        for line in block.splitlines()
        if any(re.fullmatch(r"\d+", tok) and _small(tok) for tok in line.split()[1:])
    ]


# --------------------------------------------------------------------------- the run


def test_the_hostile_run_exits_0_with_every_output(hostile_run):
    out, done = hostile_run
    assert done.returncode == 0, done.stderr
    assert "unexpected error" not in done.stderr
    maps = [
        f"map_{k}.{f}"
        for k in ("kde", "gistar", "rates", "change", "clusters", "bivariate", "named_areas")
        for f in ("png", "pdf", "svg")
    ]
    expected = {
        "load_report.txt", "summary.txt", "kde.tif", "results.gpkg",
        "rates_wards.csv", "rates_lsoas.csv", "ward_summary.csv", "bivariate_lsoas.csv",
        "gistar_cells.csv", "gistar_lsoas.csv", "map.html",
        "emerging_hot_spots.csv", "emerging_cube.csv", "evaluation_scores.csv",
        "evaluation_capture.csv", "evaluation_stability.csv",
        "hotspot_zones.csv", "hotspot_zones_places.csv", "kde_hotspot_zones.csv",
        "kde_hotspot_zones_places.csv", "map_points.csv", "named_areas.csv",
        "briefing.pdf", *maps,
    }  # fmt: skip
    assert {p.name for p in out.iterdir()} == expected  # no .part file, no incomplete marker
    assert all((out / name).stat().st_size > 0 for name in expected)
    # offences.gpkg holds single records, which suppression cannot hide: not written, and said
    assert "offences.gpkg is not written" in done.stderr
    assert "offences.gpkg is not written" in (out / "summary.txt").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- suppression


def test_no_csv_holds_a_small_count_or_a_figure_that_recovers_one(hostile_run):
    out, _ = hostile_run
    rows = _csv_rows(out / "rates_wards.csv")
    assert sum(r["count"] in MARKS for r in rows) >= 3  # the selection has small wards
    assert csv_leaks(out) == []


def test_the_geopackage_holds_no_small_count_and_says_so(hostile_run):
    out, _ = hostile_run
    hidden = _hidden_lsoas(_csv_rows(out / "rates_lsoas.csv"))
    assert gpkg_leaks(out / "results.gpkg", hidden) == []
    info = pyogrio.read_info(out / "results.gpkg", layer="rates_wards")
    assert "Small counts suppressed" in info["layer_metadata"]["DESCRIPTION"]
    wards = pyogrio.read_dataframe(out / "results.gpkg", layer="rates_wards")
    assert (wards["suppressed"] != "").sum() >= 3
    assert wards["count"].isna().sum() >= 3


def test_the_html_map_tooltips_hold_no_small_count(hostile_run):
    out, _ = hostile_run
    html = (out / "map.html").read_text(encoding="utf-8")
    assert html.count('"tt_count": "\\u003c5"') >= 3  # "<5", JSON-escaped
    assert html_leaks(out / "map.html") == []


def test_summary_print_maps_and_briefing_state_no_small_count(hostile_run):
    out, _ = hostile_run
    texts = {"summary.txt": (out / "summary.txt").read_text(encoding="utf-8")}
    for path in sorted(out.glob("map_*.svg")):
        texts[path.name] = svg_text(path)
    for path in [*sorted(out.glob("map_*.pdf")), out / "briefing.pdf"]:
        texts[path.name] = pdf_text(path)
    leaks = [leak for name, text in texts.items() for leak in text_leaks(name, text)]
    leaks += table_leaks(texts["briefing.pdf"])
    assert leaks == []
    # the reader is told: the hidden wards are left uncoloured and the pack says why
    assert "fewer than 5 offences" in texts["map_rates.svg"]
    assert "counts from 1 to 4 are shown as <5" in texts["briefing.pdf"]
    # and the summary does not list a ward whose count is hidden
    hidden = {r["name"] for r in _csv_rows(out / "rates_wards.csv") if r["count"] in MARKS}
    listed = texts["summary.txt"].split("Rates by ward", 1)[1].split("\n\n", 1)[0]
    assert not [name for name in hidden if f"  {name}:" in listed]


def test_the_scan_finds_the_small_counts_when_suppression_is_off(open_run):
    hidden = _hidden_lsoas(_csv_rows(open_run / "rates_lsoas.csv"))
    assert hidden == set()
    assert len(csv_leaks(open_run)) > 10
    assert len(gpkg_leaks(open_run / "results.gpkg", hidden)) > 10
    assert len(html_leaks(open_run / "map.html")) > 10


# --------------------------------------------------------------------------- hostile text


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="headless Chromium not installed")
def test_the_html_map_runs_nothing_when_every_feature_is_hovered(hostile_run, tmp_path):
    out, _ = hostile_run
    html = (out / "map.html").read_text(encoding="utf-8")
    report = hover_in_chromium(html, tmp_path)  # every feature of every layer
    verdict, hover = report["verdict"], report["hover"]
    assert verdict == {"pwned": 0, "handlers": [], "injected": 0}
    assert hover["hovered"] > 2 * 170 + 2 * 18  # LSOAs (clusters, outlines), wards, Gi* cells
    shown = "\n".join(hover["tooltips"])
    for name in HOSTILE_WARD_NAMES[:5] + FORMULA_NAMES + MATH_NAMES:
        assert name in shown, name
    assert "Rows kept: 0" in hover["title"]


def test_no_csv_cell_is_a_formula(hostile_run):
    out, _ = hostile_run
    for path in sorted(out.glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.reader(fh):
                for cell in row:
                    runs = cell[:1] in ("=", "+", "-", "@", "\t", "\r")
                    assert not runs or re.fullmatch(r"-?\d+(\.\d+)?(e-?\d+)?", cell), (path, cell)
    rows = _csv_rows(out / "rates_wards.csv")
    names = [r["name"] for r in rows]
    for name in FORMULA_NAMES:
        assert "'" + name in names  # shown as the text it is
    falls = [r["change"] for r in rows if r["change"].startswith("-")]
    assert falls and all(float(c) < 0 for c in falls)  # negative numbers stay numbers


def test_text_files_keep_one_value_per_line(hostile_run):
    out, _ = hostile_run
    for name in ("summary.txt", "load_report.txt"):
        text = (out / name).read_text(encoding="utf-8")
        assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f\u202e]", text), name
        lines = text.split("\n")
        assert not [ln for ln in lines if ln.startswith(("Rows kept: 0", "Warning: forged"))]
        title = [ln for ln in lines if "<b>Title</b>" in ln]
        assert title and all("Rows kept: 0\\x1b[2J" in ln for ln in title), name
    report = (out / "load_report.txt").read_text(encoding="utf-8")
    assert f"Offence group: {HOSTILE_GROUP.replace(chr(9), chr(92) + 't')}" in report


def test_print_maps_and_briefing_draw_the_names_literally(hostile_run):
    out, _ = hostile_run
    group = HOSTILE_GROUP.replace("\t", "\\t")  # as typed; the tab shown as an escape
    for path in sorted(out.glob("map_*.svg")):
        assert group in svg_text(path), path  # "$w$" not set as mathematics
        root = ET.parse(path).getroot()
        assert not list(root.iter("{http://www.w3.org/2000/svg}script")), path
        assert not [
            (el.tag, a) for el in root.iter() for a in el.attrib if a.lower().startswith("on")
        ], path
    pack = pdf_text(out / "briefing.pdf")
    for name in (r"$\alpha$ Park", r"$\frac$ Green", "Pay $5 Street", FORMULA_NAMES[0]):
        assert name in pack, name
    assert "$\\alpha$ =1+1" in pack and "0\\x1b[2J" in pack  # the title; the escape shown


def test_geopackage_keeps_the_names_exactly(hostile_run):
    out, _ = hostile_run
    wards = pyogrio.read_dataframe(out / "results.gpkg", layer="rates_wards")
    assert sorted(wards["name"]) == sorted(HOSTILE_WARD_NAMES)
