"""Headless Debian Chromium with the network blocked, for the tests that open HTML pages."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="headless Chromium not installed at /usr/bin/chromium "
    "(apt-get install chromium; .ci/run installs it)",
)


def dump_dom(
    page: Path, tmp_path: Path, *extra: str, budget_ms: int = 5000
) -> subprocess.CompletedProcess:
    """Load ``page`` (a file) in headless Chromium and return the run (DOM on stdout).

    Every request goes to a proxy on a closed port, loopback included, so the page
    gets nothing from the network; ``extra`` adds switches (e.g. a network log).
    The virtual-time budget lets the page's timers run before the DOM is dumped.
    """
    profile = tmp_path / "chromium-profile"
    cmd = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        "--proxy-server=127.0.0.1:9",  # nothing listens there: every request fails
        "--proxy-bypass-list=<-loopback>",
        *extra,
        "--window-size=1200,800",
        f"--virtual-time-budget={budget_ms}",
        "--dump-dom",
        page.as_uri(),
    ]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    assert done.returncode == 0, done.stderr[-2000:]
    return done
