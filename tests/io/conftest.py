"""Fixtures for the reader tests: real police.uk data read once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from hotspot.io import read_offences


@pytest.fixture(scope="session")
def col_folder(shared_data: Path) -> Path:
    """The City of London police.uk CSV folder (36 months)."""
    return shared_data / "police-uk" / "city-of-london-street-csv"


@pytest.fixture(scope="session")
def col_offences(col_folder):
    """The City of London folder read once."""
    return read_offences(col_folder)


@pytest.fixture(scope="session")
def lewisham_json(shared_data: Path) -> Path:
    """The Lewisham police.uk API JSON folder (522 files)."""
    return shared_data / "police-uk" / "lewisham-api-json"


@pytest.fixture(scope="session")
def lewisham_offences(lewisham_json):
    """The Lewisham JSON folder read once."""
    return read_offences(lewisham_json)


@pytest.fixture(scope="session")
def boundaries(shared_data: Path) -> Path:
    return shared_data / "boundaries"


@pytest.fixture(scope="session")
def context(shared_data: Path) -> Path:
    return shared_data / "context"
