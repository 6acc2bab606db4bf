"""Adding files: what kind each file is (detected, or asked), and the source options."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QInputDialog, QWidget

from hotspot.core.errors import HotspotError

KIND_LABELS = {
    "offences": "Offence data (police.uk or other points)",
    "areas": "Boundaries (wards, LSOAs, an outline)",
    "indicators": "Context table (IMD, SAMHI, population)",
    "lookup": "Code lookup (LSOA to ward, 2011 to 2021)",
    "reference": "Reference layer (roads, places, town centres)",
}
_ROLE_OF_LEVEL = {"ward": "wards", "lsoa": "lsoas"}
_INDICATOR_DETAILS = ("imd", "samhi", "population")


def ask_kind(path: Path, candidates: list[str], parent: QWidget | None = None) -> str | None:
    """Ask which kind of file ``path`` is; None when the user cancels. Tests replace this."""
    options = [KIND_LABELS[c] for c in candidates if c in KIND_LABELS] or list(KIND_LABELS.values())
    choice, ok = QInputDialog.getItem(
        parent,
        "What is this file?",
        f"Hotspot cannot tell what {path.name} holds. Add it as:",
        options,
        0,
        False,
    )
    if not ok:
        return None
    return next(k for k, label in KIND_LABELS.items() if label == choice)


def classify(path: Path, parent: QWidget | None = None) -> tuple[str, str | None] | None:
    """Return (kind, detail) for a file, asking the user when the detection is ambiguous.

    Returns None when the user declines to choose.

    Raises
    ------
    hotspot.core.errors.InputError
        When the file cannot be read at all.
    """
    from hotspot.io import detect_kind

    found = detect_kind(path)
    if found.kind is not None:
        return found.kind, found.detail
    kind = ask_kind(path, list(found.candidates or KIND_LABELS), parent)
    if kind is None:
        return None
    return kind, None


def source_options(kind: str, detail: str | None) -> dict[str, Any]:
    """Project-file options for a detected file ("level"/"role" for areas, "indicator")."""
    if kind == "areas" and detail in _ROLE_OF_LEVEL:
        return {"level": detail, "role": _ROLE_OF_LEVEL[detail]}
    if kind == "areas" and detail == "other":
        return {"level": "other"}  # the pipeline makes a lone polygon the study area
    if kind == "indicators" and detail in _INDICATOR_DETAILS:
        return {"indicator": detail}
    return {}


def describe_failure(path: Path, exc: HotspotError) -> str:
    """A message for a file that could not be added."""
    return f"{path.name} was not added: {exc}"
