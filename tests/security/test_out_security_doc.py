"""SECURITY.md: linked from the README, naming every file ``hotspot run`` writes and the limits."""

from __future__ import annotations

import re
from pathlib import Path

from hotspot.pipeline import (
    load_report,
    output_briefing,
    output_maps,
    output_summary,
    output_tables,
    registry,
    run,
)

ROOT = Path(__file__).resolve().parents[2]


def _doc() -> str:
    return (ROOT / "SECURITY.md").read_text(encoding="utf-8")


def test_readme_links_the_security_page():
    assert "[SECURITY.md](SECURITY.md)" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_output_file_is_described_with_its_suppression():
    doc = _doc()
    rows = dict(re.findall(r"^\| `([^`]+)` \| [^|]+ \| ([^|]+) \|$", doc, re.MULTILINE))
    files = [
        load_report.LOAD_REPORT_FILE,
        load_report.OFFENCES_FILE,
        *(f.name for spec in registry.analyses() for f in spec.files),  # kde.tif
        output_summary.SUMMARY_FILE,
        output_tables.GPKG_FILE,
        output_maps.HTML_FILE,
        output_briefing.BRIEFING_FILE,
        run.INCOMPLETE_FILE,
    ]
    for name in files:
        assert name in rows, f"SECURITY.md does not describe {name}"
    assert "*.csv" in rows and "map_<type>.png/pdf/svg" in rows
    assert all(n.endswith(".csv") for spec in registry.analyses() for n in spec.csv_names)
    assert rows["offences.gpkg"].startswith("record level")
    assert "gpkg_exact_counts" in rows["results.gpkg"]


def test_network_use_limits_and_reporting_are_stated():
    doc = _doc()
    assert "tile.openstreetmap.org" in doc and 'basemap = "osm"' in doc
    limits = doc.split("### What suppression cannot reach", 1)[1].split("## Reporting", 1)[0]
    for topic in (
        "Gi\\* z-scores",
        "kernel density surface",
        "Local bivariate Moran",
        "Offence points",
    ):
        assert topic in limits, topic
    assert "## Reporting a problem" in doc and "never attach real offence data" in doc
