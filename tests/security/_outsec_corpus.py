"""The output-side hostile corpus: names and titles as a careless or hostile file holds them.

Built by the tests themselves (nothing here is a file in the repository): the
strings, a demo borough whose ward and LSOA names are rewritten with them, and a
headless-Chromium harness that opens an HTML page with the network blocked, hovers
every feature and reports whether anything ran.
"""

from __future__ import annotations

import html as _html
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from _chromium import dump_dom

# --------------------------------------------------------------------------- strings

SCRIPT_NAMES = [
    '<img class="pwn" src=x onerror="window.__pwned=(window.__pwned||0)+1">',
    '<svg class="pwn" onload="window.__pwned=(window.__pwned||0)+1"></svg>',
    "</script><script>window.__pwned=(window.__pwned||0)+1</script>",
    '"><img class=pwn src=x onerror=window.__pwned=1>',
    '<b class="pwn">bold</b> &amp; <i class="pwn">Ward</i>',
]
"""Names that would run script (or turn into markup: class "pwn") if read as HTML."""

FORMULA_NAMES = ['=HYPERLINK("http://x","y")', "-1+2", "@SUM(A1)", "+cmd|' /C calc'!A0"]
"""Names a spreadsheet would run as formulas."""

MATH_NAMES = ["$x$ Ward", r"$\alpha$ Park", "Pay $5 Street", r"$\frac$ Green", "Cost $ and $$ End"]
"""Names matplotlib would read as mathtext (one of them does not even parse)."""

CONTROL_NAMES = ["Line\nRows kept: 0", "Bell\x07\x1b[31mRed", "Back\rWarning: forged", "\u202eLive"]
"""Names whose control characters would forge or hide lines."""

HOSTILE_WARD_NAMES = SCRIPT_NAMES + FORMULA_NAMES + MATH_NAMES + CONTROL_NAMES
HOSTILE_TITLE = "<b>Title</b> </script> $\\alpha$ =1+1\nRows kept: 0\x1b[2J"
HOSTILE_GROUP = '<i class="pwn">Weapons</i> $w$ =1+1\tgroup'
"""An offence group (possession of weapons: few offences, so small counts in every ward)."""


# --------------------------------------------------------------------------- demo


def hostile_demo(
    folder: Path,
    *,
    suppress_below: int = 0,
    everything: bool = True,
    weapons: bool = True,
    **outputs: Any,
) -> Path:
    """A demo borough with hostile ward and LSOA names and project title; its project path.

    The ward GeoJSON's names (``WD24NM``) take :data:`HOSTILE_WARD_NAMES` in turn
    (and the lookup's ward names follow), a few LSOAs are renamed too, and the
    project title is :data:`HOSTILE_TITLE`. With ``weapons`` the selection is the
    group :data:`HOSTILE_GROUP` (possession of weapons only: small counts in most
    areas). With ``everything``, the project asks for every output: CSV, GeoPackage,
    every print map in PNG, PDF and SVG, the HTML map and the briefing pack with two
    ward pages; ``outputs`` sets any other ``[outputs]`` value.
    """
    from dataclasses import replace

    from hotspot.demo import write_demo
    from hotspot.model import Project

    files = write_demo(folder)
    wards_path = folder / "boundaries" / "wrenmoor_wards_2024.geojson"
    doc = json.loads(wards_path.read_text(encoding="utf-8"))
    renamed = {}
    for feature, name in zip(doc["features"], HOSTILE_WARD_NAMES, strict=False):
        renamed[feature["properties"]["WD24CD"]] = name
        feature["properties"]["WD24NM"] = name
    wards_path.write_text(json.dumps(doc), encoding="utf-8")
    lookup = folder / "context" / "wrenmoor_lookup_lsoa21_ward24.csv"
    if lookup.exists():
        import pandas as pd

        table = pd.read_csv(lookup, dtype=str)
        table["WD24NM"] = table["WD24CD"].map(renamed).fillna(table["WD24NM"])
        table.to_csv(lookup, index=False)
    lsoas_path = folder / "boundaries" / "wrenmoor_lsoa_2021.geojson"
    doc = json.loads(lsoas_path.read_text(encoding="utf-8"))
    for feature, name in zip(doc["features"], SCRIPT_NAMES + FORMULA_NAMES, strict=False):
        feature["properties"]["LSOA21NM"] = name
    lsoas_path.write_text(json.dumps(doc), encoding="utf-8")

    _hostile_places(folder)

    project = Project.load(files.project)
    project.name = HOSTILE_TITLE
    if weapons:
        project.groups[HOSTILE_GROUP] = ["Possession of weapons"]
        project.selection = replace(project.selection, group=HOSTILE_GROUP)
    wanted: dict[str, Any] = {"suppress_below": suppress_below}
    if everything:
        wanted.update(
            maps=("kde", "gistar", "rates", "change", "clusters", "bivariate", "named_areas"),
            map_formats=("png", "pdf", "svg"),
            html=True,
            briefing=True,
            briefing_wards=(HOSTILE_WARD_NAMES[0], MATH_NAMES[3]),
        )
    wanted.update(outputs)
    project.outputs = replace(project.outputs, **wanted)
    project.save(files.project)
    return files.project


HOSTILE_STREETS = {
    "Wrenmoor High Street": SCRIPT_NAMES[0],
    "Hallowmere Parade": FORMULA_NAMES[0],
    "Stannet Cross Broadway": MATH_NAMES[1],
    "Corrow Street": CONTROL_NAMES[0],
}
"""The demo's high streets (the busiest map points, named by every hot spot zone) renamed."""


