"""Helpers the window tests share: waiting for the window to settle."""

from __future__ import annotations

LOAD_TIMEOUT = 60_000


def wait_for_map(qtbot, window) -> None:
    """Wait until no job runs and the map page reflects the current layers."""
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=LOAD_TIMEOUT)
    qtbot.waitUntil(lambda: not window._map_timer.isActive(), timeout=5000)
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=LOAD_TIMEOUT)
    if window.map.html:
        qtbot.waitUntil(lambda: window.map.loaded_html == window.map.html, timeout=30_000)
