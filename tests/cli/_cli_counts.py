"""Independent counts of police.uk CSV rows (csv module only), to check the CLI's outputs."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

SERIOUS_VIOLENCE = ("Violence and sexual offences", "Robbery", "Possession of weapons")


@dataclass(frozen=True)
class CsvCounts:
    rows: int
    no_coordinates: int
    duplicates: int
    kept_ids_by_month_and_category: dict[tuple[str, str], int]


def count_police_csv(folder: Path) -> CsvCounts:
    """Count rows as police.uk defines them: no coordinates first, then repeated Crime IDs."""
    rows = no_coords = dups = 0
    seen: set[str] = set()
    kept: dict[tuple[str, str], int] = {}
    for f in sorted(folder.rglob("*-street.csv")):
        with f.open(newline="", encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                rows += 1
                if not r["Longitude"] or not r["Latitude"]:
                    no_coords += 1
                    continue
                cid = r["Crime ID"]
                if cid and cid in seen:
                    dups += 1
                    continue
                if cid:
                    seen.add(cid)
                key = (r["Month"], r["Crime type"])
                kept[key] = kept.get(key, 0) + 1
    return CsvCounts(rows, no_coords, dups, kept)


def selected_count(counts: CsvCounts, months: list[str], categories=SERIOUS_VIOLENCE) -> int:
    """Kept rows of ``categories`` in ``months``."""
    return sum(
        n
        for (m, c), n in counts.kept_ids_by_month_and_category.items()
        if m in months and c in categories
    )


def last_months(folder: Path, n: int) -> list[str]:
    """The last ``n`` months of a police.uk archive folder (by folder name)."""
    months = sorted(p.name for p in folder.iterdir() if re.fullmatch(r"\d{4}-\d{2}", p.name))
    return months[-n:]


def report_numbers(text: str) -> dict[str, int]:
    """Parse "Rows read", "Rows kept" and each "  - reason: n" line of a load report."""
    out: dict[str, int] = {}
    section = None
    for line in text.splitlines():
        m = re.match(r"^Rows (read|kept): ([\d,]+)$", line)
        if m:
            out[f"rows {m.group(1)}"] = int(m.group(2).replace(",", ""))
            continue
        if line.startswith("Rows not used"):
            section = "dropped"
            continue
        m = re.match(r"^  - (.+): ([\d,]+)$", line)
        if m and section == "dropped":
            out[f"dropped {m.group(1)}"] = int(m.group(2).replace(",", ""))
            continue
        section = None
    return out
