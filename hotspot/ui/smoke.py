"""``hotspot --smoke-test``: open a project (the demo), wait for its map, report, exit.

For IT after deploying the bundle and for CI: it proves that Qt, QtWebEngine, the
local Leaflet files and the data readers work on the machine, with no network. It
prints one line, ``smoke test: ok ...``, and exits 0 when the project's data are loaded
and its map page shows a Leaflet map with layers; otherwise it prints why and exits 1.
Every request the web page makes for something outside the application (anything but
``file:``, ``data:``, ``qrc:``, ``blob:`` and ``about:`` URLs) is blocked, recorded and
fails the test.

The window keeps its settings in a temporary folder, so the user's own (last project,
recent projects, window geometry) are left as they were.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWebEngineCore import QWebEngineProfile, QWebEngineUrlRequestInterceptor

from hotspot.core import paths
from hotspot.ui.map_view import FIND_MAP_JS as FIND_MAP

LOCAL_SCHEMES = frozenset({"file", "data", "qrc", "blob", "about"})
ENV_TIMEOUT = "HOTSPOT_SMOKE_TIMEOUT"
DEFAULT_TIMEOUT_S = 120.0
_COUNT_LAYERS = (
    f"(function(){{const m={FIND_MAP}; if(!m) return -1;"
    " let n=0; m.eachLayer(function(){n++;}); return n;})()"
)


class RequestLog(QWebEngineUrlRequestInterceptor):
    """Records, and blocks, every web request for something outside the application."""

    def __init__(self) -> None:
        super().__init__()
        self.outside: list[str] = []

    def interceptRequest(self, info) -> None:  # noqa: N802 - Qt API
        url = info.requestUrl()
        if url.scheme().lower() not in LOCAL_SCHEMES:
            self.outside.append(url.toString())
            info.block(True)


def _say(text: str) -> None:
    print(f"smoke test: {text}", flush=True)


def run(app, project: Path, timeout_s: float | None = None) -> int:
    """Open ``project`` in a window, wait for its map; return the exit status (0 = ok).

    Parameters
    ----------
    app : QApplication
        The running application.
    project : Path
        The project to open (``hotspot --smoke-test`` opens the demo).
    timeout_s : float, optional
        How long to wait for the map (default ``HOTSPOT_SMOKE_TIMEOUT`` or 120 s).
    """
    from hotspot.ui import errors
    from hotspot.ui.app import create_window

    if timeout_s is None:
        timeout_s = float(os.environ.get(ENV_TIMEOUT, DEFAULT_TIMEOUT_S))
    start = time.perf_counter()
    requests = RequestLog()
    QWebEngineProfile.defaultProfile().setUrlRequestInterceptor(requests)
    state: dict = {"status": None, "problems": []}

    def finish(status: int, text: str) -> None:
        if state["status"] is not None:
            return
        state["status"] = status
        _say(text)
        app.exit(status)

    def unexpected(summary: str, details: str) -> None:
        print(details, file=sys.stderr, flush=True)
        finish(1, f"FAILED: unexpected error: {summary}")

    errors.reporter().show = unexpected
    scratch = tempfile.TemporaryDirectory(prefix="hotspot-smoke-")
    saved = os.environ.get(paths.ENV_SETTINGS_DIR)
    os.environ[paths.ENV_SETTINGS_DIR] = scratch.name
    window = create_window(project)
    window.session.problem.connect(lambda where, msg: state["problems"].append(msg))
    window.show()

    def counted(layers) -> None:
        elapsed = time.perf_counter() - start
        if requests.outside:
            finish(1, f"FAILED: the page asked for {', '.join(sorted(set(requests.outside)))}")
        elif not isinstance(layers, int | float) or layers <= 0:
            finish(1, f"FAILED: the map page has no Leaflet map with layers ({layers!r})")
        else:
            finish(
                0,
                f"ok: {window.session.project.name}: map with {int(layers)} layers shown "
                f"{elapsed:.2f} s after the window was created; no request left the machine",
            )

    def poll() -> None:
        if state["status"] is not None:
            return
        if state["problems"]:
            finish(1, f"FAILED: {state['problems'][0]}")
            return
        ws = window.session.workspace
        if ws is not None and window.map.loaded_html and not window.runner.busy:
            window.map.run_js(_COUNT_LAYERS, counted)
            return
        if time.perf_counter() - start > timeout_s:
            stage = "data not loaded" if ws is None else "map page not loaded"
            finish(1, f"FAILED: {stage} after {timeout_s:.0f} s")
            return
        QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)
    app.exec()
    window.runner.cancel()
    window.runner.shutdown()
    window.map.dispose()
    QWebEngineProfile.defaultProfile().setUrlRequestInterceptor(None)
    if saved is None:
        os.environ.pop(paths.ENV_SETTINGS_DIR, None)
    else:
        os.environ[paths.ENV_SETTINGS_DIR] = saved
    scratch.cleanup()
    return int(state["status"] if state["status"] is not None else 1)