def _hostile_places(folder: Path) -> None:
    """Street names in the offences and the roads, and town-centre names, made hostile."""
    import pandas as pd

    for path in sorted((folder / "police-uk").glob("*/*-street.csv")):
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        for street, name in HOSTILE_STREETS.items():
            table.loc[table["Location"] == f"On or near {street}", "Location"] = (
                f"On or near {name}"
            )
        table.to_csv(path, index=False)
    roads = folder / "reference" / "wrenmoor_roads.geojson"
    doc = json.loads(roads.read_text(encoding="utf-8"))
    for feature in doc["features"]:
        name = feature["properties"].get("name1")
        feature["properties"]["name1"] = HOSTILE_STREETS.get(name, name)
    roads.write_text(json.dumps(doc), encoding="utf-8")
    centres = folder / "reference" / "wrenmoor_town_centres.geojson"
    doc = json.loads(centres.read_text(encoding="utf-8"))
    for feature, name in zip(doc["features"], SCRIPT_NAMES[1:] + FORMULA_NAMES, strict=False):
        feature["properties"]["tc_name"] = name
    centres.write_text(json.dumps(doc), encoding="utf-8")


# --------------------------------------------------------------------------- browser

HOVER_JS = r"""
(function () {
  var report = {tooltips: [], hovered: 0};
  document.querySelectorAll(".leaflet-control-layers-selector").forEach(function (box) {
    if (!box.checked) { box.click(); }
  });
  var map = null;
  Object.keys(window).forEach(function (k) {
    if (k.indexOf("map_") === 0 && window.L && window[k] instanceof L.Map) { map = window[k]; }
  });
  var targets = [];
  map.eachLayer(function (layer) {  // every feature and point of every layer
    var el = layer._path || layer._icon;
    if (el) { targets.push(el); }
  });
  var rects = targets.map(function (el) { return el.getBoundingClientRect(); });
  targets.forEach(function (el, i) {
    var r = rects[i];
    var at = {bubbles: true, cancelable: true, view: window,
              clientX: r.left + r.width / 2, clientY: r.top + r.height / 2};
    el.dispatchEvent(new MouseEvent("mouseover", at));
    el.dispatchEvent(new MouseEvent("mousemove", at));
    document.querySelectorAll(".leaflet-tooltip").forEach(function (t) {
      report.tooltips.push(t.textContent);
    });
    el.dispatchEvent(new MouseEvent("click", at));
    el.dispatchEvent(new MouseEvent("mouseout", at));
    report.hovered += 1;
  });
  function texts(selector) {
    return Array.from(document.querySelectorAll(selector)).map(function (e) {
      return e.textContent;
    });
  }
  report.controls = texts(".leaflet-control-layers-overlays label > span > span");
  report.labels = texts(".hotspot-label");
  report.title = texts(".hotspot-title").join("");
  report.legend = texts(".hotspot-legend").join("");
  return JSON.stringify(report);
})()
"""
"""Switch every layer on, hover (and click) every feature; report what was shown: the
tooltip texts and the texts of the layer control, labels, title box and legend."""

VERDICT_JS = r"""
(function () {
  var handlers = Array.from(document.querySelectorAll("*")).filter(function (e) {
    return Array.from(e.attributes).some(function (a) { return /^on/i.test(a.name); });
  });
  return JSON.stringify({
    pwned: window.__pwned || 0,
    handlers: handlers.map(function (e) { return e.outerHTML.slice(0, 120); }),
    injected: document.querySelectorAll(".pwn, img[src='x']").length
  });
})()
"""
"""After the hovering: did any injected handler run, does any injected element exist?"""


def hover_in_chromium(html: str, tmp_path: Path) -> dict[str, Any]:
    """Open ``html`` in headless Chromium (network blocked), hover everything, report.

    The page is loaded from a file with every request sent to a closed proxy port. A
    test-only script appended to the page runs :data:`HOVER_JS` once the map is up,
    waits for image errors and SVG loads to fire, then :data:`VERDICT_JS`; both
    reports are read back from the DOM Chromium dumps.
    """
    harness = (
        "<script>window.addEventListener('load', function () { setTimeout(function () {"
        f" var hover = {HOVER_JS.strip()};"
        " setTimeout(function () {"
        f" var verdict = {VERDICT_JS.strip()};"
        " var out = document.createElement('pre'); out.id = 'hotspot-test-report';"
        " out.textContent = JSON.stringify({hover: JSON.parse(hover),"
        " verdict: JSON.parse(verdict)});"
        " document.body.appendChild(out); }, 1500); }, 500); });</script>"
    )
    page = tmp_path / "page.html"
    head, body_end, tail = html.rpartition("</body>")
    page.write_text(head + harness + body_end + tail, encoding="utf-8")
    done = dump_dom(page, tmp_path, budget_ms=8000)
    found = re.search(r'<pre id="hotspot-test-report">(.*?)</pre>', done.stdout, re.DOTALL)
    assert found, "the page never finished loading: " + done.stdout[-1000:]
    report = json.loads(_html.unescape(found.group(1)))
    report["dom"] = done.stdout
    return report


def run_hotspot(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run the installed ``hotspot`` command as a user would (a real process)."""
    exe = Path(sys.executable).with_name("hotspot")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "hotspot"]
    env = {**os.environ, "HOTSPOT_LOG_DIR": str(cwd)}
    return subprocess.run(
        [*cmd, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=600
    )
